"""What every benchmark module shares: the metric record and a scoped STOCKSCAN_HOME."""
from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator


def metric(value: float, unit: str, baseline: float | None = None) -> dict:
    """One metric of the benchmark JSON (DESIGN.md §8); ratio = baseline / value."""
    ratio = (baseline / value) if (baseline is not None and value) else None
    return {"value": float(value), "unit": unit,
            "baseline": None if baseline is None else float(baseline), "ratio": ratio}


@contextlib.contextmanager
def stockscan_home(path: Path) -> Iterator[Path]:
    """Point STOCKSCAN_HOME at ``path`` for the block, then restore what it was."""
    old = os.environ.get("STOCKSCAN_HOME")
    os.environ["STOCKSCAN_HOME"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("STOCKSCAN_HOME", None)
        else:
            os.environ["STOCKSCAN_HOME"] = old


def window_app(home: Path, name: str):
    """The QApplication a window benchmark runs in, its QSettings kept under ``home``."""
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("StockScanBench")
    QCoreApplication.setApplicationName("StockScanBench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "qsettings"))
    return QApplication.instance() or QApplication([name])


def wall_s(cmd: list[str], runs: int, **kw) -> float:
    """Median wall time of a fresh subprocess running ``cmd`` (output captured, must succeed)."""
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, **kw)
        walls.append(time.perf_counter() - t)
        if p.returncode != 0:
            raise RuntimeError(f"{cmd[:4]} failed ({p.returncode}): {p.stderr[-1000:]!r}")
    return statistics.median(walls)


def bare_python_s(runs: int = 7) -> float:
    """The floor of any command: ``python -c pass`` (interpreter start and exit)."""
    return wall_s([sys.executable, "-c", "pass"], runs)
