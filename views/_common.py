"""Widgets and Streamlit plumbing shared by the app's pages: URL state, data, EM settings, caching.

Maths lives in :mod:`gmmviz`; this module only lays out controls and calls the library.

URL state
    ``values = url_state(schema)`` at the top of a page, before any widget; widgets take the
    parameter's name as their key (``st.session_state["k"]``), so they need no ``value=``;
    ``sync_url(values, schema)`` at the end writes the current values back to the URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz import manual, urlstate
from gmmviz.figures import PLAYBACK_PAGE_JS
from gmmviz.urlstate import EXPLORER, Param

# ----------------------------------------------------------------------------- URL state

#: Session keys: the query this session last wrote, and the last values of every parameter
#: (kept when a page's widgets are not on screen, e.g. after visiting another page).
_LAST_QUERY = "_gmmviz_last_query"
_LAST_VALUES = "_gmmviz_values"

#: Parameters that no widget holds directly (the page passes their value to ``sync_url``).
NON_WIDGET_PARAMS = frozenset({"start"})

#: The explorer's URL parameters beyond the core ones of :data:`gmmviz.urlstate.EXPLORER`.
EXPLORER_EXTRA: dict[str, Param] = {
    "levels": Param(["1", "2"], "list", ("1", "2", "3"), low=0, high=3),
    "speed": Param(600, "int", low=50, high=3000),
    "density": Param("0", "choice", ("0", "1")),
    "present": Param("0", "choice", ("0", "1")),
    # the manual start's table, row after row: pi, mu_x, mu_y, s_xx, s_xy, s_yy
    "start": Param([], "list", low=0, high=60),
}
EXPLORER_SCHEMA: dict[str, Param] = {**EXPLORER, **EXPLORER_EXTRA}


def _is_flag(param: Param) -> bool:
    return param.kind == "choice" and tuple(param.choices) == ("0", "1")


def to_widget(param: Param, value: Any) -> Any:
    """A parameter's value as its widget holds it (a 0/1 flag is a bool, a list a new list)."""
    if _is_flag(param):
        return value == "1"
    if param.kind == "list":
        return list(value)
    return value


def from_widget(param: Param, value: Any) -> Any:
    """A widget's value as the parameter's value (inverse of :func:`to_widget`)."""
    if _is_flag(param):
        return "1" if value else "0"
    if param.kind == "list":
        return [str(v) for v in value]
    return value


def _valid(param: Param, value: Any, fallback: Any) -> Any:
    """``value`` if this page's ``param`` accepts it (another page may share the name with
    other choices or bounds), else ``fallback``."""
    try:
        return param.parse(param.encode(value))
    except (ValueError, TypeError):
        return fallback


def url_state(schema: Mapping[str, Param], *, assign: bool = True) -> dict[str, Any]:
    """The page's values from the URL query, and widget keys initialised from them.

    Call before any widget. On a session's first run, or when the query changed from what the
    app last wrote (a link opened, the address edited), every widget key of ``schema`` is set
    from the query; an invalid value falls back to its default with an ``st.warning``. Otherwise
    the widgets keep their state; a widget that is not on screen gets its last value back.

    With ``assign=False`` the widget keys are left alone: call :func:`assign_widget_keys`
    before the widgets, or not at all in a run that draws none of them (a key set in a run
    without its widget would outlive the widget's own state).

    Returns
    -------
    values : dict
        One value per parameter of ``schema``, in the query's types (see ``urlstate.Param``).
    """
    query = st.query_params.to_dict()
    parsed, warnings = urlstate.parse_query(query, schema)
    last_query = st.session_state.get(_LAST_QUERY)
    remembered: dict[str, Any] = st.session_state.setdefault(_LAST_VALUES, {})
    from_link = last_query is None or (bool(query) and query != last_query)
    for text in warnings if from_link else ():
        st.warning(text, icon=":material/link_off:")
    values = {}
    for name, param in schema.items():
        if from_link:
            value = parsed[name]
        elif name in st.session_state and name not in NON_WIDGET_PARAMS:
            value = _valid(param, from_widget(param, st.session_state[name]), parsed[name])
        else:
            value = _valid(param, remembered.get(name, parsed[name]), parsed[name])
        values[name] = value
    if from_link:
        remembered.update(values)
    if assign:
        assign_widget_keys(values, schema)
    return values


def assign_widget_keys(values: Mapping[str, Any], schema: Mapping[str, Param]) -> None:
    """Set the session_state key of every widget parameter of ``schema`` from ``values``.

    Done on every run, even unchanged: a widget of another page with the same key (after
    navigating) only takes over a value that was set through session state.
    """
    for name, param in schema.items():
        if name not in NON_WIDGET_PARAMS:
            st.session_state[name] = to_widget(param, values[name])


def current_values(values: Mapping[str, Any], schema: Mapping[str, Param]) -> dict[str, Any]:
    """``values`` with every parameter that a widget holds replaced by the widget's value."""
    out = dict(values)
    for name, param in schema.items():
        if name not in NON_WIDGET_PARAMS and name in st.session_state:
            out[name] = from_widget(param, st.session_state[name])
    return out


def sync_url(values: Mapping[str, Any], schema: Mapping[str, Param]) -> dict[str, str]:
    """Write the current values to the URL query (only when they changed); return the query.

    Widgets' values (session state under the parameter's name) take precedence over
    ``values``. Empty lists are left out of the query.
    """
    current = current_values(values, schema)
    query = {
        name: text
        for name, text in urlstate.to_query(current, schema).items()
        if text != "" or schema[name].kind != "list"
    }
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    st.session_state[_LAST_QUERY] = query
    st.session_state.setdefault(_LAST_VALUES, {}).update(current)
    return query


# ----------------------------------------------------------------------------- data

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
_UPLOAD_GOOD = "_gmmviz_upload"  # (file name, DataFrame) of the last good upload


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


def seed_control(values: Mapping[str, Any], *, key: str = "seed") -> int:
    """The random seed's number input (URL parameter ``seed``)."""
    return int(st.number_input(
        "Random seed", min_value=0, max_value=2**31 - 1, step=1, key=key,
        help="Seeds the generated data set and the random starts: the same seed gives the "
             "same picture.",
    ))


def preset_description(source: str, X: np.ndarray, seed: int) -> str:
    """A short caption of a generated data set, e.g. "blobs, 500 points, seed 0"."""
    if source == "textbook":
        return "the textbook's 100 points"
    return f"{source}, {X.shape[0]:,} points, seed {seed}"


def data_source_controls(values: Mapping[str, Any]) -> tuple[np.ndarray | None, str]:
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
        "Data", urlstate.DATA_SOURCES, key="data", format_func=DATA_LABELS.get,
        help="The points to cluster: a generated data set, or your own CSV file.",
    )
    if source != "upload":
        st.number_input(
            "Number of points", min_value=10, max_value=50_000, step=100, key="n",
            disabled=source == "textbook",
            help="How many points to generate (the textbook data set always has its 100).",
        )
        seed = seed_control(values)
        n = int(st.session_state["n"])
        try:
            X = cached_dataset(source, n, seed)
        except gmmviz.InputError as e:
            st.error(str(e))
            return None, ""
        return X, preset_description(source, X, seed)
    seed_control(values)
    return _upload_controls()


def _upload_controls() -> tuple[np.ndarray | None, str]:
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
    dropped_rows = df.attrs.get("dropped_rows", 0)
    dropped_cols = df.attrs.get("dropped_columns", [])
    if dropped_rows:
        st.info(f"{dropped_rows:,} row(s) without a number in every column were left out.")
    if dropped_cols:
        st.info(f"Columns without numbers were left out: {', '.join(map(str, dropped_cols))}.")
    columns = list(df.columns)
    for key, i in (("xcol", 0), ("ycol", 1)):
        # (re)assigned on every run so that the choice survives a visit to another page
        kept = st.session_state.get(key)
        st.session_state[key] = kept if kept in columns else columns[min(i, len(columns) - 1)]
    x_col = st.selectbox("x column", columns, key="xcol",
                         help="The numeric column plotted horizontally.")
    y_col = st.selectbox("y column", columns, key="ycol",
                         help="The numeric column plotted vertically.")
    try:
        X = upload_points(df, x_col, y_col)
    except gmmviz.InputError as e:
        st.error(str(e))
        return None, ""
    return X, f"{name}: {x_col} vs {y_col}, {X.shape[0]:,} points"


# ----------------------------------------------------------------------------- fits

#: How often each cached function actually ran (cache misses), for tests and diagnostics.
CALLS = {"fit_gmm": 0, "fit_kmeans": 0, "em_figure": 0}


def data_digest(X: np.ndarray) -> str:
    """A short digest of the points' values and shape, to key caches on."""
    X = np.ascontiguousarray(X, dtype=float)
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(X.shape).encode())
    h.update(X.tobytes())
    return h.hexdigest()


@st.cache_data(max_entries=32, show_spinner="Running EM…")
def _fit_gmm(digest: str, _X: np.ndarray, n_components: int, settings: tuple) -> Any:
    CALLS["fit_gmm"] += 1
    return gmmviz.fit_gmm(_X, n_components, **dict(_unplain(settings)))


@st.cache_data(max_entries=32, show_spinner="Running K-means…")
def _fit_kmeans(digest: str, _X: np.ndarray, n_clusters: int, settings: tuple) -> Any:
    CALLS["fit_kmeans"] += 1
    return gmmviz.fit_kmeans(_X, n_clusters, **dict(_unplain(settings)))


def _settings(kwargs: Mapping[str, Any]) -> tuple:
    """Keyword arguments as a sorted tuple of (name, hashable value)."""
    def plain(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return tuple(np.asarray(v, dtype=float).ravel().tolist()) + (v.shape,)
        return v
    return tuple(sorted((k, plain(v)) for k, v in kwargs.items()))


def _unplain(settings: tuple) -> tuple:
    out = []
    for k, v in settings:
        if isinstance(v, tuple) and v and isinstance(v[-1], tuple):
            v = np.array(v[:-1], dtype=float).reshape(v[-1])
        out.append((k, v))
    return tuple(out)


def cached_fit(X: np.ndarray, n_components: int, **kwargs: Any) -> gmmviz.GMMRun:
    """:func:`gmmviz.fit_gmm`, cached on the data's digest and the settings (32 entries).

    Raises InputError as fit_gmm does (never cached).
    """
    return _fit_gmm(data_digest(X), X, int(n_components), _settings(kwargs))


def cached_kmeans(X: np.ndarray, n_clusters: int, **kwargs: Any) -> gmmviz.KMeansRun:
    """:func:`gmmviz.fit_kmeans`, cached on the data's digest and the settings (32 entries)."""
    return _fit_kmeans(data_digest(X), X, int(n_clusters), _settings(kwargs))


def fit_key(X: np.ndarray, n_components: int, **kwargs: Any) -> str:
    """A string naming one fit (data digest plus settings), to key figure caches on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(data_digest(X).encode())
    h.update(repr((int(n_components), _settings(kwargs))).encode())
    return h.hexdigest()


@st.cache_resource(max_entries=32, show_spinner="Drawing the figure…")
def _em_figure(key: str, _run: Any, _X: np.ndarray, options: tuple) -> Any:
    # A shared, read-only object: the page only serialises it, so no copy is unpickled per
    # run, and its JSON (the chart's identity, which keeps a clicked point) never changes.
    CALLS["em_figure"] += 1
    from gmmviz.figures import em_figure

    return em_figure(_run, _X, **dict(options))


def cached_em_figure(run: gmmviz.GMMRun, X: np.ndarray, key: str, **options: Any) -> Any:
    """:func:`gmmviz.figures.em_figure` for ``run``, cached on ``key`` (see :func:`fit_key`)
    and the figure options (levels=..., duration_ms=..., show_density=..., height=...)."""
    plain = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    return _em_figure(key, run, X, plain)


# ----------------------------------------------------------------------------- EM settings

INIT_LABELS = {
    "notes-b": "notes B (textbook run)",
    "notes-a": "notes A",
    "notes-a2": "notes A2",
    "random": "random",
    "random-resp": "random responsibilities",
    "kmeans": "k-means",
    "kmeans-pp": "k-means++",
    "identical": "identical",
    "manual": "manual (edit the table)",
}
INIT_HELP = (
    "Where EM starts. random: k data points as means; random responsibilities: a random soft "
    "assignment then an M-step; k-means: the clusters of a K-means fit; k-means++: spread-out "
    "seeds; identical: every component the same; notes A/A2/B: the notes' fixed values (k = 3); "
    "manual: your own pi, mu, Sigma."
)
COV_LABELS = {
    "full": "full (any ellipse)",
    "diag": "diagonal (axis-aligned)",
    "spherical": "spherical (circles)",
    "tied": "tied (one shared ellipse)",
}
#: Used instead of a notes start when k is not 3.
NOTES_FALLBACK = "kmeans"


def fit_init(init_name: str, k: int) -> str:
    """fit_gmm's ``init`` for the URL value ``init_name``: a notes start needs k = 3 and gives
    way to :data:`NOTES_FALLBACK` otherwise."""
    if init_name.startswith("notes") and k != 3:
        init_name = NOTES_FALLBACK
    return urlstate.INIT_NAMES[init_name]


def gmm_controls(values: Mapping[str, Any], *, prefix: str = "", seed: int | None = None,
                 X: np.ndarray | None = None, manual_container: Any = None) -> dict[str, Any]:
    """The EM controls: k, initialization, covariance type, max iterations, tol, reg_covar.

    Widget keys are the URL parameter names with ``prefix``: "k", "init", "cov", "iters",
    "tol", "reg" (and "seed" unless ``seed`` is given, e.g. by :func:`data_source_controls`).
    A notes start with k other than 3 says why and uses k-means instead. With "manual", the
    table of :func:`manual_start_editor` is drawn in ``manual_container`` (default: here) for
    the data ``X``; if the table is refused, its message is shown and ``"error"`` is set.

    Returns
    -------
    kwargs : dict
        ``n_components`` and the keyword arguments of :func:`gmmviz.fit_gmm` (``init``,
        ``covariance_type``, ``max_iter``, ``tol``, ``reg_covar``, ``random_state`` and, for a
        manual start, ``weights_init``, ``means_init``, ``covariances_init``), plus the
        non-fit entries ``"init_name"`` (the URL value), ``"start"`` (the manual table for the
        URL, a list of str), ``"notices"`` (list of str) and ``"error"`` (str or None).
        Pop these before calling fit_gmm, or use :func:`fit_kwargs`.
    """
    p = prefix
    k = int(st.slider(
        "Number of components k", min_value=1, max_value=10, step=1, key=f"{p}k",
        help="How many Gaussians the mixture has.",
    ))
    init_name = st.selectbox(
        "Initialization", tuple(urlstate.INIT_NAMES), key=f"{p}init",
        format_func=INIT_LABELS.get, help=INIT_HELP,
    )
    notices: list[str] = []
    init = fit_init(init_name, k)
    if init != urlstate.INIT_NAMES[init_name]:
        st.warning(
            f"The notes' starting values are for k = 3 only, and k is {k}: using k-means "
            "instead. Set k to 3 to use them.", icon=":material/info:",
        )
    st.selectbox(
        "Covariance type", urlstate.COV_TYPES, key=f"{p}cov", format_func=COV_LABELS.get,
        help="The shape each Gaussian may take: any ellipse, axis-aligned, round, or one "
             "ellipse shared by all.",
    )
    st.number_input(
        "Max iterations", min_value=0, max_value=500, step=5, key=f"{p}iters",
        help="EM stops after this many iterations (each one E-step and one M-step) at most.",
    )
    st.number_input(
        "Tolerance", min_value=0.0, max_value=1.0, step=1e-4, format="%g", key=f"{p}tol",
        help="EM stops when the NLL per point changes by less than this; 0 runs every "
             "iteration.",
    )
    st.number_input(
        "reg_covar", min_value=0.0, max_value=10.0, step=1e-3, format="%g", key=f"{p}reg",
        help="Added to each covariance's diagonal so that no Gaussian collapses onto a point; "
             "0 lets a collapse stop the run.",
    )
    if seed is None:
        seed = seed_control(values, key=f"{p}seed")
    kwargs: dict[str, Any] = {
        "n_components": k,
        "init": init,
        "covariance_type": st.session_state[f"{p}cov"],
        "max_iter": int(st.session_state[f"{p}iters"]),
        "tol": float(st.session_state[f"{p}tol"]),
        "reg_covar": float(st.session_state[f"{p}reg"]),
        "random_state": int(seed),
        "init_name": init_name,
        "start": [],
        "notices": notices,
        "error": None,
    }
    if init_name == "manual":
        kwargs["init"] = "identical"  # every starting value is given explicitly below
        where = manual_container if manual_container is not None else st.container()
        with where:
            try:
                w, m, c, rows = manual_start_editor(
                    k, X, values.get("start", []), key=f"{p}manual_table")
            except gmmviz.InputError as e:
                kwargs["error"] = str(e)
                # keep the table it came from (and the URL), so that it stays to be corrected
                kwargs["start"] = list(values.get("start") or [])
            else:
                kwargs.update(weights_init=w, means_init=m, covariances_init=c,
                              start=manual.encode_rows(rows))
    return kwargs


class PresetFit(NamedTuple):
    """What :func:`peek_preset_fit` reads from session_state before the widgets are drawn."""

    X: np.ndarray
    n_components: int
    kwargs: dict[str, Any]  # the keyword arguments of fit_gmm, without n_components
    description: str  # as returned by data_source_controls
    init_name: str  # the URL value, as in gmm_controls' "init_name"


def peek_preset_fit(values: Mapping[str, Any]) -> PresetFit | None:
    """The fit that :func:`data_source_controls` and :func:`gmm_controls` will ask for in this
    run, from the page's ``values`` (as :func:`url_state` returns them) before the widgets are
    drawn.

    None for an upload or a manual start, whose values need their widgets.
    """
    v = values
    try:
        source, init_name, k, seed = v["data"], v["init"], int(v["k"]), int(v["seed"])
        if source == "upload" or init_name == "manual":
            return None
        X = cached_dataset(source, int(v["n"]), seed)
        kwargs = {
            "init": fit_init(init_name, k),
            "covariance_type": v["cov"],
            "max_iter": int(v["iters"]),
            "tol": float(v["tol"]),
            "reg_covar": float(v["reg"]),
            "random_state": seed,
        }
        return PresetFit(X, k, kwargs, preset_description(source, X, seed), init_name)
    except (KeyError, TypeError, ValueError, gmmviz.InputError):
        return None


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


# Reports once the page's first Plotly figure has drawn its points (or after a few seconds
# regardless), when its data asks for it; its CSS applies to the whole page while it is shown.
# It also runs PLAYBACK_PAGE_JS: keys that step through the page's animation, and no error
# when Pause, Back or Next interrupt Play.
_FIGURE_DRAWN_JS = """
export default function ({ data, setTriggerValue }) {
""" + PLAYBACK_PAGE_JS + """
  if (!data || !data.rerun) return;
  const start = Date.now();
  let timer = 0;
  const check = () => {
    const drawn = document.querySelector(".js-plotly-plot .scatterlayer .point");
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


def fit_kwargs(controls: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of fit_gmm in the result of :func:`gmm_controls` (without
    ``n_components``)."""
    extra = {"n_components", "init_name", "start", "notices", "error"}
    return {k: v for k, v in controls.items() if k not in extra}


def manual_start_editor(
    k: int, X: np.ndarray | None, start: list[str] | None = None, *, key: str = "manual_table"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, float]]]:
    """An editable table of pi, mu and Sigma, one row per component, and its checked values.

    The table starts from ``start`` (the flat list that :func:`gmmviz.manual.encode_rows`
    writes, e.g. from the URL) when it fits k, else from :func:`gmmviz.manual.default_rows`.
    Renormalised weights are reported with ``st.info``; a table that cannot be used raises
    InputError after showing its message with ``st.error``.

    Returns
    -------
    weights (k,), means (k, 2), covariances (k, 2, 2), rows (the table as dicts)
    """
    rows = None
    if start:
        try:
            rows = manual.decode_rows(start, k)
        except gmmviz.InputError:
            rows = None
    if rows is None:
        rows = manual.default_rows(X if X is not None else np.zeros((1, 2)), k)
    base = pd.DataFrame(rows, columns=list(manual.COLUMNS),
                        index=pd.RangeIndex(1, k + 1, name="component"))
    number = st.column_config.NumberColumn
    st.markdown("**Manual start** — one row per component; edit any cell.")
    table = st.data_editor(
        base, key=key, num_rows="fixed", width="stretch",
        column_config={
            "pi": number("π", help="Weight of the component (renormalised to sum to 1).",
                         format="%.4g"),
            "mu_x": number("μ x", help="Mean, x coordinate.", format="%.4g"),
            "mu_y": number("μ y", help="Mean, y coordinate.", format="%.4g"),
            "s_xx": number("Σ xx", help="Variance of x (above 0).", format="%.4g"),
            "s_xy": number("Σ xy", help="Covariance of x and y.", format="%.4g"),
            "s_yy": number("Σ yy", help="Variance of y (above 0).", format="%.4g"),
        },
    )
    edited = table.to_dict("records")
    try:
        weights, means, covariances, notices = manual.manual_start(edited)
    except gmmviz.InputError as e:
        st.error(str(e), icon=":material/block:")
        raise
    for text in notices:
        st.info(text, icon=":material/balance:")
    return weights, means, covariances, edited


# ----------------------------------------------------------------------------- equations

def equations_block(kind: str = "em") -> None:
    """The notes' equations with one sentence each: ``kind`` "em" (E- and M-step and the NLL),
    "e", "m", "nll" or "kmeans" (assignment, update, distortion)."""
    parts = {"em": ("e", "m", "nll")}.get(kind, (kind,))
    for part in parts:
        if part == "e":
            st.markdown("**E-step** — each point's responsibilities: how much each component "
                        "explains it, given the current parameters.")
            st.latex(r"\gamma_{nk} = \frac{\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
                     r"{\sum_{j=1}^{K} \pi_j\,\mathcal{N}(x_n \mid \mu_j, \Sigma_j)}")
        elif part == "m":
            st.markdown("**M-step** — each component is refitted to the points, each point "
                        "counted with its responsibility.")
            st.latex(r"N_k = \sum_{n=1}^{N} \gamma_{nk}, \qquad \pi_k = \frac{N_k}{N}, \qquad "
                     r"\mu_k = \frac{1}{N_k} \sum_{n=1}^{N} \gamma_{nk}\, x_n")
            st.latex(r"\Sigma_k = \frac{1}{N_k} \sum_{n=1}^{N} \gamma_{nk}\,"
                     r"(x_n - \mu_k)(x_n - \mu_k)^{\top}")
        elif part == "nll":
            st.markdown("**Negative log-likelihood** — what EM lowers at every step (lower "
                        "is a better fit).")
            st.latex(r"\mathrm{NLL}(\theta) = -\sum_{n=1}^{N} \log \sum_{k=1}^{K} "
                     r"\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)")
        elif part == "kmeans":
            st.markdown("**Assignment step** — each point joins its nearest centre.")
            st.latex(r"r_{nk} = \begin{cases} 1 & k = \arg\min_j \lVert x_n - \mu_j \rVert^2 "
                     r"\\ 0 & \text{otherwise} \end{cases}")
            st.markdown("**Update step** — each centre moves to the mean of its points.")
            st.latex(r"\mu_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}}")
            st.markdown("**Distortion** — what K-means lowers at every step.")
            st.latex(r"J = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk}\, \lVert x_n - \mu_k \rVert^2")
        else:
            raise ValueError(f"unknown equations kind {part!r}")
