"""The invisible element every page carries: the page's CSS, the playback keys, and the rerun
that lets a new session's first run send its figure alone."""

from __future__ import annotations

import streamlit as st

from gmmviz.figures import PLAYBACK_PAGE_JS

#: Less empty space above a page's title, so that more of its figure fits a projector's
#: screen; and no focus frame around the page when the keys step its animation (the page's
#: scroll container keeps the focus after a click on the figure's buttons).
#: (On several lines: st.components.v2 reads a one-line string with brackets as a file name.)
PAGE_CSS = """[data-testid='stMainBlockContainer'] {
  padding-top: 2.2rem;
}
[data-testid='stMain']:focus-visible::before {
  box-shadow: none;
}"""


# Reports once the page's first figure (a Plotly figure's points, or the step player) has
# drawn (or after a few seconds regardless), when its data asks for it; its CSS applies to the
# whole page while it is shown.
# It also runs PLAYBACK_PAGE_JS: keys that step through the page's animation, and no error
# when Pause, Back or Next interrupt Play.
_FIGURE_DRAWN_JS = """
export default function ({ data, setTriggerValue }) {
""" + PLAYBACK_PAGE_JS + """
  if (!data || !data.rerun) return;
  const start = Date.now();
  let timer = 0;
  const check = () => {
    const drawn = document.querySelector(
      ".js-plotly-plot .scatterlayer .point, .gmmviz-player[data-step]");
    if (drawn || Date.now() - start > 6000) {
      setTriggerValue("drawn", true);
      return;
    }
    timer = setTimeout(check, 25);
  };
  check();
  return () => clearTimeout(timer);
}
"""
_figure_drawn = st.components.v2.component(
    "gmmviz_figure_drawn", js=_FIGURE_DRAWN_JS, css=PAGE_CSS, isolate_styles=False)


def page_element(*, rerun_when_drawn: bool = False, key: str = "page_element") -> None:
    """An invisible element that applies :data:`PAGE_CSS` and the playback keys and quiet Pause
    of :data:`gmmviz.figures.PLAYBACK_PAGE_JS` to the page.

    With ``rerun_when_drawn`` it also reruns the script once the browser has drawn the page's
    first Plotly figure (giving up waiting after 6 s): a page can so send its figure alone on
    a session's first run and everything else in the rerun, so that Plotly's code and the
    figure's first drawing do not compete with loading and drawing the other elements. Put
    it in the same place on every run (after the figure): it stays mounted, so it reruns
    only once.
    """
    _figure_drawn(key=key, data={"rerun": bool(rerun_when_drawn)}, on_drawn_change=lambda: None)
