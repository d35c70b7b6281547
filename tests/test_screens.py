"""Saved screens (core.screens): named, versioned JSON documents in the data dir."""
from __future__ import annotations

import json

import pytest

from desktop_app.core.scan import ScanRequest
from desktop_app.core.screens import (NAME_LIMIT, SCREEN_VERSION, Screen, ScreenError, ScreenLibrary,
                                      file_name, read_screen_file)


def _screen(name="放量金叉", **kw) -> Screen:
    req = ScanRequest(universe="index:000300", min_score=55, strategies=["ma_bull"], mode="any", price_max=50.0)
    return Screen(name, req.to_dict(), columns=["symbol", "name", "last", "score"], **kw)


def test_save_list_get_and_delete(tmp_path):
    lib = ScreenLibrary(tmp_path / "screens")
    assert lib.names() == []
    lib.save(_screen())
    lib.save(_screen("a/b:c"))
    lib.save(_screen("a_b_c"))               # unsafe characters never make two names share a file
    assert lib.names() == sorted(["放量金叉", "a/b:c", "a_b_c"])
    got = lib.get("放量金叉")
    assert got.scan_request() == ScanRequest(universe="index:000300", min_score=55, strategies=["ma_bull"],
                                             mode="any", price_max=50.0)
    assert got.columns == ["symbol", "name", "last", "score"] and got.version == SCREEN_VERSION
    assert lib.delete("a/b:c") and not lib.delete("a/b:c")
    assert "a/b:c" not in lib.names()


def test_saving_again_overwrites_and_the_file_is_plain_json(tmp_path):
    lib = ScreenLibrary(tmp_path)
    lib.save(_screen())
    s = _screen()
    s.request["min_score"] = 70
    p = lib.save(s)
    assert len(list(tmp_path.glob("*.screen.json"))) == 1
    doc = json.loads(p.read_text("utf-8"))
    assert doc["stockscan_screen"] == 1 and doc["name"] == "放量金叉" and doc["request"]["min_score"] == 70


def test_a_missing_screen_names_the_saved_ones(tmp_path):
    lib = ScreenLibrary(tmp_path)
    lib.save(_screen())
    with pytest.raises(ScreenError) as e:
        lib.get("不存在")
    assert e.value.reason.text("zh") == "没有名为“不存在”的选股方案（已有：放量金叉）"
    assert "放量金叉" in e.value.reason.text("en")


@pytest.mark.parametrize("name, code", [("", "screen_name_empty"), ("   ", "screen_name_empty"),
                                        ("长" * (NAME_LIMIT + 1), "screen_name_long")])
def test_bad_names_are_refused(tmp_path, name, code):
    with pytest.raises(ScreenError) as e:
        ScreenLibrary(tmp_path).save(_screen(name))
    assert e.value.reason.code == code


def test_export_and_import_under_another_name(tmp_path):
    a, b = ScreenLibrary(tmp_path / "a"), ScreenLibrary(tmp_path / "b")
    a.save(_screen())
    out = a.export("放量金叉", tmp_path / "my screen.json")
    got = b.import_file(out, name="同事的方案")
    assert b.names() == ["同事的方案"] and got.request == a.get("放量金叉").request


@pytest.mark.parametrize("content, detail", [
    (b"{not json", "不是有效的 JSON（第 1 行第 2 列）"),
    (b'{"name": "x"}', "它不是 StockScan 的选股方案（缺少 stockscan_screen）"),
    (b'{"stockscan_screen": 1, "name": "x"}', "它不是 StockScan 的选股方案（缺少 request）"),
    (b'{"stockscan_screen": 9, "name": "x", "request": {}}', "它由更新版本的 StockScan 保存（方案版本 9，本版本支持到 1）"),
    (b"\xff\xfe\x00", "不是 UTF-8 文本"),
])
def test_a_file_that_is_no_screen_says_why(tmp_path, content, detail):
    p = tmp_path / "x.json"
    p.write_bytes(content)
    with pytest.raises(ScreenError) as e:
        read_screen_file(p)
    assert e.value.reason.text("zh") == f"无法读取选股方案文件 {p}：{detail}"


def test_a_damaged_file_in_the_folder_is_skipped_not_fatal(tmp_path):
    lib = ScreenLibrary(tmp_path)
    lib.save(_screen())
    (tmp_path / file_name("坏的")).write_text("{", "utf-8")
    assert lib.names() == ["放量金叉"]
    with pytest.raises(ScreenError):
        lib.get("坏的")


def test_unknown_request_keys_from_a_newer_minor_version_are_dropped(tmp_path):
    s = _screen()
    s.request["some_future_filter"] = 3
    assert s.scan_request().min_score == 55
