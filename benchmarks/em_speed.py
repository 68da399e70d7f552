"""Time :func:`gmmviz.fit_gmm` against scikit-learn's GaussianMixture on the same data and start.

For every size N the data are ``make_blobs`` with 5 centres; both fits start from the same
weights, means (k-means++ seeds) and covariances (the data covariance), use full covariances,
``reg_covar=1e-6``, ``tol=0`` and run exactly the same number of iterations. Each timing is
repeated and the best (smallest) wall time is reported, with the ratio scikit-learn / gmmviz,
the same ratio of process CPU time (all threads; less sensitive to other load on a shared
machine) and the largest absolute difference between the two fits' final means.

fit_gmm limits BLAS to one thread while it runs (threadpoolctl); scikit-learn runs with its
default thread settings, as a user would call it, unless ``--sklearn-threads`` limits it too.

Run::

    python benchmarks/em_speed.py [--sizes 1000 10000 100000 200000] [--repeats 3] [--iters 20]
                                  [--sklearn-threads 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import kmeans_plusplus
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_info, threadpool_limits

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from gmmviz.em import fit_gmm  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000, 200_000)
N_COMPONENTS = 5
REG_COVAR = 1e-6


def shared_start(X: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal weights, k-means++ means and the data covariance, shapes (k,), (k, 2), (k, 2, 2)."""
    means, _ = kmeans_plusplus(X, k, random_state=seed)
    cov = np.cov(X.T, bias=True) + REG_COVAR * np.eye(2)
    return np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0)


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and process CPU time of one call in seconds (all threads), and its result."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def bench_size(n: int, n_iter: int, repeats: int, seed: int = 0,
               sklearn_threads: int | None = None) -> dict[str, float]:
    """Time both fits at one size; returns times in ms, their ratio and the means' difference."""
    X, _ = make_blobs(n_samples=n, centers=N_COMPONENTS, random_state=seed)
    weights, means, covariances = shared_start(X, N_COMPONENTS, seed)
    precisions = np.linalg.inv(covariances)

    def ours() -> np.ndarray:
        run = fit_gmm(X, N_COMPONENTS, covariance_type="full", weights_init=weights,
                      means_init=means, covariances_init=covariances, max_iter=n_iter, tol=0.0,
                      reg_covar=REG_COVAR)
        assert run.n_iter_ == n_iter, run.stop_reason
        return run.means_

    def theirs() -> np.ndarray:
        gm = GaussianMixture(n_components=N_COMPONENTS, covariance_type="full",
                             weights_init=weights, means_init=means,
                             precisions_init=precisions, max_iter=n_iter, tol=0.0,
                             reg_covar=REG_COVAR)
        with warnings.catch_warnings(), threadpool_limits(limits=sklearn_threads,
                                                          user_api="blas"):
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(X)
        assert gm.n_iter_ == n_iter
        return gm.means_

    ours()  # warm up imports and caches before timing
    wall = {"ours": np.inf, "theirs": np.inf}
    cpu = dict(wall)
    for _ in range(repeats):  # interleave so that machine noise hits both alike
        for name, fn in (("ours", ours), ("theirs", theirs)):
            t, c, m = timed(fn)
            wall[name], cpu[name] = min(wall[name], t), min(cpu[name], c)
            if name == "ours":
                m_ours = m
            else:
                m_theirs = m
    return {
        "n": n,
        "gmmviz_ms": 1e3 * wall["ours"],
        "sklearn_ms": 1e3 * wall["theirs"],
        "ratio": wall["theirs"] / wall["ours"],
        "cpu_ratio": cpu["theirs"] / cpu["ours"],
        "max_abs_diff": float(np.max(np.abs(np.asarray(m_ours) - np.asarray(m_theirs)))),
    }


def machine(sklearn_threads: int | None) -> list[str]:
    blas = sorted({f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
                   for i in threadpool_info() if i.get("user_api") == "blas"})
    limit = "its default" if sklearn_threads is None else f"limited to {sklearn_threads}"
    return [
        f"- os.cpu_count(): {os.cpu_count()}",
        f"- Python {platform.python_version()} on {platform.platform()}",
        f"- numpy {np.__version__}, scikit-learn {sklearn.__version__}",
        f"- BLAS: {', '.join(blas) or 'unknown'}; gmmviz uses 1 thread, scikit-learn {limit}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/em_speed.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="numbers of points N (default: 1000 10000 100000 200000)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timings per fit and size; the best is reported (default: 3)")
    parser.add_argument("--iters", type=int, default=20,
                        help="EM iterations per fit (default: 20)")
    parser.add_argument("--sklearn-threads", type=int, default=None,
                        help="limit scikit-learn's BLAS threads (default: its own setting)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.iters < 1 or min(args.sizes) < N_COMPONENTS:
        parser.error(f"--repeats and --iters must be at least 1 and every size at least "
                     f"{N_COMPONENTS}")

    print(f"fit_gmm vs GaussianMixture: K = {N_COMPONENTS}, full covariances, {args.iters} "
          f"iterations, tol = 0, same start; best of {args.repeats}\n")
    print("| N | gmmviz ms | scikit-learn ms | ratio | CPU-time ratio | max abs diff of means |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = bench_size(n, args.iters, args.repeats, sklearn_threads=args.sklearn_threads)
        print(f"| {r['n']:,} | {r['gmmviz_ms']:.1f} | {r['sklearn_ms']:.1f} | "
              f"{r['ratio']:.2f}x | {r['cpu_ratio']:.2f}x | {r['max_abs_diff']:.1e} |",
              flush=True)
    print()
    print("\n".join(machine(args.sklearn_threads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
