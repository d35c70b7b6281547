"""The analysis panel: one stock's report (core.analysis.StockReport) laid out for reading.

Top to bottom: identity, price block (red up / green down, the A-share convention), score with its
label and one bar per dimension, the full rule trace, support and resistance levels, risk figures,
recent strategy signals and key indicator values. Buttons add the stock to the watchlist, scan
its industry (or its board) and export the report; the panel itself does no I/O: it emits signals
and the stock view does the work.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QMenu, QPushButton,
                               QScrollArea, QSizePolicy, QTableWidget, QTableWidgetItem,
                               QToolButton, QVBoxLayout, QWidget)

from desktop_app.core import numfmt
from desktop_app.core.catalogue import VALUE_NAMES, pick, values_text
from desktop_app.core.score_rules import DIMENSIONS
from desktop_app.ui.score_header import ScoreHeader
from desktop_app.core.symbols import BOARDS
from desktop_app.ui import theme
from desktop_app.ui.i18n import is_zh, model_lang, reason_text, tr

FLAT_COLOR = "#616161"
MET_MARK, NOT_MET_MARK = "✓", "✗"
#: Indicator values shown in the panel, in this order (names from core's VALUE_NAMES).
INDICATOR_ROWS = ("ma5", "ma10", "ma20", "ma60", "dif", "dea", "macd", "k", "d", "j", "rsi",
                  "boll_upper", "boll_mid", "boll_lower", "atr_pct", "roc10", "vol_ratio")


# ---------------------------------------------------------------------------- formatting helpers
def _finite(x: Any) -> bool:
    return numfmt.finite(x) and isinstance(x, (int, float))


def fmt_num(x: Any, digits: int = 2) -> str:
    return numfmt.num(x, digits, thousands=True)


def fmt_pct(x: Any, digits: int = 2, sign: bool = True) -> str:
    return numfmt.pct(x, digits, sign)


def fmt_big(x: Any) -> str:
    """Volumes and amounts in 万/亿 (zh) or K/M/B (en): core's one formatter."""
    return numfmt.big(x, model_lang())


def fmt_date(d: Any) -> str:
    if d is None:
        return "—"
    if isinstance(d, (dt.datetime,)):
        return d.date().isoformat()
    return d.isoformat() if hasattr(d, "isoformat") else str(d)


def change_color(x: Any) -> str:
    """The theme's red (up) / green (down), grey when flat or unknown."""
    if not _finite(x) or float(x) == 0:
        return FLAT_COLOR
    return up_color_name() if float(x) > 0 else down_color_name()


def up_color_name() -> str:
    return theme.up_color().name()


def down_color_name() -> str:
    return theme.down_color().name()


def fmt_values(values: dict) -> str:
    """A rule's inputs as 通达信 names them, e.g. ``MA5=14.80, MA20=14.69``."""
    return values_text(values, model_lang())


def scan_universes(report: Any) -> list[tuple[str, str]]:
    """``(universe string, menu text)`` for the scans the stock belongs to: its industry, its board."""
    out = []
    industry = str(getattr(report, "industry", "") or "").strip()
    if industry and industry.lower() not in ("nan", "none"):
        out.append((f"industry:{industry}", tr("Scan industry: {name}").format(name=industry)))
    board = str(getattr(report, "board", "") or "")
    if board in BOARDS:
        name = BOARDS[board][0] if is_zh() else BOARDS[board][1]
        out.append((f"board:{board}", tr("Scan board: {name}").format(name=name)))
    return out


def _item(text: str, align_right: bool = False, color: str | None = None,
          tooltip: str | None = None) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if color:
        it.setForeground(QColor(color))
    if tooltip:
        it.setToolTip(tooltip)
    return it


def _table(columns: int, name: str) -> QTableWidget:
    t = QTableWidget(0, columns)
    t.setObjectName(name)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    t.setWordWrap(False)
    t.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return t


def _column_modes(t: QTableWidget, stretch: tuple[int, ...]) -> None:
    """Narrow columns fit their contents; the ``stretch`` ones share the rest (text elided)."""
    hh = t.horizontalHeader()
    for c in range(t.columnCount()):
        hh.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c in stretch
                                else QHeaderView.ResizeMode.ResizeToContents)


def _fit_height(t: QTableWidget) -> None:
    """Tables inside the scroll area show every row (no nested scroll bars)."""
    t.resizeRowsToContents()
    h = t.horizontalHeader().height() + 2 * t.frameWidth()
    for r in range(t.rowCount()):
        h += t.rowHeight(r)
    t.setFixedHeight(max(h, t.horizontalHeader().height() + 8))


class AnalysisPanel(QWidget):
    """Shows a StockReport. Signals carry what the window should do; the panel does no I/O."""

    add_to_watchlist = Signal(str)            # symbol
    scan_universe_requested = Signal(str)     # ScanRequest universe, e.g. "industry:银行"
    export_requested = Signal(str)            # "md" | "html" (the stock view asks for a path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analysisPanel")
        self._report: Any = None
        self._is_demo = False
        self._message = ""
        self._build()
        self.clear()

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer.addWidget(self.scroll)
        body = QWidget()
        self.scroll.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(8)

        # identity
        self.name_label = QLabel()
        self.name_label.setObjectName("stockName")
        f = QFont(self.name_label.font())
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.name_label.setFont(f)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_label = QLabel()
        self.identity_label.setObjectName("stockIdentity")
        self.identity_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("analysisMessage")
        self.message_label.setWordWrap(True)
        lay.addWidget(self.name_label)
        lay.addWidget(self.identity_label)
        lay.addWidget(self.message_label)

        # price block
        price_row = QHBoxLayout()
        self.price_label = QLabel()
        self.price_label.setObjectName("priceLast")
        pf = QFont(self.price_label.font())
        pf.setPointSizeF(pf.pointSizeF() * 1.8)
        pf.setBold(True)
        self.price_label.setFont(pf)
        self.change_label = QLabel()
        self.change_label.setObjectName("priceChange")
        price_row.addWidget(self.price_label)
        price_row.addWidget(self.change_label)
        price_row.addStretch(1)
        lay.addLayout(price_row)
        self.price_grid = QGridLayout()
        self.price_fields: dict[str, tuple[QLabel, QLabel]] = {}
        for i, key in enumerate(("open", "high", "low", "date", "volume", "amount")):
            k, v = QLabel(), QLabel()
            v.setObjectName(f"price_{key}")
            self.price_fields[key] = (k, v)
            self.price_grid.addWidget(k, i // 2, (i % 2) * 2)  # two pairs a row: fits a narrow panel
            self.price_grid.addWidget(v, i // 2, (i % 2) * 2 + 1)
        lay.addLayout(self.price_grid)

        # actions
        row = QHBoxLayout()
        self.watch_button = QPushButton()
        self.watch_button.setObjectName("addToWatchlist")
        self.watch_button.clicked.connect(self._on_add_clicked)
        self.scan_button = QToolButton()
        self.scan_button.setObjectName("scanUniverse")
        self.scan_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.scan_button.clicked.connect(self._on_scan_clicked)
        self.scan_menu = QMenu(self.scan_button)
        self.scan_button.setMenu(self.scan_menu)
        self.md_button = QPushButton()
        self.md_button.setObjectName("exportMarkdown")
        self.md_button.clicked.connect(lambda: self.export_requested.emit("md"))
        self.html_button = QPushButton()
        self.html_button.setObjectName("exportHtml")
        self.html_button.clicked.connect(lambda: self.export_requested.emit("html"))
        row.addWidget(self.watch_button)
        row.addWidget(self.scan_button)
        row.addStretch(1)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(self.md_button)
        row2.addWidget(self.html_button)
        row2.addStretch(1)
        lay.addLayout(row2)

        # score
        self.score_box = QGroupBox()
        sl = QVBoxLayout(self.score_box)
        self.score_header = ScoreHeader(DIMENSIONS, "score")
        self.dim_bars = self.score_header.dim_bars
        sl.addWidget(self.score_header)
        lay.addWidget(self.score_box)

        # trace
        self.trace_box = QGroupBox()
        tl = QVBoxLayout(self.trace_box)
        self.trace_table = _table(4, "traceTable")
        self.trace_table.setWordWrap(True)  # rule and values wrap in their (stretching) column
        self.trace_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        tl.addWidget(self.trace_table)
        lay.addWidget(self.trace_box)
        from desktop_app.ui.fundamental_score_box import FundamentalScoreBox   # (it imports this module)

        self.fscore_box = FundamentalScoreBox()     # 基本面得分, filled by its loader
        lay.addWidget(self.fscore_box)

        # levels
        self.levels_box = QGroupBox()
        ll = QVBoxLayout(self.levels_box)
        self.levels_table = _table(4, "levelsTable")
        ll.addWidget(self.levels_table)
        lay.addWidget(self.levels_box)

        # risk
        self.risk_box = QGroupBox()
        self.risk_form = QFormLayout(self.risk_box)
        self.risk_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.risk_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("ann_volatility", "max_drawdown_1y", "worst_day_pct", "days_since_52w_high"):
            k, v = QLabel(), QLabel()
            v.setObjectName(f"risk_{key}")
            self.risk_labels[key] = (k, v)
            self.risk_form.addRow(k, v)
        lay.addWidget(self.risk_box)

        # signals
        self.signals_box = QGroupBox()
        gl = QVBoxLayout(self.signals_box)
        self.signals_table = _table(2, "signalsTable")
        self.signals_empty = QLabel()
        gl.addWidget(self.signals_table)
        gl.addWidget(self.signals_empty)
        lay.addWidget(self.signals_box)

        # indicators
        self.ind_box = QGroupBox()
        self.ind_grid = QGridLayout(self.ind_box)
        self.ind_labels: dict[str, QLabel] = {}
        self.ind_titles: dict[str, QLabel] = {}
        for i, key in enumerate(INDICATOR_ROWS):
            t, v = QLabel(pick(VALUE_NAMES[key], model_lang())), QLabel()
            v.setObjectName(f"ind_{key}")
            self.ind_labels[key] = v
            self.ind_titles[key] = t
            self.ind_grid.addWidget(t, i // 2, (i % 2) * 2)
            self.ind_grid.addWidget(v, i // 2, (i % 2) * 2 + 1)
        lay.addWidget(self.ind_box)
        lay.addStretch(1)
        self._sections = (self.score_box, self.trace_box, self.fscore_box, self.levels_box, self.risk_box,
                          self.signals_box, self.ind_box)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """As wide as the report's content, so a splitter never squeezes it into clipped text."""
        body = self.scroll.widget().minimumSizeHint()
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        return QSize(body.width() + bar + 2, 120)

    # -- public API ---------------------------------------------------------------------------
    def set_report(self, report: Any, is_demo: bool = False) -> None:
        """Show ``report`` (a core.analysis.StockReport)."""
        self._report = report
        self._is_demo = bool(is_demo or getattr(report, "is_demo", False))
        self._message = ""
        self._render()

    def report(self) -> Any:
        return self._report

    def symbol(self) -> str:
        return str(getattr(self._report, "symbol", "") or "")

    def clear(self) -> None:
        self._report = None
        self._is_demo = False
        self._message = ""
        self._render()

    def show_message(self, text: str, error: bool = False) -> None:
        """A line under the title: loading, or why there is no report."""
        self._message = text
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {up_color_name()};" if error else "color: palette(mid);")
        self.message_label.setVisible(bool(text))

    def retranslate(self) -> None:
        self._render()

    # -- rendering ----------------------------------------------------------------------------
    def _render(self) -> None:
        self._retranslate_static()
        r = self._report
        has = r is not None
        for w in self._sections:
            w.setVisible(has)
        for w in (self.watch_button, self.scan_button, self.md_button, self.html_button):
            w.setEnabled(has)
        self.show_message(self._message)
        if not has:
            self.name_label.setText(tr("No stock open"))
            self.identity_label.setText(tr("Open a stock: double-click a result or a watchlist entry, or press Ctrl+K."))
            self.price_label.clear()
            self.change_label.clear()
            for _k, v in self.price_fields.values():
                v.clear()
            self.scan_menu.clear()
            return
        self._render_identity(r)
        self._render_price(r)
        self._render_score(r)
        self._render_trace(r)
        self.fscore_box.render()
        self._render_levels(r)
        self._render_risk(r)
        self._render_signals(r)
        self._render_indicators(r)
        self._render_scan_menu(r)

    def _retranslate_static(self) -> None:
        for key, title in self.ind_titles.items():
            title.setText(pick(VALUE_NAMES[key], model_lang()))
        self.watch_button.setText(tr("Add to watchlist"))
        self.scan_button.setText(tr("Scan its board"))
        self.md_button.setText(tr("Export Markdown…"))
        self.html_button.setText(tr("Export HTML…"))
        self.score_box.setTitle(tr("Score"))
        self.trace_box.setTitle(tr("How the score was reached"))
        self.levels_box.setTitle(tr("Support and resistance"))
        self.risk_box.setTitle(tr("Risk (last 250 days)"))
        self.signals_box.setTitle(tr("Recent strategy signals"))
        self.ind_box.setTitle(tr("Indicators"))
        for key, text in (("open", "Open"), ("high", "High"), ("low", "Low"), ("date", "Date"),
                          ("volume", "Volume"), ("amount", "Amount")):
            self.price_fields[key][0].setText(tr(text))
        self.score_header.retranslate()
        for key, text in (("ann_volatility", "Annualised volatility"), ("max_drawdown_1y", "Max drawdown"),
                          ("worst_day_pct", "Worst day"), ("days_since_52w_high", "Days since 52-week high")):
            self.risk_labels[key][0].setText(tr(text))
        self.trace_table.setHorizontalHeaderLabels(
            [tr("Dimension"), tr("Rule and values"), tr("Met"), tr("Points")])
        self.levels_table.setHorizontalHeaderLabels([tr("Type"), tr("Price"), tr("Distance"), tr("Source")])
        self.signals_table.setHorizontalHeaderLabels([tr("Date"), tr("Strategy")])

    def _render_identity(self, r: Any) -> None:
        self.name_label.setText(f"{r.name}  {r.symbol}")
        board = BOARDS.get(r.board)
        parts = [(board[0] if is_zh() else board[1]) if board else (r.board or "")]
        if r.industry:
            parts.append(r.industry)
        if r.listed_date:
            parts.append(tr("listed {date}").format(date=fmt_date(r.listed_date)))
        if r.is_st:
            parts.append("<b style='color:%s'>ST</b>" % up_color_name())
        if self._is_demo:
            parts.append("<b style='color:#d84315'>DEMO</b>")
        self.identity_label.setText(" · ".join(p for p in parts if p))

    def _render_price(self, r: Any) -> None:
        color = change_color(r.chg_pct if _finite(r.chg_pct) else r.change)
        self.price_label.setText(fmt_num(r.last))
        self.price_label.setStyleSheet(f"color: {color};")
        change = f"{float(r.change):+.2f}" if _finite(r.change) else "—"
        self.change_label.setText(f"{change}  {fmt_pct(r.chg_pct)}")
        self.change_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        vals = {"open": fmt_num(r.open), "high": fmt_num(r.high), "low": fmt_num(r.low),
                "date": fmt_date(r.date), "volume": fmt_big(r.volume), "amount": fmt_big(r.amount)}
        for key, text in vals.items():
            self.price_fields[key][1].setText(text)

    def _render_score(self, r: Any) -> None:
        label = r.label_zh if is_zh() else r.label_en
        if r.score is None:
            note = reason_text(r.score_note) if getattr(r, "score_note", None) else ""
            self.score_header.show_score("—", f"{label}  {note}".strip(), r.dims)
        else:
            self.score_header.show_score(f"{float(r.score):.0f}", f"{label}  ({tr('out of 100')})", r.dims)

    def _render_trace(self, r: Any) -> None:
        t = self.trace_table
        t.setRowCount(len(r.trace))
        zh = is_zh()
        for row, rule in enumerate(r.trace):
            dim = DIMENSIONS.get(rule.get("dimension", ""))
            dim_text = (dim[1] if zh else dim[2]) if dim else str(rule.get("dimension", ""))
            desc = rule.get("desc_zh" if zh else "desc_en") or rule.get("rule_id", "")
            met = bool(rule.get("met"))
            given, possible = rule.get("points_given"), rule.get("points_possible")
            pts = f"{fmt_num(given, 0) if _finite(given) else '—'} / {fmt_num(possible, 0)}"
            values = fmt_values(rule.get("values") or {})
            # the rule on its first line, the values it looked at under it: the rule column gets
            # the whole width instead of two squeezed columns
            t.setItem(row, 0, _item(dim_text))
            t.setItem(row, 1, _item(f"{desc}\n{values}" if values else desc,
                                    tooltip=f"{desc}\n{values}\n{rule.get('rule_id', '')}".strip()))
            t.setItem(row, 2, _item(MET_MARK if met else NOT_MET_MARK,
                                    color=up_color_name() if met else FLAT_COLOR))
            t.setItem(row, 3, _item(pts, align_right=True))
        _column_modes(t, stretch=(1,))
        _fit_height(t)

    def _render_levels(self, r: Any) -> None:
        rows = [(tr("Resistance"), lv, up_color_name()) for lv in reversed(r.resistances)]
        rows += [(tr("Support"), lv, down_color_name()) for lv in r.supports]
        t = self.levels_table
        t.setRowCount(len(rows))
        for i, (kind, lv, color) in enumerate(rows):
            t.setItem(i, 0, _item(kind, color=color))
            t.setItem(i, 1, _item(fmt_num(lv.get("price")), align_right=True))
            t.setItem(i, 2, _item(fmt_pct(lv.get("distance_pct")), align_right=True))
            t.setItem(i, 3, _item(reason_text(lv.get("source", ""))))
        _column_modes(t, stretch=(3,))
        _fit_height(t)

    def _render_risk(self, r: Any) -> None:
        risk = r.risk or {}
        worst = fmt_pct(risk.get("worst_day_pct"))
        if risk.get("worst_day_date"):
            worst += f"  ({fmt_date(risk.get('worst_day_date'))})"
        days = risk.get("days_since_52w_high")
        vals = {"ann_volatility": fmt_pct(risk.get("ann_volatility"), 1, sign=False),
                "max_drawdown_1y": fmt_pct(risk.get("max_drawdown_1y"), 1),
                "worst_day_pct": worst,
                "days_since_52w_high": "—" if days is None else str(int(days))}
        for key, text in vals.items():
            self.risk_labels[key][1].setText(text)

    def _render_signals(self, r: Any) -> None:
        sigs = list(r.recent_signals or [])
        t = self.signals_table
        t.setRowCount(len(sigs))
        zh = is_zh()
        for i, s in enumerate(sigs):
            t.setItem(i, 0, _item(fmt_date(s.get("date"))))
            t.setItem(i, 1, _item(str(s.get("name_zh" if zh else "name_en") or s.get("id", "")),
                                  tooltip=str(s.get("id", ""))))
        _column_modes(t, stretch=(1,))
        _fit_height(t)
        t.setVisible(bool(sigs))
        self.signals_empty.setVisible(not sigs)
        self.signals_empty.setText(tr("No strategy fired in the last 10 trading days."))

    def _render_indicators(self, r: Any) -> None:
        ind = r.indicators or {}
        for key, lab in self.ind_labels.items():
            v = ind.get(key)
            lab.setText(fmt_num(v, 2 if key != "vol_ratio" else 2))

    def _render_scan_menu(self, r: Any) -> None:
        self.scan_menu.clear()
        for universe, text in scan_universes(r):
            a = QAction(text, self.scan_menu)
            a.setData(universe)
            a.triggered.connect(self._on_scan_action)
            self.scan_menu.addAction(a)
        self.scan_button.setEnabled(bool(self.scan_menu.actions()))

    # -- slots --------------------------------------------------------------------------------
    @Slot()
    def _on_add_clicked(self) -> None:
        if self.symbol():
            self.add_to_watchlist.emit(self.symbol())

    @Slot()
    def _on_scan_clicked(self) -> None:
        """The button's main part scans the first choice (the industry, else the board)."""
        acts = self.scan_menu.actions()
        if acts:
            self.scan_universe_requested.emit(str(acts[0].data()))

    @Slot()
    def _on_scan_action(self) -> None:
        a = self.sender()
        if isinstance(a, QAction):
            self.scan_universe_requested.emit(str(a.data()))

    def scan_choices(self) -> list[str]:
        """The universes the scan button offers, first = the button's default."""
        return [str(a.data()) for a in self.scan_menu.actions()]
