"""The results table of the selected scan: live growth, in-model sort, filter-as-you-type,
score badges, red-up/green-down change, context menu and export.

Sorting is done by the ResultsModel itself (header clicks call ``model.sort``); the proxy in front
of it only filters (its own sort is never enabled), which keeps 5,000-row sorts at a few ms."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import (QModelIndex, QPoint, QRectF, QSortFilterProxyModel,
                            Qt, Signal, Slot)
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu,
                               QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView,
                               QToolButton, QVBoxLayout, QWidget)

from desktop_app.ui import theme
from desktop_app.ui.i18n import current_language, tr
from desktop_app.ui.task_view import model_column

SORT_ROLE = Qt.ItemDataRole.UserRole + 2     # ResultsModel.SortRole: the raw value
SYMBOL_ROLE = Qt.ItemDataRole.UserRole + 1   # ResultsModel.SymbolRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 4   # ResultsModel.SearchRole


class HitFilterProxy(QSortFilterProxyModel):
    """Filters rows by a text across code/name/industry. Never sorts (the source model does).

    Uses Qt's own fixed-string filter on the model's SearchRole instead of a Python
    ``filterAcceptsRow``: with no filter text Qt then accepts rows without calling into Python at
    all, so rows streaming in during a scan cost no GIL round trip per row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._source: Any = None
        self.setDynamicSortFilter(True)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def setSourceModel(self, model) -> None:  # noqa: N802 (Qt override)
        """Keep the source in a Python attribute: calling ``self.sourceModel()`` from Python in a
        QSortFilterProxyModel subclass makes PySide6 keep a reference to every model it returned,
        so each scan's results shown once stayed in memory for the whole session."""
        self._source = model
        super().setSourceModel(model)

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self._needle:
            return
        self._needle = needle
        self.setFilterFixedString(needle)

    def multiData(self, index, roleDataSpan) -> None:  # noqa: N802,N803 (Qt override)
        """Forward a cell's roles in one call to the source's ``multiData`` (the base proxy asks the
        source role by role, each a GIL-taking call into Python; see ResultsModel.multiData)."""
        src = self._source
        if src is None or not index.isValid():
            for rd in roleDataSpan:
                rd.clearData()
            return
        src.multiData(self.mapToSource(index), roleDataSpan)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Route any sort request to the source model (never sort a big table in the proxy)."""
        src = self._source
        if src is not None and column >= 0:
            src.sort(column, order)


class HitDelegate(QStyledItemDelegate):
    """Score as a coloured badge; change % red when up, green when down (A-share convention)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.score_column = -1
        self.change_column = -1

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if index.column() == self.change_column:
            v = index.data(SORT_ROLE)
            if isinstance(v, (int, float)) and v == v and v != 0:
                option.palette.setColor(QPalette.ColorRole.Text,
                                        theme.up_color() if v > 0 else theme.down_color())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        if index.column() != self.score_column:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        v = index.data(SORT_ROLE)
        try:
            score = float(v)
        except (TypeError, ValueError):
            score = None
        if score is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = opt.fontMetrics
        w = fm.horizontalAdvance(text) + 12
        h = min(opt.rect.height() - 4, fm.height() + 4)
        r = QRectF(opt.rect.right() - w - 4, opt.rect.center().y() - h / 2, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.score_color(score))
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(QColor("white"))
        painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()


class ResultsView(QWidget):
    """Filter bar + table + row count for one ResultsModel at a time."""

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
        self.table = QTableView()
        self.table.setObjectName("resultsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)  # sorting goes to the source model (see module doc)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(24)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never ResizeToContents here
        hh.setSectionsClickable(True)
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        hh.setSectionsMovable(True)
        hh.sortIndicatorChanged.connect(self._on_sort_indicator)
        # Only the score and change columns get the Python delegate (set per column in
        # ``set_model``); the other columns keep the view's C++ default delegate. Every Python
        # paint/initStyleOption callback has to take the GIL, which a running scan thread holds
        # for up to the switch interval: a delegate on all ~20 columns made each repaint of the
        # table cost 300+ ms during a scan (benchmarks/bench_gui_stall.py).
        self.delegate = HitDelegate(self.table)
        self._delegate_columns: list[int] = []
        self.table.doubleClicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)  # Enter on a row
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        lay.addWidget(self.table, 1)
        for sig in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                    self.proxy.layoutChanged):
            sig.connect(self._update_count)

        self.add_action = QAction(self)
        self.add_action.triggered.connect(self.add_selected_to_watchlist)
        self.copy_action = QAction(self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_codes)
        self.table.addAction(self.copy_action)
        self.open_action = QAction(self)
        self.open_action.triggered.connect(self._open_current)
        self._saved_header: bytes | None = None
        self.retranslate()
        self._update_count()

    def retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(tr("Filter by code, name or industry (Ctrl+F)"))
        self.export_button.setText(tr("Export…"))
        self.export_button.setToolTip(tr("Export to CSV or Excel (Ctrl+E)"))
        self.add_action.setText(tr("Add to watchlist"))
        self.copy_action.setText(tr("Copy codes"))
        self.open_action.setText(tr("Open in chart"))
        self._language_columns()
        self._update_count()

    def _language_columns(self) -> None:
        """Show the rating column of the UI language only (label_zh or label_en)."""
        m = self.source_model
        if m is None:
            return
        zh = current_language() == "zh_CN"
        for key, hidden in (("label_zh", not zh), ("label_en", zh)):
            c = model_column(m, key)
            if c >= 0:
                self.table.setColumnHidden(c, hidden)

    # -- binding ------------------------------------------------------------------------------
    def set_model(self, task_id: str, model: Any) -> None:
        """Show ``model`` (a ResultsModel, or None to clear) for task ``task_id``."""
        if model is self.source_model:
            return
        hh = self.table.horizontalHeader()
        if self.source_model is not None:
            self._saved_header = bytes(hh.saveState().data())
        self.task_id = task_id if model is not None else ""
        self.source_model = model
        self.proxy.setSourceModel(model)
        self.delegate.score_column = model_column(model, "score") if model is not None else -1
        self.delegate.change_column = model_column(model, "chg_pct") if model is not None else -1
        for c in self._delegate_columns:
            self.table.setItemDelegateForColumn(c, None)
        self._delegate_columns = [c for c in (self.delegate.score_column, self.delegate.change_column) if c >= 0]
        for c in self._delegate_columns:
            self.table.setItemDelegateForColumn(c, self.delegate)
        if model is not None:
            if self._saved_header:
                hh.restoreState(self._saved_header)
            else:
                self._default_widths(model)
            self._language_columns()
            sort = getattr(model, "_sort", None)
            hh.blockSignals(True)
            hh.setSortIndicator(sort[0] if sort else -1,
                                sort[1] if sort else Qt.SortOrder.DescendingOrder)
            hh.blockSignals(False)
        self._update_count()

    def _default_widths(self, model: Any) -> None:
        widths = {"symbol": 70, "name": 90, "industry": 90, "score": 64, "strategies": 160}
        for key, w in widths.items():
            c = model_column(model, key)
            if c >= 0:
                self.table.setColumnWidth(c, w)

    def header_state(self) -> bytes:
        if self.source_model is not None:
            return bytes(self.table.horizontalHeader().saveState().data())
        return self._saved_header or b""

    def restore_header_state(self, state: bytes | None) -> None:
        if state:
            self._saved_header = bytes(state)
            if self.source_model is not None:
                self.table.horizontalHeader().restoreState(self._saved_header)

    # -- sort / filter ------------------------------------------------------------------------
    @Slot(int, Qt.SortOrder)
    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        if self.source_model is not None and column >= 0:
            self.source_model.sort(column, order)

    def sort_by(self, key: str, order: Qt.SortOrder = Qt.SortOrder.DescendingOrder) -> None:
        c = model_column(self.source_model, key)
        if c >= 0:
            self.table.horizontalHeader().setSortIndicator(c, order)

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

    def selected_symbols(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        out = []
        for r in rows:
            s = self.proxy.index(r, 0).data(SYMBOL_ROLE)
            if s:
                out.append(str(s))
        return out

    def export_snapshot(self) -> list[dict]:
        """The hit rows as the user sees them (filtered, in the current order): plain dicts the
        export task writes through core's presenter (``core.hits.export_job``)."""
        m = self.source_model
        if m is None:
            return []
        return [m.row_dict(r) for r in self.visible_source_rows()]

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
        menu = QMenu(self)
        has = bool(self.selected_symbols())
        for a in (self.open_action, self.add_action, self.copy_action):
            a.setEnabled(has)
            menu.addAction(a)
        menu.popup(self.table.viewport().mapToGlobal(pos))
