"""stockscan-cli: the headless door to core. Every scan and analysis the GUI runs, this runs too.

Each subcommand's implementation lives in ``desktop_app/commands/<name>.py`` as
``add_arguments(parser)`` and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "universe": "List the stocks of a source's universe.",
    "refresh": "Backfill or update the local bar store.",
    "analyze": "Print the analysis report of one stock.",
    "scan": "Scan a universe and print the hits.",
    "history": "List stored tasks, or show one task's hits.",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stockscan-cli", description="StockScan, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        try:
            mod = importlib.import_module(f"desktop_app.commands.{name}")
        except ModuleNotFoundError:
            p.set_defaults(_module=None)
            continue
        mod.add_arguments(p)
        p.set_defaults(_module=mod)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TQDM_DISABLE", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args._module is None:
        parser.error(f"command {args.command!r} is not available in this build")
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
