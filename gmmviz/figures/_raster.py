"""Still pictures of a recorded EM run, drawn with Pillow: one half-step as an RGB image.

:func:`gmmviz.write_png` and the frames of :func:`gmmviz.write_gif` come from here, without a
browser. A picture shows what a frame of :func:`gmmviz.figures.em_figure` shows: the points in
their blended colours ``c_n = sum_k gamma_nk c_k`` (grey before any responsibilities), each
component's ellipses at the chosen levels (solid, dashed, dotted), the means as diamonds sized
by ``sqrt(pi_k)`` and labelled with ``pi_k``, the step's label and NLL as the title, and the NLL
at theta_0..theta_T with the current step marked (an open circle on an E-step, which keeps the
parameters). The axes hold the whole run, one unit as long on both, as in the explorer.

Everything that stays from step to step (axes, grid, ticks, the NLL curve, the legend) is drawn
once into a background that every picture starts from. Lengths are given in pixels of a
1280 x 720 picture and multiplied by ``unit`` (larger pictures, ``scale=2``), so a picture at
twice the size looks the same, only sharper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gmmviz._errors import InputError
from gmmviz.figures._colors import GRAY, PALETTE, blend, component_color, hex_to_rgb
from gmmviz.figures._frames import (
    CURSOR_COLOR,
    LEVEL_DASH,
    LEVEL_WIDTH,
    check_levels,
    check_steps,
    levels_legend,
    mean_size,
    step_name,
)
from gmmviz.figures._geometry import axis_range, ellipse_xy
from gmmviz.i18n import _

#: The picture size every length below is given for.
BASE_SIZE = (1280, 720)
#: Largest picture side, in pixels.
MAX_SIDE = 8192
#: Dash patterns (on, off, ...) of the ellipse levels, in base pixels.
_DASHES = {"solid": (), "dash": (12.0, 8.0), "dot": (3.0, 5.0), "dashdot": (12.0, 5.0, 3.0, 5.0)}
_INK, _GRID, _AXIS = (17, 17, 17), (232, 232, 236), (150, 150, 160)
# Fonts with Greek letters, tried in turn (DejaVu ships with Debian's fonts-dejavu-core);
# without one, Pillow's own font, and Greek letters spelled out.
_FONTS = {False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
          True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")}
_SPELLED = {"π": "pi", "σ": " sd", "μ": "mu", "Σ": "Sigma", "γ": "gamma", "θ": "theta", "₁": "1",
            "₂": "2"}
# Fonts with Hangul (Debian's fonts-noto-cjk), for text in Korean, looked for in Debian's
# folder and then by name; DejaVu has no Hangul. The Korean face is the collection's second.
_CJK_DIR = "/usr/share/fonts/opentype/noto/"
_CJK_FONTS = {False: "NotoSansCJK-Regular.ttc", True: "NotoSansCJK-Bold.ttc"}
_CJK_KOREAN = 1
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds Korean letters (which DejaVu cannot draw)."""
    return bool(_HANGUL.search(text))


@cache
def _cjk_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | None:
    """A font of ``size`` pixels with Hangul (Noto Sans CJK KR), or None where there is none."""
    for name in (_CJK_DIR + _CJK_FONTS[bold], _CJK_FONTS[bold]):
        try:
            return ImageFont.truetype(name, size, index=_CJK_KOREAN)
        except OSError:
            continue
    return None


@cache
def _font(size: int, bold: bool = False) -> tuple[ImageFont.FreeTypeFont, bool]:
    """A font of ``size`` pixels, and whether it has Greek letters."""
    for name in _FONTS[bold]:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size), False


def _font_for(text: str, size: int, bold: bool = False) -> tuple[ImageFont.FreeTypeFont, bool]:
    """The font to draw ``text`` in: Noto Sans CJK when it holds Hangul (if installed), else
    :func:`_font`; and whether the font has Greek letters."""
    if has_hangul(text):
        cjk = _cjk_font(size, bold)
        if cjk is not None:
            return cjk, True
    return _font(size, bold)


def _fitted(text: str, size: int, bold: bool = False) -> tuple[ImageFont.FreeTypeFont, str]:
    """The font to draw ``text`` in (:func:`_font_for`), and the text as drawn: its Greek
    letters spelled out when the font has none."""
    font, greek = _font_for(text, size, bold)
    if not greek:
        for letter, spelled in _SPELLED.items():
            text = text.replace(letter, spelled)
    return font, text


def _ticks(lo: float, hi: float, target: int = 6) -> np.ndarray:
    """Round tick values (1, 2 or 5 times a power of ten apart) inside [lo, hi]."""
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return np.array([lo])
    raw = span / target
    power = 10.0 ** np.floor(np.log10(raw))
    step = power * min((m for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw), default=10.0)
    first = np.ceil(lo / step) * step
    ticks = first + step * np.arange(int(np.floor((hi - first) / step)) + 1)
    return np.where(np.abs(ticks) < 1e-9 * step, 0.0, ticks)


def _dashed(xy: np.ndarray, pattern: Sequence[float]) -> list[np.ndarray]:
    """The pieces of the polyline ``xy`` (n, 2) that a dash ``pattern`` (on, off, ...) draws."""
    if not pattern:
        return [xy]
    seg = np.hypot(*np.diff(xy, axis=0).T)
    at = np.concatenate([[0.0], np.cumsum(seg)])
    period = float(sum(pattern))
    bounds = np.cumsum([0.0, *pattern])
    pieces = []
    for start in np.arange(0.0, at[-1], period):
        for on in range(0, len(pattern), 2):
            a, b = start + bounds[on], min(start + bounds[on + 1], at[-1])
            if b <= a:
                continue
            inside = (at > a) & (at < b)
            ends = np.column_stack([np.interp([a, b], at, xy[:, d]) for d in (0, 1)])
            pieces.append(np.vstack([ends[:1], xy[inside], ends[1:]]))
    return pieces


@dataclass(frozen=True)
class _Panel:
    """A plotting box in pixels, and the data ranges it shows."""

    box: tuple[int, int, int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (within the whole picture) of data coordinates."""
        x0, y0, x1, y1 = self.box
        (a, b), (c, d) = self.x_range, self.y_range
        return (x0 + (np.asarray(x, float) - a) / (b - a) * (x1 - x0),
                y1 - (np.asarray(y, float) - c) / (d - c) * (y1 - y0))


class StepPainter:
    """Draws the half-steps of one run as pictures of one size.

    Parameters
    ----------
    run : GMMRun
    X : array-like of shape (n_samples, 2), optional
        The points; default ``run.X``.
    size : (int, int), default (1280, 720)
        Width and height before ``scale``.
    scale : float, default 1
        The picture is ``size * scale`` pixels, everything in it ``scale`` times larger.
    levels : sequence of float, default (1, 2)
        Ellipse radii in standard deviations.
    title : str, optional
        Put before each step's label in the title.
    palette : tuple of str
    """

    def __init__(self, run, X: np.ndarray | None = None, *, size: Sequence[int] = BASE_SIZE,
                 scale: float = 1.0, levels: Sequence[float] = (1, 2),
                 title: str | None = None, palette: tuple[str, ...] = PALETTE) -> None:
        self.steps = check_steps(run)
        self.X = np.asarray(run.X if X is None else X, dtype=float)
        if self.X.shape != (run.n_samples, 2):
            raise InputError(_("Draw the points the run was fitted on, of shape ({n}, 2); "
                               "got shape {shape}.").format(n=run.n_samples,
                                                            shape=self.X.shape))
        self.levels = check_levels(levels)
        self.width, self.height = _picture_size(size, scale)
        self.unit = float(scale) * min(self.width / float(scale) / BASE_SIZE[0],
                                       self.height / float(scale) / BASE_SIZE[1])
        self.title, self.nll = title, np.asarray(run.nll, dtype=float)
        self.colors = [hex_to_rgb(component_color(j, palette)) for j in range(run.n_components)]
        self.palette = palette
        self.scatter, self.curve = self._panels()
        self._point_colors: dict[int, np.ndarray | None] = {}
        self.background = self._background()

    # -- layout
    def _panels(self) -> tuple[_Panel, _Panel]:
        u, w, h = self.unit, self.width, self.height
        left = (round(78 * u), round(64 * u), round(0.64 * w), h - round(58 * u))
        aspect = (left[2] - left[0]) / (left[3] - left[1])
        x_range, y_range = axis_range(self.X, [s.means for s in self.steps],
                                      [s.covariances for s in self.steps], self.levels,
                                      aspect=aspect)
        right = (round(0.64 * w + 92 * u), left[1], w - round(24 * u),
                 left[1] + round(0.5 * (left[3] - left[1])))
        ok = self.nll[np.isfinite(self.nll)]
        lo, hi = (float(ok.min()), float(ok.max())) if len(ok) else (0.0, 1.0)
        span = max(hi - lo, 1e-4 * max(1.0, abs(hi)))  # a flat curve gets a readable span
        return (_Panel(left, x_range, y_range),
                _Panel(right, (-0.5, max(len(self.nll) - 0.5, 0.5)),
                       (lo - 0.06 * span, hi + 0.06 * span)))

    def _text(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: float,
              *, anchor: str = "la", bold: bool = False, fill: tuple = _INK) -> None:
        font, text = _fitted(text, max(round(size * self.unit), 6), bold)
        draw.text(xy, text, font=font, fill=fill, anchor=anchor)

    # -- what every picture shares
    def _background(self) -> Image.Image:
        image = Image.new("RGB", (self.width, self.height), "white")
        draw = ImageDraw.Draw(image)
        self._axes(image, self.scatter, "x₁", "x₂")
        self._axes(image, self.curve, _("iteration"), _("NLL (nats)"), whole=True)
        xs, ys = self.curve.px(np.arange(len(self.nll)), self.nll)
        line = [(float(a), float(b)) for a, b in zip(xs, ys, strict=True) if np.isfinite(b)]
        if len(line) > 1:
            draw.line(line, fill=(51, 51, 51), width=max(round(3 * self.unit), 1), joint="curve")
        r = 3 * self.unit
        for a, b in line:
            draw.ellipse([a - r, b - r, a + r, b + r], fill=(51, 51, 51))
        self._legend(draw)
        return image

    def _axes(self, image: Image.Image, panel: _Panel, x_title: str, y_title: str,
              whole: bool = False) -> None:
        """The panel's frame, grid lines and tick labels, and its axis titles (``whole``:
        whole-number ticks on x)."""
        draw = ImageDraw.Draw(image)
        u, (x0, y0, x1, y1) = self.unit, panel.box
        xt, yt = _ticks(*panel.x_range, 5 if whole else 7), _ticks(*panel.y_range, 6)
        if whole:
            xt = xt[np.isclose(xt, np.round(xt))]
        width = max(round(u), 1)
        for v in xt:
            x = float(panel.px(v, panel.y_range[0])[0])
            draw.line([(x, y0), (x, y1)], fill=_GRID, width=width)
            self._text(draw, (x, y1 + 6 * u), f"{v:g}", 15, anchor="ma")
        for v in yt:
            y = float(panel.px(panel.x_range[0], v)[1])
            draw.line([(x0, y), (x1, y)], fill=_GRID, width=width)
            self._text(draw, (x0 - 6 * u, y), f"{v:.6g}", 15, anchor="rm")
        draw.rectangle([x0, y0, x1, y1], outline=_AXIS, width=width)
        self._text(draw, ((x0 + x1) / 2, y1 + 28 * u), x_title, 16, anchor="ma")
        if whole:  # above the panel: there is no room to its left for a turned title
            self._text(draw, (x0, y0 - 8 * u), y_title, 16, anchor="ld")
            return
        # turned a quarter, left of the tick labels
        font, _greek = _font_for(y_title, max(round(16 * u), 6))
        box = draw.textbbox((0, 0), y_title, font=font)
        label = Image.new("RGB", (box[2] + 2, box[3] + 2), "white")
        ImageDraw.Draw(label).text((0, 0), y_title, font=font, fill=_INK)
        label = label.rotate(90, expand=True)
        image.paste(label, (round(x0 - 66 * u), round((y0 + y1 - label.height) / 2)))

    def _legend(self, draw: ImageDraw.ImageDraw) -> None:
        """Each component's colour, and the ellipse levels' line styles, under the NLL panel."""
        u, (x0, _y0, _x1, y1) = self.unit, self.curve.box
        y = y1 + 64 * u
        self._text(draw, (x0 - 40 * u, y), levels_legend(self.levels), 16, anchor="lm")
        rows = (len(self.colors) + 1) // 2 if len(self.colors) > 5 else len(self.colors)
        for j, color in enumerate(self.colors):
            col, row = divmod(j, rows)
            x, yy = x0 - 40 * u + col * 170 * u, y + (row + 1) * 26 * u
            draw.line([(x, yy), (x + 28 * u, yy)], fill=color, width=max(round(3.5 * u), 1))
            self._text(draw, (x + 36 * u, yy), _("component {j}").format(j=j + 1), 15,
                       anchor="lm")

    def fixed_colors(self) -> list[tuple[int, int, int]]:
        """The colours drawn as they are (a GIF's palette keeps them exact)."""
        return [(255, 255, 255), _INK, _GRID, _AXIS, (51, 51, 51), hex_to_rgb(GRAY),
                hex_to_rgb(CURSOR_COLOR), *self.colors]

    # -- one step
    def colors_at(self, i: int) -> np.ndarray | None:
        """RGB (n_samples, 3) of the points at step ``i``, or None before any responsibilities."""
        step = self.steps[i]
        if step.kind == "M" and i > 0:  # an M-step keeps the responsibilities it used
            return self.colors_at(i - 1)
        if i not in self._point_colors:
            resp = step.resp
            self._point_colors = {i: None if resp is None else blend(resp, self.palette)}
        return self._point_colors[i]

    def image(self, i: int) -> Image.Image:
        """The picture of step ``i`` (negative: from the end), an RGB image."""
        n = len(self.steps)
        if isinstance(i, bool) or not isinstance(i, int | np.integer) or not -n <= i < n:
            raise InputError(_("Choose a half-step from 0 to {last} (or -1 for the last); "
                               "got {got}.").format(last=n - 1, got=repr(i)))
        i = int(i) % n
        step = self.steps[i]
        image = self.background.copy()
        x0, y0, x1, y1 = self.scatter.box
        panel = image.crop((x0, y0, x1, y1))
        draw = ImageDraw.Draw(panel)
        offset = np.array([x0, y0], dtype=float)
        self._points(draw, self.colors_at(i), offset)
        self._ellipses(draw, step, offset)
        labels = self._means(draw, step, offset)
        image.paste(panel, (x0, y0))
        draw = ImageDraw.Draw(image)
        for xy, text, color in labels:
            self._label(draw, xy, text, color)
        self._cursor(draw, step)
        head = f"{step_name(step)} · NLL = {step.nll:.2f}"
        self._text(draw, (14 * self.unit, 14 * self.unit),
                   f"{self.title} · {head}" if self.title else head, 22, bold=True)
        return image

    def _points(self, draw: ImageDraw.ImageDraw, colors: np.ndarray | None,
                offset: np.ndarray) -> None:
        """The data points, in row order, coloured by their blended responsibilities."""
        u, n = self.unit, len(self.X)
        big = n <= 2000  # as the explorer: smaller points without an outline above 2,000
        r = (5.0 if big else 2.5) * u
        xs, ys = self.scatter.px(self.X[:, 0], self.X[:, 1])
        xs, ys = xs - offset[0], ys - offset[1]
        fills = (np.tile(hex_to_rgb(GRAY), (n, 1)) if colors is None
                 else np.clip(np.rint(colors), 0, 255)).astype(int).tolist()
        outline, width = ("white", max(round(0.6 * u), 1)) if big else (None, 0)
        for x, y, fill in zip(xs.tolist(), ys.tolist(), fills, strict=True):
            draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(fill), outline=outline,
                         width=width)

    def _ellipses(self, draw: ImageDraw.ImageDraw, step, offset: np.ndarray) -> None:
        """Each component's ellipses: its colour, the level's width and dash."""
        u = self.unit
        for j, (mean, cov) in enumerate(zip(step.means, step.covariances, strict=True)):
            if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
                continue
            for lv, n_std in enumerate(self.levels):
                ex, ey = ellipse_xy(mean, cov, n_std, 120)
                xy = np.column_stack(self.scatter.px(ex, ey)) - offset
                pattern = [v * u for v in _DASHES[LEVEL_DASH[lv]]]
                for piece in _dashed(xy, pattern):
                    draw.line([tuple(p) for p in piece.tolist()], fill=self.colors[j],
                              width=max(round(LEVEL_WIDTH[lv] * u), 1), joint="curve")

    def _means(self, draw: ImageDraw.ImageDraw, step, offset: np.ndarray) -> list[tuple]:
        """The means as diamonds sized by sqrt(pi_k); returns where their "π=" labels go."""
        u, labels = self.unit, []
        sizes = mean_size(step.weights) * u
        for j, (mean, w, size) in enumerate(zip(step.means, step.weights, sizes, strict=True)):
            if not np.all(np.isfinite(mean)):
                continue
            x, y = (float(v) for v in self.scatter.px(mean[0], mean[1]))
            h = float(size) / 2
            a, b = x - offset[0], y - offset[1]
            draw.polygon([(a, b - h), (a + h, b), (a, b + h), (a - h, b)], fill=self.colors[j],
                         outline=_INK, width=max(round(2 * u), 1))
            labels.append(((x, y - h - 14 * u), f"π={w:.2f}", self.colors[j]))
        return labels

    def _label(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str,
               color: tuple) -> None:
        """A weight's label in a white box edged in its component's colour."""
        x0, y0, x1, y1 = self.scatter.box
        if not (x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1):
            return
        u = self.unit
        font, shown = _fitted(text, max(round(15 * u), 6))
        box = draw.textbbox(xy, shown, font=font, anchor="md")
        pad = 3 * u
        draw.rectangle([box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad], fill="white",
                       outline=color, width=max(round(2 * u), 1))
        draw.text(xy, shown, font=font, fill=_INK, anchor="md")

    def _cursor(self, draw: ImageDraw.ImageDraw, step) -> None:
        """The current step on the NLL curve: theta_t for the start and M-steps, and theta_(t-1)
        as an open circle for the E-step of iteration t, which keeps the parameters."""
        e_step = step.kind == "E"
        x, y = (float(v) for v in self.curve.px(step.iteration - (1 if e_step else 0), step.nll))
        if not np.isfinite(y):
            return
        r, color = 9 * self.unit, hex_to_rgb(CURSOR_COLOR)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=None if e_step else color, outline=color,
                     width=max(round(3 * self.unit), 1))


def _picture_size(size: Sequence[int], scale: float) -> tuple[int, int]:
    """The picture's width and height in pixels, or InputError."""
    try:
        w, h, s = float(size[0]), float(size[1]), float(scale)
        ok = len(size) == 2 and s > 0 and w >= 160 and h >= 90
    except (TypeError, ValueError, IndexError):
        ok = False
    if not ok or not max(w * s, h * s) <= MAX_SIDE:
        raise InputError(
            _("Choose a picture size (width, height) of at least (160, 90) and a scale above 0, "
              "with no side above {max} pixels; got size={size}, scale={scale}.").format(
                  max=MAX_SIDE, size=repr(size), scale=repr(scale)))
    return round(w * s), round(h * s)
