"""Tests of gmmviz.io.load_points."""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
import zlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmmviz import io as gio
from gmmviz._errors import InputError
from gmmviz.io import MAX_UPLOAD_BYTES, load_points

POINTS = np.array([[1.5, -2.25], [3.0, 4.125], [-0.5, 1e-3], [12.0, 7.75]])


def _csv(X: np.ndarray, sep: str = ",", header: list[str] | None = None) -> str:
    """Write ``X`` with full precision, as a reference independent of pandas."""
    lines = [sep.join(header)] if header else []
    lines += [sep.join(repr(float(v)) for v in row) for row in X]
    return "\n".join(lines) + "\n"


def _loadtxt(text: str, sep: str | None = ",", skiprows: int = 0) -> np.ndarray:
    return np.loadtxt(io.StringIO(text), delimiter=sep, skiprows=skiprows, ndmin=2)


def _png() -> bytes:
    """A valid 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


class _CreatesFile:
    """Unpickling this creates the file at ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


class _UploadedFile(io.BytesIO):
    """Like Streamlit's UploadedFile: a BytesIO with a name."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


# --- layouts ------------------------------------------------------------------


def test_header_row():
    text = _csv(POINTS, header=["x", "y"])
    df = load_points(text.encode())
    assert list(df.columns) == ["x", "y"]
    assert (df.dtypes == np.float64).all()
    np.testing.assert_array_equal(df.to_numpy(), _loadtxt(text, skiprows=1))
    assert df.attrs["has_header"] is True
    assert df.attrs["dropped_rows"] == 0 and df.attrs["dropped_columns"] == []


def test_no_header_row_names_columns_by_position():
    X = np.column_stack([POINTS, POINTS[:, 0] * 2, POINTS[:, 1] - 1])
    text = _csv(X)
    df = load_points(text.encode())
    assert list(df.columns) == ["x", "y", "col3", "col4"]
    np.testing.assert_array_equal(df.to_numpy(), _loadtxt(text))
    assert df.attrs["has_header"] is False


def test_single_row_with_and_without_header():
    np.testing.assert_array_equal(load_points(b"1.5,2\n").to_numpy(), [[1.5, 2.0]])
    df = load_points(b"a,b\n1.5,2\n")
    assert list(df.columns) == ["a", "b"]
    np.testing.assert_array_equal(df.to_numpy(), [[1.5, 2.0]])


def test_header_names_are_stripped_and_made_unique():
    df = load_points(b"  width ;\theight  ; width\n1;2;3\n4;5;6\n")
    assert list(df.columns) == ["width", "height", "width.1"]


@pytest.mark.parametrize(
    ("sep", "name"),
    [(",", "comma"), (";", "semicolon"), ("\t", "tab"), (" ", "whitespace")],
)
@pytest.mark.parametrize("header", [None, ["x", "y", "z"]])
def test_delimiters(sep, name, header):
    X = np.column_stack([POINTS, -POINTS[:, 0]])
    text = _csv(X, sep=sep, header=header)
    df = load_points(text.encode())
    np.testing.assert_array_equal(df.to_numpy(), X)
    assert df.attrs["delimiter"] == name
    assert list(df.columns) == (header or ["x", "y", "col3"])


def test_runs_of_spaces_and_tabs():
    text = "   x     y\n  1.5   \t -2\n\t3    4.25   \n"
    df = load_points(text.encode())
    np.testing.assert_array_equal(df.to_numpy(), _loadtxt(text, sep=None, skiprows=1))
    assert df.attrs["delimiter"] == "whitespace"


def test_spaces_after_commas():
    text = "x, y\n1.5, 2.5\n 3 ,4\n"
    np.testing.assert_array_equal(load_points(text.encode()).to_numpy(), [[1.5, 2.5], [3, 4]])


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings(newline):
    text = _csv(POINTS, header=["x", "y"]).replace("\n", newline)
    np.testing.assert_array_equal(load_points(text.encode()).to_numpy(), POINTS)


def test_quoted_fields():
    text = '"x","y","label"\n"1.5","2","a, b"\n"3","4","c"\n'
    df = load_points(text.encode())
    np.testing.assert_array_equal(df.to_numpy(), [[1.5, 2.0], [3.0, 4.0]])
    assert df.attrs["dropped_columns"] == ["label"]


def test_blank_and_comment_lines_are_skipped():
    text = "# measured 2024\n  \nx,y\n1,2\n\n# pause\n \t \n3,4\n\n"
    df = load_points(text.encode())
    assert list(df.columns) == ["x", "y"]
    np.testing.assert_array_equal(df.to_numpy(), [[1, 2], [3, 4]])


def test_trailing_delimiters_make_no_column():
    df = load_points(b"x,y,\n1,2,\n3,4,\n")
    assert list(df.columns) == ["x", "y"]
    assert df.attrs["dropped_columns"] == []


def test_pandas_index_column_is_dropped():
    frame = pd.DataFrame(POINTS, columns=["x", "y"])
    df = load_points(frame.to_csv().encode())
    assert list(df.columns) == ["x", "y"]
    np.testing.assert_array_equal(df.to_numpy(), POINTS)
    # An unnamed column that is not 0, 1, 2, ... is data.
    df = load_points(b",x,y\n5,1,2\n7,3,4\n")
    assert list(df.columns) == ["col1", "x", "y"]


# --- decimal commas -------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", "\t", " "])
def test_decimal_comma(sep):
    header = ["Länge", "Breite"]
    text = _csv(POINTS, sep=sep, header=header).replace(".", ",")
    df = load_points(text.encode())
    assert df.attrs["decimal"] == ","
    assert list(df.columns) == header
    reference = _loadtxt(text.replace(",", "."), sep=None if sep == " " else sep, skiprows=1)
    np.testing.assert_array_equal(df.to_numpy(), reference)


def test_decimal_comma_short_example():
    df = load_points(b"1,5;2,3\n4;-0,25\n")
    np.testing.assert_array_equal(df.to_numpy(), [[1.5, 2.3], [4.0, -0.25]])


def test_decimal_point_with_semicolons_stays_a_point():
    df = load_points(b"x;y\n1.5;2.5\n3;4\n")
    assert df.attrs["decimal"] == "."
    np.testing.assert_array_equal(df.to_numpy(), [[1.5, 2.5], [3, 4]])


def test_bad_cells_in_a_large_decimal_comma_file():
    # pandas parses more than 2**18 rows in chunks: it turns the first chunk
    # into numbers and keeps the one with the bad cells as strings.
    block = np.random.default_rng(3).integers(-99_999, 99_999, size=(1024, 2)) / 1000
    X = np.tile(block, (2**8 + 1, 1))
    n_rows = len(X)
    lines = [f"{a};{b}".replace(".", ",") for a, b in block.tolist()] * (2**8 + 1)
    lines[5] = "1,5;"
    lines[-50] = "n/a;oops"
    lines[-40] = "?;1,0"
    df = load_points(("a;b\n" + "\n".join(lines)).encode())
    keep = np.ones(n_rows, dtype=bool)
    keep[[5, n_rows - 50, n_rows - 40]] = False
    assert df.attrs["dropped_rows"] == 3
    np.testing.assert_array_equal(df.to_numpy(), X[keep])


@pytest.mark.parametrize("decimal", [".", ","])
def test_columns_mixing_parsed_numbers_and_strings(decimal):
    text = (
        ["1,5", " 2,25 ", "oops", "NA", ""]
        if decimal == ","
        else ["1.5", " 2.25 ", "oops", "NA", ""]
    )
    cells = pd.Series([0.5, np.nan, -3.0, *text], dtype=object)
    read = gio._read_cells(cells, decimal)
    empty, values = read.empty, read.values
    assert empty.tolist() == [False, True, False, False, False, False, True, True]
    np.testing.assert_array_equal(values, [0.5, np.nan, -3.0, 1.5, 2.25, np.nan, np.nan, np.nan])


# --- thousands separators ---------------------------------------------------------


def _grouped(v: float, thousands: str, decimal: str) -> str:
    """``v`` with two decimals and grouped thousands, written by Python's format spec."""
    return f"{v:,.2f}".translate(str.maketrans({",": thousands, ".": decimal}))


@pytest.mark.parametrize(
    ("sep", "thousands", "decimal"),
    [
        (";", " ", ","),  # French, German with a space
        (";", ".", ","),  # German
        (";", "\u00a0", ","),  # a no-break space, as spreadsheets write it
        (";", "\u202f", ","),  # a narrow no-break space (French)
        (";", "'", "."),  # Swiss
        ("\t", " ", ","),  # tabs, and spaces inside the numbers
        ("\t", ",", "."),
        (",", ",", "."),  # English, the grouped numbers quoted
    ],
)
def test_thousands_separators_are_read(sep, thousands, decimal):
    rng = np.random.default_rng(5)
    X = rng.uniform(-3e6, 3e6, size=(40, 2)).round(2)
    X[0] = [1234.5, 2000.25]
    quote = '"' if thousands == sep else ""
    lines = ["x" + sep + "y"] + [
        sep.join(quote + _grouped(v, thousands, decimal) + quote for v in row) for row in X
    ]
    df = load_points("\n".join(lines).encode())
    # The reference is Python's own reading of the same numbers, written plainly.
    reference = np.array([[float(f"{v:.2f}") for v in row] for row in X])
    np.testing.assert_array_equal(df.to_numpy(), reference)
    assert df.attrs["decimal"] == decimal and df.attrs["dropped_rows"] == 0


def test_space_thousands_with_semicolons_are_not_read_as_whitespace_delimited():
    df = load_points(b"x;y\n1 234,5;2 000,25\n")
    assert df.attrs["delimiter"] == "semicolon"
    np.testing.assert_array_equal(df.to_numpy(), [[1234.5, 2000.25]])


def test_thousands_separators_beyond_the_sample():
    lines = ["x;y"] + ["1234,5;2"] * 5000 + ["1 234,5;-2 000,25", "1.234.567,5;3"]
    df = load_points("\n".join(lines).encode())
    assert df.attrs["dropped_rows"] == 0
    np.testing.assert_array_equal(df.to_numpy()[-2:], [[1234.5, -2000.25], [1234567.5, 3]])


@pytest.mark.parametrize("cell", ["1 23,5", "12 34", "1.23.456", "1 234 56", "1 234.567,5"])
def test_badly_grouped_numbers_are_never_misread(cell):
    # Not groups of three digits behind one separator: no number, the row is
    # left out and counted.
    lines = ["x;y"] + [f"{i},5;{i}" for i in range(20)] + [f"{cell};7"]
    df = load_points("\n".join(lines).encode())
    assert df.attrs["dropped_rows"] == 1
    np.testing.assert_array_equal(df["y"].to_numpy(), np.arange(20.0))


@pytest.mark.parametrize(
    ("text", "expected", "decimal"),
    [
        # One mark and three digits after it is read as the decimal mark.
        ("x;y\n1.234;5.678\n", [[1.234, 5.678]], "."),
        ("x;y\n1,234;5,678\n", [[1.234, 5.678]], ","),
        # The other mark elsewhere in the column settles it.
        ("x;y\n1,234;5\n2.000,5;6\n", [[1.234, 5], [2000.5, 6]], ","),
        ("x;y\n1,234;5\n2,000.5;6\n", [[1234, 5], [2000.5, 6]], "."),
    ],
)
def test_one_mark_and_three_digits(text, expected, decimal):
    df = load_points(text.encode())
    assert df.attrs["decimal"] == decimal
    np.testing.assert_array_equal(df.to_numpy(), expected)


# --- encodings --------------------------------------------------------------------


def test_utf8_bom():
    text = _csv(POINTS, header=["x", "y"])
    df = load_points(b"\xef\xbb\xbf" + text.encode())
    assert list(df.columns) == ["x", "y"]
    np.testing.assert_array_equal(df.to_numpy(), POINTS)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(encoding):
    text = _csv(POINTS, sep=";", header=["température", "größe"])
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    df = load_points(data)
    assert list(df.columns) == ["température", "größe"]
    np.testing.assert_array_equal(df.to_numpy(), POINTS)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("n_rows", [4, 3000])
def test_latin1_with_accented_header(encoding, n_rows):
    X = np.resize(POINTS, (n_rows, 2))
    lines = ["Température (°C);Durée (µs);Catégorie"]
    lines += [f"{a!r};{b!r};été" for a, b in X.tolist()]
    df = load_points("\n".join(lines).encode(encoding))
    assert list(df.columns) == ["Température (°C)", "Durée (µs)"]
    assert df.attrs["dropped_columns"] == ["Catégorie"]
    np.testing.assert_array_equal(df.to_numpy(), X)


def test_cyrillic_cp1251_header():
    text = _csv(POINTS, sep=";", header=["Широта", "Долгота"])
    df = load_points(text.encode("cp1251"))
    assert list(df.columns) == ["Широта", "Долгота"]
    np.testing.assert_array_equal(df.to_numpy(), POINTS)


def test_text_file_like():
    text = _csv(POINTS, header=["é", "ü"])
    df = load_points(io.StringIO(text))
    assert list(df.columns) == ["é", "ü"]
    np.testing.assert_array_equal(df.to_numpy(), POINTS)


# --- sources ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "BytesIO", "str", "Path"])
def test_sources(kind, tmp_path):
    data = _csv(POINTS, header=["x", "y"]).encode()
    path = tmp_path / "points.csv"
    path.write_bytes(data)
    source = {
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "BytesIO": io.BytesIO(data),
        "str": str(path),
        "Path": path,
    }[kind]
    df = load_points(source)
    np.testing.assert_array_equal(df.to_numpy(), POINTS)


def test_open_binary_file(tmp_path):
    path = tmp_path / "points.tsv"
    path.write_text(_csv(POINTS, sep="\t"))
    with open(path, "rb") as f:
        np.testing.assert_array_equal(load_points(f).to_numpy(), POINTS)


def test_streamlit_like_upload_read_twice():
    upload = _UploadedFile(_csv(POINTS, header=["x", "y"]).encode(), name="points.csv")
    first = load_points(upload)
    # The position is at the end now; the file is read from its start again.
    second = load_points(upload)
    np.testing.assert_array_equal(first.to_numpy(), POINTS)
    np.testing.assert_array_equal(second.to_numpy(), POINTS)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(InputError, match="no file"):
        load_points(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        load_points(tmp_path)


def test_unsupported_source_type():
    with pytest.raises(TypeError):
        load_points(12)


# --- columns and rows dropped -------------------------------------------------------


def test_string_column_dropped_and_reported():
    text = "x,species,y\n1.5,setosa,2\n3,versicolor,4\n5,virginica,6\n"
    df = load_points(text.encode())
    assert list(df.columns) == ["x", "y"]
    assert df.attrs["dropped_columns"] == ["species"]
    np.testing.assert_array_equal(df.to_numpy(), [[1.5, 2], [3, 4], [5, 6]])


def test_missing_and_non_finite_rows_dropped_and_counted():
    text = (
        "x,y,label\n"
        "1,2,a\n"
        ",3,b\n"  # empty cell
        "4,NaN,c\n"
        "inf,5,d\n"
        "6,-inf,e\n"
        "7,NA,f\n"
        "8,9\n"  # short row: label missing, which does not matter
        "10,11,g\n"
    )
    df = load_points(text.encode())
    np.testing.assert_array_equal(df.to_numpy(), [[1, 2], [8, 9], [10, 11]])
    assert df.attrs["dropped_rows"] == 5
    assert df.attrs["dropped_columns"] == ["label"]
    assert isinstance(df.attrs["dropped_rows"], int)
    assert df.index.tolist() == [0, 1, 2]


def test_unparseable_cell_in_numeric_column():
    rows = [f"{i},{i * 2}" for i in range(20)]
    rows[7] = "7,oops"
    df = load_points(("x,y\n" + "\n".join(rows)).encode())
    assert df.attrs["dropped_rows"] == 1
    assert list(df.columns) == ["x", "y"]
    assert 7.0 not in df["x"].to_numpy()


def test_mostly_text_column_is_not_numeric():
    # 3 of 10 cells are numbers: far below 90 %.
    codes = ["a", "1", "b", "c", "2", "d", "e", "3", "f", "g"]
    rows = [f"{i},{i + 0.5},{c}" for i, c in enumerate(codes)]
    df = load_points(("x,y,code\n" + "\n".join(rows)).encode())
    assert list(df.columns) == ["x", "y"]
    assert df.attrs["dropped_columns"] == ["code"]
    assert df.attrs["dropped_rows"] == 0


def test_no_rows_dropped_reports_zero():
    df = load_points(_csv(POINTS).encode())
    assert df.attrs["dropped_rows"] == 0
    assert df.attrs["dropped_columns"] == []


# --- errors ---------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n\n   \n", b"\xef\xbb\xbf", "".encode("utf-16")])
def test_empty_file(data):
    with pytest.raises(InputError, match="empty"):
        load_points(data)


def test_png_is_refused():
    with pytest.raises(InputError, match="PNG image"):
        load_points(_png())


def test_xlsx_is_refused_with_advice():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="Excel") as info:
        load_points(_UploadedFile(buf.getvalue(), name="points.xlsx"))
    assert "CSV" in str(info.value)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_is_never_unpickled(protocol, tmp_path):
    # The payload works: unpickling it creates its file.
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(_CreatesFile(str(control)), protocol=protocol))
    assert control.exists()

    target = tmp_path / "created-by-unpickling"
    payload = pickle.dumps(_CreatesFile(str(target)), protocol=protocol)
    path = tmp_path / "data.pkl"
    path.write_bytes(payload)
    for source in (payload, io.BytesIO(payload), path):
        with pytest.raises(InputError):
            load_points(source)
    assert not target.exists()


def test_pickle_message():
    with pytest.raises(InputError, match="pickle"):
        load_points(pickle.dumps(POINTS, protocol=5))


def test_random_binary_is_refused():
    data = np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(InputError, match="binary|text"):
        load_points(data)


def test_undecodable_text():
    # UTF-8 byte order mark followed by bytes that are not UTF-8.
    with pytest.raises(InputError, match="UTF-8"):
        load_points(b"\xef\xbb\xbfx,y\n1,2\n\xff\xfe\xfa,3\n")


@pytest.mark.parametrize(
    "data",
    [b"x\n1\n2\n3\n", b"1\n2\n3\n", b"x,name\n1,a\n2,b\n", b"1;a\n2;b\n"],
)
def test_one_numeric_column(data):
    with pytest.raises(InputError, match="two") as info:
        load_points(data)
    assert "Only one column" in str(info.value)


def test_no_numeric_column():
    with pytest.raises(InputError, match="No column of numbers"):
        load_points(b"name,city\nann,paris\nbob,rome\n")


def test_header_only():
    with pytest.raises(InputError, match="no rows"):
        load_points(b"x,y\n")


def test_no_complete_row():
    with pytest.raises(InputError, match="missing"):
        load_points(b"x,y\n1,\n,2\n3,NaN\n")


def test_ragged_rows_beyond_the_sample():
    lines = ["1,2"] * 20_000 + ["3,4,5,6"]
    with pytest.raises(InputError, match="Line 20001"):
        load_points("\n".join(lines).encode())


def test_too_large(monkeypatch, tmp_path):
    data = _csv(POINTS).encode()
    monkeypatch.setattr(gio, "MAX_UPLOAD_BYTES", len(data) - 1)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    for source in (data, io.BytesIO(data), path):
        with pytest.raises(InputError, match="too large"):
            load_points(source)
    monkeypatch.setattr(gio, "MAX_UPLOAD_BYTES", len(data))
    np.testing.assert_array_equal(load_points(data).to_numpy(), POINTS)


def test_max_upload_bytes():
    assert MAX_UPLOAD_BYTES == 200 * 1024 * 1024


def test_input_error_messages_say_what_to_do():
    for data in (b"", _png(), b"x\n1\n"):
        with pytest.raises(InputError) as info:
            load_points(data)
        message = str(info.value)
        assert message.endswith(".") and any(
            word in message for word in ("Upload", "Put", "Save", "save")
        )


# --- numbers beyond the float range -----------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["1" * 310, "-" + "9" * 400, "1" * 5000, "1e400", "-1e999", "1.5e+309"],
)
@pytest.mark.parametrize("sep", [",", ";"])
def test_numbers_beyond_the_float_range_are_refused(cell, sep):
    # float(cell) in Python overflows to inf or raises: the number cannot be held.
    assert abs(float(cell)) == np.inf
    text = f"x{sep}y\n1{sep}2\n{cell}{sep}3\n4{sep}5\n"
    with pytest.raises(InputError, match="too large") as info:
        load_points(text.encode())
    message = str(info.value)
    assert "'x'" in message and "row 2" in message and "Divide" in message
    assert len(message) < 400


def test_a_number_beyond_the_float_range_late_in_a_large_file():
    # The first chunks pandas parses are numbers; the bad cell is in a later one.
    lines = ["x,y"] + ["1.5,2"] * 300_000 + ["1e400,3", "oops,4"]
    with pytest.raises(InputError, match="row 300001"):
        load_points("\n".join(lines).encode())


@pytest.mark.parametrize("n_digits", [20, 100, 308])
def test_large_integers_within_the_float_range_are_read(n_digits):
    big = "9" * n_digits
    df = load_points(f"x,y\n{big},-{big}\n1,2\n".encode())
    np.testing.assert_array_equal(df.to_numpy(), [[float(big), -float(big)], [1, 2]])


def test_spelled_infinities_are_dropped_not_refused():
    df = load_points(b"x,y\ninf,1\n-Infinity,2\n3,4\n")
    assert df.attrs["dropped_rows"] == 2
    np.testing.assert_array_equal(df.to_numpy(), [[3, 4]])


def test_tiny_numbers_are_read():
    df = load_points(b"x,y\n1e-300,5e-324\n-2.5e-310,1\n")
    np.testing.assert_array_equal(df.to_numpy(), [[1e-300, 5e-324], [-2.5e-310, 1]])


# --- wide files and long lines ------------------------------------------------------


@pytest.fixture
def read_csv_columns(monkeypatch):
    """Records how many columns each pandas.read_csv call converts."""
    counts: list[int] = []
    read_csv = pd.read_csv

    def spy(*args, **kwargs):
        usecols, names = kwargs.get("usecols"), kwargs.get("names")
        counts.append(len(usecols) if usecols is not None else len(names or []))
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", spy)
    return counts


@pytest.mark.parametrize("cell", ["ab", "1.5"])
def test_a_wide_file_is_refused_without_reading_every_column(cell, read_csv_columns):
    # Two lines of 16,000 tab-separated values (about 96 KB): the width alone
    # decides, on at most MAX_COLUMNS + 1 columns of the first lines.
    line = "\t".join([cell] * 16_000)
    with pytest.raises(InputError, match=r"more than 1,000 values separated by tabs"):
        load_points(f"{line}\n{line}\n".encode())
    assert read_csv_columns and max(read_csv_columns) <= gio.MAX_COLUMNS + 1


def test_the_widest_allowed_file_loads():
    X = np.arange(3.0 * gio.MAX_COLUMNS).reshape(3, gio.MAX_COLUMNS)
    df = load_points(_csv(X).encode())
    np.testing.assert_array_equal(df.to_numpy(), X)


def test_a_wide_line_after_the_first_is_refused():
    lines = ["1,2"] * 10 + [",".join(["3"] * 5000)]
    with pytest.raises(InputError, match="Line 11 of the file has more than 1,000 values"):
        load_points("\n".join(lines).encode())


def test_a_line_longer_than_the_sample_is_refused_not_cut():
    # 32,000 values on one line of 128 KB, twice the sample.
    line = ",".join(["1.5"] * 32_000)
    assert len(line) > gio.SAMPLE_BYTES
    with pytest.raises(InputError, match="longer than 64 KB"):
        load_points(f"{line}\n{line}\n".encode())


def test_a_long_line_beyond_the_sample_is_refused_not_cut():
    lines = ["x,y"] + ["1,2"] * 20_000 + [",".join(["3"] * 40_000)]
    with pytest.raises(InputError, match="Line 20002 of the file has more values"):
        load_points("\n".join(lines).encode())


def test_a_long_text_cell_beyond_the_sample_is_kept_whole():
    note = "word " * 30_000
    lines = ["x,y,note"] + ["1,2,a"] * 20_000 + [f"3,4,{note}"]
    df = load_points("\n".join(lines).encode())
    assert df.shape == (20_001, 2) and df.attrs["dropped_columns"] == ["note"]
    np.testing.assert_array_equal(df.to_numpy()[-1], [3, 4])


def test_quoted_line_breaks_lose_no_column():
    # Every record spans two lines, each with fewer commas than the record.
    df = load_points(b'1,"a\nb",2,3\n4,"c, d\ne",5,6\n')
    assert list(df.columns) == ["x", "col3", "col4"]
    np.testing.assert_array_equal(df.to_numpy(), [[1, 2, 3], [4, 5, 6]])


def test_messages_list_a_few_column_names_only():
    header = ",".join(f"name{i}" for i in range(900))
    row = ",".join(["word"] * 900)
    with pytest.raises(InputError, match="No column of numbers") as info:
        load_points(f"{header}\n{row}\n{row}\n".encode())
    assert "and 895 more" in str(info.value) and len(str(info.value)) < 400


def test_a_quote_never_closed():
    with pytest.raises(InputError, match="quotation mark"):
        load_points(b'x,y\n1,2\n"3,4\n5,6\n')


def test_text_columns_of_the_sample_are_not_parsed_further(monkeypatch):
    # A column of words in the first lines is left out; only the others are
    # read as numbers from the whole file.
    seen: list[int] = []
    read_cells = gio._read_cells

    def spy(cells, decimal):
        seen.append(len(cells))
        return read_cells(cells, decimal)

    monkeypatch.setattr(gio, "_read_cells", spy)
    lines = ["x,name,y"] + [f"{i},n{i},{i}.5" for i in range(3000)]
    df = load_points("\n".join(lines).encode())
    assert list(df.columns) == ["x", "y"] and df.attrs["dropped_columns"] == ["name"]
    assert seen == [3000, 3000]


# --- parsing only -------------------------------------------------------------------


def test_cells_are_never_evaluated(tmp_path):
    target = tmp_path / "evaluated"
    code = f"__import__('pathlib').Path({str(target)!r}).touch()"
    text = f'x,y,note\n1,2,"{code}"\n3,4,"{code}"\n'
    df = load_points(text.encode())
    assert df.attrs["dropped_columns"] == ["note"]
    assert not target.exists()


def test_uses_pandas_c_engine_only(monkeypatch):
    engines = []
    read_csv = pd.read_csv

    def spy(*args, **kwargs):
        engines.append(kwargs.get("engine"))
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", spy)
    for data in (b"x,y\n1,2\n", b"1 2\n3 4\n", b"a;b\n1,5;2\n"):
        load_points(data)
    assert engines and set(engines) == {"c"}


@settings(max_examples=25, deadline=None)
@given(
    X=arrays(
        np.float64,
        st.tuples(st.integers(1, 25), st.integers(2, 4)),
        elements=st.floats(allow_nan=False, allow_infinity=False, width=64),
    ),
    sep=st.sampled_from([",", ";", "\t", " "]),
    header=st.booleans(),
)
def test_values_round_trip(X, sep, header):
    names = [f"c{j}" for j in range(X.shape[1])] if header else None
    df = load_points(_csv(X, sep=sep, header=names).encode())
    np.testing.assert_array_equal(df.to_numpy(), X)
    assert df.attrs["has_header"] is header
    assert df.attrs["dropped_rows"] == 0


def test_values_equal_numpy_parse_of_a_larger_file():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5000, 3)) * 10.0 ** rng.integers(-6, 6, size=(5000, 3))
    text = "a,b,c\n" + "\n".join(",".join(f"{v:.9g}" for v in row) for row in X.tolist())
    df = load_points(text.encode())
    np.testing.assert_array_equal(df.to_numpy(), _loadtxt(text, skiprows=1))
