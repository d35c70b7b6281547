"""The market view (复盘, issue 18): one trading day of the whole market at a glance.

Top: the day (a date picker that offers trading days only — other days are greyed in its
calendar and a pick of one moves to the trading day before it — with ◀ ▶ stepping trading days
and "Latest"), the source (DEMO on the demo market) and what is being computed. Below: the
breadth (up / flat / down, 涨停 / 跌停 / 炸板, the amount against the previous days), the
distribution of changes (all stocks or one board), the 连板天梯; on the right the heat map of
industries or concepts (sized by market cap or amount) over the ranking of boards and the
members of the board drilled into.

The view only shows a ``core.market.MarketOverview``; ``ui/market_desk.py`` computes it off the
GUI thread and wires the signals: ``day_requested(date | None)``, ``open_symbol(code)`` (double-
click a member or a ladder row), ``scan_universe(universe)`` (a ranking row's Scan button)."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal, Slot
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QTabWidget, QVBoxLayout, QWidget)

from desktop_app.core import numfmt
from desktop_app.core.price_limits import BOARD_ORDER
from desktop_app.ui import theme
from desktop_app.ui.i18n import model_lang, reason_text, tr
from desktop_app.ui.market_charts import AmountBars, HistogramWidget
from desktop_app.ui.market_tables import (SCAN_COLUMN, board_name, fill_ladder, fill_limit_list, fill_members,
                                          fill_ranking, make_table, row_key)
from desktop_app.ui.market_treemap import Tile, TreemapWidget


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class MarketView(QWidget):
    day_requested = Signal(object)        # a datetime.date, or None for the last trading day
    open_symbol = Signal(str)
    scan_universe = Signal(str)
    members_wanted = Signal(str, str)     # (kind, key): a live board's members are needed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("marketView")
        self.ov: Any = None                     # the MarketOverview shown
        self.days: list[dt.date] = []           # the trading days the picker offers
        self.drill: tuple[str, str] = ("", "")  # (kind, key) of the board drilled into
        self.live: Any = None                   # core.data.akshare_market.LivePools of the day, if any
        self.live_members: dict[tuple[str, str], list[str]] = {}   # a live board's codes, once fetched
        self._busy = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(self._build_header())
        self.stack = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setObjectName("marketPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_body())
        lay.addWidget(self.stack, 1)
        self.retranslate()

    # -- construction -------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("marketTitle")
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() + 1)
        self.title.setFont(f)
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        for b in (self.prev_button, self.next_button):
            b.setFixedWidth(30)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("marketDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.latest_button = QPushButton()
        self.latest_button.setObjectName("marketLatest")
        self.source_badge = QLabel()
        self.source_badge.setObjectName("marketSource")
        self.status = QLabel()
        self.status.setObjectName("marketStatus")
        self.status.setWordWrap(False)
        for w in (self.title, self.prev_button, self.date_edit, self.next_button, self.latest_button,
                  self.source_badge):
            row.addWidget(w)
        row.addWidget(self.status, 1)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.latest_button.clicked.connect(lambda: self.day_requested.emit(None))
        self.date_edit.dateChanged.connect(self._on_date_edited)
        return row

    def _build_body(self) -> QWidget:
        body = QWidget()
        v = QVBoxLayout(body)
        v.setContentsMargins(0, 0, 0, 0)
        self.breadth = QLabel()
        self.breadth.setObjectName("marketBreadth")
        self.breadth.setTextFormat(Qt.TextFormat.RichText)
        self.breadth.setWordWrap(True)
        v.addWidget(self.breadth)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("marketSplitter")
        split.setChildrenCollapsible(False)
        v.addWidget(split, 1)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        hrow = QHBoxLayout()
        self.hist_title = QLabel()
        self.hist_board = QComboBox()
        self.hist_board.setObjectName("marketHistBoard")
        hrow.addWidget(self.hist_title)
        hrow.addStretch(1)
        hrow.addWidget(self.hist_board)
        lv.addLayout(hrow)
        self.histogram = HistogramWidget()
        lv.addWidget(self.histogram, 3)
        self.amount_title = QLabel()
        lv.addWidget(self.amount_title)
        self.amount_bars = AmountBars()
        lv.addWidget(self.amount_bars, 1)
        self.limit_tabs = QTabWidget()                   # 连板天梯 | 炸板 | 跌停, as 同花顺's 涨停板 view
        self.limit_tabs.setObjectName("marketLimitTabs")
        self.ladder = make_table("marketLadder")
        self.broken = make_table("marketBroken")
        self.limit_down = make_table("marketLimitDown")
        for t in (self.ladder, self.broken, self.limit_down):
            self.limit_tabs.addTab(t, "")
        lv.addWidget(self.limit_tabs, 4)
        split.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        trow = QHBoxLayout()
        self.map_title = QLabel()
        self.group_kind = QComboBox()
        self.group_kind.setObjectName("marketGroupKind")
        self.size_by = QComboBox()
        self.size_by.setObjectName("marketSizeBy")
        trow.addWidget(self.map_title)
        trow.addStretch(1)
        trow.addWidget(self.group_kind)
        trow.addWidget(self.size_by)
        rv.addLayout(trow)
        rsplit = QSplitter(Qt.Orientation.Vertical)
        rsplit.setChildrenCollapsible(False)
        self.treemap = TreemapWidget()
        rsplit.addWidget(self.treemap)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("marketTabs")
        self.ranking = make_table("marketRanking")
        self.members = make_table("marketMembers")
        self.tabs.addTab(self.ranking, "")
        self.tabs.addTab(self.members, "")
        rsplit.addWidget(self.tabs)
        rsplit.setSizes([300, 260])
        rv.addWidget(rsplit, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([520, 780])

        for kind in ("all", *BOARD_ORDER):
            self.hist_board.addItem("", kind)
        self.group_kind.addItem("", "industry")
        self.group_kind.addItem("", "concept")
        self.group_kind.addItem("", "board")
        self.size_by.addItem("", "market_cap")
        self.size_by.addItem("", "amount")
        self.hist_board.currentIndexChanged.connect(self._show_histogram)
        self.group_kind.currentIndexChanged.connect(self._show_groups)
        self.size_by.currentIndexChanged.connect(self._show_treemap)
        self.treemap.tile_clicked.connect(lambda key: self.drill_into(self.kind(), key))
        self.ranking.cellClicked.connect(self._ranking_clicked)
        self.ranking.cellDoubleClicked.connect(lambda r, _c: self._ranking_drill(r))
        self.members.cellDoubleClicked.connect(lambda r, _c: self._open_row(self.members, r))
        for t in (self.ladder, self.broken, self.limit_down):
            t.cellDoubleClicked.connect(lambda r, _c, t=t: self._open_row(t, r))
        return body

    # -- language and theme -------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(tr("Market review"))
        self.prev_button.setToolTip(tr("Previous trading day"))
        self.next_button.setToolTip(tr("Next trading day"))
        self.date_edit.setToolTip(tr("The trading day shown (other days are greyed out)"))
        locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China) if model_lang() == "zh" else \
            QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
        self.date_edit.setLocale(locale)                 # the calendar's month and day names
        if self.date_edit.calendarWidget() is not None:
            self.date_edit.calendarWidget().setLocale(locale)
        self.latest_button.setText(tr("Latest"))
        self.latest_button.setToolTip(tr("The last trading day of the data"))
        self.hist_title.setText(tr("Distribution of changes"))
        self.amount_title.setText(tr("Amount against the previous days"))
        self._map_title()
        lang = model_lang()
        self.hist_board.setItemText(0, tr("All boards"))
        for i, b in enumerate(BOARD_ORDER, start=1):
            self.hist_board.setItemText(i, board_name(b, lang))
        for i, text in enumerate((tr("Industries"), tr("Concepts"), tr("Boards"))):
            self.group_kind.setItemText(i, text)
        self.size_by.setItemText(0, tr("Size: market cap"))
        self.size_by.setItemText(1, tr("Size: amount"))
        self.tabs.setTabText(0, tr("Ranking"))
        self.histogram.empty_text = self.amount_bars.empty_text = tr("No data")
        self._members_tab_text()
        if self.ov is None:
            self.placeholder.setText(tr("Computing the market…") if self._busy else tr("No market data yet."))
        else:
            self.show_overview(self.ov, self.live)

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 (Qt override)
        if e.type() == QEvent.Type.PaletteChange and self.ov is not None:
            self.show_overview(self.ov, self.live)     # the tables' red/green follow the theme
            self._grey_non_trading_days()
        super().changeEvent(e)

    # -- the day ------------------------------------------------------------------------------
    def set_trading_days(self, days: list[dt.date]) -> None:
        self.days = sorted(days)
        if not self.days:
            return
        self.date_edit.blockSignals(True)
        self.date_edit.setDateRange(_qdate(self.days[0]), _qdate(self.days[-1]))
        self.date_edit.blockSignals(False)
        self._grey_non_trading_days()

    def _grey_non_trading_days(self) -> None:
        cal = self.date_edit.calendarWidget()
        if cal is None or not self.days:
            return
        cal.setDateTextFormat(QDate(), QTextCharFormat())   # reset
        plain = QTextCharFormat()
        plain.setForeground(self.palette().text())
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            cal.setWeekdayTextFormat(day, plain)          # not Qt's red: red means "up" here
        grey = QTextCharFormat()
        grey.setForeground(QColor(self.palette().placeholderText().color()))
        on = set(self.days)
        d, end, one = self.days[0], self.days[-1], dt.timedelta(days=1)
        while d <= end:
            if d not in on:
                cal.setDateTextFormat(_qdate(d), grey)
            d += one

    def trading_day_at_or_before(self, d: dt.date) -> dt.date | None:
        import bisect

        i = bisect.bisect_right(self.days, d) - 1
        return self.days[i] if i >= 0 else (self.days[0] if self.days else None)

    def current_day(self) -> dt.date:
        return _pydate(self.date_edit.date())

    def set_day(self, d: dt.date) -> None:
        """Show ``d`` in the picker without asking for it again."""
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(_qdate(d))
        self.date_edit.blockSignals(False)
        self._update_steps()

    def _update_steps(self) -> None:
        d = self.current_day()
        self.prev_button.setEnabled(bool(self.days) and d > self.days[0])
        self.next_button.setEnabled(bool(self.days) and d < self.days[-1])

    def choose_day(self, d: dt.date) -> None:
        """The user picked ``d``: the trading day at or before it is asked for."""
        day = self.trading_day_at_or_before(d) if self.days else d
        if day is None:
            return
        self.set_day(day)
        self.day_requested.emit(day)

    @Slot(QDate)
    def _on_date_edited(self, q: QDate) -> None:
        self.choose_day(_pydate(q))

    def step(self, n: int) -> None:
        """◀ / ▶: ``n`` trading days from the day shown."""
        if not self.days:
            return
        import bisect

        d = self.current_day()
        i = bisect.bisect_left(self.days, d)
        if n < 0:
            i = i - 1
        elif i < len(self.days) and self.days[i] == d:
            i = i + 1
        i = max(0, min(len(self.days) - 1, i))
        self.choose_day(self.days[i])

    # -- showing ------------------------------------------------------------------------------
    def set_busy(self, busy: bool, day: Any = None) -> None:
        self._busy = busy
        if busy:
            text = tr("Computing the market for {day}…").format(day=day) if day else tr("Computing the market…")
            self.status.setText(text)
            if self.ov is None:
                self.placeholder.setText(text)
                self.stack.setCurrentIndex(0)
        else:
            self.status.setText("")

    def show_failure(self, reason: Any) -> None:
        self._busy = False
        text = tr("Could not compute the market: {error}").format(error=reason_text(reason))
        self.status.setText(text)
        if self.ov is None:
            self.placeholder.setText(text)
            self.stack.setCurrentIndex(0)

    def show_note(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)

    def show_overview(self, ov: Any, live: Any = None) -> None:
        if ov is not self.ov:
            self.live_members = {}
        self.ov, self.live = ov, live
        self.stack.setCurrentIndex(1)
        self.set_day(dt.date.fromisoformat(ov.date))
        demo = ov.source == "demo"
        self.source_badge.setText("DEMO" if demo else (ov.source or ""))
        self.source_badge.setStyleSheet("color: white; background: #c62828; padding: 1px 6px; border-radius: 3px;"
                                        if demo else "")
        self.source_badge.setToolTip(tr("Demo market: generated data, not real quotes") if demo else "")
        notes = "\n".join(reason_text(n) for n in ov.notes)
        self.breadth.setToolTip(notes)
        self._show_breadth()
        self._show_histogram()
        self._show_amount()
        self._show_limits()
        self._show_groups()

    def _show_limits(self) -> None:
        """The three lists of the day, each tab with its count and where its fields come from."""
        tabs = (("ladder", tr("Ladder {n}"), tr("Limit-up stocks by consecutive limit-up days (连板天梯)")),
                ("broken", tr("Broken {n}"), tr("Touched the limit-up price and closed below it (炸板)")),
                ("limit_down", tr("Limit-down {n}"), tr("Closed at the limit-down price (跌停)")))
        for i, (which, text, meaning) in enumerate(tabs):
            self.limit_tabs.setTabText(i, text.format(n=len(getattr(self.ov, which))))
            self.limit_tabs.setTabToolTip(i, meaning + "\n" + (
                tr("Seal times and times opened: eastmoney's pool of the day") if self._has_pool(which)
                else tr("Computed from the stored daily bars (no seal times)")))
        fill_ladder(self.ladder, self.list_rows("ladder"))
        fill_limit_list(self.broken, self.list_rows("broken"), broken=True)
        fill_limit_list(self.limit_down, self.list_rows("limit_down"), broken=False)

    def _has_pool(self, which: str) -> bool:
        from desktop_app.core.data.akshare_market import LIST_POOLS

        return self.live is not None and LIST_POOLS[which] in self.live.pools

    def list_rows(self, which: str) -> list[dict]:
        """The day's ``which`` list ("ladder", "broken" 炸板, "limit_down" 跌停), with the live pool's
        fields merged in when the day has them."""
        rows = getattr(self.ov, which) if self.ov is not None else []
        return rows if self.live is None else self.live.merge(rows, which)

    def _show_breadth(self) -> None:
        c, a = self.ov.counts, self.ov.amount
        up, down = theme.up_color().name(), theme.down_color().name()
        lang = model_lang()
        touched = c["limit_up"] + c["broken"]
        rate = numfmt.pct(100.0 * c["broken"] / touched if touched else None, 1, sign=False)
        ratio = a.get("ratio")
        ratio_t = numfmt.pct(100.0 * (ratio - 1.0) if ratio is not None and math.isfinite(ratio) else None)
        parts = [
            tr("Up") + f" <b style='color:{up}'>{c['up']}</b>",
            tr("Flat") + f" <b>{c['flat']}</b>",
            tr("Down") + f" <b style='color:{down}'>{c['down']}</b>",
            tr("Limit-up") + f" <b style='color:{up}'>{c['limit_up']}</b>",
            tr("Limit-down") + f" <b style='color:{down}'>{c['limit_down']}</b>",
            tr("Broken (炸板)") + f" <b>{c['broken']}</b> ({rate})",
            tr("Amount {amount} ({ratio} vs the previous days)").format(
                amount=f"<b>{numfmt.big(a['today'], lang)}</b>", ratio=ratio_t),
            tr("Suspended") + f" {c['suspended']}",
        ]
        prev = None if self.live is None else self.live.pools.get("previous")
        if prev is not None and len(prev) and prev["change"].notna().any():
            avg = float(prev["change"].mean())         # 昨日涨停今日表现: the money effect of chasing
            color = up if avg > 0 else down if avg < 0 else ""
            parts.append(tr("Yesterday's limit-ups today") + f" <b style='color:{color}'>{_pct(avg)}</b>")
        self.breadth.setText(" &nbsp;·&nbsp; ".join(parts))

    def _show_histogram(self) -> None:
        if self.ov is None:
            return
        h = self.ov.histogram
        kind = self.hist_board.currentData()
        counts = h["counts"] if kind in (None, "all") else h["by_board"][kind]
        self.histogram.set_data(h["labels"], counts, h["edges_bp"])

    def _show_amount(self) -> None:
        a = self.ov.amount
        items = [(p["date"], p["amount"]) for p in a["previous"]] + [(self.ov.date, a["today"])]
        lang = model_lang()
        self.amount_bars.set_data(items, lambda x: numfmt.big(x, lang, 0))

    def kind(self) -> str:
        return str(self.group_kind.currentData() or "industry")

    def groups(self) -> list[dict]:
        return [] if self.ov is None else self._groups_of(self.kind())

    def _map_title(self) -> None:
        live = self.ov is not None and self.is_live(self.kind())
        self.map_title.setText(tr("Board heat map (eastmoney, live)") if live else tr("Board heat map"))

    def _show_groups(self) -> None:
        if self.ov is None:
            return
        self._map_title()
        fill_ranking(self.ranking, self.groups())
        self._show_treemap()
        kind, key = self.drill
        if kind and any(g["key"] == key for g in self._groups_of(kind)):
            self.drill_into(kind, key)
        else:
            self.drill = ("", "")
            fill_members(self.members, self.ov.members("board", "__none__"))
            self._members_tab_text()

    def _groups_of(self, kind: str) -> list[dict]:
        """The rows of ``kind``: the live board list's when the day has one (on live data the
        source's own boards are the reference: the universe's industries are only SZSE's), else
        the overview's, computed from the store."""
        heat = None if self.live is None or kind == "board" else self.live.heat.get(kind)
        if heat is not None and len(heat):
            return heat_groups(kind, heat, self.live.pools.get("zt"))
        return {"industry": self.ov.industries, "concept": self.ov.concepts, "board": self.ov.boards}[kind]

    def is_live(self, kind: str) -> bool:
        groups = self._groups_of(kind) if self.ov is not None else []
        return bool(groups) and bool(groups[0].get("live"))

    def set_live_members(self, kind: str, key: str, codes: list[str]) -> None:
        """A live board's member codes (fetched by the desk); shown at once when drilled into."""
        self.live_members[(kind, key)] = [str(c) for c in codes]
        if self.drill == (kind, key):
            self.drill_into(kind, key)

    def _members_frame(self, kind: str, key: str):
        if not self.is_live(kind) or kind == "board":
            return self.ov.members(kind, key)
        s = self.ov.stocks
        codes = self.live_members.get((kind, key), [])
        keep = s["symbol"].isin(set(codes)) & (s["status"] != "unlisted")
        return s[keep].sort_values(["change", "symbol"], ascending=[False, True], na_position="last")

    def _show_treemap(self) -> None:
        if self.ov is None:
            return
        lang = model_lang()
        by = str(self.size_by.currentData() or "market_cap")
        groups = self.groups()
        def has(field: str) -> bool:
            return any(numfmt.finite(g[field]) and g[field] > 0 for g in groups)

        if not has(by):                          # no share counts (caps), or a live list (no amounts)
            by = "amount" if by == "market_cap" else "market_cap"
        from desktop_app.core.reasons import render_param

        tiles = []
        for g in groups:
            change = g["cap_change"] if by == "market_cap" and numfmt.finite(g["cap_change"]) else g["avg_change"]
            name = render_param(g["name"], lang)
            tip = "\n".join([
                name,
                tr("Change {change} (cap-weighted {cap})").format(change=_pct(g["avg_change"]),
                                                                  cap=_pct(g["cap_change"])),
                tr("Up {up} · flat {flat} · down {down}").format(up=g["up"], flat=g["flat"], down=g["down"]),
                tr("Limit-up {u} · limit-down {d}").format(u=g["limit_up"], d=g["limit_down"]),
                tr("Amount {amount} · market cap {cap}").format(amount=numfmt.big(g["amount"], lang),
                                                                cap=numfmt.big(g["market_cap"], lang)),
                *([tr("Leader {name} {change}").format(name=g["leader"], change=_pct(g["leader_change"]))]
                  if g.get("leader") else []),
                tr("Click: its members")])
            size = g[by] if numfmt.finite(g[by]) else 0.0
            tiles.append(Tile(g["key"], name, float(size), float(change) if numfmt.finite(change) else math.nan, tip))
        self.treemap.set_tiles(tiles, tr("No boards"))
        self.treemap.set_selected(self.drill[1] if self.drill[0] == self.kind() else "")

    # -- drilling, opening, scanning ----------------------------------------------------------
    def drill_into(self, kind: str, key: str) -> None:
        """Show the members of board ``key`` (``kind`` industry | concept | board)."""
        if self.ov is None:
            return
        self.drill = (kind, key)
        if self.is_live(kind) and (kind, key) not in self.live_members:
            self.members_wanted.emit(kind, key)        # a live board: the desk fetches its members
        fill_members(self.members, self._members_frame(kind, key))
        self._members_tab_text()
        self.tabs.setCurrentWidget(self.members)
        if kind == self.kind():
            self.treemap.set_selected(key)

    def _members_tab_text(self) -> None:
        kind, key = self.drill
        if not key:
            self.tabs.setTabText(1, tr("Members"))
            return
        name = key if kind != "board" else board_name(key, model_lang())
        self.tabs.setTabText(1, tr("Members: {name} ({n})").format(name=name, n=self.members.rowCount()))

    def _ranking_clicked(self, row: int, column: int) -> None:
        """A click on a row's Scan cell scans its board; elsewhere it marks the row's tile (a
        double-click drills into it)."""
        if column == SCAN_COLUMN:
            universe = row_key(self.ranking, row)
            if universe:
                self.scan_universe.emit(universe)
            return
        kind, _, key = row_key(self.ranking, row).partition(":")
        if key and kind == self.kind():
            self.treemap.set_selected(key)

    def _ranking_drill(self, row: int) -> None:
        kind, _, key = row_key(self.ranking, row).partition(":")
        if key:
            self.drill_into(kind, key)

    def _open_row(self, table, row: int) -> None:
        code = row_key(table, row)
        if code:
            self.open_symbol.emit(code)


def heat_groups(kind: str, heat, zt=None) -> list[dict]:
    """The live board list (``akshare_market.HEAT_COLUMNS``) as ranking / treemap rows; the
    limit-ups per board from the day's 涨停股池 (its ``industry``) when it is there."""
    ups = {} if zt is None or not len(zt) else zt["industry"].value_counts().to_dict()
    nan = math.nan
    out = []
    for r in heat.to_dict("records"):
        up, down = int(r["up"]) if numfmt.finite(r["up"]) else 0, int(r["down"]) if numfmt.finite(r["down"]) else 0
        out.append({"kind": kind, "key": r["key"], "name": {"zh": r["key"], "en": r["key"]}, "members": up + down,
                    "traded": up + down, "suspended": 0, "up": up, "flat": 0, "down": down,
                    "limit_up": int(ups.get(r["key"], 0)), "limit_down": 0, "broken": 0,
                    "avg_change": r["change"], "cap_change": r["change"], "amount": nan,
                    "market_cap": r["market_cap"], "above_ma20_pct": nan, "above_ma60_pct": nan, "live": True,
                    "leader": r["leader"], "leader_change": r["leader_change"]})
    return sorted(out, key=lambda g: -(g["avg_change"] if numfmt.finite(g["avg_change"]) else -1e9))


def _pct(x: Any) -> str:
    return numfmt.pct(100.0 * float(x) if x is not None and numfmt.finite(x) else None)
