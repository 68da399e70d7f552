"""Detect the layout of an uploaded table on a bounded sample of its text.

The sample is the first :data:`SAMPLE_BYTES` of the text, at most 1,000 lines; it is read once
per delimiter (comma, semicolon, tab, whitespace), at most :data:`MAX_COLUMNS` columns and
100,000 cells each time, and once per decimal mark that can go with the delimiter. The layout
that finds the most numeric columns wins; it also tells whether the first row is a header, and
what each column holds. A file with more than MAX_COLUMNS columns, or fewer than two that may hold
numbers, is refused here, before the rest is read.
"""

from __future__ import annotations

import csv
import enum
import io
import itertools
import re
import warnings
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa

from gmmviz._csv_cells import _classify, _is_numeric
from gmmviz._errors import InputError
from gmmviz.i18n import N_, _

#: Size of the leading part of a file on which the format is detected.
SAMPLE_BYTES = 64 * 1024
#: Most columns a file may have: a table of points needs two, and a few
#: more to choose from; a wider file is refused before it is read.
MAX_COLUMNS = 1000
# The format is judged on at most this many lines of the sample, and this
# many cells (lines x columns) per delimiter.
_SNIFF_LINES = 1000
_SNIFF_CELLS = 100_000

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
_DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"),
                    _WHITESPACE: N_("whitespace")}
_PLURALS = {",": N_("commas"), ";": N_("semicolons"), "\t": N_("tabs"), _WHITESPACE: N_("spaces")}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Ends the sentence of every refusal of a file that holds no table of points.
_TEXT_ONLY = N_("Upload a CSV text file with one point per row, e.g. a line '1.5,2.3'.")


class _Kind(enum.Enum):
    """What a column holds in the sample, judged below its first row."""

    NUMBER = "number"
    EMPTY = "empty"
    TEXT = "text"


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
        raise InputError(
            _("The file has no data, only blank or comment lines.") + " " + _(_TEXT_ONLY))
    return sample, lines, content, comment


def _read_sample(
    sample: str, sep: str, comment: str | None, n_columns: int
) -> tuple[pd.DataFrame, int, bool] | None:
    """The sample's cells as strings, for at most MAX_COLUMNS columns and _SNIFF_CELLS cells.

    Returns the cells, the number of columns to read the file with (at least
    its widest record's fields) and whether a record has more than
    MAX_COLUMNS fields; None if the sample is no table with this delimiter.
    """
    for _attempt in range(3):
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
        raise InputError(_(
            'A quotation mark (") near the start of the file is never closed. Close it, '
            "or remove it, and upload the file again."
        ))
    if not trials:
        raise InputError(_(
            "The file could not be read as a table. Put one point per line, "
            "with the values separated by commas, semicolons, tabs or spaces."
        ))
    best = _best_trial(trials, lines, content)
    if not best.numeric.any():
        # No layout finds numbers: a too wide one says why best.
        best = next((t for t in trials if t.too_wide), best)
    if best.too_wide:
        raise InputError(_(
            "Line {line} of the file has more than {max_columns} values "
            "separated by {delimiters} ({n_columns}); a table of "
            "points can have at most {max_columns} columns. Keep only the columns you "
            "want to plot (x, y and perhaps a few more) and upload the file again."
        ).format(line=best.widest_line + 1, max_columns=f"{MAX_COLUMNS:,}",
                 delimiters=_(_PLURALS[best.sep]), n_columns=f"{best.n_columns:,}"))
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
    more = (" " + _("and {n} more").format(n=f"{len(names) - limit:,}")
            if len(names) > limit else "")
    return ", ".join(shown) + more


def _raise_too_few_columns(found: list[str], dropped: list[str]) -> NoReturn:
    named = f" ({_listed(found)})" if found else ""
    if found:
        main = _("Only one column of numbers was found{named}; at least two are needed, one "
                 "for x and one for y.").format(named=named)
    else:
        main = _("No column of numbers was found; at least two are needed, one "
                 "for x and one for y.")
    ignored = (" " + _("Columns without numbers: {names}.").format(names=_listed(dropped))
               if dropped else "")
    raise InputError(
        main + ignored + " " + _("Put one point per line, with the "
                                 "values separated by commas, semicolons, tabs or spaces.")
    )


def _check_columns(fmt: _Format) -> None:
    """Refuse a file whose sample has fewer than two columns that may hold numbers,
    before the whole file is read."""
    maybe = [name for name, kind in zip(fmt.names, fmt.kinds, strict=True) if kind != _Kind.TEXT]
    if len(maybe) < 2:
        found = [n for n, k in zip(fmt.names, fmt.kinds, strict=True) if k == _Kind.NUMBER]
        text = [n for n, k in zip(fmt.names, fmt.kinds, strict=True) if k == _Kind.TEXT]
        _raise_too_few_columns(found[:1], text)
