"""Unadjusted prices and adjustment factors beside the bar store's forward-adjusted series.

The store's ``series`` table keeps forward-adjusted (qfq) bars: what scans read, unchanged. Beside
it, table ``adjustment`` keeps per symbol one blob of records, oldest first::

    d int32 (day number) | pad int32 | raw float64[4] (unadjusted open, high, low, close) | f float64

where ``f`` is the day's forward factor, ``qfq close / raw close`` (1 after the last corporate
action). 前复权 / 后复权 / 不复权 are then arithmetic (``core.adjustment``), not three downloads.

Written in the same transaction as the series it belongs to (``put``/``extend`` are called by
``BarStore`` inside its write transaction), so a crash leaves both old or both new:

- a frame written with ``raw_open … raw_close`` columns (``RAW_COLUMNS``) stores them and the factor;
  a frame without them deletes the symbol's adjustment (a new qfq series, factors unknown);
- an extend keeps an existing adjustment aligned: new days take the frame's raw columns, or, when
  it has none, raw = qfq and f = 1 (bars appended at the end of a current series: no corporate
  action after them);
- ``rescale`` is the ex-dividend day: every bar before the day has its qfq prices and its factor
  multiplied by the day's ratio (the snapshot's 昨收 / the stored close), raw prices unchanged.
"""
from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from . import bar_codec as codec

SCHEMA = ("CREATE TABLE IF NOT EXISTS adjustment(symbol TEXT PRIMARY KEY, n INTEGER NOT NULL,"
          " data BLOB NOT NULL)")
PRICE_COLUMNS = ("open", "high", "low", "close")
RAW_COLUMNS = tuple(f"raw_{c}" for c in PRICE_COLUMNS)
RECORD = np.dtype([("d", "<i4"), ("pad", "<i4"), ("raw", "<f8", (4,)), ("f", "<f8")])
_MAGIC = b"SA\x01\x00"
_PRICES = [codec.BAR_COLUMNS.index(c) for c in PRICE_COLUMNS]
_CLOSE = codec.BAR_COLUMNS.index("close")


class AdjustmentFormatError(ValueError):
    """A stored adjustment blob that is not of this format."""


def encode(rec: np.ndarray) -> bytes:
    return _MAGIC + np.ascontiguousarray(rec, dtype=RECORD).tobytes()


def decode(blob: bytes) -> np.ndarray:
    if blob[:4] != _MAGIC or (len(blob) - 4) % RECORD.itemsize:
        raise AdjustmentFormatError("not an adjustment blob")
    return np.frombuffer(blob, dtype=RECORD, offset=4)


def has_raw(bars: pd.DataFrame) -> bool:
    return all(c in bars.columns for c in RAW_COLUMNS)


def records_of(qfq: np.ndarray, raw_prices: np.ndarray) -> np.ndarray:
    """Adjustment records for codec records ``qfq`` and their unadjusted (n, 4) prices."""
    out = np.zeros(len(qfq), dtype=RECORD)
    out["d"] = qfq["d"]
    out["raw"] = raw_prices
    with np.errstate(divide="ignore", invalid="ignore"):
        out["f"] = qfq["v"][:, _CLOSE] / raw_prices[:, 3]
    return out


def frame_records(bars: pd.DataFrame, qfq: np.ndarray) -> np.ndarray:
    """The adjustment records of a frame carrying ``RAW_COLUMNS`` (its days as in ``qfq``)."""
    if "date" in bars.columns and not isinstance(bars.index, pd.DatetimeIndex):
        bars = bars.set_index("date")
    days = pd.DatetimeIndex(pd.to_datetime(bars.index)).normalize().values.astype("datetime64[D]").astype(np.int64)
    raw = pd.DataFrame({c: pd.to_numeric(bars[c], errors="coerce").to_numpy(float) for c in RAW_COLUMNS},
                       index=days)
    raw = raw[~raw.index.duplicated(keep="last")].reindex(qfq["d"].astype(np.int64))
    return records_of(qfq, raw.to_numpy(float))


def put(conn: sqlite3.Connection, symbol: str, bars: pd.DataFrame | None, qfq: np.ndarray) -> None:
    """Inside the store's write transaction: the symbol's adjustment for a replaced series."""
    if bars is None or not has_raw(bars) or not len(qfq):
        conn.execute("DELETE FROM adjustment WHERE symbol=?", (symbol,))
        return
    rec = frame_records(bars, qfq)
    conn.execute("INSERT OR REPLACE INTO adjustment(symbol, n, data) VALUES(?,?,?)", (symbol, len(rec), encode(rec)))


def read_conn(conn: sqlite3.Connection, symbol: str) -> np.ndarray | None:
    row = conn.execute("SELECT data FROM adjustment WHERE symbol=?", (symbol,)).fetchone()
    return None if row is None else decode(row[0])


def extend(conn: sqlite3.Connection, symbol: str, bars: pd.DataFrame, merged: np.ndarray) -> None:
    """Inside the store's write transaction, after an extend: align an existing adjustment with
    the merged qfq records ``merged`` (see the module docstring). No adjustment: nothing."""
    old = read_conn(conn, symbol)
    if old is None:
        return
    fresh = frame_records(bars, merged) if has_raw(bars) else None
    days = merged["d"]
    out = np.zeros(len(merged), dtype=RECORD)
    out["d"] = days
    out["raw"] = merged["v"][:, _PRICES]          # default: raw = qfq, f = 1
    out["f"] = 1.0
    pos = np.searchsorted(days, old["d"])
    ok = (pos < len(days)) & (days[np.minimum(pos, len(days) - 1)] == old["d"])
    out["raw"][pos[ok]] = old["raw"][ok]
    out["f"][pos[ok]] = old["f"][ok]
    new_days = np.isin(days, codec.frame_to_records(bars)["d"])
    if fresh is not None:
        out["raw"][new_days] = fresh["raw"][new_days]
        out["f"][new_days] = fresh["f"][new_days]
    else:
        out["raw"][new_days] = merged["v"][new_days][:, _PRICES]
        out["f"][new_days] = 1.0
    conn.execute("INSERT OR REPLACE INTO adjustment(symbol, n, data) VALUES(?,?,?)", (symbol, len(out), encode(out)))


def rescale(conn: sqlite3.Connection, symbol: str, qfq: np.ndarray, day: int, ratio: float) -> np.ndarray:
    """Inside the store's write transaction: ``qfq`` (codec records) with every bar before ``day``
    re-adjusted by ``ratio`` (prices only), and the adjustment's factors likewise. Returns the new
    qfq records (the caller writes them)."""
    out = np.array(qfq, copy=True)
    before = out["d"] < day
    out["v"][np.ix_(before, _PRICES)] *= ratio
    adj = read_conn(conn, symbol)
    if adj is not None:
        adj = np.array(adj, copy=True)
        adj["f"][adj["d"] < day] *= ratio
        conn.execute("INSERT OR REPLACE INTO adjustment(symbol, n, data) VALUES(?,?,?)",
                     (symbol, len(adj), encode(adj)))
    return out


def attach_raw(store, symbol: str, raw: pd.DataFrame) -> pd.DataFrame | None:
    """Store ``raw`` (unadjusted bars) as the adjustment of the series stored now, in one write
    transaction of ``store`` (a ``BarStore``): a concurrent update of the series is never undone.
    Returns the adjustment frame, or None when the symbol has no stored series."""
    raw = raw[~pd.DatetimeIndex(raw.index).duplicated(keep="last")]
    with store._write_txn() as conn:
        row = conn.execute("SELECT data FROM series WHERE symbol=?", (symbol,)).fetchone()
        if row is None:
            return None
        qfq = store._decode(symbol, row[0])
        days = pd.DatetimeIndex(raw.index).normalize().values.astype("datetime64[D]").astype(np.int64)
        prices = pd.DataFrame({c: raw[c].to_numpy(float) for c in PRICE_COLUMNS}, index=days)
        rec = records_of(qfq, prices.reindex(qfq["d"].astype(np.int64)).to_numpy(float))
        conn.execute("INSERT OR REPLACE INTO adjustment(symbol, n, data) VALUES(?,?,?)", (symbol, len(rec), encode(rec)))
    return as_frame(rec)


def as_frame(rec: np.ndarray) -> pd.DataFrame:
    """Adjustment records as a frame: ``raw_open … raw_close`` and ``factor``, indexed by date."""
    data = {c: np.ascontiguousarray(rec["raw"][:, k]) for k, c in enumerate(RAW_COLUMNS)}
    data["factor"] = np.ascontiguousarray(rec["f"])
    return pd.DataFrame(data, index=codec.days_to_index(rec["d"]))
