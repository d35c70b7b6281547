"""ChartWidget: price + volume + 0–3 indicator panes sharing one trading-day x axis.

Behaves like 通达信/同花顺: filled red candles for up bars and filled green for down bars, wheel
zoom around the mouse, drag to pan, ←/→ step the crosshair one bar (panning at the edges), ↑/↓ zoom
in/out, Home/End jump to the first/last bar. After every zoom or pan the y range of each pane is
refitted to the bars in view with numpy over the visible slice (pyqtgraph's autorange, which scans
all data, stays off). The widget stores no settings: :meth:`panes`/:meth:`set_panes` and
:meth:`overlays_enabled`/:meth:`set_overlays` expose the pane and overlay state, and the view that
owns the menu (``ui/stock_view.StockView``) remembers it.

The widget does no I/O: the caller loads bars in a worker, shows :meth:`show_placeholder` meanwhile
and hands the frame to :meth:`set_bars`.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ._qt import QtCore, QtGui, QtWidgets, pg
from ..i18n import tr
from .bar_data import BarData
from .candle_item import CandleItem
from .cursor import ChartCursor, _fmt_value
from .date_axis import TradingDateAxis
from .grid_item import GridItem
from .indicator_pane import PANE_NAMES, IndicatorPane, fmt
from .overlays import Overlays
from .style import THEMES, ChartStyle
from .value_axis import ValueAxis
from .volume_item import VolumeItem

DEFAULT_VISIBLE = 120
MIN_VISIBLE = 8
ZOOM_STEP = 1.25
Y_MARGIN = 0.05          # fraction of the visible span added above and below the bars
AXIS_WIDTH = 64
DEFAULT_PANES = ["macd"]
DEFAULT_OVERLAYS = {"ma": True, "boll": False}


def _with_margin(r: tuple[float, float] | None, margin: float = Y_MARGIN) -> tuple[float, float] | None:
    if r is None:
        return None
    lo, hi = r
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.02 or 1.0
    return lo - span * margin, hi + span * margin


class ChartWidget(QtWidgets.QWidget):
    """One stock's chart. See the module docstring for the interaction model."""

    cursor_moved = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, theme: str = "light") -> None:
        super().__init__(parent)
        self.style_: ChartStyle = THEMES.get(theme, THEMES["light"])
        self._data: BarData | None = None
        self._symbol = ""
        self._name = ""
        self._is_demo = False
        self._markers: dict[str, list] = {}
        self._levels: list[tuple[float, str]] = []
        self._panes: list[str] = list(DEFAULT_PANES)
        self._overlay_flags: dict[str, bool] = dict(DEFAULT_OVERLAYS)
        self._fitting = False

        self._placeholder = QtWidgets.QLabel(self)
        self._placeholder.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)  # long hints wrap in a narrow chart
        self._placeholder.setObjectName("chartPlaceholder")
        self._view = pg.GraphicsLayoutWidget(self)
        self._view.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self._stack = QtWidgets.QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self._view)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)

        self.cursor = ChartCursor(self.style_, self)
        self.cursor.moved.connect(self.cursor_moved)
        # Every mouse move reaches the crosshair: the scene's sigMouseMoved is rate-limited and drops
        # the last move of a quick gesture, leaving the crosshair off the bar under the mouse.
        self._view.viewport().installEventFilter(self)
        self._build_layout()
        self._show_placeholder_text("")

    # ================================================================== public API
    def set_bars(self, bars: pd.DataFrame, *, symbol: str, name: str = "", is_demo: bool = False,
                 markers: dict[str, list] | None = None,
                 levels: list[tuple[float, str]] | None = None) -> None:
        """Show ``bars`` (DatetimeIndex "date"; open/high/low/close/volume); rows with a missing
        price (suspensions) are dropped. Shows the last ~120 bars with the crosshair off."""
        data = BarData(bars)
        self._symbol, self._name, self._is_demo = symbol, name, bool(is_demo)
        self._markers = dict(markers or {})
        self._levels = list(levels or [])
        if data.n == 0:
            self._data = None
            self._apply_data()
            self._show_placeholder_text(tr("{stock}: no bars").format(stock=f"{symbol} {name}".strip()))
            return
        self._data = data
        self.cursor.index = None
        self._apply_data(defer_indicators=True)
        self._stack.setCurrentWidget(self._view)
        self.set_visible_range(max(0, data.n - DEFAULT_VISIBLE), data.n - 1)

    def show_placeholder(self, text: str) -> None:
        """A light placeholder (e.g. "加载中…") until the next :meth:`set_bars`."""
        self._show_placeholder_text(text)

    def clear(self) -> None:
        self._data = None
        self._symbol = self._name = ""
        self._is_demo = False
        self._markers, self._levels = {}, []
        self._apply_data()
        self._show_placeholder_text("")

    def is_placeholder_shown(self) -> bool:
        return self._stack.currentWidget() is self._placeholder

    def placeholder_text(self) -> str:
        return self._placeholder.text()

    def has_data(self) -> bool:
        return self._data is not None

    @property
    def data(self) -> BarData | None:
        return self._data

    def symbol(self) -> str:
        return self._symbol

    def set_panes(self, names: list[str]) -> None:
        """Sub panes under price + volume, in order, from {"macd", "kdj", "rsi"}."""
        clean: list[str] = []
        for n in names:
            n = str(n).lower()
            if n not in PANE_NAMES:
                raise ValueError(f"unknown pane {n!r}; choose from {PANE_NAMES}")
            if n not in clean:
                clean.append(n)
        if clean == self._panes:
            return
        self._panes = clean
        self._rebuild_keep_view()

    def panes(self) -> list[str]:
        return list(self._panes)

    def set_overlays(self, flags: dict[str, bool]) -> None:
        """Turn the MA5/10/20/60 ("ma") and BOLL ("boll") overlays on or off."""
        self._overlay_flags = {"ma": bool(flags.get("ma", self._overlay_flags["ma"])),
                               "boll": bool(flags.get("boll", self._overlay_flags["boll"]))}
        self.overlays.set_visible(**self._overlay_flags)
        self.cursor.refresh_text()

    def overlays_enabled(self) -> dict[str, bool]:
        return dict(self._overlay_flags)

    def set_theme(self, theme: str) -> None:
        """"light" or "dark"."""
        self.style_ = THEMES[theme]
        self.cursor.style = self.style_
        self._rebuild_keep_view()

    def visible_range(self) -> tuple[int, int]:
        """Inclusive indices of the first and last bar in view ((0, -1) without data)."""
        if self._data is None:
            return 0, -1
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        return self._data.visible_slice(x0, x1)

    def set_visible_range(self, i0: int, i1: int) -> None:
        if self._data is None:
            return
        i0, i1 = self._data.clamp(min(i0, i1)), self._data.clamp(max(i0, i1))
        self._set_x_range(i0 - 0.5, i1 + 0.5)

    def price_y_range(self) -> tuple[float, float]:
        lo, hi = self.price_plot.getViewBox().viewRange()[1]
        return float(lo), float(hi)

    def volume_y_range(self) -> tuple[float, float]:
        lo, hi = self.volume_plot.getViewBox().viewRange()[1]
        return float(lo), float(hi)

    def pane_y_range(self, name: str) -> tuple[float, float]:
        lo, hi = self._pane_objs[name].plot.getViewBox().viewRange()[1]
        return float(lo), float(hi)

    def readout(self) -> dict:
        """The crosshair read-out: the cursor's bar (the last bar before any move)."""
        if self._data is None:
            return {}
        i = self.cursor.index if self.cursor.index is not None else self._data.n - 1
        out = self._data.bar(i)
        out["symbol"] = self._symbol
        out["signals"] = self.overlays.signals_at(i)
        return out

    def cursor_index(self) -> int | None:
        return self.cursor.index

    def move_cursor_to(self, index: int) -> None:
        """Put the crosshair on bar ``index``, panning so it is in view."""
        if self._data is None:
            return
        index = self._data.clamp(index)
        self._ensure_visible(index)
        self.cursor.move_to(index)

    def has_watermark(self) -> bool:
        return self._watermark.isVisible()

    def grab_png(self, path: str | Path) -> bool:
        """Save the chart (or the placeholder) as a PNG; True on success."""
        self._finish_indicators()  # an export always shows the indicator lines
        target = self._view if not self.is_placeholder_shown() else self
        return target.grab().save(str(path), "PNG")

    # ================================================================== layout
    def _build_layout(self) -> None:
        st = self.style_
        self._view.setBackground(st.background)
        ci = self._view.ci
        old = self._plots() if hasattr(self, "price_plot") else []
        if old:
            self.cursor.attach([], 0)
            old[0].getViewBox().sigXRangeChanged.disconnect(self._on_x_range_changed)
            old[0].getViewBox().sigResized.disconnect(self._on_resized)
        ci.clear()
        for plot in old:  # free the old panes now, not at interpreter exit (which crashed)
            plot.deleteLater()
        self._grids: list[GridItem] = []
        ci.setSpacing(0)
        ci.setContentsMargins(2, 2, 2, 2)
        self.price_plot = self._new_plot(0, 6)
        self.volume_plot = self._new_plot(1, 2)
        self.candles = CandleItem(st)
        self.price_plot.addItem(self.candles)
        self.overlays = Overlays(self.price_plot, st)
        self.overlays.set_visible(**self._overlay_flags)
        self.volume = VolumeItem(st)
        self.volume_plot.addItem(self.volume)
        self._pane_objs: dict[str, IndicatorPane] = {}
        for row, name in enumerate(self._panes, start=2):
            plot = self._new_plot(row, 2)
            self._pane_objs[name] = IndicatorPane(name, plot, st)
        plots = self._plots()
        for plot in plots[1:]:
            plot.setXLink(self.price_plot)
        for plot in plots:
            plot.hideAxis("bottom")
        plots[-1].showAxis("bottom")
        vb = self.price_plot.getViewBox()
        vb.sigXRangeChanged.connect(self._on_x_range_changed)
        vb.sigResized.connect(self._on_resized)
        self._watermark = QtWidgets.QGraphicsSimpleTextItem("DEMO", vb)
        font = QtGui.QFont()
        font.setPixelSize(96)
        font.setBold(True)
        self._watermark.setFont(font)
        self._watermark.setBrush(QtGui.QColor(st.watermark))
        self._watermark.setZValue(-10)
        self._watermark.setVisible(False)
        self.cursor.attach(self._cursor_panes(), 0)

    def _new_plot(self, row: int, stretch: int) -> pg.PlotItem:
        axis = TradingDateAxis(self._dates, orientation="bottom")
        plot = pg.PlotItem(axisItems={"bottom": axis, "right": ValueAxis("right")})
        plot.setMenuEnabled(False)
        plot.hideButtons()
        # PlotItem.addItem imposes the plot's own clip/downsample modes on every curve added, so
        # they are set here, not only on the curves
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.hideAxis("left")
        plot.showAxis("right")
        plot.getAxis("right").setWidth(AXIS_WIDTH)
        # one level of ticks and labels: pyqtgraph lays out every candidate label in Python on
        # each y refit, and the minor level doubled that cost for labels that rarely fit
        plot.getAxis("right").setStyle(maxTickLevel=0, maxTextLevel=0)
        for name in ("right", "bottom"):
            ax = plot.getAxis(name)
            ax.setPen(self.style_.foreground)
            ax.setTextPen(self.style_.foreground)
        for name in ("left", "top", "right", "bottom"):
            # the axes have no label, so an SI prefix is never shown; with it on, every range
            # change re-set each axis' (empty) label HTML and re-laid it out (≈10 setHtml/frame)
            plot.getAxis(name).enableAutoSIPrefix(False)
        for name in ("left", "top"):  # never shown: they need not follow the view either
            plot.getAxis(name).unlinkFromView()
        vb = plot.getViewBox()
        vb.setMouseEnabled(x=True, y=False)
        vb.disableAutoRange()
        vb.setDefaultPadding(0.0)
        self._grids.append(GridItem(plot, self.style_.grid))
        self._view.ci.addItem(plot, row=row, col=0)
        self._view.ci.layout.setRowStretchFactor(row, stretch)
        return plot

    def _plots(self) -> list[pg.PlotItem]:
        return [self.price_plot, self.volume_plot, *(p.plot for p in self._pane_objs.values())]

    def _cursor_panes(self):
        panes = [(self.price_plot, self._price_readout), (self.volume_plot, self._volume_readout)]
        panes += [(p.plot, p.readout_html) for p in self._pane_objs.values()]
        return panes

    def _dates(self) -> np.ndarray:
        return self._data.dates if self._data is not None else np.empty(0, "datetime64[D]")

    def _rebuild_keep_view(self) -> None:
        rng = self.visible_range()
        cursor = self.cursor.index
        self._build_layout()
        self._apply_data()
        if self._data is not None:
            self.set_visible_range(*rng)
            if cursor is not None:
                self.cursor.move_to(cursor)

    def _apply_data(self, defer_indicators: bool = False) -> None:
        """Hand the current data to every item. With ``defer_indicators`` the candles, volume,
        markers and levels go in now and the indicator lines and panes one event-loop turn later,
        so a new stock's first frame does not wait for MACD/KDJ/RSI over its whole history."""
        d = self._data
        ready = d is not None and (d.indicators_ready() or not defer_indicators)
        self.candles.set_data(d)
        self.volume.set_data(d)
        for p in self._pane_objs.values():
            p.set_data(d if ready else None)
        if d is None:
            self.overlays.clear()
            self.overlays.set_indicator_data(None)
        else:
            self.overlays.set_data(d, self._markers, self._levels)
            self.overlays.set_indicator_data(d if ready else None)
            vb = self.price_plot.getViewBox()
            vb.setLimits(xMin=-2.0, xMax=d.n + 1.0, minXRange=min(MIN_VISIBLE, d.n),
                         maxXRange=d.n + 3.0)
            if not ready:
                QtCore.QTimer.singleShot(0, self._finish_indicators)
        self._watermark.setVisible(self._is_demo and d is not None)
        self._place_watermark()
        self.cursor.attach(self._cursor_panes(), 0 if d is None else d.n)

    def _finish_indicators(self) -> None:
        d = self._data
        if d is None or self.indicators_shown():
            return
        d.indicators()
        for p in self._pane_objs.values():
            p.set_data(d)
        self.overlays.set_indicator_data(d)
        self._refit()
        self.cursor.refresh_text()

    def indicators_shown(self) -> bool:
        """True once the indicator lines and panes show the current stock."""
        d = self._data
        return d is not None and self.overlays.has_indicator_data(d) and all(
            p._data is d for p in self._pane_objs.values())

    def _show_placeholder_text(self, text: str) -> None:
        self._placeholder.setText(text)
        color = QtGui.QColor(self.style_.foreground)
        color.setAlpha(140)
        self._placeholder.setStyleSheet(
            f"QLabel#chartPlaceholder {{ color: {color.name(QtGui.QColor.NameFormat.HexArgb)};"
            f" background: {self.style_.background}; font-size: 16px; }}")
        self._stack.setCurrentWidget(self._placeholder)

    # ================================================================== fitting
    def _on_x_range_changed(self, *_args) -> None:
        self._refit()

    def _on_resized(self, *_args) -> None:
        self._place_watermark()
        self._refit()

    def _refit(self) -> None:
        """Fit every pane's y range to the bars in view (numpy over the visible slice)."""
        if self._data is None or self._fitting:
            return
        self._fitting = True
        try:
            i0, i1 = self.visible_range()
            r = _with_margin(self.candles.y_range(i0, i1))
            if r:
                self.price_plot.setYRange(*r, padding=0)
                h = self.price_plot.getViewBox().height()
                if h > 0:
                    self.overlays.place_markers((r[1] - r[0]) / h)
            v = self.volume.y_range(i0, i1)
            if v:
                self.volume_plot.setYRange(0.0, (v[1] or 1.0) * 1.08, padding=0)
            for p in self._pane_objs.values():
                r = _with_margin(p.y_range(i0, i1), 0.08)
                if r:
                    p.plot.setYRange(*r, padding=0)
        finally:
            self._fitting = False

    def _place_watermark(self) -> None:
        vb = self.price_plot.getViewBox()
        br = self._watermark.boundingRect()
        self._watermark.setPos((vb.width() - br.width()) / 2, (vb.height() - br.height()) / 2)

    def eventFilter(self, obj: QtCore.QObject, ev: QtCore.QEvent) -> bool:  # noqa: N802 (Qt override)
        if ev.type() == QtCore.QEvent.Type.MouseMove and self._data is not None:
            self.cursor.on_mouse_moved(self._view.mapToScene(ev.position().toPoint()))
        return False

    # ================================================================== navigation
    def _set_x_range(self, x0: float, x1: float) -> None:
        """Show [x0, x1] and fit the y ranges once. A changed range refits through
        ``sigXRangeChanged`` already; only an unchanged one (e.g. clamped at an edge) needs the
        explicit refit, which then costs nothing new to draw."""
        vb = self.price_plot.getViewBox()
        before = vb.viewRange()[0]
        self.price_plot.setXRange(x0, x1, padding=0)
        if vb.viewRange()[0] == before:
            self._refit()

    def _visible_width(self) -> float:
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        return x1 - x0

    def _ensure_visible(self, i: int) -> None:
        i0, i1 = self.visible_range()
        if i0 <= i <= i1:
            return
        count = i1 - i0
        if i < i0:
            self.set_visible_range(i, i + count)
        else:
            self.set_visible_range(i - count, i)

    def zoom(self, factor: float, anchor: float | None = None) -> None:
        """Scale the visible bar count by ``factor`` (<1 zooms in) keeping ``anchor`` (an x) fixed;
        by default the cursor's bar when in view, else the right edge."""
        if self._data is None:
            return
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        if anchor is None:
            c = self.cursor.index
            anchor = float(c) if c is not None and x0 <= c <= x1 else x1
        w = x1 - x0
        n = self._data.n
        nw = min(max(w * factor, min(MIN_VISIBLE, n)), n + 3.0)
        nx0 = anchor - (anchor - x0) * nw / w
        nx0 = min(max(nx0, -2.0), n + 1.0 - nw)
        self._set_x_range(nx0, nx0 + nw)

    def pan(self, bars: float) -> None:
        if self._data is None:
            return
        (x0, x1), _ = self.price_plot.getViewBox().viewRange()
        w = x1 - x0
        nx0 = min(max(x0 + bars, -2.0), self._data.n + 1.0 - w)
        self._set_x_range(nx0, nx0 + w)

    def step_cursor(self, delta: int) -> None:
        """Move the crosshair ``delta`` bars, panning when it leaves the view. With no crosshair
        in view, the first step just shows it on the last visible bar (as 通达信 does)."""
        if self._data is None:
            return
        i0, i1 = self.visible_range()
        cur = self.cursor.index
        if cur is None or not (i0 <= cur <= i1):
            self.cursor.move_to(i1)
            return
        new = self._data.clamp(cur + delta)
        if new < i0:
            self.pan(new - i0)
        elif new > i1:
            self.pan(new - i1)
        self.cursor.move_to(new)

    def keyPressEvent(self, ev: QtGui.QKeyEvent) -> None:  # noqa: N802 (Qt override)
        k = QtCore.Qt.Key
        key = ev.key()
        if self._data is None:
            return super().keyPressEvent(ev)
        if key == k.Key_Left:
            self.step_cursor(-1)
        elif key == k.Key_Right:
            self.step_cursor(1)
        elif key == k.Key_Up:
            self.zoom(1 / ZOOM_STEP)
        elif key == k.Key_Down:
            self.zoom(ZOOM_STEP)
        elif key == k.Key_Home:
            self.move_cursor_to(0)
        elif key == k.Key_End:
            self.move_cursor_to(self._data.n - 1)
        elif key == k.Key_Escape:
            self.cursor.hide_hline()
        else:
            return super().keyPressEvent(ev)
        ev.accept()

    # ================================================================== read-outs
    def _price_readout(self, i: int) -> str:
        d = self._data
        if d is None:
            return ""
        st = self.style_
        ready = d.indicators_ready()
        b = d.bar(i, with_indicators=ready)
        prev = d.prev_close[b["index"]]

        def col(v: float) -> str:
            if not np.isfinite(prev) or v == prev:
                return st.foreground
            return st.up if v > prev else st.down

        chg = b["chg_pct"]
        chg_s = "—" if not math.isfinite(chg) else f"{chg:+.2f}%"
        head = f"<b>{self._symbol} {self._name}</b>".strip()
        parts = [head, b["date"].strftime("%Y-%m-%d")]
        for label, key in ((tr("Open"), "open"), (tr("High"), "high"), (tr("Low"), "low"), (tr("Close"), "close")):
            parts.append(f"{label}&nbsp;<span style='color:{col(b[key])}'>{b[key]:.2f}</span>")
        parts.append(f"{tr('Change')}&nbsp;<span style='color:{col(b['close'])}'>{chg_s}</span>")
        if self._overlay_flags["ma"] and ready:
            for key, c in zip(("ma5", "ma10", "ma20", "ma60"), st.ma):
                parts.append(f"<span style='color:{c}'>{key.upper()}:{fmt(b[key])}</span>")
        if self._overlay_flags["boll"] and ready:
            for key, lab, c in zip(("boll_mid", "boll_upper", "boll_lower"), ("MID", "UP", "LOW"), st.boll):
                parts.append(f"<span style='color:{c}'>{lab}:{fmt(b[key])}</span>")
        sig = self.overlays.signals_at(b["index"])
        if sig:
            parts.append(tr("Signals") + ": " + ", ".join(sig))
        return f"<span style='color:{st.foreground}'>" + "&nbsp; ".join(parts) + "</span>"

    def _volume_readout(self, i: int) -> str:
        d = self._data
        if d is None:
            return ""
        v = float(d.volume[d.clamp(i)])
        c = self.style_.up if d.up[d.clamp(i)] else self.style_.down
        return (f"<span style='color:{self.style_.foreground}'>VOL</span>&nbsp;"
                f"<span style='color:{c}'>{_fmt_value(v)}</span>")
