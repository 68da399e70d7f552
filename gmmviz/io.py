"""Read a table of points that a user uploads.

:func:`load_points` accepts the CSV-like text files that spreadsheet
programs and scripts write: comma, semicolon, tab or whitespace delimited,
with or without a header row, with decimal points or (with semicolons, tabs
or whitespace) decimal commas, in UTF-8, UTF-16 or a legacy encoding. The
format is detected on the first 64 KB, then the whole file is parsed by
pandas' C parser. The content is only ever parsed as text: nothing is
evaluated or unpickled.
"""

from __future__ import annotations

import codecs
import io
import itertools
import os
import re
import warnings
from dataclasses import dataclass
from typing import IO, NoReturn

import numpy as np
import pandas as pd

from gmmviz._errors import InputError

__all__ = ["MAX_UPLOAD_BYTES", "NUMERIC_FRACTION", "SAMPLE_BYTES", "load_points"]

#: Largest file accepted by :func:`load_points`, in bytes (200 MB).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
#: Size of the leading part of a file on which the format is detected.
SAMPLE_BYTES = 64 * 1024
#: A column is numeric when at least this share of its non-empty cells
#: are numbers.
NUMERIC_FRACTION = 0.9
# The format is judged on at most this many lines of the sample.
_SNIFF_LINES = 1000

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
# Cells that mean "no value": pandas' default NA strings, in lower case.
_MISSING = frozenset(
    {"", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan"}
    | {"<na>", "n/a", "na", "nan", "none", "null"}
)
# Swaps decimal commas and points, so that pandas reads "1,5" as 1.5.
_SWAP_MARKS = str.maketrans(",.", ".,")
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
          numbers). Columns that are entirely empty and unnamed, such as the
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
        text, has fewer than two numeric columns, or no complete row of
        numbers. The message says what to change.
    """
    raw = _read_source(source)
    sample, data, encoding = _decode(raw)
    del raw
    if not sample.strip():
        raise InputError(f"The file is empty. {_TEXT_ONLY}")
    if len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
        raise InputError(f"The file contains binary data, not text. {_TEXT_ONLY}")
    fmt = _sniff(sample)
    frame = _parse(data, fmt)
    df = _numeric_columns(frame, fmt)
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
    if not is_whole:
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        if cut > 0:
            return sample[:cut]
    return sample


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


# --- format detection -----------------------------------------------------


@dataclass(frozen=True)
class _Format:
    """The detected layout of a file."""

    sep: str
    decimal: str
    # Index of the header among all lines of the file, None without one.
    header_line: int | None
    # One per column: its name, and whether the header gave that name.
    names: list[str]
    named: list[bool]
    comment: str | None

    @property
    def n_columns(self) -> int:
        return len(self.names)


def _read_kwargs(sep: str, comment: str | None) -> dict:
    return dict(
        sep=sep,
        engine="c",
        index_col=False,
        skipinitialspace=sep != _WHITESPACE,
        skip_blank_lines=True,
        comment=comment,
    )


def _parse_cells(cells: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse the cells of one column.

    Parameters
    ----------
    cells : pandas.Series of shape (n_cells,)
        Strings, NaN for missing cells, and possibly numbers: when pandas
        parses a large file in chunks, a column can mix the chunks it
        converted to numbers with those it kept as strings.
    decimal : {".", ","}
        The decimal mark of the strings; with ",", a "." is no decimal mark.

    Returns
    -------
    empty : ndarray of shape (n_cells,)
        Whether each cell is missing.
    values : ndarray of shape (n_cells,)
        The number in each cell, float64; NaN where it has none.
    """
    obj = cells.to_numpy(dtype=object)
    is_str = np.fromiter(map(isinstance, obj, itertools.repeat(str)), dtype=bool, count=len(obj))
    values = np.full(len(obj), np.nan)
    # Cells pandas already parsed: numbers, or NaN when missing.
    parsed = pd.Series(obj[~is_str], dtype=object)
    values[~is_str] = pd.to_numeric(parsed, errors="coerce").to_numpy(np.float64)
    empty = ~is_str & np.isnan(values)
    if is_str.any():
        text = pd.Series(obj[is_str], dtype=object).str.strip()
        empty[is_str] = text.str.lower().isin(_MISSING).to_numpy()
        if decimal == ",":
            text = text.str.translate(_SWAP_MARKS)
        values[is_str] = pd.to_numeric(text, errors="coerce").to_numpy(np.float64)
    return empty, values


def _cell_kinds(cells: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Return boolean masks (empty, number) of shape (n_cells,) for ``cells``."""
    empty, values = _parse_cells(cells, decimal)
    return empty, ~np.isnan(values) & ~empty


def _is_numeric(empty: np.ndarray, number: np.ndarray) -> bool:
    n_filled = int((~empty).sum())
    return n_filled > 0 and number.sum() >= NUMERIC_FRACTION * n_filled


def _max_fields(lines: list[str], sep: str) -> int:
    """Upper bound on the number of fields in ``lines``."""
    if sep == _WHITESPACE:
        return max(len(line.split()) for line in lines)
    return max(line.count(sep) for line in lines) + 1


def _sniff(sample: str) -> _Format:
    """Detect delimiter, decimal mark, header and columns from ``sample``."""
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
    first_line = content[0]
    used = [lines[i] for i in content]

    best: tuple | None = None
    for sep in dict.fromkeys(sep for sep, _ in _CANDIDATES):
        n_columns = _max_fields(used, sep)
        try:
            cells = pd.read_csv(
                io.StringIO(sample),
                header=None,
                names=list(range(n_columns)),
                dtype=str,
                keep_default_na=False,
                **_read_kwargs(sep, comment),
            )
        except (pd.errors.ParserError, ValueError):
            continue
        if cells.empty:
            continue
        for rank, (cand_sep, decimal) in enumerate(_CANDIDATES):
            if cand_sep != sep:
                continue
            kinds = [_cell_kinds(cells[c], decimal) for c in cells.columns]
            # Judge the columns on the rows after the first, which may be a header.
            start = 1 if len(cells) > 1 else 0
            numeric = [_is_numeric(e[start:], n[start:]) for e, n in kinds]
            n_filled = sum(int((~e[start:]).sum()) for e, _ in kinds)
            n_numbers = sum(int(n[start:].sum()) for _, n in kinds)
            score = (sum(numeric), n_numbers / max(n_filled, 1), -rank)
            if best is None or score > best[0]:
                best = (score, sep, decimal, n_columns, cells, kinds, numeric)
    if best is None:
        raise InputError(
            "The file could not be read as a table. Put one point per line, "
            "with the values separated by commas, semicolons, tabs or spaces."
        )
    _, sep, decimal, n_columns, cells, kinds, numeric = best

    # The first row is a header when, in the numeric columns, it holds more
    # words than numbers.
    n_words = sum(
        bool(not e[0] and not n[0]) for (e, n), k in zip(kinds, numeric, strict=True) if k
    )
    n_nums = sum(bool(n[0]) for (_, n), k in zip(kinds, numeric, strict=True) if k)
    if not any(numeric):
        n_words = sum(bool(not e[0] and not n[0]) for e, n in kinds)
        n_nums = sum(bool(n[0]) for _, n in kinds)
    has_header = n_words > n_nums
    header = cells.iloc[0].fillna("").astype(str).str.strip().tolist()

    named = [has_header and bool(header[i]) for i in range(n_columns)]
    if has_header:
        # An empty header cell gets a name that cannot clash with "x" or "y".
        names = [header[i] if named[i] else f"col{i + 1}" for i in range(n_columns)]
    else:
        names = [_default_name(i) for i in range(n_columns)]
    return _Format(
        sep=sep,
        decimal=decimal,
        header_line=first_line if has_header else None,
        names=_deduplicate(names),
        named=named,
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


# --- parsing --------------------------------------------------------------


def _parse(data: bytes, fmt: _Format) -> pd.DataFrame:
    """Parse all of ``data`` (UTF-8) with pandas' C parser."""
    try:
        with warnings.catch_warnings():
            # Mixed chunks of numbers and strings are sorted out later.
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            return pd.read_csv(
                io.BytesIO(data),
                header=None,
                names=list(range(fmt.n_columns)),
                skiprows=None if fmt.header_line is None else [fmt.header_line],
                decimal=fmt.decimal,
                encoding="utf-8",
                encoding_errors="replace",
                **_read_kwargs(fmt.sep, fmt.comment),
            )
    except pd.errors.EmptyDataError:
        raise InputError(f"The file has no data. {_TEXT_ONLY}") from None
    except pd.errors.ParserError as e:
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


def _numeric_columns(frame: pd.DataFrame, fmt: _Format) -> pd.DataFrame:
    """Keep the numeric columns of ``frame`` and its rows of finite numbers."""
    if frame.empty and fmt.header_line is not None:
        raise InputError(
            "The file has a header row but no rows of numbers. Add one point "
            "per line below the header."
        )
    columns: dict[str, np.ndarray] = {}
    dropped: list[str] = []
    for i in frame.columns:
        col = frame[i]
        name = fmt.names[i]
        if i == 0 and _is_row_index(col, fmt):
            dropped.append(name)
            continue
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            is_empty = bool(np.isnan(values).all())
            is_numeric = not is_empty
        else:
            empty, values = _parse_cells(col, fmt.decimal)
            is_empty = bool(empty.all())
            is_numeric = _is_numeric(empty, ~np.isnan(values) & ~empty)
        if is_numeric:
            columns[name] = values
        elif not is_empty or fmt.named[i]:
            # Empty unnamed columns (e.g. from trailing delimiters) go unreported.
            dropped.append(name)

    if len(columns) < 2:
        found = {0: "No column", 1: "Only one column"}[len(columns)]
        which = f" ({next(iter(columns))!r})" if columns else ""
        ignored = f" Columns without numbers: {', '.join(map(repr, dropped))}." if dropped else ""
        raise InputError(
            f"{found} of numbers was found{which}; at least two are needed, one "
            f"for x and one for y.{ignored} Put one point per line, with the "
            "values separated by commas, semicolons, tabs or spaces."
        )

    df = pd.DataFrame(columns)
    keep = np.isfinite(df.to_numpy()).all(axis=1)
    n_dropped = int(len(df) - keep.sum())
    if not keep.all():
        df = df.loc[keep].reset_index(drop=True)
    if df.empty:
        raise InputError(
            f"None of the {n_dropped} rows has a number in every numeric column "
            f"({', '.join(map(repr, columns))}). Fill in the missing values or "
            "remove the columns that are mostly empty."
        )
    df.attrs["dropped_columns"] = dropped
    df.attrs["dropped_rows"] = n_dropped
    return df
