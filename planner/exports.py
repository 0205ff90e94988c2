"""Exports of plans and shopping lists: CSV, JSON, Markdown, iCalendar (and PDF via planner.pdf).

Every renderer is a pure function of its input, with no clock and no randomness, so the same
plan always gives the same bytes (golden tests rely on it). Column and key names are part of the
public contract and documented in docs/exports.md; change them only with a version bump.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from planner.catalog import Catalog, load_catalog
from planner.cost import PlanCost, cost_summary, foods_word, missing_note, money, plan_cost
from planner.errors import InputError
from planner.files import atomic_write_bytes
from planner.plan import SLOT_ORDER, Plan
from planner.shopping import (
    SIZE_WORDS,
    FoodLookup,
    ShoppingLine,
    ShoppingList,
    check_plan_foods,
    format_quantity,
    parse_portion,
    plural,
    singular,
    supplement_description,
    supplement_id,
)

SHOPPING_COLUMNS = (
    "aisle",
    "food_id",
    "description",
    "grams",
    "pantry_grams",
    "to_buy_grams",
    "quantity",
    "unit",
    "unit_grams",
    "portion",
    "packages",
    "package",
    "package_grams",
    "leftover_grams",
    "cost",
)
PLAN_COLUMNS = (
    "day",
    "slot",
    "kind",
    "food_id",
    "description",
    "portion",
    "servings",
    "grams",
    "kcal",
    "protein_g",
    "sodium_mg",
    "b12_ug",
    "b12_counted_ug",
    "b12_absorbed_ug",
)
SHOPPING_JSON_FORMAT = "b12-planner shopping list"
SHOPPING_JSON_VERSION = 1
PLAN_FORMATS = ("pdf", "md", "csv", "ics", "json")
SHOPPING_FORMATS = ("md", "csv", "json", "pdf")
NOT_MEDICAL_ADVICE = (
    "This plan is general information computed from USDA food composition data, not medical "
    "advice. Needs differ with age, pregnancy, medicines and health conditions: ask a doctor or "
    "registered dietitian before relying on it, especially for B12 deficiency or its treatment."
)
# When supplement reminders fire, by slot (local time; the calendar uses floating times).
SLOT_TIMES = {
    "breakfast": time(8, 0),
    "drink": time(10, 30),
    "lunch": time(12, 30),
    "snack": time(15, 30),
    "dinner": time(18, 30),
    "snack2": time(21, 0),
}
DEFAULT_REMINDER_TIME = time(9, 0)


# --------------------------------------------------------------------------------------------
# Small formatting helpers shared with planner.pdf


def number(value: float | None, digits: int = 1) -> str:
    """A number for files: rounded, no trailing zeros, "" when missing (never 0 for unknown)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # Half away from zero, as people round (292.5 g -> 293 g), not Python's half-to-even.
    quantum = Decimal(1).scaleb(-digits)
    text = str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fixed(value: float | None, digits: int = 2) -> str:
    """Exactly `digits` decimals, for table columns ('0.90', '13.32'); '' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    quantum = Decimal(1).scaleb(-digits)
    text = str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def grams_text(grams: float) -> str:
    """Grams for people: '488 g', '1,464 g', '7.5 g'."""
    if grams < 10:
        return f"{number(grams, 1)} g"
    return f"{int(number(grams, 0)):,} g"


def ug_text(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f} µg"


# First words of catalog names that are proper adjectives or names ('Spanish rice', 'Caesar
# salad'): a sentence keeps their capital. From the catalog's own first words.
PROPER_FIRST_WORDS = frozenset(
    "Asian Buffalo Caesar Canadian Chinese Cobb Cornish Danish Dutch English French Greek "
    "Italian Manhattan Mexican Peruvian Polish Reuben Russian Scotch Spanish Swedish "
    "Swiss".split()
)


def lower_first(text: str) -> str:
    """'Soy milk, unsweetened' -> 'soy milk, unsweetened' for the middle of a sentence.

    Acronyms ('NFS ...') stay, and so do names: when another word of the first part is
    capitalised too ('Vitasoy USA, ...', 'Palak Paneer', 'General Tso chicken'), the first
    word is a name, not a sentence's capital (words with digits, like 'B12', and words in
    brackets, like '(KIND Fruit and Nut Bar)', do not count). A proper adjective first
    ('Spanish rice', PROPER_FIRST_WORDS) stays too."""
    if len(text) < 2 or not text[0].isupper() or text[1].isupper():
        return text
    first_part = text.split(",", 1)[0].split("(", 1)[0].split()  # a brand in brackets: no
    if first_part and first_part[0] in PROPER_FIRST_WORDS:
        return text
    if any(word[:1].isupper() and word.isalpha() for word in first_part[1:]):
        return text
    return text[0].lower() + text[1:]


def slot_sort_key(slot: str) -> tuple[int, str]:
    return (SLOT_ORDER.index(slot) if slot in SLOT_ORDER else len(SLOT_ORDER), slot)


def amount_text(servings: float, portion: str) -> str:
    """What a plan entry asks for: 1.5 x "1 cup" -> "1 1/2 cups"; odd portions keep a multiplier."""
    parsed = parse_portion(portion, 1000.0)
    if parsed is not None:
        unit = parsed.unit
        count = servings * 1000.0 / unit.grams  # the number written in the portion text
        return f"{format_quantity(count)} {plural(unit.unit, count)}"
    if abs(servings - 1) < 1e-9:
        return lower_first(portion)
    return f"{format_quantity(servings)} × {lower_first(portion)}"


def entry_text(servings: float, portion: str, description: str) -> str:
    """A plan entry in a sentence: '1 1/2 cups soy milk, unsweetened'. When the unit is the
    food's own name it is said once: '1 1/2 potatoes, NFS', not '1 1/2 potatoes potato, NFS';
    '1 chicken thigh, baked', not '1 thigh chicken thigh, baked'."""
    amount = amount_text(servings, portion)
    head, comma, tail = description.partition(",")
    noun = head.strip().lower()
    quantity, _, last = amount.rpartition(" ")
    if " " not in noun and noun.isalpha() and singular(last) == noun:
        return f"{amount}{comma}{tail}"
    name = head.split("(", 1)[0].rstrip()
    words = name.split()
    unit = singular(last)
    if (
        quantity
        and "×" not in amount
        and len(words) > 1
        and unit not in MEASURE_WORDS
        and singular(words[-1].lower()) == unit
    ):
        final = words[-1]
        if final.islower():
            final = last
        elif final[:1].isupper() and final[1:].islower():
            final = last.capitalize()
        text = " ".join([*words[:-1], final]) + description[len(name) :]
        return f"{quantity} {lower_first(text)}"
    return f"{amount} {lower_first(description)}"


# --------------------------------------------------------------------------------------------
# Shopping list: CSV, JSON, Markdown


def shopping_rows(shopping: ShoppingList) -> list[dict[str, str]]:
    """CSV rows (strings, with SHOPPING_COLUMNS keys). Gram columns are blank for supplements."""
    rows = []
    for line in shopping.lines:
        food = line.kind == "food"
        rows.append(
            {
                "aisle": line.aisle,
                "food_id": line.item_id,
                "description": line.description,
                "grams": number(line.needed) if food else "",
                "pantry_grams": number(line.pantry_used) if food else "",
                "to_buy_grams": number(line.to_buy) if food else "",
                "quantity": number(line.quantity, 2),
                "unit": line.unit,
                "unit_grams": number(line.unit_grams) if food and line.unit != "g" else "",
                "portion": line.portion,
                "packages": "" if line.packages is None else str(line.packages),
                "package": line.package_label or "",
                "package_grams": number(line.package_size) if food else "",
                "leftover_grams": number(line.leftover) if food else "",
                "cost": fixed(line.cost),
            }
        )
    return rows


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def shopping_csv(shopping: ShoppingList) -> str:
    return _csv(SHOPPING_COLUMNS, shopping_rows(shopping))


def _exact(value: float | None) -> float | None:
    """Round away float noise (488.00000000001) but keep the grams exact enough to re-add."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, 3)


def shopping_json(shopping: ShoppingList) -> str:
    lines = [
        {
            "aisle": line.aisle,
            "food_id": line.item_id,
            "description": line.description,
            "kind": line.kind,
            "category": line.category,
            "amount_unit": line.base_unit,
            "needed": _exact(line.needed),
            "pantry_used": _exact(line.pantry_used),
            "to_buy": _exact(line.to_buy),
            "quantity": _exact(line.quantity),
            "unit": line.unit,
            "unit_grams": _exact(line.unit_grams) if line.kind == "food" else None,
            "portion": line.portion,
            "packages": line.packages,
            "package": line.package_label,
            "package_size": _exact(line.package_size),
            "leftover": _exact(line.leftover),
        }
        for line in shopping.lines
    ]
    document = {
        "format": SHOPPING_JSON_FORMAT,
        "version": SHOPPING_JSON_VERSION,
        "diet": shopping.diet,
        "n_days": shopping.n_days,
        "days": list(shopping.days),
        "lines": lines,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# Units that measure rather than name the food: 'cups soy milk' reads as it should.
MEASURE_WORDS = {"cup", "tbsp", "tsp", "oz", "fl oz", "lb", "quart", "pint", "slice", "item"}


def item_phrase(quantity: float, unit: str, description: str) -> str:
    """'2 cups soy milk, unsweetened', '7 bananas, raw', '3 medium apples, raw', '90 g tofu'."""
    amount = format_quantity(quantity)
    head, comma, tail = description.partition(",")
    noun = head.strip().lower()
    if unit != "g" and " " not in noun and singular(noun) == unit:
        return f"{amount} {plural(unit, quantity)}{comma}{tail}"
    if unit in SIZE_WORDS and " " not in noun and noun.isalpha():
        return f"{amount} {unit} {plural(singular(noun), quantity)}{comma}{tail}"
    if unit == "fruit" and " " not in noun and noun.isalpha():
        return f"{amount} {plural(singular(noun), quantity)}{comma}{tail}"  # '2 persimmons, raw'
    words = {singular(w) for w in re.findall(r"[a-z]+", description.lower())}
    if unit != "g" and unit not in MEASURE_WORDS and unit in words:
        # the unit is the food's own noun further on: '6 puris (bread, puri)', not
        # '6 puris bread, puri'
        return f"{amount} {plural(unit, quantity)} ({lower_first(description)})"
    return f"{amount} {plural(unit, quantity)} {lower_first(description)}"


def checklist_item(line: ShoppingLine, *, priced: bool = False) -> str:
    """One Markdown checklist line, e.g. '- [ ] 2 cups soy milk, unsweetened (488 g)'.

    With `priced` (the plan has prices) the line ends with its cost, or says it has no price.
    """
    name = lower_first(line.description)
    if line.kind == "supplement":
        head = item_phrase(line.quantity, line.unit, line.description)
        notes = []
        if line.pantry_used > 0:
            notes.append(
                f"plan needs {number(line.needed)}, {number(line.pantry_used)} already at home"
            )
        leftover = f"{number(line.leftover)} tablets" if line.leftover is not None else ""
    else:
        head = item_phrase(line.quantity, line.unit, line.description)
        notes = [] if line.unit == "g" else [grams_text(line.to_buy)]
        if line.pantry_used > 0:
            notes = [
                f"{grams_text(line.to_buy)}; plan needs {grams_text(line.needed)}, "
                f"{grams_text(line.pantry_used)} from the pantry"
            ]
        leftover = grams_text(line.leftover) if line.leftover is not None else ""
    if line.to_buy <= 0:
        return f"- [x] {name}: covered by the pantry (plan needs {_needed_text(line)})"
    text = f"- [ ] {head}"
    if notes:
        text += f" ({'; '.join(notes)})"
    if line.packages is not None:
        text += f" → buy {line.packages} × {line.package_label}, {leftover} left over"
    if priced:
        text += f" · {line_cost_text(line)}"
    return text


def line_cost_text(line: ShoppingLine) -> str:
    """'cost 1.32' or 'no price' for one shopping line."""
    return "no price" if line.cost is None else f"cost {money(line.cost)}"


def shopping_cost_text(shopping: ShoppingList) -> str:
    """The list's total at the plan's prices, with what it leaves out; '' when not priced."""
    if not shopping.priced:
        return ""
    text = (
        f"Cost at your prices: {money(shopping.cost_total)} {shopping.price_unit} for "
        f"{shopping.days_label} (whole packages where package sizes are known)"
    )
    note = missing_note(len(shopping.unpriced), shopping.tablets_unpriced)
    return f"{text}; {note}." if note else f"{text}."


def _needed_text(line: ShoppingLine) -> str:
    if line.kind == "food":
        return grams_text(line.needed)
    return f"{number(line.needed)} {plural('tablet', line.needed)}"


def aisle_title(aisle: str) -> str:
    return aisle[0].upper() + aisle[1:]


def shopping_markdown(shopping: ShoppingList, *, heading_level: int = 1) -> str:
    hashes = "#" * heading_level
    diet = f" {shopping.diet}" if shopping.diet else ""
    out = [
        f"{hashes} Shopping list: {shopping.days_label} of a {shopping.n_days}-day{diet} plan",
        "",
    ]
    if not shopping.lines:
        out += ["Nothing to buy for these days.", ""]
    elif shopping.priced:
        out += [shopping_cost_text(shopping), ""]
    for aisle, lines in shopping.by_aisle():
        out += [f"{hashes}# {aisle_title(aisle)}", ""]
        out += [checklist_item(line, priced=shopping.priced) for line in lines]
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Plan: CSV, JSON, Markdown


def plan_rows(plan: Plan) -> list[dict[str, str]]:
    """The plan as CSV rows, day by day and slot by slot; supplements as rows of kind supplement."""
    rows: list[tuple[tuple[int, tuple[int, str], int], dict[str, str]]] = []
    for order, entry in enumerate(plan.entries):
        row = {
            "day": str(entry.day),
            "slot": entry.slot,
            "kind": "food",
            "food_id": entry.food_id,
            "description": entry.description,
            "portion": entry.portion,
            "servings": number(entry.servings, 3),
            "grams": number(entry.grams),
            "kcal": number(entry.kcal),
            "protein_g": number(entry.protein_g, 2),
            "sodium_mg": number(entry.sodium_mg),
            "b12_ug": number(entry.b12_ug, 3),
            "b12_counted_ug": number(entry.b12_counted_ug, 3),
            "b12_absorbed_ug": number(entry.b12_absorbed_ug, 3),
        }
        rows.append(((entry.day, slot_sort_key(entry.slot), order), row))
    for order, dose in enumerate(plan.supplements, start=len(plan.entries)):
        row = dict.fromkeys(PLAN_COLUMNS, "")
        row.update(
            {
                "day": str(dose.day),
                "slot": dose.slot,
                "kind": "supplement",
                "food_id": supplement_id(dose.strength_ug),
                "description": supplement_description(dose.strength_ug),
                "portion": "1 tablet",
                "servings": str(dose.count),
                "b12_ug": number(dose.strength_ug * dose.count, 3),
            }
        )
        rows.append(((dose.day, slot_sort_key(dose.slot), order), row))
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]


def plan_csv(plan: Plan) -> str:
    return _csv(PLAN_COLUMNS, plan_rows(plan))


def plan_json(plan: Plan) -> str:
    """The plan itself, re-readable with Plan.load / `b12plan shopping-list`."""
    return plan.to_json() + "\n"


@dataclass(frozen=True)
class DayB12:
    """B12 of one day as the handout shows it, recomputed from the plan's entries."""

    day: int
    food_ug: float
    counted_ug: float
    supplement_ug: float
    absorbed_ug: float | None


def b12_by_day(plan: Plan) -> list[DayB12]:
    """Per-day B12 from the listed entries, so the handout adds up to what it lists."""
    food: dict[int, list[float]] = defaultdict(list)
    counted: dict[int, list[float]] = defaultdict(list)
    supplements: dict[int, float] = defaultdict(float)
    for entry in plan.entries:
        food[entry.day].append(entry.b12_ug)
        counted[entry.day].append(entry.b12_counted_ug)
    for dose in plan.supplements:
        supplements[dose.day] += dose.strength_ug * dose.count
    absorbed = {d.day: d.b12_absorbed_ug for d in plan.days}
    return [
        DayB12(
            day,
            math.fsum(food[day]),
            math.fsum(counted[day]),
            supplements[day],
            absorbed.get(day),
        )
        for day in range(1, plan.n_days + 1)
    ]


@dataclass(frozen=True)
class B12Source:
    food_id: str
    description: str
    times: int
    counted_ug: float
    share: float  # of all counted food B12 in the plan, 0-1


def top_b12_sources(plan: Plan, limit: int = 5) -> list[B12Source]:
    """Foods that bring the most counted B12 over the whole plan."""
    totals: dict[str, list[float]] = defaultdict(list)
    names: dict[str, str] = {}
    for entry in plan.entries:
        totals[entry.food_id].append(entry.b12_counted_ug)
        names[entry.food_id] = entry.description
    grand = math.fsum(v for values in totals.values() for v in values)
    sources = [
        B12Source(fid, names[fid], len(vals), math.fsum(vals), math.fsum(vals) / grand)
        for fid, vals in totals.items()
        if grand > 0 and math.fsum(vals) > 0
    ]
    sources.sort(key=lambda s: (-s.counted_ug, s.description))
    return sources[:limit]


def dataset_label(dataset: str, release: str) -> str:
    """'FNDDS 2021-2023', 'SR28 (2015-09)', 'FDC Foundation (release 2025-04-24)'."""
    if not release or release in dataset:
        return dataset
    if dataset in release:
        return release
    return f"{dataset} (release {release})"


def data_sources(plan: Plan, shopping: ShoppingList) -> list[str]:
    """Plain-text lines naming the food data and the target behind a plan."""
    lines = [
        f"{dataset_label(dataset, release)}: {n} food{'s' if n != 1 else ''} in this plan"
        for dataset, release, n in shopping.sources
    ]
    lines.append("USDA FoodData Central, https://fdc.nal.usda.gov/ (public domain)")
    lines.append(
        f"B12 target: {number(plan.targets.b12_ug_per_day, 2)} µg/day, {plan.targets.b12_source}"
    )
    return lines


def plan_totals(plan: Plan) -> dict[str, float]:
    days = b12_by_day(plan)
    total_food = math.fsum(d.food_ug for d in days)
    total_counted = math.fsum(d.counted_ug for d in days)
    return {
        "food_ug": total_food,
        "counted_ug": total_counted,
        "supplement_ug": math.fsum(d.supplement_ug for d in days),
        "counted_per_day_ug": total_counted / plan.n_days,
        "days_meeting_target": sum(
            d.counted_ug >= plan.targets.b12_ug_per_day - 1e-9 for d in days
        ),
    }


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass(frozen=True)
class MealRow:
    """One printed row of a day: a food or a supplement dose, in slot order."""

    slot: str
    description: str
    amount: str
    grams: float | None
    kcal: float | None
    b12_ug: float
    b12_counted_ug: float  # what counts toward the target; the tables print this

    @property
    def uncounted(self) -> bool:
        """B12 the catalog lists but the plan's counting rule leaves out (tempeh, meat in a
        fortified-only plan): printed with a mark, so a handout never credits it silently."""
        return self.b12_ug - self.b12_counted_ug > 0.005


UNCOUNTED_REASONS = {
    "fortified_only": "in a fortified-only plan only B12 added to foods, and tablets, count: "
    "B12 bound in food is poorly absorbed",
    "all": "B12 reported for these foods is not a reliable source (as in tempeh, algae or "
    "mushrooms)",
}


def uncounted_note(plan: Plan, rows: list[MealRow]) -> str | None:
    """'* Not counted toward the target (reason): 0.2 µg in Tempeh; ...' or None."""
    marked = [row for row in rows if row.uncounted]
    if not marked:
        return None
    items = "; ".join(
        f"{number(row.b12_ug - row.b12_counted_ug, 2)} µg in {row.description}" for row in marked
    )
    reason = UNCOUNTED_REASONS.get(plan.targets.b12_counting, UNCOUNTED_REASONS["all"])
    return f"* Not counted toward the target ({reason}): {items}."


def meal_rows(plan: Plan, day: int) -> list[MealRow]:
    """A day's foods and supplement doses, breakfast to snack (foods first within a slot)."""
    keyed: list[tuple[tuple[int, str], int, int, MealRow]] = []
    for order, e in enumerate(plan.entries):
        if e.day == day:
            row = MealRow(
                e.slot,
                e.description,
                amount_text(e.servings, e.portion),
                e.grams,
                e.kcal,
                e.b12_ug,
                e.b12_counted_ug,
            )
            keyed.append((slot_sort_key(e.slot), 0, order, row))
    for order, d in enumerate(plan.supplements):
        if d.day == day:
            row = MealRow(
                d.slot,
                supplement_description(d.strength_ug),
                f"{d.count} {plural('tablet', d.count)}",
                None,
                None,
                d.strength_ug * d.count,
                d.strength_ug * d.count,
            )
            keyed.append((slot_sort_key(d.slot), 1, order, row))
    keyed.sort(key=lambda k: k[:3])
    return [row for *_, row in keyed]


def day_cost_line(cost: PlanCost, day: int) -> str:
    """'Food cost of day 2: 1.60 currency units (+ 8 foods without a price).'"""
    today = cost.day(day)
    text = f"Food cost of day {day}: {money(today.cost)} {cost.unit}"
    if today.unpriced:
        text += f" (+ {foods_word(len(today.unpriced))} without a price)"
    return text + "."


def kcal_text(kcal: float) -> str:
    return f"{int(number(kcal, 0)):,}"


def plan_markdown(plan: Plan, shopping: ShoppingList) -> str:
    """The plan as a Markdown handout: day-by-slot tables, B12 per day, sources, shopping list."""
    target = plan.targets.b12_ug_per_day
    totals = plan_totals(plan)
    cost = plan_cost(plan)
    out = [
        f"# Vitamin B12 meal plan: {plan.n_days} days, {plan.diet}",
        "",
        f"B12 target: {number(target, 2)} µg per day, {plan.targets.b12_source}. "
        f"B12 from food over the plan: {number(totals['food_ug'], 2)} µg; "
        f"{number(totals['counted_per_day_ug'], 2)} µg/day counts toward the target on average, "
        f"and {totals['days_meeting_target']} of {plan.n_days} days reach it from food alone.",
        "",
    ]
    if cost is not None:
        out += [f"{cost_summary(cost)}.", ""]
    for day in range(1, plan.n_days + 1):
        out += [
            f"## Day {day}",
            "",
            "| Meal | Food | Amount | Grams | kcal | B12 (µg) |",
            "|---|---|---|---:|---:|---:|",
        ]
        previous = None
        rows = meal_rows(plan, day)
        mark = "\\*"  # an escaped asterisk: a footnote mark, not emphasis
        for row in rows:
            slot = row.slot.capitalize() if row.slot != previous else ""
            previous = row.slot
            out.append(
                f"| {slot} | {_md_cell(row.description)} | {row.amount} "
                f"| {number(row.grams, 0)} | {'' if row.kcal is None else kcal_text(row.kcal)} "
                f"| {fixed(row.b12_counted_ug)}{mark if row.uncounted else ''} |"
            )
        foods = [e for e in plan.entries if e.day == day]
        kcal = math.fsum(e.kcal for e in foods)
        b12 = math.fsum(e.b12_counted_ug for e in foods)
        out.append(f"| **Food total** |  |  |  | **{kcal_text(kcal)}** | **{fixed(b12)}** |")
        note = uncounted_note(plan, rows)
        if note is not None:
            out += ["", "\\" + _md_cell(note)]
        if cost is not None:
            out += ["", day_cost_line(cost, day)]
        out.append("")
    out += [
        "## B12 per day",
        "",
        "| Day | From food (µg) | Counted toward target (µg) | Supplements (µg) | Target (µg) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for d in b12_by_day(plan):
        out.append(
            f"| {d.day} | {fixed(d.food_ug)} | {fixed(d.counted_ug)} | "
            f"{fixed(d.supplement_ug)} | {fixed(target)} |"
        )
    out += ["", "## Where the B12 comes from", ""]
    sources = top_b12_sources(plan)
    if sources:
        out += ["| Food | Times | B12 counted (µg) | Share |", "|---|---:|---:|---:|"]
        out += [
            f"| {_md_cell(s.description)} | {s.times} | {fixed(s.counted_ug)} | {s.share:.0%} |"
            for s in sources
        ]
    else:
        out.append("No food in this plan has counted B12.")
    out += ["", shopping_markdown(shopping, heading_level=2).rstrip(), "", "## Data sources", ""]
    out += [f"- {line}" for line in data_sources(plan, shopping)]
    out += ["", f"> {NOT_MEDICAL_ADVICE}", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# iCalendar (RFC 5545)


def next_monday(today: date) -> date:
    """The first Monday after `today` (a week ahead when today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def ics_escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 1, 75  # the continuation's leading space counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _ics_datetime(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _dtstamp(plan: Plan, dtstamp: datetime | None) -> str:
    if dtstamp is None:
        try:
            dtstamp = datetime.fromisoformat(plan.created)
        except ValueError:
            dtstamp = datetime(2000, 1, 1, tzinfo=UTC)
    if dtstamp.tzinfo is None:
        dtstamp = dtstamp.replace(tzinfo=UTC)
    return _ics_datetime(dtstamp.astimezone(UTC)) + "Z"


# Reminders for longer than this are surely a typo (--weeks 100000 meant 1,900 years).
MAX_REMINDER_WEEKS = 104


def supplement_calendar(
    plan: Plan,
    start: date,
    *,
    weeks: int = 1,
    dtstamp: datetime | None = None,
) -> str:
    """Supplement reminders as an iCalendar file; plan day 1 falls on `start`.

    A dose taken every day of the plan becomes one daily recurring event; other doses get one
    event each (repeating weekly when `weeks` > 1). Times are floating (local wherever you are):
    breakfast 08:00, lunch 12:30, snack 15:30, dinner 18:30. DTSTAMP is the plan's creation
    time, so the same plan gives the same file.
    """
    if not plan.supplements:
        raise InputError(
            "this plan has no supplements, so there is nothing to remind you of; "
            "export it as pdf, md, csv or json instead"
        )
    if weeks < 1:
        raise InputError(f"--weeks must be at least 1, got {weeks}")
    if weeks > MAX_REMINDER_WEEKS:
        raise InputError(
            f"--weeks {weeks} is more than {MAX_REMINDER_WEEKS} weeks (two years) of reminders; "
            "give at most that, and export again when they run out"
        )
    if weeks > 1 and plan.n_days != 7:
        raise InputError(
            f"--weeks repeats a 7-day plan week after week; this plan has {plan.n_days} days"
        )
    stamp = _dtstamp(plan, dtstamp)
    seed = hashlib.sha256(plan.to_json(indent=None).encode("utf-8")).hexdigest()[:16]
    regimens: dict[tuple[str, float, int], list[int]] = defaultdict(list)
    for dose in plan.supplements:
        regimens[(dose.slot, dose.strength_ug, dose.count)].append(dose.day)
    events: list[tuple[date, time, str, list[str]]] = []
    every_day = list(range(1, plan.n_days + 1))
    for (slot, strength, count), days in regimens.items():
        days = sorted(set(days))
        at = SLOT_TIMES.get(slot, DEFAULT_REMINDER_TIME)
        tablets = f"{count} {plural('tablet', count)}"
        summary = f"Take vitamin B12: {tablets} of {number(strength, 2)} µg"
        description = (
            f"{tablets} of {number(strength, 2)} µg vitamin B12 with {slot}, "
            f"from your {plan.n_days}-day {plan.diet} b12-planner plan. "
            "Not medical advice; follow your clinician's instructions."
        )
        key = f"{slot}-{number(strength, 3)}ug-x{count}"
        if len(days) > 1 and days == every_day:
            rule = f"RRULE:FREQ=DAILY;COUNT={plan.n_days * weeks}"
            events.append((start, at, f"{key}-daily", [summary, description, rule]))
            continue
        for day in days:
            rule = f"RRULE:FREQ=WEEKLY;COUNT={weeks}" if weeks > 1 else ""
            when = start + timedelta(days=day - 1)
            events.append((when, at, f"{key}-day{day}", [summary, description, rule]))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//b12-planner//supplement reminders//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Vitamin B12 reminders",
    ]
    for when, at, key, (summary, description, rule) in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{seed}-{key}@b12-planner",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_ics_datetime(datetime.combine(when, at))}",
            "DURATION:PT15M",
        ]
        if rule:
            lines.append(rule)
        lines += [
            f"SUMMARY:{ics_escape(summary)}",
            f"DESCRIPTION:{ics_escape(description)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{ics_escape(summary)}",
            "TRIGGER:PT0M",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


# --------------------------------------------------------------------------------------------
# Entry points for the CLI and the app


def export_plan(
    plan: Plan,
    fmt: str,
    *,
    catalog: Catalog | None = None,
    shopping: ShoppingList | None = None,
    paper: str = "a4",
    start: date | None = None,
    weeks: int = 1,
    creation_date: datetime | None = None,
) -> bytes:
    """A plan rendered as `fmt` (pdf, md, csv, ics, json), all in memory: nothing is written."""
    if fmt not in PLAN_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(PLAN_FORMATS)}")
    catalog = catalog or load_catalog()
    check_plan_foods(plan, FoodLookup(catalog, plan.custom_foods))
    if fmt == "json":
        return plan_json(plan).encode("utf-8")
    if fmt == "csv":
        return plan_csv(plan).encode("utf-8")
    if fmt == "ics":
        when = start or next_monday(date.today())
        return supplement_calendar(plan, when, weeks=weeks).encode("utf-8")
    if shopping is None:
        from planner.shopping import build_shopping_list

        shopping = build_shopping_list(plan, catalog)
    if fmt == "md":
        return plan_markdown(plan, shopping).encode("utf-8")
    from planner.pdf import plan_pdf

    return plan_pdf(plan, shopping, paper=paper, creation_date=creation_date)


def export_shopping_list(
    shopping: ShoppingList,
    fmt: str,
    *,
    paper: str = "a4",
    creation_date: datetime | None = None,
) -> bytes:
    """A shopping list rendered as `fmt` (md, csv, json, pdf), in memory."""
    if fmt == "md":
        return shopping_markdown(shopping).encode("utf-8")
    if fmt == "csv":
        return shopping_csv(shopping).encode("utf-8")
    if fmt == "json":
        return shopping_json(shopping).encode("utf-8")
    if fmt == "pdf":
        from planner.pdf import shopping_pdf

        return shopping_pdf(shopping, paper=paper, creation_date=creation_date)
    raise InputError(f"unknown shopping list format {fmt!r}; use one of md, csv, json, pdf")


def write_export(data: bytes, out: str | Path) -> None:
    """Write atomically: an interrupted export never leaves half a file behind."""
    atomic_write_bytes(Path(out), data)
