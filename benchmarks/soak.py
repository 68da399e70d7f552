"""Soak: many reruns of the explorer in one browser session, and the server's memory.

Starts the app, opens the explorer on generated data in one headless-Chromium page, then
changes the random seed (a new data set, fit and figure each time) and, every tenth run, k,
waiting for each rerun to finish. Prints the server's resident memory
(VmRSS of the Streamlit process) after the first figure and every ``--every`` reruns, so a
steady state shows as a plateau.

    python benchmarks/soak.py [--reruns 500] [--every 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests._server import (  # noqa: E402
    VIEWPORT,
    launch_chromium,
    run_streamlit,
    wait_for_plotly,
    wait_for_streamlit_idle,
)


def server_rss_mb(port: str) -> float:
    """Resident memory in MB of the Streamlit process listening on ``port``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" not in b" ".join(cmd) or port.encode() not in cmd:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            continue
    raise RuntimeError(f"no Streamlit process on port {port}")


def _set_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")


def _set_seed(page, seed: int, tries: int = 3) -> None:
    """Type ``seed`` into the seed box until the URL carries it (a rerun has happened); a
    value typed while the page redraws can be lost, so it is typed again."""
    shows = f"() => new URLSearchParams(location.search).get('seed') === '{seed}'"
    for attempt in range(tries):
        _set_number(page, "Random seed", seed)
        try:
            page.wait_for_function(shows, timeout=20_000 * (attempt + 1))
            return
        except PlaywrightTimeoutError:
            wait_for_streamlit_idle(page, timeout=120_000)
    raise RuntimeError(f"the seed {seed} never reached the URL")


def _step_k(page, up: bool) -> None:
    """Move the k slider one step with the keyboard, as a user would."""
    page.get_by_role("slider", name="Number of components k").press(
        "ArrowRight" if up else "ArrowLeft")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=500)
    parser.add_argument("--every", type=int, default=50, help="report memory every N reruns")
    parser.add_argument("--query", default="?data=blobs&n=1000&init=kmeans&iters=50")
    args = parser.parse_args(argv)

    with run_streamlit("app.py") as url, sync_playwright() as playwright:
        port = url.rsplit(":", 1)[1]
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url + args.query, timeout=120_000)
        wait_for_streamlit_idle(page, timeout=120_000)
        wait_for_plotly(page, timeout=120_000)
        page.wait_for_selector('[data-testid="stSidebar"] input[aria-label="Random seed"]',
                               timeout=120_000)
        first = server_rss_mb(port)
        print("| reruns | server RSS MB | s per rerun |")
        print("| ---: | ---: | ---: |")
        print(f"| 0 | {first:.0f} | |", flush=True)
        start = time.perf_counter()
        last = first
        for i in range(1, args.reruns + 1):
            if i % 10 == 0:  # k climbs 3 steps, then comes back: 3, 4, 5, 6, 5, 4, 3, ...
                _step_k(page, up=i // 10 % 6 < 3)
            else:
                _set_seed(page, i)
            wait_for_streamlit_idle(page, timeout=120_000)
            if i % args.every == 0:
                last = server_rss_mb(port)
                per = (time.perf_counter() - start) / i
                print(f"| {i} | {last:.0f} | {per:.2f} |", flush=True)
        browser.close()
    print(f"\nServer memory: {first:.0f} MB after the first figure, {last:.0f} MB after "
          f"{args.reruns} reruns ({last - first:+.0f} MB).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
