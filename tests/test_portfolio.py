"""Portfolio valuation equals a hand computation: market value, day change, floating P&L and %,
weights, totals, industry concentration, per-holding risk and the portfolio's drawdown."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.panel import Panel
from desktop_app.core.portfolio import quotes_from_spot, value_portfolio
from desktop_app.core.watch_store import Holding

HOLD = [Holding("600519", 100, 1500.0, "2024-01-02", 1), Holding("000001", 2000, 10.0, "", 2),
        Holding("000001", 1000, 12.0, "", 3)]
SPOT = pd.DataFrame({"symbol": ["600519", "000001", "300750"], "name": ["贵州茅台", "平安银行", "宁德时代"],
                     "last": [1600.0, 11.0, 200.0], "prev_close": [1550.0, 11.5, 190.0],
                     "high": [1610.0, 11.6, 201.0], "volume": [1e5, 1e6, 1e5]})
IND = {"600519": "白酒", "000001": "银行"}


def _panel():
    dates = pd.bdate_range("2024-06-03", periods=4, name="date")
    close = np.array([[1500, 1600, 1400, 1500], [10, 11, np.nan, 10]], dtype=float)
    return Panel(np.array(["600519", "000001"], dtype=object), dates, {"close": close})


def test_rows_and_totals_equal_a_hand_computation():
    v = value_portfolio(HOLD, quotes_from_spot(SPOT), IND, _panel())
    r = v.rows.set_index("id")
    assert list(r["market_value"]) == [160000.0, 22000.0, 11000.0]
    assert list(r["cost_value"]) == [150000.0, 20000.0, 12000.0]
    assert list(r["pnl"]) == [10000.0, 2000.0, -1000.0]
    assert r.loc[1, "pnl_pct"] == pytest.approx(10000 / 150000 * 100)
    assert r.loc[3, "pnl_pct"] == pytest.approx(-1000 / 12000 * 100)
    assert list(r["day_change"]) == [5000.0, -1000.0, -500.0]
    assert r.loc[1, "day_change_pct"] == pytest.approx((1600 / 1550 - 1) * 100)
    assert list(r["weight"]) == pytest.approx([160000 / 1930, 22000 / 1930, 11000 / 1930])
    assert list(r["name"]) == ["贵州茅台", "平安银行", "平安银行"]
    t = v.totals
    assert t["market_value"] == 193000.0 and t["cost_value"] == 182000.0 and t["pnl"] == 11000.0
    assert t["pnl_pct"] == pytest.approx(11000 / 182000 * 100)
    assert t["day_change"] == 3500.0
    assert t["day_change_pct"] == pytest.approx(3500 / (193000 - 3500) * 100)
    ind = v.by_industry.set_index("industry")
    assert list(ind.index) == ["白酒", "银行"]
    assert ind.loc["银行", "market_value"] == 33000.0
    assert ind.loc["白酒", "weight"] == pytest.approx(160000 / 1930)


def test_risk_and_drawdown_equal_a_hand_computation():
    v = value_portfolio(HOLD, quotes_from_spot(SPOT), IND, _panel())
    r = v.rows.set_index("id")
    rets = np.array([1600 / 1500 - 1, 1400 / 1600 - 1, 1500 / 1400 - 1])
    assert r.loc[1, "volatility"] == pytest.approx(rets.std(ddof=1) * math.sqrt(250) * 100)
    assert r.loc[1, "max_drawdown"] == pytest.approx((1400 / 1600 - 1) * 100)
    assert r.loc[2, "max_drawdown"] == pytest.approx((10 / 11 - 1) * 100)   # the suspended day skipped
    # value of today's quantities: 180000, 193000, 173000 (000001 carried at 11), 180000
    assert v.drawdown["current"] == pytest.approx((180000 / 193000 - 1) * 100)
    assert v.drawdown["max"] == pytest.approx((173000 / 193000 - 1) * 100)
    assert v.drawdown["days"] == 4


def test_a_holding_without_quote_is_left_out_of_the_totals():
    v = value_portfolio(HOLD + [Holding("688981", 10, 50.0, "", 4)], quotes_from_spot(SPOT), IND)
    assert v.totals["market_value"] == 193000.0 and v.totals["cost_value"] == 182000.0
    assert v.totals["unpriced"] == 1
    assert math.isnan(v.rows.set_index("id").loc[4, "market_value"])


def test_empty_portfolio():
    v = value_portfolio([], quotes_from_spot(SPOT))
    assert v.totals["market_value"] == 0.0 and len(v.rows) == 0
