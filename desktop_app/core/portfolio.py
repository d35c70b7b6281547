"""Valuing the holdings (持仓): market value, day change, floating P&L (浮盈), weights, totals,
concentration by industry, per-holding risk and the portfolio's drawdown from stored bars.

Definitions (per holding of ``quantity`` shares bought at ``cost`` a share, ``last`` the latest
price and ``prev_close`` the close before it):

* market value = quantity × last; cost value = quantity × cost;
* day change = quantity × (last − prev_close), day change % = (last / prev_close − 1) × 100;
* floating P&L = market value − cost value, P&L % = P&L / cost value × 100 (NaN at zero cost);
* weight = market value / total market value × 100;
* totals: the sums; total P&L % = total P&L / total cost value × 100; total day change % =
  total day change / (total market value − total day change) × 100 (yesterday's value);
* industry concentration: the weights summed per industry, largest first;
* volatility = the standard deviation of the last ``RISK_DAYS`` daily returns × √250, in %;
  max drawdown = the largest fall from a running high of the close over those bars, in %;
* the portfolio's drawdown: the value of today's quantities at each day's close (forward-filled
  over suspensions) over the last ``RISK_DAYS`` bars: the current fall from its high and the
  largest one. Today's quantities, not the past trades: the risk of what is held now.

Several lots of one code are kept as rows (each with its own cost and date).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .watch_store import Holding

RISK_DAYS = 250
QUOTE_COLUMNS = ["name", "last", "prev_close", "high", "volume"]


def quotes_from_spot(spot: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's quotes indexed by symbol (QUOTE_COLUMNS)."""
    q = spot.set_index(spot["symbol"].astype(str))
    return q.reindex(columns=QUOTE_COLUMNS)


def quotes_from_store(store: Any, codes: Iterable[str]) -> pd.DataFrame:
    """Blocking: the quotes of ``codes`` from the last two stored bars (no snapshot yet)."""
    rows = {}
    for c in dict.fromkeys(codes):
        bars = store.read(c) if store is not None else None
        if bars is None or not len(bars):
            continue
        close = bars["close"].to_numpy(dtype=float)
        rows[c] = {"name": "", "last": close[-1], "prev_close": close[-2] if len(close) > 1 else np.nan,
                   "high": float(bars["high"].iloc[-1]), "volume": float(bars["volume"].iloc[-1])}
    return pd.DataFrame.from_dict(rows, orient="index", columns=QUOTE_COLUMNS)


@dataclass
class Valuation:
    rows: pd.DataFrame                          # one row per holding (see ROW_COLUMNS)
    totals: dict = field(default_factory=dict)  # market_value, cost_value, pnl, pnl_pct, day_change, day_change_pct
    by_industry: pd.DataFrame = field(default_factory=pd.DataFrame)   # industry, market_value, weight
    drawdown: dict = field(default_factory=dict)  # current, max (both % ≤ 0), days


ROW_COLUMNS = ["id", "code", "name", "industry", "quantity", "cost", "date", "last", "prev_close",
               "market_value", "cost_value", "day_change", "day_change_pct", "pnl", "pnl_pct", "weight",
               "volatility", "max_drawdown"]


def _div(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / b, np.nan)


def risk_of(panel) -> pd.DataFrame:
    """Volatility and max drawdown (both %) of each row of a bar panel over its last RISK_DAYS."""
    close = panel.close[:, -RISK_DAYS:] if panel.shape[1] else np.empty((panel.shape[0], 0))
    out = pd.DataFrame(index=pd.Index(panel.symbols.astype(str)), columns=["volatility", "max_drawdown"], dtype=float)
    for i, row in enumerate(close):
        c = row[np.isfinite(row)]
        if len(c) >= 2:
            r = c[1:] / c[:-1] - 1.0
            out.iloc[i, 0] = float(np.std(r, ddof=1) * np.sqrt(250) * 100.0) if len(r) >= 2 else np.nan
            out.iloc[i, 1] = float((c / np.maximum.accumulate(c) - 1.0).min() * 100.0)
    return out


def portfolio_drawdown(holdings: list[Holding], panel) -> dict:
    """The drawdown of today's quantities over the panel's last RISK_DAYS bars (module docstring)."""
    if not holdings or panel.shape[1] == 0:
        return {"current": np.nan, "max": np.nan, "days": 0}
    at = {s: i for i, s in enumerate(panel.symbols.astype(str))}
    close = panel.close[:, -RISK_DAYS:]
    value = np.zeros(close.shape[1])
    for h in holdings:
        if h.code not in at:
            continue
        c = pd.Series(close[at[h.code]]).ffill().to_numpy()
        value += h.quantity * np.nan_to_num(c, nan=0.0)
    ok = value > 0
    if not ok.any():
        return {"current": np.nan, "max": np.nan, "days": 0}
    v = value[np.argmax(ok):]
    dd = v / np.maximum.accumulate(v) - 1.0
    return {"current": float(dd[-1] * 100.0), "max": float(dd.min() * 100.0), "days": int(len(v))}


def value_portfolio(holdings: list[Holding], quotes: pd.DataFrame, industries: dict[str, str] | None = None,
                    panel=None) -> Valuation:
    """The valuation of ``holdings`` at ``quotes`` (QUOTE_COLUMNS indexed by symbol); ``panel``
    (bars of the held codes) adds the risk figures and the drawdown."""
    industries = industries or {}
    if not holdings:
        return Valuation(pd.DataFrame(columns=ROW_COLUMNS), {"market_value": 0.0, "cost_value": 0.0, "pnl": 0.0,
                         "pnl_pct": np.nan, "day_change": 0.0, "day_change_pct": np.nan, "count": 0},
                         pd.DataFrame(columns=["industry", "market_value", "weight"]))
    df = pd.DataFrame([{"id": h.id, "code": h.code, "quantity": h.quantity, "cost": h.cost, "date": h.date}
                       for h in holdings])
    q = quotes.reindex(df["code"])
    df["name"] = q["name"].fillna("").to_numpy() if "name" in q else ""
    df["industry"] = [industries.get(c, "") for c in df["code"]]
    df["last"] = q["last"].to_numpy(dtype=float)
    df["prev_close"] = q["prev_close"].to_numpy(dtype=float)
    df["market_value"] = df["quantity"] * df["last"]
    df["cost_value"] = df["quantity"] * df["cost"]
    df["day_change"] = df["quantity"] * (df["last"] - df["prev_close"])
    df["day_change_pct"] = (_div(df["last"], df["prev_close"]) - 1.0) * 100.0
    df["pnl"] = df["market_value"] - df["cost_value"]
    df["pnl_pct"] = _div(df["pnl"], df["cost_value"]) * 100.0
    total_mv = float(np.nansum(df["market_value"]))
    df["weight"] = _div(df["market_value"], total_mv) * 100.0
    if panel is not None:
        risk = risk_of(panel).reindex(df["code"])
        df["volatility"] = risk["volatility"].to_numpy(dtype=float)
        df["max_drawdown"] = risk["max_drawdown"].to_numpy(dtype=float)
    else:
        df["volatility"] = np.nan
        df["max_drawdown"] = np.nan
    priced = np.isfinite(df["last"].to_numpy(dtype=float))
    cost_value = float(df.loc[priced, "cost_value"].sum())
    pnl = float(df.loc[priced, "pnl"].sum())
    day = float(np.nansum(df["day_change"]))
    totals = {"market_value": total_mv, "cost_value": cost_value, "pnl": pnl,
              "pnl_pct": pnl / cost_value * 100.0 if cost_value else np.nan,
              "day_change": day, "day_change_pct": day / (total_mv - day) * 100.0 if total_mv - day else np.nan,
              "count": len(df), "unpriced": int((~priced).sum())}
    ind = (df.assign(industry=df["industry"].replace("", "—")).groupby("industry", sort=False)["market_value"]
           .sum().sort_values(ascending=False).reset_index())
    ind["weight"] = _div(ind["market_value"], total_mv) * 100.0
    dd = portfolio_drawdown(holdings, panel) if panel is not None else {"current": np.nan, "max": np.nan, "days": 0}
    return Valuation(df[ROW_COLUMNS], totals, ind, dd)
