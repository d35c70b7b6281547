"""Python's cyclic garbage collection, on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate when a threshold is crossed —
often a worker in the middle of pandas. If the garbage holds a Qt object (a closed dialog's menu in
a reference cycle), that thread destroys it: ``QObject::~QObject`` takes Qt's connection lock and
then waits for the GIL, while the GUI thread, holding the GIL, waits for the same lock to destroy
another object. Both wait for ever (seen in the test suite: a worker's collection of a closed
window's menu). So automatic collection is switched off, and the GUI thread collects on a timer
when the allocation counts say it is due — the remedy pyqtgraph's ``GarbageCollector`` documents.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

INTERVAL_MS = 500


class MainThreadGC(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @Slot()
    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds (as the automatic
        collector would have), here on the GUI thread."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 > t0:
            gc.collect(2 if c2 > t2 else 1 if c1 > t1 else 0)


def install(app: QCoreApplication) -> MainThreadGC:
    """Once per application: switch automatic collection off and collect on ``app``'s thread."""
    current = getattr(app, "_main_thread_gc", None)
    if current is None:
        current = MainThreadGC(app)
        app._main_thread_gc = current
    return current
