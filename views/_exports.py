"""Download buttons that take a run away: its points with their responsibilities as CSV, and the
whole run as JSON that ``gmmviz.load_run`` reads back in a notebook.

Each file is made only when its button is pressed (``data`` is a callable) and the press does
not rerun the page (``on_click="ignore"``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

import gmmviz
from gmmviz.i18n import N_, _

CSV_HELP = N_("The points with their responsibilities γ and hard labels at {what}: one row per "
            "point, columns x, y, resp_1 … resp_k (each row sums to 1) and label (the "
            "component with the largest γ).")
JSON_HELP = N_("The whole run: its settings, the data, and every half-step's π, μ, Σ, NLL, ELBO "
             "and KL. In Python, gmmviz.load_run(path) reads it back, and gmmviz.em_figure "
             "redraws this animation.")


def step_label(step: gmmviz.GMMStep) -> str:
    """A half-step's caption, as ``step.label`` gives it ("Iteration 3 · E-step:
    responsibilities updated"), in the language in use."""
    if step.kind == "init":
        return _("Start")
    if step.kind == "E":
        return _("Iteration {i} · E-step: responsibilities updated").format(i=step.iteration)
    return _("Iteration {i} · M-step: π, μ, Σ updated").format(i=step.iteration)


def _step_index(run: gmmviz.GMMRun, step: int | None) -> int:
    """The step to export: ``step`` when it is one of the run's, else the final one."""
    n = len(run.steps)
    return step % n if isinstance(step, int) and -n <= step < n else n - 1


def export_buttons(run: gmmviz.GMMRun, description: str, *, step: int | None = None,
                   key_prefix: str = "export", file_stem: str = "gmmviz-em",
                   columns: Sequence[Any] | None = None) -> None:
    """Two download buttons side by side: CSV of half-step ``step`` (None: the final one) and
    JSON of the whole run (``description`` names the data in it); in ``columns`` when given.

    Widget keys: ``{key_prefix}_csv`` and ``{key_prefix}_json``.
    """
    i = _step_index(run, step)
    what = (_("the final half-step") if i == len(run.steps) - 1 else
            f"“{step_label(run.steps[i])}”")
    csv_col, json_col = columns if columns is not None else st.columns(2)
    csv_col.download_button(
        _("Responsibilities (CSV)"), data=lambda: run.to_frame(i).to_csv(),
        file_name=f"{file_stem}-step{i}.csv", mime="text/csv", on_click="ignore",
        icon=":material/table:", key=f"{key_prefix}_csv", help=_(CSV_HELP).format(what=what))
    json_col.download_button(
        _("Whole run (JSON)"), data=lambda: run.to_json(source=description),
        file_name=f"{file_stem}.json", mime="application/json", on_click="ignore",
        icon=":material/data_object:", key=f"{key_prefix}_json", help=_(JSON_HELP))


def panels_csv(runs: Sequence[gmmviz.GMMRun], titles: Sequence[str]) -> str:
    """Every run's responsibilities at its final half-step in one table, a ``panel`` column
    first."""
    frames = [run.to_frame().reset_index().assign(panel=title)
              for run, title in zip(runs, titles, strict=True)]
    table = pd.concat(frames, ignore_index=True)
    return table[["panel", *(c for c in table.columns if c != "panel")]].to_csv(index=False)


def panels_zip(runs: Sequence[gmmviz.GMMRun], titles: Sequence[str], description: str) -> bytes:
    """A zip of one JSON file per run (``panel-1.json``, ...), each read by gmmviz.load_run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for p, (run, title) in enumerate(zip(runs, titles, strict=True), start=1):
            archive.writestr(f"panel-{p}.json", run.to_json(source=f"{description} · {title}"))
    return buffer.getvalue()


def panels_export_buttons(runs: Sequence[gmmviz.GMMRun], titles: Sequence[str],
                          description: str, *, key_prefix: str = "panels_export") -> None:
    """Two download buttons for every panel at once: the responsibilities at each run's final
    half-step in one CSV (a ``panel`` column), and a zip of each run as JSON.

    Widget keys: ``{key_prefix}_csv`` and ``{key_prefix}_zip``.
    """
    csv_col, zip_col, png_col, gif_col = st.columns(4)
    csv_col.download_button(
        _("Every panel's responsibilities (CSV)"), data=lambda: panels_csv(runs, titles),
        file_name="gmmviz-compare.csv", mime="text/csv", on_click="ignore",
        icon=":material/table:", key=f"{key_prefix}_csv",
        help=_("{csv_help} The panel column names the run.").format(
            csv_help=_(CSV_HELP).format(what=_("each run's final half-step"))))
    zip_col.download_button(
        _("Every run (zip of JSON)"), data=lambda: panels_zip(runs, titles, description),
        file_name="gmmviz-compare.zip", mime="application/zip", on_click="ignore",
        icon=":material/folder_zip:", key=f"{key_prefix}_zip",
        help=_("One JSON file per panel. {json_help}").format(json_help=_(JSON_HELP)))
    _panels_pictures(runs, titles, png_col, gif_col, key_prefix)


def _slug(i: int, title: str) -> str:
    """A file name for panel ``i``: "1-notes-A"."""
    word = "".join(c if c.isalnum() else "-" for c in title.split(" · ", 1)[-1]).strip("-")
    return f"{i + 1}-{word}"[:60]


def _panels_pictures(runs: Sequence[gmmviz.GMMRun], titles: Sequence[str], png_col: Any,
                     gif_col: Any, key_prefix: str) -> None:
    """A zip of each panel's final half-step as PNG, and, on request, a zip of each panel's
    animation as GIF (made with a progress bar)."""

    def pngs() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for i, (run, title) in enumerate(zip(runs, titles, strict=True)):
                picture = io.BytesIO()
                gmmviz.write_png(run, None, len(run.steps) - 1, picture, scale=2, title=title)
                z.writestr(f"{_slug(i, title)}.png", picture.getvalue())
        return out.getvalue()

    png_col.download_button(
        _("Every panel's picture (PNG)"), data=pngs, file_name="gmmviz-compare-png.zip",
        mime="application/zip", on_click="ignore", icon=":material/image:",
        key=f"{key_prefix}_png",
        help=_("Each panel at its final half-step, 2560 × 1440, in a zip."))
    made_key = f"{_GIF}_{key_prefix}"
    fingerprint = tuple(r.nll.tobytes() for r in runs)
    made = st.session_state.get(made_key)
    if made is not None and made[0] == fingerprint:
        gif_col.download_button(
            _("Every panel's animation (GIF)"), data=made[1], file_name="gmmviz-compare-gif.zip",
            mime="application/zip", on_click="ignore", icon=":material/gif_box:",
            key=f"{key_prefix}_gif", help=_("One looping GIF per panel, 1280 × 720, in a zip."))
    elif gif_col.button(_("Make the panels' GIFs"), icon=":material/gif_box:",
                        key=f"{key_prefix}_make_gif",
                        help=_("Draw every half-step of every panel into one GIF each (1280 × "
                               "720), for slides; a bar shows how far it has got.")):
        bar = gif_col.progress(0.0, text=_("Drawing the frames…"))
        total = sum(len(r.steps) for r in runs)
        out, done = io.BytesIO(), 0
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for i, (run, title) in enumerate(zip(runs, titles, strict=True)):
                gif = io.BytesIO()
                gmmviz.write_gif(run, None, gif, title=title, progress=lambda d, _t, base=done:
                                 bar.progress(min((base + d) / total, 1.0),
                                              text=_("Frame {i} of {n}").format(
                                                  i=base + d, n=total)))
                done += len(run.steps)
                z.writestr(f"{_slug(i, title)}.gif", gif.getvalue())
        st.session_state[made_key] = (fingerprint, out.getvalue())
        st.rerun()


#: Session key prefix of a GIF made for download: (fit fingerprint, bytes).
_GIF = "_gif_made"


def picture_buttons(run: gmmviz.GMMRun, X: Any, step: int, *, fit_key: str,
                    levels: Sequence[float], duration_ms: int, columns: Sequence[Any],
                    key_prefix: str) -> None:
    """A PNG of half-step ``step`` at twice 1280 x 720, and the whole animation as a GIF at
    1280 x 720 for slides: made here with Pillow (one frame per half-step, at the player's
    speed), with a progress bar, then offered for download."""
    png_col, gif_col = columns
    i = _step_index(run, step)

    def png() -> bytes:
        out = io.BytesIO()
        gmmviz.write_png(run, X, i, out, scale=2, levels=levels)
        return out.getvalue()

    png_col.download_button(
        _("Picture (PNG)"), data=png, file_name=f"gmmviz-step{i}.png", mime="image/png",
        on_click="ignore", icon=":material/image:", key=f"{key_prefix}_png",
        help=_("“{label}” as a 2560 × 1440 picture, for a slide.").format(
            label=step_label(run.steps[i])))
    made_key = f"{_GIF}_{key_prefix}"
    fingerprint = (fit_key, tuple(levels), int(duration_ms))
    made = st.session_state.get(made_key)
    if made is not None and made[0] == fingerprint:
        gif_col.download_button(
            _("Animation (GIF)"), data=made[1], file_name="gmmviz-em.gif", mime="image/gif",
            on_click="ignore", icon=":material/gif_box:", key=f"{key_prefix}_gif",
            help=_("{n} frames at 1280 × 720, {ms} ms each; it loops.").format(
                n=len(run.steps), ms=duration_ms))
    elif gif_col.button(_("Make a GIF"), icon=":material/gif_box:", key=f"{key_prefix}_make_gif",
                        help=_("Draw the {n} half-steps at 1280 × 720 into an animated GIF for "
                               "slides; a bar shows how far it has got.").format(
                                   n=len(run.steps))):
        bar = gif_col.progress(0.0, text=_("Drawing the frames…"))
        out = io.BytesIO()
        gmmviz.write_gif(run, X, out, duration_ms=duration_ms, levels=levels,
                         progress=lambda done, total: bar.progress(
                             done / max(total, 1), text=_("Frame {i} of {n}").format(
                                 i=done, n=total)))
        st.session_state[made_key] = (fingerprint, out.getvalue())
        st.rerun()
