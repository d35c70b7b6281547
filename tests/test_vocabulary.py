"""Issue 10, "Done when": one vocabulary. With the UI in Chinese, nothing core says reaches the user
in English (task table, its tooltips, task details, scan panel messages, analysis panel, the zh
report); in English, nothing Chinese except names. The window's CSV equals the CLI's for the same
scan, and a task re-run after a source switch runs on the new source."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget

from desktop_app import cli
from desktop_app.core.catalogue import REASONS
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.reasons import R, Reason
from desktop_app.core.report_format import to_markdown
from desktop_app.ui import i18n
from desktop_app.ui.app_context import AppContext
from desktop_app.ui.task_view import TaskDetailsDialog

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
WORD = re.compile(r"[A-Za-z]{3,}")
#: Latin words a Chinese trading screen shows too: indicator names, file kinds, the product.
ALLOWED = {"DEMO", "MACD", "KDJ", "RSI", "BOLL", "ATR", "ROC", "ETF", "LOF", "StockScan", "CSV",
           "XLSX", "PNG", "HTML", "Markdown", "OBV", "CCI", "BIAS", "HTTP", "SSL", "akshare", "DIF", "DEA",
           "ROC"}
FAULTS = {"network": 0.08, "no_data": 0.04, "unparseable": 0.04}


def english_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def chinese_outside(text: str, names: set[str]) -> list[str]:
    for n in sorted(names, key=len, reverse=True):
        text = text.replace(n, "")
    return CJK.findall(text)


@pytest.fixture
def window(qtbot, tmp_path, open_window):
    made = []

    def make(lang: str, faults: dict | None = None, n: int = 150):
        src = DemoSource(n_stocks=n, faults=faults)
        made.append(open_window(AppContext(source=src, store=BarStore(tmp_path / f"bars{len(made)}.sqlite"),
                                           auto_backfill=False)))
        made[-1].apply_language(lang)
        return made[-1]

    return make


def _wait(qtbot, w, tid, timeout=30000):
    qtbot.waitUntil(lambda: w.tm.get(tid).is_terminal, timeout=timeout)


def visible_strings(w, tids) -> list[str]:
    """Every string a user can read about these tasks, the scan panel and the open stock."""
    out: list[str] = []
    tm = w.tm
    for r in range(tm.rowCount()):
        for c in range(tm.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                v = tm.index(r, c).data(role)
                if v:
                    out.append(str(v))
    for tid in tids:
        out.append(TaskDetailsDialog.describe(tm.get(tid), tm).split("\n", 2)[-1])  # past title/id lines
    panel = w.scan_panel
    out += [lab.text() for lab in panel.findChildren(QLabel) if lab.isVisible() and lab.text()]
    ap = w.stock_view.panel
    out += [re.sub(r"<[^>]+>", "", lab.text()) for lab in ap.findChildren(QLabel) if lab.text()]
    for t in ap.findChildren(QTableWidget):
        for r in range(t.rowCount()):
            for c in range(t.columnCount()):
                it = t.item(r, c)
                if it is not None and it.text():
                    out.append(it.text())
    return out


def _exercise(qtbot, w) -> tuple[list[str], str]:
    """A scan and a backfill with injected faults, a refused request, an opened stock."""
    w.scan_panel.min_score.setValue(0)
    scan = w.start_scan()
    _wait(qtbot, w, scan)
    assert w.tm.get(scan).failed > 0                       # faults were injected: reasons to show
    fill = w.ctx.start_backfill([str(s) for s in w.ctx.source.universe()["symbol"][:40]])
    _wait(qtbot, w, fill)
    listed = set(w.ctx.source.universe()["symbol"])
    missing = next(c for c in ("688981", "600000", "000002", "300001") if c not in listed)
    w.scan_panel.set_universe(f"codes:{missing}")
    refused = w.start_scan()
    _wait(qtbot, w, refused)
    assert w.tm.get(refused).status.value == "failed"
    sym = w.tm.results_model(scan).row_dict(0)["symbol"]
    with qtbot.waitSignal(w.stock_view.stock_loaded, timeout=10000):
        w.open_symbol(sym)
    report = to_markdown(w.stock_view.current_report(), "zh" if i18n.is_zh() else "en")
    return [scan, fill, refused], report


def test_chinese_ui_shows_no_english_from_core(window, qtbot):
    w = window("zh_CN", FAULTS)
    tids, report = _exercise(qtbot, w)
    leaks = {s: english_words(s) for s in visible_strings(w, tids)}
    by_word: dict[str, str] = {}
    for s, ws in leaks.items():
        for x in ws:
            by_word.setdefault(x, s[:120])
    assert not by_word, "\n".join(f"{k!r}: {v!r}" for k, v in sorted(by_word.items()))
    report_words = [x for x in english_words(report) if x not in {"MA"}]
    assert report_words == []


def test_english_ui_shows_no_chinese_outside_names(window, qtbot):
    w = window("en", FAULTS)
    tids, report = _exercise(qtbot, w)
    uni = w.ctx.source.universe()
    names = set(uni["name"]) | set(uni["industry"]) | {"沪深300", "中证500", "上证指数"}
    names |= {w.tm.get(t).title for t in tids}          # titles hold universe names the user chose
    leaks = {s: chinese_outside(s, names) for s in visible_strings(w, tids)}
    assert {s: c for s, c in leaks.items() if c} == {}
    assert chinese_outside(report, names) == []


def test_every_reason_in_the_catalogue_has_both_languages_and_renders():
    for code, (zh, en) in REASONS.items():
        assert zh and en, code
        if code != "text":
            assert CJK.search(zh) or not WORD.search(zh.replace("{", " ").replace("}", " ")) or code.startswith(
                ("level_ma", "cause_other")), (code, zh)
    # nested reasons and per-language names render in the asked language
    r = R("failure_kind", kind={"zh": "网络", "en": "network"}, reason=R("data_timeout", what=R("what_snapshot"),
                                                                        host={"zh": "东方财富", "en": "eastmoney"},
                                                                        limit=R("timeout_limit", seconds=15.0)))
    assert r.text("zh") == "网络：行情快照：东方财富未在规定时间内应答（15 秒）"
    assert str(r) == "network: market snapshot: eastmoney did not answer in time (15 s)"
    assert Reason.of(r.to_json()) == r or Reason.of(r.to_json()).text("zh") == r.text("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_scan_speaks_the_asked_language(capsys, lang):
    rc = cli.main(["scan", "--lang", lang, "--demo-stocks", "120", "--universe", "codes:600000,abc,000300",
                   "--min-score", "0", "--no-history", "--quiet"])
    out, err = capsys.readouterr()
    text = out + err
    if lang == "zh":
        assert "不是股票代码" in text or "不在数据源" in text, text
        assert [w for w in english_words(text) if w not in {"abc"}] == [], text
    else:
        assert "not a stock code" in text or "not in the source" in text, text
        assert chinese_outside(text, set(DemoSource(n_stocks=120).universe()["name"])) == [], text
    assert rc in (0, 2)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_window_csv_equals_cli_csv_for_the_same_scan(window, qtbot, tmp_path, monkeypatch, capsys, lang):
    w = window(lang, None, n=200)
    w.scan_panel.min_score.setValue(40)
    tid = w.start_scan()
    _wait(qtbot, w, tid)
    gui_path = tmp_path / "gui.csv"
    eid = w.export_results(gui_path)
    _wait(qtbot, w, eid)
    assert w.tm.get(eid).status.value == "completed", w.tm.get(eid).error
    cli_path = tmp_path / "cli.csv"
    req = w.tm.get(tid).params["request"]
    argv = ["scan", "--lang", "zh" if lang == "zh_CN" else "en", "--demo-stocks", "200", "--min-score",
            str(req["min_score"]), "--min-listed-days", str(req["min_listed_days"]), "--csv", str(cli_path),
            "--quiet", "--no-history"]
    assert cli.main(argv) == 0, capsys.readouterr().err
    gui, cli_bytes = gui_path.read_bytes(), cli_path.read_bytes()
    assert gui.count(b"\n") > 10
    assert gui == cli_bytes


def test_rerun_after_a_source_switch_runs_on_the_new_source(window, qtbot, tmp_path):
    w = window("en", None, n=120)
    w.scan_panel.min_score.setValue(0)
    first = w.start_scan()
    _wait(qtbot, w, first)
    old_symbols = set(w.ctx.source.universe()["symbol"])
    assert w.tm.get(first).total == len(old_symbols)
    # switch to a different (larger) market, as the status bar's source switch does
    new = DemoSource(n_stocks=260, seed=11)
    w.ctx._on_source_ready((new, BarStore(tmp_path / "other.sqlite"), ""))
    again = w.tm.rerun(first)
    _wait(qtbot, w, again)
    info = w.tm.get(again)
    assert info.status.value == "completed", info.error
    assert info.total == 260 and info.params["source"] == new.name
    got = {r["symbol"] for r in w.tm.results_model(again).rows()}
    assert got <= set(new.universe()["symbol"]) and got - old_symbols


def test_every_catalogue_entry_is_used_by_some_code():
    """Like the translation catalogue, core's catalogue holds no words nobody says."""
    import ast
    from pathlib import Path

    from desktop_app.core.catalogue import MESSAGES, WORDS

    consts: set[str] = set()
    prefixes: set[str] = set()
    pkg = Path(__file__).resolve().parents[1] / "desktop_app"
    for path in pkg.rglob("*.py"):
        if path.name in ("catalogue.py", "formula_reasons.py"):   # the catalogue itself
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                consts.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(str(node.values[0].value))       # f"demo_fault_{kind}", f"mode_{mode}"

    def used(key: str) -> bool:
        return key in consts or any(p and key.startswith(p) for p in prefixes)

    unused = [k for table in (REASONS, MESSAGES, WORDS) for k in table if not used(k)]
    assert unused == [], unused
