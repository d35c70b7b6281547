"""One start of StockScan (or of a bare PySide6 window with one table) in this process, timed.

    python benchmarks/startup_probe.py app [APP ARGS …]     the real app: ``desktop_app.app.build``
    python benchmarks/startup_probe.py bare                  QMainWindow + one QTableWidget

Run as a fresh subprocess by ``benchmarks/bench_startup.py`` (spawn → first frame) and by
``tests/test_fast_start.py`` (what the first frame has imported). Prints one JSON line, times as
``time.time()`` (the parent subtracts its own clock read just before the spawn):

- ``first_frame``: the main window's first Paint event (the moment Qt starts drawing it);
- ``heavy``: which of ``HEAVY`` were in ``sys.modules`` at that moment;
- ``built``: the window's deferred build done (``MainWindow.is_built()``; the bare window: the
  first frame);
- ``ready``: built and the data source up, i.e. F5 starts a whole-market scan.

The app is shown the way ``desktop_app.app.main`` shows it (build, show, event loop), then quits.
"""
from __future__ import annotations

import json
import sys
import time

HEAVY = ("numpy", "pandas", "pyqtgraph", "akshare", "pypinyin", "desktop_app.core.stock_search",
         "desktop_app.core.analysis", "desktop_app.ui.stock_view", "desktop_app.ui.chart",
         # the desk's panels come in the turn after the first frame (ui/desk_build.py)
         "desktop_app.ui.scan_panel", "desktop_app.ui.results_view", "desktop_app.ui.task_view",
         "desktop_app.core.hits", "logging.handlers")


def _watch(app, window, is_ready) -> None:
    """On the window's first Paint record the time and the heavy modules; quit once ``is_ready``."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    out: dict = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt override)
            if obj is window and event.type() == QEvent.Type.Paint and "first_frame" not in out:
                out["first_frame"] = time.time()
                out["heavy"] = [m for m in HEAVY if m in sys.modules]
                poll.start()
            return False

    def check() -> None:
        built, ready = is_ready()
        if built and "built" not in out:
            out["built"] = time.time()
        if ready:
            out["ready"] = time.time()
            poll.stop()
            print(json.dumps(out), flush=True)
            app.quit()

    poll = QTimer(window)
    poll.setInterval(5)
    poll.timeout.connect(check)
    window._first_paint_probe = FirstPaint(window)
    window.installEventFilter(window._first_paint_probe)


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget

    app = QApplication([sys.argv[0]])
    w = QMainWindow()
    w.setCentralWidget(QTableWidget(30, 8))
    w.resize(1400, 860)
    _watch(app, w, lambda: (True, True))
    w.show()
    return app.exec()


def real_app(argv: list[str]) -> int:
    from desktop_app.app import build

    app, w, router, _ = build(argv)

    def is_ready() -> tuple[bool, bool]:
        built = w.is_built() if hasattr(w, "is_built") else True   # (a build before deferral)
        return built, built and w.ctx.source is not None

    _watch(app, w, is_ready)
    w.show()
    rc = app.exec()
    w.shutdown()
    router.uninstall()
    return rc


if __name__ == "__main__":
    sys.exit(bare() if sys.argv[1] == "bare" else real_app(sys.argv[2:]))
