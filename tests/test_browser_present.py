"""Presentation mode in headless Chromium, on every page at a projector's 1280 x 720 (in English
and in Korean) and at 1920 x 1080: the figure, its controls and the step panel on screen without
scrolling, the sidebar folded away, nothing over the title, text of at least 18 px; leaving the
mode restores the page."""

from __future__ import annotations

import pytest

from tests._server import (
    PAGES,
    PLAYER,
    STEP_PANEL,
    no_page_errors,
    player_step,
    player_steps,
    wait_for_player_step,
    wait_for_streamlit_idle,
)

pytestmark = pytest.mark.browser

#: The projector's size in Korean too (the words' lengths differ), and the larger in English.
CASES = [("en", (1280, 720)), ("en", (1920, 1080)), ("ko", (1280, 720))]
FIGURE = (f"{PLAYER} canvas.gp-canvas, .js-plotly-plot .nsewdrag, "
          "[data-testid='stDataFrame']")

_BOX = """(sel) => { const e = document.querySelector(sel);
  if (!e) return null; const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom]; }"""


def _inside(box, width: int, height: int) -> bool:
    left, top, right, bottom = box
    return left >= -1 and top >= -1 and right <= width + 1 and bottom <= height + 1


def _open(browser, url: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda exc: errors.append(exc))
    page.goto(url, timeout=90_000)
    page.wait_for_selector("h1", timeout=90_000)
    page.wait_for_selector(FIGURE, timeout=90_000)
    wait_for_streamlit_idle(page, timeout=90_000)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                           "?.getAttribute('data-collapsed') !== 'false'", timeout=30_000)
    page.wait_for_timeout(600)  # the player sizes itself to the screen
    return context, page, errors


@pytest.mark.parametrize(("lang", "size"), CASES,
                         ids=lambda c: c if isinstance(c, str) else f"{c[0]}x{c[1]}")
@pytest.mark.parametrize("path", PAGES)
def test_presentation_mode_fits_the_screen(browser, app_url, path, lang, size):
    width, height = size
    context, page, errors = _open(browser, f"{app_url}/{path}?present=1&lang={lang}", size)
    try:
        assert page.evaluate("document.body.classList.contains('gmmviz-present')")
        # the sidebar is folded away and Streamlit's top bar is hidden
        assert page.evaluate("document.querySelector('[data-testid=\"stSidebar\"]')"
                             "?.getAttribute('data-collapsed')") in ("true", None)
        title = page.evaluate(_BOX, "h1")
        assert title is not None and _inside(title, width, height), title
        # nothing lies over the title: the element at its centre is the title itself
        assert page.evaluate("""() => { const h = document.querySelector('h1');
            const r = h.getBoundingClientRect();
            const e = document.elementFromPoint(r.left + 20, (r.top + r.bottom) / 2);
            return !!e && h.contains(e); }""")
        assert page.evaluate("() => document.querySelector('h1').getBoundingClientRect()"
                             ".height") < 70  # one line
        figure = page.evaluate(_BOX, FIGURE)
        assert figure is not None and _inside(figure, width, height), (path, figure)
        first_is_player = page.evaluate(
            "([fig, player]) => !!document.querySelector(fig)?.closest(player)", [FIGURE, PLAYER])
        if first_is_player:  # the page's figure is the player: its controls and panel too
            play, forward = ("재생", "다음") if lang == "ko" else ("Play", "Next")
            for sel in (f"{PLAYER} button[aria-label={play}]",
                        f"{PLAYER} button[aria-label^={forward}]", STEP_PANEL):
                box = page.evaluate(_BOX, sel)
                assert box is not None and _inside(box, width, height), (path, sel, box)
            size_px = page.evaluate(f"() => parseFloat(getComputedStyle("
                                    f"document.querySelector('{STEP_PANEL}')).fontSize)")
            assert size_px >= 18
            # the keys work in the mode (a player that opens at its end steps back)
            step, last = player_step(page), player_steps(page) - 1
            key, to = ("ArrowRight", step + 1) if step < last else ("ArrowLeft", step - 1)
            page.keyboard.press(key)
            wait_for_player_step(page, to)
        no_page_errors(page, errors)
    finally:
        context.close()


def test_leaving_presentation_mode_restores_the_page(browser, app_url):
    context, page, errors = _open(browser, f"{app_url}/?present=1", (1280, 720))
    try:
        page.get_by_text("Presentation mode").click()
        page.wait_for_function("() => !document.body.classList.contains('gmmviz-present')",
                               timeout=30_000)
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                               "?.getAttribute('data-collapsed') === 'false'", timeout=30_000)
        assert "present=0" in page.url
        wait_for_streamlit_idle(page, timeout=60_000)
        page.get_by_role("tab", name="Inspect a point").wait_for(timeout=30_000)
        no_page_errors(page, errors)
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_the_figure_comes_first_in_normal_mode(browser, app_url, path):
    """At 1280 x 720 without presentation mode, every page's figure starts above the fold,
    with most of it on screen: the explanations come beside it, below it or folded."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{path}", timeout=90_000)
        page.wait_for_selector(FIGURE, timeout=90_000)
        wait_for_streamlit_idle(page, timeout=90_000)
        page.wait_for_timeout(600)
        whole = f"{PLAYER} canvas.gp-canvas, .js-plotly-plot, [data-testid='stDataFrame']"
        left, top, right, bottom = page.evaluate(_BOX, whole)
        assert top <= 480, (path, top)
        assert min(bottom, 720) - top >= 220, (path, top, bottom)
    finally:
        context.close()
