"""The product in Korean: a complete catalogue, Korean messages from the library, and every page
run headless with ``lang=ko`` showing no English words (and with ``lang=en`` no Hangul)."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import numpy as np
import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po as babel_read_po

import gmmviz
from gmmviz import i18n
from tests._apptest import ROOT, assert_ok, open_app, page_path, query
from tests._i18n import english_words, has_hangul, leftover_english, page_texts
from tests._server import PAGES as PAGE_URLS

#: Every page, by file name (the explorer is the app's default page, at the URL's root).
PAGES = [path or "explorer" for path in PAGE_URLS]


def _sources() -> list[Path]:
    return sorted([ROOT / "app.py", *(ROOT / "views").glob("*.py"),
                   *(ROOT / "gmmviz").rglob("*.py")])


def _marked() -> dict[str, str]:
    """Every message marked with ``_`` or ``N_`` in the code -> where it is."""
    found: dict[str, str] = {}
    for path in _sources():
        with path.open("rb") as f:
            for lineno, _func, message, _comments in extract_python(
                    f, {"_": None, "N_": None}, [], {}):
                if isinstance(message, tuple):
                    message = message[0]
                if message:
                    found.setdefault(message, f"{path.relative_to(ROOT)}:{lineno}")
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
            if name is not None}


def test_every_marked_message_has_a_korean_entry():
    have = i18n.catalogue("ko")
    marked = _marked()
    assert len(marked) > 300  # the extraction found the code's messages
    missing = {m: where for m, where in marked.items() if m not in have}
    assert not missing, f"{len(missing)} messages without Korean, e.g. {list(missing.items())[:8]}"


def test_the_template_and_the_catalogue_list_exactly_the_marked_messages():
    # the template is what `pybabel extract -k N_ app.py views gmmviz` writes; the Korean
    # catalogue has no entry the code no longer uses
    marked = set(_marked())
    with (i18n.LOCALE_DIR / "gmmviz.pot").open("rb") as f:
        template = {m.id for m in babel_read_po(f) if m.id}
    assert template == marked, (sorted(marked - template)[:5], sorted(template - marked)[:5])
    assert set(i18n.catalogue("ko")) == marked


def test_korean_entries_have_no_english_words_and_keep_their_placeholders():
    for message, korean in i18n.catalogue("ko").items():
        # no English word left in the translation (placeholders aside)
        words = english_words(re.sub(r"\{[^{}]*\}", " ", korean))
        assert not words, (message, korean, words)
        # a translation must be formattable with the English message's fields, and no others
        assert _fields(korean) == _fields(message), (message, korean)


def test_the_catalogue_reads_as_babel_reads_it():
    for path in (i18n.LOCALE_DIR / "ko").rglob("*.po"):
        text = path.read_text(encoding="utf-8")
        ours = i18n.read_po(text)
        theirs = {m.id: m.string for m in babel_read_po(io.StringIO(text))
                  if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}
        assert ours == theirs, path


def test_the_language_is_per_block_and_falls_back_to_english():
    with i18n.language("ko"):
        assert i18n.get_language() == "ko"
        assert has_hangul(i18n._("Language"))
        assert i18n._("a sentence no catalogue has") == "a sentence no catalogue has"
    assert i18n.get_language() == "en"
    assert i18n._("Language") == "Language"
    with i18n.language("xx"):
        assert i18n.get_language() == "en"


@pytest.mark.parametrize("call", [
    lambda: gmmviz.fit_gmm(np.random.default_rng(0).normal(size=(20, 2)), 0),
    lambda: gmmviz.fit_gmm(np.random.default_rng(0).normal(size=(20, 2)), 2, random_state=-5),
    lambda: gmmviz.fit_kmeans(np.zeros((0, 2)), 2),
    lambda: gmmviz.load_points(b"x,y\n1,2\nnot,a number\n"),
    lambda: gmmviz.load_points(b""),
], ids=["k=0", "random_state", "no points", "bad cell", "empty file"])
def test_library_errors_speak_the_language_in_use(call):
    with i18n.language("ko"), pytest.raises(gmmviz.InputError) as korean:
        call()
    with pytest.raises(gmmviz.InputError) as english:
        call()
    assert has_hangul(str(korean.value)), str(korean.value)
    assert not has_hangul(str(english.value)), str(english.value)


# ----------------------------------------------------------------------------- pages
def _open(page: str, lang: str):
    # two runs: the explorer's first run may show its figure alone
    return open_app(page_path(page), {"lang": lang}, runs=2)


@pytest.mark.parametrize("page", PAGES)
def test_a_korean_page_has_no_english_words(page):
    at = _open(page, "ko")
    left = leftover_english(at)
    assert not left, f"{len(left)} English words, e.g. {list(left.items())[:12]}"
    assert any(has_hangul(t) for t in page_texts(at))


@pytest.mark.parametrize("page", PAGES)
def test_an_english_page_has_no_hangul_but_the_language_choice(page):
    at = _open(page, "en")
    hangul = [t for t in page_texts(at) if has_hangul(t.replace("한국어", ""))]
    assert not hangul, hangul[:5]


def test_an_invalid_language_warns_and_falls_back_to_english():
    at = open_app(page_path("kmeans"), {"lang": "xx"})
    warnings = " ".join(str(w.value) for w in at.warning)
    assert "lang='xx'" in warnings and "lang=en" in warnings
    assert query(at)["lang"] == "en"
    assert not any(has_hangul(t.replace("한국어", "")) for t in page_texts(at))


def test_switching_the_language_keeps_every_other_setting():
    at = _open("kmeans", "en")
    at.slider(key="k").set_value(4).run()
    before = query(at)
    at.segmented_control(key="lang").set_value("ko").run()
    assert_ok(at)
    after = query(at)
    assert after.pop("lang") == "ko" and before.pop("lang") == "en"
    assert after == before
    assert has_hangul(" ".join(str(h.value) for h in at.markdown))


# ----------------------------------------------------------------------------- pictures
def _glyph(font, char: str) -> bytes:
    return bytes(font.getmask(char))


def test_korean_pictures_draw_hangul_with_a_font_that_has_it():
    from gmmviz.figures import _raster

    font, _greek = _raster._font_for("반복 2 · E 단계", 24)
    # a syllable is drawn as itself: not as the empty box of a code point no font has, and
    # not as the same shape as another syllable
    assert _glyph(font, "반") != _glyph(font, "\U0010fffd")
    assert _glyph(font, "반") != _glyph(font, "복")
    assert any(_glyph(font, "반"))


def test_a_korean_picture_and_animation_carry_the_korean_words():
    from gmmviz.datasets import textbook
    from gmmviz.figures import animation_html

    X, _y = textbook()
    run = gmmviz.fit_gmm(X, 3, max_iter=3)
    pictures = {}
    for lang in ("en", "ko"):
        with i18n.language(lang):
            out = io.BytesIO()
            gmmviz.write_png(run, X, 2, out, scale=1.0)
            pictures[lang] = out.getvalue()
            figure = gmmviz.em_figure(run, X)
            assert has_hangul(figure.to_json()) == (lang == "ko")
            assert "Noto Sans CJK KR" in animation_html(figure)  # its Hangul has a font
    assert pictures["en"][:8] == pictures["ko"][:8] == b"\x89PNG\r\n\x1a\n"
    assert pictures["en"] != pictures["ko"]  # the title and axes in the other language


@pytest.mark.parametrize(("page", "key", "tab"), [("compare", "compare_tab", "Restarts"),
                                                  ("explorer", "explorer_tab", "The equations")])
def test_switching_the_language_keeps_the_open_tab(page, key, tab):
    at = _open(page, "en")
    at.session_state[key] = tab
    at.run()
    assert_ok(at)
    at.segmented_control(key="lang").set_value("ko").run()
    assert_ok(at)
    with i18n.language("ko"):
        assert at.session_state[key] == i18n._(tab) != tab
