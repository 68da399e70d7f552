"""Play / Pause buttons and a step slider for Plotly figures with frames.

Notes on plotly.js behaviour
----------------------------
* ``redraw=True`` is required whenever a frame changes WebGL traces (``scattergl``), traces
  that cannot be tweened (``contour``, ``heatmap``), or layout outside the axis ranges (the
  title): with ``redraw=False`` plotly.js only tweens SVG scatter traces and leaves the
  rest stale. The controls therefore redraw by default, with a zero-length transition.
* Plotly's buttons cannot step "one frame forward from the current one": an ``animate``
  call gets a fixed frame list, and ``fromcurrent`` only trims a list that is played to its
  end. Single steps are taken with the slider (one step per frame); an app that wants
  Previous / Next buttons rebuilds the figure at another ``active`` frame.
* Pause is ``animate([None], mode="immediate")``, which interrupts the running Play call;
  plotly.js rejects that call's promise with ``undefined`` and the button does not catch it,
  so the page logs one uncaught "undefined" error per Pause while playing. It is harmless;
  browser tests that press Pause should expect it.
"""

from __future__ import annotations

FONT_SIZE = 16


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


def playback_controls(frame_names: list[str], duration_ms: int = 600, prefix: str = "",
                      *, active: int = 0, redraw: bool = True,
                      font_size: int = FONT_SIZE, y: float = -0.06) -> dict:
    """Play / Pause buttons and a slider with one step per frame.

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
        that change the title.
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
    buttons = [
        {"label": "▶ Play", "method": "animate",
         "args": _animate_args(play_list, duration_ms, redraw, fromcurrent=True)},
        {"label": "❚❚ Pause", "method": "animate",
         "args": _animate_args([None], 0, False)},
    ]
    updatemenus = [{
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0, "xanchor": "left",
        "y": y, "yanchor": "top",
        "pad": {"t": 45, "r": 10},
        "font": {"size": font_size},
        "buttons": buttons,
    }]
    steps = [
        {"label": name, "method": "animate",
         "args": _animate_args([name], 0, redraw)}
        for name in names
    ]
    sliders = [{
        "active": active,
        "steps": steps,
        "x": 0.17, "xanchor": "left", "len": 0.83,
        "y": y, "yanchor": "top",
        "pad": {"t": 30, "b": 10},
        # right-aligned, so a long label never runs into the Play / Pause buttons
        "currentvalue": {"visible": True, "prefix": prefix, "xanchor": "right",
                         "font": {"size": font_size, "color": "#222222"}},
        # One label per frame would overlap: hide the tick labels, keep the current value.
        "font": {"size": 1, "color": "rgba(0,0,0,0)"},
        "ticklen": 4, "minorticklen": 0,
        "transition": {"duration": 0},
    }]
    return {"updatemenus": updatemenus, "sliders": sliders}
