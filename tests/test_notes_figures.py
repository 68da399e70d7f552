"""The notes' figures draw what the library computed."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import gmmviz
from gmmviz.bound_curve import bound_climb_curves
from gmmviz.derivation import m_step_derivation
from gmmviz.figures.notes import (
    gaussian_figure,
    hard_soft_em_figure,
    m_step_figure,
    marginal_figure,
    mixture_story_figure,
    supervised_figure,
)
from gmmviz.figures.notes_1d import (
    bound_curve_figure,
    five_points_figure,
    jensen_figure,
    kl_discrete_figure,
    kl_gaussian_figure,
    labellings_figure,
    normalisation_figure,
)
from gmmviz.five_points import NOTES_BLUE, NOTES_ORANGE, NOTES_POINTS, labellings
from gmmviz.gaussian import mixture_pdf, sample_mixture, textbook_mixture
from gmmviz.hard_em import compare_hard_soft, fit_hard_em
from gmmviz.supervised import labels_or_none

COV = np.array([[2.0, 0.8], [0.8, 1.0]])


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


@pytest.fixture(scope="module")
def textbook():
    X, y = gmmviz.datasets.textbook()
    return X, y, gmmviz.fit_gmm(X, 3, init="notes-b", reg_covar=0, max_iter=30)


def test_gaussian_figure_draws_the_density_its_ellipses_and_the_slice():
    fig = gaussian_figure([0.5, -1.0], COV, axis=1, at=0.3)
    heat = fig.data[0]
    i, j = 40, 70
    assert heat.z[i][j] == pytest.approx(stats.multivariate_normal([0.5, -1.0], COV).pdf(
        [heat.x[j], heat.y[i]]))
    assert [t.name for t in fig.data if "inside" in (t.name or "")] == [
        "1σ: 39.3% inside", "2σ: 86.5% inside", "3σ: 98.9% inside"]
    curve = _trace(fig, "density along the slice")
    t = np.asarray(curve.x)
    np.testing.assert_allclose(curve.y, stats.multivariate_normal([0.5, -1.0], COV).pdf(
        np.column_stack([t, np.full_like(t, 0.3)])), rtol=1e-9)
    assert "29°" in _trace(fig, "major axis, 29°").name


def test_mixture_story_figure_shows_the_draws_so_far():
    w, m, c = textbook_mixture()
    s = sample_mixture(w, m, c, 50, random_state=0)
    fig = mixture_story_figure(w, m, c, s, 12)
    assert len(_trace(fig, "points drawn").x) == 12
    last = _trace(fig, "the last draw")
    assert (last.x[0], last.y[0]) == tuple(s.X[11])
    bars = [t for t in fig.data if t.type == "bar"]
    np.testing.assert_allclose([b.y[0] for b in bars], w)
    np.testing.assert_allclose([b.base for b in bars], np.r_[0, np.cumsum(w)[:-1]])
    empty = mixture_story_figure(w, m, c, s, 0)
    assert not [t for t in empty.data if t.name == "points drawn"]


def test_marginal_figure_stacks_the_joint_into_p_x():
    w, m, c = textbook_mixture()
    fig = marginal_figure(w, m, c, at=0.4)
    total = _trace(fig, "p(x): their sum")
    x = np.asarray(total.x)
    np.testing.assert_allclose(total.y, mixture_pdf(np.column_stack([x, np.full_like(x, 0.4)]),
                                                    w, m, c), rtol=1e-9)


def test_hard_soft_figure_rings_the_points_that_end_differently(textbook):
    X, _, run = textbook
    hard = fit_hard_em(X, 3, init="notes-b", reg_covar=0)
    c = compare_hard_soft(hard, run)
    fig = hard_soft_em_figure(X, hard.steps[-1], run.steps[-1], c.differ)
    rings = [t for t in fig.data if t.name == "they end differently"]
    assert len(rings) == 2 and all(len(t.x) == c.n_differ for t in rings)


def test_m_step_figure_shows_n_k(textbook):
    X, _, run = textbook
    s = run.steps[0]
    d = m_step_derivation(X, s.weights, s.means, s.covariances)
    fig = m_step_figure(X, s.means, s.covariances, d)
    np.testing.assert_allclose(_trace(fig, "N_k = Σ_n γ(z_nk)").y, d.nk)
    np.testing.assert_allclose(_trace(fig, "N π_k (old)").y, 100 * s.weights)
    assert len(fig.layout.annotations) >= 3 + 2  # an arrow per component, two titles


def test_supervised_figure(textbook):
    X, y, run = textbook
    r = labels_or_none(X, y, run)
    fig = supervised_figure(X, r, run)
    assert len([t for t in fig.data if t.name == "each class's Gaussian"]) == 3 * 2


def test_jensen_figure_marks_both_sides():
    fig = jensen_figure([1.0, 4.0, 8.0], [1, 1, 2])
    gap = next(t for t in fig.data if (t.name or "").startswith("the gap"))
    assert gap.x[0] == gap.x[1] == pytest.approx(5.25)
    assert gap.y[1] == pytest.approx(np.log(5.25))
    assert gap.y[0] == pytest.approx((np.log(1) + np.log(4) + 2 * np.log(8)) / 4)


def test_kl_figures_name_both_directions():
    fig = kl_discrete_figure([0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1])
    parts = [t for t in fig.data if "KL(" in (t.name or "")]
    assert [t.name.split(": ")[1] for t in parts] == [
        f"KL(p‖q) = {stats.entropy([.1, .2, .3, .4], [.4, .3, .2, .1]):.4f}",
        f"KL(q‖p) = {stats.entropy([.4, .3, .2, .1], [.1, .2, .3, .4]):.4f}"]
    np.testing.assert_allclose(sum(parts[0].y), stats.entropy([.1, .2, .3, .4], [.4, .3, .2, .1]))
    fig = kl_gaussian_figure(0, 1, 1, 2)
    assert any("KL(p‖q) = 0.4431" in (t.name or "") for t in fig.data)
    assert any("KL(q‖p) = 1.3069" in (t.name or "") for t in fig.data)


def test_bound_curve_figure(textbook):
    X, _, run = textbook
    s = run.steps[0]
    curves = bound_climb_curves(X, s.weights, s.means, s.covariances, component=0, axis=0,
                                n_steps=2)
    fig = bound_curve_figure(curves)
    np.testing.assert_allclose(_trace(fig, "ln p(X | θ)").y, curves[-1].log_p)
    assert len([t for t in fig.data if t.name == "earlier bounds"]) == 2
    climb = _trace(fig, "the climb so far")
    np.testing.assert_allclose(climb.x, [c.at for c in curves])


def test_five_points_figures():
    fig = five_points_figure(NOTES_POINTS, NOTES_ORANGE, NOTES_BLUE)
    assert "ln = -12.310" in fig.layout.title.text and "ln = -22.310" in fig.layout.title.text
    frame = labellings()
    bars = labellings_figure(frame).data[0]
    assert list(bars.x) == list(frame["labels"]) and len(bars.x) == 32
    notes = _trace(normalisation_figure(NOTES_POINTS, 5.0),
                   "ln Π O(x_n) / Σ_m O(x_m): the notes' shares")
    assert np.all(np.diff(notes.y) > -1e-12)  # rises with sigma, towards ln (1/5)^5
    assert notes.y[-1] == pytest.approx(5 * np.log(0.2), abs=0.01)
