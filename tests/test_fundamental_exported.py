"""Issue 15's "Done when": scans with fundamental prefilters, and formulas using fundamental
variables, give the same hits as filtering the exported table (the CSV a user opens in Excel)
by hand, on the demo market; every stock without fundamentals is counted with its reason."""
from __future__ import annotations

import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.hits import write_hits
from desktop_app.core.scan import ScanRequest, run_scan

N = 500
BASE = dict(min_score=0, exclude_st=False, exclude_suspended=False, min_listed_days=0)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """Every scored stock's exported row (a scan that reads fundamentals, no bound), as text."""
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("exp") / "bars.sqlite")
    everything = run_scan(ScanRequest(sort="combo", **BASE), src, store)     # the sort reads fundamentals
    path = write_hits(tmp_path_factory.mktemp("csv") / "all.csv", everything.hits, "zh")
    t = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    t.index = t["代码"].str.extract(r"(\d{6})")[0]
    yield src, store, t, everything
    store.close()


def _num(t: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(t[col].str.rstrip("%"), errors="coerce")


def test_the_export_carries_the_fundamental_columns(table):
    _src, _store, t, _ = table
    for col in ("市盈率(动态)", "市净率", "总市值", "流通市值", "ROE", "净利润同比", "报告期", "基本面得分", "综合分",
                "60日涨跌幅", "年初至今"):
        assert col in t.columns, col


def test_prefilters_equal_the_exported_table_filtered_by_hand(table):
    src, store, t, _ = table
    pe, pb, roe, fscore, yoy = (_num(t, c) for c in ("市盈率(动态)", "市净率", "ROE", "基本面得分", "净利润同比"))
    fcap = _num(t, "流通市值")
    # bounds off the files' rounding (2 decimals; caps whole yuan)
    out = run_scan(ScanRequest(pe_min=5.005, pe_max=35.005, pb_max=4.005, roe_min=3.005, **BASE), src, store)
    want = set(t.index[(pe > 0) & (pe >= 5.005) & (pe <= 35.005) & (pb > 0) & (pb <= 4.005) & (roe >= 3.005)])
    assert {h["symbol"] for h in out.hits} == want
    out = run_scan(ScanRequest(min_fscore=60.05, profit_yoy_min=10.005, float_cap_max=5e9 + 0.5, **BASE), src, store)
    want = set(t.index[(fscore >= 60.05) & (yoy >= 10.005) & (fcap <= 5e9 + 0.5)])
    assert {h["symbol"] for h in out.hits} == want
    # stocks without the data a bound needs are counted, with their reason
    assert out.excluded.get("no_fundamentals", 0) > 0 and out.accounted == out.universe_size == N


def test_formula_variables_equal_the_exported_table_filtered_by_hand(table):
    src, store, t, _ = table
    pe, roe = _num(t, "市盈率(动态)"), _num(t, "ROE")
    out = run_scan(ScanRequest(formula="ROE>8.005 AND PE<25.005", **BASE), src, store)
    want = set(t.index[(roe > 8.005) & (pe < 25.005)])
    assert {h["symbol"] for h in out.hits} == want
