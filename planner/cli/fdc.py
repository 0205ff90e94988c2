"""`b12plan fdc search|food|download`: FoodData Central from the command line.

search and food call the live API (key from FDC_API_KEY, base URL from FDC_API_BASE_URL);
download fetches a bulk CSV release zip, resuming an interrupted download.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from planner.catalog import fdc_url
from planner.cli.output import render, render_table, to_jsonable
from planner.download import download_release
from planner.errors import InputError
from planner.fdc_api import DATA_TYPES, MAX_PAGE_SIZE, FdcClient, parse_fdc_id, parse_food

LOW_REQUESTS_LEFT = 5  # warn when the API says this few requests remain
SEARCH_COLUMNS = ["fdc_id", "description", "data_type", "brand", "b12_ug", "b12_added_ug", "kcal"]


def bounded_int(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"expected a number {bound}, got {value}")
        return value

    return parse


def data_type_arg(text: str) -> str:
    by_lower = {k.lower(): k for k in DATA_TYPES}
    try:
        return by_lower[text.strip().lower()]
    except KeyError:
        choices = ", ".join(repr(k) for k in DATA_TYPES)
        raise argparse.ArgumentTypeError(f"unknown data type {text!r}; use {choices}") from None


def register(sub: argparse._SubParsersAction) -> None:
    fdc = sub.add_parser(
        "fdc",
        help="FoodData Central: search the API, fetch a food, download a release",
        description="Query the FoodData Central API (set FDC_API_KEY; DEMO_KEY allows about "
        "30 requests per hour) or download a bulk CSV release.",
    )
    actions = fdc.add_subparsers(dest="fdc_command", metavar="ACTION")
    actions.required = True

    search = actions.add_parser(
        "search",
        help="search foods by text (nutrients per 100 g; blank = not reported)",
        description="One row per food: B12, B12 added and kcal per 100 g (Branded: per 100 g "
        "or 100 ml as labelled); '—' means the source does not report the value.",
    )
    search.add_argument("text", help="words to look for, e.g. 'fortified soy milk'")
    search.add_argument(
        "--data-type",
        type=data_type_arg,
        action="append",
        metavar="TYPE",
        help="only this FDC data type (repeatable): " + ", ".join(repr(k) for k in DATA_TYPES),
    )
    search.add_argument(
        "--page-size",
        type=bounded_int(1, MAX_PAGE_SIZE),
        default=25,
        metavar="N",
        help=f"foods per page, 1-{MAX_PAGE_SIZE} (default 25)",
    )
    search.add_argument("--page", type=bounded_int(1), default=1, metavar="N", help="page number")
    search.add_argument("--format", choices=("table", "json", "csv"), default="table")
    search.add_argument("--cache", type=Path, metavar="DIR", help="cache API answers in DIR")
    search.set_defaults(func=run_search)

    food = actions.add_parser("food", help="one food by FDC id, in catalog terms")
    food.add_argument("fdc_id", help='e.g. 328637 or "fdc:328637"')
    food.add_argument("--format", choices=("table", "json"), default="table")
    food.add_argument(
        "--full", action="store_true", help="ask for the full format (portions, categories)"
    )
    food.add_argument("--cache", type=Path, metavar="DIR", help="cache API answers in DIR")
    food.set_defaults(func=run_food)

    download = actions.add_parser(
        "download",
        help="download a bulk FDC release zip (resumes an interrupted download)",
        description="e.g. https://fdc.nal.usda.gov/fdc-datasets/"
        "FoodData_Central_foundation_food_csv_2025-04-24.zip",
    )
    download.add_argument("url", help="http(s) URL of the release zip")
    download.add_argument(
        "--out", type=Path, default=Path("."), metavar="DIR", help="folder to save into (default .)"
    )
    download.add_argument("--no-progress", action="store_true", help="no progress bar")
    download.set_defaults(func=run_download)


def make_client(args: argparse.Namespace) -> FdcClient:
    """The client, with its DEMO_KEY warning turned into one plain line on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = FdcClient(cache_dir=getattr(args, "cache", None))
    for warning in caught:
        print(f"b12plan: warning: {warning.message}", file=sys.stderr)
    return client


def warn_if_few_requests_left(client: FdcClient) -> None:
    left = client.rate_limit_remaining
    if left is not None and left <= LOW_REQUESTS_LEFT:
        print(
            f"b12plan: warning: {left} FDC API requests left in this hour's allowance",
            file=sys.stderr,
        )


def run_search(args: argparse.Namespace) -> int:
    client = make_client(args)
    page = client.search(
        args.text, data_type=args.data_type, page_size=args.page_size, page_number=args.page
    )
    warn_if_few_requests_left(client)
    rows = []
    for api_food in page.foods:
        parsed = parse_food(api_food)
        rows.append(
            {
                "fdc_id": parsed.row["fdc_id"],
                "description": str(api_food.get("description", "")).strip(),
                "data_type": parsed.data_type,
                "brand": parsed.brand_name or parsed.brand_owner,
                "b12_ug": parsed.row["b12_ug"],
                "b12_added_ug": parsed.row["b12_added_ug"],
                "kcal": parsed.row["kcal"],
            }
        )
    frame = pd.DataFrame(rows, columns=SEARCH_COLUMNS)
    for column in ("b12_ug", "b12_added_ug", "kcal"):
        frame[column] = frame[column].astype("float64")
    sys.stdout.write(render(frame, args.format))
    if args.format == "table":
        more = f"; next: --page {page.page + 1}" if page.page < page.total_pages else ""
        print(f"page {page.page} of {page.total_pages} ({page.total_hits:,} foods){more}")
    return 0


def run_food(args: argparse.Namespace) -> int:
    fdc_id = parse_fdc_id(args.fdc_id)
    client = make_client(args)
    parsed = parse_food(client.food(fdc_id, format="full" if args.full else "abridged"))
    warn_if_few_requests_left(client)
    row = {k: to_jsonable(v) for k, v in parsed.row.items()}
    portions = [{k: p[k] for k in ("seq", "portion", "grams")} for p in parsed.portions]
    if args.format == "json":
        data: dict[str, Any] = {
            "food": row,
            "data_type": parsed.data_type,
            "brand_owner": parsed.brand_owner,
            "brand_name": parsed.brand_name,
            "portions": portions,
            "ingredients": parsed.ingredients,
            "notes": parsed.notes,
            "url": fdc_url(fdc_id),
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    fields = pd.DataFrame(
        {"field": list(row), "value": ["—" if v is None else str(v) for v in row.values()]}
    )
    print(render_table(fields, max_width=100))
    if portions:
        print("\nportions (grams per portion):")
        print(render_table(pd.DataFrame(portions)))
    if parsed.ingredients:
        print(f"\ningredients: {parsed.ingredients}")
    for note in parsed.notes:
        print(f"note: {note}")
    print(f"\n{fdc_url(fdc_id)}")
    return 0


def run_download(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise InputError(f"--out {args.out} is a file; give a folder to save the release into")
    path = download_release(args.url, args.out, progress=not args.no_progress)
    print(path)
    return 0
