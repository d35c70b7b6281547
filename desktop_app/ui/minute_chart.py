"""Minute K-lines in the stock view's chart (issue 17 §4): the 1/5/15/30/60-minute bars of the open
stock loaded on the view's runner (``core.minute_data.load_minutes``: the source's answer merged
into the minute cache, the cache alone when fresh, the cache with a note when the source fails)
behind the chart's placeholder, then given to the chart through ``ChartPeriods._put`` (no preset
markers: presets are daily rules). Newest request wins; a result for another stock or period is
dropped. Used by ``ui/chart_period.ChartPeriods``."""
from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import QObject

from desktop_app.ui.i18n import reason_text, tr

log = logging.getLogger(__name__)


def load_minute_bars(source: Any, symbol: str, period: str) -> Any:
    """Runs on the runner: a ``core.minute_data.MinuteLoad``."""
    from desktop_app.core.minute_data import load_minutes, open_minute_store

    return load_minutes(source, open_minute_store(source), symbol, period)


class MinuteFeed(QObject):
    """Loads minute bars for a ``ChartPeriods`` and hands them to its chart."""

    def __init__(self, periods: Any) -> None:
        super().__init__(periods)
        self.periods = periods
        self._key = f"minute-bars-{id(self)}"
        self.last_load: Any = None

    def request(self, period: str) -> None:
        from desktop_app.ui.chart_period import period_label

        v = self.periods.view
        symbol, source = v.current_symbol(), getattr(v.ctx, "source", None)
        v.chart.show_placeholder(tr("Loading {period} bars of {symbol}…").format(
            period=period_label(period), symbol=symbol))
        v.runner.run(partial(load_minute_bars, source, symbol, period), self._on_loaded, self._on_error,
                     key=self._key)

    def _current(self, symbol: str, period: str) -> bool:
        p = self.periods
        return p._shown is not None and symbol == p.view.current_symbol() and period == p.period()

    def _on_loaded(self, load: Any) -> None:
        if not self._current(load.symbol, load.period):
            return
        self.last_load = load
        if load.note is not None:
            log.info("%s", load.note)
        self.periods._put(load.bars, {})

    def _on_error(self, exc: BaseException) -> None:
        from desktop_app.ui.chart_period import MINUTE_PERIODS, period_label

        p = self.periods
        if p.period() not in MINUTE_PERIODS:
            return
        reason = getattr(exc, "reason", None)
        error = reason_text(reason) if reason is not None else (str(exc) or type(exc).__name__)
        p.view.chart.show_placeholder(tr("No {period} bars for {symbol}: {error}").format(
            period=period_label(p.period()), symbol=p.view.current_symbol(), error=error))


def request_minutes(periods: Any, period: str) -> None:
    feed = getattr(periods, "minute_feed", None)
    if feed is None:
        feed = periods.minute_feed = MinuteFeed(periods)
    feed.request(period)
