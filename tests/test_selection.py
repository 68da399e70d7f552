"""Model choice: parameter counts, BIC/AIC against scikit-learn, restarts, identical starts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

import gmmviz
from gmmviz import selection
from gmmviz.selection import (
    aic,
    bic,
    fit_restarts,
    identical_start_check,
    n_parameters,
    selection_grid,
)

COV_TYPES = gmmviz.COVARIANCE_TYPES


@pytest.fixture(scope="module")
def textbook() -> np.ndarray:
    return gmmviz.datasets.textbook()[0]


@pytest.fixture(scope="module")
def blobs() -> np.ndarray:
    return gmmviz.datasets.make("blobs", n_samples=300, random_state=1)[0]


def sklearn_model(run: gmmviz.GMMRun) -> GaussianMixture:
    """A scikit-learn GaussianMixture carrying a run's final parameters."""
    cov = run.covariance_type
    full = run.covariances_
    covariances = {
        "full": full,
        "diag": np.diagonal(full, axis1=1, axis2=2).copy(),
        "spherical": full[:, 0, 0].copy(),
        "tied": full[0],
    }[cov]
    gm = GaussianMixture(run.n_components, covariance_type=cov)
    gm.weights_ = run.weights_
    gm.means_ = run.means_
    gm.covariances_ = covariances
    gm.precisions_cholesky_ = _compute_precision_cholesky(covariances, cov)
    return gm


# --------------------------------------------------------------------------- parameter counts
@pytest.mark.parametrize("cov", COV_TYPES)
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_n_parameters_matches_sklearn(cov: str, k: int) -> None:
    gm = GaussianMixture(k, covariance_type=cov)
    gm.means_ = np.zeros((k, 2))
    assert n_parameters(k, cov) == gm._n_parameters()


def test_n_parameters_closed_forms() -> None:
    # (K-1) weights + 2K means + covariances
    assert n_parameters(3, "full") == 2 + 6 + 9
    assert n_parameters(3, "diag") == 2 + 6 + 6
    assert n_parameters(3, "spherical") == 2 + 6 + 3
    assert n_parameters(3, "tied") == 2 + 6 + 3
    assert n_parameters(2, "full", n_features=3) == 1 + 6 + 12


def test_n_parameters_rejects_bad_input() -> None:
    with pytest.raises(gmmviz.InputError):
        n_parameters(0, "full")
    with pytest.raises(gmmviz.InputError, match="covariance type"):
        n_parameters(2, "round")


@pytest.mark.parametrize("cov", COV_TYPES)
def test_bic_aic_match_sklearn(blobs: np.ndarray, cov: str) -> None:
    run = gmmviz.fit_gmm(blobs, 3, covariance_type=cov, init="kmeans", random_state=0)
    gm = sklearn_model(run)
    assert bic(run) == pytest.approx(gm.bic(blobs), rel=1e-9)
    assert aic(run) == pytest.approx(gm.aic(blobs), rel=1e-9)


def test_bic_penalises_more_than_aic_for_many_points(blobs: np.ndarray) -> None:
    run = gmmviz.fit_gmm(blobs, 2, random_state=0)
    p = n_parameters(2, "full")
    assert bic(run) - aic(run) == pytest.approx(p * (np.log(blobs.shape[0]) - 2.0))


# --------------------------------------------------------------------------- restarts
@pytest.mark.parametrize("cov", COV_TYPES)
@pytest.mark.parametrize("init", ["random", "kmeans", "random_resp", "k-means++"])
def test_batched_restart_equals_fit_gmm(blobs: np.ndarray, cov: str, init: str) -> None:
    n_init = 3 if init == "kmeans" else 6  # K-means starts are the slow part
    res = fit_restarts(blobs, 4, n_init, covariance_type=cov, init=init, max_iter=40,
                       random_state=11)
    assert list(res.seeds) == list(range(11, 11 + n_init))
    for i in range(res.n_init):
        run = gmmviz.fit_gmm(blobs, 4, covariance_type=cov, init=init, max_iter=40,
                             random_state=int(res.seeds[i]))
        assert res.nll[i] == pytest.approx(run.final.nll, rel=1e-10, abs=1e-8)
        assert res.n_iter[i] == run.n_iter_
        assert res.converged[i] == run.converged_
        assert res.stop_reasons[i] == run.stop_reason
        assert res.stop_kinds[i] is run.stop_kind
        np.testing.assert_allclose(res.weights_[i], run.weights_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(res.means_[i], run.means_, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(res.covariances_[i], run.covariances_, rtol=1e-8,
                                   atol=1e-8)


def test_batched_restart_equals_fit_gmm_with_collapse(textbook: np.ndarray) -> None:
    # reg_covar = 0 with many components: some restarts collapse and stop early.
    res = fit_restarts(textbook, 8, 20, reg_covar=0.0, max_iter=80, random_state=0)
    assert any("collapsed" in r for r in res.stop_reasons)
    assert gmmviz.StopKind.COLLAPSED in res.stop_kinds
    for i in range(res.n_init):
        run = gmmviz.fit_gmm(textbook, 8, init="random", reg_covar=0.0, max_iter=80,
                             random_state=int(res.seeds[i]))
        assert res.stop_reasons[i] == run.stop_reason
        assert res.stop_kinds[i] is run.stop_kind
        assert res.converged[i] == (run.stop_kind is gmmviz.StopKind.CONVERGED)
        assert res.n_iter[i] == run.n_iter_
        assert res.nll[i] == pytest.approx(run.final.nll, rel=1e-10)


def test_restarts_in_several_chunks(blobs: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = fit_restarts(blobs, 3, 7, random_state=5)
    monkeypatch.setattr(selection, "_CHUNK_ELEMENTS", 2 * 3 * blobs.shape[0])
    chunked = fit_restarts(blobs, 3, 7, random_state=5)
    np.testing.assert_allclose(chunked.nll, whole.nll, rtol=1e-12)
    assert chunked.stop_reasons == whole.stop_reasons


def test_best_of_restarts_is_the_minimum(blobs: np.ndarray) -> None:
    res = fit_restarts(blobs, 5, 30, random_state=2)
    best = res.best_index
    assert np.all(res.nll[best] <= res.nll)
    assert res.nll[best] == res.nll.min()
    optima = res.distinct_optima()
    assert optima["count"].sum() == res.n_init
    assert optima["nll"].iloc[0] == res.nll.min()
    assert optima["nll"].is_monotonic_increasing
    labels = res.optimum_labels()
    assert labels[best] == 0


def test_refit_reproduces_a_restart(blobs: np.ndarray) -> None:
    res = fit_restarts(blobs, 3, 4, random_state=9)
    run = res.refit(blobs, 2)
    assert run.final.nll == pytest.approx(res.nll[2], rel=1e-12)


def test_distinct_optima_groups_close_values() -> None:
    res = fit_restarts(gmmviz.datasets.textbook()[0], 2, 3, random_state=0)
    fake = selection.RestartsResult(
        nll=np.array([100.0, 100.000001, 105.0, 100.0000005, np.inf]),
        n_iter=np.zeros(5, dtype=int), converged=np.ones(5, dtype=bool),
        stop_reasons=("",) * 5, seeds=np.arange(5), weights_=np.zeros((5, 2)),
        means_=np.zeros((5, 2, 2)), covariances_=np.zeros((5, 2, 2, 2)), n_components=2,
        covariance_type="full", init="random", max_iter=1, tol=0.0, reg_covar=0.0,
        n_samples=res.n_samples)
    optima = fake.distinct_optima(rtol=1e-6)
    assert optima["count"].tolist() == [3, 1, 1]
    assert optima["first_restart"].tolist() == [0, 2, 4]
    assert fake.best_index == 0


def test_restarts_progress_reaches_total(blobs: np.ndarray) -> None:
    calls: list[tuple[int, int]] = []
    fit_restarts(blobs, 3, 5, max_iter=30, random_state=0,
                 progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (150, 150)
    done = [d for d, _ in calls]
    assert done == sorted(done)


def test_restart_seeds_are_documented_offsets() -> None:
    assert selection.restart_seeds(3, 7).tolist() == [7, 8, 9]
    drawn = selection.restart_seeds(4, None)
    assert np.all(np.diff(drawn) == 1)
    with pytest.raises(gmmviz.InputError):
        selection.restart_seeds(3, -1)


def test_a_refused_start_stops_its_restart_alone() -> None:
    # k-means responsibilities on two duplicated points put a component on one point
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5 + [[0.5, 3.0], [2.0, 0.1]])
    res = fit_restarts(X, 3, 6, init="kmeans", reg_covar=0.0, max_iter=5, random_state=0)
    refused = [i for i, r in enumerate(res.stop_reasons) if r.startswith("the start puts")]
    assert refused
    for i in refused:
        assert res.stop_kinds[i] is gmmviz.StopKind.COLLAPSED
        assert res.nll[i] == np.inf and res.n_iter[i] == 0
        with pytest.raises(gmmviz.InputError, match="set reg_covar above 0"):
            gmmviz.fit_gmm(X, 3, init="kmeans", reg_covar=0.0, max_iter=5,
                           random_state=int(res.seeds[i]))


@pytest.mark.parametrize(("random_state", "keyword"), [
    (-5, "from 0 to 4294967292"), (2**32, "from 0 to 4294967292"), (2**64, "from 0"),
    ("x", "whole number"), (1.5, "whole number"), (2**32 - 3, "4 restarts"),
])
def test_restarts_random_state_says_what_to_change(blobs, random_state, keyword) -> None:
    with pytest.raises(gmmviz.InputError, match=f"random_state.*{keyword}"):
        fit_restarts(blobs, 3, 4, random_state=random_state)


def test_restarts_take_the_last_seed_that_leaves_room(blobs) -> None:
    assert fit_restarts(blobs, 3, 4, max_iter=1, random_state=2**32 - 4).seeds[-1] == 2**32 - 1


def test_restarts_reject_bad_input(blobs: np.ndarray) -> None:
    with pytest.raises(gmmviz.InputError):
        fit_restarts(blobs, 3, 0)
    with pytest.raises(gmmviz.InputError):
        fit_restarts(blobs, 3, 5, covariance_type="round")
    with pytest.raises(gmmviz.InputError, match="k = 3 only"):
        fit_restarts(blobs, 2, 5, init="textbook-b")


# --------------------------------------------------------------------------- identical starts
@pytest.mark.parametrize("cov", COV_TYPES)
def test_identical_start_stays_identical(textbook: np.ndarray, cov: str) -> None:
    run = gmmviz.fit_gmm(textbook, 3, init="identical", covariance_type=cov, max_iter=15,
                         tol=0.0)
    assert run.n_iter_ == 15
    assert identical_start_check(run) == 0.0
    resp = run.resp_
    assert np.all(resp == resp[:, :1])  # every point split evenly, at every component


def test_different_start_is_not_identical(textbook: np.ndarray) -> None:
    run = gmmviz.fit_gmm(textbook, 3, init="textbook-b", max_iter=5)
    assert identical_start_check(run) > 0.1


# --------------------------------------------------------------------------- choosing k
def test_selection_grid_shape(textbook: np.ndarray) -> None:
    df = selection_grid(textbook, k_values=range(1, 5), covariance_types=("full", "tied"))
    assert list(df.columns) == ["k", "covariance_type", "bic", "aic", "nll", "n_parameters",
                                "converged"]
    assert len(df) == 8
    assert set(df["covariance_type"]) == {"full", "tied"}
    p = df["n_parameters"].to_numpy()
    n = textbook.shape[0]
    np.testing.assert_allclose(df["bic"], 2 * df["nll"] + p * np.log(n))
    np.testing.assert_allclose(df["aic"], 2 * df["nll"] + 2 * p)


def test_selection_grid_skips_k_above_distinct_points() -> None:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]] * 3)
    df = selection_grid(X, k_values=range(1, 7), covariance_types=("spherical",))
    assert df["k"].tolist() == [1, 2, 3, 4]


def test_selection_grid_minimum_matches_sklearn(textbook: np.ndarray) -> None:
    df = selection_grid(textbook, k_values=range(1, 7), random_state=0)
    assert len(df) == 24
    sk = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k, cov in zip(df["k"], df["covariance_type"], strict=True):
            gm = GaussianMixture(int(k), covariance_type=cov, random_state=0, reg_covar=1e-6,
                                 max_iter=100, tol=1e-3).fit(textbook)
            sk.append(gm.bic(textbook))
    sk = np.array(sk)
    ours = df["bic"].to_numpy()
    # scikit-learn ends with one more M-step, so each BIC is a little lower, never far off.
    np.testing.assert_allclose(ours, sk, atol=1.0)
    assert int(np.argmin(ours)) == int(np.argmin(sk))
    best = df.loc[df["bic"].idxmin()]
    assert best["k"] in (2, 3)


# --------------------------------------------------------------------------- figures
def _compare_runs(textbook: np.ndarray) -> list[gmmviz.GMMRun]:
    return [gmmviz.fit_gmm(textbook, 3, init="textbook-b", max_iter=30, tol=1e-3),
            gmmviz.fit_gmm(textbook, 3, init="notes-a", max_iter=12, tol=0.0),
            gmmviz.fit_gmm(textbook, 3, init="kmeans", max_iter=4, tol=0.0, random_state=0)]


def test_compare_figure_shares_frames_and_holds_finished_runs(textbook: np.ndarray) -> None:
    from gmmviz.figures import compare_figure

    runs = _compare_runs(textbook)
    fig = compare_figure(runs, ["B", "A2", "k-means"])
    n_frames = max(len(r.steps) for r in runs)
    assert len(fig.frames) == n_frames
    assert [f.name for f in fig.frames][:3] == [s.label for s in runs[1].steps][:3]
    points = [i for i, t in enumerate(fig.data) if (t.name or "").startswith("points")]
    means = [i for i, t in enumerate(fig.data) if (t.name or "").startswith("means")]
    assert len(points) == len(means) == 3
    last = fig.frames[-1]
    for p, run in enumerate(runs):
        # the last frame shows every run's final means (a finished run holds its last step)
        trace = last.data[list(last.traces).index(means[p])]
        np.testing.assert_allclose(trace.x, run.means_[:, 0], rtol=1e-6)
        np.testing.assert_allclose(trace.y, run.means_[:, 1], rtol=1e-6)
    titles = [a.text for a in last.layout.annotations]
    assert "converged at iteration" in titles[0] and "stopped at iteration 4" in titles[2]
    assert "iteration 12" in titles[1]
    # M-step frames take the points' colours from the E-step frame before them
    m_frame = fig.frames[2]
    assert m_frame.baseframe == fig.frames[1].name
    assert not set(points) & set(m_frame.traces)
    assert set(points) <= set(fig.frames[1].traces)
    # one set of controls, the same fixed ranges and equal scales in every panel
    assert len(fig.layout.sliders) == 1 and len(fig.layout.updatemenus) == 1
    ranges = {tuple(fig.layout[f"xaxis{'' if p == 0 else p + 1}"].range) for p in range(3)}
    assert len(ranges) == 1
    for p in range(3):
        y = fig.layout[f"yaxis{'' if p == 0 else p + 1}"]
        assert y.scaleanchor == ("x" if p == 0 else f"x{p + 1}") and y.autorange is False


def test_compare_figure_rejects_bad_input(textbook: np.ndarray) -> None:
    from gmmviz.figures import compare_figure

    runs = _compare_runs(textbook)
    with pytest.raises(gmmviz.InputError):
        compare_figure([], [])
    with pytest.raises(gmmviz.InputError):
        compare_figure(runs * 3, ["x"] * 9)
    with pytest.raises(gmmviz.InputError, match="one title per run"):
        compare_figure(runs, ["a"])
    other = gmmviz.fit_gmm(textbook[:50], 3, max_iter=2)
    with pytest.raises(gmmviz.InputError, match="same points"):
        compare_figure([runs[0], other], ["a", "b"])


def test_restarts_figure_marks_best_and_chosen(blobs: np.ndarray) -> None:
    from gmmviz.figures import restarts_figure

    res = fit_restarts(blobs, 4, 15, random_state=0)
    fig = restarts_figure(res, chosen=3)
    dots = fig.data[0]
    assert sorted(np.asarray(dots.customdata).tolist()) == list(range(15))
    np.testing.assert_allclose(np.asarray(dots.x), res.nll[np.asarray(dots.customdata)])
    star = next(t for t in fig.data if t.name == "best of 15")
    assert star.x[0] == res.nll.min()
    ring = next(t for t in fig.data if (t.name or "").startswith("shown"))
    assert ring.customdata[0] == 3 and ring.x[0] == res.nll[3]


def test_selection_figure_stars_the_minimum(textbook: np.ndarray) -> None:
    from gmmviz.figures import selection_figure

    df = selection_grid(textbook, k_values=range(1, 5), covariance_types=("full", "diag"))
    fig = selection_figure(df, "both", chosen=(3, "full"))
    for crit in ("bic", "aic"):
        star = next(t for t in fig.data if t.name == f"minimum {crit.upper()}")
        assert star.y[0] == df[crit].min()
    lines = [t for t in fig.data if t.name in ("full", "diag")]
    assert len(lines) == 4
    with pytest.raises(gmmviz.InputError):
        selection_figure(df, "nll")


def test_nll_overlay_stars_the_lowest(textbook: np.ndarray) -> None:
    from gmmviz.figures import nll_overlay

    runs = _compare_runs(textbook)
    fig = nll_overlay(runs, ["B", "A2", "k-means"])
    star = next(t for t in fig.data if t.name == "lowest final NLL")
    assert star.y[0] == min(r.final.nll for r in runs)
    assert [t.name for t in fig.data[:3]] == ["B", "A2", "k-means"]
