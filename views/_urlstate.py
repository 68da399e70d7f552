"""The pages' state as URL query parameters, and the widgets kept in step with it.

A parameter that is missing takes its default silently; one that is present but invalid takes
its default and yields a warning sentence for the page to show.

``values = url_state(schema)`` at the top of a page, before any widget; widgets take the
parameter's name as their key (``st.session_state["k"]``), so they need no ``value=``;
``sync_url(values, schema)`` at the end writes the current values back to the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from gmmviz import edits, i18n
from gmmviz.datasets import DATASETS, REAL_DATASETS, REAL_FEATURES
from gmmviz.em import COVARIANCE_TYPES
from gmmviz.i18n import _
from gmmviz.starts import GMM_START_LABELS, START_ALIASES

#: The data controls' choices: the textbook's set, the real ones, the generated ones, an upload.
DATA_SOURCES = ("textbook", *REAL_DATASETS, *(name for name in DATASETS if name != "textbook"),
                "upload")
#: Every column of a real data set that ``features`` may name.
FEATURE_CHOICES = tuple(dict.fromkeys(c for columns in REAL_FEATURES.values() for c in columns))
#: Every start by its URL spelling, as the select boxes list them: the fixed starts first.
INIT_CHOICES = tuple(GMM_START_LABELS)
#: Former spellings of a start that links may still hold -> the URL spelling.
INIT_ALIASES = {old: new for old, new in START_ALIASES.items() if new in INIT_CHOICES}
COV_TYPES = COVARIANCE_TYPES


@dataclass(frozen=True)
class Param:
    """One query parameter: its default and what values it accepts.

    ``kind`` is "choice" (one of ``choices``), "int" or "float" (within [low, high]),
    "list" (comma-separated values, each one of ``choices``, between ``low`` and ``high`` of them),
    "points" (``x1,y1;x2,y2``, at most ``high`` points) or "indices" (``i,j``, distinct whole
    numbers, at most ``high`` of them). A "points" or "indices" value keeps its valid part: the
    rest is left out with :class:`PartlyUsed`.
    A choice or list item among ``aliases`` (a former spelling) is read as the value it maps to,
    and written back under that value.
    """

    default: Any
    kind: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    help: str = ""
    aliases: Mapping[str, str] = field(default_factory=dict)

    def parse(self, raw: str) -> Any:
        """The value for ``raw``; raises ValueError with a reason when it is not acceptable."""
        if self.kind == "choice":
            raw = self.aliases.get(raw, raw)
            if raw not in self.choices:
                raise ValueError(_("it must be one of {choices}").format(
                    choices=", ".join(self.choices)))
            return raw
        if self.kind in _READERS:
            return self._read_part(raw)
        if self.kind == "list":
            items = [self.aliases.get(s, s) for s in raw.split(",") if s]
            if self.choices and any(s not in self.choices for s in items):
                raise ValueError(_("each value must be one of {choices}").format(
                    choices=", ".join(self.choices)))
            self._check_range(len(items), count=True)
            return items
        value: float | int
        try:
            value = int(raw) if self.kind == "int" else float(raw)
        except ValueError:
            raise ValueError(_("it must be a whole number") if self.kind == "int" else
                             _("it must be a number")) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("it must be a finite number"))
        self._check_range(value)
        return value

    def _read_part(self, raw: str) -> Any:
        """A "points" or "indices" value: its valid part (None when empty), PartlyUsed when
        only a part is valid, ValueError when none is."""
        read, _write = _READERS[self.kind]
        value, problems = read(raw, int(self.high))
        if self.kind == "points":
            value = tuple((float(x), float(y)) for x, y in value)
        if problems and not value:
            raise ValueError("; ".join(problems))
        if problems:
            raise PartlyUsed(value, "; ".join(problems))
        return value or None

    def _check_range(self, value: float, *, count: bool = False) -> None:
        """ValueError when ``value`` (the number of values, with ``count``) is out of range."""
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            text = (_("the number of values must be between {low} and {high}") if count else
                    _("it must be between {low} and {high}"))
            raise ValueError(text.format(low=_fmt(self.low), high=_fmt(self.high)))

    def encode(self, value: Any) -> str:
        if self.kind in _READERS:
            return _READERS[self.kind][1](value)
        if self.kind == "list":
            return ",".join(str(v) for v in value)
        return _fmt(value) if self.kind == "float" else str(value)


def shown_labels(labels: Mapping[str, str]) -> Any:
    """A select box's ``format_func`` showing ``labels`` (option -> N_-marked label) in the
    language in use now: the labels are translated here, once, so that the function gives
    the same words when it is called outside the page's run (as AppTest calls it)."""
    shown = {option: _(label) for option, label in labels.items()}
    return lambda option: shown.get(option, option)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


class PartlyUsed(ValueError):
    """Only a part of a parameter's value was valid: ``value`` is that part, the message says
    what was left out."""

    def __init__(self, value: Any, why: str) -> None:
        super().__init__(why)
        self.value = value


#: The readers and writers of the "points" and "indices" kinds.
_READERS = {"points": (edits.decode_points, edits.encode_points),
            "indices": (edits.decode_indices, edits.encode_indices)}


def _shown(raw: Any, limit: int = 80) -> str:
    """A link's value as a warning quotes it: a long one cut short."""
    text = str(raw)
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


# The explorer's parameters; other pages reuse these names and add their own.
EXPLORER: dict[str, Param] = {
    "data": Param("textbook", "choice", DATA_SOURCES),
    "n": Param(500, "int", low=10, high=50_000),
    "seed": Param(0, "int", low=0, high=2**31 - 1),
    # a real data set's x and y columns (empty: the data set's own two)
    "features": Param([], "list", FEATURE_CHOICES, low=0, high=2),
    "k": Param(3, "int", low=1, high=10),
    "init": Param("textbook-b", "choice", INIT_CHOICES, aliases=INIT_ALIASES),
    "cov": Param("full", "choice", COV_TYPES),
    "iters": Param(100, "int", low=0, high=500),
    "tol": Param(1e-4, "float", low=0.0, high=1.0),
    "reg": Param(1e-6, "float", low=0.0, high=10.0),
}


def parse_query(
    query: Mapping[str, Any], schema: Mapping[str, Param]
) -> tuple[dict[str, Any], list[str]]:
    """Values for every parameter of ``schema`` from a query mapping, and warning sentences.

    Parameters
    ----------
    query : mapping of str to str (or list of str: the last one counts)
    schema : mapping of str to Param

    Returns
    -------
    values : dict
        Every name of ``schema``; invalid or missing values replaced by the default.
    warnings : list of str
        One sentence per invalid value, saying what was used instead.
    """
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for name, param in schema.items():
        raw = query.get(name)
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else None
        if raw is None:
            values[name] = param.default
            continue
        try:
            values[name] = param.parse(str(raw).strip())
        except PartlyUsed as part:
            values[name] = part.value
            warnings.append(_(
                "Part of the link's value {name}={raw} was not used ({why}); "
                "using {name}={value} instead."
            ).format(name=name, raw=_shown(raw), why=part,
                     value=_shown(param.encode(part.value))[1:-1]))
        except ValueError as why:
            values[name] = param.default
            if param.default is None:
                text = _("The link's value {name}={raw} was not used ({why}); it was left out.")
            else:
                text = _("The link's value {name}={raw} was not used ({why}); showing the "
                         "default {name}={default} instead.")
            default = "" if param.default is None else param.encode(param.default)
            warnings.append(text.format(name=name, raw=_shown(raw), why=why, default=default))
    return values, warnings


def to_query(values: Mapping[str, Any], schema: Mapping[str, Param]) -> dict[str, str]:
    """Query parameters (as strings) for the values of every parameter of ``schema``."""
    return {name: param.encode(values[name]) for name, param in schema.items()
            if values.get(name) is not None}


# ----------------------------------------------------------------------------- session

#: Session keys: the query this session last wrote, and the last values of every parameter
#: (kept when a page's widgets are not on screen, e.g. after visiting another page).
_LAST_QUERY = "_gmmviz_last_query"
_LAST_VALUES = "_gmmviz_values"

#: Session key: whether this run's values came from the link (opened, or the address edited).
FROM_LINK = "_gmmviz_from_link"

#: The explorer's URL parameters beyond the core ones of :data:`EXPLORER`.
EXPLORER_EXTRA: dict[str, Param] = {
    "levels": Param(["1", "2"], "list", ("1", "2", "3"), low=0, high=3),
    "speed": Param(600, "int", low=50, high=3000),
    "density": Param("0", "choice", ("0", "1")),
    "present": Param("0", "choice", ("0", "1")),
    # the manual start's table, row after row: pi, mu_x, mu_y, s_xx, s_xy, s_yy
    "start": Param([], "list", low=0, high=60),
}
#: The player's half-step (0 = the start, as in ``run.steps``) and inspected point; absent
#: until the user steps or clicks.
PLAYER_PARAMS: dict[str, Param] = {
    "step": Param(None, "int", low=0, high=10_000),
    "point": Param(None, "int", low=0, high=1_000_000),
}
#: Points added to the data by hand (``x1,y1;x2,y2``, in order) and the original data's
#: points removed (``i,j``); absent until the user edits the data.
EDIT_PARAMS: dict[str, Param] = {
    "add": Param(None, "points", high=edits.MAX_ADDED),
    "drop": Param(None, "indices", high=edits.MAX_DROPPED),
}
EXPLORER_SCHEMA: dict[str, Param] = {**EXPLORER, **EXPLORER_EXTRA, **PLAYER_PARAMS,
                                     **EDIT_PARAMS}


def _non_widget(name: str, param: Param) -> bool:
    """Whether no widget holds the parameter: the manual start, the player's step and
    point, and the points edited by hand (a page may give its own widget one of these names,
    with its own Param)."""
    return (name == "start" or param is PLAYER_PARAMS.get(name)
            or param is EDIT_PARAMS.get(name))


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


#: Presentation mode, a parameter of every page.
PRESENT = Param("0", "choice", ("0", "1"))
#: The language of every word on the page, a parameter of every page.
LANG = Param(i18n.DEFAULT_LANGUAGE, "choice", tuple(i18n.LANGUAGES))


def with_present(schema: Mapping[str, Param]) -> dict[str, Param]:
    """``schema`` with the parameters every page has: the presentation mode's ``present`` and
    the language's ``lang``."""
    return {**schema, "present": schema.get("present", PRESENT), "lang": LANG}


def link_language(from_link: bool | None = None) -> str:
    """The language this run speaks: the link's ``lang`` (the default when it is invalid)
    when a link was opened (``from_link``, else :func:`opened_from_link`) or no language was
    chosen yet, else the language choice's."""
    chosen = st.session_state.get("lang")
    if from_link is None:
        from_link = opened_from_link()
    if not from_link and chosen in i18n.LANGUAGES:
        return chosen
    try:
        return LANG.parse(str(st.query_params.get("lang", LANG.default)).strip())
    except ValueError:
        return LANG.default


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
        One value per parameter of ``schema``, in the query's types (see :class:`Param`).
    """
    schema = with_present(schema)
    from_link = opened_from_link()
    i18n.set_language(link_language(from_link))  # first: the warnings in the page's language
    parsed, warnings = parse_query(st.query_params.to_dict(), schema)
    remembered: dict[str, Any] = st.session_state.setdefault(_LAST_VALUES, {})
    for text in warnings if from_link else ():
        st.warning(text, icon=":material/link_off:")
    values = {}
    for name, param in schema.items():
        if from_link:
            value = parsed[name]
        elif name in st.session_state and not _non_widget(name, param):
            value = _valid(param, from_widget(param, st.session_state[name]), parsed[name])
        else:
            value = _valid(param, remembered.get(name, parsed[name]), parsed[name])
        values[name] = value
    st.session_state[FROM_LINK] = from_link
    if from_link:
        remembered.update(values)
    if assign:
        assign_widget_keys(values, schema)
    return values


def opened_from_link() -> bool:
    """Whether this run's URL query is not the one the app last wrote: a link was opened or
    the address edited (or the session is new). Valid until :func:`sync_url` runs."""
    last_query = st.session_state.get(_LAST_QUERY)
    query = st.query_params.to_dict()
    return last_query is None or (bool(query) and query != last_query)


def assign_widget_keys(values: Mapping[str, Any], schema: Mapping[str, Param]) -> None:
    """Set the session_state key of every widget parameter of ``schema`` from ``values``.

    Done on every run, even unchanged: a widget of another page with the same key (after
    navigating) only takes over a value that was set through session state.
    """
    for name, param in with_present(schema).items():
        if not _non_widget(name, param) and name in values:
            st.session_state[name] = to_widget(param, values[name])


def current_values(values: Mapping[str, Any], schema: Mapping[str, Param]) -> dict[str, Any]:
    """``values`` with every parameter that a widget holds replaced by the widget's value."""
    out = dict(values)
    for name, param in with_present(schema).items():
        if not _non_widget(name, param) and name in st.session_state:
            out[name] = from_widget(param, st.session_state[name])
    return out


def sync_url(values: Mapping[str, Any], schema: Mapping[str, Param]) -> dict[str, str]:
    """Write the current values to the URL query (only when they changed); return the query.

    Widgets' values (session state under the parameter's name) take precedence over
    ``values``. Empty lists are left out of the query.
    """
    schema = with_present(schema)
    current = current_values(values, schema)
    query = {
        name: text
        for name, text in to_query(current, schema).items()
        if text != "" or schema[name].kind != "list"
    }
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    st.session_state[_LAST_QUERY] = query
    st.session_state.setdefault(_LAST_VALUES, {}).update(current)
    return query
