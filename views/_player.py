"""The step player on a page: one browser element that plays, steps and scrubs a recorded run
and shows the step panel beside it (``st.components.v2``; its script is views/player/).

The page hands it the data of :mod:`gmmviz.figures.player`; the player tells the page, once the
user has settled on a half-step or clicked a point, which step and point it shows (one rerun
then, never while playing). The page keeps both under the URL parameters ``step`` and
``point``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

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


def _reported(key: str) -> None:
    """The user settled on a half-step or clicked a point: keep both for the page."""
    result = st.session_state.get(key)
    try:
        view = result["view"]
    except (KeyError, TypeError):
        return
    if not isinstance(view, dict):
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


def player(data: dict[str, Any], *, key: str, present: bool = False, url: bool = True,
           panel_height: int | None = None) -> None:
    """Mount the player with ``data`` (see :mod:`gmmviz.figures.player`).

    Parameters
    ----------
    key : str
        The element's key; the page reads what it shows with :func:`view`.
    present : bool
        Presentation mode: larger text.
    url : bool
        Whether the address bar follows the player's step and point.
    panel_height : int, optional
        Height of each scatter panel in pixels; by default it follows the width.
    """
    payload = {**data, "present": present, "url": url}
    if panel_height is not None:
        payload["panelHeight"] = int(panel_height)
    _COMPONENT(key=key, data=payload, on_view_change=lambda: _reported(key))
