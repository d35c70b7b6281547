"""DemoSource: a deterministic synthetic A-share market (DESIGN.md §4.1).

The whole market is generated at once, vectorised over (n_stocks, n_days) numpy arrays, the first
time anything needs it, and cached in the instance (thread-safe). Two layers:

* the *static* market (``StaticMarket``): codes, names, boards, industries, listing dates, ST flags,
  shares, index and board memberships. Cheap; ``universe()`` and the board/index lists need only it.
* the *bars* (``GeneratedMarket``): prices generated in integer cents by one loop over days, each step a
  vector operation over all stocks: GARCH(1,1) volatility clusters, piecewise-constant drift
  regimes (trends and ranges), a market and an industry factor, rare jumps, mean reversion of the
  log price, and the board's daily limit of each day (``core.price_limits``, 5 % for main-board ST names)
  applied to the rounded close, as the exchanges do. Suspended days carry the price and become
  NaN; stocks listed inside the window start on their listing day (no limit on that first day).

Randomness comes from two ``SeedSequence`` children of ``seed`` so the universe does not depend on
how the bars are drawn. The result depends on ``(seed, n_stocks, years, end)`` only.

Fault injection: ``faults={"no_data": f, "network": f, "throttled": f, "unparseable": f}``.
Symbols are ranked by a hash of ``(seed, symbol)``; the first ``round(f_no_data * n)`` raise
NoDataError, the next ``round(f_network * n)`` NetworkError, and so on: the failing set is exact,
stable and predictable (``faulty_symbols()``). ``throttle_host(host)`` makes one of ``bar_hosts``
refuse everything. ``daily_bars`` itself goes through no host, so host throttling does not affect it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time

import numpy as np
import pandas as pd

from desktop_app.core import symbols as sym
from desktop_app.core.calendar import last_trading_day
from desktop_app.core.data.errors import (
    DataError, NetworkError, NoDataError, ThrottledError, UnparseableError,
)
from desktop_app.core.data.demo_market import build_market, build_static, GeneratedMarket, StaticMarket, max_stocks
from desktop_app.core.data.source import BAR_COLUMNS, DIVIDEND_COLUMNS, VALUATION_COLUMNS, BoardKind
from desktop_app.core.catalogue import WORDS, host_term
from desktop_app.core.panel import Panel
from desktop_app.core.reasons import R, ReasonError

FAULT_KINDS = ("no_data", "network", "throttled", "unparseable")
_FAULT_ERRORS: dict[str, type[DataError]] = {
    "no_data": NoDataError, "network": NetworkError,
    "throttled": ThrottledError, "unparseable": UnparseableError,
}
def _read_only(a: np.ndarray) -> np.ndarray:
    """A view that refuses writes: panels handed out of the market share its memory."""
    v = a.view()
    v.flags.writeable = False
    return v


class DemoSizeError(ReasonError, ValueError):
    """A demo market size outside 1 … ``max_stocks()``."""


class DemoSource:
    """The built-in demo market. See the module docstring for the model and the knobs."""

    name = "demo"
    is_demo = True

    def __init__(self, seed: int = 7, n_stocks: int = 5000, years: float = 3.2,
                 end: dt.date | None = None, latency: float = 0.0,
                 faults: dict[str, float] | None = None):
        self.seed = int(seed)
        self.n_stocks = int(n_stocks)
        if not 1 <= self.n_stocks <= max_stocks():
            raise DemoSizeError(R("demo_size", maximum=max_stocks(), n=self.n_stocks))
        self.years = float(years)
        self.end = end if end is not None else last_trading_day()
        self.latency = float(latency)
        self.faults: dict[str, float] = dict(faults or {})
        self.bar_hosts: list[str] = ["demo-em", "demo-tx", "demo-sina"]
        self._throttled: set[str] = set()
        self._lock = threading.Lock()
        self._static_cache: StaticMarket | None = None
        self._market_cache: GeneratedMarket | None = None
        self._reports_cache = None
        self._index_cache: dict[str, pd.DataFrame] = {}
        self._fault_order: list[str] | None = None
        self._fault_map: tuple[tuple, dict[str, str]] | None = None
        ss = np.random.SeedSequence(self.seed)
        self._seed_static, self._seed_bars = ss.spawn(2)

    # ---------------------------------------------------------------- protocol
    def universe(self) -> pd.DataFrame:
        return self._static().universe.copy()

    def daily_bars(self, symbol: str, start: dt.date | None = None,
                   end: dt.date | None = None, adjust: str = "qfq") -> pd.DataFrame:
        """Forward-adjusted bars (``adjust="none"``: unadjusted, ``core.data.demo_actions``)."""
        self._sleep()
        return self._bars(symbol, start, end, via="demo", adjust=adjust)

    def corporate_actions(self, symbol: str) -> list[tuple[pd.Timestamp, float]]:
        """The stock's demo ex-dates and their ratios (``demo_actions``; most stocks have none)."""
        from desktop_app.core.data.demo_actions import actions

        code = self._known(symbol)
        close = self._market().panel.row_frame(self._static().row_of[code])["close"]
        return actions(self.seed, code, pd.DatetimeIndex(close.dropna().index))

    def minute_bars(self, symbol: str, period: str) -> pd.DataFrame:
        """Intraday paths inside the stock's daily bars (``core/data/demo_minutes.py``)."""
        from desktop_app.core.data.demo_minutes import demo_minute_bars

        self._sleep()
        daily = self._bars(symbol, None, None, via="demo")
        return demo_minute_bars(sym.parse_symbol(str(symbol)).code, daily, period)

    def spot(self) -> pd.DataFrame:
        return self._market().spot.copy()

    def index_members(self, index_code: str) -> list[str]:
        st = self._static()
        try:
            code = sym.parse_index(index_code)
        except sym.SymbolError as e:
            raise NoDataError(R("demo_unknown_index", token=repr(index_code), reason=e.reason)) from None
        if code not in st.index_members:
            raise NoDataError(R("demo_no_constituents", code=code, index=sym.INDEXES[code][0]))
        return list(st.index_members[code])

    def index_bars(self, code: str) -> pd.DataFrame:
        """A cap-weighted index of the index's demo members (``core.cap_index``; shares = market
        cap / last price of the spot), computed once per code."""
        members = self.index_members(code)
        key = sym.parse_index(code)
        if key not in self._index_cache:
            from desktop_app.core.cap_index import cap_weighted_index, source_shares

            df = cap_weighted_index(self.panel(members), source_shares(self, members))
            df = df.assign(turnover=np.nan)[BAR_COLUMNS]
            self._index_cache[key] = df[df.index <= pd.Timestamp(self.end)]
        return self._index_cache[key].copy()

    def boards(self, kind: BoardKind) -> list[str]:
        return list(self._board_map(kind))

    def board_members(self, kind: BoardKind, name: str) -> list[str]:
        boards = self._board_map(kind)
        if name not in boards:
            raise NoDataError(R("demo_no_board", kind={"zh": WORDS[kind][0], "en": kind}, name=name))
        return list(boards[name])

    # ---------------------------------------------------------------- fundamentals (demo_fundamentals.py)
    def fundamentals(self, report_date: dt.date) -> pd.DataFrame:
        day = pd.Timestamp(report_date).date()
        frame = self._reports().by_period.get(day)
        if frame is None:
            raise NoDataError(R("demo_no_reports", period=day.isoformat()))
        return frame.copy()

    def report_periods(self) -> list[dt.date]:
        """The periods the demo market has reports for, newest first."""
        return list(reversed(self._reports().periods))

    def financial_indicators(self, symbol: str) -> pd.DataFrame:
        code = self._known(symbol)
        f = self._reports().frame
        return f[f["symbol"] == code].sort_values("report_date", ascending=False).reset_index(drop=True)

    def valuation_history(self, symbol: str) -> pd.DataFrame:
        """Daily close, PE (close / EPS, the snapshot's definition), PB and caps, ascending."""
        code = self._known(symbol)
        st, i = self._static(), self._static().row_of[code]
        bars = self._market().panel.row_frame(i)
        close = bars["close"].to_numpy()
        df = pd.DataFrame({"date": bars.index.date, "close": close,
                           "pe_ttm": np.round(close / st.eps[i], 2), "pe_static": np.round(close / st.eps[i], 2),
                           "pb": np.round(close / st.bvps[i], 2), "market_cap": close * st.total_shares[i],
                           "float_cap": close * st.float_shares[i], "total_shares": st.total_shares[i],
                           "float_shares": st.float_shares[i]})
        return df[VALUATION_COLUMNS]

    def dividends(self, symbol: str) -> pd.DataFrame:
        code = self._known(symbol)
        d = self._reports().dividends
        return d[d["symbol"] == code][DIVIDEND_COLUMNS].sort_values("report_date", ascending=False).reset_index(drop=True)

    def _known(self, symbol: str) -> str:
        code = str(symbol)
        if code not in self._static().row_of:
            raise NoDataError(R("demo_no_stock", code=code), code)
        return code

    def _reports(self):
        if self._reports_cache is None:
            from desktop_app.core.data.demo_fundamentals import build_reports

            st = self._static()
            with self._lock:
                if self._reports_cache is None:
                    self._reports_cache = build_reports(st, self.seed)
        return self._reports_cache

    # ---------------------------------------------------------------- extras
    def calendar(self) -> pd.DatetimeIndex:
        return self._static().dates.copy()

    def panel(self, symbols=None) -> Panel:
        """The market as a Panel. ``symbols=None``: every stock, arrays shared with the cache
        (read-only). Otherwise those rows in the given order (copies); a code the demo market
        does not have gets an all-NaN row so rows always match the request."""
        full = self._market().panel
        if symbols is None:
            return Panel(full.symbols, full.dates, dict(full.fields))
        st = self._static()
        want = [str(s) for s in symbols]
        rows = np.array([st.row_of.get(s, -1) for s in want], dtype=np.int64)
        fields = {}
        for k, v in full.fields.items():
            out = v[np.maximum(rows, 0)].copy() if len(rows) else np.empty((0, len(full.dates)))
            out[rows < 0] = np.nan
            fields[k] = out
        return Panel(np.array(want, dtype=object), full.dates, fields)

    def daily_bars_via(self, host: str, symbol: str, start: dt.date | None = None,
                       end: dt.date | None = None, adjust: str = "qfq") -> pd.DataFrame:
        """``daily_bars`` as served by one of ``bar_hosts`` (for the multi-host backfill)."""
        if host not in self.bar_hosts:
            raise ValueError(f"unknown demo host {host!r}; hosts: {', '.join(self.bar_hosts)}")
        self._sleep()
        if host in self._throttled:
            raise ThrottledError(R("demo_throttled", host=host_term(host)), symbol)
        return self._bars(symbol, start, end, via=host, adjust=adjust)

    def bulk_records(self, symbols: list[str]) -> tuple[dict[str, "np.ndarray"], dict[str, DataError]] | None:
        """The whole history of ``symbols`` at once, as bar-store records, straight from the
        generated market (≈1 s for 5,000 stocks instead of a minute of per-symbol fetches), with
        each injected fault as that symbol's error. None when the demo is imitating a remote
        source (latency, a throttled host): then it must be fetched per symbol, like one."""
        split = self._local_split(symbols)
        if split is None:
            return None
        from desktop_app.core.data import bar_codec

        rows, errors = split
        st, panel = self._static(), self._market().panel
        recs = dict(zip(rows, bar_codec.panel_rows_to_records(panel.dates, panel.fields,
                                                                [st.row_of[c] for c in rows])))
        return recs, errors

    def recent_panel(self, symbols: list[str], last_n: int, end: dt.date | None = None
                     ) -> tuple[Panel, dict[str, DataError]] | None:
        """The last ``last_n`` trading days of ``symbols`` (up to ``end`` when given) as a panel
        (rows in the given order, faulty or unknown codes left out and reported as errors),
        straight from memory: what a scan reads for stocks not yet in the store. None when
        imitating a remote source."""
        split = self._local_split(symbols)
        if split is None:
            return None
        rows, errors = split
        st, full = self._static(), self._market().panel
        idx = np.array([st.row_of[c] for c in rows], dtype=np.intp)
        whole = len(idx) == len(full.symbols) and np.array_equal(idx, np.arange(len(idx)))
        rows_of = slice(None) if whole else idx                  # the whole market: no row copy
        traded = np.flatnonzero(np.isfinite(full.close[rows_of]).any(axis=0))   # as the store's union
        if end is not None:
            traded = traded[full.dates[traded] <= pd.Timestamp(end)]
        days = traded[-int(last_n):] if last_n > 0 else traded[:0]
        if len(days) and days[-1] - days[0] + 1 == len(days):    # contiguous: a view, not a copy
            days = slice(int(days[0]), int(days[-1]) + 1)
        if whole or isinstance(days, slice):
            # rows and days picked in one indexing: only the cells returned are copied (picking
            # the rows of every day first copied the whole history of each field)
            fields = {k: _read_only(v[rows_of, days]) for k, v in full.fields.items()}
        else:
            fields = {k: _read_only(v[np.ix_(idx, days)]) for k, v in full.fields.items()}
        return Panel(np.array(rows, dtype=object), full.dates[days], fields), errors

    def latest_date(self) -> dt.date | None:
        """The newest trading day the market has bars for (what a filled store would say)."""
        dates = self._market().panel.dates
        return dates[-1].date() if len(dates) else None

    def _local_split(self, symbols: list[str]) -> tuple[list[str], dict[str, DataError]] | None:
        """``symbols`` split into those the market serves and the errors of the rest (unknown
        codes, injected faults); None when the demo imitates a remote source."""
        if self.latency or self._throttled:
            return None
        st = self._static()
        errors: dict[str, DataError] = {}
        rows = []
        for code in symbols:
            kind = self._fault_of(code) if code in st.row_of else None
            if code not in st.row_of:
                errors[code] = NoDataError(R("demo_no_stock", code=code), code)
            elif kind is not None:
                errors[code] = _FAULT_ERRORS[kind](R(f"demo_fault_{kind}", host=host_term("demo"), symbol=code), code)
            else:
                rows.append(code)
        return rows, errors

    def throttle_host(self, host: str, throttled: bool = True) -> None:
        """Make ``host`` refuse every request (``throttled=False`` lifts it)."""
        if host not in self.bar_hosts:
            raise ValueError(f"unknown demo host {host!r}")
        if throttled:
            self._throttled.add(host)
        else:
            self._throttled.discard(host)

    def faulty_symbols(self) -> dict[str, str]:
        """symbol -> fault kind for the current ``faults`` setting (exact, deterministic)."""
        key = tuple(sorted((k, float(v)) for k, v in self.faults.items()))
        cached = self._fault_map
        if cached is not None and cached[0] == key:
            return dict(cached[1])
        unknown = set(self.faults) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(FAULT_KINDS)}")
        order = self._ranked_for_faults()
        n, pos, out = len(order), 0, {}
        for kind in FAULT_KINDS:
            k = int(round(float(self.faults.get(kind, 0.0)) * n))
            for s in order[pos:pos + k]:
                out[s] = kind
            pos += k
        self._fault_map = (key, out)
        return dict(out)

    # ---------------------------------------------------------------- internals
    def _sleep(self) -> None:
        if self.latency > 0:
            time.sleep(self.latency)

    def _bars(self, symbol: str, start, end, via: str, adjust: str = "qfq") -> pd.DataFrame:
        st = self._static()
        code = str(symbol)
        if code not in st.row_of:
            try:
                code = sym.parse_symbol(code).code
            except sym.SymbolError as e:
                raise NoDataError(R("demo_bad_code", reason=R("token_rejected", token=e.token, reason=e.reason)),
                                  str(symbol)) from None
            if code not in st.row_of:
                raise NoDataError(R("demo_no_stock", code=code), code)
        kind = self._fault_of(code)
        if kind is not None:
            raise _FAULT_ERRORS[kind](R(f"demo_fault_{kind}", host=host_term(via), symbol=code), code)
        df = self._market().panel.row_frame(st.row_of[code])[BAR_COLUMNS]
        if adjust != "qfq":
            from desktop_app.core.data.demo_actions import unadjusted

            df = unadjusted(df, self.corporate_actions(code))
        if start is not None:
            df = df[df.index >= pd.Timestamp(start)]
        if end is not None:
            df = df[df.index <= pd.Timestamp(end)]
        return df

    def _fault_of(self, code: str) -> str | None:
        if not any(self.faults.values()):
            return None
        return self.faulty_symbols().get(code)

    def _ranked_for_faults(self) -> list[str]:
        if self._fault_order is None:
            codes = self._static().codes
            keys = [hashlib.blake2b(f"{self.seed}:{c}".encode(), digest_size=8).hexdigest() for c in codes]
            self._fault_order = [c for _, c in sorted(zip(keys, codes))]
        return self._fault_order

    def _board_map(self, kind: str) -> dict[str, list[str]]:
        st = self._static()
        if kind == "industry":
            return st.industry_members
        if kind == "concept":
            return st.concept_members
        raise ValueError(f"board kind must be 'industry' or 'concept', not {kind!r}")

    def _static(self) -> StaticMarket:
        if self._static_cache is None:
            with self._lock:
                if self._static_cache is None:
                    self._static_cache = build_static(self)
        return self._static_cache

    def _market(self) -> GeneratedMarket:
        if self._market_cache is None:
            st = self._static()
            with self._lock:
                if self._market_cache is None:
                    self._market_cache = build_market(st, np.random.default_rng(self._seed_bars))
        return self._market_cache
