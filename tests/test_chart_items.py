"""Chart building blocks: BarData (cleaning, maps, extents, resampling, indicators), the items'
visible-slice drawing and the trading-day axis."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import synthetic_bars


from desktop_app.ui.chart.bar_data import BarData
from desktop_app.ui.chart.date_axis import TradingDateAxis


def make_bars(n: int, seed: int = 3) -> pd.DataFrame:
    return synthetic_bars(n, seed, "2015-01-05", base=10.0)


# ---------------------------------------------------------------------------- BarData
def test_cleaning_sorts_dedups_and_drops_nan_rows():
    bars = make_bars(20)
    shuffled = pd.concat([bars.iloc[10:], bars.iloc[:10], bars.iloc[[3]]])
    shuffled.iloc[5, shuffled.columns.get_loc("close")] = np.nan  # bars.index[15] suspended
    d = BarData(shuffled)
    assert d.n == 19
    assert list(d.dates) == list(bars.drop(bars.index[15]).index.values.astype("datetime64[D]"))
    assert d.index_of(bars.index[16]) == 15
    assert d.index_of(bars.index[15]) is None
    assert d.nearest_index(bars.index[15]) == 15
    assert d.date_of(0) == bars.index[0]


def test_visible_slice_and_extents():
    bars = make_bars(100)
    d = BarData(bars)
    assert d.visible_slice(9.5, 20.5) == (10, 20)
    assert d.visible_slice(-5, 500) == (0, 99)
    assert d.visible_slice(10.2, 10.4) == (10, 10)  # between centres: nearest bar
    lo, hi = d.price_range(10, 20)
    assert lo == bars["low"].iloc[10:21].min() and hi == bars["high"].iloc[10:21].max()
    assert d.volume_max(10, 20) == bars["volume"].iloc[10:21].max()


def test_up_colouring_a_share_convention():
    bars = make_bars(4)
    bars["open"] = [10.0, 10.0, 10.0, 10.0]
    bars["close"] = [11.0, 9.0, 10.0, 10.0]  # up, down, doji below prev close, flat doji
    bars["high"] = 12.0
    bars["low"] = 8.0
    d = BarData(bars)
    # third bar: close == open but below the previous close (9 -> 10 is up, so red)
    assert d.up.tolist() == [True, False, True, True]
    bars.loc[bars.index[2], ["open", "close"]] = 8.5
    assert BarData(bars).up.tolist()[2] is False  # doji below previous close 9.0: green


def test_resampling_keeps_extremes_and_sums_volume():
    bars = make_bars(10_000)
    d = BarData(bars)
    s = d.slice_for_drawing(1234, 9876, max_entries=500)
    assert s.bucket == int(np.ceil((9876 - 1234 + 1) / 500))
    assert len(s.x) <= 502
    b = s.bucket
    b0 = 1234 // b * b
    b1 = min(d.n, (9876 // b + 1) * b)
    # every visible bar is inside a drawn bucket, so its extremes survive
    assert s.high.max() == d.high[b0:b1].max() >= d.high[1234:9877].max()
    assert s.low.min() == d.low[b0:b1].min() <= d.low[1234:9877].min()
    assert s.volume.sum() == pytest.approx(d.volume[b0:b1].sum())
    # first bucket: open of its first bar, close of its last, max/min inside
    assert s.open[0] == d.open[b0] and s.close[0] == d.close[b0 + b - 1]
    assert s.high[0] == d.high[b0:b0 + b].max() and s.low[0] == d.low[b0:b0 + b].min()
    # panning by less than a bucket does not move bucket edges (no flicker)
    s2 = d.slice_for_drawing(1235, 9877, max_entries=500)
    common = np.intersect1d(s.x, s2.x)
    assert len(common) >= len(s.x) - 2
    # few bars: no resampling
    s3 = d.slice_for_drawing(100, 199, max_entries=500)
    assert s3.bucket == 1 and len(s3.x) == 100


def test_indicators_match_numpy_formulas():
    bars = make_bars(300)
    d = BarData(bars)
    ind = d.indicators()
    c = bars["close"].to_numpy()
    np.testing.assert_allclose(ind["ma10"][9:], np.convolve(c, np.ones(10) / 10, "valid"))
    assert np.isnan(ind["ma60"][:59]).all()
    np.testing.assert_allclose(ind["boll_mid"][19:], np.convolve(c, np.ones(20) / 20, "valid"))
    assert np.all(ind["boll_upper"][19:] >= ind["boll_mid"][19:])
    np.testing.assert_allclose(ind["macd"][50:], 2 * (ind["dif"][50:] - ind["dea"][50:]))
    r = ind["rsi"][20:]
    assert np.all((r >= 0) & (r <= 100))
    for k in ("dif", "dea", "macd", "k", "d", "j", "rsi"):
        assert ind[k].shape == c.shape


# ---------------------------------------------------------------------------- items in a chart
@pytest.fixture
def chart(make_chart):
    return make_chart(800, 600)


def test_items_draw_only_the_visible_slice(chart):
    bars = make_bars(3000)
    chart.set_bars(bars, symbol="600000")
    chart.set_visible_range(1000, 1100)
    chart.grab()
    s = chart.candles.last_slice
    assert s.bucket == 1
    assert s.x[0] >= 999 and s.x[-1] <= 1101 and len(s.x) <= 103
    assert chart.volume.last_slice.x[0] == s.x[0]


def test_items_resample_when_bars_outnumber_pixels(chart, qtbot):
    bars = make_bars(5000)
    chart.set_panes(["macd"])
    chart.set_bars(bars, symbol="600000")
    qtbot.waitUntil(chart.indicators_shown)
    chart.set_visible_range(0, 4999)
    chart.grab()
    s = chart.candles.last_slice
    width = chart.price_plot.getViewBox().width()
    assert s.bucket > 1 and len(s.x) <= width / 2 + 2
    assert s.high.max() == bars["high"].max() and s.low.min() == bars["low"].min()
    # indicator lines draw the visible slice, min/max per pixel column when zoomed far out
    ma = chart.overlays.ma_curves["ma5"]
    assert ma.last_slice.bucket > 1 and len(ma.points[0]) <= 2 * (width + 3)
    chart.set_visible_range(4000, 4099)
    chart.grab()
    assert ma.last_slice.bucket == 1 and len(ma.points[0]) <= 102
    chart.set_visible_range(0, 4999)
    chart.grab()
    # the volume pane fits the bucket sums it draws
    v = chart.volume.last_slice
    assert chart.volume_y_range()[1] >= v.volume.max()
    # the MACD histogram keeps the largest magnitude of each bucket
    hist = chart._pane_objs["macd"].hist
    m = chart.data.indicators()["macd"]
    pos, neg = hist._lines[True].ndarray(), hist._lines[False].ndarray()
    assert len(pos) + len(neg) == len(s.x)
    assert pos[:, 3].max() == pytest.approx(np.nanmax(m))
    assert neg[:, 3].min() == pytest.approx(np.nanmin(m))


def test_date_axis_ticks_on_trading_days():
    bars = make_bars(500)
    d = BarData(bars)
    axis = TradingDateAxis(lambda: d.dates)
    # ~250 bars over 1000 px: month starts, each a real bar's date
    (_, ticks), = axis.tickValues(199.5, 449.5, 1000)
    assert len(ticks) >= 5
    labels = axis.tickStrings(ticks, 1, 1)
    for t, lab in zip(ticks, labels):
        i = int(t)
        assert 200 <= i <= 449
        assert d.dates[i - 1].astype("datetime64[M]") != d.dates[i].astype("datetime64[M]")
        assert lab == str(d.dates[i])[:7]
    # zoomed in to 10 bars: day labels, at least 90 px apart
    (_, ticks), = axis.tickValues(99.5, 109.5, 1000)
    assert ticks and min(np.diff(ticks), default=99) * 100 >= 90
    # whole history on a small axis: year labels, and the latest month's start when there is room
    (_, ticks), = axis.tickValues(-0.5, 499.5, 300)
    labels = axis.tickStrings(ticks, 1, 1)
    assert all(len(s) == 4 for s in labels[:-1])
    last_month = int(np.nonzero(d.dates.astype("datetime64[M]") != d.dates[-1].astype("datetime64[M]"))[0][-1]) + 1
    assert labels[-1] == str(d.dates[-1])[:7] and ticks[-1] == last_month
    assert axis.tickValues(0, 10, 100) and TradingDateAxis(lambda: d.dates[:0]).tickValues(0, 1, 100) == []
