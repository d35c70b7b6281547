"""The results table of the selected scan: live growth, in-model sort, filter-as-you-type,
score badges, red-up/green-down change, 代码/名称 frozen on the left, a column chooser and a
remembered column layout, context menu and export.

Sorting is done by the ResultsModel itself (header clicks call ``model.sort``); the proxy in front
of it only filters (its own sort is never enabled), which keeps 5,000-row sorts at a few ms."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QCursor, QGuiApplication, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMenu, QTableView, QToolButton, QVBoxLayout, QWidget)

from desktop_app.core import hits
from desktop_app.ui.file_dialogs import FileType, save_file
from desktop_app.ui.hit_cells import SYMBOL_ROLE, HitDelegate, HitFilterProxy
from desktop_app.ui.i18n import tr
from desktop_app.ui.row_tables import setup_row_table
from desktop_app.ui.task_view import model_column



#: QSettings key of the column layout (order, hidden columns, widths the user set), by column key.
LAYOUT_KEY = "results/columns"
#: Starting widths (px); a column is never narrower than its header text needs.
DEFAULT_WIDTHS = {"symbol": 64, "name": 80, "last": 64, "chg_pct": 70, "score": 56, "label": 92,
                  "amount": 80, "turnover": 62, "vol_ratio": 56, "industry": 76, "board": 76,
                  "strategies": 180, "ma_trend": 64, "macd_state": 92, "rsi": 50, "trend": 48,
                  "volatility": 48, "technical": 48, "volume": 48, "momentum": 48, "chg60": 76, "ytd": 70}


class _FrozenLine(QWidget):
    """A 2 px line between the frozen columns and the rest, a shade between the theme's text and
    base colours (so it reads in light and dark alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("resultsFrozenLine")
        self.setFixedWidth(2)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        pal = self.palette()
        a, b = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        t = 0.4
        color = QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                       round(a.blue() + (b.blue() - a.blue()) * t))
        p = QPainter(self)
        p.fillRect(self.rect(), color)
        p.end()


def _table(name: str) -> QTableView:
    t = QTableView()
    t.setObjectName(name)
    t.setSortingEnabled(False)  # sorting goes to the source model (see module doc)
    setup_row_table(t)
    t.setFrameShape(QFrame.Shape.NoFrame)
    hh = t.horizontalHeader()
    hh.setSectionsClickable(True)
    hh.setSortIndicatorShown(True)
    hh.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
    hh.setHighlightSections(False)
    hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return t


class ResultsView(QWidget):
    """Filter bar + table + row count for one ResultsModel at a time.

    The table is two views on one proxy and one selection model, side by side: ``frozen`` shows
    代码 and 名称 (``hits.FROZEN_COLUMNS``) and never scrolls sideways, ``table`` shows every other
    column and scrolls under nothing (its vertical scroll bar drives both). Right-click either
    header for the column chooser; column order, hidden columns and the widths the user set are
    kept in ``QSettings()`` under ``LAYOUT_KEY`` by column key, and re-applied to every model shown
    (each new model starts scrolled fully left)."""

    open_symbol_requested = Signal(str)
    add_to_watchlist_requested = Signal(list)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsView")
        self.task_id = ""
        self.source_model: Any = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        bar = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("resultsFilter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter)
        bar.addWidget(self.filter_edit, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("resultsCount")
        bar.addWidget(self.count_label)
        self.export_button = QToolButton()
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.export_requested)
        bar.addWidget(self.export_button)
        lay.addLayout(bar)

        self.proxy = HitFilterProxy(self)
        self.frozen = _table("resultsFrozen")
        self.table = _table("resultsTable")
        for t in (self.frozen, self.table):
            t.setModel(self.proxy)
        self.frozen.setSelectionModel(self.table.selectionModel())   # one selection, two views
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.horizontalHeader().setSectionsMovable(False)
        # Sideways by whole columns, as 通达信 does: the column next to 名称 is never cut in half.
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.table.horizontalHeader().setSectionsMovable(True)
        # Both views scroll together vertically (C++ to C++, no Python per step). Under the frozen
        # view a blank strip stands in for the table's horizontal scroll bar whenever that shows,
        # so both viewports stay the same height and rows line up down to the last one.
        tv, fv = self.table.verticalScrollBar(), self.frozen.verticalScrollBar()
        tv.valueChanged.connect(fv.setValue)
        fv.valueChanged.connect(tv.setValue)
        self.table.horizontalScrollBar().rangeChanged.connect(self._mirror_scroll_bar)
        self.table.horizontalScrollBar().valueChanged.connect(self._whole_first_column)
        panes = QFrame()
        panes.setObjectName("resultsPanes")
        panes.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(panes)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(0)
        left.addWidget(self.frozen, 1)
        self.frozen_filler = QWidget()
        self.frozen_filler.setObjectName("resultsFrozenFiller")
        self.frozen_filler.hide()
        left.addWidget(self.frozen_filler)
        row.addLayout(left)
        self.frozen_line = _FrozenLine()         # where the frozen columns end
        row.addWidget(self.frozen_line)
        row.addWidget(self.table, 1)
        lay.addWidget(panes, 1)

        for t in (self.frozen, self.table):
            hh = t.horizontalHeader()
            hh.sortIndicatorChanged.connect(self._on_sort_indicator)
            hh.sectionResized.connect(self._on_section_resized)
            hh.customContextMenuRequested.connect(self._header_menu)
            t.doubleClicked.connect(self._on_activated)
            t.activated.connect(self._on_activated)  # Enter on a row
            t.customContextMenuRequested.connect(self._menu)
        self.table.horizontalHeader().sectionMoved.connect(self._on_section_moved)
        # Only the score and change columns get the Python delegate (set per column in
        # ``set_model``); the other columns keep the view's C++ default delegate. Every Python
        # paint/initStyleOption callback has to take the GIL, which a running scan thread holds
        # for up to the switch interval: a delegate on all ~20 columns made each repaint of the
        # table cost 300+ ms during a scan (benchmarks/bench_gui_stall.py).
        self.delegate = HitDelegate(self.table)
        self._delegate_columns: list[int] = []
        for sig in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                    self.proxy.layoutChanged):
            sig.connect(self._update_count)
        # a language switch renames the headers (and the names in 板块, 评级 …): default widths follow
        self.proxy.headerDataChanged.connect(self._on_header_data_changed)

        self.add_action = QAction(self)
        self.add_action.triggered.connect(self.add_selected_to_watchlist)
        self.copy_action = QAction(self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_codes)
        self.table.addAction(self.copy_action)
        self.frozen.addAction(self.copy_action)
        self.open_action = QAction(self)
        self.open_action.triggered.connect(self._open_current)
        self.reset_columns_action = QAction(self)
        self.reset_columns_action.triggered.connect(self.reset_columns)
        self._row_menu = QMenu(self)
        self._row_menu.setObjectName("resultsRowMenu")
        self._row_menu.addActions([self.open_action, self.add_action, self.copy_action])
        self._column_menu = QMenu(self)
        self._column_menu.setObjectName("resultsColumnMenu")
        self._column_menu.triggered.connect(self._on_column_action)
        self._applying = False
        self._layout = self._load_layout()
        self.retranslate()
        self._update_count()

    def retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(tr("Filter by code, name or industry (Ctrl+F)"))
        self.export_button.setText(tr("Export…"))
        self.export_button.setToolTip(tr("Export to CSV or Excel (Ctrl+E)"))
        self.add_action.setText(tr("Add to watchlist"))
        self.copy_action.setText(tr("Copy codes"))
        self.open_action.setText(tr("Open in chart"))
        self.reset_columns_action.setText(tr("Restore default columns"))
        if self.source_model is not None:
            self._apply_widths()      # header words changed length: default widths follow
        self._update_count()

    # -- binding ------------------------------------------------------------------------------
    def set_model(self, task_id: str, model: Any) -> None:
        """Show ``model`` (a ResultsModel, or None to clear) for task ``task_id``, with the
        remembered column layout, scrolled fully left."""
        if model is self.source_model:
            return
        if self.source_model is not None:
            self.source_model.columnsInserted.disconnect(self._on_columns_inserted)
        self.task_id = task_id if model is not None else ""
        self.source_model = model
        if model is not None:
            model.columnsInserted.connect(self._on_columns_inserted)
        self.proxy.setSourceModel(model)
        self.delegate.score_column = model_column(model, "score") if model is not None else -1
        self.delegate.change_column = model_column(model, "chg_pct") if model is not None else -1
        self.delegate.change_columns = frozenset(c for c in (model_column(model, k) for k in ("chg60", "ytd"))
                                                 if c >= 0) if model is not None else frozenset()
        for c in self._delegate_columns:
            self.table.setItemDelegateForColumn(c, None)
        self._delegate_columns = [c for c in (self.delegate.score_column, self.delegate.change_column,
                                              *self.delegate.change_columns) if c >= 0]
        for c in self._delegate_columns:
            self.table.setItemDelegateForColumn(c, self.delegate)
        if model is not None:
            self._apply_layout()
            sort = getattr(model, "_sort", None)
            for t in (self.frozen, self.table):
                hh = t.horizontalHeader()
                hh.blockSignals(True)
                hh.setSortIndicator(sort[0] if sort else -1,
                                    sort[1] if sort else Qt.SortOrder.DescendingOrder)
                hh.blockSignals(False)
            self.table.horizontalScrollBar().setValue(0)
        self._update_count()

    # -- columns ------------------------------------------------------------------------------
    def _columns(self) -> list[str]:
        m = self.source_model
        return list(getattr(m, "COLUMNS", None) or hits.COLUMNS) if m is not None else list(hits.COLUMNS)

    @staticmethod
    def _default_layout() -> dict:
        return {"order": [c for c in hits.COLUMNS if c not in hits.FROZEN_COLUMNS], "hidden": [], "widths": {}}

    def _load_layout(self) -> dict:
        lay = self._default_layout()
        raw = QSettings().value(LAYOUT_KEY)
        try:
            saved = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            saved = {}
        if isinstance(saved, dict):
            if isinstance(saved.get("order"), list):
                lay["order"] = [str(k) for k in saved["order"]]
            if isinstance(saved.get("hidden"), list):
                lay["hidden"] = [str(k) for k in saved["hidden"] if str(k) not in hits.FROZEN_COLUMNS]
            if isinstance(saved.get("widths"), dict):
                lay["widths"] = {str(k): int(v) for k, v in saved["widths"].items()
                                 if isinstance(v, (int, float)) and 10 <= v <= 2000}
        return lay

    def _save_layout(self) -> None:
        QSettings().setValue(LAYOUT_KEY, json.dumps(self._layout, ensure_ascii=False, sort_keys=True))

    def column_layout(self) -> dict:
        """The remembered layout: ``order`` (scrolling columns, left to right), ``hidden``, ``widths``."""
        return json.loads(json.dumps(self._layout))

    def _apply_layout(self) -> None:
        """Frozen columns in the frozen view only; the rest in the remembered order, visibility
        and widths (columns the layout does not know go at the end, shown)."""
        cols = self._columns()
        hh = self.table.horizontalHeader()
        known = [k for k in self._layout["order"] if k in cols and k not in hits.FROZEN_COLUMNS]
        order = [k for k in hits.FROZEN_COLUMNS if k in cols] + known
        order += [k for k in cols if k not in order]
        self._applying = True
        try:
            for visual, key in enumerate(order):
                current = hh.visualIndex(cols.index(key))
                if current != visual:
                    hh.moveSection(current, visual)
            for logical, key in enumerate(cols):
                frozen = key in hits.FROZEN_COLUMNS
                self.frozen.setColumnHidden(logical, not frozen)
                self.table.setColumnHidden(logical, frozen or key in self._layout["hidden"])
        finally:
            self._applying = False
        self._apply_widths()

    def _default_width(self, key: str) -> int:
        """The starting width: at least the header's text (+ the sort arrow) and, for columns of
        names (板块, 评级, 均线趋势 …), the longest name they can show — measured on words, never rows."""
        lang = getattr(self.source_model, "language", "zh")
        head = self.table.horizontalHeader().fontMetrics().horizontalAdvance(hits.header(key, lang)) + 26
        fm = self.table.fontMetrics()
        names = max((fm.horizontalAdvance(t) for t in hits.known_texts(key, lang)), default=0) + 12
        return min(200, max(DEFAULT_WIDTHS.get(key, 70), head, names))

    def _apply_widths(self) -> None:
        cols = self._columns()
        self._applying = True
        try:
            for logical, key in enumerate(cols):
                w = self._layout["widths"].get(key) or self._default_width(key)
                view = self.frozen if key in hits.FROZEN_COLUMNS else self.table
                view.setColumnWidth(logical, w)
        finally:
            self._applying = False
        self._fit_frozen()
        self._align_headers()

    @Slot(QModelIndex, int, int)
    def _on_columns_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        """A formula's output columns arrived with the first hits: shown in the scrolling table
        (at the end unless the layout places them), never in the frozen view."""
        if self.source_model is not None:
            self._apply_layout()

    @Slot(Qt.Orientation, int, int)
    def _on_header_data_changed(self, orientation: Qt.Orientation, _first: int, _last: int) -> None:
        if orientation == Qt.Orientation.Horizontal and self.source_model is not None:
            self._apply_widths()

    def _fit_frozen(self) -> None:
        cols = self._columns() if self.source_model is not None else []
        w = sum(self.frozen.columnWidth(cols.index(k)) for k in hits.FROZEN_COLUMNS if k in cols)
        self.frozen.setFixedWidth(max(w, 1))
        self.frozen_filler.setFixedWidth(max(w, 1))
        self.frozen.setVisible(bool(w))
        self.frozen_line.setVisible(bool(w))

    def _align_headers(self) -> None:
        """Both headers one height, so the two views' rows line up."""
        a, b = self.frozen.horizontalHeader(), self.table.horizontalHeader()
        a.setMinimumHeight(0)
        b.setMinimumHeight(0)
        h = max(a.sizeHint().height(), b.sizeHint().height())
        a.setFixedHeight(h)
        b.setFixedHeight(h)

    @Slot(int, int)
    def _mirror_scroll_bar(self, _min: int, maximum: int) -> None:
        """The table's scroll bar shows when ``maximum`` > 0 (Qt lays it out at its size hint's
        height): the strip under the frozen view follows."""
        self.frozen_filler.setFixedHeight(self.table.horizontalScrollBar().sizeHint().height())
        self.frozen_filler.setVisible(maximum > 0)

    @Slot(int)
    def _whole_first_column(self, value: int) -> None:
        """At the scroll bar's end Qt aligns the last column to the right edge, cutting the first
        one shown in half; start at a whole column there too (blank space after the last)."""
        sb = self.table.horizontalScrollBar()
        if value > 0 and value == sb.maximum():
            self.table.horizontalHeader().setOffsetToSectionPosition(value)
            self.table.viewport().update()

    def visible_columns(self) -> list[str]:
        """The column keys the user sees, left to right: the frozen ones, then the table's."""
        cols = self._columns()
        if self.source_model is None:
            return []
        hh = self.table.horizontalHeader()
        by_visual = sorted(range(len(cols)), key=hh.visualIndex)
        rest = [cols[i] for i in by_visual if not self.table.isColumnHidden(i)]
        return [k for k in hits.FROZEN_COLUMNS if k in cols] + rest

    def set_column_visible(self, key: str, visible: bool) -> None:
        cols = self._columns()
        if key not in cols or key in hits.FROZEN_COLUMNS:
            return
        hidden = [k for k in self._layout["hidden"] if k != key] + ([] if visible else [key])
        self._layout["hidden"] = hidden
        self._save_layout()
        if self.source_model is not None:
            self.table.setColumnHidden(cols.index(key), not visible)

    def show_columns(self, keys: list[str]) -> None:
        """Show these columns in this order (a saved screen's), hiding the others; frozen
        columns stay frozen. Remembered like a change made through the column chooser."""
        cols = self._columns()
        wanted = [k for k in dict.fromkeys(keys) if k not in hits.FROZEN_COLUMNS]
        rest = [k for k in self._layout["order"] if k not in wanted]
        self._layout["order"] = wanted + rest
        self._layout["hidden"] = [k for k in cols if k not in wanted and k not in hits.FROZEN_COLUMNS]
        self._save_layout()
        if self.source_model is not None:
            self._apply_layout()

    @Slot()
    def reset_columns(self) -> None:
        """Back to the default order, every column shown, default widths; forgets the saved layout."""
        self._layout = self._default_layout()
        QSettings().remove(LAYOUT_KEY)
        if self.source_model is not None:
            self._apply_layout()

    def column_menu(self) -> QMenu:
        """The column chooser, filled afresh: every column in the order shown, checked when
        visible (代码/名称 always, greyed), then "restore default columns". One menu, reused."""
        menu = self._column_menu
        menu.clear()                      # deletes the column actions of the last time
        cols = self._columns()
        lang = getattr(self.source_model, "language", "zh")
        shown = self.visible_columns()
        order = shown + [k for k in self._layout["order"] if k in cols and k not in shown]
        order += [k for k in cols if k not in order]
        scrolling_shown = [k for k in shown if k not in hits.FROZEN_COLUMNS]
        for key in order:
            a = menu.addAction(hits.header(key, lang))
            a.setObjectName(f"column_{key}")
            a.setData(key)
            a.setCheckable(True)
            a.setChecked(key in shown)
            # frozen columns always show; the last shown scrolling column cannot go
            a.setEnabled(key not in hits.FROZEN_COLUMNS and scrolling_shown != [key])
        menu.addSeparator()
        menu.addAction(self.reset_columns_action)
        return menu

    @Slot(QAction)
    def _on_column_action(self, action: QAction) -> None:
        key = action.data()
        if isinstance(key, str) and action.isCheckable():
            self.set_column_visible(key, action.isChecked())

    @Slot(QPoint)
    def _header_menu(self, pos: QPoint) -> None:
        if self.source_model is None:
            return
        header = self.sender()
        menu = self.column_menu()
        at = header.viewport().mapToGlobal(pos) if isinstance(header, QHeaderView) else QCursor.pos()
        menu.popup(at)

    @Slot(int, int, int)
    def _on_section_resized(self, logical: int, _old: int, new: int) -> None:
        if self._applying or new <= 0 or self.source_model is None:
            return  # ours, or a column being hidden (size 0)
        cols = self._columns()
        if 0 <= logical < len(cols):
            self._layout["widths"][cols[logical]] = int(new)
            self._save_layout()
            if cols[logical] in hits.FROZEN_COLUMNS:
                self._fit_frozen()

    @Slot(int, int, int)
    def _on_section_moved(self, _logical: int, _old: int, _new: int) -> None:
        if self._applying or self.source_model is None:
            return
        shown = self.visible_columns()
        hidden = [k for k in self._layout["order"] if k not in shown]
        hh = self.table.horizontalHeader()
        cols = self._columns()
        by_visual = [cols[i] for i in sorted(range(len(cols)), key=hh.visualIndex)]
        self._layout["order"] = [k for k in by_visual if k not in hits.FROZEN_COLUMNS]
        self._layout["order"] += [k for k in hidden if k not in self._layout["order"]]
        self._save_layout()

    # -- sort / filter ------------------------------------------------------------------------
    @Slot(int, Qt.SortOrder)
    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        for t in (self.frozen, self.table):   # one indicator across both headers
            hh = t.horizontalHeader()
            if hh.sortIndicatorSection() != column or hh.sortIndicatorOrder() != order:
                hh.blockSignals(True)
                hh.setSortIndicator(column, order)
                hh.blockSignals(False)
        if self.source_model is not None and column >= 0:
            self.source_model.sort(column, order)

    def sort_by(self, key: str, order: Qt.SortOrder = Qt.SortOrder.DescendingOrder) -> None:
        c = model_column(self.source_model, key)
        if c >= 0:
            view = self.frozen if key in hits.FROZEN_COLUMNS else self.table
            view.horizontalHeader().setSortIndicator(c, order)

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    @Slot()
    def _update_count(self, *args) -> None:
        total = self.source_model.rowCount() if self.source_model is not None else 0
        shown = self.proxy.rowCount()
        if self.source_model is None:
            self.count_label.setText(tr("No scan selected"))
        elif shown == total:
            self.count_label.setText(tr("{n} hits").format(n=total))
        else:
            self.count_label.setText(tr("{shown} of {n} hits").format(shown=shown, n=total))

    # -- rows ---------------------------------------------------------------------------------
    def visible_source_rows(self) -> list[int]:
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(self.proxy.rowCount())]

    def add_row_action(self, action: QAction) -> None:
        """One more action in the rows' context menu (the window's F10)."""
        self._row_menu.addAction(action)

    def current_symbol(self) -> str:
        """The code of the current row (either view), or ""."""
        idx = self.table.currentIndex()
        return str(idx.siblingAtColumn(0).data(SYMBOL_ROLE) or "") if idx.isValid() else ""

    def selected_symbols(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        out = []
        for r in rows:
            s = self.proxy.index(r, 0).data(SYMBOL_ROLE)
            if s:
                out.append(str(s))
        return out

    def export_snapshot(self) -> hits.HitRows:
        """The hit rows as the user sees them (filtered, in the current order) and the visible
        columns in the visible order (``.columns``): what the export task writes through core's
        presenter (``core.hits.export_job`` reads the columns off the snapshot)."""
        m = self.source_model
        if m is None:
            return hits.HitRows()
        return hits.HitRows((m.row_dict(r) for r in self.visible_source_rows()), self.visible_columns())

    def ask_export_path(self) -> str:
        """The results export's save dialog (remembered folder and type, UI language): a path
        ending .csv or .xlsx, or "" if cancelled. For ``MainWindow.export_dialog``."""
        name = f"{tr('scan-results')}-{date.today():%Y%m%d}"
        types = [FileType(tr("CSV (UTF-8, Excel)"), ".csv"), FileType(tr("Excel workbook"), ".xlsx")]
        return save_file(self.window(), "results_export", tr("Export results"), name, types)

    @Slot(QModelIndex)
    def _on_activated(self, idx: QModelIndex) -> None:
        s = idx.data(SYMBOL_ROLE)
        if s:
            self.open_symbol_requested.emit(str(s))

    @Slot()
    def _open_current(self) -> None:
        self._on_activated(self.table.currentIndex())

    @Slot()
    def add_selected_to_watchlist(self) -> None:
        syms = self.selected_symbols()
        if syms:
            self.add_to_watchlist_requested.emit(syms)

    @Slot()
    def copy_codes(self) -> None:
        syms = self.selected_symbols()
        if syms:
            QGuiApplication.clipboard().setText("\n".join(syms))

    @Slot(QPoint)
    def _menu(self, pos: QPoint) -> None:
        if self.source_model is None:
            return
        view = self.sender() if isinstance(self.sender(), QTableView) else self.table
        has = bool(self.selected_symbols())
        for a in (self.open_action, self.add_action, self.copy_action):
            a.setEnabled(has)
        self._row_menu.popup(view.viewport().mapToGlobal(pos))
