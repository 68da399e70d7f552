"""Read the numbers in the cells of an uploaded table, and tell numeric columns from others.

A cell holds a number written plainly ("-1234,5") or with its thousands grouped by one separator
("-1 234,5", "1.234,5", "1'234.5"), a spelled infinity, a missing value ("", "NA", "nan", ...) or
text. Every step on strings is one vectorised Arrow kernel (RE2 patterns, casts), linear in the
text; the cells pandas already read as numbers pass through as they are.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: A column is numeric when at least this share of its non-empty cells
#: are numbers.
NUMERIC_FRACTION = 0.9
# Cells that mean "no value": pandas' default NA strings, in lower case.
_MISSING = frozenset(
    {"", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan"}
    | {"<na>", "n/a", "na", "nan", "none", "null"}
)
# Separators that may group a number's thousands, for each decimal mark:
# the other mark, spaces (plain, no-break, narrow no-break, thin) and
# apostrophes. One number uses one of them, between groups of three digits.
_THOUSANDS = {".": ", '’\u00a0\u202f\u2009", ",": ". '’\u00a0\u202f\u2009"}


@dataclass(frozen=True)
class _Cells:
    """What each of a run of cells holds; every array has shape (n_cells,)."""

    # Missing: no cell at all, or "", "NA", "nan", ...
    empty: np.ndarray
    # The number in each cell, float64; NaN where there is none, +-inf where
    # the cell spells an infinity or holds a number beyond the float range.
    values: np.ndarray
    # Written without thousands separators.
    plain: np.ndarray
    # A number beyond the float range (above about 1.8e308 in magnitude).
    overflow: np.ndarray

    @property
    def number(self) -> np.ndarray:
        return ~np.isnan(self.values) & ~self.empty


def _number_patterns(decimal: str) -> tuple[str, str]:
    """RE2 patterns of a number written plainly ("-1234,5") and with its
    thousands grouped by one separator ("-1 234,5", "-1.234,5")."""
    mark = f"[{decimal}]"
    plain = rf"^[+-]?(?:[0-9]+(?:{mark}[0-9]*)?|{mark}[0-9]+)(?:[eE][+-]?[0-9]+)?$"
    groups = "|".join(f"(?:[{sep}][0-9]{{3}})+" for sep in _THOUSANDS[decimal])
    grouped = rf"^[+-]?[0-9]{{1,3}}(?:{groups})(?:{mark}[0-9]*)?$"
    return plain, grouped


_PATTERNS = {decimal: _number_patterns(decimal) for decimal in _THOUSANDS}
_MISSING_ARROW = pa.array(sorted(_MISSING), type=pa.large_string())
_INFINITIES = pa.array(
    ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"], type=pa.large_string()
)


def _mask(flags: pa.Array) -> np.ndarray:
    """A boolean Arrow array as a NumPy one, null read as False."""
    return pc.fill_null(flags, False).to_numpy(zero_copy_only=False)


def _to_float(text: pa.Array, decimal: str) -> np.ndarray:
    """Cast strings that match a number pattern to float64 (beyond the range: +-inf)."""
    if decimal == ",":
        text = pc.replace_substring(text, ",", ".")
    try:
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        # Arrow refuses some exponents of many digits, which Python reads as 0 or inf.
        return np.array([float(t) for t in text.to_pylist()], dtype=np.float64)


def _classify(texts: pa.Array, decimal: str) -> _Cells:
    """Read the numbers in strings (null where there is no cell).

    Every step is one vectorised Arrow kernel (RE2 patterns, casts), so the
    time is linear in the total length of the strings.
    """
    text = pc.utf8_trim_whitespace(texts)
    lower = pc.utf8_lower(text)
    empty = _mask(pc.is_null(text)) | _mask(pc.is_in(lower, value_set=_MISSING_ARROW))
    plain_pattern, grouped_pattern = _PATTERNS[decimal]
    plain = _mask(pc.match_substring_regex(text, plain_pattern))
    values = np.full(len(text), np.nan)
    values[plain] = _to_float(pc.filter(text, plain), decimal)
    infinite = np.zeros_like(plain)
    rest = ~plain & ~empty
    if rest.any():
        others, others_lower = pc.filter(text, rest), pc.filter(lower, rest)
        grouped = _mask(pc.match_substring_regex(others, grouped_pattern))
        digits = pc.replace_substring_regex(
            pc.filter(others, grouped), f"[{_THOUSANDS[decimal]}]", ""
        )
        spelled = _mask(pc.is_in(others_lower, value_set=_INFINITIES))
        negative = _mask(pc.starts_with(pc.filter(others_lower, spelled), "-"))
        rest_values = np.full(len(others), np.nan)
        rest_values[grouped] = _to_float(digits, decimal)
        rest_values[spelled] = np.where(negative, -np.inf, np.inf)
        values[rest] = rest_values
        infinite[rest] = spelled
    return _Cells(empty, values, plain, np.isinf(values) & ~infinite)


def _numbers_from_objects(objs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float64 values of numbers (or missing values) of any Python type, and
    whether each overflows the float range (an integer of over 308 digits)."""
    try:
        series = pd.Series(objs, dtype=object)
        values = pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)
        return values, np.zeros(len(objs), dtype=bool)
    except OverflowError:
        values = np.array([_float_or_nan(v) for v in objs], dtype=np.float64)
        overflow = np.isinf(values) & np.array([isinstance(v, int) for v in objs], dtype=bool)
        return values, overflow


def _float_or_nan(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return -math.inf if value < 0 else math.inf  # type: ignore[operator]
    except (TypeError, ValueError):
        return math.nan


def _read_cells(cells: pd.Series, decimal: str) -> _Cells:
    """Read the numbers in one column that pandas parsed.

    Parameters
    ----------
    cells : pandas.Series of shape (n_cells,)
        Numbers, strings, or a mix: when pandas parses a large file in
        chunks, a column can mix the chunks it converted to numbers with
        those it kept as strings. Big integers come as Python ints.
    decimal : {".", ","}
        The decimal mark of the strings; a "." in a decimal-comma file only
        groups thousands ("1.234,5").
    """
    n = len(cells)
    if pd.api.types.is_bool_dtype(cells):
        # "True" and "False" are words, not numbers.
        nothing = np.zeros(n, dtype=bool)
        return _Cells(nothing, np.full(n, np.nan), nothing, nothing)
    if pd.api.types.is_numeric_dtype(cells):
        values = cells.to_numpy(dtype=np.float64, na_value=np.nan)
        # The C parser reads "1e400" as inf; _check_overflow tells it from "inf".
        return _Cells(np.isnan(values), values, np.ones(n, dtype=bool), np.zeros(n, dtype=bool))
    if isinstance(cells.dtype, pd.StringDtype):
        return _classify(pa.array(cells, type=pa.large_string()), decimal)
    obj = cells.to_numpy(dtype=object)
    is_str = np.fromiter(map(isinstance, obj, itertools.repeat(str)), dtype=bool, count=n)
    values, overflow = np.full(n, np.nan), np.zeros(n, dtype=bool)
    values[~is_str], overflow[~is_str] = _numbers_from_objects(obj[~is_str])
    empty, plain = np.isnan(values) & ~is_str, ~is_str
    if is_str.any():
        read = _classify(pa.array(obj[is_str], type=pa.large_string()), decimal)
        empty[is_str], values[is_str] = read.empty, read.values
        plain[is_str], overflow[is_str] = read.plain, read.overflow
    return _Cells(empty, values, plain, overflow)


def _is_numeric(empty: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Whether at least NUMERIC_FRACTION of the filled cells are numbers, along the last axis."""
    n_filled = (~empty).sum(axis=-1)
    return (n_filled > 0) & (number.sum(axis=-1) >= NUMERIC_FRACTION * n_filled)
