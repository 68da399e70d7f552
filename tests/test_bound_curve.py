"""The bound in its entropy form, as a curve over one parameter, and the M-step derived."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

import gmmviz
from gmmviz import InputError
from gmmviz.bound_curve import (
    bound_climb,
    bound_climb_curves,
    bound_curve,
    bound_terms,
    bound_terms_along,
    posterior,
)
from gmmviz.derivation import m_step_derivation


@pytest.fixture(scope="module")
def textbook_run():
    X, _ = gmmviz.datasets.textbook()
    return X, gmmviz.fit_gmm(X, 3, init="notes-b", reg_covar=0, max_iter=20, tol=0)


def _scipy_log_joint(X, weights, means, covs):
    return np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                            for w, m, c in zip(weights, means, covs, strict=True)])


# ----------------------------------------------------------------------------- entropy form
def test_entropy_form_equals_the_recorded_bound_at_every_half_step(textbook_run):
    X, run = textbook_run
    for step in run.steps[1:]:
        t = bound_terms(X, step.weights, step.means, step.covariances, step.resp)
        assert t.elbo == pytest.approx(step.elbo, rel=1e-12)
        assert t.log_p == pytest.approx(-step.nll, rel=1e-12)
        assert t.kl == pytest.approx(step.kl, abs=1e-9)


def test_entropy_form_against_scipy(textbook_run):
    X, run = textbook_run
    step = run.steps[4]  # an M-step: q is the previous posterior, so KL > 0
    q = step.resp
    lj = _scipy_log_joint(X, step.weights, step.means, step.covariances)
    t = bound_terms(X, step.weights, step.means, step.covariances, q)
    assert t.expected_log_joint == pytest.approx(np.sum(q * lj), rel=1e-12)
    assert t.entropy == pytest.approx(np.sum(stats.entropy(q, axis=1)), rel=1e-12)
    assert t.elbo == pytest.approx(t.expected_log_joint + t.entropy)
    # ln p = L + KL(q || posterior)
    post = posterior(X, step.weights, step.means, step.covariances)
    kl = np.sum(stats.entropy(q, post, axis=1))
    assert t.log_p == pytest.approx(t.elbo + kl, rel=1e-12)
    assert kl > 0


def test_bound_terms_refuses_a_q_that_is_not_a_distribution(textbook_run):
    X, run = textbook_run
    s = run.steps[0]
    with pytest.raises(InputError, match="sum to 1"):
        bound_terms(X, s.weights, s.means, s.covariances, np.full((100, 3), 0.5))
    with pytest.raises(InputError, match="shape"):
        bound_terms(X, s.weights, s.means, s.covariances, np.full((100, 2), 0.5))


# ----------------------------------------------------------------------------- the curve
@pytest.mark.parametrize(("half", "component", "axis"), [(0, 0, 0), (2, 1, 1), (6, 2, 0)])
def test_the_bound_touches_ln_p_at_theta_old_and_lies_below(textbook_run, half, component, axis):
    X, run = textbook_run
    s = run.steps[half]
    c = bound_curve(X, s.weights, s.means, s.covariances, component=component, axis=axis)
    assert np.all(c.elbo <= c.log_p + 1e-9)
    assert c.at == s.means[component, axis]
    assert c.log_p_at == pytest.approx(-s.nll, rel=1e-12)  # touching: KL = 0 at theta_old
    # ln p at each t, against scipy
    i = len(c.values) // 3
    means = s.means.copy()
    means[component, axis] = c.values[i]
    lj = _scipy_log_joint(X, s.weights, means, s.covariances)
    assert c.log_p[i] == pytest.approx(np.sum(np.logaddexp.reduce(lj, axis=1)), rel=1e-12)


def test_the_bound_is_a_parabola_whose_top_the_m_step_reaches(textbook_run):
    X, run = textbook_run
    s = run.steps[2]
    c = bound_curve(X, s.weights, s.means, s.covariances, component=0, axis=0)
    # the top against a numerical maximisation of the bound
    q = posterior(X, s.weights, s.means, s.covariances)

    def minus_bound(t):
        m = s.means.copy()
        m[0, 0] = t
        return -bound_terms(X, s.weights, m, s.covariances, q).elbo

    found = optimize.minimize_scalar(minus_bound, bracket=(c.at - 1, c.at + 1), tol=1e-12)
    assert c.best == pytest.approx(found.x, abs=1e-6)
    assert c.elbo_best == pytest.approx(-found.fun, rel=1e-12)
    np.testing.assert_allclose(c.elbo, c.elbo_best - 0.5 * c.curvature * (c.values - c.best) ** 2,
                               rtol=1e-10)
    # the climb: ln p(best) >= L(best) >= L(at) = ln p(at)
    assert c.log_p_best >= c.elbo_best >= c.log_p_at
    # a full M-step gives the responsibility-weighted mean (the run's next M-step)
    assert c.m_step_value == pytest.approx(run.steps[4].means[0, 0], rel=1e-12)


def test_climbing_one_coordinate_never_lowers_ln_p_and_ends_where_its_slope_is_zero(
        textbook_run):
    X, run = textbook_run
    s = run.steps[2]
    ts = bound_climb(X, s.weights, s.means, s.covariances, component=1, axis=1, n_steps=200)

    def log_p(t):
        m = s.means.copy()
        m[1, 1] = t
        return float(np.sum(np.logaddexp.reduce(
            _scipy_log_joint(X, s.weights, m, s.covariances), axis=1)))

    values = [log_p(t) for t in ts[:12]]
    assert all(b >= a - 1e-9 for a, b in zip(values, values[1:], strict=False))
    h = 1e-5
    assert abs(log_p(ts[-1] + h) - log_p(ts[-1] - h)) / (2 * h) < 1e-5


def test_bound_curve_mistakes(textbook_run):
    X, run = textbook_run
    s = run.steps[0]
    with pytest.raises(InputError, match="component"):
        bound_curve(X, s.weights, s.means, s.covariances, component=3, axis=0)
    with pytest.raises(InputError, match="x0 or x1"):
        bound_curve(X, s.weights, s.means, s.covariances, component=0, axis=2)


# ----------------------------------------------------------------------------- the M-step derived
def test_the_derivation_gives_fit_gmms_m_step(textbook_run):
    X, run = textbook_run
    for t in (1, 2, 7):
        before, after = run.steps[2 * t - 2], run.steps[2 * t]
        d = m_step_derivation(X, before.weights, before.means, before.covariances)
        np.testing.assert_allclose(d.weights, after.weights, atol=1e-13)
        np.testing.assert_allclose(d.means, after.means, atol=1e-13)
        np.testing.assert_allclose(d.covariances, after.covariances, atol=1e-13)
        np.testing.assert_allclose(d.resp, run.steps[2 * t - 1].resp, atol=1e-13)


def test_lagrange_multiplier_is_minus_n(textbook_run):
    X, run = textbook_run
    s = run.steps[0]
    d = m_step_derivation(X, s.weights, s.means, s.covariances)
    assert d.n_samples == 100 and d.lagrange == pytest.approx(-100.0, abs=1e-12)
    np.testing.assert_allclose(d.nk, d.resp.sum(axis=0))
    assert d.nk.sum() == pytest.approx(100.0)
    assert d.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(d.grad_weights, 0.0, atol=1e-12)
    # the notes' sum over n of N(x_n | mu_k, Sigma_k) / p(x_n), with scipy's densities
    dens = np.column_stack([stats.multivariate_normal(m, c).pdf(X)
                            for m, c in zip(s.means, s.covariances, strict=True)])
    mix = dens @ s.weights
    np.testing.assert_allclose(d.density_sums, (dens / mix[:, None]).sum(axis=0), rtol=1e-12)


def test_the_derivatives_vanish_at_the_result(textbook_run):
    """The closed-form derivatives the page shows, against finite differences of the bound."""
    X, run = textbook_run
    s = run.steps[2]
    d = m_step_derivation(X, s.weights, s.means, s.covariances)
    np.testing.assert_allclose(d.grad_means, 0.0, atol=1e-10)
    np.testing.assert_allclose(d.grad_covariances, 0.0, atol=1e-10)
    h = 1e-6

    def bound(means, covs):
        return bound_terms(X, d.weights, means, covs, d.resp).elbo

    for k in range(3):
        for i in range(2):
            step = np.zeros_like(d.means)
            step[k, i] = h
            slope = (bound(d.means + step, d.covariances) - bound(d.means - step, d.covariances))
            assert slope / (2 * h) == pytest.approx(0.0, abs=1e-5)
        step = np.zeros_like(d.covariances)
        step[k, 0, 0] = h
        slope = bound(d.means, d.covariances + step) - bound(d.means, d.covariances - step)
        assert slope / (2 * h) == pytest.approx(0.0, abs=1e-5)
    # and away from the result they do not vanish: the test can fail
    moved = d.means.copy()
    moved[0, 0] += 0.1
    step = np.zeros_like(d.means)
    step[0, 0] = h
    assert abs(bound(moved + step, d.covariances) - bound(moved - step, d.covariances)) / (
        2 * h) > 1.0


def test_the_climbs_curves_share_one_grid_and_touch_where_each_m_step_landed(textbook_run):
    X, run = textbook_run
    s = run.steps[0]
    curves = bound_climb_curves(X, s.weights, s.means, s.covariances, component=0, axis=0,
                                n_steps=3)
    ts = bound_climb(X, s.weights, s.means, s.covariances, component=0, axis=0, n_steps=3)
    assert len(curves) == 4
    for c, t, nxt in zip(curves, ts, [*ts[1:], None], strict=True):
        np.testing.assert_array_equal(c.values, curves[0].values)
        assert c.at == pytest.approx(t)
        assert c.values[0] <= t <= c.values[-1]
        if nxt is not None:
            assert c.best == pytest.approx(nxt)
    # one E-step and M-step from the notes' start B: the textbook's first M-step for mu_1's x1
    assert curves[0].best == pytest.approx(run.steps[2].means[0, 0], rel=1e-9)


def test_terms_along_hold_q_and_raise_the_bound(textbook_run):
    X, run = textbook_run
    s = run.steps[0]
    c = bound_curve(X, s.weights, s.means, s.covariances, component=2, axis=1)
    old, new = bound_terms_along(X, s.weights, s.means, s.covariances, component=2, axis=1,
                                 values=[c.at, c.best])
    q = posterior(X, s.weights, s.means, s.covariances)
    assert old.entropy == new.entropy == pytest.approx(np.sum(stats.entropy(q, axis=1)))
    assert old.kl == pytest.approx(0.0, abs=1e-9) and new.kl > 0
    assert new.elbo == pytest.approx(c.elbo_best) and new.log_p == pytest.approx(c.log_p_best)
    assert new.elbo > old.elbo == pytest.approx(old.log_p)


def test_the_m_step_lands_off_the_line_only_when_sigma_is_tilted(textbook_run):
    X, run = textbook_run
    s = run.steps[2]
    round_ = np.stack([np.eye(2)] * len(s.weights))
    tilted = round_.copy()
    tilted[0] = [[1.0, 0.6], [0.6, 1.0]]
    # with a diagonal Sigma_k the coordinates decouple: the bound's top is the M-step's value
    assert not bound_curve(X, s.weights, s.means, round_, component=0, axis=0).m_step_off_line
    c = bound_curve(X, s.weights, s.means, tilted, component=0, axis=0)
    assert c.m_step_off_line and abs(c.best - c.m_step_value) > 1e-6
