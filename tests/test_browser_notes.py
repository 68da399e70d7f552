"""The notes' pages in headless Chromium: each loads without an exception, its figure draws above
the fold of a 1280 x 720 screen, and a link to it works as the first request of a session."""

from __future__ import annotations

import pytest

from tests._server import (
    PLAYER,
    no_page_errors,
    open_page,
    run_streamlit,
    wait_for_layout_stable,
    wait_for_player,
    wait_for_plotly,
    wait_for_streamlit_idle,
)

#: Each page: its path, the title it shows, and its figure's element key (the navigation names
#: the page by its title, but for "z, then x").
PAGES = {
    "supervised": ("With labels and without", "supervised_figure"),
    "gaussian": ("The Gaussian in 2-D", "gaussian_figure"),
    "hard_em": ("Hard EM, then soft", None),  # None: the step player is the figure
    "latent": ("z, then x: a mixture as a story", "story_figure"),
    "mstep": ("The M-step, derived", "mstep_figure"),
    "jensen": ("Jensen's inequality", "jensen_figure"),
    "kl": ("KL divergence", "kl_gauss_figure"),
    "bound_curve": ("The bound touches ln p", "bound_curve_figure"),
    "five_points": ("Five points, orange and blue", "five_points_figure"),
}
#: A link per page that changes one setting from its default, and what the page then shows.
LINKS = {
    "supervised": ("data=moons&init=kmeans", "data=moons"),
    "gaussian": ("s01=-0.9&cut=x0", "s01=-0.9"),
    "hard_em": ("k=2&init=kmeans&step=2", "step=2"),
    "latent": ("shown=25&w3=1", "shown=25"),
    "mstep": ("it=4", "it=4"),
    "jensen": ("x1=0.5&a1=1", "x1=0.5"),
    "kl": ("sq=0.5", "sq=0.5"),
    "bound_curve": ("comp=2&coord=x2&climb=3", "climb=3"),
    "five_points": ("mb=4&sb=3", "mb=4"),
}
SMALL_SCREEN = {"width": 1280, "height": 720}


def _nav_text(title: str) -> str:
    return title.split(":")[0]


def _wait_for_figure(page, key: str | None):
    """The page's figure once drawn: its Plotly chart, or the step player."""
    if key is None:
        wait_for_player(page, timeout=60_000)
        return page.locator(PLAYER).first
    return wait_for_plotly(page, timeout=60_000, key=key)


def _figure_top(page, key: str | None) -> float:
    sel = f"{PLAYER} canvas" if key is None else f".st-key-{key} .js-plotly-plot"
    return page.evaluate(f"() => document.querySelector('{sel}').getBoundingClientRect().top")


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_notes_page_loads_and_draws_above_the_fold(browser, app_url, name):
    title, key = PAGES[name]
    page, errors = open_page(browser, f"{app_url}/{name}", timeout=90_000)
    try:
        figure = _wait_for_figure(page, key)
        assert page.get_by_role("heading", name=title).count() == 1
        nav = page.locator('[data-testid="stSidebarNavLink"]', has_text=_nav_text(title))
        assert nav.count() == 1
        assert figure.locator(".main-svg, canvas").count() >= 1
        page.set_viewport_size(SMALL_SCREEN)
        page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                      "?.scrollTo(0, 0)")
        wait_for_layout_stable(page)
        top = _figure_top(page, key)
        assert top < SMALL_SCREEN["height"] * 0.5, f"{name}: the figure starts at {top:.0f} px"
        no_page_errors(page, errors)
    finally:
        page.close()


@pytest.mark.browser
def test_stepping_a_page_moves_its_url(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/latent", timeout=90_000)
    try:
        wait_for_plotly(page, timeout=60_000, key="story_figure")
        page.get_by_role("button", name="▶").click()
        page.get_by_text("Draw 2: u =").wait_for(timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        assert "shown=2" in page.url
        no_page_errors(page, errors)
    finally:
        page.close()


@pytest.mark.browser
def test_each_link_works_as_a_first_request(browser):
    """A shared link opened by a new session on a new server runs inside the app's navigation,
    with the link's settings."""
    with run_streamlit("app.py") as url:
        for name, (link, expected) in LINKS.items():
            title, key = PAGES[name]
            page, errors = open_page(browser, f"{url}/{name}?{link}", timeout=90_000)
            try:
                _wait_for_figure(page, key)
                nav = page.locator('[data-testid="stSidebarNavLink"]',
                                   has_text=_nav_text(title))
                assert nav.count() == 1, name
                assert page.get_by_role("heading", name=title).count() == 1, name
                assert expected in page.url, (name, page.url)
                no_page_errors(page, errors)
            finally:
                page.close()
