"""Start-up after the first frame: the window paints its light shell first, and the heavy parts are
built in the event-loop turns after that first paint, one step a turn.

``AfterFirstFrame(window)`` watches the window: ``then(step)`` queues a step (``first=True`` puts
it at the front: a step that only starts background work, so the GUI steps after it overlap that
work). The steps start one turn after the window's first Paint event — Qt has drawn and flushed
the shell by then — or ``FALLBACK_MS`` after it is shown when no paint comes (a start minimised or
on another workspace). ``finish()`` runs every step not yet run, at once: tests, and anything that
needs the built window before the event loop got there (``MainWindow.ensure_built``).
``cancel()`` drops what is left (a window closed before its build).

No step may assume another one ran in the same turn; a step that raises is reported like any
other exception in a slot (the error dialog) and the steps after it still run (from ``finish()``
the exception reaches its caller).
"""
from __future__ import annotations

import logging
import time
from collections import deque
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

FALLBACK_MS = 1000   # shown but not painted by then: build anyway


class AfterFirstFrame(QObject):
    finished = Signal()   # every queued step has run

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._steps: deque[Callable[[], object]] = deque()
        self._started = False
        self.first_frame_at: float | None = None     # time.perf_counter() of the first paint
        window.installEventFilter(self)

    def then(self, step: Callable[[], object], *, first: bool = False) -> None:
        if first:
            self._steps.appendleft(step)
        else:
            self._steps.append(step)
        if self._started and len(self._steps) == 1:
            QTimer.singleShot(0, self._next)

    def pending(self) -> bool:
        return bool(self._steps)

    def finish(self) -> None:
        """Run every step still queued, now, in order."""
        self._begin()
        if not self._steps:
            return
        while self._steps:
            self._run(self._steps.popleft())
        self.finished.emit()

    def cancel(self) -> None:
        self._steps.clear()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if obj is self._window and not self._started:
            if event.type() == QEvent.Type.Paint:
                self.first_frame_at = time.perf_counter()
                self._start()
            elif event.type() == QEvent.Type.Show:
                QTimer.singleShot(FALLBACK_MS, self._start)
        return False

    def _begin(self) -> None:
        if not self._started:
            self._started = True
            self._window.removeEventFilter(self)

    @Slot()
    def _start(self) -> None:
        if self._started:
            return
        self._begin()
        QTimer.singleShot(0, self._next)   # after this paint has been flushed to the screen

    @Slot()
    def _next(self) -> None:
        if not self._steps:
            return
        try:
            self._run(self._steps.popleft())
        finally:
            if self._steps:
                QTimer.singleShot(0, self._next)
            else:
                self.finished.emit()

    @staticmethod
    def _run(step: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        step()
        log.debug("start-up step %s: %.0f ms", getattr(step, "__name__", step), (time.perf_counter() - t0) * 1000)
