"""The chart's 复权 choice in the window (issue 17 §2): 前复权/后复权/不复权 from the chart's menu
(the Panes menu, also the right click), the chart's closes equal the arithmetic by definition
(the demo market's corporate actions), the choice in the title line and remembered; F8 and the
period buttons switch periods with the adjustment on."""
from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.demo_actions import forward_factors
from desktop_app.core.data.store import BarStore
from desktop_app.core.periods import resample
from desktop_app.ui.app_context import BackgroundRunner
from desktop_app.ui.stock_view import StockView


@pytest.fixture(scope="module")
def demo():
    return DemoSource(n_stocks=300)


@pytest.fixture(scope="module")
def stock(demo):
    return next(c for c in demo.universe()["symbol"] if len(demo.corporate_actions(c)) >= 2)


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
    qtbot.waitUntil(lambda: not v.runner.is_busy(v.adjust._key) and not v.runner.is_busy(v.periods._key)
                    and not v.chart.is_placeholder_shown(), timeout=15000)
    v.wait_idle()
    QTest.qWait(20)


def _open(qtbot, v, symbol):
    with qtbot.waitSignal(v.stock_loaded, timeout=15000):
        v.open_symbol(symbol)
    _settle(qtbot, v)


def _series(demo, code):
    """(qfq, raw, hfq) daily closes by the definition: raw = qfq / forward factor to the cent,
    hfq = raw × (qfq/raw) / (qfq/raw on the first day)."""
    qfq = demo.daily_bars(code).dropna(subset=["close"])
    f = forward_factors(pd.DatetimeIndex(qfq.index), demo.corporate_actions(code))
    raw = qfq.copy()
    for c in ("open", "high", "low", "close"):
        raw[c] = np.round(qfq[c].to_numpy() / f, 2)
    ratio = qfq["close"].to_numpy() / raw["close"].to_numpy()
    hfq = raw.copy()
    for c in ("open", "high", "low", "close"):
        hfq[c] = raw[c].to_numpy() * ratio / ratio[0]
    return qfq, raw, hfq


def _title(v) -> str:
    return v.chart.title_strips()["price"].full_text()


def test_adjustment_by_menu_gives_the_arithmetic_closes(qtbot, view, demo, stock):
    qfq, raw, hfq = _series(demo, stock)
    _open(qtbot, view, stock)
    assert view.adjust.kind() == "qfq" and view.adjust.actions["qfq"].isChecked()
    np.testing.assert_allclose(view.chart.data.close, qfq["close"].to_numpy())
    assert "Forward-adjusted" in _title(view)
    # the submenu sits in the chart's menu, which the right click opens too
    assert view.adjust.menu.menuAction() in view.chart_menu().actions()
    for kind, want, word in (("none", raw, "Unadjusted"), ("hfq", hfq, "Backward-adjusted"),
                             ("qfq", qfq, "Forward-adjusted")):
        view.adjust.actions[kind].trigger()
        _settle(qtbot, view)
        assert view.adjust.kind() == kind and view.adjust.actions[kind].isChecked()
        np.testing.assert_allclose(view.chart.data.close, want["close"].to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(view.chart.data.high, want["high"].to_numpy(), rtol=1e-12)
        assert word in _title(view)
        assert QSettings().value("chart/adjust") == kind
    # the series really differ on this stock (its ex-dates), and the volume is the same
    assert not np.allclose(raw["close"], qfq["close"]) and not np.allclose(hfq["close"], raw["close"])
    # the report stays forward-adjusted (scans and scores use forward-adjusted closes)
    ma60 = view.current_report().indicators["ma60"]
    assert ma60 == pytest.approx(float(qfq["close"].iloc[-60:].mean()))
    assert ma60 != pytest.approx(float(hfq["close"].iloc[-60:].mean()))


def test_shift_f8_cycles_the_adjustment(qtbot, view, demo, stock):
    qfq, raw, hfq = _series(demo, stock)
    _open(qtbot, view, stock)
    for kind, want in (("hfq", hfq), ("none", raw), ("qfq", qfq)):   # 前 → 后 → 不复权 → 前
        QTest.keyClick(view, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        _settle(qtbot, view)
        assert view.adjust.kind() == kind and view.adjust.actions[kind].isChecked()
        np.testing.assert_allclose(view.chart.data.close, want["close"].to_numpy(), rtol=1e-12)
    assert view.periods.period() == "day"          # Shift+F8 is not F8


def test_periods_by_key_and_buttons_with_the_adjustment_on(qtbot, view, demo, stock):
    _qfq, _raw, hfq = _series(demo, stock)
    _open(qtbot, view, stock)
    view.adjust.actions["hfq"].trigger()
    _settle(qtbot, view)
    QTest.keyClick(view, Qt.Key.Key_F8)            # 日K → 周K
    _settle(qtbot, view)
    weekly = resample(hfq, "week")
    assert view.periods.period() == "week" and view.chart.data.n == len(weekly)
    np.testing.assert_allclose(view.chart.data.close, weekly["close"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(view.chart.data.low, weekly["low"].to_numpy(), rtol=1e-12)
    assert "Weekly K" in _title(view) and "Backward-adjusted" in _title(view)
    view.periods.buttons["month"].click()
    _settle(qtbot, view)
    monthly = resample(hfq, "month")
    np.testing.assert_allclose(view.chart.data.close, monthly["close"].to_numpy(), rtol=1e-12)
    view.adjust.actions["none"].trigger()          # switching the adjustment keeps the period
    _settle(qtbot, view)
    assert view.periods.period() == "month"
    np.testing.assert_allclose(view.chart.data.close, resample(_raw, "month")["close"].to_numpy(), rtol=1e-12)


def test_minute_bars_say_they_are_unadjusted_whatever_the_choice(qtbot, view, demo, stock):
    """Minute bars come from the source unadjusted (akshare's are, whatever ``adjust`` says): on
    a minute period the title line says so, not the daily choice, and the support/resistance
    levels are the report's forward-adjusted prices (those traded on the recent days the minute
    bars cover), not moved into the 后复权 series."""
    from desktop_app.ui.stock_view import chart_levels

    _open(qtbot, view, stock)
    view.adjust.actions["hfq"].trigger()
    _settle(qtbot, view)
    report = [price for price, _k, _w in chart_levels(view.current_report())]
    moved = [price for price, _k, _w in view.chart._levels]
    assert report and moved != pytest.approx(report)        # 后复权 moved them on 日K
    view.periods.set_period("5m")
    _settle(qtbot, view)
    assert view.chart.data.intraday
    assert "Unadjusted" in _title(view) and "Backward-adjusted" not in _title(view)
    assert [price for price, _k, _w in view.chart._levels] == report
    # the daily choice is kept: back on 日K the chart is 后复权 again
    view.periods.set_period("day")
    _settle(qtbot, view)
    assert view.adjust.kind() == "hfq" and "Backward-adjusted" in _title(view)
    assert [price for price, _k, _w in view.chart._levels] == pytest.approx(moved)


def test_the_choice_is_remembered_and_an_index_ignores_it(qtbot, view, runner, demo):
    view.adjust.set_adjust("hfq")
    other = StockView(types.SimpleNamespace(source=demo, store=None, runner=runner))
    qtbot.addWidget(other)
    assert other.adjust.kind() == "hfq" and other.adjust.actions["hfq"].isChecked()
    _open(qtbot, view, "index:000300")
    assert view.chart.data.close[-1] == pytest.approx(float(demo.index_bars("000300")["close"].iloc[-1]))
    assert "adjusted" not in _title(view).lower()
