"""Figures for the teaching views: the lower bound and its KL gap, and likelihood in 1-D."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gmmviz.bound import bound_table
from gmmviz.figures._colors import PALETTE
from gmmviz.figures._frames import label_text
from gmmviz.figures._geometry import stems_path
from gmmviz.i18n import _
from gmmviz.likelihood import (
    coin_likelihood,
    coin_log_likelihood,
    coin_mle,
    gaussian_densities,
    gaussian_log_likelihood,
    gaussian_log_likelihood_grid,
    gaussian_mle,
)

FONT_SIZE = 18
BOUND_COLOR = PALETTE[0]  # L(q, theta)
GAP_COLOR = "#D55E00"  # KL(q || posterior): Okabe & Ito's vermillion
LOGP_COLOR = "#111111"  # log p(X | theta)
CURRENT_COLOR = PALETTE[1]
MAX_COLOR = PALETTE[2]


def _layout(fig: go.Figure, height: int) -> None:
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"size": FONT_SIZE},
        margin={"l": 80, "r": 30, "t": 60, "b": 60},
        hoverlabel={"font": {"size": FONT_SIZE}},
        legend={"font": {"size": FONT_SIZE - 2}},
    )
    # Explicit axis fonts: a template (Streamlit's theme) would otherwise shrink them.
    fig.update_xaxes(tickfont_size=FONT_SIZE - 2, title_font_size=FONT_SIZE)
    fig.update_yaxes(tickfont_size=FONT_SIZE - 2, title_font_size=FONT_SIZE)


def step_tick_labels(table: pd.DataFrame) -> list[str]:
    """Short x-axis labels per half-step: "start", "E1", "M1", "E2", ..."""
    return [_("start") if k == "init" else f"{k}{i}"
            for k, i in zip(table["kind"], table["iteration"], strict=True)]


# --------------------------------------------------------------------------- the lower bound
def bound_figure(
    source: object,
    *,
    current: int | None = None,
    window: tuple[int, int] | None = None,
    height: int = 720,
) -> go.Figure:
    """log p(X | theta), the bound L(q, theta) and the gap KL at every half-step of an EM run.

    Top: for every half-step a bar of L (from a floor below the lowest value shown) with the
    KL gap stacked on it, reaching the line of log p = L + KL. Bottom: KL alone on a log
    scale, where the small gaps of later iterations stay visible (after an E-step KL = 0,
    which a log scale cannot show).

    Parameters
    ----------
    source : GMMRun or pandas.DataFrame
        A run, or its :func:`gmmviz.bound.bound_table`.
    current : int, optional
        Row (half-step) to highlight.
    window : (int, int), optional
        First and last row to show (inclusive); by default every row.
    height : int, default 720

    Returns
    -------
    plotly.graph_objects.Figure
    """
    table = source if isinstance(source, pd.DataFrame) else bound_table(source)
    lo, hi = _rows_shown(len(table), window)
    view = table.iloc[lo:hi + 1]
    x = view["step"].to_numpy()
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.64, 0.36], vertical_spacing=0.1,
        subplot_titles=(_("log p = L + KL at every half-step"),
                        _("The gap KL alone, log scale (after an E-step KL = 0: off the scale)")),
    )
    hover = [f"{label_text(lab)}<br>log p = {a:.6g}<br>L = {b:.6g}<br>KL = {c:.4g}"
             for lab, a, b, c in
             zip(view["label"], view["log_p"], view["elbo"], view["kl"], strict=True)]
    y_range = _bound_bars(fig, view, hover)
    _kl_panel(fig, x, view["kl"].to_numpy(dtype=float), hover)
    if current is not None and lo <= current <= hi:  # a band on both panels
        fig.add_vrect(x0=current - 0.5, x1=current + 0.5, fillcolor=CURRENT_COLOR, opacity=0.22,
                      line_width=0, layer="below", row="all", col=1)
    stride = max(1, int(np.ceil(len(x) / 16)))
    fig.update_xaxes(tickvals=x[::stride], ticktext=step_tick_labels(view)[::stride],
                     range=[lo - 0.6, hi + 0.6])
    fig.update_xaxes(title_text=_("half-step"), row=2, col=1)
    fig.update_yaxes(title_text=_("nats"), range=y_range, row=1, col=1)
    fig.update_yaxes(title_text=_("KL (nats)"), type="log", row=2, col=1)
    _layout(fig, height)
    fig.update_layout(
        barmode="overlay", bargap=0.15,
        legend={"orientation": "h", "x": 0, "y": 1.1, "xanchor": "left", "yanchor": "bottom"},
        margin={"t": 110},
    )
    fig.update_annotations(font_size=FONT_SIZE)
    return fig


def _rows_shown(n: int, window: tuple[int, int] | None) -> tuple[int, int]:
    """First and last row of a table of ``n`` rows to show: all, or ``window`` clipped."""
    lo, hi = (0, n - 1) if window is None else (max(0, int(window[0])), min(n - 1, int(window[1])))
    return (hi, lo) if hi < lo else (lo, hi)


def _bound_bars(fig: go.Figure, view: pd.DataFrame, hover: list[str]) -> list[float]:
    """Top panel: a bar of L from a floor below the lowest value shown, the KL gap stacked on
    it, and the line of log p = L + KL. Returns the panel's y range."""
    x = view["step"].to_numpy()
    log_p = view["log_p"].to_numpy(dtype=float)
    elbo = view["elbo"].to_numpy(dtype=float)
    top, bottom = float(log_p.max()), float(min(elbo.min(), log_p.min()))
    span = max(top - bottom, 1e-9 * max(abs(top), 1.0), 1e-12)
    floor = bottom - 0.12 * span
    fig.add_trace(go.Bar(
        x=x, y=elbo - floor, base=floor, name=_("L(q, θ): the lower bound"),
        marker={"color": BOUND_COLOR, "opacity": 0.75}, hovertext=hover, hoverinfo="text",
        width=0.8,
    ), row=1, col=1)
    fig.add_trace(go.Bar(
        x=x, y=view["kl"].to_numpy(dtype=float), base=elbo, name=_("KL gap"),
        marker={"color": GAP_COLOR}, hovertext=hover, hoverinfo="text", width=0.8,
    ), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=x, y=log_p, mode="lines+markers", name="log p(X | θ)",
        line={"color": LOGP_COLOR, "width": 3}, marker={"size": 9}, hovertext=hover,
        hoverinfo="text",
    ), row=1, col=1)
    return [floor, top + 0.06 * span]


def _kl_panel(fig: go.Figure, x: np.ndarray, kl: np.ndarray, hover: list[str]) -> None:
    """Bottom panel: the positive gaps (after each M-step) on a log scale."""
    positive = kl > 0
    if positive.any():
        fig.add_trace(go.Scatter(
            x=x[positive], y=kl[positive], mode="lines+markers",
            name=_("KL after the M-step"),
            line={"color": GAP_COLOR, "width": 2}, marker={"size": 10},
            hovertext=[h for h, p in zip(hover, positive, strict=True) if p], hoverinfo="text",
            showlegend=False,
        ), row=2, col=1)
    else:
        fig.add_annotation(text=_("KL = 0 at every half-step shown"), xref="x2 domain",
                           yref="y2 domain", x=0.5, y=0.5, showarrow=False,
                           font={"size": FONT_SIZE})


# --------------------------------------------------------------------------- the coin
def _fraction_text(value: float) -> str:
    f = Fraction(value).limit_denominator(100)
    return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)


def coin_figure(w: float, heads: int = 1, tails: int = 3, *, height: int = 520) -> go.Figure:
    """The coin's likelihood L(w) = w^heads (1 - w)^tails and log L(w), with w and the maximum.

    Parameters
    ----------
    w : float
        The probability of heads to mark, in [0, 1].
    heads, tails : int
        The flips seen; the notes' example is one head in four flips.
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    w = float(w)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14,
                        subplot_titles=(_("Likelihood L(w)"), _("Log-likelihood log L(w)")))
    grid = np.linspace(0.0, 1.0, 401)
    fig.add_trace(go.Scatter(x=grid, y=coin_likelihood(grid, heads, tails), mode="lines",
                             name="L(w)", line={"color": BOUND_COLOR, "width": 4},
                             showlegend=False), row=1, col=1)
    inner = np.linspace(0.005, 0.995, 397)
    log_curve = coin_log_likelihood(inner, heads, tails)
    fig.add_trace(go.Scatter(x=inner, y=log_curve, mode="lines", name="log L(w)",
                             line={"color": BOUND_COLOR, "width": 4}, showlegend=False),
                  row=1, col=2)
    l_star, log_star = _coin_maximum(fig, heads, tails)
    low = float(np.min(log_curve))
    _coin_current(fig, w, heads, tails, low)
    fig.update_xaxes(title_text=_("w = probability of heads"), range=[0, 1])
    fig.update_yaxes(range=[0, l_star * 1.75], row=1, col=1)
    fig.update_yaxes(range=[low, log_star + 0.25 * (log_star - low)], row=1, col=2)
    _layout(fig, height)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.2, "xanchor": "left",
                              "yanchor": "top"}, margin={"b": 110})
    fig.update_annotations(selector={"text": _("Likelihood L(w)")}, font_size=FONT_SIZE)
    fig.update_annotations(selector={"text": _("Log-likelihood log L(w)")}, font_size=FONT_SIZE)
    return fig


def _coin_maximum(fig: go.Figure, heads: int, tails: int) -> tuple[float, float]:
    """The maximum w* on both panels, with a note on the left; returns L(w*) and log L(w*)."""
    w_star = coin_mle(heads, tails)
    l_star = coin_likelihood(w_star, heads, tails)
    log_star = coin_log_likelihood(w_star, heads, tails)
    star_text = _fraction_text(w_star)
    for col, y_star in ((1, l_star), (2, log_star)):
        fig.add_vline(x=w_star, line={"color": MAX_COLOR, "width": 2, "dash": "dash"},
                      row=1, col=col)
        fig.add_trace(go.Scatter(
            x=[w_star], y=[y_star], mode="markers",
            name=_("maximum at w = {w}").format(w=star_text),
            marker={"color": MAX_COLOR, "size": 16, "symbol": "star"}, showlegend=col == 1,
            hovertemplate=_("maximum: w = {w}<br>value = %{{y:.4g}}<extra></extra>").format(
                w=star_text),
        ), row=1, col=col)
    fig.add_annotation(
        x=w_star, y=l_star, xref="x", yref="y",
        text=_("maximum at w = {w}:<br>the data are<br>most probable<br>for a {w} coin"
               ).format(w=star_text),
        showarrow=True, arrowhead=2, ax=35, ay=-40, xanchor="left", yanchor="bottom",
        align="left", font={"size": FONT_SIZE - 2, "color": MAX_COLOR},
        bgcolor="rgba(255,255,255,0.85)",
    )
    return l_star, log_star


def _coin_current(fig: go.Figure, w: float, heads: int, tails: int, low: float) -> None:
    """The current w on both panels, its values labelled on the side where the curve falls
    away (clear of it); log L = -inf is written at the bottom (``low``) of the right panel."""
    if w > 0.75:
        side = "top left"
    elif w < 0.05:
        side = "top right"
    else:
        side = "middle right" if w >= coin_mle(heads, tails) else "middle left"
    marker = {"color": CURRENT_COLOR, "size": 16, "line": {"color": "#111111", "width": 1.5}}
    text = {"textposition": side, "cliponaxis": False,
            "textfont": {"size": FONT_SIZE, "color": "#111111"}}
    lw = coin_likelihood(w, heads, tails)
    fig.add_trace(go.Scatter(
        x=[w], y=[lw], mode="markers+text", name=_("your w = {w}").format(w=f"{w:.2f}"),
        marker=marker,
        text=[f"  {lw:.4f}  "], hovertemplate="w = %{x:.3f}<br>L = %{y:.5f}<extra></extra>",
        **text), row=1, col=1)
    log_w = coin_log_likelihood(w, heads, tails)
    if np.isfinite(log_w):
        fig.add_trace(go.Scatter(
            x=[w], y=[log_w], mode="markers+text", showlegend=False, marker=marker,
            text=[f"  {log_w:.2f}  "],
            hovertemplate="w = %{x:.3f}<br>log L = %{y:.4f}<extra></extra>", **text),
            row=1, col=2)
    else:
        fig.add_annotation(x=w, y=low, xref="x2", yref="y2", text="log L = −∞",
                           showarrow=False, yanchor="bottom",
                           font={"size": FONT_SIZE, "color": "#111111"})
    fig.add_vline(x=w, line={"color": CURRENT_COLOR, "width": 2}, row=1, col=1)
    fig.add_vline(x=w, line={"color": CURRENT_COLOR, "width": 2}, row=1, col=2)


# --------------------------------------------------------------------------- five points
def gaussian_points_figure(
    x: object,
    mu: float,
    sigma: float,
    *,
    x_range: tuple[float, float] | None = None,
    height: int = 560,
) -> go.Figure:
    """Points under N(mu, sigma^2): the density curve and each point's density as a stem.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
    mu : float
    sigma : float
        Above 0 (InputError otherwise).
    x_range : (float, float), optional
        Horizontal extent; by default the points' range widened by 4 on each side.
    height : int, default 560

    Returns
    -------
    plotly.graph_objects.Figure
    """
    dens = gaussian_densities(x, mu, sigma)
    pts = np.atleast_1d(np.asarray(x, dtype=float))
    log_lik = gaussian_log_likelihood(pts, mu, sigma)
    if x_range is None:
        x_range = (float(pts.min()) - 4.0, float(pts.max()) + 4.0)
    grid = np.linspace(x_range[0], x_range[1], 601)
    curve = gaussian_densities(grid, mu, sigma)
    peak = max(float(curve.max()), float(dens.max()))

    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=grid, y=curve, mode="lines", name=f"N(x | μ = {mu:.2f}, σ = {sigma:.2f})",
        line={"color": BOUND_COLOR, "width": 4}, fill="tozeroy",
        fillcolor="rgba(0,114,178,0.10)", hoverinfo="skip",
    ))
    _stems(fig, pts, dens, mu, sigma)
    fig.add_vline(x=mu, line={"color": CURRENT_COLOR, "width": 2, "dash": "dot"},
                  annotation_text="μ", annotation_position="top",
                  annotation_font={"size": FONT_SIZE, "color": CURRENT_COLOR})
    fig.update_layout(title={
        "text": _("likelihood = product of the {n} densities = {lik}<br>"
                  "log-likelihood = sum of their logs = {log_lik}").format(
                      n=len(dens), lik=f"{np.exp(log_lik):.3g}", log_lik=f"{log_lik:.3f}"),
        "x": 0.0, "xanchor": "left", "y": 0.97, "yanchor": "top",
        "font": {"size": FONT_SIZE + 2},
    })
    fig.update_xaxes(title_text="x", range=list(x_range), zeroline=False)
    fig.update_yaxes(title_text=_("density"), range=[-0.06 * peak, 1.45 * peak])
    _layout(fig, height)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.18, "xanchor": "left",
                              "yanchor": "top"}, margin={"t": 100, "b": 110})
    return fig


def _stems(fig: go.Figure, pts: np.ndarray, dens: np.ndarray, mu: float, sigma: float) -> None:
    """Each point's density as a stem from the axis, labelled with its value, and the points."""
    stem_x, stem_y = stems_path(pts, dens)
    fig.add_trace(go.Scatter(x=stem_x, y=stem_y, mode="lines", name=_("density of each point"),
                             line={"color": GAP_COLOR, "width": 4}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=pts, y=dens, mode="markers+text", showlegend=False,
        marker={"color": GAP_COLOR, "size": 13},
        text=[f"{d:.3g}" for d in dens], cliponaxis=False,
        # labels lean away from mu, so neighbours near the peak do not overlap
        textposition=["top center" if abs(p - mu) < 0.5 * sigma else
                      ("top left" if p < mu else "top right") for p in pts],
        textfont={"size": FONT_SIZE, "color": "#111111"},
        hovertemplate="x = %{x}<br>N(x | μ, σ²) = %{y:.5f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=pts, y=np.zeros_like(pts), mode="markers", name=_("data points"),
        marker={"color": "#111111", "size": 15, "symbol": "diamond"},
        hovertemplate="x = %{x}<extra></extra>",
    ))


def gaussian_log_likelihood_figure(
    x: object,
    mu: float,
    sigma: float,
    *,
    mu_range: tuple[float, float] = (-2.0, 12.0),
    sigma_range: tuple[float, float] = (0.3, 8.0),
    height: int = 520,
) -> go.Figure:
    """Contours of log p(x | mu, sigma) over (mu, sigma), with the current and best values.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
    mu, sigma : float
        The values to mark (sigma above 0).
    mu_range, sigma_range : (float, float)
        Extent of the grid.
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
    """
    pts = np.atleast_1d(np.asarray(x, dtype=float))
    mus = np.linspace(mu_range[0], mu_range[1], 141)
    sigmas = np.linspace(sigma_range[0], sigma_range[1], 121)
    grid = gaussian_log_likelihood_grid(pts, mus, sigmas)
    mu_hat, sigma_hat = gaussian_mle(pts)
    best = gaussian_log_likelihood(pts, mu_hat, sigma_hat)
    here = gaussian_log_likelihood(pts, mu, sigma)
    # Contours every 2 nats down to 40 below the best; lower values share the last colour.
    z = np.maximum(grid, best - 40.0)
    fig = go.Figure()
    fig.add_trace(go.Contour(
        x=mus, y=sigmas, z=z, colorscale="Viridis",
        contours={"start": best - 40.0, "end": best, "size": 2.0, "coloring": "lines"},
        line={"width": 2.5},
        colorbar={"title": {"text": "log p", "side": "right"}, "tickfont": {"size": FONT_SIZE - 2}},
        hovertemplate="μ = %{x:.2f}<br>σ = %{y:.2f}<br>log p = %{z:.2f}<extra></extra>",
        name=_("log-likelihood"),
    ))
    fig.add_trace(_labelled_point(mu_hat, sigma_hat, _("best: {v}").format(v=f"{best:.2f}"),
                                  "top right", name=_("maximum likelihood"),
                                  marker={"color": MAX_COLOR, "size": 18, "symbol": "star",
                                          "line": {"color": "#111111", "width": 1}}))
    fig.add_trace(_labelled_point(mu, sigma, f"{here:.2f}", "bottom center",
                                  name=_("your μ, σ"),
                                  marker={"color": CURRENT_COLOR, "size": 16,
                                          "line": {"color": "#111111", "width": 1.5}}))
    fig.update_xaxes(title_text="μ", range=list(mu_range))
    fig.update_yaxes(title_text="σ", range=list(sigma_range))
    _layout(fig, height)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.18, "xanchor": "left",
                              "yanchor": "top"}, margin={"t": 30, "b": 110})
    return fig


def _labelled_point(x: float, y: float, text: str, position: str, **props: object) -> go.Scatter:
    """One marker with its value written beside it."""
    return go.Scatter(x=[x], y=[y], mode="markers+text", text=[text], textposition=position,
                      textfont={"size": FONT_SIZE, "color": "#111111"}, **props)
