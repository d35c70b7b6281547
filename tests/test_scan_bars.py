"""What a scan reads (core.scan_bars): stocks the store lacks are read straight from a local
source's memory, and that gives exactly the scan a filled store gives."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.refresh import backfill
from desktop_app.core.data.store import BarStore
from desktop_app.core.panel import Panel, join_rows
from desktop_app.core.scan import ScanRequest, run_scan

N = 300
FAULTS = {"no_data": 0.05, "network": 0.03}


def _outcome(out) -> tuple:
    rows = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in h.items()} for h in out.hits]
    return (rows, sorted((s, str(r)) for s, r in out.failed), dict(out.excluded), out.found,
            out.not_matching, out.as_of, out.universe_size)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """The reference: the same demo market scanned from a store filled by the backfill."""
    src = DemoSource(n_stocks=N, faults=FAULTS)
    store = BarStore(tmp_path_factory.mktemp("bars") / "full.sqlite")
    backfill(src, store)
    yield src, store
    store.close()


@pytest.mark.parametrize("request_kw", [
    dict(min_score=0),
    dict(min_score=55, strategies=["ma_bull"], mode="any"),
    dict(min_score=0, min_listed_days=0, universe="codes"),
])
def test_a_scan_on_an_empty_store_equals_the_scan_of_a_filled_store(filled, tmp_path, request_kw):
    src, full = filled
    empty = BarStore(tmp_path / "empty.sqlite")
    if request_kw.get("universe") == "codes":       # a pasted list: faulty, healthy and unknown codes
        codes = list(src.faulty_symbols())[:2] + src.universe()["symbol"].tolist()[:5] + ["600999"]
        request_kw = dict(request_kw, universe="codes:" + ",".join(codes))
    req = ScanRequest(**request_kw)
    direct, stored = run_scan(req, src, empty), run_scan(req, src, full)
    assert _outcome(direct) == _outcome(stored)
    assert direct.found + direct.failed_count > 0
    assert empty.symbols() == []            # read from memory: the store is the backfill's to fill
    empty.close()


def test_a_half_filled_store_reads_the_rest_from_the_source(filled, tmp_path):
    src, full = filled
    half = BarStore(tmp_path / "half.sqlite")
    codes = src.universe()["symbol"].tolist()
    backfill(src, half, symbols=codes[::2])
    req = ScanRequest(min_score=0)
    assert _outcome(run_scan(req, src, half)) == _outcome(run_scan(req, src, full))
    half.close()


def test_a_remote_like_demo_still_fetches_into_the_store(tmp_path):
    src = DemoSource(n_stocks=60, latency=0.0001)      # latency: the demo imitates a remote source
    store = BarStore(tmp_path / "remote.sqlite")
    out = run_scan(ScanRequest(min_score=0, exclude_st=False, exclude_suspended=False, min_listed_days=0),
                   src, store)
    assert out.accounted == 60 and len(store.symbols()) == 60
    store.close()


def _panel(codes, days, close):
    close = np.asarray(close, dtype=float)
    return Panel(np.array(codes, dtype=object), pd.DatetimeIndex(pd.to_datetime(days), name="date"),
                 {"close": close, "volume": close * 10})


def test_join_rows_aligns_on_the_union_of_dates_and_keeps_the_last_n():
    a = _panel(["000001"], ["2024-01-02", "2024-01-04"], [[1.0, 2.0]])
    b = _panel(["600000", "300001"], ["2024-01-03", "2024-01-04", "2024-01-05"],
               [[5.0, 6.0, np.nan], [7.0, np.nan, 8.0]])
    out = join_rows(a, b, ["300001", "000001", "600000", "688001"], last_n=3)
    assert out.symbols.tolist() == ["300001", "000001", "600000"]          # order kept, unknown left out
    assert [d.day for d in out.dates] == [3, 4, 5]                       # the last 3 of 4 union days
    expect = np.array([[7.0, np.nan, 8.0], [np.nan, 2.0, np.nan], [5.0, 6.0, np.nan]])
    assert np.array_equal(out.close, expect, equal_nan=True)
    assert np.array_equal(out.fields["volume"], expect * 10, equal_nan=True)


def test_join_rows_drops_days_no_row_trades():
    a = _panel(["000001"], ["2024-01-02", "2024-01-03"], [[1.0, np.nan]])
    b = _panel(["600000"], ["2024-01-03", "2024-01-04"], [[np.nan, 3.0]])
    out = join_rows(a, b, ["000001", "600000"])
    assert [d.day for d in out.dates] == [2, 4]
