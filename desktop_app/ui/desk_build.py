"""The desk's second half: every dock with its panel (scan, tasks, results, watchlist), the
actions, menus and toolbar, their connections, the default or saved layout — built in the first
event-loop turn after the window's first frame when the app starts (``app.build`` passes
``defer_desk``), at once otherwise (tests, a window made in code).

The first frame (``MainWindow.__init__``) is the shell only: title, saved geometry, the central
placeholder and the status bar with the source and its DEMO badge — the modules of the panels
(≈70 ms of imports) and their construction with the menus (≈40 ms) come after it (issue 13 §3).
Until the desk is built a keyboard shortcut has nothing to act on; ``ensure_desk()`` builds it at
once for what needs it earlier (``start_scan``, ``submit_scan``), ``ensure_built()`` everything
left (``open_symbol``). A mixin of ``MainWindow``.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar, QWidget

from desktop_app.ui import i18n
from desktop_app.ui.actions import make_action


class DeskBuild:
    """The desk's panels, actions and menus (see the module docstring)."""

    def ensure_desk(self) -> None:
        """Build the desk now if it is not built yet (F5 or a stock handed over before its turn)."""
        self._build_desk()

    def _build_desk(self) -> None:
        """Docks, actions, menus and toolbar, keys, the layout; then the steps after it (presets,
        watch desk, stock view) are queued. Runs once."""
        if self._desk_built:
            return
        self._desk_built = True
        from desktop_app.ui.desk_keys import DeskKeys
        from desktop_app.ui.focus_ring import FocusRing

        self._build_docks()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._connect()
        self.keys = DeskKeys(self)
        self.startup.then(self.keys.install, first=True)
        self.focus_ring = FocusRing([self.results_view.table, self.results_view.frozen, self.watchlist_view.table,
                                     self.task_view], self)          # + the chart once it is built
        self.apply_default_layout()
        self.scan_panel.watch_groups = getattr(self.ctx.watchlist, "all_members", dict)   # groups as universes
        self.retranslate()
        if self._restore:
            self.restore_layout()
        self._on_source_changed()
        self.ctx.start()
        self.startup.then(self.scan_panel.load_presets)
        self.startup.then(self._build_watch)
        self.startup.then(self._build_stock_view)

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
        from desktop_app.ui.results_view import ResultsView
        from desktop_app.ui.scan_panel import ScanPanel
        from desktop_app.ui.task_view import TaskView
        from desktop_app.ui.watchlist_view import WatchlistView

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

