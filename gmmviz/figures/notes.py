"""Static figures of the notes' pages in the plane: one Gaussian and its slices, a mixture as a
generative story, hard EM beside soft EM, the M-step's move, and classification against
clustering. Each only draws what the library computed (:mod:`gmmviz.gaussian`,
:mod:`gmmviz.hard_em`, :mod:`gmmviz.derivation`, :mod:`gmmviz.supervised`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz.derivation import MStepDerivation
from gmmviz.figures._colors import PALETTE, codec, component_color
from gmmviz.figures._frames import EDGE, equal_axes, finish_small, points_trace
from gmmviz.figures._geometry import axis_range, ellipses_path
from gmmviz.figures.kmeans import regions_trace
from gmmviz.figures.teaching import FONT_SIZE
from gmmviz.gaussian import (
    MixtureSample,
    density_grid,
    density_slice,
    ellipse_axes,
    ellipse_mass,
    mixture_pdf,
)
from gmmviz.i18n import N_, _
from gmmviz.starts import one_hot

if TYPE_CHECKING:
    from gmmviz._em_run import GMMRun, GMMStep
    from gmmviz.hard_em import HardEMStep
    from gmmviz.supervised import LabelsOrNone

LEVEL_DASH = ("solid", "dash", "dot")
SLICE_COLOR = PALETTE[3]
#: Where the plane of :func:`gaussian_figure` ends on each side.
GAUSSIAN_VIEW = 6.0


def _ellipse_traces(means: np.ndarray, covs: np.ndarray, levels: Sequence[float],
                    colors: Sequence[str], name: str, **line: object) -> list[go.Scatter]:
    """One trace per component and level: its n-sigma ellipse."""
    traces = []
    for j, (m, c) in enumerate(zip(means, covs, strict=True)):
        for i, level in enumerate(levels):
            ex, ey = ellipses_path(m[None], c[None], (level,))
            traces.append(go.Scatter(
                x=ex, y=ey, mode="lines", hoverinfo="skip", legendgroup=name,
                name=name, showlegend=j == 0 and i == 0,
                line={"color": colors[j], "width": 3 - 0.5 * i,
                      "dash": LEVEL_DASH[i % len(LEVEL_DASH)], **line}))
    return traces



def _two_planes(fig: go.Figure, ranges: tuple, height: int) -> go.Figure:
    """Finish a figure of two planes side by side: the notes' layout with the legend below, and
    both planes on ``ranges`` (x range, y range), one unit as long on both axes."""
    finish_small(fig, height, legend={"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top"})
    axis = {"showgrid": False, "constrain": "domain"}
    equal_axes(fig, *ranges, x={**axis, "title_text": "x₁"}, y={**axis, "title_text": "x₂"})
    equal_axes(fig, *ranges, xaxis="x2", yaxis="y2", x={**axis, "title_text": "x₁"}, y=axis)
    return fig


# --------------------------------------------------------------------------- one Gaussian
def gaussian_figure(mean: Sequence[float], covariance: np.ndarray, *, axis: int = 1,
                    at: float = 0.0, levels: Sequence[float] = (1.0, 2.0, 3.0),
                    height: int = 540) -> go.Figure:
    """N(x | mu, Sigma) in the plane with its ellipses, beside one of its 1-D slices.

    Left: the density as shading, the 1-, 2- and 3-sigma ellipses (labelled with the share of
    the probability inside each), the mean, the major axis, and the line of the slice. Right:
    the density along that line, a scaled 1-D Gaussian.

    Parameters
    ----------
    mean : (float, float)
    covariance : ndarray of shape (2, 2)
        Positive definite.
    axis : {0, 1}
        The coordinate the slice holds fixed (1: a horizontal line x1 = at).
    at : float
    levels : sequence of float
    height : int, default 540

    Returns
    -------
    plotly.graph_objects.Figure
    """
    mean, cov = np.asarray(mean, dtype=float), np.asarray(covariance, dtype=float)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.58, 0.42], horizontal_spacing=0.16,
                        subplot_titles=(_("N(x | μ, Σ) and its 1σ, 2σ, 3σ ellipses"),
                                        _("the slice {x} = {at}").format(
                                            x="x₁" if axis == 1 else "x₀", at=f"{at:g}")))
    grid = np.linspace(-GAUSSIAN_VIEW, GAUSSIAN_VIEW, 121)
    fig.add_trace(go.Heatmap(x=grid, y=grid, z=density_grid(mean, cov, grid, grid),
                             colorscale="Blues", showscale=False, zsmooth="best",
                             hovertemplate=_("x₀ = %{x:.2f}<br>x₁ = %{y:.2f}<br>"
                                             "density = %{z:.4f}<extra></extra>")),
                  row=1, col=1)
    masses = np.atleast_1d(ellipse_mass(np.asarray(levels, dtype=float)))
    for i, (level, mass) in enumerate(zip(levels, masses, strict=True)):
        ex, ey = ellipses_path(mean[None], cov[None], (level,))
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip",
                                 name=_("{level}σ: {mass} inside").format(
                                     level=f"{level:g}", mass=f"{mass:.1%}"),
                                 line={"color": "#111111", "width": 3 - 0.5 * i,
                                       "dash": LEVEL_DASH[i % len(LEVEL_DASH)]}), row=1, col=1)
    major, _minor, angle = ellipse_axes(cov)
    d = 3.0 * major * np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    fig.add_trace(go.Scatter(x=[mean[0] - d[0], mean[0] + d[0]], y=[mean[1] - d[1], mean[1] + d[1]],
                             mode="lines", line={"color": "#555555", "width": 1.5, "dash": "dot"},
                             name=_("major axis, {angle}°").format(angle=f"{angle:.0f}"),
                             hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[mean[0]], y=[mean[1]], mode="markers+text", text=["μ"],
                             textposition="top right", name="μ", showlegend=False,
                             marker={"size": 13, "color": PALETTE[1], "line": EDGE},
                             textfont={"size": FONT_SIZE}), row=1, col=1)
    _slice_panel(fig, mean, cov, axis, at)
    finish_small(fig, height, legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"})
    equal_axes(fig, (-GAUSSIAN_VIEW, GAUSSIAN_VIEW), (-GAUSSIAN_VIEW, GAUSSIAN_VIEW),
               x={"title_text": "x₀", "constrain": "domain"},
               y={"title_text": "x₁", "constrain": "domain"})
    return fig


def _slice_panel(fig: go.Figure, mean: np.ndarray, cov: np.ndarray, axis: int,
                 at: float) -> None:
    """The slice's line on the plane, and its curve on the right."""
    line = np.array([-GAUSSIAN_VIEW, GAUSSIAN_VIEW])
    fixed = np.array([at, at])
    lx, ly = (line, fixed) if axis == 1 else (fixed, line)
    fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", name=_("the slice"),
                             line={"color": SLICE_COLOR, "width": 3, "dash": "dash"},
                             hoverinfo="skip"), row=1, col=1)
    s = density_slice(mean, cov, axis, at)
    t = np.linspace(-GAUSSIAN_VIEW, GAUSSIAN_VIEW, 301)
    other = "x₀" if axis == 1 else "x₁"
    fig.add_trace(go.Scatter(x=t, y=s.values(t), mode="lines", fill="tozeroy",
                             line={"color": SLICE_COLOR, "width": 4}, showlegend=False,
                             name=_("density along the slice"),
                             hovertemplate=_("{x} = %{{x:.2f}}<br>density = %{{y:.4f}}"
                                             "<extra></extra>").format(x=other)), row=1, col=2)
    peak = s.height / (s.sd * np.sqrt(2 * np.pi))
    fig.add_annotation(x=s.center, y=peak, xref="x2", yref="y2", showarrow=True, arrowhead=2,
                       ay=-35, text=_("peak at {x} = {center}<br>spread {sd}").format(
                           x=other, center=f"{s.center:.2f}", sd=f"{s.sd:.2f}"),
                       font={"size": FONT_SIZE - 4})
    fig.update_xaxes(title_text=other, range=[-GAUSSIAN_VIEW, GAUSSIAN_VIEW], row=1, col=2)
    fig.update_yaxes(title_text=_("density"), range=[0, max(peak * 1.35, 1e-3)], row=1, col=2)


# --------------------------------------------------------------------------- a mixture, z then x
def mixture_story_figure(weights: np.ndarray, means: np.ndarray, covariances: np.ndarray,
                         sample: MixtureSample, shown: int, *, height: int = 560) -> go.Figure:
    """Drawing from a mixture: pick z by a uniform number against the cumulative pi (left),
    then x from that component's Gaussian (right), under the contours of p(x).

    Parameters
    ----------
    weights, means, covariances : the mixture, shapes (K,), (K, 2), (K, 2, 2)
    sample : MixtureSample
        From :func:`gmmviz.gaussian.sample_mixture` with these parameters.
    shown : int
        How many of the sample's points are drawn so far (0 to len); the last is highlighted.
    height : int, default 560

    Returns
    -------
    plotly.graph_objects.Figure
    """
    k = len(weights)
    colors = [component_color(j) for j in range(k)]
    shown = int(np.clip(shown, 0, len(sample.z)))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.2, 0.8], horizontal_spacing=0.09,
                        subplot_titles=(_("1 · pick z"), _("2 · then x ~ N(μ_z, Σ_z)")))
    _pick_bar(fig, weights, colors, sample, shown)
    ranges = axis_range(sample.X[:0], [means], [covariances], [2.5])
    gx, gy = np.linspace(*ranges[0], 90), np.linspace(*ranges[1], 90)
    xx, yy = np.meshgrid(gx, gy)
    dens = mixture_pdf(np.column_stack([xx.ravel(), yy.ravel()]), weights, means,
                       covariances).reshape(xx.shape)
    fig.add_trace(go.Contour(x=gx, y=gy, z=dens, colorscale="Greys", showscale=False,
                             contours={"coloring": "lines"}, line={"width": 1.2}, opacity=0.6,
                             name="p(x) = Σ π_k N(x | μ_k, Σ_k)", showlegend=True,
                             hovertemplate="p(x) = %{z:.4f}<extra></extra>"), row=1, col=2)
    for trace in _ellipse_traces(means, covariances, (2.0,), colors, _("2σ ellipse of each")):
        fig.add_trace(trace, row=1, col=2)
    if shown:
        X, z = sample.X[:shown], sample.z[:shown]
        cc = codec(k)
        fig.add_trace(points_trace(X, cc.marker(cc.encode(one_hot(z, k).T)), size=(8, 5),
                                   line_width=0.5, opacity=0.85, name=_("points drawn"),
                                   hoverinfo="skip"), row=1, col=2)
        last, zl = sample.X[shown - 1], int(sample.z[shown - 1])
        fig.add_trace(go.Scatter(x=[last[0]], y=[last[1]], mode="markers",
                                 name=_("the last draw"),
                                 marker={"size": 18, "color": colors[zl], "symbol": "star",
                                         "line": EDGE}), row=1, col=2)
    finish_small(fig, height, legend={"orientation": "h", "x": 0.2, "y": -0.16, "yanchor": "top"})
    equal_axes(fig, *ranges, xaxis="x2", yaxis="y2", x={"title_text": "x₁",
                                                        "constrain": "domain"},
               y={"title_text": "x₂", "constrain": "domain"})
    return fig


def _pick_bar(fig: go.Figure, weights: np.ndarray, colors: list[str], sample: MixtureSample,
              shown: int) -> None:
    """The interval [0, 1) cut at the cumulative weights, and the last draw's u."""
    bottom = 0.0
    for j, w in enumerate(weights):
        fig.add_trace(go.Bar(x=["z"], y=[w], base=bottom, marker={"color": colors[j]},
                             text=[f"z = {j + 1}<br>π = {w:.2f}"], textposition="inside",
                             insidetextanchor="middle", textangle=0, showlegend=False,
                             width=0.8, textfont={"size": FONT_SIZE - 5},
                             hovertemplate=f"p(z_{j + 1} = 1) = π_{j + 1} = {w:.3f}"
                                           "<extra></extra>"),
                      row=1, col=1)
        bottom += w
    if shown:
        u, z = float(sample.u[shown - 1]), int(sample.z[shown - 1])
        fig.add_trace(go.Scatter(x=["z"], y=[u], mode="markers+text", text=[f"u = {u:.2f}"],
                                 textposition="middle right", cliponaxis=False,
                                 marker={"symbol": "triangle-right", "size": 18,
                                         "color": "#111111"},
                                 showlegend=False, textfont={"size": FONT_SIZE - 3},
                                 hovertemplate=f"u = {u:.3f} → z = {z + 1}<extra></extra>"),
                      row=1, col=1)
    fig.update_yaxes(range=[0, 1], title_text=_("u ~ uniform(0, 1)"), row=1, col=1)
    fig.update_xaxes(showticklabels=False, row=1, col=1)


def marginal_figure(weights: np.ndarray, means: np.ndarray, covariances: np.ndarray, *,
                    at: float, height: int = 320) -> go.Figure:
    """Along the line x2 = ``at``: each pi_k N(x | mu_k, Sigma_k) stacked, and their sum p(x).

    Parameters
    ----------
    weights, means, covariances : the mixture
    at : float
    height : int, default 320

    Returns
    -------
    plotly.graph_objects.Figure
    """
    ranges = axis_range(np.empty((0, 2)), [means], [covariances], [3.0])
    t = np.linspace(*ranges[0], 301)
    fig = go.Figure()
    total = np.zeros_like(t)
    for j, (w, m, c) in enumerate(zip(weights, means, covariances, strict=True)):
        part = w * density_slice(m, c, 1, at).values(t)  # p(x, z_j = 1) on the line
        total += part
        fig.add_trace(go.Scatter(x=t, y=part, mode="lines", stackgroup="joint",
                                 line={"color": component_color(j), "width": 1},
                                 name=f"π_{j + 1} N(x | μ_{j + 1}, Σ_{j + 1})",
                                 hovertemplate="%{y:.4f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=t, y=total, mode="lines", name=_("p(x): their sum"),
                             line={"color": "#111111", "width": 3},
                             hovertemplate="p(x) = %{y:.4f}<extra></extra>"))
    fig.update_xaxes(title_text=_("x₁ (with x₂ = {at})").format(at=f"{at:g}"))
    fig.update_yaxes(title_text=_("density"))
    return finish_small(fig, height,
                        legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"})


# --------------------------------------------------------------------------- hard against soft
def hard_soft_em_figure(X: np.ndarray, hard_step: HardEMStep, soft_step: GMMStep,
                        differ: np.ndarray | None = None, *, height: int = 540,
                        titles: tuple[str, str] = (
                            N_("hard EM: every point wholly one Gaussian's"),
                            N_("soft EM: responsibilities γ blend the colours"))) -> go.Figure:
    """Hard EM (left: each point in its label's colour) beside soft EM (right: blended by the
    responsibilities) at the same half-step, with their ellipses; the points where the two
    runs end differently ringed on both.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    hard_step : HardEMStep
    soft_step : GMMStep
    differ : ndarray of bool of shape (n_samples,), optional
    height : int, default 540
    titles : (str, str)
        Shown in the language in use (an English title with a catalogue entry is translated).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    titles = (_(titles[0]), _(titles[1]))
    X = np.asarray(X, dtype=float)
    k = len(hard_step.weights)
    colors = [component_color(j) for j in range(k)]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.06, subplot_titles=titles)
    cc = codec(k)
    pairs = ((hard_step, hard_step.resp), (soft_step, soft_step.resp))
    for col, (step, resp) in enumerate(pairs, start=1):
        # grey (the last code) before any responsibilities
        codes = cc.encode(resp) if resp is not None else np.full(len(X), cc.cmax, np.uint8)
        fig.add_trace(points_trace(X, cc.marker(codes), size=(9, 5), line_width=0.5,
                                   opacity=0.9, name=_("points"), showlegend=False,
                                   hoverinfo="skip"), row=1, col=col)
        for trace in _ellipse_traces(step.means, step.covariances, (1.0, 2.0), colors,
                                     _("1σ and 2σ ellipses")):
            trace.showlegend = trace.showlegend and col == 1
            fig.add_trace(trace, row=1, col=col)
        fig.add_trace(go.Scatter(x=step.means[:, 0], y=step.means[:, 1], mode="markers",
                                 marker={"symbol": "diamond", "size": 15, "color": colors,
                                         "line": EDGE}, name=_("means"), showlegend=col == 1,
                                 hoverinfo="skip"), row=1, col=col)
        if differ is not None and differ.any():
            fig.add_trace(go.Scatter(x=X[differ, 0], y=X[differ, 1], mode="markers",
                                     marker={"symbol": "circle-open", "size": 17,
                                             "color": "#111111", "line": {"width": 2}},
                                     name=_("they end differently"), showlegend=col == 1,
                                     hoverinfo="skip"), row=1, col=col)
    ranges = axis_range(X, [hard_step.means, soft_step.means],
                        [hard_step.covariances, soft_step.covariances], [2.0])
    return _two_planes(fig, ranges, height)


def nll_pair_figure(hard_nll: np.ndarray, soft_nll: np.ndarray, iteration: int, *,
                    height: int = 300) -> go.Figure:
    """The NLL after every iteration of hard and soft EM, with the iteration shown marked."""
    fig = go.Figure()
    for name, nll, color in ((_("hard EM"), hard_nll, PALETTE[3]), (_("soft EM"), soft_nll,
                                                                       PALETTE[0])):
        fig.add_trace(go.Scatter(x=np.arange(len(nll)), y=nll, mode="lines+markers", name=name,
                                 line={"color": color, "width": 3}, marker={"size": 6}))
    fig.add_vline(x=iteration, line={"color": "#888888", "dash": "dot"})
    fig.update_xaxes(title_text=_("iteration"))
    fig.update_yaxes(title_text="NLL = −ln p(X | θ)")
    return finish_small(fig, height, legend={"orientation": "h", "x": 0, "y": 1.02,
                                        "yanchor": "bottom"})


# --------------------------------------------------------------------------- the M-step
def m_step_figure(X: np.ndarray, means: np.ndarray, covariances: np.ndarray,
                  derivation: MStepDerivation, *, height: int = 520) -> go.Figure:
    """The M-step's move: the points blended by gamma(z_nk), each component's old 2-sigma
    ellipse (dashed) and new one (solid), an arrow from every old mean to its new one (left);
    N_k beside N pi_k for the old and the new weights (right).

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    means, covariances : theta_old's, shapes (K, 2), (K, 2, 2)
    derivation : MStepDerivation
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = np.asarray(X, dtype=float)
    k = len(derivation.nk)
    colors = [component_color(j) for j in range(k)]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.62, 0.38], horizontal_spacing=0.1,
                        subplot_titles=(_("old θ (dashed) → new θ (solid)"),
                                        _("N_k and N π_k: π_k = N_k / N")))
    cc = codec(k)
    fig.add_trace(points_trace(X, cc.marker(cc.encode(derivation.resp)), size=(8, 5),
                               line_width=0.5, opacity=0.8, name=_("points, colour = γ"),
                               hoverinfo="skip"), row=1, col=1)
    for trace in _ellipse_traces(means, covariances, (2.0,), colors, _("old 2σ ellipse"),
                                 dash="dash"):
        fig.add_trace(trace, row=1, col=1)
    for trace in _ellipse_traces(derivation.means, derivation.covariances, (2.0,), colors,
                                 _("new 2σ ellipse")):
        fig.add_trace(trace, row=1, col=1)
    for j in range(k):
        fig.add_annotation(x=derivation.means[j, 0], y=derivation.means[j, 1], ax=means[j, 0],
                           ay=means[j, 1], xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowwidth=2.5, arrowcolor=colors[j],
                           text="")
    names = [f"k = {j + 1}" for j in range(k)]
    n = derivation.n_samples
    fig.add_trace(go.Bar(x=names, y=derivation.nk, name="N_k = Σ_n γ(z_nk)",
                         marker={"color": colors}, text=[f"{v:.2f}" for v in derivation.nk],
                         textposition="outside"), row=1, col=2)
    fig.add_trace(go.Scatter(x=names, y=n * derivation.old_weights, mode="markers",
                             name=_("N π_k (old)"), marker={"symbol": "line-ew-open", "size": 34,
                                                         "color": "#111111",
                                                         "line": {"width": 3}}),
                  row=1, col=2)
    ranges = axis_range(X, [means, derivation.means], [covariances, derivation.covariances],
                        [2.0])
    finish_small(fig, height, legend={"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top"})
    equal_axes(fig, *ranges, x={"title_text": "x₁", "constrain": "domain"},
               y={"title_text": "x₂", "constrain": "domain"})
    fig.update_yaxes(range=[0, 1.25 * max(derivation.nk.max(), n * derivation.old_weights.max())],
                     row=1, col=2)
    return fig


# --------------------------------------------------------------------------- labels or none
def supervised_figure(X: np.ndarray, result: LabelsOrNone, run: GMMRun, *,
                      height: int = 540) -> go.Figure:
    """Classification (left: the true classes, the Gaussian fitted to each, and where the
    classifier says which class) beside clustering (right: the mixture fitted without labels,
    each point in the colour of the class its component was matched to).

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    result : LabelsOrNone
        From :func:`gmmviz.supervised.labels_or_none` for X, its labels and ``run``.
    run : GMMRun
        Fitted to X alone.
    height : int, default 540

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = np.asarray(X, dtype=float)
    clf, matched = result.classifier, result.matched
    n_colors = max(len(clf.classes_), int(matched.max()) + 1)
    colors = [component_color(j) for j in range(n_colors)]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.06,
                        subplot_titles=(_("with labels: classification, ln p(X, Z | θ)"),
                                        _("without labels: clustering, ln Σ_Z p(X, Z | θ)")))
    ranges = axis_range(X, [clf.means_, run.means_], [clf.covariances_, run.covariances_], [2.0])
    grid = 100
    gx, gy = np.linspace(*ranges[0], grid), np.linspace(*ranges[1], grid)
    xx, yy = np.meshgrid(gx, gy)
    regions = clf.joint_log_prob(np.column_stack([xx.ravel(), yy.ravel()])).argmax(axis=1)
    fig.add_trace(regions_trace(regions.reshape(grid, grid), *ranges, colors,
                                 _("the classifier's regions")), row=1, col=1)
    cc = codec(n_colors)
    for col, labels in ((1, result.class_index), (2, matched[run.labels_])):
        fig.add_trace(points_trace(X, cc.marker(cc.encode(one_hot(labels, n_colors).T)),
                                   size=(9, 5), line_width=0.5, opacity=0.9, showlegend=False,
                                   name=_("points"), hoverinfo="skip"), row=1, col=col)
    for trace in _ellipse_traces(clf.means_, clf.covariances_, (1.0, 2.0), colors,
                                 _("each class's Gaussian")):
        fig.add_trace(trace, row=1, col=1)
    for trace in _ellipse_traces(run.means_, run.covariances_, (1.0, 2.0),
                                 [colors[int(c)] for c in matched],
                                 _("each component's Gaussian")):
        fig.add_trace(trace, row=1, col=2)
    return _two_planes(fig, ranges, height)
