"""Keeping the bar store current: ``backfill`` (cold, resumable) and ``update`` (daily, cheap).

Both are long jobs (``core.jobs``): they take a progress callback and a cancel token, fetch on
helper threads (``host_fanout``: one thread per daily-bar host) and write to the store only from the
caller's thread (single writer; batched ``write_many``). A per-symbol failure is recorded in the
store with its reason (``store.failures()``) and retried by the next run; it is never fatal.

A store that cannot be written (full disk, read-only file, busy for good: ``file_errors.FileProblem``)
stops the job the same way: fetch threads stop and are joined, nothing more is written, and the
problem is raised with the partial report as ``exc.report``. Every batch written before it is kept,
so the next run resumes where this one stopped.

Cancellation: the job stops its fetch threads (each finishes its in-flight request), joins them,
writes what was already fetched (so a resumed job does not fetch it again), and raises
``Cancelled`` with the partial report attached as ``exc.report`` (``report.cancelled`` is True).

``update`` in detail (one ``source.spot()`` call plus only the fetches that are needed). Let T be the
snapshot's trading day (``spot.attrs["date"]`` when the source sets it, else the last trading day on
or before ``today``, unless the snapshot visibly shows the store's newest day, see ``_target_days``)
and P the trading day before T. For each stored series with last date L:
- L == P: if the snapshot's prev_close differs from the stored last close beyond rounding
  (> 0.005 absolute and > 0.01 % relative), T is an ex-dividend day: every stored bar before T is
  re-adjusted by the ratio prev_close / stored close, and so are its factors (``BarStore.readjust``;
  no download — forward adjustment is multiplicative; the unadjusted prices stay as they are).
  Then (or otherwise) T's bar from the snapshot is appended (if the stock traded).
- L == T: same adjustment test on the stored close of P; otherwise refresh T's bar from the snapshot
  if it changed (an update run during the session, then again after the close).
- L < P (more than one trading day behind, e.g. the app was not run for a week): an incremental
  fetch from L itself; the overlapping bar at L is compared with the stored one, and a mismatch
  (corporate actions meanwhile) re-adjusts the stored bars up to L by the ratio of the two closes
  and appends the fetched ones, written as a new series: its unadjusted prices are forgotten
  (fetched again, once, when a 后复权/不复权 chart asks for them), since the ex-dates fell in the gap.
  A stock the snapshot shows untraded today with prev_close equal to the stored last close has been
  suspended since L: skipped, no request.
- symbols absent from the snapshot are skipped (delisted).
If most of the compared symbols look re-adjusted, the snapshot is not of day T (e.g. taken before
the open); then no snapshot bars are written and nothing is refetched because of it. Otherwise the
snapshot's valuations (PE, PB, total and float cap, last price) go into the store's valuations
table dated T (``FundamentalStore.write_valuations``): what scans and the F10 page read.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..jobs import Cancelled, Progress, ProgressFn, no_progress
from . import bar_codec as codec
from ..catalogue import host_term, say
from ..file_errors import FileProblem
from ..reasons import R, Reason
from .errors import DataError, UnparseableError, failure_reason
from .host_fanout import FetchResult, FetchTask, HostFanout
from .source import BAR_COLUMNS
from .store import BarStore

log = logging.getLogger(__name__)

WRITE_BATCH = 50           # symbols per write_many
_POLL = 0.05               # seconds between cancel checks while waiting for results
#: Sources that can hand over every symbol's history at once (the demo market) skip the per-symbol
#: fetch; False forces the per-symbol path (the first-start benchmark's baseline).
BULK_BACKFILL = True
BULK_BATCH = WRITE_BATCH     # series written per transaction on the bulk path (as the per-symbol path)
YIELD_POLL_S = 0.05          # how often a yielding bulk fill looks whether it may go on
YIELD_MAX_S = 120.0          # the longest a bulk fill waits in one go (a scan that never ends)
_ABS_TOL, _REL_TOL = 0.005, 1e-4
_CLOSE = BAR_COLUMNS.index("close")
_VOLUME = BAR_COLUMNS.index("volume")


@dataclass
class RefreshReport:
    fetched: list[str] = field(default_factory=list)             # symbols with bars fetched and stored
    skipped: list[str] = field(default_factory=list)             # nothing to do (already stored / current)
    failed: dict[str, Reason] = field(default_factory=dict)      # symbol -> reason ("network: …")
    readjusted: list[str] = field(default_factory=list)  # re-adjusted locally after an ex-dividend day
    extended: list[str] = field(default_factory=list)            # got new bars (snapshot or incremental)
    cancelled: bool = False
    per_host: dict[str, int] = field(default_factory=dict)       # successful fetches per host
    rested_hosts: dict[str, str] = field(default_factory=dict)   # hosts rested for throttling

    def summary(self, lang: str = "en") -> str:
        extra = ""
        if self.extended:
            extra += say("refresh_extended", lang, n=len(self.extended))
        if self.readjusted:
            extra += say("refresh_readjusted", lang, n=len(self.readjusted))
        if self.per_host:
            extra += say("refresh_per_host", lang,
                         items=[{"zh": f"{host_term(h)['zh']} {n}", "en": f"{h} {n}"} for h, n in self.per_host.items()])
        if self.rested_hosts:
            extra += say("refresh_rested", lang, items=[host_term(h) for h in self.rested_hosts])
        if self.cancelled:
            extra += say("refresh_cancelled", lang)
        return say("refresh_summary", lang, fetched=len(self.fetched), skipped=len(self.skipped),
                   failed=len(self.failed), extra=extra)


def _is_cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "cancelled"):
        return bool(cancel.cancelled)
    return bool(cancel.is_set())  # a threading.Event


def _fetchers(source) -> dict[str, Callable]:
    """Host name -> fetch(symbol, start). Multi-host sources get one entry per host."""
    hosts = list(getattr(source, "bar_hosts", None) or [])
    if hosts and hasattr(source, "daily_bars_via"):
        return {h: (lambda sym, start, h=h: source.daily_bars_via(h, sym, start=start)) for h in hosts}
    name = getattr(source, "name", "source")
    return {name: lambda sym, start: source.daily_bars(sym, start=start)}


class _Job:
    """Shared machinery: run fetch tasks, batch writes, record failures, report progress."""

    def __init__(self, source, store: BarStore, progress: ProgressFn, cancel: Any, report: RefreshReport):
        self.source, self.store, self.progress, self.cancel, self.report = source, store, progress, cancel, report
        self.total = 0
        self.done = 0
        self._new_failures: list[tuple[str, Reason]] = []
        self._writes: dict[str, pd.DataFrame] = {}
        self._extends: dict[str, pd.DataFrame] = {}
        self._failures: dict[str, Reason] = {}
        self.store_problem: FileProblem | None = None   # the store cannot be written: stop

    def emit(self, current: Reason | str = "") -> None:
        failures, self._new_failures = self._new_failures, []
        self.progress(Progress(done=self.done, total=self.total, failed=len(self.report.failed),
                               current=current, failures=failures))

    def fail(self, symbol: str, reason: Reason) -> None:
        self.report.failed[symbol] = reason
        self._failures[symbol] = reason
        self._new_failures.append((symbol, reason))

    def flush(self) -> None:
        if self.store_problem is not None:
            return          # nothing more can be written; what was written stays
        try:
            if self._writes:
                self.store.write_many(self._writes)
                self._writes = {}
            if self._extends:
                self.store.extend_many(self._extends)
                self._extends = {}
            if self._failures:
                self.store.record_failures(self._failures)
                self._failures = {}
        except FileProblem as e:
            log.warning("refresh stopped: %s", e.reason)
            self.store_problem = e
            lost = set(self._writes) | set(self._extends)   # fetched, but not stored
            self.report.fetched = [s for s in self.report.fetched if s not in lost]
            self.report.extended = [s for s in self.report.extended if s not in lost]

    def queue_write(self, symbol: str, bars: pd.DataFrame, extend: bool = False) -> None:
        if self.store_problem is not None:
            self.report.fetched = [s for s in self.report.fetched if s != symbol]
            self.report.extended = [s for s in self.report.extended if s != symbol]
            return
        (self._extends if extend else self._writes)[symbol] = bars
        if len(self._writes) + len(self._extends) >= WRITE_BATCH:
            self.flush()

    def run(self, tasks: list[FetchTask], on_result: Callable[[FetchResult, HostFanout], int]) -> None:
        """Fetch ``tasks``; ``on_result`` handles each result and returns how many tasks it added."""
        if not tasks:
            self.flush()
            return
        fanout = HostFanout(_fetchers(self.source))
        fanout.add(tasks)
        outstanding = len(tasks)
        self.total += len(tasks)
        self.emit()
        fanout.start()
        try:
            while outstanding > 0:
                if self.store_problem is not None:
                    break
                if _is_cancelled(self.cancel):
                    self.report.cancelled = True
                    break
                res = fanout.get(_POLL)
                if res is None:
                    paused = fanout.paused_for()
                    if paused is not None:       # every host rests: the job waits, visibly
                        self.emit(R("phase_paused", seconds=int(round(paused))))
                    continue
                outstanding -= 1
                added = on_result(res, fanout)
                outstanding += added
                self.total += added
                self.done += 1
                self.emit(res.task.symbol)
        finally:
            fanout.stop()
            fanout.join()
            # Results that arrived while stopping are kept: a resumed job need not fetch them again.
            while (res := fanout.get(0)) is not None:
                on_result(res, None)
            for h, n in fanout.per_host.items():
                self.report.per_host[h] = self.report.per_host.get(h, 0) + n
            self.report.rested_hosts.update(fanout.rested)
            self.flush()

    def finish(self) -> RefreshReport:
        self.emit()
        if self.store_problem is not None:
            self.store_problem.report = self.report  # type: ignore[attr-defined]
            raise self.store_problem
        if self.report.cancelled:
            exc = Cancelled("refresh cancelled")
            exc.report = self.report  # type: ignore[attr-defined]
            raise exc
        return self.report


def backfill(source, store: BarStore, symbols: list[str] | None = None, progress: ProgressFn = no_progress,
             cancel: Any = None, yield_to: Callable[[], bool] | None = None) -> RefreshReport:
    """Fetch the full history of every symbol (default: the source's universe) not yet in the store.

    Resumable: stored symbols are skipped; failures from earlier runs are retried.
    Raises ``Cancelled`` (with ``.report``) if ``cancel`` is set before it finishes.
    ``yield_to()`` (a local source's bulk path only): while it is true, the fill waits between
    batches — the window passes "a scan is running", since a scan reads a local source from
    memory and the fill would only slow it."""
    report = RefreshReport()
    if symbols is None:
        symbols = [str(s) for s in source.universe()["symbol"]]
    symbols = list(dict.fromkeys(symbols))
    stored = set(store.symbols())
    report.skipped = [s for s in symbols if s in stored]
    job = _Job(source, store, progress, cancel, report)
    todo = [s for s in symbols if s not in stored]
    bulk = getattr(source, "bulk_records", None) if BULK_BACKFILL else None
    if bulk is not None and todo and bulk([]) is not None:   # a local source hands its history over
        return _write_bulk(job, todo, bulk, yield_to)

    def on_result(res: FetchResult, _fanout) -> int:
        sym = res.task.symbol
        if res.ok:
            report.fetched.append(sym)
            job.queue_write(sym, res.bars)
        else:
            job.fail(sym, failure_reason(res.error))
        return 0

    job.run([FetchTask(s) for s in todo], on_result)
    return job.finish()


def _write_bulk(job: "_Job", todo: list[str], bulk: Callable, yield_to: Callable[[], bool] | None) -> RefreshReport:
    """Write a local source's bulk answer batch by batch (records made per batch; progress,
    cancel and ``yield_to`` between batches), failures with their reasons."""
    report = job.report
    job.total = len(todo)
    job.emit()
    for a in range(0, len(todo), BULK_BATCH):
        _wait_while(yield_to, job)
        if _is_cancelled(job.cancel):
            report.cancelled = True
            break
        part = todo[a:a + BULK_BATCH]
        recs, errors = bulk(part)
        for sym, err in errors.items():
            job.fail(sym, failure_reason(err))
        names = [s for s in part if s in recs]
        try:
            job.store.write_records({s: recs[s] for s in names})
        except FileProblem as e:             # a full disk: what was written stays, the rest waits
            log.warning("backfill stopped: %s", e.reason)
            job.store_problem = e
            break
        report.fetched.extend(names)
        job.done += len(part)
        job.emit(part[-1])
    job.flush()
    return job.finish()


def _wait_while(yield_to: Callable[[], bool] | None, job: "_Job") -> None:
    """Wait while ``yield_to()`` is true (cancel ends the wait; at most ``YIELD_MAX_S``)."""
    if yield_to is None or not yield_to():
        return
    job.emit(R("phase_yielding"))
    waited = 0.0
    while yield_to() and not _is_cancelled(job.cancel) and waited < YIELD_MAX_S:
        time.sleep(YIELD_POLL_S)
        waited += YIELD_POLL_S


# ----------------------------------------------------------------------------- update
def _trading_days(start: dt.date, end: dt.date, extra: pd.DatetimeIndex | None = None) -> pd.DatetimeIndex:
    from ..calendar import trading_days

    return trading_days(start, end, extra)


def network_calendar(source, today: dt.date) -> pd.DatetimeIndex | None:
    """The source's own trade calendar, asked only when ``today`` lies past akshare's bundled one
    (FACTS.md: it ends 2026-12-31). None when not needed, not offered, or not reachable: the
    calendar then falls back to weekdays."""
    from ..calendar import calendar_end

    fetch = getattr(source, "trade_calendar", None)
    if fetch is None or today <= calendar_end():
        return None
    try:
        return fetch()
    except DataError as e:
        log.warning("network trade calendar unavailable, using weekdays past %s: %s", calendar_end(), e)
        return None


def _day_pair(anchor: dt.date, extra: pd.DatetimeIndex | None = None) -> tuple[int, int]:
    """(T, P): the last trading day on or before ``anchor`` and the trading day before it."""
    days = _trading_days(anchor - dt.timedelta(days=60), anchor, extra)
    if len(days) < 2:
        raise ValueError(f"no trading days before {anchor}")
    return codec.day_number(days[-1]), codec.day_number(days[-2])


def _snapshot_is_of(day: int, snap: dict[str, dict], tails: dict[str, np.ndarray]) -> bool:
    """Does the snapshot show day ``day`` itself (last ≈ stored close of that day, prev_close ≈
    the close before it) for most stocks that traded then? True e.g. for a snapshot taken before
    the open, or a source whose newest day is behind the calendar (the demo market)."""
    votes = agree = 0
    for sym, rec in tails.items():
        row = snap.get(sym)
        if row is None or len(rec) < 2 or int(rec["d"][-1]) != day or not float(row.get("volume") or 0) > 0:
            continue
        votes += 1
        last, prev = float(row.get("last", np.nan)), float(row.get("prev_close", np.nan))
        if not _differs(last, float(rec["v"][-1, _CLOSE])) and not _differs(prev, float(rec["v"][-2, _CLOSE])):
            agree += 1
    return votes > 0 and agree * 2 > votes


def _target_days(spot: pd.DataFrame, today: dt.date, snap: dict[str, dict],
                 tails: dict[str, np.ndarray], extra: pd.DatetimeIndex | None = None) -> tuple[int, int]:
    """(T, P) as day numbers: the snapshot's trading day and the trading day before it.

    ``spot.attrs["date"]`` wins when the source sets it. Otherwise T is the last trading day on or
    before ``today`` — unless the store's newest day is older and the snapshot shows that very day."""
    stamp = spot.attrs.get("date") if hasattr(spot, "attrs") else None
    if stamp is not None:
        return _day_pair(pd.Timestamp(stamp).date(), extra)
    T, P = _day_pair(today, extra)
    newest = max((int(r["d"][-1]) for r in tails.values() if len(r)), default=None)
    if newest is not None and newest < T and _snapshot_is_of(newest, snap, tails):
        return _day_pair(codec.day_to_date(newest), extra)
    return T, P


def _differs(a: float, b: float) -> bool:
    """Prices differ beyond rounding (both thresholds must be exceeded)."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    diff = abs(a - b)
    return diff > _ABS_TOL and diff > _REL_TOL * max(abs(a), abs(b))


def _snapshot_bar(row: dict, day: int) -> pd.DataFrame | None:
    """T's bar from a snapshot row, or None if the stock did not trade (suspended)."""
    last = float(row.get("last", np.nan))
    volume = float(row.get("volume", np.nan))
    if not np.isfinite(last) or not np.isfinite(volume) or volume <= 0:
        return None
    vals = {"open": row.get("open"), "high": row.get("high"), "low": row.get("low"), "close": last,
            "volume": volume, "amount": row.get("amount"), "turnover": row.get("turnover")}
    df = pd.DataFrame({k: [float(v) if v is not None else np.nan] for k, v in vals.items()},
                      index=codec.days_to_index(np.array([day])))
    return df[BAR_COLUMNS]


def _keep_valuations(store: BarStore, spot: pd.DataFrame, day: dt.date) -> None:
    """The snapshot's PE/PB/caps into the store's valuations, dated with the snapshot's day."""
    from .fundamental_store import FundamentalStore

    if len(spot) and {"pe", "pb", "market_cap"} <= set(spot.columns):
        FundamentalStore(store).write_valuations(spot, day)


def update(source, store: BarStore, progress: ProgressFn = no_progress, cancel: Any = None,
           today: dt.date | None = None, symbols: list[str] | None = None) -> RefreshReport:
    """Bring every stored series (or only the stored ones among ``symbols``) up to the snapshot's
    trading day (see the module docstring).

    Raises ``Cancelled`` (with ``.report``) if ``cancel`` is set before it finishes."""
    report = RefreshReport()
    job = _Job(source, store, progress, cancel, report)
    job.emit(R("phase_snapshot"))
    spot = source.spot()
    if _is_cancelled(cancel):
        report.cancelled = True
        return job.finish()
    snap = {str(r["symbol"]): r for r in spot.to_dict("records")}
    tails = store.tail_records(2)
    today = today or dt.date.today()
    T, P = _target_days(spot, today, snap, tails, network_calendar(source, today))
    if symbols is not None:  # after _target_days, which reads the whole store's tails
        wanted = set(symbols)
        tails = {sym: rec for sym, rec in tails.items() if sym in wanted}

    adjusted: list[str] = []
    ratios: dict[str, float] = {}              # ex-dividend today: prev_close / stored close
    appends: dict[str, pd.DataFrame] = {}
    incremental: list[FetchTask] = []
    compared = 0
    for sym, rec in tails.items():
        L = int(rec["d"][-1])
        row = snap.get(sym)
        if row is None or L > T:
            report.skipped.append(sym)
            continue
        if L < P:
            traded = float(row.get("volume") or 0) > 0
            if not traded and not _differs(float(row.get("prev_close", np.nan)), float(rec["v"][-1, _CLOSE])):
                report.skipped.append(sym)  # suspended since L: nothing to fetch
            else:
                incremental.append(FetchTask(sym, start=codec.day_to_date(L), purpose="incremental"))
            continue
        # the stored close of P, which the snapshot's prev_close must match
        if L == P:
            prev_close_stored = float(rec["v"][-1, _CLOSE])
        else:  # L == T
            prev_close_stored = float(rec["v"][-2, _CLOSE]) if len(rec) >= 2 and rec["d"][-2] == P else np.nan
        prev_snap = float(row.get("prev_close", np.nan))
        if np.isfinite(prev_close_stored) and np.isfinite(prev_snap):
            compared += 1
            if _differs(prev_close_stored, prev_snap):
                adjusted.append(sym)
                ratios[sym] = prev_snap / prev_close_stored
        bar = _snapshot_bar(row, T)
        if bar is None:
            report.skipped.append(sym)
            continue
        if L == T and sym not in ratios:
            stored_bar = rec["v"][-1]
            same = (not _differs(float(stored_bar[_CLOSE]), float(bar["close"].iloc[0]))
                    and np.isclose(float(stored_bar[_VOLUME]), float(bar["volume"].iloc[0]), rtol=1e-6))
            if same:
                report.skipped.append(sym)
                continue
        appends[sym] = bar

    if compared >= 10 and len(adjusted) > compared // 2:
        log.warning("update: %d of %d snapshot prev_close values differ from the store; the snapshot is "
                    "not of %s - no snapshot bars written", len(adjusted), compared, codec.day_to_date(T))
        for sym in adjusted:
            job.fail(sym, failure_reason(UnparseableError(R("data_snapshot_inconsistent"))))
        adjusted, appends = [], {s: b for s, b in appends.items() if s not in ratios}
        job.flush()
        if job.store_problem is not None:
            return job.finish()
    else:
        _keep_valuations(store, spot, codec.day_to_date(T))
        if adjusted:
            try:
                store.readjust({s: (T, ratios[s]) for s in adjusted})
                report.readjusted.extend(adjusted)
            except FileProblem as e:
                job.store_problem = e
                return job.finish()

    for sym, bar in appends.items():
        job.queue_write(sym, bar, extend=True)
        report.extended.append(sym)
    job.flush()
    if job.store_problem is not None:
        return job.finish()
    job.emit()

    stored_tail = {t.symbol: tails[t.symbol] for t in incremental}

    def on_result(res: FetchResult, fanout: HostFanout | None) -> int:
        sym = res.task.symbol
        if not res.ok:
            job.fail(sym, failure_reason(res.error))
            return 0
        # incremental: the overlapping bar at L must match, else corporate actions fell in the gap
        fresh = codec.frame_to_records(res.bars)
        old = stored_tail[sym]
        L = int(old["d"][-1])
        hit = np.flatnonzero(fresh["d"] == L)
        newer = fresh[fresh["d"] > L]
        report.fetched.append(sym)
        if len(hit) and _differs(float(fresh["v"][hit[0], _CLOSE]), float(old["v"][-1, _CLOSE])):
            ratio = float(fresh["v"][hit[0], _CLOSE]) / float(old["v"][-1, _CLOSE])
            stored = store.read(sym)
            if stored is None:
                return 0
            stored[["open", "high", "low", "close"]] *= ratio
            job.queue_write(sym, pd.concat([stored, codec.records_to_frame(newer)]))
            report.readjusted.append(sym)
            report.extended.append(sym)
        elif len(newer):
            job.queue_write(sym, codec.records_to_frame(newer), extend=True)
            report.extended.append(sym)
        return 0

    job.run(incremental, on_result)
    return job.finish()
