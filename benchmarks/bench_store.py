"""Bar store reads.

store_panel_read: read 5,000 symbols × 750 days into a Panel from the blob store vs one SQLite row
per bar. Both stores hold the same random-walk bars. The value is the best of 3 full reads from the
``BarStore``; the baseline is the best of 3 reads of a ``bars(symbol, date, open, …)`` table
(``ORDER BY symbol, date``, ``fetchall``) scattered into the same Panel with numpy.

store_tail_read_320_days / store_tail_read_2500_days: a scan's read (``read_panel(last_n=320)``,
5,000 symbols) from a store holding 320 and 2,500 days per symbol, best of 3 each; the 2,500-day
baseline is the same store with its blobs rewritten in the layout before issue 13 (oldest first,
which the store still reads). ``store_tail_read_growth`` is 2,500 days over 320 (goal ≤ 1.3: the
read does not grow with stored history) and ``store_tail_read_memory`` the peak of the memory
allocated during the 2,500-day read (tracemalloc) over the panel's size.
Reproduce: ``python benchmarks/run.py --only store`` (or a metric name).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core.data import bar_codec as codec  # noqa: E402
from desktop_app.core.data.source import BAR_COLUMNS  # noqa: E402
from desktop_app.core.data.store import BarStore  # noqa: E402
from desktop_app.core.panel import Panel  # noqa: E402
from common import metric as _metric  # noqa: E402

METRICS = ["store_panel_read", "store_tail_read_320_days", "store_tail_read_2500_days",
           "store_tail_read_growth", "store_tail_read_memory"]
TAIL = 320   # core.scan.LOOKBACK_DAYS


def make_market(n_symbols: int, n_days: int, seed: int = 1) -> tuple[list[str], pd.DatetimeIndex, dict[str, np.ndarray]]:
    """Random-walk bars: a few late listings and missing days, so alignment does real work."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2023-01-02", periods=n_days, name="date")
    symbols = [f"{600000 + i:06d}" for i in range(n_symbols)]
    close = 10 * np.exp(np.cumsum(rng.normal(0, 0.02, (n_symbols, n_days)), axis=1))
    data = {
        "open": close * (1 + rng.normal(0, 0.005, close.shape)),
        "high": close * 1.02, "low": close * 0.98, "close": close,
        "volume": rng.integers(1e5, 1e7, close.shape).astype(float),
        "amount": close * 1e6, "turnover": rng.uniform(0.1, 5, close.shape),
    }
    start = np.where(rng.random(n_symbols) < 0.1, rng.integers(0, n_days // 2, n_symbols), 0)
    gaps = rng.random((n_symbols, n_days)) < 0.01
    mask = (np.arange(n_days)[None, :] >= start[:, None]) & ~gaps
    return symbols, dates, {"mask": mask, **data}


def _frames(symbols, dates, data):
    for i, s in enumerate(symbols):
        m = data["mask"][i]
        yield s, pd.DataFrame({c: data[c][i, m] for c in BAR_COLUMNS}, index=dates[m])


def build_row_table(path: Path, symbols, dates, data) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE bars(symbol TEXT, date INTEGER, open REAL, high REAL, low REAL, close REAL,"
                 " volume REAL, amount REAL, turnover REAL, PRIMARY KEY(symbol, date))")
    days = dates.values.astype("datetime64[D]").astype(np.int64)
    for i, s in enumerate(symbols):
        m = data["mask"][i]
        cols = [days[m]] + [data[c][i, m] for c in BAR_COLUMNS]
        conn.executemany("INSERT INTO bars VALUES(?,?,?,?,?,?,?,?,?)",
                         ((s, *row) for row in zip(*(c.tolist() for c in cols))))
    conn.commit()
    conn.close()


def read_row_table(path: Path) -> Panel:
    conn = sqlite3.connect(str(path))
    rows = conn.execute("SELECT symbol, date, open, high, low, close, volume, amount, turnover"
                        " FROM bars ORDER BY symbol, date").fetchall()
    conn.close()
    sym = np.array([r[0] for r in rows], dtype=object)
    arr = np.array([r[1:] for r in rows], dtype=float)
    symbols, inv = np.unique(sym, return_inverse=True)
    days, dpos = np.unique(arr[:, 0].astype(np.int64), return_inverse=True)
    fields = {}
    for k, c in enumerate(BAR_COLUMNS):
        out = np.full((len(symbols), len(days)), np.nan)
        out[inv, dpos] = arr[:, k + 1]
        fields[c] = out
    return Panel(symbols, pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"), name="date"), fields)


def _best_of(fn, n: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def build_store(path: Path, n_symbols: int, n_days: int) -> BarStore:
    """A store of ``n_symbols`` × ``n_days`` random-walk bars, written 500 symbols per transaction."""
    symbols, dates, data = make_market(n_symbols, n_days)
    fields = {c: np.where(data["mask"], data[c], np.nan) for c in BAR_COLUMNS}
    recs = codec.panel_rows_to_records(dates, fields, range(n_symbols))
    del fields, data
    store = BarStore(path)
    for i in range(0, n_symbols, 500):
        store.write_records({symbols[j]: recs[j] for j in range(i, min(i + 500, n_symbols))})
    return store


def to_oldest_first(path: Path) -> None:
    """Rewrite every blob of a (closed) store in the layout before issue 13."""
    conn = sqlite3.connect(str(path))
    for sym, blob in conn.execute("SELECT symbol, data FROM series").fetchall():
        conn.execute("UPDATE series SET data=? WHERE symbol=?",
                     (codec.encode(codec.decode(blob), version=codec.OLDEST_FIRST), sym))
    conn.commit()
    conn.close()


def _peak_over_panel(store: BarStore) -> float:
    """Peak memory allocated during a tail read, over the size of the panel it returns."""
    tracemalloc.start()
    try:
        panel = store.read_panel(last_n=TAIL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / sum(a.nbytes for a in panel.fields.values())


def tail_reads(tmp: Path, n_symbols: int, rounds: int = 7) -> dict:
    """The three stores' reads interleaved, best of ``rounds`` each: on a shared machine the other
    load then weighs on all three alike."""
    paths = {days: tmp / f"tail-{days}.sqlite" for days in (TAIL, 2500)}
    for days, path in paths.items():
        build_store(path, n_symbols, days).close()
    paths["old"] = tmp / "tail-2500-oldest-first.sqlite"
    shutil.copyfile(paths[2500], paths["old"])
    to_oldest_first(paths["old"])
    stores = {k: BarStore(p) for k, p in paths.items()}
    try:
        times = {k: float("inf") for k in stores}
        for _ in range(rounds):
            for k, store in stores.items():
                t, panel = _best_of(lambda: store.read_panel(last_n=TAIL), 1)
                times[k] = min(times[k], t)
                assert panel.shape == (n_symbols, TAIL), panel.shape
        memory = _peak_over_panel(stores[2500])
    finally:
        for store in stores.values():
            store.close()
        for p in paths.values():
            p.unlink()
    if os.environ.get("BENCH_VERBOSE"):
        print(f"   tail {TAIL}: {times[TAIL]:.3f}s from {TAIL} days, {times[2500]:.3f}s from 2500 days"
              f" ({times['old']:.3f}s oldest first); read peak {memory:.2f}x the panel", flush=True)
    return {"store_tail_read_320_days": _metric(times[TAIL], "s"),
            "store_tail_read_2500_days": _metric(times[2500], "s", times["old"]),
            "store_tail_read_growth": _metric(times[2500] / times[TAIL], "x"),
            "store_tail_read_memory": _metric(memory, "x")}


def run(quick: bool = False) -> dict:
    n_sym, n_days = (1000, 750) if quick else (5000, 750)
    symbols, dates, data = make_market(n_sym, n_days)
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        store = BarStore(Path(tmp) / "blob.sqlite")
        batch = {}
        for s, df in _frames(symbols, dates, data):
            batch[s] = df
            if len(batch) >= 500:
                store.write_many(batch)
                batch = {}
        store.write_many(batch)
        rows_path = Path(tmp) / "rows.sqlite"
        build_row_table(rows_path, symbols, dates, data)

        t_blob, panel = _best_of(lambda: store.read_panel())
        t_rows, base = _best_of(lambda: read_row_table(rows_path))
        t_tail, _ = _best_of(lambda: store.read_panel(last_n=250))
        store.close()
        tails = tail_reads(Path(tmp), 1000 if quick else 5000)
    assert panel.shape == base.shape == (n_sym, n_days), (panel.shape, base.shape)
    assert np.allclose(panel.close, base.close, equal_nan=True)
    if os.environ.get("BENCH_VERBOSE"):
        print(f"   blob {t_blob:.3f}s rows {t_rows:.3f}s last_n=250 {t_tail:.3f}s", flush=True)
    return {"store_panel_read": _metric(t_blob, "s", t_rows), **tails}


if __name__ == "__main__":
    os.environ["BENCH_VERBOSE"] = "1"
    print(run(quick="--quick" in sys.argv))
