"""Payloads of the real shape built for the market tests: eastmoney's 涨停股池 holding given stocks."""
from __future__ import annotations

import json

from fake_http import PAYLOADS


def zt_payload_for(ladder: list[dict]) -> bytes:
    """eastmoney's 涨停股池 payload (the real shape) with the ladder's stocks in it."""
    d = json.loads((PAYLOADS / "em_zt_pool.json").read_text(encoding="utf-8"))
    tpl = d["data"]["pool"][0]
    d["data"]["pool"] = [dict(tpl, c=x["symbol"], n=x["name"], fbt=93000 + i, lbt=140000 + i, fund=1e7 * (i + 1),
                              zbc=i, hybk=x["industry"]) for i, x in enumerate(ladder)]
    return json.dumps(d, ensure_ascii=False).encode()
