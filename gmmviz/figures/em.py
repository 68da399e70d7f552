"""Animated figure of a recorded EM run, NLL curves, and one point's responsibilities.

Frames of :func:`em_figure`
---------------------------
One frame per half-step (``run.steps``), named by the step's label. The point coordinates go
once in ``fig.data``; a frame carries only what differs from the previous frame, addressed by
trace index (``Frame.traces``), and names the previous frame as its ``baseframe``. An E-step
changes only the points' colour codes, an M-step only the ellipses and means (and density),
so each of these is sent once per change. plotly.js resolves a frame by merging its chain of
base frames, so jumping anywhere with the slider shows the complete state of that step.
The NLL cursor, the title and the Back / Next buttons' targets are in every frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz._errors import InputError
from gmmviz.figures._animation import (
    FONT_SIZE,
    SLIDER_PAD_PX,
    frame_controls,
    playback_controls,
    unique_names,
)
from gmmviz.figures._colors import PALETTE, codec, component_color
from gmmviz.figures._geometry import axis_range, ellipse_xy

#: Above this many points the scatter panel uses WebGL (``go.Scattergl``).
WEBGL_THRESHOLD = 2000
#: Distinct points on each ellipse.
ELLIPSE_POINTS = 60
#: Line style of the 1st, 2nd, 3rd... sigma level.
LEVEL_DASH = ("solid", "dash", "dot", "dashdot")
LEVEL_WIDTH = (3.5, 2.5, 2.0, 2.0)
#: y domain of the NLL panel (the legend goes below it).
NLL_DOMAIN = (0.55, 1.0)
# The controls hang this fraction of the plot's height below it; their height in px with
# their padding at FONT_SIZE (the slider, then the row of buttons).
CONTROLS_GAP = 0.06
CONTROLS_PX = 136
CURSOR_COLOR = "#D55E00"
#: Transparent at low density, rising early so the tails show.
DENSITY_LEVELS = 12
DENSITY_COLORSCALE = [[0.0, "rgba(255,255,255,0)"], [0.1, "rgba(255,255,255,0)"],
                      [0.11, "rgba(120,135,165,0.18)"],
                      [0.3, "rgba(100,115,150,0.32)"], [1.0, "rgba(70,85,125,0.5)"]]


def _mean_size(weights: np.ndarray) -> np.ndarray:
    """Marker size of each mean, growing with sqrt(pi_k) (area roughly proportional to pi_k)."""
    return (12.0 + 28.0 * np.sqrt(np.clip(np.asarray(weights, dtype=float), 0.0, 1.0))
            ).astype(np.float32)


def _level_name(n_std: float) -> str:
    return f"{n_std:g}σ"


def _ellipse_arrays(mean: np.ndarray, cov: np.ndarray, n_std: float,
                    n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """One contour as float32 (Plotly sends it as a base64 typed array); NaN if undefined."""
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        nan = np.full(n_points + 1, np.nan, dtype=np.float32)
        return nan, nan
    x, y = ellipse_xy(mean, cov, n_std, n_points)
    return x.astype(np.float32), y.astype(np.float32)


def _frame_title(label: str, nll: float, title: str | None) -> dict:
    text = f"{label} · NLL = {nll:.2f}"
    if title:
        text = f"{title} · {text}"
    # bold, as Streamlit draws a figure's first title: stepping keeps its weight
    return {"title": {"text": f"<b>{text}</b>"}}


def _nll_x(steps: Sequence) -> np.ndarray:
    """Position of each step on the NLL curve: the index of its parameters theta_j.

    The start and the M-step of iteration t sit at j = 0 and j = t; an E-step keeps the
    parameters, so the E-step of iteration t sits at j = t - 1 with the same NLL.
    """
    return np.array([s.iteration - 1 if s.kind == "E" else s.iteration for s in steps],
                    dtype=float)


def em_figure(run, X: np.ndarray | None = None, *, levels: Sequence[float] = (1, 2),
              duration_ms: int = 600, show_density: bool = False, height: int = 700,
              title: str | None = None, frame: int = 0,
              palette: tuple[str, ...] = PALETTE, n_points: int = ELLIPSE_POINTS,
              density_grid: int = 60) -> go.Figure:
    """Animate a finished EM run: blended points, ellipses, means, and the NLL curve.

    The run is only drawn, never fitted. Left panel (equal axis scales, ranges fixed over the
    whole run): the points coloured by their responsibilities ``c_n = sum_k gamma_nk c_k``
    (grey before any responsibilities exist), each component's ``levels``-sigma ellipses, and
    the means as diamonds sized by ``sqrt(pi_k)`` and labelled with ``pi_k``. Right panel: the
    NLL at theta_0..theta_T with a cursor on the current step.

    Parameters
    ----------
    run : GMMRun
        A recorded run from :func:`gmmviz.fit_gmm`.
    X : array-like of shape (n_samples, 2), optional
        The points to draw; default ``run.X``. Must have the run's number of rows.
    levels : sequence of float, default (1, 2)
        Ellipse radii in standard deviations (Mahalanobis distance); 1 to 4 values.
    duration_ms : int, default 600
        Time per frame when playing.
    show_density : bool, default False
        Also draw the mixture density p(x) (filled contours on a ``density_grid`` square grid)
        under the points, in every frame.
    height : int, default 700
        Figure height in pixels.
    title : str, optional
        Bold start of the title; the step's label and its NLL follow.
    frame : int, default 0
        Index of the step shown before anything is played (``fig.data`` is that step).
    palette : tuple of str, default PALETTE
    n_points : int, default 60
        Points per ellipse.
    density_grid : int, default 60
        Grid points per axis of the density contour.

    Returns
    -------
    plotly.graph_objects.Figure
        ``len(fig.frames) == len(run.steps)``, frame names are the step labels. Trace 0 holds
        the points (``customdata`` = row index in ``X``), so a selection maps back to rows.
        The NLL cursor is the last trace.

    Raises
    ------
    InputError
        If ``X`` does not have the run's shape, or ``levels`` is empty or not positive.
    """
    steps = list(run.steps)
    if not steps:
        raise InputError("The run has no recorded steps to draw; fit it again.")
    X = run.X if X is None else np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] != run.n_samples:
        raise InputError(
            f"The points to draw must have shape ({run.n_samples}, 2) like the fitted data; "
            f"got {tuple(X.shape)}. Pass the data the run was fitted on.")
    levels = [float(v) for v in levels]
    if not 1 <= len(levels) <= len(LEVEL_DASH) or min(levels) <= 0:
        raise InputError(
            f"Ellipse levels must be 1 to {len(LEVEL_DASH)} positive numbers of standard "
            f"deviations, e.g. (1, 2); got {tuple(levels)}.")
    n, k = X.shape[0], run.n_components
    frame = min(max(int(frame), 0), len(steps) - 1)
    webgl = n > WEBGL_THRESHOLD
    kind = "scattergl" if webgl else "scatter"
    cc = codec(k, palette)
    colors = [component_color(j, palette) for j in range(k)]

    # ---- per-step state
    names = unique_names([s.label for s in steps])
    codes = _step_codes(steps, cc, n)
    nll = np.array([s.nll for s in steps], dtype=float)
    cursor_x = _nll_x(steps)
    (x0, x1), (y0, y1) = axis_range(X, [s.means for s in steps],
                                    [s.covariances for s in steps], levels)
    ellipses = [[[_ellipse_arrays(s.means[j], s.covariances[j], lv, n_points)
                  for lv in levels] for j in range(k)] for s in steps]
    grid = None
    if show_density:
        gx = np.linspace(x0, x1, density_grid)
        gy = np.linspace(y0, y1, density_grid)
        grid = (gx, gy, np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)]))

    # ---- trace order: points, [density], ellipses (component-major), means, curve, cursor.
    # Contours are drawn in a layer under every scatter trace whatever their order, so the
    # points can stay trace 0.
    i_points, idx = 0, 1
    i_density = None
    if show_density:
        i_density, idx = idx, idx + 1
    i_ell = list(range(idx, idx + k * len(levels)))
    idx += k * len(levels)
    i_means, i_cursor = idx, idx + 2  # idx + 1: the static NLL curve

    def density_trace(s) -> dict:
        from gmmviz.em import mixture_density

        gx, gy, pts = grid
        z = mixture_density(pts, s).reshape(len(gy), len(gx))
        z = np.nan_to_num(z, nan=0.0, posinf=0.0).astype(np.float32)
        # Levels from 0 up to the 99.5th percentile of the grid: the spike of a collapsing
        # component would otherwise flatten every other level.
        top = float(np.quantile(z, 0.995)) or float(z.max()) or 1.0
        step = top / DENSITY_LEVELS
        return {"type": "contour", "z": z, "zmin": 0.0, "zmax": top,
                "contours": {"start": step, "end": top, "size": step}}

    def points_trace(i: int) -> dict:
        return {"type": kind, "marker": {"color": codes[i]}}

    def param_traces(i: int) -> list:
        s = steps[i]
        out = []
        for j in range(k):
            for lv in range(len(levels)):
                ex, ey = ellipses[i][j][lv]
                out.append({"type": kind, "x": ex, "y": ey})
        out.append({"type": kind, "x": s.means[:, 0].astype(np.float32),
                    "y": s.means[:, 1].astype(np.float32),
                    "marker": {"size": _mean_size(s.weights)},
                    "text": [f"π={w:.2f}" for w in s.weights]})
        return out

    def cursor_trace(i: int) -> dict:
        return {"type": "scatter", "x": [float(cursor_x[i])], "y": [float(nll[i])],
                "marker": {"symbol": "circle-open" if steps[i].kind == "E" else "circle"}}

    def frame_layout(i: int, with_params: bool) -> dict:
        out = _frame_title(steps[i].label, nll[i], title)
        if with_params:
            out["annotations"] = _weight_labels(steps[i], colors)
        return out

    # ---- the figure at `frame`
    fig = make_subplots(rows=1, cols=2, column_widths=[0.64, 0.36], horizontal_spacing=0.1)
    s0 = steps[frame]
    pts = _as_trace(points_trace(frame))
    pts.update(x=X[:, 0].astype(np.float32), y=X[:, 1].astype(np.float32), mode="markers",
               customdata=np.arange(n, dtype=np.int32 if n > 32767 else np.int16),
               marker=cc.marker(codes[frame], size=5 if webgl else 10, opacity=0.85,
                                line={"width": 0 if webgl else 0.6, "color": "white"}),
               name="points, coloured by γ",
               hovertemplate="point %{customdata}<br>x=%{x:.4g}<br>y=%{y:.4g}<extra></extra>")
    fig.add_trace(pts, row=1, col=1)
    if show_density:
        d = _as_trace(density_trace(s0))
        d.update(x=grid[0].astype(np.float32), y=grid[1].astype(np.float32),
                 contours={"coloring": "fill", "showlines": True}, autocontour=False,
                 zauto=False,
                 line={"width": 0.7, "color": "rgba(60,70,90,0.35)"},
                 colorscale=DENSITY_COLORSCALE, showscale=False, hoverinfo="skip",
                 name="mixture density p(x)", showlegend=True)
        fig.add_trace(d, row=1, col=1)
    param = [_as_trace(t) for t in param_traces(frame)]
    for j in range(k):
        for lv in range(len(levels)):
            tr = param[j * len(levels) + lv]
            tr.update(mode="lines", connectgaps=False, hoverinfo="skip",
                      line={"color": colors[j], "width": LEVEL_WIDTH[lv], "dash": LEVEL_DASH[lv]},
                      name=f"component {j + 1}", legendgroup=f"c{j}", showlegend=lv == 0)
            fig.add_trace(tr, row=1, col=1)
    means = param[-1]
    means.update(mode="markers",
                 marker={"symbol": "diamond", "color": colors, "opacity": 1.0,
                         "line": {"width": 2, "color": "#111111"}},
                 customdata=np.arange(1, k + 1, dtype=np.int16), name="means, size ∝ √π",
                 hovertemplate="component %{customdata}<br>μ=(%{x:.4g}, %{y:.4g})<br>%{text}"
                               "<extra></extra>")
    fig.add_trace(means, row=1, col=1)
    run_nll = np.asarray(run.nll, dtype=float)
    fig.add_trace(go.Scatter(x=np.arange(len(run_nll)), y=run_nll, mode="lines+markers",
                             line={"color": "#333333", "width": 3}, marker={"size": 6},
                             name="NLL", showlegend=False,
                             hovertemplate="θ%{x}: NLL = %{y:.2f}<extra></extra>"),
                  row=1, col=2)
    cur = _as_trace(cursor_trace(frame))
    cur.update(mode="markers", name="current step", hoverinfo="skip", showlegend=False,
               marker={"size": 18, "color": CURSOR_COLOR, "line": {"width": 3,
                                                                   "color": CURSOR_COLOR}})
    fig.add_trace(cur, row=1, col=2)

    # ---- frames: each carries what differs from the previous one and names it as its base
    parts = _frame_parts(codes, steps)
    frames = []
    for i in range(len(steps)):
        data, traces = [], []
        if i == 0 or parts["codes"][i] != parts["codes"][i - 1]:
            data.append(points_trace(i))
            traces.append(i_points)
        new_params = i == 0 or parts["params"][i] != parts["params"][i - 1]
        if new_params:
            data.extend(param_traces(i))
            traces.extend([*i_ell, i_means])
            if show_density:
                data.append(density_trace(steps[i]))
                traces.append(i_density)
        data.append(cursor_trace(i))
        traces.append(i_cursor)
        frames.append(go.Frame(
            data=data, traces=traces, name=names[i],
            baseframe=names[i - 1] if i > 0 else None,
            layout={**frame_layout(i, new_params), **frame_controls(names, i, duration_ms)},
            _validate=False))
    fig.frames = frames

    # ---- layout
    nll_ok = run_nll[np.isfinite(run_nll)]
    lo, hi = (float(nll_ok.min()), float(nll_ok.max())) if len(nll_ok) else (0.0, 1.0)
    # a flat curve (changes at rounding level, as from an identical start) gets a readable span
    span = max(hi - lo, 1e-4 * max(1.0, abs(hi)))
    top = 60
    # Room below the plot for the slider and buttons, which hang CONTROLS_GAP of the plot's
    # height under its axis: when the margin already holds them, Plotly lays the figure out once.
    bottom = math.ceil((CONTROLS_PX + CONTROLS_GAP * (height - top)) / (1 + CONTROLS_GAP))
    plot_height = max(height - top - bottom, 100)
    legend_top = NLL_DOMAIN[0] - 68.0 / plot_height  # below the NLL axis title
    # the legend may hang below the plot, down to the row of buttons
    legend_room = (legend_top + CONTROLS_GAP) * plot_height + SLIDER_PAD_PX - 8.0
    fig.update_layout(
        height=height,
        template="plotly_white",
        font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": top, "b": bottom},
        showlegend=True,
        legend={"x": fig.layout.xaxis2.domain[0] - 0.06, "xanchor": "left",
                "maxheight": max(legend_room, 60.0),
                "y": legend_top, "yanchor": "top",
                "title": {"text": "ellipses: " + ", ".join(
                    f"{_level_name(lv)} {LEVEL_DASH[i]}" for i, lv in enumerate(levels)),
                          "font": {"size": FONT_SIZE + 1}},
                "font": {"size": FONT_SIZE if k <= 6 else FONT_SIZE - 3},
                "itemsizing": "constant", "tracegroupgap": 0,
                "bgcolor": "rgba(255,255,255,0.85)"},
        hovermode="closest",
        uirevision="em",
        **frame_layout(frame, True),
        **playback_controls(names, duration_ms, prefix="", active=frame, y=-CONTROLS_GAP),
    )
    fig.update_layout(title={"x": 0.0, "xanchor": "left", "y": 1.0 - 10.0 / height,
                             "yanchor": "top", "yref": "container", "pad": {"l": 10},
                             "font": {"size": FONT_SIZE + 4}})
    _axis_fonts(fig)
    fig.update_xaxes(range=[x0, x1], autorange=False, title_text="x₁", zeroline=False,
                     constrain="range", row=1, col=1)
    fig.update_yaxes(range=[y0, y1], autorange=False, title_text="x₂", zeroline=False,
                     scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_xaxes(range=[-0.5, max(len(run_nll) - 0.5, 0.5)], autorange=False,
                     title_text="iteration", row=1, col=2,
                     **({"tick0": 0, "dtick": 1} if len(run_nll) <= 12 else {}))
    fig.update_yaxes(range=[lo - 0.06 * span, hi + 0.06 * span], autorange=False,
                     title_text="NLL (nats)", domain=list(NLL_DOMAIN), row=1, col=2)
    return fig


def _weight_labels(step, colors: list[str]) -> list[dict]:
    """One "π=0.33" label above each mean, as annotations (drawn above WebGL points)."""
    size = _mean_size(step.weights)
    return [
        {"x": float(m[0]), "y": float(m[1]), "xref": "x", "yref": "y",
         "text": f"π={w:.2f}", "showarrow": False, "yshift": float(sz) / 2 + 14,
         "font": {"size": FONT_SIZE, "color": "#111111"},
         "bgcolor": "rgba(255,255,255,0.8)", "bordercolor": c, "borderwidth": 2,
         "borderpad": 2}
        for m, w, sz, c in zip(step.means, step.weights, size, colors, strict=True)
        if np.all(np.isfinite(m))
    ]


def _axis_fonts(fig: go.Figure) -> None:
    """Explicit font sizes: Streamlit's theme would otherwise shrink ticks and axis titles."""
    fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE + 1})
    fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE + 1})


def _as_trace(spec: dict) -> go.Scatter | go.Scattergl | go.Contour:
    """A validated trace object from a frame's trace dict."""
    cls = {"scatter": go.Scatter, "scattergl": go.Scattergl, "contour": go.Contour}[spec["type"]]
    return cls({key: value for key, value in spec.items() if key != "type"})


def _step_codes(steps: Sequence, cc, n: int) -> list[np.ndarray]:
    """uint8 colour codes of every step's responsibilities (grey before there are any)."""
    out: list[np.ndarray] = []
    for i, s in enumerate(steps):
        if s.kind == "M" and i > 0:  # an M-step keeps the responsibilities it used
            out.append(out[-1])
            continue
        out.append(cc.encode(s.resp, n_samples=n))
    return out


def _frame_parts(codes: list[np.ndarray], steps: Sequence) -> dict[str, list]:
    """Hashable fingerprints of the two parts of each frame, to spot repeats."""
    code_keys = [c.tobytes() for c in codes]
    param_keys = [
        (s.weights.tobytes(), s.means.tobytes(), s.covariances.tobytes()) for s in steps]
    return {"codes": code_keys, "params": param_keys}


def responsibility_bars(resp_row: np.ndarray, palette: tuple[str, ...] = PALETTE, *,
                        height: int = 280, title: str | None = None) -> go.Figure:
    """Bar chart of one point's responsibilities gamma_nk, one bar per component.

    Parameters
    ----------
    resp_row : array-like of shape (n_components,)
    palette : tuple of str
    height : int, default 280
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    r = np.asarray(resp_row, dtype=float).ravel()
    if r.size == 0:
        raise InputError("The point has no responsibilities to show.")
    labels = [f"component {j + 1}" for j in range(r.size)]
    fig = go.Figure(go.Bar(
        x=labels, y=r, marker={"color": [component_color(j, palette) for j in range(r.size)],
                               "line": {"width": 1, "color": "#222222"}},
        text=[f"{v:.2f}" for v in r], textposition="outside",
        textfont={"size": FONT_SIZE}, cliponaxis=False,
        hovertemplate="%{x}: γ = %{y:.4f}<extra></extra>"))
    fig.update_layout(
        height=height, template="plotly_white", font={"size": FONT_SIZE},
        margin={"l": 60, "r": 10, "t": 50 if title else 20, "b": 40}, showlegend=False,
        title={"text": title} if title else None,
        yaxis={"range": [0, 1.15], "title": {"text": "γ (responsibility)"},
               "tickvals": [0, 0.25, 0.5, 0.75, 1.0]},
    )
    _axis_fonts(fig)
    return fig


def nll_figure(runs: Sequence[tuple[str, np.ndarray]], colors: Sequence[str] | None = None, *,
               height: int = 420, title: str | None = None) -> go.Figure:
    """Overlaid NLL curves of several runs against the iteration.

    Parameters
    ----------
    runs : sequence of (name, nll)
        ``nll`` of shape (n_iter + 1,): the NLL at theta_0..theta_T (``GMMRun.nll``).
    colors : sequence of str, optional
        One colour per run; default the palette in order.
    height : int, default 420
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for i, (name, values) in enumerate(runs):
        y = np.asarray(values, dtype=float).ravel()
        color = colors[i % len(colors)] if colors else component_color(i)
        fig.add_trace(go.Scatter(
            x=np.arange(len(y)), y=y, mode="lines+markers", name=str(name),
            line={"color": color, "width": 3}, marker={"size": 6},
            hovertemplate=f"{name}<br>iteration %{{x}}: NLL = %{{y:.2f}}<extra></extra>"))
    fig.update_layout(
        height=height, template="plotly_white", font={"size": FONT_SIZE},
        margin={"l": 70, "r": 20, "t": 60 if title else 30, "b": 60},
        title={"text": title} if title else None,
        xaxis={"title": {"text": "iteration"}},
        yaxis={"title": {"text": "NLL (nats)"}},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
        hovermode="closest",
    )
    _axis_fonts(fig)
    return fig
