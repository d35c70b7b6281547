"""stockscan-cli universe: table, board filter, JSON; a broken import is not hidden."""
from __future__ import annotations

import datetime as dt
import json
import re
import sys

import pytest

from desktop_app.core.symbols import BOARDS
from desktop_app.cli import main
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.symbols import parse_symbol


def test_table_lists_every_demo_stock(capsys):
    assert main(["universe", "--lang", "en", "--source", "demo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["code", "name", "board", "industry", "listed"]
    assert out[-1].startswith("5000 stocks") and "DEMO" in out[-1]
    rows = out[1:-1]
    assert len(rows) == 5000
    code, name, board, industry, listed = re.split(r"\s{2,}", rows[0])
    parse_symbol(code)
    dt.date.fromisoformat(listed)


def test_board_filter_and_json(capsys):
    assert main(["universe", "--source", "demo", "--board", "star", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    uni = DemoSource().universe()
    assert len(records) == (uni["board"] == "star").sum() > 0
    assert {r["board"] for r in records} == {"star"}
    assert all(r["symbol"].startswith("68") for r in records)
    assert set(records[0]) == {"symbol", "name", "exchange", "board", "industry", "listed_date", "is_st"}
    assert main(["universe", "--lang", "en", "--board", "bse"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith(f"{(uni['board'] == 'bse').sum()} stocks on {BOARDS['bse'][1]} (bse)")


def test_a_broken_import_is_not_hidden(monkeypatch, capsys):
    """A real import error surfaces (no "not available yet" fallback hiding it): as a sentence
    naming it, with the traceback in the CLI's log file."""
    monkeypatch.setitem(sys.modules, "desktop_app.core.data.akshare_source", None)  # import fails
    assert main(["universe", "--source", "akshare", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "internal error (ModuleNotFoundError" in err and "stockscan-cli.log" in err and "Traceback" not in err


def test_universe_speaks_chinese(capsys):
    from desktop_app.cli import main
    assert main(["universe", "--lang", "zh", "--board", "bse"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:2] == ["代码", "名称"] and "只股票（北交所，bse）" in lines[-1]
    assert "stocks" not in lines[-1] and "source" not in lines[-1]
