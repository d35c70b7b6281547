"""Fundamentals from akshare, normalised at the boundary (yuan, percent, ``datetime.date``).

Four eastmoney data-center calls (akshare 1.19.5; AKSHARE.md), all on the host gate
``eastmoney_dc`` (``datacenter-web``/``datacenter.eastmoney.com``: one call in flight, a pause
between calls, its own breaker):

| protocol method          | akshare function                          | notes |
|--------------------------|-------------------------------------------|-------|
| ``fundamentals(date)``   | ``stock_yjbb_em(date="YYYYMMDD")``        | the whole market, 500 rows a page; columns renamed by position |
| ``financial_indicators`` | ``stock_financial_analysis_indicator_em`` | raw English fields (EPSJB, ROEJQ, ZCFZL …), newest first |
| ``valuation_history``    | ``stock_value_em``                        | sorted OLDEST first by akshare: the latest row is the last |
| ``dividends``            | ``stock_fhps_detail_em``                  | 现金分红比例 is yuan per 10 shares |

Units as served: amounts in yuan, growth/ROE/margins/debt ratio in percent, per-share values in
yuan; nothing is rescaled, only renamed, typed and checked. A report without a period end or a
code is dropped; a value eastmoney leaves empty is NaN (never 0).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import symbols
from ..catalogue import host_term
from ..reasons import R, Reason
from .akshare_normalize import _numeric, _require, to_date
from .errors import NoDataError
from .source import DIVIDEND_COLUMNS, FUNDAMENTAL_COLUMNS, VALUATION_COLUMNS

if TYPE_CHECKING:
    from .akshare_source import AkShareSource

HOST = "eastmoney_dc"

_YJBB = {  # stock_yjbb_em's Chinese columns -> ours
    "股票代码": "symbol", "每股收益": "eps", "营业总收入-营业总收入": "revenue",
    "营业总收入-同比增长": "revenue_yoy", "净利润-净利润": "profit", "净利润-同比增长": "profit_yoy",
    "每股净资产": "bvps", "净资产收益率": "roe", "销售毛利率": "gross_margin",
    "每股经营现金流量": "ocfps", "最新公告日期": "notice_date",
}
_INDICATOR = {  # RPT_F10_FINANCE_MAINFINADATA's fields -> ours
    "SECURITY_CODE": "symbol", "REPORT_DATE": "report_date", "NOTICE_DATE": "notice_date",
    "EPSJB": "eps", "TOTALOPERATEREVE": "revenue", "TOTALOPERATEREVETZ": "revenue_yoy",
    "PARENTNETPROFIT": "profit", "PARENTNETPROFITTZ": "profit_yoy", "BPS": "bvps", "ROEJQ": "roe",
    "XSMLL": "gross_margin", "MGJYXJJE": "ocfps", "ZCFZL": "debt_ratio",
}
_VALUE = {"数据日期": "date", "当日收盘价": "close", "PE(TTM)": "pe_ttm", "PE(静)": "pe_static",
          "市净率": "pb", "总市值": "market_cap", "流通市值": "float_cap", "总股本": "total_shares",
          "流通股本": "float_shares"}
_FHPS = {"报告期": "report_date", "预案公告日": "plan_date", "股权登记日": "record_date",
         "除权除息日": "ex_date", "现金分红-现金分红比例": "cash_per_10",
         "送转股份-送转总比例": "shares_per_10", "现金分红-股息率": "dividend_yield", "方案进度": "progress"}
_TEXT = {"symbol", "progress"}
_DATES = {"report_date", "notice_date", "date", "plan_date", "record_date", "ex_date"}


def secucode(symbol: str) -> str:
    """"600519" -> "600519.SH" (eastmoney's F10 code)."""
    sym = symbols.parse_symbol(symbol)
    return f"{sym.code}.{sym.exchange}"


def _dates(series: pd.Series) -> list[dt.date | None]:
    return [to_date(str(v)[:10]) if v is not None and not (isinstance(v, float) and np.isnan(v)) else None
            for v in series.tolist()]


def _frame(raw: pd.DataFrame, mapping: dict[str, str], columns: list[str], required: list[str],
           what: Reason | str) -> pd.DataFrame:
    """Rename, type (numbers float64, dates ``datetime.date``), order ``columns`` (absent: NaN)."""
    _require(raw, required, what)
    out = pd.DataFrame(index=range(len(raw)))
    for src, dst in mapping.items():
        if src not in raw.columns:
            continue
        col = raw[src].reset_index(drop=True)
        if dst in _DATES:
            out[dst] = _dates(col)
        elif dst in _TEXT:
            out[dst] = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
                        for v in col.tolist()]
        else:
            out[dst] = _numeric(col).to_numpy()
    for c in columns:
        if c not in out.columns:
            out[c] = None if c in _DATES else np.nan
    return out[columns]


def _stocks_only(df: pd.DataFrame) -> pd.DataFrame:
    codes = df["symbol"].astype(str).str.zfill(6)
    ok = [_is_stock(c) for c in codes]
    return df.assign(symbol=codes)[ok]


def _is_stock(code: str) -> bool:
    try:
        return symbols.parse_symbol(code).code == code
    except ValueError:
        return False


def yjbb_frame(raw: pd.DataFrame, report_date: dt.date, what: Reason | str) -> pd.DataFrame:
    """stock_yjbb_em -> FUNDAMENTAL_COLUMNS for one period (no debt ratio in this table)."""
    df = _frame(raw, _YJBB, FUNDAMENTAL_COLUMNS, ["股票代码", "每股收益", "净资产收益率"], what)
    df["report_date"] = report_date
    df = _stocks_only(df).drop_duplicates("symbol", keep="first")
    if df.empty:
        raise NoDataError(R("data_no_rows", what=what, host=host_term(HOST)))
    return df.sort_values("symbol").reset_index(drop=True)


def indicator_frame(raw: pd.DataFrame, symbol: str, what: Reason | str) -> pd.DataFrame:
    """stock_financial_analysis_indicator_em -> FUNDAMENTAL_COLUMNS, newest first."""
    df = _frame(raw, _INDICATOR, FUNDAMENTAL_COLUMNS, ["REPORT_DATE", "EPSJB", "ROEJQ"], what)
    df["symbol"] = symbol
    df = df[[d is not None for d in df["report_date"]]]
    df = df.sort_values("report_date", ascending=False).drop_duplicates("report_date")
    return df.reset_index(drop=True)


def value_frame(raw: pd.DataFrame, what: Reason | str) -> pd.DataFrame:
    """stock_value_em -> VALUATION_COLUMNS, ascending by date (the last row is the latest)."""
    df = _frame(raw, _VALUE, VALUATION_COLUMNS, list(_VALUE), what)
    df = df[[d is not None for d in df["date"]]]
    return df.sort_values("date").drop_duplicates("date", keep="last").reset_index(drop=True)


def fhps_frame(raw: pd.DataFrame, what: Reason | str) -> pd.DataFrame:
    """stock_fhps_detail_em -> DIVIDEND_COLUMNS, newest report first."""
    df = _frame(raw, _FHPS, DIVIDEND_COLUMNS, ["报告期", "现金分红-现金分红比例"], what)
    df = df[[d is not None for d in df["report_date"]]]
    return df.sort_values("report_date", ascending=False).reset_index(drop=True)


# -- the calls (through the source's gate, timeout and error mapping) ---------------------------
def fetch_fundamentals(src: "AkShareSource", report_date: dt.date, cancel=None) -> pd.DataFrame:
    day = pd.Timestamp(report_date).date()
    what = R("what_fundamentals", period=day.isoformat())
    raw = src._call(HOST, "stock_yjbb_em", date=day.strftime("%Y%m%d"), what=what, cancel=cancel)
    return yjbb_frame(raw, day, what)


def fetch_indicators(src: "AkShareSource", symbol: str, cancel=None) -> pd.DataFrame:
    sym = src._symbol(symbol)
    what = R("what_financials", symbol=sym.code)
    raw = src._call(HOST, "stock_financial_analysis_indicator_em", symbol=secucode(sym.code),
                    indicator="按报告期", what=what, cancel=cancel)
    return indicator_frame(raw, sym.code, what)


def fetch_valuation(src: "AkShareSource", symbol: str, cancel=None) -> pd.DataFrame:
    sym = src._symbol(symbol)
    what = R("what_valuation", symbol=sym.code)
    raw = src._call(HOST, "stock_value_em", symbol=sym.code, what=what, cancel=cancel)
    return value_frame(raw, what)


def fetch_dividends(src: "AkShareSource", symbol: str, cancel=None) -> pd.DataFrame:
    sym = src._symbol(symbol)
    what = R("what_dividends", symbol=sym.code)
    try:
        raw = src._call(HOST, "stock_fhps_detail_em", symbol=sym.code, what=what, cancel=cancel)
    except NoDataError:
        return pd.DataFrame(columns=DIVIDEND_COLUMNS)      # never paid one: not an error
    return fhps_frame(raw, what)
