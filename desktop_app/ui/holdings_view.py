"""The holdings dock (持仓): a row per lot with last price, market value, day change, floating P&L
and %, weight and risk figures, the portfolio's totals, its concentration by industry and its
drawdown; add / remove / import / export, and an alert (stop-loss, take-profit …) on a row.

Every read and write (the holdings in SQLite, the bars, the universe, a file) runs on the
background runner; the valuation (``core/portfolio_data.load_valuation``) uses the latest
snapshot when one has arrived (``spot()``), else the stored bars."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QHeaderView, QLabel, QMenu, QStyledItemDelegate, QTableView, QVBoxLayout, QWidget

from desktop_app.core import numfmt as nf
from desktop_app.core.reasons import Reason
from desktop_app.ui import theme
from desktop_app.ui.file_dialogs import FileType, open_file, save_file
from desktop_app.ui.i18n import current_language, model_lang, reason_text, tr
from desktop_app.ui.row_tables import setup_row_table
from desktop_app.workers.holdings_model import SIGNED, HoldingsModel, IdRole, SortRole, SymbolRole
from desktop_app.ui.button_row import button_row


class _SignDelegate(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if HoldingsModel.COLUMNS[index.column()] in SIGNED:
            v = index.data(SortRole)
            if isinstance(v, (int, float)) and v == v and v != 0:
                option.palette.setColor(QPalette.ColorRole.Text, theme.up_color() if v > 0 else theme.down_color())


class HoldingsView(QWidget):
    alert_requested = Signal(str)          # a code: open the alert editor on that holding
    open_symbol_requested = Signal(str)

    def __init__(self, ctx: Any, spot: Callable[[], Any] = lambda: None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holdingsView")
        self.ctx = ctx
        self.spot = spot
        self.valuation: Any = None
        self.model = HoldingsModel(model_lang(), self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        self.totals = QLabel()
        self.totals.setObjectName("holdingsTotals")
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.totals)
        self.table = QTableView()
        self.table.setObjectName("holdingsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(_SignDelegate(self.table))
        setup_row_table(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.doubleClicked.connect(lambda i: self.open_symbol_requested.emit(str(i.data(SymbolRole) or "")))
        lay.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("holdingsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        self.buttons = button_row("holdings", (("add", self.add_dialog), ("remove", self.remove_selected),
                                               ("import", self.import_file), ("export", self.export_file),
                                               ("alert", self.alert_selected)), lay)
        self.alert_action = QAction(self)
        self.alert_action.triggered.connect(self.alert_selected)
        self.retranslate()

    def retranslate(self) -> None:
        for key, text in (("add", "Add…"), ("remove", "Remove"), ("import", "Import…"), ("export", "Export…"),
                          ("alert", "Alert…")):
            self.buttons[key].setText(tr(text))
        self.buttons["alert"].setToolTip(tr("Stop-loss, take-profit or another alert on this holding"))
        self.alert_action.setText(tr("Set an alert…"))
        self.model.set_language("zh" if current_language() == "zh_CN" else "en")
        self._show_totals()

    @property
    def watch(self) -> Any:
        return self.ctx.watchlist.store

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setVisible(bool(text))

    def _fail(self, exc: BaseException) -> None:
        self._say(reason_text(Reason.of(exc)), error=True)

    # -- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the holdings and value them in the background (newest request wins)."""
        source, store, watch, spot = self.ctx.source, self.ctx.store, self.watch, self.spot()
        if source is None:
            return

        def work():
            from desktop_app.core.portfolio_data import load_valuation

            return load_valuation(source, store, watch.holdings(), spot)

        self.ctx.runner.run(work, self.set_valuation, self._fail, key="holdings")

    def set_valuation(self, valuation: Any) -> None:
        self.valuation = valuation
        self.model.set_valuation(valuation)
        self._show_totals()

    def _show_totals(self) -> None:
        v = self.valuation
        if v is None or not v.totals.get("count"):
            self.totals.setText(tr("No holdings: add one, or import a CSV/XLSX of code, quantity, cost, date."))
            return
        lang, t, d = model_lang(), v.totals, v.drawdown
        demo = "DEMO · " if getattr(self.ctx.source, "is_demo", False) else ""
        sep = "，" if lang == "zh" else ", "
        industries = sep.join(f"{r.industry} {nf.pct(r.weight, 1, sign=False)}" for r in v.by_industry.head(5).itertuples())
        self.totals.setText(demo + tr("Value {value} · cost {cost}\nFloating P&L {pnl} ({pnl_pct}) · today {day} "
                                      "({day_pct})\nDrawdown now {dd} · largest {mdd}\nBy industry: {ind}").format(
            value=nf.big(t["market_value"], lang, 2, 2), cost=nf.big(t["cost_value"], lang, 2, 2),
            pnl=nf.big(t["pnl"], lang, 2, 2), pnl_pct=nf.pct(t["pnl_pct"]), day=nf.big(t["day_change"], lang, 2, 2),
            day_pct=nf.pct(t["day_change_pct"]), dd=nf.pct(d.get("current")), mdd=nf.pct(d.get("max")), ind=industries))

    def selected_ids(self) -> list[int]:
        return [int(self.model.index(i.row(), 0).data(IdRole)) for i in self.table.selectionModel().selectedRows()]

    def current_code(self) -> str:
        return str(self.table.currentIndex().siblingAtColumn(0).data(SymbolRole) or "")

    # -- actions ------------------------------------------------------------------------------
    def add_dialog(self, code: str = "") -> Any:
        from desktop_app.ui.holdings_dialog import HoldingDialog

        dlg = HoldingDialog(code, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.add_holding(dlg.holding))
        dlg.open()
        return dlg

    def add_holding(self, h: Any) -> None:
        watch = self.watch
        self.ctx.runner.run(lambda: watch.add_holding(h.code, h.quantity, h.cost, h.date),
                            lambda _: self.reload(), self._fail)

    def remove_selected(self) -> None:
        ids, watch = self.selected_ids(), self.watch
        if ids:
            self.ctx.runner.run(lambda: [watch.remove_holding(i) for i in ids], lambda _: self.reload(), self._fail)

    def import_file(self, path: str | None = None) -> None:
        path = path or open_file(self, "holdings_import", tr("Import holdings"),
                                 [FileType(tr("CSV"), ".csv"), FileType(tr("Excel workbook"), ".xlsx")])
        if not path:
            return
        watch = self.watch

        def work():
            from desktop_app.core.holdings_file import preview_holdings

            p = preview_holdings(path)
            if p.holdings:
                watch.replace_holdings(p.holdings)
            return p

        self.ctx.runner.run(work, self._imported, self._fail)

    def _imported(self, preview: Any) -> None:
        parts = [tr("Imported {n} holdings.").format(n=len(preview.holdings))]
        if preview.rejected:
            parts.append(tr("Rejected: {items}").format(items="; ".join(
                f"{n}: {text} — {reason_text(r)}" for n, text, r in preview.rejected[:10])))
        self._say(" ".join(parts), error=bool(preview.rejected))
        self.reload()

    def export_file(self, path: str | None = None) -> None:
        path = path or save_file(self, "holdings_export", tr("Export holdings"), "持仓",
                                 [FileType(tr("CSV (UTF-8, Excel)"), ".csv"), FileType(tr("Excel workbook"), ".xlsx")])
        if not path:
            return
        watch, lang = self.watch, model_lang()

        def work():
            from desktop_app.core.holdings_file import export_holdings

            return export_holdings(path, watch.holdings(), lang)

        self.ctx.runner.run(work, lambda p: self._say(tr("Exported to {path}").format(path=str(p))), self._fail)

    def alert_selected(self) -> None:
        code = self.current_code()
        if code:
            self.alert_requested.emit(code)

    @Slot(QPoint)
    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.alert_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
