"""core.calendar: akshare's bundled exchange calendar, weekdays outside it."""
from __future__ import annotations

import datetime as dt
import sys

import pandas as pd

from desktop_app.core import calendar as cal


def test_known_holidays_and_weekends():
    assert not cal.is_trading_day(dt.date(2025, 10, 1))    # National Day
    assert not cal.is_trading_day(dt.date(2025, 1, 29))    # Spring Festival
    assert not cal.is_trading_day(dt.date(2025, 6, 7))     # Saturday
    assert cal.is_trading_day(dt.date(2025, 9, 30))
    assert cal.is_trading_day(dt.date(2025, 10, 9))


def test_trading_days_shape_and_bounds():
    days = cal.trading_days(dt.date(2025, 9, 26), dt.date(2025, 10, 10))
    assert isinstance(days, pd.DatetimeIndex) and days.name == "date"
    assert [d.date() for d in days] == [dt.date(2025, 9, 26), dt.date(2025, 9, 29),
                                        dt.date(2025, 9, 30), dt.date(2025, 10, 9), dt.date(2025, 10, 10)]
    assert days.is_monotonic_increasing
    assert len(cal.trading_days(dt.date(2025, 1, 10), dt.date(2025, 1, 1))) == 0
    year = cal.trading_days(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert 235 <= len(year) <= 250


def test_weekdays_past_the_bundled_end():
    end = cal.calendar_end()
    assert end >= dt.date(2026, 12, 31)
    days = cal.trading_days(end + dt.timedelta(days=1), end + dt.timedelta(days=21))
    expected = pd.bdate_range(end + dt.timedelta(days=1), end + dt.timedelta(days=21))
    assert list(days) == list(expected)
    assert all(d.weekday() < 5 for d in days)
    # across the boundary: calendar days, then weekdays, no gap or overlap
    across = cal.trading_days(end - dt.timedelta(days=10), end + dt.timedelta(days=10))
    assert across.is_unique and across.is_monotonic_increasing
    assert pd.Timestamp(end) in across


def test_weekdays_before_the_bundled_start():
    days = cal.trading_days(dt.date(1990, 12, 10), dt.date(1990, 12, 20))
    assert [d.day for d in days] == [10, 11, 12, 13, 14, 17, 18, 19, 20]


def test_last_trading_day_is_strictly_before():
    assert cal.last_trading_day(dt.date(2025, 10, 9)) == dt.date(2025, 9, 30)
    assert cal.last_trading_day(dt.date(2025, 9, 30)) == dt.date(2025, 9, 29)
    assert cal.last_trading_day(dt.date(2025, 6, 9)) == dt.date(2025, 6, 6)   # Monday -> Friday
    today = cal.last_trading_day()
    assert today < dt.date.today() and cal.is_trading_day(today)


def test_calendar_does_not_import_akshare():
    """Reading the bundled file must not pay for `import akshare` (≈0.9 s, FACTS.md)."""
    import subprocess
    code = ("import sys, datetime as dt; from desktop_app.core import calendar as c; "
            "c.trading_days(dt.date(2025, 1, 1), dt.date(2025, 1, 31)); "
            "assert c.calendar_end() >= dt.date(2026, 12, 31); "
            "assert 'akshare' not in sys.modules, 'akshare imported'")
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_network_calendar_fills_the_days_past_the_bundled_one():
    """Past akshare's bundled calendar, a calendar fetched from the network decides (a holiday
    there is not a trading day); beyond what it covers, weekdays."""
    import datetime as dt

    import pandas as pd

    from desktop_app.core.calendar import calendar_end, trading_days

    last = calendar_end()
    start = last + dt.timedelta(days=1)
    weekdays = pd.bdate_range(start, start + dt.timedelta(days=20))
    holiday = weekdays[2]
    network = weekdays[:10].drop(holiday)
    got = trading_days(start, start + dt.timedelta(days=20), extra=network)
    assert holiday not in got
    assert list(got[:9]) == list(network)
    assert list(got[9:]) == list(weekdays[10:])  # past the network calendar: weekdays
    assert holiday in trading_days(start, start + dt.timedelta(days=20))  # without it: weekdays


def test_refresh_asks_the_source_for_a_calendar_only_past_the_bundled_one():
    import datetime as dt

    import pandas as pd

    from desktop_app.core.calendar import calendar_end
    from desktop_app.core.data.errors import NetworkError
    from desktop_app.core.data.refresh import network_calendar

    calls = []

    class Source:
        def trade_calendar(self):
            calls.append(1)
            return pd.DatetimeIndex(["2027-01-04"])

    end = calendar_end()
    assert network_calendar(Source(), end) is None and calls == []
    assert list(network_calendar(Source(), end + dt.timedelta(days=5))) == [pd.Timestamp("2027-01-04")]

    class Offline:
        def trade_calendar(self):
            raise NetworkError("offline")

    assert network_calendar(Offline(), end + dt.timedelta(days=5)) is None
