"""AppTest of the K-means page and the limit page: defaults, every control, URL state."""

from __future__ import annotations

import numpy as np
import pytest

import gmmviz
from gmmviz.limit import center_distance, fit_eps_limit
from gmmviz.numbers import format_number
from tests._apptest import (
    assert_ok,
    chart_spec,
    charts,
    metric,
    open_app,
    page_path,
    text,
)

KMEANS_PAGE = page_path("kmeans")
LIMIT_PAGE = page_path("limit")


# ----------------------------------------------------------------------------- K-means page
def test_kmeans_default_page():
    at = open_app(KMEANS_PAGE)
    assert_ok(at, error=True)
    assert not at.warning
    assert len(charts(at)) == 3  # K-means animation, the end states side by side, EM animation
    captions = text(at.caption)
    run = gmmviz.fit_kmeans(gmmviz.datasets.textbook()[0], 3, init="notes")
    assert f"after {run.n_iter_} iterations" in captions
    assert f"final J = {run.steps[-1].distortion:,.2f}" in captions
    assert "**start:** the textbook's centres." in captions
    assert at.query_params["kinit"] == "notes" and at.query_params["voronoi"] == "1"
    assert len(at.latex) == 3  # assignment, update, distortion
    spec = chart_spec(at, "kmeans_player")
    assert "reg" in spec["panels"][0]  # the regions each centre wins
    # one half-step per recorded step, the distortion J on the chart, a panel each
    assert spec["labels"] == [s.label for s in run.steps]
    np.testing.assert_allclose(spec["chart"]["series"][0]["y"],
                               [s.distortion for s in run.steps[1:]])
    assert spec["next"][:2] == ["assign", "update"] and len(spec["html"]) == len(run.steps)


def test_kmeans_controls():
    at = open_app(KMEANS_PAGE)
    at.slider(key="k").set_value(4).run()
    assert_ok(at, error=True)
    # the textbook's centres need k = 3: the page says so and uses k-means++
    assert any("k = 3 only" in w.value for w in at.warning)
    assert "**k** = 4" in text(at.caption)
    # the header names the start really used, and why
    assert "**start:** k-means++ (the textbook's centres are for k = 3 only)." in text(
        at.caption)
    assert at.query_params["k"] == "4"

    at.selectbox(key="kinit").set_value("random").run()
    assert_ok(at, error=True)
    assert not at.warning and "random data points" in text(at.caption)
    at.selectbox(key="data").set_value("blobs").run()
    assert_ok(at, error=True)
    assert "blobs, 500 points, seed 0" in text(at.caption)
    at.number_input(key="n").set_value(200).run()
    at.number_input(key="seed").set_value(5).run()
    assert_ok(at, error=True)
    assert "blobs, 200 points, seed 5" in text(at.caption)
    at.number_input(key="iters").set_value(1).run()
    assert_ok(at, error=True)
    assert "after 1 iteration " in text(at.caption)
    at.slider(key="speed").set_value(1200).run()
    at.toggle(key="voronoi").set_value(False).run()
    at.selectbox(key="cov").set_value("spherical").run()
    assert_ok(at, error=True)
    assert "spherical covariances" in text(at.caption)
    assert at.query_params["speed"] == "1200" and at.query_params["voronoi"] == "0"
    # both animations play at that speed; without the regions the K-means figure has no heatmap
    assert (chart_spec(at, "kmeans_player")["duration"]
            == chart_spec(at, "gmm_player")["duration"] == 1200)
    assert "reg" not in chart_spec(at, "kmeans_player")["panels"][0]
    assert at.query_params["data"] == "blobs" and at.query_params["iters"] == "1"

    next(b for b in at.button if "round-cluster" in b.label).click().run()
    assert_ok(at, error=True)
    assert at.selectbox(key="data").value == "anisotropic"
    assert at.query_params["data"] == "anisotropic" and at.query_params["k"] == "3"


def test_kmeans_url_restores_state():
    at = open_app(KMEANS_PAGE, dict(data="varied", n="300", seed="7", k="2", kinit="kmeans-pp",
              iters="40", cov="tied", speed="250", voronoi="0"))
    assert_ok(at, error=True)
    assert not at.warning
    assert at.selectbox(key="data").value == "varied"
    assert at.number_input(key="n").value == 300
    assert at.number_input(key="seed").value == 7
    assert at.slider(key="k").value == 2
    assert at.selectbox(key="kinit").value == "kmeans-pp"
    assert at.number_input(key="iters").value == 40
    assert at.selectbox(key="cov").value == "tied"
    assert at.slider(key="speed").value == 250
    assert at.toggle(key="voronoi").value is False
    assert "varied, 300 points, seed 7" in text(at.caption)


def test_the_mixture_beside_k_means_starts_where_k_means_ended_and_both_ends_are_said():
    at = open_app(KMEANS_PAGE)
    assert_ok(at, error=True)
    X, _ = gmmviz.datasets.textbook()
    km = gmmviz.fit_kmeans(X, 3, init="notes")
    gmm = gmmviz.fit_gmm(X, 3, init="identical", means_init=km.centers_, max_iter=100,
                         tol=1e-4, reg_covar=1e-6)
    np.testing.assert_array_equal(gmm.steps[0].means, km.centers_)
    said = text(at.markdown)
    j = format_number(km.steps[-1].distortion)
    assert f"K-means reached J = {j}** after {km.n_iter_} " in said
    assert f"the mixture reached NLL = {format_number(gmm.final.nll)}** after {gmm.n_iter_}" \
        in said
    # from where K-means ended, EM reaches the textbook run's optimum (215.08 to tol 1e-4),
    # not the worse one (218.9) it climbs to from the textbook's centres themselves
    assert gmm.final.nll == pytest.approx(215.08, abs=0.05)


@pytest.mark.parametrize("bad", [{"kinit": "nowhere"}, {"k": "99"}, {"voronoi": "maybe"}])
def test_kmeans_invalid_url_value_warns(bad):
    at = open_app(KMEANS_PAGE, bad)
    assert not at.exception
    name = next(iter(bad))
    assert any(f"{name}=" in w.value for w in at.warning)
    assert len(charts(at)) == 3


# ----------------------------------------------------------------------------- limit page
def test_limit_default_page():
    at = open_app(LIMIT_PAGE)
    assert_ok(at, error=True)
    assert not at.warning
    assert len(charts(at)) == 3  # side by side, the eps sweep, the EM animation
    X, _ = gmmviz.datasets.textbook()
    km = gmmviz.fit_kmeans(X, 3, init="notes")
    run = fit_eps_limit(X, gmmviz.TEXTBOOK_CENTERS, 0.5)
    expected = center_distance(run.means_, km.centers_)
    assert float(metric(at, "Distance to K-means")) == pytest.approx(expected, rel=1e-2)
    assert at.query_params["eps"] == "0.5" and at.query_params["weights"] == "learned"
    assert len(at.latex) >= 3


def test_limit_controls():
    at = open_app(LIMIT_PAGE)
    far = float(metric(at, "Distance to K-means"))
    soft = float(metric(at, "Hardness"))
    at.select_slider(key="eps").set_value(0.001).run()
    assert_ok(at, error=True)
    # small eps: the EM means sit on the K-means centres and the assignments are hard
    assert float(metric(at, "Distance to K-means")) < 1e-6 < far
    assert float(metric(at, "Hardness")) > 0.9999 > soft
    assert at.query_params["eps"] == "0.001"

    at.radio(key="weights").set_value("equal").run()
    assert_ok(at, error=True)
    assert at.query_params["weights"] == "equal"
    assert float(metric(at, "Distance to K-means")) < 1e-6
    at.slider(key="k").set_value(2).run()
    assert_ok(at, error=True)
    assert any("k = 3 only" in w.value for w in at.warning)
    assert at.query_params["k"] == "2" and "**k** = 2" in text(at.caption)
    at.selectbox(key="kinit").set_value("random").run()
    at.number_input(key="iters").set_value(20).run()
    at.slider(key="speed").set_value(300).run()
    assert_ok(at, error=True)
    assert at.query_params["kinit"] == "random" and at.query_params["iters"] == "20"
    assert at.query_params["speed"] == "300" and chart_spec(at, "eps_player")["duration"] == 300
    at.selectbox(key="data").set_value("moons").run()
    at.number_input(key="n").set_value(150).run()
    at.number_input(key="seed").set_value(3).run()
    assert_ok(at, error=True)
    assert "moons, 150 points, seed 3" in text(at.caption)


def test_limit_url_restores_state():
    at = open_app(LIMIT_PAGE, dict(data="blobs", n="120", seed="4", k="4", kinit="kmeans-pp",
              iters="60", eps="0.02", weights="equal", speed="900"))
    assert_ok(at, error=True)
    assert not at.warning
    assert at.select_slider(key="eps").value == 0.02
    assert at.radio(key="weights").value == "equal"
    assert at.slider(key="k").value == 4
    assert at.selectbox(key="kinit").value == "kmeans-pp"
    assert at.number_input(key="iters").value == 60
    assert at.slider(key="speed").value == 900
    assert "blobs, 120 points, seed 4" in text(at.caption)
    # an eps between the slider's steps is kept, not rounded
    at = open_app(LIMIT_PAGE, dict(eps="0.03"))
    assert_ok(at, error=True)
    assert at.select_slider(key="eps").value == 0.03 and at.query_params["eps"] == "0.03"


@pytest.mark.parametrize("bad", [{"eps": "abc"}, {"eps": "0"}, {"weights": "heavy"}])
def test_limit_invalid_url_value_warns(bad):
    at = open_app(LIMIT_PAGE, bad)
    assert not at.exception
    name = next(iter(bad))
    assert any(f"{name}=" in w.value for w in at.warning)
    assert at.query_params[name] == {"eps": "0.5", "weights": "learned"}[name]
