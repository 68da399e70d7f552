"""Starting values that a user types in: one row of pi, mu and Sigma per component.

A row is a mapping with the keys of :data:`COLUMNS`: the weight ``pi``, the mean ``(mu_x, mu_y)``
and the covariance ``[[s_xx, s_xy], [s_xy, s_yy]]``. :func:`manual_start` checks the rows and
turns them into the ``weights_init``, ``means_init`` and ``covariances_init`` of
:func:`gmmviz.fit_gmm`; :func:`default_rows` proposes rows for a data set; :func:`encode_rows`
and :func:`decode_rows` write rows as a flat list of numbers (for a URL).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from gmmviz import _validate
from gmmviz._errors import InputError
from gmmviz.i18n import _

__all__ = ["COLUMNS", "decode_rows", "default_rows", "encode_rows", "manual_start"]

#: The columns of a row, in table order.
COLUMNS = ("pi", "mu_x", "mu_y", "s_xx", "s_xy", "s_yy")


def manual_start(
    rows: Iterable[Mapping[str, object]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Starting values for EM from one row per component.

    Parameters
    ----------
    rows : iterable of mappings with the keys "pi", "mu_x", "mu_y", "s_xx", "s_xy", "s_yy"
        A pandas DataFrame's ``to_dict("records")`` works.

    Returns
    -------
    weights : ndarray of shape (K,)
        The weights divided by their sum, so that they sum to 1.
    means : ndarray of shape (K, 2)
    covariances : ndarray of shape (K, 2, 2)
    notices : list of str
        Sentences about what was changed (the weights' renormalisation), for the user.

    Raises
    ------
    InputError
        If there is no row, a cell is empty or not a number, a weight is negative or every
        weight is 0, or a Sigma is not positive definite.
    """
    table = _as_table(rows)
    k = table.shape[0]
    pi = table[:, 0]
    if np.any(pi < 0):
        j = int(np.flatnonzero(pi < 0)[0]) + 1
        raise InputError(
            _("The weight pi of component {j} is negative: make it above 0.").format(j=j))
    if np.any(pi == 0):
        j = int(np.flatnonzero(pi == 0)[0]) + 1
        raise InputError(_(
            "The weight pi of component {j} is 0: a component of weight 0 never learns; "
            "give it a weight above 0 or lower k."
        ).format(j=j))
    notices = []
    total = float(pi.sum())
    weights = pi / total  # pi_k / sum_j pi_j
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-5):
        shown = ", ".join(f"{w:.3g}" for w in weights)
        notices.append(_(
            "The weights pi summed to {total}, not 1, so each was divided by {total}: "
            "EM starts from pi = ({shown})."
        ).format(total=f"{total:.4g}", shown=shown))
    means = table[:, 1:3].copy()
    covariances = np.empty((k, 2, 2))
    for j, (sxx, sxy, syy) in enumerate(table[:, 3:6]):
        # positive definite 2 x 2: s_xx > 0 and det = s_xx s_yy - s_xy^2 > 0
        if not (sxx > 0 and syy > 0 and sxx * syy - sxy * sxy > 0):
            raise InputError(_(
                "Sigma of component {j} is not positive definite: s_xx and s_yy must be "
                "above 0 and s_xx * s_yy must exceed s_xy^2 (here {sxx} * {syy} = "
                "{product} vs {sxy_sq}). Make the variances larger or |s_xy| "
                "smaller."
            ).format(j=j + 1, sxx=f"{sxx:.4g}", syy=f"{syy:.4g}", product=f"{sxx * syy:.4g}",
                     sxy_sq=f"{sxy * sxy:.4g}"))
        covariances[j] = [[sxx, sxy], [sxy, syy]]
    return weights, means, covariances, notices


def default_rows(X: object, n_components: int) -> list[dict[str, float]]:
    """Rows that start every component with the same weight and the data's covariance.

    The means are spread evenly along the data's main axis, over about 1.5 standard
    deviations each side of the data's mean.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    n_components : int

    Returns
    -------
    rows : list of dict
        One row per component, with the keys of :data:`COLUMNS`.
    """
    X = _validate.points(X)
    k = _validate.count(n_components, "k", 1)
    center = X.mean(axis=0)
    cov = np.cov(X, rowvar=False, bias=True) if X.shape[0] > 1 else np.zeros((2, 2))
    scale = float(np.sqrt(max(np.trace(cov), 1e-12) / 2))
    cov = cov + 1e-6 * scale**2 * np.eye(2)  # keeps a degenerate data set's Sigma invertible
    eigval, eigvec = np.linalg.eigh(cov)
    axis = eigvec[:, -1] * np.sqrt(eigval[-1])  # one standard deviation along the main axis
    t = np.linspace(-1.5, 1.5, k) if k > 1 else np.zeros(1)
    digits = _digits(scale)
    sxx, sxy, syy = (_round(v, digits) for v in (cov[0, 0], cov[0, 1], cov[1, 1]))
    if not (sxx > 0 and syy > 0 and sxx * syy - sxy * sxy > 0):
        sxx, sxy, syy = float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 1])
    rows = []
    for tj in t:
        mu = center + tj * axis
        rows.append({
            "pi": 1.0 / k,
            "mu_x": _round(mu[0], digits),
            "mu_y": _round(mu[1], digits),
            "s_xx": sxx,
            "s_xy": sxy,
            "s_yy": syy,
        })
    return rows


def encode_rows(rows: Iterable[Mapping[str, object]]) -> list[str]:
    """The rows as a flat list of short number strings, row after row, in :data:`COLUMNS` order."""
    table = _as_table(rows)
    return [f"{v:.6g}" for v in table.ravel()]


def decode_rows(items: Sequence[str], n_components: int) -> list[dict[str, float]]:
    """Rows from the flat list that :func:`encode_rows` writes.

    Raises
    ------
    InputError
        If there are not ``6 * n_components`` numbers, or one is not a finite number.
    """
    want = len(COLUMNS) * n_components
    if len(items) != want:
        raise InputError(_(
            "The manual start needs {want} numbers for k = {k} (pi, mu_x, mu_y, "
            "s_xx, s_xy, s_yy per component); got {n}."
        ).format(want=want, k=n_components, n=len(items)))
    try:
        values = [float(s) for s in items]
    except ValueError:
        raise InputError(_("The manual start must contain numbers only.")) from None
    if not all(math.isfinite(v) for v in values):
        raise InputError(_("The manual start must contain finite numbers only."))
    n = len(COLUMNS)
    return [dict(zip(COLUMNS, values[i:i + n], strict=True)) for i in range(0, want, n)]


def _as_table(rows: Iterable[Mapping[str, object]]) -> np.ndarray:
    """The rows as a float array of shape (K, 6); InputError for a missing or bad cell."""
    rows = list(rows)
    if not rows:
        raise InputError(_("The manual start has no row: add one row per component."))
    table = np.empty((len(rows), len(COLUMNS)))
    for j, row in enumerate(rows):
        for c, name in enumerate(COLUMNS):
            value = row.get(name)
            try:
                v = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                v = math.nan
            if not math.isfinite(v):
                raise InputError(_(
                    "Row {row} of the manual start has no number in column {name}: "
                    "fill in every cell with a number."
                ).format(row=j + 1, name=name))
            table[j, c] = v
    return table


def _digits(scale: float) -> int:
    """Decimals that keep about three significant digits at the data's scale."""
    return max(2, 2 - int(math.floor(math.log10(scale)))) if scale > 0 else 3


def _round(value: float, digits: int) -> float:
    return float(round(float(value), digits))
