"""Fundamentals in a market scan (``core/scan.run_scan``): the request's fundamental bounds and
their checks, reading the fundamentals for the whole universe, the prefilters, the hit columns,
the fundamental score and the formula variables (``PE``, ``ROE`` …).

When fundamentals are read (never a slow network call in a plain technical scan):
- a request that **needs** reports (ROE, profit growth, the fundamental score, or a formula using
  ``ROE EPS NPYOY YYSRYOY MGJZC MLL``) makes sure the store has the whole market's reports of the
  newest published periods (fetched in bulk, ``source.fundamentals(period)``, only those not
  fetched yet); one that needs valuations (PE, PB, caps, the score, or ``PE PB ZSZ LTSZ``) takes
  the spot snapshot unless the store already has one of the scan day;
- a local source (the demo market) has its reports read whenever valuations are;
- otherwise whatever the store holds is read (one query each) and shown in the hit columns;
  nothing stored, nothing read.
Reports are each stock's newest one public on the scan day (``FundamentalStore.latest_as_of``);
valuations are the latest stored snapshot's (real quotes). A scan as of a past day
(``ScanRequest.as_of``) has no snapshot of that day: its PE/PB/caps, score and formula variables are
derived from the day's close and the reports public by then — ``core/fundamentals_as_of``, the
derivation the validation uses — once its bars are read (``AsOfReports.on_panel``); the snapshot
only lends today's share counts to the caps.

A stock lacking a value a filter needs is excluded as ``no_fundamentals`` (counted, never
silently dropped, never scored 0); a loss (PE ≤ 0) fails any PE bound (``pe``).
"""
from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pandas as pd

from .data.errors import DataError, NoDataError
from .data.fundamental_store import FundamentalStore
from .data.report_periods import deadline, published_periods, quarter_end_on_or_before
from .fundamental_growth import growth_values
from .hit_order import combined_score
from .fundamental_score import FundamentalScore, annualised_roe, score_fundamentals
from .reasons import R, Reason, ReasonError
from .numfmt import finite

#: The request's fundamental bounds: field -> (word key of its name, kind).
BOUNDS = {"pe_min": "pe", "pe_max": "pe", "pb_min": "pb", "pb_max": "pb", "float_cap_min": "float_cap",
          "float_cap_max": "float_cap", "roe_min": "roe", "profit_yoy_min": "profit_yoy"}
#: Hit-row keys of the fundamentals, in the presented order (``core/hits.py``).
HIT_KEYS = ["pe", "pb", "market_cap", "float_cap", "eps", "revenue_yoy", "profit_yoy", "roe", "bvps",
            "gross_margin", "report_date", "fscore", "combo"]
_VALUATION_FIELDS = {"f_pe", "f_pb", "f_market_cap", "f_float_cap"}
#: Panel field of a formula variable -> (values key, divisor): caps in 亿元.
_FORMULA_FIELDS = {"f_pe": ("pe", 1.0), "f_pb": ("pb", 1.0), "f_market_cap": ("market_cap", 1e8),
                   "f_float_cap": ("float_cap", 1e8), "f_roe": ("roe", 1.0), "f_eps": ("eps", 1.0),
                   "f_profit_yoy": ("profit_yoy", 1.0), "f_revenue_yoy": ("revenue_yoy", 1.0),
                   "f_bvps": ("bvps", 1.0), "f_gross_margin": ("gross_margin", 1.0)}
REFETCH_OPEN_PERIOD_S = 12 * 3600    # a period still being published is fetched again after this


class FundamentalsError(ReasonError, ValueError):
    """Fundamentals a request needs could not be had (``run_scan`` turns it into a ScanError)."""


def _word(key: str) -> dict:
    from .catalogue import WORDS
    zh, en = WORDS[key]
    return {"zh": zh, "en": en}


def request_problems(request) -> list[Reason]:
    """The fundamental bounds' problems (``ScanRequest.validate``)."""
    out: list[Reason] = []
    for name, kind in BOUNDS.items():
        v = getattr(request, name, None)
        if v is not None and not finite(v):
            out.append(R("fund_not_finite", what=_word(kind)))
    for kind in ("pe", "pb", "float_cap"):
        lo, hi = getattr(request, f"{kind}_min"), getattr(request, f"{kind}_max")
        if finite(lo) and float(lo) < 0:
            out.append(R("fund_bounds_negative", what=_word(kind)))
        if finite(lo) and finite(hi) and float(lo) > float(hi):
            out.append(R("fund_bounds_inverted", what=_word(kind), lo=float(lo), hi=float(hi)))
    f = getattr(request, "min_fscore", None)
    if f is not None and (not finite(f) or not 0 <= float(f) <= 100):
        out.append(R("min_fscore_range"))
    return out



def formula_names(text: str) -> set[str]:
    """The panel fields of the fundamental variables a formula uses (empty without a formula,
    or for one that does not compile: validation reports it)."""
    if not (text or "").strip():
        return set()
    from .formula.compiler import compile_formula

    try:
        nodes = compile_formula(text).order
    except (ValueError, ReasonError):
        return set()
    return {n.value for n in nodes if n.op == "data" and n.value in _FORMULA_FIELDS}


def needs(request) -> tuple[bool, bool]:
    """(needs reports, needs valuations) of a request."""
    names = formula_names(getattr(request, "formula", ""))
    sort = getattr(request, "sort", "score")          # ordered by a fundamental column: read them
    score = getattr(request, "min_fscore", None) is not None or sort in ("combo", "fscore")
    reports = score or request.roe_min is not None or request.profit_yoy_min is not None \
        or bool(names - _VALUATION_FIELDS) or sort in ("roe", "profit_yoy")
    valuation = score or sort in ("pe", "pb", "market_cap") or any(getattr(request, f) is not None for f in
                             ("pe_min", "pe_max", "pb_min", "pb_max", "float_cap_min", "float_cap_max",
                              "mcap_min", "mcap_max")) or bool(names & _VALUATION_FIELDS)
    return reports, valuation


def as_of_notes(request) -> list[Reason]:
    """What a user must know of a scan as of a past day that reads fundamentals: they are derived
    from the reports, as the validation does (task details, the CLI)."""
    return [R("as_of_fund_derived")] if getattr(request, "as_of", "") and any(needs(request)) else []


# ---------------------------------------------------------------------------------------------
def wanted_periods(source, day: dt.date) -> list[dt.date]:
    """The report periods a scan on ``day`` needs: the demo's own, else the two newest complete
    ones and the one being published (its end passed, its deadline not yet)."""
    own = getattr(source, "report_periods", None)
    if own is not None:
        return [p for p in own() if p <= day]
    periods = published_periods(day, 2)
    current = quarter_end_on_or_before(day)
    if current not in periods:
        periods.insert(0, current)
    return periods


def ensure_reports(source, fstore: FundamentalStore, day: dt.date, cancel=None) -> None:
    """Fetch (in bulk) the wanted periods the store lacks, or a stale one still being published."""
    fetched = fstore.fetched_periods()
    now = time.time()
    for p in wanted_periods(source, day):
        at = fetched.get(p)
        still_open = deadline(p) > day
        if at is not None and not (still_open and now - at > REFETCH_OPEN_PERIOD_S):
            continue
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            fstore.write_reports(source.fundamentals(p), p)
        except NoDataError:
            if not still_open:
                raise FundamentalsError(R("fund_needs_reports", reason=R("demo_no_reports", period=p.isoformat())))
        except DataError as e:
            raise FundamentalsError(R("fund_needs_reports", reason=e.reason)) from e


def ensure_valuations(source, fstore: FundamentalStore, day: dt.date, code: str) -> None:
    stored = fstore.valuations()
    if len(stored) and max(d for d in stored["day"] if d is not None) >= day:
        return
    try:
        spot = source.spot()
    except Exception as e:  # noqa: BLE001 - a readable failure of the whole scan
        raise FundamentalsError(R(code, reason=Reason.of(e))) from e
    fstore.write_valuations(spot, day)


def load(request, source, store, symbols: list[str], day: dt.date,
         cancel=None) -> "ScanFundamentals | AsOfReports | None":
    """The fundamentals of ``symbols`` for a scan on ``day`` (see the module; as of a past day,
    ``AsOfReports``, resolved on the panel), or None when the request needs none and the store
    holds none. Raises FundamentalsError."""
    need_reports, need_valuation = needs(request)
    if not hasattr(store, "_write_txn"):       # not a bar store (a test double): nothing stored
        if need_reports or need_valuation:
            raise FundamentalsError(R("fund_needs_reports", reason=R("no_bars_stored")))
        return None
    fstore = FundamentalStore(store)
    local = bool(getattr(source, "is_demo", False))       # its reports cost no request: always
    as_of = bool(getattr(request, "as_of", ""))           # a past day's PE/PB: from its reports
    if need_reports or (need_valuation and (local or as_of)):
        ensure_reports(source, fstore, day, cancel)
    if need_valuation:
        only_mcap = not need_reports and all(getattr(request, f) is None for f in
                                             ("pe_min", "pe_max", "pb_min", "pb_max", "float_cap_min",
                                              "float_cap_max")) and not formula_names(request.formula)
        if not as_of or _needs_shares(request):
            ensure_valuations(source, fstore, day, "mcap_needs_snapshot" if only_mcap else "fund_needs_snapshot")
    elif not fstore.has_any():
        return None
    if as_of:
        return AsOfReports(fstore.all_reports(day), fstore.valuations())
    return ScanFundamentals.latest(symbols, fstore.latest_as_of(day), fstore.valuations(),
                                   fstore.annual_history(day))


def _needs_shares(request) -> bool:
    """Whether a scan as of a past day needs today's share counts (its caps: bounds, ``ZSZ``/``LTSZ``,
    ordered by market cap)."""
    caps = ("mcap_min", "mcap_max", "float_cap_min", "float_cap_max")
    return any(getattr(request, f) is not None for f in caps) or getattr(request, "sort", "") == "market_cap" \
        or bool(formula_names(request.formula) & {"f_market_cap", "f_float_cap"})


class AsOfReports:
    """A scan as of a past day before its bars are read: the reports public by then and today's
    share counts; ``on_panel`` derives the values from the panel's last close."""

    on_bars = False

    def __init__(self, reports: pd.DataFrame, valuations: pd.DataFrame):
        self.reports, self.valuations = reports, valuations

    def exclusions(self, request) -> list:
        return []                              # nothing is known before the day's close is read

    def bar_exclusions(self, request) -> list:
        return []

    def on_panel(self, panel) -> "ScanFundamentals":
        """The fundamentals of ``panel``'s rows on its last day (``core/fundamentals_as_of``)."""
        from .fundamentals_as_of import DayFundamentals, close_on_or_before

        syms = panel.symbols.tolist()
        val = self.valuations.drop(columns="symbol").reindex(pd.Index(syms)) if len(self.valuations) else None
        shares = {}
        for key in ("float_cap", "market_cap"):
            with np.errstate(invalid="ignore", divide="ignore"):
                shares[key] = None if val is None else (val[key] / val["last"]).to_numpy(dtype=float)
        n, t = len(syms), len(panel.dates)
        if n == 0 or t == 0:
            v = {k: np.full(n, np.nan) for k in (*HIT_KEYS, "debt_ratio", "report_day")}
            return ScanFundamentals(syms, v, [None] * n, np.zeros(n, dtype=bool), on_bars=True)
        # every report here is public by D; one published after D's last trading day (a weekend
        # D) counts on it too: D's scan is of that day's close with what was public by D
        last = int(panel.dates[-1:].values.astype("datetime64[D]").astype(np.int64)[0])
        reports = self.reports.assign(available_day=np.minimum(self.reports["available_day"].to_numpy(), last))
        day = DayFundamentals(panel, reports, shares["float_cap"], shares["market_cap"])
        close = close_on_or_before(np.asarray(panel.close, dtype=float))[:, -1]
        v = day.values(np.arange(n), np.full(n, t - 1), close, fscore=True)
        dates = [None if not np.isfinite(d) else dt.date(1970, 1, 1) + dt.timedelta(days=int(d))
                 for d in v["report_day"]]
        return ScanFundamentals(syms, v, dates, v.pop("_scored"), on_bars=True)


class ScanFundamentals:
    """Fundamentals as arrays in the order of ``symbols`` (``values``), whether each has a valid
    fundamental score, and each report's period. ``on_bars``: checked with the bar prefilters
    (a scan as of a past day, its rows the panel's) rather than before the bars are read."""

    def __init__(self, symbols: list[str], values: dict[str, np.ndarray], report_dates: list,
                 scored: np.ndarray, on_bars: bool = False):
        self.row = {s: i for i, s in enumerate(symbols)}
        self.values, self.report_dates, self.scored, self.on_bars = values, report_dates, scored, on_bars

    def on_panel(self, panel) -> "ScanFundamentals":
        return self                            # the latest day's: read before the bars

    def bar_exclusions(self, request) -> list[tuple[str, np.ndarray]]:
        """The exclusions checked on the panel's rows (``on_bars``), else none."""
        return self.exclusions(request) if self.on_bars else []

    @classmethod
    def latest(cls, symbols: list[str], reports: pd.DataFrame, valuations: pd.DataFrame,
               annual: pd.DataFrame | None = None) -> "ScanFundamentals":
        """The latest day's: the snapshot's valuations and each stock's newest public report."""
        idx = pd.Index(symbols)
        rep = reports.drop(columns="symbol").reindex(idx) if len(reports) else pd.DataFrame(index=idx)
        val = valuations.drop(columns="symbol").reindex(idx) if len(valuations) else pd.DataFrame(index=idx)

        def col(frame: pd.DataFrame, name: str) -> np.ndarray:
            if name not in frame:
                return np.full(len(idx), np.nan)
            return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)

        v = {k: col(val, k) for k in ("pe", "pb", "market_cap", "float_cap")}
        v.update({k: col(rep, k) for k in ("eps", "revenue_yoy", "profit_yoy", "roe", "bvps", "gross_margin",
                                            "debt_ratio")})
        dates = list(rep["report_date"]) if "report_date" in rep else [None] * len(idx)
        report_dates = [d if isinstance(d, dt.date) else None for d in dates]
        v["roe_annual"] = annualised_roe(v["roe"], report_dates)
        growth, _years, why = growth_values(annual, symbols)          # multi-year CAGR, annual reports
        v.update(growth)
        score: FundamentalScore = score_fundamentals(v, symbols, why)
        v["fscore"] = score.total
        return cls(symbols, v, report_dates, score.valid)

    def exclusions(self, request) -> list[tuple[str, np.ndarray]]:
        """(exclusion id, mask) in the order they are checked (the first that holds counts)."""
        return value_exclusions(request, self.values, self.scored)

    def fill(self, rows: list[dict]) -> None:
        """Add the fundamental columns (HIT_KEYS) to hit rows."""
        for row in rows:
            i = self.row.get(row["symbol"])
            for k in HIT_KEYS:
                if k == "report_date":
                    d = self.report_dates[i] if i is not None else None
                    row[k] = d.isoformat() if d is not None else ""
                elif k == "combo":
                    row[k] = combined_score(row.get("score"), row["fscore"])
                else:
                    x = float(self.values[k][i]) if i is not None else math.nan
                    row[k] = x if math.isfinite(x) else math.nan

    def with_fields(self, sub) -> object:
        """The chunk ``sub`` (a Panel) with the formula variables as constant fields per row."""
        from .panel import Panel

        rows = np.array([self.row.get(s, -1) for s in sub.symbols.tolist()], dtype=np.intp)
        t = len(sub.dates)
        fields = dict(sub.fields)
        for name, (key, div) in _FORMULA_FIELDS.items():
            col = np.where(rows >= 0, self.values[key][np.maximum(rows, 0)], np.nan) / div
            fields[name] = np.broadcast_to(col[:, None], (len(rows), t))
        return Panel(sub.symbols, sub.dates, fields)


def value_exclusions(request, v: dict[str, np.ndarray], scored: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(exclusion id, mask) of the request's fundamental bounds on the values ``v`` (arrays of one
    length: a scan's stocks, or a validation's (stock, day) cells) and whether each has a valid
    fundamental score (``scored``), in the order they are checked (the first that holds counts)."""
    n = len(scored)
    out = []
    nan = {k: np.isnan(a) for k, a in v.items()}
    with np.errstate(invalid="ignore"):
        if request.mcap_min is not None or request.mcap_max is not None:   # unknown caps fail it
            bad = nan["market_cap"].copy()
            if request.mcap_min is not None:
                bad |= v["market_cap"] < request.mcap_min
            if request.mcap_max is not None:
                bad |= v["market_cap"] > request.mcap_max
            out.append(("market_cap", bad))
        checks = [("pe", "pe"), ("pb", "pb"), ("float_cap", "float_cap")]
        missing = np.zeros(n, dtype=bool)
        for kind, key in checks:
            if getattr(request, f"{kind}_min") is not None or getattr(request, f"{kind}_max") is not None:
                missing |= nan[key]
        for name, key in (("roe_min", "roe"), ("profit_yoy_min", "profit_yoy")):
            if getattr(request, name) is not None:
                missing |= nan[key]
        if request.min_fscore is not None:
            missing |= ~scored
        out.append(("no_fundamentals", missing))
        for kind, key in checks:
            lo, hi = getattr(request, f"{kind}_min"), getattr(request, f"{kind}_max")
            if lo is None and hi is None:
                continue
            bad = v[key] <= 0 if kind in ("pe", "pb") else np.zeros(n, dtype=bool)
            if lo is not None:
                bad |= v[key] < lo
            if hi is not None:
                bad |= v[key] > hi
            out.append((kind, bad))
        if request.roe_min is not None:
            out.append(("roe", v["roe"] < request.roe_min))
        if request.profit_yoy_min is not None:
            out.append(("profit_yoy", v["profit_yoy"] < request.profit_yoy_min))
        if request.min_fscore is not None:
            out.append(("fscore", v["fscore"] < request.min_fscore))
    return out
