"""The real market data source: akshare behind the data-source protocol.

Every akshare call goes through :meth:`AkShareSource._call`, which
1. takes the remote host's slot from the source's :class:`HostPool` (one call in flight per host,
   a minimum interval, a circuit breaker; see ``hosts.py``),
2. runs the call under :func:`enforced_timeout` so every HTTP request inside it has a timeout,
3. maps any failure to the protocol's typed errors (:func:`classify`), tripping the host's
   breaker on throttling signs.
Normalisation (English columns, shares, yuan, percent) lives in ``akshare_normalize.py``.

Hosts: "eastmoney" (spot, daily bars, boards, company info), "tencent" and "sina" (fallback
daily bars; sina also the trade calendar), "csindex" (index members), "sse"/"szse"/"bse" (the
exchanges' stock lists). akshare is imported on first use only (≈0.9 s, FACTS.md), with
``TQDM_DISABLE=1`` set first so its progress bars cannot crash a windowed app.

Universe: built from the three exchange lists that ``stock_info_a_code_name`` itself concatenates
(``stock_info_sh_name_code``, ``stock_info_sz_name_code``, ``stock_info_bj_name_code``), called
one by one so that we also keep their listing dates and, where the exchange publishes it
(SZSE, BSE), the industry (CSRC class, e.g. "J 金融业" on SZSE). SSE rows have industry "".
Their lru_caches are cleared first so a long-running app sees new listings.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from typing import Any, Callable

import pandas as pd

from desktop_app.core import symbols
from desktop_app.core.data import akshare_fundamentals as fund
from desktop_app.core.data import akshare_normalize as norm
from desktop_app.core.data.errors import (DataError, NetworkError, NoDataError, ThrottledError,
                                          UnparseableError)
from desktop_app.core.data.hosts import (HostPool, HostThrottled, HostTimedOut, TimeoutScope, is_disconnect,
                                         enforced_timeout, throttle_sign)
from desktop_app.core.data.source import UNIVERSE_COLUMNS, BoardKind
from desktop_app.core.catalogue import WORDS, host_term
from desktop_app.core.jobs import Cancelled, CancelToken
from desktop_app.core.reasons import R, Reason

_ak_lock = threading.Lock()


def load_akshare() -> Any:
    """Import akshare (lazily, once). Never call on the GUI thread: ≈0.9 s."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    with _ak_lock:
        import akshare
    return akshare


# -- failure classification --------------------------------------------------------------------
def _null_data(text: str) -> bool:
    """An answer that says "nothing": push2's ``"data": null``, the data center's ``"result": null``."""
    try:
        body = json.loads(text)
    except (ValueError, TypeError):
        return False
    return isinstance(body, dict) and any(k in body and not body[k] for k in ("data", "result"))


_CAUSES = (  # (substrings of the exception chain's text, the reason a user reads)
    (("NameResolutionError", "Name or service not known", "getaddrinfo", "nodename nor servname",
      "Temporary failure in name resolution"), "cause_dns"),
    (("Connection refused", "ConnectionRefusedError"), "cause_refused"),
    (("Network is unreachable",), "cause_unreachable"),
    (("ProxyError",), "cause_proxy"),
    (("SSLError", "CERTIFICATE_VERIFY_FAILED"), "cause_ssl"),
)


def _connection_cause(exc: BaseException) -> Reason:
    """A short readable cause for a requests ConnectionError (whose own text is a long repr)."""
    text = f"{type(exc).__name__}: {exc}"
    for needles, cause in _CAUSES:
        if any(n in text for n in needles):
            return R(cause)
    return R("cause_other", detail=text[:160])


def _kind(kind: str) -> dict:
    """"industry"/"concept" as a Reason parameter."""
    return {"zh": WORDS[kind][0] if kind in WORDS else kind, "en": kind}


def classify(exc: BaseException, scope: TimeoutScope | None, host: str, what: Reason | str) -> DataError:
    """Map an exception raised inside an akshare call to a typed, readable DataError."""
    import requests

    if isinstance(exc, DataError):
        return exc
    if isinstance(exc, HostThrottled):
        return ThrottledError(R("data_throttling", what=what, host=host_term(host), detail=str(exc)))
    status = scope.last_status if scope else None
    text = scope.last_text if scope else ""
    detail = f"{type(exc).__name__}: {exc}"[:200]
    if isinstance(exc, (requests.Timeout, HostTimedOut)):
        limit = R("timeout_limit", seconds=float(scope.timeout)) if scope else ""
        return NetworkError(R("data_timeout", what=what, host=host_term(host), limit=limit))
    if isinstance(exc, requests.ConnectionError):
        if is_disconnect(exc):  # normally caught earlier as HostThrottled
            return ThrottledError(R("data_dropped", what=what, host=host_term(host)))
        return NetworkError(R("data_unreachable", what=what, host=host_term(host), cause=_connection_cause(exc)))
    if isinstance(exc, requests.HTTPError) or (status is not None and status >= 400):
        code = status if status is not None else getattr(exc.response, "status_code", None)
        if throttle_sign(code, text):
            return ThrottledError(R("data_http_throttled", what=what, host=host_term(host), status=code))
        if code is not None and code >= 500:
            return NetworkError(R("data_http_server", what=what, host=host_term(host), status=code))
        if code is not None:
            return NetworkError(R("data_http_refused", what=what, host=host_term(host), status=code))
    if _null_data(text):
        return NoDataError(R("data_host_no_data", what=what, host=host_term(host)))
    if type(exc).__module__.startswith("akshare"):   # akshare.request's own errors, after its retries
        name = type(exc).__name__
        if name == "RateLimitError":
            return ThrottledError(R("data_http_throttled", what=what, host=host_term(host), status=429))
        if name == "NetworkError":
            return NetworkError(R("data_network", what=what, host=host_term(host), detail=detail))
        return UnparseableError(R("data_unparseable", what=what, host=host_term(host), detail=detail))
    # before RequestException: requests' JSONDecodeError is both a RequestException and a
    # ValueError, and it means garbage, not a network fault
    if isinstance(exc, (ValueError, KeyError, TypeError, IndexError, AttributeError,
                        LookupError, ArithmeticError)) or "JS" in type(exc).__name__:
        return UnparseableError(R("data_unparseable", what=what, host=host_term(host), detail=detail))
    if isinstance(exc, (requests.RequestException, OSError)):
        return NetworkError(R("data_network", what=what, host=host_term(host), detail=detail))
    raise exc  # a programming error: do not disguise it as a data error


# -- the source ---------------------------------------------------------------------------------
_BAR_FUNCS = {"eastmoney": "stock_zh_a_hist", "tencent": "stock_zh_a_hist_tx",
              "sina": "stock_zh_a_daily"}
_BOARD_FUNCS = {"industry": ("stock_board_industry_name_em", "stock_board_industry_cons_em"),
                "concept": ("stock_board_concept_name_em", "stock_board_concept_cons_em")}
_BK = re.compile(r"^BK\d+$")


def _ymd(day: dt.date | None, default: str) -> str:
    return default if day is None else pd.Timestamp(day).strftime("%Y%m%d")


class AkShareSource:
    """Market data from akshare (eastmoney, Tencent, Sina, CSI, the exchanges).

    ``timeout`` caps every HTTP request; ``rest_seconds`` is how long a throttled host rests;
    ``min_interval`` overrides the per-host pause between calls (``hosts.DEFAULT_MIN_INTERVAL``).
    """

    name = "akshare"
    is_demo = False
    bar_hosts = ["eastmoney", "tencent", "sina"]

    def __init__(self, timeout: float = 15.0, rest_seconds: float = 1800.0,
                 min_interval: dict[str, float] | None = None, hosts: HostPool | None = None):
        self.timeout = float(timeout)
        self.hosts = hosts or HostPool(min_interval, rest_seconds)
        self._board_codes: dict[str, dict[str, str]] = {}

    # -- plumbing ---------------------------------------------------------------------------
    def _call(self, host: str, func: str, *args: Any, what: Reason | str = "",
              cancel: CancelToken | None = None, **kwargs: Any) -> Any:
        """Run ``akshare.<func>`` through the host's gate, under a timeout, errors mapped."""
        ak = load_akshare()
        fn: Callable[..., Any] = getattr(ak, func)
        what = what or func
        gate = self.hosts[host]
        with gate.slot(cancel):
            scope: TimeoutScope | None = None
            try:
                with enforced_timeout(self.timeout) as scope:
                    result = fn(*args, **kwargs)
            except (Cancelled, KeyboardInterrupt):
                raise
            except Exception as exc:  # noqa: BLE001 - classify() re-raises programming errors
                err = classify(exc, scope, host, what)
                if isinstance(err, ThrottledError):
                    gate.trip(err.reason)
                raise err from exc
        if isinstance(result, pd.DataFrame) and result.empty:
            raise NoDataError(R("data_no_rows", what=what, host=host_term(host)))
        return result

    @staticmethod
    def _symbol(token: str) -> symbols.Symbol:
        try:
            return symbols.parse_symbol(token)
        except ValueError as exc:
            raise NoDataError(R("data_not_a_stock", token=repr(token), reason=Reason.of(exc)),
                              symbol=str(token)) from exc

    # -- universe -----------------------------------------------------------------------------
    def universe(self) -> pd.DataFrame:
        ak = load_akshare()
        for f in ("stock_info_sh_name_code", "stock_info_sz_name_code", "stock_info_bj_name_code"):
            getattr(getattr(ak, f), "cache_clear", lambda: None)()
        rows: list[dict[str, Any]] = []
        for board in ("主板A股", "科创板"):
            sh = self._call("sse", "stock_info_sh_name_code", symbol=board, what=R("what_stock_list", exchange=host_term("sse"), part=board))
            norm._require(sh, ["证券代码", "证券简称", "上市日期"], R("what_stock_list", exchange=host_term("sse"), part=board))
            rows += [dict(code=c, name=n, listed=d, industry="")
                     for c, n, d in zip(sh["证券代码"], sh["证券简称"], sh["上市日期"])]
        sz = self._call("szse", "stock_info_sz_name_code", symbol="A股列表", what=R("what_stock_list", exchange=host_term("szse"), part=""))
        norm._require(sz, ["A股代码", "A股简称", "A股上市日期"], R("what_stock_list", exchange=host_term("szse"), part=""))
        industry = sz["所属行业"] if "所属行业" in sz.columns else [""] * len(sz)
        rows += [dict(code=c, name=n, listed=d, industry=i)
                 for c, n, d, i in zip(sz["A股代码"], sz["A股简称"], sz["A股上市日期"], industry)]
        bj = self._call("bse", "stock_info_bj_name_code", what=R("what_stock_list", exchange=host_term("bse"), part=""))
        norm._require(bj, ["证券代码", "证券简称", "上市日期", "所属行业"], R("what_stock_list", exchange=host_term("bse"), part=""))
        rows += [dict(code=c, name=n, listed=d, industry=i)
                 for c, n, d, i in zip(bj["证券代码"], bj["证券简称"], bj["上市日期"], bj["所属行业"])]
        return self._universe_frame(rows)

    @staticmethod
    def _universe_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
        out = []
        for r in rows:
            try:
                sym = symbols.parse_symbol(str(r["code"]).strip().split(".")[0].zfill(6))
            except ValueError:
                continue  # B shares, CDR oddities, blanks: not in our universe
            name = norm.clean_name(r["name"])
            ind = r["industry"]
            out.append({"symbol": sym.code, "name": name, "exchange": sym.exchange,
                        "board": sym.board,
                        "industry": "" if ind is None or pd.isna(ind) else str(ind).strip(),
                        "listed_date": norm.to_date(r["listed"]),
                        "is_st": symbols.is_st_name(name)})
        if not out:
            raise NoDataError(R("data_no_stocks"))
        df = pd.DataFrame(out, columns=UNIVERSE_COLUMNS)
        df["listed_date"] = pd.to_datetime(df["listed_date"], errors="coerce")
        return df.drop_duplicates("symbol", keep="first").sort_values("symbol").reset_index(drop=True)

    # -- daily bars ---------------------------------------------------------------------------
    def daily_bars(self, symbol: str, start: dt.date | None = None, end: dt.date | None = None,
                   cancel: CancelToken | None = None, adjust: str = "qfq") -> pd.DataFrame:
        """Forward-adjusted (qfq; ``adjust="none"``: unadjusted) bars: eastmoney, Tencent, Sina.

        A host that fails (throttled, resting, network, garbage) hands over to the next one;
        NoDataError is final (the symbol has nothing in range; asking others costs requests).
        """
        errors: list[DataError] = []
        sym = self._symbol(symbol)
        for host in self.bar_hosts:
            if host == "tencent" and sym.exchange == "BJ":
                continue  # Tencent has no BSE data (akshare #6205, #7201)
            try:
                return self.daily_bars_via(host, symbol, start, end, cancel=cancel, adjust=adjust)
            except NoDataError:
                raise
            except DataError as exc:
                errors.append(exc)
        kind = (ThrottledError if all(isinstance(e, ThrottledError) for e in errors)
                else type(next(e for e in errors if not isinstance(e, ThrottledError))))
        raise kind(R("data_all_hosts_failed", symbol=symbol, errors=[e.reason for e in errors]), symbol=symbol)

    def daily_bars_via(self, host: str, symbol: str, start: dt.date | None = None,
                       end: dt.date | None = None,
                       cancel: CancelToken | None = None, adjust: str = "qfq") -> pd.DataFrame:
        """Bars from one host only, through that host's gate (backfill spreads over hosts);
        ``adjust`` "qfq" (forward-adjusted) or "none" (unadjusted, akshare's ``adjust=""``)."""
        if host not in _BAR_FUNCS:
            raise ValueError(f"unknown bar host {host!r}; one of {self.bar_hosts}")
        sym = self._symbol(symbol)
        what = R("what_daily_bars" if adjust == "qfq" else "what_raw_bars", symbol=sym.code, host=host_term(host))
        adjust = {"qfq": "qfq", "none": ""}[adjust]
        try:
            if host == "eastmoney":
                raw = self._call(host, "stock_zh_a_hist", symbol=sym.code, period="daily",
                                 start_date=_ymd(start, "19700101"),
                                 end_date=_ymd(end, "20500101"), adjust=adjust,
                                 timeout=self.timeout, what=what, cancel=cancel)
                return norm.eastmoney_bars(raw, start, end, what)
            if host == "tencent":
                if sym.exchange == "BJ":
                    raise NoDataError(R("data_no_bse_on_tencent", what=what))
                raw = self._call(host, "stock_zh_a_hist_tx", symbol=sym.prefixed,
                                 start_date=_ymd(start, "19000101"),
                                 end_date=_ymd(end, "20500101"), adjust=adjust,
                                 timeout=self.timeout, what=what, cancel=cancel)
                return norm.tencent_bars(raw, start, end, what)
            raw = self._call(host, "stock_zh_a_daily", symbol=sym.prefixed,
                             start_date=_ymd(start, "19900101"), end_date=_ymd(end, "21000118"),
                             adjust=adjust, what=what, cancel=cancel)
            return norm.sina_bars(raw, start, end, what)
        except DataError as exc:
            exc.symbol = exc.symbol or sym.code
            raise

    def minute_bars(self, symbol: str, period: str, cancel: CancelToken | None = None) -> pd.DataFrame:
        """Minute bars from eastmoney (``core/data/akshare_minute.py``)."""
        from desktop_app.core.data import akshare_minute

        return akshare_minute.minute_bars(self, symbol, period, cancel=cancel)

    # -- snapshot, indexes, boards, company ---------------------------------------------------
    def spot(self) -> pd.DataFrame:
        """The whole-market snapshot (≈55 pages, ≈1 min: call at most every few minutes)."""
        raw = self._call("eastmoney", "stock_zh_a_spot_em", what=R("what_snapshot"))
        df = norm.spot_frame(raw)
        ok = df["symbol"].map(_is_stock)
        return df[ok].drop_duplicates("symbol").reset_index(drop=True)

    def index_members(self, index_code: str) -> list[str]:
        token = str(index_code).strip()
        try:
            code = symbols.parse_index(token)
        except ValueError:
            bare = token.removeprefix("index:")
            if not re.fullmatch(r"\d{6}", bare):
                raise NoDataError(R("data_not_an_index", token=repr(token))) from None
            code = bare
        raw = self._call("csindex", "index_stock_cons_csindex", symbol=code,
                         what=R("what_index_members", code=code))
        norm._require(raw, ["成分券代码"], R("what_index_members", code=code))
        codes = raw["成分券代码"].astype(str).str.strip().str.zfill(6)
        return sorted({c for c in codes if _is_stock(c)})

    def index_bars(self, code: str, cancel: CancelToken | None = None) -> pd.DataFrame:
        """An index's daily bars: eastmoney, then Sina, then Tencent (``akshare_index``: units
        normalised; no turnover)."""
        from desktop_app.core.data.akshare_index import fetch_index_bars

        try:
            code = symbols.parse_index(str(code))
        except ValueError:
            raise NoDataError(R("data_not_an_index", token=repr(str(code)))) from None
        return fetch_index_bars(self, code, cancel)

    def boards(self, kind: BoardKind) -> list[str]:
        names_fn, _ = self._board_funcs(kind)
        if kind == "concept":  # akshare caches concept names for the process's life
            load_akshare()
            import akshare.stock.stock_board_concept_em as concept_mod
            cached = getattr(concept_mod, "__stock_board_concept_name_em", None)
            getattr(cached, "cache_clear", lambda: None)()
        raw = self._call("eastmoney", names_fn, what=R("what_boards", kind=_kind(kind)))
        norm._require(raw, ["板块名称", "板块代码"], R("what_boards", kind=_kind(kind)))
        mapping = {str(n).strip(): str(c).strip() for n, c in zip(raw["板块名称"], raw["板块代码"])}
        self._board_codes[kind] = mapping
        return list(mapping)

    def board_members(self, kind: BoardKind, name: str) -> list[str]:
        """Members of a board given by name (or by its BK code). The BK code is what we send:
        akshare's own name lookup uses a process-long cache that misses new boards."""
        _, cons_fn = self._board_funcs(kind)
        code = name if _BK.match(name) else self._board_codes.get(kind, {}).get(name)
        if code is None:
            self.boards(kind)
            code = self._board_codes[kind].get(name)
            if code is None:
                raise NoDataError(R("data_no_board", kind=_kind(kind), name=name))
        what = R("what_board_members", kind=_kind(kind), name=name)
        raw = self._call("eastmoney", cons_fn, symbol=code, what=what)
        norm._require(raw, ["代码"], what)
        codes = raw["代码"].astype(str).str.strip().str.zfill(6)
        return sorted({c for c in codes if _is_stock(c)})

    def limit_pools(self, store: Any, day: dt.date, cancel: CancelToken | None = None) -> Any:
        """The day's limit-up pools (saved in ``store``) and board heat: ``akshare_market``."""
        from .akshare_market import live_pools_for
        return live_pools_for(self, store, day, cancel=cancel)

    @staticmethod
    def _board_funcs(kind: str) -> tuple[str, str]:
        if kind not in _BOARD_FUNCS:
            raise ValueError(f"board kind must be 'industry' or 'concept', not {kind!r}")
        return _BOARD_FUNCS[kind]

    def company_info(self, symbol: str) -> dict[str, Any]:
        """Basics from eastmoney: name, industry, listing date, share counts (shares), caps (yuan)."""
        sym = self._symbol(symbol)
        what = R("what_company", symbol=sym.code)
        raw = self._call("eastmoney", "stock_individual_info_em", symbol=sym.code,
                         timeout=self.timeout, what=what)
        norm._require(raw, ["item", "value"], what)
        items = dict(zip(raw["item"], raw["value"]))

        def num(key: str) -> float:
            v = pd.to_numeric(pd.Series([items.get(key)]), errors="coerce").iloc[0]
            return float(v)

        return {"symbol": sym.code, "name": norm.clean_name(items.get("股票简称", "")),
                "exchange": sym.exchange, "board": sym.board,
                "industry": str(items.get("行业", "") or "").strip(),
                "listed_date": norm.to_date(items.get("上市时间")),
                "last": num("最新"), "total_shares": num("总股本"), "float_shares": num("流通股"),
                "market_cap": num("总市值"), "float_cap": num("流通市值")}

    # -- fundamentals (core/data/akshare_fundamentals.py) -------------------------------------
    def fundamentals(self, report_date: dt.date, cancel: CancelToken | None = None) -> pd.DataFrame:
        """The whole market's reports for one period (stock_yjbb_em, ≈11 pages of 500)."""
        return fund.fetch_fundamentals(self, report_date, cancel)

    def financial_indicators(self, symbol: str, cancel: CancelToken | None = None) -> pd.DataFrame:
        return fund.fetch_indicators(self, symbol, cancel)

    def valuation_history(self, symbol: str, cancel: CancelToken | None = None) -> pd.DataFrame:
        return fund.fetch_valuation(self, symbol, cancel)

    def dividends(self, symbol: str, cancel: CancelToken | None = None) -> pd.DataFrame:
        return fund.fetch_dividends(self, symbol, cancel)

    def trade_calendar(self) -> pd.DatetimeIndex:
        """All SSE/SZSE trading days from Sina (network). core.calendar prefers akshare's
        bundled calendar and calls this only past that file's last date."""
        raw = self._call("sina", "tool_trade_date_hist_sina", what=R("what_calendar"))
        norm._require(raw, ["trade_date"], R("what_calendar"))
        days = pd.DatetimeIndex(pd.to_datetime(raw["trade_date"].astype(str), errors="coerce"))
        days = days[days.notna()].astype("datetime64[ns]").normalize().unique().sort_values()
        if days.empty:
            raise NoDataError(R("data_no_calendar"))
        return days.rename("date")


_is_stock = fund._is_stock      # a 6-digit code of a listed A-share board
