"""Issue 16: a validation applies the screen's fundamental bounds (PE/PB/float cap/ROE/growth, the
fundamental score) and its 60日涨跌幅/年初至今 bounds on every day without look-ahead — a hand-made
market against a hand computation, truncation after D never changes D's cells, the store's as-of
query and the scan's own returns agree cell by cell, and the CLI takes the scan's flags."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.cli import main
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.fundamental_store import FundamentalStore
from desktop_app.core.data.store import BarStore
from desktop_app.core.panel import Panel
from desktop_app.core.scan import ScanRequest
from desktop_app.core.scan_returns import period_returns
from desktop_app.core.validation import Period, validate
from desktop_app.core import validation_fundamentals as vf


def _day(s: str) -> int:
    return int(np.datetime64(s, "D").astype(np.int64))


# ---------------------------------------------------------------------------------- hand-made market
def _hand_market():
    dates = pd.bdate_range("2024-10-01", "2025-03-31")
    t = len(dates)
    k = np.arange(t, dtype=float)
    close = np.vstack([10.0 + 0.1 * k, np.full(t, 20.0), 5.0 + 0.05 * k, 30.0 - 0.1 * k])
    close[1, 70:75] = np.nan                                   # B suspended: its last close counts
    panel = Panel(np.array(["A", "B", "C", "D"], dtype=object), dates, {"close": close})
    rows = [  # symbol, period, public on, eps, bvps, roe, profit_yoy
        ("A", "2024-06-30", "2024-08-20", 0.2, 4.0, 6.0, 10.0),
        ("A", "2024-09-30", "2024-10-26", 0.3, 4.2, 8.0, 12.0),       # a Saturday: from Monday on
        ("A", "2024-12-31", "2025-03-20", 0.5, 4.5, 10.0, 15.0),
        ("B", "2024-09-30", "2024-11-15", -0.1, 3.0, -2.0, -50.0),    # a loss: fails any PE bound
        ("D", "2024-06-30", "2024-08-30", 0.4, 10.0, 4.0, 5.0),
        ("D", "2024-09-30", "2025-01-10", 0.9, 11.0, 7.0, 8.0),
    ]
    rep = pd.DataFrame(rows, columns=["symbol", "period", "public", "eps", "bvps", "roe", "profit_yoy"])
    reports = pd.DataFrame({"symbol": rep["symbol"], "report_day": rep["period"].map(_day),
                            "available_day": rep["public"].map(_day), "eps": rep["eps"], "bvps": rep["bvps"],
                            "roe": rep["roe"], "profit_yoy": rep["profit_yoy"]})
    for c in ("revenue_yoy", "gross_margin", "debt_ratio", "revenue", "profit"):
        reports[c] = np.nan
    return panel, rep, reports


def _by_hand(panel, rep, request) -> tuple[np.ndarray, dict]:
    """Every cell's reason, one cell at a time, from the definitions."""
    n, t = panel.shape
    keep = np.ones((n, t), dtype=bool)
    counts: dict[str, int] = {}
    for i, sym in enumerate(panel.symbols):
        for c, day in enumerate(panel.dates):
            known = panel.close[i, :c + 1][np.isfinite(panel.close[i, :c + 1])]
            close = known[-1]
            mine = rep[(rep["symbol"] == sym) & (pd.to_datetime(rep["public"]) <= day)]
            why = None
            if len(mine):
                r = mine.sort_values("period").iloc[-1]
                months = pd.Timestamp(r["period"]).month
                pe = close / (r["eps"] * 12 / months)
                if pe <= 0 or pe > request.pe_max:
                    why = "pe"
                elif r["roe"] < request.roe_min:
                    why = "roe"
            else:
                why = "no_fundamentals"
            if why is None:
                if c < 60:
                    why = "returns_unknown"
                else:
                    base = panel.close[i, :c - 60 + 1]
                    chg60 = (close / base[np.isfinite(base)][-1] - 1) * 100
                    if chg60 < request.chg60_min:
                        why = "chg60"
            if why is not None:
                keep[i, c] = False
                counts[why] = counts.get(why, 0) + 1
    return keep, counts


def test_a_fundamental_bounded_screen_equals_the_hand_computation():
    panel, rep, reports = _hand_market()
    request = ScanRequest(pe_max=50.0, roe_min=7.0, chg60_min=0.0)
    fund = vf.DayFundamentals(panel, reports)
    n, t = panel.shape
    rows, cols = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
    keep, counts = vf.screen_cells(request, panel, rows, cols, fund)
    want_keep, want_counts = _by_hand(panel, rep, request)
    assert keep.reshape(n, t).tolist() == want_keep.tolist()
    assert counts == want_counts
    # the hand market exercises every path: kept cells, each reason
    assert want_keep[0, 60:].any() and set(want_counts) == {"no_fundamentals", "pe", "roe", "returns_unknown",
                                                           "chg60"}
    # A's Q3 report, public on a Saturday, counts from the Monday on
    a_q3 = fund.newest[0, list(panel.dates).index(pd.Timestamp("2024-10-28"))]
    assert fund.fields["eps"][a_q3] == 0.3
    assert fund.fields["eps"][fund.newest[0, list(panel.dates).index(pd.Timestamp("2024-10-25"))]] == 0.2


def test_without_reports_every_signal_lacks_fundamentals():
    panel, _rep, _reports = _hand_market()
    keep, counts = vf.screen_cells(ScanRequest(roe_min=1.0), panel, np.array([0, 1]), np.array([5, 6]), None)
    assert not keep.any() and counts == {"no_fundamentals": 2}
    keep, counts = vf.screen_cells(ScanRequest(), panel, np.array([0, 1]), np.array([5, 6]), None)
    assert keep.all() and counts == {}


# ---------------------------------------------------------------------------------- the demo market
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    src = DemoSource(n_stocks=150)
    store = BarStore(tmp_path_factory.mktemp("vf") / "bars.sqlite")
    yield src, store, src.panel()
    store.close()


SCREEN = dict(pe_max=40.0, pb_max=6.0, roe_min=2.0, min_fscore=45.0, chg60_max=25.0, ytd_min=-20.0)


def _cells_at(panel, c):
    n = panel.shape[0]
    return np.arange(n), np.full(n, c)


def test_truncating_after_d_never_changes_d(demo):
    src, store, panel = demo
    request = ScanRequest(**SCREEN)
    full = vf.load(request, src, store, panel)
    rng = np.random.default_rng(16)
    t = panel.shape[1]
    seen_kept = seen_out = 0
    for c in sorted(rng.choice(np.arange(300, t - 1), size=6, replace=False)):
        cut = Panel(panel.symbols, panel.dates[:c + 1], {k: v[:, :c + 1] for k, v in panel.fields.items()})
        part = vf.load(request, src, store, cut)          # reports public by D only, bars up to D only
        rows, cols = _cells_at(panel, c)
        k_full, n_full = vf.screen_cells(request, panel, rows, cols, full)
        k_cut, n_cut = vf.screen_cells(request, cut, rows, cols, part)
        assert k_full.tolist() == k_cut.tolist() and n_full == n_cut
        seen_kept += int(k_full.sum())
        seen_out += int((~k_full).sum())
    assert seen_kept > 0 and seen_out > 0


def test_each_days_report_is_the_stores_as_of_answer_and_returns_the_scans(demo):
    src, store, panel = demo
    request = ScanRequest(roe_min=0.0, chg60_min=-100.0)
    fund = vf.load(request, src, store, panel)
    fstore = FundamentalStore(store)
    filled = vf.close_on_or_before(panel.close)
    t = panel.shape[1]
    for c in (250, 400, 560, t - 1):
        day = panel.dates[c].date()
        asof = fstore.latest_as_of(day).reindex(panel.symbols.tolist())
        rows, cols = _cells_at(panel, c)
        v = fund.values(rows, cols, filled[rows, cols], fscore=False)
        for key in ("eps", "roe", "profit_yoy", "bvps"):
            np.testing.assert_array_equal(v[key], asof[key].to_numpy(dtype=float))
        months = np.array([d.month if isinstance(d, dt.date) else np.nan for d in asof["report_date"]])
        with np.errstate(invalid="ignore", divide="ignore"):
            pe = filled[:, c] / (asof["eps"].to_numpy(dtype=float) * 12 / months)
        np.testing.assert_allclose(v["pe"], np.where(np.isfinite(pe), pe, np.nan), equal_nan=True)
        scan = period_returns(Panel(panel.symbols, panel.dates[:c + 1], {"close": panel.close[:, :c + 1]}))
        got = vf.day_returns(filled, panel.dates, rows, cols)
        for key in ("chg60", "ytd"):
            np.testing.assert_allclose(got[key], scan[key], equal_nan=True)


def test_the_fundamental_score_on_d_uses_the_annual_reports_public_by_d(demo):
    from desktop_app.core.fundamental_growth import growth_values
    from desktop_app.core.fundamental_score import annualised_roe, score_fundamentals

    src, store, panel = demo
    request = ScanRequest(min_fscore=50.0)
    fund = vf.load(request, src, store, panel)
    fstore = FundamentalStore(store)
    filled = vf.close_on_or_before(panel.close)
    syms = panel.symbols.tolist()
    for c in (300, panel.shape[1] - 1):
        day = panel.dates[c].date()
        rows, cols = _cells_at(panel, c)
        v = fund.values(rows, cols, filled[rows, cols], fscore=True)
        asof = fstore.latest_as_of(day).reindex(syms)
        want = {k: asof[k].to_numpy(dtype=float) for k in ("revenue_yoy", "profit_yoy", "gross_margin", "debt_ratio")}
        want["roe_annual"] = annualised_roe(asof["roe"].to_numpy(dtype=float), list(asof["report_date"]))
        want["pe"], want["pb"] = v["pe"], v["pb"]           # checked against the as-of answer above
        want.update(growth_values(fstore.annual_history(day), syms)[0])
        expected = score_fundamentals(want).total
        np.testing.assert_allclose(v["fscore"], expected, equal_nan=True)
        assert np.isfinite(expected).sum() > 50


def test_validate_applies_the_bounds_and_counts_what_they_removed(demo):
    src, store, _panel = demo
    plain = validate(ScanRequest(min_score=55), Period(days=120), src, store)
    bounded = validate(ScanRequest(min_score=55, pe_max=25.0, chg60_min=0.0), Period(days=120), src, store)
    assert 0 < bounded.signals < plain.signals
    assert bounded.signals + sum(bounded.excluded.values()) == plain.signals
    assert set(bounded.excluded) <= {"no_fundamentals", "pe", "returns_unknown", "chg60"}
    assert any(b.code == "bias_fund_derived" for b in bounded.biases)
    assert bounded.to_dict()["excluded"] == bounded.excluded


def test_cli_validate_takes_the_scans_fundamental_flags(demo, capsys, tmp_path, monkeypatch):
    from desktop_app.commands import scan as scan_cmd, validate as validate_cmd
    import argparse

    def options(add):
        p = argparse.ArgumentParser()
        add(p)
        return {a.dest for a in p._actions}
    assert set(scan_cmd.FUND_OPTIONS) <= options(validate_cmd.add_arguments)
    assert set(scan_cmd.FUND_OPTIONS) <= options(scan_cmd.add_arguments)
    monkeypatch.setenv("STOCKSCAN_HOME", str(tmp_path))
    argv = ["validate", "--demo-stocks", "150", "--min-score", "55", "--days", "120", "--pe-max", "25",
            "--chg60-min", "0", "--roe-min", "-100", "--min-fscore", "0", "--quiet", "--json"]
    assert main(argv) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["request"]["pe_max"] == 25.0 and d["request"]["min_fscore"] == 0.0
    src, store, _panel = demo
    want = validate(ScanRequest(min_score=55, pe_max=25.0, chg60_min=0.0, roe_min=-100.0, min_fscore=0.0),
                    Period(days=120), src, store).to_dict()
    assert d["signals"] == want["signals"] and d["excluded"] == want["excluded"] and d["signals"] > 0
    assert main(argv[:-1] + ["--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "当日不满足基本面/涨跌幅条件而排除的信号" in out and "市盈率" in out
    assert main(["validate", "--demo-stocks", "150", "--pe-max", "nan", "--quiet"]) == 2
    assert math.isfinite(want["overall"]["5"]["mean"])
