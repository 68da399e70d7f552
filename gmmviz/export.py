"""Taking a run away: one half-step as a table, the whole run as JSON and back, and pictures.

- :func:`run_frame` (``GMMRun.to_frame``): the points with their responsibilities gamma and
  hard labels at one half-step, as a DataFrame (``.to_csv()`` for a spreadsheet).
- :func:`run_json` (``GMMRun.to_json``) and :func:`load_run`: the whole run as JSON text (the
  settings, how it stopped, a description of the data, the points, and every half-step's kind,
  label, pi, mu, Sigma, NLL, ELBO and KL) and back to a :class:`GMMRun` with the same numbers,
  which :func:`gmmviz.em_figure` draws as the fitted run.
- :func:`write_gif` and :func:`write_png`: every half-step as an animated GIF for slides, or one
  as a PNG, drawn with Pillow on this machine (no browser, no network).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from gmmviz import _gauss2d as g2
from gmmviz import _validate as v
from gmmviz._em_run import GMMRun, GMMStep
from gmmviz._em_settings import EMSettings, ScaledData
from gmmviz._em_stops import StopKind
from gmmviz._errors import InputError
from gmmviz.i18n import _

__all__ = ["FORMAT", "FORMAT_VERSION", "load_run", "run_frame", "run_json", "write_gif",
           "write_png"]

#: The ``format`` and ``version`` fields of the JSON that :func:`run_json` writes.
FORMAT = "gmmviz-run"
FORMAT_VERSION = 1
#: Time per GIF frame, in ms, that :func:`write_gif` accepts (GIF counts in hundredths of a second).
DURATION_RANGE = (20, 60_000)
_SETTINGS = ("n_components", "covariance_type", "max_iter", "tol", "reg_covar",
             "fixed_covariance", "learn_weights")
_KINDS = ("init", "E", "M")


# --------------------------------------------------------------------------- one step as a table
def _step_index(step: object, n_steps: int) -> int:
    """``step`` as an index into the run's steps (negative: from the end), or InputError."""
    if isinstance(step, bool) or not isinstance(step, int | np.integer) or not (
            -n_steps <= step < n_steps):
        raise InputError(_("Choose a half-step from 0 to {last} (or -1 for the last); "
                           "got {step!r}.").format(last=n_steps - 1, step=step))
    return int(step) % n_steps


def run_frame(run: GMMRun, step: int = -1) -> pd.DataFrame:
    """The points with their responsibilities and hard labels at one half-step.

    Parameters
    ----------
    run : GMMRun
    step : int, default -1
        Index into ``run.steps`` (negative: from the end; -1 is the final step).

    Returns
    -------
    pandas.DataFrame of shape (n_samples, n_components + 3), index ``point`` (the row of
    ``run.X``), columns

        x, y : float
            The point.
        resp_1 ... resp_K : float
            gamma_nk, the responsibilities in force at the step, as the figure colours its
            points there: ``run.steps[step].resp`` (after an E-step its new posterior, after
            an M-step the one it used, so the final M-step gives the last E-step's; the
            posterior at the final parameters is ``run.resp_``). Each row sums to 1. A start
            from parameters has none yet (the figure draws its points grey): NaN there; the
            E-step of iteration 1 holds the start's posterior.
        label : Int64
            The component, 1 to K as the figure numbers them, with the largest gamma;
            missing where gamma is NaN.

    ``frame.attrs`` holds the step's ``step`` (index), ``kind``, ``iteration``, ``label``
    and ``nll``.
    """
    i = _step_index(step, len(run.steps))
    s, n, k = run.steps[i], run.n_samples, run.n_components
    resp = s.resp
    frame = pd.DataFrame({"x": run.X[:, 0], "y": run.X[:, 1]},
                         index=pd.RangeIndex(n, name="point"))
    gamma = np.full((n, k), np.nan) if resp is None else resp
    for j in range(k):
        frame[f"resp_{j + 1}"] = gamma[:, j]
    frame["label"] = pd.array([pd.NA] * n if resp is None else resp.argmax(axis=1) + 1,
                              dtype="Int64")
    frame.attrs.update(step=i, kind=s.kind, iteration=s.iteration, label=s.label, nll=s.nll)
    return frame


# --------------------------------------------------------------------------- the run as JSON
def _numbers(a: np.ndarray | float) -> Any:
    """An array as nested lists (a number as a float) for JSON, with null where a value is not
    finite."""
    a = np.asarray(a, dtype=float)
    if np.all(np.isfinite(a)):
        return a.tolist()
    return np.where(np.isfinite(a), a, None).tolist()


def run_json(run: GMMRun, source: str | None = None) -> str:
    """The whole run as JSON text that :func:`load_run` reads back.

    Parameters
    ----------
    run : GMMRun
    source : str, optional
        What the data are (e.g. "iris: petal length vs petal width, 150 points").

    Returns
    -------
    str
        One JSON object: ``format`` ("gmmviz-run") and ``version`` (1); ``source``;
        ``settings`` (n_components, covariance_type, max_iter, tol, reg_covar,
        fixed_covariance, learn_weights); ``outcome`` (stop_kind, stop_reason, converged,
        n_iter); ``points`` (n_samples rows of [x, y]); ``start_resp`` (the start's
        responsibilities, n_samples rows of K, or null for a start from parameters); and
        ``steps``, one object per half-step with ``kind`` ("init", "E" or "M"),
        ``iteration``, ``label``, ``weights`` (K), ``means`` (K x 2), ``covariances``
        (K x 2 x 2), ``nll``, ``elbo`` and ``kl`` (``-nll = elbo + kl``). Numbers are
        written to the last digit, so they read back equal; a value that is not finite is
        null.
    """
    settings = run.settings
    start_resp = run.steps[0].resp
    record: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "source": None if source is None else str(source),
        "settings": {name: getattr(settings, name) for name in _SETTINGS},
        "outcome": {"stop_kind": run.stop_kind.value, "stop_reason": run.stop_reason,
                    "converged": bool(run.converged_), "n_iter": int(run.n_iter_)},
        "points": _numbers(run.X),
        "start_resp": None if start_resp is None else _numbers(start_resp),
        "steps": [
            {"kind": s.kind, "iteration": int(s.iteration), "label": s.label,
             "weights": _numbers(s.weights), "means": _numbers(s.means),
             "covariances": _numbers(s.covariances), "nll": _numbers(s.nll),
             "elbo": _numbers(s.elbo), "kl": _numbers(s.kl)}
            for s in run.steps
        ],
    }
    return json.dumps(record, allow_nan=False, separators=(",", ":"))


def _read(source: object) -> str:
    """The text of ``source``: JSON text, a path to a file, bytes, or an open file."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes | bytearray):
        try:
            return bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(_("The run's file is not UTF-8 text ({reason}): pass the JSON "
                               "that run.to_json() wrote.").format(reason=e.reason)) from None
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        return source
    if not isinstance(source, str | os.PathLike):
        raise InputError(_("Pass the JSON text of a run, or the path of its file; got "
                           "{type}.").format(type=type(source).__name__))
    try:
        return Path(source).read_text(encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise InputError(_("Could not read the run from {source!r} ({error}): pass the "
                           "JSON text that run.to_json() wrote, or the path of its file.").format(
            source=str(source)[:200], error=e)) from None


def _field(record: dict, name: str, where: str) -> Any:
    if not isinstance(record, dict) or name not in record:
        raise InputError(_(
            "{where} has no {name!r}: this is not a run that run.to_json() wrote.").format(
            where=where, name=name))
    return record[name]


def _scalar(value: object, what: str) -> float:
    """A number of the file (null: NaN), or InputError."""
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(_("{what} must be a number; got {value!r}.").format(
            what=what, value=value))
    return float(value)


def _step_params(record: dict, k: int, where: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A step's weights (k,), means (k, 2) and covariances (k, 2, 2), checked."""
    try:
        weights = v.weights(_field(record, "weights", where), k)
        means = v.means(_field(record, "means", where), k)
        covariances = v.covariances(_field(record, "covariances", where), k)
    except InputError as e:
        raise InputError(f"{where}: {e}") from None
    return weights, means, covariances


def _start_resp(value: object, n: int, k: int) -> np.ndarray | None:
    """The start's responsibilities as (k, n), or None."""
    if value is None:
        return None
    try:
        resp = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        resp = np.empty(0)
    if (resp.shape != (n, k) or not np.all(np.isfinite(resp)) or np.any(resp < 0)
            or not np.allclose(resp.sum(axis=1), 1.0, atol=1e-6)):
        raise InputError(_("The start's responsibilities must be {n} rows of {k} numbers from "
                           "0 to 1, each row summing to 1.").format(n=n, k=k))
    return np.ascontiguousarray(resp.T)


def _settings(record: object) -> EMSettings:
    if not isinstance(record, dict) or set(record) - set(_SETTINGS):
        raise InputError(_("The run's settings must name only {names}.").format(
            names=", ".join(_SETTINGS)))
    try:
        return EMSettings(**record)
    except TypeError as e:
        raise InputError(_("The run's settings are incomplete ({error}).").format(
            error=e)) from None


def load_run(text_or_path: str | bytes | os.PathLike | IO) -> GMMRun:
    """A run written by :func:`run_json` (``run.to_json()``), read back.

    The run has the file's points, settings and outcome, and every half-step with the file's
    pi, mu, Sigma, NLL, ELBO and KL exactly; responsibilities are computed from the
    parameters as for a fitted run, so ``run.steps[i].resp``, ``run.to_frame(i)`` and
    :func:`gmmviz.em_figure` work as they do on the fit it came from.

    Parameters
    ----------
    text_or_path : str, bytes, path-like or file
        The JSON text, or the path of a file holding it, or an open file.

    Returns
    -------
    GMMRun

    Raises
    ------
    InputError
        If the text is not such a run (not JSON, another format or a newer version, missing
        or malformed fields, steps out of order, weights that do not sum to 1, covariances
        that are not positive definite).
    """
    from gmmviz.starts import Start

    text = _read(text_or_path)
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise InputError(_("The run is not valid JSON ({error}).").format(
            error=str(e)[:200])) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise InputError(_('This is not a run that run.to_json() wrote (its "format" is not '
                           '"{format}").').format(format=FORMAT))
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise InputError(_("The run's file has version {version!r}; this gmmviz reads version "
                           "{supported}: update gmmviz to read it.").format(
            version=version, supported=FORMAT_VERSION))
    the_file = _("The file")
    settings = _settings(_field(record, "settings", the_file))
    X = v.points(_field(record, "points", the_file))
    k = settings.n_components
    steps = _field(record, "steps", the_file)
    if not isinstance(steps, list) or not steps:
        raise InputError(
            _("The run has no steps: this is not a run that run.to_json() wrote."))
    q0 = _start_resp(record.get("start_resp"), X.shape[0], k)
    s = ScaledData.of(X, settings)

    def scaled(params: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        weights, means, covariances = params
        return weights.copy(), s.scaler.means_in(means), g2.pack(covariances) / s.scaler.variance

    wheres = [_("Step {i} of the run").format(i=i) for i in range(len(steps))]
    params = [_step_params(d, k, where) for d, where in zip(steps, wheres, strict=True)]
    _check_order(steps)
    theta = scaled(params[0])
    run = GMMRun(s, settings, Start(theta, q0, params[0][1]))
    for d, p, where in zip(steps, params, wheres, strict=True):
        numbers = [_scalar(_field(d, name, where), f"{where}: {name}")
                   for name in ("nll", "elbo", "kl")]
        kind = d["kind"]
        if kind == "M":
            theta, before = scaled(p), theta
        else:  # the start, or an E-step, which keeps the parameters
            before = q0 if kind == "init" else theta
        run.steps.append(GMMStep(run, kind, int(d["iteration"]), theta, before, *numbers,
                                 params=p))
    _outcome(run, record.get("outcome"))
    return run


def _check_order(steps: list) -> None:
    """The start, then an E- and an M-step for iterations 1, 2, ..., or InputError."""
    for i, d in enumerate(steps):
        where = _("Step {i}").format(i=i)
        kind, iteration = _field(d, "kind", where), _field(d, "iteration", where)
        expected = ("init", 0) if i == 0 else (_KINDS[2 - i % 2], (i + 1) // 2)
        if (kind, iteration) != expected or (i == len(steps) - 1 and kind == "E"):
            raise InputError(_("Step {i} of the run is {kind!r} of iteration {iteration!r}; a "
                               "run is its start, then an E- and an M-step for each "
                               "iteration.").format(i=i, kind=kind, iteration=iteration))


def _outcome(run: GMMRun, outcome: object) -> None:
    """How the run stopped, from the file's ``outcome``."""
    if outcome is None:
        return
    try:
        run.stop_kind = StopKind(outcome["stop_kind"])
        run.stop_reason = str(outcome.get("stop_reason", ""))
    except (TypeError, KeyError, ValueError, AttributeError):
        raise InputError(_("The run's outcome must give a stop_kind: one of {kinds}.").format(
            kinds=", ".join(kind.value for kind in StopKind))) from None
    run.converged_ = run.stop_kind is StopKind.CONVERGED


# --------------------------------------------------------------------------- pictures
def _check_duration(duration_ms: object) -> int:
    low, high = DURATION_RANGE
    if (isinstance(duration_ms, bool) or not isinstance(duration_ms, int | np.integer)
            or not low <= duration_ms <= high):
        raise InputError(_("Choose a time per frame from {low} to {high} ms; got "
                           "{value!r}.").format(low=low, high=f"{high:,}", value=duration_ms))
    return int(duration_ms)


@contextmanager
def _target(path_or_file: str | os.PathLike | IO[bytes]) -> Iterator[IO[bytes]]:
    """A binary file to write to: ``path_or_file`` itself, or the file it names, opened here
    and closed when the block ends."""
    if hasattr(path_or_file, "write"):
        yield path_or_file
        return
    try:
        file = open(path_or_file, "wb")
    except (OSError, TypeError) as e:
        raise InputError(_("Could not open {path!r} to write to ({error}).").format(
            path=path_or_file, error=e)) from None
    with file:
        yield file


def write_png(run: GMMRun, X: np.ndarray | None, step: int,
              path_or_file: str | os.PathLike | IO[bytes], *, scale: float = 2.0,
              size: Sequence[int] = (1280, 720), levels: Sequence[float] = (1, 2),
              title: str | None = None) -> tuple[int, int]:
    """One half-step as a PNG picture: the frame of :func:`gmmviz.em_figure` at that step.

    Parameters
    ----------
    run : GMMRun
    X : array-like of shape (n_samples, 2) or None
        The points; None: ``run.X``.
    step : int
        Index into ``run.steps`` (negative: from the end).
    path_or_file : str, path-like or binary file
    scale : float, default 2
        The picture is ``size * scale`` pixels (2: sharp on a projector or a slide).
    size : (int, int), default (1280, 720)
    levels : sequence of float, default (1, 2)
        Ellipse radii in standard deviations.
    title : str, optional
        Put before the step's label in the picture's title.

    Returns
    -------
    (width, height) : the picture's size in pixels
    """
    from gmmviz.figures._raster import StepPainter

    painter = StepPainter(run, X, size=size, scale=scale, levels=levels, title=title)
    image = painter.image(step)
    with _target(path_or_file) as target:
        image.save(target, format="PNG")
    return image.size


def write_gif(run: GMMRun, X: np.ndarray | None, path_or_file: str | os.PathLike | IO[bytes],
              *, duration_ms: int = 600, size: Sequence[int] = (1280, 720),
              levels: Sequence[float] = (1, 2), title: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Every half-step of the run as an animated GIF that loops, for slides.

    Each frame is the picture :func:`write_png` draws of its step. The frames share one
    palette of 256 colours (taken from the first, middle and last pictures), and each frame
    stores only the rectangle that changed, so a long run stays small; the frames are encoded
    one by one, so memory does not grow with the run.

    Parameters
    ----------
    run : GMMRun
    X : array-like of shape (n_samples, 2) or None
        The points; None: ``run.X``.
    path_or_file : str, path-like or binary file
    duration_ms : int, default 600
        Time per frame, 20 to 60,000 ms (stored in hundredths of a second).
    size : (int, int), default (1280, 720)
        The picture in pixels (projector resolution).
    levels : sequence of float, default (1, 2)
    title : str, optional
    progress : callable(done, total), optional
        Called after each frame with the frames written and ``len(run.steps)``.

    Returns
    -------
    int
        The number of frames, ``len(run.steps)``.
    """
    from PIL import GifImagePlugin, Image

    from gmmviz.figures._raster import StepPainter

    duration = _check_duration(duration_ms)
    painter = StepPainter(run, X, size=size, levels=levels, title=title)
    n = len(painter.steps)
    samples = [painter.image(i) for i in sorted({0, n // 2, n - 1})]
    montage = Image.new("RGB", (painter.width, painter.height * len(samples)))
    for j, im in enumerate(samples):
        montage.paste(im, (0, j * painter.height))
    to_palette = _PaletteMap(_gif_palette(montage, painter.fixed_colors()))
    with _target(path_or_file) as target:
        previous = None
        for i in range(n):
            frame = to_palette(painter.image(i))
            if previous is None:
                header, _info = GifImagePlugin.getheader(frame, info={"loop": 0})
                target.write(b"".join(header))
            box = _changed_box(previous, frame)
            for chunk in GifImagePlugin.getdata(frame.crop(box), offset=box[:2],
                                                duration=duration, disposal=1):
                target.write(chunk)
            previous = frame
            if progress is not None:
                progress(i + 1, n)
        target.write(b";")  # the GIF trailer
    return n


def _gif_palette(montage: Any, fixed: list[tuple[int, int, int]]) -> np.ndarray:
    """256 colours (256, 3): ``fixed`` (white, text, the component colours...), and the
    colours that best cover ``montage`` (median cut) in the other places."""
    from PIL import Image

    fixed = list(dict.fromkeys(fixed))[:64]
    cut = montage.quantize(256 - len(fixed), method=Image.Quantize.MEDIANCUT,
                           dither=Image.Dither.NONE)
    colors = np.array(cut.getpalette()[: 3 * (256 - len(fixed))], dtype=np.int64).reshape(-1, 3)
    colors = np.vstack([np.array(fixed, dtype=np.int64), colors])
    return np.vstack([colors, np.zeros((256 - len(colors), 3), np.int64)])


class _PaletteMap:
    """RGB pictures to palette pictures, each colour to its nearest palette colour.

    (Pillow's own mapping to a given palette looks colours up in a coarse cache and can miss
    the nearest one: white became (252, 252, 252).) A table over all 2**24 colours, filled as
    colours appear, makes each picture one lookup.
    """

    def __init__(self, palette: np.ndarray) -> None:
        self.palette = palette
        self.table = np.full(1 << 24, -1, dtype=np.int16)

    def __call__(self, image: Any) -> Any:
        from PIL import Image

        rgb = np.asarray(image, dtype=np.int64)
        packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
        codes = self.table[packed]
        if np.any(codes < 0):
            new = np.unique(packed[codes < 0])
            colors = np.column_stack([new >> 16, (new >> 8) & 255, new & 255])
            distance = ((colors[:, None, :] - self.palette[None, :, :]) ** 2).sum(axis=-1)
            self.table[new] = distance.argmin(axis=1)
            codes = self.table[packed]
        frame = Image.frombytes("P", image.size, codes.astype(np.uint8).tobytes())
        frame.putpalette(self.palette.astype(np.uint8).ravel().tolist())
        return frame


def _changed_box(previous: Any, frame: Any) -> tuple[int, int, int, int]:
    """The rectangle where ``frame`` differs from ``previous`` (all of it for the first frame;
    one pixel when nothing changed, so that every step keeps its frame)."""
    if previous is None:
        return 0, 0, frame.width, frame.height
    changed = np.asarray(previous) != np.asarray(frame)
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if rows.size == 0:
        return 0, 0, 1, 1
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
