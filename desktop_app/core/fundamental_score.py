"""The 0–100 fundamental score: valuation, profitability and health, growth — the ONE rules table
(docs/INDICATORS.md, "The fundamental score"), applied vectorised, with a trace like the
technical score's (``scoring.RuleTrace``; the trace's points add up to the total).

Rules use ``score_rules.Rule``: a rule awards ``points`` when all its conditions hold; rules of a
``group`` are tiers (the first that holds applies). Every group reads one value (``GROUP_INPUT``).

Values (``values`` of :func:`score_fundamentals`; percent where a ratio):
``pe`` PE(动态) from the snapshot, ``pb``, ``roe_annual`` the report's ROE annualised (a cumulative
Q1 ROE × 4, half year × 2, Q3 × 4/3: a Q1 ROE of 5 % is a 20 % year), ``gross_margin``,
``debt_ratio`` (where the source gives it: the per-stock indicators and the demo do, the bulk
report table does not), ``revenue_yoy`` and ``profit_yoy`` (year-to-date against a year before),
``revenue_cagr`` and ``profit_cagr`` (multi-year growth of the annual reports,
``core/fundamental_growth.py``; a missing one has its own "not scored" line with the reason).

Missing data is never 0 points (the seed system's bug: a failed fetch scored growth 0):
- without ``pe``, ``roe_annual`` or both growth values a stock is *not scored*, with a reason
  naming what is missing (``fscore_missing``);
- any other missing value takes its group out of the possible points, and the total is the
  remaining points scaled to 100 — shown in the trace as the line ``fscore.scale``
  (points = total − raw) naming what was missing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import price_compare as cmp
from .catalogue import REASONS, VALUE_NAMES, pick
from .reasons import R, Reason
from .score_rules import Rule
from .scoring import RuleTrace

DIMENSIONS: dict[str, tuple[float, str, str]] = {
    "valuation": (30.0, "估值", "Valuation"),
    "profitability": (40.0, "盈利与健康", "Profitability and health"),
    "growth": (30.0, "成长", "Growth"),
}

F = Rule
RULES: tuple[Rule, ...] = (
    # --- valuation (30): PE(动态) band 20 + PB 10
    F("valuation.pe_lt_15", "valuation", 20, (("pe", ">", 0.0), ("pe", "<", 15.0)), "市盈率 0–15", "PE 0–15", "pe"),
    F("valuation.pe_lt_25", "valuation", 16, (("pe", ">", 0.0), ("pe", "<", 25.0)), "市盈率 15–25", "PE 15–25", "pe"),
    F("valuation.pe_lt_35", "valuation", 12, (("pe", ">", 0.0), ("pe", "<", 35.0)), "市盈率 25–35", "PE 25–35", "pe"),
    F("valuation.pe_lt_50", "valuation", 8, (("pe", ">", 0.0), ("pe", "<", 50.0)), "市盈率 35–50", "PE 35–50", "pe"),
    F("valuation.pe_high", "valuation", 4, (("pe", ">=", 50.0),), "市盈率 50 以上", "PE 50 or more", "pe"),
    F("valuation.pe_loss", "valuation", 0, (("pe", "<=", 0.0),), "亏损（市盈率为负）", "a loss (negative PE)", "pe"),
    F("valuation.pb_low", "valuation", 10, (("pb", ">", 0.0), ("pb", "<=", 1.5)), "市净率 0–1.5", "PB 0–1.5", "pb"),
    F("valuation.pb_fair", "valuation", 7, (("pb", ">", 0.0), ("pb", "<=", 3.0)), "市净率 1.5–3", "PB 1.5–3", "pb"),
    F("valuation.pb_rich", "valuation", 4, (("pb", ">", 0.0), ("pb", "<=", 5.0)), "市净率 3–5", "PB 3–5", "pb"),
    F("valuation.pb_high", "valuation", 1, (("pb", ">", 5.0),), "市净率 5 以上", "PB above 5", "pb"),
    F("valuation.pb_negative", "valuation", 0, (("pb", "<=", 0.0),), "净资产为负", "negative book value", "pb"),
    # --- profitability and health (40): annualised ROE 20 + gross margin 8 + debt ratio 12
    F("profitability.roe_gt_20", "profitability", 20, (("roe_annual", ">", 20.0),), "年化ROE 20% 以上", "annualised ROE above 20%", "roe"),
    F("profitability.roe_gt_15", "profitability", 16, (("roe_annual", ">", 15.0),), "年化ROE 15–20%", "annualised ROE 15–20%", "roe"),
    F("profitability.roe_gt_10", "profitability", 11, (("roe_annual", ">", 10.0),), "年化ROE 10–15%", "annualised ROE 10–15%", "roe"),
    F("profitability.roe_gt_5", "profitability", 6, (("roe_annual", ">", 5.0),), "年化ROE 5–10%", "annualised ROE 5–10%", "roe"),
    F("profitability.roe_gt_0", "profitability", 2, (("roe_annual", ">", 0.0),), "年化ROE 0–5%", "annualised ROE 0–5%", "roe"),
    F("profitability.roe_le_0", "profitability", 0, (("roe_annual", "<=", 0.0),), "ROE 为负或零", "ROE zero or negative", "roe"),
    F("profitability.margin_ge_40", "profitability", 8, (("gross_margin", ">=", 40.0),), "毛利率 40% 以上", "gross margin 40% or more", "margin"),
    F("profitability.margin_ge_20", "profitability", 5, (("gross_margin", ">=", 20.0),), "毛利率 20–40%", "gross margin 20–40%", "margin"),
    F("profitability.margin_ge_10", "profitability", 2, (("gross_margin", ">=", 10.0),), "毛利率 10–20%", "gross margin 10–20%", "margin"),
    F("profitability.margin_low", "profitability", 0, (("gross_margin", "<", 10.0),), "毛利率低于 10%", "gross margin below 10%", "margin"),
    F("profitability.debt_lt_30", "profitability", 12, (("debt_ratio", "<", 30.0),), "资产负债率低于 30%", "debt ratio below 30%", "debt"),
    F("profitability.debt_lt_50", "profitability", 8, (("debt_ratio", "<", 50.0),), "资产负债率 30–50%", "debt ratio 30–50%", "debt"),
    F("profitability.debt_lt_70", "profitability", 4, (("debt_ratio", "<", 70.0),), "资产负债率 50–70%", "debt ratio 50–70%", "debt"),
    F("profitability.debt_high", "profitability", 0, (("debt_ratio", ">=", 70.0),), "资产负债率 70% 以上", "debt ratio 70% or more", "debt"),
    # --- growth (30): revenue YoY 8 + profit YoY 12 + revenue CAGR 4 + profit CAGR 6
    F("growth.revenue_gt_30", "growth", 8, (("revenue_yoy", ">", 30.0),), "营业收入同比 30% 以上", "revenue YoY above 30%", "revenue"),
    F("growth.revenue_gt_15", "growth", 6, (("revenue_yoy", ">", 15.0),), "营业收入同比 15–30%", "revenue YoY 15–30%", "revenue"),
    F("growth.revenue_gt_5", "growth", 4, (("revenue_yoy", ">", 5.0),), "营业收入同比 5–15%", "revenue YoY 5–15%", "revenue"),
    F("growth.revenue_gt_0", "growth", 2, (("revenue_yoy", ">", 0.0),), "营业收入同比 0–5%", "revenue YoY 0–5%", "revenue"),
    F("growth.revenue_down", "growth", 0, (("revenue_yoy", "<=", 0.0),), "营业收入同比下降", "revenue down year on year", "revenue"),
    F("growth.profit_gt_30", "growth", 12, (("profit_yoy", ">", 30.0),), "净利润同比 30% 以上", "profit YoY above 30%", "profit"),
    F("growth.profit_gt_15", "growth", 9, (("profit_yoy", ">", 15.0),), "净利润同比 15–30%", "profit YoY 15–30%", "profit"),
    F("growth.profit_gt_5", "growth", 6, (("profit_yoy", ">", 5.0),), "净利润同比 5–15%", "profit YoY 5–15%", "profit"),
    F("growth.profit_gt_0", "growth", 3, (("profit_yoy", ">", 0.0),), "净利润同比 0–5%", "profit YoY 0–5%", "profit"),
    F("growth.profit_down", "growth", 0, (("profit_yoy", "<=", 0.0),), "净利润同比下降", "profit down year on year", "profit"),
    F("growth.revenue_cagr_gt_20", "growth", 4, (("revenue_cagr", ">", 20.0),), "营业收入多年复合增长 20% 以上", "revenue CAGR above 20%", "revenue_cagr"),
    F("growth.revenue_cagr_gt_10", "growth", 3, (("revenue_cagr", ">", 10.0),), "营业收入多年复合增长 10–20%", "revenue CAGR 10–20%", "revenue_cagr"),
    F("growth.revenue_cagr_gt_0", "growth", 1, (("revenue_cagr", ">", 0.0),), "营业收入多年复合增长 0–10%", "revenue CAGR 0–10%", "revenue_cagr"),
    F("growth.revenue_cagr_down", "growth", 0, (("revenue_cagr", "<=", 0.0),), "营业收入多年下降", "revenue down over the years", "revenue_cagr"),
    F("growth.profit_cagr_gt_20", "growth", 6, (("profit_cagr", ">", 20.0),), "净利润多年复合增长 20% 以上", "profit CAGR above 20%", "profit_cagr"),
    F("growth.profit_cagr_gt_10", "growth", 4, (("profit_cagr", ">", 10.0),), "净利润多年复合增长 10–20%", "profit CAGR 10–20%", "profit_cagr"),
    F("growth.profit_cagr_gt_0", "growth", 2, (("profit_cagr", ">", 0.0),), "净利润多年复合增长 0–10%", "profit CAGR 0–10%", "profit_cagr"),
    F("growth.profit_cagr_down", "growth", 0, (("profit_cagr", "<=", 0.0),), "净利润多年下降", "profit down over the years", "profit_cagr"),
)

#: The value each group reads.
GROUP_INPUT = {"pe": "pe", "pb": "pb", "roe": "roe_annual", "margin": "gross_margin", "debt": "debt_ratio",
               "revenue": "revenue_yoy", "profit": "profit_yoy", "revenue_cagr": "revenue_cagr",
               "profit_cagr": "profit_cagr"}
#: Groups whose missing value gets its own "not scored" line with the reason (``cagr_reasons``).
EXPLAINED_GROUPS = ("revenue_cagr", "profit_cagr")
GROUP_MAX = {g: max(r.points for r in RULES if r.group == g) for g in GROUP_INPUT}
#: Values without which a stock is not scored (growth: at least one of the two).
REQUIRED = ("pe", "roe_annual")
GROWTH = ("revenue_yoy", "profit_yoy")
INPUTS = tuple(GROUP_INPUT.values())
assert sum(GROUP_MAX.values()) == sum(d[0] for d in DIMENSIONS.values()) == 100.0


def _names(keys: list[str]) -> dict:
    return {lang: "、".join(pick(VALUE_NAMES.get(k), lang, k) for k in keys) if lang == "zh"
            else ", ".join(pick(VALUE_NAMES.get(k), lang, k) for k in keys) for lang in ("zh", "en")}


@dataclass
class FundamentalScore:
    symbols: np.ndarray
    total: np.ndarray                      # NaN where not scored
    raw: np.ndarray                        # points before scaling
    possible: np.ndarray                   # points the available values could give (≤ 100)
    dims: dict[str, np.ndarray]            # raw points per dimension
    values: dict[str, np.ndarray]
    rule_points: dict[str, np.ndarray]
    valid: np.ndarray
    invalid_reason: list[Reason | None]
    cagr_reasons: list[Reason | None] = field(default_factory=list)   # why a CAGR is missing, per row
    _applied: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.symbols)

    def missing(self, i: int) -> list[str]:
        """The optional values row ``i`` lacks (their groups were left out of the possible points)."""
        return [k for k in INPUTS if not math.isfinite(float(self.values[k][i]))]

    def _not_scored(self, i: int, group: str) -> RuleTrace:
        """One line for a group without its value: "not scored: <why>" (0 of 0 points)."""
        why = self.cagr_reasons[i] if i < len(self.cagr_reasons) else None
        name = VALUE_NAMES.get(GROUP_INPUT[group], (group, group))
        zh, en = REASONS["fscore_rule_not_scored"]
        texts = {lang: (why.text(lang) if why is not None else pick(REASONS["cagr_no_annual"], lang))
                 for lang in ("zh", "en")}
        return RuleTrace(f"growth.{group}_not_scored", "growth", f"{name[0]}：" + zh.format(reason=texts["zh"]),
                         f"{name[1]}: " + en.format(reason=texts["en"]), {}, 0.0, 0.0, False)

    def trace(self, i: int) -> list[RuleTrace]:
        """Every rule with its points, then ``fscore.scale`` when values were missing:
        ``sum(t.points_given) == total[i]``. Empty for a row that is not scored."""
        if not self.valid[i]:
            return []
        out = []
        explained: list[str] = []
        for rule in RULES:
            key = GROUP_INPUT[rule.group]
            v = float(self.values[key][i])
            if rule.group in EXPLAINED_GROUPS and not math.isfinite(v):
                if rule.group not in explained:
                    explained.append(rule.group)
                    out.append(self._not_scored(i, rule.group))
                continue
            out.append(RuleTrace(rule.id, rule.dimension, rule.desc_zh, rule.desc_en,
                                 {key: v if math.isfinite(v) else None}, float(rule.points),
                                 float(self.rule_points[rule.id][i]), bool(self._applied[rule.id][i])))
        possible = float(self.possible[i])
        if possible < 100.0:
            names = _names(self.missing(i))
            zh, en = REASONS["fscore_scaled"]
            out.append(RuleTrace("fscore.scale", "scale", zh.format(fields=names["zh"], possible=f"{possible:g}"),
                                 en.format(fields=names["en"], possible=f"{possible:g}"),
                                 {"raw": float(self.raw[i])}, 0.0, float(self.total[i] - self.raw[i]), True))
        return out


def score_fundamentals(values: dict[str, np.ndarray], symbols=None,
                       cagr_reasons: list[Reason | None] | None = None) -> FundamentalScore:
    """Score every row of ``values`` (arrays of one length, NaN where unknown; see the module);
    ``cagr_reasons``: per row, why a multi-year growth value is missing (``fundamental_growth``)."""
    vals = {k: np.asarray(values.get(k, np.nan), dtype=float) for k in INPUTS}
    n = max((v.size for v in vals.values()), default=0)
    vals = {k: np.broadcast_to(v, (n,)).astype(float) for k, v in vals.items()}
    known = {k: np.isfinite(v) for k, v in vals.items()}
    valid = known["pe"] & known["roe_annual"] & (known["revenue_yoy"] | known["profit_yoy"])
    reasons: list[Reason | None] = []
    for i in range(n):
        if valid[i]:
            reasons.append(None)
            continue
        lack = [k for k in REQUIRED if not known[k][i]]
        if not (known["revenue_yoy"][i] or known["profit_yoy"][i]):
            lack += list(GROWTH)
        reasons.append(R("fscore_missing", fields=_names(lack)))
    taken: dict[str, np.ndarray] = {}
    rule_points, applied = {}, {}
    dims = {d: np.zeros(n) for d in DIMENSIONS}
    for rule in RULES:
        ok = np.ones(n, dtype=bool)
        for key, op, ref in rule.when:
            ok &= cmp.OPS[op](vals[key], vals[ref] if isinstance(ref, str) else ref)
        prior = taken.setdefault(rule.group, np.zeros(n, dtype=bool))
        ok &= ~prior & valid
        taken[rule.group] = prior | ok
        applied[rule.id] = ok
        pts = np.where(ok, float(rule.points), 0.0)
        dims[rule.dimension] += pts
        rule_points[rule.id] = np.where(valid, pts, np.nan)
    raw = sum(dims.values())
    possible = 100.0 - sum(np.where(known[GROUP_INPUT[g]], 0.0, m) for g, m in GROUP_MAX.items())
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(valid, raw * 100.0 / possible, np.nan)
    dims = {d: np.where(valid, v, np.nan) for d, v in dims.items()}
    syms = np.asarray(symbols if symbols is not None else np.arange(n).astype(str), dtype=object)
    return FundamentalScore(syms, total, np.where(valid, raw, np.nan), np.asarray(possible, dtype=float) * np.ones(n),
                            dims, vals, rule_points, valid, reasons, list(cagr_reasons or []), applied)


def annualised_roe(roe, report_dates) -> np.ndarray:
    """A cumulative report's ROE (percent) over a year: × 12 / months covered."""
    months = np.array([getattr(d, "month", np.nan) if d is not None else np.nan for d in report_dates], dtype=float)
    with np.errstate(invalid="ignore"):
        return np.asarray(roe, dtype=float) * 12.0 / months
