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

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz._errors import InputError
from gmmviz.figures._animation import (
    FONT_SIZE,
    frame_controls,
    playback_controls,
    unique_names,
)
from gmmviz.figures._colors import GRAY, PALETTE, codec, component_color, hex_to_rgb, rgb_string
from gmmviz.figures._geometry import axis_range, ellipses_path
from gmmviz.kmeans import assign
from gmmviz.limit import match_components

#: Above this many points the scatter panel uses WebGL (``go.Scattergl``).
WEBGL_THRESHOLD = 2000
#: Voronoi cells (grid side squared, summed over frames) that one figure may carry.
GRID_BUDGET = 600_000
#: How much of a cluster's colour tints its Voronoi region (the rest is white).
REGION_TINT = 0.18
CURSOR_COLOR = "#D55E00"
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


def _label_scale(k: int, palette: tuple[str, ...]) -> list:
    """Colorscale for point codes 0..k: cluster colours, then grey (code k) for "unassigned"."""
    colors = [component_color(j, palette) for j in range(k)] + [GRAY]
    return [[i / k, c] for i, c in enumerate(colors)]


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
        return f"{s.centers.shape[0]} starting centres; no point assigned yet"
    if s.kind == "assign":
        if i == 1:
            return "every point joins its nearest centre"
        moved = int(np.count_nonzero(s.labels != steps[i - 1].labels))
        return f"{moved} point{'s' if moved != 1 else ''} changed cluster"
    shift = float(np.sqrt(((s.centers - steps[i - 1].centers) ** 2).sum(axis=1)).max())
    note = f"centres moved by up to {shift:.3g}" if shift > 0 else "no centre moved"
    if s.empty:
        which = ", ".join(str(j + 1) for j in s.empty)
        note += f"; cluster {which} has no points and keeps its centre"
    return note


def _title(steps: Sequence, i: int, title: str | None) -> dict:
    s = steps[i]
    text = s.label if s.kind == "init" else f"{s.label} · J = {s.distortion:.2f}"
    if title:
        text = f"{title}<br>{text}"
    # bold, as Streamlit draws a figure's first title: stepping keeps its weight
    note = _step_note(steps, i)
    text = f"<b>{text}</b><br><span style='font-size:0.8em;font-weight:normal'>{note}</span>"
    return {"title": {"text": text}}


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
    steps = list(run.steps)
    if not steps:
        raise InputError("The run has no recorded steps to draw; fit it again.")
    X = np.asarray(run.X, dtype=float)
    n, k = X.shape[0], steps[0].centers.shape[0]
    webgl = n > WEBGL_THRESHOLD
    Scatter = go.Scattergl if webgl else go.Scatter
    colors = [component_color(j, palette) for j in range(k)]
    names = unique_names([s.label for s in steps])
    n_grid = max(40, min(int(grid), int(np.sqrt(GRID_BUDGET / len(steps)))))

    centers = np.stack([s.centers for s in steps])  # (n_steps, K, 2)
    zeros = np.zeros((k, 2, 2))
    (x0, x1), (y0, y1) = axis_range(X, list(centers), [zeros] * len(steps), [1.0])
    codes = [np.full(n, k, dtype=np.uint8) if s.kind == "init" else s.labels.astype(np.uint8)
             for s in steps]
    J = np.array([np.nan if s.kind == "init" else s.distortion for s in steps])
    jx = _distortion_x(steps)

    # ---- trace indices: [voronoi], points, trails (K), centres, curve, cursor
    idx = 0
    i_vor = None
    if voronoi:
        i_vor, idx = 0, 1
    i_points = idx
    i_trails = list(range(idx + 1, idx + 1 + k))
    i_centers = idx + 1 + k
    i_curve, i_cursor = i_centers + 1, i_centers + 2

    def vor_trace(i: int) -> go.Heatmap:
        _, _, z = voronoi_grid(steps[i].centers, (x0, x1), (y0, y1), n_grid)
        return go.Heatmap(z=z)

    def points_trace(i: int):
        return Scatter(marker={"color": codes[i]})

    def trail_traces(i: int) -> list:
        # the path of centre j over steps 0..i
        return [go.Scatter(x=centers[: i + 1, j, 0], y=centers[: i + 1, j, 1]) for j in range(k)]

    def centers_trace(i: int) -> go.Scatter:
        return go.Scatter(x=centers[i, :, 0], y=centers[i, :, 1])

    def cursor_trace(i: int) -> go.Scatter:
        return go.Scatter(x=[jx[i]], y=[J[i]])

    fig = make_subplots(rows=1, cols=2, column_widths=[0.64, 0.36], horizontal_spacing=0.09)
    if voronoi:
        v = vor_trace(0)
        v.update(x0=x0, dx=(x1 - x0) / (n_grid - 1), y0=y0, dy=(y1 - y0) / (n_grid - 1),
                 zmin=-0.5, zmax=k - 0.5, zsmooth=False, showscale=False, hoverinfo="skip",
                 colorscale=_discrete_scale([_tint(c, REGION_TINT) for c in colors]),
                 name="Voronoi regions")
        fig.add_trace(v, row=1, col=1)
    pts = points_trace(0)
    pts.update(x=X[:, 0], y=X[:, 1], mode="markers",
               customdata=np.arange(n, dtype=np.int32 if n > 32767 else np.int16),
               marker={"colorscale": _label_scale(k, palette), "cmin": 0, "cmax": k,
                       "showscale": False, "size": 5 if webgl else 9, "opacity": 0.9,
                       "line": {"width": 0 if webgl else 0.6, "color": "white"}},
               name="points", showlegend=False,
               hovertemplate="point %{customdata}<br>x=%{x:.4g}<br>y=%{y:.4g}<extra></extra>")
    fig.add_trace(pts, row=1, col=1)
    for j, tr in enumerate(trail_traces(0)):
        tr.update(mode="lines+markers", line={"color": colors[j], "width": 3},
                  marker={"size": 6, "color": colors[j]}, hoverinfo="skip",
                  name=f"path of centre {j + 1}", showlegend=False)
        fig.add_trace(tr, row=1, col=1)
    c = centers_trace(0)
    c.update(mode="markers+text", text=[f"μ{j + 1}" for j in range(k)],
             textposition="top right", textfont={"size": FONT_SIZE, "color": "#111111"},
             marker={"symbol": "x", "size": 20, "color": colors,
                     "line": {"width": 2, "color": "#111111"}},
             customdata=np.arange(1, k + 1), name="centres", showlegend=False,
             hovertemplate="centre %{customdata}<br>μ=(%{x:.4g}, %{y:.4g})<extra></extra>")
    fig.add_trace(c, row=1, col=1)
    kinds = [s.kind for s in steps]
    fig.add_trace(go.Scatter(
        x=jx[1:], y=J[1:], mode="lines+markers", line={"color": "#333333", "width": 3},
        marker={"size": 9, "color": "#333333",
                "symbol": ["circle-open" if kd == "assign" else "circle" for kd in kinds[1:]]},
        name="J", showlegend=False,
        customdata=[s.kind for s in steps[1:]],
        hovertemplate="after %{customdata}: J = %{y:.2f}<extra></extra>"), row=1, col=2)
    cur = cursor_trace(0)
    cur.update(mode="markers", marker={"size": 18, "color": CURSOR_COLOR}, hoverinfo="skip",
               name="current step", showlegend=False)
    fig.add_trace(cur, row=1, col=2)

    frames = []
    for i in range(len(steps)):
        data, traces = [], []
        if voronoi:
            data.append(vor_trace(i))
            traces.append(i_vor)
        data += [points_trace(i), *trail_traces(i), centers_trace(i), cursor_trace(i)]
        traces += [i_points, *i_trails, i_centers, i_cursor]
        frames.append(go.Frame(
            data=data, traces=traces, name=names[i],
            layout={**_title(steps, i, title), **frame_controls(names, i, duration_ms)}))
    fig.frames = frames

    j_ok = J[np.isfinite(J)]
    lo, hi = (float(j_ok.min()), float(j_ok.max())) if len(j_ok) else (0.0, 1.0)
    span = hi - lo if hi > lo else max(1.0, abs(hi))
    t_max = max(float(jx.max()), 1.0)
    fig.update_layout(
        height=height, template="plotly_white", font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": 100 if title else 80, "b": 150},
        hovermode="closest", uirevision="kmeans",
        meta={"voronoi": i_vor, "points": i_points, "trails": i_trails, "centers": i_centers,
              "curve": i_curve, "cursor": i_cursor, "grid": n_grid},
        **_title(steps, 0, title),
        **playback_controls(names, duration_ms, prefix="", y=-0.1),
    )
    fig.update_layout(title={"x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "top",
                             "pad": {"t": 14}, "font": {"size": FONT_SIZE + 2}})
    fig.update_xaxes(range=[x0, x1], autorange=False, title_text="x₁", zeroline=False,
                     showgrid=False, constrain="domain", row=1, col=1)
    fig.update_yaxes(range=[y0, y1], autorange=False, title_text="x₂", zeroline=False,
                     showgrid=False, scaleanchor="x", scaleratio=1, constrain="domain",
                     row=1, col=1)
    fig.update_xaxes(range=[0.0, t_max + 0.5], autorange=False, title_text="iteration",
                     dtick=1 if t_max <= 20 else None, row=1, col=2)
    fig.update_yaxes(range=[lo - 0.08 * span, hi + 0.08 * span], autorange=False,
                     title_text="distortion J", row=1, col=2)
    return fig


# ----------------------------------------------------------------------------- end states
def _regions_trace(labels: np.ndarray, x_range: Sequence[float], y_range: Sequence[float],
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
                   titles: tuple[str, str] = ("Gaussian mixture (colour = responsibilities)",
                                              "K-means (colour = cluster)"),
                   ellipse_name: str = "1σ and 2σ ellipses",
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
    ellipse_name : str
        Legend entry of the ellipses.
    palette : tuple of str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from gmmviz.em import predict_proba

    X = np.asarray(gmm_run.X, dtype=float)
    k = gmm_run.n_components
    means = np.asarray(gmm_run.means_, dtype=float)
    centers = np.asarray(kmeans_run.centers_, dtype=float)
    if centers.shape != means.shape:
        raise InputError(
            f"The mixture has {k} components but K-means has {centers.shape[0]} clusters; "
            "compare runs with the same k.")
    covs = np.asarray(gmm_run.covariances_, dtype=float)
    colors = [component_color(j, palette) for j in range(k)]
    cc = codec(k, palette)
    n = X.shape[0]
    webgl = n > WEBGL_THRESHOLD
    Scatter = go.Scattergl if webgl else go.Scatter
    size = 5 if webgl else 9
    line = {"width": 0 if webgl else 0.5, "color": "white"}
    (x0, x1), (y0, y1) = axis_range(X, [means, centers], [covs, np.zeros_like(covs)], [2.0])

    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.06, subplot_titles=titles)
    if regions:
        gx, gy, vor = voronoi_grid(centers, (x0, x1), (y0, y1), grid)
        xx, yy = np.meshgrid(gx, gy)
        win = predict_proba(np.column_stack([xx.ravel(), yy.ravel()]), gmm_run.final)
        fig.add_trace(_regions_trace(win.argmax(axis=1).reshape(grid, grid), (x0, x1),
                                     (y0, y1), colors, "largest responsibility"), row=1, col=1)
        fig.add_trace(_regions_trace(vor, (x0, x1), (y0, y1), colors, "Voronoi regions"),
                      row=1, col=2)
    fig.add_trace(Scatter(
        x=X[:, 0], y=X[:, 1], mode="markers",
        marker=cc.marker(cc.encode(gmm_run.resp_), size=size, opacity=0.9, line=line),
        name="points (mixture)", showlegend=False, hoverinfo="skip"), row=1, col=1)
    fig.add_trace(Scatter(
        x=X[:, 0], y=X[:, 1], mode="markers",
        marker={"color": kmeans_run.labels_.astype(np.uint8),
                "colorscale": _label_scale(k, palette), "cmin": 0, "cmax": k, "size": size,
                "opacity": 0.9, "line": line},
        name="points (K-means)", showlegend=False, hoverinfo="skip"), row=1, col=2)
    for j in range(k):
        ex, ey = ellipses_path(means[j:j + 1], covs[j:j + 1], (1.0, 2.0))
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line={"color": colors[j], "width": 2.5},
                                 hoverinfo="skip", showlegend=j == 0, name=ellipse_name,
                                 legendgroup="ellipses"), row=1, col=1)
    if connect:
        sx: list = []
        sy: list = []
        for i, j in enumerate(match_components(means, centers)):
            sx += [means[i, 0], centers[j, 0], None]
            sy += [means[i, 1], centers[j, 1], None]
    for col in (1, 2):
        if connect:
            fig.add_trace(go.Scatter(x=sx, y=sy, mode="lines",
                                     line={"color": "#111111", "width": 2},
                                     hoverinfo="skip", showlegend=False), row=1, col=col)
        own_em = col == 1
        fig.add_trace(go.Scatter(
            x=means[:, 0], y=means[:, 1], mode="markers",
            marker={"symbol": "diamond", "size": 18, "color": colors,
                    "line": {"width": 2, "color": "#111111"}} if own_em else _OUTLINE_DIAMOND,
            name="mixture means", showlegend=own_em, legendgroup="em",
            hovertemplate="mixture mean<br>(%{x:.4g}, %{y:.4g})<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=centers[:, 0], y=centers[:, 1], mode="markers",
            marker=_OUTLINE_X if own_em else {"symbol": "x", "size": 18, "color": colors,
                                              "line": {"width": 2, "color": "#111111"}},
            name="K-means centres", showlegend=own_em, legendgroup="km",
            hovertemplate="K-means centre<br>(%{x:.4g}, %{y:.4g})<extra></extra>"),
            row=1, col=col)
    fig.update_layout(
        height=height, template="plotly_white", font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": 50, "b": 40}, hovermode="closest",
        legend={"orientation": "h", "x": 0.0, "y": -0.12, "yanchor": "top"},
    )
    fig.update_annotations(font={"size": FONT_SIZE + 1})
    for col in (1, 2):
        fig.update_xaxes(range=[x0, x1], autorange=False, title_text="x₁", zeroline=False,
                         showgrid=False, constrain="domain", row=1, col=col)
        fig.update_yaxes(range=[y0, y1], autorange=False, zeroline=False, showgrid=False,
                         constrain="domain", scaleanchor="x" if col == 1 else "x2",
                         scaleratio=1, title_text="x₂" if col == 1 else None, row=1, col=col)
    return fig


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
        titles=("EM with Σₖ = εI (colour = responsibilities)", "K-means (colour = cluster)"),
        ellipse_name="1σ and 2σ circles of N(μₖ, εI)")


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
                        subplot_titles=("distance to the K-means centres",
                                        "hardness: mean max-responsibility"))
    # A distance of exactly 0 cannot sit on a log axis: floor it at 1e-16.
    dist = np.maximum(df["distance"].to_numpy(dtype=float), 1e-16)
    fig.add_trace(go.Scatter(x=df["eps"], y=dist, mode="lines+markers",
                             line={"color": "#0072B2", "width": 3}, marker={"size": 7},
                             hovertemplate="ε = %{x:.3g}<br>distance = %{y:.3g}<extra></extra>",
                             showlegend=False), row=1, col=1)
    fig.add_trace(go.Scatter(x=df["eps"], y=df["hardness"], mode="lines+markers",
                             line={"color": "#009E73", "width": 3}, marker={"size": 7},
                             hovertemplate="ε = %{x:.3g}<br>hardness = %{y:.4f}<extra></extra>",
                             showlegend=False), row=1, col=2)
    if n_components:
        fig.add_hline(y=1.0 / n_components, line={"dash": "dot", "color": "#777777"},
                      annotation_text="1/K: all even", annotation_position="bottom left",
                      row=1, col=2)
        fig.add_hline(y=1.0, line={"dash": "dot", "color": "#777777"},
                      annotation_text="hard (K-means)", annotation_position="bottom right",
                      row=1, col=2)
    if eps is not None:
        for col in (1, 2):
            fig.add_vline(x=float(eps), line={"color": CURSOR_COLOR, "width": 3},
                          row=1, col=col)
    fig.update_layout(height=height, template="plotly_white", font={"size": FONT_SIZE},
                      margin={"l": 70, "r": 20, "t": 50, "b": 60}, hovermode="closest")
    fig.update_annotations(font={"size": FONT_SIZE})
    fig.update_xaxes(type="log", title_text="ε (log scale)", exponentformat="power")
    fig.update_yaxes(type="log", exponentformat="power", title_text="max distance", row=1,
                     col=1)
    fig.update_yaxes(range=[0, 1.05] if not n_components else
                     [1.0 / n_components - 0.05, 1.05], title_text="hardness", row=1, col=2)
    return fig
