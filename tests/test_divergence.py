"""Jensen's inequality for ln and the KL divergence, against direct evaluation and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from gmmviz import InputError
from gmmviz.divergence import (
    as_distribution,
    cross_entropy,
    entropy,
    jensen_log,
    js_divergence,
    kl_discrete,
    kl_gaussian,
    kl_gaussian_integrand,
)

positive = st.floats(0.01, 100.0)
weight = st.floats(0.0, 10.0)


# ----------------------------------------------------------------------------- Jensen
@settings(max_examples=200, deadline=None)
@given(data=st.lists(st.tuples(positive, weight), min_size=1, max_size=6))
def test_jensen_gap_against_direct_evaluation(data):
    x = np.array([p for p, _ in data])
    a = np.array([w for _, w in data])
    if a.sum() <= 0:
        a[0] = 1.0
    j = jensen_log(x, a)
    a = a / np.sum(a)  # the weights as a distribution (a subnormal weight alone is all of it)
    mean = np.sum(a * x)
    assert j.mean == pytest.approx(mean, rel=1e-12)
    assert j.log_of_mean == pytest.approx(np.log(mean), rel=1e-12, abs=1e-12)
    assert j.mean_of_log == pytest.approx(np.sum(a * np.log(x)), rel=1e-9,
                                          abs=1e-12)
    assert j.gap >= 0  # ln is concave: ln(mean) >= mean of ln
    assert j.gap == pytest.approx(max(j.log_of_mean - j.mean_of_log, 0.0), abs=1e-12)


def test_jensen_gap_closes_only_when_the_points_agree():
    assert jensen_log([3.0, 3.0, 3.0], [1, 2, 3]).gap == pytest.approx(0.0, abs=1e-15)
    assert jensen_log([1.0, 9.0], [1.0, 0.0]).gap == pytest.approx(0.0, abs=1e-15)
    assert jensen_log([1.0, 9.0], [1.0, 1.0]).gap > 0.5


def test_two_points_the_chord_lies_below_the_curve():
    # the chord from (x1, ln x1) to (x2, ln x2), evaluated at the weighted mean, is the mean of ln
    x1, x2, a = 0.5, 6.0, 0.3
    j = jensen_log([x1, x2], [a, 1 - a])
    chord = np.interp(j.mean, [x1, x2], [np.log(x1), np.log(x2)])
    assert j.mean_of_log == pytest.approx(chord, rel=1e-12)
    assert chord < np.log(j.mean)


@pytest.mark.parametrize(("points", "weights", "match"), [
    ([1.0, -2.0], [1, 1], "above 0"),
    ([1.0, 2.0], [1, -1], "0 or more"),
    ([1.0, 2.0], [0, 0], "at least one"),
    ([1.0, 2.0], [1], "one weight per point"),
])
def test_jensen_mistakes(points, weights, match):
    with pytest.raises(InputError, match=match):
        jensen_log(points, weights)


# ----------------------------------------------------------------------------- discrete KL
distributions = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6).filter(
    lambda m: sum(m) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(pm=distributions, qm=distributions)
def test_discrete_kl_against_scipy_both_directions(pm, qm):
    n = min(len(pm), len(qm))
    p, q = as_distribution(pm[:n] if sum(pm[:n]) > 1e-3 else [1.0] * n), as_distribution(
        [m + 1e-3 for m in qm[:n]])
    assert kl_discrete(p, q) == pytest.approx(stats.entropy(p, q), rel=1e-9, abs=1e-12)
    assert kl_discrete(q, p) == pytest.approx(stats.entropy(q, p), rel=1e-9, abs=1e-12)
    assert kl_discrete(p, q) >= 0
    # KL = H(p, q) - H(p)
    assert kl_discrete(p, q) == pytest.approx(cross_entropy(p, q) - entropy(p), abs=1e-9)
    assert entropy(p) == pytest.approx(stats.entropy(p), abs=1e-12)


def test_discrete_kl_is_zero_only_for_equal_distributions_and_not_symmetric():
    p = np.array([0.1, 0.2, 0.7])
    q = np.array([0.3, 0.4, 0.3])
    assert kl_discrete(p, p) == 0.0
    assert kl_discrete(p, q) > 0 and kl_discrete(q, p) > 0
    assert kl_discrete(p, q) != pytest.approx(kl_discrete(q, p), rel=1e-3)
    assert kl_discrete([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert kl_discrete([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2))


def test_jensen_shannon_is_symmetric_and_bounded():
    p, q = [0.1, 0.2, 0.7], [0.3, 0.4, 0.3]
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p))
    m = 0.5 * (np.array(p) + np.array(q))
    assert js_divergence(p, q) == pytest.approx(0.5 * stats.entropy(p, m)
                                                + 0.5 * stats.entropy(q, m))
    assert js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.log(2))


@pytest.mark.parametrize(("p", "q", "match"), [
    ([0.5, 0.6], [0.5, 0.5], "sum to 1"),
    ([0.5, 0.5], [0.2, 0.3, 0.5], "same outcomes"),
    ([-0.5, 1.5], [0.5, 0.5], "0 or more"),
])
def test_discrete_kl_mistakes(p, q, match):
    with pytest.raises(InputError, match=match):
        kl_discrete(p, q)


# ----------------------------------------------------------------------------- Gaussians
@settings(max_examples=60, deadline=None)
@given(mp=st.floats(-5, 5), sp=st.floats(0.2, 5), mq=st.floats(-5, 5), sq=st.floats(0.2, 5))
def test_gaussian_kl_closed_form_against_numerical_integration(mp, sp, mq, sq):
    for a, b in (((mp, sp), (mq, sq)), ((mq, sq), (mp, sp))):  # both directions
        lo, hi = min(a[0], b[0]) - 12 * max(a[1], b[1]), max(a[0], b[0]) + 12 * max(a[1], b[1])
        numeric, _ = integrate.quad(
            lambda t, a=a, b=b: stats.norm(*a).pdf(t) * (stats.norm(*a).logpdf(t)
                                                         - stats.norm(*b).logpdf(t)),
            lo, hi, limit=200)
        assert kl_gaussian(*a, *b) == pytest.approx(numeric, rel=1e-6, abs=1e-9)
        # the integrand drawn on the page is the same function
        area, _ = integrate.quad(lambda t, a=a, b=b: float(kl_gaussian_integrand(t, *a, *b)),
                                 lo, hi, limit=200)
        assert area == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_gaussian_kl_known_values():
    assert kl_gaussian(0, 1, 0, 1) == 0.0
    # equal spreads: (mu_p - mu_q)^2 / (2 sigma^2), symmetric
    assert kl_gaussian(0, 2, 3, 2) == pytest.approx(9 / 8)
    assert kl_gaussian(3, 2, 0, 2) == pytest.approx(9 / 8)
    # different spreads: asymmetric
    assert kl_gaussian(0, 1, 0, 2) == pytest.approx(np.log(2) + 1 / 8 - 1 / 2)
    assert kl_gaussian(0, 2, 0, 1) == pytest.approx(-np.log(2) + 2 - 1 / 2)
    assert kl_gaussian(0, 1 + 1e-9, 0, 1) == pytest.approx(1e-18, abs=1e-20)


def test_gaussian_kl_mistakes():
    with pytest.raises(InputError, match="standard deviation"):
        kl_gaussian(0, 0, 0, 1)
    with pytest.raises(InputError, match="finite"):
        kl_gaussian(np.inf, 1, 0, 1)
