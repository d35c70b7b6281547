"""A formula in a scan (core.scan.run_scan) and on the CLI (stockscan-cli scan --formula/--formula-file):
the selection ANDs with the score, number outputs become hit columns, exports carry them, and an
invalid formula is a positioned validation error (exit code 2)."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.refresh import backfill
from desktop_app.core.data.store import BarStore
from desktop_app.core.hits import export_rows, formula_columns
from desktop_app.core.reasons import R
from desktop_app.core.scan import LOOKBACK_DAYS, ScanError, ScanRequest, run_scan

N = 300
FORMULA = "M5:MA(C,5); M10:MA(C,10); 量:VOL; XG:M5>M10 AND C>O;"


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    src = DemoSource(n_stocks=N)
    store = BarStore(tmp_path_factory.mktemp("bars") / "bars-demo.sqlite")
    assert not backfill(src, store).failed
    yield src, store
    store.close()


def test_scan_with_a_formula_ands_it_with_the_score(market):
    src, store = market
    plain = run_scan(ScanRequest(min_score=0), src, store)
    out = run_scan(ScanRequest(min_score=0, formula=FORMULA), src, store)
    assert out.accounted == out.universe_size == N
    assert 0 < out.found < plain.found
    assert {h["symbol"] for h in out.hits} <= {h["symbol"] for h in plain.hits}
    panel = store.read_panel([h["symbol"] for h in plain.hits], last_n=LOOKBACK_DAYS)
    hits = {h["symbol"]: h for h in out.hits}
    for i, sym in enumerate(panel.symbols):
        df = panel.row_frame(i)
        c, o = df["close"].to_numpy(), df["open"].to_numpy()
        cents = np.round(c * 100).astype(np.int64)
        passes = 2 * cents[-5:].sum() > cents[-10:].sum() and c[-1] > o[-1]     # exact MA5 > MA10
        assert (sym in hits) == passes, sym
        if sym in hits:
            h = hits[sym]
            assert list(h)[-3:] == ["M5", "M10", "量"]
            assert h["M5"] == pytest.approx(c[-5:].mean(), rel=1e-12)
            assert h["M10"] == pytest.approx(c[-10:].mean(), rel=1e-12)
            assert h["量"] == pytest.approx(df["volume"].iloc[-1] / 100)
    assert formula_columns(out.hits) == ["M5", "M10", "量"]
    head, body = export_rows(out.hits, "zh")
    assert head[-3:] == ["M5", "M10", "量"] and all(isinstance(r[-1], float) for r in body)


def test_formula_with_a_preset_all_or_any(market):
    """The formula is one more condition beside the presets: "all" needs the preset AND the
    formula, "any" the preset OR the formula; the minimum score holds either way."""
    src, store = market
    f = "XG:C>MA(C,20)"
    both = run_scan(ScanRequest(min_score=50, strategies=["macd_golden"], mode="all", formula=f), src, store)
    either = run_scan(ScanRequest(min_score=50, strategies=["macd_golden"], mode="any", formula=f), src, store)
    preset = run_scan(ScanRequest(min_score=50, strategies=["macd_golden"]), src, store)
    above = run_scan(ScanRequest(min_score=50, formula=f), src, store)
    sym = lambda out: {h["symbol"] for h in out.hits}                          # noqa: E731
    assert sym(both) == sym(preset) & sym(above) and both.found > 0
    assert sym(either) == sym(preset) | sym(above) and either.found > preset.found
    assert all(h["score"] >= 50 for h in either.hits) and either.accounted == both.accounted == N
    # independently: the formula's condition on each hit's own bars
    panel = store.read_panel(sorted(sym(either)), last_n=LOOKBACK_DAYS)
    for i, s in enumerate(panel.symbols):
        c = panel.row_frame(i)["close"].to_numpy()
        assert (c[-1] > c[-20:].mean() + 1e-9) or s in sym(preset), s


def test_request_round_trip_and_validation():
    req = ScanRequest(formula="XG:CROSS(MA(C,5),MA(C,10))")
    again = ScanRequest.from_dict(json.loads(json.dumps(req.to_dict())))
    assert again == req and again.validate() == []
    assert ScanRequest.from_dict({"min_score": 10}).formula == ""       # requests saved before formulas
    assert "公式" in req.title("zh") and "Formula" in req.title("en")
    (p,) = ScanRequest(formula="XG:MAA(C,5)>1").validate()
    assert p.code == "formula_invalid"
    assert p.text("zh") == "公式：第1行第4列: 未知函数 MAA；是否是 MA?"
    (p,) = ScanRequest(formula="M:MA(C,5)").validate()
    assert p == R("formula_invalid", reason=R("formula_no_selection"))


def test_invalid_formula_refuses_the_scan(market):
    src, store = market
    with pytest.raises(ScanError) as info:
        run_scan(ScanRequest(formula="XG:ZIG(C,5)>0"), src, store)
    assert "未来函数: ZIG" in info.value.reason.text("zh")


def run_cli(capsys, *argv):
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_formula_csv_has_the_output_columns(capsys, tmp_path):
    path = tmp_path / "hits.csv"
    rc, out, err = run_cli(capsys, "scan", "--demo-stocks", "200", "--min-score", "0", "--formula", FORMULA,
                           "--csv", str(path), "--quiet", "--no-history")
    assert rc == 0, err
    rows = list(csv.reader(path.read_bytes().decode("utf-8-sig").splitlines()))
    assert rows[0][-3:] == ["M5", "M10", "量"] and len(rows) > 2
    last, m5 = rows[0].index("最新价"), rows[0].index("M5")
    assert all(float(r[m5]) > 0 and abs(float(r[m5]) - float(r[last])) / float(r[last]) < 0.5 for r in rows[1:])
    rc, out, err = run_cli(capsys, "scan", "--demo-stocks", "200", "--min-score", "0", "--formula", FORMULA,
                           "--json", "--quiet", "--no-history")
    res = json.loads(out)
    assert rc == 0 and res["request"]["formula"] == FORMULA and all("M10" in h for h in res["hits"])
    rc, out, err = run_cli(capsys, "scan", "--demo-stocks", "200", "--min-score", "0", "--formula", FORMULA,
                           "--quiet", "--no-history")
    assert rc == 0 and out.splitlines()[2].split("\t")[-3:] == ["M5", "M10", "量"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_cli_formula_file_in_gbk_or_utf8(capsys, tmp_path, encoding):
    f = tmp_path / "条件选股.txt"
    f.write_bytes("{金叉} 均线5:=MA(收盘价,5);\r\n均线10:=MA(收盘价,10);\r\nXG:均线5>均线10;".encode(encoding))
    rc, out, err = run_cli(capsys, "scan", "--demo-stocks", "200", "--min-score", "0", "--formula-file", str(f),
                           "--json", "--quiet", "--no-history")
    assert rc == 0, err
    res = json.loads(out)
    assert "均线5" in res["request"]["formula"] and res["found"] > 0


@pytest.mark.parametrize("lang,text", [("zh", "错误：公式：第1行第10列: 未知函数 MAA；是否是 MA?"),
                                       ("en", "error: formula: line 1, column 10: unknown function MAA; did you mean MA?")])
def test_cli_formula_error_is_positioned_and_exits_2(capsys, lang, text):
    rc, out, err = run_cli(capsys, "scan", "--lang", lang, "--demo-stocks", "200",
                           "--formula", "XG:CROSS(MAA(C,5),MA(C,10))", "--quiet", "--no-history")
    assert rc == 2 and text in err and out == ""


def test_cli_formula_file_unreadable(capsys, tmp_path):
    rc, out, err = run_cli(capsys, "scan", "--lang", "en", "--formula-file", str(tmp_path / "none.txt"), "--quiet",
                           "--no-history")
    assert rc == 2 and "cannot read the formula file" in err
