"""The 分时 view (issue 17 §5): one trading day's 1-minute price line and average-price line over
a price pane centred on the previous close (a symmetric range: red above it, green below, the
percent change on the right axis), volume sticks below, and a crosshair whose read-out line says
time, price, average, change % and volume — 通达信's 分时图.

x is the slot of ``core.intraday`` (0 = 09:30, 120 = 11:30 and 13:00, 240 = 15:00): the lunch
break takes no room. The numbers come from ``core.intraday.IntradayDay``; this widget only draws.
It stores no settings and does no I/O (``ui/intraday_switch.py`` loads the day on the runner).
"""
from __future__ import annotations

import math
from typing import Any

from .chart._qt import QtCore, QtGui, QtWidgets, cosmetic_pen, pg
from .chart.pane_line import PaneLine
from .chart.labels import axis_number, big_number
from .chart.style import THEMES
from .i18n import tr

TIME_TICKS = ((0, "09:30"), (60, "10:30"), (120, "11:30/13:00"), (180, "14:00"), (240, "15:00"))
LEVELS = 4            # price/percent ticks on each side of the previous close


class CentredAxis(pg.AxisItem):
    """A y axis of 2 × LEVELS + 1 ticks around the previous close; labels above it in the up
    colour, below in the down colour ("price" in yuan or "pct" change)."""

    def __init__(self, orientation: str, mode: str) -> None:
        super().__init__(orientation)
        self.mode = mode
        self.centre, self.span = 0.0, 0.0
        self.colors = ("#e0302d", "#0f9d58", "#333333")      # up, down, flat
        self.setStyle(hideOverlappingLabels=False)

    def set_levels(self, centre: float, span: float) -> None:
        self.centre, self.span = float(centre), float(span)
        self.picture = None
        self.update()

    def levels(self) -> list[float]:
        if not self.span:
            return []
        return [self.centre + self.span * j / LEVELS for j in range(-LEVELS, LEVELS + 1)]

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 (pg API)
        return [(1.0, self.levels())]

    def boundingRect(self):  # noqa: N802 (Qt API)
        """10 px past either end, so the top and bottom levels are drawn (a gridded axis has none)."""
        return super().boundingRect().adjusted(0, -10, 0, 10)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pg API)
        if self.mode == "pct":
            return [f"{(v / self.centre - 1) * 100:+.2f}%" if self.centre else "" for v in values]
        return [f"{v:.2f}" for v in values]

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):  # noqa: N802 (pg API)
        super().drawPicture(p, axisSpec, tickSpecs, [])
        p.setClipping(False)
        for rect, flags, text in textSpecs:
            p.setPen(QtGui.QColor(self.color_of(text)))
            p.drawText(rect, int(flags), text)

    def color_of(self, text: str) -> str:
        """Up colour above the previous close, down colour below, the text colour on it."""
        up, down, flat = self.colors
        try:
            v = float(text.rstrip("%"))
        except ValueError:
            return flat
        ref = 0.0 if self.mode == "pct" else round(self.centre, 2)
        return up if v > ref else down if v < ref else flat


class SessionAxis(pg.AxisItem):
    """The time axis: 09:30 10:30 11:30/13:00 14:00 15:00 at x = 0, 60, 120, 180, 240."""

    def __init__(self) -> None:
        super().__init__("bottom")

    def boundingRect(self):  # noqa: N802 (Qt API)
        """48 px past either end, so 09:30 and 15:00 are drawn (a gridded axis has no margin)."""
        return super().boundingRect().adjusted(-48, 0, 48, 0)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 (pg API)
        return [(1.0, [float(x) for x, _ in TIME_TICKS])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pg API)
        names = dict(TIME_TICKS)
        return [names.get(int(round(v)), "") for v in values]


class VolumeAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pg API)
        top = max(values) if values else 0.0
        return [axis_number(v, top) for v in values]


class IntradayView(QtWidgets.QWidget):
    """The 分时 widget: ``set_day(day, symbol=…, name=…)``; ``show_message(text)`` otherwise."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, theme: str = "light") -> None:
        super().__init__(parent)
        self.setObjectName("intradayView")
        self.theme = theme
        self._meta: dict = {}
        self.style_ = THEMES.get(theme, THEMES["light"])
        self.day: Any = None
        self._cursor: int | None = None
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.readout_label = QtWidgets.QLabel(self)
        self.readout_label.setObjectName("intradayReadout")
        self.readout_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        lay.addWidget(self.readout_label)
        self.message_label = QtWidgets.QLabel(self)
        self.message_label.setObjectName("intradayMessage")
        self.message_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        lay.addWidget(self.message_label, 1)
        self.graphics = pg.GraphicsLayoutWidget(self)
        lay.addWidget(self.graphics, 1)
        self._build_plots()
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.show_message("")

    # -- construction -------------------------------------------------------------------------
    def _build_plots(self) -> None:
        st = self.style_
        self.graphics.setBackground(st.background)
        self.price_axis, self.pct_axis = CentredAxis("left", "price"), CentredAxis("right", "pct")
        for ax in (self.price_axis, self.pct_axis):
            ax.colors = (st.up, st.down, st.foreground)
        self.price_plot = self.graphics.addPlot(row=0, col=0, axisItems={
            "left": self.price_axis, "right": self.pct_axis, "bottom": SessionAxis()})
        self.price_plot.showAxis("right")
        self.price_plot.getAxis("bottom").setStyle(showValues=False)
        self.volume_plot = self.graphics.addPlot(row=1, col=0, axisItems={
            "bottom": SessionAxis(), "left": VolumeAxis("left")})
        self.volume_plot.showAxis("right")
        self.volume_plot.getAxis("right").setStyle(showValues=False)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.volume_plot.setXLink(self.price_plot)
        for plot in (self.price_plot, self.volume_plot):
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.25)
            for name in ("left", "right", "bottom"):
                plot.getAxis(name).setPen(st.foreground)
                plot.getAxis(name).setTextPen(st.foreground)
            plot.getAxis("left").setWidth(64)
            plot.getAxis("right").setWidth(64)
        self.price_plot.setXRange(-1, 241, padding=0)
        self.price_line = pg.PlotDataItem(pen=cosmetic_pen(st.lines[0], 1.2))
        self.avg_line = pg.PlotDataItem(pen=cosmetic_pen(st.lines[1], 1.2))
        self.prev_line = PaneLine(self.price_plot.getViewBox(), False,
                                  cosmetic_pen(st.foreground, 1, QtCore.Qt.PenStyle.DashLine), z=-50)
        for item in (self.price_line, self.avg_line):
            self.price_plot.addItem(item)
        self.volume_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.volume_plot.addItem(self.volume_bars)
        pen = cosmetic_pen(st.crosshair, 1, QtCore.Qt.PenStyle.DotLine)
        self.v_line = PaneLine(self.price_plot.getViewBox(), True, pen, z=20)    # the chart's crosshair lines
        self.h_line = PaneLine(self.price_plot.getViewBox(), False, pen, z=20)
        self.v_line2 = PaneLine(self.volume_plot.getViewBox(), True, pen, z=20)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._show_cursor(False)

    # -- data ---------------------------------------------------------------------------------
    def set_day(self, day: Any, *, symbol: str, name: str = "", is_demo: bool = False) -> None:
        """Show ``day`` (a ``core.intraday.IntradayDay``)."""
        self.day = day
        self._meta = {"symbol": symbol, "name": name, "is_demo": is_demo}
        self.message_label.hide()
        self.graphics.show()
        lo, hi = day.value_range()
        self.price_axis.set_levels(day.prev_close, hi - day.prev_close)
        self.pct_axis.set_levels(day.prev_close, hi - day.prev_close)
        self.price_plot.setYRange(lo - (hi - lo) * 0.01, hi + (hi - lo) * 0.01, padding=0)   # edge ticks shown
        self.prev_line.set_value(day.prev_close)
        self.price_line.setData(day.x, day.price)
        self.avg_line.setData(day.x, day.avg)
        st = self.style_
        brushes = [pg.mkBrush(st.up if u else st.down) for u in day.up]
        self.volume_bars.setOpts(x=day.x - 0.5, height=day.volume, width=0.6, brushes=brushes,
                                 pens=[pg.mkPen(None)] * len(brushes))
        top = float(day.volume.max()) if day.n else 1.0
        self.volume_plot.setYRange(0, top * 1.05 if top > 0 else 1.0, padding=0)
        self.price_plot.setXRange(-1, 241, padding=0)
        self._cursor = None
        self._show_cursor(False)
        self._update_readout(day.n - 1 if day.n else None)

    def _title(self) -> str:
        m = self._meta
        demo = f" [{tr('demo data')}]" if m.get("is_demo") else ""
        day = f" {self.day.day:%Y-%m-%d}" if self.day is not None else ""
        return f"{m.get('symbol', '')} {m.get('name', '')} {tr('Intraday')}{day}{demo}".replace("  ", " ").strip()

    def retranslate(self) -> None:
        """The read-out's words in the current language."""
        if self.day is not None:
            self._update_readout(self._cursor if self._cursor is not None else self.day.n - 1)

    def clone(self) -> "IntradayView":
        """A twin with the same day and no crosshair (the stock view's PNG export)."""
        twin = IntradayView(theme=self.theme)
        if self.day is not None:
            twin.set_day(self.day, **self._meta)
        else:
            twin.show_message(self.message_label.text())
        return twin

    def show_message(self, text: str) -> None:
        self.day = None
        self.graphics.hide()
        self.readout_label.setText("")
        self.message_label.setText(text)
        self.message_label.show()

    def message(self) -> str:
        return self.message_label.text() if self.message_label.isVisible() or self.day is None else ""

    def has_day(self) -> bool:
        return self.day is not None

    # -- crosshair and read-out ---------------------------------------------------------------
    def _show_cursor(self, on: bool) -> None:
        for line in (self.v_line, self.h_line, self.v_line2):
            line.setVisible(on)

    def _on_mouse_moved(self, pos: QtCore.QPointF) -> None:
        if self.day is None or not self.day.n:
            return
        vb = self.price_plot.vb
        if not self.price_plot.sceneBoundingRect().contains(pos) and \
                not self.volume_plot.sceneBoundingRect().contains(pos):
            return
        x = vb.mapSceneToView(pos).x()
        i = self.day.at(x)
        if i is not None:
            self.move_cursor_to(i)

    def move_cursor_to(self, i: int) -> None:
        """Put the crosshair on bar ``i`` of the day (also ←/→)."""
        d = self.day
        if d is None or not d.n:
            return
        i = max(0, min(d.n - 1, int(i)))
        self._cursor = i
        self.v_line.set_value(d.x[i])
        self.v_line2.set_value(d.x[i])
        self.h_line.set_value(d.price[i])
        self._show_cursor(True)
        self._update_readout(i)

    def cursor_index(self) -> int | None:
        return self._cursor

    def readout(self, i: int) -> dict:
        """What the read-out line says for bar ``i``: time, price, avg, change %, volume."""
        d = self.day
        minute = int(round(d.x[i])) - 1
        end = (9 * 60 + 31 + minute) if minute < 120 else (13 * 60 + 1 + minute - 120)
        return {"time": f"{end // 60:02d}:{end % 60:02d}", "price": float(d.price[i]),
                "avg": float(d.avg[i]), "chg_pct": float(d.change_pct(d.price[i])),
                "volume": float(d.volume[i])}

    def readout_text(self) -> str:
        return self.readout_label.text()

    def _update_readout(self, i: int | None) -> None:
        d, st = self.day, self.style_
        if d is None or i is None:
            self.readout_label.setText(self._title())
            return
        r = self.readout(i)

        def col(v: float) -> str:
            return st.up if v > d.prev_close else st.down if v < d.prev_close else st.foreground

        chg = "—" if not math.isfinite(r["chg_pct"]) else f"{r['chg_pct']:+.2f}%"
        parts = [f"<b>{self._title()}</b>", r["time"],
                 f"{tr('Last price')} <span style='color:{col(r['price'])}'>{r['price']:.2f}</span>",
                 f"{tr('Average price')} <span style='color:{st.lines[1]}'>{r['avg']:.2f}</span>",
                 f"{tr('Change')} <span style='color:{col(r['price'])}'>{chg}</span>",
                 f"{tr('Volume')} {big_number(r['volume'], 2)}"]
        self.readout_label.setText("&nbsp;&nbsp;".join(parts))

    def keyPressEvent(self, ev: QtGui.QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self.day is not None and self.day.n and ev.key() in (QtCore.Qt.Key.Key_Left, QtCore.Qt.Key.Key_Right):
            step = -1 if ev.key() == QtCore.Qt.Key.Key_Left else 1
            self.move_cursor_to((self._cursor if self._cursor is not None else self.day.n - 1) + step)
            return
        super().keyPressEvent(ev)

    def x_ticks(self) -> list[tuple[float, str]]:
        """The time axis' ticks (x, label), for tests and the docs."""
        ax = self.volume_plot.getAxis("bottom")
        (_, values), = ax.tickValues(0, 240, 800)
        return list(zip(values, ax.tickStrings(values, 1, 1)))

    def y_levels(self) -> list[float]:
        return self.price_axis.levels()

