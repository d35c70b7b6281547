"""Audit (issues 3): every AkShareSource call maps garbage, block pages, null data and hangs to
the protocol's typed errors — no raw KeyError/ValueError/JSONDecodeError escapes to the caller."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.data.errors import DataError, NetworkError, ThrottledError
from test_akshare_source import fake, src  # noqa: F401  (the same fake HTTP and source fixtures)

pytestmark = pytest.mark.filterwarnings("ignore::Warning:akshare")
EM_LIST = r"push2\.eastmoney\.com/api/qt/clist/get"

# eastmoney list endpoints go through akshare's request_with_retry; a timeout ends the call at
# once there too (hosts.HostTimedOut), so every call is hang-tested.
# (call, url pattern it depends on)
CALLS = {
    "spot": (lambda s: s.spot(), EM_LIST),
    "boards": (lambda s: s.boards("industry"), EM_LIST),
    "board_members": (lambda s: s.board_members("industry", "酿酒行业"), r"fs=b:BK"),
    "index_members": (lambda s: s.index_members("000300"), r"csindex"),
    "universe": (lambda s: s.universe(), r"query\.sse\.com\.cn"),
    "company_info": (lambda s: s.company_info("600519"), r"push2\.eastmoney\.com/api/qt/stock/get"),
    "tencent_bars": (lambda s: s.daily_bars_via("tencent", "600519", start=dt.date(2026, 1, 1)),
                     r"(gtimg\.cn|qq\.com)"),
    "sina_bars": (lambda s: s.daily_bars_via("sina", "600519"), r"sina\.com\.cn"),
}




CASES = [(c, a) for c in CALLS for a in ("garbage", "empty_json", "block_page", "disconnect", "hang")]


@pytest.mark.parametrize("call, answer", CASES)
def test_every_call_maps_failures_to_typed_errors(src, fake, call, answer):
    fn, pattern = CALLS[call]
    if answer == "garbage":
        fake.file(pattern, "garbage.txt")
    elif answer == "empty_json":
        fake.body(pattern, "{}")
    elif answer == "block_page":
        fake.html(pattern, "block_page.html")
    elif answer == "disconnect":
        fake.disconnect(pattern)
    else:
        fake.hang(pattern)
    with pytest.raises(DataError) as info:
        fn(src)
    err = info.value
    assert err.user_message and len(err.user_message) < 600, err.user_message
    if answer == "disconnect":
        assert isinstance(err, ThrottledError)
    if answer == "hang":
        assert isinstance(err, NetworkError)


def test_no_network_reads_as_such(src, fake):
    """Offline, requests raises a ConnectionError whose text is a long repr cut mid-word; the
    user gets a short cause instead."""
    import requests
    import urllib3

    def offline(req, _t):
        raise requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(
            None, req.url, urllib3.exceptions.NameResolutionError(  # type: ignore[arg-type]
                "finance.sina.com.cn", None, OSError("[Errno -2] Name or service not known"))), request=req)
    fake.add(r"sina\.com\.cn", offline)
    with pytest.raises(NetworkError) as info:
        src.daily_bars_via("sina", "600519")
    assert str(info.value).endswith("cannot reach sina (no network? the host name could not be resolved)")
    fake.refuse(r"csindex")
    with pytest.raises(NetworkError, match=r"cannot reach csindex \(connection refused\)$"):
        src.index_members("000300")
