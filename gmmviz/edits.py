"""Hands on the data: points added and removed by hand, and a start moved by hand.

A :class:`PointEdits` is the change a user made to a data set: points appended in the order
they were added (``add``) and rows of the original data removed (``drop``).
:func:`edited_points` applies it; :meth:`PointEdits.with_point` and
:meth:`PointEdits.without` give the edits after one more click. :func:`encode_points`,
:func:`decode_points`, :func:`encode_indices` and :func:`decode_indices` write and read both
parts as short text (for a URL: ``add=x1,y1;x2,y2`` and ``drop=i,j``); the readers keep the
valid part of a text and say what they left out.

:func:`covariance_from_axes` turns a 1-sigma ellipse (semi-axes and tilt) back into Sigma, and
:func:`moved_start` writes a half-step's pi, mu and Sigma with one component moved as the
rows of a manual start (:mod:`gmmviz.manual`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gmmviz import _validate
from gmmviz._errors import InputError
from gmmviz.i18n import N_, _

__all__ = [
    "MAX_ADDED",
    "MAX_DROPPED",
    "PointEdits",
    "covariance_from_axes",
    "decode_indices",
    "decode_points",
    "edited_points",
    "encode_indices",
    "encode_points",
    "moved_start",
]

#: At most this many points added by hand (in a session or a link).
MAX_ADDED = 5_000
#: At most this many original points removed by a link.
MAX_DROPPED = 50_000
#: Significant digits of an added point's coordinates: a link writes them so, and a point is
#: kept so from the click on, so that a link reproduces the very same points.
DIGITS = 8

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INDEX = re.compile(r"\d+", re.ASCII)


def edited_points(X: object, add: object = (), drop: Iterable[int] = ()) -> np.ndarray:
    """The data without the rows ``drop``, then the points ``add`` appended in order.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The original data.
    add : array-like of shape (n_added, 2)
        Points added by hand, in the order they were added.
    drop : iterable of int
        Indices of rows of ``X`` removed (distinct, each in ``[0, n_samples)``).

    Returns
    -------
    ndarray of shape (n_samples - len(drop) + n_added, 2)
        The kept rows of ``X`` in their order, then ``add``.

    Raises
    ------
    InputError
        If an index is repeated or outside the data, or an added point is not two finite
        numbers.
    """
    X = _validate.points(X)
    keep = np.ones(len(X), dtype=bool)
    for i in drop:
        i = _validate.count(i, N_("A removed point's index"), 0, len(X) - 1)
        if not keep[i]:
            raise InputError(
                _("Point {i} is removed twice: name each removed point once.").format(i=i))
        keep[i] = False
    added = _added(add)
    return np.concatenate([X[keep], added]) if len(added) else X[keep]


def _added(add: object) -> np.ndarray:
    """``add`` as a float array of shape (n_added, 2) of finite numbers."""
    try:
        pts = np.asarray(add, dtype=float).reshape(-1, 2) if np.size(add) else np.zeros((0, 2))
    except (TypeError, ValueError) as exc:
        raise InputError(_("An added point must be two numbers x and y.")) from exc
    if not np.all(np.isfinite(pts)):
        raise InputError(_("An added point must have finite coordinates."))
    return pts


@dataclass(frozen=True)
class PointEdits:
    """Points added to a data set and rows of it removed, by hand.

    Attributes
    ----------
    add : tuple of (float, float)
        Added points, in the order they were added, at :data:`DIGITS` significant digits.
    drop : tuple of int
        Indices of the original data's removed rows, sorted and distinct.
    """

    add: tuple[tuple[float, float], ...] = ()
    drop: tuple[int, ...] = ()

    @classmethod
    def of(cls, add: object = (), drop: Iterable[int] = ()) -> PointEdits:
        """Edits from any points and indices (rounded, sorted, checked)."""
        pts = _added(add)
        if len(pts) > MAX_ADDED:
            raise InputError(_("At most {max} points can be added by hand; got {n}.").format(
                max=f"{MAX_ADDED:,}", n=f"{len(pts):,}"))
        indices = sorted(_validate.count(i, N_("A removed point's index"), 0) for i in drop)
        if len(set(indices)) != len(indices):
            raise InputError(
                _("A removed point is named twice: name each removed point once."))
        return cls(tuple((_kept(x), _kept(y)) for x, y in pts), tuple(indices))

    def __bool__(self) -> bool:
        return bool(self.add or self.drop)

    def apply(self, X: object) -> np.ndarray:
        """The edited data (see :func:`edited_points`)."""
        return edited_points(X, self.add, self.drop)

    def n_samples(self, n_original: int) -> int:
        """How many points the edited data have."""
        return n_original - len(self.drop) + len(self.add)

    def with_point(self, x: float, y: float) -> PointEdits:
        """These edits and the point (x, y) added after the others."""
        if len(self.add) >= MAX_ADDED:
            raise InputError(_("At most {max} points can be added by hand: remove "
                               "some first.").format(max=f"{MAX_ADDED:,}"))
        return PointEdits.of((*self.add, (x, y)), self.drop)

    def without(self, index: int, n_original: int) -> PointEdits:
        """These edits and point ``index`` of the edited data removed.

        The edited data list the kept original rows first, in order, then the added points:
        an index among the first names an original row (it joins ``drop``); one among the
        others removes that added point from ``add``.
        """
        kept = np.delete(np.arange(n_original), list(self.drop))
        index = _validate.count(index, N_("The point's index"), 0,
                                self.n_samples(n_original) - 1)
        if self.n_samples(n_original) == 1:
            raise InputError(_("The last point cannot be removed: add another one first."))
        if index < len(kept):
            return PointEdits(self.add, tuple(sorted((*self.drop, int(kept[index])))))
        j = index - len(kept)
        return PointEdits(self.add[:j] + self.add[j + 1:], self.drop)

    def within(self, n_original: int) -> tuple[PointEdits, list[int]]:
        """These edits without the removed indices that data of ``n_original`` points do not
        have, and those indices."""
        beyond = [i for i in self.drop if i >= n_original]
        return PointEdits(self.add, tuple(i for i in self.drop if i < n_original)), beyond

    def describe(self) -> str:
        """E.g. "2 points added and 1 removed by hand" ("" without edits)."""
        added, removed = f"{len(self.add):,}", f"{len(self.drop):,}"
        many_added, many_removed = len(self.add) > 1, len(self.drop) > 1
        if self.add and self.drop:
            return (_("{added} points added and {removed} removed by hand") if many_added else
                    _("{added} point added and {removed} removed by hand")).format(
                added=added, removed=removed)
        if self.add:
            return (_("{added} points added by hand") if many_added else
                    _("{added} point added by hand")).format(added=added)
        if self.drop:
            return (_("{removed} points removed by hand") if many_removed else
                    _("{removed} point removed by hand")).format(removed=removed)
        return ""


def _kept(v: float) -> float:
    """``v`` at :data:`DIGITS` significant digits, as a link writes it."""
    return float(f"{float(v):.{DIGITS}g}")


# ----------------------------------------------------------------------------- as text
def encode_points(points: Sequence[Sequence[float]]) -> str:
    """``"x1,y1;x2,y2"`` at :data:`DIGITS` significant digits."""
    return ";".join(f"{x:.{DIGITS}g},{y:.{DIGITS}g}" for x, y in points)


def decode_points(text: str, max_points: int = MAX_ADDED) -> tuple[np.ndarray, list[str]]:
    """The points of ``"x1,y1;x2,y2"`` that are two finite numbers, and what was left out.

    Parameters
    ----------
    text : str
        Points separated by ";", each two numbers separated by "," (spaces around them are
        allowed; an empty item, e.g. after a last ";", is skipped).
    max_points : int
        Only the first ``max_points`` points are read.

    Returns
    -------
    points : ndarray of shape (n_points, 2)
    problems : list of str
        One phrase per kind of item left out, e.g. "2 of the 5 points are not two finite
        numbers x,y (the first: 'nan,1')".
    """
    items = [s.strip() for s in text.split(";")]
    items = [s for s in items if s]
    problems = []
    if len(items) > max_points:
        problems.append(_("it holds {n} points and only the first {max} are used").format(
            n=f"{len(items):,}", max=f"{max_points:,}"))
        items = items[:max_points]
    points, bad = [], []
    for item in items:
        pair = [s.strip() for s in item.split(",")]
        if len(pair) == 2 and all(_NUMBER.fullmatch(s) for s in pair):
            x, y = float(pair[0]), float(pair[1])
            if math.isfinite(x) and math.isfinite(y):
                points.append((_kept(x), _kept(y)))
                continue
        bad.append(item)
    if bad:
        problems.append(_left_out(bad, len(items), _POINT_LEFT_OUT))
    return np.array(points, dtype=float).reshape(-1, 2), problems


def encode_indices(indices: Iterable[int]) -> str:
    """``"i,j,k"``."""
    return ",".join(str(int(i)) for i in indices)


def decode_indices(text: str, max_count: int = MAX_DROPPED) -> tuple[tuple[int, ...], list[str]]:
    """The distinct whole numbers of ``"i,j,k"``, sorted, and what was left out.

    Parameters
    ----------
    text : str
        Whole numbers of 0 or more separated by "," (empty items are skipped).
    max_count : int
        At most this many are kept (the smallest).

    Returns
    -------
    indices : tuple of int
    problems : list of str
        One phrase per kind of item left out (not a whole number, named twice, too many).
    """
    items = [s.strip() for s in text.split(",")]
    items = [s for s in items if s]
    good = [int(s) for s in items if _INDEX.fullmatch(s)]
    bad = [s for s in items if not _INDEX.fullmatch(s)]
    problems = []
    if bad:
        problems.append(_left_out(bad, len(items), _VALUE_LEFT_OUT))
    distinct = sorted(set(good))
    if len(distinct) < len(good):
        repeated = len(good) - len(distinct)
        problems.append((_("{n} repeated numbers were used once") if repeated > 1 else
                         _("{n} repeated number was used once")).format(n=f"{repeated:,}"))
    if len(distinct) > max_count:
        problems.append(_("at most {max} points can be removed by a link; the first "
                          "{max} are used").format(max=f"{max_count:,}"))
        distinct = distinct[:max_count]
    return tuple(distinct), problems


# The sentences of items left out: one item in all, one of several, several.
_POINT_LEFT_OUT = (
    N_("the point {item!r} is not two finite numbers x,y"),
    N_("1 of the {total} points, {item!r}, is not two finite numbers x,y"),
    N_("{n} of the {total} points are not two finite numbers x,y, e.g. {item!r}"),
)
_VALUE_LEFT_OUT = (
    N_("the value {item!r} is not a point's number (a whole number of 0 or more)"),
    N_("1 of the {total} values, {item!r}, is not a point's number (a whole number of 0 or "
       "more)"),
    N_("{n} of the {total} values are not a point's number (a whole number of 0 or more), "
       "e.g. {item!r}"),
)


def _left_out(bad: list[str], total: int, sentences: tuple[str, str, str]) -> str:
    """E.g. "2 of the 5 points are not two finite numbers x,y, e.g. 'nan,1'"."""
    one, one_of, several = sentences
    template = one if total == 1 else one_of if len(bad) == 1 else several
    return _(template).format(item=_short(bad[0]), total=f"{total:,}", n=f"{len(bad):,}")


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ----------------------------------------------------------------------------- a start by hand
def covariance_from_axes(major: float, minor: float, angle: float) -> np.ndarray:
    """Sigma whose 1-sigma ellipse has the semi-axes ``major`` and ``minor``, the first at
    ``angle`` degrees from the x0 axis: Sigma = R diag(major^2, minor^2) R^T.

    The inverse of :func:`gmmviz.gaussian.ellipse_axes` (``major`` may be the shorter one).

    Returns
    -------
    ndarray of shape (2, 2)

    Raises
    ------
    InputError
        If a semi-axis is not a finite number above 0, or the angle is not finite.
    """
    a = _validate.positive(major, N_("The ellipse's first semi-axis"))
    b = _validate.positive(minor, N_("The ellipse's second semi-axis"))
    t = float(angle)
    if not math.isfinite(t):
        raise InputError(_(
            "The ellipse's angle must be a finite number of degrees; got {angle!r}.").format(
            angle=angle))
    c, s = math.cos(math.radians(t)), math.sin(math.radians(t))
    rot = np.array([[c, -s], [s, c]])  # R: its columns are the axes' directions
    return rot @ np.diag([a * a, b * b]) @ rot.T


def moved_start(weights: object, means: object, covariances: object, component: int,
                mean: Sequence[float], axes: Sequence[float] | None = None,
                ) -> list[dict[str, float]]:
    """The rows of a manual start: ``weights``, ``means`` and ``covariances`` with one
    component's mean (and, given its 1-sigma ellipse's ``axes``, its Sigma) moved.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, 2)
    covariances : array-like of shape (n_components, 2, 2)
    component : int
        Which component moved (0-based).
    mean : (float, float)
        Its new mean.
    axes : (major, minor, angle in degrees), optional
        Its new 1-sigma ellipse (see :func:`covariance_from_axes`); by default Sigma stays.

    Returns
    -------
    list of dict
        One row per component with the keys of :data:`gmmviz.manual.COLUMNS`, for
        :func:`gmmviz.manual.manual_start` and :func:`gmmviz.manual.encode_rows`.
    """
    w = np.asarray(weights, dtype=float).copy()
    mu = np.asarray(means, dtype=float).copy()
    cov = np.asarray(covariances, dtype=float).copy()
    k = _validate.count(component, N_("The component"), 0, len(w) - 1)
    m = np.asarray(mean, dtype=float).reshape(-1)
    if m.shape != (2,) or not np.all(np.isfinite(m)):
        raise InputError(_("The moved mean must be two finite numbers."))
    mu[k] = m
    if axes is not None:
        cov[k] = covariance_from_axes(*axes)
    return [{"pi": float(w[j]), "mu_x": float(mu[j, 0]), "mu_y": float(mu[j, 1]),
             "s_xx": float(cov[j, 0, 0]), "s_xy": float(cov[j, 0, 1]),
             "s_yy": float(cov[j, 1, 1])} for j in range(len(w))]
