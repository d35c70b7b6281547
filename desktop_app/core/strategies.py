"""Screening presets (选股策略) vectorised over a whole panel, and the score + presets screen.

Each ``Strategy.fn(panel)`` returns an (n, t) bool array: True where the rule fires on that bar,
False where it does not or cannot be evaluated (warm-up, no bar). Rules read each row's valid bars
only (gaps skipped, as in ``indicators``): "the previous bar" is the previous trading bar of that
stock. Definitions follow Sequoia/InStock where they exist (SEED_SYSTEM.md §9); docs/INDICATORS.md
lists them with every simplification.

Internally all presets (and ``scoring``) share one packed copy of the panel and its indicator
cache (``panel_cache.packed_panel``), so running every preset costs little more than running one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from . import indicators as ind
from . import panel_cache as pc
from .panel import Panel


@dataclass(frozen=True)
class Strategy:
    id: str
    name_zh: str
    name_en: str
    doc_zh: str
    doc_en: str
    fn: Callable[[Panel], np.ndarray]


_Ctx = pc.PackedPanel


# Everything below works on the PackedPanel's time-major arrays (t, n).
def _lag(x: np.ndarray, k: int) -> np.ndarray:
    return ind._k_shift(np.asarray(x, dtype=float), k)


def _all(x, cond, n):
    """``cond`` held on each of the last n bars."""
    with np.errstate(invalid="ignore"):
        return x.roll_count(cond, n) >= n


def _any(x, cond, n):
    """``cond`` held on at least one of the last n bars."""
    with np.errstate(invalid="ignore"):
        return x.roll_count(cond, n) > 0


def _lagb(cond: np.ndarray, k: int) -> np.ndarray:
    """``cond`` k bars earlier; False where that bar does not exist."""
    return _lag(cond.astype(float), k) == 1.0


def _cross_up(a, b):
    with np.errstate(invalid="ignore"):
        return (a > b) & (_lag(a, 1) <= _lag(b, 1))


# --------------------------------------------------------------------------- the rules (packed space)
def _ma_bull(x: _Ctx):
    return (x.ma(5) > x.ma(10)) & (x.ma(10) > x.ma(20)) & (x.ma(20) > x.ma(60))


def _macd_golden(x: _Ctx):
    dif, dea, _ = x.macd()
    return _cross_up(dif, dea)


def _kdj_golden(x: _Ctx):
    k, d, _ = x.kdj()
    return _cross_up(k, d)


# Longest lookback of any rule below (bars, today included) is 61 (e.g. no_big_drawdown: 59-bar
# lag + 1-bar shift of a 59-bar window); fired_at evaluates rules on windows of this many bars.
LOOKBACK = 64
AMOUNT_MIN = 2e8  # yuan, Sequoia's 成交额不低于2亿


def _volume_surge(x: _Ctx, ratio: float) -> np.ndarray:
    prev_vma5 = x.memo(("prev_vma", 5), lambda: _lag(x.vma(5), 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x.c * x.v >= AMOUNT_MIN) & (x.v >= ratio * prev_vma5) & (prev_vma5 > 0)


def _volume_up(x: _Ctx):
    return (x.chg() >= 2.0) & (x.c >= x.o) & _volume_surge(x, 2.0) & np.isfinite(x.ma(60))


def _volume_limit_down(x: _Ctx):
    return (x.chg() <= -9.5) & _volume_surge(x, 4.0) & np.isfinite(x.ma(60))


def _turtle(x: _Ctx):
    return x.c >= x.hhv(60)


def _pullback_ma250(x: _Ctx):
    ma250 = x.ma(250)
    with np.errstate(invalid="ignore"):
        started_below = _lag(x.c, 59) < _lag(ma250, 59)
        held_above = _all(x, x.c >= ma250, 10)
        touched = x.l <= ma250 * 1.03
        deep = x.c <= 0.8 * x.hhv(60)
    return started_below & held_above & touched & deep


def _parking_apron(x: _Ctx):
    c, o = x.c, x.o
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = _lag(c, 3)                     # close of the limit-up day s = u-3
        limit_up = _lag(x.chg(), 3) > 9.5
        body = (c / o > 0.97) & (c / o < 1.03)
        calm = body & (x.chg() > -5) & (x.chg() < 5) & (c > ref)
        day1 = (_lag(c, 2) > ref) & (_lag(o, 2) > ref) & _lagb(body, 2)
        day2 = _lagb(calm, 1) & (_lag(c, 1) > ref)
        ok_at_u = limit_up & day1 & day2 & calm
    return _any(x, ok_at_u, 12)                  # limit-up day within the last 15 bars


def _platform_breakout(x: _Ctx):
    ma60 = x.ma(60)
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = (x.o < ma60) & (ma60 <= x.c)
        gap = (ma60 - x.c) / ma60
        flat = (gap > -0.05) & (gap < 0.2)
        platform = _lagb(_all(x, flat, 59), 1)
    return cross & _volume_up(x) & platform


def _no_big_drawdown(x: _Ctx):
    chg = x.chg()
    with np.errstate(invalid="ignore", divide="ignore"):
        rise = x.c / _lag(x.c, 59) - 1.0 >= 0.6
        big_drop = _lagb(_any(x, chg < -7, 59), 1)
        intraday = _any(x, (x.c / x.o - 1.0) * 100.0 < -7, 59)
        two_day = _any(x, chg + _lag(chg, 1) < -10, 59)
    return rise & ~big_drop & ~intraday & ~two_day


def _rsi_rebound(x: _Ctx):
    r = x.rsi(14)
    with np.errstate(invalid="ignore"):
        return (_lag(r, 1) < 30.0) & (r >= 30.0)


def _boll_lower(x: _Ctx):
    _mid, _up, lo = x.boll()
    with np.errstate(invalid="ignore"):
        return (x.l <= lo) & (x.c > lo) & (x.c >= x.o)


def _shrink_pullback(x: _Ctx):
    ma20, ma60 = x.ma(20), x.ma(60)
    prev_vma5 = x.memo(("prev_vma", 5), lambda: _lag(x.vma(5), 1))
    with np.errstate(invalid="ignore"):
        uptrend = (ma20 > ma60) & (ma20 > _lag(ma20, 5))
        pulled = x.c <= 0.95 * x.hhv(20)
        holding = x.c >= 0.98 * ma20
        quiet = x.v < 0.6 * prev_vma5
    return uptrend & pulled & holding & (x.chg() < 0) & quiet


def _ma30_rising(x: _Ctx):
    m = x.ma(30)
    with np.errstate(invalid="ignore", divide="ignore"):
        m10, m20, m30 = _lag(m, 10), _lag(m, 20), _lag(m, 30)
        return (m > m10) & (m10 > m20) & (m20 > m30) & (m / m30 > 1.2)


def _packed_signal(x: _Ctx, kernel: Callable[[_Ctx], np.ndarray]) -> np.ndarray:
    return x.memo(("signal", kernel.__name__), lambda: np.asarray(kernel(x), dtype=bool) & x.pk.packed_mask.T)


def _wrap(kernel: Callable[[_Ctx], np.ndarray]) -> Callable[[Panel], np.ndarray]:
    def fn(panel: Panel) -> np.ndarray:
        x = pc.packed_panel(panel)
        return x.pk.unpack(_packed_signal(x, kernel).T, fill=False).astype(bool)
    fn.__name__ = kernel.__name__.lstrip("_")
    fn.kernel = kernel
    return fn


_DEFS = [
    ("ma_bull", "均线多头排列", "Bullish MA alignment",
     "MA5 > MA10 > MA20 > MA60（简单均线）。",
     "MA5 > MA10 > MA20 > MA60 (simple moving averages).", _ma_bull),
    ("macd_golden", "MACD金叉", "MACD golden cross",
     "当日 DIF 上穿 DEA：今日 DIF>DEA，昨日 DIF≤DEA（12/26/9）。",
     "DIF crosses above DEA today: DIF > DEA now, DIF <= DEA on the previous bar (12/26/9).", _macd_golden),
    ("kdj_golden", "KDJ金叉", "KDJ golden cross",
     "当日 K 上穿 D：今日 K>D，昨日 K≤D（9/3/3）。",
     "K crosses above D today: K > D now, K <= D on the previous bar (9/3/3).", _kdj_golden),
    ("volume_up", "放量上涨", "Up on volume surge",
     "（Sequoia）涨幅≥2% 且收盘≥开盘，成交额（收盘×成交量）≥2亿，成交量≥前5日均量的2倍，且至少60根K线。",
     "(Sequoia) change >= 2% and close >= open, turnover (close × volume) >= 200M yuan, volume >= 2 × "
     "the previous 5-day mean volume, at least 60 bars of history.", _volume_up),
    ("turtle_breakout", "突破N日新高(海龟)", "Turtle: new 60-day high",
     "（Sequoia 海龟交易法则）收盘价≥最近60日（含当日）最高收盘价。",
     "(Sequoia turtle) close >= the highest close of the last 60 bars (today included).", _turtle),
    ("pullback_ma250", "回踩年线", "Pullback to MA250",
     "（参照 Sequoia，简化）60日前收盘在年线（MA250）下方；最近10日收盘均在年线上方；当日最低价≤年线×1.03；"
     "收盘≤60日最高收盘的80%。",
     "(after Sequoia, simplified) 59 bars ago the close was below MA250; the last 10 closes are all "
     ">= MA250; today's low <= 1.03 × MA250; close <= 80% of the 60-day highest close.", _pullback_ma250),
    ("parking_apron", "停机坪", "Parking apron",
     "（Sequoia）最近15日内有涨停（涨幅>9.5%），其后3日：首日开盘与收盘均高于涨停收盘价且实体在±3%内；"
     "后两日实体±3%、涨跌幅在±5%内且收盘高于涨停收盘价。",
     "(Sequoia) a limit-up day (change > 9.5%) within the last 15 bars, followed by 3 bars: day 1 opens "
     "and closes above the limit-up close with a body within ±3%; days 2–3 have bodies within ±3%, "
     "changes within ±5% and close above the limit-up close.", _parking_apron),
    ("platform_breakout", "突破平台", "Platform breakout",
     "（参照 Sequoia）当日开盘<MA60≤收盘，且满足放量上涨；此前59日收盘均在 MA60 的 -20%~+5% 内（平台）。"
     "仅在突破当日触发。",
     "(after Sequoia) today open < MA60 <= close and the volume_up rule holds; on each of the previous "
     "59 bars (MA60 − close) / MA60 was within (−5%, 20%) (the platform). Fires on the breakout day.",
     _platform_breakout),
    ("no_big_drawdown", "无大幅回撤", "No big drawdown",
     "（Sequoia 低回撤上涨）60日涨幅≥60%，期间无单日跌幅>7%、无单日实体跌幅>7%、无连续两日合计跌幅>10%。",
     "(Sequoia) the close rose >= 60% over 60 bars with no daily drop below −7%, no intraday "
     "(close vs open) drop below −7% and no two-day drop below −10% inside the window.", _no_big_drawdown),
    ("rsi_oversold_rebound", "RSI超卖反弹", "RSI oversold rebound",
     "RSI(14) 从30以下回升：昨日 RSI<30，今日 RSI≥30。",
     "RSI(14) climbs out of oversold: below 30 on the previous bar, >= 30 today.", _rsi_rebound),
    ("boll_lower_support", "布林下轨支撑", "Support at lower Bollinger band",
     "当日最低价触及或跌破布林下轨(20,2)，收盘回到下轨之上且收阳（收盘≥开盘）。",
     "Today's low touches or breaks the lower Bollinger band (20, 2), the close is back above it and "
     "the bar is not bearish (close >= open).", _boll_lower),
    ("shrink_pullback", "缩量回调", "Pullback on shrinking volume",
     "上升趋势（MA20>MA60 且 MA20 高于5日前）中，收盘较20日最高收盘回落≥5%但仍≥MA20×0.98，当日收跌，"
     "成交量<前5日均量的60%。",
     "In an uptrend (MA20 > MA60 and MA20 above its value 5 bars ago) the close is >= 5% below the "
     "20-day highest close but >= 0.98 × MA20, today is a down bar, and volume < 60% of the previous "
     "5-day mean.", _shrink_pullback),
    ("ma30_rising", "均线持续上涨", "MA30 rising steadily",
     "（Sequoia 持续上涨 / InStock 均线多头）MA30 今日 > 10日前 > 20日前 > 30日前，且今日/30日前 > 1.2。",
     "(Sequoia keep_increasing / InStock) MA30 now > 10 bars ago > 20 bars ago > 30 bars ago, and "
     "now / 30 bars ago > 1.2.", _ma30_rising),
    ("volume_limit_down", "放量跌停", "Limit-down on volume",
     "（Sequoia，风险信号）跌幅≤-9.5%，成交额≥2亿，成交量≥前5日均量的4倍。",
     "(Sequoia, a warning) change <= −9.5%, turnover >= 200M yuan, volume >= 4 × the previous 5-day "
     "mean volume.", _volume_limit_down),
]

STRATEGIES: dict[str, Strategy] = {
    sid: Strategy(sid, zh, en, dzh, den, _wrap(k)) for sid, zh, en, dzh, den, k in _DEFS
}


def find_strategy(key: str) -> Strategy:
    """Look a preset up by id, Chinese name or English name (case-insensitive)."""
    k = key.strip()
    for s in STRATEGIES.values():
        if k == s.id or k == s.name_zh or k.lower() == s.name_en.lower() or k.lower() == s.id.lower():
            return s
    valid = ", ".join(f"{s.id} ({s.name_zh})" for s in STRATEGIES.values())
    raise KeyError(f"unknown strategy {key!r}; valid: {valid}")


def _resolve(ids: Iterable[str] | None) -> list[Strategy]:
    return list(STRATEGIES.values()) if ids is None else [find_strategy(i) for i in ids]


def signals(panel: Panel, ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """Signal series (n, t) bool of the given presets (all when None), keyed by id."""
    return {s.id: s.fn(panel) for s in _resolve(ids)}


def fired_at(panel: Panel, ids: Iterable[str] | None = None, at: int = -1) -> dict[str, np.ndarray]:
    """Whether each preset fires on column ``at`` (default the last date): id -> (n,) bool."""
    if panel.shape[1] == 0:
        return {s.id: np.zeros(panel.shape[0], dtype=bool) for s in _resolve(ids)}
    # Only column ``at`` is wanted: run the rules on a LOOKBACK-bar window ending there, gathered
    # from the shared full-history indicators (identical values, a fraction of the work).
    view = pc.packed_panel(panel).window(at % panel.shape[1], LOOKBACK)
    has_bar = view.inside[-1]
    out = {}
    for s in _resolve(ids):
        sig = view.memo(("signal", s.id), lambda: np.asarray(s.fn.kernel(view), dtype=bool)[-1] & has_bar)
        out[s.id] = sig.copy()
    return out


def screen(total: np.ndarray, fired: dict[str, np.ndarray], min_score: float, mode: str = "all") -> np.ndarray:
    """Rows with total >= min_score (NaN never passes) AND all/any of ``fired``; no presets ->
    the score alone decides."""
    if mode not in ("all", "any"):
        raise ValueError(f"mode must be 'all' or 'any', got {mode!r}")
    total = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(total) & (total >= min_score)
    if fired:
        stack = np.vstack([np.asarray(f, dtype=bool) for f in fired.values()])
        ok &= stack.all(axis=0) if mode == "all" else stack.any(axis=0)
    return ok
