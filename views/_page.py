"""The invisible element every page carries: the page's CSS, the playback keys, and the rerun
that lets a new session's first run send its figure alone."""

from __future__ import annotations

import streamlit as st

from gmmviz import i18n
from gmmviz.figures import PLAYBACK_PAGE_JS
from gmmviz.i18n import N_, _

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


# ----------------------------------------------------------------------------- presentation
#: Presentation mode, for a projector: no Streamlit top bar, the sidebar folded away, a
#: one-line title, text of at least 18 px, the page's padding trimmed so that the figure, its
#: controls and the step panel fit a 1280 x 720 screen. Applied while <body> has the class.
PRESENT_CSS = """body.gmmviz-present [data-testid='stHeader'] {
  display: none;
}
body.gmmviz-present [data-testid='stMainBlockContainer'] {
  padding-top: 0.4rem;
  padding-bottom: 1rem;
  max-width: none;
}
body.gmmviz-present h1 {
  font-size: 1.75rem;
  padding: 0.1rem 0;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
body.gmmviz-present [data-testid='stMarkdownContainer'] p,
body.gmmviz-present [data-testid='stMarkdownContainer'] li,
body.gmmviz-present [data-testid='stCaptionContainer'],
body.gmmviz-present [data-testid='stWidgetLabel'] p {
  font-size: 18px;
}
[data-testid='stMainBlockContainer'] h1 {
  font-size: 2.1rem;
}"""

# Puts the class on <body> and folds the sidebar away (unfolding it again on leaving the mode,
# when this mode folded it). The sidebar may come a moment after the page's first run.
_PRESENT_JS = """
export default function ({ data }) {
  const on = !!(data && data.present);
  document.body.classList.toggle("gmmviz-present", on);
  document.body.classList.toggle("gmmviz-lang-ko", !!(data && data.lang === "ko"));
  document.documentElement.lang = (data && data.lang) || "en";
  let tries = 0;
  const fold = () => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    const open = bar && bar.getAttribute("data-collapsed") === "false";
    if (on && open) {
      const b = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (b) { b.click(); window.__gmmvizFolded = true; return; }
    }
    if (!on && window.__gmmvizFolded && bar && !open) {
      const b = document.querySelector('[data-testid="stExpandSidebarButton"]');
      if (b) { b.click(); window.__gmmvizFolded = false; return; }
    }
    if (on && !bar && tries++ < 100) timer = setTimeout(fold, 100);
  };
  let timer = setTimeout(fold, 0);
  return () => clearTimeout(timer);
}
"""
#: Streamlit's own words on the file uploader ("Upload", "200MB per file"), in Korean while the
#: page is (Streamlit has no catalogue of its own).
KOREAN_CSS = """body.gmmviz-lang-ko [data-testid='stFileUploaderDropzone'] button p,
body.gmmviz-lang-ko [data-testid='stFileUploaderDropzoneInstructions'] span {
  font-size: 0;
}
body.gmmviz-lang-ko [data-testid='stFileUploaderDropzone'] button p::after {
  content: "업로드";
  font-size: 1rem;
}
body.gmmviz-lang-ko [data-testid='stFileUploaderDropzoneInstructions'] span::after {
  content: "파일당 최대 200MB";
  font-size: 0.875rem;
}
"""
_presentation = st.components.v2.component(
    "gmmviz_presentation", js=_PRESENT_JS, css=PRESENT_CSS + KOREAN_CSS, isolate_styles=False)

PRESENT_HELP = N_("For a projector: the figure, its controls and the step panel fill the "
                  "screen, the sidebar folds away and the text grows. The keys still step "
                  "(→, ←, Space).")
LANGUAGE_HELP = N_("The language of every word on the page; the settings and the step stay.")


def page_top(title: str, *, present: bool | None = None, toggle: bool = True) -> bool:
    """The page's one-line title with the presentation-mode toggle and the language choice
    beside it, and the mode applied to the page. Returns whether the mode is on.

    ``present`` overrides the toggle's value (a run that draws no widget); ``toggle=False``
    leaves the toggle and the language choice out. In presentation mode the two share one
    line, so that the figure keeps its height.
    """
    # (the toggle, keyed on its key alone, changes nothing in session state as it is drawn)
    on = bool(st.session_state.get("present")) if present is None else present
    left, right = st.columns([3, 2] if on else [4, 1.5], vertical_alignment="center")
    left.markdown(f"# {title}")
    if toggle:
        with right.container(horizontal=True, vertical_alignment="center", gap="small",
                             horizontal_alignment="right" if on else "left"):
            st.toggle(_("Presentation mode"), key="present", help=_(PRESENT_HELP))
            st.segmented_control(_("Language"), tuple(i18n.LANGUAGES), key="lang",
                                 format_func=i18n.LANGUAGES.get, required=True,
                                 label_visibility="collapsed", help=_(LANGUAGE_HELP))
    _presentation(key="presentation", data={"present": on, "lang": i18n.get_language()})
    return on


def presenting() -> bool:
    """Whether the page is in presentation mode (call after :func:`page_top`)."""
    return st.session_state.get("present") is True


def tab_in_language(key: str, tabs: tuple[str, ...] | list[str]) -> None:
    """Keep the open tab of ``st.tabs(..., key=key)`` across a change of language: its label
    (one of the N_-marked ``tabs``) in the language in use. Call before the tabs."""
    open_tab = st.session_state.get(key)
    shown = [_(t) for t in tabs]
    if open_tab is None or open_tab in shown:
        return
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            labels = [_(t) for t in tabs]
        if open_tab in labels:
            st.session_state[key] = shown[labels.index(open_tab)]
            return
