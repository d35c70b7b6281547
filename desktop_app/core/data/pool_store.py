"""The day's limit-up pools (涨停 / 炸板 / 跌停 / 昨日涨停, eastmoney's ``push2ex`` pools) kept in
the source's cache file, beside the bars: the host keeps only recent days (the 炸板 and 跌停 pools
30 days), so every day fetched is saved and a later look at that day reads it from here.

Two tables, created on first use: ``limit_pools`` (one row per stock of a pool of a day, the
normalised ``POOL_COLUMNS``) and ``limit_pool_days`` (which pools of which day were fetched,
how many rows, when — an empty pool is an answer too). A pool of a day is replaced as a whole in
one ``BEGIN IMMEDIATE`` transaction (the bar store's WAL file): a process killed mid-write leaves
the old pool or the new one, never half of one."""
from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from . import bar_codec as codec
from .store import BarStore

POOLS = ("zt", "zbgc", "dtgc", "previous")
#: One row of a pool: change a fraction, prices and amounts in yuan, times "HH:MM:SS" (None when
#: the pool has none), ``opened`` the times the limit opened, ``streak`` the pool's 连板 / 连续跌停.
POOL_COLUMNS = ["symbol", "name", "change", "close", "amount", "first_seal", "last_seal", "seal_amount",
                "opened", "streak", "industry"]
_TEXT = {"symbol", "name", "first_seal", "last_seal", "industry"}

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS limit_pools(
    day INTEGER NOT NULL, pool TEXT NOT NULL, symbol TEXT NOT NULL,
    {", ".join(f"{c} {'TEXT' if c in _TEXT else 'REAL'}" for c in POOL_COLUMNS[1:])},
    PRIMARY KEY(day, pool, symbol)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS limit_pool_days(day INTEGER NOT NULL, pool TEXT NOT NULL, n INTEGER NOT NULL,
                                           fetched REAL NOT NULL, PRIMARY KEY(day, pool))
"""


def _cell(v, text: bool):
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return None
    if text:
        return str(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


class PoolStore:
    """The limit pools of one source, in its bar store's file. Thread-safe like the store."""

    def __init__(self, bars: BarStore):
        self.bars = bars
        with bars._write_txn() as conn:
            for stmt in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(stmt)

    def write(self, day: dt.date, pool: str, frame: pd.DataFrame) -> int:
        """Replace ``pool`` of ``day`` by ``frame`` (POOL_COLUMNS) in one transaction; returns rows."""
        if pool not in POOLS:
            raise ValueError(f"pool must be one of {POOLS}, not {pool!r}")
        d = codec.day_number(day)
        frame = frame.reindex(columns=POOL_COLUMNS)
        rows = [(d, pool, *(_cell(v, c in _TEXT) for c, v in zip(POOL_COLUMNS, rec)))
                for rec in frame.itertuples(index=False, name=None) if rec[0]]
        cols = ["day", "pool", *POOL_COLUMNS]
        with self.bars._write_txn() as conn:
            conn.execute("DELETE FROM limit_pools WHERE day=? AND pool=?", (d, pool))
            conn.executemany(f"INSERT OR REPLACE INTO limit_pools({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
                             rows)
            conn.execute("INSERT OR REPLACE INTO limit_pool_days(day, pool, n, fetched) VALUES(?,?,?,?)",
                         (d, pool, len(rows), time.time()))
        return len(rows)

    def fetched(self, day: dt.date) -> dict[str, float]:
        """The pools of ``day`` saved here -> when they were fetched (epoch seconds)."""
        rows = self.bars._all("SELECT pool, fetched FROM limit_pool_days WHERE day=?", (codec.day_number(day),))
        return {p: float(f) for p, f in rows}

    def read(self, day: dt.date, pool: str) -> pd.DataFrame:
        """``pool`` of ``day`` (POOL_COLUMNS; empty when not saved or empty)."""
        rows = self.bars._all(f"SELECT {','.join(POOL_COLUMNS)} FROM limit_pools WHERE day=? AND pool=? ORDER BY symbol",
                              (codec.day_number(day), pool))
        df = pd.DataFrame(rows, columns=POOL_COLUMNS)
        for c in POOL_COLUMNS:
            if c not in _TEXT:
                df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        return df

    def days(self) -> list[dt.date]:
        return [codec.day_to_date(int(d)) for (d,) in
                self.bars._all("SELECT DISTINCT day FROM limit_pool_days ORDER BY day")]
