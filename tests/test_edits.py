"""Points added and removed by hand, their text for a link, and a start moved by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gmmviz
from gmmviz import edits, gaussian, manual
from gmmviz.edits import PointEdits


def _data(n: int = 6) -> np.ndarray:
    return np.column_stack([np.arange(n, dtype=float), 10.0 * np.arange(n)])


def test_edited_points_drops_rows_then_appends_points_in_order():
    X = _data()
    out = gmmviz.edited_points(X, [(7.5, -1.0), (0.25, 3.0)], [4, 1])
    # built independently: the kept rows by a list, then the added ones
    want = [X[i] for i in range(6) if i not in (1, 4)] + [[7.5, -1.0], [0.25, 3.0]]
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(gmmviz.edited_points(X), X)


@pytest.mark.parametrize(("add", "drop", "match"), [
    ((), [6], "between 0 and 5"),
    ((), [-1], "between 0 and 5"),
    ((), [2, 2], "removed twice"),
    ([(np.nan, 1.0)], (), "finite"),
    ([(np.inf, 1.0)], (), "finite"),
    ([("a", 1.0)], (), "two numbers"),
])
def test_edited_points_refuses_what_the_data_do_not_have(add, drop, match):
    with pytest.raises(gmmviz.InputError, match=match):
        gmmviz.edited_points(_data(), add, drop)


@given(st.lists(st.booleans(), min_size=1, max_size=12), st.integers(0, 4), st.data())
def test_removing_a_point_of_the_edited_data_removes_that_point(kept, n_added, data):
    """Whichever point of the edited data is removed, the rest stay in their order."""
    X = _data(len(kept))
    drop = [i for i, k in enumerate(kept) if not k]
    e = PointEdits.of([(100.0 + j, -j) for j in range(n_added)], drop)
    shown = e.apply(X)
    if len(shown) == 0:
        return
    index = data.draw(st.integers(0, len(shown) - 1))
    if len(shown) == 1:  # the last point stays
        with pytest.raises(gmmviz.InputError, match="last point"):
            e.without(index, len(X))
        return
    after = e.without(index, len(X))
    np.testing.assert_array_equal(after.apply(X), np.delete(shown, index, axis=0))
    assert after.n_samples(len(X)) == len(shown) - 1


def test_a_point_added_then_removed_leaves_the_edits_as_they_were():
    X = _data()
    e = PointEdits.of((), [0]).with_point(2.123456789123, -7.0)
    assert e.add == ((2.1234568, -7.0),)  # kept at the link's precision
    assert e.without(len(X) - 1, len(X)) == PointEdits((), (0,))
    with pytest.raises(gmmviz.InputError, match="between 0 and 5"):
        e.without(6, len(X))
    last = PointEdits.of((), range(5))
    with pytest.raises(gmmviz.InputError, match="last point"):
        last.without(0, len(X))


def test_edits_describe_themselves_and_drop_what_the_data_do_not_have():
    e = PointEdits.of([(0, 0), (1, 1)], [3, 9, 12])
    assert e.describe() == "2 points added and 3 removed by hand"
    assert PointEdits.of((), [1]).describe() == "1 point removed by hand"
    assert PointEdits().describe() == "" and not PointEdits()
    kept, beyond = e.within(10)
    assert kept.drop == (3, 9) and beyond == [12]


def test_at_most_max_added_points():
    e = PointEdits.of(np.zeros((edits.MAX_ADDED, 2)))
    with pytest.raises(gmmviz.InputError, match="At most 5,000"):
        e.with_point(1, 1)


# ----------------------------------------------------------------------------- as text
def test_points_round_trip_through_text():
    pts = [(1.5, -2.0), (1e-7, 3.25e12), (-0.125, 0.0)]
    text = edits.encode_points(pts)
    assert text == "1.5,-2;1e-07,3.25e+12;-0.125,0"
    back, problems = edits.decode_points(text)
    np.testing.assert_array_equal(back, pts)
    assert problems == []


@pytest.mark.parametrize(("text", "kept", "said"), [
    ("1,2;nan,3;4,5", [(1, 2), (4, 5)], "1 of the 3 points, 'nan,3', is not two finite"),
    ("1,2;inf,3", [(1, 2)], "'inf,3'"),
    ("1,2,3;4,5", [(4, 5)], "'1,2,3'"),
    ("1 2;3,4", [(3, 4)], "'1 2'"),
    ("1,2;;3,4;", [(1, 2), (3, 4)], None),
    (" 1 , 2 ", [(1, 2)], None),
    ("１２,3;1e309,1;0x10,1", [], "3 of the 3 points are not"),
    ("1,2|3,4", [], "'1,2|3,4'"),
])
def test_decode_points_keeps_the_valid_part_and_says_what_it_left(text, kept, said):
    back, problems = edits.decode_points(text)
    np.testing.assert_array_equal(back, np.array(kept, dtype=float).reshape(-1, 2))
    if said is None:
        assert problems == []
    else:
        assert len(problems) == 1 and said in problems[0], problems


def test_decode_points_reads_only_the_first_max_points():
    text = ";".join(f"{i},{i}" for i in range(1_000_000))
    back, problems = edits.decode_points(text)
    assert back.shape == (edits.MAX_ADDED, 2)
    np.testing.assert_array_equal(back[-1], [edits.MAX_ADDED - 1] * 2)
    assert "1,000,000 points and only the first 5,000" in problems[0]


@pytest.mark.parametrize(("text", "kept", "said"), [
    ("3,1,2", (1, 2, 3), []),
    ("3,3,1", (1, 3), ["1 repeated number was used once"]),
    ("1,-2,x,2.5,１２", (1,), ["4 of the 5 values are not a point's number"]),
    ("x", (), ["the value 'x' is not a point's number"]),
    ("", (), []),
])
def test_decode_indices_keeps_the_valid_part(text, kept, said):
    back, problems = edits.decode_indices(text)
    assert back == kept
    assert len(problems) == len(said) and all(s in p for s, p in zip(said, problems,
                                                                     strict=True))
    assert edits.decode_indices(edits.encode_indices(back)) == (back, [])


def test_decode_indices_keeps_at_most_max_count():
    back, problems = edits.decode_indices(",".join(map(str, range(20))), max_count=5)
    assert back == (0, 1, 2, 3, 4) and "at most 5" in problems[0]


# ----------------------------------------------------------------------------- a start by hand
@given(st.floats(0.05, 20), st.floats(0.05, 20), st.floats(-89.9, 90))
def test_covariance_from_axes_inverts_ellipse_axes(a, b, angle):
    cov = edits.covariance_from_axes(a, b, angle)
    major, minor, back = gaussian.ellipse_axes(cov)
    assert major == pytest.approx(max(a, b), rel=1e-6)
    assert minor == pytest.approx(min(a, b), rel=1e-6)
    if abs(a - b) > 1e-3 * max(a, b):  # a circle has no tilt
        # the major axis' direction, up to a half turn
        turn = (back - (angle if a >= b else angle + 90.0)) % 180.0
        assert min(turn, 180.0 - turn) == pytest.approx(0.0, abs=1e-4)


def test_covariance_from_axes_matches_a_rotation_by_hand():
    # 30 degrees: R = [[c, -s], [s, c]] with c = sqrt(3)/2, s = 1/2
    c, s = np.sqrt(3) / 2, 0.5
    want = np.array([[4 * c * c + s * s, (4 - 1) * c * s], [(4 - 1) * c * s, 4 * s * s + c * c]])
    np.testing.assert_allclose(edits.covariance_from_axes(2, 1, 30), want)
    with pytest.raises(gmmviz.InputError):
        edits.covariance_from_axes(0, 1, 0)
    with pytest.raises(gmmviz.InputError):
        edits.covariance_from_axes(1, 1, np.nan)


def test_moved_start_moves_one_component_and_is_a_manual_start():
    run = gmmviz.fit_gmm(gmmviz.datasets.textbook()[0], 3, init="notes-a", max_iter=2)
    s = run.steps[0]
    rows = edits.moved_start(s.weights, s.means, s.covariances, 1, (0.5, -0.25), (2, 1, 30))
    w, m, c, notices = manual.manual_start(rows)
    assert notices == []
    np.testing.assert_allclose(w, s.weights)
    np.testing.assert_allclose(m[[0, 2]], s.means[[0, 2]])
    np.testing.assert_allclose(m[1], [0.5, -0.25])
    np.testing.assert_allclose(c[[0, 2]], s.covariances[[0, 2]])
    np.testing.assert_allclose(c[1], edits.covariance_from_axes(2, 1, 30))
    kept = edits.moved_start(s.weights, s.means, s.covariances, 0, (1, 1))
    np.testing.assert_allclose(manual.manual_start(kept)[2], s.covariances)
    with pytest.raises(gmmviz.InputError):
        edits.moved_start(s.weights, s.means, s.covariances, 3, (1, 1))
