"""The notes' equations as the pages show them, each with one sentence, and numbers in LaTeX."""

from __future__ import annotations

import math

import streamlit as st

from gmmviz.i18n import N_, _

#: Each part: (sentence, its equations) pairs, drawn in order.
_EQUATIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "e": ((
        N_("**E-step** — each point's responsibilities: how much each component explains it, "
           "given the current parameters."),
        (r"\gamma_{nk} = \frac{\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
         r"{\sum_{j=1}^{K} \pi_j\,\mathcal{N}(x_n \mid \mu_j, \Sigma_j)}",),
    ),),
    "m": ((
        N_("**M-step** — each component is refitted to the points, each point counted with "
           "its responsibility."),
        (r"N_k = \sum_{n=1}^{N} \gamma_{nk}, \qquad \pi_k = \frac{N_k}{N}, \qquad "
         r"\mu_k = \frac{1}{N_k} \sum_{n=1}^{N} \gamma_{nk}\, x_n",
         r"\Sigma_k = \frac{1}{N_k} \sum_{n=1}^{N} \gamma_{nk}\,"
         r"(x_n - \mu_k)(x_n - \mu_k)^{\top}"),
    ),),
    "nll": ((
        N_("**Negative log-likelihood** — what EM lowers at every step (lower is a better "
           "fit)."),
        (r"\mathrm{NLL}(\theta) = -\sum_{n=1}^{N} \log \sum_{k=1}^{K} "
         r"\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)",),
    ),),
    "kmeans": (
        (N_("**Assignment step** — each point joins its nearest centre."),
         (r"r_{nk} = \begin{cases} 1 & k = \arg\min_j \lVert x_n - \mu_j \rVert^2 "
          r"\\ 0 & \text{otherwise} \end{cases}",)),
        (N_("**Update step** — each centre moves to the mean of its points."),
         (r"\mu_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}}",)),
        (N_("**Distortion** — what K-means lowers at every step."),
         (r"J = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk}\, \lVert x_n - \mu_k \rVert^2",)),
    ),
}


def equations_block(kind: str = "em") -> None:
    """The notes' equations with one sentence each: ``kind`` "em" (E- and M-step and the NLL),
    "e", "m", "nll" or "kmeans" (assignment, update, distortion)."""
    parts = ("e", "m", "nll") if kind == "em" else (kind,)
    if any(part not in _EQUATIONS for part in parts):
        raise ValueError(f"unknown equations kind {kind!r}")
    for part in parts:
        for sentence, equations in _EQUATIONS[part]:
            st.markdown(_(sentence))
            for tex in equations:
                st.latex(tex.replace(r"\text{otherwise}", r"\text{" + _("otherwise") + "}"))


def tex_number(log_value: float) -> str:
    """exp(log_value) in LaTeX, in scientific notation when it is very small or large."""
    if log_value == -math.inf:
        return "0"
    l10 = log_value / math.log(10)
    if -3 <= l10 < 4:
        return f"{math.exp(log_value):.4g}"
    e = math.floor(l10)
    return rf"{10 ** (l10 - e):.3g}\times 10^{{{e}}}"
