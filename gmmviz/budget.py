"""How much work a request asks for, and the largest setting that fits a budget.

EM costs about the same for every point, component and iteration: one E-step evaluates
pi_k N(x_n | mu_k, Sigma_k) for every pair (n, k), one M-step sums gamma_nk against six
quadratic features of x_n. The work of a request is therefore counted in point-component-
iterations, ``n_samples * n_components * max_iter * n_runs``. An animation also sends one
colour byte per point and frame (2 frames per iteration, plus the start), so its size is
counted in point-frames, ``n_samples * (2 * max_iter + 1) * n_runs``.

A page compares a request with a :class:`Budget`; when the request is over, :func:`check`
says by how much and gives the largest number of iterations, points or runs that would fit
with everything else held.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gmmviz import _validate as v
from gmmviz._errors import InputError
from gmmviz.i18n import N_, _

__all__ = ["Budget", "Request", "Verdict", "check", "check_all", "describe"]


@dataclass(frozen=True)
class Request:
    """The size of a fit that a page is asked for.

    Attributes
    ----------
    n_samples : int
    n_components : int
    max_iter : int
    n_runs : int
        Panels or restarts fitted for the page (1 for a single run).
    animated : bool
        True when every half-step becomes an animation frame sent to the browser.
    """

    n_samples: int
    n_components: int
    max_iter: int
    n_runs: int = 1
    animated: bool = True

    @property
    def fit_work(self) -> int:
        """Point-component-iterations: N K T R."""
        return self.n_samples * self.n_components * max(self.max_iter, 1) * self.n_runs

    @property
    def frame_work(self) -> int:
        """Point-frames the animation sends: N (2 T + 1) R (0 when not animated)."""
        if not self.animated:
            return 0
        return self.n_samples * (2 * self.max_iter + 1) * self.n_runs


@dataclass(frozen=True)
class Budget:
    """Limits of one page request.

    The defaults hold EM to about 5 s on one core of this machine (EM runs about 5e7
    point-component-iterations per second) and an animation to about 15 MB of colour codes.

    Attributes
    ----------
    fit_work : int
        Largest N K T R.
    frame_work : int
        Largest N (2 T + 1) R.
    """

    fit_work: int = 250_000_000
    frame_work: int = 12_000_000


# What to lower, by which of (iterations, points, runs) can be lowered enough: one sentence each.
_LOWER: dict[tuple[bool, bool, bool], str | None] = {
    (True, True, True):
        N_("lower the iterations to {iterations}, the points to {points} or the {runs} to "
           "{n_runs}"),
    (True, True, False): N_("lower the iterations to {iterations} or the points to {points}"),
    (True, False, True): N_("lower the iterations to {iterations} or the {runs} to {n_runs}"),
    (False, True, True): N_("lower the points to {points} or the {runs} to {n_runs}"),
    (True, False, False): N_("lower the iterations to {iterations}"),
    (False, True, False): N_("lower the points to {points}"),
    (False, False, True): N_("lower the {runs} to {n_runs}"),
    (False, False, False): None,
}


@dataclass(frozen=True)
class Verdict:
    """Whether a request fits a budget, and the largest settings that would.

    Attributes
    ----------
    fits : bool
    share : float
        The request's work as a multiple of the budget (the larger of the two ratios).
    max_iter : int
        Largest number of iterations that fits with the points, components and runs held
        (0 if even the start alone does not fit).
    n_samples : int
        Largest number of points that fits with the rest held.
    n_runs : int
        Largest number of runs that fits with the rest held.
    """

    fits: bool
    share: float
    max_iter: int
    n_samples: int
    n_runs: int

    def sentence(self, runs: str = N_("runs")) -> str:
        """What to change, e.g. "lower the iterations to 66, the points to 6,600 or the runs
        to 1"."""
        which = (self.max_iter >= 1, self.n_samples >= 1, self.n_runs >= 1)
        template = _LOWER[which]
        if template is None:
            return _("choose a smaller data set")
        return _(template).format(iterations=f"{self.max_iter:,}", points=f"{self.n_samples:,}",
                                  runs=_(runs), n_runs=f"{self.n_runs:,}")


def check(request: Request, budget: Budget = Budget()) -> Verdict:
    """Compare a request with a budget.

    Parameters
    ----------
    request : Request
    budget : Budget

    Returns
    -------
    Verdict
    """
    n = v.count(request.n_samples, "n_samples", 1)
    k = v.count(request.n_components, "n_components", 1)
    t = v.count(request.max_iter, "max_iter", 0)
    r = v.count(request.n_runs, "n_runs", 1)
    share = request.fit_work / budget.fit_work
    if request.animated:
        share = max(share, request.frame_work / budget.frame_work)

    # Largest T with N K max(T, 1) R <= fit budget and N (2 T + 1) R <= frame budget.
    t_fit = budget.fit_work // (n * k * r)
    t_frames = (budget.frame_work // (n * r) - 1) // 2 if request.animated else t_fit
    max_iter = max(0, min(t_fit, t_frames)) if t_fit >= 1 else 0

    # Largest N (and R) with the rest held.
    per_point = k * max(t, 1) * r
    n_fit = budget.fit_work // per_point
    n_frames = budget.frame_work // ((2 * t + 1) * r) if request.animated else n_fit
    n_max = int(min(n_fit, n_frames))
    per_run = n * k * max(t, 1)
    r_fit = budget.fit_work // per_run
    r_frames = budget.frame_work // (n * (2 * t + 1)) if request.animated else r_fit
    r_max = int(min(r_fit, r_frames))
    return Verdict(fits=share <= 1.0, share=float(share), max_iter=int(max_iter),
                   n_samples=n_max, n_runs=r_max)


def check_all(requests: Sequence[Request], budget: Budget = Budget()) -> Verdict:
    """Compare several limits of one page's work with a budget: all must hold.

    For a page whose fits and animations differ in number but share the points, components
    and iterations, e.g. ``Request(n, k, t, 27, animated=False)`` for all its fits and
    ``Request(n, k, t, 2)`` for the two it animates.

    Returns
    -------
    Verdict
        Fits when every request fits; the largest share; the smallest of the largest
        iterations, points and runs (so each of them makes every request fit).
    """
    verdicts = [check(r, budget) for r in requests]
    if not verdicts:
        raise InputError(_("check_all needs at least one request."))
    return Verdict(fits=all(x.fits for x in verdicts), share=max(x.share for x in verdicts),
                   max_iter=min(x.max_iter for x in verdicts),
                   n_samples=min(x.n_samples for x in verdicts),
                   n_runs=min(x.n_runs for x in verdicts))


def describe(request: Request, runs: str = N_("runs")) -> str:
    """The request's size in words, e.g. "50,000 points x 10 components x 500 iterations x 6
    panels" (``runs="panels"``)."""
    values = {"points": f"{request.n_samples:,}", "components": request.n_components,
              "iterations": request.max_iter}
    if request.n_runs > 1:
        return _("{points} points x {components} components x {iterations} iterations x "
                 "{n_runs} {runs}").format(**values, n_runs=request.n_runs, runs=_(runs))
    return _("{points} points x {components} components x {iterations} iterations").format(
        **values)

