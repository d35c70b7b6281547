"""stockscan-cli validate in-process: the same numbers as the engine, JSON and the text report."""
from __future__ import annotations

import json

from desktop_app import cli
from desktop_app.core.data.demo import DemoSource
from desktop_app.core.data.store import BarStore
from desktop_app.core.scan import ScanRequest
from desktop_app.core.validation import Period, validate


def test_validate_json_equals_the_engine_and_the_report_prints(capsys, isolated_home):
    argv = ["validate", "--demo-stocks", "200", "--min-score", "70", "--days", "40", "--top", "3", "--hold", "2",
            "--quiet"]
    rc = cli.main(argv + ["--json"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    d = json.loads(out)
    src = DemoSource(n_stocks=200)
    res = validate(ScanRequest(min_score=70), Period(days=40), src, BarStore.for_source(src), top_n=3, hold=2)
    want = res.to_dict()
    assert d["signals"] == want["signals"] > 0 and d["overall"] == want["overall"]
    assert d["portfolio"]["curve"] == want["portfolio"]["curve"] and d["period"]["days"] == 40
    rc = cli.main(argv + ["--lang", "en"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "forward returns" in out and "+20\t" in out and "survivorship" in out and "portfolio: the top 3" in out
    rc = cli.main(argv)
    out, _ = capsys.readouterr()
    assert rc == 0 and "持有期收益" in out and "幸存者偏差" in out


def test_validate_rejects_bad_options(capsys, isolated_home):
    rc = cli.main(["validate", "--lang", "en", "--demo-stocks", "200", "--top", "0", "--quiet"])
    _, err = capsys.readouterr()
    assert rc == 2 and "--top and --hold" in err
    rc = cli.main(["validate", "--lang", "en", "--demo-stocks", "200", "--from", "2026-05-01", "--to", "2026-01-01"])
    _, err = capsys.readouterr()
    assert rc == 2 and "after its end" in err
