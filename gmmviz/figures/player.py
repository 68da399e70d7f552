"""What the step player shows: a recorded run as compact, JSON-ready data.

The player (the app's browser element that plays, steps and scrubs a run) draws the points
once and, at every half-step, only what changes: the points' colour codes, the ellipses and
means, the cursor on the curve, the frame's title and the step panel's equation with its
numbers. This module packs all of it from recorded runs, so the browser does no maths: arrays
travel as base64 little-endian typed arrays, and a step that repeats the previous step's
colours or parameters points at the same array.

Layout of the returned dict (every key is read by the player's script)::

    uid       str, identity of the content: a new uid resets the player to ``step``
    step      int, the half-step shown first;  point: int or None, the selected point
    duration  int, milliseconds per frame when playing
    labels    list of str, one frame name per step ("Iteration 3 · E-step: ...")
    titles    list of str, the title above the figure at each step
    next      list of str, what the Next button leads to ("E-step", "M-step", "" at the end)
    panels    list of dict, the scatter panels (one, or one per compared start)
    chart     dict, the curve under the figure (NLL, or distortion) with its cursor per step
    html      list of str, the step panel's content at each step
    legend    list of [colour, text], and ``levels``: each ellipse level's [name, line style,
              width], the style as an index into solid, dash, dot, dashdot (a number, so that
              no style name reads as a word of the page)

The player's own words (its buttons, hints and legend) come with it at mount, as ``text``
(:func:`player_words`), in the language in use.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

import numpy as np

from gmmviz._em_posterior import mixture_density
from gmmviz._errors import InputError
from gmmviz.figures import _steppanel as panel
from gmmviz.figures._colors import PALETTE, codec, component_color, hex_to_rgb
from gmmviz.figures._frames import (
    CURSOR_COLOR,
    ELLIPSE_POINTS,
    LEVEL_DASH,
    LEVEL_WIDTH,
    check_levels,
    check_steps,
    step_name,
)
from gmmviz.figures._geometry import axis_range, ellipse_xy
from gmmviz.gaussian import ellipse_axes
from gmmviz.i18n import N_, _

#: Grid points per axis of the density image.
DENSITY_GRID = 64


def b64(a: np.ndarray, dtype: str) -> str:
    """``a`` as base64 of its little-endian bytes in ``dtype`` ("<f4", "u1")."""
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


class _Distinct:
    """Arrays kept once each, and for every step the index of its array."""

    def __init__(self) -> None:
        self.items: list = []
        self.index: list[int] = []
        self._last_key: bytes | None = None

    def add(self, key: bytes, make: object) -> None:
        if key != self._last_key:
            self.items.append(make())
            self._last_key = key
        self.index.append(len(self.items) - 1)


def _ellipses(step: object, levels: list[float], n_points: int) -> np.ndarray:
    """Every component's ellipses, component-major and level-minor, shape (k*L, n+1, 2)."""
    out = np.full((len(step.weights) * len(levels), n_points + 1, 2), np.nan)
    for j, (mean, cov) in enumerate(zip(step.means, step.covariances, strict=True)):
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
            continue
        for li, lv in enumerate(levels):
            x, y = ellipse_xy(mean, cov, lv, n_points)
            out[j * len(levels) + li] = np.column_stack([x, y])
    return out


def _axes(step: object) -> list[list[float] | None]:
    """Every component's 1-sigma ellipse as [major, minor, angle in degrees] (None where Sigma
    is not a covariance): the handles that reshape a start are drawn on them."""
    out: list[list[float] | None] = []
    for cov in step.covariances:
        try:
            with np.errstate(all="ignore"):  # extreme magnitudes: refused, not warned about
                out.append([round(v, 9) for v in ellipse_axes(cov)])
        except InputError:
            out.append(None)
    return out


def _grid(ranges: tuple, n: int) -> np.ndarray:
    """The points of an ``n`` x ``n`` grid over the axis ranges, shape (n*n, 2), row-major
    with y up (the twin of :func:`gmmviz.figures.em._density_grid`, which Plotly takes)."""
    gx = np.linspace(*ranges[0], n)
    gy = np.linspace(*ranges[1], n)
    return np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)])


def _density_image(step: object, grid: np.ndarray) -> np.ndarray:
    """log p(x) of the step's mixture on the grid's points (row-major, y up)."""
    with np.errstate(divide="ignore"):
        return np.log(mixture_density(grid, step))


def mixture_panel(run: object, X: np.ndarray, *, levels: Sequence[float] = (1, 2),
                  title: str | None = None, palette: tuple[str, ...] = PALETTE,
                  n_points: int = ELLIPSE_POINTS, density: bool = False,
                  ranges: tuple | None = None) -> tuple[dict, list[np.ndarray | None]]:
    """One scatter panel of a recorded EM run, and the responsibilities of every step.

    Parameters
    ----------
    run : GMMRun
    X : ndarray of shape (n_samples, 2)
    levels : sequence of float
        Ellipse radii in standard deviations.
    title : str, optional
        The panel's own title (Compare names each start).
    density : bool
        Also pack the mixture density p(x) of every step as an 8-bit image.
    ranges : ((x0, x1), (y0, y1)), optional
        Axis ranges; by default they cover the data and every ellipse of the run.

    Returns
    -------
    panel : dict
    resp : list of (ndarray of shape (n_samples, n_components) or None)
        The responsibilities in force at each step (None before the first E-step).
    """
    steps, levels = check_steps(run), check_levels(levels)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape != (run.n_samples, 2):
        raise InputError(_("The points to draw must have shape ({n}, 2) like the fitted data; "
                           "got {shape}.").format(n=run.n_samples, shape=tuple(X.shape)))
    k = run.n_components
    cc = codec(k, palette)
    colors = [component_color(j, palette) for j in range(k)]
    if ranges is None:
        ranges = axis_range(X, [s.means for s in steps], [s.covariances for s in steps], levels)
    codes, params = _Distinct(), _Distinct()
    resp: list[np.ndarray | None] = []
    ckey = b""
    grid = _grid(ranges, DENSITY_GRID) if density else None
    for i, s in enumerate(steps):
        kept = s.kind == "M" and i > 0  # an M-step keeps the responsibilities it used
        r = resp[-1] if kept else s.resp
        resp.append(r)
        ckey = ckey if kept else b"%d" % i
        codes.add(ckey, lambda r=r: cc.encode(r, n_samples=len(X)))
        key = s.weights.tobytes() + s.means.tobytes() + s.covariances.tobytes()
        params.add(key, lambda s=s: (_ellipses(s, levels, n_points),
                                     np.column_stack([s.means, s.weights]),
                                     None if grid is None else _density_image(s, grid),
                                     _axes(s)))
    ell = [b64(e, "<f4") for e, *_rest in params.items]
    means = [[[round(float(v), 6) for v in row] if np.all(np.isfinite(row)) else None
              for row in mw] for _e, mw, *_rest in params.items]
    out = {
        "title": title, "n": len(X), "x": list(map(float, ranges[0])),
        "y": list(map(float, ranges[1])), "pts": b64(X, "<f4"),
        "rgb": np.rint(cc.colors).astype(int).tolist(),
        "codes": [b64(c, "u1") for c in codes.items], "ci": codes.index,
        "ell": ell, "ei": params.index, "nlev": len(levels), "npts": n_points + 1,
        "means": means, "colors": colors, "axes": [a for *_rest, a in params.items],
    }
    if grid is not None:
        logs = np.array([d for _e, _m, d, _a in params.items])
        finite = logs[np.isfinite(logs)]
        hi = float(finite.max()) if finite.size else 0.0
        lo = hi - 12.0  # e^-12 of the peak: the shading fades out there
        img = np.clip((logs - lo) / (hi - lo), 0.0, 1.0)
        out["dens"] = [b64(np.rint(255 * d), "u1") for d in np.nan_to_num(img)]
        out["dgrid"] = DENSITY_GRID
    return out, resp


def _nll_chart(runs: Sequence, names: Sequence[str], colors: Sequence[str]) -> dict:
    """The NLL at theta_0..theta_T of every run, and where each step's cursor sits.

    The start and the M-step of iteration t sit at t; an E-step keeps the parameters, so the
    E-step of iteration t sits at t - 1 with an open cursor.
    """
    steps = max((check_steps(r) for r in runs), key=len)
    xs = [max(s.iteration - 1, 0) if s.kind == "E" else s.iteration for s in steps]
    return {"ytitle": _("NLL (nats)"), "xtitle": _("iteration"),
            "x": xs, "open": [s.kind == "E" for s in steps], "cursor": CURSOR_COLOR,
            "series": [{"name": nm, "color": c,
                        "y": [float(v) if np.isfinite(v) else None for v in r.nll]}
                       for r, nm, c in zip(runs, names, colors, strict=True)]}


def bound_chart(table: object) -> dict:
    """log p(X | θ) and the bound L(q, θ) at every half-step (a :func:`gmmviz.bound_table`),
    with the cursor on the current one: the gap between them is the KL divergence."""
    n = len(table)
    return {"ytitle": _("nats"), "xtitle": _("half-step"), "x": list(range(n)),
            "open": [False] * n, "cursor": CURSOR_COLOR,
            "series": [{"name": "log p(X | θ)", "color": "#333333",
                        "y": [float(v) for v in table["log_p"]]},
                       {"name": "L(q, θ)", "color": "#0072B2",
                        "y": [float(v) for v in table["elbo"]]}]}


def bound_step_html(table: object) -> list[str]:
    """The step panel of every half-step for "why EM climbs": log p = L + KL with the
    half-step's numbers, and what the half-step did."""
    from gmmviz.bound import describe_step

    return [panel.bound_panel(table.iloc[i], describe_step(table, i)) for i in range(len(table))]


#: What the Next button leads to, by the next step's kind.
_NEXT_NAMES = {"E": N_("E-step"), "M": N_("M-step"), "assign": N_("assign"),
               "update": N_("update")}


def _next_names(kinds: Sequence[str]) -> list[str]:
    return [_(_NEXT_NAMES[kinds[i + 1]]) if i + 1 < len(kinds) and kinds[i + 1] in _NEXT_NAMES
            else "" for i in range(len(kinds))]


def player_words() -> dict[str, str]:
    """The player's own words in the language in use: its buttons (``next`` names the step
    the Next button leads to with ``{s}``), the hints of hands on the data (``chosen`` with
    ``{k}``), the legend (``ellipse`` with the level ``{s}``) and the names the browser reads.
    The places are single letters: a page's scan for English words skips them."""
    return {
        "play": _("Play"), "pause": _("Pause"), "back": _("Back"), "next_plain": _("Next"),
        "play_button": _("▶ Play"), "pause_button": _("⏸ Pause"), "back_button": _("◀ Back"),
        "next_button": _("Next ▶"), "next": _("Next: {s}"),
        "next_button_to": _("Next: {s} ▶"),
        "slider": _("Half-step"), "scatter": _("scatter plot of the data"),
        "curve": _("curve of the run"), "ellipse": _("{s} ellipse"),
        "means": _("means, size ∝ √π"), "fitting": _("Fitting again…"),
        "chosen": _("Component {k} chosen: Shift+arrows move its mean, + and − scale its "
                    "ellipse, R turns it, Esc lets go."),
        "edit": _("Edit points: click empty space to add a point there, click a point to "
                  "remove it."),
        "start": _("Set start: drag a mean, or a round handle on its 1σ ellipse, or press 1 "
                   "to 9 to choose one."),
        "drag": _("Drag a mean to start EM from there (or press 1 to 9 to choose one)."),
        "point": _("point {j} · x = ({x}, {y})"),
        "remove_point": _("click to remove point {j} · x = ({x}, {y})"),
    }


def _uid(*parts: object) -> str:
    h = hashlib.sha1()
    for p in parts:
        h.update(repr(p).encode())
    return h.hexdigest()[:16]


def _legend(colors: Sequence[str], levels: Sequence[float]) -> dict:
    return {"legend": [[c, _("component {j}").format(j=j + 1)] for j, c in enumerate(colors)],
            "levels": [[f"{lv:g}σ", i % len(LEVEL_DASH), LEVEL_WIDTH[i]]
                       for i, lv in enumerate(levels)]}


def em_step_html(run: object, X: np.ndarray | None = None, *, point: int | None = None,
                 source: str = "", palette: tuple[str, ...] = PALETTE) -> list[str]:
    """The step panel of every half-step of an EM run: its equation with its numbers.

    Parameters
    ----------
    run : GMMRun
    X : ndarray of shape (n_samples, 2), optional
        The fitted points; default ``run.X``.
    point : int, optional
        The point whose Bayes' rule the E-step panels fill in; by default each E-step picks
        its most uncertain point (and says so).
    source : str
        Where the start comes from, for the start's panel.

    Returns
    -------
    list of str
        One HTML fragment per step.
    """
    X = run.X if X is None else np.asarray(X, dtype=float)
    steps = check_steps(run)
    colors = [component_color(j, palette) for j in range(run.n_components)]
    if point is not None and not 0 <= int(point) < len(X):
        point = None
    html: list[str] = []
    resp = None
    for i, s in enumerate(steps):
        if s.kind == "init":
            html.append(panel.start_panel(s, source, colors))
        elif s.kind == "E":
            resp = s.resp
            n = panel.most_uncertain(resp) if point is None else int(point)
            html.append(panel.e_step_panel(s, X, n, point is None, colors))
        else:
            used = resp if resp is not None else s.resp
            html.append(panel.m_step_panel(s, used, steps[i - 1].nll, colors))
    return html


def em_player(run: object, X: np.ndarray | None = None, *, levels: Sequence[float] = (1, 2),
              duration_ms: int = 600, density: bool = False, title: str | None = None,
              palette: tuple[str, ...] = PALETTE, n_points: int = ELLIPSE_POINTS) -> dict:
    """The player's data for one EM run: the figure and the NLL curve, without the step
    panel (add ``html`` from :func:`em_step_html`, and ``step`` and ``point``).

    Parameters
    ----------
    run : GMMRun
    X : ndarray of shape (n_samples, 2), optional
        The points to draw; default ``run.X``.
    levels : sequence of float, default (1, 2)
        Ellipse radii in standard deviations.
    duration_ms : int, default 600
        Time per frame when playing.
    density : bool, default False
        Shade the mixture density p(x) of each step behind the points.
    title : str, optional
        Bold start of every frame's title.

    Returns
    -------
    dict
        See the module's docstring.
    """
    X = run.X if X is None else np.asarray(X, dtype=float)
    scatter, _resp = mixture_panel(run, X, levels=levels, palette=palette, n_points=n_points,
                               density=density)
    steps = check_steps(run)
    labels = [step_name(s) for s in steps]
    lead = f"{title} · " if title else ""
    return {
        "uid": _uid("em", run.nll.tobytes(), scatter["codes"][-1], scatter["ell"][-1],
                    len(steps), levels, density, duration_ms, len(X)),
        "step": 0, "point": None, "duration": int(duration_ms), "labels": labels,
        "titles": [f"{lead}{lab} · NLL = {s.nll:,.2f}" for lab, s in zip(labels, steps,
                                                                          strict=True)],
        "next": _next_names([s.kind for s in steps]),
        "panels": [scatter], "chart": _nll_chart([run], ["NLL"], ["#333333"]),
        **_legend(scatter["colors"], check_levels(levels)),
    }


def compare_player(runs: Sequence, titles: Sequence[str], X: np.ndarray | None = None, *,
                   levels: Sequence[float] = (1, 2), duration_ms: int = 600,
                   colors: Sequence[str] | None = None,
                   palette: tuple[str, ...] = PALETTE,
                   n_points: int = ELLIPSE_POINTS) -> dict:
    """The player's data for several EM runs on the same points, one panel each, stepped
    together: a run that stopped earlier holds its last half-step.

    Parameters
    ----------
    runs : sequence of GMMRun
        1 to 6 runs on the same points.
    titles : sequence of str
        Each panel's name (its start), shown in full above it.
    X : ndarray of shape (n_samples, 2), optional
        The points; default the first run's.
    colors : sequence of str, optional
        Each run's colour on the NLL chart.

    Returns
    -------
    dict
        See the module's docstring; ``html`` holds each step's table of the runs.
    """
    runs, titles = list(runs), list(titles)
    if not 1 <= len(runs) <= 6 or len(titles) != len(runs):
        raise InputError(_("Compare needs 1 to 6 runs with one title each; got {n} runs and "
                           "{t} titles.").format(n=len(runs), t=len(titles)))
    X = runs[0].X if X is None else np.asarray(X, dtype=float)
    if len({r.n_samples for r in runs}) != 1:
        raise InputError(_("The runs to compare must be fitted on the same points."))
    panels = [mixture_panel(r, X, levels=levels, title=t, palette=palette,
                            n_points=n_points)[0] for r, t in zip(runs, titles, strict=True)]
    longest = max(runs, key=lambda r: len(r.steps))
    steps = check_steps(longest)
    colors = list(colors) if colors else ["#333333", "#0072B2", "#D55E00", "#009E73",
                                          "#CC79A7", "#999999"][:len(runs)]
    html = [panel.compare_panel(runs, titles, colors, i) for i in range(len(steps))]
    return {
        "uid": _uid("compare", [r.nll.tobytes() for r in runs], titles, levels, duration_ms,
                    len(X)),
        "step": 0, "point": None, "duration": int(duration_ms),
        "labels": [step_name(s) for s in steps],
        "titles": [step_name(s) for s in steps],
        "next": _next_names([s.kind for s in steps]),
        "panels": panels, "chart": _nll_chart(runs, titles, colors), "html": html,
        **_legend(panels[0]["colors"], check_levels(levels)),
    }


#: Grid cells per axis of the nearest-centre regions.
REGION_GRID = 120


def kmeans_player(run: object, *, duration_ms: int = 700, regions: bool = True,
                  point: int | None = None, source: str = "",
                  palette: tuple[str, ...] = PALETTE) -> dict:
    """The player's data for a K-means run: hard colours, centres, the regions each centre
    wins, the distortion J, and the step panel of every assign and update.

    Parameters
    ----------
    run : KMeansRun
    duration_ms : int, default 700
    regions : bool, default True
        Tint the plane by its nearest centre (the Voronoi cells).
    point : int, optional
        The point whose distances the assign panels show; by default each assign step picks
        the point closest to a boundary.
    source : str
        Where the starting centres come from.

    Returns
    -------
    dict
        See the module's docstring.
    """
    from gmmviz.kmeans import assign

    steps = check_steps(run)
    X = np.asarray(run.X, dtype=float)
    k = steps[0].centers.shape[0]
    colors = [component_color(j, palette) for j in range(k)]
    ranges = axis_range(X, [s.centers for s in steps],
                        [np.zeros((k, 2, 2)) for _s in steps], [1.0])
    codes, params = _Distinct(), _Distinct()
    grid = _grid(ranges, REGION_GRID) if regions else None
    for s in steps:
        labels = np.full(len(X), k, dtype=np.uint8) if s.kind == "init" else s.labels
        codes.add(labels.tobytes(), lambda labels=labels: np.asarray(labels, dtype=np.uint8))
        sizes = np.bincount(s.labels, minlength=k) / max(len(X), 1)
        weights = np.full(k, 1.0 / k) if s.kind == "init" else sizes
        params.add(s.centers.tobytes() + weights.tobytes(), lambda s=s, w=weights: (
            np.column_stack([s.centers, w]),
            None if grid is None else assign(grid, s.centers).astype(np.uint8)))
    rgb = [list(hex_to_rgb(c)) for c in colors] + [[176, 176, 176]]
    panel_spec = {
        "title": None, "n": len(X), "x": list(map(float, ranges[0])),
        "y": list(map(float, ranges[1])), "pts": b64(X, "<f4"), "rgb": rgb,
        "codes": [b64(c, "u1") for c in codes.items], "ci": codes.index,
        "ell": [""], "ei": params.index, "nlev": 0, "npts": 0,
        "means": [[[round(float(v), 6) for v in row] for row in cw] for cw, _ in params.items],
        "colors": colors, "square": True,
    }
    if grid is not None:
        panel_spec["reg"] = [b64(r, "u1") for _c, r in params.items]
        panel_spec["rgrid"] = REGION_GRID
    html = []
    for i, s in enumerate(steps):
        if s.kind == "init":
            html.append(panel.kmeans_start_panel(s, source, colors))
        elif s.kind == "assign":
            n = (panel.closest_call(X, steps[i - 1].centers) if point is None else int(point))
            html.append(panel.kmeans_assign_panel(s, steps[i - 1], X, n, point is None, colors))
        else:
            html.append(panel.kmeans_update_panel(s, steps[i - 1], colors))
    j_values = [float(s.distortion) for s in steps[1:]]
    chart = {"ytitle": "J", "xtitle": _("half-step"), "cursor": CURSOR_COLOR,
             "x": [max(i - 1, 0) for i in range(len(steps))],
             "open": [s.kind == "init" for s in steps],
             "series": [{"name": "J", "color": "#333333", "y": j_values or [None]}]}
    labels = [step_name(s) for s in steps]
    return {
        "uid": _uid("kmeans", [s.centers.tobytes() for s in steps], regions, duration_ms),
        "step": 0, "point": point, "duration": int(duration_ms), "labels": labels,
        "titles": [lab if s.kind == "init" else f"{lab} · J = {s.distortion:,.2f}"
                   for lab, s in zip(labels, steps, strict=True)],
        "next": _next_names([s.kind for s in steps]),
        "panels": [panel_spec], "chart": chart, "html": html,
        "legend": [[c, _("cluster {j}").format(j=j + 1)] for j, c in enumerate(colors)],
        "levels": [], "means_label": _("centres, size ∝ √(share of points)"),
    }
