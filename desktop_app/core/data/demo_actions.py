"""The demo market's corporate actions (issue 17 §2): deterministic dividends and splits on a
few stocks, so that 前复权, 后复权 and 不复权 differ there.

The demo market generates forward-adjusted (qfq) prices. About one stock in ``EVERY`` (chosen by
a hash of the seed and the code) has one to three ex-dates spread over its history, each with a
ratio: a cash dividend (ratio 0.97–0.99) or, for some, a bonus issue 10送10 (ratio 0.5). The
forward factor of a day is the product of the ratios of the ex-dates after it (1 after the last),
and the unadjusted price is the qfq price divided by it, rounded to the cent (prices are quoted
in cents). Volume and amount are the same in every series.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

EVERY = 8


def _hash(seed: int, code: str, salt: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{code}:{salt}".encode(), digest_size=8).digest(), "little")


def actions(seed: int, code: str, dates: pd.DatetimeIndex) -> list[tuple[pd.Timestamp, float]]:
    """``[(ex-date, ratio)]`` of ``code`` over its traded ``dates`` (ascending), oldest first."""
    h = _hash(seed, code, "actions")
    if h % EVERY or len(dates) < 40:
        return []
    k = 1 + (h // EVERY) % 3
    out = []
    for i in range(k):
        pos = int(len(dates) * (i + 1) / (k + 1)) + int((h >> (8 + 4 * i)) % 7) - 3
        pos = min(max(pos, 1), len(dates) - 1)
        split = (h >> (40 + i)) % 5 == 0
        ratio = 0.5 if split else round(0.97 + ((h >> (20 + 3 * i)) % 5) * 0.005, 3)
        out.append((dates[pos], ratio))
    return sorted(dict(out).items())


def forward_factors(dates: pd.DatetimeIndex, acts: list[tuple[pd.Timestamp, float]]) -> np.ndarray:
    """The forward factor of each date: the product of the ratios of the ex-dates after it."""
    f = np.ones(len(dates))
    for day, ratio in acts:
        f[dates < day] *= ratio
    return f


def unadjusted(qfq: pd.DataFrame, acts: list[tuple[pd.Timestamp, float]]) -> pd.DataFrame:
    """``qfq`` bars as unadjusted bars (prices / forward factor, to the cent)."""
    if not acts:
        return qfq
    f = forward_factors(pd.DatetimeIndex(qfq.index), acts)
    out = qfq.copy()
    for c in ("open", "high", "low", "close"):
        out[c] = np.round(qfq[c].to_numpy(float) / f, 2)
    return out
