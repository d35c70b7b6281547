"""The stock view's formula indicators: the Panes menu entries, their persistence, their evaluation.

"Add formula indicator…" in the Panes menu (also the chart's right-click menu) opens
``chart/formula_dialog.FormulaIndicatorDialog``; an accepted formula becomes a
``chart/formula_pane.FormulaIndicator`` shown by the chart in a pane of its own or over the
candles. "Remove formula indicator" lists them, one entry each.

Remembered per user: ``QSettings()`` "chart/formulas", a JSON list of ``{id, name, text,
on_price}``, read when the view is built (the chart shows the panes at once; their lines follow
the first evaluation) and written on every change.

Evaluated off the GUI thread: on the chart's ``bars_changed`` (every stock shown) and after an
add, :func:`evaluate_formulas` runs on the window's background runner (``context.runner``) with
one key per view, so the newest stock wins and a superseded result is dropped; the chart draws a
result only for the bars it was computed for.
"""
from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.ui.chart.formula_dialog import FormulaIndicatorDialog
from desktop_app.ui.chart.formula_pane import FormulaIndicator, FormulaResult, OutputSeries
from desktop_app.ui.i18n import tr

log = logging.getLogger(__name__)

FORMULAS_KEY = "chart/formulas"   # QSettings: JSON [{"id", "name", "text", "on_price"}, …]


def load_formula_indicators() -> list[FormulaIndicator]:
    """The remembered formula indicators (an unreadable setting is logged and ignored)."""
    raw = QSettings().value(FORMULAS_KEY, "")
    if not raw:
        return []
    try:
        items = json.loads(str(raw))
        return [FormulaIndicator(str(x["id"]), str(x["name"]), str(x["text"]), bool(x.get("on_price")))
                for x in items]
    except (ValueError, TypeError, KeyError) as e:
        log.warning("ignoring unreadable %s setting: %s", FORMULAS_KEY, e)
        return []


def save_formula_indicators(specs: list[FormulaIndicator]) -> None:
    QSettings().setValue(FORMULAS_KEY, json.dumps(
        [{"id": s.id, "name": s.name, "text": s.text, "on_price": s.on_price} for s in specs],
        ensure_ascii=False))


def evaluate_formulas(specs: list[FormulaIndicator], bars: Any) -> dict[str, FormulaResult]:
    """Runs on the background runner: every formula over one stock's bars (the chart's cleaned
    frame, so the values line up with its bars). A formula that no longer compiles gives its
    reason instead of values."""
    from desktop_app.core.formula import FormulaError, compile_formula

    out: dict[str, FormulaResult] = {}
    for spec in specs:
        try:
            f = compile_formula(spec.text)
        except FormulaError as e:
            out[spec.id] = FormulaResult(error=e.reason)
            continue
        values = f.evaluate_one(bars)
        out[spec.id] = FormulaResult(tuple(
            OutputSeries(o.key, None if "NOTEXT" in o.style.flags else o.name, o.style.color,
                         o.style.width, o.style.kind, o.style.draw, values[o.key]) for o in f.outputs))
    return out


def _evaluate_job(specs: list[FormulaIndicator], data: Any) -> tuple[Any, dict[str, FormulaResult]]:
    return data, evaluate_formulas(specs, data.frame)


class FormulaIndicators(QObject):
    """Owned by a ``StockView`` (its ``chart``, ``panes_menu`` and ``runner``)."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self.chart = view.chart
        self.runner = view.runner
        self._key = f"chart-formulas-{id(self)}"   # newest evaluation wins
        self.dialog: FormulaIndicatorDialog | None = None
        menu = view.panes_menu
        menu.addSeparator()
        self.add_action = QAction(menu)
        self.add_action.setObjectName("addFormulaIndicator")
        self.add_action.triggered.connect(self.open_dialog)
        menu.addAction(self.add_action)
        self.remove_menu = QMenu(menu)
        self.remove_menu.setObjectName("removeFormulaIndicator")
        menu.addMenu(self.remove_menu)
        self.remove_actions: dict[str, QAction] = {}
        self.chart.set_formula_indicators(load_formula_indicators())
        self.chart.bars_changed.connect(self.evaluate)
        self._sync_menu()

    # -- the user's list ------------------------------------------------------------------------
    def indicators(self) -> list[FormulaIndicator]:
        return self.chart.formula_indicators()

    def add(self, name: str, text: str, on_price: bool = False) -> FormulaIndicator:
        specs = self.indicators()
        ids = {s.id for s in specs}
        n = len(specs) + 1
        while str(n) in ids:
            n += 1
        spec = FormulaIndicator(str(n), name, text, bool(on_price))
        self._set(specs + [spec])
        self.evaluate()
        return spec

    def remove(self, fid: str) -> None:
        self._set([s for s in self.indicators() if s.id != fid])

    def _set(self, specs: list[FormulaIndicator]) -> None:
        self.chart.set_formula_indicators(specs)
        save_formula_indicators(specs)
        self._sync_menu()

    def _sync_menu(self) -> None:
        self.remove_menu.clear()
        self.remove_actions = {}
        for spec in self.indicators():
            a = QAction(spec.name, self.remove_menu)
            a.setData(spec.id)
            a.triggered.connect(self._on_remove)
            self.remove_menu.addAction(a)
            self.remove_actions[spec.id] = a
        self.remove_menu.setEnabled(bool(self.remove_actions))

    @Slot()
    def _on_remove(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.remove(str(action.data()))

    # -- the dialog -----------------------------------------------------------------------------
    @Slot()
    def open_dialog(self) -> FormulaIndicatorDialog:
        """Open the dialog (window-modal, not blocking); an accepted formula is added."""
        if self.dialog is None:
            self.dialog = FormulaIndicatorDialog(self.view)
            self.dialog.accepted.connect(self._on_accepted)
        self.dialog.open()
        return self.dialog

    @Slot()
    def _on_accepted(self) -> None:
        name, text, on_price = self.dialog.values()
        self.add(name, text, on_price)
        self.dialog.deleteLater()
        self.dialog = None

    # -- evaluation -----------------------------------------------------------------------------
    @Slot()
    def evaluate(self) -> None:
        """Evaluate every formula for the bars shown, on the runner (the newest request wins)."""
        specs, data = self.indicators(), self.chart.data
        if not specs or data is None:
            return
        self.runner.run(partial(_evaluate_job, specs, data), self._on_evaluated, self._on_failed,
                        key=self._key)

    def _on_evaluated(self, outcome: tuple[Any, dict[str, FormulaResult]]) -> None:
        data, results = outcome
        self.chart.set_formula_results(data, results)

    def _on_failed(self, exc: BaseException) -> None:
        log.warning("formula indicators failed: %s", exc)

    def retranslate(self) -> None:
        self.add_action.setText(tr("Add formula indicator…"))
        self.remove_menu.setTitle(tr("Remove formula indicator"))
        if self.dialog is not None:
            self.dialog.retranslate()
