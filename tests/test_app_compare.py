"""The Compare page, run headless with Streamlit's AppTest."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

import gmmviz
from gmmviz import manual, selection
from gmmviz.numbers import format_number
from tests._apptest import (
    array_length,
    assert_ok,
    chart_spec,
    metric,
    open_app,
    page_path,
    players,
    query,
    set_widget,
    table,
    text,
)

PAGE = page_path("compare")


def _app(params: dict[str, str] | None = None, tab: str | None = None) -> AppTest:
    return open_app(PAGE, params, session={"compare_tab": tab} if tab else None)


def _panel_titles(spec: dict) -> list[str]:
    """The full start names above the player's panels."""
    return [p["title"] for p in spec["panels"]]


def _data(q: dict[str, str]) -> np.ndarray:
    X, _ = gmmviz.datasets.make(q["data"], n_samples=int(q["n"]), random_state=int(q["seed"]))
    return X


def _direct_runs(q: dict[str, str]) -> list[gmmviz.GMMRun]:
    """Every panel's run, fitted here from the URL's settings: a fixed start falls back to
    k-means when k is not 3, and a manual start is the URL's table."""
    X, k = _data(q), int(q["k"])
    shared = {"covariance_type": q["cov"], "max_iter": int(q["iters"]),
              "tol": float(q["tol"]), "reg_covar": float(q["reg"])}
    runs = []
    for init, seed in zip(q["panels"].split(","), q["seeds"].split(","), strict=True):
        explicit = {}
        if init in gmmviz.NOTES_STARTS and k != 3:
            init = "kmeans"
        if init == "manual":
            w, m, c, _ = manual.manual_start(manual.decode_rows(q["start"].split(","), k))
            init, explicit = "identical", {"weights_init": w, "means_init": m,
                                           "covariances_init": c}
        runs.append(gmmviz.fit_gmm(X, k, init=init, random_state=int(seed), **shared,
                                   **explicit))
    return runs


def _assert_shows_the_direct_fits(at: AppTest) -> None:
    """The figure and the table show the runs that fit_gmm gives for the URL's settings."""
    q = query(at)
    runs = _direct_runs(q)
    X, k = _data(q), int(q["k"])
    spec = chart_spec(at, "compare_player")
    assert len(_panel_titles(spec)) == len(runs)
    # each panel draws every point and one ellipse set per component
    assert [p["n"] for p in spec["panels"]] == [len(X)] * len(runs)
    assert all(len(p["colors"]) == k for p in spec["panels"])
    assert [text for _, text in spec["legend"]] == [f"component {j}" for j in range(1, k + 1)]
    # one half-step per step of the longest run; each run's NLL on the chart
    assert len(spec["labels"]) == max(len(r.steps) for r in runs)
    assert spec["duration"] == int(q["speed"])
    for series, r in zip(spec["chart"]["series"], runs, strict=True):
        np.testing.assert_allclose(series["y"], r.nll, rtol=1e-12)
    shown = table(at, "final NLL")
    np.testing.assert_allclose(shown["final NLL"], [r.final.nll for r in runs], rtol=1e-9)
    assert shown["iterations"].tolist() == [r.n_iter_ for r in runs]
    best = int(np.argmin([r.final.nll for r in runs]))
    assert shown["best"].tolist() == ["★" if i == best else "" for i in range(len(runs))]


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return _app()


# --------------------------------------------------------------------------- side by side
def test_default_view_is_the_notes_comparison(default_app):
    at = default_app
    assert_ok(at)
    assert at.selectbox(key="data").value == "textbook"
    assert at.slider(key="k").value == 3
    assert [at.selectbox(key=f"panel_init_{p}").value for p in range(3)] == [
        "notes-a", "notes-b", "kmeans"]
    spec = chart_spec(at, "compare_player")
    titles = _panel_titles(spec)
    assert len(titles) == 3
    assert "notes A" in titles[0] and "notes B" in titles[1] and "k-means" in titles[2]
    # each fixed start's values under its select box, as the notes print them
    captions = text(at.caption)
    assert "μ (-2, -1), (-2, 0), (-2, 1); π 0.33, 0.33, 0.34; Σ = I" in captions
    assert "μ (2, 2), (-2, 0), (2, -2); π 0.33, 0.33, 0.34; Σ = I" in captions
    assert len(spec["labels"]) == 41  # iters=20, tol=0: every panel plays 20 iterations
    # one player for all panels, with a step panel for every half-step
    assert len(players(at)) == 1 and len(spec["html"]) == 41


def test_default_view_states_the_lesson(default_app):
    at = default_app
    lesson = text(at.info)
    # notes A ends above notes B and k-means, and stays at a worse optimum when run on
    assert "notes A" in lesson and "worse local optimum" in lesson
    # run on to 218.93 and 215.08 with tol 1e-8, which the page tells apart from the
    # explorer's tol 1e-4
    assert "218.93" in lesson and "215.08" in lesson
    assert "less than 1e-08" in text(at.caption) and "(0.0001 by default)" in text(at.caption)
    table = at.dataframe[0].value
    assert list(table["run"]) == ["1 · notes A", "2 · notes B", "3 · k-means · seed 2"]
    assert table["final NLL"].iloc[0] > table["final NLL"].iloc[1:].max()
    best = table["final NLL"].idxmin()
    assert table["best"].iloc[best].startswith("★")
    assert (table["best"] != "").sum() == 1
    assert table["iterations"].tolist() == [20, 20, 20]
    assert "BIC" in table.columns


def test_default_url_holds_the_panels(default_app):
    q = query(default_app)
    assert q["panels"] == "notes-a,notes-b,kmeans"
    assert q["seeds"] == "0,1,2"
    assert q["iters"] == "20" and q["tol"] == "0" and q["k"] == "3"


def test_a_link_with_notes_a2_opens_notes_a_and_writes_its_new_name():
    at = _app({"panels": "notes-a2,textbook-b"})
    assert_ok(at)
    assert not at.warning
    assert [at.selectbox(key=f"panel_init_{p}").value for p in range(2)] == [
        "notes-a", "textbook-b"]
    assert query(at)["panels"] == "notes-a,textbook-b"
    titles = _panel_titles(chart_spec(at, "compare_player"))
    assert "1 · notes A" in titles[0] and "2 · textbook B" in titles[1]
    _assert_shows_the_direct_fits(at)


def test_panel_count_and_inits_and_seeds_rerun():
    at = _app()
    at.number_input(key="n_panels").set_value(5).run()
    assert_ok(at)
    assert len(_panel_titles(chart_spec(at, "compare_player"))) == 5
    at.selectbox(key="panel_init_0").set_value("random").run()
    assert_ok(at)
    at.number_input(key="panel_seed_0").set_value(7).run()
    assert_ok(at)
    q = query(at)
    assert q["panels"].split(",")[0] == "random"
    assert q["seeds"].split(",")[0] == "7"
    assert len(q["panels"].split(",")) == 5
    assert "seed 7" in _panel_titles(chart_spec(at, "compare_player"))[0]
    at.number_input(key="n_panels").set_value(2).run()
    assert_ok(at)
    assert len(_panel_titles(chart_spec(at, "compare_player"))) == 2
    assert query(at)["panels"] == "random,notes-b"
    _assert_shows_the_direct_fits(at)


SHARED_CONTROLS = [
    # (widget, key, value, the URL's spelling of the value)
    ("slider", "k", 4, "4"),
    ("selectbox", "cov", "tied", "tied"),
    ("number_input", "iters", 5, "5"),
    ("number_input", "tol", 1e-3, "0.001"),
    ("number_input", "reg", 1e-3, "0.001"),
    ("slider", "speed", 300, "300"),
    ("selectbox", "data", "blobs", "blobs"),
]


def test_every_init_and_shared_control_reruns():
    at = _app({"panels": "identical,kmeans-pp,random-resp,manual,notes-a,random"})
    assert_ok(at)
    assert len(_panel_titles(chart_spec(at, "compare_player"))) == 6
    assert at.get("arrow_data_editor") or at.get("data_editor")  # the manual start's table
    textbook, _ = gmmviz.datasets.textbook()
    # the manual table starts from the data's default rows
    assert query(at)["start"] == ",".join(manual.encode_rows(manual.default_rows(textbook, 3)))
    assert query(at)["seeds"] == "0,1,2,3,4,5"
    _assert_shows_the_direct_fits(at)
    for widget, key, value, spelling in SHARED_CONTROLS:
        set_widget(at, widget, key, value)
        assert_ok(at)
        where = f"after setting {key} = {value!r}"
        assert query(at)[key] == spelling, where
        _assert_shows_the_direct_fits(at)
        if key == "k":
            assert "k = 3 only" in text(at.warning)  # notes A falls back to k-means, with a reason
            title = _panel_titles(chart_spec(at, "compare_player"))[4]
            assert "5 · k-means (for notes A) · seed 4" in title
    # the manual table was rebuilt for k = 4; a table that fits k stays when the data change
    assert query(at)["start"] == ",".join(manual.encode_rows(manual.default_rows(textbook, 4)))
    assert len(_panel_titles(chart_spec(at, "compare_player"))) == 6


# --------------------------------------------------------------------------- URL state
def test_url_restores_the_state():
    at = _app({"data": "blobs", "n": "300", "seed": "4", "k": "2", "cov": "diag",
               "iters": "7", "tol": "0", "panels": "random,kmeans-pp", "seeds": "11,12"})
    assert_ok(at)
    assert not at.warning
    assert at.selectbox(key="data").value == "blobs"
    assert at.number_input(key="n").value == 300
    assert at.slider(key="k").value == 2
    assert at.selectbox(key="cov").value == "diag"
    assert at.number_input(key="n_panels").value == 2
    assert at.selectbox(key="panel_init_1").value == "kmeans-pp"
    assert at.number_input(key="panel_seed_0").value == 11
    spec = chart_spec(at, "compare_player")
    assert len(spec["labels"]) == 15
    assert "seed 11" in _panel_titles(spec)[0]


@pytest.mark.parametrize(
    ("query", "name"),
    [({"panels": "kmeans,bogus"}, "panels"), ({"panels": "kmeans"}, "panels"),
     ({"k": "99"}, "k"), ({"iters": "-3"}, "iters"), ({"cov": "round"}, "cov"),
     ({"restarts": "5000"}, "restarts")],
)
def test_invalid_url_values_warn_and_fall_back(query, name):
    at = _app(query)
    assert_ok(at)
    assert name in text(at.warning)
    assert len(_panel_titles(chart_spec(at, "compare_player"))) >= 2


def test_invalid_seed_in_url_warns():
    at = _app({"seeds": "0,abc,2"})
    assert_ok(at)
    assert "abc" in text(at.warning)
    assert at.number_input(key="panel_seed_1").value == 1


# --------------------------------------------------------------------------- restarts
def test_restarts_tab_and_its_controls():
    at = _app({"restarts": "30"}, tab="Restarts")
    assert_ok(at)
    strip = chart_spec(at, "restarts_fig")
    assert array_length(strip["data"][0]["customdata"]) == 30  # one dot per restart
    assert any("best of 30" in (t.get("name") or "") for t in strip["data"])
    best = at.number_input(key="restart_pick").value
    assert "It is the **best of 30**." in text(at.markdown)
    shown = at.metric[0].proto
    assert shown.delta == "the best"  # no arrow and no colour: nothing is worse
    assert (shown.direction, shown.color) == (MetricProto.NONE, MetricProto.GRAY)
    at.number_input(key="restart_pick").set_value((best + 1) % 30).run()
    assert_ok(at)
    assert "best of 30" not in text(at.markdown)
    replay = chart_spec(at, "restart_player")
    assert replay["labels"] and replay["step"] == len(replay["labels"]) - 1  # at its final fit
    at.slider(key="restarts").set_value(12).run()
    assert_ok(at)
    at.selectbox(key="rinit").set_value("kmeans-pp").run()
    assert_ok(at)
    at.number_input(key="riters").set_value(50).run()
    assert_ok(at)
    at.number_input(key="rtol").set_value(1e-4).run()
    assert_ok(at)
    q = query(at)
    assert q["restarts"] == "12" and q["rinit"] == "kmeans-pp" and q["riters"] == "50"
    assert float(q["rtol"]) == 1e-4
    # 12 dots, and the restart shown is the best one: restart i is fit_gmm with seed 0 + i
    strip = chart_spec(at, "restarts_fig")
    assert array_length(strip["data"][0]["customdata"]) == 12
    X, _ = gmmviz.datasets.textbook()
    nll = [gmmviz.fit_gmm(X, 3, init="kmeans-pp", max_iter=50, tol=1e-4, reg_covar=1e-6,
                          random_state=i).final.nll for i in range(12)]
    assert at.number_input(key="restart_pick").value == int(np.argmin(nll))
    assert metric(at, "Final NLL of this restart") == format_number(min(nll))
    bars = at.get("progress")
    assert bars and bars[-1].proto.value == 100  # the progress bar ends full
    assert "12 restarts" in bars[-1].proto.text


def test_a_spurious_best_restart_is_cautioned_and_the_next_reasonable_is_one_click_away():
    at = _app(tab="Restarts")  # 50 random restarts on the textbook data
    assert_ok(at)
    result = gmmviz.fit_restarts(gmmviz.datasets.textbook()[0], 3, 50, init="random",
                                 max_iter=200, tol=1e-5, reg_covar=1e-6, random_state=0)
    best, reasonable = result.best_index, gmmviz.outcomes.best_reasonable_restart(result)
    assert at.number_input(key="restart_pick").value == best
    assert metric(at, "Final NLL of this restart") == "212.75"
    caution = text(at.warning)
    assert "looks spurious" in caution and "component 3: π = 0.127, about 13 points" in caution
    assert f"restart {reasonable}** (NLL 215.08)" in caution
    at.button(key="show_reasonable").click().run()
    assert_ok(at)
    assert at.number_input(key="restart_pick").value == reasonable
    assert metric(at, "Final NLL of this restart") == "215.08"
    # the gap to the best, a worse NLL: up and red
    delta = at.metric[0].proto
    gap = format_number(result.nll[reasonable] - result.nll[best], signed=True)
    assert delta.delta == f"{gap} vs best"
    assert (delta.direction, delta.color) == (MetricProto.UP, MetricProto.RED)
    assert "looks spurious" not in text(at.warning)
    assert "best of 50" not in text(at.markdown)


# --------------------------------------------------------------------------- identical starts
@pytest.mark.parametrize("cov", ["full", "spherical"])
def test_identical_start_demo(cov):
    at = _app({"cov": cov}, tab="Identical starts")
    assert_ok(at)
    assert not at.get("plotly_chart")
    at.toggle(key="identical_demo").set_value(True).run()
    assert_ok(at)
    assert [m.value for m in at.metric] == ["0"]
    assert "exactly identical" in text(at.success)
    assert "never" in text(at.markdown) and "separate" in text(at.markdown)
    identical = chart_spec(at, "identical_player")
    assert identical["labels"] and len(identical["panels"]) == 1


# --------------------------------------------------------------------------- choosing k
def test_choosing_k_links_to_the_explorer():
    at = _app(tab="Choosing k")
    assert_ok(at)
    spec = chart_spec(at, "selection_fig")
    names = {t.get("name") for t in spec["data"]}
    assert {"full", "diag", "spherical", "tied", "minimum BIC", "minimum AIC"} <= names
    at.selectbox(key="pick_k").set_value(4).run()
    assert_ok(at)
    at.selectbox(key="pick_cov").set_value("spherical").run()
    assert_ok(at)
    at.number_input(key="grid_n_init").set_value(2).run()
    assert_ok(at)
    # every cell is the best of 2 k-means starts, as selection_grid computes it
    X, _ = gmmviz.datasets.textbook()
    grid = selection.selection_grid(X, n_init=2, reg_covar=1e-6, max_iter=100, random_state=0)
    shown = table(at, "bic")
    assert len(shown) == len(grid)
    np.testing.assert_allclose(shown["bic"], grid["bic"], rtol=1e-9)
    links = [m.value for m in at.markdown if "in the explorer" in m.value]
    assert links, text(at.markdown)
    url = links[0][links[0].index("(") + 1:links[0].rindex(")")]
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    assert urlparse(url).path == "/"
    assert query["k"] == "4" and query["cov"] == "spherical" and query["init"] == "kmeans"
    assert query["data"] == "textbook"
