"""Issue 16: a validation's formula sees the fundamental variables (PE, ROE, ZSZ …) as they stood on
each day (``core/validation_formula_fields``): a hand-made market against a hand computation,
truncation after D never changes D's selection, the as-of scan binds the same values on D, a
formula screen equals the same screen as bounds, and the CLI and the window agree."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from desktop_app.cli import main
from desktop_app.core import validation_fundamentals as vf
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.fundamental_store import FundamentalStore
from desktop_app.core.data.store import BarStore
from desktop_app.core.formula import compile_formula
from desktop_app.core.fundamentals_as_of import DayFundamentals
from desktop_app.core.panel import Panel
from desktop_app.core.scan import ScanRequest
from desktop_app.core.scan_fundamentals import AsOfReports
from desktop_app.core.validation import Period, validate
from desktop_app.core.validation_formula_fields import used_fields, with_day_fields


def _day(s: str) -> int:
    return int(np.datetime64(s, "D").astype(np.int64))


# ---------------------------------------------------------------------------------- hand-made market
SHARES = np.array([2e9, 1e9, 4e9])          # today's total shares of A, B, C


def _hand_market():
    dates = pd.bdate_range("2024-10-01", "2025-03-31")
    t = len(dates)
    k = np.arange(t, dtype=float)
    close = np.vstack([10.0 + 0.1 * k, np.full(t, 20.0) - 0.02 * k, 30.0 - 0.1 * k])
    close[1, 70:75] = np.nan                                   # B suspended five days
    panel = Panel(np.array(["A", "B", "C"], dtype=object), dates, {"close": close})
    rows = [  # symbol, period, public on, eps, roe
        ("A", "2024-06-30", "2024-08-20", 0.2, 6.0),
        ("A", "2024-09-30", "2024-10-26", 0.45, 8.0),         # a Saturday: from Monday on
        ("A", "2024-12-31", "2025-03-20", 0.5, 10.0),
        ("B", "2024-09-30", "2024-11-15", -0.1, -2.0),        # a loss: negative PE
        ("B", "2024-12-31", "2025-01-08", 0.6, 9.0),          # public inside B's data
        ("C", "2024-06-30", "2024-08-30", 0.4, 4.0),
        ("C", "2024-09-30", "2025-01-10", 0.9, 7.0),
    ]
    rep = pd.DataFrame(rows, columns=["symbol", "period", "public", "eps", "roe"])
    reports = pd.DataFrame({"symbol": rep["symbol"], "report_day": rep["period"].map(_day),
                            "available_day": rep["public"].map(_day), "eps": rep["eps"], "roe": rep["roe"]})
    for c in ("bvps", "profit_yoy", "revenue_yoy", "gross_margin", "debt_ratio", "revenue", "profit"):
        reports[c] = np.nan
    return panel, rep, reports


def _hand_values(panel, rep, i: int, c: int) -> tuple[float, float, float]:
    """(PE, ROE, ZSZ in 亿) of stock i on day c, from the definitions."""
    known = panel.close[i, :c + 1][np.isfinite(panel.close[i, :c + 1])]
    close = known[-1]
    mine = rep[(rep["symbol"] == panel.symbols[i]) & (pd.to_datetime(rep["public"]) <= panel.dates[c])]
    if not len(mine):
        return np.nan, np.nan, close * SHARES[i] / 1e8
    r = mine.sort_values("period").iloc[-1]
    annual_eps = r["eps"] * 12 / pd.Timestamp(r["period"]).month
    return close / annual_eps, r["roe"], close * SHARES[i] / 1e8


def _selection(text: str, panel) -> np.ndarray:
    f = compile_formula(text)
    sel = f.evaluate(panel)[f.selection.key]
    return (sel != 0) & ~np.isnan(sel)


def test_a_formula_on_pe_roe_and_zsz_equals_the_hand_computation():
    panel, rep, reports = _hand_market()
    fund = DayFundamentals(panel, reports, total_shares=SHARES)
    n, t = panel.shape
    text = "PE>0 AND PE<40 AND ROE>=7 AND ZSZ>30"
    names = used_fields(ScanRequest(formula=text))
    assert names == {"f_pe", "f_roe", "f_market_cap"}
    bound = with_day_fields(panel, np.arange(n), fund, names)
    got = _selection(text, bound)
    falls = _selection("PE<REF(PE,1)", bound)           # a series: yesterday's PE with yesterday's report
    want = np.zeros((n, t), dtype=bool)
    want_falls = np.zeros((n, t), dtype=bool)
    for i in range(n):
        traded = np.flatnonzero(np.isfinite(panel.close[i]))
        for j, c in enumerate(traded):
            pe, roe, zsz = _hand_values(panel, rep, i, c)
            np.testing.assert_allclose([bound.fields["f_pe"][i, c], bound.fields["f_roe"][i, c],
                                        bound.fields["f_market_cap"][i, c]], [pe, roe, zsz], equal_nan=True)
            want[i, c] = pe > 0 and pe < 40 and roe >= 7 and zsz > 30
            if j:
                want_falls[i, c] = pe < _hand_values(panel, rep, i, traded[j - 1])[0]
    assert got.tolist() == want.tolist()
    assert falls.tolist() == want_falls.tolist()
    # the market exercises each way: cells kept, and each stock both in and out over the period
    assert all(want[i].any() and (~want[i]).any() for i in range(n))
    # A's PE falls on the Monday its Q3 report counts (price rising every day otherwise)
    monday = list(panel.dates).index(pd.Timestamp("2024-10-28"))
    assert want_falls[0, monday] and not want_falls[0, monday - 1] and not want_falls[0, monday + 1]


def test_without_fundamentals_or_variables_the_chunk_is_unchanged():
    panel, _rep, reports = _hand_market()
    fund = DayFundamentals(panel, reports)
    assert with_day_fields(panel, np.arange(3), fund, set()) is panel
    assert with_day_fields(panel, np.arange(3), None, {"f_pe"}) is panel
    assert used_fields(ScanRequest(formula="C>MA(C,5)")) == set() and used_fields(ScanRequest()) == set()
    # a chunk of rows gets its own rows' values
    part = with_day_fields(panel.rows(np.array([2])), np.array([2]), fund, {"f_roe"})
    whole = with_day_fields(panel, np.arange(3), fund, {"f_roe"})
    np.testing.assert_array_equal(part.fields["f_roe"][0], whole.fields["f_roe"][2])


# ---------------------------------------------------------------------------------- the demo market
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    src = DemoSource(n_stocks=150)
    store = BarStore(tmp_path_factory.mktemp("vff") / "bars.sqlite")
    yield src, store, src.panel()
    store.close()


HISTORY = "PE>0 AND PE<REF(PE,5)*1.05 AND ROE>MA(ROE,10)-1 AND LTSZ>5 AND NPYOY>-50"


def test_truncating_after_d_never_changes_ds_selection(demo):
    src, store, panel = demo
    request = ScanRequest(formula=HISTORY)
    n, t = panel.shape
    names = used_fields(request)
    full = with_day_fields(panel, np.arange(n), vf.load(request, src, store, panel), names)
    sel_full = _selection(HISTORY, full)
    rng = np.random.default_rng(1616)
    kept = out = 0
    for c in sorted(rng.choice(np.arange(250, t - 1), size=5, replace=False)):
        cut = Panel(panel.symbols, panel.dates[:c + 1], {k: v[:, :c + 1] for k, v in panel.fields.items()})
        part = with_day_fields(cut, np.arange(n), vf.load(request, src, store, cut), names)
        assert _selection(HISTORY, part)[:, c].tolist() == sel_full[:, c].tolist()
        kept += int(sel_full[:, c].sum())
        out += int((~sel_full[:, c]).sum())
    assert kept > 0 and out > 0


def test_on_d_the_validation_binds_what_the_as_of_scan_binds(demo):
    src, store, panel = demo
    text = "PE>0 AND PE<30 AND ROE>5 AND ZSZ>10"
    request = ScanRequest(formula=text)
    n, t = panel.shape
    fund = vf.load(request, src, store, panel)
    full = with_day_fields(panel, np.arange(n), fund, used_fields(request))
    sel = _selection(text, full)
    fstore = FundamentalStore(store)
    f = compile_formula(text)
    for c in (260, 420, t - 2):
        day = panel.dates[c].date()
        cut = Panel(panel.symbols, panel.dates[:c + 1], {k: v[:, :c + 1] for k, v in panel.fields.items()})
        scan = AsOfReports(fstore.all_reports(day), fstore.valuations()).on_panel(cut).with_fields(cut)
        traded = np.isfinite(panel.close[:, c])
        for name in ("f_pe", "f_roe", "f_market_cap"):
            np.testing.assert_allclose(full.fields[name][traded, c], scan.fields[name][traded, -1], equal_nan=True)
        last = f.last_values(scan, [f.selection.key])[f.selection.key]
        assert (((last != 0) & ~np.isnan(last))[traded]).tolist() == sel[traded, c].tolist()
        assert sel[traded, c].any()


def test_a_formula_screen_equals_the_same_screen_as_bounds(demo):
    src, store, _panel = demo
    bounds = validate(ScanRequest(min_score=50, pe_max=25.0, roe_min=5.0), Period(days=120), src, store)
    formula = validate(ScanRequest(min_score=50, formula="PE>0 AND PE<=25 AND ROE>=5"), Period(days=120), src, store)
    plain = validate(ScanRequest(min_score=50), Period(days=120), src, store)
    assert 0 < formula.signals < plain.signals
    assert formula.signals == bounds.signals
    assert formula.to_dict()["overall"] == bounds.to_dict()["overall"]
    assert any(b.code == "bias_fund_derived" for b in formula.biases)


# ---------------------------------------------------------------------------------- CLI and window
SCREEN = "PE>0 AND PE<30 AND ROE>3"


def test_the_cli_and_the_window_give_the_same_formula_screen(demo_window, qtbot, monkeypatch, tmp_path, capsys):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog
    from desktop_app.ui.validation_dialog import ValidationDialog

    def exec_(self):
        self.last_radio.setChecked(True)
        self.days.setValue(40)
        self.top_n.setValue(5)
        self.hold.setValue(3)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(ValidationDialog, "exec", exec_)
    w = demo_window(200)
    sp = w.scan_panel
    sp.min_score.setValue(55)
    sp.formula_editor.set_text(SCREEN)
    before = set(w.tm.task_ids())
    qtbot.mouseClick(w.validation.button, Qt.MouseButton.LeftButton)
    (tid,) = set(w.tm.task_ids()) - before
    qtbot.waitUntil(lambda: w.validation.report is not None and w.validation.report.isVisible(), timeout=30000)
    info = w.tm.get(tid)
    assert info.status.value == "completed"
    assert ScanRequest.from_dict(info.params["request"]).formula == SCREEN
    monkeypatch.setenv("STOCKSCAN_HOME", str(tmp_path / "cli-home"))
    assert main(["validate", "--demo-stocks", "200", "--min-score", "55", "--days", "40", "--top", "5",
                 "--hold", "3", "--formula", SCREEN, "--quiet", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    plain = validate(ScanRequest(min_score=55), Period(days=40), w.ctx.source, w.ctx.store, top_n=5, hold=3)
    assert 0 < d["signals"] < plain.signals
    assert info.found == d["signals"]
    assert json.loads(json.dumps(w.validation.report.d["overall"])) == d["overall"]
