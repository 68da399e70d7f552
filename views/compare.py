"""Compare starts: EM from several starts side by side, many restarts, identical starts, and k."""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

import gmmviz
from gmmviz import budget, outcomes, selection
from gmmviz.figures import compare as cf
from gmmviz.i18n import N_, _
from gmmviz.numbers import format_number as num
from gmmviz.starts import GMM_START_LABELS, start_values, url_init
from views import _common as ui
from views import _hands, _player
from views._compare_tabs import (
    RESTART_INITS,
    Shared,
    choosing_k_tab,
    compare_player_data,
    identical_tab,
    outcome_phrase,
    restarts_tab,
)
from views._em_controls import SEEDED
from views._urlstate import shown_labels

DEFAULT_PANELS = ["notes-a", "notes-b", "kmeans"]
#: The fixed starts whose three means stand in one column at x = -2.
COLUMN_STARTS = frozenset({"notes-a", "textbook-a"})
# Starts for panels added beyond the URL's list.
EXTRA_PANELS = ["random", "kmeans-pp", "random-resp", "random", "random", "random"]
MAX_SEED = 2**31 - 1

SCHEMA: dict[str, ui.Param] = {
    **{name: p for name, p in ui.EXPLORER.items() if name != "init"},
    # every panel plays the same window of 20 iterations by default
    "iters": ui.Param(20, "int", low=0, high=500),
    "tol": ui.Param(0.0, "float", low=0.0, high=1.0),
    "panels": ui.Param(DEFAULT_PANELS, "list", ui.INIT_CHOICES, low=2, high=cf.MAX_PANELS,
                       aliases=ui.INIT_ALIASES),
    "seeds": ui.Param(["0", "1", "2"], "list", low=1, high=cf.MAX_PANELS),
    "speed": ui.EXPLORER_EXTRA["speed"],
    **ui.EDIT_PARAMS,  # the explorer's points added or removed by hand
    "start": ui.EXPLORER_EXTRA["start"],
    "restarts": ui.Param(50, "int", low=2, high=200),
    "rinit": ui.Param("random", "choice", RESTART_INITS),
    "riters": ui.Param(200, "int", low=1, high=2000),
    "rtol": ui.Param(1e-5, "float", low=0.0, high=1.0),
}
#: The k control's help, worded for every run on the page.
K_HELP = N_("How many Gaussians every mixture on this page has.")
#: The EM controls' help, worded for every run on the page.
SHARED_HELP = {
    **ui.EM_HELP,
    "k": K_HELP,
    "iters": N_("Every run stops after this many iterations (E-step plus M-step) at most."),
    "tol": N_("A run stops when its NLL per point changes by less than this; 0 plays every "
              "iteration."),
    "reg": N_("Added to each covariance's diagonal so that no Gaussian collapses onto a "
              "point."),
}
TABS = (N_("Side by side"), N_("Restarts"), N_("Identical starts"), N_("Choosing k"))
_WRITTEN = "_compare_panels_written"  # (panels, seeds) this page last put in session state
_LAST_PANELS = "_compare_last_panels"  # the Panels of the last side by side that worked
PLAYER = "compare_player"  # the side by side runs, stepped together
#: The number of panels, offered when the panels are more work than a page computes at once.
PANELS = ui.Lever("n_panels", N_("panels"), ui.Setting.RUNS, lowest=2)


def _start_name(init: str) -> str:
    """A start's short label in the page's language, e.g. "notes B" for "notes-b"."""
    name = url_init(init)
    return _(GMM_START_LABELS.get(name, name)).split(" (")[0]


class Panel(NamedTuple):
    """One run of the side-by-side view."""

    request: ui.FitRequest
    title: str
    run: gmmviz.GMMRun


class Panels(NamedTuple):
    """The runs of the side-by-side view, and why the panels left out are."""

    panels: list[Panel]
    left_out: list[str]


# ----------------------------------------------------------------------------- controls
def _panels_follow_the_link(values: dict[str, Any]) -> None:
    """The panels' widgets (their number, starts and seeds) take the URL's values when a link
    was opened; otherwise widgets that were off screen get their values back."""
    panels = list(values["panels"])
    seeds, bad_seeds = [], []
    for text in values["seeds"]:
        try:
            seed = int(text)
        except ValueError:
            seed = -1
        if not 0 <= seed <= MAX_SEED:
            bad_seeds.append(text)
            seed = len(seeds)
        seeds.append(seed)
    seeds = (seeds + list(range(len(seeds), cf.MAX_PANELS)))[:len(panels)]
    from_link = st.session_state.get(_WRITTEN) != (values["panels"], values["seeds"])
    if from_link and bad_seeds:
        st.warning(_("The link's seeds {seeds} are not whole numbers from 0 to {max_seed}; "
                     "using the panel's number instead.").format(
                         seeds=", ".join(map(repr, bad_seeds)), max_seed=MAX_SEED),
                   icon=":material/link_off:")
    widgets = {"n_panels": len(panels)}
    for p, (init_name, seed) in enumerate(zip(panels, seeds, strict=True)):
        widgets.update({f"panel_init_{p}": init_name, f"panel_seed_{p}": seed})
    for key, value in widgets.items():
        if from_link or key not in st.session_state:
            st.session_state[key] = value


def _sidebar(values: dict[str, Any]) -> Shared:
    """The data (with the explorer's points added or removed by hand) and the EM settings
    every run shares, and the animation's speed."""
    with st.sidebar:
        st.header(_("Data"))
        X, description = _hands.linked_data(*ui.data_source_controls(), values)
        st.header(_("EM, shared by every run"))
        k = ui.k_control(_(K_HELP))
        settings = ui.settings_controls({name: _(text) for name, text in SHARED_HELP.items()})
        st.slider(_("Animation speed (ms per frame)"), min_value=50, max_value=3000, step=50,
                  key="speed", help=_("How long each half-step stays on screen while playing."))
    return Shared(X, description, k, settings)


def _title(shared: Shared) -> None:
    if ui.page_top(_("Compare starts: where EM begins decides where it ends")):
        return  # presentation mode: the panels first
    st.caption(_("**Data:** {data} · **k** = {k} · **covariance:** {cov}. EM only ever walks "
                 "downhill in NLL from its start, so different starts can end in different "
                 "local optima.").format(data=shared.description or _("none yet"),
                                         k=shared.n_components,
                                         cov=_(ui.COV_NAMES.get(
                                             shared.settings["covariance_type"],
                                             shared.settings["covariance_type"]))))


# ----------------------------------------------------------------------------- Side by side
def _side_by_side(shared: Shared, values: dict[str, Any]) -> list[str]:
    """Runs from the panels' starts in one animation, the lesson they teach, their NLL curves
    and a table. Returns the manual start's table for the URL."""
    # the panels first: their starts and seeds folded above them
    with st.expander(_starts_summary()):
        inits, seeds = _panel_controls()
    manual = None
    if "manual" in inits:
        with st.expander(_("Manual start (used by every panel set to manual)"), expanded=True):
            manual = ui.manual_start_editor(shared.n_components, shared.X, values["start"],
                                            key="compare_manual_table")
    start = manual.start if manual is not None else list(values["start"])
    if shared.X is None:
        return start
    requests = _panel_requests(shared, inits, seeds, manual)
    if not requests:
        st.error(_("No run could be drawn: change the settings named above."))
        return start
    work = ui.Work(
        (requests[0][1].size(len(requests)),), "|".join(r.key for _, r in requests), "panels",
        ui.with_points(ui.ITERATIONS, PANELS), runs=_("panels"),
        label=_("Running EM for every panel…"), reports=True)
    fitted, notice = ui.fit_or_last_good(_LAST_PANELS, lambda: _fit_panels(requests, work), work)
    ui.fit_notice(fitted, notice, stale=_("The panels show the last runs that worked; change "
                                          "the settings to update them."))
    if fitted is None:
        return start
    for text in fitted.left_out if notice is None else ():
        st.warning(text, icon=":material/warning:")
    panels = fitted.panels
    titles = tuple(p.title for p in panels)
    data = compare_player_data(tuple(p.request.key for p in panels), [p.run for p in panels],
                               titles, int(values["speed"]))
    _player.player({**data, "step": _player.view(PLAYER).step or 0}, key=PLAYER, url=False)
    verdict = outcomes.compare_starts([p.run for p in panels])
    _lesson(panels, verdict)
    if verdict.outcome is outcomes.StartsOutcome.APART:
        _run_on(panels, verdict)
    _nll_and_table(panels, verdict.best)
    ui.panels_export_buttons([p.run for p in panels], [p.title for p in panels],
                             shared.description)
    return start


def _starts_summary() -> str:
    """The fold's title: the panels' starts as they stand, e.g. "Starts: notes A · notes B ·
    k-means (seed 2)"."""
    n = int(st.session_state.get("n_panels", 3) or 3)
    names = []
    for p in range(n):
        init = st.session_state.get(f"panel_init_{p}")
        if init is None:
            return _("The panels' starts and seeds")
        seed = st.session_state.get(f"panel_seed_{p}")
        label = _start_name(init)
        names.append(_("{start} (seed {seed})").format(start=label, seed=seed)
                     if init in SEEDED else label)
    return _("Starts: {starts} — change them here").format(starts=" · ".join(names))


def _panel_controls() -> tuple[list[str], list[int]]:
    """The number of panels, and each panel's start and seed; the URL follows them."""
    n_panels = int(st.columns([1, 4])[0].number_input(
        _("Number of panels"), min_value=2, max_value=cf.MAX_PANELS, step=1, key="n_panels",
        help=_("How many runs to play side by side (2 to 6), each from its own start.")))
    for p in range(n_panels):
        if f"panel_init_{p}" not in st.session_state:  # a panel added just now
            st.session_state[f"panel_init_{p}"] = EXTRA_PANELS[p]
            st.session_state[f"panel_seed_{p}"] = p
    inits, seeds = [], []
    cols = st.columns({4: 2}.get(n_panels, min(n_panels, 3)))
    for p in range(n_panels):
        with cols[p % len(cols)]:
            # the start's name takes the column's width, so that none is cut short
            inits.append(st.selectbox(
                _("Start of panel {p}").format(p=p + 1), ui.INIT_CHOICES, key=f"panel_init_{p}",
                format_func=shown_labels(GMM_START_LABELS), help=ui.init_help()))
            a, b = st.columns([2, 3], vertical_alignment="center")
            seeds.append(int(a.number_input(
                _("Seed {p}").format(p=p + 1), min_value=0, max_value=MAX_SEED, step=1,
                key=f"panel_seed_{p}",
                help=_("Seeds this panel's random start (random, k-means and k-means++ "
                       "starts)."))))
            if start_values(inits[-1]) is not None:
                b.caption(start_values(inits[-1]))
    st.session_state["panels"] = inits
    st.session_state["seeds"] = [str(s) for s in seeds]
    st.session_state[_WRITTEN] = (inits, [str(s) for s in seeds])
    return inits, seeds


def _panel_requests(shared: Shared, inits: list[str], seeds: list[int],
                    manual: ui.ManualStart | None) -> list[tuple[str, ui.FitRequest]]:
    """Each panel's title and fit; a panel that cannot run is left out with a warning saying
    why, and a fixed start with k other than 3 says what it starts from instead."""
    requests, problems = [], []
    for p, (init_name, seed) in enumerate(zip(inits, seeds, strict=True)):
        title = _start_name(init_name)
        request = shared.request(init_name, seed)
        used = request.start
        if used.fell_back:
            problems.append(_("Panel {p} starts from {start}, and k is {k}.").format(
                p=p + 1, start=used.label, k=shared.n_components))
            title = _("{start} (for {title})").format(start=_start_name(used.init), title=title)
        if init_name == "manual":
            if manual is None or manual.values is None:
                problems.append(_("Panel {p}: the manual table is not usable, so the panel is "
                                  "left out.").format(p=p + 1))
                continue
            request = dataclasses.replace(request, manual_start=manual.values)
        if request.init in RESTART_INITS:
            title = _("{title} · seed {seed}").format(title=title, seed=seed)
        requests.append((f"{p + 1} · {title}", request))
    for text in problems:
        st.warning(text, icon=":material/warning:")
    return requests


def _fit_panels(requests: list[tuple[str, ui.FitRequest]], work: ui.Work) -> Panels:
    """Every panel's run, reporting to ``work`` after each; a panel that EM refuses is left
    out (saying why). Raises InputError when every panel is."""
    panels, left_out = [], []
    for i, (title, request) in enumerate(requests):
        run, notice = ui.fit_or_notice(request.fit)
        if notice is None:
            panels.append(Panel(request, title, run))
        else:
            left_out.append(_("Panel {title}: {reason}").format(title=title, reason=notice.text))
        work.progress(i + 1, len(requests))
    if not panels:
        raise gmmviz.InputError(_("No run could be drawn: {reasons}").format(
            reasons=" ".join(left_out)))
    return Panels(panels, left_out)


def _lesson(panels: list[Panel], verdict: outcomes.StartsVerdict) -> None:
    """Which run ends lowest and which highest."""
    best, worst = panels[verdict.best], panels[verdict.worst]
    if verdict.outcome is outcomes.StartsOutcome.SAME_END:
        st.markdown(_(
            "▶ **Play** moves every panel at once; a run that stopped early holds its last "
            "step. After at most {iters} iterations, **{best}** has the lowest NLL "
            "({best_nll}); every run reached practically the same NLL.").format(
                iters=best.request.max_iter, best=best.title,
                best_nll=num(verdict.final_nll[verdict.best])))
        return
    st.markdown(_(
        "▶ **Play** moves every panel at once; a run that stopped early holds its last step. "
        "After at most {iters} iterations, **{best}** has the lowest NLL ({best_nll}) and "
        "**{worst}** the highest ({worst_nll}, {gap} nats worse): same data, same model, same "
        "algorithm; only the start differs.").format(
            iters=best.request.max_iter, best=best.title,
            best_nll=num(verdict.final_nll[verdict.best]), worst=worst.title,
            worst_nll=num(verdict.final_nll[verdict.worst]), gap=num(verdict.gap)))


def _run_on(panels: list[Panel], verdict: outcomes.StartsVerdict) -> None:
    """The worst and the best run continued to convergence: a worse optimum, or a slower
    climb?"""
    best, worst = panels[verdict.best], panels[verdict.worst]
    ends = [dataclasses.replace(p.request, **outcomes.TO_CONVERGENCE) for p in (worst, best)]
    size = ends[0].size(2, animated=False)
    work = ui.Work((size,), ends[0].key + ends[1].key, "run_on",
                   what=_("Running {worst} and {best} on to convergence ({size} at "
                          "most)").format(worst=worst.title, best=best.title,
                                          size=budget.describe(size)),
                   label=_("Running two runs on to convergence…"), reports=True)

    def run_on() -> list[gmmviz.GMMRun]:
        runs = []
        for request in ends:
            runs.append(request.fit())
            work.progress(len(runs), len(ends))
        return runs

    converged, notice = ui.fit_or_notice(run_on, work)
    if notice is not None:
        notice.show()
        return
    end_worst, end_best = converged
    verdict = outcomes.compare_starts([p.run for p in panels], converged=(end_worst, end_best))
    nw, nb = verdict.converged_nll
    if verdict.outcome is outcomes.StartsOutcome.WORSE_OPTIMUM:
        text = _("Run to convergence, **{worst}** settles at NLL {worst_nll}, still above the "
                 "{best_nll} of **{best}**: it is stuck in a **worse local optimum**, not just "
                 "slower. Where EM starts decides which optimum it climbs to.").format(
                     worst=worst.title, worst_nll=num(nw), best_nll=num(nb), best=best.title)
    else:
        text = _("Run to convergence, **{worst}** reaches NLL {worst_nll}, like **{best}** "
                 "({best_nll}): here it was only a slower climb, not a worse optimum.").format(
                     worst=worst.title, worst_nll=num(nw), best_nll=num(nb), best=best.title)
    if worst.request.init in COLUMN_STARTS:
        text = _("**{worst}** puts all three means in a column at x = −2, at the left edge of "
                 "the data.").format(worst=worst.title) + " " + text
    st.info(text, icon=":material/school:")
    st.caption(_(
        "Run to convergence means until the NLL per point changes by less than {tol}. The "
        "explorer stops at its tolerance ({default} by default), a little before the optimum, "
        "so for the same start it can show an NLL a few hundredths higher.").format(
            tol=f"{outcomes.TO_CONVERGENCE['tol']:g}",
            default=f"{ui.EXPLORER['tol'].default:g}"))


def _nll_and_table(panels: list[Panel], best: int) -> None:
    """The runs' NLL curves overlaid, and a table with the best run marked."""
    runs, titles = [p.run for p in panels], [p.title for p in panels]
    colours = [cf.panel_color(i) for i in range(len(runs))]
    st.plotly_chart(cf.nll_overlay(runs, titles, colours, height=380),
                    key="nll_overlay", width="stretch", config={"displaylogo": False})
    table = pd.DataFrame({
        "run": titles,
        "final NLL": [r.nll[-1] for r in runs],
        "BIC": [selection.bic(r) for r in runs],
        "iterations": [r.n_iter_ for r in runs],
        "outcome": [outcome_phrase(r) for r in runs],
        "best": ["★" if i == best else "" for i in range(len(runs))],
    })
    classes = ui.true_classes(panels[0].request.X)
    if classes is not None:  # a real data set's species: how well each run recovers them
        table.insert(4, "ARI", [outcomes.adjusted_rand_index(classes.labels, r.labels_)
                                for r in runs])

    def row_style(row: pd.Series) -> list[str]:
        bg = "background-color: #fff1c2; font-weight: 700" if row.name == best else ""
        return [f"color: {colours[row.name]}; font-weight: 700" if c == "run" else bg
                for c in row.index]

    text, number = st.column_config.TextColumn, st.column_config.NumberColumn
    st.dataframe(
        table.style.apply(row_style, axis=1).format({"final NLL": num, "BIC": num,
                                                     "ARI": "{:.2f}"}),
        hide_index=True, width="stretch",
        column_config={
            "run": text(_("run"), help=_("The panel: its number, its start and its seed.")),
            "final NLL": number(_("final NLL"), width="small",
                                help=_("Negative log-likelihood at the run's last parameters "
                                       "(lower is better).")),
            "BIC": number(width="small",
                          help=_("2·NLL + p·log N: here it differs between runs only through "
                                 "the NLL, since k and the covariance type are shared.")),
            "iterations": number(_("iterations"), width="small"),
            "ARI": number(width="small",
                          help=_("Adjusted Rand index of the run's hard labels against the "
                                 "species (1: the species exactly, 0: no better than chance); "
                                 "the species are never given to EM.")),
            "outcome": text(_("outcome"),
                            help=_("Converged, ran every iteration, or why it stopped.")),
            "best": text(_("best"), width="small",
                         help=_("★ marks the run with the lowest final NLL.")),
        })
    st.caption(_("The highlighted row has the lowest final NLL. Each run's colour matches its "
                 "panel title and its NLL curve."))


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    _panels_follow_the_link(values)
    ui.page_element()
    shared = _sidebar(values)
    _title(shared)
    ui.tab_in_language("compare_tab", TABS)
    side, restarts, identical, choosing_k = st.tabs([_(t) for t in TABS], key="compare_tab",
                                                    on_change="rerun")
    start = list(values["start"])
    if side.open is not False:
        with side:
            start = _side_by_side(shared, values)
    if shared.X is not None and restarts.open is not False:
        with restarts:
            restarts_tab(shared, values)
    if shared.X is not None and identical.open is not False:
        with identical:
            identical_tab(shared, values)
    if shared.X is not None and choosing_k.open is not False:
        with choosing_k:
            choosing_k_tab(shared, values)
    if shared.X is None:
        st.info(_("Choose or upload data in the sidebar to start."), icon=":material/arrow_back:")

    values = ui.current_values(values, SCHEMA)
    values["start"] = start
    ui.sync_url(values, SCHEMA)


_page()
