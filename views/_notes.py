"""What the notes' pages share: the title and caption, a run fitted from the sidebar's data and
EM controls, a slider with step buttons, the step player's half-step, and the notes' own words
under the figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

import gmmviz
from gmmviz.i18n import _
from views import _common as ui
from views import _hands, _player


def page_head(title: str, caption: str) -> None:
    """The page's invisible element (:func:`views._page.page_element`), its title with the
    presentation and language controls, and the caption under them."""
    ui.page_element()
    ui.page_top(title)
    st.caption(caption)


def sidebar_run(values: dict[str, Any], slot: str, last_key: str
                ) -> tuple[gmmviz.GMMRun | None, ui.EMControls, str]:
    """The data and EM controls in the sidebar, and the run they ask for (or the last one that
    worked, saying why).

    Returns
    -------
    run : GMMRun or None
    controls : EMControls
    description : str
        The data's caption.
    """
    with st.sidebar:
        st.header(_("Data"))
        X, description = _hands.linked_data(*ui.data_source_controls(), values)
        st.header(_("EM settings"))
        controls = ui.gmm_controls(values, X, description)
    request = controls.request
    fit, work = (None, None) if request is None else (
        request.fit, request.work(slot, animated=False))
    run, notice = ui.fit_or_last_good(last_key, fit, work)
    if notice is not None:
        notice.show()
        if run is not None:
            st.caption(_("Still showing the last run that worked."))
    elif controls.error is not None:
        st.error(controls.error, icon=":material/error:")
    if run is None:
        st.info(_("Choose data and settings in the sidebar to run EM."), icon=":material/tune:")
    return run, controls, description


def _move(key: str, delta: int, options: Sequence[int]) -> None:
    i = options.index(int(st.session_state[key])) + delta
    st.session_state[key] = options[min(max(i, 0), len(options) - 1)]


def stepper(label: str, key: str, options: Sequence[int], help_text: str) -> int:
    """A select slider over ``options`` (consecutive whole numbers) with ◀ and ▶ beside it
    (keys ``key``, ``key_prev``, ``key_next``); its value, clamped into the options."""
    options = list(options)
    value = int(st.session_state.get(key, options[0]))
    st.session_state[key] = min(max(value, options[0]), options[-1])
    if len(options) == 1:
        st.caption(f"{label}: {options[0]}")
        return options[0]
    b1, b2, b3 = st.columns([1, 10, 1], vertical_alignment="bottom")
    b1.button("◀", key=f"{key}_prev", on_click=_move, args=(key, -1, options),
              help=_("Back one"),
              disabled=int(st.session_state[key]) <= options[0], width="stretch")
    value = int(b2.select_slider(label, options=options, key=key, help=help_text))
    b3.button("▶", key=f"{key}_next", on_click=_move, args=(key, 1, options),
              help=_("Forward one"), disabled=value >= options[-1], width="stretch")
    return value


def linked_step(player: str, url_key: str, linked: int, n_steps: int) -> int:
    """The half-step the step player under ``player`` shows: the URL's ``linked`` when the
    page's values came from a link or the player has reported none yet, else the one it
    reported; clamped into its ``n_steps`` half-steps, and kept for the player and under
    ``url_key`` (the URL's parameter)."""
    view = _player.view(player)
    step = linked if st.session_state.get(ui.FROM_LINK) or view.step is None else view.step
    step = min(max(int(step), 0), n_steps - 1)
    _player.set_view(player, step, None)
    st.session_state[url_key] = step
    return step


def the_notes(title: str, body: Callable[[], None]) -> None:
    """The notes' words and equations under ``title``, open (the reader may fold them)."""
    with st.expander(title, expanded=True, icon=":material/menu_book:"):
        body()
