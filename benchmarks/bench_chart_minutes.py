"""Chart frame times for minute bars (issue 17 §4), offscreen at 1600×900, measured the way
``bench_chart.py`` measures days (pan, zoom around the middle, crosshair moves through the scene,
each followed by a full ``grab``).

``chart_frame_p95_minute_10000``: 10,000 one-minute bars (≈42 trading days of 240 minutes, the
demo market's intraday paths inside synthetic daily bars) all visible, with the app's default
content drawn (MA5/10/20/60 over the candles, the MACD pane) and the x axis in times of day.
Baseline: the same chart with 10,000 *daily* bars of the same content, in the same process
(ratio = daily / minute: 1.0 means minute bars cost what days cost). Goal: the chart's
``chart_frame_p95_default_10000`` budget.

    python benchmarks/run.py --only chart_minutes [--quick]
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from common import metric as _metric  # noqa: E402

METRICS = ["chart_frame_p95_minute_10000"]
N_BARS = 10_000


def minute_bars(n: int, seed: int = 17) -> pd.DataFrame:
    """``n`` one-minute bars: demo intraday paths inside synthetic daily bars."""
    from bench_chart import synthetic_bars

    from desktop_app.core.data.demo_minutes import day_path

    days = -(-n // 240)
    daily = synthetic_bars(days, seed=seed)
    daily.index = pd.bdate_range("2026-01-05", periods=days, name="date")
    daily = daily.round(2)
    daily["high"] = daily[["open", "high", "close"]].max(axis=1)
    daily["low"] = daily[["open", "low", "close"]].min(axis=1)
    daily["amount"] = daily["volume"] * daily["close"]
    frames = [day_path("600000", d, r.open, r.high, r.low, r.close, r.volume, r.amount)
              for d, r in zip(daily.index, daily.itertuples())]
    return pd.concat(frames).tail(n)


def run(quick: bool = False) -> dict:
    from PySide6 import QtCore, QtWidgets

    from bench_chart import _frames, _make_chart, _settle_lines, synthetic_bars

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    settings_dir = tempfile.mkdtemp(prefix="stockscan-bench-chart-minutes-")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope,
                             settings_dir)
    if not app.organizationName():
        app.setOrganizationName("StockScanBench")
        app.setApplicationName("bench_chart_minutes")
    per_kind = 10 if quick else 40
    series = {"minute": minute_bars(N_BARS), "day": synthetic_bars(N_BARS)}
    w = _make_chart(False)
    p95: dict[str, float] = {}
    try:
        for _round in range(2):                       # interleaved, twice: the best of each
            for kind, bars in series.items():
                w.set_bars(bars, symbol="600000", name="bench")
                w.grab()
                _settle_lines(w)
                assert w.data.n == N_BARS and w.data.intraday == (kind == "minute")
                v = float(np.percentile(_frames(w, N_BARS, per_kind), 95))
                p95[kind] = min(v, p95.get(kind, v))
    finally:
        w.close()
        w.deleteLater()
        app.processEvents()
    print(f"   chart_minutes: p95 minute {p95['minute']:.1f} ms, day {p95['day']:.1f} ms", file=sys.stderr)
    return {"chart_frame_p95_minute_10000": _metric(p95["minute"], "ms", p95["day"])}


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
