"""AppTest of the pages "Why EM climbs" (lower bound) and "Likelihood from scratch"."""

from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

import gmmviz
from gmmviz.bound import bound_table
from gmmviz.datasets import textbook
from views._urlstate import EXPLORER

ROOT = Path(__file__).resolve().parent.parent
BOUND_PAGE = str(ROOT / "views" / "lower_bound.py")
LIKELIHOOD_PAGE = str(ROOT / "views" / "likelihood.py")
POINTS = np.array([1.0, 4.0, 5.0, 6.0, 9.0])


def _run(page, **query):
    at = AppTest.from_file(page, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = str(value)
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _charts(at):
    return at.get("plotly_chart")


# ----------------------------------------------------------------------------- lower bound
@pytest.fixture(scope="module")
def textbook_table():
    X, _ = textbook()
    return bound_table(gmmviz.fit_gmm(X, 3, init="notes-b", tol=1e-4, reg_covar=1e-6))


def test_bound_default(textbook_table):
    at = _run(BOUND_PAGE)
    assert len(_charts(at)) == 1
    assert not at.error and not at.warning
    row = textbook_table.iloc[4]  # default half-step: M2
    assert at.select_slider(key="half").value == 4
    assert any(s.value.startswith("M-step 2") and f"{row['kl']:.4g}" in s.value
               for s in at.success)
    assert _metric(at, "log p(X | θ)") == f"{row['log_p']:.3f}"
    assert _metric(at, "L(q, θ)") == f"{row['elbo']:.3f}"
    assert _metric(at, "KL gap") == f"{row['kl']:.4g}"
    qp = at.query_params
    assert qp["half"] == "4" and qp["init"] == "notes-b" and qp["zoom"] == "near"
    # The table of numbers has one row per half-step.
    assert len(at.dataframe[0].value) == len(textbook_table)
    # The way back to the explorer carries the same run.
    link = " ".join(m.value for m in at.markdown)
    assert "Open this run in the explorer" in link and "init=notes-b" in link


def test_bound_half_step_controls(textbook_table):
    at = _run(BOUND_PAGE)
    at.button(key="half_next").click().run()
    assert not at.exception
    assert at.select_slider(key="half").value == 5
    assert any(i.value.startswith("E-step 3") and "KL = 0" in i.value for i in at.info)
    assert _metric(at, "KL gap") == "0"
    at.button(key="half_prev").click().run()
    at.button(key="half_prev").click().run()
    assert at.select_slider(key="half").value == 3
    at.select_slider(key="half").set_value(0).run()
    assert not at.exception
    assert any(i.value.startswith("Start") for i in at.info)
    at.radio(key="zoom").set_value("all").run()
    assert not at.exception
    assert at.query_params["zoom"] == "all"


@pytest.mark.parametrize(("key", "kind", "value"), [
    ("data", "selectbox", "blobs"),
    ("seed", "number_input", 3),
    ("k", "slider", 2),
    ("init", "selectbox", "random"),
    ("cov", "selectbox", "diag"),
    ("iters", "number_input", 3),
    ("tol", "number_input", 0.0),
    ("reg", "number_input", 0.0),
])
def test_bound_each_control(key, kind, value):
    at = _run(BOUND_PAGE)
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, at.exception
    assert not at.error
    assert len(_charts(at)) == 1
    assert at.query_params[key] == EXPLORER[key].encode(value)


def test_bound_number_of_points_control():
    at = _run(BOUND_PAGE, data="blobs", n=200)
    at.number_input(key="n").set_value(120).run()
    assert not at.exception and not at.error
    assert "120 points" in " ".join(c.value for c in at.caption)


def test_bound_url_restores_the_run():
    at = _run(BOUND_PAGE, data="blobs", n=150, seed=4, k=2, init="random", cov="spherical",
              iters=5, tol=0, reg=0, half=6, zoom="all")
    assert not at.warning
    assert at.selectbox(key="data").value == "blobs"
    assert at.slider(key="k").value == 2
    assert at.selectbox(key="cov").value == "spherical"
    assert at.select_slider(key="half").value == 6
    assert at.radio(key="zoom").value == "all"
    X, _ = gmmviz.datasets.make("blobs", n_samples=150, random_state=4)
    run = gmmviz.fit_gmm(X, 2, init="random", covariance_type="spherical", max_iter=5, tol=0,
                         reg_covar=0, random_state=4)
    row = bound_table(run).iloc[6]
    assert _metric(at, "log p(X | θ)") == f"{row['log_p']:.3f}"
    assert len(at.dataframe[0].value) == 11


def test_bound_half_step_beyond_the_run_is_clamped():
    at = _run(BOUND_PAGE, iters=2, half=40)
    assert at.select_slider(key="half").value == 4


@pytest.mark.parametrize(("param", "value"), [("half", "abc"), ("k", "99"), ("zoom", "wide"),
                                              ("init", "nonsense")])
def test_bound_invalid_url_value_warns(param, value):
    at = _run(BOUND_PAGE, **{param: value})
    assert any(param in w.value for w in at.warning)
    assert len(_charts(at)) == 1


def test_bound_upload_without_file():
    at = _run(BOUND_PAGE, data="upload")
    assert not _charts(at)
    assert any("Choose data" in i.value or "Upload" in i.value for i in at.info)


# ----------------------------------------------------------------------------- likelihood
def test_likelihood_default():
    at = _run(LIKELIHOOD_PAGE)
    assert len(_charts(at)) == 3
    assert not at.warning and not at.error
    assert at.slider(key="w").value == 0.5
    assert _metric(at, "L(w)") == f"{0.5 ** 4:.4f}"
    assert _metric(at, "log-likelihood") == f"{stats.norm.logpdf(POINTS, 3.0, 1.5).sum():.3f}"


def test_likelihood_w_slider():
    at = _run(LIKELIHOOD_PAGE)
    at.slider(key="w").set_value(0.25).run()
    assert not at.exception
    assert _metric(at, "L(w)") == f"{0.75 ** 3 * 0.25:.4f}"
    assert _metric(at, "log L(w)") == f"{np.log(0.75 ** 3 * 0.25):.3f}"
    assert at.query_params["w"] == "0.25"
    at.slider(key="w").set_value(0.0).run()
    assert not at.exception
    assert _metric(at, "log L(w)") == "−∞"


@pytest.mark.parametrize(("key", "value"), [("mu", 6.5), ("sigma", 0.8)])
def test_likelihood_gaussian_sliders(key, value):
    at = _run(LIKELIHOOD_PAGE)
    at.slider(key=key).set_value(value).run()
    assert not at.exception
    mu = value if key == "mu" else 3.0
    sigma = value if key == "sigma" else 1.5
    assert _metric(at, "log-likelihood") == f"{stats.norm.logpdf(POINTS, mu, sigma).sum():.3f}"
    assert _metric(at, "likelihood") == f"{np.prod(stats.norm.pdf(POINTS, mu, sigma)):.3g}"


def test_likelihood_mle_button():
    at = _run(LIKELIHOOD_PAGE)
    at.button(key="mle").click().run()
    assert not at.exception
    assert at.slider(key="mu").value == pytest.approx(5.0)
    # sigma = sqrt(mean((x - 5)^2)) = sqrt(34 / 5), the biased standard deviation
    assert at.slider(key="sigma").value == pytest.approx(np.std(POINTS, ddof=0))
    assert at.slider(key="sigma").value == pytest.approx(2.6077, abs=1e-4)
    assert at.query_params["mu"] == "5"
    assert float(at.query_params["sigma"]) == pytest.approx(np.sqrt(6.8), abs=1e-5)
    best = stats.norm.logpdf(POINTS, 5.0, np.sqrt(6.8)).sum()
    assert _metric(at, "log-likelihood") == f"{best:.3f}"


def test_likelihood_url_restores_state():
    at = _run(LIKELIHOOD_PAGE, w=0.3, mu=4.5, sigma=2.25)
    assert not at.warning
    assert at.slider(key="w").value == pytest.approx(0.3)
    assert at.slider(key="mu").value == pytest.approx(4.5)
    assert at.slider(key="sigma").value == pytest.approx(2.25)


@pytest.mark.parametrize(("param", "value", "default"), [
    ("sigma", "-1", 1.5), ("sigma", "0", 1.5), ("w", "abc", 0.5), ("w", "1.5", 0.5),
    ("mu", "nan", 3.0),
])
def test_likelihood_invalid_url_value_warns(param, value, default):
    at = _run(LIKELIHOOD_PAGE, **{param: value})
    assert any(param in w.value for w in at.warning)
    assert at.slider(key=param).value == pytest.approx(default)
    assert len(_charts(at)) == 3


def test_bound_every_initialization_at_the_start():
    at = _run(BOUND_PAGE, half=0, iters=3)
    for init in EXPLORER["init"].choices:
        at.selectbox(key="init").set_value(init).run()
        assert not at.exception, (init, at.exception)
        assert not at.error, (init, [e.value for e in at.error])
        sentences = [i.value for i in at.info] + [s.value for s in at.success]
        assert any(s.startswith("Start") for s in sentences), init
    # A start that brings its own responsibilities begins with a gap below log p.
    at.selectbox(key="init").set_value("random-resp").run()
    start = next(i.value for i in at.info if i.value.startswith("Start"))
    assert "below log p" in start
