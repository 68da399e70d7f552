"""The lower-bound page's zoom: the rows that show one iteration's climb, from a direct count."""

import pytest

import gmmviz
from gmmviz import InputError
from gmmviz.bound import bound_table, zoom_window
from gmmviz.datasets import textbook


@pytest.mark.parametrize("max_iter", [0, 1, 2, 5])
def test_the_window_holds_this_iteration_and_the_next(max_iter):
    X, _ = textbook()
    table = bound_table(gmmviz.fit_gmm(X, 3, init="textbook-b", max_iter=max_iter, tol=0))
    # rows: 0 = start, then E_t at 2t - 1 and M_t at 2t for t = 1..T
    for index in range(len(table)):
        it = max((index + 1) // 2, 1)
        last = min(2 * (it + 1), len(table) - 1)
        first = max(2 * it - 2, 0)
        expected = (0, 0) if max_iter == 0 else (first, last)
        assert zoom_window(table, index) == expected, (index, max_iter)
        lo, hi = zoom_window(table, index)
        assert lo <= index <= hi  # the half-step shown is always in its window


def test_a_row_outside_the_table_is_refused():
    X, _ = textbook()
    table = bound_table(gmmviz.fit_gmm(X, 3, init="textbook-b", max_iter=2))
    with pytest.raises(InputError):
        zoom_window(table, len(table))
