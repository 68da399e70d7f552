"""Every page in Chromium in Korean (``lang=ko``) and in English: the title, every widget's
label, the player's current frame name and the step panel speak the page's language; Hangul
renders with a real font; switching the language keeps the settings and the half-step."""

from __future__ import annotations

import re

import pytest

from tests._server import (
    PAGES,
    PLAYER,
    STEP_PANEL,
    no_page_errors,
    open_page,
    player_title,
    wait_for_player,
    wait_for_player_step,
    wait_for_streamlit_idle,
)

pytestmark = pytest.mark.browser

HANGUL = re.compile(r"[\uac00-\ud7a3]")

_LABELS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stWidgetLabel"]')).map(e => e.innerText.trim()).filter(t => t)"""

# Whether the browser draws Hangul with a font that has it: a syllable's pixels differ from
# those of a code point no font has (drawn as the same empty box as any missing glyph).
_HANGUL_DRAWN = """() => {
  const draw = (s) => { const c = document.createElement('canvas'); c.width = 60; c.height = 40;
    const g = c.getContext('2d'); g.font = '28px sans-serif'; g.fillText(s, 4, 30);
    return Array.from(g.getImageData(0, 0, 60, 40).data).join(','); };
  const han = draw('한'), missing = draw('\\u{10FFFD}'), other = draw('글');
  return han !== missing && han !== other; }"""


def _open(browser, url: str):
    page, errors = open_page(browser, url, timeout=90_000)
    page.wait_for_selector("h1", timeout=90_000)
    wait_for_streamlit_idle(page, timeout=90_000)
    if page.locator(PLAYER).count():
        wait_for_player(page, timeout=90_000)
    page.wait_for_timeout(300)
    return page, errors


@pytest.mark.parametrize("path", PAGES)
def test_a_korean_page_speaks_korean(browser, app_url, path):
    page, errors = _open(browser, f"{app_url}/{path}?lang=ko")
    try:
        assert HANGUL.search(page.inner_text("h1")), page.inner_text("h1")
        page.wait_for_function(f"() => ({_LABELS})().length > 0", timeout=30_000)
        labels = page.evaluate(_LABELS)
        # a label without Hangul is English unless it is a symbol (x_1, p1, k) or an allowed name
        english = [t for t in labels if not HANGUL.search(t) and re.search("[A-Za-z]{3}", t)
                   and t not in ("English",)]
        assert not english, english
        if page.locator(PLAYER).count():
            title = page.locator(PLAYER).first.locator(".gp-title").text_content()
            assert HANGUL.search(title), title
            panel = page.locator(STEP_PANEL).first.text_content()
            assert HANGUL.search(panel), panel
            buttons = page.locator(PLAYER).first.get_by_role("button").all_text_contents()
            assert all(HANGUL.search(b) for b in buttons if b.strip()), buttons
        assert page.evaluate(_HANGUL_DRAWN)
        no_page_errors(page, errors)
    finally:
        page.close()


@pytest.mark.parametrize("path", PAGES)
def test_an_english_page_has_no_hangul_but_the_name_of_korean(browser, app_url, path):
    page, errors = _open(browser, f"{app_url}/{path}?lang=en")
    try:
        text = page.inner_text("body").replace("한국어", "")
        assert not HANGUL.search(text), HANGUL.findall(text)[:10]
        no_page_errors(page, errors)
    finally:
        page.close()


def test_switching_to_korean_keeps_the_settings_and_the_half_step(browser, app_url):
    page, errors = _open(browser, f"{app_url}/?k=4&init=random&seed=3&step=5")
    try:
        wait_for_player_step(page, 5)
        before = page.url
        page.get_by_role("radio", name="한국어").click()
        page.wait_for_function("() => location.search.includes('lang=ko')", timeout=30_000)
        page.wait_for_function(
            "() => /[\\uac00-\\ud7a3]/.test(document.querySelector('h1').innerText)",
            timeout=30_000)
        wait_for_streamlit_idle(page)
        wait_for_player_step(page, 5)
        assert HANGUL.search(player_title(page))
        for part in ("k=4", "init=random", "seed=3", "step=5"):
            assert part in page.url, (part, before, page.url)
        no_page_errors(page, errors)
    finally:
        page.close()
