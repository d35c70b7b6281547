"""The fundamental score against hand-computed cases; the trace adds up to the total; missing
data is never 0 points."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from desktop_app.core.fundamental_score import RULES, annualised_roe, score_fundamentals

NAN = np.nan


def _one(**v):
    return score_fundamentals({k: np.array([x], dtype=float) for k, x in v.items()}, ["X"])


def test_every_value_known():
    # PE 12 → 20, PB 1.2 → 10, ROE 22 → 20, margin 45 → 8, debt 25 → 12, revenue +10 → 4, profit +40 → 12,
    # revenue CAGR 12 → 3, profit CAGR 25 → 6
    s = _one(pe=12, pb=1.2, roe_annual=22, gross_margin=45, debt_ratio=25, revenue_yoy=10, profit_yoy=40,
             revenue_cagr=12, profit_cagr=25)
    assert s.total[0] == 95 and s.possible[0] == 100
    assert {t.rule_id for t in s.trace(0) if t.points_given} == {
        "valuation.pe_lt_15", "valuation.pb_low", "profitability.roe_gt_20", "profitability.margin_ge_40",
        "profitability.debt_lt_30", "growth.revenue_gt_5", "growth.profit_gt_30", "growth.revenue_cagr_gt_10",
        "growth.profit_cagr_gt_20"}
    assert sum(t.points_given for t in s.trace(0)) == s.total[0]


def test_missing_optional_values_scale_the_rest():
    # debt ratio unknown (12 points out): raw 20+10+20+8+4+12+3+6 = 83 of 88 → 94.3…
    s = _one(pe=12, pb=1.2, roe_annual=22, gross_margin=45, debt_ratio=NAN, revenue_yoy=10, profit_yoy=40,
             revenue_cagr=12, profit_cagr=25)
    assert s.raw[0] == 83 and s.possible[0] == 88 and s.total[0] == pytest.approx(83 * 100 / 88)
    tr = s.trace(0)
    assert tr[-1].rule_id == "fscore.scale" and "资产负债率" in tr[-1].desc_zh
    assert sum(t.points_given for t in tr) == pytest.approx(s.total[0])
    # PE 40 → 8, PB 6 → 1, ROE 8 → 6, margin ?, debt 75 → 0, revenue −3 → 0, profit ?, both CAGRs ?:
    # 15 of 100 − 8 − 12 − 4 − 6 = 70
    s = _one(pe=40, pb=6, roe_annual=8, gross_margin=NAN, debt_ratio=75, revenue_yoy=-3, profit_yoy=NAN)
    assert s.possible[0] == 70 and s.total[0] == pytest.approx(15 * 100 / 70)


def test_missing_required_values_are_not_scored_never_zero():
    s = score_fundamentals({"pe": np.array([NAN, 10, 10]), "roe_annual": np.array([10, NAN, 10]),
                            "revenue_yoy": np.array([5, 5, NAN]), "profit_yoy": np.array([5, 5, NAN])})
    assert not s.valid.any() and np.isnan(s.total).all()
    assert [r.code for r in s.invalid_reason] == ["fscore_missing"] * 3
    assert "市盈率" in s.invalid_reason[0].text("zh") and "ROE" in s.invalid_reason[1].text("en")
    assert "profit YoY" in s.invalid_reason[2].text("en") and s.trace(0) == []


def test_losses_and_tier_edges():
    s = _one(pe=-8, pb=-0.5, roe_annual=-3, gross_margin=5, debt_ratio=90, revenue_yoy=-1, profit_yoy=-50)
    assert s.valid[0] and s.total[0] == 0           # scored: a bad company, not missing data
    assert {t.rule_id for t in s.trace(0) if t.met} >= {"valuation.pe_loss", "valuation.pb_negative"}
    # ties at a tier edge go to the tier the rule names: PE exactly 15 is "15–25"; ROE exactly 20 is "15–20"
    s = _one(pe=15, pb=3, roe_annual=20, gross_margin=40, debt_ratio=30, revenue_yoy=30, profit_yoy=0,
             revenue_cagr=20, profit_cagr=10)
    assert s.total[0] == 16 + 7 + 16 + 8 + 8 + 6 + 0 + 3 + 2


def test_rules_table_is_tiered_and_sums_to_100():
    groups = {r.group for r in RULES}
    assert all(r.group for r in RULES) and len(groups) == 9
    best = {g: max(r.points for r in RULES if r.group == g) for g in groups}
    assert sum(best.values()) == 100


def test_roe_is_annualised_by_the_months_a_report_covers():
    got = annualised_roe([5.0, 9.0, 12.0, 20.0],
                         [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31)])
    assert list(got) == [20.0, 18.0, 16.0, 20.0]
