"""Cached fits and figures: the library's calls keyed on a digest of the data and the settings.

Fits are cached with ``st.cache_data`` (each session gets its own copy); the EM figure with
``st.cache_resource`` (one shared, read-only object).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any, TypeVar

import numpy as np
import streamlit as st

import gmmviz
from gmmviz import i18n
from gmmviz.i18n import _
from views._work import FIT_PROGRESS, Notice, NoticeKind, Work

T = TypeVar("T")

#: How often each cached function actually ran (cache misses), for tests and diagnostics.
CALLS = {"fit_gmm": 0, "fit_kmeans": 0, "em_figure": 0, "player": 0}


def data_digest(X: np.ndarray) -> str:
    """A short digest of the points' values and shape, to key caches on."""
    X = np.ascontiguousarray(X, dtype=float)
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(X.shape).encode())
    h.update(X.tobytes())
    return h.hexdigest()


@st.cache_data(max_entries=32, show_spinner=False)
def _fit_gmm(digest: str, _X: np.ndarray, n_components: int, settings: tuple, lang: str,
             _progress: Callable[[float, float], None] | None = None) -> Any:
    CALLS["fit_gmm"] += 1
    return gmmviz.fit_gmm(_X, n_components, progress=_progress, **dict(_unplain(settings)))


@st.cache_data(max_entries=32, show_spinner=False)
def _fit_kmeans(digest: str, _X: np.ndarray, n_clusters: int, settings: tuple, lang: str) -> Any:
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
    """The keyword arguments of :func:`_settings` back, with their arrays."""
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
    with st.spinner(_("Running EM…")):  # (the run's sentences are in the language in use)
        return _fit_gmm(data_digest(X), X, int(n_components), _settings(kwargs),
                        i18n.get_language(), FIT_PROGRESS.get())


def cached_kmeans(X: np.ndarray, n_clusters: int, **kwargs: Any) -> gmmviz.KMeansRun:
    """:func:`gmmviz.fit_kmeans`, cached on the data's digest and the settings (32 entries)."""
    with st.spinner(_("Running K-means…")):
        return _fit_kmeans(data_digest(X), X, int(n_clusters), _settings(kwargs),
                           i18n.get_language())


def fit_key(X: np.ndarray, n_components: int, **kwargs: Any) -> str:
    """A string naming one fit (data digest plus settings), to key figure caches on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(data_digest(X).encode())
    h.update(repr((int(n_components), _settings(kwargs))).encode())
    return h.hexdigest()


def _options(options: Mapping[str, Any]) -> tuple:
    """A figure's keyword options as a sorted tuple of (name, value), lists as tuples."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))


@st.cache_resource(max_entries=32, show_spinner=False)
def _em_figure(key: str, _run: Any, _X: np.ndarray, options: tuple, lang: str) -> Any:
    # A shared, read-only object: the page only serialises it, so no copy is unpickled per
    # run, and its JSON (the chart's identity, which keeps a clicked point) never changes.
    CALLS["em_figure"] += 1
    from gmmviz.figures import em_figure

    return em_figure(_run, _X, **dict(options))


def cached_em_figure(run: gmmviz.GMMRun, X: np.ndarray, key: str, **options: Any) -> Any:
    """:func:`gmmviz.figures.em_figure` for ``run``, cached on ``key`` (see :func:`fit_key`)
    and the figure options (levels=..., duration_ms=..., show_density=..., height=...)."""
    with st.spinner(_("Drawing the figure…")):
        return _em_figure(key, run, X, _options(options), i18n.get_language())


@st.cache_resource(max_entries=32, show_spinner=False)
def _player_data(key: str, _run: Any, _X: np.ndarray, options: tuple, lang: str) -> dict:
    CALLS["player"] += 1
    from gmmviz.figures.player import em_player

    return em_player(_run, _X, **dict(options))


def cached_player(run: gmmviz.GMMRun, X: np.ndarray, key: str, **options: Any) -> dict:
    """:func:`gmmviz.figures.player.em_player` for ``run``, cached on ``key`` and the
    options (levels=..., duration_ms=..., density=...); shared and read-only."""
    with st.spinner(_("Drawing the figure…")):
        return _player_data(key, run, X, _options(options), i18n.get_language())


@st.cache_resource(max_entries=64, show_spinner=False)
def _step_html(key: str, _run: Any, _X: np.ndarray, point: int | None, source: str,
               lang: str) -> list:
    from gmmviz.figures.player import em_step_html

    return em_step_html(_run, _X, point=point, source=source)


def cached_step_html(run: gmmviz.GMMRun, X: np.ndarray, key: str, *, point: int | None,
                     source: str) -> list[str]:
    """The step panel of every half-step (:func:`gmmviz.figures.player.em_step_html`),
    cached on ``key``, the point and the start's source."""
    return _step_html(key, run, X, point, source, i18n.get_language())


def fit_or_notice(fit: Callable[[], T], work: Work | None = None
                  ) -> tuple[T | None, Notice | None]:
    """``fit()``, or None and a notice saying why not: ``work`` is over the budget or was
    stopped (``fit`` is then not called), or ``fit`` raised InputError, the library's one
    exception for what a user can cause. While ``fit`` runs, long ``work`` shows its progress
    and a Stop button.

    The pages' one place that catches what the library raises.
    """
    notice = work.refusal() if work is not None else None
    if notice is not None:
        return None, notice
    try:
        with work.running() if work is not None else nullcontext():
            return fit(), None
    except gmmviz.InputError as e:
        return None, Notice(NoticeKind.REFUSED, str(e))


def fit_or_last_good(key: str, fit: Callable[[], T] | None, work: Work | None = None
                     ) -> tuple[T | None, Notice | None]:
    """:func:`fit_or_notice`, its value kept in session state under ``key`` (one value per
    key: the last good one); or the value kept there last time when ``fit`` is None (nothing
    to fit yet) or gives a notice.

    Returns
    -------
    value : the new value, the kept one, or None
    notice : Notice or None
        Why the value is not a new one (None when ``fit`` is None).
    """
    if fit is None:
        return st.session_state.get(key), None
    value, notice = fit_or_notice(fit, work)
    if notice is not None:
        return st.session_state.get(key), notice
    st.session_state[key] = value
    return value, None


def fit_notice(value: object, notice: Notice | None, *, stale: str) -> None:
    """What :func:`fit_or_last_good` came back with, for people: its notice, a request for
    data when there is nothing to show yet, or ``stale`` when the kept value is shown."""
    if notice is not None:
        notice.show()
    if value is None and notice is None:
        st.info(_("Choose a data set in the sidebar to start."), icon=":material/arrow_back:")
    elif value is not None and notice is not None:
        st.caption(stale)
