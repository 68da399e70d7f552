"""The step panel's content: the equation of each half-step with that step's numbers.

Each function returns an HTML fragment (text and MathML) for one recorded step; the player
shows the fragment of the step on screen. The numbers come from the run (and, for Bayes' rule,
from :func:`gmmviz.bayes_terms`): the browser only typesets them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from gmmviz._em_posterior import bayes_terms
from gmmviz.figures import _mathml as m
from gmmviz.i18n import _

PI, MU, SIGMA, GAMMA = m.mi("π"), m.mi("μ"), m.mi("Σ"), m.mi("γ")


def _k(j: int | str) -> str:
    return m.mn(j) if isinstance(j, int) else m.mi(j)


def _normal(x: str, k: str) -> str:
    """N(x | mu_k, Sigma_k)."""
    return m.row(m.mi("𝒩"), m.mo("("), x, m.mo("|"), m.sub(MU, k), m.mo(","),
                 m.sub(SIGMA, k), m.mo(")"))


def _head(kind: str, detail: str) -> str:
    return (f'<div class="gp-head"><span class="gp-kind">{html.escape(kind)}</span> '
            f'<span class="gp-detail">{html.escape(detail)}</span></div>')


def _kind_name(kind: str, iteration: int) -> str:
    """A half-step's short name, "Start", "E-step 3" or "M-step 3", in the language in use."""
    if kind == "init":
        return _("Start")
    if kind == "E":
        return _("E-step {i}").format(i=iteration)
    return _("M-step {i}").format(i=iteration)


def _swatch(color: str, j: int) -> str:
    return f'<span class="gp-swatch" style="background:{html.escape(color)}"></span>{j + 1}'


def _note(sentence: str, **markup: str) -> str:
    """A translated ``sentence`` as HTML: its words escaped, its ``{name}`` places filled with
    the (trusted) ``markup``."""
    return html.escape(sentence).format(**markup)


def _point_note(x: np.ndarray, n: int, picked: bool, why: str) -> str:
    """The note naming point ``n`` at ``x``: ``why`` the panel picked it, or that the user did."""
    who = why if picked else _("Point {n} at x = ({x}, {y}), the point you chose:")
    return (f'<p class="gp-note">{_note(who, n=f"<b>{n}</b>", x=f"{x[0]:.4g}", y=f"{x[1]:.4g}")}'
            "</p>")


def _inline(part: str) -> str:
    """A piece of MathML set in the text (a table's cell)."""
    return m.math(part, block=False)


def _rows(colors: Sequence[str], *columns: Sequence[object]) -> str:
    """One table row per component: its swatch, then its cell (markup) in every column."""
    return "".join(f"<tr><td>{_swatch(c, j)}</td>" + "".join(f"<td>{cell}</td>" for cell in cells)
                   + "</tr>" for j, (c, *cells) in enumerate(zip(colors, *columns, strict=True)))


def bayes_rule() -> str:
    """gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)."""
    n_k = m.row(m.mi("n"), m.mi("k"))
    top = m.row(m.sub(PI, m.mi("k")), _normal(m.sub(m.mi("x"), m.mi("n")), m.mi("k")))
    bottom = m.row(m.sub(m.mo("∑"), m.mi("j")), m.sub(PI, m.mi("j")),
                   _normal(m.sub(m.mi("x"), m.mi("n")), m.mi("j")))
    return m.math(m.sub(GAMMA, n_k), m.mo("="), m.frac(top, bottom))


def _sigmas(covariances: np.ndarray, colors: Sequence[str]) -> str:
    """Every component's Sigma_k, side by side, wrapping in a narrow panel."""
    return ('<div class="gp-sigmas"><b>Σ<sub>k</sub></b>' + "".join(
        f'<span class="gp-sigma">{_swatch(c, j)} {_inline(m.matrix(cov, 3))}</span>'
        for j, (c, cov) in enumerate(zip(colors, covariances, strict=True))) + "</div>")


def start_panel(step: object, source: str, colors: Sequence[str]) -> str:
    """The starting values and where they come from."""
    rows = _rows(colors, [_inline(m.num(w, 3)) for w in step.weights],
                 [_inline(m.vector(mu, 3)) for mu in step.means])
    return (_head(_("Start"), _("θ₀: the values EM starts from"))
            + f'<p class="gp-note">{html.escape(source)}</p>'
            + '<table class="gp-table"><tr><th>k</th><th>π<sub>k</sub></th><th>μ<sub>k</sub></th>'
            f"</tr>{rows}</table>" + _sigmas(step.covariances, colors)
            + f'<p class="gp-nll">NLL = {step.nll:,.2f}</p>')


def e_step_panel(step: object, X: np.ndarray, n: int, picked: bool,
                 colors: Sequence[str]) -> str:
    """Bayes' rule for point ``n`` with the numbers of this E-step.

    ``picked`` says the panel chose the point (the most uncertain one) rather than the user.
    """
    log_num, log_den, gamma = bayes_terms(X[n], step)
    den = m.num(np.exp(log_den))
    lines = [(m.coloured(m.sub(GAMMA, m.row(m.mn(n), m.mo(","), m.mn(j + 1))), colors[j]),
              m.row(m.mo("="), m.frac(m.num(np.exp(lv)), den), m.mo("="),
                    m.coloured(m.fixed(g, 3), colors[j])))
             for j, (lv, g) in enumerate(zip(log_num, gamma, strict=True))]
    return (_head(_("E-step {i}").format(i=step.iteration), _("responsibilities by Bayes' rule"))
            + bayes_rule()
            + _point_note(X[n], n, picked, _("Point {n} at x = ({x}, {y}), the most uncertain "
                                             "point at this step; click a point to choose "
                                             "another:"))
            + m.aligned(lines)
            + '<p class="gp-note">' + _note(
                _("The {k} numerators add up to the denominator {p}, so the γ add up to 1."),
                k=str(len(gamma)), p="p(x<sub>n</sub>)") + "</p>")


def m_step_panel(step: object, resp: np.ndarray, nll_before: float,
                 colors: Sequence[str]) -> str:
    """N_k, pi_k = N_k / N, mu_k and Sigma_k with this M-step's numbers, and the NLL's fall."""
    n_k = resp.sum(axis=0)  # N_k = sum_n gamma_nk
    n = resp.shape[0]
    # two tables, so that the panel stays narrow: N_k, pi_k, mu_k; then Sigma_k
    rows = _rows(colors, [_inline(m.num(nk, 4)) for nk in n_k],
                 [_inline(m.fixed(w, 3)) for w in step.weights],
                 [_inline(m.vector(mu, 3)) for mu in step.means])
    sum_n = m.sub(m.mo("∑"), m.mi("n"))
    eqs = m.math(
        '<mtable columnalign="left">'
        + "<mtr><mtd>" + m.row(m.sub(m.mi("N"), m.mi("k")), m.mo("="), sum_n,
                               m.sub(GAMMA, m.row(m.mi("n"), m.mi("k"))),
                               m.mo(","), m.mspace(),
                               m.sub(PI, m.mi("k")), m.mo("="),
                               m.frac(m.sub(m.mi("N"), m.mi("k")), m.mi("N")))
        + "</mtd></mtr><mtr><mtd>"
        + m.row(m.sub(MU, m.mi("k")), m.mo("="),
                m.frac(m.mn(1), m.sub(m.mi("N"), m.mi("k"))), sum_n,
                m.sub(GAMMA, m.row(m.mi("n"), m.mi("k"))), m.sub(m.mi("x"), m.mi("n")))
        + "</mtd></mtr><mtr><mtd>"
        + m.row(m.sub(SIGMA, m.mi("k")), m.mo("="),
                m.frac(m.mn(1), m.sub(m.mi("N"), m.mi("k"))), sum_n,
                m.sub(GAMMA, m.row(m.mi("n"), m.mi("k"))),
                m.row(m.mo("("), m.sub(m.mi("x"), m.mi("n")), m.mo("−"), m.sub(MU, m.mi("k")),
                      m.mo(")")),
                m.row(m.mo("("), m.sub(m.mi("x"), m.mi("n")), m.mo("−"), m.sub(MU, m.mi("k")),
                      m.msup(m.mo(")"), m.mi("T"))))
        + "</mtd></mtr></mtable>")
    fell = nll_before - step.nll
    change = (_("NLL {before} → {after}: fell by {by}") if fell >= 0 else
              _("NLL {before} → {after}: rose by {by}")).format(
        before=f"{nll_before:,.2f}", after=f"{step.nll:,.2f}", by=f"{abs(fell):,.3f}")
    return (_head(_("M-step {i}").format(i=step.iteration),
                  _("π, μ, Σ from the responsibilities"))
            + eqs
            + '<table class="gp-table"><tr><th>k</th><th>N<sub>k</sub></th>'
              "<th>π<sub>k</sub></th><th>μ<sub>k</sub></th></tr>"
            + rows + "</table>"
            + _sigmas(step.covariances, colors)
            + '<p class="gp-note">' + _note(_("N = {n}; the {nk} add up to N."),
                                             n=f"{n:,}", nk="N<sub>k</sub>") + "</p>"
            + f'<p class="gp-nll">{html.escape(change)}</p>')


def most_uncertain(resp: np.ndarray) -> int:
    """The point whose largest responsibility is smallest (ties: the first)."""
    return int(np.argmin(resp.max(axis=1)))


def bound_panel(row: object, sentence: str) -> str:
    """log p(X | θ) = L(q, θ) + KL(q || p(Z | X, θ)) with one half-step's numbers (a row of
    :func:`gmmviz.bound_table`) and the sentence saying what the half-step did."""
    kind = _kind_name(row["kind"], row["iteration"])
    detail = {"init": _("θ₀ and its q"), "E": _("q set to the posterior: the gap closes"),
              "M": _("θ moved to the top of the bound: L rises, log p with it")}[row["kind"]]
    log_p = m.row(m.mi("log"), m.mi("p"), m.mo("("), m.mi("X"), m.mo("|"), m.mi("θ"), m.mo(")"))
    elbo = m.row(m.mi("ℒ"), m.mo("("), m.mi("q"), m.mo(","), m.mi("θ"), m.mo(")"))
    kl = m.row(m.mi("KL"), m.mo("("), m.mi("q"), m.mo("‖"), m.mi("p"), m.mo(")"))
    equation = m.aligned([
        (log_p, m.row(m.mo("="), elbo, m.mo("+"), kl)),
        (m.fixed(row["log_p"], 4),
         m.row(m.mo("="), m.fixed(row["elbo"], 4), m.mo("+"), m.num(row["kl"], 4)))])
    changes = ""
    if row["kind"] != "init":
        changes = ('<p class="gp-note">' + html.escape(
            _("Since the previous half-step: Δ log p = {d_log_p}, Δ ℒ = {d_elbo}, "
              "Δ KL = {d_kl}.").format(d_log_p=f"{row['d_log_p']:+.4g}",
                                       d_elbo=f"{row['d_elbo']:+.4g}",
                                       d_kl=f"{row['d_kl']:+.4g}")) + "</p>")
    return (_head(kind, detail) + equation + changes
            + f'<p class="gp-note">{html.escape(sentence)}</p>')


def compare_panel(runs: Sequence, titles: Sequence[str], colors: Sequence[str], i: int) -> str:
    """The step panel of Compare at step ``i``: each run's NLL there, and its weights."""
    rows = []
    for r, t, c in zip(runs, titles, colors, strict=True):
        s = r.steps[min(i, len(r.steps) - 1)]
        nll = f"{s.nll:,.2f}"
        shown = _("{nll} (stopped)").format(nll=nll) if i >= len(r.steps) else nll
        pis = ", ".join(f"{w:.2f}" for w in s.weights)
        rows.append(f'<tr><td style="text-align:left"><span class="gp-swatch" '
                    f'style="background:{c}"></span>{html.escape(t)}</td>'
                    f"<td>{html.escape(shown)}</td><td>{pis}</td></tr>")
    s = max(runs, key=lambda r: len(r.steps)).steps[i]
    return (_head(_kind_name(s.kind, s.iteration), _("every start at the same half-step"))
            + '<table class="gp-table"><tr><th style="text-align:left">'
            + html.escape(_("start")) + "</th><th>NLL</th>"
            "<th>π</th></tr>" + "".join(rows) + "</table>")


# ----------------------------------------------------------------------------- K-means
def closest_call(X: np.ndarray, centers: np.ndarray) -> int:
    """The point nearest to a boundary: the smallest gap between its two nearest centres."""
    d = np.sqrt(((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    if d.shape[1] < 2:
        return 0
    two = np.sort(d, axis=1)[:, :2]
    return int(np.argmin(two[:, 1] - two[:, 0]))


def kmeans_start_panel(step: object, source: str, colors: Sequence[str]) -> str:
    rows = _rows(colors, [_inline(m.vector(mu, 3)) for mu in step.centers])
    return (_head(_("Start"), _("the centres K-means starts from"))
            + f'<p class="gp-note">{html.escape(source)}</p>'
            + f'<table class="gp-table"><tr><th>k</th><th>μ<sub>k</sub></th></tr>{rows}</table>'
            + '<p class="gp-note">' + html.escape(_("No point is assigned yet.")) + "</p>")


def kmeans_assign_panel(step: object, previous: object, X: np.ndarray, n: int, picked: bool,
                        colors: Sequence[str]) -> str:
    """Assign: point ``n``'s distance to every centre, the nearest wins; the cluster sizes."""
    centers = previous.centers
    d = np.sqrt(((X[n] - centers) ** 2).sum(axis=1))  # ||x_n - mu_k||
    win = int(step.labels[n])
    lines = []
    for j, dj in enumerate(d):
        lhs = m.row(m.mo("‖"), m.sub(m.mi("x"), m.mn(n)), m.mo("−"), m.sub(MU, m.mn(j + 1)),
                    m.mo("‖"))
        mark = m.mtext("  ← " + _("nearest")) if j == win else ""
        lines.append((m.coloured(lhs, colors[j]), m.row(m.mo("="), m.fixed(dj, 3), mark)))
    sizes = np.bincount(step.labels, minlength=len(centers))
    size_text = ", ".join(f"N<sub>{j + 1}</sub> = {c}" for j, c in enumerate(sizes))
    return (_head(_("Assign {i}").format(i=step.iteration),
                  _("each point to its nearest centre"))
            + _point_note(X[n], n, picked, _("Point {n} at x = ({x}, {y}), the point closest "
                                             "to a boundary; click a point to choose "
                                             "another:"))
            + m.aligned(lines)
            + '<p class="gp-note">' + _note(_("Cluster sizes: {sizes}."), sizes=size_text)
            + "</p>"
            + f'<p class="gp-nll">J = {step.distortion:,.3f}</p>')


def kmeans_update_panel(step: object, previous: object, colors: Sequence[str]) -> str:
    """Update: each centre to the mean of its points, with the sizes and the new centres."""
    sizes = np.bincount(step.labels, minlength=len(step.centers))
    sum_n = m.sub(m.mo("∑"), m.row(m.mi("n"), m.mo("∈"), m.mi("k")))
    eq = m.math(m.sub(MU, m.mi("k")), m.mo("="),
                m.frac(m.mn(1), m.sub(m.mi("N"), m.mi("k"))), sum_n,
                m.sub(m.mi("x"), m.mi("n")))
    rows = _rows(colors, sizes, [_inline(m.vector(old, 3)) for old in previous.centers],
                 [_inline(m.vector(new, 3)) for new in step.centers])
    empty = ""
    if step.empty:
        which = ", ".join(str(j + 1) for j in step.empty)
        empty = ('<p class="gp-note">' + html.escape(
            _("Cluster {which} has no points and keeps its centre.").format(which=which))
            + "</p>")
    return (_head(_("Update {i}").format(i=step.iteration),
                  _("each centre to the mean of its points")) + eq
            + '<table class="gp-table"><tr><th>k</th><th>N<sub>k</sub></th>'
            + "<th>" + html.escape(_("before")) + "</th>"
            + "<th>" + html.escape(_("after")) + f"</th></tr>{rows}</table>" + empty
            + f'<p class="gp-nll">J {previous.distortion:,.3f} → {step.distortion:,.3f}</p>')
