"""Issue 17 in the window: F8 and the 日K/周K/月K buttons switch the chart's period (bars equal
core's resample, markers recomputed on the period's bars, remembered); quick open finds indexes
by code, name and alias and tells 上证指数 from 平安银行 000001; an index opens as an index chart
with its members' breadth; the relative-strength overlay is the index normalised to the first
visible bar."""
from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.index_data import index_breadth
from desktop_app.core.periods import period_signal_dates, resample
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.quick_open import QuickOpenDialog
from desktop_app.ui.stock_view import StockView


class WithPingAn(DemoSource):
    """The demo market plus a stock 000001 平安银行 (the demo leaves famous codes out), whose bars
    are another stock's: enough to tell it from the index 000001."""

    def universe(self):
        uni = super().universe()
        row = uni.iloc[[0]].assign(symbol="000001", name="平安银行", exchange="SZ", board="sz_main")
        return pd.concat([row, uni], ignore_index=True)

    def daily_bars(self, symbol, start=None, end=None):
        if str(symbol) == "000001":
            return super().daily_bars(str(super().universe()["symbol"].iloc[0]), start, end)
        return super().daily_bars(symbol, start, end)


@pytest.fixture(scope="module")
def demo():
    return WithPingAn(n_stocks=300)


@pytest.fixture
def runner():
    r = BackgroundRunner()
    yield r
    r.shutdown(wait=True)


@pytest.fixture
def view(qtbot, runner, demo, tmp_path):
    store = BarStore(tmp_path / "bars.sqlite")
    ctx = types.SimpleNamespace(source=demo, store=store, runner=runner)
    v = StockView(ctx)
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    yield v
    runner.wait(10)
    store.close()


def _open(qtbot, v, symbol):
    with qtbot.waitSignal(v.stock_loaded, timeout=15000):
        v.open_symbol(symbol)
    _settle(qtbot, v)


def _settle(qtbot, v):
    qtbot.waitUntil(lambda: not v.runner.is_busy(v.periods._key) and not v.chart.is_placeholder_shown(),
                    timeout=15000)
    v.wait_idle()
    QTest.qWait(20)


def _dates(v):
    return [pd.Timestamp(d) for d in v.chart.data.dates]


def test_f8_cycles_day_week_month_and_the_bars_are_cores_resample(qtbot, view, demo):
    sym = str(demo.universe()["symbol"].iloc[5])
    _open(qtbot, view, sym)
    daily = demo.daily_bars(sym).dropna(subset=["close"])
    assert view.periods.period() == "day" and view.chart.data.n == len(daily)
    seen = []
    for want in ("week", "month"):       # then 1分钟 … 60分钟 (tests/test_chart_minutes.py)
        QTest.keyClick(view, Qt.Key.Key_F8)
        _settle(qtbot, view)
        seen.append(view.periods.period())
        frame = resample(daily, want)
        assert view.chart.data.n == len(frame)
        assert _dates(view) == list(frame.index)
        np.testing.assert_allclose(view.chart.data.close, frame["close"].to_numpy())
        np.testing.assert_allclose(view.chart.data.high, frame["high"].to_numpy())
        assert view.periods.buttons[want].isChecked()
    assert seen == ["week", "month"]
    # weekly markers are the presets' signals on the weekly bars (names from the daily report)
    view.periods.buttons["week"].click()
    _settle(qtbot, view)
    weekly = period_signal_dates(resample(daily, "week"), sym)
    shown = view.chart.markers()
    rep = view.current_report()
    from desktop_app.core.strategies import STRATEGIES
    for sid in {s["id"] for s in rep.recent_signals}:
        name = STRATEGIES[sid].name_en
        assert sorted(shown.get(name, [])) == sorted(weekly.get(sid, []))
    assert QSettings().value("chart/period") == "week"


def test_the_period_is_remembered_by_a_new_view(qtbot, view, runner, demo, tmp_path):
    view.periods.set_period("month")
    other = StockView(types.SimpleNamespace(source=demo, store=None, runner=runner))
    qtbot.addWidget(other)
    assert other.periods.period() == "month" and other.periods.buttons["month"].isChecked()


def test_quick_open_finds_indexes_and_tells_000001_apart(qtbot, view, runner, demo):
    dlg = QuickOpenDialog(types.SimpleNamespace(source=demo, runner=runner))
    qtbot.addWidget(dlg)
    dlg.symbol_chosen.connect(view.open_symbol)
    with qtbot.waitSignal(dlg.index_ready, timeout=15000):
        dlg.open_with("")
    for query in ("沪深300", "hs300", "000300"):
        dlg.edit.setText(query)
        assert dlg.matches()[0] == ("index:000300", "沪深300"), query
    dlg.edit.setText("000001")
    rows = [dlg.list.item(i).text() for i in range(dlg.list.count())]
    assert dlg.matches()[:2] == [("000001", "平安银行"), ("index:000001", "上证指数")]
    assert rows[0].split() == ["000001", "平安银行", "Stock"] and rows[1].split() == ["sh000001", "上证指数", "Index"]
    dlg.edit.setText("sh000001")
    assert dlg.matches()[0] == ("index:000001", "上证指数")

    # the stock: its bars and report
    dlg.edit.setText("000001")
    with qtbot.waitSignal(view.stock_loaded, timeout=15000):
        QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    _settle(qtbot, view)
    assert view.current_symbol() == "000001" and view.current_report().name == "平安银行"
    np.testing.assert_allclose(view.chart.data.close, demo.daily_bars("000001")["close"].dropna().to_numpy())
    assert view.panel.isVisibleTo(view) and not view.breadth.isVisibleTo(view)

    # the index, chosen with ↓: its bars, no score, the breadth panel instead
    dlg.open_with("000001")
    QTest.keyClick(dlg.edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.stock_loaded, timeout=15000):
        QTest.keyClick(dlg.edit, Qt.Key.Key_Return)
    _settle(qtbot, view)
    assert view.current_symbol() == "index:000001" and view.current_report() is None
    np.testing.assert_allclose(view.chart.data.close, demo.index_bars("000001")["close"].to_numpy())
    assert view.chart.symbol() == "sh000001" and "上证指数" in view.title_label.text()
    assert view.breadth.isVisibleTo(view) and not view.panel.isVisibleTo(view)


def test_index_chart_shows_its_members_breadth(qtbot, view, demo):
    _open(qtbot, view, "index:000300")
    want = index_breadth("000300", demo, view.ctx.store)
    v = view.breadth.values
    assert v["up"].text() == str(want.up) and v["down"].text() == str(want.down)
    assert v["flat"].text() == str(want.flat)
    assert v["ma20"].text().startswith(f"{want.above_ma20 * 100:.1f}%")
    assert v["ma60"].text().startswith(f"{want.above_ma60 * 100:.1f}%")
    assert v["members"].text() == f"{want.with_bars} / {want.members}" and want.members == len(demo.index_members("000300"))
    # the store keeps the index under its own key, beside the stocks
    assert "index:000300" in view.ctx.store and "index:000300" not in view.ctx.store.symbols()
    # weekly works on an index too
    view.periods.set_period("week")
    _settle(qtbot, view)
    assert _dates(view) == list(resample(demo.index_bars("000300"), "week").index)


def test_relative_strength_is_the_index_over_its_first_visible_close(qtbot, view, demo):
    sym = str(demo.universe()["symbol"].iloc[7])
    view.relative.set_choice("000300")
    _open(qtbot, view, sym)
    qtbot.waitUntil(lambda: view.chart.compare_name() == "沪深300", timeout=15000)
    assert QSettings().value("chart/compare") == "000300"

    def check():
        d = view.chart.data
        i0, i1 = view.chart.visible_range()
        index = demo.index_bars("000300")["close"]
        want = index.reindex(pd.DatetimeIndex(d.dates)).to_numpy()   # the stock's dates are index days
        got = view.chart.compare_values()
        np.testing.assert_allclose(got[i0:i1 + 1] / d.close[i0], want[i0:i1 + 1] / want[i0], rtol=1e-12)
        assert got[i0] == pytest.approx(d.close[i0])

    check()
    view.chart.set_visible_range(40, 160)         # a pan re-normalises to the new first bar
    QTest.qWait(20)
    check()
    assert "沪深300" in view.chart.legend_texts()
    view.relative.set_choice("")
    assert view.chart.compare_name() == "" and len(view.chart.compare_values()) == 0
