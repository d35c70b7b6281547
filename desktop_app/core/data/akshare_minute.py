"""Minute bars from akshare (issue 17 §4): ``stock_zh_a_hist_min_em`` behind the data protocol's
``minute_bars(symbol, period)``, through the source's "eastmoney" host gate.

What akshare 1.19.5 asks (``akshare/stock_feature/stock_hist_em.py``):
- period "1": ``push2his.eastmoney.com/api/qt/stock/trends2/get`` with ``ndays=5`` — the last
  five trading days only, unadjusted whatever ``adjust`` says; columns 时间, 开盘, 收盘, 最高,
  最低, 成交量, 成交额, 均价; the answer holds a bar stamped 09:30 (the call auction), folded
  into 09:31 here (``minute_bars.fold_auction``: 240 bars a day, as 通达信 shows them).
- periods "5"/"15"/"30"/"60": ``.../api/qt/stock/kline/get`` with ``klt=<period>``, ``beg=0``,
  ``end=20500000``: everything the host keeps (recent months); ``fqt`` from ``adjust``. We ask
  unadjusted (``adjust=""``) for every period, so cached bars never go stale after an
  ex-dividend day and history can accumulate (``minute_store``).
- 成交量 in 手 (× 100 = shares), 成交额 in yuan, bars stamped with their interval's end.
- an unknown code answers ``"data": null`` (→ NoDataError through ``classify``); an empty list
  of bars makes akshare's column assignment fail ("Length mismatch: Expected axis has 0
  elements"), which is no data too, not garbage.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from desktop_app.core.catalogue import host_term
from desktop_app.core.data.akshare_normalize import SHARES_PER_LOT, _numeric, _require
from desktop_app.core.data.errors import NoDataError, UnparseableError
from desktop_app.core.jobs import CancelToken
from desktop_app.core.minute_bars import MINUTE_COLUMNS, fold_auction, minutes_of, period_name
from desktop_app.core.reasons import R

HOST = "eastmoney"
_EMPTY_SIGN = "Expected axis has 0 elements"


def _period_term(period: str) -> dict:
    return {"zh": period_name(period, "zh"), "en": period_name(period, "en")}


def normalise(raw: pd.DataFrame, period: str, what: Any) -> pd.DataFrame:
    """akshare's frame → MINUTE_COLUMNS (shares, yuan), DatetimeIndex "date" of bar end times."""
    _require(raw, ["时间", "开盘", "收盘", "最高", "最低", "成交量", "成交额"], what)
    index = pd.DatetimeIndex(pd.to_datetime(raw["时间"].astype(str), errors="coerce"), name="date").as_unit("ns")
    df = pd.DataFrame({"open": _numeric(raw["开盘"]).to_numpy(), "high": _numeric(raw["最高"]).to_numpy(),
                       "low": _numeric(raw["最低"]).to_numpy(), "close": _numeric(raw["收盘"]).to_numpy(),
                       "volume": (_numeric(raw["成交量"]) * SHARES_PER_LOT).to_numpy(),
                       "amount": _numeric(raw["成交额"]).to_numpy()}, index=index)[MINUTE_COLUMNS]
    df = df[df.index.notna() & df["close"].notna()]
    df = df[~df.index.duplicated(keep="last")].sort_index()
    return fold_auction(df) if minutes_of(period) == 1 else df


def minute_bars(source: Any, symbol: str, period: str, cancel: CancelToken | None = None) -> pd.DataFrame:
    """``period`` ("1m", "5m", "15m", "30m", "60m") bars of a stock from eastmoney."""
    k = minutes_of(period)
    sym = source._symbol(symbol)
    what = R("what_minute_bars", symbol=sym.code, period=_period_term(period), host=host_term(HOST))
    try:
        raw = source._call(HOST, "stock_zh_a_hist_min_em", symbol=sym.code, period=str(k), adjust="",
                           what=what, cancel=cancel)
    except UnparseableError as exc:
        if _EMPTY_SIGN in str(exc.reason.params.get("detail", "")):
            raise NoDataError(R("minute_no_bars", symbol=sym.code, period=_period_term(period)),
                              symbol=sym.code) from exc
        exc.symbol = exc.symbol or sym.code
        raise
    out = normalise(raw, period, what)
    if out.empty:
        raise NoDataError(R("minute_no_bars", symbol=sym.code, period=_period_term(period)), symbol=sym.code)
    return out

