"""Watchlist: normalised codes, order kept, atomic save, tolerant load."""
from __future__ import annotations

import json
import os

import pytest

from desktop_app.core.watchlist import Watchlist


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
    with pytest.raises(OSError):
        w.save()
    assert json.loads(path.read_text())["symbols"] == ["600519"]      # the old file is intact
    assert list(tmp_path.iterdir()) == [path]                         # the temp file is gone


def test_corrupt_file_loads_empty(tmp_path):
    path = tmp_path / "w.json"
    path.write_text("{not json")
    assert Watchlist(path).symbols() == []
    path.write_text(json.dumps(["600519", "x"]))                     # a bare list is accepted
    assert Watchlist(path).symbols() == ["600519"]
