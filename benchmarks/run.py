"""One entry point for every benchmark (DESIGN.md §8).

    python benchmarks/run.py [--quick] [--only NAME ...] --json PATH

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> dict[str, dict]`` returning
metrics ``{"value": float, "unit": str, "baseline": float | None, "ratio": float | None}``
(ratio = baseline / value, measured in the same run). ``--only`` filters by module suffix or
metric name.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("TQDM_DISABLE", "1")


def _modules():
    for path in sorted(HERE.glob("bench_*.py")):
        yield path.stem[len("bench_"):], path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    ap.add_argument("--only", nargs="*", default=[], help="module suffixes or metric names")
    ap.add_argument("--json", type=Path, help="write the metrics here")
    args = ap.parse_args(argv)
    os.environ.setdefault("STOCKSCAN_HOME", tempfile.mkdtemp(prefix="stockscan-bench-"))
    results: dict[str, dict] = {}
    for name, path in _modules():
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        wanted = getattr(mod, "METRICS", [])
        if args.only and name not in args.only and not set(args.only) & set(wanted):
            continue
        t0 = time.perf_counter()
        print(f"== {name} ...", flush=True)
        out = mod.run(quick=args.quick)
        if args.only and name not in args.only:
            out = {k: v for k, v in out.items() if k in args.only}
        results.update(out)
        print(f"   ({time.perf_counter() - t0:.1f} s)", flush=True)
    print(f"\n{'metric':28} {'value':>12} {'unit':6} {'baseline':>12} {'ratio':>8}")
    for k, m in results.items():
        b = "" if m["baseline"] is None else f"{m['baseline']:.4g}"
        r = "" if m["ratio"] is None else f"{m['ratio']:.1f}x"
        print(f"{k:28} {m['value']:12.4g} {m['unit']:6} {b:>12} {r:>8}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
