"""Where EM and K-means start: the named initializations and the notes' fixed values."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus

from gmmviz._errors import InputError

GMM_INITS = (
    "random",
    "random_resp",
    "kmeans",
    "k-means++",
    "identical",
    "notes-a",
    "notes-a2",
    "notes-b",
)
KMEANS_INITS = ("k-means++", "random", "notes")

#: Every start by its URL spelling, with the label a page shows. The library accepts these
#: spellings as ``init`` too ("manual" means explicit weights, means and covariances).
GMM_START_LABELS: dict[str, str] = {
    "notes-b": "notes B (textbook run)",
    "notes-a": "notes A",
    "notes-a2": "notes A2",
    "random": "random",
    "random-resp": "random responsibilities",
    "kmeans": "k-means",
    "kmeans-pp": "k-means++",
    "identical": "identical",
    "manual": "manual (edit the table)",
}
#: Other spellings of a start (scikit-learn's) -> the URL spelling.
_ALIASES = {"random_resp": "random-resp", "k-means++": "kmeans-pp"}
#: URL spelling -> the name the EM code uses.
_CANONICAL = {"random-resp": "random_resp", "kmeans-pp": "k-means++"}


def canonical_init(init: str) -> str:
    """The EM code's name of a start given in any accepted spelling (unknown names unchanged)."""
    return _CANONICAL.get(init, init)


def url_init(init: str) -> str:
    """The URL spelling of a start given in any accepted spelling (unknown names unchanged)."""
    return _ALIASES.get(init, init)

# The notes' fixed starting values for k = 3 (identity covariances).
NOTES_STARTS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    # the textbook's first illustration
    "notes-a": (np.array([0.33, 0.33, 0.34]), np.array([[-2.0, 1.0], [-2.0, 0.0], [-2.0, -1.0]])),
    # as the lecture notes print it
    "notes-a2": (np.array([0.33, 0.33, 0.34]), np.array([[-2.0, -1.0], [-2.0, 0.0], [-2.0, 1.0]])),
    # the textbook's 20-iteration run
    "notes-b": (np.array([0.3, 0.3, 0.4]), np.array([[2.0, 2.0], [-2.0, 0.0], [2.0, -2.0]])),
}
# The textbook's K-means starting centres.
TEXTBOOK_CENTERS = np.array([[-2.0, 1.0], [-2.0, 0.0], [-2.0, -1.0]])


def check_gmm_init(init: str, n_components: int) -> None:
    """Raise InputError for an unknown init, or a notes start with k other than 3."""
    if canonical_init(init) not in GMM_INITS:
        names = [n for n in GMM_START_LABELS if n != "manual"]
        raise InputError(f"Unknown init {init!r}: choose one of {', '.join(names)}.")
    if init.startswith("notes") and n_components != 3:
        raise InputError(
            f"The notes' starting values {init!r} are for k = 3 only; set k to 3 or choose "
            f"another initialization."
        )


def distinct_points(X: np.ndarray, n: int, rng: np.random.RandomState) -> np.ndarray:
    """n distinct rows of X, drawn at random (shape (n, 2))."""
    order = rng.permutation(X.shape[0])
    m = min(X.shape[0], max(4 * n, 64))
    while True:
        # first occurrences, in the random order, among the first m shuffled rows
        _, first = np.unique(X[order[:m]], axis=0, return_index=True)
        if first.shape[0] >= n or m == X.shape[0]:
            return X[order[np.sort(first)[:n]]]
        m = min(X.shape[0], 4 * m)


def kmeans_labels(X: np.ndarray, n_clusters: int, rng: np.random.RandomState) -> np.ndarray:
    """Labels of a scikit-learn K-means fit (one start), as GaussianMixture's "kmeans" init."""
    return KMeans(n_clusters=n_clusters, n_init=1, random_state=rng).fit(X).labels_


def plusplus_centers(X: np.ndarray, n_clusters: int, rng: np.random.RandomState) -> np.ndarray:
    """k-means++ seeds (scikit-learn's kmeans_plusplus), shape (n_clusters, 2)."""
    centers, _ = kmeans_plusplus(X, n_clusters, random_state=rng)
    return centers


def one_hot(labels: np.ndarray, n_components: int) -> np.ndarray:
    """Hard responsibilities, shape (n_components, n_samples)."""
    resp = np.zeros((n_components, labels.shape[0]))
    resp[labels, np.arange(labels.shape[0])] = 1.0
    return resp
