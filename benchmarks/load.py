"""A class at once: N browser sessions open the default page together.

Starts the app and a one-chart Streamlit page (``benchmarks/trivial_app.py``), then for each
opens N pages at the same moment in one headless Chromium (a fresh context per page, as N
students would) and waits until every page has drawn its first Plotly figure's points. Prints
how many drew the figure, the median and the slowest time, for both pages, and the ratio of
the slowest times. Use ``--sizes`` to find where the server degrades.

    python benchmarks/load.py [--sessions 30] [--sizes 10,20,30,40] [--timeout 180]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from benchmarks.first_figure import FIGURE_DRAWN, TRIVIAL  # noqa: E402
from tests._server import CHROMIUM_ARGS, VIEWPORT, chromium_path, run_streamlit  # noqa: E402


async def _one_session(browser, url: str, timeout_ms: float) -> float | None:
    """Seconds until this session's figure has drawn its points, or None if it never did."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.wait_for_function(FIGURE_DRAWN, polling=200, timeout=timeout_ms)
        return time.perf_counter() - start
    except Exception:  # a timeout or a refused connection: this session was not served
        return None
    finally:
        await context.close()


async def _class(url: str, sessions: int, timeout_ms: float) -> list[float | None]:
    """Open ``sessions`` pages of ``url`` at once; their times to the first figure."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS))
        try:
            return await asyncio.gather(
                *(_one_session(browser, url, timeout_ms) for _ in range(sessions)))
        finally:
            await browser.close()


def _row(name: str, times: list[float | None]) -> tuple[str, float]:
    served = [t for t in times if t is not None]
    slowest = max(served) if served else float("nan")
    median = statistics.median(served) if served else float("nan")
    return (f"| {name} | {len(times)} | {len(served)} | {median:.1f} | {slowest:.1f} |", slowest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="sessions at once (default 30)")
    parser.add_argument("--sizes", default="", help="comma-separated class sizes to try instead")
    parser.add_argument("--query", default="", help="query string for the app, e.g. ?k=4")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per session")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.sessions]
    timeout_ms = args.timeout * 1000

    print("| page | sessions | drew the figure | median s | slowest s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    ratios = []
    with run_streamlit("app.py") as app_url, run_streamlit(TRIVIAL) as trivial_url:
        for n in sizes:
            app_line, app_slowest = _row("explorer", asyncio.run(
                _class(app_url + args.query, n, timeout_ms)))
            one_line, one_slowest = _row("one chart", asyncio.run(
                _class(trivial_url, n, timeout_ms)))
            print(app_line)
            print(one_line, flush=True)
            ratios.append((n, app_slowest / one_slowest))
    for n, ratio in ratios:
        print(f"\n{n} sessions: slowest explorer / slowest one-chart page = {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
