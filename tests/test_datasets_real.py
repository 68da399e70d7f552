"""Tests of the real data sets (Old Faithful, iris, the Palmer penguins) and of the adjusted
Rand index that compares a fit with their classes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.metrics import adjusted_rand_score

import gmmviz
from gmmviz import datasets
from gmmviz._errors import InputError
from gmmviz.outcomes import adjusted_rand_index


def test_faithful_is_r_faithful():
    data = datasets.load_real("faithful")
    assert data.X.shape == (272, 2) and data.n_dropped == 0 and data.labels is None
    assert data.features == ("eruptions", "waiting")
    # R's head(faithful) and its last row, and summary(faithful)'s means
    np.testing.assert_array_equal(data.X[:6], [[3.6, 79], [1.8, 54], [3.333, 74],
                                               [2.283, 62], [4.533, 85], [2.883, 55]])
    np.testing.assert_array_equal(data.X[-1], [4.467, 74])
    np.testing.assert_allclose(data.X.mean(axis=0), [3.487783, 70.897059], atol=1e-6)
    assert data.X[:, 0].min() == 1.6 and data.X[:, 0].max() == 5.1
    assert data.X[:, 1].min() == 43 and data.X[:, 1].max() == 96


def test_iris_is_load_iris_with_species():
    reference = load_iris()
    data = datasets.load_real("iris")
    assert data.features == ("petal_length", "petal_width") and data.X.shape == (150, 2)
    np.testing.assert_array_equal(data.X, reference.data[:, 2:])
    np.testing.assert_array_equal(data.labels, reference.target)
    assert data.label_names == ("setosa", "versicolor", "virginica")
    sepals = datasets.load_real("iris", ["sepal_width", "sepal_length"])
    np.testing.assert_array_equal(sepals.X, reference.data[:, [1, 0]])
    np.testing.assert_array_equal(sepals.X[0], [3.5, 5.1])  # Fisher's first flower


def test_penguins_bill_rows_drop_the_two_without_measurements():
    data = datasets.load_real("penguins")
    assert data.features == ("bill_length_mm", "bill_depth_mm")
    assert data.X.shape == (342, 2) and data.n_dropped == 2
    assert "2 of the 344 rows" in data.dropped_note
    assert data.label_names == ("Adelie", "Chinstrap", "Gentoo")
    assert np.bincount(data.labels).tolist() == [151, 68, 123]
    # palmerpenguins' first rows: row 4 (no measurements) is left out
    np.testing.assert_array_equal(data.X[:4], [[39.1, 18.7], [39.5, 17.4], [40.3, 18.0],
                                               [36.7, 19.3]])
    assert data.labels[0] == 0 and data.labels[-1] == 1  # Adelie first, Chinstrap last
    np.testing.assert_allclose(data.X.mean(axis=0), [43.92193, 17.15117], atol=1e-5)
    mass = datasets.load_real("penguins", ("flipper_length_mm", "body_mass_g"))
    assert mass.X.shape == (342, 2) and mass.X[0].tolist() == [181.0, 3750.0]


def test_real_data_through_make_and_the_pair_functions():
    X, y = datasets.make("iris", n_samples=7, random_state=3)
    np.testing.assert_array_equal(X, datasets.iris()[0])
    X, y = datasets.faithful()
    assert X.shape == (272, 2) and (y == 0).all()
    X, y = datasets.penguins(("bill_depth_mm", "flipper_length_mm"))
    assert X.shape == (342, 2) and set(y.tolist()) == {0, 1, 2}


@pytest.mark.parametrize(("name", "features"), [
    ("iris", ("petal_length",)), ("iris", ("petal_length", "petal_length")),
    ("iris", ("bill_length_mm", "petal_width")), ("penguins", ("a", "b", "c")),
    ("penguins", ()), ("faithful", ("waiting", "x")),
])
def test_bad_columns_say_which_to_choose(name, features):
    with pytest.raises(InputError, match="Choose two different columns"):
        datasets.load_real(name, features)


@pytest.mark.parametrize("name", ["", "Iris", "textbook", None, 3])
def test_unknown_real_data_set(name):
    with pytest.raises(InputError, match="faithful"):
        datasets.load_real(name)


def test_adjusted_rand_index_matches_scikit_learn():
    rng = np.random.RandomState(0)
    for n in (1, 2, 3, 10, 300):
        for _ in range(40):
            true = rng.randint(0, rng.randint(1, 6), n)
            pred = rng.randint(0, rng.randint(1, 6), n)
            assert adjusted_rand_index(true, pred) == pytest.approx(
                adjusted_rand_score(true, pred), abs=1e-12)


def test_adjusted_rand_index_ignores_numbering_and_checks_lengths():
    labels = np.array([0, 0, 1, 1, 2, 2])
    assert adjusted_rand_index(labels, [7, 7, 3, 3, 5, 5]) == 1.0
    assert adjusted_rand_index(labels, labels[::-1]) == adjusted_rand_score(labels, labels[::-1])
    with pytest.raises(InputError, match="same points"):
        adjusted_rand_index(labels, labels[:-1])


def test_a_fit_of_iris_petals_recovers_the_species():
    data = datasets.load_real("iris")
    run = gmmviz.fit_gmm(data.X, 3, init="kmeans", random_state=0)
    ari = adjusted_rand_index(data.labels, run.labels_)
    assert ari == pytest.approx(adjusted_rand_score(data.labels, run.labels_), abs=1e-12)
    assert ari > 0.8  # setosa apart, versicolor and virginica mostly told apart
