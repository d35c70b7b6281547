"""Minute bars (issue 17 §4): the session's slots and stamps, aggregation, the demo market's
intraday paths against its daily bars, the minute cache, the loader, and akshare's real parsing
with payloads of eastmoney's shapes (tests/payloads/akshare/em_trends2_*, em_kline_5m_*)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from desktop_app.core.data.akshare_source import AkShareSource
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.errors import NetworkError, NoDataError
from desktop_app.core.data.minute_store import MinuteStore
from desktop_app.core.minute_bars import (MINUTE_PERIODS, aggregate, daily_from_minutes, fold_auction,
                                          session_stamps)
from desktop_app.core.minute_data import load_minutes
from fake_http import PAYLOADS, FakeHttp, akshare_routes

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
TRENDS = r"push2his\.eastmoney\.com/api/qt/stock/trends2/get"
KLINE5 = r"push2his\.eastmoney\.com/api/qt/stock/kline/get.*klt=5"
HOSTS = ["eastmoney", "tencent", "sina", "csindex", "sse", "szse", "bse"]


def _hhmm(index: pd.DatetimeIndex) -> list[str]:
    return list(index.strftime("%H:%M"))


# -- the session ------------------------------------------------------------------------------
def test_session_has_240_minutes_stamped_at_their_end_with_no_lunch_bars():
    s = _hhmm(session_stamps("2026-12-01"))
    assert len(s) == 240 and s[0] == "09:31" and s[119] == "11:30" and s[120] == "13:01" and s[-1] == "15:00"
    assert not any("11:31" <= t <= "13:00" for t in s)


@pytest.fixture(scope="module")
def demo():
    return DemoSource(n_stocks=40)


@pytest.fixture(scope="module")
def stock(demo):
    return demo.universe()["symbol"].iloc[5]


def test_demo_minutes_aggregate_exactly_to_the_daily_bars(demo, stock):
    daily = demo.daily_bars(stock)
    m1 = demo.minute_bars(stock, "1m")
    days = m1.index.normalize().unique()
    assert len(days) == 5 and len(m1) == 5 * 240
    for day in days:                                     # independent: per-day slices, by hand
        one = m1[m1.index.normalize() == day]
        bar = daily.loc[day]
        assert _hhmm(one.index) == _hhmm(session_stamps(day))
        assert one["open"].iloc[0] == bar["open"] and one["close"].iloc[-1] == bar["close"]
        assert one["high"].max() == bar["high"] and one["low"].min() == bar["low"]
        assert one["volume"].sum() == bar["volume"]
        assert one["amount"].sum() == pytest.approx(bar["amount"], rel=1e-12)
        assert (one["low"] <= one[["open", "close"]].min(axis=1)).all()
        assert (one["high"] >= one[["open", "close"]].max(axis=1)).all()
        # U-shaped volume: the first and last half hours trade more than the middle hour
        v = one["volume"].to_numpy()
        assert v[:30].sum() > v[90:150].sum() / 2 and v[-30:].sum() > v[90:150].sum() / 2
    # consecutive minutes chain: each open is the previous close (within the day)
    assert (m1["open"].to_numpy()[1:240] == m1["close"].to_numpy()[:239]).all()
    assert demo.minute_bars(stock, "1m").equals(m1)      # deterministic


def _by_hand(m1: pd.DataFrame, k: int) -> pd.DataFrame:
    """Independent k-minute bars: bucket = position within the day // k, by pandas groupby."""
    pos = m1.groupby(m1.index.normalize()).cumcount().to_numpy()
    key = [f"{d:%Y-%m-%d}-{b:03d}" for d, b in zip(m1.index.normalize(), pos // k)]
    g = m1.groupby(key, sort=True)
    out = pd.DataFrame({"open": g["open"].first(), "high": g["high"].max(), "low": g["low"].min(),
                        "close": g["close"].last(), "volume": g["volume"].sum(), "amount": g["amount"].sum()})
    out.index = pd.DatetimeIndex(m1.index.to_series().groupby(key).last().to_numpy(), name="date").as_unit("ns")
    return out


@pytest.mark.parametrize("period", ["5m", "15m", "30m", "60m"])
def test_longer_periods_aggregate_the_one_minute_bars(demo, stock, period):
    m1 = demo.minute_bars(stock, "1m")
    got = aggregate(m1, period)
    want = _by_hand(m1, MINUTE_PERIODS[period])
    assert len(got) == 5 * 240 // MINUTE_PERIODS[period]
    pd.testing.assert_frame_equal(got, want, check_freq=False)
    # the demo's own 5/15/30/60 answer = the same aggregation over its (longer) 1-minute paths
    own = demo.minute_bars(stock, period)
    pd.testing.assert_frame_equal(own[own.index >= m1.index[0]], want, check_freq=False)


def test_sixty_minute_stamps_follow_eastmoney():
    m1 = pd.DataFrame({c: 1.0 for c in ("open", "high", "low", "close", "volume", "amount")},
                      index=session_stamps("2026-12-01"))
    assert _hhmm(aggregate(m1, "60m").index) == ["10:30", "11:30", "14:00", "15:00"]
    assert _hhmm(aggregate(m1, "30m").index) == ["10:00", "10:30", "11:00", "11:30", "13:30", "14:00",
                                                 "14:30", "15:00"]
    assert _hhmm(aggregate(m1, "5m").index)[:2] == ["09:35", "09:40"]
    # a missing last minute keeps the bucket's stamp
    assert _hhmm(aggregate(m1.drop(m1.index[4]), "5m").index)[0] == "09:35"
    assert daily_from_minutes(m1)["volume"].iloc[0] == 240.0


def test_call_auction_is_folded_into_the_first_minute():
    idx = pd.DatetimeIndex(["2026-12-01 09:30", "2026-12-01 09:31", "2026-12-01 09:32"], name="date")
    raw = pd.DataFrame({"open": [10.0, 10.1, 10.2], "high": [10.0, 10.3, 10.2], "low": [10.0, 10.1, 10.1],
                        "close": [10.0, 10.2, 10.15], "volume": [500.0, 100.0, 50.0],
                        "amount": [5000.0, 1020.0, 510.0]}, index=idx)
    out = fold_auction(raw)
    assert _hhmm(out.index) == ["09:31", "09:32"]
    first = out.iloc[0]
    assert (first.open, first.high, first.low, first.close, first.volume, first.amount) == (
        10.0, 10.3, 10.0, 10.2, 600.0, 6020.0)


def test_a_lone_auction_bar_becomes_the_first_minute():
    idx = pd.DatetimeIndex(["2026-12-01 09:30", "2026-12-01 09:32", "2026-12-01 11:31", "2026-12-01 12:00"],
                           name="date")
    raw = pd.DataFrame({c: [10.0, 10.1, 10.2, 10.3] for c in ("open", "high", "low", "close", "volume", "amount")},
                       index=idx)
    out = fold_auction(raw)
    assert [str(t) for t in out.index] == ["2026-12-01 09:31:00", "2026-12-01 09:32:00"]   # lunch stamps dropped
    assert out["close"].tolist() == [10.0, 10.1]


# -- the cache and the loader -------------------------------------------------------------------
def _bars(stamps: list[str], close: float) -> pd.DataFrame:
    return pd.DataFrame({"open": close, "high": close, "low": close, "close": close, "volume": 100.0,
                         "amount": close * 100}, index=pd.DatetimeIndex(stamps, name="date"))


def test_store_merges_so_history_accumulates(tmp_path):
    st = MinuteStore(tmp_path / "m.sqlite")
    st.merge("600001", "1m", _bars(["2026-11-30 09:31", "2026-11-30 09:32"], 10.0), fetched_at=1.0)
    st.merge("600001", "1m", _bars(["2026-11-30 09:32", "2026-12-01 09:31"], 11.0), fetched_at=2.0)
    st.merge("600002", "1m", _bars(["2026-12-01 09:31"], 50.0))
    got = st.read("600001", "1m")
    assert [str(t) for t in got.index] == ["2026-11-30 09:31:00", "2026-11-30 09:32:00", "2026-12-01 09:31:00"]
    assert got["close"].tolist() == [10.0, 11.0, 11.0]       # the newer answer wins its minute
    assert st.fetched("600001", "1m") == 2.0 and st.fetched("600001", "5m") is None
    assert st.read("600001", "5m").empty
    # a second store on the same file (another process) reads the same
    assert MinuteStore(tmp_path / "m.sqlite").read("600001", "1m").equals(got)


def test_a_failed_merge_leaves_the_cache_as_it_was(tmp_path, monkeypatch):
    import sqlite3

    from desktop_app.core.data import minute_store

    st = MinuteStore(tmp_path / "m.sqlite")
    st.merge("600001", "1m", _bars(["2026-11-30 09:31"], 10.0), fetched_at=1.0)
    good = minute_store._rows("600001", "1m", _bars(["2026-11-30 09:31", "2026-11-30 09:32"], 12.0))
    monkeypatch.setattr(minute_store, "_rows", lambda *a: good + [(None, "1m", 0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)])
    with pytest.raises(sqlite3.IntegrityError):              # the third row breaks NOT NULL
        st.merge("600001", "1m", _bars(["2026-11-30 09:33"], 12.0), fetched_at=2.0)
    got = st.read("600001", "1m")
    assert got["close"].tolist() == [10.0] and st.fetched("600001", "1m") == 1.0   # all or nothing


def test_a_damaged_cache_file_is_set_aside_and_restarted(tmp_path):
    path = tmp_path / "m.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    st = MinuteStore(path)
    st.merge("600001", "1m", _bars(["2026-11-30 09:31"], 10.0))
    assert len(st.read("600001", "1m")) == 1
    assert any(p.name.startswith("m.sqlite.corrupt") for p in tmp_path.iterdir())


class _Flaky:
    def __init__(self, answers):
        self.answers, self.calls = list(answers), 0

    def minute_bars(self, symbol, period):
        self.calls += 1
        a = self.answers.pop(0)
        if isinstance(a, Exception):
            raise a
        return a


def test_loader_merges_serves_fresh_cache_and_falls_back(tmp_path):
    from desktop_app.core.reasons import R

    st = MinuteStore(tmp_path / "m.sqlite")
    src = _Flaky([_bars(["2026-11-30 09:31"], 10.0), _bars(["2026-12-01 09:31"], 11.0),
                  NetworkError(R("data_network", what="x", host="eastmoney", detail="down"))])
    a = load_minutes(src, st, "600001", "1m", max_age=60, now=1000.0)
    assert len(a.bars) == 1 and a.note is None
    b = load_minutes(src, st, "600001", "1m", max_age=60, now=1030.0)     # fresh: no request
    assert src.calls == 1 and b.bars.equals(a.bars)
    c = load_minutes(src, st, "600001", "1m", max_age=60, now=1100.0)     # merged with the cache
    assert c.bars["close"].tolist() == [10.0, 11.0]
    d = load_minutes(src, st, "600001", "1m", max_age=60, now=1200.0)     # failure: cache + note
    assert d.bars.equals(c.bars) and d.note.code == "minute_from_cache"
    with pytest.raises(NoDataError):
        load_minutes(src, st, "index:000300", "1m")


# -- akshare through its real parsing code --------------------------------------------------------
@pytest.fixture
def fake(monkeypatch):
    return akshare_routes(FakeHttp()).install(monkeypatch)


@pytest.fixture
def src(fake):
    return AkShareSource(timeout=0.05, rest_seconds=600.0, min_interval={h: 0.0 for h in HOSTS})


def _points(name: str, key: str) -> list[list[str]]:
    return [p.split(",") for p in json.loads((PAYLOADS / name).read_text(encoding="utf-8"))["data"][key]]


def test_one_minute_bars_from_eastmoney_trends(src, fake):
    fake.file(TRENDS, "em_trends2_600519.json")
    bars = src.minute_bars("600519", "1m")
    raw = _points("em_trends2_600519.json", "trends")       # time, open, CLOSE, high, low, 手, yuan, avg
    assert len(raw) == 2 * 241 and len(bars) == 2 * 240
    assert _hhmm(bars.index[:240]) == _hhmm(session_stamps("2026-11-30"))
    auction, first = raw[0], raw[1]
    row = bars.iloc[0]
    assert str(bars.index[0]) == "2026-11-30 09:31:00"
    assert row.open == float(auction[1]) and row.close == float(first[2])
    assert row.high == max(float(auction[3]), float(first[3])) and row.low == min(float(auction[4]), float(first[4]))
    assert row.volume == (int(auction[5]) + int(first[5])) * 100            # 手 → shares
    assert row.amount == pytest.approx(float(auction[6]) + float(first[6]))
    last = raw[-1]
    assert bars.iloc[-1].close == float(last[2]) and bars.iloc[-1].volume == int(last[5]) * 100
    # eastmoney's own average price (yuan per share) agrees with cumulative amount / shares
    day2 = bars[bars.index.normalize() == pd.Timestamp("2026-12-01")]
    assert day2["amount"].sum() / day2["volume"].sum() == pytest.approx(float(last[7]), abs=1e-3)
    url = fake.urls("trends2")[-1]
    assert "secid=1.600519" in url and "ndays=5" in url


def test_five_minute_bars_from_eastmoney_kline(src, fake):
    fake.file(KLINE5, "em_kline_5m_600519.json")
    bars = src.minute_bars("600519", "5m")
    raw = _points("em_kline_5m_600519.json", "klines")
    assert len(bars) == len(raw) == 96
    assert _hhmm(bars.index[:2]) == ["09:35", "09:40"] and _hhmm(bars.index[23:25]) == ["11:30", "13:05"]
    r, row = raw[0], bars.iloc[0]
    assert (row.open, row.close, row.high, row.low) == tuple(float(x) for x in r[1:5])
    assert row.volume == int(r[5]) * 100 and row.amount == float(r[6])
    url = fake.urls("kline/get")[-1]
    assert "klt=5" in url and "fqt=0" in url                                 # unadjusted


def test_empty_and_null_answers_are_no_data(src, fake):
    fake.file(TRENDS, "em_trends2_empty.json")
    with pytest.raises(NoDataError):
        src.minute_bars("600519", "1m")
    fake.file(KLINE5, "em_kline_empty.json")
    with pytest.raises(NoDataError):
        src.minute_bars("600519", "5m")
    fake.file(TRENDS, "em_kline_null.json")
    with pytest.raises(NoDataError):
        src.minute_bars("600519", "1m")
