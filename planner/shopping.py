"""The shopping list: what to buy for a plan, one line per food, in units people shop in.

A plan lists the same food in many slots and days; shoppers want it once, summed, in cups,
slices or items rather than grams, grouped by store aisle, minus what is already in the pantry,
and rounded to whole packages when they know the package size. Every line keeps its exact grams
so nothing is lost in rounding: needed = pantry_used + to_buy and
packages * package_size - leftover = to_buy, for every line.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from planner.catalog import Catalog, load_catalog
from planner.cost import PRICE_UNIT, line_cost, plan_prices
from planner.errors import DataError, InputError
from planner.plan import Plan

RULES_DIR = Path(__file__).resolve().parent / "rules"
AISLES_FILE = RULES_DIR / "aisles.csv"

# Store order: the order a list is walked in, and the only aisle names the mapping may use.
AISLES = (
    "produce",
    "dairy and plant alternatives",
    "meat, fish and eggs",
    "bakery",
    "cereals and grains",
    "canned and dry goods",
    "frozen",
    "beverages",
    "other",
    "supplements",
)
FALLBACK_AISLE = "other"
SUPPLEMENT_AISLE = "supplements"
SUPPLEMENT_PREFIX = "supplement:b12-"

# Which aisle scheme a food's category belongs to, by catalog source.
SCHEME_BY_SOURCE = {"fndds": "wweia", "sr": "sr_group", "fdc": "sr_group"}

GRAMS_PER_MASS_UNIT = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "oz": 28.349523125, "lb": 453.59237}
ML_PER_VOLUME_UNIT = {
    "ml": 1.0,
    "l": 1000.0,
    "cup": 236.5882365,
    "fl oz": 29.5735295625,
    "tbsp": 14.78676478125,
    "tsp": 4.92892159375,
    "quart": 946.352946,
    "pint": 473.176473,
}
_UNIT_ALIASES = {
    "gram": "g",
    "grams": "g",
    "gr": "g",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgs": "kg",
    "milligram": "mg",
    "milligrams": "mg",
    "ounce": "oz",
    "ounces": "oz",
    "pound": "lb",
    "pounds": "lb",
    "lbs": "lb",
    "milliliter": "ml",
    "milliliters": "ml",
    "millilitre": "ml",
    "millilitres": "ml",
    "liter": "l",
    "liters": "l",
    "litre": "l",
    "litres": "l",
    "fl. oz": "fl oz",
    "fl.oz": "fl oz",
    "floz": "fl oz",
    "fluid ounce": "fl oz",
    "fluid ounces": "fl oz",
    "cups": "cup",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "quarts": "quart",
    "pints": "pint",
    "tablets": "tablet",
    "each": "item",
    "items": "item",
}


# --------------------------------------------------------------------------------------------
# Aisles


@dataclass(frozen=True)
class AisleRule:
    """One row of planner/rules/aisles.csv: foods of `category` (matching `pattern`) -> aisle."""

    scheme: str
    category: str
    pattern: re.Pattern[str] | None
    aisle: str
    reason: str


def load_aisle_rules(path: str | Path | None = None) -> tuple[AisleRule, ...]:
    """Read and validate the category -> aisle table (cached for the bundled file)."""
    return _load_aisle_rules(str(Path(path or AISLES_FILE).resolve()))


@lru_cache(maxsize=4)
def _load_aisle_rules(path: str) -> tuple[AisleRule, ...]:
    required = ("scheme", "category", "description_pattern", "aisle", "reason")
    rules: list[AisleRule] = []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"aisle table lacks columns {missing}", path=path)
            for row in reader:
                line = reader.line_num
                if row["scheme"] not in set(SCHEME_BY_SOURCE.values()):
                    raise DataError(
                        f"unknown scheme {row['scheme']!r}; use wweia or sr_group",
                        path=path,
                        row=line,
                        column="scheme",
                    )
                if row["aisle"] not in AISLES:
                    raise DataError(
                        f"unknown aisle {row['aisle']!r}; use one of {', '.join(AISLES)}",
                        path=path,
                        row=line,
                        column="aisle",
                    )
                pattern = None
                if row["description_pattern"]:
                    try:
                        pattern = re.compile(row["description_pattern"], re.IGNORECASE)
                    except re.error as err:
                        raise DataError(
                            f"bad regular expression ({err})",
                            path=path,
                            row=line,
                            column="description_pattern",
                        ) from err
                rules.append(
                    AisleRule(row["scheme"], row["category"], pattern, row["aisle"], row["reason"])
                )
    except OSError as err:
        raise InputError(f"cannot read aisle table {path}: {err.strerror}") from err
    return tuple(rules)


def aisle_rule_for(
    category: str | None,
    source: str | None,
    description: str,
    rules: Sequence[AisleRule] | None = None,
) -> AisleRule | None:
    """The first rule of a food's category whose pattern matches its description, if any."""
    if not category:
        return None
    rules = load_aisle_rules() if rules is None else rules
    scheme = SCHEME_BY_SOURCE.get(source or "")
    schemes = (scheme,) if scheme else tuple(dict.fromkeys(SCHEME_BY_SOURCE.values()))
    for wanted in schemes:
        for rule in rules:
            if rule.scheme != wanted or rule.category != category:
                continue
            if rule.pattern is None or rule.pattern.search(description):
                return rule
    return None


def aisle_for(
    category: str | None,
    source: str | None,
    description: str,
    rules: Sequence[AisleRule] | None = None,
) -> str:
    """The aisle of a food; "other" when its category is missing or not in the table."""
    rule = aisle_rule_for(category, source, description, rules)
    return rule.aisle if rule else FALLBACK_AISLE


# --------------------------------------------------------------------------------------------
# Household units

_LEADING_NUMBER = re.compile(
    r"^\s*(?:(?P<whole>\d+)[\s-]+(?P<num>\d+)/(?P<den>\d+)|(?P<fnum>\d+)/(?P<fden>\d+)"
    r"|(?P<dec>\d+(?:\.\d+)?))\s+(?P<rest>\S.*)$"
)
# (pattern on the text after the number, unit, rounding step, rank) for measures.
_MEASURES = (
    (re.compile(r"^cups?\b"), "cup", 0.25, 20),
    (re.compile(r"^fl\.?\s*oz\b"), "fl oz", 1.0, 21),
    (re.compile(r"^(tablespoons?|tbsps?|tbs)\b"), "tbsp", 1.0, 22),
    (re.compile(r"^(oz|ounces?)\b"), "oz", 1.0, 23),
    (re.compile(r"^(teaspoons?|tsps?)\b"), "tsp", 0.5, 24),
    (re.compile(r"^(lbs?|pounds?)\b"), "lb", 0.25, 40),
    (re.compile(r"^quarts?\b"), "quart", 0.25, 41),
    (re.compile(r"^pints?\b"), "pint", 0.5, 41),
)
VOLUME_UNITS = ("cup", "fl oz", "tbsp", "tsp", "quart", "pint")
# Portions that are not a unit anyone measures or shops by.
_GENERIC = re.compile(
    r"\b(serving|servings|nlea|portion|guideline|quantity|cubic|surface|linear|calories?"
    r"|amount)\b",
    re.IGNORECASE,
)
# Count units people shop by, best first; other count units rank after the measures.
_PREFERRED_COUNTS = {
    "medium": 0,
    "item": 1,
    "whole": 1,
    "fruit": 1,
    "slice": 3,
    "large": 4,
    "small": 5,
    "extra large": 6,
}
_DESCRIPTION_NOUN_RANK = 2
_OTHER_COUNT_RANK = 30
_MIN_COUNT_GRAMS = 3.0
SIZE_WORDS = {"medium", "large", "small", "extra large", "whole", "regular", "jumbo", "mini"}
# Words that describe a size rather than name a thing; they take no plural ("3 medium").
_NO_PLURAL = {
    "g",
    "oz",
    "fl oz",
    "tbsp",
    "tsp",
    "lb",
    "medium",
    "large",
    "small",
    "extra large",
    "whole",
    "regular",
    "jumbo",
    "mini",
}


# Nouns ending in -o that take -es ("1 1/2 potatoes"; the week read "1 1/2 potatos").
_PLURAL_ES = {"potato", "tomato"}


@dataclass(frozen=True)
class HouseholdUnit:
    """A unit to count a food in: `grams` per one `unit`, rounded up in steps of `step`."""

    unit: str
    grams: float
    step: float
    portion: str = ""  # the catalog portion text it came from, e.g. "1 cup, chopped"


def singular(word: str) -> str:
    """'slices' -> 'slice', 'tomatoes' -> 'tomato', 'cookies' -> 'cookie'."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("oes", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def plural(unit: str, quantity: float) -> str:
    """'cup' -> 'cups' when more than one; size words and abbreviations stay as they are."""
    if quantity <= 1 or unit in _NO_PLURAL or unit[:1].isdigit():
        return unit
    head, _, tail = unit.rpartition(" ")
    word = tail or unit
    if word in _NO_PLURAL:
        return unit
    if word.endswith(("s", "x", "ch", "sh")) or word in _PLURAL_ES:
        word += "es"
    elif word.endswith("y") and word[-2:-1] not in "aeiou":
        word = word[:-1] + "ies"
    else:
        word += "s"
    return f"{head} {word}" if head else word


@dataclass(frozen=True)
class ParsedPortion:
    """A catalog portion understood as a unit, with how well it suits a shopping list."""

    unit: HouseholdUnit
    rank: int  # lower is better: whole items, then measures, then other counts
    plainness: int  # 0 "1 cup"; 1 "1 cup, NFS" or "1 medium or regular slice"; 2 qualified


def parse_portion(text: str, grams: float) -> ParsedPortion | None:
    """A catalog portion as a household unit, or None when nobody measures by it.

    "1 cup, chopped" (91 g) -> cup of 91 g; "2 tablespoon" (33.9 g) -> tbsp of 16.95 g;
    "1 medium or regular slice" (36 g) -> slice of 36 g; "Quantity not specified" and
    "1 serving" -> None.
    """
    match = _LEADING_NUMBER.match(text)
    if not match or not grams or grams <= 0 or _GENERIC.search(text):
        return None
    if match["whole"]:
        count = int(match["whole"]) + int(match["num"]) / int(match["den"])
    elif match["fnum"]:
        count = int(match["fnum"]) / int(match["fden"])
    else:
        count = float(match["dec"])
    if count <= 0:
        return None
    rest = match["rest"].strip().lower()
    per_unit = grams / count
    for pattern, unit, step, rank in _MEASURES:
        found = pattern.match(rest)
        if found:
            qualifier = rest[found.end() :].strip(" ,")
            if "yield" in qualifier:  # "1 oz dry, yield after cooking": not an ounce of food
                return None
            plainness = 0 if not qualifier else 1 if qualifier.strip("()") == "nfs" else 2
            return ParsedPortion(HouseholdUnit(unit, per_unit, step, text), rank, plainness)
    cut = re.search(r"[,(]", rest)
    name, qualifier = (rest[: cut.start()], rest[cut.start() :]) if cut else (rest, "")
    name = name.strip()
    if not name or per_unit < _MIN_COUNT_GRAMS:
        return None
    words = name.split()
    if name in _PREFERRED_COUNTS or len(words) == 1:
        unit_name, sized = singular(name) if len(words) == 1 else name, False
    else:  # "medium or regular slice", "5.3 oz container": the noun is the last word
        unit_name, sized = words[-1], True
        if not unit_name[:1].isdigit():
            unit_name = singular(unit_name)
    if unit_name == "each":
        unit_name = "item"
    rank = _PREFERRED_COUNTS.get(unit_name, _OTHER_COUNT_RANK)
    if sized:
        plainness = 1 if {"medium", "regular"} & set(re.findall(r"[a-z]+", name)) else 2
    else:
        plainness = 0 if not qualifier.strip(" ,()") else 2
    return ParsedPortion(HouseholdUnit(unit_name, per_unit, 1.0, text), rank, plainness)


def household_units(
    portions: Iterable[tuple[str, float]],
    description: str = "",
    preferred: Iterable[str] = (),
) -> list[HouseholdUnit]:
    """Usable units of a food, best first.

    Order: portions the plan itself uses; then whole items (medium, item, the food's own noun
    such as "banana" or "egg", slice, large, small); then cup, fl oz, tbsp, oz, tsp; then other
    counts (spear, container, bottle); then lb and quarts. Plain portions beat qualified ones
    ("1 cup" before "1 cup, mashed").
    """
    head_words = {singular(w) for w in re.findall(r"[a-z]+", description.lower().split(",")[0])}
    preferred = set(preferred)
    ranked: list[tuple[tuple[int, int, int, int], HouseholdUnit]] = []
    for seq, (text, grams) in enumerate(portions):
        parsed = parse_portion(text, grams)
        if parsed is None:
            continue
        rank = parsed.rank
        if rank == _OTHER_COUNT_RANK and parsed.unit.unit in head_words:
            rank = _DESCRIPTION_NOUN_RANK
        key = (0 if text in preferred else 1, rank, parsed.plainness, seq)
        ranked.append((key, parsed.unit))
    ranked.sort(key=lambda item: item[0])
    return [unit for _, unit in ranked]


def round_up(amount: float, step: float) -> float:
    """Round up to a whole number of `step`s, ignoring float noise (2.0000000001 cups -> 2)."""
    if amount <= 0:
        return 0.0
    return math.ceil(amount / step - 1e-6) * step


def grams_unit(grams: float) -> HouseholdUnit:
    """The fallback when a food has no household portion: grams, in steps of 5 (1 when small)."""
    return HouseholdUnit("g", 1.0, 1.0 if grams < 20 else 5.0, "")


def format_quantity(quantity: float) -> str:
    """2 -> "2", 2.5 -> "2 1/2", 0.25 -> "1/4", 1.37 -> "1.37"."""
    whole = math.floor(quantity + 1e-9)
    fraction = quantity - whole
    names = {0.25: "1/4", 0.5: "1/2", 0.75: "3/4"}
    for value, name in names.items():
        if abs(fraction - value) < 1e-6:
            return f"{whole} {name}" if whole else name
    if abs(fraction) < 1e-6 or abs(fraction - 1) < 1e-6:
        return str(round(quantity))
    return f"{quantity:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------
# Foods of a plan


@dataclass(frozen=True)
class FoodInfo:
    """What the shopping list needs to know about one food."""

    food_id: str
    description: str
    category: str | None
    source: str | None
    portions: tuple[tuple[str, float], ...]
    dataset: str | None = None
    release: str | None = None


class FoodLookup:
    """Foods from the catalog, plus the plan's own custom foods (labels, FDC API)."""

    def __init__(self, catalog: Catalog, custom_foods: Sequence[Mapping[str, Any]] = ()) -> None:
        self.catalog = catalog
        self.custom: dict[str, Mapping[str, Any]] = {
            str(food["food_id"]): food
            for food in custom_foods
            if isinstance(food, Mapping) and food.get("food_id")
        }

    def __contains__(self, food_id: str) -> bool:
        return food_id in self.custom or food_id in self.catalog.foods.index

    def get(self, food_id: str) -> FoodInfo:
        if food_id in self.custom:
            food = self.custom[food_id]
            portions = tuple(
                (str(p.get("portion", "")), float(p.get("grams") or 0))
                for p in food.get("portions") or ()
                if isinstance(p, Mapping)
            )
            return FoodInfo(
                food_id,
                str(food.get("description") or food_id),
                _text(food.get("category")),
                _text(food.get("source")),
                portions,
                _text(food.get("dataset")),
                _text(food.get("release")),
            )
        row = self.catalog.food(food_id)
        portion_rows = self.catalog.portions_of(food_id).sort_values("seq")
        portions = tuple(
            (str(p), float(g))
            for p, g in zip(portion_rows["portion"], portion_rows["grams"], strict=True)
        )
        return FoodInfo(
            food_id,
            str(row["description"]),
            _text(row["category"]),
            _text(row["source"]),
            portions,
            _text(row["dataset"]),
            _text(row["release"]),
        )


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def unknown_food_ids(plan: Plan, foods: FoodLookup) -> list[str]:
    """Food ids of the plan found neither in the catalog nor in the plan's custom_foods."""
    return [food_id for food_id in plan.food_ids() if food_id not in foods]


def check_plan_foods(plan: Plan, foods: FoodLookup) -> None:
    """Refuse a plan that names foods we cannot find: its list would be silently incomplete."""
    unknown = unknown_food_ids(plan, foods)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise InputError(
            f"the plan uses {len(unknown)} food id(s) that are not in the catalog: {shown}; "
            "was it made with another catalog? Plan again, or use the catalog it was made with "
            "(b12plan: --catalog DIR)"
        )


def supplement_id(strength_ug: float) -> str:
    return f"{SUPPLEMENT_PREFIX}{_number(strength_ug)}ug"


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def supplement_description(strength_ug: float) -> str:
    return f"Vitamin B12 supplement, {_number(strength_ug)} µg"


# --------------------------------------------------------------------------------------------
# Pantry and package files


@dataclass(frozen=True)
class PackageSize:
    """A package a food is sold in: `size` grams (tablets for supplements), e.g. "1 L carton"."""

    size: float
    label: str


def _canonical_unit(text: str) -> str:
    unit = " ".join(text.strip().lower().split())
    return _UNIT_ALIASES.get(unit, unit)


def amount_to_base(
    food: FoodInfo | None, item_id: str, amount: float, unit: str
) -> tuple[float | None, str]:
    """Convert an amount to grams (tablets for supplements); (None, reason) when impossible."""
    unit = _canonical_unit(unit)
    if item_id.startswith(SUPPLEMENT_PREFIX):
        if unit == "tablet":
            return amount, ""
        return None, "supplements are counted in tablets: use unit 'tablet'"
    if unit in GRAMS_PER_MASS_UNIT:
        return amount * GRAMS_PER_MASS_UNIT[unit], ""
    assert food is not None
    units = household_units(food.portions, food.description)
    if unit in ML_PER_VOLUME_UNIT:
        for candidate in units:
            if candidate.unit in VOLUME_UNITS:
                grams_per_ml = candidate.grams / ML_PER_VOLUME_UNIT[candidate.unit]
                return amount * ML_PER_VOLUME_UNIT[unit] * grams_per_ml, ""
        return None, (
            f"{food.description} has no cup, fl oz, tbsp or tsp portion in the catalog, so a "
            "volume cannot be turned into grams; give the amount in g, kg, oz or lb"
        )
    wanted = singular(unit) if unit not in _NO_PLURAL else unit
    for candidate in units:
        if candidate.unit == wanted:
            return amount * candidate.grams, ""
    counts = [u for u in units if u.unit not in VOLUME_UNITS and u.unit not in ("oz", "lb")]
    if wanted in ("item", "piece") and counts:
        return amount * counts[0].grams, ""
    known = sorted({"g", "kg", "oz", "lb", "ml", "l"} | {u.unit for u in units})
    return None, f"unknown unit {unit!r} for {food.description}; use one of: {', '.join(known)}"


def _read_amount_file(
    path: str | Path, foods: FoodLookup, *, what: str, allow_zero: bool, extra: Sequence[str] = ()
) -> list[tuple[int, str, float, str, dict[str, str]]]:
    """Rows of a pantry or packages CSV as (line, item_id, base amount, unit given, row).

    Row numbers are file lines (the header is row 1), so an error points at the line to fix.
    """
    path = Path(path)
    where = str(path)
    allowed = ("food_id", "grams", "amount", "unit", *extra)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise InputError(f"cannot read {what} file {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise DataError(f"not a UTF-8 text file ({err.reason})", path=where) from err
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        if len(header) == 1 and ";" in header[0]:  # a spreadsheet set to semicolons
            raise DataError(
                "columns are separated by semicolons; save the file as comma-separated CSV "
                "(food_id,amount,unit)",
                path=where,
                row=1,
            )
        if not header or "food_id" not in header:
            raise DataError(
                f"a {what} file needs a header row with food_id and either grams or amount,unit",
                path=where,
                row=1,
            )
        unknown = [h for h in header if h not in allowed]
        if unknown:
            raise DataError(
                f"unknown column(s) {unknown}; allowed: {', '.join(allowed)}", path=where, row=1
            )
        by_grams = "grams" in header
        if by_grams == ("amount" in header and "unit" in header):
            raise DataError(
                "give either a grams column or amount and unit columns (not both)",
                path=where,
                row=1,
            )
        out: list[tuple[int, str, float, str, dict[str, str]]] = []
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise DataError(
                    f"{len(cells)} cells but the header has {len(header)} columns",
                    path=where,
                    row=line,
                )
            row = {
                name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
            }
            out.append(_read_amount_row(row, line, where, foods, by_grams, allow_zero))
    except csv.Error as err:
        raise DataError(
            f"not a readable CSV file ({err})", path=where, row=reader.line_num
        ) from err
    return [row for row in out if row[1]]


def _read_amount_row(
    row: dict[str, str], line: int, where: str, foods: FoodLookup, by_grams: bool, allow_zero: bool
) -> tuple[int, str, float, str, dict[str, str]]:
    item_id = row["food_id"]
    if item_id.startswith("#"):  # a comment row
        return (line, "", 0.0, "", row)
    if not item_id:
        raise DataError("empty food_id", path=where, row=line, column="food_id")
    is_supplement = item_id.startswith(SUPPLEMENT_PREFIX)
    if is_supplement:
        strength = item_id[len(SUPPLEMENT_PREFIX) :].removesuffix("ug")
        if not _is_positive_number(strength):
            raise DataError(
                f"{item_id!r} is not a supplement id; write e.g. supplement:b12-25ug",
                path=where,
                row=line,
                column="food_id",
            )
    elif item_id not in foods:
        raise DataError(
            f"no food with id {item_id!r} in the catalog; find ids with "
            "`b12plan foods --search TEXT`",
            path=where,
            row=line,
            column="food_id",
        )
    column = "grams" if by_grams else "amount"
    amount = _parse_amount(row[column], where, line, column, allow_zero)
    unit = "g" if by_grams else row["unit"]
    if not unit:
        raise DataError("empty unit", path=where, row=line, column="unit")
    food = None if is_supplement else foods.get(item_id)
    base, reason = amount_to_base(food, item_id, amount, unit)
    if base is None:
        raise DataError(reason, path=where, row=line, column="grams" if by_grams else "unit")
    return (line, item_id, base, unit, row)


def _is_positive_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and value > 0


def _parse_amount(text: str, where: str, line: int, column: str, allow_zero: bool) -> float:
    raw = (text or "").strip()
    try:
        value = float(raw)
    except ValueError:
        hint = ""
        if re.fullmatch(r"\d+,\d+", raw):  # a decimal comma, as many spreadsheets write it
            hint = f"; write decimals with a point: {raw.replace(',', '.')}"
        raise DataError(
            f"{raw!r} is not a number{hint}", path=where, row=line, column=column
        ) from None
    if not math.isfinite(value):
        raise DataError(f"{raw!r} is not a finite number", path=where, row=line, column=column)
    if value < 0 or (value == 0 and not allow_zero):
        need = "zero or more" if allow_zero else "more than zero"
        raise DataError(
            f"amount {raw} is not allowed; it must be {need}",
            path=where,
            row=line,
            column=column,
        )
    return value


def read_pantry(
    path: str | Path, catalog: Catalog | None = None, plan: Plan | None = None
) -> dict[str, float]:
    """Pantry amounts per food in grams (tablets for supplements); repeated foods add up."""
    foods = FoodLookup(catalog or load_catalog(), plan.custom_foods if plan else ())
    pantry: dict[str, float] = defaultdict(float)
    for _, item_id, base, _, _ in _read_amount_file(path, foods, what="pantry", allow_zero=True):
        pantry[item_id] += base
    return dict(pantry)


def read_packages(
    path: str | Path, catalog: Catalog | None = None, plan: Plan | None = None
) -> dict[str, PackageSize]:
    """Package sizes per food; a food listed twice is an error (which size would we buy?)."""
    foods = FoodLookup(catalog or load_catalog(), plan.custom_foods if plan else ())
    packages: dict[str, PackageSize] = {}
    rows = _read_amount_file(path, foods, what="packages", allow_zero=False, extra=("label",))
    for line, item_id, base, unit, row in rows:
        if item_id in packages:
            raise DataError(
                f"{item_id} is listed twice; keep one package size per food",
                path=str(path),
                row=line,
                column="food_id",
            )
        label = (row.get("label") or "").strip()
        if not label:
            amount = row.get("grams") or row.get("amount") or ""
            label = f"{amount.strip()} {unit} package"
        packages[item_id] = PackageSize(base, label)
    return packages


def parse_days(text: str | None, n_days: int) -> tuple[int, ...]:
    """'1-3' -> (1, 2, 3); '1,3,5-6' -> (1, 3, 5, 6); None -> every day of the plan."""
    if text is None or not text.strip():
        return tuple(range(1, n_days + 1))
    days: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not match:
            raise InputError(
                f"--days {text!r}: {part!r} is not a day or range; write e.g. 1-3 or 1,3,5"
            )
        first, last = int(match[1]), int(match[2] or match[1])
        if first > last:
            raise InputError(f"--days {text!r}: range {part} runs backwards; write {last}-{first}")
        if first < 1 or last > n_days:
            raise InputError(f"--days {text!r}: the plan has days 1-{n_days} only")
        days.update(range(first, last + 1))
    return tuple(sorted(days))


# --------------------------------------------------------------------------------------------
# The list


@dataclass(frozen=True)
class ShoppingLine:
    """One thing to buy. Amounts are in `base_unit`: grams for foods, tablets for supplements.

    needed = pantry_used + to_buy; with a package size, packages * package_size - leftover =
    to_buy. `quantity` is to_buy in `unit` (cups, slices, items, tablets, or g), rounded up.
    `cost` is what buying it costs at the plan's prices (planner.cost.line_cost): None when the
    item has no price, or when the plan has no prices at all.
    """

    aisle: str
    item_id: str
    description: str
    kind: str  # "food" | "supplement"
    base_unit: str  # "g" | "tablet"
    needed: float
    pantry_used: float
    to_buy: float
    quantity: float
    unit: str
    unit_grams: float | None
    portion: str
    packages: int | None = None
    package_label: str | None = None
    package_size: float | None = None
    leftover: float | None = None
    category: str | None = None
    aisle_reason: str = ""
    cost: float | None = None

    @property
    def unit_text(self) -> str:
        return plural(self.unit, self.quantity)


@dataclass(frozen=True)
class ShoppingList:
    """The lines to buy for `days` of a plan, in store order.

    `priced` says the plan carries prices; only then are costs shown, in `price_unit`.
    """

    lines: tuple[ShoppingLine, ...]
    days: tuple[int, ...]
    n_days: int
    diet: str = ""
    sources: tuple[tuple[str, str, int], ...] = field(default=())  # (dataset, release, foods)
    priced: bool = False
    price_unit: str = PRICE_UNIT

    @property
    def cost_total(self) -> float:
        """What the priced lines cost; lines without a price are left out (see `unpriced`)."""
        return math.fsum(line.cost for line in self.lines if line.cost is not None)

    @property
    def unpriced(self) -> tuple[str, ...]:
        """Foods to buy that have no price, so the total leaves them out."""
        return tuple(ln.item_id for ln in self.lines if ln.kind == "food" and ln.cost is None)

    @property
    def tablets_unpriced(self) -> bool:
        return any(ln.kind == "supplement" and ln.cost is None for ln in self.lines)

    def by_aisle(self) -> list[tuple[str, list[ShoppingLine]]]:
        groups: dict[str, list[ShoppingLine]] = defaultdict(list)
        for line in self.lines:
            groups[line.aisle].append(line)
        return [(aisle, groups[aisle]) for aisle in AISLES if aisle in groups]

    def line(self, item_id: str) -> ShoppingLine:
        for line in self.lines:
            if line.item_id == item_id:
                return line
        raise KeyError(item_id)

    @property
    def days_label(self) -> str:
        return days_label(self.days, self.n_days)


def days_label(days: Sequence[int], n_days: int) -> str:
    """'days 1-7', 'day 2', 'days 1-3, 5'."""
    if len(days) == 1:
        return f"day {days[0]}"
    runs: list[str] = []
    start = prev = days[0]
    for day in [*days[1:], None]:
        if day is not None and day == prev + 1:
            prev = day
            continue
        runs.append(f"{start}-{prev}" if prev > start else str(start))
        if day is not None:
            start = prev = day
    return "days " + ", ".join(runs)


def build_shopping_list(
    plan: Plan,
    catalog: Catalog | None = None,
    *,
    days: Sequence[int] | None = None,
    pantry: Mapping[str, float] | None = None,
    packages: Mapping[str, PackageSize] | None = None,
    rules: Sequence[AisleRule] | None = None,
    prices: Mapping[str, float] | None = None,
) -> ShoppingList:
    """Sum a plan's foods (for `days`, default all) into one line per food, grouped by aisle.

    `prices` (per gram; default: the plan's own, planner.cost.plan_prices) give each line its
    cost; without any, no line has a cost and the list is not `priced`.
    """
    catalog = catalog or load_catalog()
    foods = FoodLookup(catalog, plan.custom_foods)
    check_plan_foods(plan, foods)
    chosen = tuple(sorted(set(days))) if days else tuple(range(1, plan.n_days + 1))
    bad = [d for d in chosen if not 1 <= d <= plan.n_days]
    if bad:
        raise InputError(f"days {bad} are outside the plan's days 1-{plan.n_days}")
    pantry = pantry or {}
    packages = packages or {}
    rules = load_aisle_rules() if rules is None else rules
    prices = plan_prices(plan) if prices is None else prices

    grams: dict[str, list[float]] = defaultdict(list)
    portions_used: dict[str, list[str]] = defaultdict(list)
    for entry in plan.entries:
        if entry.day in chosen:
            grams[entry.food_id].append(entry.grams)
            portions_used[entry.food_id].append(entry.portion)
    tablets: dict[float, int] = defaultdict(int)
    for dose in plan.supplements:
        if dose.day in chosen:
            tablets[dose.strength_ug] += dose.count

    lines: list[ShoppingLine] = []
    source_counts: dict[tuple[str, str], int] = defaultdict(int)
    for food_id, amounts in grams.items():
        food = foods.get(food_id)
        source_counts[(food.dataset or "custom food", food.release or "")] += 1
        needed = math.fsum(amounts)
        units = household_units(food.portions, food.description, portions_used[food_id])
        rule = aisle_rule_for(food.category, food.source, food.description, rules)
        lines.append(
            _line(
                item_id=food_id,
                description=food.description,
                kind="food",
                base_unit="g",
                needed=needed,
                aisle=rule.aisle if rule else FALLBACK_AISLE,
                aisle_reason=rule.reason if rule else "category not in the aisle table",
                unit=units[0] if units else None,
                pantry=pantry.get(food_id, 0.0),
                package=packages.get(food_id),
                category=food.category,
                prices=prices,
            )
        )
    for strength, count in tablets.items():
        item_id = supplement_id(strength)
        lines.append(
            _line(
                item_id=item_id,
                description=supplement_description(strength),
                kind="supplement",
                base_unit="tablet",
                needed=float(count),
                aisle=SUPPLEMENT_AISLE,
                aisle_reason="supplements sit in the pharmacy or health aisle",
                unit=HouseholdUnit("tablet", 1.0, 1.0, f"1 tablet ({_number(strength)} µg)"),
                pantry=pantry.get(item_id, 0.0),
                package=packages.get(item_id),
                category=None,
                prices=prices,
            )
        )
    lines.sort(key=lambda ln: (AISLES.index(ln.aisle), ln.description.casefold(), ln.item_id))
    sources = tuple(
        (dataset, release, n) for (dataset, release), n in sorted(source_counts.items())
    )
    return ShoppingList(tuple(lines), chosen, plan.n_days, plan.diet, sources, bool(prices))


def _line(
    *,
    item_id: str,
    description: str,
    kind: str,
    base_unit: str,
    needed: float,
    aisle: str,
    aisle_reason: str,
    unit: HouseholdUnit | None,
    pantry: float,
    package: PackageSize | None,
    category: str | None,
    prices: Mapping[str, float],
) -> ShoppingLine:
    pantry_used = min(max(pantry, 0.0), needed)
    to_buy = needed - pantry_used
    if kind == "food":
        unit = unit or grams_unit(to_buy)
        quantity = round_up(to_buy / unit.grams, unit.step)
        unit_grams: float | None = unit.grams
    else:
        assert unit is not None
        quantity = round_up(to_buy, 1.0)
        unit_grams = None
    packages = leftover = size = None
    label = None
    if package is not None:
        size, label = package.size, package.label
        packages = math.ceil(to_buy / size - 1e-9) if to_buy > 0 else 0
        leftover = packages * size - to_buy
    cost = None
    if prices:
        cost = line_cost(prices.get(item_id), to_buy, packages, size)
    return ShoppingLine(
        aisle=aisle,
        item_id=item_id,
        description=description,
        kind=kind,
        base_unit=base_unit,
        needed=needed,
        pantry_used=pantry_used,
        to_buy=to_buy,
        quantity=quantity,
        unit=unit.unit,
        unit_grams=unit_grams,
        portion=unit.portion,
        packages=packages,
        package_label=label,
        package_size=size,
        leftover=leftover,
        category=category,
        aisle_reason=aisle_reason,
        cost=cost,
    )
