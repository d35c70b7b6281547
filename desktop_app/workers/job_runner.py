"""Run one ``core`` job on a pool thread and turn its callbacks into throttled Qt signals.

A job is ``job(progress, cancel, emit_hits) -> result``. ``JobRunner`` is a ``QRunnable`` started on
the TaskManager's private ``QThreadPool`` (pool threads are owned and joined by the pool, so no
"QThread: Destroyed while thread is still running"). QRunnable is not a QObject, so the signals live
on ``JobSignals``, one relay created in the GUI thread and shared by every runner; each signal
carries the task id. Receivers are bound methods of GUI-thread QObjects, connected queued.

Throttling happens here, at the source (DESIGN.md §2): progress at most every ``progress_interval``
seconds (failures reported in between are accumulated, never lost), hits in growing batches
1, 2, 4 … 512 rows or whatever is buffered after ``hits_interval`` seconds. Everything buffered is
flushed before the final signal, and signals from one runner arrive in emission order.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from ..core.jobs import Cancelled, CancelToken, Progress
from ..core.reasons import Reason

log = logging.getLogger(__name__)

Job = Callable[[Callable[[Progress], None], CancelToken, Callable[[list], None]], Any]

MAX_HIT_BATCH = 512


class JobSignals(QObject):
    progress = Signal(str, object)    # task id, Progress (failures: new since the last signal)
    hits = Signal(str, object)        # task id, list[dict]
    finished = Signal(str, object)    # task id, result
    failed = Signal(str, object)      # task id, Reason (core/reasons.py)
    cancelled = Signal(str)           # task id
    done = Signal(str)                # task id; always the last signal: the thread is free again


class ProgressThrottle:
    """Coalesces progress reports; ``offer`` returns what to emit now (or None)."""

    def __init__(self, interval: float = 0.05, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.clock = clock
        self._last = -1e18
        self._pending: Progress | None = None
        self._failures: list[tuple[str, Reason]] = []

    def offer(self, p: Progress) -> Progress | None:
        self._failures.extend(p.failures)
        self._pending = p
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            return self._take()
        return None

    def flush(self) -> Progress | None:
        return self._take() if self._pending is not None else None

    def _take(self) -> Progress:
        assert self._pending is not None
        out = replace(self._pending, failures=self._failures)
        self._pending, self._failures = None, []
        return out


class HitBatcher:
    """Buffers hit rows and releases them in growing batches (1, 2, 4 … 512) or after a delay."""

    def __init__(self, interval: float = 0.25, clock: Callable[[], float] = time.monotonic,
                 max_batch: int = MAX_HIT_BATCH):
        self.interval = interval
        self.clock = clock
        self.max_batch = max_batch
        self.next_size = 1
        self._buf: list = []
        self._last = clock()

    def offer(self, rows: list) -> list | None:
        self._buf.extend(rows)
        return self.poll()

    def poll(self) -> list | None:
        if not self._buf:
            return None
        if len(self._buf) >= self.next_size or self.clock() - self._last >= self.interval:
            return self._take()
        return None

    def flush(self) -> list | None:
        return self._take() if self._buf else None

    def _take(self) -> list:
        out, self._buf = self._buf, []
        self._last = self.clock()
        self.next_size = min(self.next_size * 2, self.max_batch)
        return out


def error_reason(exc: BaseException) -> Reason:
    """Why a job failed, in any language: core's exceptions carry a Reason; anything else is an
    unexpected error named by its type and text."""
    return Reason.of(exc)


#: After publishing to the GUI, the worker sleeps this long (seconds), releasing the GIL. Each view
#: repaint calls into Python ~1,400 times, and each call must win the GIL from a busy job thread
#: (up to the interpreter's switch interval, 5 ms, per call): measured, a results repaint took
#: ~100 ms against a busy thread and ~9 ms alone. The pause lets the repaint run uncontended.
YIELD_AFTER_HITS = 0.012
YIELD_AFTER_PROGRESS = 0.003


class JobRunner(QRunnable):
    def __init__(self, task_id: str, job: Job, cancel: CancelToken, signals: JobSignals,
                 progress_interval: float = 0.05, hits_interval: float = 0.25):
        super().__init__()
        self.setAutoDelete(False)   # the TaskManager keeps the Python reference until ``done``
        self.task_id = task_id
        self.job = job
        self.cancel = cancel
        self.signals = signals
        self._progress = ProgressThrottle(progress_interval)
        self._hits = HitBatcher(hits_interval)

    # called on the worker thread by the job -------------------------------------------------
    def _on_progress(self, p: Progress) -> None:
        if self.cancel.cancelled:
            return
        out = self._progress.offer(p)
        batch = self._hits.poll()
        if batch:
            self.signals.hits.emit(self.task_id, batch)
        if out is not None:
            self.signals.progress.emit(self.task_id, out)
        if batch:
            self.cancel.wait(YIELD_AFTER_HITS)
        elif out is not None:
            self.cancel.wait(YIELD_AFTER_PROGRESS)

    def _on_hits(self, rows: list) -> None:
        if self.cancel.cancelled or not rows:
            return
        batch = self._hits.offer(list(rows))
        if batch:
            self.signals.hits.emit(self.task_id, batch)
            self.cancel.wait(YIELD_AFTER_HITS)

    def _flush(self) -> None:
        batch = self._hits.flush()
        if batch:
            self.signals.hits.emit(self.task_id, batch)
        p = self._progress.flush()
        if p is not None:
            self.signals.progress.emit(self.task_id, p)

    def run(self) -> None:  # noqa: D401 - QRunnable entry point, on a pool thread
        tid = self.task_id
        try:
            if self.cancel.cancelled:
                self.signals.cancelled.emit(tid)
                return
            try:
                result = self.job(self._on_progress, self.cancel, self._on_hits)
            except Cancelled:
                self.signals.cancelled.emit(tid)
            except BaseException as exc:  # noqa: BLE001 - a job must never kill its thread silently
                log.exception("task %s failed", tid)
                self._flush()
                self.signals.failed.emit(tid, error_reason(exc))
            else:
                if self.cancel.cancelled:
                    self.signals.cancelled.emit(tid)
                else:
                    self._flush()
                    self.signals.finished.emit(tid, result)
        finally:
            self.job = None   # drop references to sources/stores held by the closure
            self.signals.done.emit(tid)
