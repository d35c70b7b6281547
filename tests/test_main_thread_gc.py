"""Cyclic garbage collection happens on the GUI thread only (ui/main_thread_gc)."""
from __future__ import annotations

import gc
import threading

from desktop_app.ui.main_thread_gc import install


class _Cycle:
    def __init__(self):
        self.me = self


def test_collection_is_off_in_threads_and_done_by_the_gui_thread(qapp, qtbot):
    keeper = install(qapp)
    assert install(qapp) is keeper and not gc.isenabled()
    threads: list[str] = []

    def note(phase, info):
        if phase == "stop":
            threads.append(threading.current_thread().name)
    gc.callbacks.append(note)
    try:
        def churn():                           # a worker allocating well past every threshold
            for _ in range(gc.get_threshold()[0] * 20):
                _Cycle()
        t = threading.Thread(target=churn, name="worker")
        t.start()
        t.join()
        assert "worker" not in threads                       # no collection ran in the worker
        qtbot.waitUntil(lambda: threading.main_thread().name in threads, timeout=5000)
    finally:
        gc.callbacks.remove(note)
