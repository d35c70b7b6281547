"""The A-share continuous trading sessions: 09:30–11:30 and 13:00–15:00 Beijing time on trading
days (``core/calendar.py``). A naive datetime is read as Beijing time; an aware one is converted."""
from __future__ import annotations

import datetime as dt

SESSIONS = ((dt.time(9, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(15, 0)))
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing(now: dt.datetime) -> dt.datetime:
    return now if now.tzinfo is None else now.astimezone(_BEIJING).replace(tzinfo=None)


def in_session(now: dt.datetime) -> bool:
    """True while the exchanges trade continuously (the lunch break and the auctions excluded)."""
    from .calendar import is_trading_day

    t = beijing(now)
    if not any(a <= t.time() <= b for a, b in SESSIONS):
        return False
    return is_trading_day(t.date())
