"""The `b12plan` command: a thin layer that parses arguments, calls the library, prints results.

Each subcommand lives in its own module with a `register(subparsers)` function; errors the
library raises on purpose become a one-line message on stderr and exit status 2 (bad input) or
3 (no plan possible), never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from planner.errors import PlannerError

# Modules under planner.cli that add subcommands, in the order `--help` lists them.
SUBCOMMAND_MODULES = ("foods", "ingest", "fdc", "plan", "store", "shopping")


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line, as for every other bad input (README).

    Stock argparse prints the whole usage block first, which for `plan` is a dozen lines of
    flags above the one line that says what is wrong. Subcommand parsers inherit this class.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="b12plan",
        description="Plan weekly meals that meet vitamin B12 targets, from the USDA catalog.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"planner.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PlannerError as err:
        print(f"b12plan: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("b12plan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
