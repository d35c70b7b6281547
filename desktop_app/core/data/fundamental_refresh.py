"""The "fundamentals" refresh: the whole market's financial reports, one bulk request per report
period (``source.fundamentals(period)``: akshare's ``stock_yjbb_em``), into the store's
fundamentals table (``FundamentalStore``).

Which periods (``plan_periods``), so that hosts see a few requests per quarter:
- the last ``N_QUARTERS`` quarter ends on or before today, each fetched **once**, plus the annual
  reports back to ``CAGR_YEARS`` years before the newest annual one among them (the multi-year
  growth of the fundamental score needs them; ``core/fundamental_score.py``);
- a period fetched before it was complete (fetched on or before its deadline) is fetched again
  while its report season runs, at most every ``REFETCH_OPEN_PERIOD_S``, and once more after its
  deadline, so the last publishers are in;
- a local source (the demo market) names its own periods (``report_periods``).

Resumable: each period is written in its own transaction together with the record that it was
fetched (``write_reports(frame, period)``), so a cancelled or failed run resumes with the periods
still missing. A period nobody has published yet (``NoDataError`` for a quarter still running) is
skipped, not a failure; any other data error is the period's failure with its reason, and the job
goes on with the next period.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any

from ..jobs import Cancelled, Progress, ProgressFn, no_progress
from ..reasons import R
from .errors import DataError, NoDataError, failure_reason
from .fundamental_store import FundamentalStore
from .refresh import RefreshReport, _is_cancelled
from .report_periods import deadline, periods_back, quarter_end_on_or_before

N_QUARTERS = 8                    # quarters fetched once
CAGR_YEARS = 3                    # annual reports kept for the multi-year growth
REFETCH_OPEN_PERIOD_S = 12 * 3600


def plan_periods(source, fetched: dict[dt.date, float], today: dt.date,
                 now: float | None = None) -> tuple[list[dt.date], list[dt.date]]:
    """(periods to fetch, newest first; periods already complete in the store)."""
    now = time.time() if now is None else now
    own = getattr(source, "report_periods", None)
    if callable(own):
        wanted = [p for p in own() if p <= today]
    else:
        wanted = periods_back(quarter_end_on_or_before(today), N_QUARTERS)
        annual = [p for p in wanted if p.month == 12]
        if annual:
            newest = annual[0].year
            wanted += [dt.date(y, 12, 31) for y in range(newest - 1, newest - CAGR_YEARS - 1, -1)
                       if dt.date(y, 12, 31) not in wanted]
    todo, done = [], []
    for p in wanted:
        at = fetched.get(p)
        if at is None:
            todo.append(p)
            continue
        fetched_day = dt.date.fromtimestamp(at)
        incomplete = fetched_day <= deadline(p)
        if incomplete and (deadline(p) < today or now - at > REFETCH_OPEN_PERIOD_S):
            todo.append(p)
        else:
            done.append(p)
    return todo, done


def refresh_fundamentals(source, store, progress: ProgressFn = no_progress, cancel: Any = None,
                         today: dt.date | None = None) -> RefreshReport:
    """Fetch the periods ``plan_periods`` names (see the module). The report's items are periods
    (``YYYY-MM-DD``): ``fetched``, ``skipped`` (complete already, or not published yet),
    ``failed`` with reasons. Raises ``Cancelled`` (with ``.report``) when cancelled."""
    today = today or dt.date.today()
    fstore = FundamentalStore(store)
    todo, done = plan_periods(source, fstore.fetched_periods(), today)
    report = RefreshReport(skipped=[p.isoformat() for p in done])
    total = len(todo)
    progress(Progress(done=0, total=total, current=R("phase_fund_periods", n=total)))
    for i, p in enumerate(todo):
        if _is_cancelled(cancel):
            report.cancelled = True
            exc = Cancelled()
            exc.report = report  # type: ignore[attr-defined]
            raise exc
        key = p.isoformat()
        failures = []
        try:
            fstore.write_reports(source.fundamentals(p), p)
            report.fetched.append(key)
        except NoDataError as e:
            if deadline(p) >= today:          # still being published: nothing out yet
                report.skipped.append(key)
            else:
                report.failed[key] = failure_reason(e)
                failures.append((key, report.failed[key]))
        except DataError as e:
            report.failed[key] = failure_reason(e)
            failures.append((key, report.failed[key]))
        progress(Progress(done=i + 1, total=total, failed=len(report.failed), current=key, failures=failures))
    return report
