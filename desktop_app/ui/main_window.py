"""The main window: menus, toolbar, status bar (source + DEMO badge, data freshness, running
tasks), docks Scan / Tasks / Results / Watchlist, and the central "stockArea" holding the stock
view (chart | analysis) and the quick-open dialog (Ctrl+K).

The window builds and wires every panel itself: a stock opened from the results, the watchlist,
quick open or the command line goes through ``open_symbol``; the analysis panel's "Add to
watchlist" through ``add_to_watchlist`` and "Scan its board" through the scan panel and
``start_scan``, so the panel's checks and filters apply as for any scan.

Layout, dock state, splitter sizes, column widths and the last scan settings are saved with
``QSettings()`` on close and restored on start; "Reset layout" returns to the built-in layout.

Start-up in two halves (``ui/desk_start.py``): the constructor builds the shell, which imports
neither pandas nor pyqtgraph; the stock view is built after the first frame. ``ensure_built()``
finishes that at once (tests; ``open_symbol``)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices, QGuiApplication, QIcon
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from desktop_app.core import paths
from desktop_app.core.desktop_entry import install_desktop
from desktop_app.ui import i18n, theme
from desktop_app.ui.actions import make_action
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.desk_build import DeskBuild
from desktop_app.ui.desk_layout import DeskLayout
from desktop_app.ui.desk_navigation import DeskNavigation
from desktop_app.ui.desk_start import DeskStart
from desktop_app.ui.i18n import model_lang, reason_text, tr
from desktop_app.ui.settings_dialog import SettingsDialog, load_settings, save_settings
from desktop_app.ui.status_bar import StatusBarWidgets

log = logging.getLogger(__name__)


class MainWindow(DeskStart, DeskBuild, DeskNavigation, DeskLayout, QMainWindow):
    open_symbol_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, restore: bool = True,
                 defer_desk: bool = False) -> None:
        """The shell (title, geometry, placeholder, status bar); the desk (``ui/desk_build.py``)
        at once, or, with ``defer_desk`` (the app's start), in the first turn after the first frame."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = load_settings()
        self.ctx = context
        self.tm = self.ctx.task_manager
        self._pending_open: str | None = None
        self._pending_scan: Any = None               # F5 before the source was up: run when it is
        self.current_symbol = ""
        self.last_scan_id = ""
        self._closed = False
        self._desk_built = False
        self._init_start(restore)
        icon = paths.resources_dir() / "icons" / "stockscan.svg"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self._build_central()
        self.switch_source_action = make_action(self, "actionSwitchSource", self.toggle_source)
        self._build_status_bar()
        self._init_navigation()
        self.resize(self._default_size())
        self.watch: Any = None               # groups, holdings, alerts, snapshot, tray: after the first frame
        if restore:
            self.restore_geometry()
        self._retranslate_shell()
        if defer_desk:
            self.startup.then(self._build_desk)
        else:
            self._build_desk()

    # -- construction -------------------------------------------------------------------------
    def _default_size(self) -> QSize:
        """1400×860, or the screen's free area when that is smaller (a 1280×720 laptop): the
        window never starts running past the screen's edges."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        want = QSize(1400, 860)
        if screen is None:
            return want
        free = screen.availableGeometry().size()
        return QSize(min(want.width(), free.width()), min(want.height(), free.height()))

    def _build_status_bar(self) -> None:
        self.status = StatusBarWidgets(self.statusBar(), self.switch_source_action)
        # the names tests and the stock view know
        self.demo_badge, self.source_label = self.status.demo_badge, self.status.source_label
        self.switch_source_button = self.status.switch_button
        self.freshness_label, self.running_label = self.status.freshness_label, self.status.running_label

    # -- translation --------------------------------------------------------------------------
    def _retranslate_shell(self) -> None:
        """The texts of the first frame: title, placeholder, switch action, status bar."""
        self.setWindowTitle("StockScan")
        if self.stock_view is None:
            self.stock_placeholder.setText(tr("Loading the chart…") if self._desk_built else tr("Opening the desk…"))
        self._update_source_label()

    def retranslate(self) -> None:
        self._retranslate_shell()
        if not self._desk_built:
            return
        self.scan_dock.setWindowTitle(tr("Scan"))
        self.tasks_dock.setWindowTitle(tr("Tasks"))
        self.results_dock.setWindowTitle(tr("Results"))
        self.watchlist_dock.setWindowTitle(tr("Watchlist"))
        self.file_menu.setTitle(tr("&File"))
        self.scan_menu.setTitle(tr("&Scan"))
        self.data_menu.setTitle(tr("&Data"))
        self.screen_menu.retranslate()
        self.view_menu.setTitle(tr("&View"))
        self.settings_menu.setTitle(tr("S&ettings"))
        self.help_menu.setTitle(tr("&Help"))
        self.toolbar.setWindowTitle(tr("Toolbar"))
        self.quick_open_action.setText(tr("Quick open…"))
        self.scan_action.setText(tr("Start scan"))
        self.cancel_action.setText(tr("Cancel task"))
        self.filter_action.setText(tr("Filter results"))
        self.export_action.setText(tr("Export results…"))
        self.quit_action.setText(tr("Quit"))
        self.update_action.setText(tr("Update data"))
        self.settings_action.setText(tr("Settings…"))
        self.reset_layout_action.setText(tr("Reset layout"))
        self.log_action.setText(tr("Open log folder"))
        self.about_action.setText(tr("About StockScan"))
        self.install_action.setText(tr("Add to application menu"))
        self.keys_action.setText(tr("Keyboard…"))
        self.add_current_action.setText(tr("Add the open stock to the watchlist"))
        self.scan_panel.retranslate()
        self.task_view.retranslate()
        self.results_view.retranslate()
        self.watchlist_view.retranslate()
        if self.stock_view is not None:
            self.stock_view.retranslate()
            self.quick_open_dialog.retranslate()
        self.tm.set_language(model_lang())     # task texts and every results model
        self._on_freshness(self.ctx.latest_date)
        self._update_running(self.tm.running_count())

    @Slot(str)
    def _on_language_changed(self, _lang: str) -> None:
        self.retranslate()

    def apply_language(self, choice: str) -> str:
        """Switch the UI language live: ``i18n.set_language`` announces the change and the window
        retranslates every panel once (``_on_language_changed``); no state is lost."""
        return i18n.set_language(choice)

    # -- status bar ---------------------------------------------------------------------------
    def _update_source_label(self) -> None:
        self.status.show_source(self.ctx)

    @Slot()
    def toggle_source(self) -> None:
        """Switch between the demo market and akshare (the switch itself runs off the GUI thread)."""
        if self.ctx.source is None or self.ctx.switching:
            return
        if self.ctx.is_demo and self.offline() and not self.confirm_live_while_offline():
            return
        self.apply_settings({"source": "akshare" if self.ctx.is_demo else "demo"})

    def offline(self) -> bool:
        """The start-up check found no data host (the demo market is a fallback, not a choice)."""
        note = self.ctx.source_note
        return getattr(note, "code", "") == "source_offline"

    def confirm_live_while_offline(self) -> bool:
        """Switching to live data with no data host reachable: say so first."""
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Use live data"),
                          tr("No data host was reachable at start. Live data needs the network; "
                             "scans will fail until it is back. Switch anyway?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("offlineWarning")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    @Slot()
    def _on_source_changed(self) -> None:
        self._update_source_label()
        self.scan_panel.show_refusal("")   # a refusal on the old source does not linger
        src = self.ctx.source
        if src is None:
            return
        if self.ctx.is_demo and self.ctx.source_note:  # why we fell back to the demo market: one sentence
            self.statusBar().showMessage(reason_text(self.ctx.source_note), 15000)
        self.watchlist_view.reload()

        def boards() -> dict[str, list[str]]:
            out = {}
            for kind in ("industry", "concept"):
                try:
                    out[kind] = list(src.boards(kind))
                except Exception as e:  # a source without boards just offers no completion
                    log.warning("could not list %s boards: %s", kind, e)
                    out[kind] = []
            return out

        self.ctx.runner.run(boards, self._set_boards)
        if self._pending_open:
            sym, self._pending_open = self._pending_open, None
            self.open_symbol(sym)
        if self._pending_scan is not None:
            request, self._pending_scan = self._pending_scan, None
            self.submit_scan(request)

    def _set_boards(self, names: dict[str, list[str]]) -> None:
        for kind, lst in names.items():
            self.scan_panel.set_board_names(kind, lst)

    @Slot(object)
    def _on_source_failed(self, reason: Any) -> None:
        self._update_source_label()
        self.statusBar().showMessage(tr("Could not switch the data source: {error}").format(
            error=reason_text(reason)), 10000)

    @Slot(object)
    def _on_freshness(self, date: Any) -> None:
        self.status.show_freshness(date)

    @Slot(int)
    def _update_running(self, n: int) -> None:
        self.status.show_running(n)

    # -- scanning -----------------------------------------------------------------------------
    @Slot()
    def start_scan(self) -> str:
        """F5 / Start: validate the panel and submit the scan; returns the task id ("" if refused)."""
        self.ensure_desk()
        req = self.scan_panel.build_request()
        if req is None:
            self.scan_dock.raise_()
            return ""
        return self.submit_scan(req)

    @Slot(object)
    def submit_scan(self, request: Any) -> str:
        self.ensure_desk()
        if self.ctx.source is None:            # F5 right at start: it runs once the source is up
            self._pending_scan = request
            self.scan_panel.show_refusal(tr("The scan starts as soon as the data source is ready."))
            return ""
        from desktop_app.workers.task_factory import submit_scan

        tid = submit_scan(self.tm, request, self.ctx.source, self.ctx.store,
                          watchlist=self.ctx.watchlist.symbols(), lang=model_lang())
        self.last_scan_id = tid
        self._save_scan_settings()
        self.task_view.select_task(tid)
        self.show_task_results(tid)
        self.results_dock.raise_()
        return tid

    @Slot()
    def scan_watchlist(self) -> str:
        self.scan_panel.set_universe("watchlist")
        return self.start_scan()

    @Slot(str)
    def scan_universe(self, universe: str) -> str:
        """The analysis panel's "Scan its board": select the universe and start the scan."""
        self.scan_panel.set_universe(universe)
        self.scan_dock.show()
        self.scan_dock.raise_()
        return self.start_scan()

    @Slot(str, str)
    def _on_task_finished(self, task_id: str, status: str) -> None:
        info = self.task_view.info(task_id)
        if info is None:
            return
        if status == "failed":
            self.statusBar().showMessage(
                tr("Task failed: {title} — {error}").format(title=info.title, error=reason_text(info.error)), 15000)
            if task_id == self.last_scan_id and info.kind == "scan":
                self.scan_panel.show_refusal(reason_text(info.error))
        elif status == "completed" and info.kind == "scan" and task_id == self.last_scan_id:
            self.scan_panel.show_refusal(self.tm.rejected_text(info))   # "" clears an old message
        elif status == "completed" and info.kind == "export":
            self.statusBar().showMessage(tr("Exported to {path}").format(path=info.result), 10000)

    @Slot(str)
    def show_task_results(self, task_id: str) -> None:
        """Show a task's results; a scan whose results were dropped from memory shows them as soon
        as the task manager has read them back (``results_ready``)."""
        self._wanted_results = task_id
        m = self.tm.results_model(task_id) if task_id else None
        if m is not None:
            self.results_view.set_model(task_id, m)
            self.since.results_shown(task_id, m)

    @Slot(str)
    def _on_results_ready(self, task_id: str) -> None:
        if task_id == getattr(self, "_wanted_results", None):
            self.show_task_results(task_id)

    @Slot(str)
    def open_task_results(self, task_id: str) -> None:
        if self.validation.open_report(task_id):
            return
        self.show_task_results(task_id)
        self.results_dock.raise_()
        self.results_dock.show()

    # -- results / watchlist ------------------------------------------------------------------
    @Slot()
    def focus_filter(self) -> None:
        self.results_dock.show()
        self.results_dock.raise_()
        self.results_view.focus_filter()

    @Slot(list)
    def add_to_watchlist(self, symbols: list[str]) -> list[str]:
        names: dict[str, str] = {}
        m = self.results_view.source_model
        if m is not None:
            for r in range(m.rowCount()):
                d = m.row_dict(r)
                if d.get("symbol") in symbols:
                    names[str(d["symbol"])] = str(d.get("name") or "")
        added = self.watchlist_view.add_symbols(symbols, names)
        self.statusBar().showMessage(tr("Added {n} to the watchlist").format(n=len(added)), 5000)
        return added

    @Slot(str)
    def add_symbol_to_watchlist(self, symbol: str) -> list[str]:
        return self.add_to_watchlist([symbol])

    @Slot()
    def export_dialog(self) -> None:
        if self.results_view.source_model is None:
            self.statusBar().showMessage(tr("Select a scan with results first"), 5000)
            return
        path = self.results_view.ask_export_path()    # remembers the folder; speaks the UI language
        if path:
            self.export_results(path)

    def export_results(self, path: str | Path) -> str:
        """Snapshot the visible rows on the GUI thread; write the file in an export task."""
        from desktop_app.core.hits import export_job

        rows = self.results_view.export_snapshot()
        title = tr("Export {n} rows to {name}").format(n=len(rows), name=Path(path).name)
        return self.tm.submit("export", title, export_job(str(path), rows, model_lang()),
                              params={"path": str(path), "rows": len(rows)})

    # -- the stock view -----------------------------------------------------------------------
    @property
    def pending_open_symbol(self) -> str | None:
        """A stock to open once a data source is ready (``stockscan 600519``)."""
        return self._pending_open

    @pending_open_symbol.setter
    def pending_open_symbol(self, symbol: str | None) -> None:
        if symbol and self.ctx.source is not None:
            self._pending_open = None
            self.open_symbol(symbol)
        else:
            self._pending_open = symbol or None

    @Slot(str)
    def open_symbol(self, symbol: str, origin: str = "") -> None:
        """Open a stock in the stock view (results, watchlist, quick open, command line).
        ``origin`` names the list it came from, for PgUp/PgDn."""
        if origin:
            self._stock_list = origin
        self.current_symbol = symbol
        self.ensure_built()
        self.stock_view.open_symbol(symbol)
        self.open_symbol_requested.emit(symbol)

    @Slot()
    def quick_open(self) -> None:
        self.ensure_built()
        self.quick_open_dialog.open_with("")

    # -- data ---------------------------------------------------------------------------------
    @Slot()
    def update_data(self) -> str:
        if self.ctx.source is None:
            return ""
        if self.ctx.latest_date is None:
            return self.ctx.start_backfill()
        return self.ctx.start_update()

    # -- settings -----------------------------------------------------------------------------
    @Slot()
    def open_settings(self) -> SettingsDialog:
        dlg = SettingsDialog(self.settings, self, clear_cache=self.clear_cache)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.values()))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    def apply_settings(self, values: dict[str, Any]) -> None:
        """Save and apply at once: concurrency, retention, theme, language (live), source."""
        old = dict(self.settings)
        self.settings.update(values)
        save_settings(self.settings)

        def changed(key: str) -> bool:
            return key in values and values[key] != old.get(key)

        if changed("max_running"):
            self.tm.set_max_running(int(values["max_running"]))
        if changed("history_keep") and hasattr(self.tm, "set_retention"):
            self.tm.set_retention(int(values["history_keep"]))
        if changed("theme"):
            dark = theme.apply_theme(values["theme"])
            if self.stock_view is not None:    # else it is built in the new theme
                self.stock_view.chart.set_theme("dark" if dark else "light")
        if changed("language"):
            self.apply_language(values["language"])
        if changed("source"):
            self.ctx.switch_source(values["source"])
            self._update_source_label()

    def clear_cache(self) -> None:
        store = self.ctx.store
        if store is None:
            return

        def done(_: Any) -> None:
            self.statusBar().showMessage(tr("Cache cleared"), 5000)
            self.ctx.refresh_freshness()

        self.ctx.runner.run(store.clear, done)

    # -- misc ---------------------------------------------------------------------------------
    @Slot()
    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))

    @Slot()
    def install_desktop_entry(self) -> None:
        """Write the application-menu entry (files, maybe update-desktop-database) off the GUI thread."""
        self.ctx.runner.run(install_desktop, self._desktop_entry_installed, self._desktop_entry_failed)

    def _desktop_entry_installed(self, written: list[Path]) -> None:
        self.statusBar().showMessage(tr("Installed {path}").format(path=written[0]), 8000)

    def _desktop_entry_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, OSError):  # a bug, not a read-only folder: the error dialog
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        QMessageBox.warning(self, "StockScan", tr("Could not install the desktop entry: {error}").format(error=exc))

    @Slot()
    def about(self) -> None:
        QMessageBox.about(self, tr("About StockScan"), tr(
            "StockScan scans Chinese A-shares, scores every stock with transparent rules and streams "
            "the hits into a live table.\n\nLog folder: {path}").format(path=paths.log_dir()))

    # -- shutdown -----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Save the layout, cancel tasks and join every thread (bounded). Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.startup.cancel()           # closed before its build finished: never build it
        try:
            self.save_layout()
        except Exception:  # saving the layout must never block an exit
            log.exception("could not save the window layout")
        self.ctx.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)
