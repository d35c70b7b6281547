"""The portfolio a screen's signals would have made: "buy the top N hits each day at the next
open, hold K days", after costs.

Bookkeeping (exact, so a tiny case can be computed by hand; docs/VALIDATION.md):

* the capital (1.0 at the close of the period's first day) is split into K+1 equal *sleeves*;
  the signals of period day d go to sleeve d mod (K+1), which is free then: it bought K+1 days
  earlier at an open and sold at the close of the day before (T+1: K nights held, K >= 1);
* the sleeve's cash is split into N equal slots for the day's top N signals by score (ties: the
  panel's row order). A pick that cannot be bought (limit-up open, suspended) leaves its slot in
  cash: no substitute is bought, as an order placed at the open would not be;
* buy at the open of E = d+1 at open × (1 + slippage), paying the commission on the amount;
  sell at the close of E+K at close × (1 − slippage), paying commission and stamp duty on the
  proceeds; a stock suspended then is sold at its next trading close (the slot stays invested),
  and what is still held when the data ends is marked at its last close, unsold. Fractional
  shares (no 100-share lots); the 5-yuan minimum commission is ignored (percentage mode);
* equity is marked at every close (a suspended stock at its last close).

Summary: total and annualised return (244 trading days a year), annualised volatility of daily
returns (sample standard deviation × √244), maximum drawdown, annual turnover (Σ (bought +
sold) / 2 / mean equity, per year), and the index's return over the same closes.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .validation_returns import BOUGHT

YEAR_DAYS = 244


@dataclass
class Costs:
    """A-share defaults: commission 0.025 % each side, stamp duty 0.05 % on sells, no slippage."""
    commission: float = 0.00025
    stamp_duty: float = 0.0005
    slippage: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _stats(equity: np.ndarray) -> dict:
    rets = equity[1:] / equity[:-1] - 1.0
    n = len(rets)
    total = float(equity[-1] / equity[0] - 1.0) if len(equity) else math.nan
    ann = (1.0 + total) ** (YEAR_DAYS / n) - 1.0 if n and total > -1 else math.nan
    vol = float(np.std(rets, ddof=1) * math.sqrt(YEAR_DAYS)) if n > 1 else math.nan
    peak = np.maximum.accumulate(equity) if len(equity) else equity
    mdd = float((equity / peak - 1.0).min()) if len(equity) else math.nan
    return {"total_return": total, "annual_return": ann, "volatility": vol, "max_drawdown": mdd}


def portfolio(m, rows, cols, score, status, price, first_col: int, last_col: int, top_n: int, hold: int,
              costs: Costs, index_close: np.ndarray | None) -> dict:
    """Simulate the portfolio over signal days ``first_col`` .. ``last_col`` (panel columns).
    ``rows/cols/score/status/price``: the signals and their entries (``validation_returns``)."""
    if top_n < 1 or hold < 1:
        raise ValueError("top_n and hold must be at least 1")
    close = m.close
    sleeves = hold + 1
    cash = np.full(sleeves, 1.0 / sleeves)
    order = np.lexsort((np.asarray(rows), -np.asarray(score), np.asarray(cols)))
    day_sorted = np.asarray(cols)[order]
    rank = np.arange(len(order)) - np.searchsorted(day_sorted, day_sorted, side="left")   # within its day
    by_day: dict[int, list[int]] = {}
    for j in order[rank < top_n]:              # each day's best top_n, best first (ties: lower row)
        by_day.setdefault(int(cols[j]), []).append(int(j))
    held: list[list] = []                         # [sleeve, row, shares, exit column]
    end = min(m.t - 1, last_col + 1 + hold)
    dates_idx = [first_col]
    equity = [1.0]
    traded = 0.0
    buys = skipped = 0
    for c in range(first_col + 1, end + 1):
        d = c - 1
        if d <= last_col:
            s = (d - first_col) % sleeves
            alloc = cash[s] / top_n
            for j in by_day.get(d, []):
                if status[j] != BOUGHT:
                    skipped += 1
                    continue
                px = price[j] * (1.0 + costs.slippage)
                held.append([s, int(rows[j]), alloc / (px * (1.0 + costs.commission)), c + hold])
                cash[s] -= alloc
                traded += alloc
                buys += 1
        still = []
        for pos in held:
            s, r, sh, ex = pos
            px = close[r, c]
            if ex <= c and math.isfinite(px):
                gross = sh * px * (1.0 - costs.slippage)
                cash[s] += gross * (1.0 - costs.commission - costs.stamp_duty)
                traded += gross
            else:
                still.append(pos)
        held = still
        value = float(cash.sum())
        for s, r, sh, _ex in held:
            px = close[r, c]
            value += sh * (px if math.isfinite(px) else m.prev[r, c])
        dates_idx.append(c)
        equity.append(value)
    eq = np.asarray(equity)
    out = _stats(eq)
    n = len(eq) - 1
    out["turnover"] = (traded / 2.0 / float(eq.mean()) * YEAR_DAYS / n) if n else math.nan
    out.update(top_n=int(top_n), hold=int(hold), costs=costs.to_dict(), buys=buys, not_bought=skipped,
               days=n)
    idx = None
    if index_close is not None:
        idx = index_close[dates_idx] / index_close[first_col]
        out["index"] = _stats(idx)
    out["curve_cols"] = dates_idx
    out["equity"] = eq
    out["index_curve"] = idx
    return out
