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
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QToolBar, QWidget

from desktop_app.core import paths
from desktop_app.core.desktop_entry import install_desktop
from desktop_app.core.hits import export_job
from desktop_app.ui import i18n, theme
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.desk_keys import DeskKeys
from desktop_app.ui.desk_layout import DeskLayout
from desktop_app.ui.desk_navigation import DeskNavigation
from desktop_app.ui.desk_start import DeskStart
from desktop_app.ui.focus_ring import FocusRing
from desktop_app.ui.actions import make_action
from desktop_app.ui.i18n import model_lang, reason_text, tr
from desktop_app.ui.results_view import ResultsView
from desktop_app.ui.scan_panel import ScanPanel
from desktop_app.ui.settings_dialog import SettingsDialog, load_settings, save_settings
from desktop_app.ui.status_bar import StatusBarWidgets
from desktop_app.ui.task_view import TaskView
from desktop_app.ui.watchlist_view import WatchlistView

log = logging.getLogger(__name__)



class MainWindow(DeskStart, DeskNavigation, DeskLayout, QMainWindow):
    open_symbol_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, restore: bool = True) -> None:
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
        self._init_start(restore)
        icon = paths.resources_dir() / "icons" / "stockscan.svg"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._connect()
        self._init_navigation()
        self.keys = DeskKeys(self)
        self.startup.then(self.keys.install, first=True)
        self.focus_ring = FocusRing([self.results_view.table, self.results_view.frozen, self.watchlist_view.table,
                                     self.task_view], self)          # + the chart once it is built
        self.resize(self._default_size())
        self.apply_default_layout()
        self.scan_panel.watch_groups = getattr(self.ctx.watchlist, "all_members", dict)   # groups as universes
        self.watch: Any = None               # groups, holdings, alerts, snapshot, tray: after the first frame
        self.retranslate()
        if restore:
            self.restore_layout()
        self._on_source_changed()
        self.ctx.start()
        self.startup.then(self.scan_panel.load_presets)
        self.startup.then(self._build_watch)
        self.startup.then(self._build_stock_view)

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

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        d = QDockWidget(self)
        d.setObjectName(name)  # saveState identifies docks by objectName
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                      | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                      | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, d)
        return d

    def _build_docks(self) -> None:
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self.scan_panel = ScanPanel(self.ctx.watchlist.symbols, presets_later=True,   # after the first frame
                                     runner=self.ctx.runner)
        self.task_view = TaskView(self.tm)
        self.results_view = ResultsView()
        self.watchlist_view = WatchlistView(self.ctx)
        L, R, B = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                   Qt.DockWidgetArea.BottomDockWidgetArea)
        self.scan_dock = self._dock("scanDock", self.scan_panel, L)
        self.watchlist_dock = self._dock("watchlistDock", self.watchlist_view, L)
        self.results_dock = self._dock("resultsDock", self.results_view, R)
        self.tasks_dock = self._dock("tasksDock", self.task_view, B)

    def _action(self, name: str, slot, shortcut: Any = None) -> QAction:
        return make_action(self, name, slot, shortcut)

    def _build_actions(self) -> None:
        K = QKeySequence
        self.quick_open_action = self._action("actionQuickOpen", self.quick_open, K("Ctrl+K"))
        self.scan_action = self._action("actionScan", self.start_scan, K(Qt.Key.Key_F5))
        self.cancel_action = self._action("actionCancel", self.task_view.cancel_selected, K(Qt.Key.Key_Escape))
        self.switch_source_action = self._action("actionSwitchSource", self.toggle_source)
        self.filter_action = self._action("actionFilter", self.focus_filter, K(K.StandardKey.Find))
        self.export_action = self._action("actionExport", self.export_dialog, K("Ctrl+E"))
        self.add_current_action = self._action("actionAddCurrent", self.add_current_to_watchlist,
                                               K(Qt.Key.Key_Insert))
        self.keys_action = self._action("actionKeyboard", self.show_keyboard_help)
        self.quit_action = self._action("actionQuit", self.close, K("Ctrl+Q"))
        self.update_action = self._action("actionUpdate", self.update_data)
        self.settings_action = self._action("actionSettings", self.open_settings, K(K.StandardKey.Preferences))
        self.reset_layout_action = self._action("actionResetLayout", self.reset_layout)
        self.log_action = self._action("actionOpenLog", self.open_log_folder)
        self.about_action = self._action("actionAbout", self.about)
        self.install_action = self._action("actionInstallDesktop", self.install_desktop_entry)
        from desktop_app.ui.f10_opener import F10Opener

        self.f10 = F10Opener(self)               # F10: the stock's F10 page (its action, menus)

    def _build_menus_and_toolbar(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu("")
        self.file_menu.addAction(self.quick_open_action)
        self.file_menu.addAction(self.export_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.install_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.scan_menu = mb.addMenu("")
        self.scan_menu.addAction(self.scan_action)
        self.scan_menu.addAction(self.cancel_action)
        self.scan_menu.addAction(self.filter_action)
        from desktop_app.ui.screen_menu import ScreenMenu

        self.screen_menu = ScreenMenu(self)
        mb.addMenu(self.screen_menu.menu)
        from desktop_app.ui.validation_desk import ValidationDesk

        self.validation = ValidationDesk(self)       # Validate beside Start, Ctrl+F5, the report
        from desktop_app.ui.since_desk import SinceDesk

        self.since = SinceDesk(self)                 # a past scan's returns since (issue 16 §5)
        self.data_menu = mb.addMenu("")
        self.data_menu.addAction(self.update_action)
        self.data_menu.addAction(self.f10.refresh_action)
        self.data_menu.addAction(self.switch_source_action)
        self.view_menu = mb.addMenu("")
        for d in (self.scan_dock, self.tasks_dock, self.results_dock, self.watchlist_dock):
            self.view_menu.addAction(d.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.f10.action)
        self.view_menu.addAction(self.reset_layout_action)
        self.settings_menu = mb.addMenu("")
        self.settings_menu.addAction(self.settings_action)
        self.help_menu = mb.addMenu("")
        self.help_menu.addAction(self.keys_action)
        self.help_menu.addAction(self.log_action)
        self.help_menu.addAction(self.about_action)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.scan_action, self.cancel_action, None, self.update_action, self.export_action,
                  None, self.settings_action):
            if a is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(a)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        from desktop_app.ui.market_desk import MarketDesk

        self.market = MarketDesk(self)               # F3: the market review (复盘) page

    def _build_status_bar(self) -> None:
        self.status = StatusBarWidgets(self.statusBar(), self.switch_source_action)
        # the names tests and the stock view know
        self.demo_badge, self.source_label = self.status.demo_badge, self.status.source_label
        self.switch_source_button = self.status.switch_button
        self.freshness_label, self.running_label = self.status.freshness_label, self.status.running_label

    def _connect(self) -> None:
        self.scan_panel.scan_requested.connect(self.submit_scan)
        self.task_view.task_selected.connect(self.show_task_results)
        self.task_view.open_results_requested.connect(self.open_task_results)
        self.results_view.open_symbol_requested.connect(self.open_symbol)
        self.results_view.add_to_watchlist_requested.connect(self.add_to_watchlist)
        self.results_view.export_requested.connect(self.export_dialog)
        self.results_view.table.selectionModel().currentRowChanged.connect(self._results_row_changed)
        self.watchlist_view.table.selectionModel().currentRowChanged.connect(self._watchlist_row_changed)
        self.watchlist_view.open_symbol_requested.connect(self.open_symbol)
        self.watchlist_view.scan_watchlist_requested.connect(self.scan_watchlist)
        self.tm.running_count_changed.connect(self._update_running)
        self.tm.task_finished.connect(self._on_task_finished)
        self.tm.results_ready.connect(self._on_results_ready)
        self.ctx.source_changed.connect(self._on_source_changed)
        self.ctx.source_failed.connect(self._on_source_failed)
        self.ctx.freshness_changed.connect(self._on_freshness)
        i18n.notifier.language_changed.connect(self._on_language_changed)

    # -- translation --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle("StockScan")
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
        else:
            self.stock_placeholder.setText(tr("Loading the chart…"))
        self.tm.set_language(model_lang())     # task texts and every results model
        self._update_source_label()
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
        req = self.scan_panel.build_request()
        if req is None:
            self.scan_dock.raise_()
            return ""
        return self.submit_scan(req)

    @Slot(object)
    def submit_scan(self, request: Any) -> str:
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
