"""The real data sets on the pages, run headless with Streamlit's AppTest: each loads on the
explorer and on Compare, its columns follow the URL, hostile columns are warned about, and
its species reach no fit but are compared with the fit's labels."""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from sklearn.metrics import adjusted_rand_score
from streamlit.testing.v1 import AppTest

import gmmviz
from tests._apptest import (
    TIMEOUT,
    assert_ok,
    charts,
    open_app,
    page_path,
    query,
    set_widget,
    table,
    text,
)

EXPLORER, COMPARE = page_path("explorer"), page_path("compare")


def _explorer(params: dict[str, str]):
    # a new session, then the rerun the browser asks for once the figure has drawn
    return open_app(EXPLORER, params, runs=2)


def _header(at) -> str:
    return text(at.caption) + "\n" + text(at.markdown)


@pytest.mark.parametrize(("name", "shown"), [
    ("faithful", "Old Faithful: eruption duration vs waiting time, 272 points"),
    ("iris", "iris: petal length vs petal width, 150 points"),
    ("penguins", "Palmer penguins: bill length vs bill depth, 342 points"),
])
def test_each_real_data_set_loads_on_the_explorer(name, shown):
    at = _explorer({"data": name, "k": "3", "init": "kmeans"})
    assert_ok(at, error=True)
    assert at.selectbox(key="data").value == name
    assert shown in _header(at), _header(at)
    assert at.number_input(key="n").disabled  # the data set's own size
    assert charts(at)
    if name == "penguins":
        assert "2 of the 344 rows have no bill_length_mm or no bill_depth_mm" in text(at.caption)
    assert not at.warning


@pytest.mark.parametrize("name", ["faithful", "iris", "penguins"])
def test_each_real_data_set_loads_on_compare(name):
    at = open_app(COMPARE, {"data": name})
    assert_ok(at, error=True)
    assert charts(at)
    shown = table(at, "final NLL")
    assert ("ARI" in shown.columns) == (name != "faithful")


def _agreement_page() -> None:
    """The data controls, a fit of their points, and the caption comparing it with the species."""
    import gmmviz
    from views import _common as ui

    ui.url_state(ui.EXPLORER_SCHEMA)
    X, _ = ui.data_source_controls()
    run = gmmviz.fit_gmm(X, 3, init="kmeans", random_state=0)
    ui.class_agreement(run, X)


@pytest.mark.parametrize("name", ["iris", "penguins", "faithful", "blobs"])
def test_the_fit_is_compared_with_the_species_as_sklearn_computes_it(name):
    at = AppTest.from_function(_agreement_page, default_timeout=TIMEOUT)
    at.query_params["data"] = name
    at.run()
    assert_ok(at, error=True)
    shown = [c for c in text(at.caption).splitlines() if "adjusted Rand index" in c]
    if name not in ("iris", "penguins"):  # no species to compare with
        assert not shown
        return
    data = gmmviz.datasets.load_real(name)
    run = gmmviz.fit_gmm(data.X, 3, init="kmeans", random_state=0)
    ari = adjusted_rand_score(data.labels, run.labels_)
    assert f"**{ari:.2f}**" in shown[0] and "species" in shown[0], shown


def test_compare_table_gives_each_panels_ari_as_sklearn_computes_it():
    params = {"data": "penguins", "k": "3", "panels": "kmeans,random", "seeds": "0,1",
              "iters": "30", "tol": "0", "cov": "full", "reg": "1e-06"}
    at = open_app(COMPARE, params)
    shown = table(at, "ARI")
    data = gmmviz.datasets.load_real("penguins")
    expected = []
    for init, seed in (("kmeans", 0), ("random", 1)):
        run = gmmviz.fit_gmm(data.X, 3, init=init, random_state=seed, max_iter=30, tol=0,
                             reg_covar=1e-6)
        expected.append(adjusted_rand_score(data.labels, run.labels_))
    np.testing.assert_allclose(shown["ARI"].to_numpy(dtype=float), expected, atol=1e-12)


def test_the_species_never_reach_a_fit(monkeypatch):
    calls = []
    fit_gmm = gmmviz.fit_gmm

    def recording(X, n_components, **kwargs):
        calls.append((np.array(X, copy=True), kwargs))
        return fit_gmm(X, n_components, **kwargs)

    monkeypatch.setattr(gmmviz, "fit_gmm", recording)
    st.cache_data.clear()
    for page, params in ((EXPLORER, {"data": "iris", "features": "sepal_length,petal_width"}),
                         (COMPARE, {"data": "iris", "features": "sepal_length,petal_width"})):
        open_app(page, params, runs=2)
    data = gmmviz.datasets.load_real("iris", ("sepal_length", "petal_width"))
    assert calls
    for X, kwargs in calls:
        # the points are the two chosen columns, and nothing else of the data set goes in
        np.testing.assert_array_equal(X, data.X)
        for value in kwargs.values():
            assert not (isinstance(value, np.ndarray) and value.shape == data.labels.shape)


def test_the_columns_follow_the_link_and_the_widget():
    at = _explorer({"data": "iris", "features": "sepal_width,sepal_length", "init": "kmeans"})
    assert at.multiselect(key="features").value == ["sepal_width", "sepal_length"]
    assert "iris: sepal width vs sepal length, 150 points" in _header(at)
    assert "features" not in text(at.warning)
    set_widget(at, "multiselect", "features", ["petal_width", "sepal_length"])
    assert query(at)["features"] == "petal_width,sepal_length"
    assert "iris: petal width vs sepal length" in _header(at)
    # one column left: the page asks for a second and keeps it (no reset while choosing)
    set_widget(at, "multiselect", "features", ["petal_width"])
    assert "Choose a second column" in text(at.info)
    assert at.multiselect(key="features").value == ["petal_width"]
    assert "features" not in text(at.warning)
    # another data set: its own default columns; a generated one: none in the URL
    set_widget(at, "selectbox", "data", "penguins")
    assert at.multiselect(key="features").value == ["bill_length_mm", "bill_depth_mm"]
    set_widget(at, "selectbox", "data", "blobs")
    assert "features" not in query(at)
    assert_ok(at, error=True)


@pytest.mark.parametrize("bad", [
    "bill_length_mm,petal_width",  # a column of another data set
    "petal_length",                # one column
    "petal_length,petal_length",   # the same column twice
    "petal_length,petal_width,sepal_length",  # three
    "nan", "<b>x</b>", "a;b",
])
def test_hostile_columns_are_warned_about_and_defaulted(bad):
    at = open_app(EXPLORER, {"data": "iris", "features": bad})
    warned = text(at.warning)  # a link's warnings show in the run that opens it
    at.run()
    assert_ok(at)
    assert "features=" in warned and "not used" in warned, warned
    assert at.multiselect(key="features").value == ["petal_length", "petal_width"]
    assert "iris: petal length vs petal width, 150 points" in _header(at)


@pytest.mark.parametrize("page", ["kmeans", "limit", "lower_bound"])
def test_the_other_data_pages_take_a_real_data_set(page):
    at = open_app(page_path(page), {"data": "penguins",
                                    "features": "flipper_length_mm,body_mass_g"}, runs=2)
    assert_ok(at, error=True)
    assert at.multiselect(key="features").value == ["flipper_length_mm", "body_mass_g"]
    assert query(at)["features"] == "flipper_length_mm,body_mass_g"
