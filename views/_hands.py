"""Hands on the data, on the explorer: points added and removed by clicking the player (with
Undo and Redo), and a start dragged into place on it.

The player reports each change as an ``edit`` event (:func:`views._player.player`'s
``on_edit``), made on the player's data ``uid``::

    {"kind": "add", "x": 1.5, "y": -2.0}             a click on empty space, in data units
    {"kind": "remove", "index": 17}                  a click on point 17 of the data shown
    {"kind": "start", "component": 0, "step": 0,     a mean (and its 1-sigma ellipse) moved
     "mean": [x, y], "axes": [major, minor, angle]}  at a half-step (axes: null if unchanged)

Point edits (:class:`gmmviz.edits.PointEdits`) keep a history in the session for Undo and
Redo, tied to the original data: other data start without edits. They live in the URL
parameters ``add`` and ``drop``. A start set by hand becomes the manual start (``init=manual``
and ``start``), from the half-step's pi, mu and Sigma with the component moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

import gmmviz
from gmmviz import edits, manual
from gmmviz.edits import PointEdits
from gmmviz.i18n import N_, _
from views import _player
from views._cache import data_digest

#: Widget keys: the two modes' toggles, and Undo and Redo.
EDIT_MODE, START_MODE, UNDO, REDO = "edit_points", "set_start", "edit_undo", "edit_redo"
_HISTORY = "_hands_history"  # the point edits' History
_MOVED = "_hands_moved"  # a click, Undo or Redo moved the history: the URL's add and drop lag
_START = "_hands_start"  # a start set on the player, for the next run to use
_SHOWN = "_hands_shown"  # what the player was handed (Handed)
_REFUSED = "_hands_refused"  # why the last change on the player was not made
_TABLE = "manual_table"  # the manual start table's widget key (views._manual)

KEYS_CAPTION = N_(
    "**Edit points:** click empty space to add a point exactly there, click a point to remove "
    "it; Undo and Redo step through every change. **Set start:** drag a mean ◆ (at the start, "
    "or at any half-step with Set start on) and, with Set start on, the round handles on its "
    "1σ ellipse (resize along that axis, turn it); on release EM starts over from there. "
    "Keys, at the start or with Set start on: 1 to 9 choose a component, Shift+arrows move "
    "its mean, + and − scale its ellipse, R turns it (Shift+R back), Esc lets go."
)


@dataclass
class History:
    """The point edits of one data set, oldest first, and the one in force."""

    base: str  # digest of the original data
    n_original: int
    items: list[PointEdits] = field(default_factory=lambda: [PointEdits()])
    at: int = 0

    @property
    def current(self) -> PointEdits:
        return self.items[self.at]

    def push(self, change: PointEdits) -> None:
        """A new change: it follows the one in force, and what had been undone goes."""
        del self.items[self.at + 1:]
        self.items.append(change)
        self.at += 1


class Handed(NamedTuple):
    """What the player was handed: its data's uid, the run, and the edits of its points."""

    uid: str
    run: gmmviz.GMMRun
    edits: PointEdits
    base: str


# ----------------------------------------------------------------------------- the data
def edited(X: np.ndarray, values: dict[str, Any], *, from_link: bool,
           warnings: Any = None) -> PointEdits:
    """The point edits in force for the original data ``X`` in this run.

    A link's ``add`` and ``drop`` (this run's URL, when it was opened or typed) join the
    history unless a click, Undo or Redo has just moved it (the URL then lags behind); a
    removed index that ``X`` does not have is named in a warning, in the container
    ``warnings`` (default: here). Other data than the history's start without edits.
    """
    with warnings if warnings is not None else st.container():
        return _edited(X, values, from_link)


def _edited(X: np.ndarray, values: dict[str, Any], from_link: bool) -> PointEdits:
    n = len(X)
    linked, beyond = PointEdits.of(values.get("add") or (), values.get("drop") or ()).within(n)
    if from_link and beyond:
        shown = ", ".join(f"{i}" if len(str(i)) < 12 else f"{str(i)[:9]}…" for i in beyond[:5])
        shown += ", …" if len(beyond) > 5 else ""
        text = (_("The link's value drop names points {shown} that the data do not have "
                  "({n} points: 0 to {last}); they were not used.") if len(beyond) > 1 else
                _("The link's value drop names point {shown} that the data do not have "
                  "({n} points: 0 to {last}); it was not used."))
        st.warning(text.format(shown=shown, n=f"{n:,}", last=n - 1),
                   icon=":material/link_off:")
    if linked.n_samples(n) < 1:
        if from_link:
            st.warning(_("The link's value drop removes every point of the data; it was not "
                         "used."), icon=":material/link_off:")
        linked = PointEdits(linked.add, ())
    digest = data_digest(X)
    history = st.session_state.get(_HISTORY)
    if history is None or history.base != digest:
        history = History(digest, n, [linked if from_link else PointEdits()])
        st.session_state[_HISTORY] = history
    elif from_link and not st.session_state.get(_MOVED) and linked != history.current:
        history.push(linked)
    return history.current


def edited_data(X: np.ndarray, description: str, change: PointEdits) -> tuple[np.ndarray, str]:
    """The points with ``change`` made, and their caption."""
    if not change:
        return X, description
    return change.apply(X), f"{description}, {change.describe()}"


def linked_data(X: np.ndarray | None, description: str, values: dict[str, Any]
                ) -> tuple[np.ndarray | None, str]:
    """The data with the explorer's point edits (``add`` and ``drop`` in ``values``) made,
    for a page that shares the explorer's data but does not edit it; removed indices beyond
    the data are left out."""
    if X is None:
        return X, description
    change, _b = PointEdits.of(values.get("add") or (), values.get("drop") or ()).within(len(X))
    if len(change.drop) >= len(X):
        return X, description  # an edit that removes every point is not shared
    return edited_data(X, description, change)


def url_values(values: dict[str, Any]) -> None:
    """Write the point edits in force into ``values`` (URL parameters ``add`` and ``drop``);
    from now on the URL holds them."""
    history = st.session_state.get(_HISTORY)
    change = history.current if history is not None else PointEdits()
    values["add"], values["drop"] = change.add or None, change.drop or None
    st.session_state.pop(_MOVED, None)


# ----------------------------------------------------------------------------- a start by hand
def start_set(values: dict[str, Any], player_key: str) -> bool:
    """A start set on the player in the last run: the manual start from now on, the player
    at its first half-step. Call before the controls are drawn."""
    start = st.session_state.pop(_START, None)
    if start is None:
        return False
    values["init"], values["start"] = "manual", start
    st.session_state.pop(_TABLE, None)  # the table starts again from the new start
    _player.set_view(player_key, 0, _player.view(player_key).point)
    return True


# ----------------------------------------------------------------------------- the player
def player_options(uid: str, run: gmmviz.GMMRun, *, stale: bool) -> dict[str, Any] | None:
    """The player's ``hands`` (which modes are on), remembering what it is handed. When the
    figure shows the last run that worked rather than the one the settings ask for, what was
    remembered with that run stays: a change on the figure is made to what it shows."""
    history = st.session_state.get(_HISTORY)
    if history is None:
        return None
    if not stale:
        st.session_state[_SHOWN] = Handed(uid, run, history.current, history.base)
    return {"points": bool(st.session_state.get(EDIT_MODE)),
            "start": bool(st.session_state.get(START_MODE))}


def on_edit(player_key: str) -> Any:
    """The callback for the player's ``edit`` events under ``player_key``."""
    def apply(op: dict[str, Any]) -> None:
        handed = st.session_state.get(_SHOWN)
        if handed is None or op.get("uid") != handed.uid:
            return  # made on a figure that has since changed
        try:
            if op.get("kind") == "start":
                _set_start(op, handed)
            elif op.get("kind") in ("add", "remove"):
                _edit_points(op, handed, player_key)
        except gmmviz.InputError as e:
            st.session_state[_REFUSED] = str(e)
        except (KeyError, TypeError, ValueError, IndexError):
            st.session_state[_REFUSED] = _("The change on the figure could not be read; try "
                                           "again.")
    return apply


def _edit_points(op: dict[str, Any], handed: Handed, player_key: str) -> None:
    history = st.session_state.get(_HISTORY)
    if history is None or history.base != handed.base:
        return  # the data have changed since
    if op["kind"] == "add":
        history.push(handed.edits.with_point(float(op["x"]), float(op["y"])))
    else:
        index = int(op["index"])
        history.push(handed.edits.without(index, history.n_original))
        view = _player.view(player_key)
        if view.point is not None and view.point >= index:  # the points after it move up one
            _player.set_view(player_key, view.step,
                             None if view.point == index else view.point - 1)
    st.session_state[_MOVED] = True


def _set_start(op: dict[str, Any], handed: Handed) -> None:
    at = handed.run.steps[int(op["step"])]
    axes = op.get("axes")
    rows = edits.moved_start(at.weights, at.means, at.covariances, int(op["component"]),
                             [float(v) for v in op["mean"]],
                             None if axes is None else [float(v) for v in axes])
    manual.manual_start(rows)  # a start EM can take, or InputError saying why not
    st.session_state[_START] = manual.encode_rows(rows)


# ----------------------------------------------------------------------------- the row of controls
def _step_history(by: int, player_key: str) -> None:
    history = st.session_state.get(_HISTORY)
    if history is None or not 0 <= history.at + by < len(history.items):
        return
    history.at += by
    st.session_state[_MOVED] = True
    view = _player.view(player_key)
    if view.point is not None and view.point >= history.current.n_samples(history.n_original):
        _player.set_view(player_key, view.step, None)


def controls(player_key: str) -> None:
    """The modes, Undo and Redo, under the player, with what the keys do."""
    history = st.session_state.get(_HISTORY)
    refused = st.session_state.pop(_REFUSED, None)
    if refused:
        st.warning(refused, icon=":material/pan_tool:")
    mode_col, start_col, undo_col, redo_col, what_col = st.columns(
        [1.45, 1.3, 0.95, 0.95, 2.3], vertical_alignment="center")
    mode_col.toggle(_("Edit points"), key=EDIT_MODE,
                    help=_("Click empty space in the figure to add a point there, click a "
                           "point to remove it; the fit follows at once."))
    start_col.toggle(_("Set start"), key=START_MODE,
                     help=_("Drag any mean, or the handles on its 1σ ellipse, at any "
                            "half-step: EM starts over from the half-step's π with your μ and "
                            "Σ (the manual start)."))
    undo_col.button(_("Undo"), key=UNDO, icon=":material/undo:", width="stretch",
                    disabled=history is None or history.at == 0,
                    on_click=_step_history, args=(-1, player_key),
                    help=_("Take back the last point added or removed."))
    redo_col.button(_("Redo"), key=REDO, icon=":material/redo:", width="stretch",
                    disabled=history is None or history.at >= len(history.items) - 1,
                    on_click=_step_history, args=(1, player_key),
                    help=_("Make again the change Undo took back."))
    change = history.current if history is not None else PointEdits()
    what_col.caption(_("**Edited:** {what}.").format(what=change.describe()) if change else
                     _("The data as they came: no point added or removed by hand."))
    st.caption(_(KEYS_CAPTION))
