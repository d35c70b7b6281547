"""The squarified treemap layout (Bruls, Huizing, van Wijk 2000), for the market view's board
heat map: tiles whose areas are proportional to their values inside a rectangle, with aspect
ratios kept near 1 so that labels fit. No Qt.

``squarify(values, x, y, w, h)`` returns one ``(x, y, w, h)`` per value, in the input order;
zero, negative and non-finite values get an empty tile at the rectangle's corner."""
from __future__ import annotations

import math
from typing import Sequence

Rect = tuple[float, float, float, float]


def _worst(row: list[float], side: float) -> float:
    """The largest aspect ratio of ``row`` (areas) laid along a side of length ``side``."""
    s = sum(row)
    if s <= 0 or side <= 0:
        return math.inf
    hi, lo = max(row), min(row)
    return max(side * side * hi / (s * s), (s * s) / (side * side * lo))


def squarify(values: Sequence[float], x: float, y: float, w: float, h: float) -> list[Rect]:
    """Tiles for ``values`` inside the rectangle ``(x, y, w, h)``; see the module docstring."""
    n = len(values)
    out: list[Rect] = [(x, y, 0.0, 0.0)] * n
    good = [(float(v), i) for i, v in enumerate(values) if isinstance(v, (int, float)) and math.isfinite(v) and v > 0]
    if not good or w <= 0 or h <= 0:
        return out
    good.sort(key=lambda t: -t[0])               # largest first: the algorithm's premise
    total = sum(v for v, _ in good)
    scale = w * h / total
    areas = [(v * scale, i) for v, i in good]
    k = 0
    while k < len(areas):
        side = min(w, h)
        row = [areas[k][0]]
        j = k + 1
        while j < len(areas) and _worst(row + [areas[j][0]], side) <= _worst(row, side):
            row.append(areas[j][0])
            j += 1
        s = sum(row)
        last = j == len(areas)                   # the last row takes what is left exactly
        if w >= h:                               # a column on the left, as wide as it needs
            cw = w if last else s / h
            yy = y
            for a, (_, i) in zip(row, areas[k:j]):
                th = a / cw if cw > 0 else 0.0
                out[i] = (x, yy, cw, th)
                yy += th
            x, w = x + cw, w - cw
        else:                                    # a row on top
            rh = h if last else s / w
            xx = x
            for a, (_, i) in zip(row, areas[k:j]):
                tw = a / rh if rh > 0 else 0.0
                out[i] = (xx, y, tw, rh)
                xx += tw
            y, h = y + rh, h - rh
        k = j
    return out
