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

The work is split by stage: :mod:`gmmviz._csv_encoding` turns the bytes into text,
:mod:`gmmviz._csv_format` detects the layout on the sample, :mod:`gmmviz._csv_cells` reads the
numbers in the cells; this module reads the source, parses the whole file and keeps the numeric
columns.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from typing import IO, NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa

from gmmviz._csv_cells import NUMERIC_FRACTION, _classify, _is_numeric, _read_cells
from gmmviz._csv_encoding import _decode
from gmmviz._csv_format import (
    _DELIMITER_NAMES,
    _TEXT_ONLY,
    MAX_COLUMNS,
    SAMPLE_BYTES,
    _check_columns,
    _Format,
    _Kind,
    _listed,
    _raise_too_few_columns,
    _read_kwargs,
    _sniff,
)
from gmmviz._errors import InputError
from gmmviz.i18n import _

__all__ = ["MAX_COLUMNS", "MAX_UPLOAD_BYTES", "NUMERIC_FRACTION", "SAMPLE_BYTES", "load_points"]

#: Largest file accepted by :func:`load_points`, in bytes (200 MB).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

Source = bytes | bytearray | memoryview | str | os.PathLike | IO[bytes] | IO[str]

# Control characters, which text files do not hold (but for Ctrl-Z, an old
# end-of-file mark).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


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
        raise InputError(_("The file is empty.") + " " + _(_TEXT_ONLY))
    if len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
        raise InputError(_("The file contains binary data, not text.") + " " + _(_TEXT_ONLY))
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


# --- reading --------------------------------------------------------------


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
            raise InputError(
                _("There is no file at {path!r}; check the path.").format(path=path)) from None
        except IsADirectoryError:
            raise InputError(
                _("{path!r} is a folder, not a file; pick a file.").format(path=path)) from None
        except OSError as e:
            raise InputError(_("The file {path!r} could not be opened: {error}.").format(
                path=path, error=e)) from None
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        try:
            content = source.read(limit)
        except UnicodeDecodeError as e:
            raise InputError(_(
                "The file could not be read as text ({reason}). "
                "Save it as CSV with UTF-8 encoding and upload it again."
            ).format(reason=e.reason)) from None
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
    raise InputError(_(
        "The file is too large ({size} MB or more); the limit is "
        "{limit} MB. Upload a smaller file, e.g. a random "
        "sample of the rows."
    ).format(size=f"{size / mb:.0f}", limit=MAX_UPLOAD_BYTES // mb))


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
        raise InputError(_("The file has no data.") + " " + _(_TEXT_ONLY)) from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as e:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(e))
        if unclosed:
            raise InputError(_(
                'A quotation mark (") opened in line {line} of '
                "the file is never closed. Close it, or remove it, and upload the file again."
            ).format(line=int(unclosed.group(1)) + 1)) from None
        found = re.search(r"line (\d+)", str(e))
        delimiter = _(_DELIMITER_NAMES[fmt.sep])
        if found:
            raise InputError(_(
                "Line {line} of the file has more values than the lines before it. "
                "Make every row have the same number of values, separated by the "
                "same delimiter ({delimiter})."
            ).format(line=found.group(1), delimiter=delimiter)) from None
        raise InputError(_(
            "A line of the file has more values than the lines before it. "
            "Make every row have the same number of values, separated by the "
            "same delimiter ({delimiter})."
        ).format(delimiter=delimiter)) from None


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


def _raise_overflow(name: str, row: int, cell: object) -> NoReturn:
    try:
        text = str(cell).strip()
    except ValueError:  # an integer of more digits than Python prints
        text = _("an integer of thousands of digits")
    if len(text) > 24:
        text = _("{start}…{end} ({n} characters)").format(
            start=text[:12], end=text[-6:], n=len(text))
    raise InputError(_(
        "Column {column} holds a number too large to compute with in row {row} of "
        "the data ({text}); numbers must stay below about 1.8e308 in magnitude. Divide "
        "the column by a power of ten, or remove that row, and upload the file again."
    ).format(column=_listed([name]), row=row + 1, text=text))


def _numeric_columns(frame: pd.DataFrame, fmt: _Format, data: bytes) -> pd.DataFrame:
    """Keep the numeric columns of ``frame`` and its rows of finite numbers."""
    if frame.empty and fmt.header_line is not None:
        raise InputError(_(
            "The file has a header row but no rows of numbers. Add one point "
            "per line below the header."
        ))
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
        raise InputError(_(
            "None of the {n} rows has a number in every numeric column "
            "({columns}). Fill in the missing values or "
            "remove the columns that are mostly empty."
        ).format(n=n_dropped, columns=_listed(list(columns))))
    df.attrs["dropped_columns"] = dropped
    df.attrs["dropped_rows"] = n_dropped
    return df
