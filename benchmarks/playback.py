"""Playback that keeps time: frames shown per second against those asked, in headless Chromium.

Starts the app, opens the explorer on a run (``n`` points, 50 iterations, tol = 0, so 101
half-steps) at ``speed`` milliseconds per frame, presses the player's Play button and counts,
in the page, every half-step the player shows (its ``data-step``) with the time it showed it.
Prints, for each case, frames shown per second, frames asked per second (1000 / speed) and
their ratio, as a markdown table; also the time one frame takes to draw (median over the run).

    python benchmarks/playback.py [--cases 10000:100,100:100,10000:50] [--seconds 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests._server import VIEWPORT, launch_chromium, run_streamlit  # noqa: E402

# Records (time, step) at every half-step the player shows, and the time each draw took.
_WATCH = """() => {
    const root = document.querySelector('[data-testid="gmmviz-player"]');
    const player = root.parentElement.__gmmvizPlayer;
    window.__shown = [];
    window.__draw = [];
    const show = player.show.bind(player);
    player.show = (i, force) => {
        const t0 = performance.now();
        show(i, force);
        const t1 = performance.now();
        window.__draw.push(t1 - t0);
        const last = window.__shown[window.__shown.length - 1];
        if (!last || last[1] !== player.step) window.__shown.push([t1, player.step]);
    };
}"""


def measure(browser, url: str, seconds: float) -> tuple[float, float]:
    """Frames shown per second while playing, and the median draw time (ms)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, timeout=120_000)
        page.wait_for_selector('[data-testid="gmmviz-player"][data-step]', timeout=120_000)
        page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]',
                               timeout=120_000)
        page.wait_for_timeout(1500)  # the page's second run settles
        page.evaluate(_WATCH)
        page.locator('[data-testid="gmmviz-player"]').get_by_role("button", name="Play").click()
        page.wait_for_timeout(seconds * 1000)
        shown = page.evaluate("window.__shown")
        draws = page.evaluate("window.__draw")
        steps = shown[1:]  # from the first frame after Play
        if len(steps) < 2:
            return 0.0, float("nan")
        fps = (len(steps) - 1) / ((steps[-1][0] - steps[0][0]) / 1000)
        return fps, statistics.median(draws)
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="10000:100,100:100,10000:50",
                        help="comma-separated points:ms-per-frame cases")
    parser.add_argument("--seconds", type=float, default=4.0, help="playing time per case")
    args = parser.parse_args(argv)
    cases = [tuple(int(v) for v in c.split(":")) for c in args.cases.split(",")]
    rows = []
    with run_streamlit("app.py") as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for n, ms in cases:
                query = (f"/?data=blobs&n={n}&seed=0&k=3&init=random&iters=50&tol=0"
                         f"&speed={ms}")
                fps, draw = measure(browser, url + query, args.seconds)
                rows.append((n, ms, fps, 1000 / ms, draw))
        finally:
            browser.close()
    print("Playback in headless Chromium (the player's Play, one case after another)\n")
    print("| points | ms per frame | frames shown / s | asked / s | shown / asked | "
          "draw per frame (ms, median) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, ms, fps, asked, draw in rows:
        print(f"| {n:,} | {ms} | {fps:.1f} | {asked:.1f} | {fps / asked:.0%} | {draw:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
