"""Pure helpers behind the app: label foods, B12 source rankings, portion values, edited plans.

They live in the library (no Streamlit import) so they are tested like every other rule, and the
app's page files stay a thin layer that only turns widgets into calls and results into tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Literal

import pandas as pd

from planner.catalog import FOOD_COLUMNS, NUTRIENT_COLUMNS, PORTION_COLUMNS, Catalog
from planner.errors import InputError
from planner.plan import DayTotals, Plan
from planner.verify import VerificationReport, verify_plan

# The B12 Daily Value a label's "% DV" refers to: 2.4 µg on current US labels (2016 rule),
# 6 µg on older labels (21 CFR 101.9 before 2016). The same "50 %" means 1.2 or 3 µg.
DV_BASIS_UG = {"current US label (2.4 µg)": 2.4, "older US label (6 µg)": 6.0}

LABEL_SOURCE = "label"
LABEL_ID_PREFIX = "label:"

NUTRIENT_UNITS = {
    "b12_ug": "µg",
    "b12_added_ug": "µg",
    "kcal": "kcal",
    "protein_g": "g",
    "fat_g": "g",
    "carb_g": "g",
    "fiber_g": "g",
    "sodium_mg": "mg",
}
NUTRIENT_NAMES = {
    "b12_ug": "Vitamin B12",
    "b12_added_ug": "Vitamin B12, added",
    "kcal": "Energy",
    "protein_g": "Protein",
    "fat_g": "Fat",
    "carb_g": "Carbohydrate",
    "fiber_g": "Fibre",
    "sodium_mg": "Sodium",
}


def _finite(name: str, value: float | None, *, low: float, high: float, unit: str) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise InputError(f"{name} is missing; enter a number from {low:g} to {high:g} {unit}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < low or number > high:
        raise InputError(f"{name} must be from {low:g} to {high:g} {unit}, got {number:g}")
    return number


def b12_per_serving_from_label(
    amount: float, unit: Literal["ug", "percent_dv"], dv_basis_ug: float = 2.4
) -> float:
    """µg of B12 in one serving, from a label that gives µg or a % Daily Value."""
    if unit == "ug":
        return _finite("B12 per serving", amount, low=0, high=10_000, unit="µg")
    if unit != "percent_dv":
        raise InputError(f"B12 unit must be 'ug' or 'percent_dv', got {unit!r}")
    if dv_basis_ug not in DV_BASIS_UG.values():
        raise InputError(
            f"the label's Daily Value basis must be 2.4 µg (current US labels) or 6 µg "
            f"(older labels), got {dv_basis_ug!r}"
        )
    percent = _finite("B12 % Daily Value", amount, low=0, high=100_000, unit="%")
    return percent / 100 * dv_basis_ug


def label_food_id(name: str) -> str:
    """A stable id for a label food, so adding the same product twice replaces it."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise InputError("the food's name needs at least one letter or digit")
    return LABEL_ID_PREFIX + slug[:60]


def food_from_label(
    *,
    name: str,
    serving_g: float,
    serving_label: str,
    b12_per_serving_ug: float,
    kcal_per_serving: float,
    protein_g_per_serving: float,
    fat_g_per_serving: float,
    sodium_mg_per_serving: float,
    carb_g_per_serving: float | None = None,
    fiber_g_per_serving: float | None = None,
    b12_is_added: bool = True,
    category: str = "Custom food (label)",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One catalog row (per 100 g) and its portion, from a product label's per-serving values.

    Returns (foods, portions) shaped for `Catalog.with_foods`. Energy, protein, fat and sodium
    are required because the planner checks every day's totals of them (every US Nutrition
    Facts panel lists them); carbohydrate and fibre may be left blank and then stay NaN. B12
    from a fortified product is crystalline (added); `b12_is_added=False` is for labels of
    foods with natural B12 (dairy).
    """
    name = (name or "").strip()
    if len(name) < 2:
        raise InputError(
            "give the food a name (at least 2 characters), e.g. 'Oat drink, fortified'"
        )
    serving_g = _finite("serving size", serving_g, low=1, high=2_000, unit="g")
    b12 = _finite("B12 per serving", b12_per_serving_ug, low=0, high=10_000, unit="µg")
    kcal = _finite("energy per serving", kcal_per_serving, low=0, high=5_000, unit="kcal")
    grams = {
        "protein": protein_g_per_serving,
        "fat": fat_g_per_serving,
        "carbohydrate": carb_g_per_serving,
        "fibre": fiber_g_per_serving,
    }
    required = ("protein", "fat")
    values = {}
    for what, value in grams.items():
        if value is None or pd.isna(value):
            if what in required:
                raise InputError(
                    f"{what} per serving is missing; the planner needs energy, protein, fat "
                    "and sodium to check each day (they are on every Nutrition Facts panel)"
                )
            values[what] = math.nan
        else:
            values[what] = _finite(f"{what} per serving", value, low=0, high=serving_g, unit="g")
    if sodium_mg_per_serving is None or pd.isna(sodium_mg_per_serving):
        raise InputError(
            "sodium per serving is missing; the planner needs energy, protein, fat and sodium "
            "to check each day (they are on every Nutrition Facts panel)"
        )
    sodium = _finite("sodium per serving", sodium_mg_per_serving, low=0, high=50_000, unit="mg")
    if kcal / serving_g * 100 > 900:
        raise InputError(
            f"{kcal:g} kcal in {serving_g:g} g is more than 900 kcal per 100 g, which no food "
            "has; check the serving size (grams, not millilitres of a powder) and the energy"
        )
    scale = 100 / serving_g
    row = {column: math.nan for column in FOOD_COLUMNS}
    row.update(
        food_id=label_food_id(name),
        fdc_id=math.nan,
        description=name,
        additional_description=None,
        source=LABEL_SOURCE,
        dataset="Product label",
        release=date.today().isoformat(),
        category=category,
        category_code=None,
        b12_ug=b12 * scale,
        b12_added_ug=b12 * scale if b12_is_added else 0.0,
        kcal=kcal * scale,
        protein_g=values["protein"] * scale,
        fat_g=values["fat"] * scale,
        carb_g=values["carbohydrate"] * scale,
        fiber_g=values["fibre"] * scale,
        sodium_mg=sodium * scale,
        kcal_basis="label",
    )
    foods = pd.DataFrame([row], columns=list(FOOD_COLUMNS))
    portion = (serving_label or "").strip() or f"1 serving ({serving_g:g} g)"
    portions = pd.DataFrame(
        [{"food_id": row["food_id"], "seq": 1, "portion": portion, "grams": serving_g}],
        columns=list(PORTION_COLUMNS),
    )
    return foods, portions


def _singular(word: str) -> str:
    """'clams' -> 'clam', 'berries' -> 'berry': a name may use the other number."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def search_variants(text: str) -> list[str]:
    """The query as typed, with singular words, and with two neighbouring words joined.

    The catalog spells one food several ways: SR28 has "Soymilk" where FNDDS has "Soy milk",
    and "Mollusks, clam" where FNDDS has "Clams"; a search for "soy milk" or "clams" missed
    every fortified soymilk and the B12-richest clam entries.
    """
    words = text.lower().split()
    variants = [" ".join(words), " ".join(_singular(w) for w in words)]
    for i in range(len(words) - 1):
        variants.append(" ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]]))
    return list(dict.fromkeys(v for v in variants if v))


def search_foods(catalog: Catalog, text: str) -> pd.DataFrame:
    """Foods matching the query or one of its spellings (`search_variants`), in catalog order."""
    found: set[str] = set()
    for variant in search_variants(text):
        found.update(catalog.search(variant).index)
    return catalog.foods[catalog.foods.index.isin(found)]


def first_portions(portions: pd.DataFrame) -> pd.DataFrame:
    """Each food's first listed household portion (the catalog lists the common one first)."""
    ordered = portions.sort_values(["food_id", "seq"])
    return ordered.drop_duplicates("food_id").set_index("food_id")[["portion", "grams"]]


def rank_b12_sources(
    foods: pd.DataFrame,
    portions: pd.DataFrame,
    counted_b12_per_100g: pd.Series,
    *,
    by: Literal["serving", "100kcal"] = "serving",
    limit: int = 25,
) -> pd.DataFrame:
    """The foods with the most counted B12 per household serving or per 100 kcal.

    `counted_b12_per_100g` is indexed by food_id and holds only the foods a diet allows, with
    the B12 that diet counts (e.g. only added B12 for fortified-only). Foods without a reported
    B12 value or without a portion (for per serving) or energy (for per 100 kcal) drop out
    rather than rank as zero.
    """
    if by not in ("serving", "100kcal"):
        raise InputError(f"rank by 'serving' or '100kcal', got {by!r}")
    counted = counted_b12_per_100g.dropna()
    counted = counted[counted > 0]
    table = foods.loc[counted.index.intersection(foods.index), ["description", "category", "kcal"]]
    table = table.assign(b12_per_100g_ug=counted.reindex(table.index))
    table = table.join(first_portions(portions), how="left")
    table["b12_per_serving_ug"] = table["b12_per_100g_ug"] * table["grams"] / 100
    kcal = table["kcal"].where(table["kcal"] > 0)
    table["b12_per_100kcal_ug"] = table["b12_per_100g_ug"] / kcal * 100
    key = "b12_per_serving_ug" if by == "serving" else "b12_per_100kcal_ug"
    table = table.dropna(subset=[key]).sort_values([key, "description"], ascending=[False, True])
    table = table.rename(columns={"grams": "serving_g", "kcal": "kcal_per_100g"})
    return table.head(limit)[
        [
            "description",
            "category",
            "portion",
            "serving_g",
            "b12_per_serving_ug",
            "b12_per_100kcal_ug",
            "b12_per_100g_ug",
            "kcal_per_100g",
        ]
    ]


def nutrients_table(food: pd.Series, portions: pd.DataFrame) -> pd.DataFrame:
    """Nutrients per 100 g and per each household portion, with units; missing stays missing."""
    rows = []
    for column in NUTRIENT_COLUMNS:
        value = food.get(column)
        row = {
            "nutrient": NUTRIENT_NAMES[column],
            "unit": NUTRIENT_UNITS[column],
            "per 100 g": value,
        }
        for portion in portions.itertuples():
            label = f"per {portion.portion} ({portion.grams:g} g)"
            if label in row:  # two portions with the same wording: keep both apart
                label = f"{label} #{portion.seq}"
            row[label] = value * portion.grams / 100 if pd.notna(value) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def edit_servings(
    plan: Plan,
    servings: Mapping[int, float],
    catalog: Catalog,
    labels: pd.DataFrame | None = None,
) -> tuple[Plan, VerificationReport]:
    """A copy of `plan` with entry i eaten in `servings[i]` portions (0 drops it), re-verified.

    Entry values scale with the servings (nutrients are per gram); the day totals, including
    absorbed B12 per eating occasion, come from `planner.verify`, which recomputes them from
    the catalog. The report's `shortfalls()` are the targets the edited plan now misses.
    """
    entries = []
    for index, entry in enumerate(plan.entries):
        if index not in servings:
            entries.append(entry)
            continue
        new = servings[index]
        if new is None or pd.isna(new) or not 0 <= float(new) <= 10:
            raise InputError(
                f"servings of {entry.description} (day {entry.day}, {entry.slot}) must be from "
                f"0 to 10, got {new!r}"
            )
        new = float(new)
        if abs(new * 2 - round(new * 2)) > 1e-9:
            raise InputError(
                f"servings of {entry.description} must be whole or half portions "
                f"(e.g. 1 or 1.5), got {new:g}"
            )
        if new == 0:
            continue
        factor = new / entry.servings
        entries.append(
            entry.model_copy(
                update={
                    "servings": new,
                    "grams": round(new * entry.portion_grams, 1),
                    "kcal": entry.kcal * factor,
                    "protein_g": entry.protein_g * factor,
                    "sodium_mg": None if entry.sodium_mg is None else entry.sodium_mg * factor,
                    "b12_ug": entry.b12_ug * factor,
                    "b12_counted_ug": entry.b12_counted_ug * factor,
                    "b12_absorbed_ug": None,  # a share of the meal's absorption: recomputed below
                }
            )
        )
    edited = plan.model_copy(deep=True, update={"entries": entries})
    report = verify_plan(edited, catalog, labels, check_claims=False)
    absorption = plan.targets.b12_absorbed_ug_per_day is not None
    edited.days = [
        DayTotals(
            day=day.day,
            kcal=round(day.kcal, 1),
            protein_g=round(day.protein_g, 1),
            sodium_mg=round(day.sodium_mg, 1),
            b12_ug=round(day.b12_ug, 4),
            b12_counted_ug=round(day.b12_counted_ug, 4),
            b12_absorbed_ug=round(day.b12_absorbed_ug, 4) if absorption else None,
            b12_occasions=day.b12_occasions,
        )
        for day in report.days
    ]
    note = "Servings edited by hand; totals recomputed from the catalog."
    if note not in edited.notes:
        edited.notes.append(note)
    return edited, report


def attach_custom_foods(
    plan: Plan,
    foods: pd.DataFrame,
    portions: pd.DataFrame,
    ingredients: Mapping[str, str] | None = None,
) -> Plan:
    """The plan with the custom foods it uses (label, FDC API) recorded in `custom_foods`.

    A saved or exported plan then carries everything needed to show and check it again, even
    where those foods are not in the catalog. Each record is the catalog row (missing values as
    None) with its household portions and, when known, the label's ingredient statement (the
    diet rules need it to call a branded food vegan).
    """
    if foods.empty:
        return plan
    frame = foods.set_index("food_id") if "food_id" in foods.columns else foods
    used = [food_id for food_id in plan.food_ids() if food_id in frame.index]
    records = []
    for food_id in used:
        row = frame.loc[food_id]
        record: dict = {"food_id": food_id}
        for column in FOOD_COLUMNS[1:]:
            value = row.get(column)
            record[column] = None if value is None or pd.isna(value) else _plain(value)
        mine = portions[portions["food_id"] == food_id].sort_values("seq")
        record["portions"] = [
            {"portion": str(p.portion), "grams": float(p.grams)} for p in mine.itertuples()
        ]
        if ingredients and ingredients.get(food_id):
            record["ingredients"] = ingredients[food_id]
        records.append(record)
    return plan.model_copy(update={"custom_foods": records})


def _plain(value: object) -> object:
    """numpy scalars to Python numbers, so the plan's JSON stays plain."""
    return value.item() if hasattr(value, "item") else value
