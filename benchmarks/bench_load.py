"""Time load_points on a large upload against a plain pandas.read_csv.

Builds a two-column numeric CSV with a header in memory (1,000,000 rows by
default), then alternately times ``gmmviz.io.load_points`` and
``pandas.read_csv`` on the same bytes. Prints the median times and their ratio
as a markdown table.

    python benchmarks/bench_load.py [--rows 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from gmmviz.io import load_points  # noqa: E402


def make_csv(n_rows: int, seed: int = 0) -> bytes:
    """A CSV file "x,y" with ``n_rows`` rows of full-precision floats."""
    X = np.random.default_rng(seed).normal(size=(n_rows, 2)) * 3.0
    buf = io.StringIO()
    np.savetxt(buf, X, delimiter=",", header="x,y", comments="", fmt="%.17g")
    return buf.getvalue().encode("utf-8")


def time_once(fn, data: bytes) -> float:
    """Wall time of one call ``fn(BytesIO(data))``, in seconds."""
    start = time.perf_counter()
    fn(io.BytesIO(data))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    data = make_csv(args.rows)
    # Both must read the same numbers.
    ours, theirs = load_points(data), pd.read_csv(io.BytesIO(data))
    np.testing.assert_array_equal(ours.to_numpy(), theirs.to_numpy())

    times: dict[str, list[float]] = {"load_points": [], "pandas.read_csv": []}
    for _ in range(args.runs):
        times["load_points"].append(time_once(load_points, data))
        times["pandas.read_csv"].append(time_once(pd.read_csv, data))
    med = {name: statistics.median(t) for name, t in times.items()}

    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB, median of {args.runs} runs\n")
    print("| reader | median s |")
    print("| --- | --- |")
    for name, t in med.items():
        print(f"| {name} | {t:.3f} |")
    ratio = med["load_points"] / med["pandas.read_csv"]
    print(f"\nratio load_points / pandas.read_csv: {ratio:.2f}")


if __name__ == "__main__":
    main()
