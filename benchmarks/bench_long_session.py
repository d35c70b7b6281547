"""A window left open all day: many scans in one process must not grow memory or descriptors.

Setup: the warm 1,000-stock demo store of ``bench_scan``; the REAL ``MainWindow`` (offscreen) on an
``AppContext`` with a history file, scanning the whole market with the panel's minimum score
lowered to 40 (≈500 hits a scan, each kept in the history). ``SCANS`` scans (60 with --quick) run
one after another through ``MainWindow.start_scan`` — what F5 does — each shown in the results
table when done, as a user clicking through them would.

- ``long_session_rss_growth_mb``: resident memory (``VmRSS``) after the last scan minus after
  the first ``WARMUP`` scans. Goal < 100 MB over 300 scans. (Before issue 11 every task kept its
  results model: ≈1.7 GB after 300 full-market scans.)
- ``long_session_fd_growth``: open file descriptors after the last scan minus after the warm-up.
  Goal 0. (Before: +2 per scan, one SQLite connection per pool job.)

No baseline: both are growths, whose ideal is zero, measured in the same run.
"""
from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("TQDM_DISABLE", "1")

from common import metric, stockscan_home, window_app  # noqa: E402

METRICS = ["long_session_rss_growth_mb", "long_session_fd_growth"]
N_STOCKS = 1000
SCANS, SCANS_QUICK = 300, 60
WARMUP = 10


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def run(quick: bool = False) -> dict:
    from bench_gui_stall import _pump
    from bench_scan import _warm_store

    scans = SCANS_QUICK if quick else SCANS
    base_home = Path(os.environ.get("STOCKSCAN_HOME") or tempfile.mkdtemp(prefix="stockscan-bench-"))
    home = base_home / f"bench_scan_{N_STOCKS}"
    with stockscan_home(home):
        src, store = _warm_store(home, N_STOCKS)
        app = window_app(home, "bench_long_session")
        from desktop_app.core.history import HistoryStore
        from desktop_app.ui.app_context import AppContext
        from desktop_app.ui.main_window import MainWindow

        hist = home / "long-session-history.sqlite"
        hist.unlink(missing_ok=True)
        ctx = AppContext(source=src, store=store, history=HistoryStore(hist), auto_backfill=False)
        w = MainWindow(context=ctx, restore=False)
        w.resize(1600, 900)
        w.show()
        w.scan_panel.min_score.setValue(40)
        _pump(app, lambda: w.ctx.latest_date is not None, 30)
        rss0 = fds0 = None
        t0 = time.perf_counter()
        for i in range(scans):
            tid = w.start_scan()
            _pump(app, lambda: w.tm.get(tid).is_terminal, 120)
            w.show_task_results(tid)
            if i + 1 == WARMUP:
                gc.collect()
                rss0, fds0 = _rss_mb(), _fds()
        for _ in range(5):
            app.processEvents()
        gc.collect()
        rss1, fds1 = _rss_mb(), _fds()
        print(f"   {scans} scans of {N_STOCKS} stocks in {time.perf_counter() - t0:.1f} s: RSS {rss0:.0f} → "
              f"{rss1:.0f} MB, fds {fds0} → {fds1}, {w.tm.rowCount()} rows in the task table", flush=True)
        w.close()
        w.shutdown()
    return {"long_session_rss_growth_mb": metric(rss1 - rss0, "MB"),
            "long_session_fd_growth": metric(fds1 - fds0, "fds")}
