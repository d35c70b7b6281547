"""Start-up: spawn → the main window's first frame, against a bare PySide6 window spawned the same
way in the same run (issue 13 §3).

Each launch is a fresh subprocess of ``benchmarks/startup_probe.py`` (interpreter start, imports
and the window included) with its own empty ``STOCKSCAN_HOME`` and ``XDG_CONFIG_HOME``, on the
offscreen platform. The probe builds the real app as ``stockscan --source demo`` does
(``desktop_app.app.build``, then ``show`` and the event loop), and reports, in ``time.time()``,
the window's first Paint event, the heavy modules imported by then, the moment its deferred build
is done and the moment the data source is up; the parent subtracts its clock read just before the
spawn. Bytecode is compiled once into a private ``PYTHONPYCACHEPREFIX`` by a warm-up launch of
each kind (an installed app has its ``.pyc`` files), so no launch pays for compiling.

- ``app_start_to_window_ms``: median spawn → first frame, empty user dirs; baseline: median spawn
  → first frame of a bare ``QMainWindow`` holding one ``QTableWidget`` (same run, interleaved).
  Goal: ratio baseline / value ≥ 0.5.
- ``app_start_to_window_ms_200_tasks``: the same with 200 stored scans (500 hits each) in the
  history.
- ``app_start_to_scan_ready_ms``: median spawn → the window fully built (stock view, presets) and
  the data source up, i.e. F5 starts a whole-market scan; empty user dirs.

7 launches of each kind (3 with --quick).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = HERE / "startup_probe.py"
sys.path.insert(0, str(HERE))

from common import metric, stockscan_home  # noqa: E402

METRICS = ["app_start_to_window_ms", "app_start_to_window_ms_200_tasks", "app_start_to_scan_ready_ms"]
APP_ARGS = ["--source", "demo"]


def _history(path: Path, n_tasks: int) -> Path:
    """A history file with ``n_tasks`` finished scans of 500 hits each (made once, copied per launch)."""
    from desktop_app.core.history import HistoryStore

    h = HistoryStore(path)
    for i in range(n_tasks):
        hits = [{"symbol": f"{600000 + k:06d}", "name": "股票", "score": 60.0 + k % 40, "last": 10.0,
                 "chg_pct": 1.0, "strategies": ["macd_golden"]} for k in range(500)]
        h.finish_task({"id": f"t{i:04d}", "kind": "scan", "title": f"scan {i}", "status": "completed",
                       "found": 500, "created": time.time() - 1000 + i}, hits)
    h.close()
    return path


def launch(mode: str, work: Path, history: Path | None = None) -> dict:
    """One spawn of the probe; times in ms since just before the spawn."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    if history is not None:
        from desktop_app.core import paths

        with stockscan_home(home):
            shutil.copy(history, paths.data_dir() / history.name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(STOCKSCAN_HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"), PYTHONPATH=str(ROOT),
               PYTHONPYCACHEPREFIX=str(work / "pycache"), QT_QPA_PLATFORM="offscreen", TQDM_DISABLE="1")
    args = [sys.executable, str(PROBE), mode, *(APP_ARGS if mode == "app" else [])]
    t0 = time.time()
    p = subprocess.run(args, env=env, capture_output=True, text=True, cwd=str(ROOT), timeout=300)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        raise RuntimeError(f"start-up probe {mode} failed ({p.returncode}): {p.stderr[-2000:]}")
    out = json.loads(lines[-1])
    shutil.rmtree(home, ignore_errors=True)
    return {k: (v - t0) * 1000 if isinstance(v, float) else v for k, v in out.items()}


def run(quick: bool = False) -> dict:
    n = 3 if quick else 7
    work = Path(tempfile.mkdtemp(prefix="stockscan-startup-"))
    with stockscan_home(work / "hist"):
        history = _history(work / "history.sqlite", 200)
    launch("bare", work)                         # warm-ups: bytecode compiled, files in the page cache
    launch("app", work)
    runs: dict[str, list[dict]] = {"bare": [], "app": [], "app200": []}
    for _ in range(n):
        runs["bare"].append(launch("bare", work))
        runs["app"].append(launch("app", work))
        runs["app200"].append(launch("app", work, history))
    shutil.rmtree(work, ignore_errors=True)

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    bare, app, app200 = med("bare", "first_frame"), med("app", "first_frame"), med("app200", "first_frame")
    heavy = sorted({m for kind in ("app", "app200") for r in runs[kind] for m in r["heavy"]})
    print(f"   first frame: bare {bare:.0f} ms, app {app:.0f} ms, with 200 tasks {app200:.0f} ms "
          f"(each: {', '.join(str(round(r['first_frame'])) for r in runs['app'])}); "
          f"built {med('app', 'built'):.0f} ms, scan-ready {med('app', 'ready'):.0f} ms; "
          f"heavy modules at the first frame: {heavy or 'none'}", flush=True)
    return {
        "app_start_to_window_ms": metric(app, "ms", bare),
        "app_start_to_window_ms_200_tasks": metric(app200, "ms", bare),
        "app_start_to_scan_ready_ms": metric(med("app", "ready"), "ms"),
    }
