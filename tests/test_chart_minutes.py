"""Issue 17 §4–5 in the stock view: F8 reaches the minute periods in 通达信's order and the 分钟
menu picks them; the chart then shows core's minute bars (the demo's intraday paths, aggregated)
with times of day on its axis and read-out; an index says it has no minute bars. The 分时 view
(F9, the button, the Panes menu): its price, average and volume data equal an independent
computation from the 1-minute bars, centred on the previous close, and its time axis has no
lunch gap."""
from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.minute_bars import MINUTE_PERIODS
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.stock_view import StockView


@pytest.fixture(scope="module")
def demo():
    return DemoSource(n_stocks=120)


@pytest.fixture
def runner():
    r = BackgroundRunner()
    yield r
    r.shutdown(wait=True)


@pytest.fixture
def view(qtbot, runner, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    v = StockView(types.SimpleNamespace(source=demo, store=store, runner=runner))
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    yield v
    runner.wait(10)
    store.close()


def _settle(qtbot, v):
    qtbot.waitUntil(lambda: not v.runner.is_busy(v.periods._key) and not v.chart.is_placeholder_shown(),
                    timeout=15000)
    v.wait_idle()
    QTest.qWait(20)


def _open(qtbot, v, symbol):
    with qtbot.waitSignal(v.stock_loaded, timeout=15000):
        v.open_symbol(symbol)
    _settle(qtbot, v)


def _one_minute(demo, sym, days):
    """Independent 1-minute bars: the demo's daily bars' last ``days`` days, one path each."""
    from desktop_app.core.data.demo_minutes import day_path

    daily = demo.daily_bars(sym).dropna(subset=["close"]).tail(days)
    return pd.concat([day_path(sym, d, r.open, r.high, r.low, r.close, r.volume, r.amount)
                      for d, r in zip(daily.index, daily.itertuples())])


def _by_hand(m1, k):
    pos = m1.groupby(m1.index.normalize()).cumcount().to_numpy() // k
    key = m1.index.normalize().strftime("%Y%m%d").to_numpy().astype(object) + pos.astype(str)
    g = m1.groupby(key, sort=False)
    return pd.DataFrame({"open": g["open"].first(), "high": g["high"].max(), "low": g["low"].min(),
                         "close": g["close"].last(), "volume": g["volume"].sum()}).set_index(
        pd.DatetimeIndex(m1.index.to_series().groupby(key, sort=False).last().to_numpy()))


def test_f8_goes_on_to_the_minute_periods_in_tdx_order(qtbot, view, demo):
    sym = str(demo.universe()["symbol"].iloc[7])
    _open(qtbot, view, sym)
    view.periods.set_period("month")
    _settle(qtbot, view)
    seen = []
    for _ in range(6):
        QTest.keyClick(view, Qt.Key.Key_F8)
        _settle(qtbot, view)
        seen.append(view.periods.period())
        p = seen[-1]
        if p == "day":
            break
        days = {"1m": 5, "5m": 60, "15m": 60, "30m": 120, "60m": 250}[p]
        want = _by_hand(_one_minute(demo, sym, days), MINUTE_PERIODS[p])
        d = view.chart.data
        assert d.intraday and d.n == len(want)
        assert [pd.Timestamp(t) for t in d.dates] == list(want.index)
        np.testing.assert_array_equal(d.close, want["close"].to_numpy())
        np.testing.assert_array_equal(d.high, want["high"].to_numpy())
        np.testing.assert_array_equal(d.volume, want["volume"].to_numpy())
        assert view.periods.minute_button.isChecked() and view.periods.minute_actions[p].isChecked()
        assert view.periods.minute_button.text() == {"1m": "1 min", "5m": "5 min", "15m": "15 min",
                                                     "30m": "30 min", "60m": "60 min"}[p]
        # MA5 recomputed on these bars (the mean of the last five closes)
        ma5 = d.indicators()["ma5"]
        assert ma5[-1] == pytest.approx(want["close"].to_numpy()[-5:].mean())
    assert seen == ["1m", "5m", "15m", "30m", "60m", "day"]
    assert not view.periods.minute_button.isChecked() and view.periods.buttons["day"].isChecked()


def test_the_minute_menu_picks_a_period_and_the_axis_shows_times(qtbot, view, demo):
    sym = str(demo.universe()["symbol"].iloc[8])
    _open(qtbot, view, sym)
    view.periods.minute_actions["5m"].trigger()
    _settle(qtbot, view)
    assert view.periods.period() == "5m" and QSettings().value("chart/period") == "5m"
    d = view.chart.data
    view.chart.set_visible_range(d.n - 48, d.n - 1)            # the last day
    QTest.qWait(20)
    axis = view.chart._plots()[-1].getAxis("bottom")
    lo, hi = view.chart._plots()[-1].vb.viewRange()[0]
    (_, ticks), = axis.tickValues(lo, hi, axis.width() or 800)
    labels = axis.tickStrings(ticks, 1, 1)
    assert labels and all(len(s) == 5 for s in labels)         # HH:MM or MM-DD
    assert any(":" in s for s in labels)
    view.chart.move_cursor_to(d.n - 1)
    text = view.chart.readout_text("price")
    last = pd.Timestamp(d.dates[-1])
    assert last.strftime("%Y-%m-%d 15:00") in text
    # relative strength draws nothing on minute bars (an index's daily closes say nothing within a day)
    view.relative.set_choice("board")
    qtbot.waitUntil(lambda: bool(view.chart.compare_name()), timeout=15000)
    view.wait_idle()
    assert not np.isfinite(view.chart.compare_values()).any()
    assert not any(view.chart.compare_name() in t for t in view.chart.legend_texts())
    view.relative.set_choice("")
    # the minute bars were cached: a second view on the same store reads them back
    from desktop_app.core.minute_data import open_minute_store
    assert len(open_minute_store(demo).read(sym, "5m")) == d.n


def test_an_index_has_no_minute_bars(qtbot, view):
    view.periods.set_period("1m")
    with qtbot.waitSignal(view.stock_loaded, timeout=15000):
        view.open_symbol("index:000300")
    qtbot.waitUntil(lambda: "000300" in view.chart.placeholder_text() and not view.runner.is_busy(
        view.periods.minute_feed._key), timeout=15000)
    assert "no minute bars" in view.chart.placeholder_text()


# -- the 分时 view -----------------------------------------------------------------------------
def _wait_intraday(qtbot, view):
    qtbot.waitUntil(lambda: view.periods.intraday.intraday.has_day(), timeout=15000)
    view.wait_idle()


def test_f9_opens_the_intraday_view_with_independently_checked_lines(qtbot, view, demo):
    sym = str(demo.universe()["symbol"].iloc[9])
    _open(qtbot, view, sym)
    sw = view.periods.intraday
    QTest.keyClick(view, Qt.Key.Key_F9)
    _wait_intraday(qtbot, view)
    assert sw.is_shown() and sw.button.isChecked()
    iv = sw.intraday
    daily = demo.daily_bars(sym).dropna(subset=["close"])
    today = _one_minute(demo, sym, 1)                     # the last day's 240 minutes
    assert len(today) == 240
    x, price = iv.price_line.getData()
    _, avg = iv.avg_line.getData()
    np.testing.assert_array_equal(x, np.arange(1, 241))   # slots 1 … 240: no lunch gap
    np.testing.assert_array_equal(price, today["close"].to_numpy())
    want_avg = today["amount"].cumsum().to_numpy() / today["volume"].cumsum().to_numpy()
    np.testing.assert_allclose(avg, want_avg, rtol=1e-12)
    np.testing.assert_array_equal(iv.volume_bars.opts["height"], today["volume"].to_numpy())
    # centred on the previous day's close, symmetric
    prev = float(daily["close"].iloc[-2])
    assert iv.day.prev_close == prev
    lo, hi = iv.price_plot.vb.viewRange()[1]
    assert (lo + hi) / 2 == pytest.approx(prev) and hi >= max(price.max(), avg.max())
    levels = iv.y_levels()
    assert levels[len(levels) // 2] == pytest.approx(prev)
    pct = iv.pct_axis.tickStrings(levels, 1, 1)
    assert pct[len(pct) // 2] == "+0.00%" and pct[-1].startswith("+") and pct[0].startswith("-")
    st = iv.style_                                         # red above the previous close, green below
    assert [iv.pct_axis.color_of(t) for t in (pct[0], pct[len(pct) // 2], pct[-1])] == [st.down, st.foreground, st.up]
    prices = iv.price_axis.tickStrings(levels, 1, 1)
    assert [iv.price_axis.color_of(t) for t in (prices[0], prices[-1])] == [st.down, st.up]
    assert float(prices[len(prices) // 2]) == round(prev, 2)
    # the time axis: 09:30 … 15:00 over 240 slots, 11:30 and 13:00 on one tick
    assert iv.x_ticks() == [(0.0, "09:30"), (60.0, "10:30"), (120.0, "11:30/13:00"), (180.0, "14:00"),
                            (240.0, "15:00")]
    # the crosshair read-out of the minute 10:31 (slot 60)
    iv.move_cursor_to(60)
    r = iv.readout(60)
    bar = today.iloc[60]
    assert r["time"] == "10:31" and today.index[60].strftime("%H:%M") == "10:31"
    assert r["price"] == bar["close"] and r["volume"] == bar["volume"]
    assert r["avg"] == pytest.approx(today["amount"].iloc[:61].sum() / today["volume"].iloc[:61].sum())
    assert r["chg_pct"] == pytest.approx((bar["close"] / prev - 1) * 100)
    text = iv.readout_text()
    assert "10:31" in text and f"{bar['close']:.2f}" in text and f"{r['chg_pct']:+.2f}%" in text
    # the PNG export draws what is shown: a twin of the 分时 view with the same lines
    twin = view.periods.shown_clone()
    try:
        assert type(twin).__name__ == "IntradayView"
        np.testing.assert_array_equal(twin.price_line.getData()[1], price)
        np.testing.assert_array_equal(twin.avg_line.getData()[1], avg)
    finally:
        twin.deleteLater()
    assert not view.render_image(640, 400).isNull()
    # F9 again: back to the K-line; a K-line period choice also leaves the 分时 view
    QTest.keyClick(view, Qt.Key.Key_F9)
    assert not sw.is_shown()
    twin = view.periods.shown_clone()
    assert type(twin).__name__ == "ChartWidget"
    twin.deleteLater()
    sw.button.click()
    _wait_intraday(qtbot, view)
    assert sw.is_shown()
    view.periods.buttons["week"].click()
    assert not sw.is_shown()
    _settle(qtbot, view)


def test_the_intraday_view_follows_the_opened_stock_and_the_menu(qtbot, view, demo):
    a, b = (str(s) for s in demo.universe()["symbol"].iloc[10:12])
    _open(qtbot, view, a)
    sw = view.periods.intraday
    assert sw.action in view.panes_menu.actions()
    sw.action.trigger()
    _wait_intraday(qtbot, view)
    first = sw.intraday.price_line.getData()[1].copy()
    with qtbot.waitSignal(view.stock_loaded, timeout=15000):
        view.open_symbol(b)
    qtbot.waitUntil(lambda: sw.intraday.has_day() and b in sw.intraday.readout_text(), timeout=15000)
    view.wait_idle()
    np.testing.assert_array_equal(sw.intraday.price_line.getData()[1], _one_minute(demo, b, 1)["close"].to_numpy())
    assert not np.array_equal(first, sw.intraday.price_line.getData()[1])
    with qtbot.waitSignal(view.stock_loaded, timeout=15000):
        view.open_symbol("index:000300")
    qtbot.waitUntil(lambda: "000300" in sw.intraday.message(), timeout=15000)
    view.wait_idle()


class _LiveDemo(DemoSource):
    """The demo market posing as a live source (the 分时 view then refreshes itself)."""

    is_demo = False


def test_a_live_intraday_view_refreshes_while_shown(qtbot, runner, tmp_path, monkeypatch):
    from desktop_app.ui import intraday_switch

    calls = []
    real = intraday_switch.load_intraday
    monkeypatch.setattr(intraday_switch, "load_intraday", lambda *a: calls.append(a[1]) or real(*a))
    src = _LiveDemo(n_stocks=60)
    store = BarStore(tmp_path / "bars.sqlite")
    v = StockView(types.SimpleNamespace(source=src, store=store, runner=runner))
    qtbot.addWidget(v)
    v.show()
    try:
        sym = str(src.universe()["symbol"].iloc[3])
        _open(qtbot, v, sym)
        sw = v.periods.intraday
        sw.timer.setInterval(30)
        sw.set_shown(True)
        assert sw.timer.isActive()
        qtbot.waitUntil(lambda: len(calls) >= 3, timeout=15000)
        assert set(calls) == {sym} and sw.intraday.has_day()     # the day stays shown meanwhile
        sw.set_shown(False)
        assert not sw.timer.isActive()
        v.wait_idle()
    finally:
        runner.wait(10)
        store.close()


def test_words_follow_the_language(qtbot, view, demo):
    from desktop_app.ui import i18n

    sym = str(demo.universe()["symbol"].iloc[12])
    _open(qtbot, view, sym)
    view.periods.set_period("5m")
    _settle(qtbot, view)
    sw = view.periods.intraday
    sw.set_shown(True)
    _wait_intraday(qtbot, view)
    try:
        i18n.set_language("zh_CN")
        view.retranslate()
        assert view.periods.minute_button.text() == "5分钟" and sw.button.text() == "分时"
        assert sw.action.text() == "分时图（F9）"
        text = sw.intraday.readout_text()
        assert "分时" in text and "均价" in text and "演示数据" in text
    finally:
        i18n.set_language("en")
        view.retranslate()
    assert "Intraday" in sw.intraday.readout_text() and view.periods.minute_button.text() == "5 min"


def test_the_time_axis_labels_hours_and_days(qapp):
    from desktop_app.core.minute_bars import aggregate, session_stamps
    from desktop_app.ui.chart.bar_data import BarData
    from desktop_app.ui.chart.date_axis import TradingDateAxis

    stamps = session_stamps("2026-11-30").append(session_stamps("2026-12-01"))
    m1 = pd.DataFrame({c: 10.0 for c in ("open", "high", "low", "close", "volume")}, index=stamps)
    d = BarData(m1)
    assert d.intraday and d.dates.dtype == np.dtype("datetime64[m]")
    axis = TradingDateAxis(lambda: d.dates)
    (_, ticks), = axis.tickValues(239.5, 479.5, 800)               # the second day, 240 minutes
    labels = dict(zip((int(t) for t in ticks), axis.tickStrings(ticks, 1, 1)))
    assert labels[240] == "12-01"                                   # the day's first bar: its date
    assert {"10:00", "10:30", "11:00", "13:00", "14:00", "14:30"} <= set(labels.values())
    assert labels[240 + 120] == "13:00" and str(d.dates[360])[11:16] == "13:01"
    # 60-minute bars are labelled with their own stamps
    d60 = BarData(aggregate(m1.assign(amount=1.0), "60m"))
    axis60 = TradingDateAxis(lambda: d60.dates)
    (_, t60), = axis60.tickValues(-0.5, 7.5, 800)
    assert t60 == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]              # boundaries after the first bar
    assert axis60.tickStrings(t60, 1, 1) == ["11:30", "14:00", "15:00", "12-01", "11:30", "14:00", "15:00"]
