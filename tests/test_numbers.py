"""The one number format of the pages, against Python's own formatting and Streamlit's reading
of a metric's delta."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmmviz.numbers import D3_FORMAT, DECIMALS, format_number


@pytest.mark.parametrize(("value", "kwargs", "expected"), [
    (3306.594, {}, "3,306.59"),
    (-3016.6, {}, "-3,016.60"),
    (-3016.6, {"signed": True}, "-3,016.60"),
    (0.25, {"signed": True}, "+0.25"),
    (1234567.891, {"decimals": 3}, "1,234,567.891"),
    (212.745389, {}, "212.75"),
    (-0.004, {}, "0.00"),  # no "-0.00"
    (-0.004, {"signed": True}, "+0.00"),
    (0.0, {"signed": True}, "+0.00"),
    (math.inf, {}, "∞"),
    (-math.inf, {"signed": True}, "-∞"),
    (math.nan, {}, "—"),
])
def test_numbers_have_thousands_separators_and_fixed_decimals(value, kwargs, expected):
    assert format_number(value, **kwargs) == expected


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
       st.integers(0, 6), st.booleans())
def test_the_text_reads_back_as_the_rounded_value(value, decimals, signed):
    text = format_number(value, decimals, signed=signed)
    # a comma between every three digits of the whole part, and the decimals asked for
    whole = text.lstrip("+-").split(".")[0]
    assert whole == f"{int(whole.replace(',', '')):,}"
    assert len(text.partition(".")[2]) == decimals
    assert float(text.replace(",", "")) == float(f"{value:.{decimals}f}")
    assert text.startswith("-") == (round(value, decimals) < 0)
    assert text.startswith("+") == (signed and round(value, decimals) >= 0)


def test_plotly_hover_format_is_the_same():
    assert D3_FORMAT == f",.{DECIMALS}f"
