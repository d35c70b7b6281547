"""The window's side of watching and holding (issue 19): watchlist groups in the watchlist dock,
each group a scan universe; the holdings dock; the alert dock (log and rules) and the alert
editor, opened from a stock's context menu (results, watchlist), the chart and the holdings
table; the intraday snapshot task (``workers/snapshot_task.py``) with its alert check; the tray
icon and its notifications; the snapshot and tray settings. A "Watch" menu reaches all of it.

Installed by the MainWindow with one line; the window knows nothing else of it."""
from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel

from desktop_app.core.reasons import Reason
from desktop_app.ui import i18n
from desktop_app.ui.i18n import model_lang, reason_text, tr


class WatchDesk(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.w = window
        self.ctx = window.ctx
        self.latest_quotes: Any = None           # the last snapshot's quotes (for the holdings)
        self.editor: Any = None
        from desktop_app.ui.alert_log_view import AlertLogView
        from desktop_app.ui.alert_tray import AlertTray
        from desktop_app.ui.holdings_view import HoldingsView
        from desktop_app.ui.watch_groups import GroupBar
        from desktop_app.ui.watch_settings import load_watch_settings
        from desktop_app.workers.snapshot_task import SnapshotScheduler

        self.groups = GroupBar(window.watchlist_view)
        self.groups.groups_changed.connect(self._groups_changed)
        window.scan_panel.watch_groups = self.ctx.watchlist.all_members
        self.holdings = HoldingsView(self.ctx, lambda: self.latest_quotes)
        self.holdings.alert_requested.connect(lambda code: self.edit_alert(code, holding=True))
        self.holdings.open_symbol_requested.connect(window.open_symbol)
        self.log = AlertLogView(self.ctx)
        self.log.new_rule_requested.connect(lambda: self.edit_alert(window.current_symbol))
        self.log.check_requested.connect(self.check_now)
        for view in (self.holdings, self.log):     # tabbed with the task strip: never taller than it
            view.setMinimumHeight(48)
        self.holdings_dock = window._dock("holdingsDock", self.holdings, Qt.DockWidgetArea.RightDockWidgetArea)
        self.alert_dock = window._dock("alertDock", self.log, Qt.DockWidgetArea.RightDockWidgetArea)
        self.default_layout()
        window.reset_layout_action.triggered.connect(self.default_layout)
        for d in (self.holdings_dock, self.alert_dock):
            d.visibilityChanged.connect(partial(self._bottom_tab_shown, d))
        window.tasks_dock.visibilityChanged.connect(self._tasks_tab_shown)
        self.settings = load_watch_settings()
        self.tray = AlertTray(window)
        self.tray.close_to_tray = bool(self.settings["close_to_tray"])
        self.scheduler = SnapshotScheduler(window.tm, self._parts, self.settings["interval_s"], lang=model_lang,
                                           parent=self)
        self.scheduler.enabled = bool(self.settings["live"])
        self.scheduler.wanted = self._wanted
        self.scheduler.keep_one = True
        self.scheduler.arrived.connect(self._arrived)
        self.scheduler.alerts_fired.connect(self._fired)
        self.status_label = QLabel()
        self.status_label.setObjectName("snapshotLabel")
        window.statusBar().addPermanentWidget(self.status_label)
        self._build_actions()
        self.ctx.source_changed.connect(self._on_source)
        window.tm.history_loaded.connect(self._drop_old_snapshots)
        i18n.notifier.language_changed.connect(self._on_language)
        self.retranslate()
        window.startup.then(self.attach_stock_view)
        window.startup.then(self._drop_old_snapshots)
        window.startup.then(self.scheduler.start)

    # -- construction -------------------------------------------------------------------------
    def default_layout(self) -> None:
        """Holdings and alerts tabbed with the task strip below the chart, as 通达信 keeps its
        持仓/预警 panels under the K-line: the side docks keep their width for the scan panel and
        the results (five tabs in a 300 px side dock truncate every title). The tasks stay in front."""
        for d in (self.holdings_dock, self.alert_dock):
            d.setFloating(False)
            self.w.tabifyDockWidget(self.w.tasks_dock, d)
            d.show()
        self.w.tasks_dock.raise_()
        QTimer.singleShot(0, self._refit_strip)     # once the tab bar is laid out

    def _refit_strip(self) -> None:
        if not self.w._task_strip_user:
            self.w._task_strip_height = None      # the tab bar moved the strip, not the user
            self.w._fit_task_strip()

    def _bottom_tab_shown(self, dock: Any, visible: bool) -> None:
        """Holdings or alerts brought to the front of the task strip: the strip grows to show the
        tab whole (unless the user sized it); the tasks tab fits it to its rows again."""
        w = self.w
        if not visible or w._task_strip_user or dock.isFloating() \
                or w.dockWidgetArea(dock) != w.dockWidgetArea(w.tasks_dock):
            return
        w._task_strip_height = None            # our resize, not the user's drag
        QTimer.singleShot(0, partial(self._grow_strip, dock, 4, 0))

    def _grow_strip(self, dock: Any, tries: int, asked: int) -> None:
        """Ask for what the tab still lacks, on top of what was asked before; again next turn (Qt
        counts the tab bar into the size asked of ``resizeDocks``, so a request falls short by it)."""
        short = dock.widget().minimumSizeHint().height() - dock.widget().height()
        if dock.isVisible() and short > 0 and tries > 0:
            asked = max(asked, dock.height()) + short
            self.w.resizeDocks([dock], [asked], Qt.Orientation.Vertical)
            QTimer.singleShot(0, partial(self._grow_strip, dock, tries - 1, asked))

    def _tasks_tab_shown(self, visible: bool) -> None:
        if visible and not self.w._task_strip_user:
            self.w._task_strip_height = None
            QTimer.singleShot(0, self.w._fit_task_strip)

    def _build_actions(self) -> None:
        from desktop_app.ui.actions import make_action

        w = self.w
        self.new_group_action = make_action(w, "actionNewGroup", lambda: self.groups.new_group())
        self.import_action = make_action(w, "actionImportWatchlist", lambda: self.groups.import_file())
        self.paste_action = make_action(w, "actionPasteWatchlist", lambda: self.groups.import_clipboard())
        self.holding_action = make_action(w, "actionAddHolding", lambda: self.holdings.add_dialog(w.current_symbol))
        self.alert_action = make_action(w, "actionNewAlert", lambda: self.edit_alert(w.current_symbol),
                                        QKeySequence("Ctrl+Alt+A"))
        self.check_action = make_action(w, "actionCheckAlerts", self.check_now)
        self.settings_action = make_action(w, "actionWatchSettings", self.open_settings)
        self.menu = w.menuBar().insertMenu(w.settings_menu.menuAction(), _menu(w))
        m = self.menu.menu()
        for a in (self.new_group_action, self.import_action, self.paste_action, None, self.holding_action,
                  None, self.alert_action, self.check_action, None, self.holdings_dock.toggleViewAction(),
                  self.alert_dock.toggleViewAction(), None, self.settings_action):
            m.addSeparator() if a is None else m.addAction(a)
        # a stock's context menus: the results' rows, the watchlist's rows (the chart's: attach_stock_view)
        self.results_alert = QAction(self)
        self.results_alert.triggered.connect(lambda: self.edit_alert(w.results_view.current_symbol()))
        w.results_view.add_row_action(self.results_alert)
        self.watch_alert = QAction(self)
        self.watch_alert.triggered.connect(lambda: self.edit_alert(w.watchlist_view.current_symbol()))
        w.watchlist_view.menu_actions.append(self.watch_alert)
        self.chart_alert = QAction(self)
        self.chart_alert.triggered.connect(lambda: self.edit_alert(w.current_symbol))

    def attach_stock_view(self) -> None:
        view = self.w.stock_view
        if view is None:                       # built by a later start-up step: come back after it
            self.w.startup.then(self.attach_stock_view)
            return
        view.chart_menu().addAction(self.chart_alert)

    def retranslate(self) -> None:
        self.holdings_dock.setWindowTitle(tr("Holdings"))
        self.alert_dock.setWindowTitle(tr("Alerts"))
        self.menu.setText(tr("&Watch"))
        for a, text in ((self.new_group_action, "New watchlist group…"),
                        (self.import_action, "Import into the watchlist (.blk / CSV / XLSX)…"),
                        (self.paste_action, "Import codes from the clipboard"),
                        (self.holding_action, "Add a holding…"), (self.alert_action, "Set an alert…"),
                        (self.check_action, "Check the alerts now"), (self.settings_action, "Snapshot and alerts…"),
                        (self.results_alert, "Set an alert…"), (self.watch_alert, "Set an alert…"),
                        (self.chart_alert, "Set an alert on this stock…")):
            a.setText(tr(text))
        self.tray.retranslate(tr)
        self.groups.retranslate()
        self.holdings.retranslate()
        self.log.retranslate()
        self._show_status()

    @Slot(str)
    def _on_language(self, _lang: str) -> None:
        self.retranslate()

    # -- data ---------------------------------------------------------------------------------
    def _parts(self) -> tuple:
        watch = self.ctx.watchlist.store if self.ctx.source is not None else None
        return self.ctx.source, self.ctx.store, watch

    def _drop_old_snapshots(self, _n: int = 0) -> None:
        """Snapshot rows of an earlier session say nothing now (the alert log keeps what fired)."""
        tm = self.w.tm
        for tid in tm.task_ids():
            t = tm.get(tid)
            if t.kind == "snapshot" and t.is_terminal and tid != self.scheduler.previous:
                tm.remove(tid)

    def _wanted(self) -> bool:
        """Live prices are wanted while an alert rule or a holding exists (as last read)."""
        v = self.holdings.valuation
        return bool(self.log.rules) or bool(v is not None and v.totals.get("count"))

    def _on_source(self) -> None:
        self.latest_quotes = None
        self.scheduler.tick = 0
        self.scheduler.last_start = None
        self.holdings.reload()
        self.log.reload()
        self._show_status()

    def _groups_changed(self) -> None:
        self.w.scan_panel._fill_universe_combo()
        self._quote_watchlist()

    def _show_status(self) -> None:
        s = self.scheduler
        demo = "DEMO · " if getattr(self.ctx.source, "is_demo", False) else ""
        if s.last_arrival is None:
            text = tr("Snapshot: none yet") if s.enabled else tr("Snapshot: off")
        else:
            text = tr("Snapshot {time}").format(time=s.last_arrival.strftime("%H:%M:%S"))
        self.status_label.setText(demo + text)
        self.status_label.setToolTip(tr("Every {n} min during trading hours; alerts are checked on each snapshot.")
                                     .format(n=s.interval_s // 60))

    @Slot(object)
    def _arrived(self, result: Any) -> None:
        self.latest_quotes, result.quotes = result.quotes, None     # kept here, not in the task list
        self._show_status()
        self._quote_watchlist()
        self.holdings.reload()
        self.log.reload()

    def _quote_watchlist(self) -> None:
        """The watchlist's last price and change from the snapshot (the store has only closes)."""
        q, model = self.latest_quotes, self.w.watchlist_view.model
        if q is None:
            return
        rows = q.reindex(model.symbols())
        quotes = {}
        for code, last, prev in zip(rows.index, rows["last"], rows["prev_close"]):
            if last == last:
                quotes[code] = {**model.quote(code), "last": float(last),       # the name kept
                                "chg_pct": (last / prev - 1.0) * 100.0 if prev == prev and prev > 0 else None}
        model.set_quotes(quotes)

    @Slot(list)
    def _fired(self, firings: list) -> None:
        lang = model_lang()
        demo = "DEMO · " if getattr(self.ctx.source, "is_demo", False) else ""
        lines = [f.message.text(lang) for f in firings]
        text = "\n".join(lines[:5]) + (f"\n… +{len(lines) - 5}" if len(lines) > 5 else "")
        self.tray.notify(demo + tr("StockScan alert"), text)

    def check_now(self) -> str | None:
        """One snapshot and check pass now (the interval counts from here)."""
        if self.ctx.source is None or self.scheduler.running is not None:
            return None
        return self.scheduler.run_now()

    # -- the alert editor ---------------------------------------------------------------------
    def edit_alert(self, code: str = "", holding: bool = False) -> QDialog:
        from desktop_app.ui.alert_editor import AlertEditor

        presets = []
        try:
            from desktop_app.core.strategies import STRATEGIES

            presets = [(s.id, s.name_zh if model_lang() == "zh" else s.name_en) for s in STRATEGIES.values()]
        except Exception:  # noqa: BLE001 - the editor still offers every other kind
            pass
        price = None
        q = self.latest_quotes
        if code and q is not None and code in q.index:
            price = float(q.at[code, "last"])
        dlg = AlertEditor(code, self.ctx.watchlist.groups(), price, holding, presets, self.w)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._save_rule(dlg.rule))
        self.editor = dlg
        dlg.open()
        return dlg

    def _save_rule(self, rule: Any) -> None:
        from desktop_app.core.alert_store import AlertStore

        alerts = AlertStore(self.ctx.watchlist.store)
        self.ctx.runner.run(lambda: alerts.add(rule), self._rule_saved,
                            lambda e: self.w.statusBar().showMessage(reason_text(Reason.of(e)), 8000))

    def _rule_saved(self, rule: Any) -> None:
        self.w.statusBar().showMessage(tr("Alert #{id} saved.").format(id=rule.id), 5000)
        self.log.reload()

    # -- settings -----------------------------------------------------------------------------
    def open_settings(self) -> QDialog:
        from desktop_app.ui.watch_settings import WatchSettingsDialog

        dlg = WatchSettingsDialog(self.settings, self.w)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.values()))
        dlg.open()
        return dlg

    def apply_settings(self, values: dict) -> None:
        from desktop_app.ui.watch_settings import save_watch_settings

        self.settings.update(values)
        save_watch_settings(self.settings)
        self.scheduler.enabled = bool(self.settings["live"])
        self.scheduler.set_interval(int(self.settings["interval_s"]))
        self.tray.close_to_tray = bool(self.settings["close_to_tray"])
        self._show_status()


def _menu(window: Any):
    from PySide6.QtWidgets import QMenu

    m = QMenu(window)
    m.setObjectName("watchMenu")
    return m
