"""Two-dimensional example data sets: generated ones and three real ones.

Every function returns a tuple ``(X, y)``: ``X`` is a float64 array of shape
(n_samples, 2) with the points and ``y`` an int64 array of shape (n_samples,)
with the true component of each point, as in
:func:`sklearn.datasets.make_blobs`. Outliers are labelled -1.

The generators never touch NumPy's global random state: pass an int as
``random_state`` to get reproducible data, or None for fresh randomness.

The real data sets (:data:`REAL_DATASETS`: Old Faithful, iris, the Palmer
penguins) are read offline, from the files in ``gmmviz/data`` (their sources
are named in its README) and from scikit-learn's :func:`~sklearn.datasets.load_iris`.
:func:`load_real` picks two of their columns, leaves out rows without a value
in either, and keeps the true classes beside the points as a :class:`RealData`:
they are for comparing a fit with (e.g. :func:`gmmviz.outcomes.adjusted_rand_index`),
never for fitting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as _skd
from sklearn.utils import check_random_state

from gmmviz._errors import InputError
from gmmviz.i18n import N_, _

__all__ = [
    "DATASETS",
    "DEFAULT_FEATURES",
    "MAX_SAMPLES",
    "REAL_DATASETS",
    "REAL_FEATURES",
    "TEXTBOOK_CUMULATIVE_PI",
    "TEXTBOOK_MEANS",
    "TEXTBOOK_STDS",
    "RealData",
    "anisotropic",
    "blobs",
    "circles",
    "faithful",
    "iris",
    "load_real",
    "make",
    "moons",
    "noise",
    "outliers",
    "penguins",
    "textbook",
    "unequal",
    "varied",
]

#: Largest ``n_samples`` accepted by :func:`make`.
MAX_SAMPLES = 1_000_000

#: Component means of the textbook data set, shape (3, 2).
TEXTBOOK_MEANS = np.array([[-0.5, -0.5], [0.5, 1.0], [1.0, -0.5]])
#: Per-axis standard deviations of the textbook components, shape (3, 2).
TEXTBOOK_STDS = np.array([[0.7, 0.7], [0.8, 0.3], [0.3, 0.8]])
#: Cumulative mixing weights of the textbook components, shape (3,);
#: the weights themselves are 0.4, 0.4 and 0.2.
TEXTBOOK_CUMULATIVE_PI = np.array([0.4, 0.8, 1.0])

_TEXTBOOK_N_SAMPLES = 100

# Linear map that shears the blobs in `anisotropic`, from scikit-learn's
# "Demonstration of k-means assumptions" example.
_ANISOTROPIC_MAP = np.array([[0.60834549, -0.63667341], [-0.40887718, 0.85253229]])
# Shares of the three blobs in `unequal`.
_UNEQUAL_SHARES = np.array([0.80, 0.16, 0.04])
# Half-width of the square that holds the points of `noise`.
_NOISE_HALF_WIDTH = 10.0
# Outliers lie in the square frame between these half-widths; blob centres lie
# in (-_OUTLIER_INNER + 6, _OUTLIER_INNER - 6) so the frame is well clear.
_OUTLIER_INNER, _OUTLIER_OUTER = 14.0, 20.0
_OUTLIER_FRACTION = 0.05


def _rng(random_state: int | None) -> np.random.RandomState:
    """A generator for ``random_state``; None gives a freshly seeded one.

    Unlike scikit-learn's convention, None does not use NumPy's global generator.
    """
    if random_state is None:
        return np.random.RandomState()
    return check_random_state(random_state)


def _as_xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``X`` as float64 (n_samples, 2) and ``y`` as int64 (n_samples,)."""
    return np.ascontiguousarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


def _split(n_samples: int, shares: np.ndarray) -> list[int]:
    """Split ``n_samples`` into integer counts proportional to ``shares``."""
    counts = np.floor(shares * n_samples).astype(int)
    # Hand the remainder to the largest shares first.
    for k in np.argsort(-shares)[: n_samples - counts.sum()]:
        counts[k] += 1
    return counts.tolist()


def textbook() -> tuple[np.ndarray, np.ndarray]:
    """The textbook three-component Gaussian mixture, 100 points.

    Point ``n`` picks its component ``k`` with ``rng.rand()`` and the
    cumulative weights :data:`TEXTBOOK_CUMULATIVE_PI`, then draws its x and
    y coordinates with ``rng.randn() * TEXTBOOK_STDS[k] + TEXTBOOK_MEANS[k]``,
    where ``rng = np.random.RandomState(1)``. This reproduces the classic
    ``np.random.seed(1)`` recipe without touching the global random state.

    Returns
    -------
    X : ndarray of shape (100, 2)
        The points.
    y : ndarray of shape (100,)
        The component of each point, 0, 1 or 2 (30, 44 and 26 points).
    """
    rng = np.random.RandomState(1)
    X = np.empty((_TEXTBOOK_N_SAMPLES, 2))
    y = np.empty(_TEXTBOOK_N_SAMPLES, dtype=np.int64)
    for n in range(_TEXTBOOK_N_SAMPLES):
        wk = rng.rand()
        k = int(np.argmax(wk < TEXTBOOK_CUMULATIVE_PI))
        y[n] = k
        # Scalar draws, x then y, keep the recipe's draw order.
        for axis in range(2):
            X[n, axis] = rng.randn() * TEXTBOOK_STDS[k, axis] + TEXTBOOK_MEANS[k, axis]
    return X, y


def blobs(
    n_samples: int = 500, n_centers: int = 3, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs with unit standard deviation.

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    n_centers : int, default=3
        Number of blobs; their centres are uniform in (-10, 10)^2.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Blob index of each point, 0 to n_centers - 1.
    """
    X, y = _skd.make_blobs(
        n_samples=n_samples, n_features=2, centers=n_centers, random_state=_rng(random_state)
    )
    return _as_xy(X, y)


def anisotropic(
    n_samples: int = 500, n_centers: int = 3, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs sheared by a fixed linear map into elongated ellipses.

    Same blobs as :func:`blobs`, each point multiplied by the matrix of
    scikit-learn's k-means assumptions example. K-means splits such
    clusters badly; a full-covariance mixture fits them.

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    n_centers : int, default=3
        Number of blobs.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
    """
    X, y = blobs(n_samples=n_samples, n_centers=n_centers, random_state=random_state)
    return _as_xy(X @ _ANISOTROPIC_MAP, y)


def varied(n_samples: int = 500, random_state: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs with standard deviations 1.0, 2.5 and 0.5.

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
    """
    X, y = _skd.make_blobs(
        n_samples=n_samples,
        n_features=2,
        centers=3,
        cluster_std=[1.0, 2.5, 0.5],
        random_state=_rng(random_state),
    )
    return _as_xy(X, y)


def unequal(n_samples: int = 500, random_state: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs holding 80 %, 16 % and 4 % of the points.

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Blob index of each point; blob 0 is the largest.
    """
    rng = _rng(random_state)
    centers = rng.uniform(-10.0, 10.0, size=(3, 2))
    X, y = _skd.make_blobs(
        n_samples=_split(n_samples, _UNEQUAL_SHARES),
        n_features=2,
        centers=centers,
        random_state=rng,
    )
    return _as_xy(X, y)


def moons(
    n_samples: int = 500, noise: float = 0.08, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (:func:`sklearn.datasets.make_moons`).

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    noise : float, default=0.08
        Standard deviation of the Gaussian noise added to the points.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Moon of each point, 0 or 1.
    """
    X, y = _skd.make_moons(n_samples=n_samples, noise=noise, random_state=_rng(random_state))
    return _as_xy(X, y)


def circles(
    n_samples: int = 500,
    noise: float = 0.05,
    factor: float = 0.5,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one (:func:`sklearn.datasets.make_circles`).

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to the points.
    factor : float, default=0.5
        Radius of the inner circle relative to the outer one (radius 1).
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        0 for the outer circle, 1 for the inner one.
    """
    X, y = _skd.make_circles(
        n_samples=n_samples, noise=noise, factor=factor, random_state=_rng(random_state)
    )
    return _as_xy(X, y)


def noise(n_samples: int = 500, random_state: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Uniform noise in the square (-10, 10)^2, without any cluster.

    Parameters
    ----------
    n_samples : int, default=500
        Number of points.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        All zeros.
    """
    rng = _rng(random_state)
    X = rng.uniform(-_NOISE_HALF_WIDTH, _NOISE_HALF_WIDTH, size=(n_samples, 2))
    return _as_xy(X, np.zeros(n_samples))


def outliers(
    n_samples: int = 500, n_centers: int = 3, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs plus about 5 % outliers far from them.

    The blob centres are uniform in (-8, 8)^2 with unit standard deviation;
    the outliers are uniform in the square frame between half-widths 14 and
    20 around the origin.

    Parameters
    ----------
    n_samples : int, default=500
        Number of points, outliers included.
    n_centers : int, default=3
        Number of blobs.
    random_state : int or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Blob index of each point, -1 for the outliers.
    """
    rng = _rng(random_state)
    n_outliers = int(round(_OUTLIER_FRACTION * n_samples))
    n_inliers = n_samples - n_outliers
    half = _OUTLIER_INNER - 6.0
    centers = rng.uniform(-half, half, size=(n_centers, 2))
    X_in, y_in = _skd.make_blobs(
        n_samples=_split(n_inliers, np.full(n_centers, 1.0 / n_centers)),
        n_features=2,
        centers=centers,
        random_state=rng,
    )
    # Rejection sampling from the square keeps the frame uniform.
    X_out = np.empty((0, 2))
    while len(X_out) < n_outliers:
        cand = rng.uniform(-_OUTLIER_OUTER, _OUTLIER_OUTER, size=(2 * n_outliers, 2))
        cand = cand[np.abs(cand).max(axis=1) >= _OUTLIER_INNER]
        X_out = np.vstack([X_out, cand])
    X = np.vstack([X_in, X_out[:n_outliers]])
    y = np.concatenate([y_in, np.full(n_outliers, -1)])
    order = rng.permutation(n_samples)
    return _as_xy(X[order], y[order])


# --------------------------------------------------------------------------- real data sets
_DATA_DIR = Path(__file__).with_name("data")
_IRIS_COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width")
_PENGUIN_COLUMNS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")

#: The real data sets, by the name :func:`load_real` takes.
REAL_DATASETS = ("faithful", "iris", "penguins")
#: The numeric columns of each real data set, any two of which can be the points.
REAL_FEATURES: dict[str, tuple[str, ...]] = {
    "faithful": ("eruptions", "waiting"),
    "iris": _IRIS_COLUMNS,
    "penguins": _PENGUIN_COLUMNS,
}
#: The two columns each real data set shows unless others are chosen.
DEFAULT_FEATURES: dict[str, tuple[str, str]] = {
    "faithful": ("eruptions", "waiting"),
    "iris": ("petal_length", "petal_width"),
    "penguins": ("bill_length_mm", "bill_depth_mm"),
}
_SOURCES = {
    "faithful": N_("Old Faithful geyser, Yellowstone: eruption duration and waiting time to the "
                   "next eruption, in minutes (R's datasets::faithful; Härdle 1991, Azzalini & "
                   "Bowman 1990)."),
    "iris": N_("Fisher's iris flowers: sepal and petal lengths and widths in cm, three species "
               "(scikit-learn's load_iris; Fisher 1936)."),
    "penguins": N_("Palmer penguins: bill and flipper sizes in mm and body mass in g, three "
                   "species (palmerpenguins, Horst, Hill & Gorman 2020; CC0)."),
}


@dataclass(frozen=True, eq=False)
class RealData:
    """Two columns of a real data set as points, with the true classes kept beside them.

    Attributes
    ----------
    name : {"faithful", "iris", "penguins"}
    X : ndarray of shape (n_samples, 2)
        The chosen columns, x then y, of the rows that have a value in both.
    features : tuple of str
        The names of the two columns of ``X``.
    labels : ndarray of shape (n_samples,) or None
        The true class of each row (an index into ``label_names``), for comparing a fit with;
        never given to a fit. None for Old Faithful, which has no classes.
    label_names : tuple of str
        The classes (species), empty without labels.
    n_dropped : int
        Rows left out because one of the two columns has no value there.
    source : str
        What the data are and where they come from.
    """

    name: str
    X: np.ndarray
    features: tuple[str, str]
    labels: np.ndarray | None
    label_names: tuple[str, ...]
    n_dropped: int
    source: str

    @property
    def dropped_note(self) -> str | None:
        """A sentence saying which rows were left out, or None when none were."""
        if not self.n_dropped:
            return None
        x, y = self.features
        total = self.n_dropped + self.X.shape[0]
        return _("{n} of the {total} rows have no {x} or no {y} and were left "
                 "out; {shown} are shown.").format(n=self.n_dropped, total=total, x=x, y=y,
                                                   shown=self.X.shape[0])


@cache
def _real_table(name: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A real data set's numeric columns (NaN where missing) and its class of each row
    (``"class"`` column, codes into the returned names)."""
    if name == "iris":
        bunch = _skd.load_iris()
        table = pd.DataFrame(bunch.data, columns=list(_IRIS_COLUMNS))
        table["class"] = bunch.target.astype(np.int64)
        return table, tuple(str(t) for t in bunch.target_names)
    raw = pd.read_csv(_DATA_DIR / f"{name}.csv", na_values=["NA"], keep_default_na=False)
    table = raw[list(REAL_FEATURES[name])].astype(np.float64)
    if name != "penguins":
        return table, ()
    species = pd.Categorical(raw["species"])
    table["class"] = species.codes.astype(np.int64)
    return table, tuple(str(c) for c in species.categories)


def load_real(name: str, features: Sequence[str] | None = None) -> RealData:
    """Two columns of a real data set, the rows without a value in either left out.

    Parameters
    ----------
    name : {"faithful", "iris", "penguins"}
        Old Faithful (272 eruptions), iris (150 flowers, 3 species) or the Palmer penguins
        (344 penguins, 3 species; 342 have both bill measurements).
    features : sequence of two str, optional
        The x and y columns, two different names of ``REAL_FEATURES[name]``; default
        ``DEFAULT_FEATURES[name]``.

    Returns
    -------
    RealData

    Raises
    ------
    InputError
        If ``name`` is not a real data set, or ``features`` are not two of its columns.
    """
    if not isinstance(name, str) or name not in REAL_DATASETS:
        raise InputError(_("Unknown real data set {name!r}; choose one of {names}.").format(
            name=name, names=", ".join(map(repr, REAL_DATASETS))))
    columns = REAL_FEATURES[name]
    chosen = DEFAULT_FEATURES[name] if features is None else tuple(features)
    if len(chosen) != 2 or chosen[0] == chosen[1] or any(c not in columns for c in chosen):
        raise InputError(_("Choose two different columns of {name} for x and y, from "
                           "{columns}; got {chosen}.").format(
            name=name, columns=", ".join(columns),
            chosen=", ".join(map(str, chosen)) or _("none")))
    table, label_names = _real_table(name)
    keep = table[list(chosen)].notna().all(axis=1).to_numpy()
    X = np.ascontiguousarray(table.loc[keep, list(chosen)].to_numpy(dtype=np.float64))
    labels = table.loc[keep, "class"].to_numpy(dtype=np.int64) if label_names else None
    return RealData(name, X, (chosen[0], chosen[1]), labels, label_names,
                    int((~keep).sum()), _(_SOURCES[name]))


def _as_pair(data: RealData) -> tuple[np.ndarray, np.ndarray]:
    labels = data.labels if data.labels is not None else np.zeros(len(data.X), np.int64)
    return data.X, labels


def faithful() -> tuple[np.ndarray, np.ndarray]:
    """Old Faithful: eruption duration (x) against waiting time (y), 272 eruptions.

    Returns
    -------
    X : ndarray of shape (272, 2)
        Minutes, in R's row order.
    y : ndarray of shape (272,)
        All zeros: the data set has no classes.
    """
    return _as_pair(load_real("faithful"))


def iris(features: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris: two of its four measurements (default petal length and width), in cm.

    Returns
    -------
    X : ndarray of shape (150, 2)
    y : ndarray of shape (150,)
        The species: 0 setosa, 1 versicolor, 2 virginica.
    """
    return _as_pair(load_real("iris", features))


def penguins(features: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The Palmer penguins: two of their four measurements (default bill length and depth).

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        342 penguins for the bill measurements (2 of the 344 have none).
    y : ndarray of shape (n_samples,)
        The species: 0 Adelie, 1 Chinstrap, 2 Gentoo.
    """
    return _as_pair(load_real("penguins", features))


DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "textbook": textbook,
    "blobs": blobs,
    "anisotropic": anisotropic,
    "varied": varied,
    "unequal": unequal,
    "moons": moons,
    "circles": circles,
    "noise": noise,
    "outliers": outliers,
}


def make(
    name: str, n_samples: int = 500, random_state: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Make the data set called ``name``.

    Parameters
    ----------
    name : str
        One of the keys of :data:`DATASETS`, or of :data:`REAL_DATASETS` (with
        their default columns; :func:`load_real` chooses others).
    n_samples : int, default=500
        Number of points, 1 to 1,000,000. Ignored by ``"textbook"``, which
        always has its 100 points, and by the real data sets.
    random_state : int or None, default=0
        Seed, 0 to 2**32 - 1; the same seed gives the same data. None gives
        fresh randomness. Ignored by ``"textbook"`` and the real data sets.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points, float64.
    y : ndarray of shape (n_samples,)
        The true component of each point, int64 (-1 for outliers).

    Raises
    ------
    InputError
        If ``name`` is unknown or ``n_samples`` or ``random_state`` is
        out of range.
    """
    valid = ", ".join(f'"{k}"' for k in (*DATASETS, *REAL_DATASETS))
    if not isinstance(name, str) or name not in (*DATASETS, *REAL_DATASETS):
        raise InputError(
            _("Unknown data set {name!r}; choose one of {names}.").format(name=name, names=valid))
    if name == "textbook":
        return textbook()
    if name in REAL_DATASETS:
        return _as_pair(load_real(name))
    if (
        isinstance(n_samples, bool)
        or not isinstance(n_samples, Integral)
        or not 1 <= n_samples <= MAX_SAMPLES
    ):
        raise InputError(_(
            "The number of points must be a whole number from 1 to {max}; "
            "got {value!r}."
        ).format(max=f"{MAX_SAMPLES:,}", value=n_samples))
    if random_state is not None and (
        isinstance(random_state, bool)
        or not isinstance(random_state, Integral)
        or not 0 <= random_state < 2**32
    ):
        raise InputError(_(
            "The random seed must be a whole number from 0 to {top} "
            "or None; got {value!r}."
        ).format(top=2**32 - 1, value=random_state))
    return DATASETS[name](n_samples=int(n_samples), random_state=random_state)
