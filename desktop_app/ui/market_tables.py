"""The market view's tables, filled from a ``core.market.MarketOverview``:

* the 连板天梯 (``fill_ladder``): limit-up stocks by consecutive limit-up days, with industry and
  board, and the live pools' seal times, seal amount and times opened when the day has them;
* the day's 炸板 and 跌停 stocks (``fill_limit_list``), with the live pools' fields too;
* a board's members (``fill_members``): what a tile or a ranking row drills into;
* the ranking of boards (``fill_ranking``): change (equal- and cap-weighted), up/down, limit-ups,
  amount, % above MA20/MA60, and a "Scan" button that starts a scan of that board.

Numbers as Chinese trading software shows them (万/亿, % with a sign, red up / green down);
columns sort by the number, not the text (``NumItem``)."""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

from desktop_app.core import numfmt
from desktop_app.core.reasons import render_param
from desktop_app.core.symbols import BOARDS
from desktop_app.ui import theme
from desktop_app.ui.i18n import model_lang, tr
from desktop_app.ui.row_tables import setup_row_table

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable    # once: enum arithmetic is slow in PySide
SYMBOL_ROLE = Qt.ItemDataRole.UserRole + 1
_SAMPLE = 300            # rows measured for a column's width (never resizeColumnsToContents: QT_NOTES)


class NumItem(QTableWidgetItem):
    """A cell shown as text and sorted by its number (NaN last)."""

    def __init__(self, text: str, value: float) -> None:
        super().__init__(text)
        self.value = value if value is not None and math.isfinite(value) else -math.inf
        self.setTextAlignment(_RIGHT)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumItem):
            return self.value < other.value
        return super().__lt__(other)


def make_table(name: str) -> QTableWidget:
    t = QTableWidget()
    t.setObjectName(name)
    setup_row_table(t, extended=False)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _text(s: str) -> QTableWidgetItem:
    it = QTableWidgetItem(s)
    it.setFlags(_FLAGS)
    return it


def _num(text: str, value: float, signed: bool = False) -> NumItem:
    it = NumItem(text, value)
    it.setFlags(_FLAGS)
    if signed and value is not None and math.isfinite(value) and value:
        it.setForeground(theme.up_color() if value > 0 else theme.down_color())
    return it


def _pct(x: Any, digits: int = 2, sign: bool = True) -> str:
    return numfmt.pct(None if x is None or not numfmt.finite(x) else 100.0 * float(x), digits, sign)


def board_name(board: str, lang: str) -> str:
    names = BOARDS.get(board)
    return (names[0] if lang == "zh" else names[1]) if names else board


def _fill(t: QTableWidget, headers: list[str], rows: list[list[QTableWidgetItem]], symbols: list[str]) -> None:
    t.setSortingEnabled(False)
    t.clearContents()
    t.setColumnCount(len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setRowCount(len(rows))
    for r, (cells, sym) in enumerate(zip(rows, symbols)):
        cells[0].setData(SYMBOL_ROLE, sym)           # row_key reads the first column
        for c, it in enumerate(cells):
            t.setItem(r, c, it)
    fit_columns(t, headers, rows)


def fit_columns(t: QTableWidget, headers: list[str], rows: list[list[QTableWidgetItem]]) -> None:
    """Column widths from the texts' own metrics (header and the first ``_SAMPLE`` rows)."""
    fm, hfm = t.fontMetrics(), t.horizontalHeader().fontMetrics()
    for c, h in enumerate(headers):
        widest = max((fm.horizontalAdvance(r[c].text()) for r in rows[:_SAMPLE]), default=0)
        t.setColumnWidth(c, max(widest + 14, hfm.horizontalAdvance(h) + 22, 28))


def row_key(t: QTableWidget, row: int) -> str:
    """The code (ladder, members) or the board key (ranking) of a row, whatever the sort."""
    it = t.item(row, 0)
    return "" if it is None else str(it.data(SYMBOL_ROLE) or "")


SCAN_COLUMN = 1          # the ranking's Scan cells: beside the name, never scrolled away
LIVE_FIELDS = ("first_seal", "last_seal", "seal_amount", "opened")


def fill_ladder(t: QTableWidget, ladder: list[dict]) -> None:
    lang = model_lang()
    live = any(x.get("first_seal") or x.get("seal_amount") is not None for x in ladder)
    headers = [tr("Days"), tr("Code"), tr("Name"), tr("Change"), tr("Close"), tr("Industry"), tr("Amount"),
               tr("Board")]
    if live:
        headers += [tr("First seal"), tr("Last seal"), tr("Seal amount"), tr("Opened")]
    rows = []
    for x in ladder:
        days = f"{x['days']}+" if x.get("capped") else str(x["days"])
        cells = [_num(days, x["days"]), _text(x["symbol"]), _text(x["name"]),
                 _num(_pct(x["change"]), x["change"], True), _num(numfmt.num(x["close"]), x["close"]),
                 _text(x["industry"]), _num(numfmt.big(x["amount"], lang), x["amount"]),
                 _text(board_name(x["board"], lang))]
        cells[0].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if live:
            cells += [_live_cell(k, x.get(k), lang) for k in LIVE_FIELDS]
        rows.append(cells)
    _fill(t, headers, rows, [x["symbol"] for x in ladder])


def fill_limit_list(t: QTableWidget, rows: list[dict], *, broken: bool) -> None:
    """The day's 炸板 (``broken``: touched the limit-up price, closed below) or 跌停 stocks
    (``MarketOverview.broken`` / ``limit_down``), with the live pool's fields when it has them:
    first seal and times opened (炸板股池), last seal, seal amount and times opened (跌停股池)."""
    lang = model_lang()
    headers = [tr("Code"), tr("Name"), tr("Change"), tr("Close"), tr("Limit-up price") if broken else
               tr("Limit-down price"), tr("Industry"), tr("Amount"), tr("Board")]
    extra = (("first_seal", tr("First seal")), ("opened", tr("Opened"))) if broken else \
        (("last_seal", tr("Last seal")), ("seal_amount", tr("Seal amount")), ("opened", tr("Opened")))
    live = any(x.get(k) not in (None, "") for x in rows for k, _h in extra)
    if live:
        headers += [h for _k, h in extra]
    cells_of = []
    for x in rows:
        cells = [_text(x["symbol"]), _text(x["name"]), _num(_pct(x["change"]), x["change"], True),
                 _num(numfmt.num(x["close"]), x["close"]), _num(numfmt.num(x["limit_price"]), x["limit_price"]),
                 _text(x["industry"]), _num(numfmt.big(x["amount"], lang), x["amount"]),
                 _text(board_name(x["board"], lang))]
        if live:
            cells += [_live_cell(k, x.get(k), lang) for k, _h in extra]
        cells_of.append(cells)
    _fill(t, headers, cells_of, [x["symbol"] for x in rows])
    t.setSortingEnabled(True)


def _live_cell(key: str, v, lang: str) -> QTableWidgetItem:
    if key in ("first_seal", "last_seal"):
        return _text(v or "—")
    if key == "seal_amount":
        return _num(numfmt.big(v, lang), v if v is not None else math.nan)
    return _num("—" if v is None else str(v), v if v is not None else math.nan)


def fill_members(t: QTableWidget, members) -> None:
    """``members``: ``MarketOverview.members(...)``'s DataFrame (already by change)."""
    lang = model_lang()
    headers = [tr("Code"), tr("Name"), tr("Industry"), tr("Close"), tr("Change"), tr("Amount"), tr("Market cap"),
               tr("Days up")]
    rows, syms = [], []
    for m in members.itertuples(index=False):
        status = str(m.status)
        change_text = tr("Suspended") if status == "suspended" else _pct(m.change)
        cells = [_text(str(m.symbol)), _text(str(m.name)), _text(str(m.industry)),
                 _num(numfmt.num(m.close), m.close), _num(change_text, m.change, True),
                 _num(numfmt.big(m.amount, lang), m.amount), _num(numfmt.big(m.market_cap, lang), m.market_cap),
                 _num(str(int(m.streak)) if m.streak else "", float(m.streak))]
        if status in ("limit_up", "limit_down", "broken"):
            cells[1].setToolTip({"limit_up": tr("Limit-up"), "limit_down": tr("Limit-down"),
                                 "broken": tr("Broken limit-up (炸板)")}[status])
        rows.append(cells)
        syms.append(str(m.symbol))
    _fill(t, headers, rows, syms)
    t.setSortingEnabled(True)


def _scan_cell() -> QTableWidgetItem:
    it = _text(tr("Scan ▸"))
    it.setForeground(QApplication.palette().link())
    f = it.font()
    f.setUnderline(True)
    it.setFont(f)
    it.setToolTip(tr("Scan this board with the scan panel's settings"))
    return it


def fill_ranking(t: QTableWidget, groups: list[dict]) -> None:
    """``groups``: the overview's ``industries`` / ``concepts`` / ``boards`` rows. Column
    ``SCAN_COLUMN`` is a link-styled "Scan" cell (a click on it scans the row's board: the view
    handles it; no widget per row — a live list has ≈460 concepts)."""
    lang = model_lang()
    headers = [tr("Board"), "", tr("Change"), tr("Cap-weighted"), tr("Up"), tr("Down"), tr("Limit-up"),
               tr("Limit-down"), tr("Amount"), tr("Above MA20"), tr("Above MA60"), tr("Members")]
    rows, keys = [], []
    for g in groups:
        up_share = g["up"] / g["traded"] if g["traded"] else math.nan
        cells = [_text(render_param(g["name"], lang)), _scan_cell(), _num(_pct(g["avg_change"]), g["avg_change"], True),
                 _num(_pct(g["cap_change"]), g["cap_change"], True), _num(str(g["up"]), up_share),
                 _num(str(g["down"]), g["down"]), _num(str(g["limit_up"]), g["limit_up"]),
                 _num(str(g["limit_down"]), g["limit_down"]), _num(numfmt.big(g["amount"], lang), g["amount"]),
                 _num(_pct(g["above_ma20_pct"], 1, False), g["above_ma20_pct"]),
                 _num(_pct(g["above_ma60_pct"], 1, False), g["above_ma60_pct"]),
                 _num(str(g["members"]), g["members"])]
        cells[4].setForeground(theme.up_color())
        cells[5].setForeground(theme.down_color())
        rows.append(cells)
        keys.append(f"{g['kind']}:{g['key']}")
    _fill(t, headers, rows, keys)
    t.setSortingEnabled(True)
