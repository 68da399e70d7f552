"""The parts the figures of recorded runs are built from.

An animated figure puts its first state in ``fig.data`` as complete, styled traces, and each
frame carries only the properties that change, as small dicts addressed by trace index
(``Frame.traces``; see :mod:`gmmviz.figures._animation` for the controls that step through
them). Each part therefore comes twice: an *update* (a dict with the trace ``type`` and what a
frame changes) and the styled trace for ``fig.data``, built from that same update so the two
never disagree.

Parts: the data points (coloured by one-byte codes into the palette's colorscale), each
component's ellipses, the means (sized by their weight, labelled with it), the NLL panel with
its cursor, the frame titles, and fixed axes with equal scales.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gmmviz._errors import InputError
from gmmviz.figures._animation import FONT_SIZE, unique_names
from gmmviz.figures._colors import ColorCodec, codec, component_color
from gmmviz.figures._geometry import ellipse_xy
from gmmviz.i18n import N_, _

#: Above this many points a scatter panel uses WebGL (``go.Scattergl``).
WEBGL_THRESHOLD = 2000
#: Distinct points on each ellipse.
ELLIPSE_POINTS = 60
#: Line style of the 1st, 2nd, 3rd... sigma level.
LEVEL_DASH = ("solid", "dash", "dot", "dashdot")
LEVEL_WIDTH = (3.5, 2.5, 2.0, 2.0)
CURSOR_COLOR = "#D55E00"
#: Hover text of a data point whose ``customdata`` is its row index.
POINT_HOVER = N_("point %{customdata}<br>x=%{x:.4g}<br>y=%{y:.4g}<extra></extra>")
#: Edge of the markers of means and centres.
EDGE = {"width": 2, "color": "#111111"}

#: The names of the line styles, as a legend shows them.
DASH_NAMES = {"solid": N_("solid"), "dash": N_("dash"), "dot": N_("dot"),
              "dashdot": N_("dashdot")}

_TRACE_TYPES = {"scatter": go.Scatter, "scattergl": go.Scattergl, "contour": go.Contour,
                "heatmap": go.Heatmap}


# ----------------------------------------------------------------------------- checks
def check_levels(levels: Sequence[float]) -> list[float]:
    """Ellipse radii in standard deviations as floats: 1 to 4 positive values, or InputError."""
    levels = [float(v) for v in levels]
    if not 1 <= len(levels) <= len(LEVEL_DASH) or min(levels) <= 0:
        raise InputError(
            _("Ellipse levels must be 1 to {n} positive numbers of standard deviations, "
              "e.g. (1, 2); got {got}.").format(n=len(LEVEL_DASH), got=tuple(levels)))
    return levels


def check_steps(run: object) -> list:
    """The run's recorded steps, or InputError when there are none."""
    steps = list(run.steps)
    if not steps:
        raise InputError(_("The run has no recorded steps to draw; fit it again."))
    return steps


# ----------------------------------------------------------------------------- step names
#: The runs' step labels (``step.label``) with the iteration as ``{i}``, as the catalogue has them.
_STEP_LABELS = frozenset({
    N_("Start"),
    N_("Iteration {i} · E-step: responsibilities updated"),
    N_("Iteration {i} · M-step: π, μ, Σ updated"),
    N_("Iteration {i} · assign: each point to its nearest centre"),
    N_("Iteration {i} · update: each centre to the mean of its points"),
    N_("Iteration {i} · label: each point to its most likely Gaussian"),
    N_("Iteration {i} · refit: mean and spread from each Gaussian's points"),
})
_ITERATION = re.compile(r"Iteration (\d+) · ")


def label_text(label: str) -> str:
    """A step's label (``step.label``, "Iteration 3 · E-step: ...") in the language in use; a
    label that is already translated, or unknown, as it is."""
    m = _ITERATION.match(label)
    template = label if m is None else "Iteration {i} · " + label[m.end():]
    if template not in _STEP_LABELS:
        return label
    return _(template).format(i=m.group(1)) if m else _(template)


def step_name(step: object) -> str:
    """The name of a recorded step as shown (its label in the language in use)."""
    return label_text(step.label)


# ----------------------------------------------------------------------------- traces
def scatter_type(n_samples: int) -> str:
    """``"scattergl"`` (WebGL) above :data:`WEBGL_THRESHOLD` points, else ``"scatter"``."""
    return "scattergl" if n_samples > WEBGL_THRESHOLD else "scatter"


def as_trace(update: dict) -> go.Scatter | go.Scattergl | go.Contour | go.Heatmap:
    """A validated trace object from a frame's update (a dict with the trace ``type``)."""
    return _TRACE_TYPES[update["type"]]({key: v for key, v in update.items() if key != "type"})


def row_ids(n_samples: int) -> np.ndarray:
    """Each point's row index, for ``customdata``, in the smallest integer type that holds it."""
    return np.arange(n_samples, dtype=np.int32 if n_samples > 32767 else np.int16)


# ----------------------------------------------------------------------------- points
def points_trace(X: np.ndarray, color: dict, *, size: tuple[float, float], line_width: float,
                 opacity: float, **props: object) -> go.Scatter | go.Scattergl:
    """The data points, drawn once; frames change only their colour.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Coordinates as they go into the figure (float32 halves the payload).
    color : dict
        Marker colour properties, e.g. :meth:`ColorCodec.marker` of the codes.
    size : (float, float)
        Marker size with SVG and with WebGL (above :data:`WEBGL_THRESHOLD` points, where the
        points also lose their white outline of ``line_width``).
    opacity : float
    **props
        Further trace properties (name, customdata, hover...).
    """
    webgl = scatter_type(len(X)) == "scattergl"
    marker = {**color, "size": size[webgl], "opacity": opacity,
              "line": {"width": 0 if webgl else line_width, "color": "white"}}
    cls = go.Scattergl if webgl else go.Scatter
    return cls(x=X[:, 0], y=X[:, 1], mode="markers", marker=marker, **props)


def step_codes(steps: Sequence, cc: ColorCodec, n_samples: int) -> list[np.ndarray]:
    """uint8 colour codes of every step's responsibilities (grey before there are any)."""
    out: list[np.ndarray] = []
    for i, s in enumerate(steps):
        if s.kind == "M" and i > 0:  # an M-step keeps the responsibilities it used
            out.append(out[-1])
            continue
        out.append(cc.encode(s.resp, n_samples=n_samples))
    return out


# ----------------------------------------------------------------------------- ellipses, means
def ellipse_arrays(mean: np.ndarray, cov: np.ndarray, n_std: float,
                   n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """One contour as float32 (Plotly sends it as a base64 typed array); NaN if undefined."""
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        nan = np.full(n_points + 1, np.nan, dtype=np.float32)
        return nan, nan
    x, y = ellipse_xy(mean, cov, n_std, n_points)
    return x.astype(np.float32), y.astype(np.float32)


def mean_size(weights: np.ndarray) -> np.ndarray:
    """Marker size of each mean, growing with sqrt(pi_k) (area roughly proportional to pi_k)."""
    return (12.0 + 28.0 * np.sqrt(np.clip(np.asarray(weights, dtype=float), 0.0, 1.0))
            ).astype(np.float32)


def levels_legend(levels: Sequence[float], pattern: str = "{level} {dash}") -> str:
    """The legend's title naming each level's line style, e.g. "ellipses: 1σ solid, 2σ dash"."""
    return _("ellipses: {levels}").format(levels=", ".join(
        pattern.format(level=f"{lv:g}σ", dash=_(DASH_NAMES[LEVEL_DASH[i]]))
        for i, lv in enumerate(levels)))


def weight_labels(step: object, colors: Sequence[str]) -> list[dict]:
    """One "π=0.33" label above each mean, as annotations (drawn above WebGL points)."""
    size = mean_size(step.weights)
    return [
        {"x": float(m[0]), "y": float(m[1]), "xref": "x", "yref": "y",
         "text": f"π={w:.2f}", "showarrow": False, "yshift": float(sz) / 2 + 14,
         "font": {"size": FONT_SIZE, "color": "#111111"},
         "bgcolor": "rgba(255,255,255,0.8)", "bordercolor": c, "borderwidth": 2,
         "borderpad": 2}
        for m, w, sz, c in zip(step.means, step.weights, size, colors, strict=True)
        if np.all(np.isfinite(m))
    ]


@dataclass(frozen=True)
class MixtureFrames:
    """What a recorded EM run shows at each half-step: the updates of its frames.

    Index ``i`` past the last step shows the last step (a run that stopped early holds it).

    Attributes
    ----------
    steps : list of GMMStep
    names : list of str
        Unique frame names, from the step labels.
    codec : ColorCodec
    codes : list of ndarray of shape (n_samples,), dtype uint8
        The points' colour codes at every step.
    levels : list of float
        Ellipse radii in standard deviations.
    n_points : int
        Points per ellipse.
    kind : {"scatter", "scattergl"}
    colors : list of str
        One colour per component.
    """

    steps: list
    names: list[str]
    codec: ColorCodec
    codes: list[np.ndarray]
    levels: list[float]
    n_points: int
    kind: str
    colors: list[str]

    @classmethod
    def of(cls, run: object, levels: list[float], palette: tuple[str, ...],
           n_points: int) -> MixtureFrames:
        steps, n, k = check_steps(run), run.n_samples, run.n_components
        cc = codec(k, palette)
        return cls(steps, unique_names([step_name(s) for s in steps]), cc, step_codes(steps, cc, n),
                   levels, n_points, scatter_type(n), [component_color(j, palette)
                                                       for j in range(k)])

    def step(self, i: int) -> object:
        return self.steps[min(i, len(self.steps) - 1)]

    def codes_key(self, i: int) -> bytes:
        """Fingerprint of the colours at step ``i``, to spot a frame that repeats them."""
        return self.codes[min(i, len(self.codes) - 1)].tobytes()

    def params_key(self, i: int) -> tuple[bytes, bytes, bytes]:
        """Fingerprint of the parameters at step ``i``."""
        s = self.step(i)
        return s.weights.tobytes(), s.means.tobytes(), s.covariances.tobytes()

    def points(self, i: int) -> dict:
        return {"type": self.kind, "marker": {"color": self.codes[min(i, len(self.codes) - 1)]}}

    def ellipses(self, i: int) -> list[dict]:
        """Every component's ellipses, component-major and level-minor."""
        s = self.step(i)
        out = []
        for mean, cov in zip(s.means, s.covariances, strict=True):
            for lv in self.levels:
                ex, ey = ellipse_arrays(mean, cov, lv, self.n_points)
                out.append({"type": self.kind, "x": ex, "y": ey})
        return out

    def means(self, i: int, scale: float = 1.0, labels: bool = True) -> dict:
        """The means, sized ``scale * mean_size(pi)``, with a hover text "π=..." if ``labels``."""
        s = self.step(i)
        out = {"type": self.kind, "x": s.means[:, 0].astype(np.float32),
               "y": s.means[:, 1].astype(np.float32),
               "marker": {"size": mean_size(s.weights) * scale}}
        if labels:
            out["text"] = [f"π={w:.2f}" for w in s.weights]
        return out

    def nll_cursor(self, i: int) -> dict:
        """The cursor on the NLL curve: at the index j of the parameters theta_j of step i.

        The start and the M-step of iteration t sit at j = 0 and j = t; an E-step keeps the
        parameters, so the E-step of iteration t sits at j = t - 1 with the same NLL (an open
        circle).
        """
        s = self.step(i)
        e_step = s.kind == "E"
        return {"type": "scatter", "x": [float(s.iteration - 1 if e_step else s.iteration)],
                "y": [float(s.nll)], "marker": {"symbol": "circle-open" if e_step else "circle"}}


def ellipse_traces(view: MixtureFrames, i: int, legend: bool = True) -> list:
    """The styled ellipse traces at step ``i``: colour by component, dash and width by level."""
    out = []
    for n, update in enumerate(view.ellipses(i)):
        j, lv = divmod(n, len(view.levels))
        tr = as_trace(update)
        tr.update(mode="lines", connectgaps=False, hoverinfo="skip",
                  line={"color": view.colors[j], "width": LEVEL_WIDTH[lv], "dash": LEVEL_DASH[lv]},
                  name=_("component {j}").format(j=j + 1), legendgroup=f"c{j}",
                  showlegend=legend and lv == 0)
        out.append(tr)
    return out


def means_trace(view: MixtureFrames, i: int, scale: float = 1.0, labels: bool = True,
                **props: object) -> go.Scatter | go.Scattergl:
    """The styled means at step ``i``: diamonds in the component colours, sized by weight."""
    tr = as_trace(view.means(i, scale, labels))
    tr.update(mode="markers", marker={"symbol": "diamond", "color": view.colors, "line": EDGE},
              **props)
    return tr


# ----------------------------------------------------------------------------- NLL panel
def cursor_trace(update: dict, **marker: object) -> go.Scatter:
    """The cursor marking the current step on a curve, from its frame update."""
    tr = as_trace(update)
    tr.update(mode="markers", name=_("current step"), hoverinfo="skip", showlegend=False,
              marker={"size": 18, "color": CURSOR_COLOR, **marker})
    return tr


def nll_panel(fig: go.Figure, nll: np.ndarray, cursor: dict, domain: tuple[float, float],
              row: int = 1, col: int = 2) -> None:
    """The NLL at theta_0..theta_T, a cursor on the current step, and the panel's axes."""
    nll = np.asarray(nll, dtype=float)
    fig.add_trace(go.Scatter(x=np.arange(len(nll)), y=nll, mode="lines+markers",
                             line={"color": "#333333", "width": 3}, marker={"size": 6},
                             name="NLL", showlegend=False,
                             hovertemplate="θ%{x}: NLL = %{y:.2f}<extra></extra>"),
                  row=row, col=col)
    fig.add_trace(cursor_trace(cursor, line={"width": 3, "color": CURSOR_COLOR}), row=row, col=col)
    ok = nll[np.isfinite(nll)]
    lo, hi = (float(ok.min()), float(ok.max())) if len(ok) else (0.0, 1.0)
    # a flat curve (changes at rounding level, as from an identical start) gets a readable span
    span = max(hi - lo, 1e-4 * max(1.0, abs(hi)))
    fig.update_xaxes(range=[-0.5, max(len(nll) - 0.5, 0.5)], autorange=False,
                     title_text=_("iteration"), row=row, col=col,
                     **({"tick0": 0, "dtick": 1} if len(nll) <= 12 else {}))
    fig.update_yaxes(range=[lo - 0.06 * span, hi + 0.06 * span], autorange=False,
                     title_text=_("NLL (nats)"), domain=list(domain), row=row, col=col)


# ----------------------------------------------------------------------------- titles, axes
def frame_title(text: str, title: str | None = None, *, sep: str = " · ",
                note: str | None = None) -> dict:
    """A frame's ``{"title": ...}`` layout: ``title``, ``sep`` and ``text`` in bold, then ``note``.

    Bold, as Streamlit draws a figure's first title: stepping keeps its weight.
    """
    if title:
        text = f"{title}{sep}{text}"
    text = f"<b>{text}</b>"
    if note:
        text += f"<br><span style='font-size:0.8em;font-weight:normal'>{note}</span>"
    return {"title": {"text": text}}


def equal_axes(fig: go.Figure, x_range: Sequence[float], y_range: Sequence[float], *,
               xaxis: str = "x", yaxis: str = "y", x: dict | None = None,
               y: dict | None = None) -> None:
    """Fix the ranges of one panel's axes and give one unit the same length on both.

    ``xaxis`` and ``yaxis`` name the panel's axes as its traces do ("x", "x2"...); ``x`` and
    ``y`` hold further properties of each axis.
    """
    fig.layout[xaxis.replace("x", "xaxis", 1)].update(
        range=list(x_range), autorange=False, zeroline=False, **(x or {}))
    fig.layout[yaxis.replace("y", "yaxis", 1)].update(
        range=list(y_range), autorange=False, zeroline=False, **(y or {}), scaleanchor=xaxis,
        scaleratio=1)


def axis_fonts(fig: go.Figure) -> None:
    """Explicit font sizes: Streamlit's theme would otherwise shrink ticks and axis titles."""
    fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE + 1})
    fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE + 1})


def plain_layout(height: int, margin: dict, **props: object) -> dict:
    """Layout shared by every figure: white template, the figures' font size, height, margins."""
    return {"height": height, "template": "plotly_white", "font": {"size": FONT_SIZE},
            "margin": margin, **props}


def finish_small(fig: go.Figure, height: int, **layout: object) -> go.Figure:
    """The notes' smaller figures: the shared layout, slightly smaller text."""
    fig.update_layout(**plain_layout(height, {"l": 60, "r": 20, "t": 60, "b": 50}),
                      hovermode="closest", **layout)
    fig.update_layout(font={"size": FONT_SIZE - 2})
    fig.update_annotations(font={"size": FONT_SIZE})
    fig.update_xaxes(tickfont_size=FONT_SIZE - 3, title_font_size=FONT_SIZE - 1)
    fig.update_yaxes(tickfont_size=FONT_SIZE - 3, title_font_size=FONT_SIZE - 1)
    return fig
