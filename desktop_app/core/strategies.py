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
from .price_compare import ge, gt, le, lt


@dataclass(frozen=True)
class Strategy:
    id: str
    name_zh: str
    name_en: str
    doc_zh: str
    doc_en: str
    fn: Callable[[Panel], np.ndarray]


_Ctx = pc.PackedPanel


# Everything below works on the PackedPanel's time-major arrays (t, n). Every comparison of prices
# or of values computed from them goes through ``price_compare`` (ties within 1e-9 relative are
# equal: docs/INDICATORS.md, "Comparisons").
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
    return gt(a, b) & le(_lag(a, 1), _lag(b, 1))


def _bars_at_least(x: _Ctx, n: int) -> np.ndarray:
    """The stock has at least n bars up to this one (today included)."""
    return x.memo(("bars_at_least", n), lambda: np.isfinite(_lag(x.c, n - 1)))


# --------------------------------------------------------------------------- the rules (packed space)
def _ma_bull(x: _Ctx):
    return gt(x.ma(5), x.ma(10)) & gt(x.ma(10), x.ma(20)) & gt(x.ma(20), x.ma(60))


def _macd_golden(x: _Ctx):
    dif, dea, _ = x.macd()
    return _cross_up(dif, dea)


def _kdj_golden(x: _Ctx):
    k, d, _ = x.kdj()
    return _cross_up(k, d)


# Longest lookback of any rule below (bars, today included) is 61: no_big_drawdown reads the
# change of the window's first bar (59 bars ago) against the bar before it, and volume_up /
# volume_limit_down need 61 bars of history. fired_at evaluates rules on windows of this many bars.
LOOKBACK = 64
AMOUNT_MIN = 2e8  # yuan, Sequoia's 成交额不低于2亿
MIN_BARS_VOLUME = 61  # Sequoia/InStock check_volume, climax_limitdown: tail(60 + 1) must be full


def _volume_surge(x: _Ctx, ratio: float) -> np.ndarray:
    prev_vma5 = x.memo(("prev_vma", 5), lambda: _lag(x.vma(5), 1))
    with np.errstate(invalid="ignore"):
        return (ge(x.c * x.v, AMOUNT_MIN) & ge(x.v, ratio * prev_vma5) & (prev_vma5 > 0)
                & _bars_at_least(x, MIN_BARS_VOLUME))


def _volume_up(x: _Ctx):
    return x.memo(("rule", "volume_up"), lambda: ge(x.chg(), 2.0) & ge(x.c, x.o) & _volume_surge(x, 2.0))


def _volume_limit_down(x: _Ctx):
    return le(x.chg(), -9.5) & _volume_surge(x, 4.0)


def _turtle(x: _Ctx):
    return ge(x.c, x.hhv(60))


def _pullback_ma250(x: _Ctx):
    ma250 = x.ma(250)
    started_below = lt(_lag(x.c, 59), _lag(ma250, 59))
    held_above = _all(x, ge(x.c, ma250), 10)
    touched = le(x.l, ma250 * 1.03)
    deep = le(x.c, 0.8 * x.hhv(60))
    return started_below & held_above & touched & deep


APRON_WINDOW = 15  # Sequoia/InStock parking_apron threshold: the last 15 bars


def _parking_apron(x: _Ctx):
    """Evaluated at u, the third bar after the limit-up day s = u-3; fires while s is within the
    last 15 bars (u within the last 12)."""
    c, o, chg = x.c, x.o, x.chg()
    with np.errstate(invalid="ignore", divide="ignore"):
        body = c / o
    body = gt(body, 0.97) & lt(body, 1.03)                  # 0.97 < close/open < 1.03
    calm = body & gt(chg, -5.0) & lt(chg, 5.0)
    # the limit-up day: change > 9.5 % and a new 15-bar closing high (turtle check_enter(15))
    limit_up = gt(chg, 9.5) & ge(c, x.hhv(APRON_WINDOW))
    # Day u-k opens and closes above the limit-up close c[u-3]: evaluated at t = u-k as
    # min(open, close) > close (3-k) bars earlier (for a positive limit-up close, min(o, c) > x
    # holds exactly when both do: price_compare is monotone there), then shifted to u.
    low_body = np.minimum(c, o)
    above = lambda k: _lagb(gt(low_body, _lag(c, 3 - k)), k)
    day1 = _lagb(body, 2) & above(2)
    day2 = _lagb(calm, 1) & above(1)
    day3 = calm & above(0)
    ok_at_u = _lagb(limit_up, 3) & day1 & day2 & day3
    return _any(x, ok_at_u, APRON_WINDOW - 3)


def _platform_breakout(x: _Ctx):
    ma60 = x.ma(60)
    cross = lt(x.o, ma60) & le(ma60, x.c)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = (ma60 - x.c) / ma60
    flat = gt(gap, -0.05) & lt(gap, 0.2)
    platform = _lagb(_all(x, flat, 59), 1)
    return cross & _volume_up(x) & platform


DRAWDOWN_WINDOW = 60  # Sequoia/InStock low_backtrace_increase threshold


def _no_big_drawdown(x: _Ctx):
    """The 60 bars ending today: rise >= 60 % first to last close; no bar of the window fell > 7 %
    vs the previous close or vs its own open; no two consecutive bars of the window fell > 10 %
    together (sum of changes) or from the first one's open to the second one's close."""
    n = DRAWDOWN_WINDOW
    c, o, chg = x.c, x.o, x.chg()
    first = _lag(c, n - 1)
    prev_open = _lag(o, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rise = (c - first) / first
        intraday = (c - o) / o * 100.0
        two_day = chg + _lag(chg, 1)
        two_day_open = (c - prev_open) / prev_open * 100.0
    single = lt(chg, -7.0) | lt(intraday, -7.0)            # 单日跌幅超7%, 高开低走7%
    double = lt(two_day, -10.0) | lt(two_day_open, -10.0)  # 两日累计跌幅10%, 两日高开低走累计10%
    return ge(rise, 0.6) & ~_any(x, single, n) & ~_any(x, double, n - 1)


def _rsi_rebound(x: _Ctx):
    r = x.rsi(14)
    return lt(_lag(r, 1), 30.0) & ge(r, 30.0)


def _boll_lower(x: _Ctx):
    _mid, _up, lo = x.boll()
    return le(x.l, lo) & gt(x.c, lo) & ge(x.c, x.o)


def _shrink_pullback(x: _Ctx):
    ma20, ma60 = x.ma(20), x.ma(60)
    prev_vma5 = x.memo(("prev_vma", 5), lambda: _lag(x.vma(5), 1))
    uptrend = gt(ma20, ma60) & gt(ma20, _lag(ma20, 5))
    pulled = le(x.c, 0.95 * x.hhv(20))
    holding = ge(x.c, 0.98 * ma20)
    down = lt(x.c, x.prev_close())
    quiet = lt(x.v, 0.6 * prev_vma5)
    return uptrend & pulled & holding & down & quiet


# Sequoia/InStock keep_increasing: tail(30), MA30 at iloc 0, 10, 20, -1 = 29, 19, 9, 0 bars ago.
MA30_STEPS = (9, 19, 29)


def _ma30_rising(x: _Ctx):
    m = x.ma(30)
    a, b, c_ = MA30_STEPS
    m9, m19, m29 = _lag(m, a), _lag(m, b), _lag(m, c_)
    return gt(m, m9) & gt(m9, m19) & gt(m19, m29) & gt(m, 1.2 * m29)


def _packed_signal(x, kernel: Callable[[_Ctx], np.ndarray]) -> np.ndarray:
    inside = x.pk.packed_mask.T if isinstance(x, pc.PackedPanel) else x.inside
    return x.memo(("signal", kernel.__name__), lambda: np.asarray(kernel(x), dtype=bool) & inside)


def packed_signals(panel: Panel, ids: Iterable[str] | None = None, start: int = 0) -> dict[str, np.ndarray]:
    """The presets' signal series in the panel's packed, time-major coordinates (``(t, n)`` bool,
    ``panel_cache.PackedPanel``), keyed by id — what ``Strategy.fn`` returns before unpacking it
    to (n, t). For a caller that reads a few cells only (``core/validation_signals``).
    ``start``: only the packed rows from ``start`` on (``(t - start, n)``, a ``SpanView``; rows
    from ``start + LOOKBACK - 1`` on equal the full series')."""
    x = pc.packed_panel(panel).span(start)
    return {s.id: _packed_signal(x, s.fn.kernel) for s in _resolve(ids)}


def _wrap(kernel: Callable[[_Ctx], np.ndarray]) -> Callable[[Panel], np.ndarray]:
    def fn(panel: Panel) -> np.ndarray:
        x = pc.packed_panel(panel)
        return x.pk.unpack(_packed_signal(x, kernel).T, fill=False).astype(bool)
    fn.__name__ = kernel.__name__.lstrip("_")
    fn.kernel = kernel
    return fn


_TIE_ZH = "价格比较按相对 1e-9 的容差判定相等（恰好相等不算“高于”）。"
_TIE_EN = "Prices compare equal within 1e-9 relative (an exact tie is not \"above\")."

_DEFS = [
    ("ma_bull", "均线多头排列", "Bullish MA alignment",
     "MA5 > MA10 > MA20 > MA60（简单均线），每个“>”都须严格成立：两条均线恰好相等不算多头。" + _TIE_ZH,
     "MA5 > MA10 > MA20 > MA60 (simple moving averages), each \">\" strict: two MAs that are exactly "
     "equal are not bullish. " + _TIE_EN, _ma_bull),
    ("macd_golden", "MACD金叉", "MACD golden cross",
     "当日 DIF 上穿 DEA：今日 DIF>DEA，昨日 DIF≤DEA（12/26/9）。",
     "DIF crosses above DEA today: DIF > DEA now, DIF <= DEA on the previous bar (12/26/9).", _macd_golden),
    ("kdj_golden", "KDJ金叉", "KDJ golden cross",
     "当日 K 上穿 D：今日 K>D，昨日 K≤D（9/3/3）。",
     "K crosses above D today: K > D now, K <= D on the previous bar (9/3/3).", _kdj_golden),
    ("volume_up", "放量上涨", "Up on volume surge",
     "（Sequoia/InStock）涨幅≥2% 且收盘≥开盘，成交额（收盘×成交量）≥2亿，成交量≥前5日均量的2倍；"
     "与参考实现一致，至少需要61根K线（当日之前满60根）。",
     "(Sequoia/InStock) change >= 2% and close >= open, turnover (close × volume) >= 200M yuan, volume "
     ">= 2 × the previous 5-day mean volume; as in the references it needs at least 61 bars (60 before "
     "today).", _volume_up),
    ("turtle_breakout", "突破N日新高(海龟)", "Turtle: new 60-day high",
     "（Sequoia 海龟交易法则）收盘价≥最近60日（含当日）最高收盘价。",
     "(Sequoia turtle) close >= the highest close of the last 60 bars (today included).", _turtle),
    ("pullback_ma250", "回踩年线", "Pullback to MA250",
     "（参照 Sequoia，简化）59日前收盘在年线（MA250）下方；最近10日收盘均不低于年线；当日最低价≤年线×1.03；"
     "收盘≤60日最高收盘的80%。",
     "(after Sequoia, simplified) 59 bars ago the close was below MA250; the last 10 closes are all "
     ">= MA250; today's low <= 1.03 × MA250; close <= 80% of the 60-day highest close.", _pullback_ma250),
    ("parking_apron", "停机坪", "Parking apron",
     "（Sequoia/InStock）最近15日内有一个涨停日（涨幅>9.5%），其收盘价是当时15日收盘新高（含当日）；"
     "其后3日每日开盘价与收盘价都高于涨停收盘价（必须高开），实体在±3%内（0.97<收盘/开盘<1.03）；"
     "第2、3日涨跌幅还须在±5%内。3日须都在最近15日内。",
     "(Sequoia/InStock) a limit-up day (change > 9.5%) within the last 15 bars whose close is a new "
     "15-bar closing high (that day included); on each of the 3 bars after it the open and the close "
     "are above the limit-up close (it must open higher) and the body is within ±3% (0.97 < close/open "
     "< 1.03); days 2–3 also change by less than ±5%. All 3 bars lie within the last 15.", _parking_apron),
    ("platform_breakout", "突破平台", "Platform breakout",
     "（参照 Sequoia/InStock）当日开盘<MA60≤收盘，且当日满足放量上涨；此前59日收盘均在 MA60 的 -20%~+5% 内"
     "（平台）。只在突破当日触发：参考实现在突破后60日内每天都报出（突破越早，要检查的平台越短），"
     "此处只列出新鲜的突破；历史突破见个股信号。",
     "(after Sequoia/InStock) today open < MA60 <= close and the volume_up rule holds today; on each of "
     "the previous 59 bars (MA60 − close) / MA60 was within (−5%, 20%) (the platform). Fires on the "
     "breakout day only: the references report a stock on every day up to 60 days after its breakout "
     "(with a platform that shrinks as the breakout ages); here a scan lists fresh breakouts, and past "
     "ones show in the stock's signals.", _platform_breakout),
    ("no_big_drawdown", "无大幅回撤", "No big drawdown",
     "（Sequoia/InStock 低回撤稳步上涨）最近60日（含当日）收盘涨幅≥60%（当日收盘相对59日前收盘）；"
     "这60日内任何一日（含当日）跌幅不超过7%、高开低走（收盘相对开盘）不超过7%；"
     "任意相邻两日涨跌幅之和不低于-10%，且后一日收盘相对前一日开盘不低于-10%（两日高开低走累计10%）。",
     "(Sequoia/InStock low drawdown rise) over the 60 bars ending today the close rose >= 60% (today vs "
     "59 bars ago); on no bar of those 60 (today included) the change was below −7% or the close was "
     "more than 7% below the open; for no two consecutive bars of the window the two changes add up "
     "below −10% or the second close is more than 10% below the first open.", _no_big_drawdown),
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
     "（Sequoia 持续上涨 / InStock 均线多头）最近30日窗口内 MA30 逐段上升：今日 > 9日前 > 19日前 > 29日前，"
     "且今日 > 29日前×1.2。与两个参考实现的代码一致（它们取最近30根K线的第1、11、21根和最后一根；"
     "注释所写的“30/20/10日前”实为29/19/9日前），因此至少需要59根K线。",
     "(Sequoia keep_increasing / InStock 均线多头) MA30 rises through the last 30 bars: today > 9 bars "
     "ago > 19 bars ago > 29 bars ago, and today > 1.2 × 29 bars ago. This is what both references' "
     "code computes (bars 1, 11, 21 and 30 of the last 30; their comments say 30/20/10 days ago), so it "
     "needs at least 59 bars.", _ma30_rising),
    ("volume_limit_down", "放量跌停", "Limit-down on volume",
     "（Sequoia/InStock，风险信号）跌幅≤-9.5%，成交额≥2亿，成交量≥前5日均量的4倍；至少需要61根K线。",
     "(Sequoia/InStock, a warning) change <= −9.5%, turnover >= 200M yuan, volume >= 4 × the previous "
     "5-day mean volume; needs at least 61 bars.", _volume_limit_down),
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
