"""Several limits of one page's work checked at once: the largest settings that make all hold,
checked against a direct search; and the request's size in the page's words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmmviz import InputError
from gmmviz.budget import Budget, Request, check, check_all, describe

BUDGET = Budget(fit_work=50_000_000, frame_work=5_000_000)


def _largest(fits, high: int) -> int:
    """The largest x in [0, high] for which ``fits(x)``, by bisection (fits is monotone)."""
    lo, hi = 0, high
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    return lo


def _all_fit(n, k, t, runs) -> bool:
    # every limit holds: all fits counted, and the animated ones' frames
    return (n * k * max(t, 1) * runs[0] <= BUDGET.fit_work
            and n * (2 * t + 1) * runs[1] <= BUDGET.frame_work)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 100_000), k=st.integers(1, 10), t=st.integers(0, 1000),
       fitted=st.integers(1, 40), animated=st.integers(1, 6))
def test_the_largest_iterations_and_points_make_every_limit_hold(n, k, t, fitted, animated):
    # e.g. the limit page: 27 fits in all, 2 of them animated
    requests = [Request(n, k, t, fitted, animated=False), Request(n, k, t, animated)]
    verdict = check_all(requests, BUDGET)
    assert verdict.fits == _all_fit(n, k, t, (fitted, animated))
    assert verdict.share == pytest.approx(max(
        n * k * max(t, 1) * fitted / BUDGET.fit_work,
        n * k * max(t, 1) * animated / BUDGET.fit_work,
        n * (2 * t + 1) * animated / BUDGET.frame_work))
    if _all_fit(n, k, 1, (fitted, animated)):
        assert verdict.max_iter == _largest(
            lambda x: _all_fit(n, k, x, (fitted, animated)), 10**9)
    else:
        assert verdict.max_iter == 0
    assert verdict.n_samples == _largest(
        lambda x: x >= 1 and _all_fit(x, k, t, (fitted, animated)), 10**9)


def test_one_request_gives_its_own_verdict():
    request = Request(50_000, 10, 500, 6)
    assert check_all([request]) == check(request)


def test_no_request_is_refused():
    with pytest.raises(InputError):
        check_all([])


def test_the_runs_are_named_in_the_page_s_words():
    request = Request(50_000, 10, 500, 6)
    assert describe(request, "panels") == (
        "50,000 points x 10 components x 500 iterations x 6 panels")
    assert describe(Request(500, 3, 20), "panels") == "500 points x 3 components x 20 iterations"
