"""stockscan-cli screens and scan --screen / --save-screen: saved screens from the command line."""
from __future__ import annotations

import json

from desktop_app import cli
from desktop_app.core.scan import ScanRequest
from desktop_app.core.screens import ScreenLibrary

DEMO = ("--source", "demo", "--demo-stocks", "200", "--quiet")


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_save_run_and_override_a_screen(capsys, isolated_home):
    rc, out, err = run_cli(capsys, "scan", *DEMO, "--universe", "chinext", "--min-score", "50",
                           "--formula", "C>MA(C,20)", "--save-screen", "创业板强势", "--json")
    assert rc == 0, err and "已保存选股方案“创业板强势”" in err
    saved = json.loads(out)
    screen = ScreenLibrary().get("创业板强势")
    assert screen.scan_request() == ScanRequest(universe="chinext", min_score=50, formula="C>MA(C,20)")
    # run as saved: the same hits
    rc, out, err = run_cli(capsys, "scan", *DEMO, "--screen", "创业板强势", "--json")
    assert rc == 0, err
    again = json.loads(out)
    assert [h["symbol"] for h in again["hits"]] == [h["symbol"] for h in saved["hits"]] and saved["hits"]
    # options given with it change it for this run only
    rc, out, err = run_cli(capsys, "scan", *DEMO, "--screen", "创业板强势", "--universe", "all", "--json")
    assert rc == 0, err
    wider = json.loads(out)
    assert wider["universe_size"] == 200 and again["universe_size"] < 200
    assert {h["symbol"] for h in again["hits"]} <= {h["symbol"] for h in wider["hits"]}
    assert all(h["score"] >= 50 for h in wider["hits"])                   # the screen's minimum kept
    assert ScreenLibrary().get("创业板强势").request["universe"] == "chinext"


def test_list_show_export_import_delete(capsys, isolated_home, tmp_path):
    rc, out, err = run_cli(capsys, "screens")
    assert rc == 0 and "还没有保存的选股方案" in err
    run_cli(capsys, "scan", *DEMO, "--min-score", "70", "--save-screen", "高分")
    rc, out, err = run_cli(capsys, "screens", "list")
    assert rc == 0 and out.splitlines() == ["高分\t全市场 · 得分≥70"]
    rc, out, err = run_cli(capsys, "screens", "show", "高分", "--lang", "en")
    assert rc == 0 and out.splitlines()[0] == "高分" and any("70" in line for line in out.splitlines()[1:])
    path = tmp_path / "out.json"
    rc, out, err = run_cli(capsys, "screens", "export", "高分", str(path))
    assert rc == 0 and json.loads(path.read_text("utf-8"))["request"]["min_score"] == 70
    rc, out, err = run_cli(capsys, "screens", "import", str(path), "--name", "高分副本")
    assert rc == 0 and ScreenLibrary().names() == ["高分", "高分副本"]
    # a 通达信 formula file in GBK becomes a screen named after the file
    txt = tmp_path / "放量突破.txt"
    txt.write_bytes("{放量突破} C>HHV(REF(C,1),20) AND V>MA(V,5)*2;".encode("gbk"))
    rc, out, err = run_cli(capsys, "screens", "import", str(txt))
    assert rc == 0, err
    assert ScreenLibrary().get("放量突破").request["formula"] == "{放量突破} C>HHV(REF(C,1),20) AND V>MA(V,5)*2;"
    rc, out, err = run_cli(capsys, "screens", "delete", "高分副本")
    assert rc == 0 and "高分副本" not in ScreenLibrary().names()


def test_bad_screen_input_is_one_sentence(capsys, isolated_home):
    run_cli(capsys, "scan", *DEMO, "--save-screen", "甲")
    rc, out, err = run_cli(capsys, "scan", *DEMO, "--screen", "乙")
    assert rc != 0 and err.strip() == "错误：没有名为“乙”的选股方案（已有：甲）"
    rc, out, err = run_cli(capsys, "screens", "show")
    assert rc == 2 and "需要方案名称" in err
    rc, out, err = run_cli(capsys, "screens", "delete", "乙", "--lang", "en")
    assert rc == 1 and "there is no saved screen named '乙'" in err
    rc, out, err = run_cli(capsys, "scan", *DEMO, "--save-screen", "  ")
    assert rc != 0 and "请给选股方案起个名字" in err


def test_export_a_screens_formula_as_a_tdx_text_file(capsys, isolated_home, tmp_path):
    formula = "{倍量} V>=REF(V,1)*2;\nXG:C>MA(C,5);"
    run_cli(capsys, "scan", *DEMO, "--formula", formula, "--save-screen", "倍量上穿")
    out = tmp_path / "倍量上穿.txt"
    rc, _, err = run_cli(capsys, "screens", "export", "倍量上穿", str(out))
    assert rc == 0, err
    raw = out.read_bytes()
    assert raw.decode("gb18030") == formula.replace("\n", "\r\n") + "\r\n"   # 通达信 reads GBK text
    with __import__("pytest").raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rc, _, err = run_cli(capsys, "screens", "import", str(out), "--name", "再导入")    # and back
    assert rc == 0 and ScreenLibrary().get("再导入").request["formula"].split() == formula.split()
    run_cli(capsys, "scan", *DEMO, "--save-screen", "无公式")
    rc, _, err = run_cli(capsys, "screens", "export", "无公式", str(tmp_path / "x.txt"))
    assert rc == 1 and "没有公式" in err
