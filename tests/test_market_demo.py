"""The market overview of the demo market against independent per-stock computations: the 连板
ladder by a brute-force loop over each stock's bars, breadth and MA counts by plain counting."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.market import market_overview, overview_of_panel
from desktop_app.core.price_limits import limit_on, no_limit_days

END = dt.date(2026, 6, 30)


def _cents(x: float) -> int:
    return int(round(x * 100))


def _limit(prev: float, limit: float, sign: int) -> int:
    v = Decimal(_cents(prev)) * (Decimal(1) + sign * Decimal(str(limit)))
    return max(1, int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def brute_streaks(src: DemoSource) -> dict[str, dict[pd.Timestamp, int]]:
    """Per stock, per trading day of its own: the limit-up days in a row, by walking its bars."""
    uni = src.universe().set_index("symbol")
    start = src.calendar()[0].date()
    out = {}
    for code, row in uni.iterrows():
        bars = src.daily_bars(code)
        free = no_limit_days(row["board"], row["listed_date"]) if row["listed_date"] >= start else 0
        run, prev, seen, days = 0, None, 0, {}
        for day, close in bars["close"].items():
            seen += 1
            up = prev is not None and seen > free and \
                _cents(close) >= _limit(prev, limit_on(row["board"], row["is_st"], day.date()), +1)
            run = run + 1 if up else 0
            days[day] = run
            prev = close
        out[code] = days
    return out


@pytest.fixture(scope="module")
def demo():
    src = DemoSource(n_stocks=300, end=END)
    return src, brute_streaks(src)


def test_the_ladder_equals_a_brute_force_loop(demo):
    src, streaks = demo
    panel, uni = src.panel(), src.universe()
    names = uni.set_index("symbol")
    per_day = {d: sorted(((-s[d], c) for c, s in streaks.items() if s.get(d, 0) > 0)) for d in panel.dates[60:]}
    longest = max(per_day, key=lambda d: (per_day[d][0][0] * -1 if per_day[d] else 0, len(per_day[d])))
    assert per_day[longest] and -per_day[longest][0][0] >= 2            # a day with a 2+ run exists
    busiest = max(per_day, key=lambda d: len(per_day[d]))
    for day in (longest, busiest, panel.dates[-1], panel.dates[100]):
        res = overview_of_panel(panel, uni, day)
        want = [(c, -k, names.loc[c, "name"], names.loc[c, "industry"]) for k, c in per_day[day]]
        assert [(x["symbol"], x["days"], x["name"], x["industry"]) for x in res.ladder] == want
        assert res.counts["limit_up"] == len(want)


def test_breadth_equals_an_independent_count(demo):
    src, _ = demo
    panel, uni = src.panel(), src.universe()
    day = panel.dates[-40]
    res = overview_of_panel(panel, uni, day)
    up = down = flat = suspended = above20 = n20 = 0
    by_industry: dict[str, list[int]] = {}
    amount = 0.0
    for code in uni["symbol"]:
        bars = src.daily_bars(code, end=day.date())
        if bars.empty:
            continue
        if bars.index[-1] != day:
            suspended += 1
            continue
        amount += bars["amount"].iloc[-1]
        ma20 = bars["close"].rolling(20).mean().iloc[-1]
        if not np.isnan(ma20):
            n20 += 1
            above20 += bars["close"].iloc[-1] > ma20 + 1e-9
        if len(bars) < 2:
            continue
        c, p = _cents(bars["close"].iloc[-1]), _cents(bars["close"].iloc[-2])
        up, flat, down = up + (c > p), flat + (c == p), down + (c < p)
        ind = uni.set_index("symbol").loc[code, "industry"]
        by_industry.setdefault(ind, [0, 0])[0 if c > p else 1] += c != p
    counts = res.counts
    assert (counts["up"], counts["flat"], counts["down"], counts["suspended"]) == (up, flat, down, suspended)
    assert sum(res.histogram["counts"]) == up + flat + down
    assert sum(sum(v) for v in res.histogram["by_board"].values()) == up + flat + down
    assert res.amount["today"] == pytest.approx(amount, rel=1e-12)
    market = {"above": sum(r["above_ma20"] for r in res.boards), "n": sum(r["ma20_n"] for r in res.boards)}
    assert (market["above"], market["n"]) == (above20, n20)
    assert {r["key"]: [r["up"], r["down"]] for r in res.industries} == by_industry
    assert sum(r["members"] for r in res.boards) == counts["listed"]


def test_the_store_path_equals_the_memory_path(demo, tmp_path):
    from desktop_app.core.data.store import BarStore

    src, _ = demo
    store = BarStore(tmp_path / "bars.sqlite")
    day = src.calendar()[-30].date()
    from_memory = market_overview(src, store, day).to_dict()
    recs, _ = src.bulk_records(src.universe()["symbol"].tolist())
    store.write_records(recs)
    from_store = market_overview(src, store, day).to_dict()
    for d in (from_memory, from_store):
        d.pop("elapsed")
    assert from_store == from_memory and from_store["date"] == str(day)
    assert from_store["concepts"] and from_store["boards"][0]["market_cap"] > 0
    res = market_overview(src, store, day)
    for kind, rows in (("board", res.boards), ("industry", res.industries), ("concept", res.concepts)):
        row = rows[0]
        m = res.members(kind, row["key"])
        assert len(m) == row["members"] and (m["change"] > 0).sum() == row["up"]
        assert m["amount"].sum() == pytest.approx(row["amount"])
    listed = set(res.stocks.loc[res.stocks["status"] != "unlisted", "symbol"])
    assert set(res.members("concept", res.concepts[0]["key"])["symbol"]) == \
        set(src.board_members("concept", res.concepts[0]["key"])) & listed
    store.close()
