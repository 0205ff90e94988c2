"""The independent verifier: recompute a plan from the catalog and check every rule in pandas.

It shares no code with `planner.model` on purpose (only the catalog, the diet labels, the
household-portion rules, the life-stage food rules and the Profile type): a bug in the model's
formulation cannot hide here, and PuLP calling a failed or time-limited solve "Optimal" is
caught. The CLI and the app run it before showing any plan, and on a plan a person edited
(servings changed) it reports the shortfalls per day.

Rule constants are restated here, not imported, for the same reason; tests check that the
model's plans pass.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.catalog import Catalog
from planner.diets.life_stage import life_stage_reasons
from planner.plan import Plan
from planner.profile import Profile, stage_label

# Dose-absorption Model A (b12-domain reference, section 3.2) as breakpoints (dose, absorbed),
# then 1 % of the dose beyond the last one.
ABSORPTION_POINTS = ((0.0, 0.0), (1.0, 0.5), (5.0, 1.0), (25.0, 1.25))
PASSIVE_FRACTION = 0.01
SPREAD_SHARE = 0.75  # no single occasion counts above 75 % of the day's absorbed target
FAT_MAX_SHARE = 0.35  # fat energy (9 kcal/g) at most 35 % of the day's energy
ROLE_KCAL_MAX_SHARE = {"sweet": 0.10, "fat_condiment": 0.10, "beverage": 0.15}
SUPPLEMENT_STRENGTHS = (10, 25, 50, 100, 250, 500, 1000, 2000)
# Serving caps: one food in one meal weighs at most its diet-rules cap (label max_g_per_meal,
# from planner/rules/serving_caps.csv), else its role's default below; gives at most
# MAX_KCAL_FACTOR x a typical serving's energy for its role; and is at most
# MAX_PORTIONS household portions. Locked meals are the person's choice and are exempt.
# The same numbers as the model's MAX_GRAMS, TYPICAL_KCAL, MAX_KCAL_FACTOR and
# MAX_HALF_PORTIONS, restated (tests/test_verify.py checks they agree).
MAX_PORTIONS = 3.0
DEFAULT_MAX_G = 200.0  # a role missing below
MAX_G_BY_ROLE = {
    "protein": 250.0,
    "grain": 250.0,
    "vegetable": 300.0,
    "fruit": 300.0,
    "dairy_alt": 500.0,
    "beverage": 500.0,
    "mixed_dish": 500.0,
    "sweet": 150.0,
    "fat_condiment": 40.0,
    "other": 200.0,
}
MAX_KCAL_FACTOR = 2.5
# Children's caps scale with their energy target against an adult's 2,000 kcal, between 0.5
# and 1 (the model's PORTION_REFERENCE_KCAL, MIN_PORTION_SCALE and CHILD_STAGES).
PORTION_REFERENCE_KCAL = 2000.0
MIN_PORTION_SCALE = 0.5
CHILD_STAGES = ("child-1-3", "child-4-8", "child-9-13")
DEFAULT_TYPICAL_KCAL = 150.0
TYPICAL_KCAL_BY_ROLE = {
    "protein": 200.0,
    "grain": 180.0,
    "vegetable": 60.0,
    "fruit": 90.0,
    "dairy_alt": 130.0,
    "beverage": 100.0,
    "mixed_dish": 350.0,
    "sweet": 180.0,
    "fat_condiment": 70.0,
    "other": 150.0,
}
REL_TOL = 1e-3  # relative tolerance for recomputed numbers (plans store rounded values)


@dataclass(frozen=True)
class Violation:
    """One broken rule, named like the model's constraints (e.g. "b12_day3_absorbed")."""

    name: str
    message: str
    day: int | None = None
    amount: float | None = None
    limit: float | None = None


@dataclass
class DayCheck:
    """Recomputed totals of one day."""

    day: int
    kcal: float = 0.0
    protein_g: float = 0.0
    sodium_mg: float = 0.0
    fat_g: float = 0.0
    b12_ug: float = 0.0
    b12_counted_ug: float = 0.0  # food + supplements
    b12_absorbed_ug: float = 0.0
    b12_occasions: int = 0


@dataclass
class VerificationReport:
    violations: list[Violation] = field(default_factory=list)
    days: list[DayCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def shortfalls(self) -> list[Violation]:
        """Targets missed per day (energy, protein, sodium, B12): what an edited plan lacks."""
        prefixes = ("energy_day", "protein_day", "sodium_day", "b12_day", "b12_week", "fat_day")
        return [v for v in self.violations if v.name.startswith(prefixes)]

    def summary(self) -> str:
        if self.ok:
            return "plan verified: every rule holds"
        lines = [f"{len(self.violations)} problem(s):"]
        lines += [f"- {v.message}" for v in self.violations]
        return "\n".join(lines)


def absorbed_from_dose(dose_ug: float) -> float:
    """Absorbed µg from one occasion's dose: linear between the breakpoints, then 1 %."""
    if dose_ug <= 0:
        return 0.0
    for (x0, y0), (x1, y1) in zip(ABSORPTION_POINTS[:-1], ABSORPTION_POINTS[1:], strict=True):
        if dose_ug <= x1:
            return y0 + (y1 - y0) * (dose_ug - x0) / (x1 - x0)
    last_x, last_y = ABSORPTION_POINTS[-1]
    return last_y + PASSIVE_FRACTION * (dose_ug - last_x)


def _close(a: float, b: float, tol: float = REL_TOL, unit: float = 0.0) -> bool:
    """Equal up to `tol` relative, and up to half the `unit` the stated value was rounded to
    (day totals keep one decimal, so 28.15 g is stored as 28.1)."""
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b)) + 0.01 + unit / 2


def _split(value: Any) -> set[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return set()
    return {p.strip() for p in str(value).split(",") if p.strip()}


def verify_plan(
    plan: Plan,
    catalog: Catalog,
    labels: pd.DataFrame | None = None,
    *,
    check_claims: bool = True,
) -> VerificationReport:
    """Recompute every entry and day from the catalog and check each rule of the plan.

    check_claims=False skips comparing the plan's stored numbers with the recomputed ones
    (for a plan whose servings a person edited); every target is still checked.
    """
    from planner import diets

    if labels is None:
        labels = diets.label_foods(catalog)
    report = VerificationReport()
    out = report.violations
    foods = catalog.foods
    targets = plan.targets
    try:
        profile = Profile.model_validate(plan.profile) if plan.profile else Profile()
    except Exception as err:  # a stored plan from another version: check what we can
        out.append(Violation("profile", f"the plan's profile cannot be read ({err})"))
        profile = Profile()
    slots = {s.name: s for s in profile.slots}
    counted_column = (
        "b12_counted_fortified_only_ug"
        if targets.b12_counting == "fortified_only"
        else "b12_counted_all_ug"
    )
    food_rule = profile.food_rule or {"vegetarian": "vegetarian", "vegan": "vegan"}.get(
        plan.diet, "omnivore"
    )

    # Household measures (planner/rules/portions.csv) of the plan's foods only: a small frame.
    all_portions = diets.household_portions(catalog)
    plan_portions = all_portions[all_portions["food_id"].isin({e.food_id for e in plan.entries})]
    locked = {(m.day, m.slot, m.food_id) for m in profile.locked}
    # Foods not for the profile's life stage (planner/rules/life_stage_foods.csv), even locked.
    stage = profile.stage
    known_ids = list(dict.fromkeys(e.food_id for e in plan.entries if e.food_id in foods.index))
    stage_reasons = life_stage_reasons(foods.loc[known_ids], stage)
    scale = 1.0
    if stage in CHILD_STAGES:
        scale = min(1.0, max(MIN_PORTION_SCALE, targets.kcal_per_day / PORTION_REFERENCE_KCAL))
    scaled = f" (x {scale:g} for a child's servings)" if scale < 1.0 else ""
    rows = []
    for e in plan.entries:
        where = f"day {e.day} {e.slot}: {e.food_id}"
        if e.food_id not in foods.index:
            out.append(Violation("food_unknown", f"{where} is not in the catalog", e.day))
            continue
        food = foods.loc[e.food_id]
        label = labels.loc[e.food_id] if e.food_id in labels.index else None
        if e.day < 1 or e.day > plan.n_days:
            out.append(Violation("day_range", f"{where}: day outside 1-{plan.n_days}", e.day))
        if e.slot not in plan.slots:
            out.append(Violation("slot_unknown", f"{where}: slot not in {plan.slots}", e.day))
        if abs(e.servings * 2 - round(e.servings * 2)) > 1e-9:
            out.append(
                Violation(
                    "portion_whole",
                    f"{where}: {e.servings:g} is not a whole or half portion",
                    e.day,
                )
            )
        portions = plan_portions[plan_portions["food_id"] == e.food_id]
        match = portions[
            (portions["portion"] == e.portion)
            & ((portions["grams"] - e.portion_grams).abs() <= 0.05)
        ]
        if match.empty:
            out.append(
                Violation(
                    "portion_unknown",
                    f"{where}: portion {e.portion!r} ({e.portion_grams:g} g) is not a catalog "
                    "household portion of this food",
                    e.day,
                )
            )
        elif not match["usable"].any():
            out.append(
                Violation(
                    "portion_household",
                    f"{where}: portion {e.portion!r} is not a household measure "
                    f"({match['unusable_reason'].iat[0]})",
                    e.day,
                )
            )
        grams = e.servings * e.portion_grams
        if check_claims and not _close(grams, e.grams, unit=0.1):  # grams kept to 0.1 g
            out.append(
                Violation("entry_grams", f"{where}: {e.grams:g} g claimed, {grams:g} g", e.day)
            )
        per = grams / 100.0
        values = {
            "kcal": float(food["kcal"]) * per,
            "protein_g": float(food["protein_g"]) * per,
            "sodium_mg": float(food["sodium_mg"]) * per,
            "fat_g": float(food["fat_g"]) * per,
            "b12_ug": float(food["b12_ug"]) * per,
        }
        for key, value in values.items():
            if math.isnan(value):
                out.append(
                    Violation(
                        "nutrient_unknown",
                        f"{where}: the catalog does not report {key}, so the day's total is "
                        "unknown",
                        e.day,
                    )
                )
        counted = 0.0
        roles: set[str] = set()
        max_g = max_kcal = math.inf
        if label is None:
            out.append(Violation("labels_missing", f"{where}: no diet labels for this food"))
        else:
            role = str(label["role"])
            rule_g = label.get("max_g_per_meal")
            max_g = float(rule_g) if pd.notna(rule_g) else MAX_G_BY_ROLE.get(role, DEFAULT_MAX_G)
            max_g *= scale
            max_kcal = MAX_KCAL_FACTOR * TYPICAL_KCAL_BY_ROLE.get(role, DEFAULT_TYPICAL_KCAL)
            max_kcal *= scale
            counted = float(label[counted_column]) * per if pd.notna(label[counted_column]) else 0
            roles = _split(label["roles"]) | {str(label["role"])}
            if food_rule == "vegan" and not bool(label["vegan"]):
                out.append(Violation("diet_vegan", f"{where} is not vegan", e.day))
            if food_rule == "vegetarian" and not bool(label["vegetarian"]):
                out.append(Violation("diet_vegetarian", f"{where} is not vegetarian", e.day))
        if check_claims:
            claims = {
                "kcal": e.kcal,
                "protein_g": e.protein_g,
                "b12_ug": e.b12_ug,
                "b12_counted_ug": e.b12_counted_ug,
            }
            actual = {**values, "b12_counted_ug": counted}
            for key, claimed in claims.items():
                if not math.isnan(actual[key]) and not _close(actual[key], claimed):
                    out.append(
                        Violation(
                            "entry_numbers",
                            f"{where}: {key} claimed {claimed:g}, catalog gives {actual[key]:.4g}",
                            e.day,
                        )
                    )
        if e.food_id in profile.exclude_foods:
            out.append(Violation("excluded_food", f"{where} was excluded", e.day))
        stage_reason = stage_reasons.get(e.food_id)
        if isinstance(stage_reason, str):
            out.append(
                Violation(
                    "life_stage_food",
                    f"{where} ({food['description']}) is not for {stage_label(stage)}: "
                    f"{stage_reason}",
                    e.day,
                )
            )
        excluded_categories = {c.lower() for c in profile.exclude_categories}
        if excluded_categories and (
            str(food["category"]).lower() in excluded_categories or roles & excluded_categories
        ):
            out.append(Violation("excluded_category", f"{where}: its category is excluded", e.day))
        rows.append(
            {
                "day": e.day,
                "slot": e.slot,
                "food_id": e.food_id,
                "roles": roles,
                "counted": counted,
                "description": e.description,
                "grams": grams,
                "servings": e.servings,
                "max_g": max_g,
                "max_kcal": max_kcal,
                "locked": (e.day, e.slot, e.food_id) in locked,
                **values,
            }
        )
    entries = pd.DataFrame(
        rows,
        columns=[
            "day",
            "slot",
            "food_id",
            "roles",
            "counted",
            "description",
            "grams",
            "servings",
            "max_g",
            "max_kcal",
            "locked",
            "kcal",
            "protein_g",
            "sodium_mg",
            "fat_g",
            "b12_ug",
        ],
    )

    _check_serving_caps(entries, out, scaled)
    _check_supplements(plan, out)
    doses = Counter()
    for s in plan.supplements:
        doses[(s.day, s.slot)] += s.strength_ug * s.count

    kcal_target = targets.kcal_per_day
    spread = targets.b12_absorbed_ug_per_day is not None and not plan.supplements
    week_counted = 0.0
    week_absorbed = 0.0
    for day in range(1, plan.n_days + 1):
        today = entries[entries["day"] == day]
        check = DayCheck(day)
        capped = 0.0  # absorbed B12 with no occasion counting above SPREAD_SHARE of the target
        for key in ("kcal", "protein_g", "sodium_mg", "fat_g", "b12_ug"):
            setattr(check, key, float(today[key].sum()))
        check.b12_counted_ug = float(today["counted"].sum()) + sum(
            v for (d, _), v in doses.items() if d == day
        )
        for slot_name in plan.slots:
            meal = today[today["slot"] == slot_name]
            dose = float(meal["counted"].sum()) + doses.get((day, slot_name), 0.0)
            absorbed = absorbed_from_dose(dose)
            check.b12_absorbed_ug += absorbed
            check.b12_occasions += dose > 0
            _check_meal(day, slot_name, meal, slots.get(slot_name), kcal_target, out)
            capped += min(absorbed, SPREAD_SHARE * (targets.b12_absorbed_ug_per_day or 0.0))
        if spread and capped < targets.b12_absorbed_ug_per_day - 1e-6:
            out.append(
                Violation(
                    f"b12_day{day}_spread",
                    f"day {day}: B12 is not spread over at least two eating occasions (with no "
                    f"occasion counting above {SPREAD_SHARE:.0%} of the target, "
                    f"{capped:.2f} µg of {targets.b12_absorbed_ug_per_day:g} µg absorbed)",
                    day,
                    capped,
                    targets.b12_absorbed_ug_per_day,
                )
            )
        report.days.append(check)
        week_counted += check.b12_counted_ug
        week_absorbed += check.b12_absorbed_ug
        _check_day(plan, check, today, out)
    _check_b12(plan, report.days, week_counted, week_absorbed, out)
    _check_week(plan, profile, entries, out)
    if check_claims:
        _check_claimed_days(plan, report.days, out)
    return report


def _check_serving_caps(entries: pd.DataFrame, out: list[Violation], scaled: str = "") -> None:
    """Each food's amount in one meal against its serving cap (a locked meal is exempt);
    `scaled` says in the message when the caps were scaled down for a child.

    Summed per day, slot and food, so a food listed twice in a meal cannot pass in halves.
    """
    free = entries[~entries["locked"].astype(bool)]
    if free.empty:
        return
    meals = free.groupby(["day", "slot", "food_id"], sort=True).agg(
        description=("description", "first"),
        grams=("grams", "sum"),
        servings=("servings", "sum"),
        kcal=("kcal", "sum"),
        max_g=("max_g", "first"),
        max_kcal=("max_kcal", "first"),
    )
    for (day, slot, food_id), m in meals.iterrows():
        where = f"day {day} {slot}: {m['description']} ({food_id})"
        # (what, amount, cap, slack for rounding, message)
        caps = (
            (
                "grams",
                m["grams"],
                m["max_g"],
                m["max_g"] * 1e-6 + 0.05,
                f"{m['grams']:g} g in one meal, above its serving cap of {m['max_g']:g} g per meal"
                + scaled,
            ),
            (
                "portions",
                m["servings"],
                MAX_PORTIONS,
                1e-9,
                f"{m['servings']:g} household portions in one meal, at most {MAX_PORTIONS:g} "
                "allowed",
            ),
            (
                "kcal",
                m["kcal"],
                m["max_kcal"],
                m["max_kcal"] * 1e-6,
                f"{m['kcal']:.0f} kcal in one meal, above its cap of {m['max_kcal']:.0f} kcal "
                f"({MAX_KCAL_FACTOR:g} x a typical serving{scaled})",
            ),
        )
        for what, amount, cap, slack, message in caps:
            if amount > cap + slack:
                out.append(
                    Violation(
                        f"serving_day{day}_{slot}_{food_id}_{what}",
                        f"{where}: {message}",
                        int(day),
                        float(amount),
                        float(cap),
                    )
                )


def _check_supplements(plan: Plan, out: list[Violation]) -> None:
    for s in plan.supplements:
        if s.strength_ug not in SUPPLEMENT_STRENGTHS:
            out.append(
                Violation(
                    "supplement_strength",
                    f"day {s.day}: a {s.strength_ug:g} µg tablet is not a planned strength",
                    s.day,
                )
            )
        if s.slot not in plan.slots:
            out.append(Violation("supplement_slot", f"day {s.day}: slot {s.slot!r} unknown"))


def _check_meal(
    day: int,
    slot_name: str,
    meal: pd.DataFrame,
    slot: Any,
    kcal_target: float,
    out: list[Violation],
) -> None:
    if slot is None:
        return
    name = f"meal_day{day}_{slot_name}"
    items = len(meal)
    if items < slot.min_items:
        out.append(
            Violation(
                f"{name}_items_min",
                f"day {day}: {slot_name} has {items} item(s), needs at least {slot.min_items}",
                day,
            )
        )
    if items > slot.max_items:
        out.append(
            Violation(
                f"{name}_items_max",
                f"day {day}: {slot_name} has {items} items, at most {slot.max_items} allowed",
                day,
            )
        )
    for group in slot.requires:
        if not any(set(group) & r for r in meal["roles"]):
            out.append(
                Violation(
                    f"{name}_needs_{'_or_'.join(group)}",
                    f"day {day}: {slot_name} lacks a {' or '.join(group).replace('_', ' ')}",
                    day,
                )
            )
    kcal = float(meal["kcal"].sum())
    low, high = slot.kcal_share_min * kcal_target, slot.kcal_share_max * kcal_target
    if kcal < low * (1 - 1e-6):
        out.append(
            Violation(
                f"energy_day{day}_{slot_name}_min",
                f"day {day}: {slot_name} has {kcal:.0f} kcal, below {low:.0f}",
                day,
                kcal,
                low,
            )
        )
    if kcal > high * (1 + 1e-6):
        out.append(
            Violation(
                f"energy_day{day}_{slot_name}_max",
                f"day {day}: {slot_name} has {kcal:.0f} kcal, above {high:.0f}",
                day,
                kcal,
                high,
            )
        )
    if meal["food_id"].duplicated().any():
        out.append(Violation(f"{name}_duplicate", f"day {day}: a food twice in {slot_name}", day))


def _check_day(plan: Plan, check: DayCheck, today: pd.DataFrame, out: list[Violation]) -> None:
    t = plan.targets
    d = check.day
    if check.kcal < t.kcal_min * (1 - 1e-6):
        out.append(
            Violation(
                f"energy_day{d}_min",
                f"day {d}: {check.kcal:.0f} kcal, below the minimum {t.kcal_min:.0f}",
                d,
                check.kcal,
                t.kcal_min,
            )
        )
    if check.kcal > t.kcal_max * (1 + 1e-6):
        out.append(
            Violation(
                f"energy_day{d}_max",
                f"day {d}: {check.kcal:.0f} kcal, above the maximum {t.kcal_max:.0f}",
                d,
                check.kcal,
                t.kcal_max,
            )
        )
    if check.protein_g < t.protein_g_min * (1 - 1e-6):
        out.append(
            Violation(
                f"protein_day{d}_min",
                f"day {d}: {check.protein_g:.1f} g protein, below {t.protein_g_min:g} g",
                d,
                check.protein_g,
                t.protein_g_min,
            )
        )
    if t.sodium_mg_max is not None and check.sodium_mg > t.sodium_mg_max * (1 + 1e-6):
        out.append(
            Violation(
                f"sodium_day{d}_max",
                f"day {d}: {check.sodium_mg:.0f} mg sodium, above {t.sodium_mg_max:g} mg",
                d,
                check.sodium_mg,
                t.sodium_mg_max,
            )
        )
    if check.kcal > 0 and 9 * check.fat_g > FAT_MAX_SHARE * check.kcal * (1 + 1e-6):
        out.append(
            Violation(
                f"fat_day{d}_max",
                f"day {d}: fat gives {9 * check.fat_g / check.kcal:.0%} of energy, above "
                f"{FAT_MAX_SHARE:.0%}",
                d,
            )
        )
    for role, share in ROLE_KCAL_MAX_SHARE.items():
        kcal = float(today.loc[today["roles"].map(lambda r, role=role: role in r), "kcal"].sum())
        if kcal > share * t.kcal_per_day * (1 + 1e-6):
            out.append(
                Violation(
                    f"energy_day{d}_{role}_max",
                    f"day {d}: {kcal:.0f} kcal from {role.replace('_', ' ')} foods, above "
                    f"{share:.0%} of the energy target",
                    d,
                )
            )
    counts = today["food_id"].value_counts()
    for food_id in counts[counts > 1].index:
        out.append(Violation(f"once_day{d}_{food_id}", f"day {d}: {food_id} in two meals", d))


def _check_b12(
    plan: Plan,
    days: list[DayCheck],
    week_counted: float,
    week_absorbed: float,
    out: list[Violation],
) -> None:
    t = plan.targets
    absorbed_target = t.b12_absorbed_ug_per_day
    if t.b12_rule == "weekly":
        n = plan.n_days
        if absorbed_target is not None:
            if week_absorbed < n * absorbed_target - 1e-6:
                out.append(
                    Violation(
                        "b12_week_absorbed",
                        f"the plan's absorbed B12 is {week_absorbed:.2f} µg, below "
                        f"{n * absorbed_target:.2f} µg ({n} days x {absorbed_target:g})",
                        None,
                        week_absorbed,
                        n * absorbed_target,
                    )
                )
        elif week_counted < n * t.b12_ug_per_day - 1e-6:
            out.append(
                Violation(
                    "b12_week_counted",
                    f"the plan's counted B12 is {week_counted:.2f} µg, below "
                    f"{n * t.b12_ug_per_day:.2f} µg",
                    None,
                    week_counted,
                    n * t.b12_ug_per_day,
                )
            )
        return
    for check in days:
        d = check.day
        if absorbed_target is not None:
            if check.b12_absorbed_ug < absorbed_target - 1e-6:
                out.append(
                    Violation(
                        f"b12_day{d}_absorbed",
                        f"day {d}: {check.b12_absorbed_ug:.2f} µg B12 absorbed, below the "
                        f"target {absorbed_target:g} µg",
                        d,
                        check.b12_absorbed_ug,
                        absorbed_target,
                    )
                )
        elif check.b12_counted_ug < t.b12_ug_per_day - 1e-6:
            out.append(
                Violation(
                    f"b12_day{d}_counted",
                    f"day {d}: {check.b12_counted_ug:.2f} µg B12 counted, below the target "
                    f"{t.b12_ug_per_day:g} µg",
                    d,
                    check.b12_counted_ug,
                    t.b12_ug_per_day,
                )
            )


def _check_week(plan: Plan, profile: Profile, entries: pd.DataFrame, out: list[Violation]) -> None:
    if entries.empty:
        out.append(Violation("plan_empty", "the plan has no foods"))
        return
    favourites = set(profile.favourites)
    locked = {(m.day, m.slot, m.food_id) for m in profile.locked}
    locked_counts = Counter(((m.day - 1) // 7, m.food_id) for m in profile.locked)
    week = (entries["day"] - 1) // 7
    for (w, food_id), count in entries.groupby([week, "food_id"]).size().items():
        cap = profile.favourite_max_per_week if food_id in favourites else profile.max_per_week
        cap = max(cap, profile.max_per_week, locked_counts.get((w, food_id), 0))
        if count > cap:
            out.append(
                Violation(
                    f"variety_{food_id}_max_per_week",
                    f"{food_id} appears {count} times in week {w + 1}, at most {cap} allowed",
                    None,
                    count,
                    cap,
                )
            )
    if profile.max_distinct_foods is not None:
        distinct = entries["food_id"].nunique()
        if distinct > profile.max_distinct_foods:
            out.append(
                Violation(
                    "foods_distinct_max",
                    f"{distinct} different foods, at most {profile.max_distinct_foods} allowed",
                    None,
                    distinct,
                    profile.max_distinct_foods,
                )
            )
    if profile.no_consecutive_main:
        for slot in profile.slots:
            if not slot.requires:
                continue
            mains = set(slot.requires[0])
            meal = entries[
                (entries["slot"] == slot.name)
                & entries["roles"].map(lambda r, m=mains: bool(r & m))
            ]
            days_by_food = meal.groupby("food_id")["day"].apply(set)
            for food_id, days in days_by_food.items():
                for d in sorted(days):
                    if d + 1 in days and (d + 1, slot.name, food_id) not in locked:
                        out.append(
                            Violation(
                                f"main_{slot.name}_{food_id}_days{d}_{d + 1}",
                                f"{food_id} is the {slot.name} main on days {d} and {d + 1}",
                                d + 1,
                            )
                        )
    have = set(zip(entries["day"], entries["slot"], entries["food_id"], strict=True))
    for m in profile.locked:
        if (m.day, m.slot, m.food_id) not in have:
            out.append(
                Violation(
                    "locked_meal",
                    f"locked {m.food_id} on day {m.day} {m.slot} is missing",
                    m.day,
                )
            )
    servings = {(e.day, e.slot, e.food_id): e.servings for e in plan.entries}
    for m in profile.locked:
        got = servings.get((m.day, m.slot, m.food_id))
        if got is not None and abs(got - m.servings) > 1e-9:
            out.append(
                Violation(
                    "locked_meal",
                    f"locked {m.food_id} on day {m.day} {m.slot}: {got:g} servings, "
                    f"locked at {m.servings:g}",
                    m.day,
                )
            )


def _check_claimed_days(plan: Plan, days: list[DayCheck], out: list[Violation]) -> None:
    claimed = {d.day: d for d in plan.days}
    for check in days:
        c = claimed.get(check.day)
        if c is None:
            out.append(Violation("day_totals", f"day {check.day}: no totals in the plan"))
            continue
        pairs = [  # the stored precision of each day total (planner.model.assemble_plan)
            ("kcal", c.kcal, check.kcal, 0.1),
            ("protein_g", c.protein_g, check.protein_g, 0.1),
            ("b12_counted_ug", c.b12_counted_ug, check.b12_counted_ug, 0.001),
        ]
        if c.b12_absorbed_ug is not None:
            pairs.append(("b12_absorbed_ug", c.b12_absorbed_ug, check.b12_absorbed_ug, 0.001))
        for key, stated, actual, unit in pairs:
            if not _close(stated, actual, unit=unit):
                out.append(
                    Violation(
                        "day_totals",
                        f"day {check.day}: {key} stated {stated:g}, recomputed {actual:.4g}",
                        check.day,
                    )
                )
