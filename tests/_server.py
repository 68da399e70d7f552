"""Helpers for browser tests: run a Streamlit app in a subprocess and drive Chromium.

Importable from tests (``from tests._server import ...``) and from scripts that put the
repository root on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORT = {"width": 1400, "height": 900}

NO_CHROMIUM_MESSAGE = (
    "Chromium not found on PATH: install Debian's chromium package (apt-get install chromium)"
)

SERVER_START_TIMEOUT = 60.0


def chromium_path() -> str | None:
    """Path of the system Chromium, or None if it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_required() -> bool:
    """True when browser tests must not be skipped (CI, or explicitly requested)."""
    return (
        os.environ.get("GMMVIZ_REQUIRE_BROWSER") == "1"
        or os.environ.get("CI", "").lower() == "true"
    )


def launch_chromium(playwright: Any, executable_path: str | None = None) -> Any:
    """Launch headless Chromium through Playwright using the system binary."""
    path = executable_path or chromium_path()
    if path is None:
        raise RuntimeError(NO_CHROMIUM_MESSAGE)
    return playwright.chromium.launch(executable_path=path, headless=True, args=list(CHROMIUM_ARGS))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server and every process in its group."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def run_streamlit(script: str, port: int | None = None) -> Iterator[str]:
    """Run ``streamlit run <script>`` (relative to the repo root) and yield its base URL.

    Waits until ``/_stcore/health`` answers ``ok``; raises RuntimeError with the server's
    output if it exits or does not come up within SERVER_START_TIMEOUT seconds. The server
    and its children are terminated on exit.
    """
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

        def output() -> str:
            log.flush()
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"streamlit run {script} exited with code {proc.returncode} "
                        f"before becoming healthy. Output:\n{output()}"
                    )
                try:
                    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
                        if r.read().decode().strip() == "ok":
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit run {script} did not answer {base_url}/_stcore/health "
                        f"within {SERVER_START_TIMEOUT:.0f} s. Output:\n{output()}"
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            _stop(proc)


# Streamlit 1.67 exposes the run state on the app root: ``data-test-script-state`` is
# "initial" until the first script run starts, then "running" while it runs, and
# "notRunning" (or "compilationError") once it has finished. The status widget
# (``stStatusWidget``, "Running...") only appears after a short delay and is removed from
# the DOM afterwards, so its absence alone says nothing.
APP_IDLE_SELECTOR = ", ".join(
    f'[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
    f'[data-test-script-state="{state}"]'
    for state in ("notRunning", "compilationError")
)


def wait_for_streamlit_idle(page: Any, timeout: float = 30_000) -> None:
    """Wait until the Streamlit app is connected and a script run has finished."""
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout)
    page.wait_for_selector(APP_IDLE_SELECTOR, state="attached", timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=timeout)


def open_page(browser: Any, url: str, timeout: float = 30_000) -> tuple[Any, list[Any]]:
    """Open ``url`` in a new 1400x900 page; return (page, page_errors).

    ``page_errors`` collects the page's uncaught JavaScript errors (``pageerror`` events)
    for the page's whole life. Returns once Streamlit has finished running the script.
    """
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[Any] = []
    page.on("pageerror", lambda exc: errors.append(exc))
    page.goto(url, timeout=timeout)
    wait_for_streamlit_idle(page, timeout=timeout)
    return page, errors


def wait_for_plotly(page: Any, timeout: float = 30_000, key: str | None = None) -> Any:
    """Wait until the Plotly figure in the Streamlit element with ``key`` (None: any figure)
    has been drawn; return its locator."""
    selector = _figure_selector(key)
    page.wait_for_selector(f"{selector} .main-svg", state="attached", timeout=timeout)
    return page.locator(selector).first


# ----------------------------------------------------------------------------- reading a page
#: Every page of the app, by the path of its URL ("": the explorer, the default page).
PAGES = ["", "compare", "supervised", "kmeans", "gaussian", "hard_em", "latent", "mstep",
         "limit", "jensen", "kl", "bound_curve", "lower_bound", "likelihood", "five_points"]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
# The first select box in the sidebar: a new explorer session gets its controls once the
# figure has drawn.
SIDEBAR_CONTROL = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'


def no_page_errors(page: Any, errors: list[Any]) -> None:
    """The page shows no Streamlit exception and logged no uncaught JavaScript error."""
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == [], [str(e) for e in errors]


def watch_script_runs(page: Any) -> None:
    """Count, from now on, the script runs the page starts (see :func:`script_runs`)."""
    page.evaluate("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        window.__scriptRuns = 0;
        // a run that starts and ends between two callbacks leaves a record whose old value
        // is "running"
        new MutationObserver((records) => {
            for (const r of records) if (r.oldValue === 'running') window.__scriptRuns++;
        }).observe(app, {attributes: true, attributeOldValue: true,
                         attributeFilter: ['data-test-script-state']});
    }""")


def script_runs(page: Any) -> int:
    """The script runs finished since :func:`watch_script_runs`; none may be running now."""
    assert page.locator(
        '[data-testid="stApp"][data-test-script-state="running"]').count() == 0
    return page.evaluate("() => window.__scriptRuns")


def wait_for_layout_stable(page: Any, frames: int = 10, timeout: float = 30_000) -> None:
    """Wait until the page's size and every Plotly figure's box stay the same for ``frames``
    animation frames in a row (after a resize, Streamlit and Plotly lay out again)."""
    page.evaluate("() => { window.__layout = {sig: null, same: 0}; }")
    page.wait_for_function(
        """(frames) => {
            const main = document.querySelector('[data-testid="stMain"]');
            const boxes = Array.from(document.querySelectorAll('.js-plotly-plot'), (gd) => {
                const b = gd.getBoundingClientRect();
                return [b.width, b.height, gd.querySelectorAll('.main-svg').length];
            });
            const sig = JSON.stringify([innerWidth, innerHeight, main && main.scrollHeight,
                                        boxes]);
            const seen = window.__layout;
            seen.same = sig === seen.sig ? seen.same + 1 : 0;
            seen.sig = sig;
            return seen.same >= frames;
        }""", arg=frames, polling="raf", timeout=timeout)


def screenshot(page: Any, name: str, *, height: int | None = None,
               full_page: bool = False) -> None:
    """Save ``tests/artifacts/<name>``; with ``height``, first grow the viewport to that height
    (Streamlit scrolls inside the app, so a full-page shot shows only the viewport) and wait
    until the page has laid itself out again."""
    ARTIFACTS.mkdir(exist_ok=True)
    if height is not None:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
        page.wait_for_function("(h) => window.innerHeight === h", arg=height)
        wait_for_layout_stable(page)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


# ----------------------------------------------------------------------------- Plotly figures
def figure_js(key: str | None = None) -> str:
    """A JavaScript expression for the graph div of the Plotly figure in the Streamlit element
    with ``key`` (None: the first figure on the page)."""
    if key is None:
        return "document.querySelector('.js-plotly-plot')"
    return f"document.querySelector('.st-key-{key} .js-plotly-plot')"


def _figure_selector(key: str | None) -> str:
    return ".js-plotly-plot" if key is None else f".st-key-{key} .js-plotly-plot"


# Whether plotly.js is playing frames: a frame queued, or its animation loop scheduled.
PLAYING_JS = """(gd) => {
    const t = gd._transitionData || {};
    return !!t._animationRaf || (t._frameQueue || []).length > 0;
}"""


def wait_until_paused(page: Any, key: str | None = None, timeout: float = 30_000) -> int:
    """Wait until plotly.js has stopped playing (no frame queued, no animation loop) and the
    step is held for twice the time per frame and at least 30 drawn frames; return that step.

    Fails if the step moves or playing resumes while it is watched: a state that is only
    quiet because the browser is slow still has to draw those frames first."""
    gd = figure_js(key)
    page.wait_for_function(f"() => !({PLAYING_JS})({gd})", timeout=timeout)
    held = page.wait_for_function(
        f"""() => {{
            const gd = {gd};
            const now = performance.now(), step = gd._fullLayout.sliders[0].active;
            const w = window.__held;
            if (!w || w.gd !== gd) {{
                const play = (gd.layout.updatemenus || []).flatMap(m => m.buttons || [])
                    .find(b => (b.label || '').includes('Play'));
                const duration = play ? play.args[1].frame.duration : 1000;
                window.__held = {{gd, step, start: now, frames: 0, window: 2 * duration}};
                return false;
            }}
            if (step !== w.step || ({PLAYING_JS})(gd)) {{
                window.__held = null;
                return {{held: false, first: w.step, now: step, frames: w.frames}};
            }}
            w.frames += 1;
            if (w.frames >= 30 && now - w.start >= w.window) {{
                window.__held = null;
                return {{held: true, first: w.step, frames: w.frames}};
            }}
            return false;
        }}""", polling="raf", timeout=timeout).json_value()
    assert held["held"], f"the animation did not stay paused: {held}"
    return held["first"]


# ----------------------------------------------------------------------------- the step player
PLAYER = '[data-testid="gmmviz-player"]'
STEP_PANEL = '[data-testid="gmmviz-step-panel"]'
#: The player object behind the n-th player on the page (its script keeps it on its host).
_PLAYER_JS = "document.querySelectorAll('[data-testid=\"gmmviz-player\"]')[{n}]?.parentElement" \
             "?.__gmmvizPlayer"


def player_js(n: int = 0) -> str:
    return _PLAYER_JS.format(n=n)


def wait_for_player(page: Any, timeout: float = 60_000, n: int = 0) -> Any:
    """The n-th step player, once it shows a half-step."""
    page.wait_for_function(f"() => {{ const p = {player_js(n)}; return p && p.data && "
                           "p.root.dataset.step !== undefined; }", timeout=timeout)
    return page.locator(PLAYER).nth(n)


def wait_for_explorer(page: Any, timeout: float = 60_000) -> None:
    """Wait until the explorer's step player shows a half-step, then for the sidebar controls
    that a new explorer session gets once the figure has drawn, and for that run to finish."""
    wait_for_player(page, timeout=timeout)
    page.wait_for_selector(SIDEBAR_CONTROL, timeout=timeout)
    wait_for_streamlit_idle(page, timeout=timeout)


def player_step(page: Any, n: int = 0) -> int:
    return int(page.locator(PLAYER).nth(n).get_attribute("data-step"))


def player_steps(page: Any, n: int = 0) -> int:
    return int(page.locator(PLAYER).nth(n).get_attribute("data-steps"))


def wait_for_player_step(page: Any, step: int, n: int = 0, timeout: float = 30_000) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('{PLAYER}')[{n}]?.dataset.step === '{step}'",
        timeout=timeout)


def player_button(page: Any, name: str, n: int = 0) -> Any:
    """The player's button whose accessible name starts with ``name`` (Play, Pause, Back,
    Next)."""
    import re

    return page.locator(PLAYER).nth(n).get_by_role("button", name=re.compile("^" + name))


def player_title(page: Any, n: int = 0) -> str:
    return page.locator(PLAYER).nth(n).locator(".gp-title").inner_text()


def player_colors(page: Any, n: int = 0, panel: int = 0) -> list[int]:
    """The colour codes of the points at the player's current half-step."""
    return page.evaluate(f"() => {{ const p = {player_js(n)}; const P = p.panels[{panel}]; "
                         "return Array.from(P.codes[P.spec.ci[p.step]]); }")


def click_player_point(page: Any, index: int, n: int = 0, panel: int = 0) -> None:
    """Click data point ``index`` where the player draws it."""
    x, y = page.evaluate(
        f"() => {{ const p = {player_js(n)}; const P = p.panels[{panel}]; "
        "const r = P.canvas.getBoundingClientRect(); "
        f"return [r.left + P.map.px(P.pts[2 * {index}]), "
        f"r.top + P.map.py(P.pts[2 * {index} + 1])]; }}")
    page.mouse.click(x, y)
