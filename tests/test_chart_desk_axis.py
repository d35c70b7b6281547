"""Issue 12 item 2, the time axis: the last month gets its label — at the right end of the axis
(slid inside it, not dropped), at narrow widths and zoomed out to quarters or years — and labels
never collide."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6 import QtGui  # noqa: I001  (PySide6 before pyqtgraph)


def hand_bars(n: int) -> pd.DataFrame:
    close = 10.0 + 0.1 * np.arange(n, dtype=float)
    return pd.DataFrame({"open": close - 0.05, "high": close + 0.2, "low": close - 0.25,
                         "close": close, "volume": 1e6}, index=pd.bdate_range("2020-01-02", periods=n))


def month_bars(n: int, last_month_bars: int) -> pd.DataFrame:
    """``n`` business days whose last ``last_month_bars`` fall in a new month."""
    end_prev = pd.Timestamp("2024-10-31")
    tail = pd.bdate_range("2024-11-01", periods=last_month_bars)
    head = pd.bdate_range(end=end_prev, periods=n - last_month_bars)
    df = hand_bars(n)
    df.index = pd.DatetimeIndex(head.append(tail), name="date")
    return df


@pytest.mark.parametrize("width,last_month_bars", [(1200, 2), (1200, 15), (700, 3), (400, 6)])
def test_last_month_has_its_axis_label(make_chart, width, last_month_bars):
    chart = make_chart(width, 600)
    chart.set_panes([])
    chart.set_bars(month_bars(300, last_month_bars), symbol="600000")
    chart.grab()
    axis = chart.volume_plot.getAxis("bottom")     # the lowest pane carries the time axis
    pic = QtGui.QPicture()
    p = QtGui.QPainter(pic)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(p)
    finally:
        p.end()
    labels = {s: r for r, _f, s in texts}
    assert "2024-11" in labels, labels
    assert axis.boundingRect().contains(labels["2024-11"])       # drawn, not cut at the edge
    rects = sorted(labels.values(), key=lambda r: r.left())
    assert all(a.right() <= b.left() for a, b in zip(rects, rects[1:]))   # labels do not collide
    # zoomed out over the whole history too (quarter or year labels): the latest month still shows
    chart.set_visible_range(0, 299)
    chart.grab()
    p = QtGui.QPainter(pic)
    try:
        texts = axis.generateDrawSpecs(p)[2]
    finally:
        p.end()
    assert "2024-11" in [s for _r, _f, s in texts]
