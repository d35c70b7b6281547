"""Load one stock for the chart and the analysis panel off the GUI thread.

``StockLoader.request(symbol, source, store)`` hands the work to one background thread: bars come
from the store, or from ``source.daily_bars`` when the store does not have the symbol (they are then
written to the store so the next open is instant); the report comes from
``core.analysis.build_report`` with the stock's universe row. Results arrive as ``loaded(symbol,
bars, report)`` or ``failed(symbol, message)`` on the GUI thread.

Latest wins: a new request supersedes an older one. A request still waiting is replaced; one
already running finishes, but its result is dropped (its generation is no longer current), so a
quick succession of clicks never shows a stale stock.

The thread only emits ``_done``; the receiver is a bound method of this QObject (which lives on the
GUI thread), so Qt queues the delivery (ARCHITECTURE.md, threading rules).
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


def _readable(exc: BaseException) -> str:
    text = str(exc).strip()
    return text if text else type(exc).__name__


def _universe_row(source: Any, symbol: str, cache: dict) -> dict:
    """The stock's universe row (name, board, industry, …); the table is cached per source."""
    if cache.get("source") is not source:
        cache.clear()
        cache["universe"] = source.universe()
        cache["source"] = source
    uni = cache["universe"]
    info: dict = {"symbol": symbol}
    row = uni[uni["symbol"].astype(str) == symbol]
    if len(row):
        info.update(row.iloc[0].to_dict())
    return info


def load_stock(symbol: str, source: Any, store: Any = None, universe_cache: dict | None = None,
               ) -> tuple[Any, Any, str]:
    """Blocking: ``(bars, report_or_None, report_error)``. Raises when there are no bars.

    Runs on the loader thread (or directly in tests)."""
    from desktop_app.core.analysis import build_report

    bars = store.read(symbol) if store is not None else None
    if bars is None or len(bars) == 0:
        bars = source.daily_bars(symbol)
        if store is not None and bars is not None and len(bars):
            try:
                store.write(symbol, bars)
            except Exception as e:  # a cache write failure must not hide the chart
                log.warning("could not store the bars of %s: %s", symbol, e)
    if bars is None or len(bars) == 0:
        raise LookupError(f"{symbol}: no daily bars")
    info = _universe_row(source, symbol, universe_cache if universe_cache is not None else {})
    try:
        report = build_report(bars, info)
        report.is_demo = bool(getattr(source, "is_demo", False))
        err = ""
    except Exception as e:  # the chart still shows; the panel says why there is no report
        log.warning("report of %s failed", symbol, exc_info=True)
        report, err = None, _readable(e)
    return bars, report, err


class StockLoader(QObject):
    """One background thread loading the newest requested stock (see module docstring)."""

    loaded = Signal(str, object, object)    # symbol, bars DataFrame, StockReport | None
    failed = Signal(str, str)               # symbol, readable message
    report_failed = Signal(str, str)        # symbol, why the report is missing (bars loaded)
    idle = Signal()                         # nothing waiting or running any more

    _done = Signal(int, str, object, object, str, str)  # gen, symbol, bars, report, rep_err, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: tuple[int, str, Any, Any] | None = None
        self._running = False
        self._gen = 0
        self._closed = False
        self._thread: threading.Thread | None = None
        self._universe_cache: dict = {}
        self._done.connect(self._deliver)

    # -- GUI thread ---------------------------------------------------------------------------
    def request(self, symbol: str, source: Any, store: Any = None) -> int:
        """Load ``symbol``; supersedes every earlier request. Returns the request's generation."""
        with self._cond:
            if self._closed:
                return self._gen
            self._gen += 1
            self._pending = (self._gen, symbol, source, store)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="stock-loader", daemon=True)
                self._thread.start()
            self._cond.notify_all()
            return self._gen

    def cancel(self) -> None:
        """Forget the current request: whatever is in flight is dropped when it ends."""
        with self._cond:
            self._gen += 1
            self._pending = None

    def is_busy(self) -> bool:
        with self._cond:
            return self._pending is not None or self._running

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until nothing is waiting or running (tests, shutdown). True if idle."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._running, timeout)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the thread (after the load in flight, if any) and join it. Idempotent."""
        with self._cond:
            self._closed = True
            self._pending = None
            self._gen += 1
            self._cond.notify_all()
            t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)

    @Slot(int, str, object, object, str, str)
    def _deliver(self, gen: int, symbol: str, bars: Any, report: Any, rep_err: str, error: str) -> None:
        with self._cond:
            current = gen == self._gen and not self._closed
            quiet = self._pending is None and not self._running
        if current:
            if error:
                self.failed.emit(symbol, error)
            else:
                self.loaded.emit(symbol, bars, report)
                if rep_err:
                    self.report_failed.emit(symbol, rep_err)
        if quiet:
            self.idle.emit()

    # -- loader thread ------------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    self._running = False
                    self._cond.notify_all()
                    return
                gen, symbol, source, store = self._pending  # type: ignore[misc]
                self._pending = None
                self._running = True
            bars = report = None
            rep_err = error = ""
            try:
                bars, report, rep_err = load_stock(symbol, source, store, self._universe_cache)
            except Exception as e:
                log.info("loading %s failed: %s", symbol, e)
                error = _readable(e)
            with self._cond:
                self._running = False
                self._cond.notify_all()
            try:
                self._done.emit(gen, symbol, bars, report, rep_err, error)
            except RuntimeError:  # the QObject is gone (shutting down)
                return
