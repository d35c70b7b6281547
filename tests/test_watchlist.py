"""Watchlist: normalised codes, order kept, atomic save, tolerant load."""
from __future__ import annotations

import json
import os

import pytest

from desktop_app.core.symbols import SymbolError, parse_symbol
from desktop_app.core.watchlist import Watchlist, normalize_code
from desktop_app.core.file_errors import FileProblem


def test_add_remove_contains_and_persist(isolated_home):
    w = Watchlist()
    assert w.path == isolated_home / "data" / "watchlist.json" and w.symbols() == []
    assert w.add("600519, sz000001 300750.SZ bad 600519") == ["600519", "000001", "300750"]
    assert w.add(["000001", "688981"]) == ["688981"]
    assert w.contains("SH600519") and not w.contains("601318")
    assert w.remove(["000001"]) == ["000001"]
    w.save()
    assert Watchlist().symbols() == ["600519", "300750", "688981"]
    assert [p.name for p in w.path.parent.iterdir()] == ["watchlist.json"]   # no temp left over


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    w = Watchlist(path)
    w.add("600519")
    w.save()
    w.add("000001")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises((OSError, FileProblem)):
        w.save()
    assert json.loads(path.read_text())["symbols"] == ["600519"]      # the old file is intact
    assert list(tmp_path.iterdir()) == [path]                         # the temp file is gone


def test_corrupt_file_loads_empty(tmp_path):
    path = tmp_path / "w.json"
    path.write_text("{not json")
    assert Watchlist(path).symbols() == []
    path.write_text(json.dumps(["600519", "x"]))                     # a bare list is accepted
    assert Watchlist(path).symbols() == ["600519"]


def test_normalize_code_is_parse_symbol():
    """One code parser: every form parse_symbol accepts, and its reasons for the rest."""
    assert normalize_code("600519.XSHG") == "600519"
    assert normalize_code("000001.XSHE") == "000001"
    assert normalize_code("６００５１９") == "600519"          # full-width digits
    assert normalize_code(" sh600519 ") == "600519"
    for token in ("000300", "510300", "sz600519", "12345"):
        with pytest.raises(SymbolError) as got:
            normalize_code(token)
        with pytest.raises(SymbolError) as want:
            parse_symbol(token)
        assert got.value.reason == want.value.reason
    with pytest.raises(SymbolError, match="index"):
        normalize_code("000300")
    with pytest.raises(SymbolError, match="fund"):
        normalize_code("510300")


def test_watchlist_keeps_stocks_only(tmp_path):
    w = Watchlist(tmp_path / "w.json")
    assert w.add("000300 510300 600519.XSHG ６００５１９ 399006 sz000001") == ["600519", "000001"]
    assert w.contains("600519.SS") and w.contains("６００５１９") and not w.contains("000300")
    w.save()
    (tmp_path / "w.json").write_text(json.dumps({"symbols": ["000300", "600519", "510300"]}))
    assert Watchlist(tmp_path / "w.json").symbols() == ["600519"]   # an old file's index/ETF codes go
