"""The application's shared state for the window: data source, bar store, history, watchlist and
the task manager, plus a small background runner for the short I/O the GUI needs (source
detection, store freshness, watchlist quotes) so the GUI thread never blocks on disk or network.

Long work (scans, refreshes, exports) goes through the ``TaskManager`` instead, so the user sees it.
"""
from __future__ import annotations

import itertools
import logging
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.core.reasons import Reason
from desktop_app.ui.i18n import model_lang

log = logging.getLogger(__name__)


def _alive(callback: Callable | None) -> Callable | None:
    """The callback, or None when it is a method of a QObject Qt has already deleted (a result
    that outlived its widget, e.g. a closed window's model)."""
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, QObject) and not shiboken6.isValid(owner):
        return None
    return callback


class BackgroundRunner(QObject):
    """Run a callable on a small thread pool; deliver its result to a callback on the GUI thread.

    The pool thread only emits ``_done``; the receiver is a bound method of this GUI-thread object,
    so Qt queues the call into the GUI thread (DESIGN.md §2). Exceptions without an ``on_error``
    go to ``sys.excepthook`` (the error dialog).

    Newest request wins: ``run(..., key="stock")`` supersedes the previous job run with the same
    key. A superseded job still waiting in the queue never starts; one already running finishes,
    but its result (or error) is dropped, never delivered. ``superseded(job_id)`` says so."""

    _done = Signal(int, object, object)
    idle = Signal()
    superseded = Signal(int)   # a job whose result was dropped because a newer one has its key

    def __init__(self, parent: QObject | None = None, max_workers: int = 4) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="stockscan-bg")
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Callable | None, Callable | None, str | None]] = {}
        self._futures: dict[int, Future] = {}
        self._latest: dict[str, int] = {}       # key -> the job whose result will be delivered
        self._cond = threading.Condition()      # guards _unfinished (pool threads remove from it)
        self._unfinished: set[int] = set()      # jobs whose thread has not emitted yet
        self._closed = False
        self._done.connect(self._deliver)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, *, key: str | None = None) -> int:
        """Run ``fn()`` on the pool; returns the job id (0 after ``shutdown``). With ``key``, the
        job supersedes the previous job of that key (see the class docstring)."""
        if self._closed:
            return 0
        job = next(self._ids)
        if key is not None:
            old = self._latest.get(key)
            self._latest[key] = job
            if old is not None:
                self._supersede(old)
        self._pending[job] = (on_done, on_error, key)
        with self._cond:
            self._unfinished.add(job)
        fut = self._pool.submit(fn)
        self._futures[job] = fut
        fut.add_done_callback(lambda f, j=job: self._emit(j, f))
        return job

    def _supersede(self, job: int) -> None:
        fut = self._futures.get(job)
        if fut is not None and fut.cancel():  # still queued: it never runs
            self._futures.pop(job, None)
            self._pending.pop(job, None)
            self.superseded.emit(job)
        # else it is running: _deliver drops its result

    def _emit(self, job: int, fut: Future) -> None:  # runs in the pool thread: only emits
        try:
            if fut.cancelled():
                return
            exc = fut.exception()
            try:
                self._done.emit(job, None if exc else fut.result(), exc)
            except RuntimeError:  # the QObject is gone (app shutting down)
                pass
        finally:
            with self._cond:
                self._unfinished.discard(job)
                self._cond.notify_all()

    def pending_count(self) -> int:
        """Jobs submitted and not yet delivered (or dropped)."""
        return len(self._pending)

    def is_busy(self, key: str) -> bool:
        """True while the newest job of ``key`` has not been delivered."""
        return key in self._latest

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until every submitted job has finished in its thread and posted its result (tests,
        shutdown); the results are then delivered by the event loop. True if none is left."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._unfinished, timeout)

    @Slot(int, object, object)
    def _deliver(self, job: int, result: Any, exc: BaseException | None) -> None:
        self._futures.pop(job, None)
        entry = self._pending.pop(job, None)
        try:
            if entry is None:
                return
            on_done, on_error, key = entry
            if key is not None:
                if self._latest.get(key) != job:  # a newer job of this key exists: drop this result
                    self.superseded.emit(job)
                    return
                del self._latest[key]
            if self._closed:  # shutting down: nobody is waiting for it any more
                if exc is not None:
                    log.info("background job failed during shutdown: %s", exc)
                return
            if exc is not None:
                if on_error is None:
                    log.error("background job failed", exc_info=exc)
                    sys.excepthook(type(exc), exc, exc.__traceback__)
                elif (receiver := _alive(on_error)) is not None:
                    receiver(exc)
                # else: the widget that asked is gone, and so is the error's audience
            elif (receiver := _alive(on_done)) is not None:
                receiver(result)
        finally:
            if not self._pending:
                self.idle.emit()

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)


def build_source(preference: str, demo_stocks: int | None = None) -> tuple[Any, Any, str]:
    """Blocking: pick and construct a source and its store. Call from a worker thread only."""
    from desktop_app.core.data.store import BarStore

    note = ""
    if preference == "demo":
        kind = "demo"
    elif preference == "akshare":
        kind = "akshare"
    else:
        from desktop_app.core.data.probe import choose_source

        kind, note = choose_source("auto")
    if kind == "akshare":
        from desktop_app.core.data.akshare_source import AkShareSource

        source: Any = AkShareSource()
    else:
        from desktop_app.core.data.demo import DemoSource

        source = DemoSource(n_stocks=demo_stocks) if demo_stocks else DemoSource()
    return source, BarStore.for_source(source), note


class AppContext(QObject):
    """Everything the window works with. Inject parts in tests (small demo market, fake store)."""

    source_changed = Signal()             # source and store replaced (or first set)
    source_failed = Signal(object)        # a Reason: switching failed; the old source stays
    freshness_changed = Signal(object)    # datetime.date | None: the store's latest bar date
    backfill_started = Signal(str)        # task id of the automatic demo backfill

    def __init__(self, source: Any = None, store: Any = None, history: Any = None,
                 watchlist: Any = None, task_manager: Any = None, *, max_running: int = 2,
                 auto_backfill: bool = True, demo_stocks: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = BackgroundRunner(self)
        if history is None and task_manager is None:
            from desktop_app.core.history import HistoryStore

            history = HistoryStore()
        self.history = history
        if watchlist is None:
            from desktop_app.core.group_watchlist import GroupWatchlist

            watchlist = GroupWatchlist()      # the watchlist groups (issue 19), one active
        self.watchlist = watchlist
        if task_manager is None:
            from desktop_app.workers.task_manager import TaskManager

            task_manager = TaskManager(history=history, max_running=max_running)
        self.task_manager = task_manager
        self.source = source
        if source is not None and store is None:
            from desktop_app.core.data.store import BarStore

            store = BarStore.for_source(source)
        self.store = store
        self.source_note = ""
        self.latest_date: Any = None
        self.auto_backfill = auto_backfill
        self.demo_stocks = demo_stocks
        self.switching = False
        self._shut = False
        self._scans: set[str] = set()                 # scans queued or running (GUI thread)
        self.scans_busy = threading.Event()            # … read by a yielding fill's worker
        self.task_manager.task_finished.connect(self._on_task_finished)
        self.task_manager.task_added.connect(self._on_task_added)
        from desktop_app.workers.task_factory import install_rerun

        install_rerun(self.task_manager, self)   # re-runs read self.source/self.store when they run

    @classmethod
    def for_demo(cls, n_stocks: int = 300, latency: float = 0.0, store: Any = None,
                 max_running: int = 2, auto_backfill: bool = False, **kw: Any) -> "AppContext":
        """A context on a small demo market (tests, screenshots, benchmarks): history and
        watchlist in the usual data dir (``STOCKSCAN_HOME`` in tests)."""
        from desktop_app.core.data.demo import DemoSource

        return cls(source=DemoSource(n_stocks=n_stocks, latency=latency), store=store,
                   max_running=max_running, auto_backfill=auto_backfill, **kw)

    # -- source -------------------------------------------------------------------------------
    @property
    def is_demo(self) -> bool:
        return bool(getattr(self.source, "is_demo", False))

    def switch_source(self, preference: str = "auto") -> None:
        """Detect/construct the source off the GUI thread; ``source_changed`` when ready."""
        self.switching = True
        n = self.demo_stocks
        self.runner.run(lambda: build_source(preference, n), self._on_source_ready, self._on_source_error)

    def _on_source_ready(self, result: tuple[Any, Any, str]) -> None:
        self.switching = False
        self.source, self.store, self.source_note = result
        log.info("data source: %s (%s)", self.source.name, self.source_note)
        self.source_changed.emit()
        self.refresh_freshness(backfill_if_empty=self.auto_backfill)

    def _on_source_error(self, exc: BaseException) -> None:
        self.switching = False
        log.error("switching source failed", exc_info=exc)
        self.source_failed.emit(Reason.of(exc))

    def start(self) -> None:
        """Call once the window is up: freshness (and the first demo backfill) for an injected source."""
        if self.source is not None:
            self.refresh_freshness(backfill_if_empty=self.auto_backfill)

    # -- store freshness ----------------------------------------------------------------------
    def refresh_freshness(self, backfill_if_empty: bool = False) -> None:
        store = self.store
        if store is None:
            return

        def done(date: Any) -> None:
            if store is not self.store:
                return
            self.latest_date = date
            self.freshness_changed.emit(date)
            if date is None and backfill_if_empty and self.is_demo:
                self.start_backfill(yield_to_scans=True)

        self.runner.run(store.latest_date, done)

    def start_backfill(self, symbols: list[str] | None = None, yield_to_scans: bool = False) -> str:
        """A backfill task. ``yield_to_scans`` (the first-start demo fill): it waits between
        batches while a scan is queued or running — a scan reads the demo market straight from
        memory (``core.scan_bars``), and the fill would only slow the first scan a user starts."""
        from desktop_app.workers.task_factory import submit_refresh

        tid = submit_refresh(self.task_manager, self.source, self.store, mode="backfill", symbols=symbols,
                             lang=model_lang(), yield_to=self.scans_busy.is_set if yield_to_scans else None)
        self.backfill_started.emit(tid)
        return tid

    def start_update(self) -> str:
        from desktop_app.workers.task_factory import submit_refresh

        return submit_refresh(self.task_manager, self.source, self.store, mode="update", lang=model_lang())

    @Slot(str, str)
    def _on_task_finished(self, task_id: str, status: str) -> None:
        self._scans.discard(task_id)
        if not self._scans:
            self.scans_busy.clear()
        try:
            info = self.task_manager.get(task_id)
        except KeyError:
            return
        if info is not None and getattr(info, "kind", "") in ("refresh", "scan") and not self._shut:
            self.refresh_freshness()

    @Slot(str)
    def _on_task_added(self, task_id: str) -> None:
        info = self.task_manager.get(task_id)
        if info.kind == "scan" and not info.is_terminal:
            self._scans.add(task_id)
            self.scans_busy.set()

    # -- lifecycle ----------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 3000) -> None:
        """Cancel and join every task thread and the background pool. Idempotent."""
        if self._shut:
            return
        self._shut = True
        try:
            self.task_manager.shutdown(timeout_ms=timeout_ms)
        finally:
            self.runner.shutdown(wait=True)
