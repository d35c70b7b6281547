"""Relative strength in the stock view: the Panes menu's "Relative strength" submenu overlays an
index on a stock's chart (``ChartWidget.set_compare``: normalised to the first visible bar), the
choice remembered in ``QSettings()`` ("chart/compare": "" off, "board" = the stock's board index,
or an index code).

Board index: 上证指数 for the Shanghai main board, 深证成指 for the Shenzhen main board, 创业板指
for ChiNext, 科创50 for STAR, 沪深300 for Beijing (it has no index here). The index's bars come
from ``core.index_data.load_index_bars`` on the view's runner (store first) whenever the chart
gets new bars (another stock or period); an index chart compares with nothing.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from desktop_app.ui.i18n import tr
from desktop_app.ui.index_breadth import is_index

COMPARE_KEY = "chart/compare"
BOARD_INDEX = {"sh_main": "000001", "sz_main": "399001", "chinext": "399006", "star": "000688",
               "bse": "000300"}


def compare_code(choice: str, symbol: str) -> str | None:
    """The index to overlay on ``symbol``'s chart for ``choice`` (None: nothing)."""
    from desktop_app.core.symbols import INDEXES, SymbolError, board_of

    if not choice or not symbol or is_index(symbol):
        return None
    if choice == "board":
        try:
            return BOARD_INDEX[board_of(symbol)]
        except SymbolError:
            return None
    return choice if choice in INDEXES else None


def _load(symbol: str, code: str, source: Any, store: Any) -> tuple[str, str, Any]:
    from desktop_app.core.index_data import load_index_bars

    return symbol, code, load_index_bars(code, source, store)


class RelativeStrength(QObject):
    """The submenu, its setting, and the overlay's data for the view's chart."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        from desktop_app.core.symbols import INDEXES

        self.view = view
        self._key = f"relative-strength-{id(self)}"
        self._shown: tuple[str, str] | None = None           # (symbol, index code) on the chart
        saved = str(QSettings().value(COMPARE_KEY, "") or "")
        self.menu = QMenu(view.panes_menu)
        self.menu.setObjectName("relativeStrengthMenu")
        view.panes_menu.addSeparator()
        view.panes_menu.addMenu(self.menu)
        group = QActionGroup(self.menu)
        group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for choice in ["", "board", *INDEXES]:
            a = QAction(self.menu)
            a.setCheckable(True)
            a.setData(choice)
            group.addAction(a)
            self.menu.addAction(a)
            a.toggled.connect(self._on_toggled)
            self.actions[choice] = a
        self.actions.get(saved, self.actions[""]).setChecked(True)
        view.chart.bars_changed.connect(self.follow)
        self.retranslate()

    def retranslate(self) -> None:
        from desktop_app.core.symbols import INDEXES

        self.menu.setTitle(tr("Relative strength"))
        self.actions[""].setText(tr("Off"))
        self.actions["board"].setText(tr("Board index"))
        for code, (zh, _en, exchange) in INDEXES.items():
            self.actions[code].setText(f"{zh} {exchange.lower()}{code}")

    def choice(self) -> str:
        return next((k for k, a in self.actions.items() if a.isChecked()), "")

    def set_choice(self, choice: str) -> None:
        self.actions[choice].setChecked(True)

    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        if not on:
            return
        QSettings().setValue(COMPARE_KEY, self.choice())
        self._shown = None
        self.follow()

    @Slot()
    def follow(self) -> None:
        """The chart has new bars (or the choice changed): overlay the chosen index, or nothing."""
        v = self.view
        symbol = v.current_symbol()
        code = compare_code(self.choice(), symbol)
        src = getattr(v.ctx, "source", None)
        if code is None or src is None:
            self._shown = None
            v.runner.run(lambda: None, key=self._key)         # drop a pending load
            if v.chart.compare_name():
                v.chart.set_compare("", None)
            return
        if self._shown == (symbol, code) and v.chart.compare_name():
            return                                            # same index: the chart re-aligns it
        v.runner.run(partial(_load, symbol, code, src, getattr(v.ctx, "store", None)), self._on_loaded,
                     self._on_error, key=self._key)

    def _on_loaded(self, result: tuple[str, str, Any]) -> None:
        from desktop_app.core.symbols import INDEXES

        symbol, code, bars = result
        if symbol != self.view.current_symbol() or compare_code(self.choice(), symbol) != code:
            return
        self._shown = (symbol, code)
        self.view.chart.set_compare(INDEXES[code][0], bars["close"])

    def _on_error(self, exc: BaseException) -> None:
        self.view.panel.show_message(tr("Could not load the index to compare: {error}").format(
            error=getattr(exc, "user_message", None) or str(exc)), error=True)
