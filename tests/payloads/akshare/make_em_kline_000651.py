"""Eastmoney kline answers of one stock in the three adjustments, mutually consistent:
qfq = raw × F_q (product of the ratios of ex-dates after the day), hfq = raw × F_h (product of
1/ratio of ex-dates on or before the day), each rounded to the cent as eastmoney quotes."""
import json
from pathlib import Path
from decimal import Decimal, ROUND_HALF_UP
days = ["2026-06-%02d" % d for d in (1,2,3,4,5,8,9,10,11,12,15,16,17,18,19,22,23,24,25,26)]
raw_close = [40.00,40.60,41.10,40.80,41.50,38.40,38.90,39.20,38.70,39.50, 26.10,26.40,26.00,26.80,27.10,27.00,27.50,27.20,27.90,28.30]
# ex-dividend 2026-06-08: 10派30 (3.00 a share): ratio = (41.50 - 3.00) / 41.50
# bonus issue 2026-06-15: 10转5: ratio = 1 / 1.5
events = [("2026-06-08", (41.50 - 3.00) / 41.50), ("2026-06-15", 1 / 1.5)]
def r2(x): return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
rows = []
for i, d in enumerate(days):
    c = raw_close[i]
    o = r2(c * (0.995 if i % 2 else 1.004)); h = r2(max(o, c) * 1.012); l = r2(min(o, c) * 0.989)
    lots = 120000 + 7919 * i % 50000
    rows.append((d, o, c, h, l, lots))
def factor(d, kind):
    f = 1.0
    for ex, r in events:
        if kind == "qfq" and d < ex: f *= r
        if kind == "hfq" and d >= ex: f /= r
    return f
for kind, fqt in (("none", 0), ("qfq", 1), ("hfq", 2)):
    kl = []
    prev = None
    for d, o, c, h, l, lots in rows:
        f = factor(d, kind) if kind != "none" else 1.0
        O, C, H, L = (r2(x * f) for x in (o, c, h, l))
        amount = round(lots * 100 * (o + c + h + l) / 4, 2)
        base = prev if prev is not None else C
        amp = r2((H - L) / base * 100); chg = r2((C - base) / base * 100); chga = r2(C - base)
        turnover = r2(lots * 100 / 5.9e9 * 100)
        kl.append(f"{d},{O:.2f},{C:.2f},{H:.2f},{L:.2f},{lots},{amount:.2f},{amp:.2f},{chg:.2f},{chga:.2f},{turnover:.2f}")
        prev = C
    body = {"rc": 0, "rt": 17, "svr": 177617930, "lt": 1, "full": 0, "dlmkts": "",
            "data": {"code": "000651", "market": 0, "name": "格力电器", "decimal": 2, "dktotal": len(kl),
                     "preKPrice": float(kl[0].split(",")[2]), "klines": kl}}
    json.dump(body, open(Path(__file__).with_name(f"em_kline_000651_{kind}.json"), "w"), ensure_ascii=False, indent=1)
print("ok")
