"""Issue 15: 60日涨跌幅 and 年初至今 (hand computation on hand-made bars; scans with their
prefilters = the exported table filtered by hand, also as of a past day), the combined score
综合分 (the mean of the two scores) and the hits' order by it (core, the CLI's --sort, the window)."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.cli import main
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.hit_order import combined_score, sort_hits
from desktop_app.core.panel import Panel
from desktop_app.core.scan import ScanRequest, run_scan
from desktop_app.core.scan_returns import period_returns

N = 400
BASE = dict(min_score=0, exclude_st=False, exclude_suspended=False, min_listed_days=0)


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("ret") / "bars.sqlite")
    yield src, store
    store.close()


# ---------------------------------------------------------------------------------- hand-made bars
def test_period_returns_by_hand():
    dates = pd.bdate_range("2024-10-01", "2025-02-28")        # 108 weekdays over a new year
    t = len(dates)
    base = np.arange(t, dtype=float) + 100.0                 # close = 100 + day number
    close = np.vstack([base, base.copy(), base.copy(), base.copy()])
    close[1, t - 61] = np.nan                                 # suspended on the base day: the close before
    close[2, :-30] = np.nan                                   # listed 30 days ago, this year
    close[3, -1] = np.nan                                     # suspended today: its last close
    p = Panel(np.array(["a", "b", "c", "d"], dtype=object), dates, {"close": close})
    r = period_returns(p)
    last_2024 = int(np.flatnonzero(dates.year == 2024)[-1])
    now, base60 = 100.0 + (t - 1), 100.0 + (t - 61)
    assert r["chg60"][0] == pytest.approx((now / base60 - 1) * 100)
    assert r["chg60"][1] == pytest.approx((now / (base60 - 1) - 1) * 100)
    assert math.isnan(r["chg60"][2]) and math.isnan(r["ytd"][2])
    assert r["chg60"][3] == pytest.approx(((now - 1) / base60 - 1) * 100)
    assert r["ytd"][0] == pytest.approx((now / (100.0 + last_2024) - 1) * 100)
    assert r["ytd"][3] == pytest.approx(((now - 1) / (100.0 + last_2024) - 1) * 100)
    # 2024-12-31 is a Tuesday: the base of 年初至今 is that day's close
    assert dates[last_2024] == pd.Timestamp("2024-12-31")
    short = Panel(p.symbols, dates[-35:], {"close": close[:, -35:]})   # no 61 days, no 2024
    r2 = period_returns(short)
    assert np.isnan(r2["chg60"]).all() and np.isnan(r2["ytd"]).all()


# ---------------------------------------------------------------------------------- the demo market
def _by_hand(src, sym: str, day: dt.date) -> tuple[float, float]:
    cal = src.calendar()
    cal = cal[cal <= pd.Timestamp(day)]
    bars = src.daily_bars(sym)
    close = bars["close"].dropna()
    close = close[close.index <= pd.Timestamp(day)]
    if close.empty:
        return math.nan, math.nan

    def at(d) -> float:
        c = close[close.index <= d]
        return float(c.iloc[-1]) if len(c) else math.nan

    now = float(close.iloc[-1])
    chg60 = (now / at(cal[-61]) - 1) * 100 if len(cal) > 60 else math.nan
    prev = cal[cal.year < cal[-1].year]
    ytd = (now / at(prev[-1]) - 1) * 100 if len(prev) else math.nan
    return chg60, ytd


@pytest.mark.parametrize("as_of", ["", "2026-02-16"])
def test_hit_columns_equal_a_hand_computation_also_as_of(market, as_of):
    src, store = market
    out = run_scan(ScanRequest(as_of=as_of, **BASE), src, store)
    day = dt.date.fromisoformat(out.as_of)
    assert out.hits
    for h in out.hits[::25]:
        chg60, ytd = _by_hand(src, h["symbol"], day)
        for got, want in ((h["chg60"], chg60), (h["ytd"], ytd)):
            assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-9), h["symbol"]


def test_prefilters_give_the_exported_table_filtered_by_hand(market, tmp_path):
    src, store = market
    plain = run_scan(ScanRequest(**BASE), src, store)
    from desktop_app.core.hits import write_hits
    path = write_hits(tmp_path / "all.csv", plain.hits, "zh")
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    code = table["代码"].str.extract(r"(\d{6})")[0]
    pct = {c: pd.to_numeric(table[c].str.rstrip("%"), errors="coerce") for c in ("60日涨跌幅", "年初至今")}
    # the file rounds to 2 decimals: bounds away from any value's rounding
    lo60, hi_ytd = 3.005, 20.005
    want = set(code[(pct["60日涨跌幅"] >= lo60) & (pct["年初至今"] <= hi_ytd)])
    out = run_scan(ScanRequest(chg60_min=lo60, ytd_max=hi_ytd, **BASE), src, store)
    assert {h["symbol"] for h in out.hits} == want
    day = dt.date.fromisoformat(out.as_of)
    unknown = {s for s in src.universe()["symbol"] if any(math.isnan(v) for v in _by_hand(src, s, day))}
    unknown -= {s for s, _ in out.failed}                                # no bars at all: failed
    assert out.excluded.get("returns_unknown", 0) == len(unknown) > 0    # each counted with its reason
    assert out.accounted == out.universe_size == N
    with_max = run_scan(ScanRequest(chg60_max=-5, **BASE), src, store)
    assert {h["symbol"] for h in with_max.hits} == set(code[pct["60日涨跌幅"] <= -5])


def test_inverted_or_unknown_bounds_are_refused():
    codes = {p.code for p in ScanRequest(chg60_min=5, chg60_max=1).validate()}
    assert "fund_bounds_inverted" in codes
    assert "sort_unknown" in {p.code for p in ScanRequest(sort="nope").validate()}


# ---------------------------------------------------------------------------------- 综合分
def test_combined_score_is_the_mean_and_orders_the_hits(market):
    src, store = market
    out = run_scan(ScanRequest(sort="combo", **BASE), src, store)
    assert out.hits and all("combo" in h for h in out.hits)
    for h in out.hits:
        if math.isfinite(h["fscore"]):
            assert h["combo"] == pytest.approx((h["score"] + h["fscore"]) / 2)
        else:
            assert math.isnan(h["combo"])                 # not scored: no 综合分, never the score alone
    known = [h for h in out.hits if math.isfinite(h["combo"])]
    unknown = [h for h in out.hits if not math.isfinite(h["combo"])]
    assert out.hits[:len(known)] == known and out.hits[len(known):] == unknown
    assert [h["combo"] for h in known] == sorted((h["combo"] for h in known), reverse=True)
    assert combined_score(80, None) != combined_score(80, None)      # NaN
    rows = [{"score": 50, "x": 1.0}, {"score": 90, "x": math.nan}, {"score": 70, "x": 1.0}, {"score": 60, "x": 3.0}]
    assert [r["score"] for r in sort_hits(rows, "x")] == [60, 70, 50, 90]


def test_cli_sort_and_return_flags(capsys, isolated_home):
    rc = main(["scan", "--source", "demo", "--demo-stocks", str(N), "--min-score", "0", "--include-st",
               "--include-suspended", "--min-listed-days", "0", "--sort", "combo", "--chg60-min", "0",
               "--json", "--quiet", "--no-history"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    res = json.loads(out)
    core = run_scan(ScanRequest(sort="combo", chg60_min=0, **BASE), DemoSource(n_stocks=N),
                    BarStore.for_source(DemoSource(n_stocks=N)))
    assert [h["symbol"] for h in res["hits"]] == [h["symbol"] for h in core.hits]
    assert all(h["chg60"] >= 0 for h in res["hits"])


def test_the_window_sorts_by_the_combined_score(qtbot, tmp_path, demo_store_file, open_window):
    from PySide6.QtCore import Qt

    from conftest import copy_store
    from desktop_app.ui.app_context import AppContext
    from desktop_app.workers.results_model import SortRole

    n = 120
    store = copy_store(demo_store_file(n), tmp_path / "s")
    w = open_window(AppContext.for_demo(n_stocks=n, store=store))
    w.scan_panel.min_score.setValue(0)
    w.scan_panel.fundamentals.edits["min_fscore"].setText("0")       # read fundamentals, any score
    tid = w.start_scan()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=60000)
    w.show_task_results(tid)
    rv = w.results_view
    model = w.tm.results_model(tid)
    assert "combo" in model.COLUMNS
    assert "chg60" in rv.visible_columns() and "ytd" in rv.visible_columns()
    rv.sort_by("combo", Qt.SortOrder.DescendingOrder)
    col = model.COLUMNS.index("combo")
    vals = [model.index(r, col).data(SortRole) for r in range(model.rowCount())]
    shown = [v for v in vals if v is not None]
    assert shown == sorted(shown, reverse=True) and vals[:len(shown)] == shown
    for r in range(model.rowCount()):
        row = model.row_dict(r)
        if math.isfinite(row["fscore"]):
            assert row["combo"] == pytest.approx((row["score"] + row["fscore"]) / 2)
    # 60日涨跌幅 and 年初至今 are coloured like 涨跌幅: red up, green down
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleOptionViewItem

    from desktop_app.ui import theme
    for key in ("chg60", "ytd"):
        c = model.COLUMNS.index(key)
        assert c in rv.delegate.change_columns
        for sign, color in ((1, theme.up_color()), (-1, theme.down_color())):
            r = next(r for r in range(model.rowCount()) if sign * model.row_dict(r)[key] > 0)
            opt = QStyleOptionViewItem()
            rv.delegate.initStyleOption(opt, rv.proxy.mapFromSource(model.index(r, c)))
            assert opt.palette.color(QPalette.ColorRole.Text) == color
