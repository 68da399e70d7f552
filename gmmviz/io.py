"""Read a table of points that a user uploads.

:func:`load_points` accepts the CSV-like text files that spreadsheet
programs and scripts write: comma, semicolon, tab or whitespace delimited,
with or without a header row, with decimal points or (with semicolons, tabs
or whitespace) decimal commas, with or without thousands separators, in
UTF-8, UTF-16 or a legacy encoding. The content is only ever parsed as text:
nothing is evaluated or unpickled.

The time is linear in the file's size, whatever its shape. The format is
detected on a bounded sample: the first 64 KB, at most 1,000 lines and
100,000 cells, once per delimiter. A file with more than
:data:`MAX_COLUMNS` columns is refused there, before the rest is read. Then
pandas' C parser reads the whole file, and the cells it could not read as
numbers are read by vectorised Arrow kernels (RE2 patterns and casts), each
linear in the text. A 20 MB file of any shape loads or is refused in at
most 3 s on a 2-core machine (``benchmarks/bench_load.py``).
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import itertools
import math
import os
import re
import warnings
from dataclasses import dataclass
from typing import IO, NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gmmviz._errors import InputError

__all__ = ["MAX_COLUMNS", "MAX_UPLOAD_BYTES", "NUMERIC_FRACTION", "SAMPLE_BYTES", "load_points"]

#: Largest file accepted by :func:`load_points`, in bytes (200 MB).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
#: Size of the leading part of a file on which the format is detected.
SAMPLE_BYTES = 64 * 1024
#: A column is numeric when at least this share of its non-empty cells
#: are numbers.
NUMERIC_FRACTION = 0.9
#: Most columns a file may have: a table of points needs two, and a few
#: more to choose from; a wider file is refused before it is read.
MAX_COLUMNS = 1000
# The format is judged on at most this many lines of the sample, and this
# many cells (lines x columns) per delimiter.
_SNIFF_LINES = 1000
_SNIFF_CELLS = 100_000

Source = bytes | bytearray | memoryview | str | os.PathLike | IO[bytes] | IO[str]

_WHITESPACE = r"\s+"
# (delimiter, decimal mark), in order of preference when two fit equally.
_CANDIDATES = [
    (",", "."),
    (";", "."),
    ("\t", "."),
    (_WHITESPACE, "."),
    (";", ","),
    ("\t", ","),
    (_WHITESPACE, ","),
]
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", _WHITESPACE: "whitespace"}
_PLURALS = {",": "commas", ";": "semicolons", "\t": "tabs", _WHITESPACE: "spaces"}
# Cells that mean "no value": pandas' default NA strings, in lower case.
_MISSING = frozenset(
    {"", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan"}
    | {"<na>", "n/a", "na", "nan", "none", "null"}
)
# Separators that may group a number's thousands, for each decimal mark:
# the other mark, spaces (plain, no-break, narrow no-break, thin) and
# apostrophes. One number uses one of them, between groups of three digits.
_THOUSANDS = {".": ", '’\u00a0\u202f\u2009", ",": ". '’\u00a0\u202f\u2009"}
# Non-ASCII characters that are no Latin-1 letter (U+00C0 to U+00FF but for
# the signs "×" and "÷"), and those of them common in Western text.
_NON_ASCII_SYMBOL = re.compile(r"[^\x00-\x7f\xc0-\xd6\xd8-\xf6\xf8-\xff]")
_WESTERN_SYMBOLS = frozenset("°µ²³±×÷§©®€£¥¢½¼¾·–—‘’“”„•…«»¡¿ªº")
_WORD = re.compile(r"[^\W\d_]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters, which text files do not hold (but for Ctrl-Z, an old
# end-of-file mark).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")

_SAVE_AS_CSV = (
    "Open it in your spreadsheet program and save it as CSV "
    "(File > Save As > CSV), then upload the CSV file."
)
_UNDECODABLE = (
    "The file could not be read as text: its characters are in an unknown or "
    "mixed encoding (best guess {encoding}). Save it as CSV with UTF-8 encoding "
    "and upload it again."
)
_TEXT_ONLY = "Upload a CSV text file with one point per row, e.g. a line '1.5,2.3'."
# Leading bytes of common non-text files, with what to tell the user.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file"),
    (b"\x93NUMPY", "a NumPy .npy file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"\x7fELF", "a program"),
]
# Byte order marks, longest first (the UTF-32 LE mark starts with UTF-16's).
_BOMS: list[tuple[bytes, str]] = [
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def load_points(source: Source) -> pd.DataFrame:
    """Read a table of numbers from an uploaded CSV-like file.

    Parameters
    ----------
    source : bytes, file-like or path
        The file's content as bytes; a binary or text file-like object
        (e.g. Streamlit's ``UploadedFile``), read from its start when it is
        seekable; or a path (``str`` or :class:`os.PathLike`).

    Returns
    -------
    df : pandas.DataFrame of shape (n_samples, n_columns)
        The numeric columns, float64, with finite values only;
        ``n_columns >= 2``. Column names are the header's, stripped of
        whitespace; an empty header cell gives "col<k>", with k the column's
        position from 1. Without a header row the columns are named by
        position: "x", "y", "col3", "col4", ... ``df.attrs`` holds:

        - ``"dropped_columns"``: list of str, the columns left out because
          they are not numeric (fewer than 90 % of their non-empty cells are
          numbers; a column that is mostly text in the first 1,000 lines is
          left out without reading further). Numbers may group their
          thousands with one separator between groups of three digits ("1
          234,5", "1.234,5", "1,234.5", "1'234.5"); a number grouped
          otherwise ("1 23") is no number. Within a whitespace-delimited
          file a space always separates values. Columns that are entirely
          empty and unnamed, such as the
          one a trailing delimiter makes, are left out silently. A first
          column with an empty header and the row numbers 0, 1, 2, ... (as
          ``DataFrame.to_csv`` writes by default) is left out too, and listed
          as "col1".
        - ``"dropped_rows"``: int, the number of rows left out because of a
          missing, unparseable or infinite value in a numeric column.
        - ``"encoding"``, ``"delimiter"`` ("comma", "semicolon", "tab" or
          "whitespace"), ``"decimal"`` ("." or ",") and ``"has_header"``
          (bool): the detected format.

    Raises
    ------
    InputError
        If the file is missing, empty, larger than :data:`MAX_UPLOAD_BYTES`,
        binary (an image, a spreadsheet, a pickle, ...), not decodable as
        text, has a line of more than :data:`MAX_COLUMNS` values or a first
        line longer than :data:`SAMPLE_BYTES`, a line with more values than
        the first lines, an unclosed quote, a number beyond the float range
        (about 1.8e308 in magnitude, e.g. an integer of 310 digits; a cell
        "inf" only leaves its row out), fewer than two numeric columns, or no
        complete row of numbers. The message says what to change.

    Notes
    -----
    The time is linear in the file's size: a 20 MB file of any shape loads
    or is refused within 3 s on a 2-core machine (``benchmarks/bench_load.py``).
    """
    raw = _read_source(source)
    sample, data, encoding = _decode(raw)
    del raw
    if not sample.strip():
        raise InputError(f"The file is empty. {_TEXT_ONLY}")
    if len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
        raise InputError(f"The file contains binary data, not text. {_TEXT_ONLY}")
    fmt = _sniff(sample)
    _check_columns(fmt)
    frame = _parse(data, fmt)
    df = _numeric_columns(frame, fmt, data)
    df.attrs.update(
        encoding=encoding,
        delimiter=_DELIMITER_NAMES[fmt.sep],
        decimal=fmt.decimal,
        has_header=fmt.header_line is not None,
    )
    return df


# --- reading and decoding -------------------------------------------------


def _read_source(source: Source) -> bytes:
    """Return the content of ``source`` as bytes, at most one byte too many."""
    limit = MAX_UPLOAD_BYTES + 1
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        try:
            size = os.path.getsize(path)
            if size > MAX_UPLOAD_BYTES:
                _raise_too_large(size)
            with open(path, "rb") as f:
                raw = f.read(limit)
        except FileNotFoundError:
            raise InputError(f"There is no file at {path!r}; check the path.") from None
        except IsADirectoryError:
            raise InputError(f"{path!r} is a folder, not a file; pick a file.") from None
        except OSError as e:
            raise InputError(f"The file {path!r} could not be opened: {e}.") from None
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        try:
            content = source.read(limit)
        except UnicodeDecodeError as e:
            raise InputError(
                f"The file could not be read as text ({e.reason}). "
                "Save it as CSV with UTF-8 encoding and upload it again."
            ) from None
        raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    else:
        raise TypeError(
            f"source must be bytes, a file-like object or a path, not {type(source).__name__}"
        )
    if len(raw) > MAX_UPLOAD_BYTES:
        _raise_too_large(len(raw))
    return raw


def _raise_too_large(size: int) -> NoReturn:
    mb = 1024 * 1024
    raise InputError(
        f"The file is too large ({size / mb:.0f} MB or more); the limit is "
        f"{MAX_UPLOAD_BYTES // mb} MB. Upload a smaller file, e.g. a random "
        "sample of the rows."
    )


def _binary_kind(raw: bytes) -> str | None:
    """Name the kind of a non-text file from its first bytes, or None."""
    if raw[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return (
            "This looks like an Excel or OpenDocument spreadsheet (.xlsx, .ods) "
            f"or a ZIP archive, not a CSV text file. {_SAVE_AS_CSV}"
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return (
            "This looks like an old-style Excel workbook (.xls), not a CSV text "
            f"file. {_SAVE_AS_CSV}"
        )
    if raw[:1] == b"\x80" and raw[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return (
            "This looks like a Python pickle file. Pickle files are never opened "
            "here because they can run code; save your data with "
            "DataFrame.to_csv or numpy.savetxt and upload the CSV file."
        )
    if raw.startswith(b"PAR1") and raw.endswith(b"PAR1"):
        return (
            "This looks like a Parquet file, not a CSV text file. Save your data "
            "with DataFrame.to_csv and upload the CSV file."
        )
    for signature, kind in _SIGNATURES:
        if raw.startswith(signature):
            return f"This looks like {kind}, not a table of numbers. {_TEXT_ONLY}"
    return None


def _decode(raw: bytes) -> tuple[str, bytes, str]:
    """Detect the encoding of ``raw``.

    Returns
    -------
    sample : str
        The first ``SAMPLE_BYTES`` or so of the text, ending at a line break
        unless it is the whole text.
    data : bytes
        The whole text in UTF-8, without byte order mark; pandas' C parser
        reads that without a detour through Python strings.
    encoding : str
        The detected encoding.
    """
    message = _binary_kind(raw)
    if message is not None:
        raise InputError(message)
    head = raw[:SAMPLE_BYTES]
    is_whole = len(raw) <= SAMPLE_BYTES
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)
    if encoding is None and b"\x00" in head:
        encoding = _utf16_without_bom(head)
        if encoding is None:
            raise InputError(f"The file contains binary data, not text. {_TEXT_ONLY}")
    if encoding in (None, "utf-8-sig"):
        # UTF-8 is checked on the head only; pandas replaces any bad byte
        # further on, so that at worst a cell does not parse.
        skip = 0 if encoding is None else 3
        try:
            sample = codecs.getincrementaldecoder("utf-8")().decode(head[skip:], final=is_whole)
        except UnicodeDecodeError:
            if encoding is not None:
                raise InputError(_UNDECODABLE.format(encoding="UTF-8")) from None
            encoding = _guess_encoding(head)
        else:
            return _cut(sample, is_whole), raw[skip:], encoding or "utf-8"
    try:
        # The codecs for BOM-marked UTF-16/32 strip the mark.
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(_UNDECODABLE.format(encoding=encoding)) from None
    return _cut(text[:SAMPLE_BYTES], len(text) <= SAMPLE_BYTES), text.encode("utf-8"), encoding


def _cut(sample: str, is_whole: bool) -> str:
    """End ``sample`` at its last line break: the line after it may be cut short."""
    if is_whole:
        return sample
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut <= 0:
        raise InputError(
            f"The first line of the file is longer than {SAMPLE_BYTES // 1024} KB; a table "
            f"of points has short lines, at most {MAX_COLUMNS:,} values each. Keep only the "
            "columns you want to plot, one point per line, and upload the file again."
        )
    return sample[:cut]


def _utf16_without_bom(head: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" if ``head`` looks like it, else None."""
    head = head[: len(head) - len(head) % 2]
    if not head:
        return None
    half = len(head) // 2
    even_nul = head[0::2].count(0) / half
    odd_nul = head[1::2].count(0) / half
    # Mostly-ASCII UTF-16 text has a NUL in every other byte.
    if odd_nul > 0.9 and even_nul < 0.1:
        return "utf-16-le"
    if even_nul > 0.9 and odd_nul < 0.1:
        return "utf-16-be"
    return None


def _guess_encoding(head: bytes) -> str:
    """Guess the legacy encoding of ``head``, which is not UTF-8."""
    # Windows-1252 is what spreadsheet programs write in Western Europe and
    # the Americas; charset-normalizer often misses it on a few accented words.
    try:
        if _looks_western(head.decode("cp1252")):
            return "cp1252"
    except UnicodeDecodeError:
        pass
    # Only the lines with non-ASCII bytes tell encodings apart; the numbers
    # around them would dilute charset-normalizer's measures.
    lines = [line for line in head.splitlines() if max(line, default=0) >= 0x80]
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is optional
        matches = []
    else:
        matches = [
            m
            for m in from_bytes(b"\n".join(lines[:_SNIFF_LINES]) or head)
            # UTF-16 and -32 are recognised by their byte order mark or NULs.
            if not m.encoding.startswith(("utf_16", "utf_32"))
        ]
    if matches:
        return matches[0].encoding
    raise InputError(
        "The file could not be read as text: it is either not a text file or in "
        "an unknown encoding. Save it as CSV with UTF-8 encoding and upload it again."
    )


def _looks_western(text: str) -> bool:
    """Whether ``text``, decoded as Windows-1252, reads as Western European.

    In Western European text most words with accented letters also have
    plain ones ("Größe", "été"), and symbols other than "°" and "µ" are not
    followed by a letter ("m²"). Text in another single-byte encoding
    decodes to words of accented letters only ("Øèðîòà" for Cyrillic
    "Широта") or to symbols inside words ("Za¿ó³æ" for Polish "Zażółć").
    """
    for found in _NON_ASCII_SYMBOL.finditer(text):
        symbol, after = found.group(0), text[found.end() : found.end() + 1]
        if symbol not in _WESTERN_SYMBOLS or (after.isalpha() and symbol not in "°µ"):
            return False
    words = [w for w in _WORD.findall(text) if len(w) > 1 and not w.isascii()]
    mixed = sum(any(c.isascii() for c in w) for w in words)
    return 2 * mixed >= len(words)


# --- cells ----------------------------------------------------------------


class _Kind(enum.Enum):
    """What a column holds in the sample, judged below its first row."""

    NUMBER = "number"
    EMPTY = "empty"
    TEXT = "text"


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


def _raise_overflow(name: str, row: int, cell: object) -> NoReturn:
    try:
        text = str(cell).strip()
    except ValueError:  # an integer of more digits than Python prints
        text = "an integer of thousands of digits"
    if len(text) > 24:
        text = f"{text[:12]}…{text[-6:]} ({len(text)} characters)"
    raise InputError(
        f"Column {_listed([name])} holds a number too large to compute with in row {row + 1} of "
        f"the data ({text}); numbers must stay below about 1.8e308 in magnitude. Divide "
        "the column by a power of ten, or remove that row, and upload the file again."
    )


# --- format detection -----------------------------------------------------


@dataclass(frozen=True)
class _Format:
    """The detected layout of a file."""

    sep: str
    decimal: str
    # Index of the header among all lines of the file, None without one.
    header_line: int | None
    # One per column: its name, whether the header gave that name, and what
    # its cells in the sample hold.
    names: list[str]
    named: list[bool]
    kinds: list[_Kind]
    comment: str | None

    @property
    def n_columns(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class _Trial:
    """The sample read with one delimiter and decimal mark."""

    sep: str
    decimal: str
    # The columns to read the file with (at least the fields on any line of
    # the sample), whether a line has more than MAX_COLUMNS, and the widest line.
    n_columns: int
    too_wide: bool
    widest_line: int
    # The first row's cells, and (empty, number, plain) of shape
    # (n_judged_columns, n_rows) for the first MAX_COLUMNS columns.
    first_row: list[str]
    empty: np.ndarray
    number: np.ndarray
    plain: np.ndarray
    rank: int

    @property
    def start(self) -> int:
        """The first row judged: the first row may be a header."""
        return 1 if self.empty.shape[1] > 1 else 0

    @property
    def numeric(self) -> np.ndarray:
        """Whether each judged column is numeric, shape (n_judged_columns,)."""
        return _is_numeric(self.empty[:, self.start :], self.number[:, self.start :])

    @property
    def score(self) -> tuple[int, float, int, int]:
        """(numeric columns, share of numbers among filled cells, plain numbers, -rank):
        the larger, the better the layout fits."""
        filled = int((~self.empty[:, self.start :]).sum())
        n_numbers = int(self.number[:, self.start :].sum())
        n_plain = int((self.plain & self.number)[:, self.start :].sum())
        return int(self.numeric.sum()), n_numbers / max(filled, 1), n_plain, -self.rank


def _read_kwargs(sep: str, comment: str | None) -> dict:
    return dict(
        sep=sep,
        engine="c",
        index_col=False,
        skipinitialspace=sep != _WHITESPACE,
        skip_blank_lines=True,
        comment=comment,
    )


def _is_numeric(empty: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Whether at least NUMERIC_FRACTION of the filled cells are numbers, along the last axis."""
    n_filled = (~empty).sum(axis=-1)
    return (n_filled > 0) & (number.sum(axis=-1) >= NUMERIC_FRACTION * n_filled)


def _widest_record(sample: str, sep: str) -> tuple[int, int]:
    """The most fields in a record of ``sample`` and the index of the line where it starts.

    Python's csv reader splits the records as pandas does, quotes and line
    breaks inside them included, and counts a field or two more at most
    (after a comment mark, around spaces at the ends of a whitespace-delimited
    line), which only adds empty columns.
    """
    text, delimiter = (sample.replace("\t", " "), " ") if sep == _WHITESPACE else (sample, sep)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    most, widest, start = 1, 0, 0
    for row in reader:
        if len(row) > most:
            most, widest = len(row), start
        start = reader.line_num
    return most, widest


def _sample_lines(sample: str) -> tuple[str, list[str], list[int], str | None]:
    """The sample cut to _SNIFF_LINES lines, its lines, the indices of those
    with content and the comment mark."""
    breaks = list(itertools.islice(_LINE_BREAK.finditer(sample), _SNIFF_LINES))
    if len(breaks) == _SNIFF_LINES:
        sample = sample[: breaks[-1].start()]
    lines = _LINE_BREAK.split(sample)
    comment = "#" if any(line.lstrip().startswith("#") for line in lines) else None
    content = [
        i
        for i, line in enumerate(lines)
        if line.strip() and not (comment and line.lstrip().startswith(comment))
    ]
    if not content:
        raise InputError(f"The file has no data, only blank or comment lines. {_TEXT_ONLY}")
    return sample, lines, content, comment


def _read_sample(
    sample: str, sep: str, comment: str | None, n_columns: int
) -> tuple[pd.DataFrame, int, bool] | None:
    """The sample's cells as strings, for at most MAX_COLUMNS columns and _SNIFF_CELLS cells.

    Returns the cells, the number of columns to read the file with (at least
    its widest record's fields) and whether a record has more than
    MAX_COLUMNS fields; None if the sample is no table with this delimiter.
    """
    for _ in range(3):
        too_wide = n_columns > MAX_COLUMNS
        try:
            with warnings.catch_warnings():
                # Names fewer than a first line's fields would lose its last ones.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                cells = pd.read_csv(
                    io.StringIO(sample),
                    header=None,
                    names=list(range(n_columns)),
                    # One column more than allowed tells that a line has it.
                    usecols=list(range(MAX_COLUMNS + 1)) if too_wide else None,
                    nrows=max(1, _SNIFF_CELLS // min(n_columns, MAX_COLUMNS)),
                    dtype=str,
                    keep_default_na=False,
                    **_read_kwargs(sep, comment),
                )
        except (ValueError, pd.errors.ParserWarning) as e:
            saw = re.search(r"Expected \d+ fields in line \d+, saw (\d+)", str(e))
            if saw:  # a record pandas splits otherwise than Python's csv reader
                n_columns = max(n_columns, int(saw.group(1)))
            elif too_wide and "Too many columns specified" in str(e):
                # The wide record had delimiters inside quotes: it is not that wide.
                n_columns = MAX_COLUMNS
            else:
                return None
        else:
            return cells.iloc[:, :MAX_COLUMNS], n_columns, too_wide
    return None


def _trials(sample: str, comment: str | None, sep: str) -> list[_Trial]:
    """Read the sample with delimiter ``sep``, once per decimal mark that can go with it."""
    n_fields, widest = _widest_record(sample, sep)
    read_sample = _read_sample(sample, sep, comment, n_fields)
    if read_sample is None or read_sample[0].empty:
        return []
    cells, n_columns, too_wide = read_sample
    texts = pa.concat_arrays([pa.array(cells[c], type=pa.large_string()) for c in cells.columns])
    first_row = cells.iloc[0].fillna("").astype(str).str.strip().tolist()
    shape = cells.shape[::-1]
    trials = []
    for rank, (cand_sep, decimal) in enumerate(_CANDIDATES):
        if cand_sep != sep:
            continue
        read = _classify(texts, decimal)
        trials.append(
            _Trial(
                sep=sep,
                decimal=decimal,
                n_columns=n_columns,
                too_wide=too_wide,
                widest_line=widest,
                first_row=first_row,
                empty=read.empty.reshape(shape),
                number=read.number.reshape(shape),
                plain=read.plain.reshape(shape),
                rank=rank,
            )
        )
    return trials


def _best_trial(trials: list[_Trial], lines: list[str], content: list[int]) -> _Trial:
    """The trial that finds the most numeric columns, but for one thing: a tab
    or semicolon on every line is a deliberate delimiter, and a layout with it
    wins when it finds two numeric columns. Commas and spaces also occur inside
    numbers ("1,5", "1 234,5", "1,234.5"), so splitting at them can find more
    columns that are only pieces of numbers."""
    delimited = [
        t
        for t in trials
        if t.sep in (";", "\t") and t.numeric.sum() >= 2 and all(t.sep in lines[i] for i in content)
    ]
    return max(delimited or trials, key=lambda t: t.score)


def _sniff(sample: str) -> _Format:
    """Detect delimiter, decimal mark, header and columns from ``sample``.

    The work is bounded whatever the file: at most _SNIFF_LINES lines,
    MAX_COLUMNS columns and _SNIFF_CELLS cells are read, once per delimiter.
    """
    sample, lines, content, comment = _sample_lines(sample)
    trials = [t for sep in _DELIMITER_NAMES for t in _trials(sample, comment, sep)]
    if not trials and sample.count('"') % 2:
        raise InputError(
            'A quotation mark (") near the start of the file is never closed. Close it, '
            "or remove it, and upload the file again."
        )
    if not trials:
        raise InputError(
            "The file could not be read as a table. Put one point per line, "
            "with the values separated by commas, semicolons, tabs or spaces."
        )
    best = _best_trial(trials, lines, content)
    if not best.numeric.any():
        # No layout finds numbers: a too wide one says why best.
        best = next((t for t in trials if t.too_wide), best)
    if best.too_wide:
        raise InputError(
            f"Line {best.widest_line + 1} of the file has more than {MAX_COLUMNS:,} values "
            f"separated by {_PLURALS[best.sep]} ({best.n_columns:,}); a table of "
            f"points can have at most {MAX_COLUMNS:,} columns. Keep only the columns you "
            "want to plot (x, y and perhaps a few more) and upload the file again."
        )
    n_columns = best.n_columns

    # The first row is a header when, in the numeric columns, it holds more
    # words than numbers.
    numeric = best.numeric
    words = ~best.empty[:, 0] & ~best.number[:, 0]
    nums = best.number[:, 0]
    if numeric.any():
        words, nums = words[numeric], nums[numeric]
    has_header = int(words.sum()) > int(nums.sum())
    header = best.first_row

    named = [has_header and bool(header[i]) for i in range(n_columns)]
    if has_header:
        # An empty header cell gets a name that cannot clash with "x" or "y".
        names = [header[i] if named[i] else f"col{i + 1}" for i in range(n_columns)]
    else:
        names = [_default_name(i) for i in range(n_columns)]
    # Judged below the first row; a header alone holds no data yet.
    filled = (~best.empty[:, best.start :]).any(axis=1) & (best.start == 1 or not has_header)
    kinds = [
        _Kind.TEXT if filled[i] and not numeric[i] else _Kind.NUMBER if filled[i] else _Kind.EMPTY
        for i in range(n_columns)
    ]
    return _Format(
        sep=best.sep,
        decimal=best.decimal,
        header_line=content[0] if has_header else None,
        names=_deduplicate(names),
        named=named,
        kinds=kinds,
        comment=comment,
    )


def _default_name(i: int) -> str:
    """Name of the column at position ``i`` (from 0) in a file without header."""
    return ("x", "y")[i] if i < 2 else f"col{i + 1}"


def _deduplicate(names: list[str]) -> list[str]:
    """Make ``names`` unique the way pandas does: "a", "a.1", "a.2", ..."""
    seen: set[str] = set()
    out = []
    for name in names:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        seen.add(new)
        out.append(new)
    return out


def _listed(names: list[str], limit: int = 5) -> str:
    """``names`` quoted for a message, at most ``limit`` of them, each at most 30 characters."""
    shown = [repr(name if len(name) <= 30 else f"{name[:29]}…") for name in names[:limit]]
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(shown) + more


def _raise_too_few_columns(found: list[str], dropped: list[str]) -> NoReturn:
    which = {0: "No column", 1: "Only one column"}[len(found)]
    named = f" ({_listed(found)})" if found else ""
    ignored = f" Columns without numbers: {_listed(dropped)}." if dropped else ""
    raise InputError(
        f"{which} of numbers was found{named}; at least two are needed, one "
        f"for x and one for y.{ignored} Put one point per line, with the "
        "values separated by commas, semicolons, tabs or spaces."
    )


def _check_columns(fmt: _Format) -> None:
    """Refuse a file whose sample has fewer than two columns that may hold numbers,
    before the whole file is read."""
    maybe = [name for name, kind in zip(fmt.names, fmt.kinds, strict=True) if kind != _Kind.TEXT]
    if len(maybe) < 2:
        found = [n for n, k in zip(fmt.names, fmt.kinds, strict=True) if k == _Kind.NUMBER]
        text = [n for n, k in zip(fmt.names, fmt.kinds, strict=True) if k == _Kind.TEXT]
        _raise_too_few_columns(found[:1], text)


# --- parsing --------------------------------------------------------------


def _parse(data: bytes, fmt: _Format, **kwargs) -> pd.DataFrame:
    """Parse all of ``data`` (UTF-8) with pandas' C parser.

    A line with more fields than the sample's widest is an error, never cut.
    """
    try:
        with warnings.catch_warnings():
            # Mixed chunks of numbers and strings are sorted out later.
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            # A first line longer than the names would lose its last fields.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                io.BytesIO(data),
                header=None,
                names=list(range(fmt.n_columns)),
                skiprows=None if fmt.header_line is None else [fmt.header_line],
                decimal=fmt.decimal,
                encoding="utf-8",
                encoding_errors="replace",
                **_read_kwargs(fmt.sep, fmt.comment),
                **kwargs,
            )
    except pd.errors.EmptyDataError:
        raise InputError(f"The file has no data. {_TEXT_ONLY}") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as e:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(e))
        if unclosed:
            raise InputError(
                f'A quotation mark (") opened in line {int(unclosed.group(1)) + 1} of '
                "the file is never closed. Close it, or remove it, and upload the file again."
            ) from None
        found = re.search(r"line (\d+)", str(e))
        where = f"Line {found.group(1)}" if found else "A line"
        raise InputError(
            f"{where} of the file has more values than the lines before it. "
            "Make every row have the same number of values, separated by the "
            f"same delimiter ({_DELIMITER_NAMES[fmt.sep]})."
        ) from None


def _is_row_index(col: pd.Series, fmt: _Format) -> bool:
    """Whether ``col`` is an unnamed column of row numbers 0, 1, 2, ... or 1, 2, 3, ...

    ``DataFrame.to_csv`` writes such a column first unless ``index=False``.
    """
    if fmt.header_line is None or fmt.named[0] or not pd.api.types.is_integer_dtype(col):
        return False
    values = col.to_numpy()
    return len(values) > 1 and values[0] in (0, 1) and bool((np.diff(values) == 1).all())


def _check_overflow(data: bytes, fmt: _Format, columns: dict[int, np.ndarray]) -> None:
    """Refuse numbers beyond the float range in columns the C parser read as floats.

    The parser reads "1e400" as inf, like "inf" itself; only the text tells
    them apart, so the columns holding an infinity are read again as text.
    """
    if not columns:
        return
    text = _parse(data, fmt, dtype=str, keep_default_na=False)
    for i, values in columns.items():
        rows = np.flatnonzero(np.isinf(values))
        read = _classify(pa.array(text[i].iloc[rows], type=pa.large_string()), fmt.decimal)
        if read.overflow.any():
            row = int(rows[np.argmax(read.overflow)])
            _raise_overflow(fmt.names[i], row, text[i].iloc[row])


def _numeric_columns(frame: pd.DataFrame, fmt: _Format, data: bytes) -> pd.DataFrame:
    """Keep the numeric columns of ``frame`` and its rows of finite numbers."""
    if frame.empty and fmt.header_line is not None:
        raise InputError(
            "The file has a header row but no rows of numbers. Add one point "
            "per line below the header."
        )
    columns: dict[str, np.ndarray] = {}
    dropped: list[str] = []
    infinite: dict[int, np.ndarray] = {}
    for i in frame.columns:
        col = frame[i]
        name = fmt.names[i]
        if fmt.kinds[i] == _Kind.TEXT or (i == 0 and _is_row_index(col, fmt)):
            dropped.append(name)
            continue
        read = _read_cells(col, fmt.decimal)
        if read.overflow.any():
            row = int(np.argmax(read.overflow))
            _raise_overflow(name, row, col.iloc[row])
        if _is_numeric(read.empty, read.number):
            columns[name] = read.values
            if pd.api.types.is_float_dtype(col) and np.isinf(read.values).any():
                infinite[i] = read.values
        elif not read.empty.all() or fmt.named[i]:
            # Empty unnamed columns (e.g. from trailing delimiters) go unreported.
            dropped.append(name)
    _check_overflow(data, fmt, infinite)

    if len(columns) < 2:
        _raise_too_few_columns(list(columns)[:1], dropped)

    df = pd.DataFrame(columns)
    keep = np.isfinite(df.to_numpy()).all(axis=1)
    n_dropped = int(len(df) - keep.sum())
    if not keep.all():
        df = df.loc[keep].reset_index(drop=True)
    if df.empty:
        raise InputError(
            f"None of the {n_dropped} rows has a number in every numeric column "
            f"({_listed(list(columns))}). Fill in the missing values or "
            "remove the columns that are mostly empty."
        )
    df.attrs["dropped_columns"] = dropped
    df.attrs["dropped_rows"] = n_dropped
    return df
