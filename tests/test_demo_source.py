"""DemoSource: determinism, calendar, shapes and units, limits, suspensions, listings, ST names,
indexes and boards, spot, the panel, fault injection, host throttling and latency."""
from __future__ import annotations

import datetime as dt
import threading
import types

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import symbols as sym
from desktop_app.core.calendar import last_trading_day, trading_days
from desktop_app.core.data import demo as demo_mod
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.errors import (
    NetworkError, NoDataError, ThrottledError, UnparseableError,
)
from desktop_app.core.data.source import BAR_COLUMNS, SPOT_COLUMNS, UNIVERSE_COLUMNS, MarketDataSource

END = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def small() -> DemoSource:
    return DemoSource(seed=11, n_stocks=300, end=END)


@pytest.fixture(scope="module")
def full() -> DemoSource:
    return DemoSource(seed=7, end=END)


def _ffill_prev_close(close: np.ndarray) -> np.ndarray:
    """For each (stock, day) the last close strictly before that day, NaN if none."""
    prev = pd.DataFrame(close).T.ffill().T.to_numpy()
    out = np.full_like(close, np.nan)
    out[:, 1:] = prev[:, :-1]
    return out


def test_protocol_and_identity(small):
    assert isinstance(small, MarketDataSource)
    assert small.name == "demo" and small.is_demo is True
    assert small.bar_hosts == ["demo-em", "demo-tx", "demo-sina"]


def test_default_end_is_last_trading_day():
    d = DemoSource(n_stocks=50)
    assert d.end == last_trading_day()
    assert d.calendar()[-1].date() == last_trading_day()


def test_deterministic_for_a_seed():
    a, b, c = (DemoSource(seed=s, n_stocks=120, end=END) for s in (3, 3, 4))
    pd.testing.assert_frame_equal(a.universe(), b.universe())
    pa, pb = a.panel(), b.panel()
    for f in BAR_COLUMNS:
        np.testing.assert_array_equal(pa[f], pb[f])
    pd.testing.assert_frame_equal(a.spot(), b.spot())
    assert a.index_members("000300") == b.index_members("000300")
    assert not a.universe()["symbol"].equals(c.universe()["symbol"])


def test_calendar_is_the_exchange_calendar(small):
    days = small.calendar()
    assert days.name == "date" and days[-1].date() == END
    assert days.equals(trading_days(days[0].date(), END))
    assert len(days) >= 3 * 240 and (END - days[0].date()).days >= 3 * 365
    assert pd.Timestamp("2025-10-01") not in days and pd.Timestamp("2025-09-30") in days


def test_universe_shape_codes_and_boards(small):
    u = small.universe()
    assert list(u.columns) == UNIVERSE_COLUMNS and len(u) == 300
    assert u["symbol"].is_unique and u["name"].is_unique
    assert set(u["board"]) == set(sym.BOARDS)
    for r in u.itertuples():
        s = sym.parse_symbol(r.symbol)
        assert (s.code, s.board, s.exchange) == (r.symbol, r.board, r.exchange)
        assert isinstance(r.listed_date, dt.date) and not isinstance(r.listed_date, dt.datetime)
        assert r.industry and len(r.name) >= 4
        assert sym.is_st_name(r.name) == r.is_st
    assert u["is_st"].dtype == bool
    shares = u["board"].value_counts(normalize=True)
    assert shares["sh_main"] > shares["bse"] and shares["chinext"] > shares["star"]


def test_bars_shape_units_and_consistency(small):
    u = small.universe().set_index("symbol")
    spot = small.spot().set_index("symbol")
    for code in u.index[::15]:
        df = small.daily_bars(code)
        assert list(df.columns) == BAR_COLUMNS and df.index.name == "date"
        assert isinstance(df.index, pd.DatetimeIndex) and df.index.is_monotonic_increasing
        assert not df.isna().any().any() and len(df) >= 1
        assert (df["high"] >= df[["open", "close"]].max(axis=1)).all()
        assert (df["low"] <= df[["open", "close"]].min(axis=1)).all()
        assert (df["low"] > 0).all()
        for col in ("open", "high", "low", "close"):
            assert np.allclose(df[col] * 100, np.round(df[col] * 100), atol=1e-6)
        assert (df["volume"] % 100 == 0).all() and (df["volume"] > 0).all()
        avg = df["amount"] / df["volume"]
        assert ((avg >= df["low"] - 0.01) & (avg <= df["high"] + 0.01)).all()
        float_shares = spot.loc[code, "float_cap"] / spot.loc[code, "last"]
        np.testing.assert_allclose(df["turnover"], df["volume"] / float_shares * 100, rtol=1e-6)


def test_daily_moves_respect_board_limits(full):
    p, u = full.panel(), full.universe()
    limit = np.array([sym.price_limit(c, st) for c, st in zip(u["symbol"], u["is_st"])])
    prev = _ffill_prev_close(p.close)
    move = np.abs(p.close - prev)
    bound = prev * limit[:, None] + 0.005 + 1e-9
    ok = np.isnan(move) | (move <= bound)
    assert ok.all(), f"{(~ok).sum()} moves beyond the limit"
    # the clipping bites: limit-up and limit-down closes happen, on each kind of board
    hit = move >= prev * limit[:, None] - 0.0051
    boards = u["board"].to_numpy()
    for b in ("sh_main", "chinext"):
        assert np.nansum(hit[boards == b]) > 0
    st_rows = u["is_st"].to_numpy() & np.isin(boards, ["sh_main", "sz_main"])
    assert st_rows.any()
    rel = np.abs(p.close[st_rows] / prev[st_rows] - 1)
    assert np.nanmax(rel) <= 0.05 + 0.005 / np.nanmin(prev[st_rows]) + 1e-9


def test_suspensions_and_new_listings(small):
    p, u = small.panel(), small.universe()
    traded = ~np.isnan(p.close)
    n_bars = traded.sum(axis=1)
    first = traded.argmax(axis=1)
    # suspensions: gaps inside a stock's trading life, and some stocks not trading on the last day
    gaps = [i for i in range(len(n_bars)) if not traded[i, first[i]:].all()]
    assert len(gaps) >= 5
    suspended_today = np.flatnonzero(~traded[:, -1] & (n_bars > 0))
    assert len(suspended_today) >= 2
    code = p.symbols[suspended_today[0]]
    assert small.daily_bars(code).index[-1] < p.dates[-1]
    # new listings: short histories, a couple with a single bar, listed_date = first bar
    assert (n_bars < 60).sum() >= 3 and (n_bars == 1).sum() >= 2
    assert (n_bars >= 1).all()
    listed = pd.to_datetime(u["listed_date"]).to_numpy()
    new = first > 0
    assert (listed[new] == p.dates.values[first[new]]).all()
    assert (listed[~new] <= p.dates.values[0]).all()


def test_st_names(full):
    u = full.universe()
    frac = u["is_st"].mean()
    assert 0.01 <= frac <= 0.03
    names = u.loc[u["is_st"], "name"]
    assert names.str.match(r"^\*?ST").all()
    assert not u.loc[~u["is_st"], "name"].str.contains("ST").any()


def test_spot_is_consistent_with_the_last_bar(small):
    spot = small.spot()
    assert list(spot.columns) == SPOT_COLUMNS and len(spot) == 300
    p = small.panel()
    last_day = p.dates[-1]
    for row in spot.itertuples():
        bars = small.daily_bars(row.symbol)
        assert row.last == bars["close"].iloc[-1]
        if bars.index[-1] == last_day:
            assert row.volume == bars["volume"].iloc[-1] and row.high == bars["high"].iloc[-1]
            if len(bars) > 1:
                assert row.prev_close == bars["close"].iloc[-2]
            else:
                assert row.prev_close > 0
        else:  # suspended today
            assert row.volume == 0 and row.prev_close == row.last and np.isnan(row.open)
        assert row.market_cap >= row.float_cap > 0
    assert (spot["pe"] < 0).any() and (spot["pe"] > 0).mean() > 0.7
    assert (spot["pb"] > 0).all()


def test_panel_rows_equal_daily_bars(small):
    p = small.panel()
    assert p.shape == (300, len(small.calendar()))
    assert all(v.dtype == np.float64 for v in p.fields.values())
    for i in range(0, 300, 37):
        pd.testing.assert_frame_equal(small.daily_bars(p.symbols[i]), p.row_frame(i)[BAR_COLUMNS])
    pick = [p.symbols[5], "999999", p.symbols[2]]
    sub = small.panel(pick)
    assert list(sub.symbols) == pick
    np.testing.assert_array_equal(sub.close[0], p.close[5])
    np.testing.assert_array_equal(sub.close[2], p.close[2])
    assert np.isnan(sub.close[1]).all()
    with pytest.raises(ValueError):
        p.close[0, 0] = 1.0   # the shared cache is read-only


def test_daily_bars_range_and_unknown(small):
    code = small.universe()["symbol"].iloc[0]
    df = small.daily_bars(code, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    assert df.index.min() >= pd.Timestamp("2025-03-01") and df.index.max() <= pd.Timestamp("2025-03-31")
    assert 15 <= len(df) <= 23
    assert small.daily_bars("sh" + code if code.startswith("6") else code).shape[1] == 7
    with pytest.raises(NoDataError, match="999999|no stock"):
        small.daily_bars("600999" if "600999" not in set(small.universe()["symbol"]) else "601999")
    with pytest.raises(NoDataError):
        small.daily_bars("hello")


def test_index_members_full_market(full):
    u = full.universe().set_index("symbol")
    sizes = {"000300": 300, "000905": 500, "000852": 1000, "000016": 50, "000688": 50, "399006": 100}
    members = {k: full.index_members(k) for k in sizes}
    assert {k: len(v) for k, v in members.items()} == sizes
    assert set(u.loc[members["000688"], "board"]) == {"star"}
    assert set(u.loc[members["399006"], "board"]) == {"chinext"}
    assert set(u.loc[members["000016"], "exchange"]) == {"SH"}
    a, b, c = (set(members[k]) for k in ("000300", "000905", "000852"))
    assert not (a & b) and not (a & c) and not (b & c)
    assert not u.loc[list(a | b | c), "is_st"].any()
    assert full.index_members("沪深300") == members["000300"]
    assert len(u) == 5000


def test_index_members_unknown(small):
    with pytest.raises(NoDataError) as e:
        small.index_members("123456")
    assert "123456" in str(e.value)
    assert len(small.index_members("000300")) <= 300


def test_industry_and_concept_boards(full, small):
    inds = full.boards("industry")
    assert 28 <= len(inds) <= 32
    u = full.universe()
    members = [m for name in inds for m in full.board_members("industry", name)]
    assert sorted(members) == sorted(u["symbol"])          # every stock in exactly one industry
    concepts = full.boards("concept")
    assert 35 <= len(concepts) <= 45
    counts = pd.Series([m for c in concepts for m in full.board_members("concept", c)]).value_counts()
    assert (counts >= 2).sum() > 100                         # many-to-many
    with pytest.raises(NoDataError, match="没有这个板块|no concept board"):
        small.board_members("concept", "没有这个板块")
    with pytest.raises(ValueError):
        small.boards("sector")


def test_fault_injection_exact_sets():
    faults = {"no_data": 0.02, "network": 0.03, "throttled": 0.01, "unparseable": 0.01}
    d = DemoSource(seed=5, n_stocks=300, end=END, faults=faults)
    bad = d.faulty_symbols()
    kinds = pd.Series(bad).value_counts().to_dict()
    assert kinds == {"no_data": 6, "network": 9, "throttled": 3, "unparseable": 3}
    assert DemoSource(seed=5, n_stocks=300, end=END, faults=faults).faulty_symbols() == bad
    errors = {"no_data": NoDataError, "network": NetworkError, "throttled": ThrottledError,
              "unparseable": UnparseableError}
    failed = {}
    for code in d.universe()["symbol"]:
        for attempt in range(2):   # every time, not just once
            try:
                if attempt:
                    d.daily_bars_via("demo-tx", code)
                else:
                    d.daily_bars(code)
            except tuple(errors.values()) as e:
                assert isinstance(e, errors[bad[code]]) and code in str(e) and e.symbol == code
                failed[code] = e.kind
    assert failed == bad
    d.faults = {}
    assert d.faulty_symbols() == {}
    assert len(d.daily_bars(next(iter(bad)))) > 0
    d.faults = {"network": 0.1}
    assert len(d.faulty_symbols()) == 30
    with pytest.raises(ValueError):
        DemoSource(n_stocks=50, end=END, faults={"boom": 0.1}).faulty_symbols()


def test_throttle_host_and_failover(small):
    code = small.universe()["symbol"].iloc[3]
    small.throttle_host("demo-em")
    try:
        with pytest.raises(ThrottledError):
            small.daily_bars_via("demo-em", code)
        pd.testing.assert_frame_equal(small.daily_bars_via("demo-tx", code), small.daily_bars(code))
    finally:
        small.throttle_host("demo-em", False)
    assert len(small.daily_bars_via("demo-em", code)) > 0
    with pytest.raises(ValueError):
        small.daily_bars_via("nowhere", code)


def test_latency_is_applied_per_request(small, monkeypatch):
    slept = []
    monkeypatch.setattr(demo_mod, "time", types.SimpleNamespace(sleep=slept.append))
    code = small.universe()["symbol"].iloc[0]
    small.latency = 0.25
    try:
        small.daily_bars(code)
        small.daily_bars_via("demo-sina", code)
    finally:
        small.latency = 0.0
    small.daily_bars(code)
    assert slept == [0.25, 0.25]


def test_generation_is_thread_safe():
    d = DemoSource(seed=9, n_stocks=150, end=END)
    got = []
    threads = [threading.Thread(target=lambda: got.append(d.panel().fields["close"])) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(got) == 4 and all(g is got[0] for g in got)
