"""Why EM climbs: the log-likelihood, its lower bound L(q, theta) and the KL gap, per half-step.

For any distribution q over the assignments Z,

    log p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta)),
    L(q, theta) = sum_Z q(Z) log(p(X, Z | theta) / q(Z)),

and KL >= 0, so L is a lower bound (Jensen's inequality). The E-step sets q to the posterior,
closing the gap (KL = 0); the M-step raises L with q held fixed. Hence log p never falls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gmmviz._errors import InputError
from gmmviz.i18n import _

BOUND_COLUMNS = (
    "step", "label", "kind", "iteration", "log_p", "elbo", "kl",
    "d_log_p", "d_elbo", "d_kl",
)


def bound_table(run: object) -> pd.DataFrame:
    """One row per recorded half-step of an EM run: log p, the bound L and the gap KL.

    Parameters
    ----------
    run : GMMRun
        As returned by :func:`gmmviz.fit_gmm`.

    Returns
    -------
    pandas.DataFrame with one row per step (``len(run.steps)`` rows) and columns

        step : int
            Index of the half-step in ``run.steps`` (0 is the start).
        label : str
            The step's caption, e.g. "Iteration 3 · E-step: responsibilities updated".
        kind : {"init", "E", "M"}
        iteration : int
        log_p : float
            log p(X | theta) = -nll, in nats.
        elbo : float
            L(q, theta).
        kl : float
            KL(q || p(Z | X, theta)) = log_p - elbo, at least 0.
        d_log_p, d_elbo, d_kl : float
            Change from the previous row (NaN on the first row).
    """
    steps = getattr(run, "steps", None)
    if not steps:
        raise InputError(_("The run has no recorded steps: fit a mixture first."))
    frame = pd.DataFrame(
        {
            "step": np.arange(len(steps)),
            "label": [s.label for s in steps],
            "kind": [s.kind for s in steps],
            "iteration": [int(s.iteration) for s in steps],
            "log_p": [-s.nll for s in steps],  # log p(X | theta) = -NLL
            "elbo": [s.elbo for s in steps],
            "kl": [s.kl for s in steps],
        }
    )
    for col in ("log_p", "elbo", "kl"):
        frame[f"d_{col}"] = frame[col].diff()
    return frame


def describe_step(table: pd.DataFrame, index: int) -> str:
    """One sentence saying what the half-step at row ``index`` of a bound table just did.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`bound_table`.
    index : int
        Row position (0 is the start).
    """
    _check_row(table, index)
    row = table.iloc[index]
    if row["kind"] == "init":
        if row["kl"] > 0:
            return _(
                "Start: q comes with the starting values, so L = {elbo} sits "
                "KL = {kl} below log p = {log_p}."
            ).format(elbo=f"{row['elbo']:.4f}", kl=f"{row['kl']:.4g}",
                     log_p=f"{row['log_p']:.4f}")
        return _(
            "Start: θ₀ is set and q will be its posterior, so L = log p = "
            "{log_p}."
        ).format(log_p=f"{row['log_p']:.4f}")
    if row["kind"] == "E":
        if row["d_elbo"] > 1e-12 * abs(row["log_p"]):
            return _(
                "E-step {i}: q set to the posterior p(Z | X, θ), so KL = 0, L rose by {rise} "
                "and L = log p = {log_p}; θ and log p are unchanged."
            ).format(i=row["iteration"], rise=f"{row['d_elbo']:.4g}",
                     log_p=f"{row['log_p']:.4f}")
        return _(
            "E-step {i}: q set to the posterior p(Z | X, θ), so KL = 0"
            " and L = log p = {log_p}; θ and log p are unchanged."
        ).format(i=row["iteration"], log_p=f"{row['log_p']:.4f}")
    return _(
        "M-step {i}: θ moved to maximise L with q fixed; L rose by "
        "{d_elbo}, log p rose by {d_log_p}, and a gap "
        "KL = {kl} opened."
    ).format(i=row["iteration"], d_elbo=f"{row['d_elbo']:.4g}",
             d_log_p=f"{row['d_log_p']:.4g}", kl=f"{row['kl']:.4g}")


def zoom_window(table: pd.DataFrame, index: int) -> tuple[int, int]:
    """The rows around the half-step at row ``index`` that show one iteration's climb.

    From the half-step before this iteration's E-step to the next iteration's M-step (the
    start counts as iteration 1's, so that the first climb is shown from the start); clipped
    to the table. A run without iterations (only its start) gives ``(0, 0)``.

    Parameters are those of :func:`describe_step`.

    Returns
    -------
    (first, last) : tuple of int
        Row positions, inclusive, as :func:`gmmviz.figures.teaching.bound_figure` takes them.
    """
    _check_row(table, index)
    iteration = table["iteration"].to_numpy()
    it = max(int(iteration[index]), 1)
    rows = np.flatnonzero((iteration >= it) & (iteration <= it + 1))
    if rows.size == 0:
        return 0, 0
    return max(int(rows[0]) - 1, 0), int(rows[-1])


def _check_row(table: pd.DataFrame, index: int) -> None:
    if not 0 <= index < len(table):
        raise InputError(_("Choose a half-step between 0 and {last}; got {index}.").format(
            last=len(table) - 1, index=index))
