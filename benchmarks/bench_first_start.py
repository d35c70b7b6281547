"""First start: from launching StockScan on empty user dirs (demo market) to a completed
whole-market scan — what a new user waits for before the first result.

Each measurement is a fresh subprocess (interpreter start and imports included) with an empty
``STOCKSCAN_HOME``: it builds the real app through ``desktop_app.app.build(["--source", "demo"])``,
shows the window and presses F5 (``MainWindow.start_scan``, whole market, the panel's defaults),
then waits for the scan to complete. Wall time is measured from just before the spawn.

- ``first_start_ready_s``: today's code. F5 is pressed as soon as the window can scan; the
  automatic first-start backfill fills the store behind the scan, which reads the stocks the
  store lacks straight from the demo market's memory (``core.scan_bars``).
- baseline: the path before, where a scan needed the store: the first-start backfill through the
  per-symbol fetch over the demo's three hosts (``BULK_BACKFILL = False``, no reads from memory),
  and F5 once it has finished.

5,000 stocks (1,000 with --quick). One run each: a start-up is long enough not to need a median.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import metric  # noqa: E402

METRICS = ["first_start_ready_s"]
TIMEOUT_S = 600

_CHILD = r"""
import json, sys, time
new = sys.argv[1] == "1"
n = int(sys.argv[2])
from desktop_app.core.data import demo, refresh
if not new:                                   # the path before: everything through the store
    refresh.BULK_BACKFILL = False
    demo.DemoSource.recent_panel = None
from desktop_app.app import build
app, w, router, _ = build(["--source", "demo", "--demo-stocks", str(n)])
w.resize(1600, 1000)
w.show()
state = {"fill": None, "scan": None, "t_fill": None, "t_scan": None}
w.ctx.backfill_started.connect(lambda tid: state.update(fill=tid))

def tick():
    tm = w.tm
    fill = state["fill"]
    if fill and state["t_fill"] is None and tm.get(fill).is_terminal:
        state["t_fill"] = time.time()
    if state["scan"] is None:
        if w.ctx.source is not None and (new or state["t_fill"] is not None):
            state["scan"] = w.start_scan() or None
    elif state["t_scan"] is None and tm.get(state["scan"]).is_terminal:
        state["t_scan"] = time.time()
        info = tm.get(state["scan"])
        state["out"] = {"status": info.status.value, "total": info.total, "found": info.found}
    if state["t_scan"] is not None and state["t_fill"] is not None:
        print(json.dumps(dict(state["out"], end=state["t_scan"], fill_end=state["t_fill"])), flush=True)
        app.quit()

from PySide6.QtCore import QTimer
t = QTimer(); t.setInterval(20); t.timeout.connect(tick); t.start()
app.exec()
w.shutdown()
router.uninstall()
"""


def _launch(bulk: bool, n: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix="stockscan-first-"))
    env = dict(os.environ, STOCKSCAN_HOME=str(home), PYTHONPATH=str(ROOT), TQDM_DISABLE="1",
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home / "xdg"))
    t0 = time.time()
    p = subprocess.run([sys.executable, "-c", _CHILD, "1" if bulk else "0", str(n)], env=env,
                       capture_output=True, text=True, cwd=str(ROOT), timeout=TIMEOUT_S)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        raise RuntimeError(f"first start failed ({p.returncode}): {p.stderr[-2000:]}")
    out = json.loads(lines[-1])
    if out["status"] != "completed" or out["total"] != n:
        raise RuntimeError(f"the first scan did not complete over the market: {out}")
    out["wall"] = out["end"] - t0
    out["fill"] = out["fill_end"] - t0
    return out


def run(quick: bool = False) -> dict:
    n = 1000 if quick else 5000
    new = _launch(True, n)
    old = _launch(False, n)
    print(f"   first start, {n} demo stocks: scan done in {new['wall']:.1f} s (store filled behind it at "
          f"{new['fill']:.1f} s); path before {old['wall']:.1f} s (store filled at {old['fill']:.1f} s)", flush=True)
    return {"first_start_ready_s": metric(new["wall"], "s", old["wall"])}
