"""Time to first figure: the app versus a trivial one-chart Streamlit page.

Starts both apps, then alternately loads each in a fresh headless-Chromium context and
measures the wall time from ``page.goto`` until the first figure has drawn (the app's step
player its first half-step, the trivial page's Plotly figure its points). For the app it
also measures when the first sidebar control is shown (the explorer sends its controls once
the figure has drawn). Prints the medians and the ratio
app/trivial as a markdown table.

    python benchmarks/first_figure.py [--app app.py] [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests._server import VIEWPORT, launch_chromium, run_streamlit  # noqa: E402

TRIVIAL = "benchmarks/trivial_app.py"

# True once a Plotly figure has its SVG and at least one scatter point drawn, or the step
# player has drawn its first half-step.
FIGURE_DRAWN = """() => {
    if (document.querySelector('[data-testid="gmmviz-player"][data-step]')) return true;
    const plot = document.querySelector('.js-plotly-plot');
    return !!(plot && plot.querySelector('.main-svg')
              && plot.querySelector('.scatterlayer .point'));
}"""


CONTROL = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'


def time_first_figure(browser, url: str, timeout_ms: float,
                      controls: bool = False) -> tuple[float, float]:
    """Seconds from page.goto to the first Plotly figure with points, and (with
    ``controls``) to the first sidebar control, else nan; in a fresh browser context."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        page.wait_for_function(FIGURE_DRAWN, polling="raf", timeout=timeout_ms)
        figure = time.perf_counter() - start
        ready = math.nan
        if controls:
            page.wait_for_selector(CONTROL, timeout=timeout_ms)
            ready = time.perf_counter() - start
        return figure, ready
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="app.py", help="app script, relative to the repo root")
    parser.add_argument("--query", default="", help="query string for the app, e.g. ?present=1")
    parser.add_argument("--runs", type=int, default=5, help="loads per app (default 5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per load")
    args = parser.parse_args(argv)

    scripts = {"app": args.app, "trivial": TRIVIAL}
    times: dict[str, list[float]] = {name: [] for name in scripts}
    ready: list[float] = []
    timeout_ms = args.timeout * 1000

    with (
        run_streamlit(args.app) as app_url,
        run_streamlit(TRIVIAL) as trivial_url,
        sync_playwright() as playwright,
    ):
        urls = {"app": app_url + args.query, "trivial": trivial_url}
        browser = launch_chromium(playwright)
        try:
            for _ in range(args.runs):
                for name in ("app", "trivial"):
                    figure, controls = time_first_figure(
                        browser, urls[name], timeout_ms,
                        controls=name == "app" and args.app == "app.py")
                    times[name].append(figure)
                    if name == "app":
                        ready.append(controls)
        finally:
            browser.close()

    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"First figure drawn, {args.runs} loads each (fresh browser context per load)\n")
    print("| page | script | median (s) | min (s) | max (s) | first load (s) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, script in scripts.items():
        ts = times[name]
        print(
            f"| {name} | `{script}` | {med[name]:.3f} | {min(ts):.3f} | {max(ts):.3f} "
            f"| {ts[0]:.3f} |"
        )
    print(f"\nRatio app/trivial (medians): {med['app'] / med['trivial']:.2f}")
    if not any(math.isnan(r) for r in ready):
        print(f"App's controls shown (median): {statistics.median(ready):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
