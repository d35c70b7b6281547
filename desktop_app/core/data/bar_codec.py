"""Binary encoding of one symbol's daily bars as a single blob (the bar store's unit of storage).

Layout (little endian):

    header  16 bytes: b"SB" | version u8 | flags u8 | ncols u32 | n u32 | reserved u32
    records n × (8 + 8·ncols) bytes: date int32 (days since 1970-01-01), pad int32, ncols × float64

Version 2 stores the records **newest first**, so the last ``k`` bars are the blob's first bytes:
SQLite keeps a large blob as a chain of overflow pages that an incremental read walks from the
start, so a tail at the end of an oldest-first blob (version 1, still read) costs the whole
history's pages, a tail at its start only its own (issue 13 §5, docs/PERFORMANCE.md).
``decode`` and ``tail`` give the records oldest first either way, as zero-copy (reversed) views.

Columns are ``BAR_COLUMNS`` in that order (absent columns are NaN). float64 keeps prices, volumes in
shares and amounts in yuan exact; records are 8-byte aligned so decoding is a zero-copy view.
"""
from __future__ import annotations

import struct

import numpy as np
import pandas as pd

from .source import BAR_COLUMNS

MAGIC = b"SB"
CODEC_VERSION = 2       # newest first
OLDEST_FIRST = 1        # the layout before issue 13: read, never written
_VERSIONS = (OLDEST_FIRST, CODEC_VERSION)
HEADER = struct.Struct("<2sBBIII")
HEADER_SIZE = HEADER.size  # 16
NCOLS = len(BAR_COLUMNS)
RECORD_DTYPE = np.dtype([("d", "<i4"), ("pad", "<i4"), ("v", "<f8", (NCOLS,))])
RECORD_SIZE = RECORD_DTYPE.itemsize  # 64
_EPOCH = np.datetime64("1970-01-01", "D")


class BlobFormatError(ValueError):
    """A blob that is not a bar series of this codec (truncated, wrong magic or version)."""


def frame_to_records(bars: pd.DataFrame) -> np.ndarray:
    """Normalise a bars frame (DatetimeIndex or a "date" column) into sorted, de-duplicated records.

    Duplicate dates keep the last row (so "new values win" when frames are concatenated)."""
    if "date" in bars.columns and not isinstance(bars.index, pd.DatetimeIndex):
        bars = bars.set_index("date")
    idx = pd.DatetimeIndex(pd.to_datetime(bars.index)).normalize()
    days = idx.values.astype("datetime64[D]").astype(np.int64)
    rec = np.zeros(len(bars), dtype=RECORD_DTYPE)
    rec["d"] = days.astype(np.int32)
    vals = np.full((len(bars), NCOLS), np.nan)
    for k, col in enumerate(BAR_COLUMNS):
        if col in bars.columns:
            vals[:, k] = pd.to_numeric(bars[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    rec["v"] = vals
    return normalise_records(rec)


def panel_rows_to_records(dates: pd.DatetimeIndex, fields: dict[str, np.ndarray], rows) -> list[np.ndarray]:
    """Records of panel rows (``fields[name]`` is ``(n_symbols, n_days)``), the days a row has no
    close left out — the bulk form of ``frame_to_records`` for a whole market at once (one
    vectorised pass, then one split per row)."""
    rows = np.asarray(list(rows), dtype=np.intp)
    days = pd.DatetimeIndex(dates).normalize().values.astype("datetime64[D]").astype(np.int32)
    whole = len(rows) == len(fields["close"]) and np.array_equal(rows, np.arange(len(rows)))
    pick = (lambda a: a) if whole else (lambda a: a[rows])     # no copy of a whole market's fields
    keep = np.isfinite(pick(fields["close"]))                 # (n_rows, n_days)
    counts = keep.sum(axis=1)
    flat = np.empty(int(counts.sum()), dtype=RECORD_DTYPE)    # written in place, column by column
    flat["pad"] = 0
    flat["d"] = np.broadcast_to(days, keep.shape)[keep]       # boolean order: by row, then by day
    vals = flat["v"]
    for k, col in enumerate(BAR_COLUMNS):
        if col in fields:
            vals[:, k] = pick(fields[col])[keep]
        else:
            vals[:, k] = np.nan
    return np.split(flat, np.cumsum(counts)[:-1]) if len(rows) else []


def normalise_records(rec: np.ndarray) -> np.ndarray:
    """Sort by date and keep the last occurrence of each date."""
    if len(rec) == 0:
        return rec
    order = np.argsort(rec["d"], kind="stable")
    rec = rec[order]
    keep = np.ones(len(rec), dtype=bool)
    keep[:-1] = rec["d"][1:] != rec["d"][:-1]
    return rec[keep]


def encode(rec: np.ndarray, version: int = CODEC_VERSION) -> bytes:
    """The blob of sorted records (``version=OLDEST_FIRST`` only to build old stores in tests)."""
    body = rec[::-1] if version == CODEC_VERSION else rec
    return HEADER.pack(MAGIC, version, 0, NCOLS, len(rec), 0) + body.tobytes()


def _header(header: bytes) -> tuple[int, int]:
    """(version, n) of a blob's header."""
    if len(header) < HEADER_SIZE:
        raise BlobFormatError("blob shorter than its header")
    magic, version, _flags, ncols, n, _ = HEADER.unpack_from(header, 0)
    if magic != MAGIC or version not in _VERSIONS or ncols != NCOLS:
        raise BlobFormatError(f"unknown blob format (magic={magic!r}, version={version}, ncols={ncols})")
    return version, n


def _whole(blob: bytes) -> tuple[int, int]:
    """(version, n) of a whole blob, its length checked."""
    version, n = _header(blob)
    if len(blob) != HEADER_SIZE + n * RECORD_SIZE:
        raise BlobFormatError(f"blob length {len(blob)} does not match {n} records")
    return version, n


def check_header(header: bytes, n: int) -> int:
    """Validate a header read on its own (tail reads) against the row count stored beside it;
    return the blob's version."""
    version, count = _header(header)
    if count != n:
        raise BlobFormatError(f"blob header says {count} records, its row {n}")
    return version


def _ordered(rec: np.ndarray, version: int) -> np.ndarray:
    return rec[::-1] if version == CODEC_VERSION else rec


def decode(blob: bytes) -> np.ndarray:
    """Records of a blob, oldest first, as a read-only view (no copy)."""
    version, n = _whole(blob)
    return _ordered(np.frombuffer(blob, dtype=RECORD_DTYPE, count=n, offset=HEADER_SIZE), version)


def tail_span(version: int, n: int, k: int) -> tuple[int, int]:
    """(offset, length) of the bytes holding the last ``k`` of a blob's ``n`` records."""
    start = HEADER_SIZE if version == CODEC_VERSION else HEADER_SIZE + (n - k) * RECORD_SIZE
    return start, k * RECORD_SIZE


def tail(data: bytes, version: int, k: int, offset: int = 0) -> np.ndarray:
    """The ``k`` records in ``data`` from ``offset`` (a ``tail_span`` read), oldest first, no copy."""
    return _ordered(np.frombuffer(data, dtype=RECORD_DTYPE, count=k, offset=offset), version)


def records_to_frame(rec: np.ndarray) -> pd.DataFrame:
    dates = days_to_index(rec["d"])
    vals = np.ascontiguousarray(rec["v"])
    return pd.DataFrame({c: vals[:, k].copy() for k, c in enumerate(BAR_COLUMNS)}, index=dates)


def day_number(d) -> int:
    """Days since 1970-01-01 of a date / Timestamp / string."""
    return int(np.datetime64(pd.Timestamp(d).date(), "D").astype(np.int64))


def day_to_date(n: int):
    return (_EPOCH + np.timedelta64(int(n), "D")).astype(object)


def days_to_index(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
