"""Verdicts on finished runs, checked against the runs' own NLLs and the textbook's numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata

import gmmviz
from gmmviz.outcomes import (
    SAME_END_RTOL,
    TO_CONVERGENCE,
    StartsOutcome,
    best_reasonable_restart,
    compare_starts,
    last_change_per_point,
    light_components,
    rank,
    spurious_components,
)

X, _ = gmmviz.datasets.textbook()


def _fit(init: str, **settings) -> gmmviz.GMMRun:
    return gmmviz.fit_gmm(X, 3, init=init, reg_covar=0, random_state=0,
                          **{"max_iter": 20, "tol": 0, **settings})


def test_notes_a_is_stuck_at_a_worse_optimum_than_textbook_b():
    runs = [_fit("notes-a"), _fit("textbook-b")]
    first = compare_starts(runs)
    assert first.outcome is StartsOutcome.APART
    assert (first.worst, first.best) == (0, 1)
    assert first.final_nll == (runs[0].nll[-1], runs[1].nll[-1])
    assert first.gap == runs[0].nll[-1] - runs[1].nll[-1]
    assert first.converged_nll is None

    ends = (_fit("notes-a", **TO_CONVERGENCE), _fit("textbook-b", **TO_CONVERGENCE))
    assert all(end.converged_ for end in ends)
    verdict = compare_starts(runs, converged=ends)
    assert verdict.outcome is StartsOutcome.WORSE_OPTIMUM
    assert verdict.converged_nll == (ends[0].nll[-1], ends[1].nll[-1])
    # the textbook's run from start B ends at 215.08; the notes' start A settles near 218.9
    assert verdict.converged_nll[1] == pytest.approx(215.08, abs=0.01)
    assert verdict.converged_nll[0] == pytest.approx(218.93, abs=0.01)
    assert (verdict.best, verdict.worst, verdict.final_nll) == (
        first.best, first.worst, first.final_nll)


def test_a_run_stopped_early_only_climbed_more_slowly():
    runs = [_fit("textbook-b"), _fit("textbook-b", max_iter=3)]
    first = compare_starts(runs)
    assert first.outcome is StartsOutcome.APART
    assert (first.best, first.worst) == (0, 1)
    # NLL never rises under EM, so three iterations end above twenty
    assert runs[1].nll[-1] > runs[0].nll[-1] == min(runs[0].nll)
    end = _fit("textbook-b", **TO_CONVERGENCE)
    verdict = compare_starts(runs, converged=(end, end))
    assert verdict.outcome is StartsOutcome.SLOWER_CLIMB
    assert verdict.converged_nll == (end.nll[-1], end.nll[-1])


def test_runs_ending_within_the_tolerance_end_the_same_whatever_runs_on():
    runs = [_fit("textbook-b"), _fit("kmeans"), _fit("textbook-b")]
    gap = max(r.nll[-1] for r in runs) - min(r.nll[-1] for r in runs)
    assert 0 < gap <= SAME_END_RTOL * abs(min(r.nll[-1] for r in runs))
    far = _fit("notes-a", **TO_CONVERGENCE)
    verdict = compare_starts(runs, converged=(far, runs[0]))
    assert verdict.outcome is StartsOutcome.SAME_END
    assert verdict.converged_nll is None
    assert verdict.best == int(np.argmin([r.nll[-1] for r in runs]))
    assert verdict.worst == int(np.argmax([r.nll[-1] for r in runs]))


def test_one_run_ends_the_same_as_itself_and_none_is_refused():
    verdict = compare_starts([_fit("textbook-b")])
    assert verdict.outcome is StartsOutcome.SAME_END
    assert (verdict.best, verdict.worst, verdict.gap) == (0, 0, 0.0)
    with pytest.raises(ValueError, match="at least one run"):
        compare_starts([])


@pytest.mark.parametrize("tol", [1e-2, 1e-3, 1e-4])
def test_the_last_change_is_what_tol_stops_on(tol):
    converged = _fit("textbook-a", max_iter=500, tol=tol)
    assert converged.converged_
    assert last_change_per_point(converged.nll, X.shape[0]) < tol
    cut = _fit("textbook-a", max_iter=converged.n_iter_ - 1, tol=tol)
    assert not cut.converged_
    assert last_change_per_point(cut.nll, X.shape[0]) >= tol
    assert last_change_per_point(cut.nll[:1], X.shape[0]) == 0.0


def test_light_components_are_those_below_the_weight():
    weights = np.array([0.5, 0.004, 0.486, 0.0099, 0.0001])
    assert light_components(weights) == [1, 3, 4]
    assert light_components(weights, min_weight=0.005) == [1, 4]
    assert light_components(np.array([1.0])) == []


def test_the_best_of_fifty_restarts_on_the_textbook_is_spurious_and_the_next_is_not():
    # Compare -> Restarts with its defaults: 50 random starts, 200 iterations, tol 1e-5
    result = gmmviz.fit_restarts(X, 3, 50, init="random", max_iter=200, tol=1e-5,
                                 reg_covar=1e-6, random_state=0)
    best = result.best_index
    assert round(result.nll[best], 2) == 212.75
    assert spurious_components(result.weights_[best], result.covariances_[best], 100) == [2]
    # a thin component: pi = 0.127 (12.7 points) and det Sigma = 8e-4
    assert result.weights_[best][2] == pytest.approx(0.127, abs=5e-4)
    assert np.linalg.det(result.covariances_[best][2]) == pytest.approx(8.0e-4, abs=5e-6)
    # the lowest restart without one is the optimum of the textbook's run, 215.08
    reasonable = best_reasonable_restart(result)
    assert round(result.nll[reasonable], 2) == 215.08
    clean = [i for i in np.argsort(result.nll, kind="stable")
             if not spurious_components(result.weights_[i], result.covariances_[i], 100)]
    assert reasonable == clean[0]
    end = _fit("textbook-b", **TO_CONVERGENCE)
    assert spurious_components(end.weights_, end.covariances_, 100) == []


def test_a_component_is_spurious_only_when_it_is_both_light_and_small():
    eye = np.eye(2)
    weights = np.array([0.5, 0.45, 0.05])
    tight = np.stack([eye, 2 * eye, 1e-3 * eye])
    # 5 points in an ellipse of 1/2000 (the square root of 1e-6 / 4) of the widest one's area
    assert spurious_components(weights, tight, 100) == [2]
    # the same shape with 50 points behind it is a cluster
    assert spurious_components(weights, tight, 1000) == []
    # 5 points spread as wide as the others are not
    assert spurious_components(weights, np.stack([eye, 2 * eye, 0.5 * eye]), 100) == []
    # the two thresholds, either side: 19 against 21 points, an area share of 0.09 against 0.11
    area = np.stack([eye, eye, 0.09 * eye])
    assert spurious_components(np.array([0.5, 0.31, 0.19]), area, 100) == [2]
    assert spurious_components(np.array([0.5, 0.29, 0.21]), area, 100) == []
    assert spurious_components(np.array([0.5, 0.31, 0.19]), np.stack([eye, eye, 0.11 * eye]),
                               100) == []
    assert spurious_components(np.array([1.0]), np.stack([1e-9 * eye]), 3) == []


def test_rank_agrees_with_scipys_ordinal_rank():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 5, size=40).astype(float)  # many ties
    expected = rankdata(values, method="ordinal")
    assert [rank(values, i) for i in range(len(values))] == expected.tolist()
