"""The step player on a page: one browser element that plays, steps and scrubs a recorded run
and shows the step panel beside it (``st.components.v2``; its script is views/player/).

The page hands it the data of :mod:`gmmviz.figures.player`; the player tells the page, once the
user has settled on a half-step or clicked a point, which step and point it shows (one rerun
then, never while playing). The page keeps both under the URL parameters ``step`` and
``point``.

With ``hands`` the user may also change the data and the start on the figure (see
:mod:`views._hands`): each change comes to the page's ``on_edit`` once, as an ``edit`` event.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

from gmmviz.figures.player import player_words

_HERE = Path(__file__).parent / "player"
_COMPONENT = st.components.v2.component(
    "gmmviz_player",
    js=(_HERE / "player.js").read_text(encoding="utf-8"),
    css=(_HERE / "player.css").read_text(encoding="utf-8"),
    isolate_styles=False,
)

#: Session keys of the half-step and the point the player shows, by player key.
STEP, POINT = "step", "point"


class View(NamedTuple):
    """What the player shows: its half-step, and the point chosen by a click (or None)."""

    step: int | None
    point: int | None


def _sent(key: str, name: str) -> dict[str, Any] | None:
    """What the player under ``key`` last sent as ``name`` ("view", "edit"), when a dict."""
    try:
        value = st.session_state.get(key)[name]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def _reported(key: str) -> None:
    """The user settled on a half-step or clicked a point: keep both for the page."""
    view = _sent(key, "view")
    if view is None:
        return
    step, point = view.get("step"), view.get("point")
    if isinstance(step, int) and step >= 0:
        st.session_state[f"{key}_{STEP}"] = step
    if isinstance(point, int) and point >= 0:
        if st.session_state.get(f"{key}_{POINT}") != point:
            st.session_state[f"{key}_clicked"] = True
        st.session_state[f"{key}_{POINT}"] = point


def view(key: str) -> View:
    """The half-step and point the player under ``key`` last reported (None when it has not)."""
    return View(st.session_state.get(f"{key}_{STEP}"), st.session_state.get(f"{key}_{POINT}"))


def set_view(key: str, step: int | None, point: int | None) -> None:
    """Set the half-step and point the player under ``key`` opens at (from a link)."""
    st.session_state[f"{key}_{STEP}"] = step
    st.session_state[f"{key}_{POINT}"] = point


def clicked(key: str) -> bool:
    """True once after a click chose a new point."""
    return bool(st.session_state.pop(f"{key}_clicked", False))


def _edit(key: str, on_edit: Callable[[dict[str, Any]], None]) -> None:
    """A change made on the figure: hand it to the page, and note it as seen (the player waits
    for that before it takes the next one)."""
    op = _sent(key, "edit")
    if op is not None:
        st.session_state[f"{key}_edit_seen"] = str(op.get("id", ""))
        on_edit(op)


def player(data: dict[str, Any], *, key: str, present: bool | None = None, url: bool = True,
           panel_height: int | None = None, hands: dict[str, bool] | None = None,
           on_edit: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Mount the player with ``data`` (see :mod:`gmmviz.figures.player`).

    Parameters
    ----------
    key : str
        The element's key; the page reads what it shows with :func:`view`.
    present : bool, optional
        Presentation mode: larger text, sized to the screen; by default the page's mode.
    url : bool
        Whether the address bar follows the player's step and point.
    panel_height : int, optional
        Height of each scatter panel in pixels; by default it follows the width.
    hands : dict, optional
        Which changes the figure takes: ``points`` (a click adds or removes a point) and
        ``start`` (means and their ellipses' handles dragged at any half-step); the means can
        be dragged at the start whenever ``hands`` is given.
    on_edit : callable, optional
        Called with each change (a dict, see :mod:`views._hands`) before the rerun it causes.
    """
    if present is None:
        present = st.session_state.get("present") is True
    # the player's own words, in the page's language (never cached with the data)
    payload = {**data, "present": present, "url": url, "text": player_words()}
    if panel_height is not None:
        payload["panelHeight"] = int(panel_height)
    if hands is None or on_edit is None:
        _COMPONENT(key=key, data=payload, on_view_change=lambda: _reported(key))
        return
    payload["hands"] = {**hands, "seen": st.session_state.get(f"{key}_edit_seen")}
    _COMPONENT(key=key, data=payload, on_view_change=lambda: _reported(key),
               on_edit_change=lambda: _edit(key, on_edit))
