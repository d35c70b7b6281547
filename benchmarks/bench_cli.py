"""The CLI's fixed costs (issue 13 §6): commands that do little, where start-up, imports and exit
are all a user waits for. Each is the median wall time of a fresh ``stockscan-cli`` subprocess
(the entry point ``desktop_app.cli:run``), 7 runs (quick: 3); baseline a bare ``python -c pass``
measured in the same run (ratio = bare / value: the share of the wait that Python itself costs).

- ``cli_help_ms``: ``stockscan-cli --help``;
- ``cli_history_ms``: ``stockscan-cli history`` (the list; an empty history);
- ``cli_universe_ms``: ``stockscan-cli universe --source demo --json`` (5,000 stocks: pandas and
  the demo universe's build are part of it).

The floor of a command that needs pandas (``python -c "import numpy, pandas"``) is printed too.
The whole-market scan's own overhead is ``cli_scan_overhead_ms`` (bench_scan.py).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from common import bare_python_s, metric as _metric, stockscan_home, wall_s  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

METRICS = ["cli_help_ms", "cli_history_ms", "cli_universe_ms"]

_ENTRY = "import sys; sys.argv[0] = 'stockscan-cli'; from desktop_app.cli import run; run()"
_COMMANDS = {"cli_help_ms": ["--help"], "cli_history_ms": ["history"],
             "cli_universe_ms": ["universe", "--source", "demo", "--json"]}


def run(quick: bool = False) -> dict:
    runs = 3 if quick else 7
    base_home = Path(os.environ.get("STOCKSCAN_HOME") or tempfile.mkdtemp(prefix="stockscan-bench-"))
    with stockscan_home(base_home / "bench_cli") as home:
        home.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT), TQDM_DISABLE="1")
        bare = bare_python_s(runs)
        floor = wall_s([sys.executable, "-c", "import numpy, pandas"], runs)
        out = {}
        for name, args in _COMMANDS.items():
            wall = wall_s([sys.executable, "-c", _ENTRY, *args], runs, env=env, cwd=str(ROOT))
            out[name] = _metric(wall * 1000, "ms", bare * 1000)
        print(f"   bare python {bare * 1000:.0f} ms, python + numpy + pandas {floor * 1000:.0f} ms; "
              + ", ".join(f"{k} {v['value']:.0f} ms" for k, v in out.items()), flush=True)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(run(quick="--quick" in sys.argv))
