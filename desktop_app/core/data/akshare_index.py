"""An index's daily bars from akshare with fallbacks (issue 17 §3): eastmoney
(``stock_zh_index_daily_em``), then Sina (``stock_zh_index_daily``), then Tencent
(``stock_zh_index_daily_tx``), each through its own host gate (``AkShareSource._call``: one
request in flight per host, its interval, its breaker), units normalised to the protocol's:

| host | function | volume | amount |
|---|---|---|---|
| eastmoney | ``stock_zh_index_daily_em`` | 手 (× 100 → shares) | yuan |
| sina | ``stock_zh_index_daily`` | shares | — (NaN: Sina has none, akshare #2134) |
| tencent | ``stock_zh_index_daily_tx`` | its ``amount`` column is 手 (× 100 → shares) | — (NaN) |

An index has no turnover (NaN). A host that fails in any way (throttled, network, garbage, no
rows: Sina lacks some indexes) hands over to the next; when all fail the error names each.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from desktop_app.core import symbols
from desktop_app.core.data import akshare_normalize as norm
from desktop_app.core.data.errors import DataError, NoDataError, ThrottledError
from desktop_app.core.reasons import R

INDEX_HOSTS = ("eastmoney", "sina", "tencent")
_FUNCS = {"eastmoney": "stock_zh_index_daily_em", "sina": "stock_zh_index_daily",
          "tencent": "stock_zh_index_daily_tx"}


def sina_index_bars(raw: pd.DataFrame, what) -> pd.DataFrame:
    """stock_zh_index_daily → protocol bars (volume already shares; no amount)."""
    norm._require(raw, ["date", "open", "high", "low", "close", "volume"], what)
    df = pd.DataFrame({"open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"],
                       "volume": norm._numeric(raw["volume"]), "amount": np.nan, "turnover": np.nan})
    return norm.finish_bars(df, raw["date"], None, None, what)


def tencent_index_bars(raw: pd.DataFrame, what) -> pd.DataFrame:
    """stock_zh_index_daily_tx → protocol bars (its "amount" is volume in 手; no amount)."""
    norm._require(raw, ["date", "open", "close", "high", "low", "amount"], what)
    df = pd.DataFrame({"open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"],
                       "volume": norm._numeric(raw["amount"]) * norm.SHARES_PER_LOT, "amount": np.nan,
                       "turnover": np.nan})
    return norm.finish_bars(df, raw["date"], None, None, what)


_NORMALISE = {"eastmoney": norm.eastmoney_index_bars, "sina": sina_index_bars, "tencent": tencent_index_bars}


def fetch_index_bars(source, code: str, cancel=None, hosts=INDEX_HOSTS) -> pd.DataFrame:
    """The index's bars from the first host of ``hosts`` that answers (see the module docstring)."""
    name = symbols.INDEXES[code][0]
    prefixed = symbols.INDEXES[code][2].lower() + code
    errors: list[DataError] = []
    for host in hosts:
        what = R("what_index_bars", code=code, index={"zh": name, "en": name})
        try:
            raw = source._call(host, _FUNCS[host], symbol=prefixed, what=what, cancel=cancel)
            return _NORMALISE[host](raw, what)
        except DataError as exc:
            errors.append(exc)
    if all(isinstance(e, NoDataError) for e in errors):
        kind: type[DataError] = NoDataError
    elif all(isinstance(e, (ThrottledError, NoDataError)) for e in errors):
        kind = ThrottledError
    else:
        kind = type(next(e for e in errors if not isinstance(e, (ThrottledError, NoDataError))))
    raise kind(R("data_index_all_hosts_failed", code=code, errors=[e.reason for e in errors]), "index:" + code)

