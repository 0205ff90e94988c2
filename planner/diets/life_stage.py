"""Foods not planned for a life stage: coffee, tea, soft and sports drinks for children; flavored
milks, shakes, fruit drinks and other sweet drinks for children 1-8; and energy drinks for
children, teens, pregnancy and lactation.

The judgement lives in planner/rules/life_stage_foods.csv (one row per rule, with its source);
this module only applies it. The planner (planner.model) drops these foods from the candidates
and the independent verifier (planner.verify) reports a plan that has one, so both read the
same table through `life_stage_reasons`.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from planner.catalog import Catalog
from planner.diets.rules import RULES_DIR, _choice, _compile, _reason, contains, read_table
from planner.errors import DataError

LIFE_STAGE_RULES_FILE = "life_stage_foods.csv"
COLUMNS = ("stages", "catalog", "category", "pattern", "unless", "reason", "source")


@dataclass(frozen=True)
class StageRule:
    """One row of life_stage_foods.csv: which stages, which foods, why, and from where."""

    stages: tuple[str, ...]
    catalog: str  # "fndds", "sr" (SR and FDC foods) or "all"
    category: re.Pattern[str] | None
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    reason: str
    source: str


@lru_cache(maxsize=1)
def load_stage_rules() -> tuple[StageRule, ...]:
    """The rule table, checked: unknown stages or broken patterns are a DataError."""
    from planner.profile import LIFE_STAGES  # lazy: planner.profile imports planner.diets

    path = str(RULES_DIR / LIFE_STAGE_RULES_FILE)
    rules = []
    for row in read_table(LIFE_STAGE_RULES_FILE, COLUMNS):
        stages = tuple(s.strip() for s in row["stages"].split(",") if s.strip())
        unknown = [s for s in stages if s not in LIFE_STAGES]
        if not stages or unknown:
            raise DataError(
                f"unknown life stages {unknown} (use {', '.join(LIFE_STAGES)})"
                if unknown
                else "name at least one life stage",
                path=path,
                row=int(row["_line"]),
                column="stages",
            )
        if not row["source"].strip():
            raise DataError(
                "every rule needs a source", path=path, row=int(row["_line"]), column="source"
            )
        rules.append(
            StageRule(
                stages,
                _choice(path, row, "catalog", ("fndds", "sr", "all")),
                _compile(path, row, "category", words=False),
                _compile(path, row, "pattern", words=False),
                _compile(path, row, "unless", words=False),
                _reason(path, row),
                row["source"].strip(),
            )
        )
    return tuple(rules)


def stage_rules(stage: str) -> tuple[StageRule, ...]:
    """The rules that apply to one life stage (none for adults)."""
    return tuple(rule for rule in load_stage_rules() if stage in rule.stages)


def stage_summary(stage: str) -> str | None:
    """What the rules leave out for `stage`, in a few words for the plan's notes (None when
    nothing is), so a parent sees why there is no tea or soda rather than wondering."""
    kinds: list[str] = []
    for rule in stage_rules(stage):
        kind = rule.reason.split(" (")[0].split(",")[0].strip()
        if kind and kind not in kinds:
            kinds.append(kind)
    if not kinds:
        return None
    return f"Left out at this life stage: {'; '.join(kinds)} (planner/rules/life_stage_foods.csv)."


def life_stage_reasons(foods: pd.DataFrame, stage: str) -> pd.Series:
    """Why each food is not planned for `stage` (NaN where it is fine), first matching rule.

    `foods` needs `description`, `category` and `source` columns (catalog.foods or a subset,
    or the planner's candidate pool); the result has the same index.
    """
    reason = pd.Series(np.nan, index=foods.index, dtype="object")
    rules = stage_rules(stage)
    if not rules or foods.empty:
        return reason
    names = foods["description"].fillna("").astype(str)
    categories = foods["category"].fillna("").astype(str)
    is_fndds = foods["source"].fillna("").astype(str) == "fndds"
    for rule in rules:
        todo = reason.isna()
        if rule.catalog == "fndds":
            todo &= is_fndds
        elif rule.catalog == "sr":
            todo &= ~is_fndds
        # Each test runs only on the foods still in question: the name patterns are the slow part.
        for texts, regex, wanted in (
            (categories, rule.category, True),
            (names, rule.pattern, True),
            (names, rule.unless, False),
        ):
            if regex is not None and todo.any():
                todo[todo] = contains(texts[todo], regex).to_numpy() == wanted
        reason[todo] = rule.reason
    return reason


_CACHE: dict[tuple[int, str], tuple[weakref.ref, pd.Series]] = {}


def catalog_life_stage_reasons(catalog: Catalog, stage: str) -> pd.Series:
    """`life_stage_reasons` over every catalog food, cached per catalog and stage.

    Treat the result as read-only: every caller shares it.
    """
    key = (id(catalog), stage)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is catalog:
        return hit[1]
    reasons = life_stage_reasons(catalog.foods, stage)
    _CACHE[key] = (weakref.ref(catalog, lambda _ref, key=key: _CACHE.pop(key, None)), reasons)
    return reasons


def unsuitable_for_stage(catalog: Catalog, stage: str) -> pd.Series:
    """True for each catalog food that is not planned for `stage` (indexed like catalog.foods)."""
    return catalog_life_stage_reasons(catalog, stage).notna()
