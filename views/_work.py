"""Work budgets on the pages: what a request would compute is weighed before it runs.

A page describes what it is about to compute as a :class:`Work` (the request's size, as
:class:`gmmviz.budget.Request`, and the widgets that can make it smaller) and hands it to
:func:`views._cache.fit_or_last_good` or :func:`views._cache.fit_or_notice`:

- Above the budget (:func:`gmmviz.budget.check_all`) the work is not started. One sentence
  says what was asked and how far over the budget it is, and a button per widget that can
  make it smaller offers the largest setting that fits: the click sets the widget's
  session-state key, and Streamlit reruns the page.
- Long work that reports its progress (above :data:`LONG_WORK`) shows a progress bar and a
  Stop button. A click on Stop makes Streamlit rerun the page, which interrupts the work at
  its next report (every ``st`` call is a point where a rerun can start); the rerun marks
  the request as stopped, and it is not started again by itself until a setting changes or
  "Run it" is clicked.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from gmmviz import budget
from gmmviz.i18n import N_, _

#: Point-component-iterations above which work counts as long (about 1 s of EM here): it
#: shows a progress bar and a Stop button.
LONG_WORK = 50_000_000
#: Session key: {slot: name of the request whose work was stopped there}.
_STOPPED = "_gmmviz_stopped"
#: The progress report of the one long fit running now (see :attr:`Work.one_fit`), which the
#: cached fit passes to :func:`gmmviz.fit_gmm`.
FIT_PROGRESS: ContextVar[Callable[[float, float], None] | None] = ContextVar(
    "gmmviz_fit_progress", default=None)


class Setting(enum.Enum):
    """What of a request a widget sets, by the :class:`gmmviz.budget.Verdict` field that
    gives its largest value within the budget."""

    ITERATIONS = "max_iter"
    POINTS = "n_samples"
    RUNS = "n_runs"


@dataclass(frozen=True)
class Lever:
    """A widget that makes a request smaller.

    Attributes
    ----------
    key : str
        The widget's session-state key.
    unit : str
        What it counts, in words ("iterations", "panels").
    setting : Setting
    lowest : int
        The widget's smallest value.
    per : int
        Runs of the request per unit of the widget (e.g. 4 covariance types per start).
    """

    key: str
    unit: str
    setting: Setting = Setting.ITERATIONS
    lowest: int = 1
    per: int = 1

    def offer(self, verdict: budget.Verdict) -> Offer | None:
        """The button that sets the largest value that fits, or None when none does."""
        value = getattr(verdict, self.setting.value) // self.per
        if value < self.lowest:
            return None
        return Offer(_("Use {value} {unit}").format(value=f"{value:,}", unit=_(self.unit)),
                     _set_widget, (self.key, value))


ITERATIONS = Lever("iters", N_("iterations"))
POINTS = Lever("n", N_("points"), Setting.POINTS, lowest=10)


def with_points(*levers: Lever) -> tuple[Lever, ...]:
    """``levers``, and the number of points when the data are generated (an upload and the
    textbook's 100 points have no such widget)."""
    generated = st.session_state.get("data") not in ("upload", "textbook")
    return (*levers, POINTS) if generated else levers


def _set_widget(key: str, value: Any) -> None:
    st.session_state[key] = value


@dataclass(frozen=True)
class Offer:
    """A button under a notice: its label, and what a click does before the rerun."""

    label: str
    on_click: Callable[..., None]
    args: tuple = ()


class NoticeKind(enum.Enum):
    """Why a page shows something other than what was asked for."""

    REFUSED = "refused"  # the library refused the settings (InputError)
    OVER_BUDGET = "over budget"  # not started: more work than one page computes at once
    STOPPED = "stopped"  # stopped with the Stop button


#: How each kind of notice is shown: the Streamlit call and its icon.
_SHOWN_AS = {
    NoticeKind.REFUSED: (st.error, ":material/error:"),
    NoticeKind.OVER_BUDGET: (st.warning, ":material/speed:"),
    NoticeKind.STOPPED: (st.info, ":material/stop_circle:"),
}


@dataclass(frozen=True)
class Notice:
    """Why a page shows something other than what was asked for, for people, and the
    buttons that help."""

    kind: NoticeKind
    text: str
    offers: tuple[Offer, ...] = ()
    #: keys the offers' buttons (one place on the page)
    slot: str = "fit"

    def show(self) -> None:
        show, icon = _SHOWN_AS[self.kind]
        show(self.text, icon=icon)
        if self.offers:
            cols = st.columns(max(len(self.offers), 3))
            for i, (col, offer) in enumerate(zip(cols, self.offers, strict=False)):
                col.button(offer.label, key=f"{self.slot}_offer_{i}", on_click=offer.on_click,
                           args=offer.args, width="stretch")


def _stop(slot: str, name: str) -> None:
    st.session_state.setdefault(_STOPPED, {})[slot] = name


def _run_again(slot: str) -> None:
    st.session_state.get(_STOPPED, {}).pop(slot, None)


@dataclass
class Work:
    """What a page is about to compute, weighed against the budget before it starts.

    Attributes
    ----------
    limits : tuple of gmmviz.budget.Request
        The request's size; the first is described to people. Several when the page's fits
        and its animations differ in number (see :func:`gmmviz.budget.check_all`).
    name : str
        Names the request (e.g. its fit key): a stopped request is known again by it.
    slot : str
        The work's place on the page: keys its buttons; a stopped request is forgotten once
        another request runs in its slot.
    levers : tuple of Lever
        The widgets whose largest value that fits is offered.
    runs : str
        What the request's runs are, in words ("panels", "restarts").
    what : str, optional
        The request in words, instead of :func:`gmmviz.budget.describe`.
    label : str
        The progress bar's text.
    reports : bool
        True when the work reports its progress as it goes, through :meth:`progress` or a
        progress bar of its own (it can then be stopped); False for one fit, which cannot.
    bar : bool
        False when the work draws its own progress bar.
    one_fit : bool
        True when the work is one fit of :func:`gmmviz.fit_gmm`: while it runs long, its
        iterations move the bar (through :data:`FIT_PROGRESS`).
    """

    limits: tuple[budget.Request, ...]
    name: str
    slot: str
    levers: tuple[Lever, ...] = ()
    runs: str = N_("runs")
    what: str | None = None
    label: str = N_("Running EM…")
    reports: bool = False
    bar: bool = True
    one_fit: bool = False
    _bar: Any = field(default=None, init=False, repr=False)
    _shown: float = field(default=0.0, init=False, repr=False)

    @property
    def described(self) -> str:
        return self.what or budget.describe(self.limits[0], self.runs)

    @property
    def long(self) -> bool:
        """True when the work reports its progress and is above :data:`LONG_WORK`."""
        return self.reports and max(r.fit_work for r in self.limits) > LONG_WORK

    def refusal(self) -> Notice | None:
        """Why the work is not started (it was stopped, or it is over the budget), or None."""
        stopped = st.session_state.get(_STOPPED, {}).get(self.slot)
        if stopped == self.name:
            return Notice(NoticeKind.STOPPED,
                          _("Stopped before it finished: {what}.").format(what=self.described),
                          (Offer(_("Run it"), _run_again, (self.slot,)),), self.slot)
        if stopped is not None:
            _run_again(self.slot)  # a setting changed: the stopped request is not asked for
        verdict = budget.check_all(self.limits)
        if verdict.fits:
            return None
        share = (f"{verdict.share:,.0f}" if verdict.share >= 10 else f"{verdict.share:.2g}")
        offers = tuple(o for o in (lever.offer(verdict) for lever in self.levers) if o)
        text = _("{what} is about {share} times what one page computes at once, so it was "
                 "not run.").format(what=self.described, share=share)
        if self.levers and not offers:
            text = _("{text} Choose a smaller data set.").format(text=text)
        return Notice(NoticeKind.OVER_BUDGET, text, offers, self.slot)

    @contextmanager
    def running(self) -> Iterator[None]:
        """While the work runs: when it is long, a progress bar (if ``bar``) and a Stop button
        in one place, removed when it finishes; else a spinner when it reports (if ``bar``)."""
        if not self.long:
            spin = self.reports and self.bar and not self.one_fit  # a fit has its own
            with st.spinner(_(self.label)) if spin else nullcontext():
                yield
            return
        area = st.empty()
        with area.container():
            if self.bar:
                self._bar = st.progress(0.0, text=_(self.label))
            st.button(_("Stop"), key=f"{self.slot}_stop", on_click=_stop,
                      args=(self.slot, self.name), icon=":material/stop_circle:",
                      help=_("Stop this work; the page keeps showing what it showed before."))
        token = FIT_PROGRESS.set(self.progress if self.one_fit else None)
        try:
            yield
        finally:
            FIT_PROGRESS.reset(token)
        area.empty()
        self._bar = None

    def progress(self, done: float, total: float) -> None:
        """Report ``done`` of ``total``: moves the bar (at each whole percent), and lets a
        click on Stop interrupt the work here."""
        if self._bar is None or total <= 0:
            return
        frac = min(max(done / total, 0.0), 1.0)
        if frac - self._shown >= 0.01 or frac == 1.0:
            self._shown = frac
            self._bar.progress(frac, text=f"{_(self.label)} {100 * frac:.0f}%")
