"""Answer ``requests`` calls from stored payloads, so akshare's own parsers run offline.

akshare 1.19.5 calls module-level ``requests.get``/``requests.post`` and, for eastmoney list
endpoints, ``Session.get`` inside ``request_with_retry``. All of these end in
``requests.adapters.HTTPAdapter.send``, which is what :class:`FakeHttp` replaces: everything
above it (``Session.request``, our timeout hook, akshare's parsing) runs for real, and no socket
is opened. Routes are regexes searched in the *unquoted* URL (query included); the newest
matching route wins, so a test can override a default answer.

Sina's history and calendar answers are obfuscated JS decoded by V8 (py_mini_racer). We store
the decoded rows (``*.decoded.json``) and swap ``py_mini_racer.MiniRacer`` for a stand-in whose
``call("d", text)`` base64-decodes what :func:`sina_js` wrapped; the rest of akshare's Sina
code (share amounts, qfq factors, units) runs unchanged.
"""
from __future__ import annotations

import base64
import http.client
import json
import re
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Callable

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

PAYLOADS = Path(__file__).resolve().parent / "payloads" / "akshare"


class UnroutedRequest(AssertionError):
    """A request no route answers: the test forgot one (never silently reaches the network)."""


class RequestWithoutTimeout(AssertionError):
    """A 'hanging' route was hit by a request with no timeout: it would hang forever."""


def payload_bytes(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def sina_js(decoded_name: str, var: str = "KLC_KL") -> bytes:
    """The Sina JS answer shape ``var X="<encoded>";`` around stored decoded rows."""
    raw = (PAYLOADS / decoded_name).read_bytes()
    encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f'var {var}="{encoded}";\n'.encode()


class FakeMiniRacer:
    """Stand-in for py_mini_racer.MiniRacer: decodes what sina_js() encoded."""

    def eval(self, _code: str) -> None:
        return None

    def call(self, name: str, text: str) -> Any:
        assert name == "d", name
        padded = text + "=" * (-len(text) % 4)
        return json.loads(base64.urlsafe_b64decode(padded))


Answer = Callable[[requests.PreparedRequest, Any], requests.Response]


class FakeHttp:
    def __init__(self) -> None:
        self.routes: list[tuple[str, str | None, Answer]] = []
        self.calls: list[tuple[str, str, Any]] = []  # (method, unquoted url, timeout)
        self._lock = threading.Lock()

    # -- answers ------------------------------------------------------------------------------
    @staticmethod
    def response(request: requests.PreparedRequest, body: bytes, status: int = 200,
                 content_type: str = "application/json; charset=utf-8") -> requests.Response:
        r = requests.Response()
        r.status_code = status
        r._content = body
        r.headers = CaseInsensitiveDict({"Content-Type": content_type})
        r.url = request.url or ""
        r.request = request
        r.encoding = "utf-8"
        r.reason = http.client.responses.get(status, "")
        return r

    def add(self, pattern: str, answer: Answer, method: str | None = None) -> "FakeHttp":
        with self._lock:
            self.routes.append((pattern, method, answer))
        return self

    def body(self, pattern: str, body: bytes | str, status: int = 200,
             content_type: str = "application/json; charset=utf-8",
             method: str | None = None) -> "FakeHttp":
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.add(pattern, lambda req, _t: self.response(req, data, status, content_type),
                        method)

    def file(self, pattern: str, name: str, **kw: Any) -> "FakeHttp":
        return self.body(pattern, payload_bytes(name), **kw)

    def html(self, pattern: str, name: str = "block_page.html", status: int = 200) -> "FakeHttp":
        return self.file(pattern, name, status=status, content_type="text/html; charset=utf-8")

    def disconnect(self, pattern: str) -> "FakeHttp":
        """What eastmoney does to a throttled IP: close the connection without an answer."""
        def answer(req: requests.PreparedRequest, _t: Any) -> requests.Response:
            err = urllib3.exceptions.ProtocolError(
                "Connection aborted.",
                http.client.RemoteDisconnected("Remote end closed connection without response"))
            raise requests.exceptions.ConnectionError(err, request=req)
        return self.add(pattern, answer)

    def refuse(self, pattern: str) -> "FakeHttp":
        def answer(req: requests.PreparedRequest, _t: Any) -> requests.Response:
            raise requests.exceptions.ConnectionError(
                urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: "  # type: ignore[arg-type]
                                                      "[Errno 111] Connection refused"), request=req)
        return self.add(pattern, answer)

    def hang(self, pattern: str) -> "FakeHttp":
        """A server that never answers: waits out the request's timeout (then ReadTimeout)."""
        def answer(req: requests.PreparedRequest, timeout: Any) -> requests.Response:
            limit = max(timeout) if isinstance(timeout, tuple) else timeout
            if limit is None:
                raise RequestWithoutTimeout(f"{req.url} sent without a timeout would hang forever")
            time.sleep(min(float(limit), 0.2))
            raise requests.exceptions.ReadTimeout(f"read timed out (timeout={limit})", request=req)
        return self.add(pattern, answer)

    # -- transport ----------------------------------------------------------------------------
    def send(self, adapter: Any, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        url = urllib.parse.unquote_plus(request.url or "")
        with self._lock:
            self.calls.append((request.method or "", url, timeout))
            routes = list(reversed(self.routes))
        for pattern, method, answer in routes:
            if (method is None or method == request.method) and re.search(pattern, url):
                return answer(request, timeout)
        raise UnroutedRequest(f"no fake answer for {request.method} {url}")

    def install(self, monkeypatch: Any) -> "FakeHttp":
        fake = self

        def send(adapter: Any, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            return fake.send(adapter, request, **kwargs)

        monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
        import py_mini_racer
        monkeypatch.setattr(py_mini_racer, "MiniRacer", FakeMiniRacer)
        return self

    def urls(self, pattern: str = "") -> list[str]:
        return [u for _, u, _ in self.calls if re.search(pattern, u)]


def akshare_routes(fake: FakeHttp) -> FakeHttp:
    """Good answers for every akshare call the source makes (tests override per case)."""
    em_list = r"push2\.eastmoney\.com/api/qt/clist/get"
    (fake
     .file(r"push2his\.eastmoney\.com/api/qt/stock/kline/get", "em_kline_600519.json")
     .file(em_list + r".*fs=m:0 t:6", "em_spot.json")
     .file(em_list + r".*fs=m:90 t:2", "em_board_industry.json")
     .file(em_list + r".*fs=m:90 t:3", "em_board_concept.json")
     .file(em_list + r".*fs=b:BK", "em_board_cons.json")
     .file(r"push2\.eastmoney\.com/api/qt/stock/get", "em_individual_info_600519.json")
     .file(r"web\.ifzq\.gtimg\.cn/.*code=sh600519", "tx_week_trends_sh600519.txt",
           content_type="text/plain")
     .file(r"web\.ifzq\.gtimg\.cn/.*code=sz000001", "tx_week_trends_sz000001.txt",
           content_type="text/plain")
     .file(r"proxy\.finance\.qq\.com/.*param=sh600519,day,2026", "tx_kline_sh600519_2026.txt",
           content_type="text/plain")
     .file(r"proxy\.finance\.qq\.com/.*param=sz000001,day,2026", "tx_kline_sz000001_2026.txt",
           content_type="text/plain")
     .body(r"finance\.sina\.com\.cn/realstock/company/sh600519/hisdata_klc2/klc_kl\.js",
           sina_js("sina_kl_600519.decoded.json"), content_type="application/javascript")
     .file(r"stock\.finance\.sina\.com\.cn/.*KKE_ShareAmount_sh600519", "sina_share_amount_sh600519.js",
           content_type="application/javascript")
     .file(r"finance\.sina\.com\.cn/realstock/company/sh600519/qfq\.js", "sina_qfq_sh600519.js",
           content_type="application/javascript")
     .body(r"finance\.sina\.com\.cn/realstock/company/klc_td_sh\.txt",
           sina_js("sina_trade_dates.decoded.json", "datelist"), content_type="text/plain")
     .file(r"oss-ch\.csindex\.com\.cn/.*/cons/000300cons\.xls", "csindex_000300cons.xlsx",
           content_type="application/vnd.ms-excel")
     .file(r"query\.sse\.com\.cn/.*STOCK_TYPE=1&", "sse_list_main.json")
     .file(r"query\.sse\.com\.cn/.*STOCK_TYPE=8&", "sse_list_star.json")
     .file(r"www\.szse\.cn/api/report/ShowReport", "szse_list.xlsx",
           content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
     .file(r"www\.bse\.cn/nqxxController/nqxxCnzq\.do", "bse_list.jsonp",
           content_type="text/plain", method="POST"))
    return fake
