"""The planner's input: a validated Profile, and the daily targets it implies (with sources).

Every field has a default, so `Profile()` is a valid adult omnivore week. Reference numbers live
in `planner/rules/reference_intakes.csv` with a source column, so each target the planner shows
can say where it comes from. Validation problems become `InputError` naming the field and the
fix, never a pydantic traceback.
"""

from __future__ import annotations

import csv
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from planner.diets.rules import ROLES as ROLES
from planner.diets.rules import SLOTS, CatalogSlot, Role
from planner.errors import InputError
from planner.plan import Targets

RULES_DIR = Path(__file__).resolve().parent / "rules"
REFERENCE_INTAKES_CSV = RULES_DIR / "reference_intakes.csv"

DietName = Literal["omnivore", "vegetarian", "vegan", "fortified-only"]
FoodRule = Literal["omnivore", "vegetarian", "vegan"]
B12Counting = Literal["all", "fortified_only"]
LifeStage = Literal[
    "infant-0-6m",
    "infant-7-12m",
    "child-1-3",
    "child-4-8",
    "child-9-13",
    "teen-14-18",
    "adult",
    "pregnancy",
    "lactation",
]
Activity = Literal["sedentary", "light", "moderate", "active", "very-active"]
SupplementMode = Literal["none", "daily", "weekly", "auto"]

DIET_NAMES: tuple[str, ...] = get_args(DietName)
LIFE_STAGES: tuple[str, ...] = get_args(LifeStage)
INFANT_STAGES = ("infant-0-6m", "infant-7-12m")

# Diet presets: (food rule, B12 counting rule). planner.diets.DIETS holds the same split.
PRESET_RULES: dict[str, tuple[str, str]] = {
    "omnivore": ("omnivore", "all"),
    "vegetarian": ("vegetarian", "all"),
    "vegan": ("vegan", "all"),
    "fortified-only": ("omnivore", "fortified_only"),
}
# Absorption-aware B12 is the default where B12 comes mostly from fortified foods and tablets.
ABSORPTION_DEFAULT = {"omnivore": False, "vegetarian": False, "vegan": True, "fortified-only": True}
# Food-bound B12 is poorly absorbed after 50 and with acid reducers, so by default only B12
# added to foods and tablets counts then (the b12_counting setting overrides it).
FOOD_BOUND_B12_AGE = 50
FOOD_BOUND_B12_SOURCES = {
    "over-50": (
        "IOM 1998, p. 306: 10 to 30 percent of people older than 50 may be unable to absorb "
        "naturally occurring B12, so they should meet the RDA mainly with B12-fortified foods "
        "or a B12 supplement"
    ),
    "acid-reducers": (
        "proton-pump inhibitors and H2 blockers reduce the stomach acid that releases "
        "protein-bound B12 from food (Marcuard 1994; IOM 1998, p. 342: crystalline B12 is "
        "still absorbed)"
    ),
}

SUPPLEMENT_STRENGTHS_UG: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000)
WEEKLY_SUPPLEMENT_UG = 2000
# The RDA assumes 50 % of intake is absorbed (IOM 1998, p. 306): absorbed target = RDA x 0.5.
RDA_ABSORBED_FRACTION = 0.5

# Mifflin-St Jeor resting energy times these physical activity factors (the usual table).
ACTIVITY_FACTORS: dict[str, float] = {
    "sedentary": 1.2,
    "light": 1.375,
    "moderate": 1.55,
    "active": 1.725,
    "very-active": 1.9,
}
MIFFLIN_SOURCE = "Mifflin-St Jeor (1990) resting energy x activity factor"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MealSlot(_Strict):
    """One eating occasion of the day: its energy share and what a meal there consists of.

    `requires` lists role groups; the meal needs at least one food from each group, so
    [["protein", "mixed_dish"], ["vegetable"]] means "a protein food or a mixed dish, and a
    vegetable". `foods_from` says which catalog slot's foods may appear (default: the name
    without trailing digits, so "snack2" draws on snack foods).
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=30)
    kcal_share_min: float = Field(ge=0, le=1)
    kcal_share_max: float = Field(gt=0, le=1)
    requires: list[list[Role]] = Field(default_factory=list)
    min_items: int = Field(default=1, ge=1, le=8)
    max_items: int = Field(default=4, ge=1, le=8)
    foods_from: CatalogSlot | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MealSlot:
        if self.kcal_share_min > self.kcal_share_max:
            raise ValueError(
                f"slot {self.name!r}: kcal_share_min {self.kcal_share_min} is above "
                f"kcal_share_max {self.kcal_share_max}; swap them"
            )
        if self.min_items > self.max_items:
            raise ValueError(
                f"slot {self.name!r}: min_items {self.min_items} is above max_items "
                f"{self.max_items}"
            )
        if any(not group for group in self.requires):
            raise ValueError(f"slot {self.name!r}: an empty role group in 'requires'")
        if self.foods_from is None:
            base = self.name.rstrip("0123456789_")
            if base not in SLOTS:
                raise ValueError(
                    f"slot {self.name!r}: say which foods fit it with foods_from "
                    f"({', '.join(SLOTS[:-1])} or {SLOTS[-1]})"
                )
            self.foods_from = base  # type: ignore[assignment]
        return self


def default_slots() -> list[MealSlot]:
    """Breakfast, lunch, dinner and one snack, composed so that meals look like meals."""
    return [
        MealSlot(
            name="breakfast",
            kcal_share_min=0.15,
            kcal_share_max=0.35,
            requires=[["grain", "mixed_dish"], ["dairy_alt", "fruit", "beverage"]],
            min_items=2,
            max_items=4,
        ),
        MealSlot(
            name="lunch",
            kcal_share_min=0.20,
            kcal_share_max=0.40,
            requires=[["protein", "mixed_dish"], ["grain", "mixed_dish"], ["vegetable"]],
            min_items=2,
            max_items=4,
        ),
        MealSlot(
            name="dinner",
            kcal_share_min=0.25,
            kcal_share_max=0.45,
            requires=[["protein", "mixed_dish"], ["grain", "mixed_dish"], ["vegetable"]],
            min_items=2,
            max_items=4,
        ),
        MealSlot(name="snack", kcal_share_min=0.05, kcal_share_max=0.20, min_items=1, max_items=2),
    ]


class LockedMeal(_Strict):
    """A food kept exactly as it is when re-planning (day, slot, servings)."""

    day: int = Field(ge=1, le=14)
    slot: str
    food_id: str
    servings: float = Field(gt=0, le=10)
    whole_meal: bool = Field(
        default=False, description="the whole meal is locked: no other food may join it"
    )

    @field_validator("servings")
    @classmethod
    def _half_portions(cls, value: float) -> float:
        if abs(value * 2 - round(value * 2)) > 1e-9:
            raise ValueError(f"servings must be whole or half portions, got {value}")
        return value


class Price(_Strict):
    """What a food costs: `price` for `per_grams` grams (100 g, or a package weight)."""

    food_id: str
    price: float = Field(ge=0, le=10_000)
    per_grams: float = Field(default=100.0, gt=0, le=100_000)

    @property
    def per_100g(self) -> float:
        return self.price * 100.0 / self.per_grams


class Profile(_Strict):
    """Who the plan is for and what it must respect; every field has a sensible default."""

    # Diet: a preset, with the food rule and the B12-counting rule separately overridable.
    diet: DietName = "omnivore"
    food_rule: FoodRule | None = None
    b12_counting: B12Counting | None = None

    # B12 target.
    life_stage: LifeStage | None = None
    b12_reference: Literal["us", "efsa"] = "us"
    b12_target_ug: float | None = Field(default=None, gt=0, le=1000)
    absorption: bool | None = None

    # Body and energy.
    sex: Literal["female", "male"] | None = None
    age_years: int | None = Field(default=None, ge=0, le=120)
    weight_kg: float | None = Field(default=None, ge=8, le=400)
    height_cm: float | None = Field(default=None, ge=60, le=250)
    activity: Activity = "light"
    kcal: float | None = Field(default=None, ge=800, le=6000)
    kcal_tolerance: float = Field(default=0.10, ge=0.02, le=0.5)

    # Protein and sodium.
    protein_g_per_kg: float | None = Field(default=None, gt=0, le=3)
    protein_g: float | None = Field(default=None, gt=0, le=400)
    sodium_mg_max: float | None = Field(default=None, ge=500, le=10_000)
    # Takes proton-pump inhibitors or H2 blockers (omeprazole, famotidine, ...).
    acid_reducers: bool = False

    # Week structure.
    days: int = Field(default=7, ge=1, le=14)
    slots: list[MealSlot] = Field(default_factory=default_slots, min_length=1, max_length=6)

    # Variety and preferences.
    max_per_week: int = Field(default=3, ge=1, le=14)
    favourite_max_per_week: int = Field(default=7, ge=1, le=14)
    no_consecutive_main: bool = True
    max_distinct_foods: int | None = Field(default=40, ge=3, le=500)
    favourites: list[str] = Field(default_factory=list)
    exclude_foods: list[str] = Field(default_factory=list)
    exclude_categories: list[str] = Field(default_factory=list)
    pantry: list[str] = Field(default_factory=list)
    locked: list[LockedMeal] = Field(default_factory=list)

    # Supplements and prices.
    supplements: SupplementMode = "auto"
    supplement_strength_ug: int | None = None
    supplement_slot: str | None = None  # default: breakfast, else the first slot
    prices: list[Price] = Field(default_factory=list)
    price_weight: float = Field(default=2.0, ge=0, le=1000)

    seed: int = Field(default=0, ge=0, le=2**32 - 1)

    @field_validator("supplement_strength_ug")
    @classmethod
    def _known_strength(cls, value: int | None) -> int | None:
        if value is not None and value not in SUPPLEMENT_STRENGTHS_UG:
            allowed = ", ".join(str(s) for s in SUPPLEMENT_STRENGTHS_UG)
            raise ValueError(f"tablet strength must be one of {allowed} µg, got {value}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        names = [slot.name for slot in self.slots]
        if len(set(names)) != len(names):
            raise ValueError(f"slot names must be unique, got {names}")
        low = sum(slot.kcal_share_min for slot in self.slots)
        high = sum(slot.kcal_share_max for slot in self.slots)
        if low > 1.0 + 1e-9 or high < 1.0 - 1e-9:
            raise ValueError(
                f"slot energy shares cannot add up to 100 % (minimums add to {low:.0%}, "
                f"maximums to {high:.0%}); adjust kcal_share_min/kcal_share_max"
            )
        if self.supplement_slot is not None and self.supplement_slot not in names:
            raise ValueError(
                f"supplement_slot {self.supplement_slot!r} is not one of the meal slots {names}"
            )
        if self.supplements == "weekly" and self.supplement_strength_ug is not None:
            raise ValueError(
                f"the weekly regimen is one {WEEKLY_SUPPLEMENT_UG} µg dose; drop "
                "supplement_strength_ug or choose daily tablets"
            )
        for lock in self.locked:
            if lock.slot not in names:
                raise ValueError(f"locked meal slot {lock.slot!r} is not one of {names}")
            if lock.day > self.days:
                raise ValueError(
                    f"locked meal on day {lock.day}, but the plan has {self.days} days"
                )
        if self.sex == "male" and self.life_stage in ("pregnancy", "lactation"):
            raise ValueError(f"life_stage {self.life_stage!r} needs sex 'female' (or no sex)")
        if self.life_stage is not None and self.age_years is not None:
            expected = life_stage_for_age(self.age_years)
            if self.life_stage in ("pregnancy", "lactation"):
                if self.age_years < 14:
                    raise ValueError(f"life_stage {self.life_stage!r} needs age 14 or over")
            elif expected != self.life_stage:
                raise ValueError(
                    f"age {self.age_years} belongs to life stage {expected!r}, not "
                    f"{self.life_stage!r}; drop one of them"
                )
        if self.life_stage is None and self.age_years is not None and self.age_years < 1:
            raise ValueError(
                "for babies under 1 give life_stage infant-0-6m or infant-7-12m instead of age"
            )
        efsa_stages = ("adult", "pregnancy", "lactation")
        if (
            self.b12_reference == "efsa"
            and self.b12_target_ug is None
            and self.stage not in efsa_stages
        ):
            raise ValueError(
                "EFSA adequate intakes are available here only for adults, pregnancy and "
                "lactation; use b12_reference 'us' or give b12_target_ug"
            )
        overlap = set(self.favourites) & set(self.exclude_foods)
        if overlap:
            raise ValueError(f"foods both favourite and excluded: {sorted(overlap)}")
        return self

    # --- resolved settings -------------------------------------------------------------
    @property
    def stage(self) -> str:
        """The life stage, from `life_stage` or else from `age_years` (default: adult)."""
        if self.life_stage is not None:
            return self.life_stage
        if self.age_years is not None and self.age_years >= 1:
            return life_stage_for_age(self.age_years)
        return "adult"

    @property
    def resolved_food_rule(self) -> str:
        return self.food_rule or PRESET_RULES[self.diet][0]

    @property
    def food_bound_b12_risks(self) -> list[str]:
        """Why food-bound B12 may not be absorbed: "over-50", "acid-reducers" (or none)."""
        risks = []
        if (
            self.age_years is not None
            and self.age_years > FOOD_BOUND_B12_AGE
            and self.stage in ("adult", "pregnancy", "lactation")
        ):
            risks.append("over-50")
        if self.acid_reducers:
            risks.append("acid-reducers")
        return risks

    @property
    def resolved_b12_counting(self) -> str:
        if self.b12_counting is not None:
            return self.b12_counting
        if self.food_bound_b12_risks:
            return "fortified_only"
        return PRESET_RULES[self.diet][1]

    @property
    def absorption_aware(self) -> bool:
        if self.absorption is not None:
            return self.absorption
        return ABSORPTION_DEFAULT[self.diet] or self.resolved_b12_counting == "fortified_only"

    @property
    def tablet_slot(self) -> str:
        """The meal supplements are taken with."""
        if self.supplement_slot is not None:
            return self.supplement_slot
        names = self.slot_names
        return "breakfast" if "breakfast" in names else names[0]

    @property
    def slot_names(self) -> list[str]:
        return [slot.name for slot in self.slots]

    def slot(self, name: str) -> MealSlot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise InputError(f"no meal slot {name!r}; the profile has {self.slot_names}")

    # --- targets -------------------------------------------------------------------------
    def targets(self, *, b12_rule: Literal["daily", "weekly"] = "daily") -> Targets:
        """Daily targets with the source of every number (in `Targets.sources`)."""
        stage = self.stage
        b12, b12_source = self.b12_target()
        kcal, kcal_source = self._energy(stage)
        protein, protein_source = self._protein(stage)
        sodium, sodium_source = self._sodium(stage)
        absorbed = round(b12 * RDA_ABSORBED_FRACTION, 4) if self.absorption_aware else None
        sources = {
            "b12": b12_source,
            "kcal": kcal_source,
            "protein": protein_source,
            "sodium": sodium_source,
        }
        if absorbed is not None:
            sources["b12_absorbed"] = (
                "reference intake x 0.5 (the RDA assumes 50 % absorption, IOM 1998 p. 306); "
                "absorbed per eating occasion from the dose-absorption curve (Model A)"
            )
        return Targets(
            b12_ug_per_day=b12,
            b12_source=b12_source,
            b12_absorbed_ug_per_day=absorbed,
            b12_rule=b12_rule,
            b12_counting=self.resolved_b12_counting,  # type: ignore[arg-type]
            kcal_per_day=round(kcal, 1),
            kcal_min=round(kcal * (1 - self.kcal_tolerance), 1),
            kcal_max=round(kcal * (1 + self.kcal_tolerance), 1),
            protein_g_min=round(protein, 1),
            sodium_mg_max=sodium,
            sources=sources,
        )

    def b12_target(self) -> tuple[float, str]:
        """The B12 reference intake in µg/day and where it comes from."""
        stage = self.stage
        if self.b12_target_ug is not None:
            return self.b12_target_ug, "custom target from the profile"
        row = reference_value(self.b12_reference, stage, "b12")
        if row is None:  # guarded by validation; kept for direct callers
            raise InputError(f"no {self.b12_reference} B12 reference for {stage}")
        value, basis, source = row
        system = "US" if self.b12_reference == "us" else "EFSA"
        return value, f"{system} {basis}, {stage_label(stage)} ({source})"

    def _energy(self, stage: str) -> tuple[float, str]:
        if self.kcal is not None:
            return self.kcal, "kcal/day from the profile"
        body = (self.sex, self.age_years, self.weight_kg, self.height_cm)
        if all(v is not None for v in body) and stage not in (
            *INFANT_STAGES,
            "child-1-3",
            "child-4-8",
            "child-9-13",
        ):
            kcal = mifflin_st_jeor_kcal(
                self.sex,  # type: ignore[arg-type]
                self.age_years,  # type: ignore[arg-type]
                self.weight_kg,  # type: ignore[arg-type]
                self.height_cm,  # type: ignore[arg-type]
                self.activity,
            )
            return kcal, f"{MIFFLIN_SOURCE} ({self.activity}, x{ACTIVITY_FACTORS[self.activity]})"
        row = reference_value("us", stage, "kcal")
        if row is None:
            raise InputError(
                f"no default energy target for {stage_label(stage)}; give kcal per day"
            )
        value, _, source = row
        return value, source

    def _protein(self, stage: str) -> tuple[float, str]:
        if self.protein_g is not None:
            return self.protein_g, "g/day from the profile"
        if self.weight_kg is not None:
            per_kg = self.protein_g_per_kg
            source = "g/kg from the profile"
            if per_kg is None:
                row = reference_value("us", stage, "protein_per_kg")
                per_kg, source = (row[0], row[2]) if row else (0.8, "0.8 g/kg default")
            return per_kg * self.weight_kg, f"{per_kg:g} g/kg x {self.weight_kg:g} kg ({source})"
        row = reference_value("us", stage, "protein", sex=self.sex)
        if row is None:
            raise InputError(f"no default protein target for {stage_label(stage)}; give protein_g")
        return row[0], f"{row[1]} ({row[2]})"

    def _sodium(self, stage: str) -> tuple[float | None, str]:
        if self.sodium_mg_max is not None:
            return self.sodium_mg_max, "mg/day limit from the profile"
        row = reference_value("us", stage, "sodium_max")
        if row is None:
            return None, "no sodium limit for this life stage"
        return row[0], f"{row[1]} ({row[2]})"


# --- helpers -----------------------------------------------------------------------------


def life_stage_for_age(age_years: int) -> str:
    """The US reference life stage for an age in whole years (1 and over)."""
    if age_years < 1:
        return "infant-7-12m"
    for upper, stage in (
        (3, "child-1-3"),
        (8, "child-4-8"),
        (13, "child-9-13"),
        (18, "teen-14-18"),
    ):
        if age_years <= upper:
            return stage
    return "adult"


def stage_label(stage: str) -> str:
    return {
        "infant-0-6m": "infants 0-6 months",
        "infant-7-12m": "infants 7-12 months",
        "child-1-3": "children 1-3 years",
        "child-4-8": "children 4-8 years",
        "child-9-13": "children 9-13 years",
        "teen-14-18": "teens 14-18 years",
        "adult": "adults",
        "pregnancy": "pregnancy",
        "lactation": "lactation",
    }[stage]


def mifflin_st_jeor_kcal(
    sex: str, age_years: float, weight_kg: float, height_cm: float, activity: str
) -> float:
    """Estimated daily energy need: Mifflin-St Jeor resting energy times the activity factor."""
    resting = 10 * weight_kg + 6.25 * height_cm - 5 * age_years + (5 if sex == "male" else -161)
    return resting * ACTIVITY_FACTORS[activity]


@lru_cache(maxsize=1)
def reference_table() -> tuple[dict[str, str], ...]:
    """Rows of reference_intakes.csv (system, life_stage, sex, nutrient, value, unit, ...)."""
    with open(REFERENCE_INTAKES_CSV, newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def reference_value(
    system: str, stage: str, nutrient: str, *, sex: str | None = None
) -> tuple[float, str, str] | None:
    """(value, basis, source) for one life stage, preferring a sex-specific row."""
    rows = [
        r
        for r in reference_table()
        if r["system"] == system and r["life_stage"] == stage and r["nutrient"] == nutrient
    ]
    for wanted in (sex, "any"):
        for row in rows:
            if row["sex"] == wanted:
                return float(row["value"]), row["basis"], row["source"]
    return None


# The unit of each number a profile holds, so a refused value is told with its unit.
FIELD_UNITS: dict[str, str] = {
    "b12_target_ug": "µg/day",
    "supplement_strength_ug": "µg",
    "age_years": "years",
    "weight_kg": "kg",
    "height_cm": "cm",
    "kcal": "kcal/day",
    "kcal_tolerance": "(fraction of the energy target; 0.1 = ±10 %)",
    "protein_g_per_kg": "g per kg of body weight",
    "protein_g": "g/day",
    "sodium_mg_max": "mg/day",
    "days": "days",
    "day": "(plan day)",
    "max_per_week": "times a week",
    "favourite_max_per_week": "times a week",
    "max_distinct_foods": "foods",
    "servings": "servings",
    "price": "(currency units)",
    "per_grams": "g",
    "price_weight": "(weight of cost in the objective)",
    "kcal_share_min": "(fraction of the day's energy)",
    "kcal_share_max": "(fraction of the day's energy)",
    "min_items": "foods",
    "max_items": "foods",
}
BOUND_WORDS = {
    "ge": "at least",
    "gt": "more than",
    "le": "at most",
    "lt": "less than",
}


def _with_unit(value: Any, unit: str) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if not unit or unit.startswith("("):
        return text
    return f"{text} {unit}"


def _field_bounds(loc: tuple[Any, ...], field: str) -> dict[str, float]:
    """The numeric limits a profile field (or a slot, lock or price field) declares."""
    nested: dict[str, type[BaseModel]] = {"slots": MealSlot, "locked": LockedMeal, "prices": Price}
    model = Profile if len(loc) == 1 else nested.get(str(loc[0]))
    info = model.model_fields.get(field) if model is not None else None
    bounds: dict[str, float] = {}
    for item in info.metadata if info is not None else ():
        for key in BOUND_WORDS:
            if getattr(item, key, None) is not None:
                bounds[key] = getattr(item, key)
    return bounds


def _range_text(bounds: dict[str, float], unit: str) -> str:
    """'from 1 to 14 days', 'more than 0 and at most 1000 µg/day', 'at least 0'."""
    if "ge" in bounds and "le" in bounds:
        return f"from {_with_unit(bounds['ge'], '')} to {_with_unit(bounds['le'], unit)}"
    keys = [key for key in BOUND_WORDS if key in bounds]
    return " and ".join(
        f"{BOUND_WORDS[key]} {_with_unit(bounds[key], unit if key == keys[-1] else '')}"
        for key in keys
    )


def _plain(error: Any) -> str:
    """Pydantic's error as plain words with units: what was given and what is allowed."""
    kind = error["type"]
    loc = tuple(error["loc"])
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    unit = FIELD_UNITS.get(field, "")
    note = f" {unit}" if unit.startswith("(") else ""
    of_unit = f" of {unit}" if unit and not note else ""
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if (
        any(key in ctx for key in BOUND_WORDS)
        and isinstance(given, int | float)
        and not isinstance(given, bool)
    ):
        bounds = _field_bounds(loc, field) or {k: v for k, v in ctx.items() if k in BOUND_WORDS}
        allowed = _range_text(bounds, unit)
        return f"{_with_unit(given, unit)} is out of range; give a value {allowed}{note}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number{of_unit}, got {given!r}{note}"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number{of_unit}, got {given!r}{note}"
    if kind == "literal_error":
        return f"{given!r} is not a choice; use {ctx['expected']}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {given!r}"
    if kind == "too_short":
        return f"give at least {ctx['min_length']}"
    if kind == "too_long":
        return f"give at most {ctx['max_length']}"
    if kind == "list_type":
        return f'expected a list, e.g. ["fndds:11320100"], got {given!r}'
    if kind == "extra_forbidden":
        names = list(Profile.model_fields) if len(loc) == 1 else []
        close = get_close_matches(field, names, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "remove it or check its spelling"
        return f"no such setting; {hint}"
    if kind == "missing":
        return "required here, but missing"
    return str(error["msg"]).removeprefix("Value error, ")


def _fix_hint(loc: tuple[Any, ...], message: str) -> str:
    if not loc:
        return f"profile: {message}"
    return f"profile field {'.'.join(str(p) for p in loc)}: {message}"


def parse_profile(data: dict[str, Any] | Profile | None = None, **overrides: Any) -> Profile:
    """A Profile from a dict (or keyword fields), or InputError naming the field and the fix."""
    if isinstance(data, Profile):
        raw: dict[str, Any] = data.model_dump()
    else:
        raw = dict(data or {})
    raw.update(overrides)
    try:
        return Profile.model_validate(raw)
    except ValidationError as err:
        problems = [_fix_hint(tuple(e["loc"]), _plain(e)) for e in err.errors()]
        extra = f" ({len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise ProfileError(problems[0] + extra, problems) from None


class ProfileError(InputError):
    """A profile that failed validation: the first problem is the message, every one is in
    `problems` (the app shows each beside its own field)."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
