"""The stock view: one stock's chart and its analysis side by side.

``open_symbol`` shows the chart's placeholder at once and asks the window's background runner
(``context.runner``, newest request wins) to run ``core.analysis.load_stock``: the bars (store
first; fetched bars land in the store) and the report. When they arrive the chart gets the bars,
strategy markers and the nearest support/resistance levels, and the panel gets the report; a
result for a stock the user has since left is dropped. Exports (chart PNG, report Markdown/HTML)
are rendered on the GUI thread (a grab, a string) and written to disk by the same runner;
``exported(path, error)`` reports the outcome.

The Panes menu (indicator panes, MA/BOLL overlays) belongs to the view, and so does its
persistence: the choice is read from ``QSettings()`` ("chart/panes", "chart/overlays") when a view
is built and written on every change; the chart itself stores nothing.

Markers: the strategies given to ``open_symbol(…, strategies=[…])`` (e.g. the scan's presets),
otherwise the ones that fired in the report's recent window; every date each of them fired is
marked. (Marking all fourteen presets would stack fourteen rows of triangles under every bar.)
"""
from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QSplitter,
                               QToolButton, QVBoxLayout, QWidget)

from desktop_app.core.analysis import LoadedStock, load_stock
from desktop_app.core.symbols import SymbolError, parse_symbol
from desktop_app.ui import theme
from desktop_app.ui.analysis_panel import AnalysisPanel
from desktop_app.ui.chart.chart_widget import ChartWidget
from desktop_app.ui.i18n import is_zh, tr

log = logging.getLogger(__name__)

PANE_CHOICES = (("macd", "MACD"), ("kdj", "KDJ"), ("rsi", "RSI"))
OVERLAY_CHOICES = (("ma", "MA5/10/20/60"), ("boll", "BOLL"))
PANES_KEY = "chart/panes"         # QSettings: comma-separated pane names ("" = none)
OVERLAYS_KEY = "chart/overlays"   # QSettings: comma-separated overlays that are on ("none" = none)
REPORT_FORMATS = {"md": ("Markdown (*.md)", ".md"), "html": ("HTML (*.html)", ".html")}


def chart_markers(report: Any, strategies: list[str] | None = None) -> dict[str, list]:
    """``{display name: [dates]}`` for the chart (see the module docstring for which strategies)."""
    from desktop_app.core.strategies import STRATEGIES

    dates = getattr(report, "signal_dates", None) or {}
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


def chart_levels(report: Any) -> list[tuple[float, str]]:
    """The report's supports and resistances as the chart's dashed lines."""
    out = [(float(lv["price"]), "support") for lv in getattr(report, "supports", None) or []]
    out += [(float(lv["price"]), "resistance") for lv in getattr(report, "resistances", None) or []]
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
        on = set(map(str, raw)) if isinstance(raw, list) else set(str(raw).split(","))
        overlays = {k: k in on for k, _t in OVERLAY_CHOICES}
    return panes, overlays


def save_chart_state(panes: list[str], overlays: dict[str, bool]) -> None:
    s = QSettings()
    s.setValue(PANES_KEY, ",".join(panes))
    s.setValue(OVERLAYS_KEY, ",".join(k for k, on in overlays.items() if on) or "none")


def render_report(report: Any, fmt: str, lang: str) -> str:
    """The report as Markdown or HTML text (pure; core.report_format)."""
    from desktop_app.core import report_format

    if fmt == "md":
        return report_format.to_markdown(report, lang)
    if fmt == "html":
        return report_format.to_html(report, lang)
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
            sig.connect(self._on_source_changed)
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
        self.png_button = QPushButton()
        self.png_button.setObjectName("exportPng")
        self.png_button.clicked.connect(self.export_chart_dialog)
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.panes_button)
        bar.addWidget(self.png_button)
        lay.addLayout(bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("stockSplitter")
        self.chart = ChartWidget(theme="dark" if theme.is_dark() else "light")
        # pyqtgraph's layout asks for ~575 px; left at that, it squeezes the scan and results docks
        self.chart.setMinimumWidth(320)
        self.panel = AnalysisPanel()
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([620, 400])
        lay.addWidget(self.splitter, 1)
        self.pane_actions = self._checkable_actions(PANE_CHOICES, self._on_pane_toggled)
        self.panes_menu.addSeparator()
        self.overlay_actions = self._checkable_actions(OVERLAY_CHOICES, self._on_overlay_toggled)
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

    def retranslate(self) -> None:
        self.panes_button.setText(tr("Panes"))
        self.png_button.setText(tr("Export chart PNG…"))
        self.panel.retranslate()
        self._update_title()
        if not self._symbol:  # the empty chart says how to fill it
            self.chart.show_placeholder(
                tr("Open a stock: double-click a result or a watchlist entry, or press Ctrl+K."))
        # the chart is not rebuilt (that would reset the user's zoom): marker names follow the
        # language from the next stock opened

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
        """Open ``symbol`` (any accepted code form). False (and a readable message) for a bad code."""
        try:
            code = parse_symbol(str(symbol)).code
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
        self.runner.run(partial(load_stock, self._symbol, src, getattr(self.ctx, "store", None),
                                self._universe_cache),
                        self._on_loaded, self._on_load_error, key=self._load_key)

    @Slot()
    def _on_source_changed(self) -> None:
        self.reload()

    def _on_loaded(self, loaded: LoadedStock) -> None:
        symbol, bars, report = loaded.symbol, loaded.bars, loaded.report
        if symbol != self._symbol:  # another stock was opened meanwhile (waiting for a source)
            return
        self._bars, self._report = bars, report
        if report is not None:
            self.panel.set_report(report, is_demo=self._is_demo())
        else:
            self.panel.clear()
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
        name = str(getattr(report, "name", "") or "") if report is not None else ""
        self.chart.set_bars(bars, symbol=self._symbol, name=name, is_demo=self._is_demo(),
                            markers=chart_markers(report, self._strategies) if report is not None else None,
                            levels=chart_levels(report) if report is not None else None)

    def _update_title(self) -> None:
        if not self._symbol:
            self.title_label.setText(tr("Chart/Analysis — double-click a result or a watchlist stock"))
            return
        name = getattr(self._report, "name", "") if self._report is not None else ""
        self.title_label.setText(f"<b>{name}</b> {self._symbol}" if name else self._symbol)

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
        name = getattr(self._report, "name", "") if self._report is not None else ""
        return str(Path.home() / f"{self._symbol}{('-' + name) if name else ''}{ext}")

    @Slot()
    def export_chart_dialog(self) -> None:
        if not self.chart.has_data():
            self.panel.show_message(tr("Open a stock first."), error=True)
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Export chart"), self._default_name(".png"),
                                              "PNG (*.png)")
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.export_chart_png(path)

    @Slot(str)
    def export_report_dialog(self, fmt: str) -> None:
        if self._report is None:
            self.panel.show_message(tr("Open a stock first."), error=True)
            return
        filt, ext = REPORT_FORMATS[fmt]
        path, _ = QFileDialog.getSaveFileName(self, tr("Export report"), self._default_name(ext), filt)
        if path:
            if not path.lower().endswith(ext):
                path += ext
            self.export_report(path, fmt)

    def export_chart_png(self, path: str | Path) -> bool:
        """Grab the chart (GUI thread) and write the PNG in a thread; False if nothing to grab."""
        if not self.chart.has_data():
            return False
        image: QImage = self.chart.grab().toImage()
        self.runner.run(partial(_write_file, str(path), partial(_save_image, image)), self._on_written)
        return True

    def export_report(self, path: str | Path, fmt: str) -> bool:
        """Write the open stock's report as ``fmt`` ("md" | "html") in the UI language."""
        if self._report is None:
            return False
        text = render_report(self._report, fmt, "zh" if is_zh() else "en")
        self.runner.run(partial(_write_file, str(path), partial(_write_text, text)), self._on_written)
        return True

    def _on_written(self, outcome: tuple[str, str]) -> None:
        path, error = outcome
        if error:
            self.panel.show_message(tr("Could not export to {path}: {error}").format(path=path, error=error),
                                    error=True)
        else:
            self.panel.show_message(tr("Exported to {path}").format(path=path))
        self.exported.emit(path, error)


def _write_text(text: str, path: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def _save_image(image: QImage, path: str) -> None:
    """QImage (unlike QPixmap) may be saved off the GUI thread."""
    if not image.save(path, "PNG"):
        raise OSError(f"could not write {path}")
