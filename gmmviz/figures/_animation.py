"""Play / Pause buttons and a step slider for Plotly figures with frames.

Notes on plotly.js behaviour
----------------------------
* ``redraw=True`` is required whenever a frame changes WebGL traces (``scattergl``), traces
  that cannot be tweened (``contour``, ``heatmap``), or layout outside the axis ranges (the
  title): with ``redraw=False`` plotly.js only tweens SVG scatter traces and leaves the
  rest stale. The controls therefore redraw by default, with a zero-length transition.
* Plotly's buttons cannot step "one frame forward from the current one": an ``animate``
  call gets a fixed frame list, and ``fromcurrent`` only trims a list that is played to its
  end. The Back / Next buttons therefore name fixed frames, and every frame's ``layout``
  re-points them at its own neighbours (:func:`frame_controls`): plotly.js applies a frame's
  layout when it shows the frame, by the slider, by Play or by these buttons. The buttons
  array is replaced as a whole (plotly.js merges layout arrays item by item, but not the
  arrays inside an item), so each frame carries all four buttons.
* Pause is ``animate([None], mode="immediate")``, which interrupts the running Play call
  (as do Back and Next while playing); plotly.js rejects that call's promise with
  ``undefined`` and the button does not catch it, so the page would log one uncaught
  "undefined" error each time. :data:`PLAYBACK_PAGE_JS` marks such rejections as handled
  (and adds keyboard keys); :func:`animation_html` and the app's pages run it.
"""

from __future__ import annotations

from typing import Any

from gmmviz.i18n import _

FONT_SIZE = 16
#: The font family of a standalone HTML file: plotly's own, then one with Hangul.
HTML_FONT_FAMILY = '"Open Sans", verdana, arial, "Noto Sans CJK KR", sans-serif'
#: Script for a page with these controls (it acts once, however often it runs):
#:
#: * the keyboard steps through the first animation in view: → or Page Down is Next, ← or
#:   Page Up is Back (what a presentation remote sends), Space plays or pauses; not while
#:   typing in or using another control;
#: * a promise rejected with ``undefined`` (a Play call interrupted by Pause, Back or Next)
#:   is not reported as an uncaught error.
PLAYBACK_PAGE_JS = """if (!window.__gmmvizPlayback) {
  window.__gmmvizPlayback = true;
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason === undefined) event.preventDefault();
  });
  // each button by its mark, which its label has in every language (see _buttons)
  const KEYS = {ArrowRight: "›", PageDown: "›", ArrowLeft: "‹", PageUp: "‹", " ": "▶"};
  const named = (b, mark) => b.textContent.includes(mark);
  const CONTROLS = "input, textarea, select, button, a, [role=slider], [role=combobox], " +
    "[role=tab], [role=grid], [contenteditable=true], [contenteditable='']";
  document.addEventListener("keydown", (event) => {
    let label = KEYS[event.key];
    if (!label || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        event.shiftKey || (event.target.closest && event.target.closest(CONTROLS))) return;
    for (const gd of document.querySelectorAll(".js-plotly-plot")) {
      const box = gd.getBoundingClientRect();
      if (box.bottom < 40 || box.top > window.innerHeight - 40) continue;  // out of view
      const buttons = Array.from(gd.querySelectorAll(".updatemenu-button"));
      if (!buttons.some((b) => named(b, "›"))) continue;
      const t = gd._transitionData || {};
      const playing = !!t._animationRaf || (t._frameQueue || []).length > 0;
      if (label === "▶" && playing) label = "❚❚";
      const button = buttons.find((b) => named(b, label));
      if (!button) return;
      event.preventDefault();
      button.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      return;
    }
  });
}"""
# Space above the controls (under the axis title), and the height of the slider with the
# current step's name above its rail, at FONT_SIZE; the buttons go below the slider.
SLIDER_PAD_PX = 30
SLIDER_PX = 60


def unique_names(labels: list[str]) -> list[str]:
    """Frame names made unique (a repeated one gets " (2)", " (3)"...): frames are found by name."""
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab} ({seen[lab]})")
    return out


def _animate_args(frames: list[str] | None, duration_ms: int, redraw: bool,
                  fromcurrent: bool = False) -> list:
    opts: dict = {
        "frame": {"duration": int(duration_ms), "redraw": bool(redraw)},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    if fromcurrent:
        opts["fromcurrent"] = True
    return [frames, opts]


def _buttons(names: list[str], i: int, duration_ms: int, redraw: bool,
             play_list: list[str] | None = None) -> list[dict]:
    """Play, Pause, Back (to frame i - 1) and Next (to frame i + 1), seen from frame i."""
    last = max(len(names) - 1, 0)
    step = [names[max(i - 1, 0)]], [names[min(i + 1, last)]]
    return [
        {"label": _("▶ Play"), "method": "animate",
         "args": _animate_args(play_list, duration_ms, redraw, fromcurrent=True)},
        {"label": _("❚❚ Pause"), "method": "animate",
         "args": _animate_args([None], 0, False)},
        {"label": _("‹ Back"), "method": "animate", "args": _animate_args(step[0], 0, redraw)},
        {"label": _("Next ›"), "method": "animate", "args": _animate_args(step[1], 0, redraw)},
    ]


def frame_controls(frame_names: list[str], i: int, duration_ms: int = 600, *,
                   redraw: bool = True) -> dict:
    """The layout frame ``i`` carries so that Back and Next step from it.

    Merge it into the layout of frame ``i`` of a figure whose layout holds
    :func:`playback_controls` (same names, duration and ``redraw``).

    Returns
    -------
    dict
        ``{"updatemenus": [{"buttons": [...]}]}``: the four buttons, Back naming frame
        ``i - 1`` and Next frame ``i + 1`` (the first and last frame name themselves).
    """
    names = [str(n) for n in frame_names]
    return {"updatemenus": [{"buttons": _buttons(names, i, duration_ms, redraw)}]}


def playback_controls(frame_names: list[str], duration_ms: int = 600, prefix: str = "",
                      *, active: int = 0, redraw: bool = True,
                      font_size: int = FONT_SIZE, y: float = -0.06) -> dict:
    """A slider with one step per frame, and Play, Pause, Back and Next buttons below it.

    Back and Next move one frame; they work only if every frame's layout holds
    :func:`frame_controls`.

    Parameters
    ----------
    frame_names : list of str
        Names of the figure's frames, in playing order; they also label the slider steps.
    duration_ms : int, default 600
        Time each frame stays on screen while playing.
    prefix : str, default ""
        Text before the current frame's name above the slider, e.g. ``"Step: "``.
    active : int, default 0
        The slider step selected when the figure is drawn; the figure's data should show
        that frame. Play continues from there (and from wherever the slider was left).
    redraw : bool, default True
        Passed to every ``animate`` call; keep True for WebGL traces, contours, or frames
        that change the title (or the buttons).
    font_size : int, default 16
    y : float, default -0.06
        Vertical position (paper coordinates) of the top of the controls, below the plot.

    Returns
    -------
    dict
        ``{"updatemenus": [...], "sliders": [...]}``; use ``fig.update_layout(**controls)``.
        Frame names must be unique: the slider addresses frames by name.
    """
    names = [str(n) for n in frame_names]
    active = min(max(int(active), 0), max(len(names) - 1, 0))
    # Play all frames (None) from the current one; after a start at `active` > 0, play the
    # remaining ones, since plotly.js knows no current frame before the first animate call.
    play_list = None if active == 0 else names[active:]
    updatemenus = [{
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0, "xanchor": "left",
        "y": y, "yanchor": "top",
        "pad": {"t": SLIDER_PAD_PX + SLIDER_PX + (font_size - FONT_SIZE), "r": 10},
        "font": {"size": font_size},
        "buttons": _buttons(names, active, duration_ms, redraw, play_list),
    }]
    return {"updatemenus": updatemenus,
            "sliders": [_slider(names, active, redraw, prefix, font_size, y)]}


def _slider(names: list[str], active: int, redraw: bool, prefix: str, font_size: int,
            y: float) -> dict:
    """A slider with one step per frame and the current step's name above its right end."""
    steps = [
        {"label": name, "method": "animate",
         "args": _animate_args([name], 0, redraw)}
        for name in names
    ]
    return {
        "active": active,
        "steps": steps,
        "x": 0.0, "xanchor": "left", "len": 1.0,
        "y": y, "yanchor": "top",
        "pad": {"t": SLIDER_PAD_PX, "b": 10},
        # The rail spans the whole width, so that every step is easy to reach, with the
        # current step's name above its right end; the buttons go below, as in a video
        # player, where a long name never runs into them.
        "currentvalue": {"visible": True, "prefix": prefix, "xanchor": "right",
                         "font": {"size": font_size, "color": "#222222"}},
        # One label per frame would overlap: hide the tick labels, keep the current value.
        "font": {"size": 1, "color": "rgba(0,0,0,0)"},
        "ticklen": 4, "minorticklen": 0,
        "transition": {"duration": 0},
    }


def animation_html(fig: Any) -> str:
    """A standalone HTML file of an animated figure: plotly.js included, paused on its first
    frame, with the keys and the quiet Pause of :data:`PLAYBACK_PAGE_JS`; its text falls back on
    a font with Hangul (:data:`HTML_FONT_FAMILY`)."""
    if not fig.layout.font.family:
        fig.update_layout(font_family=HTML_FONT_FAMILY)
    return fig.to_html(include_plotlyjs=True, auto_play=False, post_script=PLAYBACK_PAGE_JS)
