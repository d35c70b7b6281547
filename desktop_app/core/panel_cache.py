"""The indicator cache of a panel: its rows packed time-major once, indicators computed once.

Scoring and every strategy preset share one :class:`PackedPanel` per panel (kept on the panel
object through a weak reference, freed with it), so a scan computes the whole market's
MACD/KDJ/RSI/MAs once. :class:`WindowView` evaluates windowed indicators on a short window ending
at one date. The kernels are those of :mod:`desktop_app.core.indicators`; the score's recursive
filters (MACD, RSI, KDJ) run together in one pass over time (:mod:`desktop_app.core.fused_filters`).
"""
from __future__ import annotations

import weakref

import numpy as np

from . import fused_filters
from .indicators import PackedRows, _k_kdj, _k_macd, _k_rollext, _k_rsi, _k_shift, _k_sma, _k_std, _k_tr, _k_winsum
from .score_rules import PARAMS

# The score needs all three, and so does a scan's run of every preset: asking for any of them
# with the score's parameters computes the three in one fused pass (one loop over time, not 7).
_FUSED = (PARAMS["macd"], PARAMS["rsi"], PARAMS["kdj"])
_FUSED_KEYS = (("macd",) + _FUSED[0], ("rsi", _FUSED[1]), ("kdj",) + _FUSED[2])


class PackedPanel:
    """A panel with each row's bars left-aligned (bar = finite close) and stored TIME-MAJOR
    (``c[t, i]`` = stock i's t-th valid bar), plus a cache of indicators in those coordinates. Scoring and every strategy preset share one per panel, so the whole
    market's MACD/KDJ/RSI/MAs are computed once per scan. Treats the panel as immutable."""

    def __init__(self, panel):
        self.close_ref = panel.close
        self._panel_fields = panel.fields
        self._shape = panel.shape
        self.pk = PackedRows(np.isfinite(panel.close))
        self.cache: dict = {}

    def field(self, name: str) -> np.ndarray:
        """A panel field packed time-major (packed on first use; all-NaN if the panel lacks it)."""
        def make():
            src = self._panel_fields.get(name)
            if src is None:
                return np.full(self._shape[::-1], np.nan)
            out = np.full(self._shape[::-1], np.nan)      # time-major, filled through its transpose
            out.T[self.pk.packed_mask] = np.asarray(src, dtype=float)[self.pk.mask]
            return out
        return self.memo(("field", name), make)

    o = property(lambda self: self.field("open"))
    h = property(lambda self: self.field("high"))
    l = property(lambda self: self.field("low"))
    c = property(lambda self: self.field("close"))
    v = property(lambda self: self.field("volume"))

    def memo(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def ma(self, n: int) -> np.ndarray:
        return self.memo(("ma", n), lambda: _k_sma(self.c, n))

    def vma(self, n: int) -> np.ndarray:
        return self.memo(("vma", n), lambda: _k_sma(self.v, n))

    def hhv(self, n: int) -> np.ndarray:
        return self.memo(("hhv_c", n), lambda: _k_rollext(self.c, n, np.maximum))

    def prev_close(self) -> np.ndarray:
        return self.memo("prev_close", lambda: _k_shift(self.c, 1))

    def chg(self) -> np.ndarray:
        """Change vs the previous bar, %."""
        def make():
            with np.errstate(invalid="ignore", divide="ignore"):
                return (self.c / self.prev_close() - 1.0) * 100.0
        return self.memo("chg", make)

    def _recursive(self, key, make):
        if key in _FUSED_KEYS and key not in self.cache:
            out = fused_filters.macd_rsi_kdj(self.h, self.l, self.c, *_FUSED)
            self.cache.update(zip(_FUSED_KEYS, out))
        return self.memo(key, make)

    def macd(self, fast=12, slow=26, signal=9):
        return self._recursive(("macd", fast, slow, signal), lambda: _k_macd(self.c, fast, slow, signal))

    def kdj(self, n=9, m1=3, m2=3):
        return self._recursive(("kdj", n, m1, m2), lambda: _k_kdj(self.h, self.l, self.c, n, m1, m2))

    def rsi(self, n: int = 14):
        return self._recursive(("rsi", n), lambda: _k_rsi(self.c, n))

    def boll(self, n: int = 20, k: float = 2.0):
        def make():
            mid = self.ma(n)
            sd = _k_std(self.c, n, 1)
            return mid, mid + k * sd, mid - k * sd
        return self.memo(("boll", n, k), make)

    def atr(self, n: int = 14):
        return self.memo(("atr", n), lambda: _k_sma(_k_tr(self.h, self.l, self.c), n))

    def roll_count(self, cond: np.ndarray, n: int) -> np.ndarray:
        """Trailing count of ``cond`` over n bars (NaN for the first n-1 bars)."""
        return _k_winsum(cond.astype(float), n)

    def window(self, col: int, width: int) -> "WindowView":
        """A WindowView of ``width`` bars ending at original column ``col`` (cached)."""
        return self.memo(("window", col, width), lambda: WindowView(self, self.pk.position(col), width))

    def span_start(self, col: int, lookback: int) -> int:
        """The latest packed row from which every stock with a bar at or after original column
        ``col`` has ``lookback - 1`` bars before its first bar there (0 when one has fewer):
        where a :class:`SpanView` for the days from ``col`` on can start."""
        n, t = self._shape
        if col <= 0 or n == 0 or t == 0:
            return 0
        mask = self.pk.mask
        later = mask[:, col:].any(axis=1)
        if not later.any():
            return 0
        before = mask[:, :col].sum(axis=1)[later]          # packed row of each first bar from col
        return max(0, int(before.min()) - (lookback - 1))

    def span(self, start: int) -> "SpanView":
        """The SpanView of the packed rows from ``start`` on (cached; the parent itself at 0)."""
        if start <= 0:
            return self
        return self.memo(("span", start), lambda: SpanView(self, start))


def packed_panel(panel) -> PackedPanel:
    """The panel's shared PackedPanel (built on first use, kept on the panel object)."""
    ctx = panel.__dict__.get("_packed_ctx")
    if ctx is None or ctx.close_ref is not panel.close:
        ctx = PackedPanel(panel)
        panel.__dict__["_packed_ctx"] = ctx
    return ctx


def drop_cache(panel) -> None:
    """Free the panel's PackedPanel (indicator cache), e.g. when a scan is done with it."""
    panel.__dict__.pop("_packed_ctx", None)


class WindowView:
    """The last ``width`` packed bars of every stock ending at its own position ``pos``.

    Prices and windowed indicators (MA, HHV, BOLL, ATR, change) are computed on short gathered
    windows; with the window-local sums of ``_k_movsum`` and the parent's per-stock references they
    are bit-identical to the full-history values. Recursive indicators (MACD, KDJ, RSI) come from
    the parent's full-history cache. Rules evaluated on the view give, on the last row, exactly
    what they give at ``pos`` on the full arrays, as long as their lookback is < ``width``.
    Rows before a stock's first bar are NaN."""

    def __init__(self, parent: PackedPanel, pos: np.ndarray, width: int):
        # A weak proxy: the parent caches its views, and a strong back-reference would make a
        # cycle that keeps hundreds of MB alive until the cyclic GC happens to run.
        self.parent = weakref.proxy(parent)
        self.pos = pos
        self.width = width
        self.real_idx = pos[None, :] - np.arange(width - 1, -1, -1)[:, None]  # (width, n)
        self.inside = self.real_idx >= 0
        self._cols = np.arange(len(pos))[None, :]
        self.cache: dict = {}

    def gather(self, a: np.ndarray, extra: int = 0) -> np.ndarray:
        """Rows pos-(width+extra-1) .. pos of a parent array (NaN before a stock's first bar)."""
        w = self.width + extra
        real = self.pos[None, :] - np.arange(w - 1, -1, -1)[:, None]
        out = a[np.clip(real, 0, None), self._cols]
        if out.dtype.kind == "f":
            out[real < 0] = np.nan
        else:
            out[real < 0] = 0
        return out

    def memo(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def _base(self, name: str, extra: int) -> np.ndarray:
        return self.memo(("base", name, extra), lambda: self.gather(self.parent.field(name), extra))

    def _ref(self, name: str) -> np.ndarray:
        return self.parent.field(name)[:1]

    c = property(lambda self: self._base("close", 0))
    o = property(lambda self: self._base("open", 0))
    h = property(lambda self: self._base("high", 0))
    l = property(lambda self: self._base("low", 0))
    v = property(lambda self: self._base("volume", 0))

    def ma(self, n):
        return self.memo(("ma", n), lambda: _k_sma(self._base("close", n - 1), n, self._ref("close"))[n - 1:])

    def vma(self, n):
        return self.memo(("vma", n), lambda: _k_sma(self._base("volume", n - 1), n, self._ref("volume"))[n - 1:])

    def hhv(self, n):
        return self.memo(("hhv", n), lambda: _k_rollext(self._base("close", n - 1), n, np.maximum)[n - 1:])

    def prev_close(self):
        return self.memo("prev_close", lambda: self._base("close", 1)[:-1])

    def chg(self):
        def make():
            with np.errstate(invalid="ignore", divide="ignore"):
                return (self.c / self.prev_close() - 1.0) * 100.0
        return self.memo("chg", make)

    def atr(self, n: int = 14):
        def make():
            h, l, c = (self._base(f, n) for f in ("high", "low", "close"))
            p = self.parent
            ref = p.h[:1] - p.l[:1]                    # the full TR's first value (no previous close)
            return _k_sma(_k_tr(h, l, c), n, ref)[n:]
        return self.memo(("atr", n), make)

    def boll(self, n: int = 20, k: float = 2.0):
        def make():
            mid = self.ma(n)
            sd = _k_std(self._base("close", n - 1), n, 1, self._ref("close"))[n - 1:]
            return mid, mid + k * sd, mid - k * sd
        return self.memo(("boll", n, k), make)

    def _full(self, key, get):
        def make():
            v = get()
            return tuple(self.gather(a) for a in v) if isinstance(v, tuple) else self.gather(v)
        return self.memo(("full",) + key, make)

    def macd(self, *a):
        return self._full(("macd",) + a, lambda: self.parent.macd(*a))

    def kdj(self, *a):
        return self._full(("kdj",) + a, lambda: self.parent.kdj(*a))

    def rsi(self, n=14):
        return self._full(("rsi", n), lambda: self.parent.rsi(n))

    def roll_count(self, cond: np.ndarray, n: int) -> np.ndarray:
        """Trailing count of ``cond`` over n bars; NaN where the stock's own series has < n bars."""
        s = _k_winsum(cond.astype(float), n)
        s[self.real_idx < n - 1] = np.nan
        return s


class SpanView(WindowView):
    """The packed rows from ``start`` to the end, one start for every stock: the days a
    validation reads (its period from the row where each stock's first period bar has the rules'
    lookback before it, ``PackedPanel.span_start``) instead of the whole history.

    The same window-local indicators as a :class:`WindowView`, each computed on the span plus
    the history it needs before it (MA250: 249 more rows), but as row slices of the parent's
    time-major arrays (views, no gathers); recursive indicators are slices of the parent's.
    Row r of a rule evaluated on the span is exactly its packed row ``start + r`` on the full
    arrays for r >= the rule's lookback - 1."""

    def __init__(self, parent: PackedPanel, start: int):
        self.parent = weakref.proxy(parent)
        self.start = int(start)
        self.width = parent.pk.mask.shape[1] - self.start
        self.inside = parent.pk.packed_mask.T[self.start:]     # rows holding a bar
        self.cache: dict = {}

    def gather(self, a: np.ndarray, extra: int = 0) -> np.ndarray:
        """Rows start-extra .. end of a parent array (NaN / 0 rows before the packed row 0)."""
        s = self.start - extra
        if s >= 0:
            return a[s:]
        pad = np.full((-s,) + a.shape[1:], np.nan if a.dtype.kind == "f" else 0, dtype=a.dtype)
        return np.concatenate([pad, a])

    def roll_count(self, cond: np.ndarray, n: int) -> np.ndarray:
        """Trailing count of ``cond`` over n bars (NaN for the span's first n-1 rows)."""
        return _k_winsum(cond.astype(float), n)
