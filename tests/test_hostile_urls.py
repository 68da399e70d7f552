"""Every page opened by links with hostile values and fed uploads of extreme magnitude.

No exception, and a warning for what was not used.

Each page is opened by a new session whose URL sets every parameter any page knows to a
hostile value at once, rotating through the values so that each parameter meets each of them
on some page; a value that no parameter accepts must be named in a warning.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests._apptest import assert_ok, charts, open_app, page_path, text

PAGES = ("explorer", "compare", "kmeans", "limit", "lower_bound", "likelihood")

PARAMS = ("data", "n", "seed", "features", "k", "init", "cov", "iters", "tol", "reg", "levels",
          "speed", "density", "present", "start", "panels", "seeds", "restarts", "rinit", "riters",
          "rtol", "kinit", "eps", "weights", "regions", "w", "mu", "sigma", "half", "zoom",
          "add", "drop")

# Values no parameter accepts: each must be named in a warning where a page reads it.
INVALID = ("nan", "0x10", "inf", "1e309", "-1e309", "\x00", "%%", "9" * 400, "１２", "a;b",
           "<b>x</b>", "-", "1e-400x")


def _warnings(at) -> str:
    return text(at.warning) + "\n" + text(at.error)


def _open(page: str, query: dict[str, str]):
    """The page opened by a new session with ``query``, then rerun (as the browser asks once
    the figure has drawn); the warnings shown by either run."""
    at = open_app(page_path(page), query)
    shown = _warnings(at)
    at.run()
    assert_ok(at)
    return at, shown + "\n" + _warnings(at)


@pytest.mark.parametrize("round_", range(len(INVALID)))
@pytest.mark.parametrize("page", PAGES)
def test_every_parameter_hostile_at_once(page, round_):
    query = {name: INVALID[(round_ * 3 + j) % len(INVALID)] for j, name in enumerate(PARAMS)}
    at, shown = _open(page, query)
    # every parameter the page reads from its URL is named in a warning; the page still draws
    assert any(f"{name}=" in shown for name in PARAMS) and "not used" in shown, shown
    assert at.get("plotly_chart") or at.get("bidi_component"), "the page drew no figure"
    assert_ok(at)


@pytest.mark.parametrize("bad", ["a,b,c", "1,2", "nan,0,0,0,0,1,0,1,0", "inf", "1e309",
                                 "0x10", ",".join(["1"] * 9 + ["x"])])
def test_a_malformed_manual_start_is_named_in_a_warning(bad):
    at, shown = _open("explorer", {"init": "manual", "start": bad})
    assert "start" in shown, shown
    assert charts(at)


def test_lower_bound_with_zero_iterations_shows_the_start():
    at, shown = _open("lower_bound", {"iters": "0"})
    assert_ok(at, error=True)
    assert at.get("plotly_chart")


UPLOAD_PAGES = ("explorer", "compare", "kmeans", "limit", "lower_bound")


@pytest.mark.parametrize("scale", [1e200, 1e160, 1e-200, 1e-300, 1e300])
@pytest.mark.parametrize("page", UPLOAD_PAGES)
def test_an_upload_of_extreme_magnitude_fits_or_says_why(page, scale):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(40, 2)) - 3, rng.normal(size=(40, 2)) + 3]) * scale
    csv = "x,y\n" + "\n".join(f"{a:.17g},{b:.17g}" for a, b in X)
    at, _ = _open(page, {"data": "upload"})
    at.file_uploader(key="upload").set_value(("points.csv", csv.encode(), "text/csv")).run()
    assert_ok(at)
    assert "No column of numbers" not in text(at.error)  # the file itself was read
    if not at.error:
        assert charts(at), "no figure and no message"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.parametrize("round_", range(0, len(INVALID), 4))
@pytest.mark.parametrize("page", PAGES)
def test_hostile_values_in_korean_are_named_in_korean(page, round_):
    query = {name: INVALID[(round_ * 3 + j) % len(INVALID)] for j, name in enumerate(PARAMS)}
    at, shown = _open(page, {**query, "lang": "ko"})
    # the warnings name the values as typed, in Korean sentences; the page still draws
    assert any(f"{name}=" in shown for name in PARAMS), shown
    assert all(HANGUL.search(w) for w in shown.strip().splitlines() if w.strip()), shown
    assert at.get("plotly_chart") or at.get("bidi_component"), "the page drew no figure"


@pytest.mark.parametrize("page", UPLOAD_PAGES)
def test_an_upload_of_extreme_magnitude_says_why_in_korean(page):
    X = np.random.default_rng(0).normal(size=(80, 2)) * 1e-300
    csv = "x,y\n" + "\n".join(f"{a:.17g},{b:.17g}" for a, b in X)
    at, _ = _open(page, {"data": "upload", "lang": "ko"})
    at.file_uploader(key="upload").set_value(("points.csv", csv.encode(), "text/csv")).run()
    assert_ok(at)
    said = text(at.error) + text(at.warning) + text(at.info)
    assert charts(at) or HANGUL.search(said), said
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", said), said  # no English sentence
