"""The single-stock report, its formats, and `stockscan-cli analyze`."""
from __future__ import annotations

import datetime as dt
import functools
import json
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core import analysis
from desktop_app.core.analysis import analyze, build_report, load_stock, risk_figures
from desktop_app.core.data.errors import NoDataError
from desktop_app.core.report_format import to_html, to_markdown
from desktop_app.core.scoring import score_frame

INFO = {"symbol": "600001", "name": "测试<股份>", "exchange": "SH", "board": "sh_main", "industry": "银行",
        "listed_date": dt.date(2001, 2, 3), "is_st": False}


def walk(n=300, seed=1):
    r = np.random.default_rng(seed)
    c = 10 * np.exp(np.cumsum(r.normal(0.0005, 0.02, n)))
    o = c * (1 + r.normal(0, 0.005, n))
    idx = pd.bdate_range(end="2026-11-27", periods=n, name="date")
    df = pd.DataFrame({"open": o, "high": np.maximum(o, c) * (1 + r.uniform(0, 0.02, n)),
                       "low": np.minimum(o, c) * (1 - r.uniform(0, 0.02, n)), "close": c,
                       "volume": r.uniform(1e6, 3e6, n), "turnover": 1.0}, index=idx)
    df["amount"] = df["volume"] * c
    return df


@pytest.fixture(scope="module")
def bars():
    return walk()


@pytest.fixture(scope="module")
def report(bars):
    return build_report(bars, INFO)


def test_identity_and_price(report, bars):
    assert (report.symbol, report.name, report.board, report.industry) == ("600001", "测试<股份>", "sh_main", "银行")
    assert report.listed_date == dt.date(2001, 2, 3) and report.is_st is False
    c = bars["close"].to_numpy()
    assert report.last == c[-1] and report.change == pytest.approx(c[-1] - c[-2])
    assert report.chg_pct == pytest.approx((c[-1] / c[-2] - 1) * 100)
    assert report.date == bars.index[-1].date() and report.volume == bars["volume"].iloc[-1]


def test_score_matches_scoring(report, bars):
    res = score_frame(bars)
    assert report.score == res.total[0]
    assert report.label_zh == res.label(0).zh and report.label_en == res.label(0).en
    assert sum(t["points_given"] for t in report.trace) == pytest.approx(report.score)
    assert report.indicators["rsi"] == res.values["rsi"][0]


def test_levels(report):
    assert len(report.supports) in (1, 2, 3) and len(report.resistances) in (1, 2, 3)
    for s in report.supports:
        assert s["price"] < report.last and s["distance_pct"] < 0
        assert s["distance_pct"] == pytest.approx((s["price"] / report.last - 1) * 100)
    for r in report.resistances:
        assert r["price"] > report.last and r["distance_pct"] > 0
    d = [abs(x["distance_pct"]) for x in report.supports]
    assert d == sorted(d)
    d = [abs(x["distance_pct"]) for x in report.resistances]
    assert d == sorted(d)
    assert all(x["source"] for x in report.supports + report.resistances)


def test_levels_sources_on_constructed_series():
    # a steady rise: every MA and the BOLL mid/lower lie below the price, the 20-day low too
    c = 10 * 1.005 ** np.arange(100)
    idx = pd.bdate_range(end="2026-11-27", periods=100, name="date")
    df = pd.DataFrame({"open": c, "high": c * 1.001, "low": c * 0.999, "close": c, "volume": 1e6,
                       "amount": 1e7, "turnover": 1.0}, index=idx)
    rep = build_report(df, INFO)
    assert [str(s["source"]) for s in rep.supports] == ["MA5", "MA10", "MA20"]  # BOLL mid == MA20: deduplicated
    assert str(rep.resistances[0]["source"]) in ("BOLL upper", "20-day high", "60-day high")
    assert rep.ma_trend == "bull"


def test_risk_by_hand(bars):
    rk = risk_figures(bars)
    c = bars["close"].to_numpy()[-251:]
    r = c[1:] / c[:-1] - 1
    assert rk["ann_volatility"] == pytest.approx(np.std(r, ddof=1) * math.sqrt(250) * 100)
    assert rk["worst_day_pct"] == pytest.approx(r.min() * 100)
    assert rk["worst_day_date"] == bars.index[-250:][int(np.argmin(r))].date()
    c1 = bars["close"].to_numpy()[-250:]
    peak, mdd = c1[0], 0.0
    for v in c1:
        peak = max(peak, v)
        mdd = min(mdd, v / peak - 1)
    assert rk["max_drawdown_1y"] == pytest.approx(mdd * 100)
    h = bars["high"].to_numpy()[-250:]
    assert rk["days_since_52w_high"] == 249 - int(np.flatnonzero(h == h.max())[-1])


def test_risk_constructed():
    c = np.array([10, 12, 9, 9.9, 11.0])
    idx = pd.bdate_range(end="2026-11-27", periods=5, name="date")
    df = pd.DataFrame({"open": c, "high": c, "low": c, "close": c}, index=idx)
    rk = risk_figures(df)
    assert rk["max_drawdown_1y"] == pytest.approx(-25.0)
    assert rk["worst_day_pct"] == pytest.approx(-25.0) and rk["worst_day_date"] == idx[2].date()
    assert rk["days_since_52w_high"] == 3


def test_signals(report, bars):
    last10 = set(d.date() for d in bars.index[-10:])
    for s in report.recent_signals:
        assert s["date"] in last10 and s["date"] in report.signal_dates[s["id"]]
        assert s["name_zh"] and s["name_en"]
    for sid, dates in report.signal_dates.items():
        for d in dates:
            if d in last10:
                assert {"id": sid, "date": d} in [{"id": s["id"], "date": s["date"]} for s in report.recent_signals]


def test_recent_signal_on_constructed_cross():
    c = np.r_[np.full(70, 10.0), 10.3]
    idx = pd.bdate_range(end="2026-11-27", periods=71, name="date")
    df = pd.DataFrame({"open": c, "high": c, "low": c, "close": c, "volume": 1e6, "amount": 1e7,
                       "turnover": 1.0}, index=idx)
    rep = build_report(df, INFO)
    ids = {s["id"] for s in rep.recent_signals}
    assert "macd_golden" in ids and rep.signal_dates["macd_golden"] == [idx[-1].date()]
    assert rep.macd_state == "golden_cross"


def test_short_history_is_not_scored():
    rep = build_report(walk(30), INFO)
    assert rep.score is None and rep.label_en == "Not scored" and "history too short" in str(rep.score_note)
    assert rep.trace == []
    json.loads(rep.to_json())


def test_json_round_trip(report):
    d = json.loads(report.to_json())
    assert d == report.to_dict()
    assert d["date"] == report.date.isoformat() and d["listed_date"] == "2001-02-03"
    assert isinstance(d["signal_dates"], dict) and set(d["risk"]) >= {"ann_volatility", "max_drawdown_1y"}
    assert d["is_demo"] is False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_formats(report, lang):
    md = to_markdown(report, lang)
    assert "600001" in md and ("综合评分" if lang == "zh" else "Score") in md
    page = to_html(report, lang)
    assert page.startswith("<!DOCTYPE html>") and "测试&lt;股份&gt;" in page and "测试<股份>" not in page
    assert (report.label_zh if lang == "zh" else report.label_en) in page


# ---------------------------------------------------------------- analyze() with fakes
class FakeSource:
    name, is_demo = "fake", True

    def __init__(self, bars):
        self.bars, self.calls = bars, 0

    def daily_bars(self, symbol, start=None, end=None):
        self.calls += 1
        if symbol != "600001":
            raise NoDataError(f"no data for {symbol}", symbol)
        return self.bars

    def universe(self):
        return pd.DataFrame([INFO])


class FakeStore:
    def __init__(self, bars=None):
        self.data = {} if bars is None else {"600001": bars}
        self.writes: list[str] = []

    def read(self, symbol):
        return self.data.get(symbol)

    def write(self, symbol, bars):
        self.writes.append(symbol)
        self.data[symbol] = bars


def test_analyze_prefers_store(bars):
    src = FakeSource(bars.iloc[:-5])
    rep = analyze("sh600001", src, FakeStore(bars))
    assert src.calls == 0 and rep.date == bars.index[-1].date() and rep.is_demo
    rep2 = analyze("600001", src)
    assert src.calls == 1 and rep2.date == bars.index[-6].date() and rep2.name == INFO["name"]


def test_fetched_bars_land_in_the_store(bars):
    src, store = FakeSource(bars), FakeStore()
    rep = analyze("600001", src, store)
    assert src.calls == 1 and store.writes == ["600001"]
    assert store.read("600001") is bars
    again = analyze("600001.XSHG", src, store)      # the next open reads the store
    assert src.calls == 1 and again.to_dict() == rep.to_dict()


def test_a_failed_cache_write_does_not_hide_the_bars(bars):
    class FullDisk(FakeStore):
        def write(self, symbol, bars):
            raise OSError("disk full")

    assert analyze("600001", FakeSource(bars), FullDisk()).symbol == "600001"


def test_the_view_loader_and_analyze_share_one_path(bars, monkeypatch):
    """``load_stock`` (the stock view) and ``analyze`` (CLI, analysis tasks) load through the same
    ``load_bars`` and give the same report."""
    calls = []
    real = analysis.load_bars

    def spy(code, source, store=None):
        calls.append(code)
        return real(code, source, store)

    monkeypatch.setattr(analysis, "load_bars", spy)
    store = FakeStore()
    loaded = load_stock("sh600001", FakeSource(bars), store)
    assert calls == ["600001"] and store.writes == ["600001"]
    assert loaded.symbol == "600001" and loaded.bars is bars and loaded.report_error == ""
    assert loaded.report.to_dict() == analyze("600001", FakeSource(bars), store).to_dict()
    assert calls == ["600001", "600001"]


def test_load_stock_keeps_the_bars_when_the_report_fails(bars):
    class NoUniverse(FakeSource):
        def universe(self):
            raise RuntimeError("universe unavailable")

    loaded = load_stock("600001", NoUniverse(bars))
    assert loaded.bars is bars and loaded.report is None
    assert loaded.report_error == "universe unavailable"
    with pytest.raises(NoDataError):
        load_stock("600002", NoUniverse(bars))          # no bars at all: an error, not an empty chart


def test_analyze_bad_code(bars):
    from desktop_app.core.symbols import SymbolError
    with pytest.raises(SymbolError):
        analyze("12345", FakeSource(bars))


# ---------------------------------------------------------------- CLI
@pytest.fixture
def small_demo(monkeypatch):
    from desktop_app.core.data import demo
    monkeypatch.setattr(demo, "DemoSource", functools.partial(demo.DemoSource, n_stocks=200))
    return demo.DemoSource(seed=7)


def test_cli_analyze(small_demo, capsys):
    from desktop_app.cli import main
    code = small_demo.universe()["symbol"].iloc[3]
    assert main(["analyze", code, "--lang", "en", "--source", "demo", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["symbol"] == code and d["is_demo"] is True and len(d["trace"]) > 20
    assert main(["analyze", code, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Score rules" in out and code in out


def test_cli_bad_code(capsys):
    from desktop_app.cli import main
    assert main(["analyze", "12345", "--lang", "en", "--source", "demo"]) == 2
    err = capsys.readouterr().err
    assert "12345" in err and "6 digits" in err


@pytest.mark.parametrize("code, words", [
    ("000300", ["000300", "沪深300", "not a stock"]), ("abc", ["'abc'", "not a stock code"]),
    ("", ["empty"]), ("510300", ["fund"]), ("sz600519", ["Shanghai"])])
def test_cli_bad_codes_say_why_and_print_no_report(capsys, code, words):
    from desktop_app.cli import main
    assert main(["analyze", code, "--lang", "en", "--source", "demo", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and all(w in err for w in words), err


def test_cli_unknown_stock_names_the_legacy_code(small_demo, capsys):
    from desktop_app.cli import main
    listed = set(small_demo.universe()["symbol"])
    legacy = next(f"43{n:04d}" for n in range(1000) if f"920{n % 1000:03d}" not in listed)
    assert main(["analyze", legacy, "--lang", "en", "--source", "demo"]) == 1
    err = capsys.readouterr().err
    assert legacy in err and "920" + legacy[-3:] in err and "old Beijing code" in err
    missing = next(f"600{n:03d}" for n in range(1000) if f"600{n:03d}" not in listed)
    assert main(["analyze", missing, "--lang", "en", "--source", "demo"]) == 1
    err = capsys.readouterr().err
    assert missing in err and "old Beijing" not in err
