"""Figures of K-means: the animated assign/update run, and K-means beside EM with eps * I.

Frames of :func:`kmeans_figure`
-------------------------------
One frame per recorded half-step (``run.steps``), named by the step's label, each complete
(any frame can be reached from any other with the slider): the Voronoi shading of the step's
centres (one byte per grid cell), the points' cluster codes (one byte per point), every
centre's trail so far, the centres, and the cursor on the distortion curve. Point coordinates
and the distortion curve go once in ``fig.data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz._errors import InputError
from gmmviz.figures._animation import FONT_SIZE, frame_controls, playback_controls, unique_names
from gmmviz.figures._colors import GRAY, PALETTE, codec, component_color, hex_to_rgb, rgb_string
from gmmviz.figures._frames import (
    CURSOR_COLOR,
    EDGE,
    POINT_HOVER,
    as_trace,
    check_steps,
    cursor_trace,
    equal_axes,
    frame_title,
    plain_layout,
    points_trace,
    row_ids,
    scatter_type,
    step_name,
)
from gmmviz.figures._geometry import axis_range, ellipses_path
from gmmviz.i18n import N_, _
from gmmviz.kmeans import assign
from gmmviz.limit import match_components

#: Voronoi cells (grid side squared, summed over frames) that one figure may carry.
GRID_BUDGET = 600_000
#: How much of a cluster's colour tints its Voronoi region (the rest is white).
REGION_TINT = 0.18
# The other method's centres, drawn in outline on top of a panel.
_OUTLINE_DIAMOND = {"symbol": "diamond-open", "size": 17, "color": "#111111",
                    "line": {"width": 2.5}}
_OUTLINE_X = {"symbol": "x-thin-open", "size": 17, "color": "#111111", "line": {"width": 3}}


# ----------------------------------------------------------------------------- helpers
def voronoi_grid(centers: np.ndarray, x_range: Sequence[float], y_range: Sequence[float],
                 n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest-centre labels on an ``n`` x ``n`` grid: the Voronoi regions of the centres.

    Parameters
    ----------
    centers : ndarray of shape (n_clusters, 2)
    x_range, y_range : (float, float)
        The grid's first and last coordinates on each axis.
    n : int
        Grid points per axis.

    Returns
    -------
    gx : ndarray of shape (n,)
    gy : ndarray of shape (n,)
    labels : ndarray of shape (n, n), dtype uint8
        ``labels[i, j]`` is the nearest centre to ``(gx[j], gy[i])`` (rows follow y, as a
        Plotly heatmap's z).
    """
    gx = np.linspace(float(x_range[0]), float(x_range[1]), int(n))
    gy = np.linspace(float(y_range[0]), float(y_range[1]), int(n))
    xx, yy = np.meshgrid(gx, gy)
    labels = assign(np.column_stack([xx.ravel(), yy.ravel()]), np.asarray(centers, dtype=float))
    return gx, gy, labels.reshape(n, n).astype(np.uint8)


def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white: ``amount`` of the colour, the rest white."""
    rgb = np.array(hex_to_rgb(color), dtype=float)
    return rgb_string(amount * rgb + (1.0 - amount) * 255.0)


def _discrete_scale(colors: Sequence[str]) -> list:
    """A colorscale giving value i (0..len-1, with zmin=-0.5, zmax=len-0.5) colour i."""
    m = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / m, c], [(i + 1) / m, c]]
    return scale


def _label_colors(labels: np.ndarray, k: int, palette: tuple[str, ...]) -> dict:
    """Marker colours of points by cluster: codes 0..k-1 in the cluster colours, then grey
    (code k) for "unassigned"."""
    colors = [component_color(j, palette) for j in range(k)] + [GRAY]
    return {"color": labels, "colorscale": [[i / k, c] for i, c in enumerate(colors)],
            "cmin": 0, "cmax": k}


def _distortion_x(steps: Sequence) -> np.ndarray:
    """Position of each step on the distortion axis: assign of iteration t at t - 1/2, update at t.

    The start has no assignment and no J; it sits at 0.
    """
    return np.array([s.iteration - 0.5 if s.kind == "assign" else s.iteration for s in steps],
                    dtype=float)


def _step_note(steps: Sequence, i: int) -> str:
    """What the half-step did, in a few words."""
    s = steps[i]
    if s.kind == "init":
        return _("{k} starting centres; no point assigned yet").format(k=s.centers.shape[0])
    if s.kind == "assign":
        if i == 1:
            return _("every point joins its nearest centre")
        moved = int(np.count_nonzero(s.labels != steps[i - 1].labels))
        return (_("1 point changed cluster") if moved == 1 else
                _("{n} points changed cluster").format(n=moved))
    shift = float(np.sqrt(((s.centers - steps[i - 1].centers) ** 2).sum(axis=1)).max())
    if s.empty:
        which = ", ".join(str(j + 1) for j in s.empty)
        if shift > 0:
            return _("centres moved by up to {shift}; cluster {which} has no points and keeps "
                     "its centre").format(shift=f"{shift:.3g}", which=which)
        return _("no centre moved; cluster {which} has no points and keeps its centre"
                 ).format(which=which)
    return (_("centres moved by up to {shift}").format(shift=f"{shift:.3g}") if shift > 0
            else _("no centre moved"))


@dataclass(frozen=True)
class _LloydFrames:
    """What a recorded K-means run shows at each half-step: the updates of its frames.

    Attributes
    ----------
    steps : list of KMeansStep
    names : list of str
        Unique frame names, from the step labels.
    centers : ndarray of shape (n_steps, n_clusters, 2)
    codes : list of ndarray of shape (n_samples,), dtype uint8
        Each point's cluster; ``n_clusters`` (grey) before the first assignment.
    distortion : ndarray of shape (n_steps,)
        J after every half-step (NaN at the start).
    distortion_x : ndarray of shape (n_steps,)
        Where each step sits on the distortion curve (see :func:`_distortion_x`).
    x_range, y_range : (float, float)
        The left panel's fixed ranges.
    n_grid : int
        Grid points per axis of the Voronoi shading.
    kind : {"scatter", "scattergl"}
    """

    steps: list
    names: list[str]
    centers: np.ndarray
    codes: list[np.ndarray]
    distortion: np.ndarray
    distortion_x: np.ndarray
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    n_grid: int
    kind: str

    @classmethod
    def of(cls, run, grid: int) -> _LloydFrames:
        steps = check_steps(run)
        X = np.asarray(run.X, dtype=float)
        centers = np.stack([s.centers for s in steps])
        k = centers.shape[1]
        x_range, y_range = axis_range(X, list(centers), [np.zeros((k, 2, 2))] * len(steps), [1.0])
        codes = [np.full(len(X), k, dtype=np.uint8) if s.kind == "init" else
                 s.labels.astype(np.uint8) for s in steps]
        J = np.array([np.nan if s.kind == "init" else s.distortion for s in steps])
        n_grid = max(40, min(int(grid), int(np.sqrt(GRID_BUDGET / len(steps)))))
        return cls(steps, unique_names([step_name(s) for s in steps]), centers, codes, J,
                   _distortion_x(steps), x_range, y_range, n_grid, scatter_type(len(X)))

    def voronoi(self, i: int) -> dict:
        _gx, _gy, z = voronoi_grid(self.centers[i], self.x_range, self.y_range, self.n_grid)
        return {"type": "heatmap", "z": z}

    def points(self, i: int) -> dict:
        return {"type": self.kind, "marker": {"color": self.codes[i]}}

    def trails(self, i: int) -> list[dict]:
        """The path of every centre over steps 0..i."""
        return [{"type": "scatter", "x": self.centers[: i + 1, j, 0],
                 "y": self.centers[: i + 1, j, 1]} for j in range(self.centers.shape[1])]

    def centres(self, i: int) -> dict:
        return {"type": "scatter", "x": self.centers[i, :, 0], "y": self.centers[i, :, 1]}

    def cursor(self, i: int) -> dict:
        return {"type": "scatter", "x": [self.distortion_x[i]], "y": [self.distortion[i]]}

    def title(self, i: int, title: str | None) -> dict:
        s = self.steps[i]
        name = step_name(s)
        text = name if s.kind == "init" else f"{name} · J = {s.distortion:.2f}"
        return frame_title(text, title, sep="<br>", note=_step_note(self.steps, i))


# ----------------------------------------------------------------------------- K-means run
def kmeans_figure(run, *, duration_ms: int = 700, voronoi: bool = True, height: int = 620,
                  grid: int = 150, title: str | None = None,
                  palette: tuple[str, ...] = PALETTE) -> go.Figure:
    """Animate a finished K-means run: assign and update half-steps, trails, Voronoi regions.

    Left panel (equal axis scales, ranges fixed over the whole run): the Voronoi regions of the
    current centres lightly shaded in the cluster colours, the points coloured by cluster (grey
    before the first assignment), each centre's path so far, and the centres as crosses.
    Right panel: the distortion J after every half-step with a cursor on the current one.

    Parameters
    ----------
    run : KMeansRun
        A recorded run from :func:`gmmviz.fit_kmeans`.
    duration_ms : int, default 700
        Time per frame when playing.
    voronoi : bool, default True
        Shade the Voronoi regions (nearest-centre labels on a grid, a heatmap per frame).
    height : int, default 620
    grid : int, default 150
        Grid points per axis of the Voronoi shading; lowered for long runs so that the
        figure carries at most ``GRID_BUDGET`` cells over all frames (at least 40 per axis).
    title : str, optional
        Bold first title line; the step, J and what the step did follow.
    palette : tuple of str

    Returns
    -------
    plotly.graph_objects.Figure
        ``len(fig.frames) == len(run.steps)``, frame names are the step labels. Traces:
        [Voronoi heatmap], points (``customdata`` = row index), one trail per centre, the
        centres, the distortion curve, the cursor; ``fig.layout.meta`` maps these roles to
        trace indices.
    """
    view = _LloydFrames.of(run, grid)
    fig, roles = _kmeans_traces(run, view, voronoi, palette)
    frames = []
    for i, name in enumerate(view.names):
        data = [view.voronoi(i)] if voronoi else []
        data += [view.points(i), *view.trails(i), view.centres(i), view.cursor(i)]
        traces = [roles["voronoi"]] if voronoi else []
        traces += [roles["points"], *roles["trails"], roles["centers"], roles["cursor"]]
        frames.append(go.Frame(data=data, traces=traces, name=name, layout={
            **view.title(i, title), **frame_controls(view.names, i, duration_ms)}))
    fig.frames = frames
    fig.update_layout(
        **plain_layout(height, {"l": 60, "r": 20, "t": 100 if title else 80, "b": 150}),
        hovermode="closest", uirevision="kmeans", meta={**roles, "grid": view.n_grid},
        **view.title(0, title), **playback_controls(view.names, duration_ms, prefix="", y=-0.1))
    fig.update_layout(title={"x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "top",
                             "pad": {"t": 14}, "font": {"size": FONT_SIZE + 2}})
    grid_off = {"title_text": "x₁", "showgrid": False, "constrain": "domain"}
    equal_axes(fig, view.x_range, view.y_range, x=grid_off, y={**grid_off, "title_text": "x₂"})
    _distortion_axes(fig, view)
    return fig


def _kmeans_traces(run, view: _LloydFrames, voronoi: bool,
                   palette: tuple[str, ...]) -> tuple[go.Figure, dict]:
    """The figure's traces at the start, and the index of each role's trace(s).

    Trace order: [Voronoi heatmap], points, one trail per centre, centres, curve, cursor.
    """
    X = np.asarray(run.X, dtype=float)
    k = view.centers.shape[1]
    colors = [component_color(j, palette) for j in range(k)]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.64, 0.36], horizontal_spacing=0.09)
    roles: dict = {"voronoi": None}
    if voronoi:
        roles["voronoi"] = 0
        fig.add_trace(regions_trace(view.voronoi(0)["z"], view.x_range, view.y_range, colors,
                                     _("Voronoi regions")), row=1, col=1)
    roles["points"] = len(fig.data)
    fig.add_trace(points_trace(X, {**_label_colors(view.codes[0], k, palette), "showscale": False},
                               size=(9, 5), line_width=0.6, opacity=0.9,
                               customdata=row_ids(len(X)), name=_("points"), showlegend=False,
                               hovertemplate=_(POINT_HOVER)), row=1, col=1)
    roles["trails"] = list(range(len(fig.data), len(fig.data) + k))
    for j, update in enumerate(view.trails(0)):
        fig.add_trace(as_trace(update).update(
            mode="lines+markers", line={"color": colors[j], "width": 3},
            marker={"size": 6, "color": colors[j]}, hoverinfo="skip",
            name=_("path of centre {j}").format(j=j + 1), showlegend=False), row=1, col=1)
    roles["centers"] = len(fig.data)
    fig.add_trace(as_trace(view.centres(0)).update(
        mode="markers+text", text=[f"μ{j + 1}" for j in range(k)], textposition="top right",
        textfont={"size": FONT_SIZE, "color": "#111111"},
        marker={"symbol": "x", "size": 20, "color": colors, "line": EDGE},
        customdata=np.arange(1, k + 1), name=_("centres"), showlegend=False,
        hovertemplate=_("centre %{customdata}<br>μ=(%{x:.4g}, %{y:.4g})<extra></extra>")),
        row=1, col=1)
    roles["curve"], roles["cursor"] = len(fig.data), len(fig.data) + 1
    _distortion_traces(fig, view)
    return fig, roles


def _distortion_traces(fig: go.Figure, view: _LloydFrames) -> None:
    """The distortion J after every half-step (open circles after an assignment), and the
    cursor on the start."""
    steps = view.steps[1:]
    fig.add_trace(go.Scatter(
        x=view.distortion_x[1:], y=view.distortion[1:], mode="lines+markers",
        line={"color": "#333333", "width": 3},
        marker={"size": 9, "color": "#333333",
                "symbol": ["circle-open" if s.kind == "assign" else "circle" for s in steps]},
        name="J", showlegend=False, customdata=[_(_KIND_NAMES[s.kind]) for s in steps],
        hovertemplate=_("after %{customdata}: J = %{y:.2f}<extra></extra>")), row=1, col=2)
    fig.add_trace(cursor_trace(view.cursor(0)), row=1, col=2)


#: What a K-means half-step did, as the distortion curve's hover names it.
_KIND_NAMES = {"assign": N_("assign"), "update": N_("update")}


def _distortion_axes(fig: go.Figure, view: _LloydFrames) -> None:
    J = view.distortion[np.isfinite(view.distortion)]
    lo, hi = (float(J.min()), float(J.max())) if len(J) else (0.0, 1.0)
    span = hi - lo if hi > lo else max(1.0, abs(hi))
    t_max = max(float(view.distortion_x.max()), 1.0)
    fig.update_xaxes(range=[0.0, t_max + 0.5], autorange=False, title_text=_("iteration"),
                     dtick=1 if t_max <= 20 else None, row=1, col=2)
    fig.update_yaxes(range=[lo - 0.08 * span, hi + 0.08 * span], autorange=False,
                     title_text=_("distortion J"), row=1, col=2)


# ----------------------------------------------------------------------------- end states
def regions_trace(labels: np.ndarray, x_range: Sequence[float], y_range: Sequence[float],
                   colors: Sequence[str], name: str) -> go.Heatmap:
    """A light heatmap of region labels (uint8, shape (n, n)) in the cluster colours."""
    n = labels.shape[0]
    return go.Heatmap(
        z=labels.astype(np.uint8), x0=x_range[0], dx=(x_range[1] - x_range[0]) / (n - 1),
        y0=y_range[0], dy=(y_range[1] - y_range[0]) / (n - 1), zmin=-0.5,
        zmax=len(colors) - 0.5, zsmooth=False, showscale=False, hoverinfo="skip", name=name,
        colorscale=_discrete_scale([_tint(c, REGION_TINT) for c in colors]))


def hard_soft_figure(gmm_run, kmeans_run, *, height: int = 560, regions: bool = True,
                     connect: bool = False, grid: int = 120,
                     titles: tuple[str, str] = (N_("Gaussian mixture (colour = responsibilities)"),
                                                N_("K-means (colour = cluster)")),
                     ellipse_name: str = N_("1σ and 2σ ellipses"),
                     palette: tuple[str, ...] = PALETTE) -> go.Figure:
    """The end of an EM run beside the end of a K-means run on the same data.

    Left: the points coloured by the mixture's responsibilities (blended colours for shared
    points), each component's 1- and 2-sigma ellipses and its mean (diamond). Right: the points
    coloured by their K-means cluster and the centres (crosses). Each panel also shows the
    other method's centres in outline. Both panels share ranges and have equal axis scales.

    Parameters
    ----------
    gmm_run : GMMRun
    kmeans_run : KMeansRun
        On the same data, with as many clusters as the mixture has components.
    height : int, default 560
    regions : bool, default True
        Shade where each component wins (largest responsibility; curved boundaries) on the
        left and each centre's Voronoi region (straight boundaries) on the right.
    connect : bool, default False
        Join every mean to its matched centre (the pairing of
        :func:`gmmviz.limit.match_components`, as in :func:`gmmviz.limit.center_distance`).
    grid : int, default 120
        Grid points per axis of the shading.
    titles : (str, str)
        Shown in the language in use (an English title with a catalogue entry is translated).
    ellipse_name : str
        Legend entry of the ellipses (translated as ``titles``).
    palette : tuple of str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    titles, ellipse_name = (_(titles[0]), _(titles[1])), _(ellipse_name)
    means, covs, centers = _end_parameters(gmm_run, kmeans_run)
    colors = [component_color(j, palette) for j in range(len(means))]
    X = np.asarray(gmm_run.X, dtype=float)
    ranges = axis_range(X, [means, centers], [covs, np.zeros_like(covs)], [2.0])
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.06, subplot_titles=titles)
    if regions:
        _add_regions(fig, gmm_run, centers, ranges, grid, colors)
    _add_end_points(fig, X, gmm_run, kmeans_run, palette)
    for j in range(len(means)):
        ex, ey = ellipses_path(means[j:j + 1], covs[j:j + 1], (1.0, 2.0))
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line={"color": colors[j], "width": 2.5},
                                 hoverinfo="skip", showlegend=j == 0, name=ellipse_name,
                                 legendgroup="ellipses"), row=1, col=1)
    links = _links(means, centers) if connect else None
    for col in (1, 2):
        _add_centres(fig, col, means, centers, colors, links)
    fig.update_layout(**plain_layout(height, {"l": 60, "r": 20, "t": 50, "b": 40}),
                      hovermode="closest",
                      legend={"orientation": "h", "x": 0.0, "y": -0.12, "yanchor": "top"})
    fig.update_annotations(font={"size": FONT_SIZE + 1})
    axis = {"showgrid": False, "constrain": "domain"}
    equal_axes(fig, *ranges, x={**axis, "title_text": "x₁"}, y={**axis, "title_text": "x₂"})
    equal_axes(fig, *ranges, xaxis="x2", yaxis="y2", x={**axis, "title_text": "x₁"}, y=axis)
    return fig


def _end_parameters(gmm_run, kmeans_run) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mixture's final means and covariances and K-means' final centres, or InputError
    when the two runs have different numbers of clusters."""
    means = np.asarray(gmm_run.means_, dtype=float)
    centers = np.asarray(kmeans_run.centers_, dtype=float)
    if centers.shape != means.shape:
        raise InputError(
            _("The mixture has {k} components but K-means has {c} clusters; compare runs "
              "with the same k.").format(k=gmm_run.n_components, c=centers.shape[0]))
    return means, np.asarray(gmm_run.covariances_, dtype=float), centers


def _add_regions(fig: go.Figure, gmm_run, centers: np.ndarray, ranges: tuple, grid: int,
                 colors: list[str]) -> None:
    """Where each component has the largest responsibility (left), each centre's Voronoi
    region (right)."""
    from gmmviz._em_posterior import predict_proba

    gx, gy, vor = voronoi_grid(centers, *ranges, grid)
    xx, yy = np.meshgrid(gx, gy)
    win = predict_proba(np.column_stack([xx.ravel(), yy.ravel()]), gmm_run.final)
    fig.add_trace(regions_trace(win.argmax(axis=1).reshape(grid, grid), *ranges, colors,
                                 _("largest responsibility")), row=1, col=1)
    fig.add_trace(regions_trace(vor, *ranges, colors, _("Voronoi regions")), row=1, col=2)


def _add_end_points(fig: go.Figure, X: np.ndarray, gmm_run, kmeans_run,
                    palette: tuple[str, ...]) -> None:
    """The points in their blended responsibility colours (left) and cluster colours (right)."""
    k = gmm_run.n_components
    cc = codec(k, palette)
    style = {"size": (9, 5), "line_width": 0.5, "opacity": 0.9, "showlegend": False,
             "hoverinfo": "skip"}
    fig.add_trace(points_trace(X, cc.marker(cc.encode(gmm_run.resp_)), name=_("points (mixture)"),
                               **style), row=1, col=1)
    fig.add_trace(points_trace(X, _label_colors(kmeans_run.labels_.astype(np.uint8), k, palette),
                               name=_("points (K-means)"), **style), row=1, col=2)


def _links(means: np.ndarray, centers: np.ndarray) -> tuple[list, list]:
    """Segments joining every mean to its matched centre, broken by None."""
    sx: list = []
    sy: list = []
    for i, j in enumerate(match_components(means, centers)):
        sx += [means[i, 0], centers[j, 0], None]
        sy += [means[i, 1], centers[j, 1], None]
    return sx, sy


def _add_centres(fig: go.Figure, col: int, means: np.ndarray, centers: np.ndarray,
                 colors: list[str], links: tuple[list, list] | None) -> None:
    """The mixture means (diamonds) and K-means centres (crosses) on one panel: the panel's
    own in colour, the other method's in outline; on top, the links between them."""
    if links is not None:
        fig.add_trace(go.Scatter(x=links[0], y=links[1], mode="lines",
                                 line={"color": "#111111", "width": 2},
                                 hoverinfo="skip", showlegend=False), row=1, col=col)
    own_em = col == 1
    fig.add_trace(go.Scatter(
        x=means[:, 0], y=means[:, 1], mode="markers",
        marker={"symbol": "diamond", "size": 18, "color": colors, "line": EDGE} if own_em
        else _OUTLINE_DIAMOND,
        name=_("mixture means"), showlegend=own_em, legendgroup="em",
        hovertemplate=_("mixture mean<br>(%{x:.4g}, %{y:.4g})<extra></extra>")), row=1, col=col)
    fig.add_trace(go.Scatter(
        x=centers[:, 0], y=centers[:, 1], mode="markers",
        marker=_OUTLINE_X if own_em else {"symbol": "x", "size": 18, "color": colors,
                                          "line": EDGE},
        name=_("K-means centres"), showlegend=own_em, legendgroup="km",
        hovertemplate=_("K-means centre<br>(%{x:.4g}, %{y:.4g})<extra></extra>")),
        row=1, col=col)


def limit_figure(eps_run, kmeans_run, *, height: int = 560, regions: bool = True,
                 palette: tuple[str, ...] = PALETTE) -> go.Figure:
    """EM with covariances eps * I beside K-means from the same start, both at their end.

    :func:`hard_soft_figure` with every mean joined to its matched K-means centre, so the gap
    between the two sets of centres is visible; the circles are N(mu_k, eps I)'s 1 and 2 sigma.

    Parameters
    ----------
    eps_run : GMMRun
        From :func:`gmmviz.limit.fit_eps_limit`.
    kmeans_run : KMeansRun
        K-means on the same data (from the same centres).
    height : int, default 560
    regions : bool, default True
    palette : tuple of str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    return hard_soft_figure(
        eps_run, kmeans_run, height=height, regions=regions, connect=True, palette=palette,
        titles=(N_("EM with Σₖ = εI (colour = responsibilities)"),
                N_("K-means (colour = cluster)")),
        ellipse_name=N_("1σ and 2σ circles of N(μₖ, εI)"))


def eps_sweep_figure(sweep: pd.DataFrame, *, eps: float | None = None, height: int = 380,
                     n_components: int | None = None) -> go.Figure:
    """How the eps-limit fit changes with eps: distance to K-means and hardness, log eps axis.

    Parameters
    ----------
    sweep : pandas.DataFrame
        From :func:`gmmviz.limit.eps_sweep` (columns ``eps``, ``distance``, ``hardness``).
    eps : float, optional
        The current eps, marked on both panels.
    height : int, default 380
    n_components : int, optional
        Draws the hardness of even responsibilities, 1/K, as a dotted floor.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    df = sweep.sort_values("eps")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=(_("distance to the K-means centres"),
                                        _("hardness: mean max-responsibility")))
    # A distance of exactly 0 cannot sit on a log axis: floor it at 1e-16.
    dist = np.maximum(df["distance"].to_numpy(dtype=float), 1e-16)
    fig.add_trace(go.Scatter(x=df["eps"], y=dist, mode="lines+markers",
                             line={"color": "#0072B2", "width": 3}, marker={"size": 7},
                             hovertemplate=_("ε = %{x:.3g}<br>distance = %{y:.3g}"
                                             "<extra></extra>"),
                             showlegend=False), row=1, col=1)
    fig.add_trace(go.Scatter(x=df["eps"], y=df["hardness"], mode="lines+markers",
                             line={"color": "#009E73", "width": 3}, marker={"size": 7},
                             hovertemplate=_("ε = %{x:.3g}<br>hardness = %{y:.4f}"
                                             "<extra></extra>"),
                             showlegend=False), row=1, col=2)
    if n_components:
        fig.add_hline(y=1.0 / n_components, line={"dash": "dot", "color": "#777777"},
                      annotation_text=_("1/K: all even"), annotation_position="bottom left",
                      row=1, col=2)
        fig.add_hline(y=1.0, line={"dash": "dot", "color": "#777777"},
                      annotation_text=_("hard (K-means)"), annotation_position="bottom right",
                      row=1, col=2)
    if eps is not None:
        for col in (1, 2):
            fig.add_vline(x=float(eps), line={"color": CURSOR_COLOR, "width": 3},
                          row=1, col=col)
    fig.update_layout(height=height, template="plotly_white", font={"size": FONT_SIZE},
                      margin={"l": 70, "r": 20, "t": 50, "b": 60}, hovermode="closest")
    fig.update_annotations(font={"size": FONT_SIZE})
    fig.update_xaxes(type="log", title_text=_("ε (log scale)"), exponentformat="power")
    fig.update_yaxes(type="log", exponentformat="power", title_text=_("max distance"), row=1,
                     col=1)
    fig.update_yaxes(range=[0, 1.05] if not n_components else
                     [1.0 / n_components - 0.05, 1.05], title_text=_("hardness"), row=1, col=2)
    return fig
