"""Checks of what a user hands in; every failure is an InputError that says what to change."""

from __future__ import annotations

import numbers

import numpy as np

from gmmviz._errors import InputError
from gmmviz.i18n import N_, _


def points(X: object) -> np.ndarray:
    """Return X as a float64 array of shape (n_samples, 2) with finite values."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(_(
            "The data must be numbers in two columns (x and y); some values are not numbers."
        )) from exc
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InputError(_(
            "The data must have exactly two columns (x and y), one row per point; got shape "
            "{shape}."
        ).format(shape=arr.shape))
    if arr.shape[0] == 0:
        raise InputError(_("The data set is empty: give at least one point."))
    if not np.all(np.isfinite(arr)):
        raise InputError(_(
            "The data contain missing or infinite values: remove those rows and try again."
        ))
    return np.ascontiguousarray(arr)


def count(value: object, name: str, low: int, high: int | None = None) -> int:
    """An integer in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise InputError(_("{name} must be a whole number; got {value!r}.").format(
                name=_(name), value=value))
    value = int(value)
    if value < low or (high is not None and value > high):
        if high is None:
            raise InputError(_("{name} must be at least {low}; got {value}.").format(
                name=_(name), low=low, value=value))
        raise InputError(_("{name} must be between {low} and {high}; got {value}.").format(
            name=_(name), low=low, high=high, value=value))
    return value


def non_negative(value: object, name: str) -> float:
    """A finite float >= 0."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(_("{name} must be a number of 0 or more; got {value!r}.").format(
            name=_(name), value=value)) from exc
    if not np.isfinite(v) or v < 0:
        raise InputError(_("{name} must be a finite number of 0 or more; got {value!r}.").format(
            name=_(name), value=value))
    return v


def positive(value: object, name: str) -> float:
    """A finite float > 0."""
    v = non_negative(value, name)
    if not v > 0:
        raise InputError(_("{name} must be above 0; got {value!r}.").format(
            name=_(name), value=value))
    return v


def choice(value: object, allowed: tuple[str, ...] | list[str], what: str,
           shown: tuple[str, ...] | list[str] | None = None) -> str:
    """One of ``allowed``; the message lists ``shown`` (default: ``allowed``)."""
    if not isinstance(value, str) or value not in allowed:
        names = ", ".join(allowed if shown is None else shown)
        raise InputError(_("Unknown {what} {value!r}: choose one of {names}.").format(
            what=_(what), value=value, names=names))
    return value


def covariance_type(value: object) -> str:
    """One of scikit-learn's covariance types."""
    from gmmviz.em import COVARIANCE_TYPES

    return choice(value, COVARIANCE_TYPES, N_("covariance type"))


#: The most iterations a fit may run.
MAX_ITER = 100_000
#: numpy's RandomState takes seeds below this.
SEED_LIMIT = 2**32


def random_state(value: object, n_seeds: int = 1) -> int | np.random.RandomState | None:
    """None, a RandomState, or a whole number that leaves room for ``n_seeds`` seeds after it."""
    if value is None or isinstance(value, np.random.RandomState):
        return value
    top = SEED_LIMIT - n_seeds
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and float(value).is_integer())
    if isinstance(value, bool) or not whole:
        raise InputError(_(
            "random_state must be a whole number from 0 to {top}, or None for a fresh random "
            "start; got {value!r}."
        ).format(top=top, value=value))
    if not 0 <= int(value) <= top:
        if n_seeds == 1:
            raise InputError(_(
                "random_state must be from 0 to {top}; got {value}. Choose a seed in "
                "that range, or None for a fresh random start."
            ).format(top=top, value=int(value)))
        raise InputError(_(
            "random_state must be from 0 to {top} (restart i uses random_state + i, {n_seeds} "
            "restarts); got {value}. Choose a seed in that range, or None for a fresh random "
            "start."
        ).format(top=top, n_seeds=n_seeds, value=int(value)))
    return int(value)


def n_distinct(X: np.ndarray) -> int:
    """Number of distinct rows of X."""
    return int(np.unique(X, axis=0).shape[0])


def has_distinct(X: np.ndarray, k: int) -> bool:
    """True when X has at least k distinct rows (a small head of X usually decides it)."""
    head = X[: max(4 * k, 4096)]
    return n_distinct(head) >= k or (head.shape[0] < X.shape[0] and n_distinct(X) >= k)


def component_count(X: np.ndarray, n_components: object, name: str = "k") -> int:
    """k between 1 and the number of distinct points."""
    k = count(n_components, name, 1)
    if k > X.shape[0] or not has_distinct(X, k):
        distinct = n_distinct(X)
        raise InputError(_(
            "{name} = {k} is more than the {distinct} distinct point(s) in the data: "
            "choose {name} of at most {distinct}, or add more data."
        ).format(name=_(name), k=k, distinct=distinct))
    return k


def weights(w: object, k: int) -> np.ndarray:
    """Mixing weights: k non-negative numbers that sum to 1."""
    arr = _shaped(w, (k,), "weights_init", N_("one weight per component"))
    if np.any(arr < 0):
        raise InputError(_("The weights pi must not be negative."))
    total = float(arr.sum())
    if abs(total - 1.0) > 1e-6:
        raise InputError(_(
            "The weights pi must sum to 1; they sum to {total}. Divide each by their sum."
        ).format(total=f"{total:.6g}"))
    if np.any(arr == 0):
        raise InputError(_(
            "Every weight pi must be above 0: a component of weight 0 never learns."))
    return arr


def means(m: object, k: int) -> np.ndarray:
    """Component means of shape (k, 2)."""
    return _shaped(m, (k, 2), "means_init", N_("one (x, y) row per component"))


def covariances(c: object, k: int) -> np.ndarray:
    """Covariances of shape (k, 2, 2) (a single (2, 2) matrix is used for every component)."""
    try:
        arr = np.asarray(c, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(_("covariances_init must contain numbers only.")) from exc
    if arr.shape == (2, 2):
        arr = np.broadcast_to(arr, (k, 2, 2)).copy()
    arr = _shaped(arr, (k, 2, 2), "covariances_init", N_("one 2 x 2 matrix per component"))
    for j, s in enumerate(arr, start=1):
        if abs(s[0, 1] - s[1, 0]) > 1e-9 * max(1.0, float(np.abs(s).max())):
            raise InputError(_(
                "The covariance of component {j} must be symmetric (s01 = s10).").format(j=j))
        # det of s / max|s_ij|: the sign test holds from 1e-300 to 1e+300 without under/overflow
        u = s / max(float(np.abs(s).max()), np.finfo(float).tiny)
        d = u[0, 0] * u[1, 1] - u[0, 1] * u[1, 0]
        if not (s[0, 0] > 0 and d > 0):
            raise InputError(_(
                "The covariance of component {j} is not positive definite: both variances must "
                "be above 0 and s00 * s11 must exceed s01^2 (here {s00} * {s11} vs {s01_sq})."
            ).format(j=j, s00=f"{s[0, 0]:.4g}", s11=f"{s[1, 1]:.4g}", s01_sq=f"{s[0, 1] ** 2:.4g}"))
    return arr


def _shaped(value: object, shape: tuple[int, ...], name: str, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(_("{name} must contain numbers only.").format(name=name)) from exc
    if arr.shape != shape:
        raise InputError(_("{name} must have shape {shape} ({what}); got {got}.").format(
            name=name, shape=shape, what=_(what), got=arr.shape))
    if not np.all(np.isfinite(arr)):
        raise InputError(_("{name} must contain finite numbers only.").format(name=name))
    return arr
