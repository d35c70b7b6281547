"""The analysis panel's 基本面得分 (fundamental score) section, under the technical score: the
0–100 total, one bar per dimension (估值, 盈利与健康, 成长), the rule trace like the technical
score's, or "not scored" with its reason when data is missing.

``FundamentalScoreLoader`` fills it for the stock the stock view shows: on every
``stock_loaded`` it asks the window's background runner (``key="fundamental-score"``, newest
wins) for ``core.stock_fundamentals.load_stock_fundamentals`` — the same numbers as
``stockscan-cli fundamentals`` — and drops an answer for a stock no longer shown.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop_app.core import numfmt
from desktop_app.core.catalogue import values_text
from desktop_app.ui.analysis_panel import FLAT_COLOR, MET_MARK, NOT_MET_MARK, _column_modes, _fit_height, _item, _table
from desktop_app.ui import theme
from desktop_app.core.fundamental_score import DIMENSIONS
from desktop_app.ui.i18n import is_zh, model_lang, reason_text, tr
from desktop_app.ui.score_header import ScoreHeader

LOAD_KEY = "fundamental-score"


class FundamentalScoreBox(QGroupBox):
    """Shows a ``StockFundamentals`` (``set_result``), a failure (``set_error``) or loading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fundamentalScoreBox")
        self._result: Any = None
        self._error: Any = None
        self._loading = False
        lay = QVBoxLayout(self)
        self.header = ScoreHeader(DIMENSIONS, "fscore")
        self.dim_bars = self.header.dim_bars
        lay.addWidget(self.header)
        self.trace_table = _table(4, "fscoreTrace")
        self.trace_table.setWordWrap(True)
        lay.addWidget(self.trace_table)
        row = QHBoxLayout()
        row.addStretch(1)
        self.f10_button = QPushButton()        # the F10 page of this stock (wired by ui/f10_opener.py)
        self.f10_button.setObjectName("fscoreF10Button")
        row.addWidget(self.f10_button)
        lay.addLayout(row)
        self.render()

    # -- state -----------------------------------------------------------------------------
    def set_loading(self) -> None:
        self._result, self._error, self._loading = None, None, True
        self.render()

    def set_result(self, result: Any) -> None:
        self._result, self._error, self._loading = result, None, False
        self.render()

    def set_error(self, reason: Any) -> None:
        self._result, self._error, self._loading = None, reason, False
        self.render()

    def result(self) -> Any:
        return self._result

    def is_loading(self) -> bool:
        return self._loading

    # -- rendering -------------------------------------------------------------------------
    def render(self) -> None:
        self.setTitle(tr("Fundamental score"))
        self.f10_button.setText(tr("F10 company info…"))
        self.f10_button.setToolTip(tr("Reports, valuation history and dividends of this stock (F10)"))
        self.header.retranslate()
        self.trace_table.setHorizontalHeaderLabels([tr("Dimension"), tr("Rule and values"), tr("Met"), tr("Points")])
        r = self._result
        s = getattr(r, "score", None)
        scored = s is not None and bool(s.valid[0])
        if scored:
            total = float(s.total[0])
            period = (r.latest or {}).get("report_date")
            text, note = numfmt.num(total, 0 if total.is_integer() else 1), \
                tr("out of 100; report {period}").format(period=period)
        else:
            text = "—"
            if self._loading:
                note = tr("Loading the reports…")
            elif self._error is not None:
                note = tr("Not scored: {reason}").format(reason=reason_text(self._error))
            elif s is not None:
                note = tr("Not scored: {reason}").format(reason=reason_text(s.invalid_reason[0]))
            else:
                note = ""
        self.header.show_score(text, note, {d: float(s.dims[d][0]) for d in DIMENSIONS} if scored else {})
        self._render_trace(s.trace(0) if scored else [])

    def _render_trace(self, trace: list) -> None:
        t = self.trace_table
        t.setRowCount(len(trace))
        zh, lang = is_zh(), model_lang()
        dims = DIMENSIONS
        for row, rule in enumerate(trace):
            d = dims.get(rule.dimension)
            dim_text = (d[1] if zh else d[2]) if d else tr("Scaling")
            desc = rule.desc_zh if zh else rule.desc_en
            values = values_text(rule.values, lang) if rule.dimension != "scale" else ""
            t.setItem(row, 0, _item(dim_text))
            t.setItem(row, 1, _item(f"{desc}\n{values}" if values else desc, tooltip=rule.rule_id))
            t.setItem(row, 2, _item(MET_MARK if rule.met else NOT_MET_MARK,
                                    color=theme.up_color().name() if rule.met else FLAT_COLOR))
            pts = f"{rule.points_given:+.1f}" if rule.dimension == "scale" else \
                f"{numfmt.num(rule.points_given, 0)} / {numfmt.num(rule.points_possible, 0)}"
            t.setItem(row, 3, _item(pts, align_right=True))
        _column_modes(t, stretch=(1,))
        _fit_height(t)
        t.setVisible(bool(trace))


class FundamentalScoreLoader(QObject):
    """Loads the fundamental score of every stock the stock view shows (see the module)."""

    def __init__(self, stock_view: Any, context: Any) -> None:
        super().__init__(stock_view)
        self.view, self.ctx = stock_view, context
        self.box = stock_view.panel.fscore_box
        self._symbol = ""
        stock_view.stock_loaded.connect(self.load)
        stock_view.load_failed.connect(self._on_view_failed)

    @Slot(str)
    def load(self, symbol: str) -> None:
        src = self.ctx.source
        if src is None or not symbol:
            return
        from desktop_app.core.stock_fundamentals import load_stock_fundamentals

        self._symbol = symbol
        self.box.set_loading()
        self.ctx.runner.run(partial(load_stock_fundamentals, src, symbol), partial(self._done, symbol),
                            partial(self._failed, symbol), key=LOAD_KEY)

    @Slot(str, str)
    def _on_view_failed(self, _symbol: str, _message: str) -> None:
        self._symbol = ""

    def _done(self, symbol: str, result: Any) -> None:
        if symbol == self._symbol:
            self.box.set_result(result)

    def _failed(self, symbol: str, exc: BaseException) -> None:
        if symbol != self._symbol:
            return
        reason = getattr(exc, "reason", None)
        if reason is None:               # a bug, not missing data: the window's error dialog
            import sys
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        self.box.set_error(reason)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return self.ctx.runner.wait(timeout)
