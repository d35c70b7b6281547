"""Start-up reachability check: can we reach the data hosts, within a few seconds at most?

A TCP connect (no HTTP request, so it costs the hosts nothing and cannot trip throttling) to
a few data hosts, all at once, each on its own daemon thread. The answer comes when the first
connect succeeds or when ``timeout`` runs out, whichever is first; DNS lookups (which have no
timeout of their own) run on those threads too, so the caller never waits longer than
``timeout``. A thread still stuck in DNS finishes on its own later (its socket timeout bounds it).

No Qt here: the window calls :func:`choose_source` from a worker thread.
"""
from __future__ import annotations

import queue
import socket
import threading
import time
from typing import Callable

from desktop_app.core.reasons import R, Reason

# (host, port) of endpoints the akshare source uses; any one reachable means "online".
PROBE_TARGETS: list[tuple[str, int]] = [
    ("push2his.eastmoney.com", 443),
    ("proxy.finance.qq.com", 443),
    ("finance.sina.com.cn", 443),
]

Connect = Callable[[tuple[str, int], float], None]


def tcp_connect(address: tuple[str, int], timeout: float) -> None:
    """Open and close a TCP connection; raises OSError on failure."""
    with socket.create_connection(address, timeout=timeout):
        pass


def probe_akshare(timeout: float = 3.0, *, targets: list[tuple[str, int]] | None = None,
                  connect: Connect = tcp_connect,
                  clock: Callable[[], float] = time.monotonic) -> tuple[bool, Reason]:
    """(True, why) if any data host accepts a connection within ``timeout`` seconds."""
    targets = list(targets or PROBE_TARGETS)
    results: queue.Queue[tuple[str, str | None]] = queue.Queue()

    def attempt(address: tuple[str, int]) -> None:
        try:
            connect(address, timeout)
            results.put((address[0], None))
        except Exception as exc:  # noqa: BLE001 - any failure just means "not this host"
            results.put((address[0], f"{type(exc).__name__}: {exc}"[:120]))

    for address in targets:
        threading.Thread(target=attempt, args=(address,), name=f"probe-{address[0]}",
                         daemon=True).start()
    deadline = clock() + timeout
    failures: list[str] = []
    while len(failures) < len(targets):
        remaining = deadline - clock()
        if remaining <= 0:
            break
        try:
            host, error = results.get(timeout=remaining)
        except queue.Empty:
            break
        if error is None:
            return True, R("probe_online", host=host)
        failures.append(f"{host}: {error}")
    if len(failures) < len(targets):
        return False, R("probe_no_answer", seconds=float(timeout), details="; ".join(failures) or "—")
    return False, R("probe_unreachable", details="; ".join(failures))


def choose_source(preference: str = "auto",
                  probe: Callable[[], tuple[bool, Reason]] = probe_akshare) -> tuple[str, Reason]:
    """Pick "akshare" or "demo" and say why: a Reason whose text is one short sentence; its
    ``details`` parameter (the probe's findings) is what a tooltip shows (``source_details``).

    ``preference``: "demo" or "akshare" is the user's explicit choice (no probe); "auto" probes
    and falls back to the demo market when no data host is reachable.
    """
    pref = (preference or "auto").strip().lower()
    if pref == "demo":
        return "demo", R("source_demo_chosen")
    if pref == "akshare":
        return "akshare", R("source_live_chosen")
    if pref != "auto":
        raise ValueError(f"source preference must be auto, akshare or demo, not {preference!r}")
    try:
        ok, why = probe()
    except Exception as exc:  # noqa: BLE001 - a broken probe must not stop start-up
        ok, why = False, R("probe_failed", details=str(exc))
    if ok:
        return "akshare", R("source_live_found", details=why)
    return "demo", R("source_offline", details=why)


def source_details(note: Reason | str, lang: str) -> str:
    """The longer story behind a source note (a tooltip): the probe's findings."""
    if isinstance(note, Reason) and "details" in note.params:
        return Reason.of(note.params["details"]).text(lang) if isinstance(note.params["details"], (Reason, dict)) \
            else str(note.params["details"])
    return ""
