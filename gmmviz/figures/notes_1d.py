"""Static figures of the notes' pages on a line: Jensen's inequality for ln, KL divergence, the
bound as a curve over one parameter, and the five points under orange and blue. Each only draws
what the library computed (:mod:`gmmviz.divergence`, :mod:`gmmviz.bound_curve`,
:mod:`gmmviz.five_points`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz.bound_curve import BoundCurve
from gmmviz.divergence import jensen_log, kl_discrete, kl_gaussian, kl_gaussian_integrand
from gmmviz.figures._colors import PALETTE
from gmmviz.figures._frames import finish_small
from gmmviz.figures._geometry import stems_path
from gmmviz.figures.teaching import FONT_SIZE
from gmmviz.five_points import notes_normalised
from gmmviz.i18n import _
from gmmviz.likelihood import gaussian_densities, gaussian_log_likelihood

P_COLOR, Q_COLOR = PALETTE[0], PALETTE[3]
ORANGE, BLUE = PALETTE[1], PALETTE[0]
BOUND_COLOR, LOGP_COLOR, MOVE_COLOR = PALETTE[2], "#111111", PALETTE[3]


# --------------------------------------------------------------------------- Jensen
def jensen_figure(points: Sequence[float], weights: Sequence[float], *, x_max: float = 10.0,
                  height: int = 520) -> go.Figure:
    """ln x with weighted points on it: the weighted mean of the points' values (on the chord,
    or inside the polygon they span) lies below ln of their weighted mean.

    Parameters
    ----------
    points : sequence of float
        Each above 0.
    weights : sequence of float
        0 or more, not all 0.
    x_max : float, default 10
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    j = jensen_log(points, weights)
    x = np.asarray(points, dtype=float)
    a = np.asarray(weights, dtype=float) / np.sum(weights)
    grid = np.linspace(min(0.05, x.min()), x_max, 400)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=grid, y=np.log(grid), mode="lines", name=_("ln x (concave)"),
                             line={"color": LOGP_COLOR, "width": 3}, hoverinfo="skip"))
    order = np.argsort(x)
    hull_x = np.r_[x[order], x[order][0]]
    fig.add_trace(go.Scatter(x=hull_x, y=np.log(hull_x), mode="lines", fill="toself",
                             fillcolor="rgba(0,158,115,0.12)",
                             name=_("chords between the points"),
                             line={"color": BOUND_COLOR, "width": 2, "dash": "dash"},
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=x, y=np.log(x), mode="markers+text", name=_("the points (x_i, ln x_i)"),
        marker={"size": 10 + 30 * a, "color": P_COLOR, "line": {"color": "#111111", "width": 1}},
        text=[f"a = {w:.2f}" for w in a], textposition="top left",
        textfont={"size": FONT_SIZE - 4}, hovertemplate="x = %{x:.3f}<br>ln x = %{y:.3f}"
                                                       "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[j.mean, j.mean], y=[j.mean_of_log, j.log_of_mean],
                             mode="lines+markers",
                             name=_("the gap: {gap}").format(gap=f"{j.gap:.4f}"),
                             line={"color": MOVE_COLOR, "width": 4},
                             marker={"size": 12, "symbol": ["circle", "diamond"],
                                     "color": MOVE_COLOR}, hoverinfo="skip"))
    fig.add_annotation(x=j.mean, y=j.log_of_mean, text=f"ln(Σ aᵢxᵢ) = {j.log_of_mean:.3f}",
                       ax=-60, ay=-40, showarrow=True, arrowhead=2,
                       font={"size": FONT_SIZE - 3})
    fig.add_annotation(x=j.mean, y=j.mean_of_log, text=f"Σ aᵢ ln xᵢ = {j.mean_of_log:.3f}",
                       ax=60, ay=40, showarrow=True, arrowhead=2, font={"size": FONT_SIZE - 3})
    fig.add_vline(x=j.mean, line={"color": "#999999", "dash": "dot"})
    fig.update_xaxes(title_text="x", range=[0, x_max])
    fig.update_yaxes(title_text="ln x", range=[float(np.log(grid[0])) - 0.2,
                                               float(np.log(x_max)) + 0.4])
    return finish_small(fig, height,
                        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"})


# --------------------------------------------------------------------------- KL
def kl_discrete_figure(p: Sequence[float], q: Sequence[float], *, height: int = 460
                       ) -> go.Figure:
    """Two discrete distributions (left) and each outcome's share of KL(p || q) and of
    KL(q || p) (right): p_i ln(p_i / q_i) and q_i ln(q_i / p_i), summing to the two KLs.

    Parameters
    ----------
    p, q : sequence of float
        Probabilities over the same outcomes, each summing to 1.
    height : int, default 460

    Returns
    -------
    plotly.graph_objects.Figure
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    names = [str(i + 1) for i in range(p.size)]
    kl_pq, kl_qp = kl_discrete(p, q), kl_discrete(q, p)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=(_("p and q"), _("each outcome's part of the two KLs")))
    for dist, name, color in ((p, "p", P_COLOR), (q, "q", Q_COLOR)):
        fig.add_trace(go.Bar(x=names, y=dist, name=name, marker={"color": color},
                             text=[f"{v:.2f}" for v in dist], textposition="outside"),
                      row=1, col=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        part_pq = np.where(p > 0, p * np.log(p / q), 0.0)
        part_qp = np.where(q > 0, q * np.log(q / p), 0.0)
    for part, name, color in ((part_pq, f"pᵢ ln(pᵢ/qᵢ): KL(p‖q) = {kl_pq:.4f}", P_COLOR),
                              (part_qp, f"qᵢ ln(qᵢ/pᵢ): KL(q‖p) = {kl_qp:.4f}", Q_COLOR)):
        fig.add_trace(go.Bar(x=names, y=np.where(np.isfinite(part), part, np.nan), name=name,
                             marker={"color": color, "pattern": {"shape": "/"}}), row=1, col=2)
    fig.update_yaxes(title_text=_("probability"), range=[0, 1.15 * max(p.max(), q.max())],
                     row=1, col=1)
    fig.update_xaxes(title_text=_("outcome i"))
    fig.update_yaxes(title_text=_("nats"), row=1, col=2)
    return finish_small(fig, height, barmode="group",
                   legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"})


def kl_gaussian_figure(mu_p: float, sigma_p: float, mu_q: float, sigma_q: float, *,
                       x_range: tuple[float, float] = (-8.0, 8.0), height: int = 520
                       ) -> go.Figure:
    """Two 1-D Gaussians p and q (top) and the integrands of both KLs (bottom): the area under
    p ln(p/q) is KL(p || q), under q ln(q/p) KL(q || p).

    Parameters
    ----------
    mu_p, sigma_p, mu_q, sigma_q : float
    x_range : (float, float)
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    t = np.linspace(*x_range, 601)
    kl_pq = kl_gaussian(mu_p, sigma_p, mu_q, sigma_q)
    kl_qp = kl_gaussian(mu_q, sigma_q, mu_p, sigma_p)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        row_heights=[0.5, 0.5],
                        subplot_titles=(_("p and q"),
                                        _("the integrands: their areas are the KLs")))
    for mu, s, name, color in ((mu_p, sigma_p, "p", P_COLOR), (mu_q, sigma_q, "q", Q_COLOR)):
        fig.add_trace(go.Scatter(x=t, y=gaussian_densities(t, mu, s), mode="lines",
                                 name=f"{name} = N({mu:g}, {s:g}²)", fill="tozeroy",
                                 line={"color": color, "width": 3}, hoverinfo="skip"),
                      row=1, col=1)
    for (a, b), name, color in ((((mu_p, sigma_p), (mu_q, sigma_q)),
                                 f"p ln(p/q): KL(p‖q) = {kl_pq:.4f}", P_COLOR),
                                (((mu_q, sigma_q), (mu_p, sigma_p)),
                                 f"q ln(q/p): KL(q‖p) = {kl_qp:.4f}", Q_COLOR)):
        fig.add_trace(go.Scatter(x=t, y=kl_gaussian_integrand(t, *a, *b), mode="lines",
                                 name=name, fill="tozeroy", line={"color": color, "width": 3},
                                 hoverinfo="skip"), row=2, col=1)
    fig.update_xaxes(title_text="x", row=2, col=1)
    fig.update_yaxes(title_text=_("density"), row=1, col=1)
    fig.update_yaxes(title_text=_("nats per unit x"), row=2, col=1)
    return finish_small(fig, height,
                        legend={"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top"})


# --------------------------------------------------------------------------- the bound over theta
def bound_curve_figure(curves: Sequence[BoundCurve], *, parameter: str = "μ",
                       height: int = 520) -> go.Figure:
    """ln p(X | theta) over one parameter, and the bound of each E-step so far touching it.

    The last curve is drawn bold: its bound touches ln p at theta_old, and an arrow shows the
    M-step's move to the bound's top, where ln p is higher still. Earlier bounds (a climb of
    several E- and M-steps, :func:`gmmviz.bound_curve.bound_climb`) are drawn faint.

    Parameters
    ----------
    curves : sequence of BoundCurve
        On the same values, from theta_old onwards.
    parameter : str
        The parameter's name, for the axis.
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    last = curves[-1]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=last.values, y=last.log_p, mode="lines", name="ln p(X | θ)",
                             line={"color": LOGP_COLOR, "width": 4},
                             hovertemplate=f"{parameter} = %{{x:.4f}}<br>ln p = %{{y:.4f}}"
                                           "<extra></extra>"))
    for i, c in enumerate(curves[:-1]):
        fig.add_trace(go.Scatter(x=c.values, y=c.elbo, mode="lines", hoverinfo="skip",
                                 line={"color": BOUND_COLOR, "width": 1.5}, opacity=0.45,
                                 name=_("earlier bounds"), showlegend=i == 0))
    if len(curves) > 1:
        fig.add_trace(go.Scatter(x=[c.at for c in curves], y=[c.log_p_at for c in curves],
                                 mode="lines+markers", name=_("the climb so far"),
                                 line={"color": MOVE_COLOR, "width": 1.5, "dash": "dot"},
                                 marker={"size": 8, "color": MOVE_COLOR},
                                 hovertemplate=f"{parameter} = %{{x:.4f}}<br>ln p = %{{y:.4f}}"
                                               "<extra></extra>"))
    fig.add_trace(go.Scatter(x=last.values, y=last.elbo, mode="lines",
                             name=_("L(q, θ) with q = p(Z | X, θ_old)"),
                             line={"color": BOUND_COLOR, "width": 4},
                             hovertemplate=f"{parameter} = %{{x:.4f}}<br>L = %{{y:.4f}}"
                                           "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[last.at], y=[last.log_p_at], mode="markers+text",
                             text=["θ_old: L = ln p"], textposition="bottom right",
                             marker={"size": 14, "color": BOUND_COLOR, "line": {"width": 2}},
                             name=_("they touch at θ_old"), textfont={"size": FONT_SIZE - 3}))
    fig.add_trace(go.Scatter(x=[last.best, last.best], y=[last.elbo_best, last.log_p_best],
                             mode="markers+text", text=[_("top of L"), "θ_new: ln p"],
                             textposition=["bottom center", "top center"],
                             marker={"size": [14, 14], "color": MOVE_COLOR,
                                     "symbol": ["diamond", "star"]},
                             name=_("the M-step's θ_new"), textfont={"size": FONT_SIZE - 3}))
    fig.add_annotation(x=last.best, y=last.elbo_best, ax=last.at, ay=last.log_p_at, xref="x",
                       yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3,
                       arrowwidth=3, arrowcolor=MOVE_COLOR, text="")
    fig.update_xaxes(title_text=parameter)
    fig.update_yaxes(title_text=_("nats"))
    return finish_small(fig, height,
                        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"})


# --------------------------------------------------------------------------- five points
def five_points_figure(points: Sequence[float], orange: tuple[float, float],
                       blue: tuple[float, float], *, x_range: tuple[float, float] = (-4.0, 14.0),
                       height: int = 520) -> go.Figure:
    """The points under the orange and the blue Gaussian, each point's density under both as
    stems, and each Gaussian's likelihood.

    Parameters
    ----------
    points : sequence of float
    orange, blue : (mu, sigma)
    x_range : (float, float)
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    pts = np.asarray(points, dtype=float)
    t = np.linspace(*x_range, 601)
    fig = go.Figure()
    titles = []
    for (mu, sigma), word, name, color, shift in (
            (orange, _("orange"), _("orange O(x)"), ORANGE, -0.12),
            (blue, _("blue"), _("blue B(x)"), BLUE, 0.12)):
        dens = gaussian_densities(pts, mu, sigma)
        fig.add_trace(go.Scatter(x=t, y=gaussian_densities(t, mu, sigma), mode="lines",
                                 name=f"{name} = N(x | {mu:g}, {sigma:g}²)",
                                 line={"color": color, "width": 4}, hoverinfo="skip"))
        sx, sy = stems_path(pts + shift, dens)
        fig.add_trace(go.Scatter(x=sx, y=sy, mode="lines", line={"color": color, "width": 4},
                                 showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=pts + shift, y=dens, mode="markers+text",
                                 text=[f"{d:.3f}" for d in dens], showlegend=False,
                                 textposition="top center", marker={"color": color, "size": 9},
                                 textfont={"size": FONT_SIZE - 6, "color": color},
                                 hovertemplate=_("x = %{x:.0f}<br>density %{y:.4f}"
                                                 "<extra></extra>")))
        ll = gaussian_log_likelihood(pts, mu, sigma)
        titles.append(f"<span style='color:{color}'>"
                      + _("{name}: likelihood {lik}, ln = {ln}").format(
                          name=word, lik=f"{np.exp(ll):.3g}", ln=f"{ll:.3f}") + "</span>")
    fig.add_trace(go.Scatter(x=pts, y=np.zeros_like(pts), mode="markers",
                             name=_("the points"),
                             marker={"color": "#111111", "size": 14, "symbol": "diamond"},
                             hovertemplate="x = %{x}<extra></extra>"))
    fig.update_layout(title={"text": "<br>".join(titles), "x": 0, "xanchor": "left",
                             "font": {"size": FONT_SIZE}})
    fig.update_xaxes(title_text="x", range=list(x_range))
    fig.update_yaxes(title_text=_("density"))
    finish_small(fig, height, legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"})
    fig.update_layout(margin={"t": 90})
    return fig


def labellings_figure(frame: pd.DataFrame, *, height: int = 360) -> go.Figure:
    """The log-likelihood of every labelling of the points (one bar each, most likely first).

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`gmmviz.five_points.labellings`.
    height : int, default 360
    """
    colors = [MOVE_COLOR if i == 0 else "#9a9a9a" for i in range(len(frame))]
    fig = go.Figure(go.Bar(x=frame["labels"], y=frame["log_likelihood"],
                           marker={"color": colors},
                           hovertemplate=_("%{x}<br>ln likelihood = %{y:.3f}<extra></extra>")))
    fig.update_xaxes(title_text=_("labelling (O = orange, B = blue, point by point)"),
                     tickfont_size=FONT_SIZE - 8, tickangle=-60)
    fig.update_yaxes(title_text=_("Σ ln N(x_n | its Gaussian)"))
    return finish_small(fig, height, showlegend=False)


def normalisation_figure(points: Sequence[float], mu: float, *,
                         sigmas: np.ndarray | None = None, height: int = 380) -> go.Figure:
    """Over sigma, with mu fixed: the true log-likelihood sum_n ln N(x_n | mu, sigma^2), and the
    log of the notes' product of shares prod_n O(x_n) / sum_m O(x_m), which keeps rising towards
    ln (1/N)^N as the Gaussian widens.

    Parameters
    ----------
    points : sequence of float
    mu : float
    sigmas : ndarray, optional
        Default: 0.5 to 200, log-spaced.
    height : int, default 380
    """
    pts = np.asarray(points, dtype=float)
    s = np.geomspace(0.5, 200.0, 200) if sigmas is None else np.asarray(sigmas, dtype=float)
    true = np.array([gaussian_log_likelihood(pts, mu, v) for v in s])
    notes = np.array([np.log(notes_normalised(pts, mu, v)).sum() for v in s])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=s, y=true, mode="lines",
                             name=_("ln Π N(x_n | μ, σ²): likelihood"),
                             line={"color": LOGP_COLOR, "width": 4}))
    fig.add_trace(go.Scatter(x=s, y=notes, mode="lines", line={"color": MOVE_COLOR, "width": 4,
                                                              "dash": "dash"},
                             name=_("ln Π O(x_n) / Σ_m O(x_m): the notes' shares")))
    bound = pts.size * np.log(1.0 / pts.size)
    fig.add_hline(y=bound, line={"color": MOVE_COLOR, "dash": "dot"},
                  annotation_text=f"ln (1/{pts.size})^{pts.size} = {bound:.2f}",
                  annotation_position="bottom right")
    fig.update_xaxes(title_text=f"σ (μ = {mu:g})", type="log")
    fig.update_yaxes(title_text=_("nats"), range=[max(true.min(), bound - 25), bound + 3])
    return finish_small(fig, height,
                        legend={"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top"})
