"""`b12plan foods` and `b12plan food`: browse the catalog snapshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from planner.catalog import NUTRIENT_COLUMNS, SOURCES, fdc_url, load_catalog
from planner.cli.args import positive_int
from planner.cli.output import render, render_table, to_jsonable
from planner.diets import DIETS, allowed, explain, label_foods
from planner.errors import InputError

BASE_COLUMNS = ["food_id", "fdc_id", "description", "source", "category", *NUTRIENT_COLUMNS]
# Diet labels shown beside every food (planner.diets).
DIET_COLUMNS = [
    "vegan",
    "vegetarian",
    "animal_flags",
    "b12_reliable",
    "b12_counted_fortified_only_ug",
    "roles",
    "slots",
    "plannable",
    "exclusion_reason",
]


def register(sub: argparse._SubParsersAction) -> None:
    foods = sub.add_parser(
        "foods",
        help="list or search catalog foods (nutrients per 100 g)",
        description="One row per food; nutrients per 100 g edible portion; blank = not reported.",
    )
    foods.add_argument("--search", metavar="TEXT", help="words that must all appear in the name")
    foods.add_argument("--source", choices=SOURCES, help="only foods from this source")
    foods.add_argument("--format", choices=("table", "csv", "json"), default="table")
    foods.add_argument("--limit", type=positive_int, help="at most N rows (default: all)")
    foods.add_argument("--catalog", type=Path, help="catalog snapshot folder (default: bundled)")
    foods.add_argument(
        "--diet",
        choices=tuple(DIETS),
        help="only foods this diet allows (uncertain foods count as not vegan)",
    )
    foods.add_argument(
        "--plannable",
        action="store_true",
        help="only foods the planner may pick (not raw meat, baby food, supplements, ...)",
    )
    foods.add_argument(
        "--explain",
        metavar="FOOD_ID",
        help="why a food is (not) vegan or vegetarian, what B12 counts, its role and slots",
    )
    foods.set_defaults(func=run_foods)

    food = sub.add_parser("food", help="everything about one food: nutrients, portions, source")
    food.add_argument("food_id", help='e.g. "fndds:25110140", "sr:01077", "fdc:746782"')
    food.add_argument("--format", choices=("table", "json"), default="table")
    food.add_argument("--catalog", type=Path, help="catalog snapshot folder (default: bundled)")
    food.set_defaults(func=run_food)


def select_foods(args: argparse.Namespace) -> pd.DataFrame:
    catalog = load_catalog(args.catalog)
    foods = catalog.search(args.search) if args.search else catalog.foods
    if args.source:
        foods = foods[foods["source"] == args.source]
    labels = label_foods(catalog).loc[foods.index]
    diet = getattr(args, "diet", None)
    if diet:
        keep = allowed(labels, diet)
        foods, labels = foods[keep], labels[keep]
    if getattr(args, "plannable", False):
        foods, labels = foods[labels["plannable"]], labels[labels["plannable"]]
    table = foods.join(labels[DIET_COLUMNS]).reset_index()[BASE_COLUMNS + DIET_COLUMNS]
    if args.limit:
        table = table.head(args.limit)
    return table


def check_food_id(food_id: str) -> None:
    if ":" not in food_id:
        raise InputError(
            f"{food_id!r} is not a food id; ids look like fndds:25110140, sr:01077 or "
            "fdc:746782 (find them with `b12plan foods --search TEXT`)"
        )


def run_foods(args: argparse.Namespace) -> int:
    if getattr(args, "explain", None):
        check_food_id(args.explain)
        print(explain(args.explain, load_catalog(args.catalog)).text)
        return 0
    table = select_foods(args)
    if args.format == "table" and table.empty:
        print(
            "no foods match; try fewer words in --search or drop --diet/--plannable",
            file=sys.stderr,
        )
    sys.stdout.write(render(table, args.format))
    return 0


def food_details(food_id: str, catalog_path: Path | None = None) -> dict:
    catalog = load_catalog(catalog_path)
    row = catalog.food(food_id)
    portions = catalog.portions_of(food_id)
    units = {
        "b12_ug": "µg",
        "b12_added_ug": "µg",
        "kcal": "kcal",
        "protein_g": "g",
        "fat_g": "g",
        "carb_g": "g",
        "fiber_g": "g",
        "sodium_mg": "mg",
    }
    return {
        "food_id": food_id,
        "description": row["description"],
        "additional_description": to_jsonable(row["additional_description"]),
        "source": row["source"],
        "dataset": row["dataset"],
        "release": row["release"],
        "category": to_jsonable(row["category"]),
        "fdc_id": to_jsonable(row["fdc_id"]),
        "fdc_url": fdc_url(row["fdc_id"]),
        "nutrients_per_100g": {
            col: {"value": to_jsonable(row[col]), "unit": units[col]} for col in NUTRIENT_COLUMNS
        },
        "kcal_basis": to_jsonable(row["kcal_basis"]),
        "portions": [
            {"portion": p.portion, "grams": float(p.grams)} for p in portions.itertuples()
        ],
    }


def run_food(args: argparse.Namespace) -> int:
    check_food_id(args.food_id)
    details = food_details(args.food_id, args.catalog)
    if args.format == "json":
        import json

        print(json.dumps(details, indent=2, ensure_ascii=False))
        return 0
    print(f"{details['description']}  [{details['food_id']}]")
    if details["additional_description"]:
        print(f"  also: {details['additional_description']}")
    print(f"  source: {details['dataset']} (release {details['release']})")
    print(f"  category: {details['category'] or '—'}")
    print(f"  FDC: {details['fdc_url'] or 'no FDC id known'}")
    print("\nPer 100 g (— = not reported by the source):")
    nutrients = pd.DataFrame(
        [
            {"nutrient": k, "amount": v["value"], "unit": v["unit"]}
            for k, v in details["nutrients_per_100g"].items()
        ]
    )
    print(render_table(nutrients))
    print("\nHousehold portions:")
    if details["portions"]:
        print(render_table(pd.DataFrame(details["portions"])))
    else:
        print("  none listed; amounts are planned in grams")
    return 0
