"""The explorer's downloads in headless Chromium: each file is read back and checked against the
library's run (CSV γ at the player's half-step, the JSON run, the PNG of the half-step, the GIF of
every half-step)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import gmmviz
from tests._server import (
    VIEWPORT,
    no_page_errors,
    wait_for_player,
    wait_for_player_step,
    wait_for_streamlit_idle,
)

pytestmark = pytest.mark.browser

QUERY = "?init=notes-a&iters=6&tol=0&step=3"


def _run() -> gmmviz.GMMRun:
    X, _ = gmmviz.datasets.textbook()
    return gmmviz.fit_gmm(X, 3, init="notes-a", max_iter=6, tol=0)


def _download(page, name: str) -> bytes:
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_every_download_reads_back(browser, app_url):
    run = _run()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda exc: errors.append(exc))
    try:
        page.goto(app_url + "/" + QUERY, timeout=90_000)
        wait_for_player(page)
        wait_for_player_step(page, 3)
        wait_for_streamlit_idle(page, timeout=90_000)
        # CSV of the player's half-step: γ rows sum to 1 and are the run's
        table = pd.read_csv(io.BytesIO(_download(page, "Responsibilities (CSV)")))
        resp = table[[f"resp_{j}" for j in (1, 2, 3)]].to_numpy()
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-9)
        np.testing.assert_allclose(resp, run.steps[3].resp, atol=1e-9)
        # JSON of the whole run: read back by the library, the same NLL sequence
        text = _download(page, "Whole run (JSON)").decode()
        back = gmmviz.load_run(text)
        np.testing.assert_allclose(back.nll, run.nll, rtol=1e-12)
        assert json.loads(text)["steps"][3]["kind"] == "E"
        # PNG of the half-step at twice 1280 x 720
        png = Image.open(io.BytesIO(_download(page, "Picture (PNG)")))
        assert png.format == "PNG" and png.size == (2560, 1440)
        # the GIF, made on request: one frame per half-step
        page.get_by_role("button", name="Make a GIF").click()
        page.get_by_role("button", name="Animation (GIF)").wait_for(timeout=120_000)
        gif = Image.open(io.BytesIO(_download(page, "Animation (GIF)")))
        assert gif.format == "GIF" and gif.n_frames == len(run.steps)
        assert gif.size == (1280, 720)
        no_page_errors(page, errors)
    finally:
        context.close()
