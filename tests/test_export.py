"""Tests of taking a run away: to_frame (CSV), to_json and load_run, write_gif and write_png."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import gmmviz
from gmmviz._errors import InputError
from gmmviz.figures import blend, ellipse_xy, em_figure


@pytest.fixture(scope="module")
def textbook_run() -> gmmviz.GMMRun:
    X, _ = gmmviz.datasets.textbook()
    return gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0, max_iter=20, tol=0)


@pytest.fixture(scope="module")
def kmeans_run() -> gmmviz.GMMRun:
    X = gmmviz.datasets.load_real("iris").X
    return gmmviz.fit_gmm(X, 3, init="kmeans", random_state=0, covariance_type="diag")


# ----------------------------------------------------------------------------- to_frame
@pytest.mark.parametrize("step", [1, 2, 7, 8, -1, -2])
def test_the_frame_holds_each_steps_responsibilities(textbook_run, step):
    run = textbook_run
    frame = run.to_frame(step)
    resp = run.steps[step].resp
    k = run.n_components
    assert list(frame.columns) == ["x", "y", *[f"resp_{j}" for j in range(1, k + 1)], "label"]
    gamma = frame[[f"resp_{j}" for j in range(1, k + 1)]].to_numpy()
    np.testing.assert_array_equal(gamma, resp)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(frame[["x", "y"]].to_numpy(), run.X)
    np.testing.assert_array_equal(frame["label"].to_numpy(dtype=int), resp.argmax(axis=1) + 1)
    assert frame.attrs["label"] == run.steps[step].label


def test_the_csv_reads_back_to_the_same_responsibilities(textbook_run):
    run = textbook_run
    for i in (3, len(run.steps) - 1):
        back = pd.read_csv(io.StringIO(run.to_frame(i).to_csv()), index_col="point")
        gamma = back.filter(like="resp_").to_numpy()
        np.testing.assert_array_equal(gamma, run.steps[i].resp)  # every digit written
        np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-12)
    final = pd.read_csv(io.StringIO(run.to_frame().to_csv()))
    np.testing.assert_array_equal(final["label"], run.steps[-1].resp.argmax(axis=1) + 1)
    assert final["point"].tolist() == list(range(run.n_samples))


def test_a_start_from_parameters_has_no_responsibilities_yet(textbook_run, kmeans_run):
    start = textbook_run.to_frame(0)
    assert textbook_run.steps[0].resp is None
    assert start.filter(like="resp_").isna().all().all() and start["label"].isna().all()
    # a k-means start comes with the responsibilities its parameters were computed from
    with_resp = kmeans_run.to_frame(0).filter(like="resp_").to_numpy()
    np.testing.assert_array_equal(with_resp, kmeans_run.steps[0].resp)


@pytest.mark.parametrize("step", [41, -42, 1.0, "1", True, None])
def test_a_step_outside_the_run_says_which_exist(textbook_run, step):
    with pytest.raises(InputError, match="from 0 to 40"):
        textbook_run.to_frame(step)


# ----------------------------------------------------------------------------- JSON
def _same_run(a: gmmviz.GMMRun, b: gmmviz.GMMRun) -> None:
    np.testing.assert_array_equal(a.nll, b.nll)
    np.testing.assert_array_equal(a.X, b.X)
    assert len(a.steps) == len(b.steps)
    for s, t in zip(a.steps, b.steps, strict=True):
        assert (s.kind, s.iteration, s.label) == (t.kind, t.iteration, t.label)
        for name in ("weights", "means", "covariances"):
            np.testing.assert_array_equal(getattr(s, name), getattr(t, name))
        assert (s.nll, s.elbo, s.kl) == (t.nll, t.elbo, t.kl)
        if s.resp is None:
            assert t.resp is None
        else:
            np.testing.assert_allclose(t.resp, s.resp, rtol=0, atol=1e-12)
    assert (a.stop_kind, a.stop_reason, a.converged_, a.n_iter_) == (
        b.stop_kind, b.stop_reason, b.converged_, b.n_iter_)
    assert a.settings == b.settings


def test_json_round_trips_every_step(textbook_run, kmeans_run):
    for run in (textbook_run, kmeans_run):
        back = gmmviz.load_run(run.to_json(source="the textbook's 100 points"))
        _same_run(run, back)
        np.testing.assert_array_equal(back.labels_, run.labels_)


def test_json_holds_what_it_says(textbook_run):
    record = json.loads(textbook_run.to_json(source="textbook"))
    assert record["format"] == "gmmviz-run" and record["version"] == 1
    assert record["source"] == "textbook"
    assert record["settings"]["n_components"] == 3 and record["settings"]["reg_covar"] == 0
    assert record["outcome"]["stop_kind"] == "max_iter" and record["outcome"]["n_iter"] == 20
    assert record["start_resp"] is None and len(record["points"]) == 100
    first = record["steps"][0]
    assert first["kind"] == "init" and first["nll"] == pytest.approx(426.22, abs=0.005)
    assert [s["nll"] for s in record["steps"] if s["kind"] != "E"] == textbook_run.nll.tolist()
    for s in record["steps"]:  # -nll = elbo + kl at every half-step
        assert -s["nll"] == pytest.approx(s["elbo"] + s["kl"], abs=1e-9)


def test_a_loaded_run_draws_the_same_figure(textbook_run):
    back = gmmviz.load_run(textbook_run.to_json())
    original, redrawn = em_figure(textbook_run), em_figure(back)
    assert [f.name for f in redrawn.frames] == [f.name for f in original.frames]
    assert redrawn.to_json() == original.to_json()


def test_runs_with_other_settings_and_stops_round_trip(tmp_path):
    X, _ = gmmviz.datasets.textbook()
    collapsed = gmmviz.fit_gmm(np.vstack([X, X[:1].repeat(3, axis=0)]), 5, init="random",
                               reg_covar=0, random_state=3, max_iter=200)
    fixed = gmmviz.fit_gmm(X, 3, init="kmeans-pp", fixed_covariance=0.3, learn_weights=False,
                           random_state=1)
    converged = gmmviz.fit_gmm(X, 2, init="random-resp", random_state=2, covariance_type="tied")
    for run in (collapsed, fixed, converged):
        path = tmp_path / "run.json"
        path.write_text(run.to_json())
        for source in (path, str(path), path.read_bytes(), io.BytesIO(path.read_bytes())):
            _same_run(run, gmmviz.load_run(source))
    assert converged.converged_


def _edited(run: gmmviz.GMMRun, edit) -> str:
    record = json.loads(run.to_json())
    edit(record)
    return json.dumps(record)


BAD_RUNS = {
    "not JSON": (lambda r: "{not json", "not valid JSON"),
    "another format": (lambda r: _edited(r, lambda d: d.update(format="x")), "not a run"),
    "a newer version": (lambda r: _edited(r, lambda d: d.update(version=2)), "update gmmviz"),
    "no steps": (lambda r: _edited(r, lambda d: d.update(steps=[])), "no steps"),
    "steps out of order": (lambda r: _edited(r, lambda d: d["steps"].pop(1)), "start, then"),
    "an odd last step": (lambda r: _edited(r, lambda d: d["steps"].pop()), "start, then"),
    "weights": (lambda r: _edited(r, lambda d: d["steps"][2].update(weights=[0.5, 0.5, 0.5])),
                "sum to 1"),
    "a covariance": (lambda r: _edited(
        r, lambda d: d["steps"][2].update(covariances=[[[1, 2], [2, 1]]] * 3)),
        "positive definite"),
    "a missing mean": (lambda r: _edited(r, lambda d: d["steps"][3].pop("means")), "'means'"),
    "an NLL": (lambda r: _edited(r, lambda d: d["steps"][3].update(nll="x")), "a number"),
    "settings": (lambda r: _edited(r, lambda d: d["settings"].update(colour=1)), "settings"),
    "k": (lambda r: _edited(r, lambda d: d["settings"].update(n_components=0)), "k"),
    "points": (lambda r: _edited(r, lambda d: d.update(points=[[1, 2, 3]])), "two columns"),
    "start": (lambda r: _edited(r, lambda d: d.update(start_resp=[[1, 0, 0]])), "start"),
    "stop": (lambda r: _edited(r, lambda d: d["outcome"].update(stop_kind="bored")), "stop"),
    "a list": (lambda r: "[1, 2]", "not a run"),
    "no file": (lambda r: "/no/such/file.json", "Could not read"),
    "a number": (lambda r: 3, "Pass the JSON"),
    "deep": (lambda r: "{" + '"a":[' * 100_000, "not valid JSON"),
}


@pytest.mark.parametrize("case", BAD_RUNS)
def test_a_file_that_is_not_a_run_says_what_is_wrong(textbook_run, case):
    make, message = BAD_RUNS[case]
    with pytest.raises(InputError, match=message):
        gmmviz.load_run(make(textbook_run))


# ----------------------------------------------------------------------------- pictures
def test_the_gif_has_a_frame_per_half_step_at_projector_size(textbook_run, tmp_path):
    calls = []
    path = tmp_path / "run.gif"
    n = gmmviz.write_gif(textbook_run, None, path, duration_ms=250,
                         progress=lambda done, total: calls.append((done, total)))
    total = len(textbook_run.steps)
    assert n == total and calls == [(i, total) for i in range(1, total + 1)]
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.size == (1280, 720)
        assert gif.n_frames == total
        assert gif.info["loop"] == 0
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
        assert set(durations) == {250}


def test_the_gif_frames_are_the_step_pictures(textbook_run):
    from gmmviz.figures._raster import StepPainter

    buffer = io.BytesIO()
    gmmviz.write_gif(textbook_run, textbook_run.X, buffer, size=(640, 360), levels=(1,))
    painter = StepPainter(textbook_run, size=(640, 360), levels=(1,))
    with Image.open(io.BytesIO(buffer.getvalue())) as gif:
        assert gif.size == (640, 360)
        for i in (0, 1, 2, 21, len(textbook_run.steps) - 1):
            gif.seek(i)
            shown = np.asarray(gif.convert("RGB"), dtype=int)
            drawn = np.asarray(painter.image(i), dtype=int)
            # one palette of 256 colours: every pixel within a few levels of the picture
            assert np.abs(shown - drawn).max(axis=2).mean() < 2
            assert (np.abs(shown - drawn).max(axis=2) > 40).mean() < 0.001


def _centres(painter, X):
    xs, ys = painter.scatter.px(X[:, 0], X[:, 1])
    return np.column_stack([xs, ys])


def test_points_are_drawn_in_their_blended_colours():
    from gmmviz.figures._raster import StepPainter

    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal([0, 0], 0.3, (40, 2)), rng.normal([4, 1], 0.3, (40, 2)),
                   [[2.0, 0.5], [2.0, 3.0], [1.0, -2.0]]])  # three points between the clusters
    run = gmmviz.fit_gmm(X, 2, init="kmeans", random_state=0)
    buffer = io.BytesIO()
    gmmviz.write_png(run, X, -1, buffer, scale=1)
    picture = np.asarray(Image.open(buffer).convert("RGB"), dtype=float)
    painter = StepPainter(run, X, scale=1)
    centres = _centres(painter, X)
    step = run.steps[-1]
    # ellipses and means are drawn over the points: judge points well away from them
    curves = np.vstack([np.column_stack(painter.scatter.px(*ellipse_xy(m, c, lv, 400)))
                        for m, c in zip(step.means, step.covariances, strict=True)
                        for lv in (1, 2)])
    means = np.column_stack(painter.scatter.px(step.means[:, 0], step.means[:, 1]))
    expected = blend(step.resp)
    judged = 0
    for n, c in enumerate(centres):
        others = np.delete(centres, n, axis=0)
        if (np.hypot(*(others - c).T).min() < 12 or np.hypot(*(curves - c).T).min() < 8
                or np.hypot(*(means - c).T).min() < 40):
            continue
        x, y = int(round(c[0])), int(round(c[1]))
        np.testing.assert_allclose(picture[y, x], expected[n], atol=1.0)
        judged += 1
    assert judged >= 3


def test_the_png_is_twice_the_size_by_default(textbook_run, tmp_path):
    assert gmmviz.write_png(textbook_run, None, 5, tmp_path / "a.png") == (2560, 1440)
    with Image.open(tmp_path / "a.png") as png:
        assert png.format == "PNG" and png.size == (2560, 1440)
    buffer = io.BytesIO()
    gmmviz.write_png(textbook_run, None, -1, buffer, scale=1.5, size=(800, 600),
                     title="Textbook")
    with Image.open(io.BytesIO(buffer.getvalue())) as png:
        assert png.size == (1200, 900)


@pytest.mark.parametrize(("call", "message"), [
    (lambda run, f: gmmviz.write_png(run, None, 99, f), "half-step"),
    (lambda run, f: gmmviz.write_png(run, None, 0, f, scale=0), "scale"),
    (lambda run, f: gmmviz.write_png(run, None, 0, f, size=(10, 10)), "size"),
    (lambda run, f: gmmviz.write_png(run, None, 0, f, scale=100), "8192"),
    (lambda run, f: gmmviz.write_png(run, np.zeros((3, 2)), 0, f), "shape"),
    (lambda run, f: gmmviz.write_png(run, None, 0, f, levels=()), "levels"),
    (lambda run, f: gmmviz.write_gif(run, None, f, duration_ms=5), "time per frame"),
    (lambda run, f: gmmviz.write_gif(run, None, "/no/such/dir/a.gif"), "Could not open"),
])
def test_pictures_refuse_what_cannot_be_drawn(textbook_run, call, message):
    with pytest.raises(InputError, match=message):
        call(textbook_run, io.BytesIO())
