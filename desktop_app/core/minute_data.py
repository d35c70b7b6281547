"""Loading a stock's minute bars for the chart, the 分时 view and the CLI (issue 17 §4): the
source's answer merged into the minute cache (``core/data/minute_store.py``), so history
accumulates; the cache alone when it was fetched less than ``max_age`` seconds ago; the cache
with a note when the source fails. Runs off the GUI thread (the view's runner, the CLI)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from desktop_app.core.data.errors import DataError, NoDataError
from desktop_app.core.minute_bars import minutes_of, period_name
from desktop_app.core.reasons import R, Reason

#: Seconds a fetched stock's minute bars are served from the cache without asking again.
MAX_AGE_S = 60.0


@dataclass(frozen=True)
class MinuteLoad:
    symbol: str
    period: str
    bars: pd.DataFrame
    note: Reason | None = None          # set when the bars come from the cache after a failure


def _term(period: str) -> dict:
    return {"zh": period_name(period, "zh"), "en": period_name(period, "en")}


def load_minutes(source: Any, store: Any, symbol: str, period: str, max_age: float = MAX_AGE_S,
                 now: float | None = None) -> MinuteLoad:
    """``period`` bars of ``symbol`` (a stock code; an ``index:`` code raises NoDataError)."""
    minutes_of(period)
    if str(symbol).startswith("index:"):
        raise NoDataError(R("minute_no_index", code=str(symbol)[6:]), symbol=str(symbol))
    now = time.time() if now is None else now
    cached = store.read(symbol, period) if store is not None else None
    if store is not None and not cached.empty:
        fetched = store.fetched(symbol, period)
        if fetched is not None and now - fetched < max_age:
            return MinuteLoad(symbol, period, cached)
    try:
        fresh = source.minute_bars(symbol, period)
    except DataError as exc:
        if cached is not None and not cached.empty:
            return MinuteLoad(symbol, period, cached,
                              R("minute_from_cache", symbol=symbol, period=_term(period), error=exc.reason))
        raise
    if store is None:
        return MinuteLoad(symbol, period, fresh)
    store.merge(symbol, period, fresh, fetched_at=now)
    return MinuteLoad(symbol, period, store.read(symbol, period))


def open_minute_store(source: Any) -> Any:
    """The minute cache of ``source`` (``cache_dir()/minutes-<key>.sqlite``)."""
    from desktop_app.core.data.minute_store import MinuteStore, minute_store_path

    return MinuteStore(minute_store_path(source))
