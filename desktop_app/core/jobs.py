"""What every long job shares: a cancel token and a progress record.

A long job is a plain function ``job(progress, cancel, ...) -> result`` in ``core``. It calls
``progress(Progress(...))`` as often as it likes (the workers layer throttles), checks
``cancel.raise_if_cancelled()`` between items and between network calls, and returns a value or
raises. ``Cancelled`` is how a job says it stopped because it was asked to.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable


class Cancelled(Exception):
    """Raised inside a job when its cancel token is set."""


class CancelToken:
    """A cooperative cancel flag shared by the GUI thread (sets it) and a job (checks it)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True (early) if cancelled meanwhile. Use instead of time.sleep."""
        return self._event.wait(seconds)


@dataclass
class Progress:
    done: int = 0            # items processed so far
    total: int = 0           # items in all (0 = unknown)
    found: int = 0           # hits so far (scans)
    failed: int = 0          # items that failed so far
    current: Any = ""        # what is being worked on: a Reason (a phase) or plain text (a symbol)
    failures: list[tuple[str, Any]] = field(default_factory=list)  # new (item, Reason) since last call
    fraction: float | None = None  # 0..1 of the whole job when phases weigh more than their counts


ProgressFn = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores everything (CLI --quiet, tests)."""
