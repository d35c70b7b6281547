"""``stockscan-cli history show ID --since``: a past scan's hits with their returns since the
scan's day (``core/since_scan``: 至今收益, 5/10/20日后收益), read from the scan's source."""
from __future__ import annotations

from typing import Any


def with_since(task: dict, hits: list[dict], lang: str, demo_stocks: int | None = None) -> list[dict]:
    """``hits`` with the since-scan columns (NaN where none), or unchanged when ``task`` is not a
    scan or its day is unknown (a note says so on stderr)."""
    from desktop_app.commands.scan import make_source, note
    from desktop_app.core.data.store import BarStore
    from desktop_app.core.reasons import R
    from desktop_app.core.since_scan import merge_since, read_since, scan_day

    if task.get("kind") != "scan" or not hits:
        return hits
    day = scan_day(task)
    if not day:
        note(R("since_scan_unknown"), lang)
        return hits
    name = str((task.get("params") or {}).get("source") or "demo")
    source: Any = make_source("akshare" if name == "akshare" else "demo", demo_stocks)
    store = BarStore.for_source(source, on_busy=lambda r: note(r, lang))
    try:
        values = read_since(task, [str(h.get("symbol")) for h in hits], source, store)
    finally:
        store.close()
    note(R("since_scan_note", day=day), lang)
    return merge_since(hits, values) if values else hits
