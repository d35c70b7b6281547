"""Watchlist groups and holdings in SQLite: group operations, the migration of watchlist.json,
.blk / CSV / XLSX / clipboard imports with their rejected lines, holdings CSV/XLSX round trips."""
from __future__ import annotations

import json

import pytest

from desktop_app.core.holdings_file import export_holdings, preview_holdings
from desktop_app.core.watch_import import blk_bytes, parse_blk, parse_text, preview_file
from desktop_app.core.watch_store import DEFAULT_GROUP, Holding, WatchError, WatchStore


def test_new_store_has_one_empty_default_group(tmp_path):
    s = WatchStore(tmp_path / "w.sqlite")
    assert s.groups() == [DEFAULT_GROUP] and s.members(DEFAULT_GROUP) == []


def test_watchlist_json_migrates_into_the_first_group_in_order(tmp_path):
    (tmp_path / "watchlist.json").write_text(json.dumps({"version": 1, "symbols": ["600519", "000001", "300750"]}))
    s = WatchStore(tmp_path / "w.sqlite")
    assert s.members(DEFAULT_GROUP) == ["600519", "000001", "300750"]
    assert (tmp_path / "watchlist.json").exists()          # kept for an older version
    s.remove(DEFAULT_GROUP, ["000001"])
    again = WatchStore(tmp_path / "w.sqlite")             # migrated once: a removal stays removed
    assert again.members(DEFAULT_GROUP) == ["600519", "300750"]


def test_legacy_forms_migrate_too(tmp_path):
    # a bare list with a BOM and a trailing comma, as Notepad users leave it
    (tmp_path / "watchlist.json").write_bytes('\ufeff["sh600519", "000001.SZ",]'.encode("utf-8"))
    assert WatchStore(tmp_path / "w.sqlite").members(DEFAULT_GROUP) == ["600519", "000001"]


def test_group_operations(tmp_path):
    s = WatchStore(tmp_path / "w.sqlite")
    s.create_group("自选股2")
    with pytest.raises(WatchError):
        s.create_group("自选股2")
    with pytest.raises(WatchError):
        s.create_group("  ")
    assert s.add(DEFAULT_GROUP, ["600519", "000001", "bogus", "600519"]) == ["600519", "000001"]
    assert s.add(DEFAULT_GROUP, ["300750"], at=0) == ["300750"]
    assert s.members(DEFAULT_GROUP) == ["300750", "600519", "000001"]
    assert s.move(["600519"], DEFAULT_GROUP, "自选股2") == ["600519"]
    assert s.members(DEFAULT_GROUP) == ["300750", "000001"] and s.members("自选股2") == ["600519"]
    s.reorder(DEFAULT_GROUP, ["000001", "300750"])
    assert s.members(DEFAULT_GROUP) == ["000001", "300750"]
    s.rename_group("自选股2", "白酒")
    assert s.groups() == [DEFAULT_GROUP, "白酒"] and s.members("白酒") == ["600519"]
    s.delete_group("白酒")
    assert s.groups() == [DEFAULT_GROUP]
    with pytest.raises(WatchError):
        s.add("白酒", ["600519"])


def test_blk_import_reports_bad_lines():
    data = "\r\n1600519\r\n0000001\r\n2920001\r\n0600519\r\n7600000\r\n1510300\r\nabc\r\n0000001\r\n".encode("gbk")
    p = parse_blk(data)
    assert p.codes == ["600519", "000001", "920001"]
    assert p.duplicates == 1
    lines = {n: (text, r.code) for n, text, r in p.rejected}
    assert lines == {5: ("0600519", "code_wrong_exchange"), 6: ("7600000", "blk_bad_market"),
                     7: ("1510300", "code_fund"), 8: ("abc", "code_not_digits")}


def test_blk_round_trip_and_file_preview(tmp_path):
    path = tmp_path / "ZXG.blk"
    path.write_bytes(blk_bytes(["600519", "000001", "920001"]))
    assert path.read_bytes() == b"1600519\r\n0000001\r\n2920001\r\n"
    assert preview_file(path).codes == ["600519", "000001", "920001"]


def test_csv_import_gbk_with_header_and_bad_rows(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("名称,代码\n贵州茅台,600519\n平安银行,000001\n上证,000300\n空,\n".encode("gbk"))
    p = preview_file(path)
    assert p.codes == ["600519", "000001"]
    assert [(n, t, r.code) for n, t, r in p.rejected] == [(4, "000300", "code_is_named_index"), (5, "", "code_empty")]


def test_xlsx_import_pads_codes_excel_made_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name"])
    ws.append([600519, "贵州茅台"])
    ws.append([586, "汇源通信"])           # 000586 typed into Excel
    ws.append(["sz300750", "宁德时代"])
    ws.append(["12345", "?"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    p = preview_file(path)
    assert p.codes == ["600519", "000586", "300750"]
    assert [(n, t, r.code) for n, t, r in p.rejected] == [(5, "12345", "code_length")]


def test_clipboard_text():
    p = parse_text("600519 000001\n510300, 300750")
    assert p.codes == ["600519", "000001", "300750"]
    assert [(n, t) for n, t, _ in p.rejected] == [(2, "510300")]


def test_holdings_add_validate_and_round_trip(tmp_path):
    s = WatchStore(tmp_path / "w.sqlite")
    h = s.add_holding("sh600519", 100, 1500.5, "2024-03-01")
    assert (h.code, h.quantity, h.cost, h.date) == ("600519", 100.0, 1500.5, "2024-03-01")
    for bad in (("600519", 0, 10), ("600519", "x", 10), ("600519", 10, -1), ("510300", 10, 1)):
        with pytest.raises(WatchError):
            s.add_holding(*bad)
    with pytest.raises(WatchError):
        s.add_holding("600519", 1, 1, "01/02/2024")
    s.add_holding("000001", 2000, 10.25)
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"h.{suffix}"
        export_holdings(out, s.holdings(), "zh")
        back = preview_holdings(out)
        assert back.rejected == []
        assert [(x.code, x.quantity, x.cost, x.date) for x in back.holdings] == \
            [("600519", 100.0, 1500.5, "2024-03-01"), ("000001", 2000.0, 10.25, "")]


def test_holdings_import_reports_bad_rows(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("code,quantity,cost,date\n600519,100,1500,2024-01-02\n000001,-5,10,\n510300,1,1,\n"
                    "300750,10,abc,\n", encoding="utf-8")
    p = preview_holdings(path)
    assert [h.code for h in p.holdings] == ["600519"]
    assert [(n, r.code) for n, _, r in p.rejected] == [(3, "holding_quantity_positive"), (4, "code_fund"),
                                                        (5, "holding_bad_number")]
    s = WatchStore(tmp_path / "w.sqlite")
    s.add_holding("000002", 1, 1)
    assert s.replace_holdings(p.holdings) == 1
    assert [h.code for h in s.holdings()] == ["600519"]
    assert isinstance(s.holdings()[0], Holding)


def test_group_watchlist_queues_changes_and_saves_them_in_order(tmp_path):
    from desktop_app.core.group_watchlist import GroupWatchlist

    store = WatchStore(tmp_path / "w.sqlite")
    wl = GroupWatchlist(store)
    assert wl.group == DEFAULT_GROUP and wl.add("600519 000001") == ["600519", "000001"]
    wl.create_group("短线")
    wl.set_group("短线")
    assert wl.symbols() == [] and wl.add(["300750"]) == ["300750"]
    assert wl.move(["600519"], "短线", DEFAULT_GROUP) == ["600519"]
    wl.rename_group("短线", "波段")
    assert wl.group == "波段" and wl.symbols() == ["300750", "600519"]
    assert store.groups() == [DEFAULT_GROUP]            # nothing written before save()
    wl.save()
    assert store.all_members() == {DEFAULT_GROUP: ["000001"], "波段": ["300750", "600519"]}
    wl.delete_group(DEFAULT_GROUP)
    with pytest.raises(WatchError):
        wl.delete_group("波段")                          # the last group stays
    wl.save()
    assert GroupWatchlist(WatchStore(tmp_path / "w.sqlite")).all_members() == {"波段": ["300750", "600519"]}
