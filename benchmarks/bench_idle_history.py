"""Idle memory with a long history: the window's resident memory once started, with 200 stored
scans (≈500 hits each, the default retention) against the same window with no history.

Each measurement is a fresh subprocess with its own ``STOCKSCAN_HOME``: the history is filled
first (``HistoryStore.finish_task``), then the real app is built (``desktop_app.app.build``, demo
market, 1,000 stocks), shown, and left until the history has loaded and the source is up; then
``VmRSS`` is read.

- ``idle_rss_mb_200_tasks``: RSS with 200 stored scans; baseline: RSS with none (same run).
- ``idle_rss_mb_1000_tasks``: the same with 1,000 stored scans (more than the retention shows:
  memory must not follow the history's size either). Skipped with --quick.
  Goal: ≤ 1.2× the baseline (issue 13: start-up used to build a results model per stored scan,
  ≈1.9 MB each). Reported as value with baseline; the "ratio" column is baseline/value.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import metric  # noqa: E402

METRICS = ["idle_rss_mb_200_tasks", "idle_rss_mb_1000_tasks"]

_CHILD = r"""
import json, sys, time
n_tasks = int(sys.argv[1])
from desktop_app.core.history import HistoryStore
h = HistoryStore()
for i in range(n_tasks):
    hits = [{"symbol": f"{600000 + k:06d}", "name": "股票", "score": 60.0 + k % 40, "last": 10.0, "chg_pct": 1.0,
             "strategies": ["macd_golden"]} for k in range(500)]
    h.finish_task({"id": f"t{i:04d}", "kind": "scan", "title": f"scan {i}", "status": "completed", "found": 500,
                   "created": time.time() - 1000 + i}, hits)
h.close()
from desktop_app.app import build
app, w, router, _ = build(["--source", "demo", "--demo-stocks", "1000"])
w.show()
state = {"loaded": False}
w.tm.history_loaded.connect(lambda n: state.update(loaded=True))

def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0

def tick():
    if state["loaded"] and w.ctx.source is not None and w.ctx.latest_date is not None:
        import gc
        gc.collect()
        print(json.dumps({"rss": rss(), "rows": w.tm.rowCount()}), flush=True)
        app.quit()

from PySide6.QtCore import QTimer
t = QTimer(); t.setInterval(100); t.timeout.connect(tick); t.start()
app.exec()
w.shutdown()
router.uninstall()
"""


def _idle(n_tasks: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix="stockscan-idle-"))
    env = dict(os.environ, STOCKSCAN_HOME=str(home), PYTHONPATH=str(ROOT), TQDM_DISABLE="1",
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home / "xdg"))
    p = subprocess.run([sys.executable, "-c", _CHILD, str(n_tasks)], env=env, capture_output=True, text=True,
                       cwd=str(ROOT), timeout=600)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        raise RuntimeError(f"idle measurement failed ({p.returncode}): {p.stderr[-2000:]}")
    return json.loads(lines[-1])


def run(quick: bool = False) -> dict:
    none = _idle(0)
    full = _idle(200)
    out = {"idle_rss_mb_200_tasks": metric(full["rss"], "MB", none["rss"])}
    line = f"   idle RSS: {none['rss']:.0f} MB with no history, {full['rss']:.0f} MB with 200 stored scans"
    if not quick:
        big = _idle(1000)
        out["idle_rss_mb_1000_tasks"] = metric(big["rss"], "MB", none["rss"])
        line += f", {big['rss']:.0f} MB with 1,000 ({big['rows']} rows shown)"
    print(line, flush=True)
    return out
