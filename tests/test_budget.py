"""Work budgets: the largest setting that fits, checked against a direct search."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmmviz.budget import Budget, Request, check, describe


def _fits(req: Request, budget: Budget) -> bool:
    return req.fit_work <= budget.fit_work and (
        not req.animated or req.frame_work <= budget.frame_work)


def _largest(make, budget: Budget, high: int) -> int:
    """The largest x in [0, high] whose request fits, by bisection on the monotone predicate."""
    lo, hi = 0, high
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _fits(make(mid), budget):
            lo = mid
        else:
            hi = mid - 1
    return lo


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 200_000), k=st.integers(1, 10), t=st.integers(0, 2000),
       r=st.integers(1, 200), animated=st.booleans())
def test_largest_settings_are_the_largest_that_fit(n, k, t, r, animated):
    budget = Budget(fit_work=50_000_000, frame_work=5_000_000)
    req = Request(n, k, t, r, animated)
    verdict = check(req, budget)
    assert verdict.fits == _fits(req, budget)

    def with_iters(x):
        return Request(n, k, x, r, animated)

    # T = 0 and T = 1 cost the same EM work (the start still needs one E-step)
    if _fits(with_iters(1), budget):
        assert verdict.max_iter == _largest(with_iters, budget, 10**12)
    else:
        assert verdict.max_iter == 0
    assert verdict.n_samples == _largest(lambda x: Request(max(x, 1), k, t, r, animated),
                                         budget, 10**12) or verdict.n_samples == 0
    assert verdict.n_runs == _largest(lambda x: Request(n, k, t, max(x, 1), animated),
                                      budget, 10**12) or verdict.n_runs == 0


def test_the_compare_request_that_took_minutes_is_over_budget():
    # /compare?data=blobs&n=50000&k=10&iters=500 with six panels: 1.5e9 point-component-iterations
    req = Request(50_000, 10, 500, 6)
    verdict = check(req)
    assert not verdict.fits and verdict.share > 5
    assert check(Request(50_000, 10, verdict.max_iter, 6)).fits
    assert not check(Request(50_000, 10, verdict.max_iter + 1, 6)).fits
    assert "iterations to" in verdict.sentence("panels")
    assert describe(req) == "50,000 points x 10 components x 500 iterations x 6 runs"


def test_the_default_pages_fit():
    assert check(Request(100, 3, 100)).fits  # the explorer's default
    assert check(Request(10_000, 5, 50)).fits  # the payload benchmark's figure
    assert check(Request(1_000, 5, 200, 200, animated=False)).fits  # 200 restarts


def test_bad_sizes_are_refused():
    from gmmviz import InputError
    with pytest.raises(InputError):
        check(Request(0, 3, 10))
