"""What every page does with work it cannot or should not do: a request over the work budget
is not run and the largest setting that fits is offered; long work can be stopped; a setting
the library refuses keeps the last good figure. Run headless with Streamlit's AppTest."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import gmmviz
from gmmviz.budget import Request, check
from tests._apptest import ROOT, assert_ok, chart_spec, open_app, page_path, query, text
from views import _common, _work

#: Each page's main figure, by its element key.
FIGURES = {"explorer": "em_player", "compare": "compare_player", "kmeans": "kmeans_player",
           "limit": "limit_fig", "lower_bound": "bound_figure"}
SLOW_COMPARE = {"data": "blobs", "n": "50000", "k": "10", "iters": "500",
                "panels": ",".join(["random"] * 6), "seeds": "1,2,3,4,5,6"}


def _csv(X: np.ndarray) -> bytes:
    return ("x,y\n" + "\n".join(f"{a:.17g},{b:.17g}" for a, b in X)).encode()


def _two_blobs() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(size=(40, 2)) - 3, rng.normal(size=(40, 2)) + 3])


#: Two distinct points, ten times each: EM and K-means refuse k = 3 on them.
TWO_POINTS = np.array([[0.0, 0.0], [1.0, 1.0]] * 10)


def _upload(at: AppTest, X: np.ndarray, name: str) -> AppTest:
    at.file_uploader(key="upload").set_value((name, _csv(X), "text/csv")).run()
    assert_ok(at)
    return at


def _offers(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.label.startswith("Use ")]


def _largest_iterations(request: Request) -> int:
    """The offered iterations: they fit, and one more does not (checked here, not taken from
    the page)."""
    t = check(request).max_iter
    with_t = Request(request.n_samples, request.n_components, t, request.n_runs)
    one_more = Request(request.n_samples, request.n_components, t + 1, request.n_runs)
    assert check(with_t).fits and not check(one_more).fits
    return t


# --------------------------------------------------------------------------- over the budget
def test_the_slow_compare_link_answers_at_once_with_an_offer_that_applies():
    fits = _common.CALLS["fit_gmm"]
    at = open_app(page_path("compare"), SLOW_COMPARE)
    # nothing was fitted or drawn: one sentence says what was asked, and how far over it is
    assert _common.CALLS["fit_gmm"] == fits
    assert not at.get("plotly_chart")
    said = text(at.warning)
    assert ("50,000 points x 10 components x 500 iterations x 6 panels is about" in said
            and "times what one page computes at once" in said), said
    t = _largest_iterations(Request(50_000, 10, 500, 6))
    assert f"Use {t} iterations" in _offers(at)
    assert "Use 1,998 points" in _offers(at)  # N (2 T + 1) 6 <= 12e6 frames at T = 500
    # the button applies the setting, and the page runs it
    next(b for b in at.button if b.label == f"Use {t} iterations").click().run()
    assert_ok(at)
    assert at.number_input(key="iters").value == t
    assert query(at)["iters"] == str(t)
    assert "times what one page computes" not in text(at.warning)
    spec = chart_spec(at, "compare_player")
    assert len(spec["panels"]) == 6
    assert len(spec["labels"]) <= 2 * t + 1


def test_a_request_over_budget_keeps_the_explorer_s_figure():
    at = open_app(page_path("explorer"), {"data": "blobs", "n": "50000", "k": "3",
                                          "init": "kmeans", "iters": "10"}, runs=2)
    before = chart_spec(at, "em_player")
    fits = _common.CALLS["fit_gmm"]
    at.number_input(key="iters").set_value(500).run()
    assert_ok(at)
    assert _common.CALLS["fit_gmm"] == fits  # not run
    assert chart_spec(at, "em_player") == before  # the last figure stays, and says so
    assert "last run that worked" in text(at.caption)
    said = text(at.warning)
    assert "50,000 points x 3 components x 500 iterations is about" in said, said
    t = _largest_iterations(Request(50_000, 3, 500))
    assert f"Use {t} iterations" in _offers(at)


@pytest.mark.parametrize("page", ["explorer", "kmeans", "limit"])
def test_an_upload_offers_iterations_but_no_points(page):
    # 13,000 uploaded points animated for 500 iterations: no widget sets an upload's points
    X = np.random.default_rng(1).normal(size=(13_000, 2))
    at = open_app(page_path(page), {"data": "upload", "iters": "500"})
    _upload(at, X, "many.csv")
    assert "13,000 points x 3 components x 500 iterations" in text(at.warning)
    assert "what one page computes at once" in text(at.warning)
    offers = _offers(at)
    assert offers and all(o.endswith(" iterations") for o in offers), offers


# --------------------------------------------------------------------------- Stop
def _click_stop_at_first_report(monkeypatch: pytest.MonkeyPatch, seen: list) -> None:
    """At the first progress report, what a click on Stop does while work runs: its callback,
    then a rerun that interrupts the script at its next st call. ``seen`` collects every
    report's (slot, whether a bar is shown, done, total)."""
    report = _work.Work.progress

    def progress(self: _work.Work, done: float, total: float) -> None:
        seen.append((self.slot, self._bar is not None, done, total))
        if len(seen) == 1:
            _work._stop(self.slot, self.name)
            st.rerun()
        report(self, done, total)

    monkeypatch.setattr(_work.Work, "progress", progress)


def test_stopped_work_keeps_the_figure_and_waits_to_be_asked_again(monkeypatch):
    at = open_app(page_path("compare"))
    before = chart_spec(at, "compare_player")
    seen = []
    monkeypatch.setattr(_work, "LONG_WORK", 0)  # the panels count as long work
    _click_stop_at_first_report(monkeypatch, seen)
    at.number_input(key="iters").set_value(7).run()
    assert_ok(at)
    assert seen[0] == ("panels", True, 1, 3)  # a progress bar, and the first panel reported
    assert "Stopped before it finished: 100 points x 3 components x 7 iterations x 3 panels" \
        in text(at.info)
    assert chart_spec(at, "compare_player") == before
    assert "last runs that worked" in text(at.caption)

    # not started again by itself
    monkeypatch.undo()
    fits = _common.CALLS["fit_gmm"]
    at.run()
    assert_ok(at)
    assert _common.CALLS["fit_gmm"] == fits
    assert "Stopped before it finished" in text(at.info)
    assert chart_spec(at, "compare_player") == before
    # ... until asked to
    next(b for b in at.button if b.label == "Run it").click().run()
    assert_ok(at)
    assert "Stopped" not in text(at.info)
    assert len(chart_spec(at, "compare_player")["labels"]) == 15


def test_a_changed_setting_runs_after_a_stop(monkeypatch):
    at = open_app(page_path("compare"))
    monkeypatch.setattr(_work, "LONG_WORK", 0)
    _click_stop_at_first_report(monkeypatch, [])
    at.number_input(key="iters").set_value(9).run()
    assert "Stopped before it finished" in text(at.info)
    monkeypatch.undo()
    at.number_input(key="iters").set_value(8).run()
    assert_ok(at)
    assert "Stopped" not in text(at.info)
    assert len(chart_spec(at, "compare_player")["labels"]) == 17


# --------------------------------------------------------------------------- refused settings
@pytest.mark.parametrize("page", list(FIGURES))
def test_an_input_error_keeps_the_last_good_figure(page):
    at = open_app(page_path(page), {"data": "upload"})
    _upload(at, _two_blobs(), "blobs.csv")
    assert not at.error, text(at.error)
    before = chart_spec(at, FIGURES[page])
    _upload(at, TWO_POINTS, "two_points.csv")  # k = 3 on two distinct points
    assert "distinct point" in text(at.error), text(at.error)
    assert chart_spec(at, FIGURES[page]) == before
    assert "worked" in text(at.caption)


@pytest.mark.parametrize(("tab", "figure", "toggle"), [
    ("Restarts", "restarts_fig", None),
    ("Identical starts", "identical_player", "identical_demo"),
])
def test_each_compare_tab_keeps_its_last_good_figure(tab, figure, toggle):
    at = open_app(page_path("compare"), {"data": "upload"}, session={"compare_tab": tab})
    _upload(at, _two_blobs(), "blobs.csv")
    if toggle:
        at.toggle(key=toggle).set_value(True).run()
    assert not at.error, text(at.error)
    before = chart_spec(at, figure)
    _upload(at, TWO_POINTS, "two_points.csv")
    assert "distinct point" in text(at.error), text(at.error)
    assert chart_spec(at, figure) == before
    assert "worked" in text(at.caption)


def test_the_choosing_k_tab_keeps_its_last_good_figure(monkeypatch):
    at = open_app(page_path("compare"), session={"compare_tab": "Choosing k"})
    before = chart_spec(at, "selection_fig")

    def refuse(*args, **kwargs):
        raise gmmviz.InputError("These settings are refused: change them.")

    monkeypatch.setattr(gmmviz.selection, "selection_grid", refuse)
    at.number_input(key="grid_n_init").set_value(3).run()  # not in the cache
    assert_ok(at)
    assert "These settings are refused" in text(at.error)
    assert chart_spec(at, "selection_fig") == before
    assert "worked" in text(at.caption)


# --------------------------------------------------------------------------- bounded memory
def _cache_calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("cache_data", "cache_resource")]


def test_every_cache_of_the_pages_is_bounded():
    calls = []
    for path in sorted(Path(ROOT, "views").glob("*.py")):
        calls += [(path.name, c) for c in _cache_calls(ast.parse(path.read_text()))]
    assert len(calls) >= 10
    unbounded = [name for name, c in calls
                 if "max_entries" not in {kw.arg for kw in c.keywords}]
    assert not unbounded, unbounded


def test_session_state_keeps_one_last_good_run_per_page():
    at = open_app(page_path("explorer"), runs=2)
    for k in (2, 4, 5):
        at.slider(key="k").set_value(k).run()
        assert_ok(at)
    kept = [key for key in at.session_state if "last_good" in key]
    assert kept == ["_explorer_last_good"]
    request, run = at.session_state["_explorer_last_good"]
    assert run.n_components == 5


def test_one_long_fit_moves_its_progress_bar(monkeypatch):
    """A single fit above LONG_WORK reports every iteration to its bar, up to max_iter."""
    seen: list[tuple[float, float]] = []
    monkeypatch.setattr(_work.Work, "progress",
                        lambda self, done, total: seen.append((done, total)))
    query = {"data": "blobs", "n": "50000", "k": "10", "iters": "120", "tol": "0", "seed": "7"}
    assert check(Request(50_000, 10, 120, animated=False)).fits
    assert Request(50_000, 10, 120).fit_work > _work.LONG_WORK
    at = open_app(page_path("lower_bound"), query)
    assert_ok(at)
    assert seen and all(total == 120 for _, total in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] == 120
    assert at.get("plotly_chart")
