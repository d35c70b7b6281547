"""Per-host politeness for network sources: one request in flight, a minimum interval, a
circuit breaker, and a timeout on every HTTP request.

Why: eastmoney drops connections (``RemoteDisconnected``) after tens of quick calls and bans an
IP for hours (FACTS.md). So each remote host gets a :class:`HostGate`: callers queue for the
host's single slot, wait out its minimum interval, and when a call shows throttling signs the
gate is *tripped* and the host rests for ``rest_seconds`` (30 min by default) while work goes on
at the other hosts. A resting gate refuses immediately with :class:`ThrottledError`.

Timeouts: most akshare functions call ``requests.get`` with no timeout (AKSHARE.md §13) and
expose no parameter for one. :func:`enforced_timeout` sets a *thread-local* default which a
wrapper around ``requests.Session.request`` (installed once, process-wide, a no-op for threads
that did not ask) applies to every request made by this thread while the block runs: a request
with ``timeout=None`` gets the default, a longer one is capped to it. ``requests.get/post`` and
akshare's ``request_with_retry`` all go through ``Session.request``. The same wrapper records
the last response's status and the head of its body (``TimeoutScope.last_status`` /
``last_text``) so failures can be classified (block page vs garbage).
"""
from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from desktop_app.core.data.errors import ThrottledError
from desktop_app.core.catalogue import host_term
from desktop_app.core.jobs import CancelToken, Cancelled
from desktop_app.core.reasons import R, Reason

Clock = Callable[[], float]
Sleep = Callable[[float, "CancelToken | None"], None]

# Seconds between the end of one call and the start of the next, per host. eastmoney is the
# strictest (bans after tens of quick calls); Tencent's history call makes one request per year
# inside one akshare call, so its gate interval can be short.
DEFAULT_MIN_INTERVAL: dict[str, float] = {
    "eastmoney": 2.0,
    "eastmoney_dc": 1.0,       # eastmoney's data center (reports, valuations, dividends)
    "tencent": 0.5,
    "sina": 1.5,
    "csindex": 0.5,
    "sse": 0.5,
    "szse": 0.5,
    "bse": 0.5,
}
_POLL = 0.05  # how often a queued waiter re-checks cancel / breaker state


def _default_sleep(seconds: float, cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.wait(seconds)
    else:
        time.sleep(seconds)


class HostGate:
    """One remote host: a single slot, a minimum interval between calls, a circuit breaker.

    ``clock`` and ``sleep`` are injectable so tests can run the interval logic on fake time.
    """

    def __init__(self, name: str, min_interval: float = 0.5, rest_seconds: float = 1800.0,
                 clock: Clock = time.monotonic, sleep: Sleep | None = None):
        self.name = name
        self.min_interval = float(min_interval)
        self.rest_seconds = float(rest_seconds)
        self._clock = clock
        self._sleep = sleep or _default_sleep
        self._cond = threading.Condition()
        self._busy = False
        self._next_at = float("-inf")      # earliest start of the next call (clock time)
        self._resting_until = float("-inf")
        self.last_trip_reason = ""
        self.calls = 0                     # calls that got the slot (for tests and stats)

    # -- circuit breaker -------------------------------------------------------------------
    @property
    def resting_until(self) -> float | None:
        """Clock time when the rest ends, or None when the host is not resting."""
        with self._cond:
            return self._resting_until if self._clock() < self._resting_until else None

    def is_resting(self) -> bool:
        return self.resting_until is not None

    def rest_remaining(self) -> float:
        with self._cond:
            return max(0.0, self._resting_until - self._clock())

    def trip(self, reason: Any, seconds: float | None = None) -> None:
        """Rest this host for ``seconds`` (default ``rest_seconds``); queued callers fail fast."""
        with self._cond:
            until = self._clock() + (self.rest_seconds if seconds is None else seconds)
            self._resting_until = max(self._resting_until, until)
            self.last_trip_reason = reason
            self._cond.notify_all()

    def reset(self) -> None:
        """End a rest early (e.g. the user asks to retry now)."""
        with self._cond:
            self._resting_until = float("-inf")
            self._cond.notify_all()

    def _resting_error(self) -> ThrottledError:
        minutes = max(1, round((self._resting_until - self._clock()) / 60))
        why = R("host_resting_why", reason=Reason.of(self.last_trip_reason)) if self.last_trip_reason else ""
        return ThrottledError(R("host_resting", host=host_term(self.name), minutes=minutes, why=why),
                              retry_after=max(1.0, self._resting_until - self._clock()))

    def _check(self, cancel: CancelToken | None) -> None:
        """Called with the lock held."""
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if self._clock() < self._resting_until:
            raise self._resting_error()

    # -- the slot ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def slot(self, cancel: CancelToken | None = None) -> Iterator["HostGate"]:
        """Hold the host's only slot for one call; waits for the slot and the interval."""
        self._acquire(cancel)
        try:
            yield self
        finally:
            with self._cond:
                self._next_at = self._clock() + self.min_interval
                self._busy = False
                self._cond.notify_all()

    def _acquire(self, cancel: CancelToken | None) -> None:
        with self._cond:
            while True:
                self._check(cancel)
                if not self._busy:
                    break
                self._cond.wait(_POLL)
            self._busy = True
        try:
            while True:  # own the slot; wait out the minimum interval (lock released)
                with self._cond:
                    self._check(cancel)
                    remaining = self._next_at - self._clock()
                if remaining <= 0:
                    break
                self._sleep(min(remaining, 0.5), cancel)
            self.calls += 1
        except BaseException:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            raise


@dataclass
class HostStatus:
    name: str
    resting: bool
    rest_remaining: float
    reason: str


class HostPool:
    """Gates by host name, created on first use; one pool is shared by one source instance."""

    def __init__(self, min_interval: dict[str, float] | None = None, rest_seconds: float = 1800.0,
                 clock: Clock = time.monotonic, sleep: Sleep | None = None,
                 default_interval: float = 0.5):
        self._intervals = dict(DEFAULT_MIN_INTERVAL)
        self._intervals.update(min_interval or {})
        self.rest_seconds = rest_seconds
        self._clock = clock
        self._sleep = sleep
        self._default_interval = default_interval
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> HostGate:
        with self._lock:
            gate = self._gates.get(name)
            if gate is None:
                gate = HostGate(name, self._intervals.get(name, self._default_interval),
                                self.rest_seconds, clock=self._clock, sleep=self._sleep)
                self._gates[name] = gate
            return gate

    gate = __getitem__

    def names(self) -> list[str]:
        with self._lock:
            return list(self._gates)

    def status(self) -> list[HostStatus]:
        return [HostStatus(g.name, g.is_resting(), g.rest_remaining(), g.last_trip_reason)
                for g in (self[n] for n in self.names())]


# -- timeout enforcement ----------------------------------------------------------------------
_BLOCK_MARKERS = ("验证码", "访问频繁", "访问过于频繁", "请求过于频繁", "安全验证", "拒绝访问",
                  "captcha", "too many requests", "access denied", "forbidden", "blocked")
THROTTLE_STATUS = frozenset({429, 456})


def looks_like_block_page(text: str) -> bool:
    """An HTML page that says "too frequent / verify / denied" where data was expected."""
    head = (text or "")[:2000].lower()
    return "<" in head and any(m in head for m in _BLOCK_MARKERS)


def throttle_sign(status: int | None, text: str) -> str | None:
    """Why a response means "this host is throttling us", or None."""
    if status in THROTTLE_STATUS:
        return f"HTTP {status}"
    if looks_like_block_page(text):
        return f"a block page (HTTP {status})"
    return None


def is_disconnect(exc: BaseException) -> bool:
    chain = f"{exc!r} {exc.__context__!r} {exc.__cause__!r}"
    return "RemoteDisconnected" in chain or "Connection aborted" in chain


class HostThrottled(Exception):
    """Raised inside an :func:`enforced_timeout` block at the first throttling sign.

    Deliberately *not* a ``requests.RequestException`` or ``ValueError``: akshare's
    ``request_with_retry`` retries those (3 attempts with 1–5 s sleeps), which would hammer a
    host that just told us to stop. This one passes straight through to the source.
    """


class HostTimedOut(Exception):
    """Raised inside an :func:`enforced_timeout` block when a request timed out.

    Like :class:`HostThrottled`, not a ``requests`` exception on purpose: akshare's
    ``request_with_retry`` would retry a timeout three times with 1–5 s sleeps (≈50 s with a 15 s
    timeout) that a cancel cannot interrupt. One timeout ends the call; the caller decides whether
    to ask again (backfill moves the symbol to another host)."""


class TimeoutScope:
    """What one :func:`enforced_timeout` block saw: the timeout and the last response."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.throttled: str | None = None  # reason, once a throttling sign was seen
        self.requests = 0
        self.last_url = ""
        self.last_status: int | None = None
        self.last_text = ""  # first 2,000 characters of the last body


_local = threading.local()
_install_lock = threading.Lock()
_installed = False


def _install_hook() -> None:
    """Wrap ``requests.Session.request`` once; threads without a scope see no change."""
    global _installed
    with _install_lock:
        if _installed:
            return
        import requests

        original = requests.Session.request

        def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
            scope: TimeoutScope | None = getattr(_local, "scope", None)
            if scope is None:
                return original(self, method, url, *args, **kwargs)
            if len(args) >= 7:  # timeout passed positionally (never in akshare; be safe)
                args = args[:6] + (_cap(args[6], scope.timeout),) + args[7:]
            else:
                kwargs["timeout"] = _cap(kwargs.get("timeout"), scope.timeout)
            if scope.throttled:
                raise HostThrottled(f"not sent, the host is throttling: {scope.throttled}")
            scope.requests += 1
            scope.last_url = str(url)
            try:
                response = original(self, method, url, *args, **kwargs)
            except requests.Timeout as exc:
                raise HostTimedOut(f"no answer within {scope.timeout:g} s") from exc
            except requests.ConnectionError as exc:
                if is_disconnect(exc):
                    scope.throttled = "the server dropped the connection (RemoteDisconnected)"
                    raise HostThrottled(scope.throttled) from exc
                raise
            scope.last_status = response.status_code
            try:
                scope.last_text = response.text[:2000]
            except Exception:  # noqa: BLE001 - binary bodies etc.; classification only
                scope.last_text = ""
            sign = throttle_sign(scope.last_status, scope.last_text)
            if sign:
                scope.throttled = sign
                raise HostThrottled(f"the server answered with {sign}")
            return response

        request.__wrapped__ = original  # type: ignore[attr-defined]
        requests.Session.request = request  # type: ignore[method-assign]
        _installed = True


def _cap(timeout, limit: float):  # type: ignore[no-untyped-def]
    if timeout is None:
        return limit
    if isinstance(timeout, tuple):
        return tuple(limit if t is None else min(t, limit) for t in timeout)
    return min(float(timeout), limit)


@contextlib.contextmanager
def enforced_timeout(seconds: float) -> Iterator[TimeoutScope]:
    """Every ``requests`` call made by this thread inside the block has a timeout ≤ seconds,
    and the first throttling sign (disconnect, HTTP 429/456, block page) raises
    :class:`HostThrottled` at once and stops any further request in the block."""
    _install_hook()
    previous = getattr(_local, "scope", None)
    scope = TimeoutScope(seconds)
    _local.scope = scope
    try:
        yield scope
    finally:
        _local.scope = previous
