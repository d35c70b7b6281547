"""Issue 13 §5: tail reads cost the tail, not the stored history; the panel is assembled as it is
read; stores written before (oldest-first blobs, schema 1) keep working and convert as written."""
from __future__ import annotations

import sqlite3
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from desktop_app.core.data import bar_codec as codec
from desktop_app.core.data.panel_assembly import PanelAssembly
from desktop_app.core.data.source import BAR_COLUMNS
from desktop_app.core.data.store import SCHEMA_VERSION, BarStore
from desktop_app.core.panel import PANEL_FIELDS


def bars(start: str, n: int, base: float = 10.0) -> pd.DataFrame:
    dates = pd.bdate_range(start, periods=n, name="date")
    close = base + np.arange(n, dtype=float)
    return pd.DataFrame({"open": close - 0.5, "high": close + 1, "low": close - 1, "close": close,
                         "volume": close * 100, "amount": close * 1000, "turnover": close / 10}, index=dates)


def old_layout_store(path, series: dict[str, pd.DataFrame]) -> None:
    """A store as written before issue 13: schema 1, every blob oldest first."""
    s = BarStore(path)
    s.write_many(series)
    s.close()
    conn = sqlite3.connect(path)
    for sym, df in series.items():
        blob = codec.encode(codec.frame_to_records(df), version=codec.OLDEST_FIRST)
        conn.execute("UPDATE series SET data=? WHERE symbol=?", (blob, sym))
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()


def blob_versions(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {s: d[2] for s, d in conn.execute("SELECT symbol, substr(data, 1, 16) FROM series")}
    finally:
        conn.close()


def reference_panel(recs: list[np.ndarray], last_n=None, lo=None, hi=None):
    """The panel the straightforward way: the union of all dates, then the window, then fill."""
    clipped = [r[(r["d"] >= (lo if lo is not None else -10**9)) & (r["d"] <= (hi if hi is not None else 10**9))]
               for r in recs]
    days = np.unique(np.concatenate([r["d"] for r in clipped] + [np.zeros(0, np.int32)]))
    if last_n is not None:
        days = days[-last_n:] if last_n > 0 else days[:0]
    out = np.full((len(PANEL_FIELDS), len(recs), len(days)), np.nan)
    for i, r in enumerate(clipped):
        m = np.isin(r["d"], days)
        out[:, i, np.searchsorted(days, r["d"][m])] = r["v"][m].T
    return days, out


def random_records(rng, n_rows: int) -> list[np.ndarray]:
    """Rows with gaps, late listings, early delistings, empty rows and days only one row trades."""
    recs = []
    for i in range(n_rows):
        n = int(rng.integers(0, 80))
        start = int(rng.integers(0, 60))
        d = np.sort(rng.choice(np.arange(start, start + 140), size=n, replace=False)).astype(np.int32) + 19000
        rec = np.zeros(n, dtype=codec.RECORD_DTYPE)
        rec["d"] = d
        rec["v"] = rng.normal(size=(n, len(BAR_COLUMNS)))
        recs.append(rec)
    return recs


@pytest.mark.parametrize("warm", [1, 3, 64])
@pytest.mark.parametrize("window", [None, 0, 1, 25, 500, "bounds"])
def test_assembly_equals_the_straightforward_panel_whatever_the_row_order(warm, window):
    rng = np.random.default_rng(7 + warm)
    for trial in range(6):
        recs = random_records(rng, 40)
        last_n, lo, hi = (None, 19020, 19100) if window == "bounds" else (window, None, None)
        days, want = reference_panel(recs, last_n, lo, hi)
        asm = PanelAssembly(len(recs), last_n, lo, hi, warm=warm)
        for i in rng.permutation(len(recs)):              # rows arrive in any order
            asm.add(int(i), recs[i])
        p = asm.panel(np.array([f"{i:06d}" for i in range(len(recs))], dtype=object))
        assert list(p.dates) == list(codec.days_to_index(days)), (trial, warm, window)
        got = np.stack([p.fields[f] for f in PANEL_FIELDS])
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("layout", ["newest_first", "oldest_first"])
def test_a_tail_read_touches_only_the_tail_bytes_of_a_new_blob(tmp_path, layout):
    """Garble every stored bar but the last 5: a newest-first blob still answers its tail (the read
    never went past it); the old layout is read from its end."""
    path = tmp_path / "bars.sqlite"
    df = bars("2020-01-01", 400)
    if layout == "oldest_first":
        old_layout_store(path, {"600519": df})
    else:
        BarStore(path).close()
        s = BarStore(path)
        s.write("600519", df)
        s.close()
    conn = sqlite3.connect(path)
    rowid, version = conn.execute("SELECT rowid, substr(data, 3, 1) FROM series").fetchone()
    assert version == bytes([codec.CODEC_VERSION if layout == "newest_first" else codec.OLDEST_FIRST])
    older = 395 * codec.RECORD_SIZE
    at = codec.HEADER_SIZE + (5 * codec.RECORD_SIZE if layout == "newest_first" else 0)
    with conn.blobopen("series", "data", rowid) as b:
        b.seek(at)
        b.write(b"\xff" * older)
    conn.commit()
    conn.close()
    s = BarStore(path)
    try:
        tail = s.tail_records(5)["600519"]
        np.testing.assert_array_equal(tail["v"][:, BAR_COLUMNS.index("close")], df["close"].to_numpy()[-5:])
        p = s.read_panel(["600519"], last_n=5)
        np.testing.assert_array_equal(p.close[0], df["close"].to_numpy()[-5:])
        assert not np.array_equal(s.read("600519")["close"].to_numpy(), df["close"].to_numpy())  # really garbled
    finally:
        s.close()


def test_an_old_layout_store_reads_the_same_and_converts_as_it_is_written(tmp_path):
    path = tmp_path / "bars.sqlite"
    series = {"600000": bars("2023-01-02", 300), "000001": bars("2023-03-01", 120, base=50.0),
              "300750": bars("2023-06-01", 40, base=90.0)}
    old_layout_store(path, series)
    assert set(blob_versions(path).values()) == {codec.OLDEST_FIRST}
    s = BarStore(path)
    try:
        assert s.rebuilt is None and s.meta("schema_version") == str(SCHEMA_VERSION)
        for sym, df in series.items():
            pd.testing.assert_frame_equal(s.read(sym), df, check_freq=False, check_index_type=False)
        before_full, before_tail = s.read_panel(), s.read_panel(last_n=50)
        assert before_tail.shape == (3, 50)
        s.extend("600000", bars("2023-01-02", 310))     # rewritten newest first
        s.write("000001", series["000001"])
        assert blob_versions(path) == {"600000": codec.CODEC_VERSION, "000001": codec.CODEC_VERSION,
                                       "300750": codec.OLDEST_FIRST}
        pd.testing.assert_frame_equal(s.read("600000"), bars("2023-01-02", 310), check_freq=False, check_index_type=False)
        after = s.read_panel(end=before_full.dates[-1])
        for f in PANEL_FIELDS:
            np.testing.assert_array_equal(after.fields[f], before_full.fields[f])
        tail = s.read_panel(last_n=60)
        np.testing.assert_array_equal(tail.close[list(tail.symbols).index("600000")],
                                      bars("2023-01-02", 310)["close"].to_numpy()[-60:])
        np.testing.assert_array_equal(s.tail_records(3)["300750"]["d"], codec.frame_to_records(series["300750"])["d"][-3:])
    finally:
        s.close()


def test_a_read_holds_about_one_panel_not_the_records_and_the_panel(tmp_path):
    """The panel's arrays are the only large allocation of a read: each series is placed as it is
    read (before: every series' records held until the union of dates was known, ≈2.2×)."""
    s = BarStore(tmp_path / "bars.sqlite")
    try:
        s.write_many({f"{600000 + i:06d}": bars("2022-01-03", 150, base=10.0 + i) for i in range(800)})
        tracemalloc.start()
        try:
            p = s.read_panel(last_n=120)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        size = sum(a.nbytes for a in p.fields.values())
        assert p.shape == (800, 120)
        assert peak < 1.4 * size, peak / size
    finally:
        s.close()
