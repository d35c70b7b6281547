"""stockscan-cli watchlist / holdings / alerts: groups and imports with rejected lines, holdings
with their valuation, alert rules and one check pass on the demo market's session."""
from __future__ import annotations

from desktop_app import cli
from desktop_app.core.numfmt import big
from desktop_app.core.alert_store import AlertStore
from desktop_app.core.demo_ticks import demo_snapshot
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.watch_store import WatchStore


def _run(capsys, *argv):
    rc = cli.main(list(argv) + ["--lang", "en"])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_watchlist_commands(tmp_path, capsys):
    blk = tmp_path / "ZXG.blk"
    blk.write_bytes(b"\r\n1600001\r\n0000004\r\n0600005\r\n")
    rc, out, err = _run(capsys, "watchlist", "import", str(blk), "--group", "tdx")
    assert rc == 1 and "added 2 to 'tdx'" in out
    assert "line 4 '0600005'" in err                     # the bad line and its reason
    assert WatchStore().members("tdx") == ["600001", "000004"]
    rc, out, _ = _run(capsys, "watchlist", "add", "600005")
    assert rc == 0 and WatchStore().members("自选股1") == ["600005"]
    rc, out, _ = _run(capsys, "watchlist", "groups")
    assert out.splitlines() == ["自选股1\t1 stocks", "tdx\t2 stocks"]
    rc, out, _ = _run(capsys, "watchlist", "remove", "600001", "--group", "tdx")
    assert WatchStore().members("tdx") == ["000004"]
    rc, _, err = _run(capsys, "watchlist", "show", "--group", "nope")
    assert rc == 1 and "no watchlist group named 'nope'" in err


def test_holdings_show_values_the_demo_positions(capsys):
    demo = DemoSource()
    bars = demo.daily_bars("600001")
    last, prev = float(bars["close"].iloc[-1]), float(bars["close"].iloc[-2])
    assert _run(capsys, "holdings", "add", "600001", "1000", "12", "2024-01-02")[0] == 0
    rc, out, _ = _run(capsys, "holdings", "show")
    assert rc == 0 and out.splitlines()[0] == "[DEMO]"
    row = out.splitlines()[2].split("\t")
    assert row[1] == "600001" and row[5] == f"{last:.2f}"
    assert row[9] == f"{(last / 12 - 1) * 100:+.2f}%" and row[10] == "100.00%"
    assert row[6] == big(1000 * last, "en", 2) and row[7] == big(1000 * (last - prev), "en", 2)


def test_alerts_check_fires_once_on_the_demo_tick(capsys):
    snap = demo_snapshot(DemoSource().spot(), 0).set_index("symbol")
    price = float(snap.loc["600001", "last"])
    assert _run(capsys, "alerts", "add", "price_above", "600001", f"price={price}")[0] == 0
    rc, out, _ = _run(capsys, "alerts", "list")
    assert out.startswith("#1\tprice_above\t600001")
    rc, out, _ = _run(capsys, "alerts", "check", "--tick", "0")
    assert rc == 0 and out.strip() == f"[DEMO]fired: 600001 远盛智能 last {price:.2f} ≥ {price:g}"
    rc, out, err = _run(capsys, "alerts", "check", "--tick", "0")
    assert out == "" and "no new alert" in err          # once a day
    assert _run(capsys, "alerts", "rearm", "1")[0] == 0
    assert AlertStore(WatchStore()).fired_today() == set()
    assert "fired" in _run(capsys, "alerts", "check", "--tick", "0")[1]


def test_alerts_check_on_the_stored_bars(capsys):
    bars = DemoSource().daily_bars("600001")
    last, prev = float(bars["close"].iloc[-1]), float(bars["close"].iloc[-2])
    pct = round(abs(last / prev - 1) * 100 * 0.99, 4)
    kind = "change_above" if last > prev else "change_below"
    assert _run(capsys, "alerts", "add", kind, "600001", f"pct={pct}")[0] == 0
    rc, out, _ = _run(capsys, "alerts", "check", "--bars")
    assert rc == 0 and out.startswith("[DEMO]fired: 600001") and f"{(last / prev - 1) * 100:+.2f}%" in out
    assert _run(capsys, "alerts", "check", "--bars")[1] == ""              # once for that day
