"""π labels in headless Chromium: no two overlap, none covers a mean, and a label with no free
place is listed under the figure instead, at k = 10 and where the notes' start A piles the
means up."""

from __future__ import annotations

import pytest

from tests._server import (
    open_page,
    player_js,
    player_step,
    wait_for_player,
    wait_for_player_step,
    wait_for_streamlit_idle,
)

pytestmark = pytest.mark.browser

# The labels' boxes and the means' boxes (diamonds), in the canvas' pixels, and the labels
# listed under the figure for want of room.
_BOXES = f"""() => {{
  const p = {player_js()};
  const P = p.panels[0];
  const wrap = P.wrap.getBoundingClientRect();
  const labels = Array.from(P.labels.querySelectorAll('.gp-pi')).map(e => {{
    const r = e.getBoundingClientRect();
    return [r.left - wrap.left, r.top - wrap.top, r.right - wrap.left, r.bottom - wrap.top];
  }});
  const means = P.spec.means[P.spec.ei[p.step]].filter(m => m).map(m => {{
    const r = P.meanRadius(m[2]);
    return [P.map.px(m[0]) - r, P.map.py(m[1]) - r, P.map.px(m[0]) + r, P.map.py(m[1]) + r];
  }});
  return {{labels, means, listed: (P.hiddenLabels || []).length,
           k: P.spec.colors.length}};
}}"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and a[2] > b[0] + 0.5 and a[1] < b[3] - 0.5 and a[3] > b[1] + 0.5


@pytest.mark.parametrize(("query", "steps"), [
    ("?data=noise&k=10&init=kmeans-pp&iters=30", (0, 1, 2, 10)),
    ("?init=notes-a&iters=20&tol=0", (1, 2)),
])
def test_pi_labels_never_collide(browser, app_url, query, steps):
    page, errors = open_page(browser, app_url + "/" + query, timeout=90_000)
    try:
        wait_for_player(page)
        wait_for_streamlit_idle(page, timeout=60_000)
        for step in steps:
            while player_step(page) < step:
                page.keyboard.press("ArrowRight")
            wait_for_player_step(page, step)
            boxes = page.evaluate(_BOXES)
            labels, means = boxes["labels"], boxes["means"]
            # every component's π is shown: on the figure or in the list under it
            assert len(labels) + boxes["listed"] == boxes["k"], boxes
            for i, a in enumerate(labels):
                for b in labels[i + 1:]:
                    assert not _overlap(a, b), (step, a, b)
                for m in means:
                    assert not _overlap(a, m), (step, a, m)
        assert not errors
    finally:
        page.close()
