"""Diet rules: which foods each diet allows, which B12 counts, and what each food is for in a meal.

Public surface: `label_foods(catalog)` (one row of labels per catalog food, cached per catalog),
`label_new_foods(foods, ingredients_text)` for foods outside the snapshot, `explain(food_id,
catalog)`, the `DIETS` presets with `allowed(labels, diet)` and `counted_b12_per_100g(labels,
diet)`, and `household_portions(catalog)` (which catalog portions are household measures). The
judgement lives in the editable tables under planner/rules/; see docs/datacard.md.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.catalog import Catalog
from planner.diets.animal import (
    Status,
    classify_names,
    judge_described_foods,
    judge_recipes,
    pop_plain_markers,
)
from planner.diets.b12 import b12_columns
from planner.diets.meals import assign_roles, find_exclusions, group_ids, serving_caps
from planner.diets.portions import household_portions
from planner.diets.rules import FLAGS, ROLES, SLOTS, Rules, load_rules
from planner.errors import InputError

__all__ = [
    "DIETS",
    "FLAGS",
    "LABEL_COLUMNS",
    "ROLES",
    "SLOTS",
    "Diet",
    "Explanation",
    "allowed",
    "counted_b12_per_100g",
    "explain",
    "household_portions",
    "label_foods",
    "label_new_foods",
]

LABEL_COLUMNS = (
    *FLAGS,
    "animal_flags",
    "vegan",
    "vegetarian",
    "diet_uncertain",
    "diet_reason",
    "b12_known",
    "b12_natural_ug",
    "b12_added_known",
    "fortified_inferred",
    "b12_reliable",
    "b12_unreliable_reason",
    "b12_counted_all_ug",
    "b12_counted_fortified_only_ug",
    "role",
    "roles",
    "slots",
    "plannable",
    "exclusion_reason",
    "group_id",
    "max_g_per_meal",
)


@dataclass(frozen=True)
class Diet:
    """A food rule (which foods) and a B12-source rule (which B12 counts toward targets)."""

    food_rule: str  # "omnivore" | "vegetarian" | "vegan"
    b12_rule: str  # "all" | "fortified_only"
    label: str = ""


DIETS: dict[str, Diet] = {
    "omnivore": Diet("omnivore", "all", "Omnivore: every food, all B12 sources"),
    "vegetarian": Diet(
        "vegetarian", "all", "Vegetarian (lacto-ovo: dairy, eggs, honey), all B12 sources"
    ),
    "vegan": Diet("vegan", "all", "Vegan: no animal-derived foods"),
    "fortified-only": Diet(
        "omnivore",
        "fortified_only",
        "Every food, but only fortified foods and supplements count toward B12 "
        "(NIH advice for adults over 50, low stomach acid, acid reducers, metformin)",
    ),
}


def _diet(diet: Diet | str) -> Diet:
    if isinstance(diet, Diet):
        if diet.food_rule not in ("omnivore", "vegetarian", "vegan"):
            raise InputError(
                f"unknown food rule {diet.food_rule!r}; use omnivore, vegetarian, vegan"
            )
        if diet.b12_rule not in ("all", "fortified_only"):
            raise InputError(f"unknown B12 rule {diet.b12_rule!r}; use all or fortified_only")
        return diet
    if diet not in DIETS:
        raise InputError(f"unknown diet {diet!r}; choose one of {', '.join(DIETS)}")
    return DIETS[diet]


def allowed(labels: pd.DataFrame, diet: Diet | str) -> pd.Series:
    """Foods the diet's food rule allows (planning exclusions are separate: `plannable`)."""
    rule = _diet(diet).food_rule
    if rule == "vegan":
        return labels["vegan"].astype(bool)
    if rule == "vegetarian":
        return labels["vegetarian"].astype(bool)
    return pd.Series(True, index=labels.index)


def counted_b12_per_100g(labels: pd.DataFrame, diet: Diet | str) -> pd.Series:
    """B12 (µg per 100 g) that counts toward targets under the diet's B12-source rule."""
    rule = _diet(diet).b12_rule
    column = "b12_counted_all_ug" if rule == "all" else "b12_counted_fortified_only_ug"
    return labels[column].astype("float64")


# ---------------------------------------------------------------------------------------------
# Labelling


def _override_applier(rules: Rules):
    by_food: dict[str, list] = {}
    for item in rules.overrides:
        by_food.setdefault(item.food_id, []).append(item)

    def apply(food_id: str, status: Status) -> None:
        for item in by_food.get(food_id, ()):
            why = f"override: {item.reason}"
            status.notes.append(f"override {item.field}={str(item.value).lower()}: {item.reason}")
            if item.field in FLAGS:
                if item.value:
                    status.flags[item.field] = why
                else:
                    status.flags.pop(item.field, None)
            elif item.field == "vegan_uncertain":
                status.vegan_uncertain = why if item.value else None
            elif item.field == "vegetarian_uncertain":
                status.vegetarian_uncertain = why if item.value else None

    return apply


def _finish(foods: pd.DataFrame, statuses: dict[str, Status], rules: Rules) -> pd.DataFrame:
    """Turn statuses into the label table: diet columns, B12, roles, exclusions, groups."""
    from planner.diets.animal import status_frame

    diet = status_frame(statuses, foods.index)
    b12 = b12_columns(foods, diet, diet["vegan"], rules)
    roles = assign_roles(foods, rules)
    reason = find_exclusions(foods, diet, roles["role"], rules)
    labels = pd.concat([diet, b12, roles], axis=1)
    labels["exclusion_reason"] = reason
    labels["plannable"] = reason.isna()
    labels["group_id"] = group_ids(foods, diet)
    labels["max_g_per_meal"] = serving_caps(foods, roles["role"], rules)["max_g_per_meal"]
    _apply_label_overrides(labels, rules)
    labels = labels[list(LABEL_COLUMNS)]
    labels.index.name = "food_id"
    return labels


def _apply_label_overrides(labels: pd.DataFrame, rules: Rules) -> None:
    for item in rules.overrides:
        if item.food_id not in labels.index:
            continue
        if item.field == "b12_reliable":
            labels.loc[item.food_id, "b12_reliable"] = bool(item.value)
            if not item.value:
                labels.loc[item.food_id, "b12_counted_all_ug"] = 0.0
                labels.loc[item.food_id, "b12_counted_fortified_only_ug"] = 0.0
                labels.loc[item.food_id, "b12_unreliable_reason"] = f"override: {item.reason}"
        elif item.field == "plannable":
            labels.loc[item.food_id, "plannable"] = bool(item.value)
            labels.loc[item.food_id, "exclusion_reason"] = (
                np.nan if item.value else f"override: {item.reason}"
            )
        elif item.field == "max_g_per_meal":
            labels.loc[item.food_id, "max_g_per_meal"] = float(item.value)
        elif item.field in ("role", "roles", "slots", "exclusion_reason", "group_id"):
            labels.loc[item.food_id, item.field] = item.value
            if item.field == "exclusion_reason":
                labels.loc[item.food_id, "plannable"] = False


def compute_labels(catalog: Catalog) -> pd.DataFrame:
    """Label every catalog food from scratch (label_foods caches this)."""
    rules = load_rules()
    foods = catalog.foods
    apply = _override_applier(rules)
    is_recipe = foods["source"] == "fndds"
    described = judge_described_foods(foods[~is_recipe], catalog.langual, rules)
    for food_id, status in described.items():
        apply(food_id, status)
    recipes = judge_recipes(foods[is_recipe], catalog.ingredients, described, rules, apply)
    return _finish(foods, {**described, **recipes}, rules)


_CACHE: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


def label_foods(catalog: Catalog) -> pd.DataFrame:
    """Labels for every food of the catalog, indexed like `catalog.foods` (cached per catalog).

    Treat the frame as read-only: every caller shares it.
    """
    key = id(catalog)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is catalog:
        return hit[1]
    from planner.diets.precomputed import labels_for

    labels = labels_for(catalog)
    _CACHE[key] = (weakref.ref(catalog, lambda _ref, key=key: _CACHE.pop(key, None)), labels)
    return labels


_SPLIT_INGREDIENTS = re.compile(r"[,;()\[\]{}]|\band\b|\bcontains\b|:|\.\s", re.IGNORECASE)
# Allergen cross-contact statements name what may be in the factory, not in the food.
_CROSS_CONTACT = re.compile(
    r"\b(may contain|may also contain|made on (shared )?equipment|(produced|processed|"
    r"manufactured|made|packed) (in|on) a (facility|plant|line)|traces of)\b[^.]*(\.|$)",
    re.IGNORECASE,
)


def label_new_foods(
    foods: pd.DataFrame, ingredients_text: dict[str, str] | None = None
) -> pd.DataFrame:
    """Labels for foods outside the snapshot (custom label foods, FDC API branded foods).

    `foods` needs `description` (index or `food_id` column = the ids); `category`, `source`,
    `b12_ug`, `b12_added_ug` are used when present. With an ingredient statement (from the
    label) every listed ingredient is judged; without one, the name and category decide, and
    anything unknown is uncertain (never vegan).
    """
    frame = foods.copy()
    if "food_id" in frame.columns:
        frame = frame.set_index("food_id")
    if "description" not in frame.columns:
        raise InputError("new foods need a 'description' column")
    for column, default in (
        ("category", ""),
        ("source", "fdc"),
        ("additional_description", np.nan),
        ("b12_ug", np.nan),
        ("b12_added_ug", np.nan),
    ):
        if column not in frame.columns:
            frame[column] = default
    frame["b12_ug"] = pd.to_numeric(frame["b12_ug"], errors="coerce")
    frame["b12_added_ug"] = pd.to_numeric(frame["b12_added_ug"], errors="coerce")
    # New foods have no recipes in the snapshot: judge them with SR rules unless a statement says.
    frame["source"] = frame["source"].where(frame["source"] != "fndds", "fdc")
    rules = load_rules()
    apply = _override_applier(rules)
    statuses = judge_described_foods(frame, pd.DataFrame(columns=["food_id", "factor_code"]), rules)
    texts = ingredients_text or {}
    for food_id in frame.index:
        statement = texts.get(food_id)
        if statement and statement.strip():
            statuses[food_id] = _judge_statement(
                frame.loc[food_id, "description"], statement, rules
            )
        apply(food_id, statuses[food_id])
    return _finish(frame, statuses, rules)


def _judge_statement(name: str, statement: str, rules: Rules) -> Status:
    """A food with an ingredient statement: its name plus every listed ingredient."""
    own = classify_names(pd.Series([name]), pd.Series([False]), rules)[0]
    pop_plain_markers(own)
    status = Status(dict(own.flags), own.vegan_uncertain, own.vegetarian_uncertain)
    statement = _CROSS_CONTACT.sub(" ", statement)
    parts = [p.strip() for p in _SPLIT_INGREDIENTS.split(statement) if p and p.strip()]
    if not parts:
        status.vegan_uncertain = "the ingredient statement is empty"
        return status
    judged = classify_names(pd.Series(parts), pd.Series(True, index=range(len(parts))), rules)
    for part, child in zip(parts, judged, strict=True):
        pop_plain_markers(child)
        status.merge(child, f"label ingredient '{part}'")
    return status


@dataclass(frozen=True)
class Explanation:
    """Why a food is (not) allowed, what B12 counts, and what it is for in a meal."""

    food_id: str
    text: str

    def __str__(self) -> str:
        return self.text


def explain(food_id: str, catalog: Catalog) -> Explanation:
    """The decisive rule or ingredient chain behind a food's labels, in plain words."""
    food = catalog.food(food_id)
    row = label_foods(catalog).loc[food_id]

    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    lines = [f"{food['description']}  [{food_id}]"]
    lines.append(f"vegan: {yes(row['vegan'])}; vegetarian: {yes(row['vegetarian'])}")
    if row["animal_flags"]:
        lines.append(f"animal content: {row['animal_flags']}")
    if row["diet_uncertain"]:
        lines.append("status not fully established: treated as not allowed (precision over recall)")
    for part in str(row["diet_reason"]).split("; "):
        lines.append(f"  - {part}")
    b12 = food["b12_ug"]
    if pd.isna(b12):
        lines.append("B12: not reported by the source (unknown, counts 0)")
    else:
        added = food["b12_added_ug"]
        added_text = (
            f"{added:g} µg added"
            if pd.notna(added)
            else (
                "added amount not reported, fortification inferred"
                if row["fortified_inferred"]
                else "added amount not reported"
            )
        )
        lines.append(f"B12: {b12:g} µg per 100 g listed ({added_text})")
        if not row["b12_reliable"]:
            lines.append(f"  - only added B12 counts: {row['b12_unreliable_reason']}")
        lines.append(
            f"  - counts {row['b12_counted_all_ug']:g} µg under 'all sources', "
            f"{row['b12_counted_fortified_only_ug']:g} µg under 'fortified and supplements only'"
        )
    lines.append(f"role: {row['role']} (can be: {row['roles']}); slots: {row['slots']}")
    if pd.notna(row["max_g_per_meal"]):
        cap = serving_caps(
            catalog.foods.loc[[food_id]], pd.Series([row["role"]], [food_id]), load_rules()
        )
        lines.append(f"at most {row['max_g_per_meal']:g} g per meal ({cap['max_g_reason'].iat[0]})")
    if row["plannable"]:
        lines.append("planned: yes")
    else:
        lines.append(f"planned: no ({row['exclusion_reason']})")
    lines.append(f"near-duplicate group: {row['group_id']}")
    return Explanation(food_id, "\n".join(lines))
