"""Helpers for the pages run headless with Streamlit's AppTest: open a page, read what it shows.

Importable from tests as ``from tests._apptest import ...``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120


def page_path(name: str) -> str:
    """The file of the page ``views/<name>.py``."""
    return str(ROOT / "views" / f"{name}.py")


def assert_ok(at: AppTest, *, error: bool = False) -> None:
    """The last run raised nothing; with ``error=True``, it showed no ``st.error`` either."""
    assert not at.exception, [e.value for e in at.exception]
    if error:
        assert not at.error, [e.value for e in at.error]


def open_app(script: str, query: Mapping[str, Any] | None = None, *,
             session: Mapping[str, Any] | None = None, runs: int = 1) -> AppTest:
    """``script`` opened by a new session with ``query`` in its URL and ``session`` in its
    session state, run ``runs`` times; every run raised nothing."""
    at = AppTest.from_file(script, default_timeout=TIMEOUT)
    at.query_params.update({name: str(value) for name, value in (query or {}).items()})
    for name, value in (session or {}).items():
        at.session_state[name] = value
    for _ in range(runs):
        at.run()
        assert_ok(at)
    return at


def set_widget(at: AppTest, kind: str, key: str, value: Any) -> AppTest:
    """Set the widget of type ``kind`` (``"slider"``, ``"selectbox"``...) with ``key`` to
    ``value`` and rerun; the rerun raised nothing."""
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, (f"after setting {key} = {value!r}", [e.value for e in at.exception])
    return at


def text(elements: Iterable[Any]) -> str:
    """The values of ``elements`` (alerts, captions, markdown...), one per line."""
    return "\n".join(str(e.value) for e in elements)


def query(at: AppTest) -> dict[str, str]:
    """The page's URL parameters, one value each."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def charts(at: AppTest) -> list[Any]:
    """The figures on the page: its Plotly charts, in page order, then its step players."""
    return [*at.get("plotly_chart"), *players(at)]


def components(at: AppTest, name: str, root: Any = None) -> list[Any]:
    """The ``st.components.v2`` elements named ``name`` under ``root`` (None: the whole page),
    depth first."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else ()):
            proto = getattr(child, "proto", None)
            if getattr(proto, "component_name", None) == name:
                found.append(child)
            walk(child)

    walk(at._tree if root is None else root)
    return found


def players(at: AppTest) -> list[Any]:
    """The step players on the page (``st.components.v2`` elements named gmmviz_player)."""
    return components(at, "gmmviz_player")


def player_spec(at: AppTest, key: str | None = None) -> dict:
    """The data of the step player whose key contains ``key`` (None: the first)."""
    for p in players(at):
        if key is None or key in p.proto.id:
            return json.loads(p.proto.json)
    raise AssertionError(f"no player with key {key!r}")


def chart_spec(at: AppTest, key: str | None = None) -> dict:
    """The JSON spec of the Plotly chart whose element key contains ``key`` (None: the first),
    or else the data of the step player with that key."""
    for chart in at.get("plotly_chart"):
        if key is None or (chart.proto.id and key in chart.proto.id):
            return json.loads(chart.proto.spec)
    for p in players(at):
        if key is None or key in p.proto.id:
            return json.loads(p.proto.json)
    raise AssertionError(f"no chart with key {key!r}")


def array_length(array: list | dict) -> int:
    """The length of a Plotly data array, plain or as a base64 typed array."""
    if isinstance(array, dict):
        return len(base64.b64decode(array["bdata"])) // np.dtype(array["dtype"]).itemsize
    return len(array)


def metric(at: AppTest, label: str) -> str:
    """The value shown by the metric labelled ``label``."""
    return next(m.value for m in at.metric if m.label == label)


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The first data frame shown on the page that has ``column``."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a column {column!r}")
