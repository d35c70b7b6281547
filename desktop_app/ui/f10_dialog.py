"""The F10 page of one stock (通达信's F10 key): the latest valuation with its date and the
company profile over the valuation history (PE/PB over time, a small chart:
``ui/f10_valuation_chart.py``), the last 8 quarters' reports in a table (报告期, EPS, 营业收入 and 同比, 净利润
and 同比, ROE, 每股净资产, 毛利率), and the dividend plans.

A non-modal dialog; ``show_symbol`` shows a placeholder at once and asks the window's background
runner for ``core.f10.load_f10`` (``key="f10"``: newest wins, an answer for another stock is
dropped); each part that failed says why in one sentence. DEMO-labelled on the demo market;
Esc closes it.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QTableWidget, QTabWidget,
                               QVBoxLayout, QWidget)

from desktop_app.core import numfmt
from desktop_app.core.symbols import BOARDS
from desktop_app.ui.analysis_panel import _item, down_color_name, up_color_name
from desktop_app.ui.i18n import model_lang, pick, reason_text, tr

LOAD_KEY = "f10"
ERROR_STYLE = "color: #c62828;"
#: The report table's columns: (report key, how it is shown).
REPORT_COLUMNS = ("report_date", "eps", "revenue", "revenue_yoy", "profit", "profit_yoy", "roe", "bvps",
                  "gross_margin")
DIVIDEND_COLUMNS = ("report_date", "plan", "record_date", "ex_date", "progress")


def _date(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return numfmt.MISSING
    if isinstance(v, dt.datetime):
        v = v.date()
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def report_cell(key: str, v: Any) -> str:
    """One report value as the F10 table shows it (万/亿 amounts, % ratios, signed growth)."""
    if key == "report_date":
        return _date(v)
    if key in ("revenue", "profit"):
        return numfmt.big(v, model_lang())
    if key in ("revenue_yoy", "profit_yoy"):
        return numfmt.pct(v)
    if key in ("roe", "gross_margin"):
        return numfmt.pct(v, sign=False)
    return numfmt.num(v, 3 if key == "eps" else 2)


def dividend_plan(row: dict) -> str:
    """"10派3.50元" / "10 for 3.50 yuan cash"; shares given too when there are."""
    cash, shares = row.get("cash_per_10"), row.get("shares_per_10")
    parts = []
    if numfmt.finite(cash) and float(cash) > 0:
        parts.append(tr("10 shares: {cash} yuan cash").format(cash=numfmt.num(cash)))
    if numfmt.finite(shares) and float(shares) > 0:
        parts.append(tr("10 shares: {n} bonus shares").format(n=numfmt.num(shares)))
    return "; ".join(parts) or numfmt.MISSING


def _table(name: str, n: int) -> QTableWidget:
    t = QTableWidget(0, n)
    t.setObjectName(name)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class F10Dialog(QDialog):
    """One stock's F10 page; ``context`` is the window's AppContext (source, store, runner)."""

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("f10Dialog")
        self.ctx = context
        self._symbol = ""
        self._data: Any = None
        self._error: Any = None
        self.resize(880, 640)
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("f10Title")
        f = QFont(self.title_label.font())
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title_label.setFont(f)
        self.demo_label = QLabel("DEMO")
        self.demo_label.setObjectName("f10Demo")
        self.demo_label.setStyleSheet("color: white; background: #d84315; padding: 1px 6px; font-weight: bold;")
        head.addWidget(self.title_label)
        head.addWidget(self.demo_label)
        head.addStretch(1)
        lay.addLayout(head)
        self.status_label = QLabel()
        self.status_label.setObjectName("f10Status")
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("f10Tabs")
        lay.addWidget(self.tabs, 1)
        # overview: valuation + profile side by side
        over = QWidget()
        ov = QVBoxLayout(over)
        ol = QHBoxLayout()
        ov.addLayout(ol)
        self.valuation_box = QGroupBox()
        self.valuation_form = QFormLayout(self.valuation_box)
        self.valuation_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("date", "close", "pe_ttm", "pe_static", "pb", "market_cap", "float_cap"):
            k, v = QLabel(), QLabel()
            v.setObjectName(f"f10_val_{key}")
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.valuation_labels[key] = (k, v)
            self.valuation_form.addRow(k, v)
        self.valuation_note = QLabel()
        self.valuation_note.setObjectName("f10ValuationNote")
        self.valuation_note.setWordWrap(True)
        self.valuation_form.addRow(self.valuation_note)
        self.profile_box = QGroupBox()
        self.profile_form = QFormLayout(self.profile_box)
        self.profile_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("name", "board", "industry", "listed_date", "total_shares", "float_shares"):
            k, v = QLabel(), QLabel()
            v.setObjectName(f"f10_profile_{key}")
            self.profile_labels[key] = (k, v)
            self.profile_form.addRow(k, v)
        self.profile_note = QLabel()
        self.profile_note.setObjectName("f10ProfileNote")
        self.profile_note.setWordWrap(True)
        self.profile_form.addRow(self.profile_note)
        ol.addWidget(self.valuation_box, 1)
        ol.addWidget(self.profile_box, 1)
        from desktop_app.ui.f10_valuation_chart import ValuationHistoryChart

        self.valuation_chart = ValuationHistoryChart()
        ov.addWidget(self.valuation_chart, 1)
        self.tabs.addTab(over, "")
        # reports
        self.reports_note, self.reports_table = self._table_tab("Reports", len(REPORT_COLUMNS))
        self.dividends_note, self.dividends_table = self._table_tab("Dividends", len(DIVIDEND_COLUMNS))
        self.tabs.setCurrentIndex(1)            # the reports first, as 通达信's 财务分析
        self.render()

    def _table_tab(self, name: str, columns: int) -> tuple[QLabel, QTableWidget]:
        """A tab of a note (why the part is missing) over a table."""
        tab = QWidget()
        lay = QVBoxLayout(tab)
        note = QLabel()
        note.setObjectName(f"f10{name}Note")
        note.setWordWrap(True)
        table = _table(f"f10{name}", columns)
        lay.addWidget(note)
        lay.addWidget(table, 1)
        self.tabs.addTab(tab, "")
        return note, table

    # -- loading ---------------------------------------------------------------------------
    def symbol(self) -> str:
        return self._symbol

    def data(self) -> Any:
        return self._data

    def show_symbol(self, symbol: str) -> None:
        """Show ``symbol``'s page: a placeholder now, the data when the runner has it."""
        from desktop_app.core.f10 import load_f10

        self._symbol, self._data, self._error = symbol, None, None
        src = self.ctx.source
        if src is None:
            self._error = tr("The data source is not ready yet.")
        else:
            self.ctx.runner.run(partial(load_f10, src, self.ctx.store, symbol), partial(self._loaded, symbol),
                                partial(self._failed, symbol), key=LOAD_KEY)
        self.render()
        self.show()
        self.raise_()
        self.activateWindow()

    def _loaded(self, symbol: str, data: Any) -> None:
        if symbol == self._symbol:
            self._data = data
            self.render()

    def _failed(self, symbol: str, exc: BaseException) -> None:
        if symbol != self._symbol:
            return
        reason = getattr(exc, "reason", None)
        if reason is None:
            import sys
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        self._error = tr("Could not load the F10 data: {error}").format(error=reason_text(reason))
        self.render()

    # -- rendering -------------------------------------------------------------------------
    def render(self) -> None:
        d = self._data
        name = d.name if d is not None else ""
        self.setWindowTitle(tr("F10 — {name} {code}").format(name=name, code=self._symbol).replace("  ", " "))
        self.title_label.setText(f"{name}  {self._symbol}".strip())
        self.demo_label.setVisible(bool(getattr(self.ctx, "is_demo", False)) or bool(getattr(d, "is_demo", False)))
        self.valuation_box.setTitle(tr("Valuation"))
        self.profile_box.setTitle(tr("Company profile"))
        self.tabs.setTabText(0, tr("Valuation and profile"))
        self.tabs.setTabText(1, tr("Financial reports"))
        self.tabs.setTabText(2, tr("Dividends"))
        for key, text in (("date", "Date"), ("close", "Close"), ("pe_ttm", "P/E (TTM)"),
                          ("pe_static", "P/E (static)"), ("pb", "P/B"), ("market_cap", "Market cap"),
                          ("float_cap", "Float cap")):
            self.valuation_labels[key][0].setText(tr(text))
        for key, text in (("name", "Name"), ("board", "Board"), ("industry", "Industry"),
                          ("listed_date", "Listed"), ("total_shares", "Total shares"),
                          ("float_shares", "Float shares")):
            self.profile_labels[key][0].setText(tr(text))
        self.reports_table.setHorizontalHeaderLabels([tr(t) for t in (
            "Report period", "EPS (yuan)", "Revenue", "Revenue YoY", "Net profit", "Net profit YoY", "ROE",
            "Book value per share", "Gross margin")])
        self.dividends_table.setHorizontalHeaderLabels([tr(t) for t in (
            "Report period", "Plan", "Record date", "Ex-dividend date", "Progress")])
        if self._error:
            self.status_label.setText(self._error)
            self.status_label.setStyleSheet(ERROR_STYLE)
        elif d is None:
            self.status_label.setText(tr("Loading the F10 data of {code}…").format(code=self._symbol))
            self.status_label.setStyleSheet("color: palette(mid);")
        else:
            self.status_label.setText("")
        self.status_label.setVisible(bool(self.status_label.text()))
        self._render_valuation(d)
        self.valuation_chart.set_history(getattr(d, "valuation_history", None), getattr(d, "valuation_error", None),
                                         loaded=d is not None)
        self._render_profile(d)
        self._render_reports(d)
        self._render_dividends(d)

    def _note(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setStyleSheet(ERROR_STYLE)
        label.setVisible(bool(text))

    def _render_valuation(self, d: Any) -> None:
        f = getattr(d, "fundamentals", None)
        v = (f.valuation if f is not None else None) or {}
        lang = model_lang()
        texts = {"date": _date(v.get("date")) if v else numfmt.MISSING, "close": numfmt.num(v.get("close")),
                 "pe_ttm": numfmt.num(v.get("pe_ttm")), "pe_static": numfmt.num(v.get("pe_static")),
                 "pb": numfmt.num(v.get("pb")), "market_cap": numfmt.big(v.get("market_cap"), lang),
                 "float_cap": numfmt.big(v.get("float_cap"), lang)}
        for key, text in texts.items():
            self.valuation_labels[key][1].setText(text)
        why = getattr(f, "valuation_error", None)
        self._note(self.valuation_note, "" if d is None or v else
                   tr("No valuation: {reason}").format(reason=reason_text(why)) if why is not None
                   else tr("The source has no valuation for this stock."))

    def _render_profile(self, d: Any) -> None:
        p = getattr(d, "profile", None) or {}
        board = BOARDS.get(str(p.get("board") or ""))
        lang = model_lang()
        texts = {"name": str(p.get("name") or numfmt.MISSING),
                 "board": pick(board[:2]) if board else str(p.get("board") or numfmt.MISSING),
                 "industry": str(p.get("industry") or numfmt.MISSING),
                 "listed_date": _date(p.get("listed_date")),
                 "total_shares": numfmt.big(p.get("total_shares"), lang),
                 "float_shares": numfmt.big(p.get("float_shares"), lang)}
        for key, text in texts.items():
            self.profile_labels[key][1].setText(text)
        why = getattr(d, "profile_error", None)
        self._note(self.profile_note, tr("No profile: {reason}").format(reason=reason_text(why)) if why else "")

    def _render_reports(self, d: Any) -> None:
        reports = d.reports if d is not None else None
        t = self.reports_table
        rows = reports.to_dict("records") if reports is not None and len(reports) else []
        t.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for c, key in enumerate(REPORT_COLUMNS):
                v = r.get(key)
                color = None
                if key in ("revenue_yoy", "profit_yoy") and numfmt.finite(v) and float(v) != 0:
                    color = up_color_name() if float(v) > 0 else down_color_name()
                t.setItem(i, c, _item(report_cell(key, v), align_right=key != "report_date", color=color))
        why = getattr(d, "reports_error", None)
        if d is None:
            text = ""
        elif getattr(d, "reports_cached", False):
            text = tr("The source failed ({reason}); the stored reports are shown.").format(reason=reason_text(why))
        elif why is not None:
            text = tr("No reports: {reason}").format(reason=reason_text(why))
        elif not rows:
            text = tr("The source has no reports for this stock.")
        else:
            text = ""
        self._note(self.reports_note, text)

    def _render_dividends(self, d: Any) -> None:
        divs = getattr(d, "dividends", None)
        rows = divs.to_dict("records") if divs is not None and len(divs) else []
        t = self.dividends_table
        t.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = (_date(r.get("report_date")), dividend_plan(r), _date(r.get("record_date")),
                     _date(r.get("ex_date")), str(r.get("progress") or numfmt.MISSING))
            for c, text in enumerate(cells):
                t.setItem(i, c, _item(text))
        why = getattr(d, "dividends_error", None)
        text = "" if d is None else tr("No dividends: {reason}").format(reason=reason_text(why)) if why \
            else "" if rows else tr("No dividend plans on record.")
        self._note(self.dividends_note, text)
        if d is not None and not why and not rows:
            self.dividends_note.setStyleSheet("color: palette(mid);")

    def retranslate(self) -> None:
        self.render()
