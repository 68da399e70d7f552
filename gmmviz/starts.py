"""Where EM and K-means start: the named initializations and the fixed values of the notes
and the textbook.

Every EM start is a small function picked from one dict by the name the EM code uses; the
URL spellings and their labels are in :data:`GMM_START_LABELS`, and :func:`start_used` names
the start a fit really uses (a fixed start needs k = 3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.utils import check_random_state

from gmmviz import _gauss2d as g2
from gmmviz import _validate as v
from gmmviz._em_settings import EMSettings, ScaledData
from gmmviz._errors import InputError
from gmmviz.em import Theta, m_step
from gmmviz.i18n import N_, _

GMM_INITS = (
    "random",
    "random_resp",
    "kmeans",
    "k-means++",
    "identical",
    "notes-a",
    "notes-b",
    "textbook-a",
    "textbook-b",
)
KMEANS_INITS = ("k-means++", "random", "notes")

# The textbook's K-means starting centres.
TEXTBOOK_CENTERS = np.array([[-2.0, 1.0], [-2.0, 0.0], [-2.0, -1.0]])
# The fixed starting values for k = 3, all with identity covariances: the notes' start A and
# start B exactly as the notes print them, and the textbook's two (its A lists the same means
# top-down, as its K-means centres; its 20-iteration run starts from B's means with the
# weights 0.3, 0.3, 0.4).
NOTES_STARTS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "notes-a": (np.array([0.33, 0.33, 0.34]), np.array([[-2.0, -1.0], [-2.0, 0.0], [-2.0, 1.0]])),
    "notes-b": (np.array([0.33, 0.33, 0.34]), np.array([[2.0, 2.0], [-2.0, 0.0], [2.0, -2.0]])),
    "textbook-a": (np.array([0.33, 0.33, 0.34]), TEXTBOOK_CENTERS.copy()),
    "textbook-b": (np.array([0.3, 0.3, 0.4]), np.array([[2.0, 2.0], [-2.0, 0.0], [2.0, -2.0]])),
}
#: The number of components of every fixed start.
FIXED_STARTS_K = 3
#: The start used instead of a fixed one when k is not 3 (URL spelling).
FIXED_STARTS_FALLBACK = "kmeans"

#: Every start by its URL spelling, with the label a page shows: the fixed starts first. The
#: library accepts these spellings as ``init`` too ("manual" means explicit weights, means and
#: covariances).
GMM_START_LABELS: dict[str, str] = {
    "notes-a": N_("notes A"),
    "notes-b": N_("notes B"),
    "textbook-a": N_("textbook A"),
    "textbook-b": N_("textbook B"),
    "random": N_("random"),
    "random-resp": N_("random responsibilities"),
    "kmeans": N_("k-means"),
    "kmeans-pp": N_("k-means++"),
    "identical": N_("identical"),
    "manual": N_("manual (edit the table)"),
}
#: Other spellings of a start (scikit-learn's, and notes A's former name) -> the URL spelling.
START_ALIASES = {"random_resp": "random-resp", "k-means++": "kmeans-pp", "notes-a2": "notes-a"}
#: URL spelling -> the name the EM code uses.
_CANONICAL = {"random-resp": "random_resp", "kmeans-pp": "k-means++"}


def url_init(init: str) -> str:
    """The URL spelling of a start given in any accepted spelling (unknown names unchanged)."""
    return START_ALIASES.get(init, init)


def canonical_init(init: str) -> str:
    """The EM code's name of a start given in any accepted spelling (unknown names unchanged)."""
    name = url_init(init)
    return _CANONICAL.get(name, name)


def start_label(init: str) -> str:
    """A start's short label, e.g. "notes B" for "notes-b" or "manual" for "manual" (in the
    language in use)."""
    name = url_init(init)
    return _(GMM_START_LABELS.get(name, name)).split(" (")[0]


def start_values(init: str) -> str | None:
    """The values of a fixed start as one line, None for any other start.

    E.g. "μ (-2, -1), (-2, 0), (-2, 1); π 0.33, 0.33, 0.34; Σ = I" for "notes-a".
    """
    fixed = NOTES_STARTS.get(url_init(init))
    if fixed is None:
        return None
    weights, means = fixed
    mu = ", ".join(f"({x:g}, {y:g})" for x, y in means)
    pi = ", ".join(f"{w:g}" for w in weights)
    return f"μ {mu}; π {pi}; Σ = I"


class StartUsed(NamedTuple):
    """The start a fit really uses, as :func:`start_used` names it.

    Attributes
    ----------
    init : str
        Its URL spelling (for K-means, fit_kmeans' name), e.g. "kmeans" when "notes-a" gave
        way to it.
    label : str
        What a header says: "notes A", or "k-means (notes A is for k = 3 only)".
    fell_back : bool
        Whether a fixed start gave way because k is not 3.
    """

    init: str
    label: str
    fell_back: bool


def start_used(init: str, n_components: int) -> StartUsed:
    """The start that a fit from ``init`` with ``n_components`` components really uses.

    The fixed starts (the notes' and the textbook's) have three components; with any other k
    the pages fit from :data:`FIXED_STARTS_FALLBACK` instead, and their headers say so.

    Parameters
    ----------
    init : str
        A start in any accepted spelling ("notes-a2", "k-means++", "manual", ...).
    n_components : int

    Returns
    -------
    StartUsed
    """
    name = url_init(init)
    if name in NOTES_STARTS and n_components != FIXED_STARTS_K:
        return StartUsed(FIXED_STARTS_FALLBACK,
                         _("{used} ({start} is for k = {k} only)").format(
                             used=start_label(FIXED_STARTS_FALLBACK), start=start_label(name),
                             k=FIXED_STARTS_K), True)
    return StartUsed(name, start_label(name), False)


#: K-means' starts by fit_kmeans' name, with the label a page shows.
KMEANS_START_LABELS: dict[str, str] = {
    "notes": N_("the textbook's centres"),
    "k-means++": "k-means++",
    "random": N_("random data points"),
}
#: The K-means start used instead of the textbook's centres when k is not 3.
KMEANS_FALLBACK = "k-means++"


def kmeans_start_used(init: str, n_clusters: int) -> StartUsed:
    """The start that K-means from ``init`` with ``n_clusters`` clusters really uses.

    The textbook's centres ("notes") are three; with any other k the pages start from
    :data:`KMEANS_FALLBACK` instead, and their headers say so.

    Parameters
    ----------
    init : {"notes", "k-means++", "random"}
        As :func:`gmmviz.fit_kmeans` takes it.
    n_clusters : int

    Returns
    -------
    StartUsed
        With ``init`` in fit_kmeans' spelling, e.g. ``StartUsed("k-means++", "k-means++ (the
        textbook's centres are for k = 3 only)", True)``.
    """
    label = _(KMEANS_START_LABELS.get(init, init))
    if init == "notes" and n_clusters != len(TEXTBOOK_CENTERS):
        return StartUsed(KMEANS_FALLBACK, _("{used} ({start} are for k = {k} only)").format(
            used=_(KMEANS_START_LABELS[KMEANS_FALLBACK]), start=label,
            k=len(TEXTBOOK_CENTERS)), True)
    return StartUsed(init, label, False)


def check_gmm_init(init: str, n_components: int) -> None:
    """Raise InputError for an unknown init, or a fixed start with k other than 3."""
    v.choice(canonical_init(init) if isinstance(init, str) else init, GMM_INITS, "init",
             shown=[name for name in GMM_START_LABELS if name != "manual"])
    if url_init(init) in NOTES_STARTS and n_components != FIXED_STARTS_K:
        raise InputError(_(
            "The fixed starting values {init!r} are for k = {k} only; set k to "
            "{k} or choose another initialization."
        ).format(init=init, k=FIXED_STARTS_K))


def distinct_points(X: np.ndarray, n: int, rng: np.random.RandomState) -> np.ndarray:
    """n distinct rows of X, drawn at random (shape (n, 2))."""
    order = rng.permutation(X.shape[0])
    m = min(X.shape[0], max(4 * n, 64))
    while True:
        # first occurrences, in the random order, among the first m shuffled rows
        _u, first = np.unique(X[order[:m]], axis=0, return_index=True)
        if first.shape[0] >= n or m == X.shape[0]:
            return X[order[np.sort(first)[:n]]]
        m = min(X.shape[0], 4 * m)


def kmeans_labels(X: np.ndarray, n_clusters: int, rng: np.random.RandomState) -> np.ndarray:
    """Labels of a scikit-learn K-means fit (one start), as GaussianMixture's "kmeans" init."""
    return KMeans(n_clusters=n_clusters, n_init=1, random_state=rng).fit(X).labels_


def plusplus_centers(X: np.ndarray, n_clusters: int, rng: np.random.RandomState) -> np.ndarray:
    """k-means++ seeds (scikit-learn's kmeans_plusplus), shape (n_clusters, 2)."""
    centers, _ix = kmeans_plusplus(X, n_clusters, random_state=rng)
    return centers


def one_hot(labels: np.ndarray, n_components: int) -> np.ndarray:
    """Hard responsibilities, shape (n_components, n_samples)."""
    resp = np.zeros((n_components, labels.shape[0]))
    resp[labels, np.arange(labels.shape[0])] = 1.0
    return resp


# --------------------------------------------------------------------------- EM's starts
class Start(NamedTuple):
    """theta_0 in scaled units, q_0 if the start has one, and its means in the user's units.

    Attributes
    ----------
    theta : tuple of ndarrays of shapes (K,), (K, 2), (K, 3)
    resp : ndarray of shape (K, n_samples) or None
        The responsibilities theta_0 was computed from by an M-step.
    means : ndarray of shape (K, 2) or None
        The start's means as given or picked from the data (exact, unlike a scaled round trip).
    """

    theta: Theta
    resp: np.ndarray | None
    means: np.ndarray | None


def _from_resp(s: ScaledData, settings: EMSettings, resp: np.ndarray) -> Start:
    """A start from responsibilities: theta_0 is the M-step on them."""
    theta = m_step(s.Xs, s.F, resp, s.reg, settings.covariance_type, s.fixed)
    return Start(theta, resp, None)


def _around_means(s: ScaledData, settings: EMSettings, means: np.ndarray | None) -> Start:
    """Equal weights and the data covariance around ``means`` (user units; None: the data mean)."""
    k = settings.n_components
    p = np.repeat(s.data_covariance(settings.covariance_type)[None, :], k, axis=0)
    m = (np.repeat(s.Xs.mean(axis=0)[None, :], k, axis=0) if means is None
         else s.scaler.means_in(means))
    return Start((np.full(k, 1.0 / k), m, p), None, means)


def _start_kmeans(s: ScaledData, settings: EMSettings, rng: np.random.RandomState) -> Start:
    k = settings.n_components
    return _from_resp(s, settings, one_hot(kmeans_labels(s.X, k, rng), k))


def _start_random_resp(s: ScaledData, settings: EMSettings, rng: np.random.RandomState) -> Start:
    q0 = rng.uniform(size=(s.X.shape[0], settings.n_components)).T.copy()
    q0 /= q0.sum(axis=0, keepdims=True)
    return _from_resp(s, settings, q0)


def _start_random(s: ScaledData, settings: EMSettings, rng: np.random.RandomState) -> Start:
    return _around_means(s, settings, distinct_points(s.X, settings.n_components, rng))


def _start_plusplus(s: ScaledData, settings: EMSettings, rng: np.random.RandomState) -> Start:
    return _around_means(s, settings, plusplus_centers(s.X, settings.n_components, rng))


def _start_identical(s: ScaledData, settings: EMSettings, rng: np.random.RandomState) -> Start:
    return _around_means(s, settings, None)


def _fixed_start(name: str) -> Callable[[ScaledData, EMSettings, np.random.RandomState], Start]:
    """A fixed start's weights and means with identity covariances (k = 3)."""

    def start(s: ScaledData, settings: EMSettings, rng: np.random.RandomState) -> Start:
        w0, m0 = NOTES_STARTS[name]
        p = np.repeat(np.array([[1.0, 0.0, 1.0]]) / s.scaler.variance, 3, axis=0)
        return Start((w0.copy(), s.scaler.means_in(m0), p), None, m0)

    return start


#: Every start by the name the EM code uses (canonical_init gives it for every spelling).
_STARTS: dict[str, Callable[[ScaledData, EMSettings, np.random.RandomState], Start]] = {
    "random": _start_random,
    "random_resp": _start_random_resp,
    "kmeans": _start_kmeans,
    "k-means++": _start_plusplus,
    "identical": _start_identical,
    **{name: _fixed_start(name) for name in NOTES_STARTS},
}


def pick_start(s: ScaledData, settings: EMSettings, init: str, explicit: tuple,
               random_state: int | np.random.RandomState | None) -> Start:
    """theta_0 of ``init``, with any explicit weights, means or covariances put in its place.

    ``explicit`` holds checked ``(weights_init, means_init, covariances_init)``, each possibly
    None; with all of them given (or weights and means under a fixed covariance) there is
    nothing left to compute, as in scikit-learn. A start's responsibilities are kept only
    while they are what its parameters came from: any explicit value drops them.
    """
    w_init, m_init, c_init = explicit
    if w_init is not None and m_init is not None and (c_init is not None or s.fixed is not None):
        init = "identical"
    (w, m, p), q0, means0 = _STARTS[init](s, settings, check_random_state(random_state))
    if w_init is not None:
        w = w_init.copy()
    if m_init is not None:
        m, means0 = s.scaler.means_in(m_init), m_init
    if c_init is not None:
        p = g2.pack(c_init) / s.scaler.variance
    if s.fixed is not None:
        p = np.repeat(np.array([[s.fixed, 0.0, s.fixed]]), settings.n_components, axis=0)
    if any(value is not None for value in explicit):
        q0 = None
    return Start((w, m, p), q0, means0)
