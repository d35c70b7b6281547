"""The window's side of the market view (复盘, issue 18): the "Market review" action (F3, the
View menu and the toolbar), the view as a page of the central area (it takes the stock view's
place; F3 again, or opening a stock, brings the chart back), and computing the day off the GUI
thread.

The overview is ``core.market.market_overview`` run on the window's background runner (newest
request wins, key "market"); the view shows a placeholder until the first one arrives. On the
live source, the day's limit-up pools (``core.data.akshare_market``) are fetched after it in a
second job and merged into the ladder; when they cannot be had, the reason is shown and the
view keeps what the store computed. Double-clicking a member opens its chart through the
window's ``open_symbol``; a ranking row's Scan button scans that board through
``scan_universe`` (the scan panel's checks and settings apply as for any scan).

Built in the shell: nothing here imports pandas until the view is first opened."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QKeySequence

from desktop_app.ui import i18n
from desktop_app.ui.actions import make_action
from desktop_app.ui.i18n import reason_text, tr

SHORTCUT = Qt.Key.Key_F3


def compute_market(source: Any, store: Any, day: dt.date | None) -> tuple[Any, list[dt.date]]:
    """The overview of ``day`` and the trading days a picker offers (runs off the GUI thread)."""
    from desktop_app.core.market import market_overview

    ov = market_overview(source, store, day)
    return ov, trading_days_of(source, store)


def trading_days_of(source: Any, store: Any) -> list[dt.date]:
    """The trading days with data: a local source's calendar (the demo market), else the
    exchange calendar from three years before the store's last day to it."""
    cal = getattr(source, "calendar", None)
    if callable(cal) and getattr(source, "recent_panel", None) is not None:
        return [d.date() for d in cal()]
    from desktop_app.core.calendar import trading_days

    latest = store.latest_date()
    if latest is None:
        return []
    return [d.date() for d in trading_days(latest - dt.timedelta(days=3 * 366), latest)]


class MarketDesk(QObject):
    """``window`` is the MainWindow (view menu, toolbar, central stock area, runner, context)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.view: Any = None                       # ui.market_view.MarketView, once opened
        self.day: dt.date | None = None             # the day asked for (None: the last one)
        self.action = make_action(window, "actionMarket", self.toggle, QKeySequence(SHORTCUT))
        window.view_menu.insertAction(window.f10.action, self.action)
        window.toolbar.insertAction(window.update_action, self.action)
        window.open_symbol_requested.connect(self._on_stock_opened)
        window.ctx.source_changed.connect(self._on_source_changed)
        i18n.notifier.language_changed.connect(self._on_language)
        self.retranslate()

    def retranslate(self) -> None:
        self.action.setText(tr("Market review"))
        self.action.setToolTip(tr("The market at a glance: breadth, limit-ups, board heat (F3)"))
        if self.view is not None:
            self.view.retranslate()

    @Slot(str)
    def _on_language(self, _lang: str) -> None:
        self.retranslate()

    # -- showing ----------------------------------------------------------------------------
    def is_shown(self) -> bool:
        return self.view is not None and self.view.isVisible()

    @Slot()
    def toggle(self) -> None:
        """F3: the market view, or back to the chart when it is shown."""
        if self.is_shown():
            self.hide()
        else:
            self.show()

    def show(self) -> None:
        self.w.ensure_built()
        if self.w.full_chart:
            self.w.toggle_full_chart(False)
        if self.view is None:
            self._build_view()
            self.load(self.day)
        self.w.stock_view.hide()
        self.view.show()
        self.view.setFocus()

    def hide(self) -> None:
        if self.view is not None:
            self.view.hide()
        if self.w.stock_view is not None:
            self.w.stock_view.show()

    def _build_view(self) -> None:
        from desktop_app.ui.market_view import MarketView

        self.view = MarketView()
        self.w.stock_area.layout().addWidget(self.view, 1)
        self.view.day_requested.connect(self.load)
        self.view.open_symbol.connect(self.open_member)
        self.view.scan_universe.connect(self.scan_board)
        self.view.members_wanted.connect(self._fetch_members)

    @Slot(str)
    def _on_stock_opened(self, _symbol: str) -> None:
        self.hide()

    @Slot()
    def _on_source_changed(self) -> None:
        if self.view is not None and self.w.ctx.source is not None:
            self.view.ov = None                    # another market: nothing of the old one stays
            self.load(None)

    # -- computing --------------------------------------------------------------------------
    @Slot(object)
    def load(self, day: dt.date | None = None) -> int:
        """Compute ``day`` (None: the data's last trading day) off the GUI thread; returns the job id."""
        self.day = day
        src, store = self.w.ctx.source, self.w.ctx.store
        if self.view is None:
            return 0
        if src is None or store is None:
            self.view.set_busy(True, day)           # the source is starting: _on_source_changed loads
            return 0
        self.view.set_busy(True, day)
        return self.w.ctx.runner.run(lambda: compute_market(src, store, day), self._on_computed,
                                     self._on_failed, key="market")

    def _on_computed(self, result: tuple[Any, list[dt.date]]) -> None:
        ov, days = result
        if self.view is None:
            return
        self.view.set_busy(False)
        self.view.set_trading_days(days)
        self.view.show_overview(ov)
        if ov.requested:
            self.view.show_note(reason_text(ov.notes[0]))
        self._load_live(ov)

    def _on_failed(self, exc: BaseException) -> None:
        if self.view is not None:
            self.view.show_failure(getattr(exc, "reason", None) or exc)

    def _load_live(self, ov: Any) -> None:
        """The live source's pools of ``ov``'s day, merged into the ladder when they come."""
        src = self.w.ctx.source
        fetch = getattr(src, "limit_pools", None)       # the live source only: the demo has no pools
        if fetch is None:
            return
        store, day = self.w.ctx.store, dt.date.fromisoformat(ov.date)
        self.view.show_note(tr("Fetching the day's limit-up pools and board lists…"))
        self.w.ctx.runner.run(lambda: fetch(store, day), lambda live: self._on_live(ov, live),
                              self._on_live_failed, key="market-live")

    def _on_live(self, ov: Any, live: Any) -> None:
        if self.view is None or self.view.ov is not ov:
            return                                   # another day is shown meanwhile
        self.view.show_overview(ov, live)
        self.view.show_note("")
        if live.failures:
            sep = "；" if i18n.is_zh() else "; "
            self.view.show_note(tr("Live data: {error}").format(error=sep.join(reason_text(r) for r in live.failures)))

    def _on_live_failed(self, exc: BaseException) -> None:
        if self.view is not None:
            self.view.show_note(tr("Live data: {error}").format(
                error=reason_text(getattr(exc, "reason", None) or exc)))

    @Slot(str, str)
    def _fetch_members(self, kind: str, key: str) -> None:
        """A live board's members (the source's board list, off the GUI thread), then its drill."""
        src, ov = self.w.ctx.source, self.view.ov
        if src is None or ov is None:
            return

        def done(codes: list[str]) -> None:
            if self.view is not None and self.view.ov is ov:
                self.view.set_live_members(kind, key, codes)

        self.w.ctx.runner.run(lambda: src.board_members(kind, key), done, self._on_live_failed, key="market-members")

    # -- acting -----------------------------------------------------------------------------
    @Slot(str)
    def open_member(self, symbol: str) -> None:
        """A member's or a ladder row's double-click: its chart (the window's open path)."""
        self.w.open_symbol(symbol, origin="market")

    @Slot(str)
    def scan_board(self, universe: str) -> str:
        """A ranking row's Scan: the scan panel's universe becomes that board, and it runs."""
        return self.w.scan_universe(universe)
