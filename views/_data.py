"""The data controls shared by the pages: a generated data set with its size and seed, or a CSV.

URL parameters: ``data``, ``n``, ``seed``; the upload's widget keys are "upload", "xcol" and
"ycol".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from views._urlstate import DATA_SOURCES

DATA_LABELS = {
    "textbook": "textbook (100 points, 3 clusters)",
    "blobs": "blobs",
    "anisotropic": "anisotropic (stretched)",
    "varied": "varied spreads",
    "unequal": "unequal sizes",
    "moons": "two moons",
    "circles": "circles",
    "noise": "uniform noise",
    "outliers": "blobs with outliers",
    "upload": "upload a CSV file…",
}
_UPLOAD_GOOD = "_gmmviz_upload"  # (file id, file name, DataFrame) of the last good upload


@st.cache_data(max_entries=32, show_spinner=False)
def cached_dataset(name: str, n_samples: int, random_state: int) -> np.ndarray:
    """The preset data set's points, shape (n_samples, 2) (textbook: always 100)."""
    X, _ = gmmviz.datasets.make(name, n_samples=n_samples, random_state=random_state)
    return X


@st.cache_data(max_entries=8, show_spinner="Reading the file…")
def read_upload(content: bytes) -> pd.DataFrame:
    """The numeric columns of an uploaded file (see :func:`gmmviz.load_points`)."""
    return gmmviz.load_points(content)


def upload_points(df: pd.DataFrame, x_column: str, y_column: str) -> np.ndarray:
    """Points (n, 2) from two columns of an uploaded table; InputError if they are one column."""
    if x_column == y_column:
        raise gmmviz.InputError(
            f"x and y are the same column ({x_column!r}): choose two different columns."
        )
    return df[[x_column, y_column]].to_numpy(dtype=float)


def seed_control() -> int:
    """The random seed's number input (URL parameter ``seed``)."""
    return int(st.number_input(
        "Random seed", min_value=0, max_value=2**31 - 1, step=1, key="seed",
        help="Seeds the generated data set and the random starts: the same seed gives the "
             "same picture.",
    ))


def preset_description(source: str, X: np.ndarray, seed: int) -> str:
    """A short caption of a generated data set, e.g. "blobs, 500 points, seed 0"."""
    if source == "textbook":
        return "the textbook's 100 points"
    return f"{source}, {X.shape[0]:,} points, seed {seed}"


def data_source_controls() -> tuple[np.ndarray | None, str]:
    """The data controls: a preset with its number of points and seed, or an uploaded CSV.

    Widget keys: "data", "n", "seed" (URL parameters), "upload", "xcol", "ycol". A bad upload
    shows ``st.error`` and the last good upload stays in use.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), or None when "upload" is chosen and no file is good yet
    description : str
        A short caption such as "blobs, 500 points, seed 0".
    """
    source = st.selectbox(
        "Data", DATA_SOURCES, key="data", format_func=DATA_LABELS.get,
        help="The points to cluster: a generated data set, or your own CSV file.",
    )
    if source == "upload":
        seed_control()
        return _upload_controls()
    st.number_input(
        "Number of points", min_value=10, max_value=50_000, step=100, key="n",
        disabled=source == "textbook",
        help="How many points to generate (the textbook data set always has its 100).",
    )
    seed = seed_control()
    try:
        X = cached_dataset(source, int(st.session_state["n"]), seed)
    except gmmviz.InputError as e:
        st.error(str(e))
        return None, ""
    return X, preset_description(source, X, seed)


def _upload_controls() -> tuple[np.ndarray | None, str]:
    """The file uploader and the x and y columns; (points, caption) of the last good file."""
    file = st.file_uploader(
        "CSV file", key="upload",
        help="A text file with one point per row; numeric columns are offered for x and y.",
    )
    good = st.session_state.get(_UPLOAD_GOOD)
    if file is not None and (good is None or good[0] != file.file_id):
        try:
            df = read_upload(file.getvalue())
        except gmmviz.InputError as e:
            st.error(f"{file.name}: {e}", icon=":material/error:")
            if good is not None:
                st.caption(f"Still showing {good[1]}.")
        else:
            good = (file.file_id, file.name, df)
            st.session_state[_UPLOAD_GOOD] = good
    if good is None:
        st.info("Upload a CSV file with at least two numeric columns.", icon=":material/upload:")
        return None, ""
    _, name, df = good
    _dropped_notes(df)
    x_col, y_col = _column_controls(list(df.columns))
    try:
        X = upload_points(df, x_col, y_col)
    except gmmviz.InputError as e:
        st.error(str(e))
        return None, ""
    return X, f"{name}: {x_col} vs {y_col}, {X.shape[0]:,} points"


def _dropped_notes(df: pd.DataFrame) -> None:
    """What reading the file left out (rows without a number, columns without numbers)."""
    dropped_rows = df.attrs.get("dropped_rows", 0)
    dropped_cols = df.attrs.get("dropped_columns", [])
    if dropped_rows:
        st.info(f"{dropped_rows:,} row(s) without a number in every column were left out.")
    if dropped_cols:
        st.info(f"Columns without numbers were left out: {', '.join(map(str, dropped_cols))}.")


def _column_controls(columns: list[str]) -> tuple[str, str]:
    """The x and y column select boxes (keys "xcol", "ycol")."""
    for key, i in (("xcol", 0), ("ycol", 1)):
        # (re)assigned on every run so that the choice survives a visit to another page
        kept = st.session_state.get(key)
        st.session_state[key] = kept if kept in columns else columns[min(i, len(columns) - 1)]
    x_col = st.selectbox("x column", columns, key="xcol",
                         help="The numeric column plotted horizontally.")
    y_col = st.selectbox("y column", columns, key="ycol",
                         help="The numeric column plotted vertically.")
    return x_col, y_col
