"""The validation report's pictures (pyqtgraph): the distribution of one horizon's returns (a
histogram, up bins red and down bins green as A-share screens colour them), the signals per day,
and the portfolio's equity curve against the index. Each is a ``PlotWidget`` built from a
``ValidationResult.to_dict()``; colours follow the theme at build time (the report rebuilds its
charts on a palette change); ``png_bytes`` draws one offscreen for the HTML export."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from desktop_app.core.numfmt import pct
from desktop_app.ui import theme
from desktop_app.ui.i18n import tr

PORTFOLIO = "#1e88e5"


def _fg() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.Text)


def _bg() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.Base)


class DayAxis(pg.AxisItem):
    """A bottom axis over day numbers 0..n-1 labelled with their dates (at most ~6 ticks)."""

    def __init__(self, dates: list[str]) -> None:
        super().__init__("bottom")
        self.dates = dates

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 (pyqtgraph override)
        n = len(self.dates)
        if n == 0:
            return []
        step = max(1, n // 6)
        return [(step, [float(i) for i in range(0, n, step)])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph override)
        out = []
        for v in values:
            i = int(round(v))
            out.append(self.dates[i][2:] if 0 <= i < len(self.dates) else "")
        return out


def _plot(title: str, axis: pg.AxisItem | None = None) -> pg.PlotWidget:
    w = pg.PlotWidget(background=_bg(), axisItems={"bottom": axis} if axis is not None else None)
    w.setMinimumHeight(160)
    p = w.getPlotItem()
    p.setTitle(title, color=_fg().name(), size="10pt")
    p.showGrid(x=True, y=True, alpha=0.15)
    p.setMenuEnabled(False)
    p.hideButtons()
    for side in ("left", "bottom"):
        ax = p.getAxis(side)
        ax.setPen(pg.mkPen(_fg()))
        ax.setTextPen(pg.mkPen(_fg()))
    return w


def histogram_plot(d: dict, k: int) -> pg.PlotWidget:
    """Counts of the +k returns in 2 % bins; the outer bars hold the tails (< −20 %, ≥ +20 %)."""
    w = _plot(tr("Distribution of +{k} day returns").format(k=k))
    h = (d.get("histograms") or {}).get(str(k))
    if not h:
        return w
    edges, counts = [100.0 * e for e in h["edges"]], h["counts"]
    width = edges[1] - edges[0]
    centres = [edges[0] - width / 2] + [(a + b) / 2 for a, b in zip(edges, edges[1:])] + [edges[-1] + width / 2]
    up, down = theme.up_color(), theme.down_color()
    brushes = [pg.mkBrush(up if c > 0 else down if c < 0 else QColor("#9e9e9e")) for c in centres]
    w.addItem(pg.BarGraphItem(x=centres, height=counts, width=width * 0.9, brushes=brushes, pen=pg.mkPen(None)))
    w.getPlotItem().getAxis("bottom").setLabel(tr("return (%)"), color=_fg().name())
    w.getPlotItem().getAxis("left").setLabel(tr("signals"), color=_fg().name())
    return w


def signals_plot(d: dict) -> pg.PlotWidget:
    days = d.get("signals_per_day") or []
    w = _plot(tr("Signals per day"), DayAxis([str(x[0]) for x in days]))
    if days:
        w.plot(list(range(len(days))), [int(x[1]) for x in days], pen=pg.mkPen(PORTFOLIO, width=1.5))
    return w


def equity_plot(d: dict) -> pg.PlotWidget:
    """The portfolio's equity (start = 1) and the index over the same closes."""
    pf = d.get("portfolio") or {}
    curve = pf.get("curve") or []
    w = _plot(tr("Portfolio equity vs the index"), DayAxis([str(c[0]) for c in curve]))
    if not curve:
        return w
    legend = w.getPlotItem().addLegend(offset=(-8, 8), labelTextColor=_fg())
    x = list(range(len(curve)))
    w.plot(x, [c[1] for c in curve], pen=pg.mkPen(PORTFOLIO, width=2), name=tr("Portfolio"))
    if all(c[2] is not None for c in curve):
        w.plot(x, [c[2] for c in curve], pen=pg.mkPen("#9e9e9e", width=1.5), name=tr("Index"))
    w.getPlotItem().getAxis("left").setLabel(tr("equity (start = 1)"), color=_fg().name())
    last = curve[-1][1]
    legend.setToolTip(pct(100.0 * (last - 1.0)))
    return w


class _BandAxis(pg.AxisItem):
    """A bottom axis over band numbers 0..n-1 labelled with their score ranges."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__("bottom")
        self.labels = labels

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 (pyqtgraph override)
        return [(1, [float(i) for i in range(len(self.labels))])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph override)
        return [self.labels[int(round(v))] if 0 <= int(round(v)) < len(self.labels) else "" for v in values]


def bands_plot(d: dict, k: int) -> pg.PlotWidget:
    """The score's calibration: the mean +k return of each score band (red above zero, green
    below) with its value above the bar, the band's number of returns under its range, and the
    universe's mean as a dashed line (in the legend)."""
    from desktop_app.core.validation_tables import band_range

    bands = [b for b in d.get("bands") or [] if (b["stats"].get(str(k)) or {}).get("mean") is not None]
    labels = [f"{band_range(b)}  n={b['stats'][str(k)]['count']:,}" for b in bands]
    w = _plot(tr("Mean +{k} day return by score band").format(k=k), _BandAxis(labels))
    if not bands:
        return w
    p = w.getPlotItem()
    means = [100.0 * b["stats"][str(k)]["mean"] for b in bands]
    up, down = theme.up_color(), theme.down_color()
    w.addItem(pg.BarGraphItem(x=list(range(len(bands))), height=means, width=0.6, pen=pg.mkPen(None),
                              brushes=[pg.mkBrush(up if m > 0 else down) for m in means]))
    for i, m in enumerate(means):
        label = pg.TextItem(pct(m), color=_fg(), anchor=(0.5, 1.0 if m >= 0 else 0.0), fill=_bg())
        label.setPos(i, m)
        label.setZValue(5)                  # above the universe's line
        w.addItem(label)
    uni = (d.get("universe_mean") or {}).get(str(k))
    if uni is not None:
        legend = p.addLegend(offset=(-8, 8), labelTextColor=_fg())
        w.plot([-0.6, len(bands) - 0.4], [100.0 * uni] * 2, name=tr("universe {v}").format(v=pct(100.0 * uni)),
               pen=pg.mkPen("#9e9e9e", width=1.5, style=Qt.PenStyle.DashLine))
        legend.setZValue(10)
    lo, hi = min(means + [0.0]), max(means + [0.0])
    span = max(hi - lo, 0.5)
    w.setYRange(lo - 0.15 * span, hi + 0.45 * span, padding=0)
    w.setXRange(-0.6, len(bands) - 0.4, padding=0)
    p.getAxis("left").enableAutoSIPrefix(False)
    p.getAxis("left").setLabel(tr("mean return (%)"), color=_fg().name())
    p.getAxis("bottom").setLabel(tr("score band"), color=_fg().name())
    return w


def png_bytes(widget: QWidget, width: int = 900, height: int = 360) -> bytes:
    """The chart drawn offscreen at ``width`` × ``height`` as PNG bytes (the widget is consumed)."""
    from desktop_app.ui.chart.offscreen import render_offscreen

    holder = QWidget()                  # a plain widget: QGraphicsView.render wants a painter
    lay = QVBoxLayout(holder)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(widget)
    image = render_offscreen(holder, width, height)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    holder.deleteLater()
    return bytes(data.data())
