"""A past scan's returns since (issue 16 §5) in the window: when a completed scan's results are
shown, its hits' returns from the scan's day (``core/since_scan``: 至今收益, 5/10/20日后收益) are
computed on the background runner (they read bars) and added to its results as columns, which the
column chooser lists like any other. A scan of the latest day gets none (nothing happened since).

Hooked in by one line of ``MainWindow.show_task_results`` (``results_shown``)."""
from __future__ import annotations

import logging
import weakref
from typing import Any

from PySide6.QtCore import QObject, Slot

log = logging.getLogger(__name__)


class SinceDesk(QObject):
    """``window``: the MainWindow (its context's source, store and runner, and the task table)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self._busy: set[int] = set()          # id() of the models being filled
        self._nothing: weakref.WeakSet = weakref.WeakSet()   # models whose scan has nothing since
        self._coloured: list[int] = []        # results-table columns given our delegates
        self._delegates: list = []
        window.tm.task_finished.connect(self._on_finished)

    @Slot(str, str)
    def _on_finished(self, task_id: str, status: str) -> None:
        """A scan shown while it ran (an as-of scan) gets its columns once it completes."""
        view = self.w.results_view
        if status == "completed" and view.task_id == task_id:
            self.results_shown(task_id, view.source_model)

    def results_shown(self, task_id: str, model: Any) -> bool:
        """Start filling ``model``'s since-scan columns if it is a completed scan's and has none
        yet; True when a computation was started."""
        from desktop_app.core.since_scan import SINCE_COLUMNS, read_since
        from desktop_app.workers.task_info import TaskStatus

        self._colour(model)
        info = self.w.task_view.info(task_id)
        ctx = self.w.ctx
        if (model is None or info is None or info.kind != "scan" or info.status != TaskStatus.COMPLETED
                or ctx.source is None or ctx.store is None or model.rowCount() == 0
                or SINCE_COLUMNS[0] in model.COLUMNS or id(model) in self._busy or model in self._nothing):
            return False
        task = {"result": info.result, "params": info.params}
        symbols = [str(s) for s in model.symbols()]
        source, store = ctx.source, ctx.store
        self._busy.add(id(model))

        def done(values: dict) -> None:
            self._busy.discard(id(model))
            if not values:
                self._nothing.add(model)      # a scan of the latest day: not asked again
            if values:
                nan_row = {c: float("nan") for c in SINCE_COLUMNS}
                model.merge_values({s: values.get(s, nan_row) for s in symbols})
                if self.w.results_view.source_model is model:
                    self._colour(model)

        def failed(exc: BaseException) -> None:
            self._busy.discard(id(model))
            log.warning("returns since the scan %s: %s", task_id, exc)

        ctx.runner.run(lambda: read_since(task, symbols, source, store), done, failed)
        return True

    def _colour(self, model: Any) -> None:
        """Red up, green down in the since-scan columns of the shown results (the delegate that
        colours 涨跌幅, one per column); columns of another model are given back."""
        from desktop_app.core.since_scan import SINCE_COLUMNS
        from desktop_app.ui.hit_cells import HitDelegate

        table = self.w.results_view.table
        for c in self._coloured:
            table.setItemDelegateForColumn(c, None)
        self._coloured = [model.COLUMNS.index(k) for k in SINCE_COLUMNS
                          if model is not None and k in model.COLUMNS]
        while len(self._delegates) < len(self._coloured):
            self._delegates.append(HitDelegate(table))
        for c, d in zip(self._coloured, self._delegates):
            d.change_column = c
            table.setItemDelegateForColumn(c, d)
