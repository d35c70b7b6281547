"""A scan as of a past day D reads what was known on D (issues 15/16): PE/PB/caps derived from D's
close and the reports public by D (as the validation does), the fundamental score of those values,
formula variables bound to them, 60日涨跌幅/年初至今 from bars up to D; and truncating every bar
and report after D changes neither its hits nor its columns."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.fundamental_store import FundamentalStore
from desktop_app.core.data.store import BarStore
from desktop_app.core.fundamental_growth import growth_values
from desktop_app.core.fundamental_score import score_fundamentals
from desktop_app.core.request_lines import describe_request
from desktop_app.core.scan import ScanRequest, run_scan

N = 300
BASE = dict(min_score=0, exclude_st=False, exclude_suspended=False, min_listed_days=0)
BACK = 150                    # D: this many trading days before the demo's last day


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("asof_fund") / "bars.sqlite")
    yield src, store
    store.close()


def _d(src) -> dt.date:
    return src.calendar()[-1 - BACK].date()


def _known_on(src, day: dt.date) -> pd.DataFrame:
    """Independently, per stock: D's close (its last close on or before D, from the source's own
    bars) and the newest report whose notice date is on or before D, with PE/PB/caps as the
    definitions say (caps: D's close × today's share counts from the snapshot)."""
    spot = src.spot().set_index("symbol")
    reps = pd.concat([src.fundamentals(p) for p in src.report_periods()])
    reps = reps[[n <= day for n in reps["notice_date"]]]
    latest = reps.sort_values("report_date").groupby("symbol").tail(1).set_index("symbol")
    rows = []
    for sym in spot.index:
        bars = src.daily_bars(sym)
        bars = bars[bars.index <= pd.Timestamp(day)]
        close = float(bars["close"].dropna().iloc[-1]) if len(bars) else math.nan
        row = {"symbol": sym, "close": close,
               "float_cap": close * spot.at[sym, "float_cap"] / spot.at[sym, "last"],
               "market_cap": close * spot.at[sym, "market_cap"] / spot.at[sym, "last"]}
        if sym in latest.index:
            r = latest.loc[sym]
            annual_eps = r["eps"] * 12 / r["report_date"].month
            row.update(pe=close / annual_eps if annual_eps != 0 else math.nan, pb=close / r["bvps"],
                       eps=r["eps"], roe=r["roe"], bvps=r["bvps"], profit_yoy=r["profit_yoy"],
                       revenue_yoy=r["revenue_yoy"], gross_margin=r["gross_margin"], debt_ratio=r["debt_ratio"],
                       roe_annual=r["roe"] * 12 / r["report_date"].month, report_date=r["report_date"].isoformat())
        rows.append(row)
    out = pd.DataFrame(rows).set_index("symbol")
    annual = reps[[d.month == 12 and d.day == 31 for d in reps["report_date"]]]
    annual = pd.DataFrame({"symbol": annual["symbol"], "year": [d.year for d in annual["report_date"]],
                           "revenue": annual["revenue"], "profit": annual["profit"]})
    growth = growth_values(annual, out.index.tolist())[0]
    for k, v in growth.items():
        out[k] = v
    vals = {k: out[k].to_numpy(dtype=float) for k in ("pe", "pb", "roe", "roe_annual", "profit_yoy",
                                                       "revenue_yoy", "gross_margin", "debt_ratio",
                                                       "revenue_cagr", "profit_cagr", "market_cap", "float_cap")}
    score = score_fundamentals(vals)
    out["fscore"] = np.where(score.valid, score.total, np.nan)
    return out


def _close(a, b) -> bool:
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9)


COLUMNS = ("pe", "pb", "float_cap", "market_cap", "eps", "roe", "bvps", "profit_yoy", "fscore")


def test_an_as_of_scan_reads_the_fundamentals_known_on_that_day(market):
    src, store = market
    day = _d(src)
    out = run_scan(ScanRequest(as_of=day.isoformat(), min_fscore=0, mcap_min=1.0, **BASE), src, store)
    assert out.as_of == day.isoformat() and out.hits
    want = _known_on(src, day)
    spot = src.spot().set_index("symbol")
    differs = 0
    for h in out.hits:
        w = want.loc[h["symbol"]]
        for k in COLUMNS:
            assert _close(h[k], w[k]), (h["symbol"], k, h[k], w[k])
        assert h["report_date"] == w["report_date"]
        differs += not _close(h["pe"], spot.at[h["symbol"], "pe"])
    assert differs > len(out.hits) // 2           # today's snapshot PE is not what D's scan shows
    # the stocks past the fundamental prefilters are exactly those with a score on D
    passed = {s for s in want.index if np.isfinite(want.at[s, "fscore"]) and want.at[s, "market_cap"] >= 1.0}
    got = {h["symbol"] for h in out.hits} | {s for s, _ in out.failed}
    assert got <= passed and len(out.hits) + len(out.failed) + out.excluded.get("history_short", 0) == len(passed)
    assert out.accounted == N


def test_as_of_bounds_and_formula_variables_use_the_values_of_that_day(market):
    src, store = market
    day = _d(src)
    want = _known_on(src, day)
    lo, hi = 10.0, 40.0
    bounds = run_scan(ScanRequest(as_of=day.isoformat(), pe_min=lo, pe_max=hi, roe_min=2.0, **BASE), src, store)
    formula = run_scan(ScanRequest(as_of=day.isoformat(), formula=f"PE>={lo} AND PE<={hi} AND ROE>=2 AND ZSZ>50",
                                   **BASE), src, store)
    ok = want[(want["pe"] >= lo) & (want["pe"] <= hi) & (want["roe"] >= 2.0)]
    assert {h["symbol"] for h in bounds.hits} | {s for s, _ in bounds.failed} <= set(ok.index)
    assert len(bounds.hits) > 5
    f_ok = set(ok[ok["market_cap"] / 1e8 > 50].index)
    assert {h["symbol"] for h in formula.hits} == f_ok & ({h["symbol"] for h in bounds.hits})
    for h in formula.hits:
        assert _close(h["pe"], want.at[h["symbol"], "pe"])


def test_as_of_returns_use_bars_up_to_that_day(market):
    src, store = market
    day = _d(src)
    out = run_scan(ScanRequest(as_of=day.isoformat(), chg60_min=-1000.0, **BASE), src, store)
    assert out.hits
    for h in out.hits[:40]:
        c = src.daily_bars(h["symbol"])["close"].dropna()
        c = c[c.index <= pd.Timestamp(day)]
        cal = src.calendar()
        cal = cal[cal <= pd.Timestamp(day)]
        base60 = c[c.index <= cal[-61]].iloc[-1]
        prev_year = c[c.index.year < cal[-1].year].iloc[-1]
        assert h["chg60"] == pytest.approx((c.iloc[-1] / base60 - 1) * 100)
        assert h["ytd"] == pytest.approx((c.iloc[-1] / prev_year - 1) * 100)
        assert h["last"] == pytest.approx(c.iloc[-1])


def test_a_latest_day_scan_keeps_the_snapshot_quotes(market):
    src, store = market
    out = run_scan(ScanRequest(min_fscore=0, **BASE), src, store)
    spot = src.spot().set_index("symbol")
    assert out.hits
    for h in out.hits[:50]:
        assert _close(h["pe"], spot.at[h["symbol"], "pe"]) and _close(h["pb"], spot.at[h["symbol"], "pb"])


def test_the_task_details_say_how_as_of_fundamentals_are_had():
    for lang, text in (("zh", "财报"), ("en", "report")):
        lines = describe_request(ScanRequest(as_of="2025-06-30", pe_max=30), lang)
        assert any(text in ln for ln in lines), lines
        assert not any(text in ln for ln in describe_request(ScanRequest(pe_max=30), lang))


class _Truncated(DemoSource):
    """The demo market as it was on D: no bar, no report and no period after D (the snapshot's
    share counts are today's: the derivation's one stated bias, as the validation's)."""

    def __init__(self, day: dt.date, **kw):
        super().__init__(**kw)
        self._cut = day

    def daily_bars(self, symbol, start=None, end=None, *a, **kw):
        df = super().daily_bars(symbol, start, end, *a, **kw)
        return df[df.index <= pd.Timestamp(self._cut)]

    def recent_panel(self, symbols, last_n, end=None):
        return super().recent_panel(symbols, last_n, end=min(end or self._cut, self._cut))

    def fundamentals(self, report_date):
        df = super().fundamentals(report_date)
        return df[[n <= self._cut for n in df["notice_date"]]]

    def report_periods(self):
        return [p for p in super().report_periods() if p <= self._cut]


@pytest.mark.parametrize("back", [40, 150, 260])
def test_truncating_everything_after_d_changes_no_as_of_hit(tmp_path, back):
    full_src = DemoSource(n_stocks=N)
    day = full_src.calendar()[-1 - back].date()
    request = ScanRequest(as_of=day.isoformat(), min_fscore=0, pe_max=60, chg60_min=-30.0,
                          formula="ROE>0 OR LTSZ>20", **BASE)
    outs = []
    for name, src in (("full", full_src), ("cut", _Truncated(day, n_stocks=N))):
        store = BarStore(tmp_path / f"{name}.sqlite")
        try:
            if name == "full":      # a store as a user has it: every report and today's snapshot
                run_scan(ScanRequest(min_fscore=0, **BASE), src, store)
                assert FundamentalStore(store).latest_as_of()["report_date"].max() > day
            outs.append(run_scan(request, src, store))
            if name == "cut":
                assert FundamentalStore(store).latest_as_of()["report_date"].max() <= day
        finally:
            store.close()
    full, cut = outs
    assert full.hits and full.as_of == cut.as_of
    assert full.excluded == cut.excluded and len(full.failed) == len(cut.failed)
    strip = [{k: v for k, v in h.items()} for h in full.hits]
    assert [h["symbol"] for h in strip] == [h["symbol"] for h in cut.hits]
    for a, b in zip(strip, cut.hits):
        for k, v in a.items():
            if isinstance(v, float):
                assert _close(v, b[k]), (a["symbol"], k)
            else:
                assert v == b[k], (a["symbol"], k)


def test_as_of_technical_and_combined_scores_use_bars_up_to_that_day(market):
    """综合分 = (technical + fundamental) / 2: the technical score of the bars cut after D (scored
    independently), the fundamental score of D's values."""
    from desktop_app.core.panel import Panel
    from desktop_app.core.scan import LOOKBACK_DAYS
    from desktop_app.core.scoring import score_panel

    src, store = market
    day = _d(src)
    out = run_scan(ScanRequest(as_of=day.isoformat(), min_fscore=0, sort="combo", **BASE), src, store)
    full = src.panel()
    keep = np.flatnonzero(full.dates <= pd.Timestamp(day))[-LOOKBACK_DAYS:]
    cut = Panel(full.symbols, full.dates[keep], {k: v[:, keep] for k, v in full.fields.items()})
    res = score_panel(cut)
    tech = {s: float(t) for s, t, ok in zip(cut.symbols.tolist(), res.total, res.valid) if ok}
    want = _known_on(src, day)
    assert len(out.hits) > 10
    for h in out.hits:
        assert h["score"] == pytest.approx(tech[h["symbol"]])
        assert h["combo"] == pytest.approx((tech[h["symbol"]] + want.at[h["symbol"], "fscore"]) / 2)
    combos = [h["combo"] for h in out.hits]
    assert combos == sorted(combos, reverse=True)


def test_the_cli_says_how_as_of_fundamentals_are_had(market, capsys, isolated_home):
    import json

    from desktop_app import cli

    src, _ = market
    day = _d(src).isoformat()
    rc = cli.main(["scan", "--demo-stocks", str(N), "--as-of", day, "--pe-max", "30", "--min-score", "0",
                   "--quiet"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "财报" in err or "report" in err
    rc = cli.main(["scan", "--demo-stocks", str(N), "--as-of", day, "--pe-max", "30", "--min-score", "0",
                   "--json", "--quiet", "--lang", "en"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0 and len(res["notes"]) == 1 and "reports public then" in res["notes"][0]
    rc = cli.main(["scan", "--demo-stocks", str(N), "--pe-max", "30", "--min-score", "0", "--json", "--quiet"])
    assert rc == 0 and json.loads(capsys.readouterr().out)["notes"] == []


def test_the_task_details_dialog_shows_the_note(qtbot):
    from desktop_app.ui import i18n
    from desktop_app.ui.task_view import TaskDetailsDialog
    from desktop_app.workers.task_manager import TaskManager

    i18n.set_language("zh_CN")
    tm = TaskManager()
    tm.set_language("zh")

    class Info:
        id, kind, title, status = "abc", "scan", "全市场 · 截至 2025-06-30", "done"
        done = total = found = failed = 0
        params = {"request": ScanRequest(as_of="2025-06-30", roe_min=10).to_dict()}
        error = None
        failures: list = []
        rejected: list = []

    try:
        dlg = TaskDetailsDialog(Info(), tm)
        qtbot.addWidget(dlg)
        text = dlg.text.toPlainText()
        assert "历史基本面：历史日期的基本面按当日收盘价与当时已公布的最新财报推算" in text
        Info.params = {"request": ScanRequest(roe_min=10).to_dict()}
        assert "历史基本面" not in TaskDetailsDialog.describe(Info(), tm)
    finally:
        assert tm.shutdown(1000)


def test_a_weekend_day_counts_the_reports_public_by_it(market):
    """As of a Saturday or Sunday D: Friday's close (the last bar on or before D) with every report
    public by D — one noticed on that weekend included."""
    src, store = market
    reps = pd.concat([src.fundamentals(p) for p in src.report_periods()])
    cal = src.calendar()
    weekend = [n for n in reps["notice_date"] if n.weekday() >= 5 and cal[0].date() < n < cal[-1].date()]
    day = max(set(weekend), key=weekend.count)
    noticed = set(reps.loc[[n == day for n in reps["notice_date"]], "symbol"])
    out = run_scan(ScanRequest(as_of=day.isoformat(), min_fscore=0, **BASE), src, store)
    assert out.as_of < day.isoformat()
    want = _known_on(src, day)
    seen = 0
    for h in out.hits:
        assert h["report_date"] == want.at[h["symbol"], "report_date"]
        assert _close(h["pe"], want.at[h["symbol"], "pe"]) and _close(h["fscore"], want.at[h["symbol"], "fscore"])
        seen += h["symbol"] in noticed
    assert seen > 0
