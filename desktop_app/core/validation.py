"""Forward-return validation of any screen (issue 16): the job and its result.

``validate(request, period, source, store, progress, cancel)`` evaluates a ``ScanRequest``
(universe, prefilters, score minimum, presets, formula) on EVERY trading day of ``period`` in
one pass over one panel, then measures what a buyer of each signal could have done:

1. *reading* (weight 0.3): the universe (today's list), the bars of the universe and of the
   benchmark index's members through the store like a scan (``core.scan_bars.gather_bars``: a
   local demo source is read from memory), ``LOOKBACK_DAYS`` of warm-up before the period;
2. *computing* (0.5): ``CHUNK`` stocks at a time, the signals of every day
   (``core/validation_signals``); cancellation is checked between chunks;
3. *statistics* (0.2): entries and exits (``core/validation_returns``), per horizon, by score
   band and by preset, against the universe's equal-weighted return and a cap-weighted index
   (``core/cap_index``), and the top-N portfolio (``core/validation_portfolio``).

The result (:class:`ValidationResult`) keeps numbers only; ``to_dict()`` is JSON-safe (NaN →
None) for the task history. docs/VALIDATION.md states the rules and the biases that remain.
"""
from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .jobs import CancelToken, Progress, ProgressFn, no_progress
from .reasons import R, Reason
from .validation_portfolio import Costs

WEIGHTS = {"reading": 0.3, "computing": 0.5, "statistics": 0.2}
MAX_DAYS = 5000
MAX_HORIZON = 120
AFTER_DAYS = 20                 # trading days read after the period (the longest default horizon)
BENCH_INDEX = "000300"          # the index the demo market builds from its members


@dataclass
class Period:
    """The days validated: the last ``days`` trading days of the data, or ``start`` .. ``end``
    (ISO dates, inclusive; ``end`` None = the latest bar)."""
    days: int | None = 250
    start: str | None = None
    end: str | None = None

    def validate(self) -> list[Reason]:
        if self.start is None and self.end is None:
            if self.days is None or not (1 <= int(self.days) <= MAX_DAYS):
                return [R("validation_period_days", maximum=MAX_DAYS, days=self.days)]
            return []
        try:
            s = pd.Timestamp(self.start) if self.start else None
            e = pd.Timestamp(self.end) if self.end else None
        except (ValueError, TypeError) as ex:
            return [R("validation_period_dates", detail=str(ex))]
        if s is not None and e is not None and s > e:
            return [R("validation_period_order", start=str(s.date()), end=str(e.date()))]
        return []

    def columns(self, dates: pd.DatetimeIndex, warmup: int) -> np.ndarray:
        """The panel columns of the period (those of the data, ascending)."""
        if self.start is None and self.end is None:
            lo = max(warmup, len(dates) - int(self.days))
            return np.arange(lo, len(dates))
        ok = np.ones(len(dates), dtype=bool)
        if self.start:
            ok &= dates >= pd.Timestamp(self.start)
        if self.end:
            ok &= dates <= pd.Timestamp(self.end)
        return np.flatnonzero(ok)

    def bars_needed(self, latest: dt.date | None) -> int:
        """Bars to read per stock: the period, ``LOOKBACK_DAYS`` of warm-up and the days after."""
        from .calendar import trading_days
        from .scan import LOOKBACK_DAYS

        if self.start is None and self.end is None:
            return int(self.days) + LOOKBACK_DAYS
        latest = latest or dt.date.today()
        start = pd.Timestamp(self.start).date() if self.start else latest
        return len(trading_days(start, latest)) + LOOKBACK_DAYS

    def to_dict(self) -> dict:
        return {"days": self.days, "start": self.start, "end": self.end}


@dataclass
class ValidationResult:
    request: dict
    title_zh: str
    title_en: str
    period: dict                          # {start, end, days} as validated
    universe_size: int
    horizons: list[int]
    signals: int
    entries: dict[str, int]               # bought / limit_up / suspended / no_next_day
    pending: dict[int, int]               # bought, window not over inside the data
    delayed: dict[int, int]               # exit moved to a later close (suspended on E+k)
    overall: dict[int, dict]              # horizon -> stats (validation_stats.summarize)
    universe_mean: dict[int, float | None]
    index_mean: dict[int, float | None]
    bands: list[dict]                     # {lo, hi, label_zh, label_en, stats: {h: stats}}
    presets: list[dict]                   # {id, name_zh, name_en, stats: {h: stats}}
    signals_per_day: list[tuple[str, int]]
    portfolio: dict | None
    index: Reason | None
    biases: list[Reason]
    failed: list[tuple[str, Reason]] = field(default_factory=list)
    elapsed: float = 0.0
    histograms: dict[int, dict] = field(default_factory=dict)   # horizon -> validation_stats.histogram
    excluded: dict[str, int] = field(default_factory=dict)     # signals dropped by a bound on their day

    @property
    def found(self) -> int:
        """The task table's "found": the signals of the period."""
        return self.signals

    def to_dict(self) -> dict:
        return _clean({
            "request": self.request, "title": {"zh": self.title_zh, "en": self.title_en},
            "period": self.period, "universe_size": self.universe_size, "horizons": self.horizons,
            "signals": self.signals, "entries": self.entries,
            "pending": {str(k): v for k, v in self.pending.items()},
            "delayed": {str(k): v for k, v in self.delayed.items()},
            "overall": {str(k): v for k, v in self.overall.items()},
            "universe_mean": {str(k): v for k, v in self.universe_mean.items()},
            "index_mean": {str(k): v for k, v in self.index_mean.items()},
            "bands": [{**b, "stats": {str(k): v for k, v in b["stats"].items()}} for b in self.bands],
            "presets": [{**p, "stats": {str(k): v for k, v in p["stats"].items()}} for p in self.presets],
            "signals_per_day": [list(x) for x in self.signals_per_day],
            "portfolio": self.portfolio,
            "index": None if self.index is None else self.index.to_json(),
            "biases": [b.to_json() for b in self.biases],
            "failed": [[s, Reason.of(r).to_json()] for s, r in self.failed],
            "elapsed": self.elapsed,
            "histograms": {str(k): v for k, v in self.histograms.items()},
            "excluded": dict(self.excluded),
        })


def _clean(o: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, np.ndarray):
        return [_clean(v) for v in o.tolist()]
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (float, np.floating)):
        return float(o) if math.isfinite(o) else None
    return o


def check_options(top_n: int, hold: int, horizons, costs: Costs) -> list[Reason]:
    problems = []
    if top_n < 1 or hold < 1:
        problems.append(R("validation_top_hold"))
    if not horizons or any(int(h) != h or not 1 <= h <= MAX_HORIZON for h in horizons):
        problems.append(R("validation_horizons", maximum=MAX_HORIZON, horizons=",".join(map(str, horizons))))
    if any(not (0 <= float(v) <= 0.05) for v in (costs.commission, costs.stamp_duty, costs.slippage)):
        problems.append(R("validation_costs"))
    return problems


def validate(request, period: Period, source, store, progress: ProgressFn = no_progress,
             cancel: CancelToken | None = None, *, top_n: int = 10, hold: int = 5,
             costs: Costs | None = None, horizons=None, watchlist: list[str] | None = None,
             fetch_missing: bool = True) -> ValidationResult:
    """Validate ``request`` over ``period`` (see the module docstring). Raises ``ScanError`` for
    a request, period or option that cannot run, ``Cancelled`` when ``cancel`` is set."""
    from .scan import ScanError, resolve_universe
    from .scan_bars import gather_bars, local_latest
    from .validation_compute import compute

    t0 = time.perf_counter()
    cancel = cancel or CancelToken()
    costs = costs or Costs()
    from .validation_returns import HORIZONS
    horizons = sorted({int(h) for h in (horizons or HORIZONS)})
    problems = request.validate() + period.validate() + check_options(top_n, hold, horizons, costs)
    if problems:
        raise ScanError(R("request_invalid", problems=problems))

    def phase(start: float, weight: float, part: float, current) -> None:
        progress(Progress(fraction=start + weight * max(0.0, min(1.0, part)), current=current))

    phase(0.0, WEIGHTS["reading"], 0.0, R("phase_validate_reading"))
    uni_df = source.universe().copy()
    uni_df["symbol"] = uni_df["symbol"].astype(str)
    uni_df = uni_df.drop_duplicates("symbol").set_index("symbol", drop=False)
    universe = resolve_universe(request, source, watchlist, universe_df=uni_df)
    members = _index_members(source)
    want = list(dict.fromkeys(universe.symbols + [s for s in members if s in uni_df.index]))
    latest = store.latest_date() or local_latest(source)
    last_n = period.bars_needed(latest)
    cancel.raise_if_cancelled()

    def on_fetch(p: Progress, _n: int) -> None:
        phase(0.0, WEIGHTS["reading"], p.done / p.total if p.total else 0.0, R("phase_validate_reading"))

    panel, no_bars = gather_bars(want, source, store, last_n, fetch_missing, cancel, on_fetch)
    cancel.raise_if_cancelled()
    from .scan import LOOKBACK_DAYS
    cols = period.columns(panel.dates, warmup=min(LOOKBACK_DAYS, max(0, len(panel.dates) - 1)))
    if not len(cols):
        raise ScanError(R("validation_no_days", latest=str(latest or "—")))
    in_universe = set(universe.symbols)
    from . import validation_fundamentals
    from .scan_fundamentals import FundamentalsError
    try:          # the reports public on each day, for a request with fundamental bounds
        fund = validation_fundamentals.load(request, source, store, panel, cancel)
    except FundamentalsError as e:
        raise ScanError(e.reason) from e
    failed = [(s, r) for s, r in no_bars if s in in_universe]
    res = compute(request, panel, uni_df, in_universe, members, cols, source, horizons, top_n, hold, costs,
                  cancel, lambda w, part, cur: phase(sum(WEIGHTS[k] for k in _before(w)), WEIGHTS[w], part, cur),
                  store=store, fund=fund)
    res.failed = failed
    res.universe_size = len(universe.symbols)
    res.elapsed = time.perf_counter() - t0
    progress(Progress(fraction=1.0, current=""))
    return res


def _before(phase: str) -> list[str]:
    keys = list(WEIGHTS)
    return keys[:keys.index(phase)]


def _index_members(source) -> list[str]:
    """The benchmark index's members when the source has no index bars of its own (the demo
    market): an index built from them (``core/cap_index``). Empty for other sources."""
    if not getattr(source, "is_demo", False):
        return []
    try:
        return [str(s) for s in source.index_members(BENCH_INDEX)]
    except Exception:  # noqa: BLE001 - a demo market too small for the index: no index line
        return []
