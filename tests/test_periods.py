"""Weekly/monthly resampling (core/periods.py) against hand-made bars and an independent
computation (plain Python grouping by ISO week / calendar month)."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.periods import next_period, resample


def _bars(rows):
    """rows: (date 'YYYY-MM-DD', open, high, low, close, volume); amount = close × volume."""
    idx = pd.DatetimeIndex([pd.Timestamp(r[0]) for r in rows], name="date")
    o, h, l, c, v = (np.array([r[i] for r in rows], float) for i in range(1, 6))
    return pd.DataFrame({"open": o, "high": h, "low": l, "close": c, "volume": v, "amount": c * v,
                         "turnover": v / 1000.0}, index=idx)


def _independent(bars, period):
    """Group with the standard library: ISO (year, week) or (year, month); skip NaN closes."""
    groups: dict = {}
    for d, row in bars.iterrows():
        if math.isnan(row["close"]):
            continue
        key = tuple(d.date().isocalendar())[:2] if period == "week" else (d.year, d.month)
        groups.setdefault(key, []).append((d, row))
    out = []
    for key in sorted(groups):
        rows = groups[key]
        out.append({"date": rows[-1][0], "open": rows[0][1]["open"],
                    "high": max(r["high"] for _, r in rows), "low": min(r["low"] for _, r in rows),
                    "close": rows[-1][1]["close"], "volume": sum(r["volume"] for _, r in rows),
                    "amount": sum(r["amount"] for _, r in rows)})
    return out


def _check(got, want):
    assert [d.date() for d in got.index] == [w["date"].date() for w in want]
    for col in ("open", "high", "low", "close", "volume", "amount"):
        assert got[col].tolist() == pytest.approx([w[col] for w in want], rel=1e-12), col


# 2024-09-30 … 2024-10-11: National Day holiday 10-01…10-07 (Tue–Mon); the week of 09-30 has one
# trading day (Monday 09-30), the next week starts on Tuesday 10-08.
HOLIDAY = [("2024-09-23", 10, 11, 9.5, 10.5, 100), ("2024-09-24", 10.5, 11.2, 10.1, 11.0, 200),
           ("2024-09-27", 11.0, 11.5, 10.8, 11.1, 150), ("2024-09-30", 11.1, 12.0, 11.0, 11.9, 300),
           ("2024-10-08", 12.5, 13.0, 11.5, 11.8, 500), ("2024-10-09", 11.8, 12.1, 10.9, 11.0, 400),
           ("2024-10-11", 11.0, 11.3, 10.5, 10.6, 250)]


def test_week_with_a_holiday_is_dated_by_its_last_trading_day():
    bars = _bars(HOLIDAY)
    wk = resample(bars, "week")
    assert [d.date() for d in wk.index] == [dt.date(2024, 9, 27), dt.date(2024, 9, 30), dt.date(2024, 10, 11)]
    # the week of 09-30: Monday only; the week of 10-08: Tuesday open, Friday close
    assert wk.loc["2024-09-30", "open"] == 11.1 and wk.loc["2024-09-30", "volume"] == 300
    row = wk.loc["2024-10-11"]
    assert (row["open"], row["high"], row["low"], row["close"], row["volume"]) == (12.5, 13.0, 10.5, 10.6, 1150)
    assert row["turnover"] == pytest.approx(1.15)
    _check(wk, _independent(bars, "week"))


def test_month_with_a_suspension_skips_the_suspended_days():
    rows = [("2024-01-30", 5, 5.2, 4.9, 5.1, 10), ("2024-01-31", 5.1, 5.3, 5.0, 5.2, 20),
            # suspended 02-01 … 02-06 (a NaN row, as a panel row has) and 02-07 absent
            ("2024-02-01", np.nan, np.nan, np.nan, np.nan, 0), ("2024-02-06", np.nan, np.nan, np.nan, np.nan, 0),
            ("2024-02-08", 6.0, 6.6, 5.5, 6.2, 40), ("2024-02-29", 6.2, 6.3, 4.0, 4.5, 30),
            ("2024-03-01", 4.5, 4.8, 4.4, 4.7, 25)]
    bars = _bars(rows)
    mo = resample(bars, "month")
    assert [d.date() for d in mo.index] == [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]
    feb = mo.loc["2024-02-29"]
    assert (feb["open"], feb["high"], feb["low"], feb["close"], feb["volume"]) == (6.0, 6.6, 4.0, 4.5, 70)
    _check(mo, _independent(bars, "month"))
    # a suspension spanning a week boundary: the weeks around it keep only their traded days
    _check(resample(bars, "week"), _independent(bars, "week"))


def test_partial_current_week_is_dated_by_its_latest_bar():
    rows = HOLIDAY + [("2024-10-14", 10.6, 10.9, 10.2, 10.8, 90), ("2024-10-15", 10.8, 11.4, 10.7, 11.3, 80)]
    wk = resample(_bars(rows), "week")
    assert wk.index[-1].date() == dt.date(2024, 10, 15)           # a Tuesday: the week is not over
    assert wk.iloc[-1][["open", "close", "volume"]].tolist() == [10.6, 11.3, 170]


def test_a_year_of_generated_bars_matches_the_independent_grouping():
    from desktop_app.core.data.demo import DemoSource

    src = DemoSource(n_stocks=30)
    bars = src.daily_bars(str(src.universe()["symbol"].iloc[0]))
    for period in ("week", "month"):
        _check(resample(bars, period), _independent(bars, period))
    assert resample(bars, "day") is bars


def test_f8_order():
    assert [next_period(p) for p in ("day", "week", "month", "bogus")] == ["week", "month", "day", "day"]
