"""The lower-bound table: log p = L + KL at every half-step, checked against scipy."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

import gmmviz
from gmmviz import InputError
from gmmviz.bound import BOUND_COLUMNS, bound_table, describe_step
from gmmviz.datasets import make, textbook


def _runs():
    X, _ = textbook()
    yield "textbook textbook-b", gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0)
    yield "textbook random_resp", gmmviz.fit_gmm(X, 3, init="random_resp", reg_covar=0,
                                                 random_state=1, max_iter=30)
    Xb, _ = make("anisotropic", n_samples=200, random_state=2)
    for cov in ("diag", "spherical", "tied"):
        yield f"anisotropic {cov}", gmmviz.fit_gmm(Xb, 3, covariance_type=cov, init="random",
                                                   reg_covar=0, random_state=3, max_iter=30)


RUNS = dict(_runs())


@pytest.fixture(params=list(RUNS))
def run(request):
    return RUNS[request.param]


def _joint_log_prob(X, step):
    """log pi_k + log N(x_n | mu_k, Sigma_k), shape (N, K), from scipy."""
    return np.column_stack([
        np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
        for w, m, c in zip(step.weights, step.means, step.covariances, strict=True)
    ])


def test_columns_and_rows(run):
    table = bound_table(run)
    assert tuple(table.columns) == BOUND_COLUMNS
    assert len(table) == len(run.steps)
    assert list(table["kind"]) == [s.kind for s in run.steps]
    assert table.loc[0, "kind"] == "init"
    assert np.isnan(table.loc[0, "d_log_p"])
    np.testing.assert_allclose(table["d_elbo"].iloc[1:], np.diff(table["elbo"]))


def test_log_p_is_bound_plus_gap(run):
    table = bound_table(run)
    np.testing.assert_allclose(table["log_p"], table["elbo"] + table["kl"], rtol=1e-9, atol=0)
    assert (table["kl"] >= 0).all()
    assert (table["elbo"] <= table["log_p"] + 1e-9 * table["log_p"].abs()).all()


def test_e_step_closes_the_gap(run):
    table = bound_table(run)
    e = table[table["kind"] == "E"]
    assert len(e) > 0
    assert (e["kl"] == 0).all()
    np.testing.assert_array_equal(e["elbo"], e["log_p"])


def test_m_step_raises_the_bound_and_log_p_never_falls(run):
    table = bound_table(run)
    tol = 1e-9 * table["log_p"].abs().max()
    m = table[table["kind"] == "M"]
    assert (m["d_elbo"] >= -tol).all()
    assert (table["d_log_p"].iloc[1:] >= -tol).all()
    # Some M-step opens a real gap (otherwise the chart would have nothing to show).
    assert m["kl"].max() > 1e-6


def test_log_p_elbo_kl_match_scipy(run):
    """Independent recomputation from step.resp and scipy.stats.multivariate_normal."""
    X = run.X
    table = bound_table(run)
    picks = sorted({1, 2, 3, 4, len(run.steps) - 1} & set(range(len(run.steps))))
    for i in picks:
        step = run.steps[i]
        q = step.resp
        if q is None:
            continue
        jl = _joint_log_prob(X, step)
        log_px = logsumexp(jl, axis=1)
        # L(q, theta) = sum_nk q_nk [log pi_k + log N(x_n|mu_k,Sigma_k) - log q_nk]
        with np.errstate(divide="ignore", invalid="ignore"):
            elbo = float(np.sum(np.where(q > 0, q * (jl - np.log(q)), 0.0)))
            post = jl - log_px[:, None]
            kl = float(np.sum(np.where(q > 0, q * (np.log(q) - post), 0.0)))
        scale = abs(log_px.sum())
        assert table.loc[i, "log_p"] == pytest.approx(log_px.sum(), rel=1e-9)
        assert table.loc[i, "elbo"] == pytest.approx(elbo, rel=1e-9)
        assert table.loc[i, "kl"] == pytest.approx(kl, abs=1e-8 * scale)


def test_textbook_numbers():
    table = bound_table(RUNS["textbook textbook-b"])
    assert -table.loc[0, "log_p"] == pytest.approx(426.22, abs=0.01)


def test_describe_step_sentences():
    table = bound_table(RUNS["textbook textbook-b"])
    assert describe_step(table, 0).startswith("Start")
    e, m = describe_step(table, 3), describe_step(table, 4)
    assert "E-step 2" in e and "KL = 0" in e and f"{table.loc[3, 'log_p']:.4f}" in e
    assert "M-step 2" in m and f"{table.loc[4, 'kl']:.4g}" in m
    assert f"{table.loc[4, 'd_log_p']:.4g}" in m
    with pytest.raises(InputError):
        describe_step(table, len(table))


def test_bad_run():
    with pytest.raises(InputError):
        bound_table(object())


def test_bound_figure_stacks_gap_on_bound_up_to_log_p():
    from gmmviz.figures import bound_figure

    run = RUNS["textbook textbook-b"]
    table = bound_table(run)
    fig = bound_figure(run, current=4, window=(3, 8))
    bound_bar, gap_bar, line = fig.data[0], fig.data[1], fig.data[2]

    def arr(v):
        return np.asarray(v, dtype=float)

    log_p = table["log_p"].to_numpy(dtype=float)[3:9]
    elbo = table["elbo"].to_numpy(dtype=float)[3:9]
    np.testing.assert_array_equal(arr(bound_bar.x), np.arange(3, 9))
    np.testing.assert_allclose(arr(gap_bar.base) + arr(gap_bar.y), log_p, rtol=1e-12)
    np.testing.assert_allclose(arr(bound_bar.base) + arr(bound_bar.y), elbo, rtol=1e-12)
    np.testing.assert_allclose(arr(line.y), log_p)
    # The log-scale panel shows only the positive gaps (after M-steps).
    kl_trace = fig.data[3]
    assert set(kl_trace.x) == {4, 6, 8}
    assert fig.layout.yaxis2.type == "log"
    assert any(s.x0 == 3.5 and s.x1 == 4.5 for s in fig.layout.shapes)
