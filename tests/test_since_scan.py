"""A past scan's returns since (issue 16 §5): hand-made bars against the hand computation, the
CLI's ``history show --since``, and the window's columns for a past (as-of) scan."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.panel import Panel
from desktop_app.core.since_scan import SINCE_COLUMNS, merge_since, scan_day, since_returns

NAN = math.nan


def _panel(opens, closes) -> Panel:
    o, c = np.array(opens, dtype=float), np.array(closes, dtype=float)
    v = np.where(np.isfinite(c), 1e6, NAN)
    dates = pd.bdate_range("2025-03-03", periods=o.shape[1], name="date")
    syms = np.array(["600001", "600002", "600003", "300004"], dtype=object)
    return Panel(syms, dates, {"open": o, "high": np.fmax(o, c), "low": np.fmin(o, c), "close": c,
                               "volume": v, "amount": v * c})


def _bars(t: int = 30):
    j = np.arange(t, dtype=float)
    closes = np.stack([10 + 0.1 * j, 20 - 0.2 * j, 5 + 0.05 * j, 8 + 0.3 * np.sin(j)])
    opens = closes - 0.02
    return opens, closes


def test_returns_since_a_scan_day_equal_the_hand_computation():
    opens, closes = _bars()
    d = 2                                   # the scan's day (index); entry E = 3
    opens[1, 3] = round(closes[1, 2] * 1.10, 2)       # 600002 opens at its limit-up on E: not bought
    opens[2, 8] = closes[2, 8] = NAN        # 600003 suspended on E+5: its +5 exit is the next close
    opens[2, 29] = closes[2, 29] = NAN      # ... and on the latest day: "to date" is its last close
    opens[3, 16:] = closes[3, 16:] = NAN    # 300004 stops trading at day 15 (E+12): no +20
    p = _panel(opens, closes)
    day = str(p.dates[d].date())
    got = since_returns(p, day, ["600001", "600002", "600003", "300004", "999999"])
    assert set(got) == {"600001", "600002", "600003", "300004"}     # no bars: left out

    def pct(a, b):
        return 100.0 * (a / b - 1.0)

    a = got["600001"]
    assert a["since_ret_5"] == pytest.approx(pct(closes[0, 8], opens[0, 3]))
    assert a["since_ret_10"] == pytest.approx(pct(closes[0, 13], opens[0, 3]))
    assert a["since_ret_20"] == pytest.approx(pct(closes[0, 23], opens[0, 3]))
    assert a["since_ret"] == pytest.approx(pct(closes[0, 29], opens[0, 3]))
    assert all(math.isnan(got["600002"][c]) for c in SINCE_COLUMNS)
    c = got["600003"]
    assert c["since_ret_5"] == pytest.approx(pct(closes[2, 9], opens[2, 3]))
    assert c["since_ret"] == pytest.approx(pct(closes[2, 28], opens[2, 3]))
    s = got["300004"]
    assert s["since_ret_10"] == pytest.approx(pct(closes[3, 13], opens[3, 3]))
    assert math.isnan(s["since_ret_20"])
    assert s["since_ret"] == pytest.approx(pct(closes[3, 15], opens[3, 3]))
    # a scan day between two bars reads the bar before it; the latest day has nothing since
    assert since_returns(p, str(p.dates[-1].date()), ["600001"]) == {}


def test_the_scan_day_of_a_stored_task_and_merging():
    assert scan_day({"result": {"as_of": "2026-09-30"}, "params": {"request": {"as_of": ""}}}) == "2026-09-30"
    assert scan_day({"result": None, "params": {"request": {"as_of": "2026-06-30"}}}) == "2026-06-30"
    assert scan_day({"result": {}, "params": {}}) is None
    rows = merge_since([{"symbol": "600001"}, {"symbol": "600002"}], {"600001": {"since_ret": 1.5}})
    assert rows[0]["since_ret"] == 1.5 and math.isnan(rows[1]["since_ret_20"])


def _hand(store, symbol: str, day: str, k: int | None) -> float:
    """By hand from the stored bars: bought at the first open after ``day``, sold at the close k
    market days later (None: its latest close). Only for a stock trading on those days."""
    full = store.read_panel([symbol])
    dates = full.dates
    e = int(np.flatnonzero(dates > np.datetime64(day))[0])
    o = full.open[0, e]
    c = full.close[0, -1] if k is None else full.close[0, e + k]
    return 100.0 * (c / o - 1.0)


def test_cli_history_show_since(tmp_path, monkeypatch, capsys):
    from desktop_app import cli
    from desktop_app.core.data.demo import DemoSource
    from desktop_app.core.data.refresh import backfill
    from desktop_app.core.data.store import BarStore

    monkeypatch.setenv("STOCKSCAN_HOME", str(tmp_path / "home"))
    src = DemoSource(n_stocks=120)
    day = str(src.calendar()[-30].date())
    assert cli.main(["scan", "--demo-stocks", "120", "--as-of", day, "--min-score", "55", "--quiet", "--json"]) == 0
    tid = json.loads(capsys.readouterr().out)["task_id"]
    assert cli.main(["history", "show", tid, "--since", "--demo-stocks", "120", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and all(c in h for h in hits for c in SINCE_COLUMNS)
    store = BarStore(tmp_path / "ref.sqlite")
    backfill(src, store)
    try:
        checked = 0
        for h in hits:
            if h["since_ret_5"] is None:
                continue
            assert h["since_ret_5"] == pytest.approx(_hand(store, h["symbol"], day, 5))
            checked += 1
        assert checked > 0
    finally:
        store.close()
    assert cli.main(["history", "show", tid, "--since", "--demo-stocks", "120", "--lang", "zh"]) == 0
    out = capsys.readouterr()
    assert "至今收益" in out.out and "20日后收益" in out.out and day in out.err


def test_window_shows_the_since_columns_for_a_past_scan(demo_window, qtbot):
    from desktop_app.core.scan import ScanRequest
    from desktop_app.workers.results_model import SortRole

    w = demo_window(200)
    day = str(w.ctx.source.calendar()[-30].date())
    tid = w.submit_scan(ScanRequest(min_score=55, as_of=day))
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    assert w.tm.get(tid).status.value == "completed"
    w.show_task_results(tid)
    m = w.results_view.source_model
    qtbot.waitUntil(lambda: "since_ret" in m.COLUMNS, timeout=15000)
    assert m.rowCount() > 0
    menu = w.results_view.column_menu()
    names = {a.objectName() for a in menu.actions()}
    assert {f"column_{c}" for c in SINCE_COLUMNS} <= names
    col = m.COLUMNS.index("since_ret_5")
    coloured = w.results_view.table.itemDelegateForColumn(col)      # red up, green down, as 涨跌幅
    assert coloured is not None and coloured.change_column == col
    checked = 0
    for r in range(m.rowCount()):
        v = m.index(r, col).data(SortRole)
        if v is None:
            continue
        sym = m.index(r, 0).data()
        want = _hand(w.ctx.store, sym, day, 5)
        assert v == pytest.approx(want)
        assert m.index(r, col).data() == f"{want:+.2f}%"
        checked += 1
    assert checked > 0
    # a scan of the latest day gets no such columns (nothing happened since)
    tid2 = w.submit_scan(ScanRequest(min_score=55))
    qtbot.waitUntil(lambda: w.tm.get(tid2).is_terminal, timeout=30000)
    w.show_task_results(tid2)
    w.ctx.runner.wait(10)
    qtbot.wait(50)
    assert "since_ret" not in w.results_view.source_model.COLUMNS
    assert w.results_view.table.itemDelegateForColumn(col) is None     # given back with the columns
    assert w.since.results_shown(tid2, w.results_view.source_model) is False   # not asked again
