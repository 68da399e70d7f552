"""Generated uploads through load_points and fit_gmm: a table of finite numbers, or InputError.

Each test feeds at least 1,000 generated files per run: random delimiters,
decimal marks, thousands separators, encodings (UTF-8 with and without byte
order mark, UTF-16, UTF-32, Latin-1, Windows-1252), line endings, quotes,
headers, ragged rows, numbers from subnormal to beyond the float range,
integers of hundreds of digits, words, garbage bytes and lines of thousands
of values. The promise checked: ``load_points`` returns at least two columns
of finite float64 numbers or raises ``InputError`` with a sentence; the first
two columns, as the pages plot them, fit with ``fit_gmm`` to a finite NLL or
raise ``InputError``. Nothing else may escape.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gmmviz
from gmmviz import InputError, load_points

N_UPLOADS = 1000
FUZZ = settings(
    max_examples=N_UPLOADS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SEPARATORS = [",", ";", "\t", " ", "   ", "|", ", "]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
ENCODINGS += ["latin-1", "cp1252"]
THOUSANDS = [" ", ".", ",", "'", "\u00a0", "\u202f", "’"]
WORDS = st.text(
    alphabet=st.sampled_from(list("abcxyzéüßøЖ°µ_- ") + ['"', "'"]), min_size=1, max_size=8
)
MISSING = st.sampled_from(["", "NA", "nan", "NaN", "null", "-", "?", "#N/A", "None"])
INFINITIES = st.sampled_from(["inf", "-inf", "Infinity", "-Infinity", "+inf"])


def _with_decimal(text: str, decimal: str) -> str:
    return text.replace(".", decimal) if decimal == "," else text


@st.composite
def number_cells(draw, decimal: str, wild: bool) -> str:
    """One cell holding a number, written in one of many ways; ``wild`` adds
    numbers beyond the float range, NaN and badly grouped thousands."""
    kind = draw(st.integers(0, 11) if wild else st.sampled_from([1, 4, 5, 6]))
    if kind == 0:  # any float, NaN and infinities included
        text = repr(draw(st.floats(allow_nan=True, allow_infinity=True)))
    elif kind == 1:  # a decimal exponent from below the float range to far above it
        mantissa = draw(st.floats(-9.99, 9.99, allow_nan=False))
        exponent = draw(st.integers(-400, 400 if wild else 300))
        text = f"{mantissa:.4f}e{exponent}"
    elif kind == 2:  # integers, from small to hundreds of digits
        text = str(draw(st.integers(-(10**6), 10**6) | st.integers(-(10**400), 10**400)))
    elif kind == 3:  # a long run of digits
        text = "9" * draw(st.sampled_from([19, 20, 300, 308, 309, 310, 400, 5000]))
    elif kind == 4:  # thousands grouped, in the wild also badly
        value = draw(st.floats(-1e9, 1e9, allow_nan=False))
        sep = draw(st.sampled_from(THOUSANDS))
        text = f"{value:,.2f}".replace(",", "\0").replace(".", decimal).replace("\0", sep)
        if wild and draw(st.booleans()):
            text = text.replace(sep, sep * 2, 1)
        return text
    elif kind == 5:  # small magnitudes: subnormals and just above
        text = repr(draw(st.floats(-1e-300, 1e-300, allow_nan=False)))
    else:  # ordinary values
        text = repr(round(draw(st.floats(-1e4, 1e4, allow_nan=False)), 3))
    return _with_decimal(text, decimal)


@st.composite
def cells(draw, decimal: str, wild: bool) -> str:
    """One cell: mostly numbers; in the wild also words, missing values,
    infinities and garbage."""
    kind = draw(st.integers(0, 29)) if wild else 0
    if kind < 23:
        cell = draw(number_cells(decimal, wild))
    elif kind < 25:
        cell = draw(WORDS)
    elif kind < 27:
        cell = draw(MISSING)
    elif kind < 28:
        cell = draw(INFINITIES)
    else:
        cell = draw(st.text(max_size=6))
    if draw(st.integers(0, 9)) == 0:
        cell = f'"{cell}"'
    return cell


@st.composite
def uploads(draw) -> bytes:
    """The bytes of one uploaded file: half of them wild, half tidy tables."""
    wild = draw(st.booleans())
    sep = draw(st.sampled_from(SEPARATORS))
    decimal = draw(st.sampled_from([".", ","]))
    n_columns = draw(st.sampled_from([1, 2, 2, 2, 3, 3, 4, 5]))
    n_rows = draw(st.integers(0, 25))
    rows = []
    if draw(st.booleans()):
        rows.append([draw(WORDS) for _ in range(n_columns)])
    for _ in range(n_rows):
        row = [draw(cells(decimal, wild)) for _ in range(n_columns)]
        ragged = draw(st.integers(0, 9)) if wild else 2
        if ragged == 0:
            row = row[:-1]
        elif ragged == 1:
            row.append(draw(cells(decimal, wild)))
        rows.append(row)
    lines = [sep.join(row) for row in rows]
    shape = draw(st.integers(0, 39))
    if shape == 0:  # a line of thousands of values
        lines.insert(draw(st.integers(0, len(lines))), sep.join(["1.5"] * 3000))
    elif shape == 1:  # a line longer than the 64 KB sample
        lines.insert(draw(st.integers(0, len(lines))), sep.join(["2.25"] * 20_000))
    elif shape == 2:  # many short rows, beyond the sample
        lines += [sep.join(["1", "2"])] * 1500
    elif shape == 3:  # comment lines
        lines.insert(0, "# " + draw(WORDS))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if wild and draw(st.integers(0, 4)) == 0:  # garbage bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
    return data


def _load(data: bytes) -> np.ndarray | None:
    """The loaded table's numbers, checked; None when the file is refused."""
    try:
        df = load_points(data)
    except InputError as e:
        message = str(e)
        assert message.endswith(".") and len(message) < 1000, message
        return None
    X = df.to_numpy()
    assert X.dtype == np.float64 and X.ndim == 2
    assert X.shape[0] >= 1 and X.shape[1] >= 2
    assert np.isfinite(X).all()
    # The pages pick x and y by name.
    assert df.columns.is_unique
    assert isinstance(df.attrs["dropped_rows"], int) and df.attrs["dropped_rows"] >= 0
    return X


def test_uploads_load_or_are_refused():
    tried: list[int] = []

    @FUZZ
    @given(data=uploads())
    def check(data: bytes) -> None:
        tried.append(len(data))
        _load(data)

    check()
    assert len(tried) >= N_UPLOADS


def test_loaded_uploads_fit_or_are_refused():
    tried: list[int] = []

    @FUZZ
    @given(data=uploads(), n_components=st.integers(1, 3))
    def check(data: bytes, n_components: int) -> None:
        tried.append(len(data))
        X = _load(data)
        if X is None:
            return
        try:
            run = gmmviz.fit_gmm(X[:, :2], n_components, max_iter=3, random_state=0)
        except InputError:
            return
        assert np.isfinite(run.nll).all()

    check()
    assert len(tried) >= N_UPLOADS
