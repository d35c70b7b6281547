"""The market overview (core/market.py) on hand-made bars: limits on every board, rounding edges,
ST, ChiNext before/after 2020-08-24, new listings, 连板 across a suspension, 炸板, breadth."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.market import MarketError, overview_of_panel
from desktop_app.core.panel import Panel

CODES = {"sh_main": "600001", "sz_main": "000001", "chinext": "300001", "star": "688001", "bse": "920001"}


def make(rows: dict[str, dict], dates, listed=None, st=()) -> tuple[Panel, pd.DataFrame]:
    """A panel from {code: {"close": [...], "high": [...]?}} (NaN = no bar) and its universe."""
    dates = pd.DatetimeIndex(pd.to_datetime(dates), name="date")
    codes = list(rows)
    close = np.array([rows[c]["close"] for c in codes], dtype=float)
    high = np.array([rows[c].get("high", rows[c]["close"]) for c in codes], dtype=float)
    fields = {"open": close.copy(), "high": high, "low": close.copy(), "close": close,
              "volume": np.where(np.isfinite(close), 1e6, np.nan), "amount": np.where(np.isfinite(close), 1e7, np.nan),
              "turnover": np.where(np.isfinite(close), 1.0, np.nan)}
    from desktop_app.core.symbols import board_of
    uni = pd.DataFrame({"symbol": codes, "name": [("ST" if c in st else "") + "股" + c for c in codes],
                        "exchange": "", "board": [board_of(c) for c in codes], "industry": "行业A",
                        "listed_date": [(listed or {}).get(c, pd.Timestamp("2000-01-04").date()) for c in codes],
                        "is_st": [c in st for c in codes]})
    return Panel(np.array(codes, dtype=object), dates, fields), uni


def status(res, code: str) -> str:
    return res.stocks.set_index("symbol").loc[code, "status"]


DAYS = pd.bdate_range("2024-03-01", periods=3)


@pytest.mark.parametrize("board,limit_close,below", [
    ("sh_main", 11.00, 10.99), ("sz_main", 11.00, 10.99), ("chinext", 12.00, 11.99),
    ("star", 12.00, 11.99), ("bse", 13.00, 12.99)])
def test_limit_up_on_each_board_and_one_tick_below(board, limit_close, below):
    code = CODES[board]
    twin = code[:-1] + "2"
    panel, uni = make({code: {"close": [9.5, 10.0, limit_close]}, twin: {"close": [9.5, 10.0, below]}}, DAYS)
    res = overview_of_panel(panel, uni)
    assert status(res, code) == "limit_up" and status(res, twin) == "normal"
    assert res.counts["limit_up"] == 1 and [x["symbol"] for x in res.ladder] == [code]
    down = make({code: {"close": [9.5, 10.0, round(20.0 - limit_close, 2)]}}, DAYS)
    assert overview_of_panel(*down).counts["limit_down"] == 1


def test_rounding_edges_of_the_limit_price():
    # 10.05 × 1.1 = 11.055 → 11.06 (half up): 11.05 (+9.95 %, "limit-up" to a 9.9 % rule) is not
    # BSE 1.65 × 0.7 = 1.155 → 1.16 (a float product says 1.15 and misses it)
    panel, uni = make({"600001": {"close": [10.0, 10.05, 11.06]}, "600002": {"close": [10.0, 10.05, 11.05]},
                       "920001": {"close": [1.6, 1.65, 1.16]}, "000001": {"close": [9.0, 9.95, 10.95]}}, DAYS)
    res = overview_of_panel(panel, uni)
    assert status(res, "600001") == "limit_up" and status(res, "600002") == "normal"
    assert status(res, "920001") == "limit_down"
    assert status(res, "000001") == "limit_up"                              # 9.95 × 1.1 = 10.945 → 10.95
    s = res.stocks.set_index("symbol")
    assert s.loc["600001", "limit_up_price"] == 11.06 and s.loc["920001", "limit_down_price"] == 1.16


def test_st_main_board_at_five_percent_and_st_chinext_at_twenty():
    panel, uni = make({"600001": {"close": [4.0, 4.0, 4.20]}, "600002": {"close": [4.0, 4.0, 4.19]},
                       "300001": {"close": [4.0, 4.0, 4.80]}, "300002": {"close": [4.0, 4.0, 4.20]}},
                      DAYS, st=("600001", "600002", "300001", "300002"))
    res = overview_of_panel(panel, uni)
    assert [status(res, c) for c in ("600001", "600002", "300001", "300002")] == \
        ["limit_up", "normal", "limit_up", "normal"]
    assert {r["board"]: r["st_limit"] for r in res.rules}["sh_main"] == 0.05


def test_chinext_before_and_after_2020_08_24():
    days = ["2020-08-20", "2020-08-21", "2020-08-24"]
    rows = {"300001": {"close": [10.0, 11.0, 13.2]}, "300002": {"close": [10.0, 11.0, 12.1]}}
    panel, uni = make(rows, days)
    before = overview_of_panel(panel, uni, "2020-08-21")
    assert before.counts["limit_up"] == 2 and {r["board"]: r["limit"] for r in before.rules}["chinext"] == 0.10
    after = overview_of_panel(panel, uni, "2020-08-24")
    assert status(after, "300001") == "limit_up" and status(after, "300002") == "normal"   # +10 % is no longer
    assert after.ladder[0]["days"] == 2                  # 10 % on the 21st, 20 % on the 24th: two in a row


def test_new_listing_first_days_have_no_limit():
    days = pd.bdate_range("2024-03-01", periods=8)
    listed = {"300009": days[1].date(), "600009": days[1].date()}
    px = [np.nan, 10.0, 12.0, 14.4, 17.28, 20.74, 24.89, 29.87]           # +20 % a day from day 2
    main = [np.nan, 10.0, 11.0, 12.1, 13.31, 14.64, 16.1, 17.71]
    panel, uni = make({"300009": {"close": px}, "600009": {"close": main}, "600001": {"close": [10.0] * 8}},
                      days, listed=listed)
    first = overview_of_panel(panel, uni, days[1])
    assert status(first, "300009") == "new" and first.counts["new"] == 2 and first.counts["counted"] == 1
    assert overview_of_panel(panel, uni, days[5]).counts["limit_up"] == 0     # days 1–5: no limit
    sixth = overview_of_panel(panel, uni, days[6])
    assert status(sixth, "300009") == "limit_up" and status(sixth, "600009") == "limit_up"
    assert [x["days"] for x in sixth.ladder] == [1, 1]                     # the run starts after the free days
    assert overview_of_panel(panel, uni, days[7]).ladder[0]["days"] == 2


def test_a_suspension_inside_a_run_does_not_break_it():
    days = pd.bdate_range("2024-03-01", periods=7)
    rows = {"600001": {"close": [10.0, 11.0, 12.1, np.nan, np.nan, 13.31, 14.64]},
            "600002": {"close": [10.0, 11.0, 11.5, 12.65, 13.92, 15.31, 16.84]},
            "600003": {"close": [10.0, 11.0, 12.1, 13.31, 14.64, np.nan, np.nan]}}
    panel, uni = make(rows, days)
    res = overview_of_panel(panel, uni)
    ladder = {x["symbol"]: x["days"] for x in res.ladder}
    assert ladder == {"600001": 4, "600002": 4}              # 600002's run restarted after 11.5
    assert res.counts["suspended"] == 1 and status(res, "600003") == "suspended"
    assert res.counts["counted"] == 2 and res.counts["ladder_levels"] == {"4": 2}
    assert overview_of_panel(panel, uni, days[3]).counts["suspended"] == 1


def test_broken_board_and_breadth():
    rows = {"600001": {"close": [10.0, 10.0, 10.80], "high": [10.0, 10.0, 11.0]},   # touched, closed below
            "600002": {"close": [10.0, 10.0, 10.0]}, "600003": {"close": [10.0, 10.0, 9.5]},
            "600004": {"close": [np.nan, np.nan, np.nan]}}
    panel, uni = make(rows, DAYS)
    uni = pd.concat([uni, uni.iloc[:1].assign(symbol="600005")])                  # in the list, no bars
    res = overview_of_panel(panel, uni)
    c = res.counts
    assert (c["broken"], c["up"], c["flat"], c["down"], c["unlisted"], c["no_bars"]) == (1, 1, 1, 1, 1, 1)
    assert status(res, "600001") == "broken" and res.histogram["counts"][res.histogram["labels"].index("8%~9%")] == 1
    assert res.amount["today"] == 3e7 and res.amount["previous"][-1]["amount"] == 3e7
    sh = res.boards[0]
    assert sh["key"] == "sh_main" and (sh["up"], sh["down"], sh["broken"], sh["members"]) == (1, 1, 1, 3)


def test_the_broken_and_limit_down_lists_name_each_stock_with_its_limit_price():
    # 600001 touched 11.00 (10 × 1.1) and closed at 10.80; 600002 touched 11.00, closed 10.50;
    # 000001 closed at its limit-down 9.00; 300001 (ChiNext, ±20 %) touched 12.00, closed 11.50
    rows = {"600001": {"close": [10.0, 10.0, 10.80], "high": [10.0, 10.0, 11.0]},
            "600002": {"close": [10.0, 10.0, 10.50], "high": [10.0, 10.0, 11.0]},
            "000001": {"close": [10.0, 10.0, 9.00]},
            "300001": {"close": [10.0, 10.0, 11.50], "high": [10.0, 10.0, 12.0]},
            "600003": {"close": [10.0, 10.0, 10.99], "high": [10.0, 10.0, 10.99]}}   # never touched
    res = overview_of_panel(*make(rows, DAYS))
    assert [(x["symbol"], x["limit_price"], round(x["change"], 6)) for x in res.broken] == \
        [("300001", 12.0, 0.15), ("600001", 11.0, 0.08), ("600002", 11.0, 0.05)]       # by change, highest first
    assert [(x["symbol"], x["limit_price"], x["close"]) for x in res.limit_down] == [("000001", 9.0, 9.0)]
    assert len(res.broken) == res.counts["broken"] and len(res.limit_down) == res.counts["limit_down"]
    d = res.to_dict()
    assert d["broken"][0]["industry"] == "行业A" and d["limit_down"][0]["board"] == "sz_main"


def test_a_day_outside_the_data():
    panel, uni = make({"600001": {"close": [10.0, 10.0, 11.0]}}, DAYS)
    with pytest.raises(MarketError) as e:
        overview_of_panel(panel, uni, "2020-01-02")
    assert "2020-01-02" in e.value.reason.text("en")
    res = overview_of_panel(panel, uni, DAYS[-1] + pd.Timedelta(days=1))          # after the data: its last day shown
    assert res.date == str(DAYS[-1].date()) and res.requested and res.notes[0].code == "market_day_moved"
