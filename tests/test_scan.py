"""The scan pipeline (core.scan) on the demo market, and real scans through the TaskManager."""
from __future__ import annotations


import numpy as np
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.refresh import backfill
from desktop_app.core.data.store import BarStore
from desktop_app.core.jobs import Cancelled, CancelToken
from desktop_app.core.catalogue import HIT_HEADERS
from desktop_app.core.hits import FUNDAMENTAL_COLUMNS, HIT_COLUMNS
from desktop_app.core.since_reasons import SINCE_COLUMNS
from desktop_app.core.scan import (LOOKBACK_DAYS, EmptyUniverseError, ScanError,
                                   ScanRequest, resolve_universe, run_scan)
from desktop_app.core.scoring import score_panel

N = 300
OPEN = dict(exclude_st=False, exclude_suspended=False, min_listed_days=0)   # no prefilters


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    """A warm store of a 300-stock demo market, written once for the module (read-only after)."""
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("bars") / "bars-demo.sqlite")
    rep = backfill(src, store)
    assert not rep.failed
    yield src, store
    store.close()


def test_invariant_every_stock_is_accounted_for(market):
    src, store = market
    seen_hits: list[dict] = []
    out = run_scan(ScanRequest(min_score=60), src, store, on_hits=seen_hits.extend)
    assert out.universe_size == N
    assert out.found + out.not_matching + out.excluded_count + out.failed_count == N == out.accounted
    assert out.found > 0 and out.not_matching > 0
    assert set(out.excluded) <= {"st", "new_listing", "suspended"} and out.excluded["st"] > 0
    # every failure has a reason and is not also a hit; no hit is below the bar
    failed = dict(out.failed)
    assert all(r.strip() for r in failed.values())
    assert not failed.keys() & {h["symbol"] for h in out.hits}
    assert all(h["score"] >= 60 for h in out.hits)
    assert sorted(h["symbol"] for h in seen_hits) == sorted(h["symbol"] for h in out.hits)
    assert all(list(h) == HIT_COLUMNS for h in out.hits)     # no fundamentals asked for or stored
    assert set(HIT_HEADERS) == set(HIT_COLUMNS) | set(FUNDAMENTAL_COLUMNS) | set(SINCE_COLUMNS)
    h = out.hits[0]
    assert h["score"] == max(x["score"] for x in out.hits)
    assert h["label_zh"] and h["label_en"] and h["name"] and isinstance(h["strategies"], list)
    assert abs(sum(h[d] for d in ("trend", "volatility", "technical", "volume", "momentum")) - h["score"]) < 1e-9


def test_min_score_zero_spread_and_failures_are_never_hits(market):
    src, store = market
    out = run_scan(ScanRequest(min_score=0, **OPEN), src, store)
    scores = np.array([h["score"] for h in out.hits])
    assert out.not_matching == 0 and set(out.excluded) <= {"history_short"}
    assert out.found + out.failed_count + out.excluded_count == N
    assert scores.min() < 40 and scores.max() > 75 and len(np.unique(scores)) > 10   # a sensible spread
    # the stocks the scorer cannot score: too young ones are excluded, the rest fail with their reason
    panel = store.read_panel(src.universe()["symbol"].tolist(), last_n=LOOKBACK_DAYS)
    res = score_panel(panel)
    invalid = {s: r for s, r, ok in zip(panel.symbols, res.invalid_reason, res.valid) if not ok}
    young = {s for s, r in invalid.items() if r.code in ("history_too_short", "not_listed_yet")}
    assert dict(out.failed) == {s: r for s, r in invalid.items() if s not in young}
    assert out.excluded.get("history_short", 0) == len(young) and len(invalid) > 0


def test_20_percent_injected_faults_exact_failed_count_and_reasons(tmp_path):
    faults = {"no_data": 0.10, "network": 0.05, "unparseable": 0.05}
    src = DemoSource(n_stocks=200, faults=faults)
    faulty = src.faulty_symbols()
    assert len(faulty) == 40
    store = BarStore(tmp_path / "bars.sqlite")
    out = run_scan(ScanRequest(min_score=50, **OPEN), src, store)      # reads the demo's memory
    assert out.accounted == out.universe_size == 200
    failed = dict(out.failed)
    assert len(failed) == len(out.failed)                                   # listed once each
    for sym, kind in faulty.items():
        assert str(failed[sym]).startswith(kind), (sym, kind, failed[sym])
    others = {s: r for s, r in failed.items() if s not in faulty}
    healthy = [s for s in src.universe()["symbol"] if s not in faulty]
    backfill(src, store)                         # the reference: the same bars through the store
    res = score_panel(store.read_panel(healthy, last_n=LOOKBACK_DAYS))
    young = sum(1 for r, ok in zip(res.invalid_reason, res.valid)
                if not ok and r.code in ("history_too_short", "not_listed_yet"))   # excluded, not failed
    assert len(others) == int((~res.valid).sum()) - young                   # exact count
    assert out.excluded.get("history_short", 0) == young
    assert out.failed_count == 40 + len(others)
    assert not set(faulty) & {h["symbol"] for h in out.hits}
    store.close()


def test_fetch_missing_off_lists_missing_bars_as_failures(tmp_path):
    src = DemoSource(n_stocks=200)
    store = BarStore(tmp_path / "empty.sqlite")
    out = run_scan(ScanRequest(**OPEN), src, store, fetch_missing=False)
    assert out.failed_count == 200 and out.found == 0
    assert all("local store" in str(r) for _, r in out.failed)
    store.close()


def test_prefilters_count_their_exclusions(market):
    src, store = market
    base = run_scan(ScanRequest(min_score=0, **OPEN), src, store)
    lasts = sorted(h["last"] for h in base.hits)
    lo, hi = lasts[len(lasts) // 4], lasts[3 * len(lasts) // 4]
    out = run_scan(ScanRequest(min_score=0, price_min=lo, price_max=hi, **OPEN), src, store)
    assert out.excluded["price"] > 0 and out.accounted == N
    assert all(lo <= h["last"] <= hi for h in out.hits)
    caps = src.spot().set_index("symbol")["market_cap"]
    big = float(caps.median())
    out = run_scan(ScanRequest(min_score=0, mcap_min=big, **OPEN), src, store)
    assert out.excluded["market_cap"] >= N // 2 - 1 and out.accounted == N
    assert all(caps[h["symbol"]] >= big for h in out.hits)
    out = run_scan(ScanRequest(min_score=0, min_amount=1e20, **OPEN), src, store)
    assert out.excluded == {"amount": N}


def test_strategy_presets_all_and_any(market):
    from desktop_app.core.strategies import STRATEGIES
    src, store = market
    base = run_scan(ScanRequest(min_score=0, **OPEN), src, store)
    counts = {k: sum(k in h["strategies"] for h in base.hits) for k in STRATEGIES}
    a, b = sorted(counts, key=counts.get)[-2:]
    assert counts[a] > 0 and counts[b] > 0
    out_all = run_scan(ScanRequest(min_score=0, strategies=[a, b], mode="all", **OPEN), src, store)
    out_any = run_scan(ScanRequest(min_score=0, strategies=[a, b], mode="any", **OPEN), src, store)
    assert all(a in h["strategies"] and b in h["strategies"] for h in out_all.hits)
    assert all(a in h["strategies"] or b in h["strategies"] for h in out_any.hits)
    assert out_any.found == sum(1 for h in base.hits if a in h["strategies"] or b in h["strategies"])
    assert out_all.found <= min(counts[a], counts[b]) <= out_any.found


def test_universes_and_rejected_tokens(market):
    src, store = market
    uni = src.universe()
    some = uni["symbol"].tolist()[:2]
    u = resolve_universe(ScanRequest(universe=f"codes:{some[0]}, abc {some[1]} 123456 {some[0]}"), src)
    assert u.symbols == some
    assert [t for t, _ in u.rejected] == ["abc", "123456"] and all(r for _, r in u.rejected)
    star = resolve_universe(ScanRequest(universe="star"), src).symbols
    assert star and set(star) == set(uni.loc[uni.board == "star", "symbol"])
    idx = resolve_universe(ScanRequest(universe="index:000300"), src)
    assert idx.symbols and idx.description == "沪深300"
    ind = src.boards("industry")[0]
    assert resolve_universe(ScanRequest(universe=f"industry:{ind}"), src).symbols
    with pytest.raises(EmptyUniverseError, match="no industry board"):
        resolve_universe(ScanRequest(universe="industry:不存在的行业"), src)
    with pytest.raises(EmptyUniverseError, match="watchlist is empty"):
        resolve_universe(ScanRequest(universe="watchlist"), src, watchlist=[])
    w = resolve_universe(ScanRequest(universe="watchlist"), src, watchlist=some + ["600000x"])
    assert w.symbols == some and w.rejected[0][0] == "600000x"
    with pytest.raises(ScanError):
        run_scan(ScanRequest(universe="codes:abc"), src, store)


def test_request_roundtrip_title_and_validation():
    r = ScanRequest(universe="index:000300", min_score=60, strategies=["macd_golden"], price_max=50.0)
    assert ScanRequest.from_dict(r.to_dict()) == r
    assert ScanRequest(universe="index:000300").title() == "沪深300 · 得分≥60"
    assert ScanRequest(universe="board:chinext", min_score=70).title("en") == "ChiNext · score≥70"
    assert "MACD" in r.title()
    assert r.validate() == []
    bad = ScanRequest(universe="planet:mars", min_score=120, price_min=10, price_max=5, mode="some",
                      strategies=["no_such_preset"])
    problems = bad.validate()
    assert len(problems) == 5 and any("universe" in str(p) for p in problems)


def test_cancel_between_chunks(market):
    src, store = market
    tok = CancelToken()
    calls = []

    def progress(p):
        calls.append(p)
        if p.current not in ("universe", "prefilters", "reading bars"):
            tok.cancel()

    import desktop_app.core.scan as scan_mod
    old = scan_mod.CHUNK
    scan_mod.CHUNK = 50
    try:
        with pytest.raises(Cancelled):
            run_scan(ScanRequest(min_score=0, **OPEN), src, store, progress=progress, cancel=tok)
    finally:
        scan_mod.CHUNK = old
    assert calls[-1].done < N


# --------------------------------------------------------------------------- through Qt
@pytest.fixture
def tm(qtbot):
    from desktop_app.workers.task_manager import TaskManager
    m = TaskManager(max_running=3)
    yield m
    assert m.shutdown(5000)


def test_real_scans_under_the_model_tester_three_at_once(market, tm, qtbot, qtmodeltester, qtlog):
    from PySide6.QtTest import QAbstractItemModelTester

    from desktop_app.workers.task_factory import submit_scan
    from desktop_app.workers.task_info import TaskStatus
    src, store = market
    qtmodeltester.check(tm)
    reqs = [ScanRequest(min_score=s) for s in (40, 55, 70)]
    testers, ids, seen = [], [], {}
    for r in reqs:
        tid = submit_scan(tm, r, src, store)
        ids.append(tid)
        testers.append(QAbstractItemModelTester(tm.results_model(tid),
                                                QAbstractItemModelTester.FailureReportingMode.Warning))
        assert tm.get(tid).status in (TaskStatus.PENDING, TaskStatus.RUNNING)

    def all_done():
        for t in ids:
            seen.setdefault(t, set()).add(tm.get(t).status)     # queryable at every turn
        return all(tm.get(t).status == TaskStatus.COMPLETED for t in ids)

    qtbot.waitUntil(all_done, timeout=20000)
    qtbot.wait(100)
    for t, r in zip(ids, reqs):
        info, model = tm.get(t), tm.results_model(t)
        out = info.result
        assert out.accounted == out.universe_size == N == info.total == info.done
        assert model.rowCount() == out.found == info.found
        ref = run_scan(r, src, store)              # the same scan run directly: the same hits
        assert out.hits == []                      # the task keeps its hits once, in the model
        assert sorted(model.symbols()) == sorted(h["symbol"] for h in ref.hits)
        assert info.failed == out.failed_count and info.failures == out.failed
        model.sort(HIT_COLUMNS.index("score"), __import__("PySide6.QtCore").QtCore.Qt.SortOrder.DescendingOrder)
        assert model.rows()[0]["score"] == ref.hits[0]["score"]
    assert tm.results_model(ids[0]).rowCount() > tm.results_model(ids[2]).rowCount()
    assert not [r.message for r in qtlog.records if "FAIL" in r.message]


class GatedDemo(DemoSource):
    """A demo market whose fetches past the first ``free`` wait for ``gate`` (no clocks); it
    serves bars through its hosts only, as a remote source does (no reads from its memory)."""

    recent_panel = None

    def __init__(self, free: int = 3, **kw):
        import threading

        super().__init__(**kw)
        self.free, self.gate, self.calls, self._count = free, threading.Event(), 0, threading.Lock()

    def daily_bars_via(self, host, symbol, start=None, end=None):
        with self._count:
            self.calls += 1
            n = self.calls
        if n > self.free:
            assert self.gate.wait(10)
        return super().daily_bars_via(host, symbol, start, end)


def test_cancel_during_a_real_scan(tm, qtbot, tmp_path):
    """Cancelling in the middle of the fetch stops it: the fetches held at the gate finish, and
    no other symbol is fetched after them (the job checks the token between network calls)."""
    from desktop_app.workers.task_factory import submit_scan
    from desktop_app.workers.task_info import TaskStatus
    src = GatedDemo(n_stocks=200)
    store = BarStore(tmp_path / "slow.sqlite")
    tid = submit_scan(tm, ScanRequest(**OPEN), src, store)
    qtbot.waitUntil(lambda: "fetching" in str(tm.get(tid).current), timeout=5000)
    assert tm.cancel(tid)
    assert tm.get(tid).status == TaskStatus.CANCELLED      # at once
    src.gate.set()
    # the runner's "done" comes after its final signal: once the worker is free, a late result
    # would already have been delivered (and dropped)
    qtbot.waitUntil(lambda: tm.active_workers() == 0, timeout=10000)
    info = tm.get(tid)
    assert info.status == TaskStatus.CANCELLED and info.result is None
    assert src.calls < 200 // 2           # it stopped: the gate held all but a few host threads
    store.close()
