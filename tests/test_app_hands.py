"""The explorer's points edited by hand, from its URL (``add`` and ``drop``), with AppTest:
valid links, hostile values, Undo and Redo, and other data starting afresh."""

from __future__ import annotations

import numpy as np
import pytest

import gmmviz
from tests._apptest import open_app, page_path, player_spec, set_widget, text

PAGE = page_path("explorer")
NOTES_A = {"init": "notes-a", "iters": "20", "tol": "0"}


def _app(query: dict[str, str]):
    return open_app(PAGE, {**NOTES_A, **query}, runs=2)


def _points(at) -> np.ndarray:
    """The points the player draws."""
    import base64

    panel = player_spec(at)["panels"][0]
    return np.frombuffer(base64.b64decode(panel["pts"]), dtype="<f4").reshape(-1, 2)


def _final_nll(at) -> float:
    return player_spec(at)["chart"]["series"][0]["y"][-1]


def _warnings(at) -> str:
    return text(at.warning)


def test_a_link_adds_and_drops_points_and_the_fit_follows():
    at = _app({"add": "1.5,-2;0,0.25", "drop": "4,0"})
    X = gmmviz.datasets.textbook()[0]
    want = np.concatenate([np.delete(X, [0, 4], axis=0), [[1.5, -2], [0, 0.25]]])
    np.testing.assert_allclose(_points(at), want, rtol=1e-6)
    run = gmmviz.fit_gmm(want, 3, init="notes-a", max_iter=20, tol=0)
    assert _final_nll(at) == pytest.approx(run.final.nll, rel=1e-9)
    assert "2 points added and 2 removed by hand" in text(at.caption)
    assert at.query_params["add"] == "1.5,-2;0,0.25" and at.query_params["drop"] == "0,4"
    assert _warnings(at) == ""
    assert at.button(key="edit_undo").disabled  # nothing done here yet to take back


@pytest.mark.parametrize(("add", "kept", "said"), [
    ("nan,1;2,3", [[2, 3]], "1 of the 2 points, 'nan,1', is not two finite numbers"),
    ("inf,inf", [], "the point 'inf,inf' is not two finite numbers"),
    ("1e309,1;1,2", [[1, 2]], "'1e309,1'"),
    ("1,2,3;4,5", [[4, 5]], "'1,2,3'"),
    ("1;2", [], "2 of the 2 points are not"),
    ("1 2|3 4", [], "'1 2|3 4'"),
    ("a;b", [], "not two finite numbers"),
    ("１,２", [], "not two finite numbers"),
    ("<b>1</b>,2;3,4", [[3, 4]], "not two finite numbers"),
])
def test_a_hostile_add_keeps_its_valid_part_with_a_warning(add, kept, said):
    at = _app({"add": add})
    warned = _warnings(at)
    assert "add=" in warned and "not used" in warned and said in warned, warned
    X = gmmviz.datasets.textbook()[0]
    np.testing.assert_allclose(_points(at), np.concatenate([X, np.reshape(kept, (-1, 2))]))
    assert at.query_params.get("add", "") == gmmviz.edits.encode_points(kept)


def test_a_link_of_too_many_points_adds_only_the_first_five_thousand():
    # (a link of a million points is longer than the 512 KiB of query that Streamlit reads at
    # all; decode_points' own test reads one)
    add = ";".join(f"{i % 7},{i % 5}" for i in range(6_000))
    at = _app({"add": add})
    assert "6,000 points and only the first 5,000 are used" in _warnings(at)
    assert len(_points(at)) == 100 + 5_000
    assert len(at.query_params["add"].split(";")) == 5_000


@pytest.mark.parametrize(("drop", "gone", "said"), [
    ("5,5,2", [2, 5], "1 repeated number was used once"),
    ("-1,3", [3], "'-1'"),
    ("1.5,x,7", [7], "2 of the 3 values are not a point's number"),
    ("3,100,250", [3], "points 100, 250 that the data do not have (100 points: 0 to 99)"),
    ("9" * 400, [], "that the data do not have"),
    ("1;2", [], "the value '1;2' is not a point's number"),
])
def test_a_hostile_drop_keeps_its_valid_part_with_a_warning(drop, gone, said):
    at = _app({"drop": drop})
    warned = _warnings(at)
    assert "drop=" in warned or "drop names" in warned, warned
    assert said in warned, warned
    X = gmmviz.datasets.textbook()[0]
    np.testing.assert_allclose(_points(at), np.delete(X, gone, axis=0))
    assert at.query_params.get("drop", "") == ",".join(map(str, gone))


def test_a_changed_address_joins_the_history_and_undo_redo_step_through_it():
    at = _app({"add": "1,2"})
    at.query_params["add"] = "1,2;3,4"  # the address edited: a change to undo
    at.query_params["drop"] = "0"
    at.run()
    assert len(_points(at)) == 101 and not at.button(key="edit_undo").disabled
    assert at.button(key="edit_redo").disabled
    at.button(key="edit_undo").click().run()
    assert at.query_params["add"] == "1,2" and "drop" not in at.query_params
    np.testing.assert_allclose(_points(at)[-1], [1, 2])
    assert len(_points(at)) == 101 and at.button(key="edit_undo").disabled
    at.button(key="edit_redo").click().run()
    assert at.query_params["add"] == "1,2;3,4" and at.query_params["drop"] == "0"
    np.testing.assert_allclose(_points(at)[-2:], [[1, 2], [3, 4]])
    assert not at.exception


def test_other_data_start_without_edits():
    at = _app({"add": "1,2", "drop": "3"})
    set_widget(at, "selectbox", "data", "blobs")
    assert len(_points(at)) == 500
    assert "add" not in at.query_params and "drop" not in at.query_params
    assert "by hand:" not in text(at.caption) and "**Edited:**" not in text(at.caption)


def test_a_link_that_removes_every_point_is_not_used():
    at = _app({"drop": ",".join(map(str, range(100)))})
    assert "removes every point of the data" in _warnings(at)
    assert len(_points(at)) == 100 and "drop" not in at.query_params


@pytest.mark.parametrize("page", ["compare", "lower_bound", "hard_em", "mstep", "bound_curve"])
def test_pages_that_share_the_data_fit_the_edited_points(page):
    from tests._apptest import open_app, page_path

    at = open_app(page_path(page), {"add": "4,4;-4,4", "drop": "0,1,2"})
    assert not at.exception and not at.error
    # the link's edits stay in its URL, and the pages that name their data say so
    assert at.query_params["add"] == "4,4;-4,4" and at.query_params["drop"] == "0,1,2"
    if page in ("compare", "lower_bound"):
        caption = " ".join(c.value for c in at.caption)
        assert "2 points added and 3 removed by hand" in caption, caption


def test_compare_runs_on_the_explorers_edited_points():
    from tests._apptest import chart_spec, open_app, page_path

    at = open_app(page_path("compare"), {"add": "4,4;-4,4", "drop": "0,1,2"})
    X = gmmviz.edited_points(gmmviz.datasets.textbook()[0], [(4, 4), (-4, 4)], [0, 1, 2])
    spec = chart_spec(at, "compare_player")
    assert [p["n"] for p in spec["panels"]] == [len(X)] * len(spec["panels"]) == [99] * 3
    run = gmmviz.fit_gmm(X, 3, init="notes-a", max_iter=20, tol=0)
    np.testing.assert_allclose(spec["chart"]["series"][0]["y"], run.nll, rtol=1e-9)
