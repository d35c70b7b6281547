"""AnalysisPanel (issue 7): the report shown equals core.analysis for the same stock."""
from __future__ import annotations

import pytest

from desktop_app.core.analysis import build_report
from desktop_app.core.data.demo import DemoSource
from desktop_app.ui import i18n
from desktop_app.ui import theme
from desktop_app.ui.analysis_panel import MET_MARK, NOT_MET_MARK, AnalysisPanel, fmt_num, fmt_pct


@pytest.fixture(scope="module")
def demo() -> DemoSource:
    return DemoSource(n_stocks=200)


def _info(src: DemoSource, sym: str) -> dict:
    uni = src.universe()
    return uni[uni["symbol"] == sym].iloc[0].to_dict()


def _report(src: DemoSource, sym: str, n: int | None = None):
    bars = src.daily_bars(sym)
    if n is not None:
        bars = bars.iloc[:n]
    return build_report(bars, _info(src, sym))


@pytest.fixture
def panel(qtbot):
    i18n.set_language("en")
    p = AnalysisPanel()
    qtbot.addWidget(p)
    p.resize(480, 900)
    p.show()
    yield p
    i18n.set_language("en")


def _col(table, c):
    return [table.item(r, c).text() for r in range(table.rowCount())]


def test_report_content_matches_core(panel, demo):
    sym = demo.universe()["symbol"].iloc[7]
    rep = _report(demo, sym)
    panel.set_report(rep, is_demo=True)
    assert panel.symbol() == sym
    assert rep.name in panel.name_label.text() and sym in panel.name_label.text()
    assert "DEMO" in panel.identity_label.text()
    assert panel.price_label.text() == fmt_num(rep.last)
    assert fmt_pct(rep.chg_pct) in panel.change_label.text()
    want = (theme.up_color().name() if rep.chg_pct > 0 else theme.down_color().name() if rep.chg_pct < 0
            else None)
    if want:
        assert want in panel.price_label.styleSheet()
    assert panel.price_fields["high"][1].text() == fmt_num(rep.high)
    assert panel.price_fields["date"][1].text() == rep.date.isoformat()
    # score, label and the five dimensions
    assert panel.score_header.total_label.text() == f"{rep.score:.0f}"
    assert rep.label_en in panel.score_header.note_label.text()
    assert set(panel.dim_bars) == set(rep.dims)
    for dim, bar in panel.dim_bars.items():
        assert bar.value() == round(rep.dims[dim])
    assert sum(b.value() for b in panel.dim_bars.values()) == round(rep.score)
    # the full trace
    t = panel.trace_table
    assert t.rowCount() == len(rep.trace)
    assert [text.split("\n")[0] for text in _col(t, 1)] == [r["desc_en"] for r in rep.trace]
    assert all(text.split("\n")[1] for text, r in zip(_col(t, 1), rep.trace) if r["values"])  # values below
    assert _col(t, 2) == [MET_MARK if r["met"] else NOT_MET_MARK for r in rep.trace]
    assert _col(t, 3) == [f"{r['points_given']:.0f} / {r['points_possible']:.0f}" for r in rep.trace]
    assert sum(r["points_given"] for r in rep.trace) >= rep.score  # dims are capped
    # levels: resistances (farthest first) then supports (nearest first)
    levels = list(reversed(rep.resistances)) + list(rep.supports)
    assert _col(panel.levels_table, 1) == [fmt_num(lv["price"]) for lv in levels]
    assert _col(panel.levels_table, 2) == [fmt_pct(lv["distance_pct"]) for lv in levels]
    # risk and signals
    assert panel.risk_labels["max_drawdown_1y"][1].text() == fmt_pct(rep.risk["max_drawdown_1y"], 1)
    assert panel.risk_labels["days_since_52w_high"][1].text() == str(rep.risk["days_since_52w_high"])
    assert _col(panel.signals_table, 1) == [s["name_en"] for s in rep.recent_signals]
    assert panel.ind_labels["rsi"].text() == fmt_num(rep.indicators["rsi"])


def test_buttons_emit_symbol_and_universes(panel, demo, qtbot):
    sym = demo.universe()["symbol"].iloc[3]
    rep = _report(demo, sym)
    panel.set_report(rep)
    with qtbot.waitSignal(panel.add_to_watchlist, timeout=1000) as blk:
        panel.watch_button.click()
    assert blk.args == [sym]
    assert panel.scan_choices() == [f"industry:{rep.industry}", f"board:{rep.board}"]
    with qtbot.waitSignal(panel.scan_universe_requested, timeout=1000) as blk:
        panel.scan_button.click()
    assert blk.args == [f"industry:{rep.industry}"]
    with qtbot.waitSignal(panel.scan_universe_requested, timeout=1000) as blk:
        panel.scan_menu.actions()[1].trigger()
    assert blk.args == [f"board:{rep.board}"]
    with qtbot.waitSignal(panel.export_requested, timeout=1000) as blk:
        panel.html_button.click()
    assert blk.args == ["html"]


def test_clear_disables_actions(panel, demo):
    panel.set_report(_report(demo, demo.universe()["symbol"].iloc[0]))
    assert panel.watch_button.isEnabled()
    panel.clear()
    assert panel.report() is None and panel.symbol() == ""
    assert not panel.watch_button.isEnabled() and not panel.md_button.isEnabled()
    assert panel.trace_box.isHidden()


def test_short_history_not_scored_renders(panel, demo):
    sym = demo.universe()["symbol"].iloc[1]
    rep = _report(demo, sym, n=1)
    panel.set_report(rep)
    assert rep.score is None
    assert panel.score_header.total_label.text() == "—"
    assert rep.label_en in panel.score_header.note_label.text()
    assert all(b.value() == 0 for b in panel.dim_bars.values())


def test_chinese_labels(panel, demo):
    sym = demo.universe()["symbol"].iloc[7]
    rep = _report(demo, sym)
    i18n.set_language("zh_CN")
    panel.set_report(rep)
    assert panel.watch_button.text() == "加入自选股"
    assert panel.scan_button.text() == "扫描所属板块"
    assert rep.label_zh in panel.score_header.note_label.text()
    assert [text.split("\n")[0] for text in _col(panel.trace_table, 1)] == [r["desc_zh"] for r in rep.trace]
    assert panel.scan_menu.actions()[0].text() == f"扫描行业：{rep.industry}"
    i18n.set_language("en")
    panel.retranslate()
    assert panel.watch_button.text() == "Add to watchlist"
