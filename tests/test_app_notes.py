"""AppTest of the notes' pages: each shows the library's numbers, every control is in the URL,
a link restores it, and a bad link value is named in a warning."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import adjusted_rand_score
from streamlit.testing.v1 import AppTest

import gmmviz
from gmmviz.bound_curve import bound_climb_curves
from gmmviz.derivation import m_step_derivation
from gmmviz.divergence import jensen_log, kl_discrete, kl_gaussian
from gmmviz.gaussian import covariance_shape, sample_mixture, textbook_mixture
from gmmviz.hard_em import compare_hard_soft, fit_hard_em
from gmmviz.supervised import labels_or_none
from tests._apptest import (
    APP,
    TIMEOUT,
    assert_ok,
    chart_spec,
    charts,
    metric,
    open_app,
    page_path,
    query,
    set_widget,
    table,
    text,
)

NOTES_PAGES = ("supervised", "gaussian", "hard_em", "latent", "mstep", "jensen", "kl",
               "bound_curve", "five_points")
#: What each page reads from its URL (and writes back: checked below).
SCHEMA_OF = {
    "supervised": ["data", "n", "seed", "init", "cov"],
    "gaussian": ["m0", "m1", "s00", "s11", "s01", "cut", "at"],
    "hard_em": ["data", "n", "seed", "k", "init", "cov", "iters", "tol", "reg", "step"],
    "latent": ["seed", "draws", "shown", "w1", "w2", "w3", "line"],
    "mstep": ["data", "n", "seed", "k", "init", "cov", "iters", "tol", "reg", "it"],
    "jensen": ["x1", "x2", "x3", "a1", "a2", "a3"],
    "kl": ["mp", "sp", "mq", "sq", "p1", "p2", "p3", "p4", "q1", "q2", "q3", "q4"],
    "bound_curve": ["data", "n", "seed", "k", "init", "cov", "iters", "tol", "reg", "it",
                    "comp", "coord", "climb"],
    "five_points": ["mo", "so", "mb", "sb"],
}
X_TEXTBOOK, Y_TEXTBOOK = gmmviz.datasets.textbook()


def _metrics(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def _default_run(**changed) -> gmmviz.GMMRun:
    """The run the sidebar's defaults ask for: the textbook, k = 3, textbook B."""
    kwargs = dict(init="textbook-b", covariance_type="full", max_iter=100, tol=1e-4,
                  reg_covar=1e-6, random_state=0) | changed
    return gmmviz.fit_gmm(X_TEXTBOOK, 3, **kwargs)


# ----------------------------------------------------------------------------- every page
@pytest.mark.parametrize("page", NOTES_PAGES)
def test_page_opens_with_its_figure_and_writes_its_url(page):
    at = open_app(page_path(page), runs=2)
    assert_ok(at, error=True)
    assert not at.warning, text(at.warning)
    assert charts(at)
    assert sorted(query(at)) == sorted([*SCHEMA_OF[page], "present", "lang"])  # every page


@pytest.mark.parametrize("page", NOTES_PAGES)
def test_page_is_in_the_apps_navigation(page):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert_ok(at)
    assert charts(at)


HOSTILE = ("nan", "1e309", "<b>x</b>", "-", "1e-400x")


@pytest.mark.parametrize("round_", range(len(HOSTILE)))
@pytest.mark.parametrize("page", NOTES_PAGES)
def test_every_parameter_hostile_at_once(page, round_):
    names = sorted({name for p in NOTES_PAGES for name in SCHEMA_OF[p]})
    q = {name: HOSTILE[(round_ + j) % len(HOSTILE)] for j, name in enumerate(names)}
    at = open_app(page_path(page), q)
    shown = text(at.warning)
    at.run()  # as the browser asks once the figure has drawn
    assert_ok(at)
    assert "not used" in shown
    for name in SCHEMA_OF[page]:
        assert f"{name}=" in shown, (name, shown)
    assert charts(at)


# ----------------------------------------------------------------------------- the Gaussian
def test_gaussian_shows_its_covariance():
    at = open_app(page_path("gaussian"))
    shape = covariance_shape([[2.0, 0.8], [0.8, 1.0]])
    assert metric(at, "det Σ") == f"{shape.det:.3f}"
    assert metric(at, "tilt") == f"{shape.angle:+.0f}°"
    set_widget(at, "slider", "s01", -0.5)
    assert metric(at, "tilt").startswith("-")
    assert query(at)["s01"] == "-0.5"


def test_gaussian_keeps_sigma_positive_definite_and_says_why():
    at = open_app(page_path("gaussian"))
    set_widget(at, "slider", "s01", 3.0)
    warning = text(at.warning)
    assert "not positive definite" in warning and "√(Σ₀₀ Σ₁₁) = 1.41" in warning
    assert f"Drawn with Σ₀₁ = {0.95 * np.sqrt(2.0):.2f}" in warning
    assert metric(at, "det Σ") == f"{2.0 - (0.95 * np.sqrt(2.0)) ** 2:.3f}"
    assert query(at)["s01"] == "3"
    set_widget(at, "slider", "s00", 4.0)  # still not: 3² > 4 · 1
    assert "not positive definite" in text(at.warning)
    set_widget(at, "slider", "s11", 3.0)  # 9 < 12
    assert not at.warning


def test_gaussian_slice_follows_its_controls():
    at = open_app(page_path("gaussian"), {"m0": 1, "m1": -1, "s00": 1.5, "s11": 2, "s01": -0.6,
                                          "cut": "x0", "at": 2})
    assert not at.warning
    assert at.slider(key="m0").value == 1 and at.radio(key="cut").value == "x0"
    spec = chart_spec(at, "gaussian_figure")
    curve = next(t for t in spec["data"] if t.get("name") == "density along the slice")
    cov = [[1.5, -0.6], [-0.6, 2.0]]
    t = _array(curve["x"])
    pts = np.column_stack([np.full_like(t, 2.0), t])  # the line x0 = 2
    np.testing.assert_allclose(_array(curve["y"]),
                               stats.multivariate_normal([1, -1], cov).pdf(pts), rtol=1e-9)


def _array(a) -> np.ndarray:
    """A Plotly data array, plain or as a base64 typed array."""
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"])
    return np.asarray(a, dtype=float)


# ----------------------------------------------------------------------------- labels or none
def test_supervised_default_numbers():
    at = open_app(page_path("supervised"))
    r = labels_or_none(X_TEXTBOOK, Y_TEXTBOOK, _default_run())
    assert _metrics(at, "adjusted Rand") == [f"{r.ari_classifier:.3f}", f"{r.ari_mixture:.3f}"]
    assert _metrics(at, "accuracy") == [f"{r.accuracy_classifier:.1%}",
                                        f"{r.accuracy_mixture:.1%}"]
    assert metric(at, "ln p(X, Z | θ)") == f"{r.log_lik_classes:.2f}"
    assert metric(at, "ln p(X | θ)") == f"{r.log_lik_mixture:.2f}"


def test_supervised_other_data_uses_its_number_of_classes():
    at = open_app(page_path("supervised"))
    set_widget(at, "selectbox", "data", "moons")
    assert "2 classes: the mixture starts from k-means" in text(at.caption)
    set_widget(at, "selectbox", "init", "kmeans")
    assert "starts from k-means" not in text(at.caption)
    assert query(at)["data"] == "moons" and query(at)["init"] == "kmeans"
    X, y = gmmviz.datasets.make("moons", n_samples=500, random_state=0)
    run = gmmviz.fit_gmm(X, 2, init="kmeans", random_state=0)
    assert _metrics(at, "adjusted Rand")[1] == f"{adjusted_rand_score(y, run.labels_):.3f}"


# ----------------------------------------------------------------------------- hard EM
def test_hard_em_shows_where_they_differ():
    at = open_app(page_path("hard_em"))
    run = _default_run()
    hard = fit_hard_em(X_TEXTBOOK, 3, init="textbook-b", reg_covar=1e-6, random_state=0)
    c = compare_hard_soft(hard, run)
    assert metric(at, "points they end on differently") == str(c.n_differ)
    assert metric(at, "NLL, hard EM's end") == f"{c.nll_hard:.3f}"
    assert metric(at, "NLL, soft EM's end") == f"{c.nll_soft:.3f}"
    if c.n_differ:  # the points they end on differently, by number
        first = ", ".join(str(int(i)) for i in np.flatnonzero(c.differ)[:3])
        assert f"Points {first}" in " ".join(x.value for x in at.caption)
    n = max(len(hard.steps), len(run.steps))
    # both runs in one player, at their end, hard EM first
    spec = chart_spec(at, "hard_em_player")
    assert spec["step"] == n - 1 and len(spec["labels"]) == n
    assert [p["title"] for p in spec["panels"]] == ["hard EM: label, refit",
                                                     "soft EM: γ, then π, μ, Σ"]
    np.testing.assert_allclose(spec["chart"]["series"][0]["y"], hard.nll)
    np.testing.assert_allclose(spec["chart"]["series"][1]["y"], run.nll)
    # hard EM's colours are its labels: one pure component colour per point
    codes = np.frombuffer(base64.b64decode(spec["panels"][0]["codes"][-1]), dtype=np.uint8)
    rgb = np.array(spec["panels"][0]["rgb"])[codes]
    palette = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
               for c in spec["panels"][0]["colors"]}
    assert {tuple(v) for v in rgb} <= palette
    # the player settles on a half-step: the URL follows
    at.session_state["hard_em_player_step"] = 1
    at.run()
    assert query(at)["step"] == "1" and chart_spec(at, "hard_em_player")["step"] == 1
    assert "E-step 1" in chart_spec(at, "hard_em_player")["html"][1]


def test_hard_em_follows_the_sidebar():
    at = open_app(page_path("hard_em"), {"data": "blobs", "n": 300, "k": 4, "init": "random",
                                         "seed": 2})
    assert_ok(at, error=True)
    X, _ = gmmviz.datasets.make("blobs", n_samples=300, random_state=2)
    run = gmmviz.fit_gmm(X, 4, init="random", random_state=2)
    hard = fit_hard_em(X, 4, init="random", random_state=2)
    assert metric(at, "points they end on differently") == str(
        compare_hard_soft(hard, run).n_differ)


# ----------------------------------------------------------------------------- z, then x
def test_latent_tells_the_last_draw():
    at = open_app(page_path("latent"))
    w, m, c = textbook_mixture()
    s = sample_mixture(w, m, c, 200, random_state=0)
    shown = text(at.success)
    assert f"Draw 1: u = {s.u[0]:.3f}" in shown and f"z_{s.z[0] + 1} = 1" in shown
    at.button(key="shown_next").click().run()
    assert f"Draw 2: u = {s.u[1]:.3f}" in text(at.success)
    at.button(key="all").click().run()
    assert query(at)["shown"] == "200"
    shares = s.shares(3)
    assert [mm.value for mm in at.metric] == [f"{v:.0%} of 200" for v in shares]


def test_latent_weights_are_normalised_and_move_the_picks():
    at = open_app(page_path("latent"), {"w1": 1.0, "w2": 0.5, "w3": 0.5, "shown": 100})
    assert "π = (0.50, 0.25, 0.25)" in text(at.caption)
    s = sample_mixture([0.5, 0.25, 0.25], *textbook_mixture()[1:], 200, random_state=0)
    assert at.metric[0].value == f"{s.shares(3, 100)[0]:.0%} of 100"
    set_widget(at, "slider", "line", 1.0)
    assert query(at)["line"] == "1"


# ----------------------------------------------------------------------------- the M-step
def test_mstep_shows_this_steps_numbers():
    at = open_app(page_path("mstep"))
    run = _default_run()
    d = m_step_derivation(X_TEXTBOOK, *(getattr(run.steps[0], a) for a in (
        "weights", "means", "covariances")))
    frame = table(at, "N_k")
    np.testing.assert_allclose(frame["N_k"], d.nk, rtol=1e-12)
    np.testing.assert_allclose(frame["π_k = N_k / N"], d.nk / 100, rtol=1e-12)
    assert any(r"\lambda = -N = -100" in tex.value for tex in at.latex)
    set_widget(at, "select_slider", "it", 3)
    assert query(at)["it"] == "3"
    d3 = m_step_derivation(X_TEXTBOOK, *(getattr(run.steps[4], a) for a in (
        "weights", "means", "covariances")))
    np.testing.assert_allclose(table(at, "N_k")["N_k"], d3.nk, rtol=1e-12)


# ----------------------------------------------------------------------------- Jensen and KL
def test_jensen_numbers_follow_the_sliders():
    at = open_app(page_path("jensen"))
    j = jensen_log([1.0, 4.0, 8.0], [0.25, 0.25, 0.5])
    assert metric(at, "the gap") == f"{j.gap:.4f}"
    set_widget(at, "slider", "x2", 9.0)
    j = jensen_log([1.0, 9.0, 8.0], [0.25, 0.25, 0.5])
    assert metric(at, "ln(Σ aᵢ xᵢ)") == f"{j.log_of_mean:.4f}"
    assert metric(at, "Σ aᵢ ln xᵢ") == f"{j.mean_of_log:.4f}"
    assert query(at)["x2"] == "9"


def test_jensen_without_weights_says_why():
    at = open_app(page_path("jensen"), {"a1": 0, "a2": 0, "a3": 0})
    assert "at least one above 0" in text(at.warning)
    assert charts(at)


def test_kl_both_directions():
    at = open_app(page_path("kl"))
    assert _metrics(at, "KL(p ‖ q)")[0] == f"{kl_gaussian(0, 1, 1, 2):.4f}"
    assert _metrics(at, "KL(q ‖ p)")[0] == f"{kl_gaussian(1, 2, 0, 1):.4f}"
    p, q = [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]
    assert _metrics(at, "KL(p ‖ q)")[1] == f"{stats.entropy(p, q):.4f}"
    assert _metrics(at, "KL(q ‖ p)")[1] == f"{stats.entropy(q, p):.4f}"
    set_widget(at, "slider", "sq", 1.0)
    assert _metrics(at, "KL(p ‖ q)")[0] == f"{kl_gaussian(0, 1, 1, 1):.4f}"
    assert metric(at, "asymmetry") == "+0.0000"  # equal spreads: symmetric
    set_widget(at, "slider", "p1", 0.0)
    p0 = np.array([0.0, 0.2, 0.3, 0.4]) / 0.9
    assert _metrics(at, "KL(p ‖ q)")[1] == f"{kl_discrete(p0, q):.4f}"
    assert query(at)["p1"] == "0"


# ----------------------------------------------------------------------------- the bound's curve
def test_bound_curve_default_is_the_first_m_step_of_mu_1():
    at = open_app(page_path("bound_curve"))
    s = _default_run().steps[0]
    c = bound_climb_curves(X_TEXTBOOK, s.weights, s.means, s.covariances, component=0,
                           axis=0, n_steps=0)[0]
    shown = text(at.success)
    assert f"L touches ln p = {c.log_p_at:.4f}" in shown
    assert f"the bound's top is at {c.best:.4f}" in shown
    frame = at.dataframe[0].value
    assert list(frame.iloc[:, 0]) == ["Σ_Z q ln p(X, Z | θ)", "H(q) = −Σ_Z q ln q",
                                      "L(q, θ) = their sum", "ln p(X | θ)",
                                      "KL(q ‖ p(Z | X, θ)) = ln p − L"]
    assert frame.iloc[4, 1] == pytest.approx(0.0, abs=1e-9)  # touching: KL = 0 at theta_old
    assert frame.iloc[2, 2] == pytest.approx(c.elbo_best)


def test_bound_curve_controls():
    at = open_app(page_path("bound_curve"))
    set_widget(at, "selectbox", "comp", 3)
    set_widget(at, "radio", "coord", "x2")
    set_widget(at, "slider", "climb", 3)
    set_widget(at, "select_slider", "it", 2)
    assert {k: query(at)[k] for k in ("comp", "coord", "climb", "it")} == {
        "comp": "3", "coord": "x2", "climb": "3", "it": "2"}
    s = _default_run().steps[4]
    curves = bound_climb_curves(X_TEXTBOOK, s.weights, s.means, s.covariances, component=2,
                                axis=1, n_steps=3)
    assert f"After 3 more E- and M-steps along this coordinate: ln p = " \
           f"{curves[-1].log_p_best:.4f}" in text(at.success)


# ----------------------------------------------------------------------------- five points
def test_five_points_likelihoods_and_labellings():
    at = open_app(page_path("five_points"))
    shown = " ".join(m.value for m in at.markdown)
    assert "orange **-12.310**, blue **-22.310**" in shown
    assert "**BOOOO**" in shown
    assert "O(1) / (O(1) + O(4) + O(5) + O(6) + O(9))" in text(at.info)
    frame = table(at, "O(x): the density")
    np.testing.assert_allclose(frame["O(x): the density"], stats.norm(5, 2).pdf(
        [1, 4, 5, 6, 9]), rtol=1e-12)
    np.testing.assert_allclose(frame["O(x) / Σ O: the notes' share"].sum(), 1.0)
    at.button(key="orange_best").click().run()
    assert query(at)["mo"] == "5" and query(at)["so"].startswith("2.607")
    assert "orange **-11.887**" in " ".join(m.value for m in at.markdown)
    at.button(key="notes_values").click().run()
    assert query(at)["mo"] == "5" and query(at)["so"] == "2"
    set_widget(at, "slider", "mb", 5.0)
    set_widget(at, "slider", "sb", 3.0)  # nearer the best sigma, 2.61, than orange's 2
    blue = stats.norm(5, 3).logpdf([1, 4, 5, 6, 9]).sum()
    assert f"blue **{blue:.3f}**: the **blue** Gaussian" in " ".join(
        m.value for m in at.markdown)


@pytest.mark.parametrize(("page", "param", "value"), [
    ("gaussian", "s00", "-1"), ("gaussian", "cut", "diagonal"), ("latent", "shown", "x"),
    ("jensen", "x1", "0"), ("kl", "sp", "0"), ("bound_curve", "coord", "x3"),
    ("five_points", "so", "nan"), ("hard_em", "step", "-2"), ("mstep", "it", "0"),
    ("supervised", "data", "upload"),
])
def test_a_bad_link_value_is_named(page, param, value):
    at = open_app(page_path(page), {param: value})
    assert f"{param}=" in text(at.warning)
    assert charts(at)


@pytest.mark.parametrize("scale", [1e140, 1e200, 1e-140, 1e-200])
@pytest.mark.parametrize("page", ["hard_em", "mstep", "bound_curve"])
def test_an_upload_of_extreme_magnitude_draws_or_says_why(page, scale):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(40, 2)) - 3, rng.normal(size=(40, 2)) + 3]) * scale
    csv = "x,y\n" + "\n".join(f"{a:.17g},{b:.17g}" for a, b in X)
    at = open_app(page_path(page), {"data": "upload", "k": 2, "init": "kmeans"})
    at.file_uploader(key="upload").set_value(("points.csv", csv.encode(), "text/csv")).run()
    assert_ok(at)
    assert charts(at) or at.error
    if scale == 1e140:  # within what a fit holds: the page draws
        assert charts(at), text(at.error)
