"""Time load_points on large uploads: against pandas.read_csv, and on the worst shapes.

1. Builds a two-column numeric CSV with a header in memory (1,000,000 rows by
   default), then alternately times ``gmmviz.io.load_points`` and
   ``pandas.read_csv`` on the same bytes. Prints the median times and their
   ratio as a markdown table.
2. Builds files of about 20 MB in the shapes that cost the most (very wide,
   one very long line, many short lines, huge integers, thousands separators,
   text after a numeric start, ...) and times ``load_points`` on each: it must
   decide (load, or refuse with an InputError) within 3 s. Prints each time,
   the outcome and whether it is within the bound.

    python benchmarks/bench_load.py [--rows 1000000] [--runs 5] [--mb 20] [--bound 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from gmmviz import InputError  # noqa: E402
from gmmviz.io import MAX_COLUMNS, load_points  # noqa: E402


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


def compare_with_pandas(n_rows: int, runs: int) -> None:
    data = make_csv(n_rows)
    # Both must read the same numbers.
    ours, theirs = load_points(data), pd.read_csv(io.BytesIO(data))
    np.testing.assert_array_equal(ours.to_numpy(), theirs.to_numpy())

    times: dict[str, list[float]] = {"load_points": [], "pandas.read_csv": []}
    for _ in range(runs):
        times["load_points"].append(time_once(load_points, data))
        times["pandas.read_csv"].append(time_once(pd.read_csv, data))
    med = {name: statistics.median(t) for name, t in times.items()}

    print(f"{n_rows:,} rows, {len(data) / 1e6:.1f} MB, median of {runs} runs\n")
    print("| reader | median s |")
    print("| --- | --- |")
    for name, t in med.items():
        print(f"| {name} | {t:.3f} |")
    ratio = med["load_points"] / med["pandas.read_csv"]
    print(f"\nratio load_points / pandas.read_csv: {ratio:.2f}")


# --- the worst shapes ---------------------------------------------------------


def _lines(line: str, size: int, head: str = "") -> bytes:
    """``head`` then ``line`` repeated to about ``size`` bytes."""
    return (head + line * max(1, (size - len(head)) // len(line))).encode("utf-8")


def _floats_line(n_values: int, sep: str = ",") -> str:
    values = np.random.default_rng(1).normal(size=n_values)
    return sep.join(f"{v:.6g}" for v in values) + "\n"


def _numbers_then(garbage: str, size: int) -> bytes:
    """1,000 lines of numbers, then ``garbage`` lines to ``size`` bytes."""
    start = "x,y\n" + "1.5,-2.25\n" * 1000
    return _lines(garbage, size, head=start)


def shapes(size: int) -> dict[str, Callable[[], bytes]]:
    """Files of about ``size`` bytes in the costliest shapes, built on demand."""
    digits = "9" * 300
    return {
        f"{MAX_COLUMNS:,} columns (widest allowed)": lambda: _lines(
            _floats_line(MAX_COLUMNS), size
        ),
        f"{5 * MAX_COLUMNS:,} short values a line": lambda: _lines(
            ",".join(["1.5"] * 5 * MAX_COLUMNS) + "\n", size
        ),
        "24,000 values a line": lambda: _lines(_floats_line(24_000), size),
        "lines of 16,000 tab-separated words": lambda: _lines(_WORDS, size),
        "mixed delimiters, 16,000 of each a line": lambda: _lines(
            "1;2\t3 4,5 " * 4_000 + "\n", size
        ),
        "one line": lambda: (",".join(["1.5"] * (size // 4))).encode(),
        "many short lines (1,2)": lambda: _lines("1,2\n", size),
        "many short lines, UTF-16": lambda: ("1,2\n" * (size // 8)).encode("utf-16"),
        "300-digit integers": lambda: _lines(f"{digits},-{digits}\n", size),
        "300-digit integers, a 310-digit one last": lambda: (
            _lines(f"{digits},-{digits}\n", size) + f"{digits}123456789,1\n".encode()
        ),
        "thousands separators 1 234,5;2 000,25": lambda: _lines(
            "1 234,5;-2 000,25\n", size, head="x;y\n"
        ),
        "numbers, then text": lambda: _numbers_then("abc,def\n", size),
        "numbers, then one bad cell per chunk": lambda: _numbers_then(
            "1.5,-2.25\n" * 99_999 + "oops,1\n", size
        ),
        "numbers with inf cells": lambda: _lines("1.5,inf\n2.5,3\n", size, head="x,y\n"),
        "numbers, then one very long line": lambda: _numbers_then(
            ",".join(["1.5"] * (size // 4)) + "\n", size
        ),
    }


# 16,000 words of two letters on a line of 48 KB, within the 64 KB sample.
_WORDS = "\t".join(f"w{i % 10}" for i in range(16_000)) + "\n"


def _decide(data: bytes) -> str:
    try:
        df = load_points(data)
    except InputError as e:
        return f"refused: {str(e)[:60]}…"
    return f"loaded {df.shape[0]:,} x {df.shape[1]}"


def time_shapes(size: int, bound: float) -> None:
    print(f"\nWorst shapes at about {size / 1e6:.0f} MB; bound {bound:g} s\n")
    print("| shape | MB | s | within bound | outcome |")
    print("| --- | --- | --- | --- | --- |")
    worst = 0.0
    for name, build in shapes(size).items():
        data = build()
        start = time.perf_counter()
        outcome = _decide(data)
        elapsed = time.perf_counter() - start
        worst = max(worst, elapsed)
        within = "yes" if elapsed <= bound else "NO"
        print(f"| {name} | {len(data) / 1e6:.1f} | {elapsed:.2f} | {within} | {outcome} |")
    print(f"\nslowest: {worst:.2f} s ({'within' if worst <= bound else 'OVER'} {bound:g} s)")

    # The file of the report that wide files were slow: two such lines, 96 KB.
    data = (_WORDS * 2).encode()
    start = time.perf_counter()
    outcome = _decide(data)
    print(
        f"\ntwo lines of 16,000 tab-separated words ({len(data) / 1e3:.0f} KB): "
        f"{time.perf_counter() - start:.3f} s, {outcome}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=20.0, help="size of the worst shapes")
    parser.add_argument("--bound", type=float, default=3.0, help="seconds allowed per shape")
    args = parser.parse_args()
    compare_with_pandas(args.rows, args.runs)
    time_shapes(int(args.mb * 1e6), args.bound)


if __name__ == "__main__":
    main()
