"""finplot's frame times for the chart benchmark's default content (issue 13 §1), in its own process.

Run by ``bench_chart.py`` with ``$STOCKSCAN_FINPLOT_PYTHON`` (an interpreter that can import
finplot; default: the running one): finplot is no dependency of StockScan, and it changes
pyqtgraph's global options on import, so it never shares a process with the measured chart.

The same synthetic 10,000 bars at 1600×900: candles and four moving averages (MA5/10/20/60) in
the price row, volume bars in the second, MACD (DIF, DEA and its histogram) in the third. Before
timing, the script asserts every line item is visible with data. Each frame is one action as a
user makes it in finplot (a keyboard pan step ``pan_x``, a wheel zoom step ``zoom_rect`` around
the middle, a crosshair move through finplot's mouse handler) followed by grabbing the window, as
``bench_chart._frames`` does for StockScan; p95 per visible bar count.

    $STOCKSCAN_FINPLOT_PYTHON benchmarks/finplot_baseline.py --per-kind 40 250 2500 10000

Prints one JSON object: ``{"finplot": version, "p95_ms": {"250": …}}``; exits 3 with a note on
stderr when finplot cannot be imported.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

NO_FINPLOT = 3


def _chart(bars, size):
    import finplot as fplt

    ax, axv, axm = fplt.create_plot("bench", rows=3, maximize=False)
    df = bars.reset_index()
    df["time"] = df["date"]
    ohlc = df[["time", "open", "close", "high", "low"]]
    fplt.candlestick_ochl(ohlc, ax=ax)
    fplt.volume_ocv(df[["time", "open", "close", "volume"]], ax=axv)
    lines = [fplt.plot(df["time"], df["close"].rolling(n).mean(), ax=ax, legend=f"MA{n}") for n in (5, 10, 20, 60)]
    ema = lambda s, n: s.ewm(span=n, adjust=False).mean()  # noqa: E731
    dif = ema(df["close"], 12) - ema(df["close"], 26)
    dea = ema(dif, 9)
    fplt.volume_ocv(df[["time", "open", "close"]].assign(hist=2 * (dif - dea)), ax=axm, colorfunc=fplt.strength_colorfilter)
    lines += [fplt.plot(df["time"], dif, ax=axm, legend="DIF"), fplt.plot(df["time"], dea, ax=axm, legend="DEA")]
    win = ax.vb.win
    win.resize(*size)
    fplt.show(qt_exec=False)
    return fplt, win, ax, lines


def _frame(win, action) -> float:
    t0 = time.perf_counter()
    action()
    win.grab()
    return (time.perf_counter() - t0) * 1000.0


def _frames(fplt, win, ax, n: int, visible: int, per_kind: int) -> list[float]:
    from PySide6 import QtCore, QtWidgets

    vb = ax.vb

    def show_last():
        vb.update_y_zoom(n - visible - 0.5, n - 0.5)
        fplt._repaint_candles()
        QtWidgets.QApplication.processEvents()
        win.grab()

    show_last()
    times = []
    step = max(1, visible // 50)
    for k in range(per_kind):  # pan back and forth
        times.append(_frame(win, lambda k=k: vb.pan_x(steps=-step if (k // 5) % 2 == 0 else step)))
    show_last()
    for k in range(per_kind):  # zoom around the middle, in then out
        def zoom(k=k):
            vr = vb.targetRect()
            vb.zoom_rect(vr, 1 / 1.1 if k % 2 == 0 else 1.1, vr.center())
        times.append(_frame(win, zoom))
    show_last()
    vr = vb.targetRect()
    for x in np.linspace(vr.left() + 1, vr.right() - 1, per_kind):  # crosshair moves
        pos = vb.mapViewToScene(QtCore.QPointF(float(x), vr.center().y()))
        times.append(_frame(win, lambda pos=pos: fplt._mouse_moved(win, vb, [pos])))
    return times


def _assert_drawn(win, lines) -> None:
    """Every line the baseline claims is on screen, with data (the candles and bars too)."""
    win.grab()
    for item in lines:
        x, y = item.getData()
        assert item.isVisible() and x is not None and len(x) and np.isfinite(y).any(), item
    for ax in win.axs:
        assert any(getattr(i, "datasrc", None) is not None for i in ax.items), "a row without data"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("visible", nargs="+", type=int)
    ap.add_argument("--per-kind", type=int, default=40)
    args = ap.parse_args(argv)
    try:
        import finplot
    except ImportError as e:
        print(f"finplot is not importable here ({e})", file=sys.stderr)
        return NO_FINPLOT
    from PySide6 import QtWidgets

    from bench_chart import N_BARS, SIZE, synthetic_bars

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    fplt, win, ax, lines = _chart(synthetic_bars(N_BARS), SIZE)
    app.processEvents()
    _assert_drawn(win, lines)
    p95 = {str(v): float(np.percentile(_frames(fplt, win, ax, N_BARS, v, args.per_kind), 95))
           for v in args.visible}
    print(json.dumps({"finplot": finplot.__version__, "p95_ms": p95}))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
