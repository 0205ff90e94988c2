"""`b12plan shopping-list` and `b12plan export`: turn a saved plan into files people use.

Everything is rendered in memory first and written atomically at the end, so a bad plan, an
unknown food or a broken pantry file exits with status 2 and leaves no file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from planner.catalog import load_catalog
from planner.cli.args import iso_date, positive_int
from planner.cli.output import check_output_path, write_output
from planner.errors import InputError
from planner.exports import (
    PLAN_FORMATS,
    SHOPPING_FORMATS,
    export_plan,
    export_shopping_list,
)
from planner.pdf import PAPER_SIZES
from planner.plan import Plan
from planner.shopping import build_shopping_list, parse_days, read_packages, read_pantry

BINARY_FORMATS = ("pdf",)


def register(sub: argparse._SubParsersAction) -> None:
    shopping = sub.add_parser(
        "shopping-list",
        help="what to buy for a saved plan, by aisle, in household units",
        description=(
            "One line per food, summed over the chosen days, in cups/slices/items and grams, "
            "grouped by store aisle; pantry amounts are subtracted and package sizes rounded "
            "up. File formats: docs/exports.md."
        ),
    )
    shopping.add_argument("plan", type=Path, help="a plan JSON file (b12plan plan --out)")
    shopping.add_argument("--format", choices=SHOPPING_FORMATS, default="md")
    shopping.add_argument("--out", help="file to write (default: standard output; '-' too)")
    shopping.add_argument("--pantry", type=Path, help="CSV of what you already have")
    shopping.add_argument("--packages", type=Path, help="CSV of package sizes")
    shopping.add_argument("--days", help="days to shop for, e.g. 1-3 or 1,3,5 (default: all)")
    shopping.add_argument("--paper", choices=tuple(PAPER_SIZES), default="a4", help="for pdf")
    shopping.add_argument("--catalog", type=Path, help="catalog snapshot folder")
    shopping.set_defaults(func=run_shopping_list)

    export = sub.add_parser(
        "export",
        help="a saved plan as PDF handout, Markdown, CSV, iCalendar reminders or JSON",
        description=(
            "pdf: printable handout; md: the same as Markdown; csv: one row per food and "
            "dose; ics: supplement reminders; json: the plan itself (re-importable)."
        ),
    )
    export.add_argument("plan", type=Path, help="a plan JSON file")
    export.add_argument("--format", choices=PLAN_FORMATS, required=True)
    export.add_argument("--out", required=True, help="file to write ('-': standard output)")
    export.add_argument("--paper", choices=tuple(PAPER_SIZES), default="a4", help="for pdf")
    export.add_argument(
        "--start", type=iso_date, help="ics: the date of plan day 1 (default: next Monday)"
    )
    export.add_argument(
        "--weeks", type=positive_int, default=1, help="ics: repeat a 7-day plan this many weeks"
    )
    export.add_argument("--pantry", type=Path, help="pdf/md: subtract what you already have")
    export.add_argument("--packages", type=Path, help="pdf/md: package sizes to round up to")
    export.add_argument("--catalog", type=Path, help="catalog snapshot folder")
    export.set_defaults(func=run_export)


def creation_date_from_env() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds convention) fixes the PDF creation date."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"SOURCE_DATE_EPOCH={value!r} is not a Unix timestamp in seconds; unset it or fix it"
        ) from None


def _emit(data: bytes, out: str | None, fmt: str) -> None:
    if out is None or out == "-":
        if fmt in BINARY_FORMATS:
            raise InputError(f"a {fmt} file cannot go to the terminal; pass --out FILE.{fmt}")
        sys.stdout.write(data.decode("utf-8"))
        return
    path = Path(out)
    write_output(path, data, example=f"plan.{fmt}")
    print(f"wrote {path} ({len(data):,} bytes)", file=sys.stderr)


def _shopping_inputs(args: argparse.Namespace, plan: Plan):
    catalog = load_catalog(args.catalog)
    pantry = read_pantry(args.pantry, catalog, plan) if args.pantry else None
    packages = read_packages(args.packages, catalog, plan) if args.packages else None
    return catalog, pantry, packages


def _check_out(out: str | None, fmt: str) -> None:
    """Refuse an --out that can never be written before reading the plan and the catalog."""
    if out is not None and out != "-":
        check_output_path(Path(out), example=f"plan.{fmt}")


def run_shopping_list(args: argparse.Namespace) -> int:
    _check_out(args.out, args.format)
    plan = Plan.load(args.plan)
    if args.format in BINARY_FORMATS and not args.out:
        raise InputError(f"a {args.format} file cannot go to the terminal; pass --out FILE")
    catalog, pantry, packages = _shopping_inputs(args, plan)
    days = parse_days(args.days, plan.n_days)
    shopping = build_shopping_list(plan, catalog, days=days, pantry=pantry, packages=packages)
    data = export_shopping_list(
        shopping, args.format, paper=args.paper, creation_date=creation_date_from_env()
    )
    _emit(data, args.out, args.format)
    return 0


def run_export(args: argparse.Namespace) -> int:
    _check_out(args.out, args.format)
    plan = Plan.load(args.plan)
    catalog, pantry, packages = _shopping_inputs(args, plan)
    shopping = None
    if args.format in ("pdf", "md"):
        shopping = build_shopping_list(plan, catalog, pantry=pantry, packages=packages)
    data = export_plan(
        plan,
        args.format,
        catalog=catalog,
        shopping=shopping,
        paper=args.paper,
        start=args.start,
        weeks=args.weeks,
        creation_date=creation_date_from_env(),
    )
    _emit(data, args.out, args.format)
    return 0
