"""The squarified treemap layout against its definition: areas proportional to the values, tiles
inside the rectangle and not overlapping, aspect ratios near 1 on the paper's example."""
from __future__ import annotations

import itertools
import math

from hypothesis import given, settings, strategies as st

from desktop_app.core.treemap import squarify


def _overlap(a, b) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def test_the_papers_example_6_by_4():
    vals = [6, 6, 4, 3, 2, 2, 1]
    tiles = squarify(vals, 0, 0, 6, 4)
    for v, (x, y, w, h) in zip(vals, tiles):
        assert math.isclose(w * h, v, rel_tol=1e-9)
    # the paper's result: the first two tiles share a column of width 3 (3×2 each)
    assert [round(t[2], 6) for t in tiles[:2]] == [3.0, 3.0]
    assert max(max(w / h, h / w) for _, _, w, h in tiles) < 3.0


def test_input_order_is_kept_and_empty_values_get_empty_tiles():
    tiles = squarify([1, 0, float("nan"), 3, -2], 10, 20, 40, 10)
    assert tiles[1][2:] == (0.0, 0.0) and tiles[2][2:] == (0.0, 0.0) and tiles[4][2:] == (0.0, 0.0)
    assert math.isclose(tiles[0][2] * tiles[0][3], 100) and math.isclose(tiles[3][2] * tiles[3][3], 300)
    assert squarify([], 0, 0, 10, 10) == [] and squarify([1], 0, 0, 0, 10) == [(0, 0, 0.0, 0.0)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=40),
       st.floats(min_value=1, max_value=2000), st.floats(min_value=1, max_value=2000))
def test_tiles_fill_the_rectangle_without_overlap(vals, w, h):
    tiles = squarify(vals, 5, 7, w, h)
    total = sum(vals)
    for v, (x, y, tw, th) in zip(vals, tiles):
        assert math.isclose(tw * th, v / total * w * h, rel_tol=1e-6, abs_tol=1e-6 * w * h)
        assert x >= 5 - 1e-6 and y >= 7 - 1e-6 and x + tw <= 5 + w + 1e-6 * w and y + th <= 7 + h + 1e-6 * h
    for a, b in itertools.combinations(tiles, 2):
        assert _overlap(a, b) <= 1e-6 * w * h
