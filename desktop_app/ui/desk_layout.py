"""The desk's layout: the default arrangement at the current window size (chart-first: the stock
view in the middle, scan panel and watchlist tabbed left, results right when wide, else tabbed
left too, a compact task strip), and saving/restoring it with the settings.

A mixin of ``MainWindow``.
"""
from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Slot

from desktop_app.ui.desk_navigation import LAYOUT_VERSION

log = logging.getLogger(__name__)

#: Below this window width the results dock is tabbed with the scan panel on the left, so the
#: chart keeps most of the width (1280×720); above it, results get their own column on the right.
WIDE_LAYOUT_MIN_WIDTH = 1500
#: The task strip shows between this many rows (an empty table) and at most the cap, growing and
#: shrinking with the number of tasks until the user drags its edge; it never takes more than
#: ``TASK_STRIP_MAX_SHARE`` of the window's height.
TASK_ROWS_MIN, TASK_ROWS_MAX = 2, 6
TASK_STRIP_MAX_SHARE = 0.2


class DeskLayout:
    """Layout methods of the main window (see the module docstring)."""

    def apply_default_layout(self) -> None:
        """The desk's default at the current window size: the stock view (chart + analysis) in the
        middle with most of the space; scan panel and watchlist tabbed on the left; results on the
        right when the window is wide, else tabbed on the left too; a compact task strip below."""
        L, R, B = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                   Qt.DockWidgetArea.BottomDockWidgetArea)
        docks = (self.scan_dock, self.watchlist_dock, self.results_dock, self.tasks_dock)
        for d in docks:
            d.setFloating(False)
            self.removeDockWidget(d)        # start from nothing: no stale tab of an earlier layout
        wide = self.width() >= WIDE_LAYOUT_MIN_WIDTH
        self.addDockWidget(L, self.scan_dock)
        self.addDockWidget(L, self.watchlist_dock)
        self.tabifyDockWidget(self.scan_dock, self.watchlist_dock)
        if wide:
            self.addDockWidget(R, self.results_dock)
        else:
            self.addDockWidget(L, self.results_dock)
            self.tabifyDockWidget(self.scan_dock, self.results_dock)
        self.addDockWidget(B, self.tasks_dock)
        for d in docks:
            d.show()
        self.scan_dock.raise_()
        side = max(250, min(330, self.width() // 5))
        if wide:
            self.resizeDocks([self.scan_dock, self.results_dock], [side, max(330, self.width() // 4)],
                             Qt.Orientation.Horizontal)
        else:
            self.resizeDocks([self.scan_dock], [max(side, 320)], Qt.Orientation.Horizontal)
        self._task_strip_height, self._task_strip_user = None, False   # it follows the task count
        self._follow_task_count()
        self._fit_task_strip()
        self._split_pending = True
        QTimer.singleShot(0, self._default_split)   # once the docks have taken their space

    def _follow_task_count(self) -> None:
        if getattr(self, "_task_strip_follows", False):
            return
        self._task_strip_follows = True
        for sig in (self.tm.rowsInserted, self.tm.rowsRemoved, self.tm.modelReset):
            sig.connect(self._schedule_task_strip_fit)

    @Slot()
    def _schedule_task_strip_fit(self, *_args) -> None:
        QTimer.singleShot(0, self._fit_task_strip)

    def task_strip_rows(self) -> int:
        """The rows the task strip shows for the current task count and window height."""
        row = max(1, self.task_view.verticalHeader().defaultSectionSize())
        fit = int(self.height() * TASK_STRIP_MAX_SHARE - self.task_view.compact_height(0)) // row
        cap = max(TASK_ROWS_MIN, min(TASK_ROWS_MAX, fit))
        return max(TASK_ROWS_MIN, min(cap, self.tm.rowCount()))

    @Slot()
    def _fit_task_strip(self) -> None:
        """Size the task strip to its rows, unless the user has dragged it to a height of their
        own (then it stays as they left it until "reset layout")."""
        dock = self.tasks_dock
        if self._task_strip_user or dock.isFloating() or (self.isVisible() and not dock.isVisible()):
            return
        mine = self._task_strip_height
        if mine is not None and self.isVisible() and abs(dock.height() - mine) > 2:
            self._task_strip_user = True              # dragged: the user's height from now on
            return
        self._task_strip_asked = self.task_strip_rows()
        want = self.task_view.compact_height(self._task_strip_asked) + self._task_strip_frame()
        self.resizeDocks([dock], [want], Qt.Orientation.Vertical)
        self._task_strip_want, self._task_strip_topups = want, 3
        QTimer.singleShot(0, self._note_task_strip_height)

    def _task_strip_frame(self) -> int:
        """What the dock adds around its table (the title bar, margins): measured once laid out."""
        dock, view = self.tasks_dock, self.task_view
        if self.isVisible() and view.height() > 0 and dock.height() > view.height():
            return dock.height() - view.height()
        return dock.fontMetrics().height() + 10

    @Slot()
    def _note_task_strip_height(self) -> None:
        short = self.task_view.compact_height(self._task_strip_asked) - self.task_view.height()
        tab_bar = self.tasks_dock.fontMetrics().height() * 2        # the most a tab bar can take
        if 1 < short <= tab_bar and self.isVisible() and self.tasks_dock.isVisible() \
                and self._task_strip_topups > 0 and self.tabifiedDockWidgets(self.tasks_dock):
            # tabbed with holdings/alerts, Qt counts the tab bar into the height asked: top it up
            self._task_strip_topups -= 1
            self._task_strip_want += short
            self.resizeDocks([self.tasks_dock], [self._task_strip_want], Qt.Orientation.Vertical)
            QTimer.singleShot(0, self._note_task_strip_height)
            return
        self._task_strip_height = self.tasks_dock.height() if self.isVisible() else None
        self.task_strip_fitted = self._task_strip_asked if self._task_strip_height is not None else None

    #: The rows of the task strip's last fit once laid out (None before): what tests wait for.
    task_strip_fitted: int | None = None
    _task_strip_topups, _task_strip_want = 0, 0

    @Slot()
    def _default_split(self) -> None:
        """Chart | analysis: the analysis keeps a readable column, the chart gets the rest
        (unless a saved split was restored meanwhile)."""
        if not self._split_pending or self.stock_splitter is None:   # None: built after the first frame
            return
        self._split_pending = False
        total = max(600, self.stock_splitter.width())
        panel = max(290, min(360, int(total * 0.3)))
        self.stock_splitter.setSizes([total - panel, panel])

    def save_layout(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        if not self._desk_built:                 # closed before its desk was built: keep the saved rest
            s.sync()
            return
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        if self.stock_splitter is not None:     # closed before the stock view was built: keep the old
            s.setValue("window/stock_splitter", self.stock_splitter.saveState())
        s.setValue("window/tasks_header", self.task_view.horizontalHeader().saveState())
        s.setValue("window/task_strip_user_sized", bool(self._task_strip_user))
        s.setValue("window/watchlist_header", self.watchlist_view.table.horizontalHeader().saveState())
        self._save_scan_settings(s)
        s.sync()

    def _save_scan_settings(self, s: QSettings | None = None) -> None:
        s = s or QSettings()
        s.setValue("scan/panel", json.dumps(self.scan_panel.state(), ensure_ascii=False))

    def restore_layout(self) -> None:
        s = QSettings()

        def ba(key: str) -> QByteArray | None:
            v = s.value(key)
            return v if isinstance(v, QByteArray) and not v.isEmpty() else None

        self.restore_dock_state()
        self.restore_stock_split()
        if (th := ba("window/tasks_header")) is not None:
            self.task_view.horizontalHeader().restoreState(th)
        if str(s.value("window/task_strip_user_sized", "false")).lower() == "true":
            self._task_strip_user = True
        else:
            self._fit_task_strip()
        if (wh := ba("window/watchlist_header")) is not None:
            self.watchlist_view.table.horizontalHeader().restoreState(wh)
        raw = s.value("scan/panel")
        if raw:
            try:
                self.scan_panel.restore(json.loads(str(raw)))
            except (ValueError, TypeError):
                log.warning("ignoring unreadable saved scan settings")

    def restore_geometry(self) -> None:
        """The saved size and place, before the window is first shown (its shell: ``MainWindow``)."""
        v = QSettings().value("window/geometry")
        if isinstance(v, QByteArray) and not v.isEmpty():
            self.restoreGeometry(v)

    def restore_dock_state(self) -> None:
        """The docks' saved places; again once the watch desk's docks exist (``ui/desk_start.py``)."""
        v = QSettings().value("window/state")
        if isinstance(v, QByteArray) and not v.isEmpty():
            self.restoreState(v, LAYOUT_VERSION)

    def restore_stock_split(self) -> None:
        """The saved chart | analysis split; the window calls it again once the stock view is built
        (``ui/desk_start.py``)."""
        v = QSettings().value("window/stock_splitter")
        if self.stock_splitter is not None and isinstance(v, QByteArray) and not v.isEmpty():
            self.stock_splitter.restoreState(v)
            self._split_pending = False

    @Slot()
    def reset_layout(self) -> None:
        if self.full_chart:
            self.toggle_full_chart(False)
        self.apply_default_layout()
