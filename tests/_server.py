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


def wait_for_plotly(page: Any, timeout: float = 30_000) -> Any:
    """Wait until at least one Plotly figure has been drawn; return its locator."""
    page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=timeout)
    return page.locator(".js-plotly-plot").first
