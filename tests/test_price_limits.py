"""The dated limit table and the limit prices (core/price_limits.py), against hand computations."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from desktop_app.core import price_limits as pl
from desktop_app.core.symbols import board_limit, price_limit


def _half_up(prev: str, factor: str) -> int:
    """The limit price in cents by decimal arithmetic (an independent computation)."""
    return int((Decimal(prev) * Decimal(factor)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def test_dated_rules_per_board():
    assert pl.limit_on("chinext", False, dt.date(2020, 8, 21)) == 0.10
    assert pl.limit_on("chinext", False, dt.date(2020, 8, 24)) == 0.20
    assert pl.limit_on("chinext", True, dt.date(2020, 8, 21)) == 0.05
    assert pl.limit_on("chinext", True, dt.date(2020, 8, 24)) == 0.20
    assert pl.limit_on("sh_main", True, dt.date(2026, 1, 5)) == 0.05          # the proposal is off
    assert pl.limit_on("sz_main", False, "2010-01-04") == 0.10
    assert pl.limit_on("star", True, "2024-01-02") == 0.20 and pl.limit_on("bse", False, "2024-01-02") == 0.30
    assert board_limit("chinext") == 0.20 and price_limit("300750", day="2019-06-03") == 0.10


def test_the_main_board_st_switch(monkeypatch):
    monkeypatch.setattr(pl, "MAIN_ST_10PCT_FROM", dt.date(2025, 7, 7))
    assert pl.limit_on("sh_main", True, dt.date(2025, 7, 4)) == 0.05
    assert pl.limit_on("sh_main", True, dt.date(2025, 7, 7)) == 0.10
    assert pl.limit_on("sz_main", True, dt.date(2026, 1, 5)) == 0.10
    assert pl.limit_on("chinext", True, dt.date(2026, 1, 5)) == 0.20


def test_limits_table_follows_limit_on_every_day():
    dates = pd.bdate_range("2020-08-17", "2020-08-28")
    lim = pl.row_day_limits(["chinext", "sh_main", "chinext"], [False, True, True], dates)
    want = [[pl.limit_on(b, s, d) for d in dates] for b, s in (("chinext", False), ("sh_main", True), ("chinext", True))]
    assert lim.tolist() == want
    assert lim[0, 4] == 0.10 and lim[0, 5] == 0.20                         # Fri 21st, Mon 24th


def test_limit_prices_round_half_up_exactly():
    prev = ["10.05", "9.95", "1.65", "0.45", "3.33", "12.35", "7.77", "1.15"]
    for limit, up, dn in ((0.10, "1.1", "0.9"), (0.20, "1.2", "0.8"), (0.30, "1.3", "0.7"), (0.05, "1.05", "0.95")):
        p = np.array([float(x) for x in prev])
        assert pl.limit_up_cents(p, limit).tolist() == [_half_up(x, up) for x in prev]
        assert pl.limit_down_cents(p, limit).tolist() == [max(1, _half_up(x, dn)) for x in prev]
    # the cases a float product gets wrong: 0.45 × 0.7 = 0.315 → 0.32, 1.65 × 0.7 = 1.155 → 1.16
    assert pl.limit_down_cents(np.array([0.45, 1.65]), 0.30).tolist() == [32, 116]
    assert np.isnan(pl.limit_up_cents(np.array([np.nan]), 0.1)[0])


def test_no_limit_days_of_new_listings():
    assert pl.no_limit_days("star", "2019-07-22") == 5
    assert pl.no_limit_days("chinext", "2020-08-21") == 1 and pl.no_limit_days("chinext", "2020-08-24") == 5
    assert pl.no_limit_days("sh_main", "2023-04-07") == 1 and pl.no_limit_days("sz_main", "2023-04-10") == 5
    assert pl.no_limit_days("bse", "2024-03-01") == 1
