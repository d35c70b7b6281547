"""Scans with fundamental prefilters, the fundamental score and fundamental formula variables on
the demo market, against an independent pandas computation from the source's own tables; a
plain technical scan reads no fundamentals; the CLI flags and ``stockscan-cli fundamentals``."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from desktop_app.cli import main
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.fundamental_score import score_fundamentals
from desktop_app.core.hits import FUNDAMENTAL_COLUMNS, HIT_COLUMNS, export_columns
from desktop_app.core.scan import ScanRequest, run_scan

N = 600
BASE = dict(min_score=0, exclude_st=False, exclude_suspended=False, min_listed_days=0)


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("fund") / "bars.sqlite")
    yield src, store
    store.close()


def _table(src) -> pd.DataFrame:
    """Each stock's snapshot valuation and newest report, straight from the source (pandas)."""
    spot = src.spot().set_index("symbol")
    reports = pd.concat([src.fundamentals(p) for p in src.report_periods()])
    latest = reports.sort_values("report_date").groupby("symbol").tail(1).set_index("symbol")
    return spot[["pe", "pb", "market_cap", "float_cap"]].join(latest, how="left")


def _cagr(src) -> dict[str, pd.Series]:
    """Each stock's multi-year growth of its annual reports (3 years back, else 2), written out."""
    reps = pd.concat([src.fundamentals(p) for p in src.report_periods()])
    annual = reps[[d.month == 12 and d.day == 31 for d in reps["report_date"]]]
    out: dict[str, dict] = {"revenue_cagr": {}, "profit_cagr": {}}
    for sym, g in annual.groupby("symbol"):
        by = {d.year: r for d, r in zip(g["report_date"], g.to_dict("records"))}
        y = max(by)
        n = 3 if y - 3 in by else 2 if y - 2 in by else None
        for key, col in (("revenue_cagr", "revenue"), ("profit_cagr", "profit")):
            if n is None:
                continue
            end, start = by[y][col], by[y - n][col]
            out[key][sym] = (end / start) ** (1 / n) * 100 - 100 if end > 0 and start > 0 else np.nan
    return {k: pd.Series(v, dtype=float) for k, v in out.items()}


def _scored(out) -> set[str]:
    return {h["symbol"] for h in out.hits}


def _passed_exactly(out, want: set[str]) -> None:
    """With min_score 0 and no other prefilter, the stocks past the prefilters are the hits, the
    failures and the new listings too short to score: together exactly ``want``."""
    assert out.accounted == out.universe_size == N
    assert _scored(out) | {s for s, _ in out.failed} <= want
    assert len(out.hits) + len(out.failed) + out.excluded.get("history_short", 0) == len(want)


def test_pe_pb_prefilters_equal_pandas(market):
    src, store = market
    t = _table(src)
    out = run_scan(ScanRequest(pe_min=5, pe_max=30, pb_max=3, **BASE), src, store)
    want = set(t.index[(t.pe > 0) & (t.pe >= 5) & (t.pe <= 30) & (t.pb > 0) & (t.pb <= 3)])
    _passed_exactly(out, want)
    assert out.excluded["pe"] + out.excluded.get("pb", 0) == N - len(want)
    h = out.hits[0]
    assert list(h)[:len(HIT_COLUMNS)] == HIT_COLUMNS and all(k in h for k in FUNDAMENTAL_COLUMNS)
    assert h["pe"] == t.loc[h["symbol"], "pe"] and h["roe"] == t.loc[h["symbol"], "roe"]
    assert h["report_date"] == t.loc[h["symbol"], "report_date"].isoformat()


def test_report_prefilters_and_fscore_equal_pandas(market):
    src, store = market
    t = _table(src)
    out = run_scan(ScanRequest(roe_min=4, profit_yoy_min=0, min_fscore=50, **BASE), src, store)
    vals = {"pe": t.pe.to_numpy(float), "pb": t.pb.to_numpy(float),
            "roe_annual": (t.roe * 12 / [getattr(d, "month", np.nan) for d in t.report_date]).to_numpy(float),
            **{k: t[k].to_numpy(float) for k in ("gross_margin", "debt_ratio", "revenue_yoy", "profit_yoy")},
            **{k: v.reindex(t.index).to_numpy(float) for k, v in _cagr(src).items()}}
    fscore = pd.Series(score_fundamentals(vals).total, index=t.index)
    want = set(t.index[(t.roe >= 4) & (t.profit_yoy >= 0) & (fscore >= 50)])
    _passed_exactly(out, want)
    assert all(abs(h["fscore"] - fscore[h["symbol"]]) < 1e-9 for h in out.hits)
    # stocks without a report (listed after the newest period) are counted with their reason
    no_report = int(t.roe.isna().sum())
    assert no_report > 0 and out.excluded["no_fundamentals"] >= no_report


def test_formula_variables_equal_pandas(market):
    src, store = market
    t = _table(src)
    out = run_scan(ScanRequest(formula="XG: ROE>3 AND PE<30 AND PE>0 AND ZSZ>20 AND NPYOY>-10;", **BASE), src, store)
    want = set(t.index[(t.roe > 3) & (t.pe < 30) & (t.pe > 0) & (t.market_cap / 1e8 > 20) & (t.profit_yoy > -10)])
    # the formula is not a prefilter: stocks outside it are "not matching"
    assert _scored(out) | {s for s, _ in out.failed} <= want or _scored(out) <= want
    assert len(out.hits) + out.not_matching + len(out.failed) + out.excluded.get("history_short", 0) == N
    assert _scored(out) == want - {s for s, _ in out.failed} - _short(src, store) and out.hits


def _short(src, store) -> set[str]:
    """Stocks too new to score (history_short), from a scan with no condition at all."""
    out = run_scan(ScanRequest(**BASE), src, store)
    return set(src.universe()["symbol"]) - _scored(out) - {s for s, _ in out.failed}


def test_formula_variables_are_constants_with_the_technical_condition(market):
    src, store = market
    both = run_scan(ScanRequest(formula="ROE>3 AND PE<30 AND PE>0 AND CROSS(MA(C,5),MA(C,10))", **BASE), src, store)
    tech = run_scan(ScanRequest(formula="CROSS(MA(C,5),MA(C,10))", **BASE), src, store)
    t = _table(src)
    ok = set(t.index[(t.roe > 3) & (t.pe < 30) & (t.pe > 0)])
    assert _scored(both) == _scored(tech) & ok


def test_a_plain_scan_reads_no_fundamentals(tmp_path, monkeypatch):
    src = DemoSource(n_stocks=150)
    calls = []
    monkeypatch.setattr(src, "fundamentals", lambda p: calls.append(p))
    monkeypatch.setattr(src, "spot", lambda: calls.append("spot"))
    with BarStore(tmp_path / "b.sqlite") as store:
        out = run_scan(ScanRequest(**BASE), src, store)
    assert calls == [] and out.hits and all(list(h) == HIT_COLUMNS for h in out.hits)
    assert export_columns(out.hits)[-1] not in FUNDAMENTAL_COLUMNS


def test_bad_bounds_are_reasons():
    probs = ScanRequest(pe_min=30, pe_max=10, pb_min=-1, min_fscore=120, roe_min=float("nan")).validate()
    assert {p.code for p in probs} == {"fund_bounds_inverted", "fund_bounds_negative", "min_fscore_range",
                                       "fund_not_finite"}
    assert all(p.text("zh") and p.text("en") for p in probs)


def test_cli_scan_flags(capsys):
    rc = main(["scan", "--demo-stocks", "300", "--pe-max", "30", "--roe-min", "3", "--min-fscore", "40",
               "--no-history", "--json", "--min-score", "0", "--quiet"])
    assert rc == 0
    body = json.loads(capsys.readouterr().out)
    assert body["request"]["pe_max"] == 30 and body["request"]["min_fscore"] == 40
    assert body["hits"] and all(0 < h["pe"] <= 30 and h["roe"] >= 3 and h["fscore"] >= 40 for h in body["hits"])
    assert main(["scan", "--pe-min", "9", "--pe-max", "3", "--no-history"]) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_fundamentals(capsys, lang):
    src = DemoSource()
    code = src.universe()["symbol"].iloc[10]
    assert main(["fundamentals", code, "--lang", lang]) == 0
    text = capsys.readouterr().out
    rep = src.financial_indicators(code).iloc[0]
    assert str(rep.report_date) in text and f"{rep.eps:.3f}" in text
    assert ("基本面得分" if lang == "zh" else "fundamental score") in text
    assert main(["fundamentals", code, "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["reports"][0]["report_date"] == str(rep.report_date)
    if body["scored"]:
        assert sum(t["points_given"] for t in body["trace"]) == pytest.approx(body["fscore"])
    assert main(["fundamentals", "12345"]) == 2
