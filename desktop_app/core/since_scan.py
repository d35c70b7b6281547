"""What a past scan's hits did since (issue 16 §5): from the scan's day to the latest bar, and
+5/+10/+20 trading days where the data reaches that far.

One mechanism with the validation: a hit of the scan's day D is a signal on D, bought at the
open of E = D+1 and valued at a close, through ``core/validation_returns`` (``entry`` and
``forward``): a hit that opened at its limit-up or was suspended on E could not be bought and has
no returns ("—"). ``since_ret_N`` is the close of E+N over the open of E (the validation's +N);
``since_ret`` is the stock's latest close over the open of E (its latest bar, which is the
market's latest unless it is suspended). The values are in percent points (like ``chg_pct``).

The scan's day is its ``as_of`` (the date of the bar it scored, stored in its result), else its
request's ``as_of``. Bars are read like a scan's (``core/scan_bars.gather_bars``): a local source
(the demo market) from memory; a remote source from the store only (no fetch to show a result).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .since_reasons import SINCE_COLUMNS      # the columns, in their presented order

SINCE_HORIZONS: tuple[int, ...] = (5, 10, 20)
#: Bars read before the scan's day: its previous close (the limit-up price) and a margin.
_BEFORE = 5


def scan_day(task: dict | None) -> str | None:
    """The day a stored scan task scored (``YYYY-MM-DD``), or None when it is unknown."""
    if not task:
        return None
    result = task.get("result")
    day = result.get("as_of") if isinstance(result, dict) else getattr(result, "as_of", None)
    if not day:
        req = (task.get("params") or {}).get("request") or {}
        day = req.get("as_of") or None
    return str(day) if day else None


def since_returns(panel, day: str, symbols: list[str], is_st: dict[str, bool] | None = None
                  ) -> dict[str, dict[str, float]]:
    """``{symbol: {column: percent}}`` for the hits ``symbols`` of a scan on ``day``, read off
    ``panel`` (which holds their bars from before ``day`` to the latest). NaN where there is no
    value (not bought, or the window not over yet); symbols without bars are left out; empty when
    ``day`` is the panel's last day."""
    from .validation_returns import Market, entry, forward, row_limits

    nan_row = {c: float("nan") for c in SINCE_COLUMNS}
    if panel is None or len(panel.dates) == 0:
        return {}
    d = int(np.searchsorted(panel.dates.values, np.datetime64(day), side="right")) - 1
    at = {str(s): i for i, s in enumerate(panel.symbols.tolist())}
    picked = [s for s in symbols if str(s) in at]
    if d >= len(panel.dates) - 1:           # the latest day (or later): nothing happened since
        return {}
    if d < 0 or not picked:
        return {str(s): dict(nan_row) for s in picked}
    rows = np.array([at[str(s)] for s in picked], dtype=np.intp)
    sub = panel.rows(rows)
    flags = [bool((is_st or {}).get(str(s), False)) for s in picked]
    m = Market(sub, row_limits(picked, flags))
    r = np.arange(len(picked), dtype=np.intp)
    cols = np.full(len(picked), d, dtype=np.intp)
    status, price = entry(m, r, cols)
    out = {str(s): dict(nan_row) for s in picked}
    fw = forward(m, r, cols, status, price, SINCE_HORIZONS, excursions=False)
    for k in SINCE_HORIZONS:
        for i, s in enumerate(picked):
            out[str(s)][f"since_ret_{k}"] = 100.0 * float(fw[k].ret[i])
    # to the latest: each stock's own last bar is its horizon (grouped, one forward() per group)
    has_bar = np.isfinite(m.close)
    last = np.where(has_bar.any(axis=1), m.t - 1 - np.argmax(has_bar[:, ::-1], axis=1), -1)
    k_latest = last - (d + 1)
    for k in np.unique(k_latest[k_latest >= 0]):
        g = np.flatnonzero(k_latest == k)
        ret = forward(m, r[g], cols[g], status[g], price[g], (int(k),), excursions=False)[int(k)].ret
        for i, v in zip(g, ret):
            out[str(picked[i])]["since_ret"] = 100.0 * float(v)
    return out


def read_since(task: dict, symbols: list[str], source, store, cancel=None) -> dict[str, dict[str, float]]:
    """Read the bars and compute :func:`since_returns` for a stored scan ``task``'s hits (off the
    GUI thread: it reads the store). Empty when the scan's day is unknown."""
    from .calendar import trading_days
    from .jobs import CancelToken
    from .scan_bars import gather_bars, local_latest

    day = scan_day(task)
    if not day or not symbols:
        return {}
    cancel = cancel or CancelToken()
    latest = store.latest_date() or local_latest(source) or dt.date.today()
    n = len(trading_days(dt.date.fromisoformat(day), latest)) + _BEFORE
    local = getattr(source, "recent_panel", None) is not None
    panel, _missing = gather_bars(list(dict.fromkeys(str(s) for s in symbols)), source, store, n,
                                  fetch_missing=local, cancel=cancel, on_fetch=lambda p, k: None)
    is_st = _st_flags(source, symbols)
    return since_returns(panel, day, [str(s) for s in symbols], is_st)


def _st_flags(source, symbols: list[str]) -> dict[str, bool]:
    """Today's ST flags of ``symbols`` (the 5 % limit), as the validation uses them."""
    try:
        uni = source.universe()
    except Exception:  # noqa: BLE001 - no universe: board limits without ST
        return {}
    if "is_st" not in uni:
        return {}
    want = set(map(str, symbols))
    return {str(s): bool(st) for s, st in zip(uni["symbol"].astype(str), uni["is_st"].fillna(False)) if str(s) in want}


def merge_since(rows: list[dict], values: dict[str, dict[str, Any]]) -> list[dict]:
    """Copies of hit ``rows`` with their since-scan values (NaN for a row without one)."""
    nan_row = {c: float("nan") for c in SINCE_COLUMNS}
    return [{**r, **values.get(str(r.get("symbol")), nan_row)} for r in rows]
