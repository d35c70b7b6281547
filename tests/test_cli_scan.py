"""stockscan-cli scan / history: same engine as the GUI, recorded in the shared history."""
from __future__ import annotations

import csv
import json

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.history import HistoryStore
from desktop_app.core.scan import ScanRequest, run_scan


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_scan_json_csv_and_history(capsys, tmp_path, isolated_home):
    rc, out, err = run_cli(capsys, "scan", "--source", "demo", "--demo-stocks", "200", "--universe", "all",
                           "--min-score", "55", "--json", "--quiet")
    assert rc == 0, err
    res = json.loads(out)
    assert res["universe_size"] == 200
    assert res["found"] + res["not_matching"] + res["excluded_total"] + res["failed_total"] == 200
    assert res["found"] == len(res["hits"]) > 0 and res["title"] == "全市场 · 得分≥55"
    # the same engine in-process (the GUI's path) gives the same hits
    gui = run_scan(ScanRequest(min_score=55), DemoSource(n_stocks=200), BarStore.for_source("demo"))
    assert [(h["symbol"], h["score"]) for h in gui.hits] == [(h["symbol"], h["score"]) for h in res["hits"]]

    csv_path = tmp_path / "hits.csv"
    rc, out, err = run_cli(capsys, "scan", "--demo-stocks", "200", "--universe", "chinext", "--min-score", "50",
                           "--strategy", "MACD金叉", "--mode", "any", "--csv", str(csv_path), "--quiet")
    assert rc == 0, err
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                                    # BOM for Excel
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:6] == ["代码", "名称", "最新价", "涨跌幅", "得分", "评级"]   # 通达信's order (core.hits.COLUMNS)
    board, strategies = rows[0].index("板块"), rows[0].index("命中策略")
    assert all(r[board] == "创业板" and "MACD金叉" in r[strategies] for r in rows[1:])   # ids exported as names
    assert all(r[0].startswith('="') for r in rows[1:])                        # codes Excel keeps as text

    # bad input: a readable error, exit 2, and nothing recorded
    rc, out, err = run_cli(capsys, "scan", "--lang", "en", "--demo-stocks", "200", "--universe", "planet:mars",
                           "--quiet")
    assert rc == 2 and "unknown universe" in err

    tasks = HistoryStore().load_tasks()
    assert [t["status"] for t in tasks] == ["completed", "completed"]
    first = tasks[0]["id"]
    rc, out, err = run_cli(capsys, "history", "--json")
    listed = json.loads(out)
    assert rc == 0 and [t["id"] for t in listed] == [t["id"] for t in reversed(tasks)]
    assert listed[-1]["hits"] == res["found"] and listed[-1]["params"]["via"] == "cli"
    rc, out, err = run_cli(capsys, "history")
    assert rc == 0 and first in out and "全市场 · 得分≥55" in out
    rc, out, err = run_cli(capsys, "history", "show", first[:6], "--json")
    shown = json.loads(out)
    assert rc == 0 and [h["symbol"] for h in shown["hits"]] == [h["symbol"] for h in res["hits"]]
    rc, out, err = run_cli(capsys, "history", "show", first, "--csv", str(tmp_path / "again.csv"))
    assert rc == 0 and (tmp_path / "again.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rc, out, err = run_cli(capsys, "history", "--lang", "en", "show", "zzzz")
    assert rc == 1 and "no task" in err


def test_gui_tasks_appear_in_cli_history(qtbot, capsys):
    from desktop_app.workers.task_manager import TaskManager

    tm = TaskManager(history=HistoryStore())
    try:
        with qtbot.waitSignal(tm.task_finished, timeout=5000):
            tm.submit("analysis", "分析 600519", lambda p, c, e: None)
    finally:
        assert tm.shutdown(5000)
    rc, out, err = run_cli(capsys, "history", "--lang", "en")
    assert rc == 0 and "分析 600519" in out and "Analysis" in out and "Completed" in out
    rc, out, err = run_cli(capsys, "history", "--lang", "zh")
    assert rc == 0 and "分析 600519" in out and "已完成" in out and "completed" not in out
