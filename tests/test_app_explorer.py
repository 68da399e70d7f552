"""The explorer page, run headless with Streamlit's AppTest."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from streamlit.testing.v1 import AppTest

import gmmviz
from gmmviz import manual
from tests._apptest import (
    APP,
    TIMEOUT,
    assert_ok,
    chart_spec,
    charts,
    components,
    open_app,
    page_path,
    player_spec,
    set_widget,
    text,
)
from views import _common

PAGE = page_path("explorer")


def _app(query: dict[str, str] | None = None, *, first_run_only: bool = False) -> AppTest:
    """The explorer opened by a new session, after the rerun that the browser asks for once it
    has drawn the figure (the first run may send the figure and its header alone)."""
    return open_app(PAGE, query, runs=1 if first_run_only else 2)


WIDGETS = {"data": "selectbox", "n": "number_input", "seed": "number_input", "k": "slider",
           "init": "selectbox", "cov": "selectbox", "iters": "number_input",
           "tol": "number_input", "reg": "number_input", "levels": "multiselect",
           "speed": "slider", "density": "toggle", "present": "toggle"}


def _types(node) -> list[str]:
    """The element and block types under ``node``, depth first."""
    out = []
    for child in getattr(node, "children", {}).values():
        out.append(getattr(child, "type", type(child).__name__))
        out += _types(child)
    return out


def _asks_for_rerun(at: AppTest) -> bool | None:
    """Whether the element after the figure asks the browser for a rerun once the figure has
    drawn (None: no such element)."""
    found = components(at, "gmmviz_figure_drawn", at.main)
    return json.loads(found[0].proto.json)["rerun"] if found else None


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return _app()


def test_default_page_shows_the_textbook_run_paused_at_its_start(default_app):
    at = default_app
    assert_ok(at)
    assert at.selectbox(key="data").value == "textbook"
    assert at.slider(key="k").value == 3
    assert at.selectbox(key="init").value == "textbook-b"
    assert at.selectbox(key="cov").value == "full"
    spec = player_spec(at)
    labels = spec["labels"]
    assert labels[0] == "Start"
    assert labels[1] == "Iteration 1 · E-step: responsibilities updated"
    assert labels[2] == "Iteration 1 · M-step: π, μ, Σ updated"
    assert spec["next"][:2] == ["E-step", "M-step"]  # the Next button's name at each step
    # paused on the first half-step, whose title shows the start's NLL
    assert spec["step"] == 0
    assert "426.22" in spec["titles"][0]
    assert len(spec["html"]) == len(labels)  # a step panel for every half-step
    # the summary and the final NLL
    assert "Converged at iteration" in text(at.success)
    assert at.metric[0].label == "Final NLL"
    assert [t.label for t in at.tabs] == ["Inspect a point", "π, μ, Σ at a step",
                                          "The equations"]
    # until a point is chosen the inspector only says how to choose one
    assert "Click a point" in text(at.info)
    assert len(charts(at)) == 1
    assert at.warning.len == 0 and at.error.len == 0


def test_default_url_mirrors_every_control(default_app):
    q = default_app.query_params
    assert q["data"] == "textbook" and q["k"] == "3" and q["init"] == "textbook-b"
    assert q["cov"] == "full" and q["iters"] == "100" and q["levels"] == "1,2"
    assert q["density"] == "0" and q["speed"] == "600"


CONTROL_CHANGES = [
    ("slider", "k", 4),
    ("selectbox", "cov", "diag"),
    ("selectbox", "cov", "spherical"),
    ("selectbox", "cov", "tied"),
    ("number_input", "iters", 7),
    ("number_input", "iters", 0),
    ("number_input", "tol", 0.0),
    ("number_input", "reg", 0.01),
    ("number_input", "seed", 5),
    ("multiselect", "levels", ["1", "2", "3"]),
    ("multiselect", "levels", []),
    ("slider", "speed", 200),
    ("toggle", "density", True),
    ("selectbox", "data", "moons"),
    ("number_input", "n", 300),
    ("selectbox", "data", "outliers"),
    ("number_input", "point", 42),
]


def test_changing_each_control_reruns_without_exception():
    at = _app()
    for widget, key, value in CONTROL_CHANGES:
        set_widget(at, widget, key, value)
        where = f"after setting {key} = {value!r}"
        assert charts(at), where
        assert at.error.len == 0, (where, text(at.error))
        if key in _common.EXPLORER_SCHEMA:
            param = _common.EXPLORER_SCHEMA[key]
            expected = param.encode(_common.from_widget(param, value))
            assert at.query_params.get(key, "") == expected, where


def test_changing_n_of_a_preset_refits_with_that_many_points():
    at = _app({"data": "blobs"})
    at.number_input(key="n").set_value(300).run()
    assert_ok(at)
    assert at.query_params["n"] == "300"
    assert "300 points" in text(at.caption)


def test_every_initialization_runs():
    at = _app()
    for init in _common.INIT_LABELS:
        at.selectbox(key="init").set_value(init).run()
        assert not at.exception, (init, [e.value for e in at.exception])
        assert charts(at), init
        assert at.error.len == 0, (init, text(at.error))
        assert at.query_params["init"] == init
        assert _common.INIT_LABELS[init].split(" (")[0] in text(at.caption), init


def test_a_notes_start_with_k_other_than_3_says_why_and_falls_back():
    at = _app({"k": "4", "init": "notes-a"})
    assert_ok(at)
    assert "k = 3 only" in text(at.warning)
    assert charts(at)
    assert at.error.len == 0


@pytest.mark.parametrize(("init", "values", "first_nll"), [
    ("notes-a", "μ (-2, -1), (-2, 0), (-2, 1); π 0.33, 0.33, 0.34; Σ = I", "543.25"),
    ("notes-b", "μ (2, 2), (-2, 0), (2, -2); π 0.33, 0.33, 0.34; Σ = I", "423.89"),
    ("textbook-a", "μ (-2, 1), (-2, 0), (-2, -1); π 0.33, 0.33, 0.34; Σ = I", "543.47"),
    ("textbook-b", "μ (2, 2), (-2, 0), (2, -2); π 0.3, 0.3, 0.4; Σ = I", "426.22"),
])
def test_each_fixed_start_shows_its_values_and_starts_from_them(init, values, first_nll):
    at = _app({"init": init})
    assert_ok(at)
    assert values in text(at.caption)
    assert f"NLL = {first_nll}" in player_spec(at)["titles"][0]
    assert values in at.selectbox(key="init").proto.help


def test_a_link_with_notes_a2_opens_notes_a_and_writes_its_new_name():
    at = _app({"init": "notes-a2"})
    assert_ok(at)
    assert at.warning.len == 0
    assert at.selectbox(key="init").value == "notes-a"
    assert at.query_params["init"] == "notes-a"
    assert "NLL = 543.25" in player_spec(at)["titles"][0]


def test_the_example_link_restores_every_control():
    at = _app({"data": "blobs", "n": "2000", "seed": "3", "k": "4", "init": "kmeans",
               "cov": "full", "iters": "50", "tol": "0"})
    assert_ok(at)
    assert at.selectbox(key="data").value == "blobs"
    assert at.number_input(key="n").value == 2000
    assert at.number_input(key="seed").value == 3
    assert at.slider(key="k").value == 4
    assert at.selectbox(key="init").value == "kmeans"
    assert at.selectbox(key="cov").value == "full"
    assert at.number_input(key="iters").value == 50
    assert at.number_input(key="tol").value == 0.0
    assert "link" not in text(at.warning)
    # tol = 0 runs every iteration: 1 start + 2 half-steps per iteration
    assert "Ran all 50 iterations" in text(at.info)
    assert len(player_spec(at)["labels"]) == 101
    assert "2,000 points" in text(at.caption)


def test_display_parameters_are_restored_from_the_link():
    at = _app({"levels": "1,3", "speed": "250", "density": "1"})
    assert_ok(at)
    assert at.multiselect(key="levels").value == ["1", "3"]
    assert at.slider(key="speed").value == 250
    assert at.toggle(key="density").value is True


@pytest.mark.parametrize(
    ("query", "key", "default"),
    [
        ({"k": "99"}, "k", 3),
        ({"init": "bogus"}, "init", "textbook-b"),
        ({"tol": "abc"}, "tol", 1e-4),
        ({"data": "nope"}, "data", "textbook"),
        ({"cov": "round"}, "cov", "full"),
        ({"iters": "-3"}, "iters", 100),
        ({"levels": "1,7"}, "levels", ["1", "2"]),
        ({"speed": "4000"}, "speed", 600),
        ({"density": "yes"}, "density", False),
    ],
)
def test_an_invalid_link_value_falls_back_to_the_default_with_a_warning(query, key, default):
    at = _app(query)
    assert_ok(at)
    name = next(iter(query))
    assert any(f"{name}=" in w.value for w in at.warning), text(at.warning)
    assert getattr(at, WIDGETS[key])(key=key).value == default
    assert charts(at)
    # the URL is corrected, so the next rerun shows no warning
    assert at.query_params[name] == _common.EXPLORER_SCHEMA[name].encode(
        _common.EXPLORER_SCHEMA[name].default)


def test_an_upload_link_without_a_file_asks_for_one():
    at = _app({"data": "upload"})
    assert_ok(at)
    assert "Upload a CSV file" in text(at.info)


def test_uploading_a_csv_then_a_bad_file_keeps_the_good_data():
    at = _app()
    at.selectbox(key="data").set_value("upload").run()
    assert_ok(at)
    rows = "\n".join(f"{i % 7},{(i * 3) % 11},{i}" for i in range(60))
    at.file_uploader(key="upload").set_value(("points.csv", f"u,v,w\n{rows}\n".encode(),
                                              "text/csv")).run()
    assert_ok(at)
    assert at.error.len == 0
    assert at.selectbox(key="xcol").value == "u"
    assert at.selectbox(key="ycol").value == "v"
    assert "points.csv" in text(at.caption)
    assert charts(at)
    at.selectbox(key="ycol").set_value("w").run()
    assert_ok(at)
    assert "u vs w" in text(at.caption)

    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    at.file_uploader(key="upload").set_value(("picture.png", png, "image/png")).run()
    assert_ok(at)
    assert "PNG image" in text(at.error)
    assert "points.csv" in text(at.caption)  # the previous data stays
    assert charts(at)


def test_an_upload_with_dropped_rows_says_so():
    at = _app({"data": "upload"})
    at.file_uploader(key="upload").set_value(
        ("p.csv", b"x,y,label\n1,2,a\n3,4,b\n5,,c\n6,1,d\n2,2,e\n", "text/csv")).run()
    assert_ok(at)
    info = text(at.info)
    assert "1 row(s)" in info and "label" in info


def test_a_first_upload_that_is_bad_shows_a_message_not_an_exception():
    at = _app({"data": "upload"})
    at.file_uploader(key="upload").set_value(("empty.csv", b"", "text/csv")).run()
    assert_ok(at)
    assert "empty" in text(at.error).lower()


def test_an_impossible_setting_shows_its_message_and_keeps_the_last_figure():
    at = _app()
    assert player_spec(at)["labels"][0] == "Start"
    set_widget(at, "slider", "k", 10)  # fine: 100 points, 10 components
    assert at.error.len == 0
    X, _ = gmmviz.datasets.textbook()
    run = gmmviz.fit_gmm(X, 10, init="kmeans", reg_covar=1e-6, tol=1e-4, max_iter=100,
                         random_state=0)
    spec = player_spec(at)
    assert len(spec["labels"]) == len(run.steps)
    assert [text for _, text in spec["legend"]] == [f"component {j}" for j in range(1, 11)]
    assert np.allclose(spec["chart"]["series"][0]["y"], run.nll)
    # a k larger than the number of distinct points is not:
    at = _app({"data": "upload"})
    at.file_uploader(key="upload").set_value(("few.csv", b"1,2\n3,4\n5,6\n", "text/csv")).run()
    assert_ok(at)
    assert at.error.len == 0
    before = chart_spec(at)
    assert "3 points" in text(at.caption)
    at.slider(key="k").set_value(5).run()
    assert_ok(at)
    assert "distinct point" in text(at.error)
    # the figure of the last run that worked stays, and says so
    assert chart_spec(at) == before
    assert "last run that worked" in text(at.caption)


def test_manual_start_shows_a_table_and_runs_from_it():
    at = _app({"init": "manual"})
    assert_ok(at)
    assert len(at.data_editor) == 1
    table = at.data_editor[0].value
    assert list(table.columns) == ["pi", "mu_x", "mu_y", "s_xx", "s_xy", "s_yy"]
    assert len(table) == 3
    assert at.error.len == 0
    assert len(at.query_params["start"].split(",")) == 18


def test_manual_start_renormalises_weights_with_a_notice():
    at = _app({"init": "manual"})
    at.session_state["manual_table"] = {
        "edited_rows": {0: {"pi": 2.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_ok(at)
    assert "summed to" in text(at.info)
    assert charts(at)


def test_manual_start_refuses_a_sigma_that_is_not_positive_definite():
    at = _app({"init": "manual"})
    at.session_state["manual_table"] = {
        "edited_rows": {1: {"s_xy": 50.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_ok(at)
    assert "not positive definite" in text(at.error)
    assert charts(at)  # the last good run stays on screen
    assert "last run that worked" in text(at.caption)


def test_a_link_with_a_refused_manual_start_shows_why():
    at = _app({"init": "manual", "start": "1,0,0,1,2,1,1,1,1,1,0,1,1,2,2,1,0,1"})
    assert_ok(at)
    assert "Sigma of component 1 is not positive definite" in text(at.error)
    assert not any("Click a point" in str(i.value) for i in at.info)  # no run to inspect
    # the refused table stays, to be corrected, when another control moves
    bad = at.query_params["start"]
    at.slider(key="speed").set_value(900).run()
    assert_ok(at)
    assert "Sigma of component 1 is not positive definite" in text(at.error)
    assert at.query_params["start"] == bad


def test_manual_start_is_restored_from_the_link():
    start = "0.5,-1,0,1,0,1,0.25,1,1,1,0.5,1,0.25,1,-1,1,0,1"
    at = _app({"init": "manual", "start": start})
    assert_ok(at)
    table = at.data_editor[0].value
    assert table["pi"].tolist() == [0.5, 0.25, 0.25]
    assert table["s_xy"].tolist() == [0, 0.5, 0]


def test_display_controls_do_not_refit():
    _common._fit_gmm.clear()
    _common._player_data.clear()
    at = _app()
    fits = _common.CALLS["fit_gmm"]
    figures = _common.CALLS["player"]
    at.multiselect(key="levels").set_value(["1", "2", "3"]).run()
    at.slider(key="speed").set_value(900).run()
    at.toggle(key="density").set_value(True).run()
    at.number_input(key="point").set_value(3).run()
    assert_ok(at)
    assert _common.CALLS["fit_gmm"] == fits
    assert _common.CALLS["player"] == figures + 3
    # a fit setting does refit, and going back to it is a cache hit
    at.number_input(key="reg").set_value(0.5).run()
    assert _common.CALLS["fit_gmm"] == fits + 1
    at.number_input(key="reg").set_value(1e-6).run()
    assert _common.CALLS["fit_gmm"] == fits + 1


@pytest.mark.parametrize("step", [None, 5, -1])
def test_inspecting_a_point_fills_in_bayes_rule_at_the_players_step(step):
    X, _ = gmmviz.datasets.textbook()
    run = gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=1e-6, tol=1e-4, max_iter=100)
    at = _app()
    if step is not None:  # as the player reports a half-step the user settled on
        at.session_state["em_player_step"] = step % len(run.steps)
    at.number_input(key="point").set_value(10).run()
    assert_ok(at)
    latex = text(at.latex)
    assert r"\gamma_{10,1}" in latex and r"\gamma_{10,3}" in latex
    assert "Bayes' rule for point 10" in text(at.markdown)
    # the numbers, against scipy's Gaussian density at the parameters of the player's step
    at_step = run.steps[0 if step is None else step]
    num = np.array([w * multivariate_normal(m, c).pdf(X[10]) for w, m, c in
                    zip(at_step.weights, at_step.means, at_step.covariances, strict=True)])
    gamma = num / num.sum()
    for j in range(3):
        assert f"= {gamma[j]:.3f}" in latex
        if num[j] > 1e-3:
            assert f"{{{num[j]:.4g}}}" in latex
    assert f"{num.sum():.4g}" in latex
    assert len(charts(at)) == 2  # the EM player and the responsibility bars
    # the player explains the same point in its E-step panels
    assert player_spec(at)["point"] == 10


def test_the_equations_tab_shows_the_e_and_m_steps():
    at = _app()
    at.session_state["explorer_tab"] = "The equations"
    at.run()
    assert_ok(at)
    latex = text(at.latex)
    assert r"\gamma_{nk}" in latex and r"\pi_k = \frac{N_k}{N}" in latex


def test_a_collapsing_run_is_explained_with_what_to_change():
    at = _app({"k": "5", "init": "kmeans-pp", "reg": "0", "seed": "0", "iters": "200"})
    assert_ok(at)
    summary = text(at.error)
    assert "component 5 collapsed onto a line at iteration 29" in summary
    assert "reg_covar" in summary and "lower **k**" in summary


def test_a_start_on_a_singular_covariance_is_an_error_message():
    at = _app({"k": "8", "init": "kmeans", "reg": "0", "seed": "1"})
    assert_ok(at)
    assert "set reg_covar above 0" in text(at.error)


def test_settings_survive_a_visit_to_other_pages():
    at = open_app(APP, runs=2)
    assert_ok(at)
    at.slider(key="k").set_value(5).run()
    at.number_input(key="iters").set_value(40).run()
    at.multiselect(key="levels").set_value(["3"]).run()
    at.switch_page("views/likelihood.py").run()
    at.switch_page("views/explorer.py").run()
    assert_ok(at)
    assert at.slider(key="k").value == 5
    assert at.number_input(key="iters").value == 40
    assert at.multiselect(key="levels").value == ["3"]
    # a page with widgets of the same keys takes the values over, and hands them back
    at.switch_page("views/compare.py").run()
    assert at.slider(key="k").value == 5
    at.switch_page("views/explorer.py").run()
    assert_ok(at)
    assert at.slider(key="k").value == 5
    assert at.number_input(key="iters").value == 40
    assert at.query_params["k"] == "5"


def test_presentation_mode_shows_the_animation_alone():
    at = _app({"present": "1"})
    assert_ok(at)
    assert at.toggle(key="present").value is True
    assert len(at.tabs) == 0  # no inspector, tables or equations below the animation
    assert player_spec(at)["present"] is True  # larger text
    at_normal = _app()
    assert len(at_normal.tabs) == 3
    assert player_spec(at_normal)["present"] is False


def test_the_run_can_be_taken_away(default_app):
    labels = [b.proto.label for b in default_app.get("download_button")]
    assert {"Animation (HTML)", "Responsibilities (CSV)", "Whole run (JSON)",
            "Picture (PNG)"} <= set(labels)
    assert any(b.label == "Make a GIF" for b in default_app.button)


def test_making_the_gif_offers_it_with_one_frame_per_half_step():
    from PIL import Image

    at = _app({"iters": "3", "tol": "0"})
    next(b for b in at.button if b.label == "Make a GIF").click().run()
    assert_ok(at)
    gif = next(b for b in at.get("download_button") if b.proto.label == "Animation (GIF)")
    data = at.session_state["_gif_made_explorer"][1]
    image = Image.open(io.BytesIO(data))
    assert image.n_frames == 7 and image.size == (1280, 720)  # start + 2 x 3 half-steps
    assert gif is not None


# ----------------------------------------------------------------------------- first run

@pytest.mark.parametrize("query", [
    None,
    {"data": "blobs", "n": "300", "seed": "3", "k": "4", "init": "kmeans", "cov": "diag"},
])
def test_a_new_session_gets_the_figure_and_its_header_before_the_controls(query):
    at = _app(query, first_run_only=True)
    assert_ok(at)
    # the figure, the header above it and the element that asks for the rerun; no widgets
    assert _types(at.sidebar) == []
    assert _asks_for_rerun(at) is True
    assert len(charts(at)) == 1
    first_spec = chart_spec(at)
    first_header = (at.caption[0].value, text(at.success), [m.value for m in at.metric])
    k = int((query or {}).get("k", 3))
    assert f"**k** = {k}" in first_header[0]
    at.run()  # what the browser asks for once the figure has drawn
    assert_ok(at)
    assert _asks_for_rerun(at) is False
    assert at.selectbox(key="data").value == (query or {}).get("data", "textbook")
    assert at.slider(key="k").value == k
    # the same figure and header, with every control now beside them
    assert chart_spec(at) == first_spec
    assert (at.caption[0].value, text(at.success), [m.value for m in at.metric]) == first_header


@pytest.mark.parametrize("query", [{"init": "manual"}, {"data": "upload"}])
def test_a_page_that_needs_its_widgets_for_the_fit_draws_them_at_once(query):
    at = _app(query, first_run_only=True)
    assert_ok(at)
    assert at.selectbox(key="data").value == query.get("data", "textbook")
    assert _asks_for_rerun(at) is not True
    # every control of the sidebar is there on the first run, and the widget the fit needs
    assert at.slider(key="k").value == 3 and at.selectbox(key="init").value == query.get(
        "init", "textbook-b")
    if query.get("init") == "manual":
        assert len(at.data_editor) == 1
    else:
        assert at.get("file_uploader") and "Upload a CSV file" in text(at.info)


def test_settings_from_another_page_carry_over_to_a_first_visit():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("views/compare.py").run()
    assert_ok(at)
    at.slider(key="k").set_value(5).run()
    at.switch_page("views/explorer.py").run()  # the explorer's first run in this session
    assert_ok(at)
    assert _asks_for_rerun(at) is True
    assert "**k** = 5" in text(at.caption)
    at.run()
    assert_ok(at)
    assert at.slider(key="k").value == 5
    at.switch_page("views/likelihood.py").run()
    at.switch_page("views/explorer.py").run()
    assert at.slider(key="k").value == 5


def test_a_malformed_manual_start_link_says_the_default_rows_were_used():
    at = open_app(PAGE, {"init": "manual", "start": "1,2,x"}, runs=1)
    assert "start='1,2,x' was not used" in text(at.warning)
    assert "default rows for k = 3" in text(at.warning)
    # the table and the link now hold the default rows, and the figure draws
    rows = manual.default_rows(gmmviz.datasets.textbook()[0], 3)
    assert at.data_editor[0].value["mu_x"].tolist() == [r["mu_x"] for r in rows]
    assert at.query_params["start"] == ",".join(manual.encode_rows(rows))
    assert charts(at)
    at.run()
    assert_ok(at)
    assert not at.warning, text(at.warning)


def test_a_valid_manual_start_link_shows_no_warning():
    start = "0.5,-1,0,1,0,1,0.25,1,1,1,0.5,1,0.25,1,-1,1,0,1"
    at = _app({"init": "manual", "start": start})
    assert not at.warning, text(at.warning)
    assert at.query_params["start"] == start


def test_a_new_k_starts_the_manual_table_from_the_default_rows_with_a_note():
    at = _app({"init": "manual"})
    at.slider(key="k").set_value(2).run()
    assert_ok(at)
    assert not at.warning, text(at.warning)
    assert "had 3 rows and k is 2" in text(at.info)
    assert len(at.data_editor[0].value) == 2
    assert len(at.query_params["start"].split(",")) == 12
