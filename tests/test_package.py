"""The package itself: what ``import gmmviz`` loads, and its lazily loaded figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_import_gmmviz_loads_neither_plotly_nor_streamlit():
    done = _python("import gmmviz, sys; assert 'plotly' not in sys.modules; "
                   "assert 'streamlit' not in sys.modules; print(len(gmmviz.__all__))")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 20


def test_figures_load_on_first_use():
    done = _python(
        "import gmmviz, sys\n"
        "X, _ = gmmviz.datasets.textbook()\n"
        "run = gmmviz.fit_gmm(X, 3, init='textbook-b', reg_covar=0, max_iter=2, tol=0)\n"
        "fig = gmmviz.em_figure(run, X)\n"
        "assert 'plotly' in sys.modules\n"
        "html = gmmviz.figures.animation_html(fig)\n"
        "print(type(fig).__name__, len(fig.frames), '<html' in html.lower())\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Figure", "5", "True"]


def test_unknown_attribute_is_an_attribute_error():
    done = _python("import gmmviz\ntry:\n    gmmviz.no_such_name\nexcept AttributeError as e:\n"
                   "    print(e)\n")
    assert "no attribute 'no_such_name'" in done.stdout, done.stderr
