"""Issue 15: the fundamental score's multi-year growth (CAGR of revenue and net profit from the
annual reports, 3 years back else 2) against hand computations; a missing CAGR is "not scored"
with its reason (never 0 points) and the trace still sums to the total; the store's annual
history as of a day; the per-stock path (F10, `fundamentals`) on akshare's payload."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.fundamental_growth import annual_rows, cagr, growth_values
from desktop_app.core.fundamental_score import score_fundamentals


def _annual(rows):
    return pd.DataFrame(rows, columns=["symbol", "year", "revenue", "profit"])


def test_cagr_by_hand():
    assert float(cagr(133.1, 100.0, 3)) == pytest.approx(10.0)          # 1.1³ = 1.331
    assert float(cagr(86.4, 50.0, 3)) == pytest.approx(20.0)            # 1.2³ = 1.728
    assert float(cagr(121.0, 100.0, 2)) == pytest.approx(10.0)
    assert float(cagr(64.0, 125.0, 3)) == pytest.approx(-20.0)          # 0.8³ = 0.512
    assert math.isnan(float(cagr(10.0, -5.0, 3))) and math.isnan(float(cagr(-1.0, 5.0, 2)))
    assert math.isnan(float(cagr(0.0, 5.0, 2)))


def test_growth_values_three_years_else_two_else_not_scored_with_reasons():
    a = _annual([
        ("A", 2021, 100.0, 50.0), ("A", 2022, 110.0, 60.0), ("A", 2023, 120.0, 70.0), ("A", 2024, 133.1, 86.4),
        ("B", 2022, 100.0, 10.0), ("B", 2023, 105.0, 11.0), ("B", 2024, 121.0, 12.1),      # no 2021: 2 years
        ("C", 2021, 100.0, -5.0), ("C", 2024, 172.8, 10.0),                                # a loss in 2021
        ("D", 2023, 100.0, 10.0), ("D", 2024, 110.0, 11.0),                                # one year only
    ])
    v, years, why = growth_values(a, ["A", "B", "C", "D", "E"])
    assert v["revenue_cagr"][0] == pytest.approx(10.0) and v["profit_cagr"][0] == pytest.approx(20.0)
    assert years[0] == 3 and why[0] is None
    assert v["revenue_cagr"][1] == pytest.approx(10.0) and v["profit_cagr"][1] == pytest.approx(10.0)
    assert years[1] == 2 and why[1] is None
    assert v["revenue_cagr"][2] == pytest.approx(20.0) and math.isnan(v["profit_cagr"][2])
    assert why[2].code == "cagr_not_positive" and "净利润 2021–2024" in why[2].text("zh")
    assert np.isnan([v["revenue_cagr"][3], v["profit_cagr"][3]]).all()
    assert why[3].code == "cagr_short_history" and "2024" in why[3].text("en") and "2022" in why[3].text("en")
    assert why[4].code == "cagr_no_annual" and math.isnan(years[4])


def test_missing_cagr_is_not_scored_with_its_reason_and_the_trace_sums_to_the_total():
    a = _annual([("A", 2021, 100.0, 50.0), ("A", 2024, 133.1, 86.4),
                 ("C", 2021, 100.0, -5.0), ("C", 2024, 172.8, 10.0)])
    g, _years, why = growth_values(a, ["A", "C"])
    base = dict(pe=[12, 12], pb=[1.2, 1.2], roe_annual=[22, 22], gross_margin=[45, 45], debt_ratio=[25, 25],
                revenue_yoy=[10, 10], profit_yoy=[40, 40])
    s = score_fundamentals({**{k: np.array(x, dtype=float) for k, x in base.items()}, **g}, ["A", "C"], why)
    # A: 20 + 10 + 20 + 8 + 12 + 4 + 12, revenue CAGR 10 → ">0" 1, profit CAGR 20 → ">10" 4 (20 is not > 20)
    assert s.total[0] == 20 + 10 + 20 + 8 + 12 + 4 + 12 + 1 + 4 and s.possible[0] == 100
    assert sum(t.points_given for t in s.trace(0)) == s.total[0]
    # C: revenue CAGR 20 → 3; profit CAGR not scored: 89 of 94 possible
    raw = 20 + 10 + 20 + 8 + 12 + 4 + 12 + 3
    assert s.raw[1] == raw and s.possible[1] == 94 and s.total[1] == pytest.approx(raw * 100 / 94)
    tr = s.trace(1)
    line = next(t for t in tr if t.rule_id == "growth.profit_cagr_not_scored")
    assert line.points_given == 0 and not line.met and line.values == {}      # no "None" shown
    assert line.desc_zh.startswith("净利润复合增长：未评分：") and "2021–2024" in line.desc_zh
    assert not any(t.rule_id.startswith("growth.profit_cagr_gt") for t in tr)
    assert tr[-1].rule_id == "fscore.scale" and "净利润复合增长" in tr[-1].desc_zh
    assert sum(t.points_given for t in tr) == pytest.approx(s.total[1])


def test_the_store_gives_the_annual_history_public_on_a_day(tmp_path):
    from desktop_app.core.data.fundamental_store import FundamentalStore
    from desktop_app.core.data.store import BarStore

    fs = FundamentalStore(BarStore(tmp_path / "b.sqlite"))
    rows = pd.DataFrame({"symbol": ["A", "A", "A"], "notice_date": [dt.date(2024, 3, 30), dt.date(2025, 3, 30),
                                                                      dt.date(2025, 4, 29)],
                         "report_date": [dt.date(2023, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 3, 31)],
                         "revenue": [100.0, 120.0, 30.0], "profit": [10.0, 12.0, 3.0]})
    fs.write_reports(rows)
    got = fs.annual_history(dt.date(2025, 1, 10))
    assert got.to_dict("records") == [{"symbol": "A", "year": 2023, "revenue": 100.0, "profit": 10.0}]
    assert sorted(fs.annual_history()["year"]) == [2023, 2024]            # the Q1 report is not annual


def test_demo_scan_scores_the_multi_year_growth_of_the_demo_annual_reports():
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.stock_fundamentals import load_stock_fundamentals

    src = DemoSource(n_stocks=80)
    sym = str(src.universe()["symbol"].iloc[3])
    reps = src.financial_indicators(sym)
    ann = annual_rows(reps).set_index("year")
    y = int(ann.index.max())
    want = (ann.loc[y, "revenue"] / ann.loc[y - 3, "revenue"]) ** (1 / 3) * 100 - 100
    f = load_stock_fundamentals(src, sym)
    assert f.score.values["revenue_cagr"][0] == pytest.approx(want)
    assert sum(t.points_given for t in f.score.trace(0)) == pytest.approx(f.score.total[0])
