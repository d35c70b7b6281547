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


def _common() -> argparse.ArgumentParser:
    """Options every command takes (``stockscan-cli scan --lang en …``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["zh", "en"], default="zh",
                        help="language of every message, header and report (default zh)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stockscan-cli", description="StockScan, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = _common()
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        mod = importlib.import_module(f"desktop_app.commands.{name}")
        mod.add_arguments(p)
        p.set_defaults(_module=mod)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TQDM_DISABLE", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        from desktop_app.core.catalogue import say

        print(say("interrupted", args.lang), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
