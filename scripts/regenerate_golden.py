"""Regenerate the golden export files in tests/golden/ from the committed golden plans.

    .venv/bin/python scripts/regenerate_golden.py            # outputs only
    .venv/bin/python scripts/regenerate_golden.py --plans    # rebuild the plans first

The golden plans are small hand-built weeks of REAL catalog foods in their REAL household
portions (every number recomputed from data/usda), not optimiser output: exports must not wait
for the model, and a hand-built plan keeps each golden file short enough to review by eye.
They are not planner output and do not pass `verify_plan`: the "vegan" week has whole wheat
bread and bran flakes, which the diet labels call vegan-uncertain (milk, honey or vitamin D3
from wool are common in them), so the planner would not pick them for a vegan; exports do not
read diet labels, and the tests of its foods' units, aisles and pantry rows rely on them.
Review `git diff tests/golden` before committing: every change there is a visible change for
users.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.catalog import Catalog, load_catalog  # noqa: E402
from planner.exports import (  # noqa: E402
    plan_csv,
    plan_markdown,
    shopping_csv,
    shopping_json,
    shopping_markdown,
    supplement_calendar,
)
from planner.files import atomic_write_bytes  # noqa: E402
from planner.plan import (  # noqa: E402
    DayTotals,
    Plan,
    PlanEntry,
    SolverInfo,
    SupplementDose,
    Targets,
)
from planner.shopping import build_shopping_list, read_packages, read_pantry  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
CREATED = "2026-01-01T00:00:00+00:00"
ICS_START = date(2026, 1, 5)  # a Monday

# (day, slot, food_id, portion text exactly as in the catalog, servings)
Meal = tuple[int, str, str, str, float]

VEGAN_WEEK: list[Meal] = []
for _day in range(1, 8):
    VEGAN_WEEK += [
        (_day, "breakfast", "fndds:57207000", "1 cup", 1),  # Cereal, bran flakes, plain
        (_day, "breakfast", "fndds:11320100", "1 cup", 1),  # Soy milk, unsweetened
        (_day, "breakfast", "fndds:63107010", "1 banana", 1),  # Banana, raw
        (_day, "lunch", "fndds:51300110", "1 medium or regular slice", 2),  # Bread, whole wheat
        (_day, "lunch", "fndds:42202000", "1 tablespoon", 3),  # Peanut butter
        (_day, "lunch", "fndds:63101000", "1 medium", 1),  # Apple, raw
        (_day, "dinner", "fndds:56205018", "1 cup, cooked", 1.5),  # Rice, brown
        (_day, "dinner", "fndds:72201212", "1 cup", 1),  # Broccoli, frozen, cooked
        (_day, "snack", "fndds:11320100", "1 cup", 1),  # Soy milk again: listed once
    ]
    if _day % 2:
        VEGAN_WEEK.append((_day, "dinner", "fndds:41305000", "1 cup", 1))  # Lentils
    else:
        VEGAN_WEEK.append((_day, "dinner", "sr:16426", "0.5 cup", 1))  # Tofu, SR28
    if _day in (1, 4, 6):
        VEGAN_WEEK.append((_day, "snack", "fndds:61210220", "1 fl oz (no ice)", 8))  # OJ
    else:
        VEGAN_WEEK.append((_day, "snack", "fndds:42116000", "1 oz", 1))  # Walnuts

VEGETARIAN_3DAY: list[Meal] = []
for _day in range(1, 4):
    VEGETARIAN_3DAY += [
        (_day, "breakfast", "fndds:31103010", "1 egg", 2),  # Egg, boiled
        (_day, "breakfast", "fndds:51300110", "1 medium or regular slice", 2),  # Bread, whole wheat
        (_day, "lunch", "fndds:11411390", "1 5.3 oz container", 1),  # Greek yogurt
        (_day, "lunch", "fndds:14104100", "1 slice", 1),  # Cheddar
        (_day, "lunch", "fndds:51300110", "1 medium or regular slice", 2),
        (_day, "lunch", "fndds:42202000", "1 tablespoon", 2),
        (_day, "lunch", "fndds:63107010", "1 banana", 1),
        (_day, "dinner", "fndds:56205018", "1 cup, cooked", 1.5),
        (_day, "dinner", "fndds:41305000", "1 cup", 1),
        (_day, "snack", "fndds:63101000", "1 medium", 1),
        (_day, "snack", "fndds:11112210", "1 cup", 1),  # Milk, low fat (1%)
    ]


# Prices for the priced golden outputs: made-up round numbers in no currency (a profile's
# prices carry none), for four of the vegan week's twelve foods, so the files show costs,
# package rounding and "no price" side by side. Not real prices.
GOLDEN_PRICES = [
    {"food_id": "fndds:11320100", "price": 2.5, "per_grams": 1000.0},  # soy milk, per kg
    {"food_id": "fndds:63107010", "price": 0.25, "per_grams": 100.0},  # bananas
    {"food_id": "fndds:42202000", "price": 4.0, "per_grams": 500.0},  # peanut butter, a jar
    {"food_id": "fndds:57207000", "price": 0.0, "per_grams": 100.0},  # bran flakes, free
]


def priced(plan: Plan) -> Plan:
    """The plan with GOLDEN_PRICES in its profile, as `b12plan plan --profile` records them."""
    return plan.model_copy(update={"profile": {**plan.profile, "prices": GOLDEN_PRICES}})


def _entry(catalog: Catalog, meal: Meal) -> PlanEntry:
    day, slot, food_id, portion, servings = meal
    food = catalog.food(food_id)
    portions = catalog.portions_of(food_id)
    match = portions[portions["portion"] == portion]
    if match.empty:
        raise SystemExit(f"{food_id} has no portion {portion!r}: {list(portions['portion'])}")
    portion_grams = float(match["grams"].iloc[0])
    grams = portion_grams * servings

    def per(column: str) -> float | None:
        value = food[column]
        return None if value is None or math.isnan(value) else float(value) * grams / 100

    b12 = per("b12_ug")
    if b12 is None:
        raise SystemExit(f"{food_id} has no B12 value; pick a food with one")
    return PlanEntry(
        day=day,
        slot=slot,
        food_id=food_id,
        description=str(food["description"]),
        portion=portion,
        portion_grams=portion_grams,
        servings=servings,
        grams=grams,
        kcal=per("kcal") or 0.0,
        protein_g=per("protein_g") or 0.0,
        sodium_mg=per("sodium_mg"),
        b12_ug=b12,
        b12_counted_ug=b12,
    )


def build_plan(
    catalog: Catalog,
    meals: list[Meal],
    *,
    diet: str,
    n_days: int,
    supplements: list[SupplementDose],
) -> Plan:
    """A Plan from (day, slot, food, portion, servings) rows, every number from the catalog."""
    entries = [_entry(catalog, meal) for meal in meals]
    by_day: dict[int, list[PlanEntry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    days = []
    for day in range(1, n_days + 1):
        todays = by_day[day]
        sodium = [e.sodium_mg for e in todays]
        days.append(
            DayTotals(
                day=day,
                kcal=math.fsum(e.kcal for e in todays),
                protein_g=math.fsum(e.protein_g for e in todays),
                sodium_mg=None if None in sodium else math.fsum(s or 0.0 for s in sodium),
                b12_ug=math.fsum(e.b12_ug for e in todays),
                b12_counted_ug=math.fsum(e.b12_counted_ug for e in todays),
                b12_occasions=len({e.slot for e in todays if e.b12_counted_ug > 0}),
            )
        )
    slots = sorted(
        {e.slot for e in entries}, key=lambda s: ("breakfast", "lunch", "dinner", "snack").index(s)
    )
    return Plan(
        created=CREATED,
        diet=diet,
        n_days=n_days,
        slots=slots,
        # A profile the app and the CLI can read back (Profile forbids unknown fields: a "note"
        # here made the app show the plan under "Rules this plan breaks"); plan.notes says what
        # the plan is.
        profile={"diet": diet, "days": n_days},
        entries=entries,
        supplements=supplements,
        targets=Targets(
            b12_ug_per_day=2.4,
            b12_source="US RDA, adults 19+ (IOM 1998)",
            kcal_per_day=2000,
            kcal_min=1800,
            kcal_max=2200,
            protein_g_min=50,
        ),
        days=days,
        solver=SolverInfo(name="none", status="hand-built", seconds=0.0, method="golden fixture"),
        catalog={
            "sources": [
                {"name": s["name"], "dataset": s["dataset"], "release": s["release"]}
                for s in catalog.manifest.get("sources", [])
            ]
        },
        notes=["Hand-built test fixture from real catalog foods and portions; not optimised."],
    )


def golden_plans(catalog: Catalog) -> dict[str, Plan]:
    return {
        "vegan_week": build_plan(
            catalog,
            VEGAN_WEEK,
            diet="vegan",
            n_days=7,
            supplements=[
                SupplementDose(day=d, slot="breakfast", strength_ug=25, count=1)
                for d in range(1, 8)
            ],
        ),
        "vegetarian_3day": build_plan(
            catalog, VEGETARIAN_3DAY, diet="vegetarian", n_days=3, supplements=[]
        ),
    }


def expected_outputs(catalog: Catalog) -> dict[str, str]:
    """Every golden output file name -> its text, from the committed plans and input files."""
    vegan = Plan.load(GOLDEN / "plan_vegan_week.json")
    vegetarian = Plan.load(GOLDEN / "plan_vegetarian_3day.json")
    pantry = read_pantry(GOLDEN / "pantry.csv", catalog)
    packages = read_packages(GOLDEN / "packages.csv", catalog)
    week = build_shopping_list(vegan, catalog)
    stocked = build_shopping_list(vegan, catalog, pantry=pantry, packages=packages)
    first_days = build_shopping_list(vegan, catalog, days=[1, 2, 3])
    three = build_shopping_list(vegetarian, catalog)
    vegan_priced = priced(vegan)
    priced_week = build_shopping_list(vegan_priced, catalog)
    priced_stocked = build_shopping_list(vegan_priced, catalog, pantry=pantry, packages=packages)
    return {
        "vegan_week.shopping.csv": shopping_csv(week),
        "vegan_week.shopping.md": shopping_markdown(week),
        "vegan_week.shopping.json": shopping_json(week),
        "vegan_week.pantry_packages.shopping.csv": shopping_csv(stocked),
        "vegan_week.pantry_packages.shopping.md": shopping_markdown(stocked),
        "vegan_week.days1-3.shopping.md": shopping_markdown(first_days),
        "vegan_week.plan.csv": plan_csv(vegan),
        "vegan_week.plan.md": plan_markdown(vegan, week),
        "vegan_week.ics": supplement_calendar(vegan, ICS_START),
        "vegetarian_3day.shopping.csv": shopping_csv(three),
        "vegetarian_3day.shopping.md": shopping_markdown(three),
        "vegetarian_3day.plan.md": plan_markdown(vegetarian, three),
        "vegan_week.priced.shopping.csv": shopping_csv(priced_stocked),
        "vegan_week.priced.shopping.md": shopping_markdown(priced_stocked),
        "vegan_week.priced.plan.md": plan_markdown(vegan_priced, priced_week),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", action="store_true", help="rebuild the golden plans first")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    if args.plans:
        for name, plan in golden_plans(catalog).items():
            plan.save(GOLDEN / f"plan_{name}.json")
            print(f"wrote tests/golden/plan_{name}.json")
    for name, text in expected_outputs(catalog).items():
        path = GOLDEN / name
        atomic_write_bytes(path, text.encode("utf-8"))  # bytes: the ICS file keeps its CRLFs
        print(f"wrote tests/golden/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
