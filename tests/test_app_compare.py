"""The Compare page, run headless with Streamlit's AppTest."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parent.parent / "views" / "compare.py")
TIMEOUT = 120


def _app(query: dict[str, str] | None = None, tab: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    if tab:
        at.session_state["compare_tab"] = tab
    return at.run()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _spec(at: AppTest, key: str) -> dict:
    for chart in at.get("plotly_chart"):
        if chart.proto.id and key in chart.proto.id:
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no chart with key {key!r}")


def _panel_titles(spec: dict) -> list[str]:
    n = sum(1 for t in spec["data"] if (t.get("name") or "").startswith("points"))
    return [a["text"] for a in spec["layout"]["annotations"][:n]]


def _text(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _query(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return _app()


# --------------------------------------------------------------------------- side by side
def test_default_view_is_the_notes_comparison(default_app):
    at = default_app
    _ok(at)
    assert at.selectbox(key="data").value == "textbook"
    assert at.slider(key="k").value == 3
    assert [at.selectbox(key=f"panel_init_{p}").value for p in range(3)] == [
        "notes-a2", "notes-b", "kmeans"]
    spec = _spec(at, "compare_fig")
    titles = _panel_titles(spec)
    assert len(titles) == 3
    assert "notes A2" in titles[0] and "notes B" in titles[1] and "k-means" in titles[2]
    assert len(spec["frames"]) == 41  # iters=20, tol=0: every panel plays 20 iterations
    # one Play button and one slider for all panels
    assert len(spec["layout"]["sliders"]) == 1
    assert len(spec["layout"]["updatemenus"]) == 1


def test_default_view_states_the_lesson(default_app):
    at = default_app
    lesson = _text(at.info)
    # notes A2 ends above notes B and k-means, and stays at a worse optimum when run on
    assert "notes A2" in lesson and "worse local optimum" in lesson
    table = at.dataframe[0].value
    assert list(table["run"]) == ["1 · notes A2", "2 · notes B", "3 · k-means · seed 2"]
    assert table["final NLL"].iloc[0] > table["final NLL"].iloc[1:].max()
    best = table["final NLL"].idxmin()
    assert table["best"].iloc[best].startswith("★")
    assert (table["best"] != "").sum() == 1
    assert table["iterations"].tolist() == [20, 20, 20]
    assert "BIC" in table.columns


def test_default_url_holds_the_panels(default_app):
    q = _query(default_app)
    assert q["panels"] == "notes-a2,notes-b,kmeans"
    assert q["seeds"] == "0,1,2"
    assert q["iters"] == "20" and q["tol"] == "0" and q["k"] == "3"


def test_panel_count_and_inits_and_seeds_rerun():
    at = _app()
    at.number_input(key="n_panels").set_value(5).run()
    _ok(at)
    assert len(_panel_titles(_spec(at, "compare_fig"))) == 5
    at.selectbox(key="panel_init_0").set_value("random").run()
    _ok(at)
    at.number_input(key="panel_seed_0").set_value(7).run()
    _ok(at)
    q = _query(at)
    assert q["panels"].split(",")[0] == "random"
    assert q["seeds"].split(",")[0] == "7"
    assert len(q["panels"].split(",")) == 5
    assert "seed 7" in _panel_titles(_spec(at, "compare_fig"))[0]
    at.number_input(key="n_panels").set_value(2).run()
    _ok(at)
    assert len(_panel_titles(_spec(at, "compare_fig"))) == 2
    assert _query(at)["panels"] == "random,notes-b"


def test_every_init_and_shared_control_reruns():
    at = _app({"panels": "identical,kmeans-pp,random-resp,manual,notes-a,random"})
    _ok(at)
    assert len(_panel_titles(_spec(at, "compare_fig"))) == 6
    assert at.get("arrow_data_editor") or at.get("data_editor")  # the manual start's table
    at.slider(key="k").set_value(4).run()
    _ok(at)
    assert "k = 3 only" in _text(at.warning)  # notes A falls back to k-means, with a reason
    at.selectbox(key="cov").set_value("tied").run()
    _ok(at)
    at.number_input(key="iters").set_value(5).run()
    _ok(at)
    at.number_input(key="tol").set_value(1e-3).run()
    _ok(at)
    at.number_input(key="reg").set_value(1e-3).run()
    _ok(at)
    at.slider(key="speed").set_value(300).run()
    _ok(at)
    at.selectbox(key="data").set_value("blobs").run()
    _ok(at)
    assert len(_panel_titles(_spec(at, "compare_fig"))) == 6


# --------------------------------------------------------------------------- URL state
def test_url_restores_the_state():
    at = _app({"data": "blobs", "n": "300", "seed": "4", "k": "2", "cov": "diag",
               "iters": "7", "tol": "0", "panels": "random,kmeans-pp", "seeds": "11,12"})
    _ok(at)
    assert not at.warning
    assert at.selectbox(key="data").value == "blobs"
    assert at.number_input(key="n").value == 300
    assert at.slider(key="k").value == 2
    assert at.selectbox(key="cov").value == "diag"
    assert at.number_input(key="n_panels").value == 2
    assert at.selectbox(key="panel_init_1").value == "kmeans-pp"
    assert at.number_input(key="panel_seed_0").value == 11
    spec = _spec(at, "compare_fig")
    assert len(spec["frames"]) == 15
    assert "seed 11" in _panel_titles(spec)[0]


@pytest.mark.parametrize(
    ("query", "name"),
    [({"panels": "kmeans,bogus"}, "panels"), ({"panels": "kmeans"}, "panels"),
     ({"k": "99"}, "k"), ({"iters": "-3"}, "iters"), ({"cov": "round"}, "cov"),
     ({"restarts": "5000"}, "restarts")],
)
def test_invalid_url_values_warn_and_fall_back(query, name):
    at = _app(query)
    _ok(at)
    assert name in _text(at.warning)
    assert len(_panel_titles(_spec(at, "compare_fig"))) >= 2


def test_invalid_seed_in_url_warns():
    at = _app({"seeds": "0,abc,2"})
    _ok(at)
    assert "abc" in _text(at.warning)
    assert at.number_input(key="panel_seed_1").value == 1


# --------------------------------------------------------------------------- restarts
def test_restarts_tab_and_its_controls():
    at = _app({"restarts": "30"}, tab="Restarts")
    _ok(at)
    strip = _spec(at, "restarts_fig")
    dots = strip["data"][0]
    assert len(dots["customdata"]["bdata"] if isinstance(dots["customdata"], dict)
               else dots["customdata"]) > 0
    assert any("best of 30" in (t.get("name") or "") for t in strip["data"])
    best = at.number_input(key="restart_pick").value
    assert "best of n" in _text(at.markdown)
    at.number_input(key="restart_pick").set_value((best + 1) % 30).run()
    _ok(at)
    assert "best of n" not in _text(at.markdown)
    assert _spec(at, "restart_fit")["frames"]
    at.slider(key="restarts").set_value(12).run()
    _ok(at)
    at.selectbox(key="rinit").set_value("kmeans-pp").run()
    _ok(at)
    at.number_input(key="riters").set_value(50).run()
    _ok(at)
    at.number_input(key="rtol").set_value(1e-4).run()
    _ok(at)
    q = _query(at)
    assert q["restarts"] == "12" and q["rinit"] == "kmeans-pp" and q["riters"] == "50"
    bars = at.get("progress")
    assert bars and bars[-1].proto.value == 100  # the progress bar ends full
    assert "12 restarts" in bars[-1].proto.text


# --------------------------------------------------------------------------- identical starts
@pytest.mark.parametrize("cov", ["full", "spherical"])
def test_identical_start_demo(cov):
    at = _app({"cov": cov}, tab="Identical starts")
    _ok(at)
    assert not at.get("plotly_chart")
    at.toggle(key="identical_demo").set_value(True).run()
    _ok(at)
    assert [m.value for m in at.metric] == ["0"]
    assert "exactly identical" in _text(at.success)
    assert "never" in _text(at.markdown) and "separate" in _text(at.markdown)
    assert _spec(at, "identical_fig")["frames"]


# --------------------------------------------------------------------------- choosing k
def test_choosing_k_links_to_the_explorer():
    at = _app(tab="Choosing k")
    _ok(at)
    spec = _spec(at, "selection_fig")
    names = {t.get("name") for t in spec["data"]}
    assert {"full", "diag", "spherical", "tied", "minimum BIC", "minimum AIC"} <= names
    at.selectbox(key="pick_k").set_value(4).run()
    _ok(at)
    at.selectbox(key="pick_cov").set_value("spherical").run()
    _ok(at)
    at.number_input(key="grid_n_init").set_value(2).run()
    _ok(at)
    links = [m.value for m in at.markdown if "in the explorer" in m.value]
    assert links, _text(at.markdown)
    url = links[0][links[0].index("(") + 1:links[0].rindex(")")]
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    assert urlparse(url).path == "/"
    assert query["k"] == "4" and query["cov"] == "spherical" and query["init"] == "kmeans"
    assert query["data"] == "textbook"
