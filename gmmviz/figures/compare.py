"""Figures that compare EM runs: side-by-side animation, NLL overlay, restarts, BIC and AIC.

Frames of :func:`compare_figure`
--------------------------------
All panels share one set of frames: frame i shows half-step i of every run, and a run that
stopped earlier holds its last step. A frame carries, for every panel, the points' colour codes,
the ellipses and the means (addressed by trace index), and the panel titles; the point
coordinates go once in ``fig.data``. After an M-step every panel's responsibilities are those
of the frame before, so such a frame leaves the codes out and takes them from the frame that
carries them (``Frame.baseframe``, never a chain).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz._errors import InputError
from gmmviz.figures._animation import FONT_SIZE, frame_controls, playback_controls
from gmmviz.figures._colors import PALETTE, component_color
from gmmviz.figures._frames import (
    CURSOR_COLOR,
    MixtureFrames,
    check_levels,
    ellipse_traces,
    equal_axes,
    levels_legend,
    means_trace,
    plain_layout,
    points_trace,
)
from gmmviz.figures._geometry import axis_range
from gmmviz.figures.em import nll_figure
from gmmviz.i18n import N_, _
from gmmviz.numbers import D3_FORMAT, format_number

__all__ = [
    "MAX_PANELS",
    "PANEL_COLORS",
    "compare_figure",
    "nll_overlay",
    "restarts_figure",
    "selection_figure",
]

MAX_PANELS = 6
#: One colour per panel (Paul Tol's "bright" scheme, its yellow darkened for white paper):
#: the panel's title, its NLL curve and its row in a table share it.
PANEL_COLORS: tuple[str, ...] = ("#4477AA", "#EE6677", "#228833", "#997700", "#66CCEE",
                                 "#AA3377")
#: Line dash of each covariance type in :func:`selection_figure`.
COV_DASH = {"full": "solid", "diag": "dash", "spherical": "dot", "tied": "dashdot"}
#: Each covariance type as a legend names it (the value itself in English).
COV_NAMES = {"full": N_("full"), "diag": N_("diag"), "spherical": N_("spherical"),
             "tied": N_("tied")}
COMPARE_ELLIPSE_POINTS = 48
#: Size of a panel's means against the explorer's.
MEAN_SCALE = 0.8


def panel_color(i: int) -> str:
    """Colour of panel ``i`` (0-based)."""
    return PANEL_COLORS[i % len(PANEL_COLORS)]


def compare_figure(runs: Sequence, titles: Sequence[str], *, levels: Sequence[float] = (1, 2),
                   duration_ms: int = 600, height: int | None = None,
                   colors: Sequence[str] | None = None, palette: tuple[str, ...] = PALETTE,
                   n_points: int = COMPARE_ELLIPSE_POINTS) -> go.Figure:
    """Animate several EM runs on the same data side by side, with one Play button and slider.

    Every panel shows one run as :func:`gmmviz.figures.em_figure` does (points coloured by
    their blended responsibilities, each component's ``levels``-sigma ellipses, the means
    sized by sqrt(pi_k)), with the same axis ranges and equal scales in every panel.

    Parameters
    ----------
    runs : sequence of GMMRun
        1 to 6 recorded runs of :func:`gmmviz.fit_gmm` on the same points.
    titles : sequence of str
        One name per run (e.g. its initialization); each panel's title adds the current step
        and NLL.
    levels : sequence of float, default (1, 2)
        Ellipse radii in standard deviations; 1 to 4 values.
    duration_ms : int, default 600
        Time per frame when playing.
    height : int, optional
        Figure height in pixels; default 360 per row of three panels (440 for two) plus room
        for the controls.
    colors : sequence of str, optional
        Colour of each panel's title (default :data:`PANEL_COLORS`).
    palette : tuple of str
        Component colours.
    n_points : int, default 48
        Points per ellipse.

    Returns
    -------
    plotly.graph_objects.Figure
        Up to 3 panels per row (4 panels as 2 x 2); ``len(fig.frames)`` is the longest run's
        number of steps, and the frame names are that run's step labels. The panel titles are
        ``fig.layout.annotations[:len(runs)]``.

    Raises
    ------
    InputError
        For no runs or more than 6, a title count that does not match, runs on different
        numbers of points, or bad ``levels``.
    """
    runs, titles = _checked_runs(runs, titles)
    levels = check_levels(levels)
    colors = list(colors) if colors else [panel_color(i) for i in range(len(runs))]
    views = [MixtureFrames.of(r, levels, palette, n_points) for r in runs]
    n_cols = {4: 2}.get(len(runs), min(len(runs), 3))
    # about square panels in a page's main column
    height = height or (360 if n_cols == 3 else 440) * math.ceil(len(runs) / n_cols) + 190
    fig, panels = _compare_traces(runs, titles, views, n_cols)
    names = max(views, key=lambda v: len(v.steps)).names  # the longest run's
    titles_at = _panel_titles(fig, runs, titles, colors)
    fig.frames = _compare_frames(views, panels, names, titles_at, duration_ms)
    fig.update_layout(**_compare_layout(levels, height), annotations=titles_at(0),
                      **playback_controls(names, duration_ms, prefix=""))
    fig.layout.legend.y = 1.0 + 70 / height
    _panel_axes(fig, runs[0].X, views, [i for i, _ in panels])
    return fig


def _checked_runs(runs: Sequence, titles: Sequence[str]) -> tuple[list, list[str]]:
    """The runs and their titles as lists, or InputError when they cannot be compared."""
    runs = list(runs)
    titles = [str(t) for t in titles]
    if not 1 <= len(runs) <= MAX_PANELS:
        raise InputError(_("Compare 1 to {max} runs; got {n}.").format(max=MAX_PANELS,
                                                                       n=len(runs)))
    if len(titles) != len(runs):
        raise InputError(_("Give one title per run: {n} runs, {t} titles.").format(
            n=len(runs), t=len(titles)))
    if any(not r.steps for r in runs):
        raise InputError(_("A run has no recorded steps to draw; fit it again."))
    if any(r.n_samples != runs[0].n_samples for r in runs):
        raise InputError(_("The runs to compare must be fitted on the same points."))
    return runs, titles


def _compare_traces(runs: list, titles: list[str], views: list[MixtureFrames],
                    n_cols: int) -> tuple[go.Figure, list[tuple[int, list[int]]]]:
    """One panel per run at its start: points, ellipses, means.

    Returns the figure and, per panel, the index of its points trace and of its parameter
    traces (ellipses, means).
    """
    n_rows = math.ceil(len(runs) / n_cols)
    specs = [[{} if r * n_cols + c < len(runs) else None for c in range(n_cols)]
             for r in range(n_rows)]
    fig = make_subplots(rows=n_rows, cols=n_cols, specs=specs,
                        subplot_titles=[f"<b>{t}</b>" for t in titles],
                        horizontal_spacing=0.05, vertical_spacing=0.16 / n_rows)
    legend_panel = max(range(len(runs)), key=lambda p: runs[p].n_components)
    X = runs[0].X.astype(np.float32)
    panels = []
    for p, view in enumerate(views):
        cell = {"row": p // n_cols + 1, "col": p % n_cols + 1}
        i_points = len(fig.data)
        fig.add_trace(points_trace(X, view.codec.marker(view.codes[0]), size=(7, 4),
                                   line_width=0.4, opacity=0.85, hoverinfo="skip",
                                   showlegend=False,
                                   name=_("points: {title}").format(title=titles[p])), **cell)
        for tr in ellipse_traces(view, 0, legend=p == legend_panel):
            fig.add_trace(tr, **cell)
        fig.add_trace(means_trace(view, 0, MEAN_SCALE, labels=False,
                                  name=_("means (size ∝ √π)"),
                                  showlegend=False,
                                  hovertemplate="μ=(%{x:.3g}, %{y:.3g})<extra></extra>"),
                      **cell)
        panels.append((i_points, list(range(i_points + 1, len(fig.data)))))
    return fig, panels


def _compare_frames(views: list[MixtureFrames], panels: list[tuple[int, list[int]]],
                    names: list[str], titles_at: Callable[[int], list[dict]],
                    duration_ms: int) -> list[go.Frame]:
    """Frame i shows step i of every run (a run that stopped holds its last step).

    After an M-step every panel's colours are those of the frame before, so such a frame
    leaves them out and names the frame that carries them as its base (never a chain).
    """
    keys = [[v.codes_key(i) for v in views] for i in range(len(names))]
    base_of: list[int | None] = [None] * len(names)
    frames = []
    for i, name in enumerate(names):
        if i > 0 and keys[i] == keys[i - 1]:
            base_of[i] = base_of[i - 1] if base_of[i - 1] is not None else i - 1
        data, traces = [], []
        for view, (i_points, i_params) in zip(views, panels, strict=True):
            if base_of[i] is None:
                data.append(view.points(i))
                traces.append(i_points)
            data.extend([*view.ellipses(i), view.means(i, MEAN_SCALE, labels=False)])
            traces.extend(i_params)
        frames.append(go.Frame(
            data=data, traces=traces, name=name,
            baseframe=None if base_of[i] is None else names[base_of[i]],
            layout={"annotations": titles_at(i), **frame_controls(names, i, duration_ms)},
            _validate=False))
    return frames


def _panel_titles(fig: go.Figure, runs: list, titles: list[str],
                  colors: list[str]) -> Callable[[int], list[dict]]:
    """A function of the frame index giving every panel's title annotation at that frame
    (frames replace the whole list of annotations)."""
    base = [a.to_plotly_json() for a in fig.layout.annotations]

    def at(i: int) -> list[dict]:
        return [{**a, "text": _panel_title(titles[p], runs[p], i),
                 "font": {"size": FONT_SIZE, "color": colors[p]}} for p, a in enumerate(base)]

    return at


def _panel_title(title: str, run, i: int) -> str:
    """Panel title at frame i: the run's name, where it is, and its NLL then."""
    steps = run.steps
    if i < len(steps):
        s = steps[i]
        where = _("start") if s.kind == "init" else _(_WHERE[s.kind]).format(i=s.iteration)
    else:
        s = steps[-1]
        where = (_("converged at iteration {i}") if run.converged_ else
                 _("stopped at iteration {i}")).format(i=s.iteration)
    return f"<b>{title}</b><br>{where} · NLL = {format_number(s.nll)}"


#: Where a panel's run is at a half-step, by the step's kind.
_WHERE = {"E": N_("iteration {i} · E-step"), "M": N_("iteration {i} · M-step")}


def _compare_layout(levels: list[float], height: int) -> dict:
    """The figure's layout but for the panel titles and the controls."""
    return plain_layout(
        height, {"l": 40, "r": 20, "t": 100, "b": 150},
        legend={"orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom",
                "title": {"text": levels_legend(levels, "{level} ({dash})") + "  "},
                "font": {"size": FONT_SIZE - 1}, "itemsizing": "constant"},
        hovermode="closest", uirevision="compare")


def _panel_axes(fig: go.Figure, X: np.ndarray, views: list[MixtureFrames],
                i_points: list[int]) -> None:
    """The same fixed ranges, holding every run's ellipses, and equal scales in every panel."""
    levels = views[0].levels
    ranges = axis_range(X, [s.means for v in views for s in v.steps],
                        [s.covariances for v in views for s in v.steps], levels)
    for i in i_points:
        equal_axes(fig, *ranges, xaxis=fig.data[i].xaxis or "x", yaxis=fig.data[i].yaxis or "y",
                   x={"constrain": "range"})


def nll_overlay(runs: Sequence, titles: Sequence[str], colors: Sequence[str] | None = None, *,
                height: int = 420, zoom: bool = True) -> go.Figure:
    """Every run's NLL at theta_0..theta_T in one chart, each in its panel's colour.

    The run with the lowest final NLL gets a star at its last point.

    Parameters
    ----------
    runs : sequence of GMMRun
    titles : sequence of str
    colors : sequence of str, optional
        Default :data:`PANEL_COLORS`.
    height : int, default 420
    zoom : bool, default True
        Fit the y axis to the NLLs from iteration 1 on, so that the gaps between the final
        values show; a start far above is cut off (and named in the title).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    runs = list(runs)
    if len(titles) != len(runs):
        raise InputError(_("Give one title per run: {n} runs, {t} titles.").format(
            n=len(runs), t=len(titles)))
    colors = list(colors) if colors else [panel_color(i) for i in range(len(runs))]
    fig = nll_figure([(t, r.nll) for t, r in zip(titles, runs, strict=True)], colors,
                     height=height)
    if not runs:
        return fig
    final = np.array([r.final.nll for r in runs])
    best = int(np.argmin(final))
    fig.add_trace(_star(
        len(runs[best].nll) - 1, final[best], _("lowest"), color=colors[best], edge="#111111",
        size=22, textfont={"size": FONT_SIZE}, name=_("lowest final NLL"), showlegend=False,
        hovertemplate=_("{title}: final NLL = %{{y:{fmt}}}<extra></extra>").format(
            title=titles[best], fmt=D3_FORMAT)))
    later = np.concatenate([np.asarray(r.nll[1:], dtype=float) for r in runs])
    later = later[np.isfinite(later)]
    starts = np.array([r.nll[0] for r in runs], dtype=float)
    if zoom and later.size:
        lo, hi = float(later.min()), float(later.max())
        pad = 0.08 * ((hi - lo) or max(1.0, abs(lo) * 1e-3))
        fig.update_yaxes(range=[lo - 1.5 * pad, hi + pad], autorange=False)
        cut = starts[starts > hi + pad]
        if cut.size:
            fig.add_annotation(
                text=_("starts above the top (up to NLL {nll}) are cut off").format(
                    nll=f"{cut.max():.0f}"),
                xref="paper", yref="paper", x=1.0, y=1.0, xanchor="right", yanchor="top",
                showarrow=False, font={"size": FONT_SIZE - 3, "color": "#555555"})
    return fig


def restarts_figure(result, chosen: int | None = None, *, rtol: float = 1e-4,
                    height: int = 380, max_labels: int = 8) -> go.Figure:
    """A strip plot of the restarts' final NLLs: each cluster of dots is one local optimum.

    Dots are jittered vertically (at random, but the same every time) and coloured by the
    optimum they reached; the most frequent optima are labelled with their count. The best
    restart is a star labelled "best of n", and ``chosen`` is ringed.

    Parameters
    ----------
    result : RestartsResult
        From :func:`gmmviz.selection.fit_restarts`.
    chosen : int, optional
        Index of a restart to highlight.
    rtol : float, default 1e-4
        Relative tolerance that groups final NLLs into optima (see ``distinct_optima``).
    height : int, default 380
    max_labels : int, default 8
        At most this many optima get a count label (the most frequent ones).

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 holds every restart with a finite NLL; its ``customdata`` is the restart
        index, so a selected point maps back to a restart.
    """
    nll = np.asarray(result.nll, dtype=float)
    ok = np.flatnonzero(np.isfinite(nll))
    labels = result.optimum_labels(rtol)
    jitter = np.random.default_rng(0).uniform(-0.35, 0.35, size=nll.shape[0])
    fig = go.Figure(_restart_dots(result, ok, labels, jitter))
    n_init = result.n_init
    if ok.size:
        best = result.best_index
        fig.add_trace(_star(
            nll[best], jitter[best], _("best of {n}").format(n=n_init),
            textfont={"size": FONT_SIZE, "color": "#111111"}, customdata=[best],
            name=_("best of {n}").format(n=n_init),
            hovertemplate=_("best: restart {i}<br>NLL = %{{x:{fmt}}}<extra></extra>").format(
                i=best, fmt=D3_FORMAT)))
        _count_labels(fig, result.distinct_optima(rtol), float(np.ptp(nll[ok])), max_labels)
    if chosen is not None and 0 <= int(chosen) < n_init and np.isfinite(nll[int(chosen)]):
        c = int(chosen)
        fig.add_trace(_ring([nll[c]], [jitter[c]], 30,
                            name=_("shown: restart {i}").format(i=c), customdata=[c],
                            hovertemplate=_("shown: restart {i}<br>NLL = %{{x:{fmt}}}"
                                            "<extra></extra>").format(i=c, fmt=D3_FORMAT)))
    failed = n_init - ok.size
    n_optima = int(labels[ok].max()) + 1 if ok.size else 0
    head = (_("Final NLL of {n} restarts: 1 distinct local optimum") if n_optima == 1 else
            _("Final NLL of {n} restarts: {m} distinct local optima")).format(n=n_init,
                                                                               m=n_optima)
    if failed:
        head = _("{head} · {failed} start(s) already singular, not shown").format(
            head=head, failed=failed)
    fig.update_layout(**plain_layout(
        height, {"l": 30, "r": 30, "t": 70, "b": 60}, hovermode="closest",
        title={"text": head, "font": {"size": FONT_SIZE + 1}},
        legend={"orientation": "h", "y": -0.25, "x": 0.0},
        xaxis={"title": {"text": _("final NLL (nats) · lower is better")}},
        yaxis={"visible": False, "range": [-0.6, 0.85], "fixedrange": True}))
    return fig


def _restart_dots(result, ok: np.ndarray, labels: np.ndarray, jitter: np.ndarray) -> go.Scatter:
    """A dot per restart with a finite NLL (rows ``ok``), coloured by the optimum it reached."""
    nll = np.asarray(result.nll, dtype=float)
    text = [_("restart {i} (seed {seed})<br>final NLL = {nll}<br>optimum {opt} · {it} "
              "iterations<br>{reason}").format(
                i=i, seed=int(result.seeds[i]), nll=format_number(nll[i]), opt=labels[i] + 1,
                it=result.n_iter[i], reason=result.stop_reasons[i]) for i in ok]
    return go.Scatter(
        x=nll[ok], y=jitter[ok], mode="markers", customdata=ok, hovertext=text,
        hovertemplate="%{hovertext}<extra></extra>", name=_("restarts"),
        marker={"size": 11, "color": [component_color(int(g)) for g in labels[ok]],
                "opacity": 0.8, "line": {"width": 1, "color": "white"}})


def _count_labels(fig: go.Figure, optima: pd.DataFrame, span: float, max_labels: int) -> None:
    """"n×" over the most frequent optima reached more than once, skipping one that would
    overlap a label already set (closer than 4% of ``span``, the spread of the final NLLs)."""
    top = optima[optima["count"] > 1].sort_values("count", ascending=False)
    span = span or 1.0
    placed: list[float] = []
    for _i, row in top.iterrows():
        if len(placed) == max_labels:
            break
        if any(abs(row["nll"] - x) < 0.04 * span for x in placed):
            continue
        placed.append(float(row["nll"]))
        fig.add_annotation(x=row["nll"], y=0.45, text=f"{int(row['count'])}×",
                           showarrow=False, yanchor="bottom",
                           font={"size": FONT_SIZE - 1, "color": "#333333"})


def _star(x: float, y: float, label: str, *, color: str = "#111111", edge: str = "white",
          size: int = 24, **props: object) -> go.Scatter:
    """A star marking the best value, labelled underneath."""
    return go.Scatter(x=[x], y=[y], mode="markers+text", text=[label],
                      marker={"symbol": "star", "size": size, "color": color,
                              "line": {"width": 1.5, "color": edge}},
                      textposition="bottom center", cliponaxis=False, **props)


def _ring(x: Sequence, y: Sequence, size: int, **props: object) -> go.Scatter:
    """A ring around the value the page shows (the cursor colour)."""
    return go.Scatter(x=x, y=y, mode="markers",
                      marker={"symbol": "circle-open", "size": size, "color": CURSOR_COLOR,
                              "line": {"width": 4, "color": CURSOR_COLOR}}, **props)


def selection_figure(df: pd.DataFrame, criterion: str = "bic", *,
                     chosen: tuple[int, str] | None = None, height: int = 440) -> go.Figure:
    """BIC and/or AIC against k, one line per covariance type, the minimum starred.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`gmmviz.selection.selection_grid` (columns k, covariance_type, bic, aic).
    criterion : {"bic", "aic", "both"}, default "bic"
        "both" draws BIC and AIC side by side.
    chosen : (k, covariance_type), optional
        A cell to ring (e.g. the one opened in the explorer).
    height : int, default 440

    Returns
    -------
    plotly.graph_objects.Figure
        Every line's ``customdata`` is ``[[k, covariance_type], ...]``.
    """
    if criterion not in ("bic", "aic", "both"):
        raise InputError(f"criterion must be 'bic', 'aic' or 'both'; got {criterion!r}.")
    crits = ["bic", "aic"] if criterion == "both" else [criterion]
    names = {"bic": "BIC = 2·NLL + p·log N", "aic": "AIC = 2·NLL + 2p"}
    fig = make_subplots(rows=1, cols=len(crits), horizontal_spacing=0.08,
                        subplot_titles=[_("{name} (lower is better)").format(name=names[c])
                                        for c in crits])
    for col, crit in enumerate(crits, start=1):
        _criterion_panel(fig, df, crit, col, chosen)
    fig.update_layout(**plain_layout(
        height, {"l": 70, "r": 20, "t": 80, "b": 60}, hovermode="closest",
        legend={"orientation": "h", "y": 1.12, "x": 0.0, "yanchor": "bottom",
                "title": {"text": _("covariance type") + "  "}}))
    return fig


def _criterion_panel(fig: go.Figure, df: pd.DataFrame, crit: str, col: int,
                     chosen: tuple[int, str] | None) -> None:
    """One criterion against k: a line per covariance type, the minimum starred, ``chosen``
    ringed."""
    cell = {"row": 1, "col": col}
    for ci, cov in enumerate(dict.fromkeys(df["covariance_type"])):
        part = df[df["covariance_type"] == cov].sort_values("k")
        cov_name = _(COV_NAMES.get(cov, cov))
        fig.add_trace(go.Scatter(
            x=part["k"], y=part[crit], mode="lines+markers", name=cov_name,
            legendgroup=cov,
            showlegend=col == 1,
            line={"color": component_color(ci), "width": 3, "dash": COV_DASH.get(cov)},
            marker={"size": 9}, customdata=np.column_stack([part["k"], part["covariance_type"]]),
            hovertemplate=f"{cov_name}, k = %{{x}}<br>{crit.upper()} = "
                          "%{y:.1f}<extra></extra>",
        ), **cell)
    if len(df):
        best = df.loc[df[crit].idxmin()]
        fig.add_trace(_star(
            best["k"], best[crit],
            _("min: k = {k}, {cov}").format(
                k=int(best["k"]), cov=_(COV_NAMES.get(best["covariance_type"],
                                                      best["covariance_type"]))),
            textfont={"size": FONT_SIZE}, customdata=[[int(best["k"]), best["covariance_type"]]],
            name=_("minimum {crit}").format(crit=crit.upper()), showlegend=False,
            hovertemplate=_("minimum {crit}: %{{y:.1f}}<extra></extra>").format(
                crit=crit.upper())), **cell)
    if chosen is not None:
        sel = df[(df["k"] == chosen[0]) & (df["covariance_type"] == chosen[1])]
        if len(sel):
            fig.add_trace(_ring(sel["k"], sel[crit], 26, showlegend=False, name=_("chosen"),
                                hoverinfo="skip"), **cell)
    fig.update_xaxes(title_text=_("k (number of components)"), dtick=1, **cell)
    if len(df):
        lo, hi = float(df[crit].min()), float(df[crit].max())
        pad = (hi - lo) or 1.0
        # room under the minimum for its label
        fig.update_yaxes(range=[lo - 0.18 * pad, hi + 0.05 * pad], **cell)
