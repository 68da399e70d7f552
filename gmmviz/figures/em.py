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
)
from gmmviz.figures._colors import PALETTE, component_color
from gmmviz.figures._frames import (
    ELLIPSE_POINTS,
    POINT_HOVER,
    MixtureFrames,
    as_trace,
    axis_fonts,
    check_levels,
    ellipse_traces,
    equal_axes,
    frame_title,
    levels_legend,
    means_trace,
    nll_panel,
    plain_layout,
    points_trace,
    row_ids,
    step_name,
    weight_labels,
)
from gmmviz.figures._geometry import axis_range
from gmmviz.i18n import _
from gmmviz.numbers import format_number

#: y domain of the NLL panel (the legend goes below it).
NLL_DOMAIN = (0.55, 1.0)
# The controls hang this fraction of the plot's height below it; their height in px with
# their padding at FONT_SIZE (the slider, then the row of buttons).
CONTROLS_GAP = 0.06
CONTROLS_PX = 136
#: Transparent at low density, rising early so the tails show.
DENSITY_LEVELS = 12
DENSITY_COLORSCALE = [[0.0, "rgba(255,255,255,0)"], [0.1, "rgba(255,255,255,0)"],
                      [0.11, "rgba(120,135,165,0.18)"],
                      [0.3, "rgba(100,115,150,0.32)"], [1.0, "rgba(70,85,125,0.5)"]]
_TITLE_TOP = 60


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
    X = _points_of(run, X)
    view = MixtureFrames.of(run, check_levels(levels), palette, n_points)
    frame = min(max(int(frame), 0), len(view.steps) - 1)
    ranges = axis_range(X, [s.means for s in view.steps], [s.covariances for s in view.steps],
                        view.levels)
    grid = _density_grid(*ranges, density_grid) if show_density else None
    fig = _em_traces(run, X, view, grid, frame)
    fig.frames = _em_frames(view, grid, title, duration_ms)
    _em_layout(fig, view, ranges, height, title, frame, duration_ms)
    return fig


def _points_of(run, X: np.ndarray | None) -> np.ndarray:
    """The points to draw: ``run.X`` by default, else ``X`` if it has the run's shape."""
    X = run.X if X is None else np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] != run.n_samples:
        raise InputError(
            _("The points to draw must have shape ({n}, 2) like the fitted data; got {shape}. "
              "Pass the data the run was fitted on.").format(n=run.n_samples,
                                                              shape=tuple(X.shape)))
    return X


# ---- trace order: points, [density], ellipses (component-major), means, NLL curve, cursor.
# Contours are drawn in a layer under every scatter trace whatever their order, so the points
# can stay trace 0.
def _em_traces(run, X: np.ndarray, view: MixtureFrames, grid: tuple | None,
               frame: int) -> go.Figure:
    """The figure's traces, showing step ``frame``."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.64, 0.36], horizontal_spacing=0.1)
    axis_fonts(fig)
    fig.add_trace(points_trace(
        X.astype(np.float32), view.codec.marker(view.codes[frame]), size=(10, 5),
        line_width=0.6, opacity=0.85, customdata=row_ids(len(X)),
        name=_("points, coloured by γ"), hovertemplate=_(POINT_HOVER)), row=1, col=1)
    if grid is not None:
        fig.add_trace(_density_trace(grid, view.step(frame)), row=1, col=1)
    for tr in ellipse_traces(view, frame):
        fig.add_trace(tr, row=1, col=1)
    fig.add_trace(means_trace(
        view, frame, marker_opacity=1.0, name=_("means, size ∝ √π"),
        customdata=np.arange(1, len(view.colors) + 1, dtype=np.int16),
        hovertemplate=_("component %{customdata}<br>μ=(%{x:.4g}, %{y:.4g})<br>%{text}"
                        "<extra></extra>")), row=1, col=1)
    nll_panel(fig, run.nll, view.nll_cursor(frame), NLL_DOMAIN)
    return fig


def _em_frames(view: MixtureFrames, grid: tuple | None, title: str | None,
               duration_ms: int) -> list[go.Frame]:
    """One frame per step, carrying what differs from the previous one, which is its base."""
    i_density = 1 if grid is not None else None
    first = 2 if grid is not None else 1
    n_ellipses = len(view.colors) * len(view.levels)
    i_params = list(range(first, first + n_ellipses + 1))  # the ellipses, then the means
    i_cursor = i_params[-1] + 2  # after the NLL curve
    frames = []
    for i, name in enumerate(view.names):
        data, traces = [], []
        if i == 0 or view.codes_key(i) != view.codes_key(i - 1):
            data.append(view.points(i))
            traces.append(0)
        new_params = i == 0 or view.params_key(i) != view.params_key(i - 1)
        if new_params:
            data.extend([*view.ellipses(i), view.means(i)])
            traces.extend(i_params)
            if grid is not None:
                data.append(_density(grid, view.step(i)))
                traces.append(i_density)
        data.append(view.nll_cursor(i))
        traces.append(i_cursor)
        frames.append(go.Frame(
            data=data, traces=traces, name=name, baseframe=view.names[i - 1] if i > 0 else None,
            layout={**_em_frame_layout(view, i, title, new_params),
                    **frame_controls(view.names, i, duration_ms)},
            _validate=False))
    return frames


def _em_frame_layout(view: MixtureFrames, i: int, title: str | None, with_params: bool) -> dict:
    """The title of step ``i``, and its "π=" labels when its parameters are new."""
    s = view.step(i)
    out = frame_title(f"{step_name(s)} · NLL = {format_number(s.nll)}", title)
    if with_params:
        out["annotations"] = weight_labels(s, view.colors)
    return out


def _em_layout(fig: go.Figure, view: MixtureFrames, ranges: tuple, height: int,
               title: str | None, frame: int, duration_ms: int) -> None:
    """Margins, legend, title, controls and the left panel's axes."""
    # Room below the plot for the slider and buttons, which hang CONTROLS_GAP of the plot's
    # height under its axis: when the margin already holds them, Plotly lays the figure out once.
    bottom = math.ceil((CONTROLS_PX + CONTROLS_GAP * (height - _TITLE_TOP)) / (1 + CONTROLS_GAP))
    fig.update_layout(
        **plain_layout(height, {"l": 60, "r": 20, "t": _TITLE_TOP, "b": bottom}),
        showlegend=True, legend=_em_legend(fig, view, max(height - _TITLE_TOP - bottom, 100)),
        hovermode="closest", uirevision="em", **_em_frame_layout(view, frame, title, True),
        **playback_controls(view.names, duration_ms, prefix="", active=frame, y=-CONTROLS_GAP),
    )
    fig.update_layout(title={"x": 0.0, "xanchor": "left", "y": 1.0 - 10.0 / height,
                             "yanchor": "top", "yref": "container", "pad": {"l": 10},
                             "font": {"size": FONT_SIZE + 4}})
    equal_axes(fig, *ranges, x={"title_text": "x₁", "constrain": "range"},
               y={"title_text": "x₂"})


def _em_legend(fig: go.Figure, view: MixtureFrames, plot_height: float) -> dict:
    """The legend under the NLL panel, naming the ellipse levels' line styles."""
    legend_top = NLL_DOMAIN[0] - 68.0 / plot_height  # below the NLL axis title
    # the legend may hang below the plot, down to the row of buttons
    legend_room = (legend_top + CONTROLS_GAP) * plot_height + SLIDER_PAD_PX - 8.0
    return {"x": fig.layout.xaxis2.domain[0] - 0.06, "xanchor": "left",
            "maxheight": max(legend_room, 60.0), "y": legend_top, "yanchor": "top",
            "title": {"text": levels_legend(view.levels), "font": {"size": FONT_SIZE + 1}},
            "font": {"size": FONT_SIZE if len(view.colors) <= 6 else FONT_SIZE - 3},
            "itemsizing": "constant", "tracegroupgap": 0, "bgcolor": "rgba(255,255,255,0.85)"}


# ---- the mixture density p(x) under the points
def _density_grid(x_range: Sequence[float], y_range: Sequence[float],
                  n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` x ``n`` grid over the axis ranges: its x and y values and its points (n*n, 2)."""
    gx = np.linspace(x_range[0], x_range[1], n)
    gy = np.linspace(y_range[0], y_range[1], n)
    return gx, gy, np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)])


def _density(grid: tuple, step) -> dict:
    """A frame's update of the density contour: p(x) of the step's parameters on the grid."""
    from gmmviz._em_posterior import mixture_density

    gx, gy, pts = grid
    z = mixture_density(pts, step).reshape(len(gy), len(gx))
    z = np.nan_to_num(z, nan=0.0, posinf=0.0).astype(np.float32)
    # Levels from 0 up to the 99.5th percentile of the grid: the spike of a collapsing
    # component would otherwise flatten every other level.
    top = float(np.quantile(z, 0.995)) or float(z.max()) or 1.0
    step_size = top / DENSITY_LEVELS
    return {"type": "contour", "z": z, "zmin": 0.0, "zmax": top,
            "contours": {"start": step_size, "end": top, "size": step_size}}


def _density_trace(grid: tuple, step) -> go.Contour:
    """The styled density contour (filled, transparent where p(x) is low) of ``step``."""
    tr = as_trace(_density(grid, step))
    tr.update(x=grid[0].astype(np.float32), y=grid[1].astype(np.float32),
              contours={"coloring": "fill", "showlines": True}, autocontour=False, zauto=False,
              line={"width": 0.7, "color": "rgba(60,70,90,0.35)"},
              colorscale=DENSITY_COLORSCALE, showscale=False, hoverinfo="skip",
              name=_("mixture density p(x)"), showlegend=True)
    return tr


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
        raise InputError(_("The point has no responsibilities to show."))
    labels = [_("component {j}").format(j=j + 1) for j in range(r.size)]
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
        yaxis={"range": [0, 1.15], "title": {"text": _("γ (responsibility)")},
               "tickvals": [0, 0.25, 0.5, 0.75, 1.0]},
    )
    axis_fonts(fig)
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
            hovertemplate=_("{name}<br>iteration %{{x}}: NLL = %{{y:.2f}}<extra></extra>"
                            ).format(name=name)))
    fig.update_layout(
        height=height, template="plotly_white", font={"size": FONT_SIZE},
        margin={"l": 70, "r": 20, "t": 60 if title else 30, "b": 60},
        title={"text": title} if title else None,
        xaxis={"title": {"text": _("iteration")}},
        yaxis={"title": {"text": _("NLL (nats)")}},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
        hovermode="closest",
    )
    axis_fonts(fig)
    return fig
