"""The bar store: round trips, atomic replace/extend, panel reads, failures, corrupt files."""
from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data.source import BAR_COLUMNS
from desktop_app.core.data.store import SCHEMA_VERSION, BarStore, StoreCorruptError


def bars(start: str, n: int, base: float = 10.0, skip: tuple[int, ...] = ()) -> pd.DataFrame:
    dates = pd.bdate_range(start, periods=n, name="date")
    keep = [i for i in range(n) if i not in skip]
    close = base + np.arange(n, dtype=float) * 0.01
    df = pd.DataFrame({"open": close - 0.05, "high": close + 0.1, "low": close - 0.1, "close": close,
                       "volume": np.arange(n) * 1000.0 + 1e6, "amount": close * 1e6,
                       "turnover": np.full(n, 1.25)}, index=dates)
    return df.iloc[keep]


@pytest.fixture
def store(tmp_path):
    s = BarStore(tmp_path / "bars.sqlite")
    yield s
    s.close()


def test_round_trip_is_exact(store):
    df = bars("2024-01-01", 30, skip=(3, 4))
    df.loc[df.index[5], "turnover"] = np.nan
    store.write("600519", df)
    out = store.read("600519")
    assert list(out.columns) == BAR_COLUMNS
    assert out.index.name == "date"
    pd.testing.assert_frame_equal(out, df, check_freq=False, check_index_type=False)
    assert store.read("000001") is None


def test_write_normalises_order_duplicates_and_missing_columns(store):
    df = bars("2024-01-01", 5)[["close", "volume"]]
    shuffled = pd.concat([df.iloc[::-1], df.iloc[[0]].assign(close=99.0)])
    store.write("000001", shuffled)
    out = store.read("000001")
    assert out.index.is_monotonic_increasing and len(out) == 5
    assert out["close"].iloc[0] == 99.0  # the later duplicate wins
    assert out["open"].isna().all()


def test_write_many_extend_delete_and_metadata(store):
    store.write_many({"600000": bars("2024-01-01", 10), "000002": bars("2024-01-08", 5)})
    assert store.symbols() == ["000002", "600000"]
    assert len(store) == 2 and "600000" in store
    assert store.last_dates()["600000"] == pd.Timestamp("2024-01-12").date()
    assert store.latest_date() == pd.Timestamp("2024-01-12").date()

    more = bars("2024-01-11", 4, base=50.0)  # overlaps 11th and 12th
    store.extend("600000", more)
    out = store.read("600000")
    assert len(out) == 12
    assert out.loc["2024-01-11", "close"] == 50.0  # new values win on overlap
    assert out.loc["2024-01-10", "close"] == pytest.approx(10.07)
    store.extend("300750", bars("2024-01-01", 3))  # extend of an unknown symbol creates it
    assert len(store.read("300750")) == 3

    store.delete("000002")
    assert "000002" not in store.symbols()
    store.clear()
    assert store.symbols() == [] and store.latest_date() is None


def test_failures_and_meta(store):
    store.record_failure("600519", "network: timed out")
    store.record_failure("000001", "no_data: empty")
    assert {s: str(r) for s, r in store.failures().items()} == {"000001": "no_data: empty", "600519": "network: timed out"}
    store.clear_failure("000001")
    assert list(store.failures()) == ["600519"]
    store.write("600519", bars("2024-01-01", 3))  # a stored series is not failing any more
    assert store.failures() == {}
    assert store.meta("schema_version") == str(SCHEMA_VERSION)
    assert store.meta("nope") is None
    store.set_meta("last_update", "2024-06-28")
    assert store.meta("last_update") == "2024-06-28"


def test_read_panel_aligns_on_union_of_dates(store):
    store.write_many({
        "600000": bars("2024-01-01", 10, skip=(2,)),          # missing Jan 3rd
        "000001": bars("2024-01-04", 7),                      # listed later
        "300750": bars("2024-01-01", 10, base=100.0),
    })
    p = store.read_panel(["300750", "999999", "600000", "000001"])
    assert list(p.symbols) == ["300750", "600000", "000001"]  # requested order, unknown dropped
    assert p.shape == (3, 10)
    assert p.dates[0] == pd.Timestamp("2024-01-01") and p.dates.name == "date"
    assert np.isnan(p.close[1, 2]) and np.isnan(p.close[2, :3]).all()
    assert p.close[2, 3] == pytest.approx(10.0)
    assert p.close[0, 9] == pytest.approx(100.09)
    for f in BAR_COLUMNS:
        assert p[f].shape == (3, 10) and p[f].dtype == np.float64
    pd.testing.assert_frame_equal(p.row_frame(1), store.read("600000"), check_freq=False, check_index_type=False)

    everything = store.read_panel()
    assert list(everything.symbols) == ["000001", "300750", "600000"]


def test_read_panel_date_bounds_and_last_n(store):
    store.write_many({"600000": bars("2024-01-01", 40), "000001": bars("2024-01-01", 35, skip=(33,))})
    full = store.read_panel()
    tail = store.read_panel(last_n=6)
    assert len(tail.dates) == 6
    assert (tail.dates == full.dates[-6:]).all()
    np.testing.assert_array_equal(tail.close, full.close[:, -6:])
    ranged = store.read_panel(start="2024-01-10", end="2024-01-19")
    assert ranged.dates[0] == pd.Timestamp("2024-01-10") and ranged.dates[-1] == pd.Timestamp("2024-01-19")
    np.testing.assert_array_equal(ranged.close, full.close[:, 7:15])
    both = store.read_panel(end="2024-01-19", last_n=3)
    assert list(both.dates.strftime("%d")) == ["17", "18", "19"]
    assert store.read_panel(["nothing"]).shape == (0, 0)


def test_for_source_keeps_sources_apart(isolated_home):
    demo, real = BarStore.for_source("demo"), BarStore.for_source("akshare")
    try:
        assert demo.path != real.path
        assert demo.path.parent == isolated_home / "cache"
        demo.write("600519", bars("2024-01-01", 3))
        assert real.symbols() == []
    finally:
        demo.close()
        real.close()


def test_not_sqlite_file_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "bars.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    s = BarStore(path)
    try:
        assert s.rebuilt_reason and "not an SQLite database" in s.rebuilt_reason and ".corrupt-" in s.rebuilt_reason
        aside = list(tmp_path.glob("bars.sqlite.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
        s.write("600519", bars("2024-01-01", 3))
        assert s.symbols() == ["600519"]
    finally:
        s.close()


@pytest.mark.parametrize("damage", ["version", "tables"])
def test_unknown_version_or_missing_tables_is_rebuilt(tmp_path, damage):
    path = tmp_path / "bars.sqlite"
    s = BarStore(path)
    s.write("600519", bars("2024-01-01", 3))
    if damage == "version":
        s.set_meta("schema_version", "99")
    s.close()
    if damage == "tables":
        conn = sqlite3.connect(path)
        conn.execute("DROP TABLE failures")
        conn.commit()
        conn.close()
    again = BarStore(path)
    try:
        assert again.rebuilt_reason is not None
        assert ("99" in again.rebuilt_reason) if damage == "version" else ("failures" in again.rebuilt_reason)
        assert again.symbols() == []
        assert len(list(tmp_path.glob("bars.sqlite.corrupt-*"))) == 1
    finally:
        again.close()
    healthy = BarStore(path)  # the rebuilt file is fine on the next start
    assert healthy.rebuilt_reason is None
    healthy.close()


def test_damaged_blob_is_reported_not_returned(store):
    store.write("600519", bars("2024-01-01", 3))
    with store._use() as conn:
        conn.execute("UPDATE series SET data = substr(data, 1, 40) WHERE symbol='600519'")
    with pytest.raises(StoreCorruptError):
        store.read("600519")
    with pytest.raises(StoreCorruptError):
        store.read_panel(last_n=2)


def test_readers_do_not_wait_for_a_writer_mid_transaction(store):
    store.write("600000", bars("2024-01-01", 10))
    in_txn, release = threading.Event(), threading.Event()
    seen: list = []

    def writer():
        with store._write_txn() as conn:
            conn.execute("DELETE FROM series")
            in_txn.set()
            release.wait(10)

    def reader():
        seen.append(store.read_panel().shape)
        seen.append(store.symbols())

    w = threading.Thread(target=writer)
    w.start()
    assert in_txn.wait(10)
    r = threading.Thread(target=reader)
    r.start()
    r.join(10)
    finished_while_writer_held_lock = not r.is_alive()
    release.set()
    w.join()
    r.join()
    assert finished_while_writer_held_lock
    assert seen == [(1, 10), ["600000"]]  # the committed state, not the writer's uncommitted one
    assert store.symbols() == []


def test_connections_are_bounded_whatever_the_threads(store):
    """Every job of a thread pool used to leave its own connection open (2 descriptors each):
    50 short-lived threads, each reading, leave at most the pool's few idle connections."""
    store.write("600000", bars("2024-01-01", 10))
    import desktop_app.core.data.store as store_mod

    for _ in range(50):
        t = threading.Thread(target=lambda: (store.read("600000"), store.symbols(), store.read_panel(last_n=5)))
        t.start()
        t.join()
    assert store.open_connections() <= store_mod.MAX_IDLE
    store.close()
    assert store.open_connections() == 0


def test_panel_rows_become_the_same_records_as_their_frames():
    """The bulk path (a whole market at once) writes exactly what the per-symbol path would."""
    from desktop_app.core.data import bar_codec as codec
    from desktop_app.core.data.demo import DemoSource

    src = DemoSource(n_stocks=40)
    panel = src._market().panel
    rows = list(range(0, 40, 3))
    got = codec.panel_rows_to_records(panel.dates, panel.fields, rows)
    for i, rec in zip(rows, got):
        want = codec.frame_to_records(panel.row_frame(i))
        assert rec.dtype == want.dtype and np.array_equal(rec["d"], want["d"])
        assert np.array_equal(rec["v"], want["v"], equal_nan=True)
