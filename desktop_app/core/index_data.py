"""An index opened like a stock (issue 17): its bars, cached in the bar store in their own
namespace, and the breadth of its members.

- **Keys.** An index's series is stored under ``"index:<code>"`` (:func:`index_key`), so
  上证指数 000001 and 平安银行 000001 never share a row; the store's stock listings leave the
  namespace out (``core.data.store._STOCKS``).
- **Bars.** :func:`load_index_bars` is :func:`core.analysis.load_bars`'s twin: the store first
  (fetched again when it ends before the stored stocks' latest day: the daily update does not
  extend index series), else ``source.index_bars(code)`` (eastmoney on akshare; the demo market's cap-weighted index of
  its members, ``core.cap_index``), written back.
- **Breadth** (:func:`breadth_of`), on the panel's last day, over the members that traded that
  day: up / down / flat against each member's previous traded close; % above MA20 / MA60 = the
  share of members whose close is above the mean of their last 20 / 60 traded closes (members
  with fewer traded closes in the window are left out of that figure). The members' bars are the
  store's, plus a local source's memory (the demo market) for members not stored yet
  (``core.scan_bars.gather_bars``); a remote source is never asked for 300 stocks here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data.errors import DataError, NoDataError
from .panel import Panel
from .reasons import R
from .symbols import INDEXES, parse_index

log = logging.getLogger(__name__)

INDEX_NS = "index:"
BREADTH_DAYS = 90        # trading days read per member: room for 60 traded closes


def index_key(code: str) -> str:
    """The bar-store key of an index given in any form ``parse_index`` accepts."""
    return INDEX_NS + parse_index(code)


def is_index_token(token: str) -> bool:
    """True for ``index:000300``-style tokens (the way an index travels through the window)."""
    return isinstance(token, str) and token.strip().lower().startswith(INDEX_NS)


def load_index_bars(code: str, source, store=None) -> pd.DataFrame:
    """The index's daily bars: the store's under :func:`index_key` unless they end before the
    stored stocks' latest day, else the source's (then stored). Raises the source's ``DataError``
    (a failed refetch of stale bars returns the stored ones)."""
    code = parse_index(code)
    key = INDEX_NS + code
    stored = store.read(key) if store is not None else None
    if stored is not None and len(stored):
        latest = store.latest_date()              # the stocks' freshness (the daily update's)
        if latest is None or stored.index[-1].date() >= latest:
            return stored
        try:
            bars = source.index_bars(code)        # behind the stocks: fetched again, once
        except DataError as e:
            log.info("index %s stays as stored (%s)", key, e)
            return stored
    else:
        bars = source.index_bars(code)
    if bars is None or len(bars) == 0:
        raise NoDataError(R("index_no_bars", code=code), key)
    if store is not None:
        try:
            store.write(key, bars)
        except Exception as e:  # a full disk must not hide the chart
            log.warning("could not store the bars of %s: %s", key, e)
    return bars


@dataclass
class Breadth:
    code: str
    date: pd.Timestamp | None
    members: int           # the index's member count
    with_bars: int         # members with bars in the window
    up: int
    down: int
    flat: int
    above_ma20: float | None   # fraction 0..1 of members with 20 traded closes
    above_ma60: float | None
    n_ma20: int
    n_ma60: int


def _above(closes: list[np.ndarray], n: int) -> tuple[float | None, int]:
    ok = [c for c in closes if len(c) >= n]
    if not ok:
        return None, 0
    return float(np.mean([c[-1] > c[-n:].mean() for c in ok])), len(ok)


def breadth_of(code: str, panel: Panel, members: int) -> Breadth:
    """Breadth of ``panel``'s rows on its last day (see the module docstring)."""
    close = panel.close
    if close.shape[1] == 0:
        return Breadth(code, None, members, 0, 0, 0, 0, None, None, 0, 0)
    last = close[:, -1]
    today = np.isfinite(last)
    up = down = flat = 0
    series: list[np.ndarray] = []
    for i in np.flatnonzero(today):
        c = close[i][np.isfinite(close[i])]
        series.append(c)
        if len(c) >= 2:
            up += int(c[-1] > c[-2])
            down += int(c[-1] < c[-2])
            flat += int(c[-1] == c[-2])
    a20, n20 = _above(series, 20)
    a60, n60 = _above(series, 60)
    with_bars = int(np.isfinite(close).any(axis=1).sum())
    return Breadth(code, panel.dates[-1], members, with_bars, up, down, flat, a20, a60, n20, n60)


def index_breadth(code: str, source, store, cancel=None) -> Breadth:
    """The breadth of the index's members from the store (and a local source's memory)."""
    from .jobs import CancelToken
    from .scan_bars import gather_bars

    code = parse_index(code)
    members = [str(s) for s in source.index_members(code)]
    recent = getattr(source, "recent_panel", None)
    if store is None:
        got = recent(members, BREADTH_DAYS) if recent is not None else None
        panel = got[0] if got is not None else Panel.from_frames({})
    else:
        panel, _problems = gather_bars(members, source, store, BREADTH_DAYS, recent is not None,
                                       cancel or CancelToken(), lambda _p, _n: None)
    if not len(panel.symbols):
        raise NoDataError(R("index_no_member_bars", code=code), INDEX_NS + code)
    return breadth_of(code, panel, len(members))


@dataclass
class LoadedIndex:
    """What the stock view shows for an index: its bars, and its breadth or why there is none."""
    code: str
    name: str
    bars: pd.DataFrame
    breadth: Breadth | None
    breadth_error: str = ""

    report = None            # an index has no score (the stock view reads these as for a stock)
    report_error = ""

    @property
    def symbol(self) -> str:
        return INDEX_NS + self.code


def load_index(code: str, source, store=None) -> LoadedIndex:
    """Blocking (off the GUI thread): the index's bars and its members' breadth."""
    code = parse_index(code)
    bars = load_index_bars(code, source, store)
    try:
        breadth, error = index_breadth(code, source, store), ""
    except Exception as e:  # the chart still shows; the panel says why there is no breadth
        log.warning("breadth of %s failed", code, exc_info=True)
        breadth, error = None, str(e).strip() or type(e).__name__
    return LoadedIndex(code, INDEXES[code][0], bars, breadth, error)


def load_for_view(symbol: str, source, store=None, universe_cache: dict | None = None):
    """What the stock view loads for ``symbol``: ``load_index`` for ``index:<code>``, else
    ``core.analysis.load_stock`` (blocking; off the GUI thread)."""
    if is_index_token(symbol):
        return load_index(symbol, source, store)
    from .analysis import load_stock

    return load_stock(symbol, source, store, universe_cache)
