"""Download buttons that take a run away: its points with their responsibilities as CSV, and the
whole run as JSON that ``gmmviz.load_run`` reads back in a notebook.

Each file is made only when its button is pressed (``data`` is a callable) and the press does
not rerun the page (``on_click="ignore"``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import pandas as pd
import streamlit as st

import gmmviz

CSV_HELP = ("The points with their responsibilities γ and hard labels at {what}: one row per "
            "point, columns x, y, resp_1 … resp_k (each row sums to 1) and label (the "
            "component with the largest γ).")
JSON_HELP = ("The whole run: its settings, the data, and every half-step's π, μ, Σ, NLL, ELBO "
             "and KL. In Python, gmmviz.load_run(path) reads it back, and gmmviz.em_figure "
             "redraws this animation.")


def _step_index(run: gmmviz.GMMRun, step: int | None) -> int:
    """The step to export: ``step`` when it is one of the run's, else the final one."""
    n = len(run.steps)
    return step % n if isinstance(step, int) and -n <= step < n else n - 1


def export_buttons(run: gmmviz.GMMRun, description: str, *, step: int | None = None,
                   key_prefix: str = "export", file_stem: str = "gmmviz-em") -> None:
    """Two download buttons side by side: CSV of half-step ``step`` (None: the final one) and
    JSON of the whole run (``description`` names the data in it).

    Widget keys: ``{key_prefix}_csv`` and ``{key_prefix}_json``.
    """
    i = _step_index(run, step)
    what = "the final half-step" if i == len(run.steps) - 1 else f"“{run.steps[i].label}”"
    csv_col, json_col = st.columns(2)
    csv_col.download_button(
        "Responsibilities (CSV)", data=lambda: run.to_frame(i).to_csv(),
        file_name=f"{file_stem}-step{i}.csv", mime="text/csv", on_click="ignore",
        icon=":material/table:", key=f"{key_prefix}_csv", help=CSV_HELP.format(what=what))
    json_col.download_button(
        "Whole run (JSON)", data=lambda: run.to_json(source=description),
        file_name=f"{file_stem}.json", mime="application/json", on_click="ignore",
        icon=":material/data_object:", key=f"{key_prefix}_json", help=JSON_HELP)


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
    csv_col, zip_col = st.columns(2)
    csv_col.download_button(
        "Every panel's responsibilities (CSV)", data=lambda: panels_csv(runs, titles),
        file_name="gmmviz-compare.csv", mime="text/csv", on_click="ignore",
        icon=":material/table:", key=f"{key_prefix}_csv",
        help=CSV_HELP.format(what="each run's final half-step") + " The panel column names "
             "the run.")
    zip_col.download_button(
        "Every run (zip of JSON)", data=lambda: panels_zip(runs, titles, description),
        file_name="gmmviz-compare.zip", mime="application/zip", on_click="ignore",
        icon=":material/folder_zip:", key=f"{key_prefix}_zip",
        help="One JSON file per panel. " + JSON_HELP)
