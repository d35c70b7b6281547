"""Column and unit normalisation of akshare answers, done once at the source boundary.

Behind the data protocol: English columns, volume in shares, amount in yuan, turnover in percent,
a DatetimeIndex named "date" (normalised, ascending, unique). Units per host (AKSHARE.md §4, §17):

| host (function)                 | volume                       | amount | turnover  |
|---------------------------------|------------------------------|--------|-----------|
| eastmoney (stock_zh_a_hist)     | 手 (×100 → shares)            | yuan   | percent   |
| tencent (stock_zh_a_hist_tx)    | shares, except a known bug   | yuan   | fraction  |
| sina (stock_zh_a_daily)         | shares                       | yuan   | fraction  |
| eastmoney spot                  | 手 (×100 → shares)            | yuan   | percent   |

Tencent bug: akshare multiplies lots by 100 except for codes starting ``sz000`` (meant for
indices), so Shenzhen main-board ``sz000xxx`` stocks come back in lots. Rather than trust a
prefix list, :func:`tencent_bars` checks the numbers: amount / (volume × close) is ≈1 for
shares and ≈100 for lots.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd

from desktop_app.core.data.errors import NoDataError, UnparseableError
from desktop_app.core.data.source import BAR_COLUMNS, SPOT_COLUMNS
from desktop_app.core.reasons import R, Reason

SHARES_PER_LOT = 100


def clean_name(name: object) -> str:
    """SZSE pads names and uses full-width letters (``万  科Ａ``): NFKC and drop spaces."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(name)).split())


def _require(df: pd.DataFrame, columns: list[str], what: Reason | str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UnparseableError(R("data_missing_columns", what=what, columns=str(missing),
                                 has=str(list(df.columns)[:12])))


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def finish_bars(df: pd.DataFrame, dates: pd.Series, start: dt.date | None,
                end: dt.date | None, what: Reason | str) -> pd.DataFrame:
    """DatetimeIndex "date", BAR_COLUMNS float64, ascending, unique, sliced to [start, end]."""
    out = pd.DataFrame({c: _numeric(df[c]) for c in BAR_COLUMNS})
    index = pd.to_datetime(pd.Series(dates).astype(str), errors="coerce")
    out.index = pd.DatetimeIndex(index, name="date").astype("datetime64[ns]").normalize()
    out = out[out.index.notna() & out["close"].notna()]
    out = out[~out.index.duplicated(keep="last")].sort_index()
    if start is not None:
        out = out[out.index >= pd.Timestamp(start)]
    if end is not None:
        out = out[out.index <= pd.Timestamp(end)]
    if out.empty:
        raise NoDataError(R("data_no_bars_in_range", what=what))
    return out


def eastmoney_bars(raw: pd.DataFrame, start: dt.date | None, end: dt.date | None,
                   what: Reason | str) -> pd.DataFrame:
    """stock_zh_a_hist → protocol bars (成交量 手 × 100; 换手率 already percent)."""
    cols = ["日期", "开盘", "收盘", "最高", "最低", "成交量", "成交额", "换手率"]
    _require(raw, cols, what)
    df = pd.DataFrame({
        "open": raw["开盘"], "high": raw["最高"], "low": raw["最低"], "close": raw["收盘"],
        "volume": _numeric(raw["成交量"]) * SHARES_PER_LOT,
        "amount": raw["成交额"], "turnover": raw["换手率"],
    })
    return finish_bars(df, raw["日期"], start, end, what)


def eastmoney_index_bars(raw: pd.DataFrame, what: Reason | str) -> pd.DataFrame:
    """stock_zh_index_daily_em → protocol bars (volume 手 × 100; an index has no turnover)."""
    _require(raw, ["date", "open", "close", "high", "low", "volume", "amount"], what)
    df = pd.DataFrame({"open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"],
                       "volume": _numeric(raw["volume"]) * SHARES_PER_LOT, "amount": raw["amount"],
                       "turnover": np.nan})
    return finish_bars(df, raw["date"], None, None, what)


def volume_in_lots(volume: pd.Series, amount: pd.Series, close: pd.Series) -> bool:
    """True when amount / (volume × close) says volume is in lots (≈100) rather than shares."""
    ratio = (_numeric(amount) / (_numeric(volume) * _numeric(close))).replace(
        [np.inf, -np.inf], np.nan).dropna()
    if ratio.empty:
        return False
    return bool(20.0 < float(ratio.median()) < 500.0)


def tencent_bars(raw: pd.DataFrame, start: dt.date | None, end: dt.date | None,
                 what: Reason | str) -> pd.DataFrame:
    """stock_zh_a_hist_tx → protocol bars (turnover fraction × 100; lots fixed, see module doc)."""
    _require(raw, ["date", "open", "close", "high", "low", "volume", "turnover", "amount"], what)
    volume = _numeric(raw["volume"])
    if volume_in_lots(volume, raw["amount"], raw["close"]):
        volume = volume * SHARES_PER_LOT
    df = pd.DataFrame({
        "open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"],
        "volume": volume, "amount": raw["amount"], "turnover": _numeric(raw["turnover"]) * 100.0,
    })
    return finish_bars(df, raw["date"], start, end, what)


def sina_bars(raw: pd.DataFrame, start: dt.date | None, end: dt.date | None,
              what: Reason | str) -> pd.DataFrame:
    """stock_zh_a_daily → protocol bars (volume already shares; turnover fraction × 100)."""
    _require(raw, ["date", "open", "high", "low", "close", "volume", "amount", "turnover"], what)
    df = pd.DataFrame({
        "open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"],
        "volume": raw["volume"], "amount": raw["amount"],
        "turnover": _numeric(raw["turnover"]) * 100.0,
    })
    return finish_bars(df, raw["date"], start, end, what)


_SPOT_MAP = {
    "代码": "symbol", "名称": "name", "最新价": "last", "昨收": "prev_close", "今开": "open",
    "最高": "high", "最低": "low", "成交量": "volume", "成交额": "amount", "换手率": "turnover",
    "总市值": "market_cap", "流通市值": "float_cap", "市盈率-动态": "pe", "市净率": "pb",
}


def spot_frame(raw: pd.DataFrame, what: Reason | str = "snapshot") -> pd.DataFrame:
    """stock_zh_a_spot_em → SPOT_COLUMNS (成交量 手 × 100). Rows keep NaN prices (suspended)."""
    _require(raw, list(_SPOT_MAP), what)
    df = raw[list(_SPOT_MAP)].rename(columns=_SPOT_MAP)
    out = pd.DataFrame({"symbol": df["symbol"].astype(str).str.strip().str.zfill(6),
                        "name": df["name"].map(clean_name)})
    for col in SPOT_COLUMNS[2:]:
        out[col] = _numeric(df[col])
    out["volume"] = out["volume"] * SHARES_PER_LOT
    return out[SPOT_COLUMNS].reset_index(drop=True)


def to_date(value: object) -> dt.date | None:
    """Exchange list dates come as date objects, 'YYYY-MM-DD' strings or 19910129 integers."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none", "-", "--"}:
        return None
    if text.endswith(".0"):
        text = text[:-2]
    ts = pd.to_datetime(text, format="%Y%m%d" if text.isdigit() else None, errors="coerce")
    return None if pd.isna(ts) else ts.date()
