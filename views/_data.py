"""The data controls shared by the pages: a generated data set with its size and seed, a real
one with its two columns, or a CSV.

URL parameters: ``data``, ``n``, ``seed``, ``features`` (a real data set's x and y columns); the
upload's widget keys are "upload", "xcol" and "ycol". A real data set's classes stay beside its
points (:func:`true_classes`), for :func:`class_agreement` to compare a fit with.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz import i18n
from gmmviz.datasets import DEFAULT_FEATURES, REAL_DATASETS, REAL_FEATURES, RealData
from gmmviz.i18n import N_, _
from views._urlstate import DATA_SOURCES, opened_from_link, shown_labels

DATA_LABELS = {
    "textbook": N_("textbook (100 points, 3 clusters)"),
    "faithful": N_("Old Faithful (272 eruptions)"),
    "iris": N_("iris (150 flowers, 3 species)"),
    "penguins": N_("Palmer penguins (342, 3 species)"),
    "blobs": N_("blobs"),
    "anisotropic": N_("anisotropic (stretched)"),
    "varied": N_("varied spreads"),
    "unequal": N_("unequal sizes"),
    "moons": N_("two moons"),
    "circles": N_("circles"),
    "noise": N_("uniform noise"),
    "outliers": N_("blobs with outliers"),
    "upload": N_("upload a CSV file…"),
}
#: The data sets' short names, as a caption names them ("iris", "Old Faithful", "blobs").
DATA_NAMES = {
    "textbook": N_("textbook"), "faithful": N_("Old Faithful"), "iris": N_("iris"),
    "penguins": N_("Palmer penguins"), "blobs": N_("blobs"), "anisotropic": N_("anisotropic"),
    "varied": N_("varied"), "unequal": N_("unequal"), "moons": N_("moons"),
    "circles": N_("circles"), "noise": N_("noise"), "outliers": N_("outliers"),
}
#: A real data set's columns as the column select box shows them.
FEATURE_LABELS = {
    "eruptions": N_("eruption duration (min)"), "waiting": N_("waiting time (min)"),
    "sepal_length": N_("sepal length (cm)"), "sepal_width": N_("sepal width (cm)"),
    "petal_length": N_("petal length (cm)"), "petal_width": N_("petal width (cm)"),
    "bill_length_mm": N_("bill length (mm)"), "bill_depth_mm": N_("bill depth (mm)"),
    "flipper_length_mm": N_("flipper length (mm)"), "body_mass_g": N_("body mass (g)"),
}
#: Data sets whose number of points is their own (the input is shown, disabled).
FIXED_SIZE = ("textbook", *REAL_DATASETS)
_UPLOAD_GOOD = "_gmmviz_upload"  # (file id, file name, DataFrame) of the last good upload
_REAL_SHOWN = "_gmmviz_real_data"  # the RealData the data controls last handed out


@st.cache_data(max_entries=32, show_spinner=False)
def cached_dataset(name: str, n_samples: int, random_state: int) -> np.ndarray:
    """The preset data set's points, shape (n_samples, 2) (textbook: always 100)."""
    X, _labels = gmmviz.datasets.make(name, n_samples=n_samples, random_state=random_state)
    return X


@st.cache_data(max_entries=8, show_spinner=False)
def cached_real(name: str, features: tuple[str, ...]) -> RealData:
    """Two columns of a real data set (empty ``features``: its default two); InputError for
    columns it does not have."""
    return gmmviz.datasets.load_real(name, features or None)


def preset(name: str, n_samples: int, random_state: int,
           features: tuple[str, ...] = ()) -> tuple[np.ndarray, str]:
    """The points of a preset and their caption; InputError as the data sets raise it."""
    if name in REAL_DATASETS:
        data = cached_real(name, tuple(features))
        return data.X, real_description(data)
    X = cached_dataset(name, n_samples, random_state)
    return X, preset_description(name, X, random_state)


@st.cache_data(max_entries=8, show_spinner=False)
def _read_upload(content: bytes, lang: str) -> pd.DataFrame:
    return gmmviz.load_points(content)


def read_upload(content: bytes) -> pd.DataFrame:
    """The numeric columns of an uploaded file (see :func:`gmmviz.load_points`)."""
    with st.spinner(_("Reading the file…")):
        return _read_upload(content, i18n.get_language())


def upload_points(df: pd.DataFrame, x_column: str, y_column: str) -> np.ndarray:
    """Points (n, 2) from two columns of an uploaded table; InputError if they are one column."""
    if x_column == y_column:
        raise gmmviz.InputError(_(
            "x and y are the same column ({column!r}): choose two different columns."
        ).format(column=x_column))
    return df[[x_column, y_column]].to_numpy(dtype=float)


def seed_control() -> int:
    """The random seed's number input (URL parameter ``seed``)."""
    return int(st.number_input(
        _("Random seed"), min_value=0, max_value=2**31 - 1, step=1, key="seed",
        help=_("Seeds the generated data set and the random starts: the same seed gives the "
               "same picture."),
    ))


def preset_description(source: str, X: np.ndarray, seed: int) -> str:
    """A short caption of a generated data set, e.g. "blobs, 500 points, seed 0"."""
    if source == "textbook":
        return _("the textbook's 100 points")
    return _("{name}, {n} points, seed {seed}").format(
        name=_(DATA_NAMES.get(source, source)), n=f"{X.shape[0]:,}", seed=seed)


def real_description(data: RealData) -> str:
    """A short caption of a real data set, e.g. "iris: petal length vs petal width, 150 points"."""
    title = _(DATA_LABELS[data.name]).split(" (")[0]
    x, y = (_(FEATURE_LABELS[c]).split(" (")[0] for c in data.features)
    return _("{title}: {x} vs {y}, {n} points").format(title=title, x=x, y=y,
                                                        n=f"{data.X.shape[0]:,}")


def data_source_controls() -> tuple[np.ndarray | None, str]:
    """The data controls: a preset with its number of points and seed, or an uploaded CSV.

    Widget keys: "data", "n", "seed", "features" (URL parameters), "upload", "xcol", "ycol". A
    bad upload shows ``st.error`` and the last good upload stays in use. A real data set's
    rows without a value are left out with a word, and its classes are kept for
    :func:`true_classes` (never handed to a fit).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), or None when "upload" is chosen and no file is good yet
    description : str
        A short caption such as "blobs, 500 points, seed 0".
    """
    source = st.selectbox(
        _("Data"), DATA_SOURCES, key="data", format_func=shown_labels(DATA_LABELS),
        help=_("The points to cluster: a generated data set, or your own CSV file."),
    )
    st.session_state.pop(_REAL_SHOWN, None)
    if source == "upload":
        seed_control()
        _no_features()
        return _upload_controls()
    st.number_input(
        _("Number of points"), min_value=10, max_value=50_000, step=100, key="n",
        disabled=source in FIXED_SIZE,
        help=_("How many points to generate (the textbook and the real data sets have their "
               "own)."),
    )
    seed = seed_control()
    if source in REAL_DATASETS:
        return _real_controls(source)
    _no_features()
    try:
        X = cached_dataset(source, int(st.session_state["n"]), seed)
    except gmmviz.InputError as e:
        st.error(str(e))
        return None, ""
    return X, preset_description(source, X, seed)


def _no_features() -> None:
    """No real data set: no columns to keep in the URL."""
    st.session_state["features"] = []


def _real_controls(name: str) -> tuple[np.ndarray | None, str]:
    """A real data set's x and y columns (where it has more than two) and its points; the rows
    left out for a missing value are said, and the classes kept for :func:`true_classes`."""
    features = _feature_controls(name)
    if features is None:
        return None, ""
    try:
        data = cached_real(name, features)
    except gmmviz.InputError as e:
        st.error(str(e))
        return None, ""
    if data.dropped_note:
        st.caption(data.dropped_note)
    st.session_state[_REAL_SHOWN] = data
    return data.X, real_description(data)


def _feature_controls(name: str) -> tuple[str, ...] | None:
    """The x and y columns of a real data set (key "features", URL parameter ``features``);
    None while only one is chosen. A link's columns that are not two of the data set's give
    way to its default two, with a warning."""
    columns = REAL_FEATURES[name]
    if len(columns) <= 2:
        _no_features()
        return DEFAULT_FEATURES[name]
    chosen = list(st.session_state.get("features") or [])
    usable = len(set(chosen)) == len(chosen) and all(c in columns for c in chosen)
    from_link = opened_from_link()
    if chosen and (not usable or (from_link and len(chosen) != 2)):
        if from_link:
            st.warning(
                _("The link's value features={value!r} was not used (it must name two "
                  "different columns of {name}: {columns}); showing the default "
                  "features={default} instead.").format(
                    value=",".join(chosen), name=name, columns=", ".join(columns),
                    default=",".join(DEFAULT_FEATURES[name])),
                icon=":material/link_off:")
        chosen = []
    # (re)assigned on every run so that the choice survives a visit to another page
    st.session_state["features"] = chosen or list(DEFAULT_FEATURES[name])
    picked = st.multiselect(
        _("Columns: x, then y"), columns, key="features", max_selections=2,
        format_func=shown_labels(FEATURE_LABELS),
        help=_("Which two measurements to cluster: the first is plotted horizontally, the "
               "second vertically."),
    )
    if len(picked) < 2:
        st.info(_("Choose a second column: the first is x, the second y."),
                icon=":material/view_column:")
        return None
    return tuple(picked)


def true_classes(X: np.ndarray | None) -> RealData | None:
    """The real data set with classes that the data controls handed out as ``X``, or None
    (generated or uploaded data, Old Faithful, or other points)."""
    data = st.session_state.get(_REAL_SHOWN)
    if (X is None or data is None or data.labels is None or data.X.shape != np.shape(X)
            or not np.array_equal(data.X, X)):
        return None
    return data


def class_agreement(run: gmmviz.GMMRun, X: np.ndarray) -> None:
    """How well the run's hard labels recover the species of a real data set, as a caption
    (nothing for data without classes)."""
    data = true_classes(X)
    if data is None:
        return
    ari = gmmviz.outcomes.adjusted_rand_index(data.labels, run.labels_)
    st.caption(_(
        "**Against the {n} species** ({names}): "
        "adjusted Rand index **{ari}** for the fit's hard labels (1: the species exactly, "
        "0: no better than chance). The species are never shown to EM.").format(
            n=len(data.label_names), names=", ".join(data.label_names), ari=f"{ari:.2f}"))


def _upload_controls() -> tuple[np.ndarray | None, str]:
    """The file uploader and the x and y columns; (points, caption) of the last good file."""
    file = st.file_uploader(
        _("CSV file"), key="upload",
        help=_("A text file with one point per row; numeric columns are offered for x and y."),
    )
    good = st.session_state.get(_UPLOAD_GOOD)
    if file is not None and (good is None or good[0] != file.file_id):
        try:
            df = read_upload(file.getvalue())
        except gmmviz.InputError as e:
            st.error(f"{file.name}: {e}", icon=":material/error:")
            if good is not None:
                st.caption(_("Still showing {name}.").format(name=good[1]))
        else:
            good = (file.file_id, file.name, df)
            st.session_state[_UPLOAD_GOOD] = good
    if good is None:
        st.info(_("Upload a CSV file with at least two numeric columns."),
                icon=":material/upload:")
        return None, ""
    _id, name, df = good
    _dropped_notes(df)
    x_col, y_col = _column_controls(list(df.columns))
    try:
        X = upload_points(df, x_col, y_col)
    except gmmviz.InputError as e:
        st.error(str(e))
        return None, ""
    return X, _("{name}: {x} vs {y}, {n} points").format(name=name, x=x_col, y=y_col,
                                                          n=f"{X.shape[0]:,}")


def _dropped_notes(df: pd.DataFrame) -> None:
    """What reading the file left out (rows without a number, columns without numbers)."""
    dropped_rows = df.attrs.get("dropped_rows", 0)
    dropped_cols = df.attrs.get("dropped_columns", [])
    if dropped_rows:
        st.info(_("{n} row(s) without a number in every column were left out.").format(
            n=f"{dropped_rows:,}"))
    if dropped_cols:
        st.info(_("Columns without numbers were left out: {columns}.").format(
            columns=", ".join(map(str, dropped_cols))))


def _column_controls(columns: list[str]) -> tuple[str, str]:
    """The x and y column select boxes (keys "xcol", "ycol")."""
    for key, i in (("xcol", 0), ("ycol", 1)):
        # (re)assigned on every run so that the choice survives a visit to another page
        kept = st.session_state.get(key)
        st.session_state[key] = kept if kept in columns else columns[min(i, len(columns) - 1)]
    x_col = st.selectbox(_("x column"), columns, key="xcol",
                         help=_("The numeric column plotted horizontally."))
    y_col = st.selectbox(_("y column"), columns, key="ycol",
                         help=_("The numeric column plotted vertically."))
    return x_col, y_col
