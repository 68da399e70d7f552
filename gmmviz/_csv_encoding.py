"""Turn an uploaded file's bytes into text: refuse binary files, detect the encoding.

Common non-text files (spreadsheets, images, archives, pickles, ...) are recognised by their
first bytes and refused with a sentence saying what to upload instead. The encoding comes from a
byte order mark, from the NULs of UTF-16 without one, from UTF-8 decoding the head of the file,
or else from a guess among legacy encodings (Windows-1252 first). The text goes on as UTF-8 for
pandas' C parser, with a sample of its first lines for :mod:`gmmviz._csv_format`.
"""

from __future__ import annotations

import codecs
import re

from gmmviz._csv_format import _SNIFF_LINES, _TEXT_ONLY, MAX_COLUMNS, SAMPLE_BYTES
from gmmviz._errors import InputError
from gmmviz.i18n import N_, _

# Non-ASCII characters that are no Latin-1 letter (U+00C0 to U+00FF but for
# the signs "×" and "÷"), and those of them common in Western text.
_NON_ASCII_SYMBOL = re.compile(r"[^\x00-\x7f\xc0-\xd6\xd8-\xf6\xf8-\xff]")
_WESTERN_SYMBOLS = frozenset("°µ²³±×÷§©®€£¥¢½¼¾·–—‘’“”„•…«»¡¿ªº")
_WORD = re.compile(r"[^\W\d_]+")

_SAVE_AS_CSV = N_(
    "Open it in your spreadsheet program and save it as CSV "
    "(File > Save As > CSV), then upload the CSV file."
)
_UNDECODABLE = N_(
    "The file could not be read as text: its characters are in an unknown or "
    "mixed encoding (best guess {encoding}). Save it as CSV with UTF-8 encoding "
    "and upload it again."
)
# Leading bytes of common non-text files, with what to tell the user.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"%PDF-", N_("a PDF document")),
    (b"\x89HDF\r\n\x1a\n", N_("an HDF5 file")),
    (b"\x93NUMPY", N_("a NumPy .npy file")),
    (b"SQLite format 3\x00", N_("an SQLite database")),
    (b"\x1f\x8b", N_("a gzip-compressed file")),
    (b"\xfd7zXZ\x00", N_("an xz-compressed file")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"\x28\xb5\x2f\xfd", N_("a zstd-compressed file")),
    (b"\x7fELF", N_("a program")),
]
# Byte order marks, longest first (the UTF-32 LE mark starts with UTF-16's).
_BOMS: list[tuple[bytes, str]] = [
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def _binary_kind(raw: bytes) -> str | None:
    """Name the kind of a non-text file from its first bytes, or None."""
    if raw[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _(
            "This looks like an Excel or OpenDocument spreadsheet (.xlsx, .ods) "
            "or a ZIP archive, not a CSV text file."
        ) + " " + _(_SAVE_AS_CSV)
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _(
            "This looks like an old-style Excel workbook (.xls), not a CSV text "
            "file."
        ) + " " + _(_SAVE_AS_CSV)
    if raw[:1] == b"\x80" and raw[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return _(
            "This looks like a Python pickle file. Pickle files are never opened "
            "here because they can run code; save your data with "
            "DataFrame.to_csv or numpy.savetxt and upload the CSV file."
        )
    if raw.startswith(b"PAR1") and raw.endswith(b"PAR1"):
        return _(
            "This looks like a Parquet file, not a CSV text file. Save your data "
            "with DataFrame.to_csv and upload the CSV file."
        )
    for signature, kind in _SIGNATURES:
        if raw.startswith(signature):
            return _("This looks like {kind}, not a table of numbers.").format(
                kind=_(kind)) + " " + _(_TEXT_ONLY)
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
            raise InputError(_("The file contains binary data, not text.") + " " + _(_TEXT_ONLY))
    if encoding in (None, "utf-8-sig"):
        # UTF-8 is checked on the head only; pandas replaces any bad byte
        # further on, so that at worst a cell does not parse.
        skip = 0 if encoding is None else 3
        try:
            sample = codecs.getincrementaldecoder("utf-8")().decode(head[skip:], final=is_whole)
        except UnicodeDecodeError:
            if encoding is not None:
                raise InputError(_(_UNDECODABLE).format(encoding="UTF-8")) from None
            encoding = _guess_encoding(head)
        else:
            return _cut(sample, is_whole), raw[skip:], encoding or "utf-8"
    try:
        # The codecs for BOM-marked UTF-16/32 strip the mark.
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(_(_UNDECODABLE).format(encoding=encoding)) from None
    return _cut(text[:SAMPLE_BYTES], len(text) <= SAMPLE_BYTES), text.encode("utf-8"), encoding


def _cut(sample: str, is_whole: bool) -> str:
    """End ``sample`` at its last line break: the line after it may be cut short."""
    if is_whole:
        return sample
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut <= 0:
        raise InputError(_(
            "The first line of the file is longer than {kb} KB; a table "
            "of points has short lines, at most {columns} values each. Keep only the "
            "columns you want to plot, one point per line, and upload the file again."
        ).format(kb=SAMPLE_BYTES // 1024, columns=f"{MAX_COLUMNS:,}"))
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
    raise InputError(_(
        "The file could not be read as text: it is either not a text file or in "
        "an unknown encoding. Save it as CSV with UTF-8 encoding and upload it again."
    ))


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
