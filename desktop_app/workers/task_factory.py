"""Helpers that turn a user action into a TaskManager task around a ``core`` job.

Every helper returns the task id at once; the job runs on a pool thread. ``install_rerun``
registers job factories so tasks loaded from history (which have no live job) can be re-run from
their stored params.
"""
from __future__ import annotations

from typing import Any, Callable

from ..core.jobs import Progress
from ..core.scan import ScanRequest, run_scan
from .results_model import ResultsModel
from .task_manager import TaskManager


def _watch_symbols(watchlist: Any) -> list[str] | None:
    """A snapshot of the watchlist taken on the GUI thread (a Watchlist, a list, or None)."""
    if watchlist is None:
        return None
    if hasattr(watchlist, "symbols"):
        return list(watchlist.symbols())
    return list(watchlist)


def scan_job(request: ScanRequest, source, store, watchlist: list[str] | None = None):
    def job(progress, cancel, emit_hits):
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


def refresh_job(source, store, mode: str = "update", symbols: list[str] | None = None):
    if mode not in ("update", "backfill"):
        raise ValueError(f"refresh mode must be 'update' or 'backfill', not {mode!r}")

    def job(progress, cancel, emit_hits):
        from ..core.data import refresh
        if mode == "backfill":
            return refresh.backfill(source, store, symbols=symbols, progress=progress, cancel=cancel)
        return refresh.update(source, store, progress=progress, cancel=cancel)
    return job


def submit_scan(tm: TaskManager, request: ScanRequest, source, store, watchlist: Any = None,
                lang: str = "zh") -> str:
    problems = request.validate()
    if problems:
        raise ValueError("; ".join(problems))
    symbols = _watch_symbols(watchlist)
    params = {"request": request.to_dict(), "source": getattr(source, "name", "")}
    if symbols is not None and request.universe.strip().lower() == "watchlist":
        params["watchlist"] = symbols
    return tm.submit("scan", request.title(lang), scan_job(request, source, store, symbols),
                     params=params, results_model=ResultsModel(lang=lang))


def submit_analysis(tm: TaskManager, symbol: str, source, store, lang: str = "zh") -> str:
    title = f"分析 {symbol}" if lang == "zh" else f"Analyse {symbol}"
    return tm.submit("analysis", title, analysis_job(symbol, source, store),
                     params={"symbol": symbol, "source": getattr(source, "name", "")})


def submit_refresh(tm: TaskManager, source, store, mode: str = "update", symbols: list[str] | None = None,
                   lang: str = "zh") -> str:
    zh = {"update": "更新行情", "backfill": "补全历史"}
    en = {"update": "Update bars", "backfill": "Backfill history"}
    title = (zh if lang == "zh" else en)[mode]
    if symbols:
        title += f" ({len(symbols)})"
    return tm.submit("refresh", title, refresh_job(source, store, mode, symbols),
                     params={"mode": mode, "symbols": list(symbols) if symbols else None,
                             "source": getattr(source, "name", "")})


def install_rerun(tm: TaskManager, source, store, watchlist: Any = None) -> None:
    """Let ``tm.rerun`` rebuild scan/analysis/refresh jobs of tasks loaded from history.
    ``watchlist`` is read when the re-run is submitted (its current content)."""

    def scan_factory(params: dict) -> Callable:
        req = ScanRequest.from_dict(params.get("request") or {})
        syms = _watch_symbols(watchlist)
        if syms is None:
            syms = params.get("watchlist")
        return scan_job(req, source, store, syms)

    tm.set_job_factory("scan", scan_factory)
    tm.set_job_factory("analysis", lambda p: analysis_job(p["symbol"], source, store))
    tm.set_job_factory("refresh", lambda p: refresh_job(source, store, p.get("mode", "update"), p.get("symbols")))
