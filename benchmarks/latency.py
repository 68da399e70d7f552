"""Reaction to a control: moving the k slider until the new figure is drawn, the app against
a Streamlit page whose one slider redraws one chart (benchmarks/one_slider_app.py).

For each case, both pages are loaded in headless Chromium; the k slider is moved one notch
with the keyboard (k = 4, 5, ..., each a new fit on the app), and the time from the key press
to the new figure on screen is taken (the app: its step player shows the new run; the
baseline: Plotly has drawn the chart titled with the new k). Prints medians and the ratio
app/baseline, measured in the same run, as a markdown table.

    python benchmarks/latency.py [--moves 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests._server import VIEWPORT, launch_chromium, run_streamlit  # noqa: E402

BASELINE = "benchmarks/one_slider_app.py"
CASES = {
    "default page": ("/", 100),
    "10,000 points x 50 iterations": ("/?data=blobs&n=10000&seed=0&k=3&init=kmeans&iters=50"
                                       "&tol=0", 10_000),
}
_PLAYER = ("document.querySelector('[data-testid=\"gmmviz-player\"]')?.parentElement"
           "?.__gmmvizPlayer")


def _slider(page):
    return page.locator('[data-testid="stSlider"]').filter(
        has_text="components").get_by_role("slider")


def _idle(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=120_000)


def app_moves(browser, url: str, moves: int) -> list[float]:
    """Seconds from each k key press to the app's player showing the new run."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, timeout=120_000)
        page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]',
                               timeout=120_000)
        page.wait_for_function(f"() => !!{_PLAYER}?.uid", timeout=120_000)
        _idle(page)
        out = []
        for _ in range(moves):
            uid = page.evaluate(f"() => {_PLAYER}.uid")
            _slider(page).focus()
            start = time.perf_counter()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => {_PLAYER}?.uid && {_PLAYER}.uid !== '{uid}'",
                                   polling="raf", timeout=120_000)
            out.append(time.perf_counter() - start)
            _idle(page)
        return out
    finally:
        context.close()


def baseline_moves(browser, url: str, moves: int) -> list[float]:
    """Seconds from each k key press to the baseline's chart titled with the new k."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, timeout=120_000)
        page.wait_for_selector(".js-plotly-plot .gtitle", timeout=120_000)
        _idle(page)
        out = []
        k = 3
        for _ in range(moves):
            k += 1
            _slider(page).focus()
            start = time.perf_counter()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "() => { const t = document.querySelector('.js-plotly-plot .gtitle');"
                f" return t && t.textContent === 'k = {k}'; }}", polling="raf",
                timeout=120_000)
            out.append(time.perf_counter() - start)
            _idle(page)
        return out
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=5, help="slider moves per case")
    args = parser.parse_args(argv)
    rows = []
    with (run_streamlit("app.py") as app_url, run_streamlit(BASELINE) as base_url,
          sync_playwright() as playwright):
        browser = launch_chromium(playwright)
        try:
            for name, (query, n) in CASES.items():
                app = app_moves(browser, app_url + query, args.moves)
                base = baseline_moves(browser, f"{base_url}/?n={n}", args.moves)
                rows.append((name, statistics.median(app), statistics.median(base)))
        finally:
            browser.close()
    print(f"Moving the k slider to a new figure, {args.moves} moves each (medians)\n")
    print("| case | app (s) | one-slider page (s) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, app, base in rows:
        print(f"| {name} | {app:.3f} | {base:.3f} | {app / base:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
