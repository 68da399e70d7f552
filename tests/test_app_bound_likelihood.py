"""AppTest of the pages "Why EM climbs" (lower bound) and "Likelihood from scratch"."""

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

import gmmviz
from gmmviz.bound import bound_table
from gmmviz.datasets import textbook
from tests._apptest import (
    array_length,
    chart_spec,
    charts,
    metric,
    open_app,
    page_path,
    player_spec,
    players,
    set_widget,
)
from views._urlstate import EXPLORER

BOUND_PAGE = page_path("lower_bound")
LIKELIHOOD_PAGE = page_path("likelihood")
POINTS = np.array([1.0, 4.0, 5.0, 6.0, 9.0])


def _bound_run(**changed: object) -> gmmviz.GMMRun:
    """The run the lower-bound page draws, fitted here from the explorer's defaults with
    ``changed`` (a fixed start falls back to k-means when k is not 3)."""
    p = {name: param.default for name, param in EXPLORER.items()} | changed
    X, _ = gmmviz.datasets.make(p["data"], n_samples=p["n"], random_state=p["seed"])
    init = "kmeans" if p["init"] in gmmviz.NOTES_STARTS and p["k"] != 3 else p["init"]
    return gmmviz.fit_gmm(X, p["k"], init=init, covariance_type=p["cov"], max_iter=p["iters"],
                          tol=p["tol"], reg_covar=p["reg"], random_state=p["seed"])


# ----------------------------------------------------------------------------- lower bound
@pytest.fixture(scope="module")
def textbook_table():
    X, _ = textbook()
    return bound_table(gmmviz.fit_gmm(X, 3, init="textbook-b", tol=1e-4, reg_covar=1e-6))


def _half(at) -> int:
    """The half-step the page shows (the player's, kept under "half" for the URL)."""
    return at.session_state["half"]


def _step_to(at, half: int):
    """Settle the player on ``half``, as its report after the user's steps does."""
    at.session_state["bound_player_step"] = half
    return at.run()


def test_bound_default(textbook_table):
    at = open_app(BOUND_PAGE)
    assert len(at.get("plotly_chart")) == 1 and len(players(at)) == 1
    assert not at.error and not at.warning
    row = textbook_table.iloc[4]  # default half-step: M2
    assert _half(at) == 4
    spec = player_spec(at)
    assert spec["step"] == 4 and len(spec["html"]) == len(textbook_table)
    # the step panel of every half-step says log p = L + KL with its numbers
    for i in (0, 3, 4):
        r = textbook_table.iloc[i]
        assert f"{r['log_p']:.4f}".lstrip("-") in spec["html"][i]
        assert f"{r['elbo']:.4f}".lstrip("-") in spec["html"][i]
    assert np.allclose(spec["chart"]["series"][0]["y"], textbook_table["log_p"])
    assert np.allclose(spec["chart"]["series"][1]["y"], textbook_table["elbo"])
    assert any(s.value.startswith("M-step 2") and f"{row['kl']:.4g}" in s.value
               for s in at.success)
    assert metric(at, "log p(X | θ)") == f"{row['log_p']:,.3f}"
    assert metric(at, "L(q, θ)") == f"{row['elbo']:,.3f}"
    assert metric(at, "KL gap") == f"{row['kl']:.4g}"
    qp = at.query_params
    assert qp["half"] == "4" and qp["init"] == "textbook-b" and qp["zoom"] == "near"
    # The table of numbers has one row per half-step.
    assert len(at.dataframe[0].value) == len(textbook_table)
    # The way back to the explorer carries the same run.
    link = " ".join(m.value for m in at.markdown)
    assert "Open this run in the explorer" in link and "init=textbook-b" in link


def test_bound_table_shows_a_dash_where_the_start_has_no_change(textbook_table):
    at = open_app(BOUND_PAGE)
    # the text every cell shows (the Styler's display values), as the browser draws it
    shown = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.styler.display_values) \
        .read_all().to_pandas()
    assert shown.loc[0, ["d_log_p", "d_elbo", "d_kl"]].tolist() == ["—", "—", "—"]
    assert not shown.isin(["None", "nan", "NaN", "<NA>"]).any().any()
    assert shown.loc[2, "log_p"] == f"{textbook_table.loc[2, 'log_p']:,.6f}"
    assert shown.loc[2, "d_log_p"] == f"{textbook_table.loc[2, 'd_log_p']:+.3e}"


def test_bound_half_step_controls(textbook_table):
    at = open_app(BOUND_PAGE)
    _step_to(at, 5)
    assert not at.exception
    assert _half(at) == 5 and at.query_params["half"] == "5"
    assert any(i.value.startswith("E-step 3") and "KL = 0" in i.value for i in at.info)
    assert metric(at, "KL gap") == "0"
    _step_to(at, 3)
    assert _half(at) == 3
    _step_to(at, 0)
    assert not at.exception
    assert any(i.value.startswith("Start") for i in at.info)
    near = chart_spec(at)["data"][0]["x"]
    at.radio(key="zoom").set_value("all").run()
    assert not at.exception
    assert at.query_params["zoom"] == "all"
    # every half-step's bar, not only those near the one shown
    assert array_length(chart_spec(at)["data"][0]["x"]) == len(textbook_table)
    assert array_length(near) < len(textbook_table)


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
    at = open_app(BOUND_PAGE)
    set_widget(at, kind, key, value)
    assert not at.error
    assert len(charts(at)) == 2  # the player and the bound's bars
    assert at.query_params[key] == EXPLORER[key].encode(value)
    # the numbers are those of the run fit_gmm gives with this setting, at the half-step shown
    table = bound_table(_bound_run(**{key: value}))
    half = _half(at)
    assert half == min(4, len(table) - 1)
    assert metric(at, "log p(X | θ)") == f"{table.iloc[half]['log_p']:,.3f}"
    assert metric(at, "L(q, θ)") == f"{table.iloc[half]['elbo']:,.3f}"
    assert len(at.dataframe[0].value) == len(table)


def test_bound_number_of_points_control():
    at = open_app(BOUND_PAGE, dict(data="blobs", n=200))
    at.number_input(key="n").set_value(120).run()
    assert not at.exception and not at.error
    assert "120 points" in " ".join(c.value for c in at.caption)


def test_bound_url_restores_the_run():
    at = open_app(BOUND_PAGE, dict(data="blobs", n=150, seed=4, k=2, init="random",
                                   cov="spherical", iters=5, tol=0, reg=0, half=6, zoom="all"))
    assert not at.warning
    assert at.selectbox(key="data").value == "blobs"
    assert at.slider(key="k").value == 2
    assert at.selectbox(key="cov").value == "spherical"
    assert _half(at) == 6 and player_spec(at)["step"] == 6
    assert at.radio(key="zoom").value == "all"
    X, _ = gmmviz.datasets.make("blobs", n_samples=150, random_state=4)
    run = gmmviz.fit_gmm(X, 2, init="random", covariance_type="spherical", max_iter=5, tol=0,
                         reg_covar=0, random_state=4)
    row = bound_table(run).iloc[6]
    assert metric(at, "log p(X | θ)") == f"{row['log_p']:,.3f}"
    assert len(at.dataframe[0].value) == 11


def test_bound_half_step_beyond_the_run_is_clamped():
    at = open_app(BOUND_PAGE, dict(iters=2, half=40))
    assert _half(at) == 4


@pytest.mark.parametrize(("param", "value"), [("half", "abc"), ("k", "99"), ("zoom", "wide"),
                                              ("init", "nonsense")])
def test_bound_invalid_url_value_warns(param, value):
    at = open_app(BOUND_PAGE, {param: value})
    assert any(param in w.value for w in at.warning)
    assert len(charts(at)) == 2  # the player and the bound's bars


def test_bound_upload_without_file():
    at = open_app(BOUND_PAGE, dict(data="upload"))
    assert not charts(at)
    assert any("Choose data" in i.value or "Upload" in i.value for i in at.info)


# ----------------------------------------------------------------------------- likelihood
def test_likelihood_default():
    at = open_app(LIKELIHOOD_PAGE)
    assert len(charts(at)) == 3
    assert not at.warning and not at.error
    assert at.slider(key="w").value == 0.5
    assert metric(at, "L(w)") == f"{0.5 ** 4:.4f}"
    assert metric(at, "log-likelihood") == f"{stats.norm.logpdf(POINTS, 3.0, 1.5).sum():.3f}"


def test_likelihood_w_slider():
    at = open_app(LIKELIHOOD_PAGE)
    at.slider(key="w").set_value(0.25).run()
    assert not at.exception
    assert metric(at, "L(w)") == f"{0.75 ** 3 * 0.25:.4f}"
    assert metric(at, "log L(w)") == f"{np.log(0.75 ** 3 * 0.25):.3f}"
    assert at.query_params["w"] == "0.25"
    at.slider(key="w").set_value(0.0).run()
    assert not at.exception
    assert metric(at, "log L(w)") == "−∞"


@pytest.mark.parametrize(("key", "value"), [("mu", 6.5), ("sigma", 0.8)])
def test_likelihood_gaussian_sliders(key, value):
    at = open_app(LIKELIHOOD_PAGE)
    at.slider(key=key).set_value(value).run()
    assert not at.exception
    mu = value if key == "mu" else 3.0
    sigma = value if key == "sigma" else 1.5
    assert metric(at, "log-likelihood") == f"{stats.norm.logpdf(POINTS, mu, sigma).sum():.3f}"
    assert metric(at, "likelihood") == f"{np.prod(stats.norm.pdf(POINTS, mu, sigma)):.3g}"


def test_likelihood_mle_button():
    at = open_app(LIKELIHOOD_PAGE)
    at.button(key="mle").click().run()
    assert not at.exception
    assert at.slider(key="mu").value == pytest.approx(5.0)
    # sigma = sqrt(mean((x - 5)^2)) = sqrt(34 / 5), the biased standard deviation
    assert at.slider(key="sigma").value == pytest.approx(np.std(POINTS, ddof=0))
    assert at.slider(key="sigma").value == pytest.approx(2.6077, abs=1e-4)
    assert at.query_params["mu"] == "5"
    assert float(at.query_params["sigma"]) == pytest.approx(np.sqrt(6.8), abs=1e-5)
    best = stats.norm.logpdf(POINTS, 5.0, np.sqrt(6.8)).sum()
    assert metric(at, "log-likelihood") == f"{best:.3f}"


def test_likelihood_url_restores_state():
    at = open_app(LIKELIHOOD_PAGE, dict(w=0.3, mu=4.5, sigma=2.25))
    assert not at.warning
    assert at.slider(key="w").value == pytest.approx(0.3)
    assert at.slider(key="mu").value == pytest.approx(4.5)
    assert at.slider(key="sigma").value == pytest.approx(2.25)


@pytest.mark.parametrize(("param", "value", "default"), [
    ("sigma", "-1", 1.5), ("sigma", "0", 1.5), ("w", "abc", 0.5), ("w", "1.5", 0.5),
    ("mu", "nan", 3.0),
])
def test_likelihood_invalid_url_value_warns(param, value, default):
    at = open_app(LIKELIHOOD_PAGE, {param: value})
    assert any(param in w.value for w in at.warning)
    assert at.slider(key=param).value == pytest.approx(default)
    assert len(charts(at)) == 3


def test_bound_every_initialization_at_the_start():
    at = open_app(BOUND_PAGE, dict(half=0, iters=3))
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
