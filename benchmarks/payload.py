"""Size of what the explorer sends for a run: the step player's data and the animated EM
figure (st.plotly_chart, kept for notebooks and the HTML download), against a naive encoding.

Builds the figure of a 10,000-point, 50-iteration run (k=5, blobs, tol=0: 101 frames) with
:func:`gmmviz.figures.em_figure` and serialises it exactly as ``st.plotly_chart`` does
(``plotly.io.to_json(return_figure_from_figure_or_data(fig, True), validate=False)``).

The naive figure is built for real (same traces and layout) with frames as a straightforward
implementation writes them: every frame holds the complete state of its step, repeats the
points' x/y, gives each point a colour string ``"rgb(r,g,b)"`` (the same blended colour), and
has its floats as plain lists. It is serialised with the same encoder.

    python benchmarks/payload.py [--n 10000] [--iters 50] [--k 5]

The step player is measured in Korean too (``lang=ko``): its words go as JSON escapes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402
import plotly.tools  # noqa: E402

import gmmviz  # noqa: E402
from gmmviz.figures import em_figure  # noqa: E402
from gmmviz.figures._colors import codec  # noqa: E402
from gmmviz.figures.player import em_player, em_step_html  # noqa: E402
from gmmviz.i18n import language  # noqa: E402


def streamlit_spec(fig: go.Figure) -> str:
    """The JSON string st.plotly_chart puts in its protobuf (streamlit/elements/plotly_chart.py)."""
    return pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True), validate=False)


def naive_spec(fig: go.Figure, run: gmmviz.GMMRun) -> str:
    """JSON of the same figure with naive frames: every frame holds the complete state, with
    the points' x/y and one colour string per point, and floats as plain lists."""
    X = run.X
    cc = codec(run.n_components)
    i_pts = next(i for i, t in enumerate(fig.data) if (t.name or "").startswith("points"))
    by_name = {f.name: f for f in fig.frames}
    frames = []
    for fr in fig.frames:
        chain = [fr]  # resolve the base-frame chain as plotly.js does
        while chain[-1].baseframe:
            chain.append(by_name[chain[-1].baseframe])
        state: dict[int, dict] = {}
        layout: dict = {}
        for f in reversed(chain):
            layout.update(f.layout.to_plotly_json())
            for t, tr in zip(f.traces, f.data, strict=True):
                state.setdefault(t, {}).update(tr.to_plotly_json())
        data = []
        for t in sorted(state):
            tr = dict(state[t])
            if t == i_pts:
                rgb = cc.decode(np.asarray(tr["marker"]["color"]))
                tr["x"], tr["y"] = X[:, 0].tolist(), X[:, 1].tolist()
                tr["marker"] = {"color": [f"rgb({r:.0f},{g:.0f},{b:.0f})" for r, g, b in rgb]}
            for key in ("x", "y", "z"):
                if isinstance(tr.get(key), np.ndarray):
                    tr[key] = tr[key].astype(float).tolist()
            data.append(tr)
        frames.append({"name": fr.name, "data": data, "traces": sorted(state), "layout": layout})
    spec = fig.to_plotly_json()
    spec["frames"] = frames
    return pio.to_json(spec, validate=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="points (default 10000)")
    parser.add_argument("--iters", type=int, default=50, help="EM iterations (default 50)")
    parser.add_argument("--k", type=int, default=5, help="components (default 5)")
    args = parser.parse_args(argv)

    X, _ = gmmviz.datasets.make("blobs", n_samples=args.n, random_state=0)
    run = gmmviz.fit_gmm(X, args.k, tol=0.0, max_iter=args.iters, random_state=0)

    builds, cpu = [], []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        fig = em_figure(run)
        builds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    start = time.perf_counter()
    spec = streamlit_spec(fig)
    serialise = time.perf_counter() - start
    start = time.perf_counter()
    dens = streamlit_spec(em_figure(run, show_density=True))
    dens_build = time.perf_counter() - start

    naive = naive_spec(fig, run)
    # the step player's data, as its st.components.v2 element sends it (JSON): the figure, the
    # curve and a step panel for every half-step
    player = json.dumps({**em_player(run, X), "html": em_step_html(run, X)})
    player_dens = json.dumps({**em_player(run, X, density=True), "html": em_step_html(run, X)})
    with language("ko"):  # the same in Korean: its words as JSON escapes of Hangul
        player_ko = json.dumps({**em_player(run, X), "html": em_step_html(run, X)})

    mb = 1e6
    print(f"EM figure payload: {args.n} points, {run.n_iter_} iterations, k={args.k}, "
          f"{len(fig.frames)} frames\n")
    print("| figure | payload (MB) | vs naive |")
    print("| --- | ---: | ---: |")
    print(f"| em_figure (as st.plotly_chart sends it) | {len(spec) / mb:.2f} | "
          f"{len(spec) / len(naive):.3f} |")
    print(f"| em_figure, show_density=True | {len(dens) / mb:.2f} | "
          f"{len(dens) / len(naive):.3f} |")
    print(f"| the explorer's step player (em_player + em_step_html) | {len(player) / mb:.2f} | "
          f"{len(player) / len(naive):.3f} |")
    print(f"| the step player, density=True | {len(player_dens) / mb:.2f} | "
          f"{len(player_dens) / len(naive):.3f} |")
    print(f"| the step player in Korean (lang=ko) | {len(player_ko) / mb:.2f} | "
          f"{len(player_ko) / len(naive):.3f} |")
    print(f"| naive: x/y and a colour string per point in every frame | "
          f"{len(naive) / mb:.2f} | 1 |")
    print(f"\nnaive / em_figure = {len(naive) / len(spec):.1f}x; contract: "
          f"em_figure <= 3 MB ({'met' if len(spec) <= 3_000_000 else 'NOT met'})")
    print(f"build time em_figure: median {sorted(builds)[1]:.2f} s wall, "
          f"{sorted(cpu)[1]:.2f} s CPU, of 3 (min {min(builds):.2f} s wall; the machine is "
          f"shared, CPU time is the steadier figure); serialisation {serialise:.2f} s; "
          f"with density build+serialise {dens_build:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
