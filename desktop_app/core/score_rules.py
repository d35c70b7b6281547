"""The score's rules and weights: the ONE declarative table (docs/INDICATORS.md, "The score").

Five dimensions with their maxima (trend 30, volatility 15, technical 25, volume 20, momentum 10;
together 100). A rule awards ``points`` when all its conditions hold. Rules sharing a ``group`` are
tiers: the first one (in table order) whose conditions hold is applied, the others in the group give
0. Rules without a group add up. A dimension's sum is capped at its maximum; the cap shows in the
trace as a ``<dimension>.cap`` line with negative points, so trace points always add up to the total.

Conditions compare a value (see ``scoring.ScoreResult.values``) with a number or another value,
through ``price_compare.compare``: unrounded floats, but two values within 1e-9 relative are equal,
so an exact tie (close == MA5, ROC10 == 5 %) is decided as a tie, never by float error. A NaN value
never meets a condition.

Seed-system defects fixed here (FACTS.md): MA5/20/60 are simple MAs, RSI is Wilder's, MACD uses
DIF vs DEA, the scale is 0–100 only, nothing is rounded before comparing.
"""
from __future__ import annotations

from dataclasses import dataclass

# dimension -> (max points, zh, en), in display order
DIMENSIONS: dict[str, tuple[float, str, str]] = {
    "trend": (30.0, "趋势", "Trend"),
    "volatility": (15.0, "波动", "Volatility"),
    "technical": (25.0, "技术指标", "Technical"),
    "volume": (20.0, "量能", "Volume"),
    "momentum": (10.0, "动量", "Momentum"),
}

Cond = tuple[str, str, "float | str"]  # (value key, op, number or value key); op in < <= > >= ==


@dataclass(frozen=True)
class Rule:
    id: str
    dimension: str
    points: float
    when: tuple[Cond, ...]
    desc_zh: str
    desc_en: str
    group: str | None = None


R = Rule
RULES: tuple[Rule, ...] = (
    # --- trend (30): MA order tier + price above each MA
    R("trend.ma_bull", "trend", 15, (("ma5", ">", "ma20"), ("ma20", ">", "ma60")),
      "均线多头排列 MA5>MA20>MA60", "Bullish MA order MA5>MA20>MA60", "ma_order"),
    R("trend.ma5_gt_ma20", "trend", 10, (("ma5", ">", "ma20"),),
      "否则 MA5>MA20（短期向上）", "Otherwise MA5 > MA20 (short-term up)", "ma_order"),
    R("trend.ma20_gt_ma60", "trend", 5, (("ma20", ">", "ma60"),),
      "再否则 MA20>MA60（中期向上）", "Otherwise MA20 > MA60 (medium-term up)", "ma_order"),
    R("trend.close_gt_ma5", "trend", 5, (("close", ">", "ma5"),), "收盘价在MA5之上", "Close above MA5"),
    R("trend.close_gt_ma20", "trend", 5, (("close", ">", "ma20"),), "收盘价在MA20之上", "Close above MA20"),
    R("trend.close_gt_ma60", "trend", 5, (("close", ">", "ma60"),), "收盘价在MA60之上", "Close above MA60"),
    # --- volatility (15): ATR(14) as % of close
    R("volatility.calm", "volatility", 15, (("atr_pct", ">=", 1.0), ("atr_pct", "<=", 2.5)),
      "ATR% 在 1–2.5 之间（波动适中）", "ATR% within 1–2.5 (moderate)", "atr"),
    R("volatility.lively", "volatility", 10, (("atr_pct", ">", 2.5), ("atr_pct", "<=", 4.0)),
      "ATR% 在 2.5–4 之间", "ATR% within 2.5–4", "atr"),
    R("volatility.quiet", "volatility", 5, (("atr_pct", "<", 1.0),),
      "ATR% 低于 1（过于平淡）", "ATR% below 1 (very quiet)", "atr"),
    R("volatility.wild", "volatility", 0, (("atr_pct", ">", 4.0),),
      "ATR% 高于 4（波动过大）", "ATR% above 4 (too volatile)", "atr"),
    # --- technical (25): RSI tier, MACD, BOLL position tier
    R("technical.rsi_40_60", "technical", 7, (("rsi", ">=", 40.0), ("rsi", "<=", 60.0)),
      "RSI 在 40–60（中性）", "RSI within 40–60 (neutral)", "rsi"),
    R("technical.rsi_30_40", "technical", 10, (("rsi", ">=", 30.0), ("rsi", "<", 40.0)),
      "RSI 在 30–40（偏弱待起）", "RSI within 30–40", "rsi"),
    R("technical.rsi_60_70", "technical", 10, (("rsi", ">", 60.0), ("rsi", "<=", 70.0)),
      "RSI 在 60–70（强势）", "RSI within 60–70 (strong)", "rsi"),
    R("technical.rsi_oversold", "technical", 8, (("rsi", "<", 30.0),),
      "RSI 低于 30（超卖）", "RSI below 30 (oversold)", "rsi"),
    R("technical.rsi_overbought", "technical", 2, (("rsi", ">", 70.0),),
      "RSI 高于 70（超买）", "RSI above 70 (overbought)", "rsi"),
    R("technical.macd_above", "technical", 10, (("dif", ">", "dea"),),
      "MACD 的 DIF 在 DEA 之上", "MACD DIF above DEA"),
    R("technical.boll_middle", "technical", 3, (("boll_pos", ">=", 0.3), ("boll_pos", "<=", 0.7)),
      "布林位置 0.3–0.7（中轨附近）", "Bollinger position 0.3–0.7 (mid band)", "boll"),
    R("technical.boll_low", "technical", 5, (("boll_pos", "<", 0.2),),
      "布林位置低于 0.2（靠近下轨）", "Bollinger position below 0.2 (near lower band)", "boll"),
    R("technical.boll_high", "technical", 1, (("boll_pos", ">", 0.8),),
      "布林位置高于 0.8（靠近上轨）", "Bollinger position above 0.8 (near upper band)", "boll"),
    # --- volume (20): vol_ratio = MA(V,5) / REF(MA(V,20),5), the last 5 bars' mean volume over the
    # mean of the 20 bars before them (a deliberate choice over the seed's mean of V/MA20 over 5
    # days: docs/INDICATORS.md, "Volume ratio"); up/down vs the previous close
    R("volume.surge_up", "volume", 20, (("vol_ratio", ">", 1.5), ("up", "==", 1.0)),
      "放量上涨（量比>1.5 且收涨；量比=5日均量/此前20日均量）",
      "Up on heavy volume (ratio > 1.5; ratio = 5-day mean volume / mean of the 20 days before)", "volume"),
    R("volume.rise_up", "volume", 15, (("vol_ratio", ">", 1.2), ("up", "==", 1.0)),
      "温和放量上涨（量比>1.2 且收涨）", "Up on rising volume (ratio > 1.2)", "volume"),
    R("volume.shrink_down", "volume", 10, (("vol_ratio", "<", 0.8), ("down", "==", 1.0)),
      "缩量下跌（量比<0.8 且收跌）", "Down on light volume (ratio < 0.8)", "volume"),
    R("volume.heavy_down", "volume", 0, (("vol_ratio", ">", 1.2), ("down", "==", 1.0)),
      "放量下跌（量比>1.2 且收跌）", "Down on heavy volume (ratio > 1.2)", "volume"),
    R("volume.neutral", "volume", 8, (),
      "量能中性（其他情况）", "Neutral volume (otherwise)", "volume"),
    # --- momentum (10): ROC over 10 bars, %
    R("momentum.strong", "momentum", 10, (("roc10", ">", 5.0),),
      "10日涨幅 > 5%", "10-day change > 5%", "roc"),
    R("momentum.good", "momentum", 8, (("roc10", ">=", 2.0), ("roc10", "<=", 5.0)),
      "10日涨幅 2%–5%", "10-day change 2%–5%", "roc"),
    R("momentum.flat_up", "momentum", 5, (("roc10", ">=", 0.0), ("roc10", "<", 2.0)),
      "10日涨幅 0–2%", "10-day change 0–2%", "roc"),
    R("momentum.flat_down", "momentum", 3, (("roc10", ">=", -2.0), ("roc10", "<", 0.0)),
      "10日跌幅 0–2%", "10-day change −2%–0", "roc"),
    R("momentum.weak", "momentum", 0, (("roc10", "<", -2.0),),
      "10日跌幅超过 2%", "10-day change below −2%", "roc"),
)

# Indicator parameters the rules' values come from.
PARAMS = {
    "ma": (5, 10, 20, 60), "atr": 14, "rsi": 14, "macd": (12, 26, 9), "kdj": (9, 3, 3),
    "boll": (20, 2.0), "vol_short": 5, "vol_long": 20, "roc": 10,
}


#: Words for ScoreResult.ma_trend() / macd_state() ids: (zh, en).
STATE_NAMES: dict[str, tuple[str, str]] = {
    "bull": ("多头", "bullish"), "bear": ("空头", "bearish"), "mixed": ("震荡", "mixed"),
    "golden_cross": ("金叉", "golden cross"), "dead_cross": ("死叉", "dead cross"),
    "above": ("DIF在DEA上方", "DIF above DEA"), "below": ("DIF在DEA下方", "DIF below DEA"),
}
