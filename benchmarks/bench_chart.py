"""Chart frame times offscreen at 1600×900 (issue 7).

A synthetic 10,000-bar stock; with 250, 2,500 and 10,000 bars visible, each frame is one user
action (pan, wheel-style zoom around the cursor, or a crosshair move from a scene mouse position)
followed by rendering the whole widget to an image (``QWidget.grab``). The p95 frame time is compared
with the same ChartWidget whose candle and volume items are replaced by the pyqtgraph
``customGraphicsItem`` example approach (every bar recorded once into one QPicture, replayed on
each paint), measured the same way in the same run.

``chart_frame_p95_default_*`` (the app's default content drawn) have finplot as their baseline:
the same bars and content drawn by finplot and timed the same way in a subprocess
(``finplot_baseline.py``, run with ``$STOCKSCAN_FINPLOT_PYTHON``, default this interpreter);
ratio = finplot / StockScan. Without finplot the baseline is skipped with a note.

``chart_frame_p95_formula_pane_10000``: the default content plus a user's formula pane of three
lines (``FORMULA``), all 10,000 bars visible (its budget is the all-panes one).

``chart_first_paint_5000``: from ``set_bars`` of a 5,000-bar stock to the first grabbed frame
(candles, volume, markers; the indicator lines follow one event-loop turn later, and the time until
they are drawn is printed too), on a widget that already showed another stock; baseline: the
QPicture variant.

    python benchmarks/run.py --only chart [--quick]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from common import metric as _metric  # noqa: E402

METRICS = ["chart_frame_p95_250", "chart_frame_p95_2500", "chart_frame_p95_10000",
           "chart_first_paint_5000", "chart_frame_p95_default_250", "chart_frame_p95_default_2500",
           "chart_frame_p95_default_10000", "chart_frame_p95_all_panes_10000",
           "chart_frame_p95_formula_pane_10000"]
#: the formula pane of ``chart_frame_p95_formula_pane_10000``: three lines (a user's "主力线")
FORMULA = "VAR1:=EMA(C,12)-EMA(C,26); 主力:EMA(VAR1,9),COLORRED; 散户:MA(VAR1,5),COLORGREEN; 0,DOTLINE;"

SIZE = (1600, 900)
N_BARS = 10_000


def synthetic_bars(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("1990-01-02", periods=n, name="date")
    close = 10.0 * np.exp(np.cumsum(rng.normal(0.0002, 0.02, n)))
    open_ = close * np.exp(rng.normal(0, 0.01, n))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.01, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.01, n)))
    volume = rng.integers(100_000, 10_000_000, n).astype(float)
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close,
                         "volume": volume}, index=dates)


def _reference_items():
    """QPicture-of-all-bars candle and volume items (pyqtgraph examples/customGraphicsItem.py)."""
    from desktop_app.ui.chart._qt import QtCore, QtGui, pg

    class _PictureItem(pg.GraphicsObject):
        def __init__(self, style) -> None:
            super().__init__()
            self.style = style
            self.data = None
            self.picture = QtGui.QPicture()

        def set_data(self, data) -> None:
            self.prepareGeometryChange()
            self.data = data
            self.picture = QtGui.QPicture()
            if data is not None and data.n:
                p = QtGui.QPainter(self.picture)
                self.record(p, data)
                p.end()
            self.update()

        def paint(self, p, *args) -> None:
            p.drawPicture(0, 0, self.picture)

        def boundingRect(self):  # noqa: N802
            return QtCore.QRectF(self.picture.boundingRect())

    class PictureCandles(_PictureItem):
        def record(self, p, d) -> None:
            up, down = pg.mkPen(self.style.up), pg.mkPen(self.style.down)
            ub, db = pg.mkBrush(self.style.up), pg.mkBrush(self.style.down)
            for i in range(d.n):
                o, h, lo, c = d.open[i], d.high[i], d.low[i], d.close[i]
                p.setPen(up if d.up[i] else down)
                p.drawLine(QtCore.QPointF(i, lo), QtCore.QPointF(i, h))
                p.setBrush(ub if d.up[i] else db)
                p.drawRect(QtCore.QRectF(i - 0.4, min(o, c), 0.8, abs(c - o)))

        def y_range(self, i0, i1):
            return self.data.price_range(i0, i1)

    class PictureVolume(_PictureItem):
        def record(self, p, d) -> None:
            up, down = pg.mkPen(self.style.up), pg.mkPen(self.style.down)
            ub, db = pg.mkBrush(self.style.up), pg.mkBrush(self.style.down)
            for i in range(d.n):
                p.setPen(up if d.up[i] else down)
                p.setBrush(ub if d.up[i] else db)
                p.drawRect(QtCore.QRectF(i - 0.4, 0.0, 0.8, d.volume[i]))

        def y_range(self, i0, i1):
            return 0.0, self.data.volume_max(i0, i1)

    return PictureCandles, PictureVolume


def _lines_on_screen(w) -> int:
    """How many indicator lines are visible and drew a non-empty visible slice on the last frame
    (asserted > 0 before a "default content" frame is timed: the lines are deferred one event-loop
    turn after set_bars, and a benchmark that never runs the loop measures candles only)."""
    from desktop_app.ui.chart.line_item import LineItem

    w.grab()
    n = 0
    for item in w._view.scene().items():
        if isinstance(item, LineItem) and item.isVisible() and item.has_data():
            n += int(item.last_slice is not None and len(item.segments()) > 0)
    return n


def _settle_lines(w) -> None:
    from PySide6 import QtWidgets

    while not w.indicators_shown():
        QtWidgets.QApplication.processEvents()
    QtWidgets.QApplication.processEvents()
    assert _lines_on_screen(w) > 0, "the benchmark would time a chart without its lines"


def _make_chart(reference: bool):
    from desktop_app.ui.chart.chart_widget import ChartWidget

    w = ChartWidget()
    w.resize(*SIZE)
    w.set_panes(["macd"])
    w.set_overlays({"ma": True, "boll": False})
    if reference:
        candles_cls, volume_cls = _reference_items()
        w.price_plot.removeItem(w.candles)
        w.volume_plot.removeItem(w.volume)
        w.candles = candles_cls(w.style_)
        w.volume = volume_cls(w.style_)
        w.price_plot.addItem(w.candles)
        w.volume_plot.addItem(w.volume)
    w.show()
    return w


def _frame(w, action) -> float:
    t0 = time.perf_counter()
    action()
    w.grab()
    return (time.perf_counter() - t0) * 1000.0


def _frames(w, visible: int, per_kind: int) -> list[float]:
    from desktop_app.ui.chart._qt import QtCore

    n = w.data.n
    w.set_visible_range(n - visible, n - 1)
    w.grab()
    times: list[float] = []
    step = max(1, visible // 50)
    for k in range(per_kind):  # pan back and forth
        times.append(_frame(w, lambda k=k: w.pan(-step if (k // 5) % 2 == 0 else step)))
    w.set_visible_range(n - visible, n - 1)
    for k in range(per_kind):  # zoom around the middle, in then out
        def zoom(k=k):
            (x0, x1), _ = w.price_plot.getViewBox().viewRange()
            w.zoom(1 / 1.1 if k % 2 == 0 else 1.1, anchor=(x0 + x1) / 2)
        times.append(_frame(w, zoom))
    w.set_visible_range(n - visible, n - 1)
    vb = w.price_plot.getViewBox()
    i0, i1 = w.visible_range()
    xs = np.linspace(i0, i1, per_kind)
    lo, hi = w.price_y_range()
    for x in xs:  # crosshair moves, through the scene like a mouse
        pos = vb.mapViewToScene(QtCore.QPointF(float(x), (lo + hi) / 2))
        times.append(_frame(w, lambda pos=pos: w.cursor.on_mouse_moved(pos)))
    return times


def _formula_pane_p95(w, per_kind: int) -> float:
    """The default content plus a formula pane of three lines (evaluated as the stock view does,
    outside the timed frames), all 10,000 bars visible; the pane is removed afterwards."""
    from desktop_app.ui.chart.formula_pane import FormulaIndicator
    from desktop_app.ui.stock_formulas import evaluate_formulas

    spec = FormulaIndicator("bench", "主力线", FORMULA)
    w.set_formula_indicators([spec])
    assert w.set_formula_results(w.data, evaluate_formulas([spec], w.data.frame))
    _settle_lines(w)
    items = w.formula_panes()[spec.pane_key].group.items
    assert len(items) == 3, "the benchmark would time a formula pane without its lines"
    p95 = float(np.percentile(_frames(w, 10_000, per_kind), 95))
    assert all(it.last_slice is not None and len(it.segments()) for it in items)
    w.set_formula_indicators([])
    return p95


def _first_paint(w, bars: pd.DataFrame, warm: pd.DataFrame) -> tuple[float, float]:
    """Median ms to the first frame, and to the first frame showing the indicators too (the chart
    computes MA/MACD/KDJ/RSI one event-loop turn after the candles' first frame)."""
    from PySide6 import QtWidgets

    first, full = [], []
    for _ in range(3):
        w.set_bars(warm, symbol="000002")
        QtWidgets.QApplication.processEvents()
        w.grab()
        t0 = time.perf_counter()
        w.set_bars(bars, symbol="600519", name="贵州茅台")
        w.grab()
        first.append((time.perf_counter() - t0) * 1000.0)
        while not w.indicators_shown():
            QtWidgets.QApplication.processEvents()
        w.grab()
        full.append((time.perf_counter() - t0) * 1000.0)
    return float(np.median(first)), float(np.median(full))


def _finplot_p95(visible: tuple[int, ...], per_kind: int) -> dict[int, float]:
    """finplot's p95 frame per visible count (``finplot_baseline.py``), or {} with a note."""
    python = os.environ.get("STOCKSCAN_FINPLOT_PYTHON", sys.executable)
    script = Path(__file__).resolve().parent / "finplot_baseline.py"
    cmd = [python, str(script), "--per-kind", str(per_kind), *map(str, visible)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"   chart: finplot baseline skipped ({e})", file=sys.stderr)
        return {}
    if done.returncode != 0:
        note = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        print(f"   chart: finplot baseline skipped: {note[0]} (set STOCKSCAN_FINPLOT_PYTHON to an"
              " interpreter with finplot; docs/PERFORMANCE.md)", file=sys.stderr)
        return {}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"   chart: finplot {result['finplot']} p95 " + ", ".join(
        f"{v} visible {ms:.1f} ms" for v, ms in result["p95_ms"].items()), file=sys.stderr)
    return {int(v): ms for v, ms in result["p95_ms"].items()}


def run(quick: bool = False) -> dict:
    from PySide6 import QtCore, QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    settings_dir = tempfile.mkdtemp(prefix="stockscan-bench-chart-")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope,
                             settings_dir)
    if not app.organizationName():
        app.setOrganizationName("StockScanBench")
        app.setApplicationName("bench_chart")

    per_kind = 10 if quick else 40
    bars = synthetic_bars(N_BARS)
    out: dict[str, dict] = {}
    charts = {"fast": _make_chart(False), "ref": _make_chart(True)}
    try:
        for w in charts.values():
            w.set_bars(bars, symbol="600000", name="bench")
            w.grab()
        for visible in (250, 2500, 10_000):
            p95 = {k: float(np.percentile(_frames(w, visible, per_kind), 95))
                   for k, w in charts.items()}
            out[f"chart_frame_p95_{visible}"] = _metric(p95["fast"], "ms", p95["ref"])
        # The app's default content, drawn: MA5/10/20/60 over the candles and the MACD pane.
        fast = charts["fast"]
        _settle_lines(fast)
        default = {visible: float(np.percentile(_frames(fast, visible, per_kind), 95))
                   for visible in (250, 2500, 10_000)}
        finplot = _finplot_p95(tuple(default), per_kind)
        for visible, p95 in default.items():
            out[f"chart_frame_p95_default_{visible}"] = _metric(p95, "ms", finplot.get(visible))
        fast.set_panes(["macd", "kdj", "rsi"])
        fast.set_overlays({"ma": True, "boll": True})
        _settle_lines(fast)
        print(f"   chart: {_lines_on_screen(fast)} indicator lines on screen with every pane on", file=sys.stderr)
        out["chart_frame_p95_all_panes_10000"] = _metric(
            float(np.percentile(_frames(fast, 10_000, per_kind), 95)), "ms")
        fast.set_panes(["macd"])
        fast.set_overlays({"ma": True, "boll": False})
        out["chart_frame_p95_formula_pane_10000"] = _metric(_formula_pane_p95(fast, per_kind), "ms")
        five = synthetic_bars(5000, seed=11)
        warm = synthetic_bars(300, seed=3)
        first = {k: _first_paint(w, five, warm) for k, w in charts.items()}
        out["chart_first_paint_5000"] = _metric(first["fast"][0], "ms", first["ref"][0])
        print(f"   chart: 5,000-bar stock with indicators drawn: {first['fast'][1]:.0f} ms "
              f"(QPicture variant {first['ref'][1]:.0f} ms); indicators are core.indicators' cost",
              file=sys.stderr)
    finally:
        for w in charts.values():
            w.close()
            w.deleteLater()
        app.processEvents()
    return out


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
