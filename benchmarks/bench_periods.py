"""Switching the chart's period (issue 17), offscreen at 1600×900.

``period_switch_ms``: the stock view showing a 10-year stock (≈2,430 daily bars, the demo market
with ``years=10``) switches 日K → 周K (``ChartPeriods.set_period("week")``): the runner resamples
the daily bars and recomputes the presets' signals on the weekly ones, the chart gets them and the
first frame (candles, volume, markers; the lines follow one event-loop turn later, as in
``chart_first_paint_5000``) is grabbed; median of ``ROUNDS`` switches (back to 日K between them).
Baseline, in the same run: re-opening the same stock in the same view (``open_symbol``: load from
the warm store, the report, the daily chart's first frame) — what a chart without periods would
make a user do to see other bars. Goal: under 50 ms.

``chart_frame_p95_weekly_2000``: ``bench_chart``'s frames (pan, zoom, crosshair + repaint) on the
weekly bars of its 10,000-day synthetic stock (≈2,000 weeks), all visible; baseline: the same
chart with pyqtgraph's QPicture candles (as ``chart_frame_p95_*``). Goal: the chart's, < 16 ms.

    python benchmarks/run.py --only periods [--quick]
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from common import metric  # noqa: E402

METRICS = ["period_switch_ms", "chart_frame_p95_weekly_2000"]
ROUNDS = 7


def _first_frames(view) -> list[float]:
    """Hook the view's period feeder: every time the chart is given bars, grab that first frame
    at once (candles, volume, markers: the indicator lines follow one event-loop turn later, as
    in ``chart_first_paint_5000``) and note when it was done."""
    done: list[float] = []
    put = view.periods._put

    def timed_put(frame, signal_dates):
        put(frame, signal_dates)
        view.chart.grab()
        done.append(time.perf_counter())

    view.periods._put = timed_put
    return done


def _until_frame(view, app, done: list[float], t0: float, n: int) -> float:
    while len(done) == n:
        app.processEvents()
        time.sleep(0.0002)
    ms = (done[-1] - t0) * 1000.0
    while view.runner.is_busy(view.periods._key) or view.is_loading():   # let the rest finish, untimed
        app.processEvents()
    for _ in range(3):
        app.processEvents()
    return ms


def _switch_ms(view, app, done, period: str) -> float:
    n, t0 = len(done), time.perf_counter()
    view.periods.set_period(period)          # 日K: the frame is drawn inside this call
    return _until_frame(view, app, done, t0, n)


def _reopen_ms(view, app, done, symbol: str) -> float:
    n, t0 = len(done), time.perf_counter()
    view.open_symbol(symbol)
    return _until_frame(view, app, done, t0, n)


def _weekly_p95(per_kind: int) -> tuple[float, float]:
    import bench_chart as bc
    from desktop_app.core.periods import resample

    weekly = resample(bc.synthetic_bars(bc.N_BARS), "week")
    out = {}
    for ref in (False, True):
        w = bc._make_chart(ref)
        try:
            w.set_bars(weekly, symbol="600000", name="bench 周K")
            w.grab()
            out[ref] = float(np.percentile(bc._frames(w, len(weekly), per_kind), 95))
        finally:
            w.close()
            w.deleteLater()
    print(f"   periods: {len(weekly)} weekly bars from {bc.N_BARS} days", file=sys.stderr)
    return out[False], out[True]


def run(quick: bool = False) -> dict:
    from PySide6 import QtCore, QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope,
                             tempfile.mkdtemp(prefix="stockscan-bench-periods-"))
    if not app.organizationName():
        app.setOrganizationName("StockScanBench")
        app.setApplicationName("bench_periods")
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.store import BarStore
    from desktop_app.ui.app_context import BackgroundRunner
    from desktop_app.ui.stock_view import StockView

    demo = DemoSource(n_stocks=40, years=10.0)
    symbol = str(demo.universe()["symbol"].iloc[3])
    store = BarStore(Path(tempfile.mkdtemp(prefix="stockscan-bench-periods-store-")) / "bars.sqlite")
    runner = BackgroundRunner()
    view = StockView(types.SimpleNamespace(source=demo, store=store, runner=runner))
    try:
        view.resize(1600, 900)
        view.show()
        view.periods.set_period("day")
        view.adjust.set_adjust("qfq")
        done = _first_frames(view)
        _reopen_ms(view, app, done, symbol)           # warm: the store has the stock, imports done
        n_daily = view.chart.data.n
        rounds = 3 if quick else ROUNDS
        switch, reopen = [], []
        for _ in range(rounds):
            switch.append(_switch_ms(view, app, done, "week"))
            _switch_ms(view, app, done, "day")
            reopen.append(_reopen_ms(view, app, done, symbol))
        print(f"   periods: {n_daily} daily bars; switches {', '.join(f'{x:.1f}' for x in switch)} ms;"
              f" re-opens {', '.join(f'{x:.1f}' for x in reopen)} ms", file=sys.stderr)
        out = {"period_switch_ms": metric(statistics.median(switch), "ms", statistics.median(reopen))}
    finally:
        view.close()
        runner.shutdown(wait=True)
        store.close()
    fast, ref = _weekly_p95(10 if quick else 40)
    out["chart_frame_p95_weekly_2000"] = metric(fast, "ms", ref)
    return out


if __name__ == "__main__":
    for k, v in run(quick="--quick" in sys.argv).items():
        print(k, v)
