"""Helpers that turn a user action into a TaskManager task around a ``core`` job.

Every helper returns the task id at once; the job runs on a pool thread. ``install_rerun``
registers job factories so a re-run rebuilds its job from the task's stored params on the current
source and store (tasks loaded from history have no live job at all).

``core.scan`` (numpy, pandas) is imported when a scan is submitted or re-run, not with this module:
the window installs the re-run factories before its first frame.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..core.catalogue import word
from ..core.jobs import Progress
from ..core.reasons import R
from .task_history import new_results_model
from .task_manager import TaskManager

if TYPE_CHECKING:
    from ..core.scan import ScanRequest


def _watch_symbols(watchlist: Any) -> list[str] | None:
    """A snapshot of the watchlist taken on the GUI thread (a Watchlist, a list, or None)."""
    if watchlist is None:
        return None
    if hasattr(watchlist, "symbols"):
        return list(watchlist.symbols())
    return list(watchlist)


def scan_job(request: ScanRequest, source, store, watchlist: list[str] | None = None):
    def job(progress, cancel, emit_hits):
        from ..core.scan import run_scan
        return run_scan(request, source, store, progress=progress, cancel=cancel, on_hits=emit_hits,
                        watchlist=watchlist)
    return job


def analysis_job(symbol: str, source, store):
    def job(progress, cancel, emit_hits):
        from ..core.analysis import analyze
        progress(Progress(done=0, total=1, current=symbol))
        cancel.raise_if_cancelled()
        report = analyze(symbol, source, store)
        cancel.raise_if_cancelled()
        progress(Progress(done=1, total=1, current=symbol))
        return report
    return job


def refresh_job(source, store, mode: str = "update", symbols: list[str] | None = None,
                yield_to: Callable[[], bool] | None = None):
    if mode not in ("update", "backfill", "fundamentals"):
        raise ValueError(f"refresh mode must be 'update', 'backfill' or 'fundamentals', not {mode!r}")

    def job(progress, cancel, emit_hits):
        from ..core.data import refresh
        if mode == "fundamentals":      # the whole market's reports, a request per period
            from ..core.data.fundamental_refresh import refresh_fundamentals
            return refresh_fundamentals(source, store, progress=progress, cancel=cancel)
        if mode == "backfill":
            return refresh.backfill(source, store, symbols=symbols, progress=progress, cancel=cancel,
                                    yield_to=yield_to)
        return refresh.update(source, store, progress=progress, cancel=cancel)
    return job


def validation_job(request: ScanRequest, options: dict, source, store, watchlist: list[str] | None = None):
    """``options``: ``period`` ({days} or {start, end}), ``top_n``, ``hold`` (``validation_options``)."""
    def job(progress, cancel, emit_hits):
        from ..core.validation import Period, validate
        return validate(request, Period(**options["period"]), source, store, progress, cancel,
                        top_n=int(options.get("top_n", 10)), hold=int(options.get("hold", 5)),
                        costs=options_costs(options), watchlist=watchlist)
    return job


def options_costs(options: dict):
    """The ``Costs`` of a validation's options (the A-share defaults for options stored without)."""
    from ..core.validation_portfolio import Costs

    c = options.get("costs") or {}
    d = Costs()
    return Costs(float(c.get("commission", d.commission)), float(c.get("stamp_duty", d.stamp_duty)),
                 float(c.get("slippage", d.slippage)))


def validation_options(days: int | None = 250, start: str | None = None, end: str | None = None,
                       top_n: int = 10, hold: int = 5, costs: dict | None = None) -> dict:
    """A validation's options as its task stores them (JSON); ``costs``: fractions
    ``{commission, stamp_duty, slippage}`` (the A-share defaults when None)."""
    period = {"days": None, "start": start, "end": end} if (start or end) else {"days": int(days or 250),
                                                                                   "start": None, "end": None}
    return {"period": period, "top_n": int(top_n), "hold": int(hold),
            "costs": options_costs({"costs": costs or {}}).to_dict()}


def submit_validation(tm: TaskManager, request: ScanRequest, options: dict, source, store,
                      watchlist: Any = None, lang: str = "zh") -> str:
    """A forward-return validation of ``request`` (issue 16). Raises ``ScanError`` for a request,
    period or option that cannot run; the result kept in the history is ``to_dict()``."""
    from ..core.scan import ScanError
    from ..core.validation import Period, check_options
    from ..core.validation_returns import HORIZONS

    problems = (request.validate() + Period(**options["period"]).validate()
                + check_options(int(options["top_n"]), int(options["hold"]), list(HORIZONS), options_costs(options)))
    if problems:
        raise ScanError(R("request_invalid", problems=problems))
    symbols = _watch_symbols(watchlist)
    params = {"request": request.to_dict(), "validation": dict(options), "source": getattr(source, "name", "")}
    if symbols is not None and request.universe.strip().lower() == "watchlist":
        params["watchlist"] = symbols
    title = word("validate_task", lang, title=request.title(lang))
    return tm.submit("validation", title, validation_job(request, options, source, store, symbols), params=params)


def submit_scan(tm: TaskManager, request: ScanRequest, source, store, watchlist: Any = None,
                lang: str = "zh") -> str:
    """Raises ``ScanError`` (its ``reason`` lists every problem) for a request that cannot run."""
    from ..core.scan import ScanError

    problems = request.validate()
    if problems:
        raise ScanError(R("request_invalid", problems=problems))
    symbols = _watch_symbols(watchlist)
    params = {"request": request.to_dict(), "source": getattr(source, "name", "")}
    if symbols is not None and request.universe.strip().lower() == "watchlist":
        params["watchlist"] = symbols
    return tm.submit("scan", request.title(lang), scan_job(request, source, store, symbols),
                     params=params, results_model=new_results_model(lang))


def submit_analysis(tm: TaskManager, symbol: str, source, store, lang: str = "zh") -> str:
    return tm.submit("analysis", word("analyse", lang, symbol=symbol), analysis_job(symbol, source, store),
                     params={"symbol": symbol, "source": getattr(source, "name", "")})


def submit_refresh(tm: TaskManager, source, store, mode: str = "update", symbols: list[str] | None = None,
                   lang: str = "zh", yield_to: Callable[[], bool] | None = None) -> str:
    """``yield_to``: a thread-safe predicate; while true, a local source's backfill waits."""
    title = word(mode, lang)
    if symbols:
        title += f" ({len(symbols)})"
    return tm.submit("refresh", title, refresh_job(source, store, mode, symbols, yield_to),
                     params={"mode": mode, "symbols": list(symbols) if symbols else None,
                             "source": getattr(source, "name", "")})


def install_rerun(tm: TaskManager, context: Any) -> None:
    """Let ``tm.rerun`` rebuild scan/validation/analysis/refresh jobs from their stored params.

    ``context`` is read at re-run time — its ``source``, ``store`` and ``watchlist`` (an AppContext)
    — so a task re-run after a source switch runs on the new source and store, and a watchlist
    scan on the watchlist as it is then."""

    def current() -> dict:
        return {"source": getattr(context.source, "name", "")}

    def with_current(factory: Callable[[dict], Callable]) -> Callable[[dict], Callable]:
        factory.current_params = current  # type: ignore[attr-defined]
        return factory

    def scan_factory(params: dict) -> Callable:
        from ..core.scan import ScanRequest

        req = ScanRequest.from_dict(params.get("request") or {})
        syms = _watch_symbols(getattr(context, "watchlist", None))
        if syms is None:
            syms = params.get("watchlist")
        return scan_job(req, context.source, context.store, syms)

    def validation_factory(params: dict) -> Callable:
        from ..core.scan import ScanRequest

        req = ScanRequest.from_dict(params.get("request") or {})
        syms = _watch_symbols(getattr(context, "watchlist", None))
        if syms is None:
            syms = params.get("watchlist")
        options = params.get("validation") or validation_options()
        return validation_job(req, options, context.source, context.store, syms)

    tm.set_job_factory("scan", with_current(scan_factory))
    tm.set_job_factory("validation", with_current(validation_factory))
    tm.set_job_factory("analysis", with_current(lambda p: analysis_job(p["symbol"], context.source, context.store)))
    tm.set_job_factory("refresh", with_current(
        lambda p: refresh_job(context.source, context.store, p.get("mode", "update"), p.get("symbols"))))
