"""The single-stock report (DESIGN.md §5.4): identity, price, indicators, the explained score,
support/resistance levels, risk figures and the presets that fired. Pure: ``build_report`` takes
bars and a universe row. The one single-stock loading path: ``load_bars`` (store first, then the
source, writing fetched bars back to the store) and ``stock_info`` feed both ``analyze`` (CLI,
analysis tasks) and ``load_stock`` (the stock view, through the window's background runner).

Conventions (also in docs/INDICATORS.md):
- Levels: candidates are MA5/10/20/60, the BOLL bands, the 20- and 60-day lows/highs and swing
  lows/highs of the last 120 bars (a bar whose low/high is the extreme of the 5 bars on each side).
  Supports lie below the last close, resistances above; nearest first, levels within 0.3% of a
  nearer one dropped, 3 each. ``distance_pct`` = (level / close − 1) × 100 (negative for supports).
- Risk over the last 250 bars (≈1 year): annualised volatility = stdev of daily returns (ddof=1)
  × √250 × 100; max drawdown = lowest close / running-max close − 1 (%, ≤ 0); worst day = lowest
  daily change (%); days since the 52-week high = trading bars since the highest high (0 = today).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import strategies as strat
from .data.errors import NoDataError
from .panel import Panel
from .reasons import R, Reason, ReasonError
from .scoring import NOT_SCORED, label_for, score_panel
from .symbols import parse_symbol

log = logging.getLogger(__name__)

RISK_WINDOW = 250
RECENT_BARS = 10
SWING_LOOKBACK = 120
SWING_HALF = 5
LEVEL_DEDUP_PCT = 0.3

class AnalysisError(ReasonError, ValueError):
    """A stock that cannot be analysed (no bars)."""


INDICATOR_KEYS = ("ma5", "ma10", "ma20", "ma60", "rsi", "dif", "dea", "macd", "k", "d", "j",
                  "boll_upper", "boll_mid", "boll_lower", "boll_pos", "atr", "atr_pct", "vol_ratio",
                  "roc10")


@dataclass
class StockReport:
    symbol: str
    name: str
    board: str
    industry: str
    listed_date: dt.date | None
    is_st: bool
    date: dt.date
    last: float
    change: float | None
    chg_pct: float | None
    open: float
    high: float
    low: float
    volume: float
    amount: float | None
    indicators: dict[str, float | None]
    score: float | None
    dims: dict[str, float | None]
    label_zh: str
    label_en: str
    score_note: Any                 # a Reason (why there is no score) or None
    trace: list[dict]
    supports: list[dict]
    resistances: list[dict]
    risk: dict
    recent_signals: list[dict]
    signal_dates: dict[str, list[dt.date]]
    ma_trend: str | None = None
    macd_state: str | None = None
    bars: int = 0
    spot: dict = field(default_factory=dict)
    is_demo: bool = False

    def to_dict(self) -> dict:
        return _jsonable(asdict(self))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (pd.Timestamp, dt.datetime)):
        return x.date().isoformat()
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return None if math.isnan(f) or math.isinf(f) else f
    return x


def _num(x) -> float | None:
    if x is None:
        return None
    f = float(x)
    return None if math.isnan(f) else f


def _levels(bars: pd.DataFrame, vals: dict, price: float) -> tuple[list[dict], list[dict]]:
    cands: list[tuple[float, Reason]] = []
    for key, src in (("ma5", R("level_ma", n=5)), ("ma10", R("level_ma", n=10)), ("ma20", R("level_ma", n=20)),
                     ("ma60", R("level_ma", n=60)), ("boll_lower", R("level_boll_lower")),
                     ("boll_mid", R("level_boll_mid")), ("boll_upper", R("level_boll_upper"))):
        v = vals.get(key)
        if v is not None and np.isfinite(v):
            cands.append((float(v), src))
    low, high = bars["low"].to_numpy(float), bars["high"].to_numpy(float)
    for n in (20, 60):
        if len(bars) >= n:
            cands.append((float(low[-n:].min()), R("level_n_low", n=n)))
            cands.append((float(high[-n:].max()), R("level_n_high", n=n)))
    start = max(0, len(bars) - SWING_LOOKBACK)
    h = SWING_HALF
    for i in range(max(start, h), len(bars) - h):
        if low[i] == low[i - h:i + h + 1].min():
            cands.append((float(low[i]), R("level_swing_low", date=bars.index[i].date().isoformat())))
        if high[i] == high[i - h:i + h + 1].max():
            cands.append((float(high[i]), R("level_swing_high", date=bars.index[i].date().isoformat())))

    def pick(side: list[tuple[float, Reason]]) -> list[dict]:
        side.sort(key=lambda c: abs(c[0] - price))
        out: list[dict] = []
        for lvl, src in side:
            if any(abs(lvl / o["price"] - 1.0) * 100.0 < LEVEL_DEDUP_PCT for o in out):
                continue
            out.append({"price": lvl, "distance_pct": (lvl / price - 1.0) * 100.0, "source": src})
            if len(out) == 3:
                break
        return out

    return pick([c for c in cands if c[0] < price]), pick([c for c in cands if c[0] > price])


def risk_figures(bars: pd.DataFrame) -> dict:
    """Risk over the last RISK_WINDOW bars (see module docstring)."""
    close = bars["close"].to_numpy(float)
    win = close[-(RISK_WINDOW + 1):]
    rets = win[1:] / win[:-1] - 1.0
    dates = bars.index[-len(rets):] if len(rets) else bars.index[:0]
    out: dict = {"ann_volatility": None, "max_drawdown_1y": None, "worst_day_pct": None,
                 "worst_day_date": None, "days_since_52w_high": None}
    if len(rets) >= 2:
        out["ann_volatility"] = float(np.std(rets, ddof=1) * math.sqrt(RISK_WINDOW) * 100.0)
    if len(rets) >= 1:
        k = int(np.argmin(rets))
        out["worst_day_pct"] = float(rets[k] * 100.0)
        out["worst_day_date"] = dates[k].date()
    c1 = close[-RISK_WINDOW:]
    if len(c1):
        out["max_drawdown_1y"] = float((c1 / np.maximum.accumulate(c1) - 1.0).min() * 100.0)
        high = bars["high"].to_numpy(float)[-RISK_WINDOW:]
        last_max = len(high) - 1 - int(np.argmax(high[::-1]))
        out["days_since_52w_high"] = int(len(high) - 1 - last_max)
    return out


def build_report(bars: pd.DataFrame, info: dict, spot: dict | None = None) -> StockReport:
    """The report of one stock from its bars (DatetimeIndex, BAR_COLUMNS) and universe row."""
    bars = bars.dropna(subset=["close"]).sort_index()
    if bars.empty:
        raise AnalysisError(R("no_bars_to_analyse", symbol=info.get("symbol", "?")))
    sym = str(info.get("symbol", bars.attrs.get("symbol", "")))
    panel = Panel.from_frames({sym: bars})
    res = score_panel(panel)
    vals = {k: float(v[0]) for k, v in res.values.items()}
    valid = bool(res.valid[0])
    price = vals["close"]
    sigs = strat.signals(panel)
    dates = panel.dates
    signal_dates = {sid: [d.date() for d in dates[s[0]]] for sid, s in sigs.items()}
    recent_from = dates[-RECENT_BARS] if len(dates) >= RECENT_BARS else dates[0]
    recent = []
    for sid, ds in signal_dates.items():
        s = strat.STRATEGIES[sid]
        for d in ds:
            if pd.Timestamp(d) >= recent_from:
                recent.append({"id": sid, "name_zh": s.name_zh, "name_en": s.name_en, "date": d})
    recent.sort(key=lambda r: (r["date"], r["id"]), reverse=True)
    supports, resistances = _levels(bars, vals, price)
    lab = label_for(res.total[0]) if valid else NOT_SCORED
    listed = info.get("listed_date")
    if listed is not None and not isinstance(listed, dt.date):
        listed = pd.Timestamp(listed).date() if not pd.isna(listed) else None
    elif isinstance(listed, dt.datetime):
        listed = listed.date()
    spot_d = {k: _jsonable(v) for k, v in (spot or {}).items()}
    return StockReport(
        symbol=sym, name=str(info.get("name", sym)), board=str(info.get("board", "")),
        industry=str(info.get("industry", "")), listed_date=listed, is_st=bool(info.get("is_st", False)),
        date=bars.index[-1].date(), last=price,
        change=_num(price - vals["prev_close"]), chg_pct=_num(vals["chg_pct"]),
        open=vals["open"], high=vals["high"], low=vals["low"], volume=vals["volume"],
        amount=_num(bars["amount"].iloc[-1]) if "amount" in bars else None,
        indicators={k: _num(vals.get(k)) for k in INDICATOR_KEYS},
        score=_num(res.total[0]) if valid else None,
        dims={d: _num(v[0]) for d, v in res.dims.items()},
        label_zh=lab.zh, label_en=lab.en, score_note=res.invalid_reason[0],
        trace=[t.to_dict() for t in res.trace(0)],
        supports=supports, resistances=resistances, risk=risk_figures(bars),
        recent_signals=recent, signal_dates=signal_dates,
        ma_trend=res.ma_trend(0) if valid else None, macd_state=res.macd_state(0) if valid else None,
        bars=len(bars), spot=spot_d,
    )


def load_bars(code: str, source, store=None) -> pd.DataFrame:
    """The daily bars of the stock ``code`` (6 digits): the store's when it has them, else
    ``source.daily_bars`` — and then written to the store, so the next open (chart, report, scan)
    reads them locally. A failed cache write is logged; it never hides the bars. Raises the
    source's ``DataError`` (``NoDataError`` when neither has any bars)."""
    bars = store.read(code) if store is not None else None
    if bars is not None and len(bars):
        return bars
    bars = source.daily_bars(code)
    if bars is None or len(bars) == 0:
        raise NoDataError(f"{code}: the source returned no bars", code)
    if store is not None:
        try:
            store.write(code, bars)
        except Exception as e:  # a full disk or a locked cache must not hide the chart
            log.warning("could not store the bars of %s: %s", code, e)
    return bars


def stock_info(source, code: str, universe_cache: dict | None = None) -> dict:
    """The stock's universe row (name, board, industry, …) as a dict; ``{"symbol": code}`` when the
    source does not list it. ``universe_cache`` (any dict, kept by the caller) holds the source's
    universe table so repeated opens do not fetch it again; safe to share between threads."""
    entry = universe_cache.get("universe") if universe_cache is not None else None
    if entry is None or entry[0] is not source:
        entry = (source, source.universe())
        if universe_cache is not None:
            universe_cache["universe"] = entry  # one assignment: atomic for other threads
    uni = entry[1]
    info: dict = {"symbol": code}
    row = uni[uni["symbol"].astype(str) == code]
    if len(row):
        info.update(row.iloc[0].to_dict())
    return info


def _report(code: str, bars: pd.DataFrame, source, universe_cache: dict | None) -> StockReport:
    rep = build_report(bars, stock_info(source, code, universe_cache))
    rep.is_demo = bool(getattr(source, "is_demo", False))
    return rep


def analyze(symbol: str, source, store=None, universe_cache: dict | None = None) -> StockReport:
    """Report for ``symbol`` (any accepted code form; bad codes raise core.symbols.SymbolError).
    Bars come from :func:`load_bars` (store first; fetched bars land in the store). The spot
    snapshot is not fetched here (a whole-market call, a minute on akshare): pass a cached row to
    ``build_report`` instead."""
    code = parse_symbol(symbol).code
    return _report(code, load_bars(code, source, store), source, universe_cache)


@dataclass
class LoadedStock:
    """What the stock view shows: the bars, and the report or why there is none."""
    symbol: str
    bars: pd.DataFrame
    report: StockReport | None
    report_error: str = ""


def load_stock(symbol: str, source, store=None, universe_cache: dict | None = None) -> LoadedStock:
    """Blocking (run it off the GUI thread): the bars and report of ``symbol`` for the chart and
    the analysis panel — :func:`analyze`'s path, except that a report that cannot be built leaves
    the bars shown and says why. Raises ``SymbolError``/``DataError`` when there are no bars."""
    code = parse_symbol(symbol).code
    bars = load_bars(code, source, store)
    try:
        return LoadedStock(code, bars, _report(code, bars, source, universe_cache))
    except Exception as e:  # the chart still shows; the panel says why there is no report
        log.warning("report of %s failed", code, exc_info=True)
        return LoadedStock(code, bars, None, str(e).strip() or type(e).__name__)
