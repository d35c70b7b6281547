"""The demo market's fundamentals: 8 quarterly reports per stock, deterministic, plausible and
consistent with the static market (``demo_market.StaticMarket``: shares, EPS, BVPS).

Model, per stock (vectorised over the market, from its own seed stream so the bars never change):
- single-quarter net profits over 12 quarters, growing at a persistent annual rate (a stock's own
  growth, N(10 %, 20 %), plus small quarterly noise) with a mild seasonality; scaled so the
  trailing four quarters at the newest period equal ``eps × total_shares`` — so the snapshot's
  PE (``last / eps``) is the price over the trailing earnings of these reports. Loss makers
  (negative EPS) lose money in every quarter.
- revenue = |profit| / net margin (4–25 %), gross margin above the net margin, a debt ratio
  of 15–80 %, operating cash flow per share around EPS;
- book value per share ends at the static ``bvps`` and earlier periods lack the profits since;
- reports are cumulative from January 1, as published: EPS, revenue and profit year-to-date,
  ROE = YTD profit / equity, YoY growth against the same period a year before.
The newest period is the newest one whose deadline has passed on the market's last day
(``report_periods``); a stock listed after a period's end has no report for it. Notices come
25–55 days after the period end (never after the deadline).

Before those 8 quarters, ``N_OLDER_ANNUALS`` older **annual** reports only (as a source keeps
years of annual reports; the multi-year growth of the fundamental score reads them): each year's
profit and revenue the next year's over the stock's own growth rate, with noise (from a separate
seed stream, so the 8 quarters are as before); equity the next year's less that year's profit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .report_periods import deadline, periods_back, published_periods
from .source import DIVIDEND_COLUMNS, FUNDAMENTAL_COLUMNS

N_QUARTERS = 12      # generated (a year more than shown, for the YoY of the oldest shown)
N_SHOWN = 8          # the quarterly reports a demo stock has
N_OLDER_ANNUALS = 3  # annual reports before them


@dataclass
class DemoReports:
    periods: list[dt.date]          # the N_SHOWN periods, oldest first
    frame: pd.DataFrame             # FUNDAMENTAL_COLUMNS, every stock × period
    by_period: dict[dt.date, pd.DataFrame]
    dividends: pd.DataFrame         # DIVIDEND_COLUMNS + "symbol"


def build_reports(st, seed: int) -> DemoReports:
    """``st``: the StaticMarket; ``seed``: the source's seed."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 15]))
    n = len(st.codes)
    last_day = pd.Timestamp(st.dates[-1]).date()
    periods = list(reversed(periods_back(published_periods(last_day, 1)[0], N_QUARTERS)))
    k = np.arange(N_QUARTERS)
    shares = st.total_shares.astype(float)

    growth = rng.normal(0.10, 0.20, n).clip(-0.6, 1.5)
    season = np.array([0.92, 1.04, 0.98, 1.06])[[(p.month // 3) - 1 for p in periods]]
    noise = 1 + 0.08 * rng.standard_normal((n, N_QUARTERS))
    rel = (1 + growth[:, None]) ** ((k - (N_QUARTERS - 1)) / 4.0) * season * noise.clip(0.6, 1.4)
    ttm = st.eps * shares                                  # trailing profit at the newest period
    base = ttm / rel[:, -4:].sum(axis=1)
    q_profit = base[:, None] * rel                         # single-quarter profits (yuan)
    margin = rng.uniform(0.04, 0.25, n)
    q_rev = np.abs(q_profit) / margin[:, None] * (1 + 0.04 * rng.standard_normal((n, N_QUARTERS)))
    gross = (margin * 100 + rng.uniform(8, 35, n)).clip(5, 90)
    debt = rng.uniform(15, 80, n)
    cash_ratio = rng.uniform(0.6, 1.4, n)

    # cumulative (year-to-date) values, as reports publish them
    cum_p, cum_r = np.empty_like(q_profit), np.empty_like(q_rev)
    for j, p in enumerate(periods):
        first = j - (p.month // 3 - 1)
        lo = max(first, 0)
        scale = (p.month // 3) / (j - lo + 1)              # the first year: extrapolate missing quarters
        cum_p[:, j] = q_profit[:, lo:j + 1].sum(axis=1) * scale
        cum_r[:, j] = q_rev[:, lo:j + 1].sum(axis=1) * scale
    later = np.cumsum(q_profit[:, ::-1], axis=1)[:, ::-1]  # profits from quarter j to the newest
    equity = st.bvps[:, None] * shares[:, None] - np.concatenate([later[:, 1:], np.zeros((n, 1))], axis=1)
    final = (st.bvps * shares)[:, None]
    equity = np.where(final > 0, np.maximum(equity, 0.5 * final), np.nan)   # no near-zero equity

    def yoy(cum: np.ndarray) -> np.ndarray:
        out = np.full_like(cum, np.nan)
        prev = cum[:, :-4]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, 4:] = np.where(prev != 0, (cum[:, 4:] - prev) / np.abs(prev) * 100.0, np.nan)
        return out

    p_yoy, r_yoy = yoy(cum_p), yoy(cum_r)
    listed = pd.to_datetime(st.universe["listed_date"]).dt.date.to_numpy()
    notice_lag = rng.integers(25, 56, n)
    rows = []
    shown = range(N_QUARTERS - N_SHOWN, N_QUARTERS)
    for j in shown:
        p = periods[j]
        has = np.array([d is not None and d <= p for d in listed])
        notice = [min(p + dt.timedelta(days=int(g)), deadline(p)) for g in notice_lag]
        with np.errstate(divide="ignore", invalid="ignore"):
            frame = pd.DataFrame({
                "symbol": st.codes, "report_date": p, "notice_date": notice,
                "eps": np.round(cum_p[:, j] / shares, 4), "revenue": np.round(cum_r[:, j], 0),
                "revenue_yoy": np.round(r_yoy[:, j], 2), "profit": np.round(cum_p[:, j], 0),
                "profit_yoy": np.round(p_yoy[:, j], 2), "bvps": np.round(equity[:, j] / shares, 4),
                "roe": np.round(cum_p[:, j] / equity[:, j] * 100.0, 2),
                "gross_margin": np.round(gross + rng.normal(0, 1.0, n), 2),
                "ocfps": np.round(cum_p[:, j] / shares * cash_ratio, 4),
                "debt_ratio": np.round((debt + rng.normal(0, 1.5, n)).clip(3, 97), 2),
            })
        rows.append(frame[has])
    older, older_periods = _older_annuals(rows[[periods[j] for j in shown].index(
        next(periods[j] for j in shown if periods[j].month == 12))], growth, st, listed, seed)
    frame = pd.concat([older] + rows, ignore_index=True)[FUNDAMENTAL_COLUMNS]
    out_periods = older_periods + [periods[j] for j in shown]
    by_period = {p: g.reset_index(drop=True) for p, g in frame.groupby("report_date", sort=False)}
    return DemoReports(out_periods, frame, by_period, _dividends(frame, rng, last_day))


def _before(cur: np.ndarray, yoy: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """The value a year before ``cur`` given its YoY (percent, against |previous|); the fallback
    where that is undefined or would flip the sign (a loss maker loses every year)."""
    y = yoy / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        prev = np.where(cur > 0, cur / (1 + y), cur / (1 - y))
    ok = np.isfinite(prev) & (np.sign(prev) == np.sign(cur)) & (prev != 0)
    return np.where(ok, prev, fallback)


def _older_annuals(first: pd.DataFrame, growth: np.ndarray, st, listed, seed: int
                   ) -> tuple[pd.DataFrame, list[dt.date]]:
    """``N_OLDER_ANNUALS`` annual reports before the oldest shown annual one (``first``, every
    stock's row of that period), oldest first; see the module."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 15, 1]))
    row_of = {c: i for i, c in enumerate(st.codes)}
    idx = np.array([row_of[c] for c in first["symbol"]], dtype=np.intp)
    g = growth[idx]
    shares = st.total_shares.astype(float)[idx]
    year0 = first["report_date"].iloc[0].year if len(first) else None
    profit, revenue = first["profit"].to_numpy(dtype=float), first["revenue"].to_numpy(dtype=float)
    equity = first["bvps"].to_numpy(dtype=float) * shares
    gross, debt = first["gross_margin"].to_numpy(dtype=float), first["debt_ratio"].to_numpy(dtype=float)
    out, periods = [], []
    for k in range(1, N_OLDER_ANNUALS + 1):
        if year0 is None:
            break
        p = dt.date(year0 - k, 12, 31)
        equity = np.where(np.isfinite(equity), np.maximum(equity - profit, 0.5 * np.abs(equity)), np.nan)
        model_p = profit / (1 + g) * (1 + 0.08 * rng.standard_normal(len(idx))).clip(0.7, 1.3)
        model_r = revenue / (1 + g) * (1 + 0.04 * rng.standard_normal(len(idx))).clip(0.8, 1.2)
        if k == 1:      # the year before the oldest shown annual: as that report's YoY says
            model_p = _before(profit, first["profit_yoy"].to_numpy(dtype=float), model_p)
            model_r = _before(revenue, first["revenue_yoy"].to_numpy(dtype=float), model_r)
        profit, revenue = model_p, model_r
        has = np.array([d is not None and d <= p for d in listed[idx]])
        notice = dt.date(p.year + 1, 3, 20) + dt.timedelta(days=int(rng.integers(0, 40)))
        with np.errstate(divide="ignore", invalid="ignore"):
            frame = pd.DataFrame({
                "symbol": first["symbol"].to_numpy(), "report_date": p, "notice_date": notice,
                "eps": np.round(profit / shares, 4), "revenue": np.round(revenue, 0),
                "revenue_yoy": np.nan,
                "profit": np.round(profit, 0), "profit_yoy": np.nan,
                "bvps": np.round(equity / shares, 4), "roe": np.round(profit / equity * 100.0, 2),
                "gross_margin": np.round(gross + rng.normal(0, 1.0, len(idx)), 2),
                "ocfps": np.round(profit / shares, 4),
                "debt_ratio": np.round((debt + rng.normal(0, 1.5, len(idx))).clip(3, 97), 2),
            })
        out.append(frame[has].copy())
        periods.append(p)
    # YoY among the older annuals themselves (the oldest has none): next to each, the year before
    for j in range(len(out) - 1):
        newer, older = out[j], out[j + 1].set_index("symbol")
        with np.errstate(divide="ignore", invalid="ignore"):
            for col, key in (("revenue", "revenue_yoy"), ("profit", "profit_yoy")):
                prev = older[col].reindex(newer["symbol"]).to_numpy(dtype=float)
                cur = newer[col].to_numpy(dtype=float)
                newer[key] = np.round(np.where(prev != 0, (cur - prev) / np.abs(prev) * 100.0, np.nan), 2)
    out.reverse()
    periods.reverse()
    if not out:
        return pd.DataFrame(columns=FUNDAMENTAL_COLUMNS), []
    return pd.concat(out, ignore_index=True)[FUNDAMENTAL_COLUMNS], periods


def _dividends(frame: pd.DataFrame, rng: np.random.Generator, last_day: dt.date) -> pd.DataFrame:
    """A cash dividend after each profitable annual report (20–60 % of the year's EPS)."""
    annual = frame[np.array([d.month == 12 for d in frame["report_date"]]) & (frame["eps"] > 0).to_numpy()]
    payout = rng.uniform(0.2, 0.6, len(annual))
    plan = list(annual["notice_date"])
    record = [d + dt.timedelta(days=60) for d in plan]
    ex = [d + dt.timedelta(days=1) for d in record]
    return pd.DataFrame({
        "symbol": annual["symbol"].to_numpy(), "report_date": list(annual["report_date"]),
        "plan_date": plan, "record_date": record, "ex_date": ex,
        "cash_per_10": np.round(annual["eps"].to_numpy() * payout * 10, 2),
        "shares_per_10": np.nan, "dividend_yield": np.nan,
        "progress": ["实施分配" if e <= last_day else "股东大会预案" for e in ex],
    })[["symbol"] + DIVIDEND_COLUMNS]
