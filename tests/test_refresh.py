"""backfill and update against a small market with injected latency, faults and throttling."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.calendar import trading_days
from desktop_app.core.data.errors import NetworkError, NoDataError, ThrottledError, UnparseableError
from desktop_app.core.data.refresh import RefreshReport, backfill, update
from desktop_app.core.data.source import BAR_COLUMNS, SPOT_COLUMNS
from desktop_app.core.data.store import BarStore
from desktop_app.core.jobs import Cancelled, CancelToken

END = dt.date(2024, 6, 28)  # a Friday and a trading day
_ERRORS = {"no_data": NoDataError, "network": NetworkError, "unparseable": UnparseableError,
           "throttled": ThrottledError}


class FakeMarket:
    """A deterministic multi-host market (the demo source's shape), counting every request."""

    name = "fake"
    is_demo = True

    def __init__(self, n: int = 30, days: int = 60, latency: float = 0.0, faults: dict[str, str] | None = None,
                 hosts: tuple[str, ...] = ("h1", "h2", "h3")):
        self.bar_hosts = list(hosts)
        self.dates = trading_days(END - dt.timedelta(days=days * 2), END)[-days:]
        self.symbols = [f"{600000 + i:06d}" for i in range(n)]
        self.latency = latency
        self.faults = dict(faults or {})
        self.throttled: set[str] = set()
        self.calls: list[tuple[str, str, dt.date | None]] = []
        self._lock = threading.Lock()
        self.bars: dict[str, pd.DataFrame] = {}
        for i, s in enumerate(self.symbols):
            rng = np.random.default_rng(i)
            close = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.02, days))), 2)
            self.bars[s] = pd.DataFrame({
                "open": np.round(close * 0.99, 2), "high": np.round(close * 1.02, 2),
                "low": np.round(close * 0.97, 2), "close": close,
                "volume": rng.integers(1, 100, days) * 100.0, "amount": close * 1e4, "turnover": np.full(days, 0.5),
            }, index=self.dates)

    def universe(self) -> pd.DataFrame:
        return pd.DataFrame({"symbol": self.symbols, "name": self.symbols})

    def daily_bars(self, symbol, start=None, end=None):
        return self.daily_bars_via(self.bar_hosts[0] if self.bar_hosts else "single", symbol, start, end)

    def daily_bars_via(self, host, symbol, start=None, end=None):
        with self._lock:
            self.calls.append((host, symbol, start))
        if self.latency:
            time.sleep(self.latency)
        if host in self.throttled:
            raise ThrottledError(f"{host} is blocking us", symbol)
        if symbol in self.faults:
            raise _ERRORS[self.faults[symbol]](f"{symbol}: injected {self.faults[symbol]}", symbol)
        df = self.bars[symbol]
        if start is not None:
            df = df[df.index >= pd.Timestamp(start)]
        return df.copy()

    def spot(self) -> pd.DataFrame:
        rows = []
        for s in self.symbols:
            b = self.bars[s]
            rows.append({"symbol": s, "name": s, "last": b["close"].iloc[-1], "prev_close": b["close"].iloc[-2],
                         "open": b["open"].iloc[-1], "high": b["high"].iloc[-1], "low": b["low"].iloc[-1],
                         "volume": b["volume"].iloc[-1], "amount": b["amount"].iloc[-1],
                         "turnover": b["turnover"].iloc[-1]})
        return pd.DataFrame(rows).reindex(columns=SPOT_COLUMNS)

    def requested(self) -> Counter:
        return Counter(sym for _, sym, _ in self.calls)


@pytest.fixture
def store(tmp_path):
    s = BarStore(tmp_path / "bars.sqlite")
    yield s
    s.close()


def no_fetch_threads() -> bool:
    return not [t for t in threading.enumerate() if t.name.startswith("fetch-")]


def same_bars(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a[BAR_COLUMNS], b[BAR_COLUMNS], check_freq=False, check_index_type=False)


def test_backfill_totals_reasons_and_hosts(store):
    faults = {"600003": "no_data", "600007": "network", "600011": "unparseable"}
    market = FakeMarket(n=30, latency=0.005, faults=faults)
    seen = []
    report = backfill(market, store, progress=seen.append)
    assert isinstance(report, RefreshReport) and not report.cancelled
    assert sorted(report.fetched + list(report.failed)) == market.symbols
    assert set(report.failed) == set(faults)
    for sym, kind in faults.items():
        assert str(report.failed[sym]).startswith(kind + ":") and sym in str(report.failed[sym])
    assert store.failures() == report.failed
    assert sorted(store.symbols()) == sorted(report.fetched)
    same_bars(store.read("600000"), market.bars["600000"])
    assert sum(report.per_host.values()) == len(report.fetched) == 27
    assert all(n > 0 for n in report.per_host.values()), report.per_host  # all three hosts worked
    counts = market.requested()
    assert counts["600003"] == 1            # no data is final
    assert counts["600007"] == 3            # network errors try every host once
    assert seen[-1].done == seen[-1].total == 30 and seen[-1].failed == 3
    assert sum(len(p.failures) for p in seen) == 3
    assert "fetched 27" in report.summary() and "failed 3" in report.summary()
    assert no_fetch_threads()


def test_backfill_resumes_and_retries_failures(store):
    market = FakeMarket(n=12, faults={"600002": "network"})
    first = backfill(market, store)
    assert "600002" in first.failed
    market.calls.clear()
    market.faults.clear()
    second = backfill(market, store)
    assert second.fetched == ["600002"]              # only the failure is retried
    assert sorted(second.skipped) == sorted(first.fetched)
    assert set(market.requested()) == {"600002"}
    assert store.failures() == {}
    assert len(store.symbols()) == 12


def test_cancel_stops_promptly_and_keeps_what_was_fetched(store):
    market = FakeMarket(n=40, latency=0.02)
    token = CancelToken()

    def progress(p):
        if p.done >= 6:
            token.cancel()

    with pytest.raises(Cancelled) as info:
        backfill(market, store, progress=progress, cancel=token)
    report = info.value.report
    assert report.cancelled and "CANCELLED" in report.summary()
    assert no_fetch_threads()                        # threads joined before returning
    assert 6 <= len(report.fetched) < 40
    assert sorted(store.symbols()) == sorted(report.fetched)
    requested_before = len(market.calls)
    assert requested_before < 40
    market.calls.clear()
    rest = backfill(market, store)                   # resume: nothing fetched twice
    assert set(market.requested()).isdisjoint(report.fetched)
    assert sorted(rest.fetched + rest.skipped) == market.symbols
    assert len(store.symbols()) == 40


def test_throttled_host_is_rested_and_others_carry_on(store):
    market = FakeMarket(n=20, latency=0.002)
    market.throttled.add("h2")
    report = backfill(market, store)
    assert len(report.fetched) == 20 and not report.failed
    asked = sum(1 for h, _, _ in market.calls if h == "h2")
    assert report.per_host["h2"] == 0 and asked <= 1             # asked at most once, then left alone
    assert ("h2" in report.rested_hosts) == (asked == 1)


def test_all_hosts_throttled_pause_the_job_visibly_and_it_resumes(store, monkeypatch):
    """Issue 11 #7: resting hosts pause the backfill (saying how long) instead of failing the rest;
    a symbol with its own fault keeps its own reason."""
    from desktop_app.core.data import host_fanout

    monkeypatch.setattr(host_fanout, "HOST_REST_S", 0.3)
    market = FakeMarket(n=12, faults={"600003": "network"})
    market.throttled.update(market.bar_hosts)
    phases: list[str] = []

    def progress(p):
        phases.append(str(p.current))
        if "paused" in str(p.current) and market.throttled:
            market.throttled.clear()                  # the hosts lift their block during the pause

    report = backfill(market, store, progress=progress)
    assert any(ph.startswith("paused: every bar host is resting") for ph in phases)
    assert sorted(report.fetched) == [s for s in market.symbols if s != "600003"]
    assert list(report.failed) == ["600003"]
    assert str(report.failed["600003"]).startswith("network:") and "injected network" in str(report.failed["600003"])
    assert no_fetch_threads()


def test_a_paused_job_can_be_cancelled(store, monkeypatch):
    from desktop_app.core.data import host_fanout
    from desktop_app.core.jobs import CancelToken

    monkeypatch.setattr(host_fanout, "HOST_REST_S", 30.0)
    market = FakeMarket(n=5)
    market.throttled.update(market.bar_hosts)
    token = CancelToken()

    def progress(p):
        if "paused" in str(p.current):
            token.cancel()

    with pytest.raises(Cancelled):
        backfill(market, store, progress=progress, cancel=token)
    assert no_fetch_threads()


def test_single_host_source_works(store):
    market = FakeMarket(n=5, faults={"600001": "no_data"}, hosts=())  # no bar_hosts: plain daily_bars
    report = backfill(market, store, symbols=["600000", "600001", "600004", "600000"])
    assert report.fetched == ["600000", "600004"] and list(report.failed) == ["600001"]
    assert report.per_host == {"fake": 2}
    assert {h for h, _, _ in market.calls} == {"single"}


def test_update_after_fresh_backfill_fetches_nothing(store):
    market = FakeMarket(n=15)
    backfill(market, store)
    market.calls.clear()
    report = update(market, store, today=END)
    assert market.calls == []
    assert report.fetched == [] and report.readjusted == [] and report.extended == []
    assert sorted(report.skipped) == market.symbols


def test_update_after_fresh_backfill_on_a_later_calendar_day_fetches_nothing(store):
    market = FakeMarket(n=15)
    backfill(market, store)
    market.calls.clear()
    report = update(market, store, today=END + dt.timedelta(days=3))  # Monday; the snapshot is Friday's
    assert market.calls == [] and report.extended == [] and report.failed == {}


def test_update_appends_missing_days_and_readjusts_without_a_download(store):
    market = FakeMarket(n=15)
    backfill(market, store)
    # one missing day: the snapshot supplies it
    store.write("600001", market.bars["600001"].iloc[:-1])
    # three missing days: an incremental fetch from the stored last day
    store.write("600002", market.bars["600002"].iloc[:-3])
    # ex-dividend: the source re-adjusted its history, the store still has the old prices
    old = market.bars["600003"].copy()
    old[["open", "high", "low", "close"]] *= 1.1
    store.write("600003", old)
    # behind AND re-adjusted: the incremental fetch notices the mismatch and re-adjusts locally
    old4 = market.bars["600004"].iloc[:-4].copy()
    old4[["open", "high", "low", "close"]] *= 1.05
    store.write("600004", old4)
    market.calls.clear()

    report = update(market, store, today=END)
    assert sorted(report.extended) == ["600001", "600002", "600003", "600004"]   # 600003: its bar of T refreshed
    assert sorted(report.readjusted) == ["600003", "600004"]
    assert sorted(report.fetched) == ["600002", "600004"]
    assert report.failed == {}
    requests = market.requested()
    assert set(requests) == {"600002", "600004"}     # the ex-dividend day 600003: no request at all
    assert requests["600004"] == 1  # the incremental fetch only, no full refetch
    assert [start for _, s, start in market.calls if s == "600002"] == [market.dates[-4].date()]
    for sym in ["600001", "600002", "600003", "600004", "600005"]:
        same_bars(store.read(sym), market.bars[sym])
    again = update(market, store, today=END)  # now everything is current
    assert again.fetched == [] and again.extended == []


def test_update_with_rounding_noise_is_not_an_adjustment(store):
    market = FakeMarket(n=5)
    backfill(market, store)
    noisy = market.bars["600000"].copy()
    noisy.loc[noisy.index[-2], "close"] += 0.004  # below the 0.005 rounding threshold
    store.write("600000", noisy)
    report = update(market, store, today=END)
    assert report.readjusted == []


def test_update_cancel_raises_with_report(store):
    market = FakeMarket(n=20, latency=0.02)
    backfill(market, store)
    for s in market.symbols:
        store.write(s, market.bars[s].iloc[:-5])
    token = CancelToken()

    def progress(p):
        if p.done >= 3:
            token.cancel()

    with pytest.raises(Cancelled) as info:
        update(market, store, progress=progress, cancel=token)
    assert info.value.report.cancelled
    assert no_fetch_threads()


def test_demo_source_backfill_then_update_fetches_nothing(store):
    demo_mod = pytest.importorskip("desktop_app.core.data.demo")
    demo = demo_mod.DemoSource(n_stocks=40, years=0.3, latency=0.0, faults={"no_data": 0.05})
    report = backfill(demo, store)
    faulty = demo.faulty_symbols()
    assert set(report.failed) == set(faulty)
    assert len(report.fetched) + len(report.failed) == len(demo.universe())
    up = update(demo, store, today=demo.end)
    assert up.fetched == [] and up.readjusted == [] and up.extended == []


def test_update_skips_a_stock_suspended_since_its_last_bar(store):
    market = FakeMarket(n=6)
    backfill(market, store)
    # 600001 stopped trading three days ago: the source has no newer bars, the snapshot shows no trade
    market.bars["600001"] = market.bars["600001"].iloc[:-3]
    store.write("600001", market.bars["600001"])
    real_spot = market.spot

    def spot():
        df = real_spot()
        last = market.bars["600001"]["close"].iloc[-1]
        df.loc[df.symbol == "600001", ["last", "prev_close", "volume", "amount"]] = [last, last, 0.0, 0.0]
        df.loc[df.symbol == "600001", ["open", "high", "low"]] = np.nan
        return df

    market.spot = spot
    market.calls.clear()
    report = update(market, store, today=END)
    assert market.calls == [] and "600001" in report.skipped and report.extended == []


def test_update_ignores_a_snapshot_that_contradicts_the_store(store):
    market = FakeMarket(n=12)
    backfill(market, store)
    for s in market.symbols:  # the store is one day behind ...
        store.write(s, market.bars[s].iloc[:-1])
    real_spot = market.spot

    def shifted():  # ... and the snapshot's prev_close belongs to yet another day
        df = real_spot()
        df["prev_close"] = df["prev_close"] * 1.03
        return df

    market.spot = shifted
    market.calls.clear()
    report = update(market, store, today=END)
    assert market.calls == [] and report.extended == [] and report.readjusted == []
    assert len(report.failed) == 12 and all("snapshot inconsistent" in str(r) for r in report.failed.values())
    assert store.latest_date() == market.dates[-2].date()


def test_update_limited_to_symbols_touches_only_those(store):
    market = FakeMarket(n=10)
    backfill(market, store)
    for sym in ("600001", "600002"):
        store.write(sym, market.bars[sym].iloc[:-3])   # both three days behind
    market.calls.clear()
    report = update(market, store, today=END, symbols=["600001", "600009", "999999"])
    assert set(market.requested()) == {"600001"}
    assert report.fetched == ["600001"] and report.failed == {}
    assert sorted(report.skipped) == ["600009"]
    assert len(store.read("600002")) == len(market.bars["600002"]) - 3   # left alone


def test_a_yielding_bulk_fill_writes_nothing_while_told_to_wait(tmp_path):
    """``backfill(yield_to=…)``: between batches the fill waits while the predicate holds (the
    window: a scan is running), says so in its progress, and goes on afterwards."""
    import threading

    from desktop_app.core.data import refresh as refresh_mod
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.store import BarStore

    src, store = DemoSource(n_stocks=60), BarStore(tmp_path / "y.sqlite")
    busy, seen, phases = threading.Event(), [], []
    busy.set()

    def progress(p):
        phases.append(getattr(p.current, "code", ""))
        if getattr(p.current, "code", "") == "phase_yielding":
            seen.append(len(store.symbols()))
            busy.clear()                                 # the scan ends
    rep = refresh_mod.backfill(src, store, progress=progress, yield_to=busy.is_set)
    assert seen == [0] and "phase_yielding" in phases
    assert len(rep.fetched) == 60 and len(store.symbols()) == 60
    store.close()
