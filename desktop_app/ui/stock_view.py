"""The stock view: one stock's chart and its analysis side by side.

``open_symbol`` shows the placeholder and asks the window's runner (newest wins) for
``core.index_data.load_for_view``: a stock's bars (store first) and report, or an index's bars and
breadth (``ui/index_breadth`` replaces the panel). The chart gets them as the chosen 复权 series
(``ui/chart_adjust``) for its period (``ui/chart_period``: 日K/周K/月K, F8), with markers and
levels; a stale result is dropped.

Exports: the PNG is the whole view (title, chart, the analysis unless off) drawn offscreen at the
menu's size (remembered), no crosshair; the HTML report embeds the chart as a ``data:`` URI.
Pictures are drawn on the GUI thread; encoding, text and writes run on the runner
(``exported(path, error)``). Qt's own file dialogs (the UI language), in the folder of the last
export (``ui/file_dialogs.open_save_dialog``).

The Panes menu (indicator panes; MA, BOLL, levels and marker overlays; formula indicators,
``ui/stock_formulas``; relative strength, ``ui/relative_strength``) and its persistence are the
view's ("chart/panes", "chart/overlays"; the chart stores nothing); a right click opens it too,
``chart_menu()`` hands it to the window. ``retranslate()`` rewrites the chart's words as well.

Markers: the strategies given to ``open_symbol(…, strategies=[…])`` (the scan's presets), else those
that fired in the report's recent window, at every date they fired (not all fourteen presets).
"""
from __future__ import annotations

import logging
import re
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QImage
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMenu, QSplitter, QToolButton,
                               QVBoxLayout, QWidget)

from desktop_app.core.index_data import load_for_view
from desktop_app.core.symbols import SymbolError, parse_index, parse_symbol
from desktop_app.ui import theme
from desktop_app.ui.analysis_panel import AnalysisPanel
from desktop_app.ui.chart.chart_widget import ChartWidget
from desktop_app.ui.chart.offscreen import render_offscreen
from desktop_app.ui.chart_adjust import ChartAdjust
from desktop_app.ui.chart_period import ChartPeriods
from desktop_app.ui.file_dialogs import FileType, open_save_dialog
from desktop_app.ui.i18n import is_zh, reason_text, tr
from desktop_app.ui.index_breadth import BreadthPanel, display_code, is_index, title_html
from desktop_app.ui.relative_strength import RelativeStrength
from desktop_app.ui.stock_formulas import FormulaIndicators

log = logging.getLogger(__name__)

PANE_CHOICES = (("macd", "MACD"), ("kdj", "KDJ"), ("rsi", "RSI"))
OVERLAY_KEYS = ("ma", "boll", "levels", "markers")
PANES_KEY = "chart/panes"         # QSettings: comma-separated pane names ("" = none)
OVERLAYS_KEY = "chart/overlays"   # QSettings: "ma=1,boll=0,levels=1,markers=1" (older: the "on" names)
EXPORT_DIALOG = "stock_export"   # file_dialogs' memory: PNG and reports share their last folder
PNG_SIZE_KEY = "export/png_size"  # QSettings: "1600x900" or "view"
PNG_PANEL_KEY = "export/png_analysis"  # QSettings: the PNG includes the analysis panel
PNG_SIZES = ((1280, 720), (1600, 900), (1920, 1080), (2560, 1440))
DEFAULT_PNG_SIZE = (1600, 900)
HTML_CHART_SIZE = (1200, 720)     # the chart picture embedded in the HTML report
REPORT_FORMATS = {"md": FileType("Markdown", ".md"), "html": FileType("HTML", ".html")}


def chart_markers(report: Any, strategies: list[str] | None = None, dates: dict | None = None) -> dict[str, list]:
    """``{display name: [dates]}`` for the chart (see the module docstring for which strategies);
    ``dates`` replaces the report's daily signal dates (a weekly chart's, ``ui/chart_period``)."""
    from desktop_app.core.strategies import STRATEGIES

    dates = (getattr(report, "signal_dates", None) or {}) if dates is None else dates
    if strategies is None:
        strategies = []
        for s in getattr(report, "recent_signals", None) or []:
            if s.get("id") not in strategies:
                strategies.append(s.get("id"))
    out: dict[str, list] = {}
    for sid in strategies:
        ds = dates.get(sid) or []
        if not ds:
            continue
        s = STRATEGIES.get(sid)
        name = (s.name_zh if is_zh() else s.name_en) if s is not None else str(sid)
        out[name] = list(ds)
    return out


def chart_levels(report: Any) -> list[tuple[float, str, str]]:
    """The report's supports and resistances as the chart's dashed lines: ``(price, kind, where
    the level comes from)``, the last in the UI language (the price tag's tooltip)."""
    out = []
    for key, kind in (("supports", "support"), ("resistances", "resistance")):
        for lv in getattr(report, key, None) or []:
            src = lv.get("source")
            out.append((float(lv["price"]), kind, reason_text(src) if src is not None else ""))
    return out


def load_chart_state() -> tuple[list[str] | None, dict[str, bool] | None]:
    """The remembered ``(panes, overlays)``; None for what was never saved (the chart's default)."""
    s = QSettings()
    raw = s.value(PANES_KEY, None)
    panes = None
    if raw is not None:
        items = raw if isinstance(raw, list) else str(raw).split(",")
        names = {k for k, _t in PANE_CHOICES}
        panes = [p for p in (str(x).strip().lower() for x in items) if p in names]
    raw = s.value(OVERLAYS_KEY, None)
    overlays = None
    if raw:
        items = [str(x).strip() for x in (raw if isinstance(raw, list) else str(raw).split(","))]
        if any("=" in x for x in items):
            pairs = dict(x.split("=", 1) for x in items if "=" in x)
            overlays = {k: pairs[k].strip() not in ("0", "false", "") for k in OVERLAY_KEYS if k in pairs}
        else:  # written before the levels/markers toggles: it names the MA/BOLL overlays that are on
            overlays = {k: k in items for k in ("ma", "boll")}
    return panes, overlays


def save_chart_state(panes: list[str], overlays: dict[str, bool]) -> None:
    s = QSettings()
    s.setValue(PANES_KEY, ",".join(panes))
    s.setValue(OVERLAYS_KEY, ",".join(f"{k}={int(bool(overlays.get(k)))}" for k in OVERLAY_KEYS))


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG (QImage may be encoded off the GUI thread)."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buf, "PNG")
    buf.close()
    if not ok:
        raise OSError("could not encode the chart picture")
    return bytes(data.data())


def render_report(report: Any, fmt: str, lang: str, chart: QImage | None = None) -> str:
    """The report as Markdown or HTML text (core.report_format); the HTML embeds ``chart``."""
    from desktop_app.core import report_format

    if fmt == "md":
        return report_format.to_markdown(report, lang)
    if fmt == "html":
        png = png_bytes(chart) if chart is not None and not chart.isNull() else None
        return report_format.to_html(report, lang, chart_png=png)
    raise ValueError(f"unknown report format {fmt!r}; use md or html")


def _write_file(path: str, write) -> tuple[str, str]:
    """Runs on the background runner: ``(path, error)``, error "" on success."""
    try:
        write(path)
    except Exception as e:  # a full disk or a read-only folder: say so, keep running
        return path, str(e) or type(e).__name__
    return path, ""


class StockView(QWidget):
    """Chart | analysis, for one stock at a time. ``context`` has ``source``, ``store`` and
    ``runner`` (an ``AppContext``; its ``source_changed`` signal, when present, reloads the open
    stock)."""

    stock_loaded = Signal(str)              # symbol: chart and report are shown
    load_failed = Signal(str, str)          # symbol, readable message
    exported = Signal(str, str)             # path, error ("" on success)
    add_to_watchlist = Signal(str)          # forwarded from the panel
    scan_universe_requested = Signal(str)   # forwarded from the panel

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stockView")
        self.ctx = context
        self.runner = context.runner
        self._load_key = f"stock-view-{id(self)}"   # newest load wins
        self._universe_cache: dict = {}
        self._symbol = ""
        self._requested = ""                         # the stock of the load in flight
        self._strategies: list[str] | None = None
        self._bars: Any = None
        self._report: Any = None
        self._build()
        self.panel.add_to_watchlist.connect(self.add_to_watchlist)
        self.panel.scan_universe_requested.connect(self.scan_universe_requested)
        self.panel.export_requested.connect(self.export_report_dialog)
        sig = getattr(context, "source_changed", None)
        if sig is not None:
            sig.connect(self.reload)
        self.retranslate()

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        self.title_label = QLabel()
        self.title_label.setObjectName("stockTitle")
        self.panes_button = QToolButton()
        self.panes_button.setObjectName("chartPanes")
        self.panes_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.panes_menu = QMenu(self.panes_button)
        self.panes_button.setMenu(self.panes_menu)
        self.png_button = QToolButton()
        self.png_button.setObjectName("exportPng")
        self.png_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.png_button.clicked.connect(self.export_chart_dialog)
        self.png_menu = QMenu(self.png_button)
        self.png_button.setMenu(self.png_menu)
        self._build_png_menu()
        self.periods = ChartPeriods(self)     # 日K/周K/月K and F8 (remembered); feeds the chart
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.periods.widget)
        bar.addWidget(self.panes_button)
        bar.addWidget(self.png_button)
        lay.addLayout(bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("stockSplitter")
        self.chart = ChartWidget(theme="dark" if theme.is_dark() else "light")
        # pyqtgraph's layout asks for ~575 px; left at that, it squeezes the scan and results docks
        self.chart.setMinimumWidth(320)
        self.chart.context_menu_requested.connect(self._on_chart_context_menu)
        self.panel, self.breadth = AnalysisPanel(), BreadthPanel()   # the breadth for an index
        self.splitter.addWidget(self.periods.stack_with(self.chart))   # the chart | 分时 (F9)
        self.splitter.addWidget(self.breadth.stack_with(self.panel))   # analysis | an index's breadth
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([620, 400])
        lay.addWidget(self.splitter, 1)
        self.pane_actions = self._checkable_actions(PANE_CHOICES, self._on_pane_toggled)
        self.panes_menu.addSeparator()
        self.overlay_actions = self._checkable_actions([(k, k) for k in OVERLAY_KEYS],
                                                       self._on_overlay_toggled)
        self.formulas = FormulaIndicators(self)   # "Add formula indicator…", remembered, evaluated
        self.relative = RelativeStrength(self)    # an index over the candles, remembered
        self.adjust = ChartAdjust(self)           # 前复权/后复权/不复权 in the menu, remembered
        panes, overlays = load_chart_state()
        if panes is not None:
            self.chart.set_panes(panes)
        if overlays is not None:
            self.chart.set_overlays(overlays)
        self._sync_pane_actions()

    def _sync_pane_actions(self) -> None:
        panes = set(self.chart.panes())
        for key, a in self.pane_actions.items():
            a.blockSignals(True)
            a.setChecked(key in panes)
            a.blockSignals(False)
        flags = self.chart.overlays_enabled()
        for key, a in self.overlay_actions.items():
            a.blockSignals(True)
            a.setChecked(bool(flags.get(key)))
            a.blockSignals(False)

    def _checkable_actions(self, choices, on_toggled) -> dict[str, QAction]:
        """Checkable entries of the Panes menu, keyed by choice (the key is also the action's data)."""
        out: dict[str, QAction] = {}
        for key, text in choices:
            a = QAction(text, self.panes_menu)
            a.setCheckable(True)
            a.setData(key)
            a.toggled.connect(on_toggled)
            self.panes_menu.addAction(a)
            out[key] = a
        return out

    def _build_png_menu(self) -> None:
        """Sizes of the PNG export (one is on; remembered) and whether it shows the analysis."""
        s = QSettings()
        saved = str(s.value(PNG_SIZE_KEY, "") or "")
        group = QActionGroup(self.png_menu)
        group.setExclusive(True)
        self.png_size_actions: dict[str, QAction] = {}
        for key in [f"{w}x{h}" for w, h in PNG_SIZES] + ["view"]:
            a = QAction(key.replace("x", "×"), self.png_menu)
            a.setCheckable(True)
            a.setData(key)
            group.addAction(a)
            self.png_menu.addAction(a)
            self.png_size_actions[key] = a
        default = "{}x{}".format(*DEFAULT_PNG_SIZE)
        self.png_size_actions.get(saved, self.png_size_actions[default]).setChecked(True)
        self.png_menu.addSeparator()
        self.png_panel_action = QAction(self.png_menu)
        self.png_panel_action.setCheckable(True)
        self.png_panel_action.setChecked(str(s.value(PNG_PANEL_KEY, "true")).lower() in ("true", "1"))
        self.png_menu.addAction(self.png_panel_action)
        for a in (*self.png_size_actions.values(), self.png_panel_action):
            a.toggled.connect(self._on_png_option)

    @Slot(bool)
    def _on_png_option(self, _on: bool) -> None:
        s = QSettings()
        key = next((k for k, a in self.png_size_actions.items() if a.isChecked()), None)
        if key:
            s.setValue(PNG_SIZE_KEY, key)
        s.setValue(PNG_PANEL_KEY, "true" if self.png_panel_action.isChecked() else "false")

    def png_export_size(self) -> tuple[int, int]:
        """The size chosen in the PNG button's menu ("as shown" = the view's size now)."""
        key = next((k for k, a in self.png_size_actions.items() if a.isChecked()), "view")
        if key == "view":
            return max(1, self.width()), max(1, self.height())
        w, h = key.split("x")
        return int(w), int(h)

    def chart_menu(self) -> QMenu:
        """The Panes menu (panes and overlays), for a window that shows it in its own menus."""
        return self.panes_menu

    @Slot(QPoint)
    def _on_chart_context_menu(self, pos: QPoint) -> None:
        self.panes_menu.popup(pos)

    def retranslate(self) -> None:
        self.panes_button.setText(tr("Panes"))
        self.png_button.setText(tr("Export chart PNG…"))
        self.png_button.setToolTip(tr("Export the stock view as a PNG picture (size in the menu)"))
        self.png_size_actions["view"].setText(tr("As shown"))
        self.png_panel_action.setText(tr("Include the analysis"))
        self.overlay_actions["ma"].setText("MA5/10/20/60")
        self.overlay_actions["boll"].setText("BOLL(20,2)")
        self.overlay_actions["levels"].setText(tr("Support/resistance lines"))
        self.overlay_actions["markers"].setText(tr("Strategy markers"))
        for part in (self.formulas, self.panel, self.periods, self.relative, self.breadth, self.adjust):
            part.retranslate()
        self._update_title()
        if not self._symbol:  # the empty chart says how to fill it
            self.chart.show_placeholder(
                tr("Open a stock: double-click a result or a watchlist entry, or press Ctrl+K."))
        # the chart keeps its zoom and crosshair; its words, marker names and level notes follow
        if self._report is not None and self.chart.has_data():
            self.chart.set_markers(chart_markers(self._report, self._strategies))
            self.chart.set_levels(chart_levels(self._report))
        self.chart.retranslate()

    # -- public API ---------------------------------------------------------------------------
    def current_symbol(self) -> str:
        return self._symbol

    def current_report(self) -> Any:
        return self._report

    def current_bars(self) -> Any:
        return self._bars

    def is_loading(self) -> bool:
        return self.runner.is_busy(self._load_key)

    @Slot(str)
    def open_symbol(self, symbol: str, strategies: list[str] | None = None) -> bool:
        """Open ``symbol`` (any accepted code form; an index as ``index:000300``). False (and a
        readable message) for a bad code."""
        try:
            code = "index:" + parse_index(symbol) if is_index(symbol) else parse_symbol(str(symbol)).code
        except SymbolError as e:
            msg = tr("Not a stock code: {error}").format(error=e)
            self.chart.show_placeholder(msg)
            self.panel.show_message(msg, error=True)
            self.load_failed.emit(str(symbol), msg)
            return False
        self._symbol = code
        self._strategies = list(strategies) if strategies is not None else None
        self._bars = self._report = None
        self.panel.clear()
        self.breadth.follow(code, self.panel)
        self._update_title()
        self._request()
        return True

    def reload(self) -> None:
        if self._symbol:
            self._request()

    def set_marker_strategies(self, strategies: list[str] | None) -> None:
        self._strategies = list(strategies) if strategies is not None else None
        if self._report is not None and self._bars is not None:
            self._show_chart(self._bars, self._report)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the runner's jobs (loads, exports) have finished and posted (tests)."""
        return self.runner.wait(timeout)

    # -- loading ------------------------------------------------------------------------------
    def _request(self) -> None:
        src = getattr(self.ctx, "source", None)
        if src is None:
            self.chart.show_placeholder(tr("Waiting for the data source… {symbol} opens when it is ready.")
                                        .format(symbol=self._symbol))
            self.panel.show_message(tr("Waiting for the data source…"))
            return
        self.chart.show_placeholder(tr("Loading {symbol}…").format(symbol=self._symbol))
        self.panel.show_message(tr("Loading {symbol}…").format(symbol=self._symbol))
        self._requested = self._symbol
        self.runner.run(partial(load_for_view, self._symbol, src, getattr(self.ctx, "store", None),
                                self._universe_cache),
                        self._on_loaded, self._on_load_error, key=self._load_key)

    def _on_loaded(self, loaded: Any) -> None:
        symbol, bars, report = loaded.symbol, loaded.bars, loaded.report
        if symbol != self._symbol:  # another stock was opened meanwhile (waiting for a source)
            return
        self._bars, self._report = bars, report
        if report is not None:
            self.panel.set_report(report, is_demo=self._is_demo())
        else:
            self.breadth.show_loaded(loaded) if is_index(symbol) else self.panel.clear()
        self._show_chart(bars, report)
        self._update_title()
        self.stock_loaded.emit(symbol)
        if loaded.report_error:
            self.panel.show_message(tr("No analysis for {symbol}: {error}").format(
                symbol=symbol, error=loaded.report_error), error=True)

    def _on_load_error(self, exc: BaseException) -> None:
        symbol = self._requested  # newest wins: an error delivered here is the newest load's
        if symbol != self._symbol:
            return
        message = getattr(exc, "user_message", None) or str(exc).strip() or type(exc).__name__
        log.info("loading %s failed: %s", symbol, message)
        text = tr("Could not load {symbol}: {error}").format(symbol=symbol, error=message)
        self.chart.show_placeholder(text)
        self.panel.clear()
        self.panel.show_message(text, error=True)
        self.load_failed.emit(symbol, message)

    def _is_demo(self) -> bool:
        return bool(getattr(getattr(self.ctx, "source", None), "is_demo", False))

    def _show_chart(self, bars: Any, report: Any) -> None:
        self.adjust.show(bars, report, self._strategies)   # the 复权 series, then the period's bars

    def _update_title(self) -> None:
        if not self._symbol:
            self.title_label.setText(tr("Chart/Analysis — double-click a result or a watchlist stock"))
            return
        name = getattr(self._report, "name", "") if self._report is not None else ""
        self.title_label.setText(title_html(self._symbol, name))

    # -- panes --------------------------------------------------------------------------------
    @Slot(bool)
    def _on_pane_toggled(self, _on: bool) -> None:
        panes = [k for k, _t in PANE_CHOICES if self.pane_actions[k].isChecked()]
        self.chart.set_panes(panes)
        save_chart_state(self.chart.panes(), self.chart.overlays_enabled())

    @Slot(bool)
    def _on_overlay_toggled(self, _on: bool) -> None:
        self.chart.set_overlays({k: a.isChecked() for k, a in self.overlay_actions.items()})
        save_chart_state(self.chart.panes(), self.chart.overlays_enabled())

    # -- export -------------------------------------------------------------------------------
    def _default_name(self, ext: str) -> str:
        """``600519-贵州茅台.png``; characters no file system accepts (the * of *ST) become _."""
        name = getattr(self._report, "name", "") if self._report is not None else ""
        name = re.sub(r'[\\/:*?"<>|\s]+', "_", str(name)).strip("_")
        return f"{display_code(self._symbol)}{('-' + name) if name else ''}{ext}"

    @Slot()
    def export_chart_dialog(self) -> QFileDialog | None:
        """Ask where to save the PNG (the size is the menu's); returns the open dialog."""
        if not self.chart.has_data():
            self.panel.show_message(tr("Open a stock first."), error=True)
            return None
        size = self.png_export_size()
        include = self.png_panel_action.isChecked()
        return open_save_dialog(self, EXPORT_DIALOG, tr("Export chart"), self._default_name(".png"),
                                FileType("PNG", ".png"), lambda path: self.export_chart_png(path, size, include))

    @Slot(str)
    def export_report_dialog(self, fmt: str) -> QFileDialog | None:
        if self._report is None:
            self.panel.show_message(tr("Open a stock first."), error=True)
            return None
        file_type = REPORT_FORMATS[fmt]
        return open_save_dialog(self, EXPORT_DIALOG, tr("Export report"), self._default_name(file_type.suffix),
                                file_type, lambda path: self.export_report(path, fmt))

    def render_image(self, width: int, height: int, include_analysis: bool = True) -> QImage:
        """The stock view drawn at ``width`` × ``height``: its title, the chart (same panes,
        overlays and bars in view, no crosshair) and, with ``include_analysis``, the analysis
        beside it in the proportions of the view. Drawn offscreen: the view on screen keeps its
        size and crosshair."""
        canvas = QWidget()
        canvas.setObjectName("stockViewPicture")
        canvas.setAutoFillBackground(True)
        lay = QVBoxLayout(canvas)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        title = QLabel(self.title_label.text())
        title.setObjectName("stockTitle")
        title.setContentsMargins(4, 2, 4, 0)
        lay.addWidget(title)
        chart = self.periods.shown_clone()      # the chart, or the 分时 view when it is up
        if include_analysis and self._report is not None:
            split = QSplitter(Qt.Orientation.Horizontal)
            panel = AnalysisPanel()
            panel.set_report(self._report, is_demo=self._is_demo())
            split.addWidget(chart)
            split.addWidget(panel)
            sizes = self.splitter.sizes()
            share = sizes[0] / sum(sizes) if sum(sizes) else 0.65
            split.setSizes([int(width * share), width - int(width * share)])
            lay.addWidget(split, 1)
        else:
            lay.addWidget(chart, 1)
        try:
            return render_offscreen(canvas, width, height)
        finally:
            canvas.deleteLater()

    def export_chart_png(self, path: str | Path, size: tuple[int, int] | None = None,
                         include_analysis: bool = True) -> bool:
        """Draw the stock view at ``size`` (default: the menu's choice) on the GUI thread and
        write the PNG on the runner; False if no stock is shown."""
        if not self.chart.has_data():
            return False
        w, h = size or self.png_export_size()
        image = self.render_image(w, h, include_analysis)
        self.runner.run(partial(_write_file, str(path), partial(_save_image, image)), self._on_written)
        return True

    def export_report(self, path: str | Path, fmt: str) -> bool:
        """Write the open stock's report as ``fmt`` ("md" | "html") in the UI language; the HTML
        embeds a picture of the chart."""
        if self._report is None:
            return False
        chart = self.chart.render_image(*HTML_CHART_SIZE) if fmt == "html" and self.chart.has_data() else None
        job = partial(_write_report, self._report, fmt, "zh" if is_zh() else "en", chart)
        self.runner.run(partial(_write_file, str(path), job), self._on_written)
        return True

    def _on_written(self, outcome: tuple[str, str]) -> None:
        path, error = outcome
        if error:
            self.panel.show_message(tr("Could not export to {path}: {error}").format(path=path, error=error),
                                    error=True)
        else:
            self.panel.show_message(tr("Exported to {path}").format(path=path))
        self.exported.emit(path, error)


def _write_report(report: Any, fmt: str, lang: str, chart: QImage | None, path: str) -> None:
    """Runs on the background runner: the text (and the picture's encoding), then the file."""
    _write_text(render_report(report, fmt, lang, chart), path)


def _write_text(text: str, path: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def _save_image(image: QImage, path: str) -> None:
    """QImage (unlike QPixmap) may be saved off the GUI thread."""
    if not image.save(path, "PNG"):
        raise OSError(f"could not write {path}")
