"""The download buttons that take runs away (views/_exports.py), run headless with AppTest:
each file is made when asked for and read back here."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import gmmviz
from tests._apptest import TIMEOUT, assert_ok, open_app, page_path


@pytest.fixture
def files(monkeypatch) -> dict[str, object]:
    """The callables behind the page's download buttons, by the buttons' file ids."""
    made: dict[str, object] = {}
    add = MediaFileManager.add_deferred

    def recording(self, data_callable, *args, **kwargs):
        file_id = add(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return made


def _download(at: AppTest, files: dict, key: str) -> bytes | str:
    """What the download button whose key ends with ``key`` hands the browser."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    assert button.proto.ignore_rerun  # a press does not rerun the page
    return files[button.proto.deferred_file_id]()


def _buttons_page() -> None:
    """A textbook run and its two buttons: the CSV of step 3, and the run as JSON."""
    import gmmviz
    from views import _common as ui

    X, _ = gmmviz.datasets.textbook()
    run = gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0, max_iter=20, tol=0)
    ui.export_buttons(run, "the textbook's 100 points", step=3, key_prefix="three")
    ui.export_buttons(run, "the textbook's 100 points", key_prefix="final")


def test_the_buttons_hand_out_the_steps_responsibilities_and_the_whole_run(files):
    at = AppTest.from_function(_buttons_page, default_timeout=TIMEOUT)
    at.run()
    assert_ok(at, error=True)
    X, _ = gmmviz.datasets.textbook()
    run = gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0, max_iter=20, tol=0)
    for key, step in (("three_csv", 3), ("final_csv", len(run.steps) - 1)):
        table = pd.read_csv(io.StringIO(_download(at, files, key)), index_col="point")
        gamma = table.filter(like="resp_").to_numpy()
        np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_array_equal(gamma, run.steps[step].resp)
    text = _download(at, files, "final_json")
    back = gmmviz.load_run(text)
    np.testing.assert_array_equal(back.nll, run.nll)
    assert json.loads(text)["source"] == "the textbook's 100 points"
    names = [b.proto.label for b in at.get("download_button")]
    assert names == ["Responsibilities (CSV)", "Whole run (JSON)"] * 2


def test_compare_hands_out_every_panel(files):
    params = {"data": "iris", "k": "3", "panels": "kmeans,random,kmeans-pp", "seeds": "0,1,2",
              "iters": "15", "tol": "0", "cov": "full", "reg": "1e-06"}
    at = open_app(page_path("compare"), params)
    assert_ok(at, error=True)
    X = gmmviz.datasets.load_real("iris").X
    runs = [gmmviz.fit_gmm(X, 3, init=init, random_state=seed, max_iter=15, tol=0)
            for init, seed in (("kmeans", 0), ("random", 1), ("kmeans-pp", 2))]
    table = pd.read_csv(io.StringIO(_download(at, files, "panels_export_csv")))
    assert len(table) == 3 * 150 and table.columns[0] == "panel"
    for p, (title, rows) in enumerate(table.groupby("panel", sort=False)):
        assert title.startswith(f"{p + 1} · ")
        gamma = rows.filter(like="resp_").to_numpy()
        np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-12)
        final = runs[p].steps[-1].resp  # as the panel colours its points at the end
        np.testing.assert_allclose(gamma, final, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(rows["label"], final.argmax(axis=1) + 1)
    with zipfile.ZipFile(io.BytesIO(_download(at, files, "panels_export_zip"))) as archive:
        assert archive.namelist() == ["panel-1.json", "panel-2.json", "panel-3.json"]
        for p, name in enumerate(archive.namelist()):
            back = gmmviz.load_run(archive.read(name))
            np.testing.assert_allclose(back.nll, runs[p].nll, rtol=1e-12)
            assert json.loads(archive.read(name))["source"].startswith("iris: petal length")


def test_compare_offers_every_panels_pictures_and_gifs():
    import zipfile

    from PIL import Image

    from tests._apptest import open_app, page_path

    at = open_app(page_path("compare"), {"iters": "3", "tol": "0"})
    next(b for b in at.button if b.label == "Make the panels' GIFs").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Every panel's picture (PNG)" in labels and "Every panel's animation (GIF)" in labels
    data = at.session_state["_gif_made_panels_export"][1]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert len(names) == 3 and all(n.endswith(".gif") for n in names)
        for n in names:  # one frame per half-step of each run: 3 iterations, tol = 0
            assert Image.open(io.BytesIO(z.read(n))).n_frames == 7
