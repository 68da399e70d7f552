"""The words a user reads, in English or Korean.

Every user-visible string in gmmviz and its pages is written in English and passed through
:func:`gettext` (imported as ``_``) where it is used; a string kept in a module-level constant
is marked with :func:`N_` and translated where it is shown. The Korean catalogue is a standard
gettext file, ``gmmviz/locale/ko/LC_MESSAGES/gmmviz.po``, in the terms of the notes the product
follows (부담률, 혼합 계수, 음의 로그 가능도, ...). ``pybabel extract`` finds every marked string;
the tests check that each has a Korean entry.

The language is per thread of execution (a :class:`contextvars.ContextVar`): a page sets it once
at the top of each run with :func:`set_language`, and the library's messages, figure titles and
frame names follow it. Anything cached across runs must include :func:`get_language` in its key.

Examples
--------
>>> from gmmviz.i18n import _, language
>>> with language("ko"):
...     _("E-step")
'E 단계'
"""

from __future__ import annotations

import ast
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

#: The languages, by code, each with its own name (as the language choice lists them).
LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
#: The language of the source strings.
DEFAULT_LANGUAGE = "en"
#: Where the catalogues are: ``<lang>/LC_MESSAGES/gmmviz.po``.
LOCALE_DIR = Path(__file__).parent / "locale"

_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "gmmviz_language", default=DEFAULT_LANGUAGE)


def set_language(lang: str) -> str:
    """Use ``lang`` for what follows in this thread (an unknown code means English); returns
    the language set."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _LANGUAGE.set(lang)
    return lang


def get_language() -> str:
    """The language in use: ``"en"`` or ``"ko"``."""
    return _LANGUAGE.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Use ``lang`` inside the ``with`` block only."""
    token = _LANGUAGE.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield _LANGUAGE.get()
    finally:
        _LANGUAGE.reset(token)


def gettext(message: str) -> str:
    """``message`` in the language in use (itself when the catalogue has no entry for it)."""
    lang = _LANGUAGE.get()
    if lang == DEFAULT_LANGUAGE or not message:
        return message
    return catalogue(lang).get(message) or message


_ = gettext


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for a deferred mark)
    """Mark ``message`` for the catalogue without translating it now (a constant translated
    later with :func:`gettext`)."""
    return message


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The translations of ``lang``: English message -> translated message (entries without a
    translation, and fuzzy ones, left out), from every ``.po`` file of the language's folder."""
    entries: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).rglob("*.po"), reverse=True):
        entries.update(read_po(path.read_text(encoding="utf-8")))  # gmmviz.po has the last word
    return entries


def read_po(text: str) -> dict[str, str]:
    """The ``msgid -> msgstr`` entries of a gettext ``.po`` file's ``text`` (singular entries;
    the header, empty translations and fuzzy entries are left out)."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        if msgid is not None and msgstr is not None and not fuzzy:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value:
                entries[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                flush()
                msgid = msgstr = current = None
                fuzzy = True
            elif not line:
                flush()
                msgid = msgstr = current = None
                fuzzy = False
            continue
        if line.startswith("msgid "):
            if msgstr is not None:
                flush()
                fuzzy = False
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return entries
