"""The validation report as XLSX (issue 16 §6/§7): a sheet per table whose cells are the report's
numbers, Excel charts, the window's export with PNGs beside it, and the demo market's "score ≥ 85"
giving the same numbers from the CLI and the window."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.scan import ScanRequest
from desktop_app.core.table_file import ColumnFormat, read_table, sheet_title, write_table
from desktop_app.core.validation import Period, validate
from desktop_app.core.validation_tables import GROUP_KEYS, HORIZON_KEYS
from desktop_app.core.validation_xlsx import write_report_xlsx
from desktop_app.ui.validation_dialog import ValidationDialog


def _sheet(wb, prefix: str):
    return next(ws for ws in wb.worksheets if ws.title.startswith(prefix))


def _values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _same(cell, want) -> bool:
    if want is None:
        return cell is None
    return cell == pytest.approx(want, rel=0, abs=1e-11)


def check_workbook(path, d: dict) -> None:
    """Every number of the horizon, band, preset, entries and portfolio sheets equals ``d``."""
    wb = load_workbook(path)
    rows = _values(_sheet(wb, "持有期收益"))
    assert len(rows) == 1 + len(d["horizons"])
    for h, row in zip(d["horizons"], rows[1:]):
        s = d["overall"][str(h)]
        assert row[0] == f"+{h}"
        for key, cell in zip(HORIZON_KEYS, row[1:]):
            assert _same(cell, s[key]), (h, key, cell, s[key])
        assert row[-1] == d["pending"][str(h)]
    bands = _values(_sheet(wb, "按评分区间"))[1:]
    assert len(bands) == len(d["bands"])
    for b, row in zip(d["bands"], bands):
        for key, cell in zip(GROUP_KEYS, row[2:]):
            assert _same(cell, b["stats"]["5"][key])
    presets = _values(_sheet(wb, "按策略"))[1:] if d["presets"] else []
    for p, row in zip(d["presets"], presets):
        assert row[1] == p["signals"]
        for key, cell in zip(GROUP_KEYS, row[2:]):
            assert _same(cell, p["stats"]["5"][key])
    entries = dict((r[0], r[1]) for r in _values(_sheet(wb, "信号与入场"))[1:])
    assert entries["信号"] == d["signals"] and entries["买入"] == d["entries"]["bought"]
    pf = _values(_sheet(wb, "组合"))[1:]
    assert _same(pf[0][1], d["portfolio"]["total_return"]) and _same(pf[2][1], d["portfolio"]["max_drawdown"])
    days = _values(_sheet(wb, "每日信号数"))[1:]
    assert [[str(a), b] for a, b in days] == [list(x) for x in d["signals_per_day"]]
    eq = _values(_sheet(wb, "组合净值"))[1:]
    assert [r[1] for r in eq] == pytest.approx([c[1] for c in d["portfolio"]["curve"]])
    hist = _values(_sheet(wb, "+5日收益分布"))[1:]
    assert [r[1] for r in hist] == d["histograms"]["5"]["counts"]
    assert len(_sheet(wb, "图表")._charts) == 3
    # percent cells carry a percent format (shown as the report shows them)
    ws = _sheet(wb, "持有期收益")
    assert ws.cell(row=2, column=3).number_format.startswith("+0.00%")


def test_report_xlsx_cells_equal_the_reports_numbers(tmp_path):
    src = DemoSource(n_stocks=150)
    store = BarStore(tmp_path / "b.sqlite")
    d = validate(ScanRequest(min_score=55), Period(days=40), src, store, top_n=5, hold=3).to_dict()
    store.close()
    assert d["signals"] > 0 and d["presets"]
    write_report_xlsx(tmp_path / "r.xlsx", d, "zh")
    check_workbook(tmp_path / "r.xlsx", d)


def test_sheet_titles_are_valid_and_unique_and_one_sheet_still_writes(tmp_path):
    taken: set[str] = set()
    assert sheet_title("a/b:c*?[d]", taken) == "a b c   d"
    assert sheet_title("x" * 40, taken) == "x" * 31 and sheet_title("x" * 40, taken) == "x" * 27 + " (2)"
    write_table(tmp_path / "t.xlsx", ["代码", "涨跌幅"], [["000001", 1.5]],
                formats=[ColumnFormat("code"), ColumnFormat("percent", "0.00%")])
    assert read_table(tmp_path / "t.xlsx") == (["代码", "涨跌幅"], [["000001", 0.015]])


@pytest.fixture
def forty_days_85(monkeypatch):
    def exec_(self):
        self.last_radio.setChecked(True)
        self.days.setValue(40)
        self.top_n.setValue(5)
        self.hold.setValue(3)
        self.costs["commission"].setValue(0.03)          # percent: 0.03 %, and 0.1 % slippage
        self.costs["slippage"].setValue(0.1)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(ValidationDialog, "exec", exec_)


def test_score_85_same_numbers_from_the_cli_and_the_window_and_the_window_exports_xlsx(
        demo_window, qtbot, forty_days_85, tmp_path, capsys):
    w = demo_window(200)
    w.scan_panel.min_score.setValue(85)
    before = set(w.tm.task_ids())
    qtbot.mouseClick(w.validation.button, Qt.MouseButton.LeftButton)
    tid = (set(w.tm.task_ids()) - before).pop()
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=30000)
    info = w.tm.get(tid)
    assert info.status.value == "completed"
    qtbot.waitUntil(lambda: w.validation.report is not None and w.validation.report.isVisible(), timeout=5000)
    rep = w.validation.report
    win = rep.d
    rc = cli.main(["validate", "--demo-stocks", "200", "--min-score", "85", "--days", "40", "--top", "5",
                   "--hold", "3", "--commission", "0.0003", "--slippage", "0.001", "--quiet", "--json", "--xlsx", str(tmp_path / "cli.xlsx"), "--lang", "zh"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    cli_d = json.loads(out)
    assert cli_d["request"]["min_score"] == win["request"]["min_score"] == 85
    assert cli_d["signals"] == win["signals"] > 0
    assert win["portfolio"]["costs"] == {"commission": 0.0003, "stamp_duty": 0.0005, "slippage": 0.001}
    for key in ("overall", "bands", "presets", "entries", "pending", "portfolio", "signals_per_day", "histograms"):
        assert cli_d[key] == win[key], key
    check_workbook(tmp_path / "cli.xlsx", win)
    # the calibration chart (the bands tab) draws each band's mean +5 return, in percent
    bars = [i for i in rep.charts["bands"].getPlotItem().items if hasattr(i, "opts") and "height" in i.opts][0]
    want = [100 * b["stats"]["5"]["mean"] for b in win["bands"] if b["stats"]["5"]["mean"] is not None]
    assert list(bars.opts["height"]) == pytest.approx(want) and want
    # the window's export: the same workbook numbers, and the three charts as PNG files beside it
    w.apply_language("zh_CN")
    eid = rep.export_to(tmp_path / "win.xlsx")
    qtbot.waitUntil(lambda: w.tm.get(eid).is_terminal, timeout=20000)
    assert w.tm.get(eid).status.value == "completed", w.tm.get(eid).error
    check_workbook(tmp_path / "win.xlsx", win)
    for name in ("histogram", "signals", "equity", "bands"):
        png = (tmp_path / f"win-{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    w.apply_language("en")


class _RealLike:
    """The demo market seen as another source would be: no members to build an index from, its
    own index bars (``index_bars``) through the data layer instead."""

    is_demo = False

    def __init__(self, src):
        self._src = src
        self.name = "demo"

    def __getattr__(self, name):
        return getattr(self._src, name)


def test_a_source_with_index_bars_is_compared_with_them(tmp_path):
    import numpy as np

    src = DemoSource(n_stocks=150)
    store = BarStore(tmp_path / "b.sqlite")
    d = validate(ScanRequest(min_score=55), Period(days=40), _RealLike(src), store, top_n=5, hold=3,
                 horizons=[1, 5]).to_dict()
    store.close()
    assert d["index"]["code"] == "index_source"
    bars = src.index_bars("000300")
    days = [str(x[0]) for x in d["signals_per_day"]]
    dates = [str(t.date()) for t in bars.index]
    for k in (1, 5):                      # by hand: the index from the next open to the close k days on
        rets = []
        for day in days:
            e = dates.index(day) + 1
            if e + k < len(dates):
                rets.append(bars["close"].iloc[e + k] / bars["open"].iloc[e] - 1)
        assert d["index_mean"][str(k)] == pytest.approx(float(np.mean(rets)), rel=1e-12)
