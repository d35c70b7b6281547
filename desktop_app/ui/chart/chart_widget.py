"""ChartWidget: price + volume + 0–3 indicator panes + the user's formula panes sharing one
trading-day x axis.

Behaves like 通达信/同花顺: filled red candles for up bars and filled green for down bars, wheel
zoom around the mouse, drag to pan, ←/→ step the crosshair one bar (panning at the edges), ↑/↓ zoom
in/out, Home/End jump to the first/last bar. After every zoom or pan the y range of each pane is
refitted to the bars in view with numpy over the visible slice (pyqtgraph's autorange, which scans
all data, stays off); the price pane's range also covers the MA/BOLL lines that are on (as 通达信
fits its main chart to the main indicator), with room reserved for the legend above the highest bar
and the strategy markers under the lowest.

Read-outs: every pane has one title line on an opaque strip above its plot (``title_strip``):
code, name, date, O/H/L/C, change, volume and the MA/BOLL values in their line colours for the
price pane; the value per series for the others. The line is elided at segment boundaries, never
wrapped into the plot. Support/resistance prices are tagged on the price axis without collisions
(``level_tags``); a small legend (``legend``) names the lines and markers. :meth:`retranslate`
rewrites every word after a live language switch.

The widget stores no settings: :meth:`panes`/:meth:`set_panes` and
:meth:`overlays_enabled`/:meth:`set_overlays` (``ma``, ``boll``, ``levels``, ``markers``) expose
the pane and overlay state, and the view that owns the menu (``ui/stock_view.StockView``) remembers
it. A right click asks for that menu (``context_menu_requested``).

Formula indicators (``formula_layer``, a mixin): :meth:`set_formula_indicators` adds the user's
通达信 formulas as panes under the built-in ones or over the candles, :meth:`set_formula_results`
draws what the owner's worker evaluated for the bars shown (``bars_changed`` says when to).

The widget does no I/O: the caller loads bars in a worker, shows :meth:`show_placeholder` meanwhile
and hands the frame to :meth:`set_bars`. :meth:`render_image` draws the same chart at any size into
a QImage (an offscreen twin, no crosshair) for exports (``offscreen.ChartExport``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._qt import QtCore, QtGui, QtWidgets, pg
from ..i18n import tr
from .bar_data import BarData
from .candle_item import CandleItem
from .cursor import ChartCursor
from .date_axis import TradingDateAxis
from .compare_layer import ChartCompare
from .formula_layer import ChartFormulas
from .grid_item import GridItem
from .indicator_pane import PANE_NAMES, IndicatorPane
from .labels import level_name
from .navigation import MIN_VISIBLE, Y_MARGIN, ChartNavigation, fit_range, with_margin
from .offscreen import ChartExport
from .readout import ChartReadout
from .legend import Entry, Legend
from .level_tags import LevelTags
from .overlays import (BOLL_KEYS, MA_KEYS, MARKER_GAP_PX, MARKER_HALF_PX, MARKER_STEP_PX,
                       OVERLAY_KEYS, Overlays)
from .style import THEMES, ChartStyle
from .title_strip import TitleStrip, install
from .value_axis import ValueAxis
from .volume_item import VolumeItem

DEFAULT_VISIBLE = 120
AXIS_WIDTH = 64
DEFAULT_PANES = ["macd"]
DEFAULT_OVERLAYS = {"ma": True, "boll": False, "levels": True, "markers": True}
MAX_RESERVED = 0.35      # at most this fraction of a pane is kept free for the legend or markers


class ChartWidget(ChartCompare, ChartFormulas, ChartExport, ChartNavigation, ChartReadout, QtWidgets.QWidget):
    """One stock's chart. See the module docstring for the interaction model."""

    cursor_moved = QtCore.Signal(int)
    context_menu_requested = QtCore.Signal(QtCore.QPoint)   # global position of a right click
    bars_changed = QtCore.Signal()   # a new set_bars: the owner evaluates the formula indicators

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, theme: str = "light") -> None:
        super().__init__(parent)
        self._theme = theme if theme in THEMES else "light"
        self.style_: ChartStyle = THEMES[self._theme]
        self._data: BarData | None = None
        self._symbol = ""
        self._name = ""
        self._is_demo = False
        self._markers: dict[str, list] = {}
        self._levels: list[tuple] = []
        self._panes: list[str] = list(DEFAULT_PANES)
        self._overlay_flags: dict[str, bool] = dict(DEFAULT_OVERLAYS)
        self._fitting = False
        self._keep_range: tuple[int, int] | None = None   # an export twin's range to show
        self._init_formulas()
        self._init_compare()

        self._placeholder = QtWidgets.QLabel(self)
        self._placeholder.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)  # long hints wrap in a narrow chart
        self._placeholder.setObjectName("chartPlaceholder")
        self._view = pg.GraphicsLayoutWidget(self)
        self._view.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        # the background is one solid colour: filling it is cheaper than pyqtgraph's cached
        # background pixmap, which every repaint copied whole (≈0.3 ms a frame at 1600×900)
        self._view.setCacheMode(QtWidgets.QGraphicsView.CacheModeFlag.CacheNone)
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
    def set_bars(self, bars: pd.DataFrame | BarData, *, symbol: str, name: str = "",
                 is_demo: bool = False, markers: dict[str, list] | None = None,
                 levels: list[tuple] | None = None) -> None:
        """Show ``bars`` (DatetimeIndex "date"; open/high/low/close/volume; or a BarData); rows
        with a missing price (suspensions) are dropped. Shows the last ~120 bars with the
        crosshair off. ``markers``: ``{strategy name: [dates]}``; ``levels``: ``(price, kind[,
        note])`` with kind "support" | "resistance" (the nearest few per side are shown)."""
        data = bars if isinstance(bars, BarData) else BarData(bars)
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
        self.bars_changed.emit()

    def set_markers(self, markers: dict[str, list] | None) -> None:
        """Replace the strategy markers (e.g. their names in a new language), keeping the view."""
        self._markers = dict(markers or {})
        if self._data is not None:
            self.overlays.set_markers(self._data, self._markers)
            self._after_overlay_change()

    def set_levels(self, levels: list[tuple] | None) -> None:
        """Replace the support/resistance levels, keeping the view."""
        self._levels = list(levels or [])
        if self._data is not None:
            self.overlays.set_levels(self._data, self._levels)
            self._sync_level_tags()
            self._after_overlay_change()

    def markers(self) -> dict[str, list]:
        return dict(self._markers)

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
        """Turn overlays on or off: the MA5/10/20/60 lines ("ma"), BOLL ("boll"), the
        support/resistance lines and tags ("levels") and the strategy markers ("markers"); keys
        left out keep their state."""
        unknown = set(flags) - set(OVERLAY_KEYS)
        if unknown:
            raise ValueError(f"unknown overlays {sorted(unknown)}; choose from {OVERLAY_KEYS}")
        new = {k: bool(flags.get(k, self._overlay_flags[k])) for k in OVERLAY_KEYS}
        if new == self._overlay_flags:
            return
        self._overlay_flags = new
        self.overlays.set_visible(**new)
        self.level_tags.set_visible(new["levels"])
        self._after_overlay_change()

    def overlays_enabled(self) -> dict[str, bool]:
        return dict(self._overlay_flags)

    def set_theme(self, theme: str) -> None:
        """"light" or "dark"."""
        self._theme = theme
        self.style_ = THEMES[theme]
        self.cursor.style = self.style_
        self._rebuild_keep_view()

    def theme(self) -> str:
        return self._theme

    def retranslate(self) -> None:
        """Rewrite every word the chart shows (read-outs, legend, level tags, the volume axis'
        万/亿 or K/M/B) in the current language; the view and the crosshair stay."""
        self.level_tags.retranslate()
        self._update_legend()
        for plot in self._plots():
            for name in ("right", "bottom"):
                ax = plot.getAxis(name)
                ax.picture = None   # tick labels are re-made in the new language
                ax.update()
        self.cursor.refresh_text()
        self._refit()

    def title_strips(self) -> dict[str, TitleStrip]:
        """Each pane's title strip: "price", "volume" and the indicator panes by name."""
        return dict(self._strips)

    def legend_texts(self) -> list[str]:
        """The legend entries shown."""
        return self.legend.shown_texts()

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
        self._strips: dict[str, TitleStrip] = {}
        ci.setSpacing(0)
        ci.setContentsMargins(2, 2, 2, 2)
        self.price_plot = self._new_plot(0, 6, "price")
        self.volume_plot = self._new_plot(1, 2, "volume")
        self.candles = CandleItem(st)
        self.price_plot.addItem(self.candles)
        self.overlays = Overlays(self.price_plot, st)
        self.overlays.set_visible(**self._overlay_flags)
        self.volume = VolumeItem(st)
        self.volume_plot.addItem(self.volume)
        self._pane_objs: dict[str, IndicatorPane] = {}
        for row, name in enumerate(self._panes, start=2):
            plot = self._new_plot(row, 2, name)
            self._pane_objs[name] = IndicatorPane(name, plot, st)
        self._build_formula_layers(2 + len(self._panes))
        self._build_compare_layer()
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
        self.legend = Legend(vb, st.foreground, st.strip)
        self.level_tags = LevelTags(self.price_plot.getAxis("right"), vb, st)
        self.level_tags.visible = self._overlay_flags["levels"]
        self.cursor.attach(self._cursor_panes(), 0)

    def _new_plot(self, row: int, stretch: int, key: str) -> pg.PlotItem:
        axis = TradingDateAxis(self._dates, orientation="bottom")
        plot = pg.PlotItem(axisItems={"bottom": axis, "right": ValueAxis("right")})
        plot.setMenuEnabled(False)
        plot.hideButtons()
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
        strip = TitleStrip(self.style_.strip, self.style_.foreground, self.style_.grid)
        install(plot, strip)
        self._strips[key] = strip
        self._view.ci.addItem(plot, row=row, col=0)
        self._view.ci.layout.setRowStretchFactor(row, stretch)
        return plot

    def _plots(self) -> list[pg.PlotItem]:
        return [self.price_plot, self.volume_plot, *(p.plot for p in self._pane_objs.values())]

    def _cursor_panes(self):
        panes = [(self.price_plot, self._price_readout, self._strips["price"]),
                 (self.volume_plot, self._volume_readout, self._strips["volume"])]
        panes += [(p.plot, p.readout, self._strips[name]) for name, p in self._pane_objs.items()]
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
        self._apply_formulas(d)
        self._apply_compare(d)
        if d is None:
            self.overlays.clear()
            self.overlays.set_indicator_data(None)
            self.level_tags.clear()
        else:
            self.overlays.set_data(d, self._markers, self._levels)
            self.overlays.set_indicator_data(d if ready else None)
            self._sync_level_tags()
            vb = self.price_plot.getViewBox()
            vb.setLimits(xMin=-2.0, xMax=d.n + 1.0, minXRange=min(MIN_VISIBLE, d.n),
                         maxXRange=d.n + 3.0)
            if not ready:
                QtCore.QTimer.singleShot(0, self._finish_indicators)
        self._watermark.setVisible(self._is_demo and d is not None)
        self._place_watermark()
        self._update_legend()
        self.cursor.attach(self._cursor_panes(), 0 if d is None else d.n)

    def _sync_level_tags(self) -> None:
        d = self._data
        ref = float(d.close[-1]) if d is not None and d.n else None
        self.level_tags.set_levels(self.overlays.levels, ref)

    def _after_overlay_change(self) -> None:
        """Legend, read-out and y fit follow what is switched on."""
        self._update_legend()
        self.cursor.refresh_text()
        self._refit()

    def _update_legend(self) -> None:
        st, flags = self.style_, self._overlay_flags
        entries: list[Entry] = []
        if self._data is not None:
            if flags["ma"]:
                entries.append(Entry("line", tuple(st.ma), "MA5/10/20/60"))
            if flags["boll"]:
                entries.append(Entry("line", (st.boll[1], st.boll[0], st.boll[2]), "BOLL(20,2)"))
            if flags["levels"]:
                kinds = {k for _p, k, _n in self.overlays.levels}
                for kind, color in (("resistance", st.resistance), ("support", st.support)):
                    if kind in kinds:
                        entries.append(Entry("dash", (color,), level_name(kind)))
            entries += self._formula_legend() + self._compare_legend()
            if flags["markers"]:   # last: there may be many, and the legend drops what does not fit
                for label, color in zip(self.overlays.marker_labels, self.overlays.marker_colors()):
                    entries.append(Entry("triangle", (color,), label))
        self.legend.set_entries(entries)
        self.legend.set_max_width(self.price_plot.getViewBox().width())

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
        self.legend.set_max_width(self.price_plot.getViewBox().width())
        self._refit()

    def _refit(self) -> None:
        """Fit every pane's y range to the bars in view (numpy over the visible slice)."""
        if self._data is None or self._fitting:
            return
        self._fitting = True
        try:
            i0, i1 = self.visible_range()
            r = self._price_range(i0, i1)
            if r:
                self.price_plot.setYRange(*r, padding=0)
                h = self.price_plot.getViewBox().height()
                if h > 0:
                    self.overlays.place_markers((r[1] - r[0]) / h)
                self.level_tags.place_all()
            v = self.volume.y_range(i0, i1)
            if v:
                self.volume_plot.setYRange(0.0, (v[1] or 1.0) * 1.08, padding=0)
            for p in self._pane_objs.values():
                r = with_margin(p.y_range(i0, i1), 0.08)
                if r:
                    p.plot.setYRange(*r, padding=0)
        finally:
            self._fitting = False

    def _price_range(self, i0: int, i1: int) -> tuple[float, float] | None:
        """The candles and the MA/BOLL lines that are on, each with the plain margin; the
        candles also keep the legend's pixels free above them and the markers' below them."""
        r = self.candles.y_range(i0, i1)
        if r is None:
            return None
        d = self._data
        h = self.price_plot.getViewBox().height()
        base = Y_MARGIN / (1.0 + 2.0 * Y_MARGIN)   # the fraction the plain margin takes

        def frac(px: float) -> float:
            return min(MAX_RESERVED, max(base, px / h)) if h > 0 else base

        rows = self.overlays.marker_rows()
        bottom_px = MARKER_GAP_PX + MARKER_STEP_PX * (rows - 1) + MARKER_HALF_PX + 2 if rows else 0.0
        top_px = self.legend.height() + 2 if self.legend.height() else 0.0
        tops, bottoms = [(r[1], frac(top_px))], [(r[0], frac(bottom_px))]
        keys = [*(MA_KEYS if self._overlay_flags["ma"] else ()),
                *(BOLL_KEYS if self._overlay_flags["boll"] else ())]
        if keys and self.overlays.has_indicator_data(d):
            s = d.series_range(keys, i0, i1)
            if s is not None:
                tops.append((s[1], base))
                bottoms.append((s[0], base))
        for lo, hi in self._formula_price_range(i0, i1) + self._compare_price_range(i0, i1):
            tops.append((hi, base))
            bottoms.append((lo, base))
        return fit_range(tops, bottoms)

    def _place_watermark(self) -> None:
        vb = self.price_plot.getViewBox()
        br = self._watermark.boundingRect()
        self._watermark.setPos((vb.width() - br.width()) / 2, (vb.height() - br.height()) / 2)

    def eventFilter(self, obj: QtCore.QObject, ev: QtCore.QEvent) -> bool:  # noqa: N802 (Qt override)
        t = ev.type()
        if t == QtCore.QEvent.Type.MouseMove and self._data is not None:
            self.cursor.on_mouse_moved(self._view.mapToScene(ev.position().toPoint()))
        elif t == QtCore.QEvent.Type.ContextMenu:
            self.context_menu_requested.emit(ev.globalPos())
            return True
        return False
