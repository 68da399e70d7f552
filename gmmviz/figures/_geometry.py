"""Contours of 2-D Gaussians, stems of a 1-D plot, and axis ranges that hold a whole run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def ellipse_xy(mean: np.ndarray, cov: np.ndarray, n_std: float,
               n_points: int = 72) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_std`` Mahalanobis contour of N(mean, cov), as a closed curve.

    Points satisfy ``(x - mean)^T cov^{-1} (x - mean) = n_std^2``. With ``cov = V diag(l) V^T``
    (eigen-decomposition), ``x(t) = mean + n_std V diag(sqrt(l)) [cos t, sin t]^T``.

    Parameters
    ----------
    mean : array-like of shape (2,)
    cov : array-like of shape (2, 2)
        Symmetric positive semi-definite; negative eigenvalues from round-off count as 0.
    n_std : float
        Radius in standard deviations (Mahalanobis distance).
    n_points : int, default 72
        Distinct points on the curve; the first is repeated at the end.

    Returns
    -------
    xs, ys : ndarray of shape (n_points + 1,)
    """
    mean = np.asarray(mean, dtype=float).reshape(2)
    cov = np.asarray(cov, dtype=float).reshape(2, 2)
    cov = 0.5 * (cov + cov.T)
    vals, vecs = np.linalg.eigh(cov)
    radii = n_std * np.sqrt(np.clip(vals, 0.0, None))  # semi-axes along the eigenvectors
    t = np.linspace(0.0, 2.0 * np.pi, int(n_points) + 1)
    t[-1] = 0.0  # close the curve exactly
    circle = np.stack([np.cos(t), np.sin(t)])  # (2, n_points + 1)
    pts = mean[:, None] + (vecs * radii) @ circle
    return pts[0], pts[1]


def ellipses_path(means: np.ndarray, covs: np.ndarray, levels: Iterable[float],
                  n_points: int = 72) -> tuple[np.ndarray, np.ndarray]:
    """All ``levels``-sigma contours of all components, joined by NaN breaks.

    Plotly breaks a line at NaN (``connectgaps=False``), so one trace draws every ellipse.

    Parameters
    ----------
    means : array-like of shape (n_components, 2)
    covs : array-like of shape (n_components, 2, 2)
    levels : iterable of float
        Radii in standard deviations, e.g. ``(1, 2)``.
    n_points : int, default 72

    Returns
    -------
    xs, ys : ndarray of shape (n_components * n_levels * (n_points + 2) - 1,)
        Ellipses in the order component-major, level-minor, separated by one NaN each.
    """
    means = np.asarray(means, dtype=float).reshape(-1, 2)
    covs = np.asarray(covs, dtype=float).reshape(-1, 2, 2)
    levels = list(levels)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gap = np.array([np.nan])
    for mean, cov in zip(means, covs, strict=True):
        for n_std in levels:
            x, y = ellipse_xy(mean, cov, n_std, n_points)
            if xs:
                xs.append(gap)
                ys.append(gap)
            xs.append(x)
            ys.append(y)
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)


def stems_path(x: np.ndarray, heights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertical stems from ``(x_i, 0)`` up to ``(x_i, heights_i)``, joined by NaN breaks.

    Parameters
    ----------
    x, heights : array-like of shape (n,)

    Returns
    -------
    xs, ys : ndarray of shape (3 n,)
        Each stem's foot, top and a NaN.
    """
    heights = np.asarray(heights, dtype=float)
    xs = np.repeat(np.asarray(x, dtype=float), 3)
    xs[2::3] = np.nan
    ys = np.column_stack([np.zeros_like(heights), heights, np.full_like(heights, np.nan)])
    return xs, ys.ravel()


def ellipse_bounds(mean: np.ndarray, cov: np.ndarray, n_std: float) -> np.ndarray:
    """Bounding box ``[x0, x1, y0, y1]`` of the ``n_std`` ellipse.

    The contour's extent along axis i is ``mean_i +- n_std sqrt(cov_ii)`` exactly.
    """
    mean = np.asarray(mean, dtype=float).reshape(2)
    half = n_std * np.sqrt(np.clip(np.diagonal(np.asarray(cov, dtype=float).reshape(2, 2)),
                                   0.0, None))
    return np.array([mean[0] - half[0], mean[0] + half[0], mean[1] - half[1], mean[1] + half[1]])


def axis_range(X: np.ndarray, means_list: Sequence[np.ndarray],
               covs_list: Sequence[np.ndarray], levels: Iterable[float], pad: float = 0.05,
               max_spans: float = 1.5,
               aspect: float | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed x and y ranges covering the data and every ellipse of a whole run.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    means_list : sequence of arrays of shape (n_components, 2)
        One entry per recorded step.
    covs_list : sequence of arrays of shape (n_components, 2, 2)
    levels : iterable of float
        Ellipse radii in standard deviations; the largest one counts.
    pad : float, default 0.05
        Margin on every side as a fraction of the larger span.
    max_spans : float, default 1.5
        Ellipses are followed at most this many data spans beyond the data's bounding box,
        so the huge ellipse of a component that swallowed everything (or a start with a
        wild covariance) does not shrink the data to a dot.
    aspect : float, optional
        Width / height of the plot area in pixels. When given, the shorter range is widened
        about its centre so that one unit has the same length on both axes; when None the
        ranges only cover the content and equal scales are left to ``yaxis.scaleanchor``.

    Returns
    -------
    (x0, x1), (y0, y1) : tuple of tuple of float
    """
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    X = X[np.isfinite(X).all(axis=1)]
    data = (np.array([X[:, 0].min(), X[:, 0].max(), X[:, 1].min(), X[:, 1].max()]) if len(X)
            else None)
    levels = list(levels)
    boxes = _ellipse_boxes(means_list, covs_list, max(levels) if levels else 0.0)
    boxes = boxes if data is None else [data, *boxes]
    if not boxes:
        return (-1.0, 1.0), (-1.0, 1.0)
    boxes_arr = np.array(boxes)
    lo = boxes_arr[:, [0, 2]].min(axis=0)
    hi = boxes_arr[:, [1, 3]].max(axis=0)
    if data is not None:
        span = max(data[1] - data[0], data[3] - data[2])
        span = span if span > 0 else max(1.0, float(np.abs(data).max()))
        limit = max_spans * span
        lo = np.maximum(lo, data[[0, 2]] - limit)
        hi = np.minimum(hi, data[[1, 3]] + limit)
    lo, hi = _padded(lo, hi, pad)
    if aspect is not None and aspect > 0:
        lo, hi = _equal_units(lo, hi, aspect)
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def _ellipse_boxes(means_list: Sequence[np.ndarray], covs_list: Sequence[np.ndarray],
                   n_std: float) -> list[np.ndarray]:
    """Bounding boxes of every finite ``n_std`` ellipse of every step."""
    boxes = []
    for means, covs in zip(means_list, covs_list, strict=True):
        means = np.asarray(means, dtype=float).reshape(-1, 2)
        covs = np.asarray(covs, dtype=float).reshape(-1, 2, 2)
        for mean, cov in zip(means, covs, strict=True):
            box = ellipse_bounds(mean, cov, n_std)
            if np.isfinite(box).all():
                boxes.append(box)
    return boxes


def _padded(lo: np.ndarray, hi: np.ndarray, pad: float) -> tuple[np.ndarray, np.ndarray]:
    """Ranges widened by ``pad`` times the larger span on every side; a flat direction (all
    points on a line) still gets some height."""
    spans = hi - lo
    big = float(spans.max())
    if big <= 0:
        big = 1.0
    for i in range(2):
        if spans[i] < 1e-3 * big:
            mid = 0.5 * (lo[i] + hi[i])
            lo[i], hi[i] = mid - 0.05 * big, mid + 0.05 * big
    return lo - pad * big, hi + pad * big


def _equal_units(lo: np.ndarray, hi: np.ndarray,
                 aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """The shorter range widened about its centre so that width / height == ``aspect``."""
    width, height = hi[0] - lo[0], hi[1] - lo[1]
    if width / height < aspect:  # widen x
        grow = 0.5 * (aspect * height - width)
        lo[0], hi[0] = lo[0] - grow, hi[0] + grow
    else:  # heighten y
        grow = 0.5 * (width / aspect - height)
        lo[1], hi[1] = lo[1] - grow, hi[1] + grow
    return lo, hi
