"""Issue 15 §5: the "fundamentals" refresh (bulk reports per period, resumable, a few requests per
quarter) on the demo market and through akshare's own parser with payloads of the real shape;
the daily update keeps the snapshot's PE/PB/caps with their date; the task in the task table."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from conftest import copy_store
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.errors import NoDataError
from desktop_app.core.data.fundamental_refresh import plan_periods, refresh_fundamentals
from desktop_app.core.data.fundamental_store import FundamentalStore
from desktop_app.core.data.refresh import update
from desktop_app.core.data.store import BarStore
from desktop_app.core.jobs import Cancelled, CancelToken
from desktop_app.core.reasons import R

N = 60


def _ts(day: dt.date, hour: int = 12) -> float:
    return dt.datetime(day.year, day.month, day.day, hour).timestamp()


class _Counting:
    """A live-like source (no ``report_periods``): every period answers, counted."""

    name, is_demo = "counting", False

    def __init__(self, demo: DemoSource, missing=(), failing=()):
        self.demo, self.calls = demo, []
        self.missing, self.failing = set(missing), set(failing)
        self.template = demo.fundamentals(demo.report_periods()[0])

    def fundamentals(self, period):
        self.calls.append(period)
        if period in self.missing:
            raise NoDataError(R("demo_no_reports", period=period.isoformat()))
        if period in self.failing:
            from desktop_app.core.data.errors import ThrottledError
            raise ThrottledError(R("demo_no_reports", period=period.isoformat()))
        f = self.template.copy()
        f["report_date"] = period
        f["notice_date"] = None
        return f


# ---------------------------------------------------------------------------------- the plan
def test_plan_the_last_8_quarters_once_plus_annuals_for_the_cagr():
    today = dt.date(2025, 11, 20)
    todo, done = plan_periods(object(), {}, today)
    quarters = [dt.date(2025, 9, 30), dt.date(2025, 6, 30), dt.date(2025, 3, 31), dt.date(2024, 12, 31),
                dt.date(2024, 9, 30), dt.date(2024, 6, 30), dt.date(2024, 3, 31), dt.date(2023, 12, 31)]
    assert todo == quarters + [dt.date(2022, 12, 31), dt.date(2021, 12, 31)] and done == []
    # fetched after their deadlines: complete, never asked again
    fetched = {p: _ts(dt.date(2025, 11, 19)) for p in todo}
    assert plan_periods(object(), fetched, today, now=_ts(today)) == ([], todo)


def test_plan_refetches_the_current_quarter_in_its_season_then_once_after_the_deadline():
    q3 = dt.date(2025, 9, 30)
    old = {p: _ts(dt.date(2025, 10, 1)) for p in plan_periods(object(), {}, dt.date(2025, 10, 25))[0]}
    old = {p: (_ts(dt.date(2025, 9, 1)) if p != q3 else t) for p, t in old.items()}  # the rest: complete
    old = {p: (t if p == q3 else _ts(dt.date(2026, 1, 1))) for p, t in old.items()}
    # in Q3's season (deadline 10-31): again once the last fetch is 12 h old, not sooner
    assert plan_periods(object(), {**old, q3: _ts(dt.date(2025, 10, 25), 8)}, dt.date(2025, 10, 25),
                        now=_ts(dt.date(2025, 10, 25), 10))[0] == []
    assert plan_periods(object(), {**old, q3: _ts(dt.date(2025, 10, 24), 8)}, dt.date(2025, 10, 25),
                        now=_ts(dt.date(2025, 10, 25), 10))[0] == [q3]
    # after the deadline: once more (the late publishers), then never
    after = dt.date(2025, 11, 3)
    assert plan_periods(object(), {**old, q3: _ts(dt.date(2025, 10, 30))}, after, now=_ts(after))[0] == [q3]
    assert plan_periods(object(), {**old, q3: _ts(dt.date(2025, 11, 2))}, after, now=_ts(after))[0] == []


# ---------------------------------------------------------------------------------- the job
def test_demo_refresh_stores_every_period_and_a_second_run_asks_nothing(tmp_path):
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path / "b.sqlite")
    report = refresh_fundamentals(src, store)
    periods = src.report_periods()
    assert report.fetched == [p.isoformat() for p in periods] and report.failed == {}
    fstore = FundamentalStore(store)
    assert sorted(fstore.fetched_periods()) == sorted(periods)
    latest = fstore.latest_as_of()
    want = src.fundamentals(periods[0]).set_index("symbol")
    for sym in want.index[:10]:
        assert latest.loc[sym, "report_date"] == periods[0]
        assert latest.loc[sym, "eps"] == pytest.approx(want.loc[sym, "eps"])
    again = refresh_fundamentals(src, store)
    assert again.fetched == [] and sorted(again.skipped) == sorted(p.isoformat() for p in periods)


def test_cancelled_refresh_resumes_with_the_missing_periods(tmp_path):
    src = _Counting(DemoSource(n_stocks=N))
    store = BarStore(tmp_path / "b.sqlite")
    cancel = CancelToken()
    today = dt.date(2025, 11, 20)

    def progress(p):
        if p.done == 3:
            cancel.cancel()

    with pytest.raises(Cancelled) as e:
        refresh_fundamentals(src, store, progress=progress, cancel=cancel, today=today)
    first = list(src.calls)
    assert len(first) == 3 and e.value.report.cancelled and len(e.value.report.fetched) == 3
    src.calls.clear()
    report = refresh_fundamentals(src, store, today=today)
    assert len(src.calls) == 7 and not set(src.calls) & set(first)          # only the rest
    assert len(report.fetched) == 7 and len(report.skipped) == 3


def test_unpublished_quarter_is_skipped_a_failed_one_has_its_reason_and_is_retried(tmp_path):
    today = dt.date(2025, 10, 10)                     # Q3's season: nothing of Q3 out yet
    q3, q2 = dt.date(2025, 9, 30), dt.date(2025, 6, 30)
    src = _Counting(DemoSource(n_stocks=N), missing={q3}, failing={q2})
    store = BarStore(tmp_path / "b.sqlite")
    report = refresh_fundamentals(src, store, today=today)
    assert q3.isoformat() in report.skipped and q3.isoformat() not in report.failed
    assert list(report.failed) == [q2.isoformat()]
    why = report.failed[q2.isoformat()]
    assert why.code == "failure_kind" and "限流" in why.text("zh")
    src.failing.clear()
    src.calls.clear()
    again = refresh_fundamentals(src, store, today=today)
    assert q2 in src.calls and q2.isoformat() in again.fetched and again.failed == {}


# ---------------------------------------------------------------------------------- akshare
@pytest.mark.filterwarnings("ignore::Warning:akshare")
def test_akshare_refresh_parses_each_period_and_keeps_failures(tmp_path, monkeypatch):
    import akshare.request

    from desktop_app.core.data.akshare_source import AkShareSource
    from fake_http import FakeHttp

    monkeypatch.setattr(akshare.request.time, "sleep", lambda s: None)
    dc = r"datacenter-web\.eastmoney\.com/api/data/v1/get.*reportName=RPT_LICO_FN_CPD"
    fake = (FakeHttp().file(dc, "em_yjbb_20250930.json")
            .file(dc + r".*REPORTDATE='2021-12-31'", "em_dc_null.json")).install(monkeypatch)
    src = AkShareSource(timeout=0.05, min_interval={"eastmoney_dc": 0.0})
    store = BarStore(tmp_path / "b.sqlite")
    report = refresh_fundamentals(src, store, today=dt.date(2025, 11, 20))
    assert len(report.fetched) == 9 and list(report.failed) == ["2021-12-31"]
    assert report.failed["2021-12-31"].code == "failure_kind"
    assert len(fake.urls(dc)) >= 10                              # one bulk request (paged) per period
    import json

    from fake_http import PAYLOADS
    raw = {r["SECURITY_CODE"]: r for r in json.loads((PAYLOADS / "em_yjbb_20250930.json").read_text("utf-8"))
           ["result"]["data"]}
    latest = FundamentalStore(store).latest_as_of(dt.date(2025, 11, 20))
    m = latest.loc["600519"]
    assert m.report_date == dt.date(2025, 9, 30)
    assert (m.eps, m.revenue, m.roe) == (raw["600519"]["BASIC_EPS"], raw["600519"]["TOTAL_OPERATE_INCOME"],
                                         raw["600519"]["WEIGHTAVG_ROE"])
    assert math.isnan(latest.loc["688981", "eps"])               # a null answer stays unknown


# ---------------------------------------------------------------------------------- daily update
def test_daily_update_keeps_the_snapshots_valuations_with_their_day(tmp_path, demo_store_file):
    src = DemoSource(n_stocks=N)
    store = copy_store(demo_store_file(N), tmp_path / "s")
    FundamentalStore(store).clear()
    update(src, store, today=store.latest_date())
    vals = FundamentalStore(store).valuations()
    spot = src.spot().set_index("symbol")
    assert len(vals) == len(spot)
    assert set(vals["day"]) == {store.latest_date()}
    for sym in spot.index[:10]:
        for c in ("pe", "pb", "market_cap", "float_cap"):
            a, b = vals.loc[sym, c], spot.loc[sym, c]
            assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b)


# ---------------------------------------------------------------------------------- the window
def test_data_menu_runs_the_fundamentals_task_in_the_task_table(qtbot, tmp_path, demo_store_file, open_window):
    from desktop_app.ui.app_context import AppContext

    store = copy_store(demo_store_file(N), tmp_path / "s")
    FundamentalStore(store).clear()
    w = open_window(AppContext.for_demo(n_stocks=N, store=store))
    assert w.f10.refresh_action in w.data_menu.actions()
    qtbot.waitUntil(lambda: w.ctx.source is not None, timeout=15000)
    before = set(w.tm.task_ids())
    w.f10.refresh_action.trigger()
    new = [t for t in w.tm.task_ids() if t not in before]
    assert len(new) == 1
    tid = new[0]
    t = w.tm.get(tid)
    assert t.kind == "refresh" and t.params["mode"] == "fundamentals"
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    t = w.tm.get(tid)
    assert str(t.status) == "completed"
    n = len(w.ctx.source.report_periods())
    assert (t.done, t.total) == (n, n) and t.failed == 0
    assert t.title == "更新财务数据" or t.title == "Refresh fundamentals"
    assert sorted(FundamentalStore(store).fetched_periods()) == sorted(w.ctx.source.report_periods())
    again = w.tm.rerun(tid)                               # re-run: the same job, nothing left to fetch
    qtbot.waitUntil(lambda: w.tm.get(again).is_terminal, timeout=30000)
    assert str(w.tm.get(again).status) == "completed" and w.tm.get(again).params["mode"] == "fundamentals"
    assert w.tm.report(again).fetched == [] and len(w.tm.report(again).skipped) == n


def test_a_failed_period_shows_in_the_task_table_with_its_reason(qtbot, tmp_path, demo_store_file, open_window,
                                                                 monkeypatch):
    from PySide6.QtCore import Qt

    from desktop_app.core.data.errors import ThrottledError
    from desktop_app.ui.app_context import AppContext

    store = copy_store(demo_store_file(N), tmp_path / "s")
    FundamentalStore(store).clear()
    w = open_window(AppContext.for_demo(n_stocks=N, store=store))
    w.apply_language("zh_CN")
    qtbot.waitUntil(lambda: w.ctx.source is not None, timeout=15000)
    src = w.ctx.source
    bad = src.report_periods()[1]
    real = src.fundamentals

    def flaky(period):
        if period == bad:
            raise ThrottledError(R("demo_no_reports", period=period.isoformat()))
        return real(period)

    monkeypatch.setattr(src, "fundamentals", flaky)
    tid = w.f10.refresh_fundamentals()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    t = w.tm.get(tid)
    assert t.failed == 1 and [item for item, _ in t.failures] == [bad.isoformat()]
    assert t.failures[0][1].code == "failure_kind"
    row = w.tm.row_of(tid)
    col = next(c for c in range(w.tm.columnCount())
               if w.tm.headerData(c, Qt.Orientation.Horizontal) == "失败")
    tip = w.tm.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    assert f"{bad.isoformat()}：限流" in tip
    assert bad not in FundamentalStore(store).fetched_periods()          # retried by the next run
