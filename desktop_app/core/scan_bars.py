"""The bars a scan reads: the store's last ``LOOKBACK_DAYS`` of each stock, and what the store
lacks either fetched into it first (a remote source) or read straight from a local source.

A local source (the demo market) holds its whole market in memory, so a stock it has not yet
cached needs no fetch and no store write to be scanned: ``source.recent_panel`` hands those rows
over at once. That is what makes the first scan on a new machine take seconds: it does not wait
for the first-start backfill, which fills the store behind it. The panel read that way equals the
one the store would give once filled (``tests/test_scan_bars.py``).
"""
from __future__ import annotations

from typing import Callable

from .data.errors import failure_reason
from .jobs import Progress
from .panel import Panel, join_rows
from .reasons import R, Reason


def gather_bars(keep: list[str], source, store, last_n: int, fetch_missing: bool, cancel,
                on_fetch: Callable[[Progress, int], None],
                end=None) -> tuple[Panel, list[tuple[str, Reason]]]:
    """The panel of ``keep`` (rows in that order; a stock without bars is absent) and the
    ``(symbol, reason)`` of every stock of ``keep`` that has no bars to read; with ``end`` (a
    date), the last ``last_n`` days up to that day only (a scan as of a past day).

    ``on_fetch(progress, n_missing)`` follows a fetch of missing stocks (remote sources only)."""
    stored = set(store.symbols()) if keep else set()
    missing = [s for s in keep if s not in stored]
    failed: dict[str, Reason] = {}
    local = None
    if missing and fetch_missing:
        recent = getattr(source, "recent_panel", None)
        local = recent(missing, last_n, end=end) if recent is not None else None
        if local is not None:
            local, errors = local
            failed = {s: failure_reason(e) for s, e in errors.items()}
        else:
            from .data.refresh import backfill

            rep = backfill(source, store, symbols=missing, cancel=cancel,
                           progress=lambda p: on_fetch(p, len(missing)))
            cancel.raise_if_cancelled()
            failed = {s: Reason.of(r) for s, r in (getattr(rep, "failed", {}) or {}).items()}
            stored = set(store.symbols())
    from_local = set() if local is None else set(local.symbols.tolist())
    problems: list[tuple[str, Reason]] = []
    readable = []
    for s in keep:
        if s in stored or s in from_local:
            readable.append(s)
        elif s in failed:
            problems.append((s, failed[s]))
        elif fetch_missing:
            problems.append((s, R("no_data_source")))
        else:
            problems.append((s, R("no_bars_stored")))
    cancel.raise_if_cancelled()
    panel = store.read_panel([s for s in readable if s in stored], end=end, last_n=last_n)
    if from_local:
        panel = join_rows(panel, local, [s for s in readable], last_n)
    in_panel = set(panel.symbols.tolist())
    problems += [(s, R("no_bars_in_store")) for s in readable if s not in in_panel]
    return panel, problems


def local_latest(source):
    """The newest day of a local source's bars (None for a remote one): a scan's "today" while
    the store is still empty."""
    latest = getattr(source, "latest_date", None) if getattr(source, "recent_panel", None) else None
    return latest() if latest is not None else None


def as_of_problems(as_of: str) -> list[Reason]:
    """Why ``as_of`` cannot be a scan's day ("" is the latest day and always fine)."""
    import datetime as dt

    if not as_of:
        return []
    try:
        day = dt.date.fromisoformat(str(as_of))
    except ValueError:
        return [R("as_of_invalid", value=str(as_of))]
    if day > dt.date.today():
        return [R("as_of_future", day=str(day))]
    return []
