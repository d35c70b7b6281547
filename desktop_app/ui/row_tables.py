"""The one setup of a live row table (results, watchlist, tasks): whole-row selection, no
editing, no word wrap, fixed row heights (never ResizeToContents on a table that grows live:
QT_NOTES), no row numbers, interactive column widths, and Tab leaving the table."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

ROW_HEIGHT = 24


def setup_row_table(table: QTableView, *, extended: bool = True) -> QTableView:
    """Configure ``table`` as above; ``extended``: several rows selectable (else one)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if extended
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    vh = table.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(ROW_HEIGHT)
    vh.hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table
