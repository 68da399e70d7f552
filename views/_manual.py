"""The manual start's editor: a table of pi, mu and Sigma, one row per component."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz import manual
from gmmviz.i18n import _


class ManualStart(NamedTuple):
    """The manual start's table as the page uses it."""

    #: weights (k,), means (k, 2) and covariances (k, 2, 2); None when the table is refused
    values: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    #: the table for the URL parameter ``start`` (a refused table stays, to be corrected)
    start: list[str]
    #: why the table was refused, or None
    error: str | None


def manual_start_editor(
    k: int, X: np.ndarray | None, start: list[str] | None = None, *, key: str = "manual_table"
) -> ManualStart:
    """An editable table of pi, mu and Sigma, one row per component, and its checked values.

    The table starts from ``start`` (the flat list that :func:`gmmviz.manual.encode_rows`
    writes, e.g. from the URL) when it fits k, else from :func:`gmmviz.manual.default_rows`,
    saying why (see :func:`_first_rows`). Renormalised weights are reported with ``st.info``;
    a table that cannot be used shows its message with ``st.error`` and comes back with
    ``error`` set.
    """
    base = pd.DataFrame(_first_rows(k, X, start), columns=list(manual.COLUMNS),
                        index=pd.RangeIndex(1, k + 1, name=_("component")))
    number = st.column_config.NumberColumn
    st.markdown(_("**Manual start** — one row per component; edit any cell."))
    table = st.data_editor(
        base, key=key, num_rows="fixed", width="stretch",
        column_config={
            "pi": number("π", help=_("Weight of the component (renormalised to sum to 1)."),
                         format="%.4g"),
            "mu_x": number("μ x", help=_("Mean, x coordinate."), format="%.4g"),
            "mu_y": number("μ y", help=_("Mean, y coordinate."), format="%.4g"),
            "s_xx": number("Σ xx", help=_("Variance of x (above 0)."), format="%.4g"),
            "s_xy": number("Σ xy", help=_("Covariance of x and y."), format="%.4g"),
            "s_yy": number("Σ yy", help=_("Variance of y (above 0)."), format="%.4g"),
        },
    )
    edited = table.to_dict("records")
    try:
        weights, means, covariances, notices = manual.manual_start(edited)
    except gmmviz.InputError as e:
        st.error(str(e), icon=":material/block:")
        return ManualStart(None, list(start or []), str(e))
    for text in notices:
        st.info(text, icon=":material/balance:")
    return ManualStart((weights, means, covariances), manual.encode_rows(edited), None)


def _first_rows(k: int, X: np.ndarray | None, start: list[str] | None) -> list[dict[str, float]]:
    """The table's rows from ``start`` when it holds k of them, else the default rows.

    A ``start`` that is not a table of numbers (a malformed link) is named in a warning; one
    that holds whole rows for another k (k was just changed) in a note.
    """
    default = manual.default_rows(X if X is not None else np.zeros((1, 2)), k)
    if not start:
        return default
    try:
        return manual.decode_rows(start, k)
    except gmmviz.InputError as e:
        why = str(e)
    n_cols = len(manual.COLUMNS)
    try:
        manual.decode_rows(start, len(start) // n_cols)
    except gmmviz.InputError:
        shown = ",".join(start)
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        st.warning(_("The manual start start={shown!r} was not used: {why} The table starts "
                     "from the default rows for k = {k} instead.").format(
                         shown=shown, why=why, k=k), icon=":material/link_off:")
    else:
        st.info(_("The manual start (start) had {rows} rows and k is {k}: the table starts "
                  "from the default rows instead.").format(rows=len(start) // n_cols, k=k),
                icon=":material/table_rows:")
    return default
