"""前复权 / 后复权 / 不复权 as arithmetic over the store's bars (issue 17 §2).

The store keeps forward-adjusted (qfq) bars — what every scan, score and preset reads — and beside
them the unadjusted prices and the forward factor ``f = qfq close / raw close`` of each day
(``core.data.adjust_store``). From those:

- 前复权 (qfq): the stored bars as they are;
- 不复权 (none): the raw open/high/low/close, the same volume, amount and turnover;
- 后复权 (hfq): raw × f / f₀ with f₀ the factor of the first stored day, i.e. prices scaled by the
  product of every corporate action's factor since that day (the series starts at its raw price).

Volume, amount and turnover are the same in the three series (the sources report them unadjusted).
A day without a raw price takes the next known day's factor (no corporate action between them),
and newest days without one take 1.
The raw prices are fetched once per stock (``source.daily_bars(code, adjust="none")``) the first
time a non-qfq series is asked for, then kept current by the daily update without downloads.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .data.adjust_store import PRICE_COLUMNS, RAW_COLUMNS
from .data.errors import NoDataError
from .reasons import R

log = logging.getLogger(__name__)

ADJUSTMENTS = ("qfq", "hfq", "none")
#: (zh, en) names, 通达信's words.
ADJUST_NAMES: dict[str, tuple[str, str]] = {"qfq": ("前复权", "Forward-adjusted"),
                                            "hfq": ("后复权", "Backward-adjusted"),
                                            "none": ("不复权", "Unadjusted")}


def adjust_name(kind: str, lang: str = "zh") -> str:
    zh, en = ADJUST_NAMES[kind]
    return zh if lang == "zh" else en


def check_kind(kind: str) -> str:
    if kind not in ADJUSTMENTS:
        raise ValueError(f"unknown adjustment {kind!r}; choose from {ADJUSTMENTS}")
    return kind


def factors(qfq: pd.DataFrame, adjustment: pd.DataFrame) -> pd.Series:
    """The forward factor of each of ``qfq``'s days: a day without one takes the next known
    day's, and the newest days without one take 1 (qfq = raw at the newest bar)."""
    f = adjustment["factor"].reindex(qfq.index)
    f = f.where(np.isfinite(f) & (f > 0))
    return f.bfill().fillna(1.0)


def adjusted(qfq: pd.DataFrame, adjustment: pd.DataFrame | None, kind: str) -> pd.DataFrame:
    """``qfq`` bars as ``kind`` ("qfq" | "hfq" | "none") given the store's adjustment frame
    (``BarStore.read_adjustment``: raw_open … raw_close, factor)."""
    check_kind(kind)
    if kind == "qfq":
        return qfq
    if adjustment is None:
        raise ValueError("no adjustment data")
    f = factors(qfq, adjustment).to_numpy(float)
    raw = adjustment[list(RAW_COLUMNS)].reindex(qfq.index).to_numpy(float)
    prices = qfq[list(PRICE_COLUMNS)].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(np.isfinite(raw), raw, prices / f[:, None])
        if kind == "hfq":
            first = f[np.isfinite(f)][:1]
            raw = raw * (f / (first[0] if len(first) else np.nan))[:, None]
    out = qfq.copy()
    for k, c in enumerate(PRICE_COLUMNS):
        out[c] = raw[:, k]
    out.attrs = dict(qfq.attrs, adjust=kind)
    return out


def with_raw(qfq: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """``qfq`` with the raw prices of ``raw`` beside it as ``raw_open … raw_close`` (the form the
    store writes an adjustment from)."""
    extra = raw[list(PRICE_COLUMNS)].rename(columns=dict(zip(PRICE_COLUMNS, RAW_COLUMNS)))
    extra = extra[~extra.index.duplicated(keep="last")]
    return qfq.join(extra, how="left")


def load_adjustment(code: str, qfq: pd.DataFrame, source, store=None) -> pd.DataFrame:
    """The stock's adjustment frame: the store's when it covers ``qfq``'s last day, else fetched
    once (``source.daily_bars(code, adjust="none")``) and stored beside the series as it is stored
    then (``adjust_store.attach_raw``: one transaction). Blocking."""
    from .data import bar_codec as codec
    from .data.adjust_store import as_frame, attach_raw, frame_records

    stored = store.read_adjustment(code) if store is not None else None
    if stored is not None and len(stored) and stored.index[-1] >= qfq.index[-1]:
        return stored
    raw = source.daily_bars(code, adjust="none")
    if raw is None or not len(raw):
        raise NoDataError(R("adjust_no_raw", symbol=code), code)
    if store is not None:
        try:
            got = attach_raw(store, code, raw)
            if got is not None and len(got) and got.index[-1] >= qfq.index[-1]:
                return got
        except Exception as e:  # a full disk must not hide the chart
            log.warning("could not store the adjustment of %s: %s", code, e)
    both = with_raw(qfq, raw)
    return as_frame(frame_records(both, codec.frame_to_records(both)))


def load_adjusted_bars(code: str, kind: str, source, store=None, qfq: pd.DataFrame | None = None) -> pd.DataFrame:
    """The stock's daily bars as ``kind`` (blocking; off the GUI thread)."""
    from .analysis import load_bars

    check_kind(kind)
    qfq = load_bars(code, source, store) if qfq is None else qfq
    if kind == "qfq":
        return qfq
    return adjusted(qfq, load_adjustment(code, qfq, source, store), kind)
