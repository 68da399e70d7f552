"""Tests of gmmviz.datasets."""

# These tests use NumPy's legacy global generator on purpose: the textbook
# recipe is written for it, and no generator may touch it.
# ruff: noqa: NPY002

from __future__ import annotations

import numpy as np
import pytest

from gmmviz import datasets
from gmmviz._errors import InputError

GENERATED = [name for name in datasets.DATASETS if name != "textbook"]


def _textbook_reference() -> tuple[np.ndarray, np.ndarray]:
    """The textbook recipe as written, on NumPy's global generator."""
    state = np.random.get_state()
    try:
        np.random.seed(1)
        Mu = [[-0.5, -0.5], [0.5, 1.0], [1, -0.5]]
        Sig = [[0.7, 0.7], [0.8, 0.3], [0.3, 0.8]]
        Pi = [0.4, 0.8, 1]
        X = np.zeros((100, 2))
        y = np.zeros(100, dtype=int)
        for n in range(100):
            wk = np.random.rand()
            k = next(k for k in range(3) if wk < Pi[k])
            y[n] = k
            for axis in range(2):
                X[n, axis] = np.random.randn() * Sig[k][axis] + Mu[k][axis]
    finally:
        np.random.set_state(state)
    return X, y


def test_textbook_first_point_and_class_counts():
    X, y = datasets.textbook()
    assert X.shape == (100, 2) and y.shape == (100,)
    assert X.dtype == np.float64 and np.issubdtype(y.dtype, np.integer)
    np.testing.assert_allclose(X[0], [-0.1417, 0.8653], atol=1e-4)
    assert np.bincount(y).tolist() == [30, 44, 26]


def test_textbook_equals_recipe_on_global_generator():
    X, y = datasets.textbook()
    X_ref, y_ref = _textbook_reference()
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def _global_state() -> np.ndarray:
    return np.random.get_state(legacy=False)["state"]["key"].copy()


def test_textbook_leaves_global_random_state_alone():
    np.random.seed(123)
    before = _global_state()
    datasets.textbook()
    np.testing.assert_array_equal(_global_state(), before)


def test_textbook_constants():
    np.testing.assert_array_equal(datasets.TEXTBOOK_MEANS, [[-0.5, -0.5], [0.5, 1.0], [1.0, -0.5]])
    np.testing.assert_array_equal(datasets.TEXTBOOK_STDS, [[0.7, 0.7], [0.8, 0.3], [0.3, 0.8]])
    np.testing.assert_array_equal(datasets.TEXTBOOK_CUMULATIVE_PI, [0.4, 0.8, 1.0])


def test_textbook_is_roughly_its_mixture():
    X, y = datasets.textbook()
    for k in range(3):
        # 26 to 44 points per component: the means within about 3 standard errors.
        err = X[y == k].mean(axis=0) - datasets.TEXTBOOK_MEANS[k]
        assert np.all(np.abs(err) < 3 * datasets.TEXTBOOK_STDS[k] / np.sqrt((y == k).sum()))


def test_datasets_names():
    assert list(datasets.DATASETS) == [
        "textbook",
        "blobs",
        "anisotropic",
        "varied",
        "unequal",
        "moons",
        "circles",
        "noise",
        "outliers",
    ]
    assert all(callable(f) for f in datasets.DATASETS.values())


def test_make_textbook_ignores_size_and_seed():
    X, y = datasets.make("textbook", n_samples=7, random_state=99)
    X_ref, y_ref = datasets.textbook()
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("name", GENERATED)
@pytest.mark.parametrize("n_samples", [1, 2, 3, 7, 250, 1001])
def test_make_shape_and_dtype(name, n_samples):
    X, y = datasets.make(name, n_samples=n_samples, random_state=0)
    assert X.shape == (n_samples, 2)
    assert y.shape == (n_samples,)
    assert X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer)
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", GENERATED)
def test_make_is_deterministic_per_seed(name):
    X1, y1 = datasets.make(name, n_samples=300, random_state=5)
    X2, y2 = datasets.make(name, n_samples=300, random_state=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = datasets.make(name, n_samples=300, random_state=6)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", GENERATED)
def test_generators_default_size_and_fresh_randomness(name):
    X1, _ = datasets.DATASETS[name]()
    X2, _ = datasets.DATASETS[name]()
    assert X1.shape == (500, 2)
    assert not np.array_equal(X1, X2)


@pytest.mark.parametrize("name", GENERATED)
def test_coordinates_of_moderate_size(name):
    X, _ = datasets.make(name, n_samples=2000, random_state=1)
    assert 0.5 < np.abs(X).max() < 30
    assert X.std(axis=0).min() > 0.1


def test_generators_leave_global_random_state_alone():
    np.random.seed(7)
    before = _global_state()
    for name in GENERATED:
        datasets.make(name, n_samples=50, random_state=None)
        datasets.make(name, n_samples=50, random_state=1)
    np.testing.assert_array_equal(_global_state(), before)


def test_blobs_labels_and_centers():
    X, y = datasets.blobs(n_samples=900, n_centers=4, random_state=0)
    assert sorted(np.unique(y)) == [0, 1, 2, 3]
    # Unit-variance blobs.
    for k in range(4):
        np.testing.assert_allclose(X[y == k].std(axis=0), 1.0, atol=0.25)


def test_anisotropic_is_sheared_blobs():
    X_blob, y_blob = datasets.blobs(n_samples=400, random_state=3)
    X, y = datasets.anisotropic(n_samples=400, random_state=3)
    np.testing.assert_array_equal(y, y_blob)
    A = np.linalg.lstsq(X_blob, X, rcond=None)[0]
    np.testing.assert_allclose(X_blob @ A, X, atol=1e-9)
    # A shear, not a rotation or scaling: the clusters become elongated.
    singular = np.linalg.svd(A, compute_uv=False)
    assert singular[0] / singular[1] > 3


def test_varied_has_different_spreads():
    X, y = datasets.varied(n_samples=3000, random_state=0)
    stds = sorted(X[y == k].std(axis=0).mean() for k in range(3))
    np.testing.assert_allclose(stds, [0.5, 1.0, 2.5], rtol=0.15)


def test_unequal_sizes():
    _, y = datasets.unequal(n_samples=1000, random_state=0)
    assert np.bincount(y).tolist() == [800, 160, 40]


def test_moons_and_circles_geometry():
    X, y = datasets.moons(n_samples=400, noise=0.0, random_state=0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0)
    X, y = datasets.circles(n_samples=400, noise=0.0, factor=0.3, random_state=0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1], axis=1), 0.3)


def test_noise_is_uniform_without_labels():
    X, y = datasets.noise(n_samples=4000, random_state=0)
    assert (y == 0).all()
    assert np.abs(X).max() <= 10
    # Each quadrant holds about a quarter of the points.
    counts = np.bincount(2 * (X[:, 0] > 0) + (X[:, 1] > 0))
    assert counts.min() > 900


def test_outliers_are_labelled_and_far_out():
    X, y = datasets.outliers(n_samples=1000, random_state=0)
    out = y == -1
    assert out.sum() == 50
    inlier_reach = np.abs(X[~out]).max()
    assert np.abs(X[out]).max(axis=1).min() > inlier_reach
    assert sorted(np.unique(y[~out])) == [0, 1, 2]


@pytest.mark.parametrize("name", ["", "Blobs ", "kmeans", None, 3])
def test_make_unknown_name(name):
    with pytest.raises(InputError) as info:
        datasets.make(name)
    message = str(info.value)
    for valid in datasets.DATASETS:
        assert f'"{valid}"' in message


@pytest.mark.parametrize("n_samples", [0, -5, 1_000_001, 2.5, 100.0, "100", True, None])
def test_make_bad_n_samples(n_samples):
    with pytest.raises(InputError, match=r"1 to 1,000,000"):
        datasets.make("blobs", n_samples=n_samples)


def test_make_accepts_numpy_integers_and_extremes():
    X, _ = datasets.make("moons", n_samples=np.int64(12), random_state=np.int32(4))
    assert X.shape == (12, 2)
    assert datasets.make("noise", n_samples=1_000_000)[0].shape == (1_000_000, 2)


@pytest.mark.parametrize("random_state", [-1, 2**32, 1.5, "0"])
def test_make_bad_random_state(random_state):
    with pytest.raises(InputError, match="seed"):
        datasets.make("blobs", random_state=random_state)


def test_input_error_is_value_error():
    with pytest.raises(ValueError):
        datasets.make("nope")
