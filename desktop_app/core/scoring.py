"""The explained 0–100 score of every stock of a panel, at one date (DESIGN.md §5.2).

Rules and weights are in ``score_rules.RULES`` (the one table). ``score_panel`` works on the
panel's shared ``panel_cache.PackedPanel`` (each stock's valid bars, gaps skipped): the recursive
indicators (MACD, RSI, KDJ) over the full history of every stock at once, the windowed ones (MAs,
ATR, BOLL, volume means) on a short window ending at column ``at`` (bit-identical to the full
series), then applies the table vectorised. ``score_frame`` scores one stock by building a one-row
panel, so its numbers are those of the stock's row in any panel. The indicator cache stays on the
panel object (``strategies.fired_at`` reuses it); ``panel_cache.drop_cache(panel)`` frees it.

MIN_BARS = 60: the longest window (MA60) must be full. The EMA-based values (MACD) are seeded on
the first bar like 通达信, so they equal what 通达信 shows for the same history; with little history
they differ from a longer-history value (the seed's weight after 60 bars is (25/27)^60 ≈ 1%).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from . import panel_cache as pc
from . import price_compare as cmp
from .panel import Panel
from .reasons import R, Reason
from .score_rules import DIMENSIONS, PARAMS, RULES, Rule

MIN_BARS = 60

# Every rule condition is compared with price_compare (ties within 1e-9 relative are equal, so an
# exact tie such as close == MA5 never awards "close above MA5" through float error).
_OPS = cmp.OPS


@dataclass(frozen=True)
class Label:
    min_score: float
    zh: str
    en: str


LABELS: tuple[Label, ...] = (
    Label(85, "强烈建议买入", "Strong buy"),
    Label(70, "建议买入", "Buy"),
    Label(55, "谨慎买入", "Cautious buy"),
    Label(45, "持观望态度", "Hold / wait and see"),
    Label(30, "谨慎持有", "Hold cautiously"),
    Label(15, "建议减仓", "Reduce position"),
    Label(0, "建议卖出", "Sell"),
)
NOT_SCORED = Label(math.nan, "无评分", "Not scored")


def label_for(score: float) -> Label:
    """The label whose threshold is the highest one <= score (unrounded); NaN -> NOT_SCORED."""
    if score is None or not np.isfinite(score):
        return NOT_SCORED
    for lab in LABELS:
        if score >= lab.min_score:
            return lab
    return LABELS[-1]


@dataclass
class RuleTrace:
    rule_id: str
    dimension: str
    desc_zh: str
    desc_en: str
    values: dict
    points_possible: float
    points_given: float
    met: bool

    def to_dict(self) -> dict:
        return asdict(self)


def _cond_values(rule: Rule) -> list[str]:
    keys = []
    for key, _op, ref in rule.when:
        keys.append(key)
        if isinstance(ref, str):
            keys.append(ref)
    return keys


@dataclass
class ScoreResult:
    symbols: np.ndarray
    total: np.ndarray
    dims: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    rule_points: dict[str, np.ndarray]
    valid: np.ndarray
    invalid_reason: list[Reason | None]   # why a row is not valid (None when it is)
    date: pd.Timestamp | None = None
    rules: tuple[Rule, ...] = field(default=RULES, repr=False)

    def __len__(self) -> int:
        return len(self.symbols)

    def trace(self, i: int) -> list[RuleTrace]:
        """Every rule, met or not, with its points; plus a cap line per capped dimension.
        ``sum(t.points_given) == total[i]``. Empty for an invalid row."""
        if not self.valid[i]:
            return []
        out: list[RuleTrace] = []
        for dim, (cap, zh, en) in DIMENSIONS.items():
            raw = 0.0
            for rule in self.rules:
                if rule.dimension != dim:
                    continue
                pts = float(self.rule_points[rule.id][i])
                raw += pts
                vals = {k: _py(self.values[k][i]) for k in _cond_values(rule)}
                out.append(RuleTrace(rule.id, dim, rule.desc_zh, rule.desc_en, vals,
                                     float(rule.points), pts, bool(self._applied[rule.id][i])))
            if raw > cap:
                out.append(RuleTrace(f"{dim}.cap", dim, f"{zh}上限 {cap:g} 分", f"{en} capped at {cap:g}",
                                     {"raw": raw}, 0.0, cap - raw, True))
        return out

    def label(self, i: int) -> Label:
        return label_for(float(self.total[i]))

    def ma_trend(self, i: int) -> str:
        return str(self._states()[0][i])

    def macd_state(self, i: int) -> str:
        return str(self._states()[1][i])

    def _states(self) -> tuple[np.ndarray, np.ndarray]:
        """MA trend and MACD state of every row, computed once on the whole arrays (a scan asks
        for each hit; tolerant comparisons on single floats cost more than the whole vector)."""
        if self._state_cache is None:
            v = self.values
            bull = cmp.gt(v["ma5"], v["ma20"]) & cmp.gt(v["ma20"], v["ma60"])
            bear = cmp.lt(v["ma5"], v["ma20"]) & cmp.lt(v["ma20"], v["ma60"])
            trend = np.where(bull, "bull", np.where(bear, "bear", "mixed")).astype(object)
            above, was = cmp.gt(v["dif"], v["dea"]), cmp.gt(v["dif_prev"], v["dea_prev"])
            macd = np.where(above & ~was, "golden_cross",
                            np.where(~above & was, "dead_cross", np.where(above, "above", "below"))).astype(object)
            self._state_cache = (trend, macd)
        return self._state_cache

    # filled by score_panel
    _applied: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _state_cache: tuple | None = field(default=None, repr=False)


def _py(x):
    x = float(x)
    return None if math.isnan(x) else x


VIEW_WIDTH = 11  # rows of history the score reads directly: ROC10 needs the close 10 bars back


def _last_row(a: np.ndarray, back: int = 0) -> np.ndarray:
    return a[-1 - back]


def compute_values(x, last=_last_row) -> dict[str, np.ndarray]:
    """Indicator values on the last row of a WindowView (``panel_cache.PackedPanel.window``).
    ``last(a, back)`` picks the value ``back`` bars before the scored one; ``core/score_days``
    passes a shift over the whole packed history instead, to score every day at once."""
    P = PARAMS
    vals: dict[str, np.ndarray] = {}
    vals["close"], vals["open"], vals["high"], vals["low"], vals["volume"] = (
        last(x.c), last(x.o), last(x.h), last(x.l), last(x.v))
    vals["prev_close"] = last(x.c, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        vals["chg_pct"] = (vals["close"] / vals["prev_close"] - 1.0) * 100.0
    for n in P["ma"]:
        vals[f"ma{n}"] = last(x.ma(n))
    vals["atr"] = last(x.atr(P["atr"]))
    with np.errstate(invalid="ignore", divide="ignore"):
        vals["atr_pct"] = vals["atr"] / vals["close"] * 100.0
    vals["rsi"] = last(x.rsi(P["rsi"]))
    dif, dea, hist = x.macd(*P["macd"])
    vals["dif"], vals["dea"], vals["macd"] = last(dif), last(dea), last(hist)
    vals["dif_prev"], vals["dea_prev"] = last(dif, 1), last(dea, 1)
    k, d, j = x.kdj(*P["kdj"])
    vals["k"], vals["d"], vals["j"] = last(k), last(d), last(j)
    mid, up, lo = x.boll(*P["boll"])
    vals["boll_mid"], vals["boll_upper"], vals["boll_lower"] = last(mid), last(up), last(lo)
    width = vals["boll_upper"] - vals["boll_lower"]
    with np.errstate(invalid="ignore", divide="ignore"):
        vals["boll_pos"] = np.where(width > 0, (vals["close"] - vals["boll_lower"]) / width,
                                    np.where(np.isnan(width), np.nan, 0.5))
    vs, vl = P["vol_short"], P["vol_long"]
    v_short, v_long = last(x.vma(vs)), last(x.vma(vl), vs)
    with np.errstate(invalid="ignore", divide="ignore"):
        vals["vol_ratio"] = np.where(v_long > 0, v_short / v_long, np.nan)
        vals["up"] = cmp.gt(vals["close"], vals["prev_close"]).astype(float)
        vals["down"] = cmp.lt(vals["close"], vals["prev_close"]).astype(float)
        vals["roc10"] = (vals["close"] / last(x.c, P["roc"]) - 1.0) * 100.0
    return vals


def apply_rules(vals: dict[str, np.ndarray], valid: np.ndarray, details: bool = True):
    """Apply RULES to per-row values: (total, dims, rule_points, applied). Invalid rows get NaN.
    ``details=False``: ``rule_points`` and ``applied`` are left empty (the total and the
    dimensions are the same), for callers that need the numbers only (``core/score_days``)."""
    n = len(valid)
    rule_points: dict[str, np.ndarray] = {}
    applied: dict[str, np.ndarray] = {}
    taken: dict[str, np.ndarray] = {}
    dims = {d: np.zeros(n) for d in DIMENSIONS}
    for rule in RULES:
        ok = np.ones(n, dtype=bool)
        for key, op, ref in rule.when:
            rhs = vals[ref] if isinstance(ref, str) else ref
            ok &= _OPS[op](vals[key], rhs)
        if rule.group is not None:
            prior = taken.setdefault(rule.group, np.zeros(n, dtype=bool))
            ok = ok & ~prior
            taken[rule.group] = prior | ok
        ok &= valid
        pts = np.where(ok, float(rule.points), 0.0)
        dims[rule.dimension] += pts
        if details:
            applied[rule.id] = ok
            rule_points[rule.id] = np.where(valid, pts, np.nan)
    total = np.zeros(n)
    for d, (cap, _zh, _en) in DIMENSIONS.items():
        dims[d] = np.where(valid, np.minimum(dims[d], cap), np.nan)
        total = total + dims[d]
    return total, dims, rule_points, applied


def score_panel(panel: Panel, at: int = -1) -> ScoreResult:
    """Score every row of ``panel`` at column ``at`` from its valid bars up to ``at``."""
    n, t = panel.shape
    if t == 0:
        raise ValueError("cannot score an empty panel (no dates)")
    col = at % t
    date = panel.dates[col]
    x = pc.packed_panel(panel)
    view = x.window(col, VIEW_WIDTH)
    has_bar = view.pos >= 0
    bars = x.pk.count_until(col)
    valid = has_bar & (bars >= MIN_BARS)
    vals = compute_values(view)
    finite = np.ones(n, dtype=bool)
    for key in ("close", "ma60", "atr_pct", "rsi", "dif", "dea", "boll_pos", "roc10"):
        finite &= np.isfinite(vals[key])
    reasons = []
    day = date.date().isoformat()
    for i in range(n):
        if not has_bar[i]:
            reasons.append(R("suspended_on", day=day) if bars[i] else R("not_listed_yet", day=day))
        elif bars[i] < MIN_BARS:
            reasons.append(R("history_too_short", bars=int(bars[i]), minimum=MIN_BARS))
        elif not finite[i]:
            reasons.append(R("bad_bars"))
        else:
            reasons.append(None)
    valid &= finite
    total, dims, rule_points, applied = apply_rules(vals, valid)
    res = ScoreResult(np.asarray(panel.symbols), total, dims, vals, rule_points, valid, reasons, date)
    res._applied = applied
    return res


def score_frame(bars: pd.DataFrame, symbol: str | None = None) -> ScoreResult:
    """Score one stock's bars (DatetimeIndex, BAR_COLUMNS) at its last bar; same numbers as its
    row in any panel scored at that date."""
    sym = symbol if symbol is not None else str(bars.attrs.get("symbol", ""))
    return score_panel(Panel.from_frames({sym: bars}))
