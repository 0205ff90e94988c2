"""Building and solving weekly meal plans: a PuLP model per day, a weekly LP for the bound.

How it works (docs/planner.md has every constraint name and the reasons):

1. Candidates: plannable, diet-allowed foods with a household portion and known energy,
   protein, sodium and B12; one representative per near-duplicate group; per meal slot only the
   foods whose `slots` include it.
2. A weekly LP relaxation over every candidate in every slot on every day, built straight into
   HiGHS from numpy arrays (no per-variable Python work). Its optimum is a valid lower bound
   for the whole week's problem, and its solution and reduced costs choose the columns.
3. One small integer model per day (PuLP; HiGHS by default, CBC as fallback) over the chosen
   columns, with the weekly rules carried forward: uses per food, distinct foods so far,
   yesterday's mains.
4. The result is accepted only on an optimal or feasible solution status and is then checked
   again, constraint by constraint, by the independent `planner.verify`.

When no plan exists, `planner.diagnose` explains why in plain words (NoPlanError).
"""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import pulp

from planner.catalog import Catalog
from planner.diets import household_portions
from planner.diets.life_stage import catalog_life_stage_reasons, stage_summary
from planner.errors import InputError, NoPlanError
from planner.plan import (
    EFFORTS,
    DayTotals,
    Plan,
    PlanEntry,
    SolverInfo,
    SupplementDose,
    Targets,
    default_time_limit,
)
from planner.profile import (
    FOOD_BOUND_B12_SOURCES,
    SUPPLEMENT_STRENGTHS_UG,
    WEEKLY_SUPPLEMENT_UG,
    LockedMeal,
    MealSlot,
    Profile,
    parse_profile,
    stage_label,
)

# --- B12 absorption: Model A of docs/planner.md (b12-domain reference, section 3.2) ---------
# Absorbed µg per eating occasion = min over segments of (c + s * dose µg): a concave curve
# through (0, 0), (1, 0.5), (5, 1.0), (25, 1.25), then 1 % of the dose.
ABSORPTION_SEGMENTS: tuple[tuple[float, float], ...] = (
    (0.0, 0.5),
    (0.375, 0.125),
    (0.9375, 0.0125),
    (1.0, 0.01),
)
# In absorption-aware food-only plans no single occasion may supply more than this share of a
# day's absorbed target, so B12 comes from at least two eating occasions a day (the Vegan
# Society's "fortified foods two or three times a day").
B12_SPREAD_SHARE = 0.75

# --- objective weights (penalty points; docs/planner.md "Objective") ------------------------
W_KCAL_PER_PCT = 0.1  # per 1 % of the energy target missed (either way), per day
W_SODIUM_PER_100MG = 0.3  # per 100 mg sodium
W_PROTEIN_PER_G = 0.25  # per g below the protein goal
PROTEIN_GOAL_FACTOR = 1.25  # goal = 1.25 x the protein minimum (the minimum itself is hard)
W_FIBRE_PER_G = 0.5  # per g of fibre below the goal
FIBRE_G_PER_1000_KCAL = 14.0  # Dietary Guidelines for Americans 2020-2025 fibre goal
W_ITEM = 0.5  # per food placed in a meal: simpler meals
# Per food placed from an ingredient-style source: FNDDS lists foods as eaten (WWEIA) with
# household portions; SR and FDC Foundation list ingredients ("Sorghum grain", "Caribou").
SOURCE_ITEM_COST = {"fndds": 0.0, "sr": 1.5, "fdc": 1.5}
W_SHUFFLE = 2.0  # per food placed, times a seeded uniform(0, 1) per food, slot and day
FAT_MAX_SHARE = 0.35  # fat at most 35 % of energy (IOM 2005 AMDR, adults): fat_day{d}_max
AMOUNT_LEVELS = (1, 2, 3, 4, 6)  # half portions: 0.5, 1, 1.5, 2 or 3 portions
PRESELECT_PER_ROLE = 40  # candidates kept per slot and role (and per slot for B12)
# effort="thorough" plans the week again over this many and keeps the better week: measured
# on 4 presets x seeds 0-9, 0.24 % lower objectives in sum in 2.2 times the time; 4 more
# rounds of the recombination instead gained 0.04 % (seeds 0-2) for 60 % more time.
THOROUGH_PER_ROLE = 80
FAVOURITE_BONUS = 2.0  # per placement of a favourite food
PANTRY_BONUS = 3.0  # per placement of a pantry food
# "Extras" may supply at most this share of the day's energy target (plans look like meals,
# not like oil and juice): named energy_day{d}_{role}_max.
ROLE_KCAL_MAX_SHARE = {"sweet": 0.10, "fat_condiment": 0.10, "beverage": 0.15}
# Foods whose household portion is under this many grams are planned in whole portions only
# (a slice of bread, a tablespoon of oil), larger ones in half portions too.
WHOLE_PORTION_BELOW_G = 100.0

MAX_HALF_PORTIONS = 6  # at most 3 household portions of one food in one meal
TYPICAL_GRAMS = {
    "protein": 100,
    "grain": 60,
    "vegetable": 100,
    "fruit": 130,
    "dairy_alt": 240,
    "beverage": 240,
    "mixed_dish": 250,
    "sweet": 50,
    "fat_condiment": 15,
    "other": 100,
}
MAX_GRAMS = {
    "protein": 250,
    "grain": 250,
    "vegetable": 300,
    "fruit": 300,
    "dairy_alt": 500,
    "beverage": 500,
    "mixed_dish": 500,
    "sweet": 150,
    "fat_condiment": 40,
    "other": 200,
}
TYPICAL_KCAL = {
    "protein": 200,
    "grain": 180,
    "vegetable": 60,
    "fruit": 90,
    "dairy_alt": 130,
    "beverage": 100,
    "mixed_dish": 350,
    "sweet": 180,
    "fat_condiment": 70,
    "other": 150,
}
MAX_KCAL_FACTOR = 2.5  # at most 2.5 x a typical serving's energy of one food in one meal
# Children eat smaller servings: for them the typical servings above and every cap scale with
# the day's energy target against an adult's 2,000 kcal (a 1-3 year old at 1,200 kcal gets
# 0.6), never below half; adults, teens, pregnancy and lactation keep adult servings.
PORTION_REFERENCE_KCAL = 2000.0
MIN_PORTION_SCALE = 0.5
CHILD_STAGES = ("child-1-3", "child-4-8", "child-9-13")
# Portions a person cannot measure or that are not household measures.
UNUSABLE_PORTION = re.compile(
    r"quantity not specified|guideline amount|yields|cubic inch|surface inch|calorie package"
    r"|^1 (?:g|gram|lb|kg)\b|^100 ?g",
    re.IGNORECASE,
)
COLUMNS_PER_ROLE = (1, 4)  # columns per day, slot and role from the LP (first try, retry)
DAY_MIP_GAP = 0.005  # relative gap at which a day's integer model stops
# A day model stops at DAY_MIP_GAP or after DAY_NODES nodes (work limits): the hardest day
# models of 4 presets x seeds 0-9 took at most 0.6 s and 841 nodes here. The clock is only a
# safety net, set well above that (and a day gets at most its share of the time limit) so a
# busy machine (measured: six busy processes plus other sessions, load 8-10, on two
# cores) still stops on work and gives the same plan.
DAY_TIME_CAP = 10.0
DAY_NODES = 1_500
# HiGHS options for the day models: without RINS/RENS sub-MIPs and restarts they stop at the
# gap 2-3x sooner here (docs/performance.md). Stopping on the gap, not on the clock, keeps
# "same profile and seed, same plan" true on a busy machine.
HIGHS_DAY_OPTIONS = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_allow_restart": False,
    "mip_pool_soft_limit": 1,  # a small cut pool: about 2x faster day models, same plans
}
DAY_LP_COLUMNS_PER_ROLE = 2  # columns per slot and role from each day's own LP
# The week's bound (`lagrangian_bound`) and the improvement pass (`improve_week`).
DAY_BOUND_RC = 0.5  # first reduced-cost window (points) of a day's bound model
DAY_BOUND_GAP = 5e-4  # relative gap at which a day's bound model stops
DAY_BOUND_RETRIES = 2  # wider windows tried when the first one limits the proof
DAY_BOUND_FIRST_NODES = 40  # nodes per day in the first pass over the days
DAY_BOUND_NODES = 10_000  # nodes per bound model after that (a work limit)
DAY_BOUND_TIME_CAP = 3.0  # safety net per bound model
# Then the day-by-day week is recombined (`Recombination`): column generation over day
# plans. Each round prices every day at the restricted master's prices for the weekly rules
# (a reduced-cost window and a node limit per round); cheap rounds (each priced day's root
# only) move the prices, a last round with 80 nodes finds the plans they point to, and the
# master's integer program picks the best week its day plans make. Measured on 4 presets x
# seeds 0-9 (docs/performance.md): objectives 0.84 % lower in sum than the pairs-of-days pass
# this replaced, in 20 % more time; with the scarcity-priced day-by-day start and warm day
# LPs, four cheap rounds do as well as five did (run T). Rounds, windows and nodes are work
# limits, not a clock.
RECOMBINE_ROUNDS = ((0.15, 1),) * 4 + ((0.2, 80),)
# The last round searches for plans, not for a proof: branching on pseudo-costs at once
# instead of strong branching first halves its models' time (80 nodes then cost less than
# 50 did; the sum over 40 weeks moved 0.04 %: performance.md, run T).
RECOMBINE_SEARCH_OPTIONS = {"mip_pscost_minreliable": 0}
RECOMBINE_WORKERS = 2  # priced day models solved side by side (HiGHS releases the GIL)
RECOMBINE_MASTER_NODES = 2_000  # nodes of the master's integer program
# Then each day once more on its own, the other days fixed, solved to optimality over a
# wider window (or DAY_PASS_NODES nodes): the priced plans were only as good as one node or
# eighty let them be. Measured before the recombination existed, on 4 presets x seeds 0-2:
# objectives 0.45 % lower in sum, every plan as good or better (docs/performance.md).
DAY_PASS_RC = 0.1
DAY_PASS_NODES = 100
DAY_PASS_TIME_CAP = 10.0  # safety net per day (as DAY_TIME_CAP: the node limit stops it)
PACED_NEW_FOOD_COST = 1.0  # the retry's extra cost per placement of a food not used before
SOLVERS = ("highs", "cbc")
NUM_TOL = 1e-6


# ============================================================================================
# Candidates
# ============================================================================================


@dataclass(frozen=True)
class Candidates:
    """Foods that may appear in the plan, with per-half-portion values as numpy arrays."""

    ids: np.ndarray
    id_hash: np.ndarray  # a stable 64-bit hash per food id: the seeded preference's input
    frame: pd.DataFrame  # index food_id: description, portion, portion_grams, category, role
    half_grams: np.ndarray
    cap: np.ndarray  # max half portions per meal
    kcal: np.ndarray  # per half portion
    protein: np.ndarray
    sodium: np.ndarray
    b12: np.ndarray  # listed in the catalog
    b12c: np.ndarray  # counted under the diet's B12 rule
    fibre: np.ndarray  # per half portion (0 where the catalog does not report fibre)
    fat: np.ndarray  # per half portion
    source_cost: np.ndarray  # SOURCE_ITEM_COST of the food's source
    price: np.ndarray  # per half portion (0 without prices)
    min_half: np.ndarray  # smallest amount in half portions: 2 (whole) or 1 (half)
    roles: list[frozenset[str]]
    favourite: np.ndarray
    pantry: np.ndarray
    members: dict[str, np.ndarray]  # profile slot -> candidate positions allowed there
    day_members: dict[tuple[int, str], np.ndarray]  # (day, slot) -> pre-selected positions
    position: dict[str, int]


@dataclass(frozen=True)
class Regimen:
    """A supplement regimen: tablets of `strength_ug` daily, or one weekly dose."""

    kind: Literal["none", "daily", "weekly"] = "none"
    strength_ug: float = 0.0
    slot: str = "breakfast"

    def dose(self, day: int, slot: str) -> float:
        if self.kind == "daily" and slot == self.slot:
            return self.strength_ug
        if self.kind == "weekly" and slot == self.slot and day % 7 == 1:
            return self.strength_ug
        return 0.0

    def doses(self, n_days: int) -> list[SupplementDose]:
        if self.kind == "none":
            return []
        days = range(1, n_days + 1) if self.kind == "daily" else range(1, n_days + 1, 7)
        return [
            SupplementDose(day=d, slot=self.slot, strength_ug=self.strength_ug, count=1)
            for d in days
        ]

    def describe(self) -> str:
        if self.kind == "daily":
            return f"one {self.strength_ug:g} µg B12 tablet daily with {self.slot}"
        if self.kind == "weekly":
            return f"one {self.strength_ug:g} µg B12 tablet once a week with {self.slot}"
        return "no supplement"


@dataclass
class Problem:
    """Everything the model needs, resolved from a profile, a catalog and the diet labels."""

    profile: Profile
    catalog: Catalog
    labels: pd.DataFrame
    targets: Targets
    cands: Candidates
    slots: list[MealSlot]
    n_days: int
    regimen: Regimen = field(default_factory=Regimen)
    absorption: bool = False
    locked: list[LockedMeal] = field(default_factory=list)

    @property
    def weekly_rule(self) -> bool:
        return self.regimen.kind == "weekly"

    @property
    def spread(self) -> bool:
        return self.absorption and self.regimen.kind == "none"

    def week_of(self, day: int) -> int:
        return (day - 1) // 7

    def shuffle_costs(self, day: int, slot_index: int, positions: np.ndarray) -> np.ndarray:
        """Seeded uniform(0, 1) per food, slot and day: the same for any candidate subset."""
        return _hash_uniform(self.cands.id_hash[positions], self.profile.seed, day, slot_index)


def _id_hashes(food_ids: np.ndarray) -> np.ndarray:
    """Hash the ids once per candidate set: hashing strings is the slow part (~0.1 s a plan)."""
    return pd.util.hash_array(np.asarray(food_ids, dtype=object)).astype(np.uint64)


def _hash_uniform(base: np.ndarray, seed: int, day: int, slot_index: int) -> np.ndarray:
    """Seeded uniform(0, 1) from the ids' hashes (`_id_hashes`): splitmix64 of hash ^ seed mix."""
    mix = np.uint64((seed * 1_000_003 + day * 7_919 + slot_index * 104_729) & 0xFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        z = base ^ (mix * np.uint64(0x9E3779B97F4A7C15))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def portion_scale(profile: Profile) -> float:
    """How big this person's servings are against an adult's (see PORTION_REFERENCE_KCAL)."""
    if profile.stage not in CHILD_STAGES:
        return 1.0
    kcal = profile.targets().kcal_per_day
    return float(min(1.0, max(MIN_PORTION_SCALE, kcal / PORTION_REFERENCE_KCAL)))


def choose_portions(
    portions: pd.DataFrame, roles: pd.Series, kcal_per_100g: pd.Series, scale: float = 1.0
) -> pd.DataFrame:
    """Per food, the household portion closest to a typical serving of its role (times
    `scale`, smaller for children).

    "Closest" adds the ratio distance in grams and in energy, so a cup of prunes (420 kcal)
    loses to a smaller measure. Returns `portion` and `portion_grams` indexed by food_id;
    foods without a usable household measure are absent.
    """
    frame = portions[roles.index.unique().get_indexer(portions["food_id"]) >= 0]  # isin: 10x slower
    frame = frame[~frame["portion"].str.contains(UNUSABLE_PORTION) & (frame["grams"] > 0)]
    role = frame["food_id"].map(roles).astype(str)
    limit = role.map(MAX_GRAMS).fillna(200.0) * 2 * scale
    keep = frame["grams"] <= limit
    frame, role = frame[keep], role[keep]
    grams = frame["grams"].to_numpy()
    kcal = frame["food_id"].map(kcal_per_100g).to_numpy(dtype=float) * grams / 100.0
    typical_g = role.map(TYPICAL_GRAMS).fillna(100.0).to_numpy() * scale
    typical_kcal = role.map(TYPICAL_KCAL).fillna(150.0).to_numpy() * scale
    score = np.abs(np.log(grams / typical_g)) + np.abs(np.log(np.maximum(kcal, 1.0) / typical_kcal))
    frame = frame.assign(_score=score).sort_values(["food_id", "_score", "seq"])
    best = frame.drop_duplicates("food_id").set_index("food_id")
    return best[["portion", "grams"]].rename(columns={"grams": "portion_grams"})


def _split_list(value: Any) -> frozenset[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return frozenset()
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(v) for v in value)
    return _split_text(str(value))


@functools.lru_cache(maxsize=4096)
def _split_text(text: str) -> frozenset[str]:
    """Cached: a catalog repeats a few hundred role and slot lists over thousands of foods."""
    return frozenset(p.strip() for p in text.split(",") if p.strip())


def diet_for(profile: Profile) -> Any:
    """The planner.diets Diet for a profile: the preset, with any overridden rule."""
    from planner import diets

    preset = diets.DIETS[profile.diet]
    if profile.food_rule is None and profile.resolved_b12_counting == preset.b12_rule:
        return preset
    return diets.Diet(
        food_rule=profile.resolved_food_rule,
        b12_rule=profile.resolved_b12_counting,
    )


def counted_b12(labels: pd.DataFrame, profile: Profile) -> pd.Series:
    """Counted B12 per 100 g under the profile's B12 rule (0 where unreliable or unknown)."""
    from planner import diets

    return diets.counted_b12_per_100g(labels, diet_for(profile)).fillna(0.0).astype(float)


def allowed_foods(labels: pd.DataFrame, profile: Profile) -> pd.Series:
    from planner import diets

    return diets.allowed(labels, diet_for(profile)).reindex(labels.index, fill_value=False)


def build_candidates(
    profile: Profile,
    catalog: Catalog,
    labels: pd.DataFrame,
    *,
    dedupe: bool = True,
    preselect: bool = True,
    per_role: int = PRESELECT_PER_ROLE,
) -> Candidates:
    """Plannable, allowed foods with a household portion and complete nutrients, per slot
    (per day the best `per_role` of each role, see `_preselect`)."""
    foods = catalog.foods
    allowed = allowed_foods(labels, profile)
    plannable = labels["plannable"].fillna(False).astype(bool)
    keep_ids = set(profile.favourites) | set(profile.pantry) | {m.food_id for m in profile.locked}
    for food_id in sorted(keep_ids):
        if food_id not in foods.index:
            raise InputError(
                f"no food with id {food_id!r} in the catalog (a favourite, pantry or locked "
                "food); find ids with `b12plan foods --search TEXT`"
            )
    locked_ids = {m.food_id for m in profile.locked}
    for food_id in sorted(locked_ids):
        if not bool(allowed.get(food_id, False)):
            raise InputError(
                f"locked food {food_id} ({foods.at[food_id, 'description']}) is not allowed "
                f"in a {profile.diet} diet; unlock it or choose another diet"
            )
    for food_id in profile.exclude_foods:
        if food_id not in foods.index:
            raise InputError(
                f"cannot exclude {food_id!r}: no such food id in the catalog; "
                "find ids with `b12plan foods --search TEXT`"
            )
    # Foods not for this life stage (planner/rules/life_stage_foods.csv: no coffee for a child,
    # no energy drinks in pregnancy). A favourite or locked one was asked for by name: refuse it
    # with the reason rather than drop it silently; a pantry one is simply not planned.
    stage = profile.stage
    stage_reasons = catalog_life_stage_reasons(catalog, stage)
    unsuitable = stage_reasons[stage_reasons.notna()]
    for food_id in dict.fromkeys([*profile.favourites, *sorted(locked_ids)]):
        if food_id in unsuitable.index:
            what, fix = (
                ("locked", "unlock it")
                if food_id in locked_ids
                else ("favourite", "remove it from the favourites")
            )
            raise InputError(
                f"{what} food {food_id} ({foods.at[food_id, 'description']}) is not planned for "
                f"{stage_label(stage)}: {unsuitable[food_id]}; {fix}"
            )
    mask = allowed & (plannable | labels.index.isin(list(keep_ids)))
    mask &= ~labels.index.isin(profile.exclude_foods)
    mask &= ~labels.index.isin(unsuitable.index)
    pool = labels[mask].join(
        foods[
            [
                "description",
                "category",
                "source",
                "kcal",
                "protein_g",
                "fat_g",
                "fiber_g",
                "sodium_mg",
                "b12_ug",
            ]
        ],
        how="inner",
    )
    pool = pool[pool[["kcal", "protein_g", "fat_g", "sodium_mg", "b12_ug"]].notna().all(axis=1)]
    pool = pool[pool["kcal"] > 0]
    if profile.exclude_categories:
        wanted = {c.strip().lower() for c in profile.exclude_categories}
        known_categories = set(foods["category"].dropna().str.lower())
        unknown = sorted(wanted - known_categories - set(_role_names()))
        if unknown:
            raise InputError(
                f"unknown categories to exclude: {unknown}; use catalog categories "
                f"(see `b12plan foods`) or roles {list(_role_names())}"
            )
        roles = pool["roles"].map(_split_list)
        drop = pool["category"].fillna("").str.lower().isin(wanted)
        drop |= roles.map(lambda r: bool(r & wanted)).astype(bool)
        pool = pool[~drop]

    if dedupe and "group_id" in pool.columns and len(pool):
        pool = _group_representatives(pool, keep_ids, counted_b12(pool, profile))

    # Only household measures a person can use ("1 cup", "1 slice"), never "0.2 package".
    usable = household_portions(catalog)
    scale = portion_scale(profile)
    chosen = choose_portions(usable[usable["usable"]], pool["role"], pool["kcal"], scale)
    missing_locked = sorted(i for i in locked_ids if i not in chosen.index)
    if missing_locked:
        raise InputError(
            f"locked food {missing_locked[0]} has no household portion in the catalog, so it "
            "cannot be planned in servings; unlock it"
        )
    pool = pool.join(chosen, how="inner").sort_index()
    half = pool["portion_grams"].to_numpy() / 2.0
    role = pool["role"].astype(str).to_numpy()
    # Per-food caps from the diet rules (serving_caps.csv) replace the role default where set.
    role_max = np.array([MAX_GRAMS.get(r, 200) for r in role], dtype=float)
    if "max_g_per_meal" in pool.columns:
        max_grams = pool["max_g_per_meal"].fillna(pd.Series(role_max, index=pool.index))
        max_grams = max_grams.to_numpy(dtype=float) * scale
    else:
        max_grams = role_max * scale
    half_kcal = pool["kcal"].to_numpy() * half / 100.0
    max_kcal = np.array([MAX_KCAL_FACTOR * TYPICAL_KCAL.get(r, 150) for r in role]) * scale
    cap = np.minimum(MAX_HALF_PORTIONS, np.floor(max_grams / half))
    cap = np.minimum(cap, np.floor(max_kcal / np.maximum(half_kcal, 1e-9))).astype(int)
    # A food whose smallest amount (a whole portion when portions are small) exceeds its cap
    # cannot be placed: drop it rather than push it past the cap (locked foods stay).
    smallest = np.where(pool["portion_grams"].to_numpy() < WHOLE_PORTION_BELOW_G, 2, 1)
    ok = cap >= smallest
    lock_mask = pool.index.isin(list(locked_ids))
    pool, half, cap = pool[ok | lock_mask], half[ok | lock_mask], np.maximum(cap, 1)[ok | lock_mask]
    factor = half / 100.0
    prices = {p.food_id: p.per_100g for p in profile.prices}
    unknown_prices = sorted(set(prices) - set(foods.index))
    if unknown_prices:
        raise InputError(f"price given for unknown food id {unknown_prices[0]!r}")
    per_100g = pd.Series([prices.get(i, np.nan) for i in pool.index], index=pool.index)
    if prices:
        # A food without a price is not free, or every priced food would lose to unpriced
        # ones: it costs the median price per 100 g of the priced foods of its role (else of
        # all priced foods). Only the objective uses this estimate; the plan's cost shows
        # unpriced foods as unpriced.
        by_role = per_100g.groupby(pool["role"]).transform("median")
        per_100g = per_100g.fillna(by_role).fillna(per_100g.median())
    price = per_100g.fillna(0.0).to_numpy(dtype=float) * factor
    b12c = counted_b12(pool, profile).to_numpy() * factor
    ids = pool.index.to_numpy(dtype=object)
    roles = [_split_list(r) | {str(m)} for r, m in zip(pool["roles"], pool["role"], strict=True)]
    cslots = [_split_list(s) for s in pool["slots"]]
    position = {food_id: i for i, food_id in enumerate(ids)}
    id_hash = _id_hashes(ids)
    sodium_portion = pool["sodium_mg"].to_numpy() * half * 2 / 100.0
    static = (
        pool["source"].map(SOURCE_ITEM_COST).fillna(1.5).to_numpy(dtype=float)
        + W_SODIUM_PER_100MG * sodium_portion / 100.0
    )
    b12_density = b12c / np.maximum(pool["kcal"].to_numpy() * factor, 1.0)
    kept = np.array([i in keep_ids for i in ids], dtype=bool)
    members: dict[str, np.ndarray] = {}
    day_members: dict[tuple[int, str], np.ndarray] = {}
    days = range(1, profile.days + 1)
    for si, slot in enumerate(profile.slots):
        here = np.array([i for i, s in enumerate(cslots) if slot.foods_from in s], dtype=np.int64)
        if preselect:
            chosen = _preselect(
                here, id_hash, roles, static, b12_density, kept, profile.seed, si, days, per_role
            )
        else:
            chosen = {d: here for d in days}
        for d in days:
            day_members[(d, slot.name)] = chosen[d]
        members[slot.name] = np.unique(np.concatenate([chosen[d] for d in days]))
    for lock in profile.locked:  # a locked food stays in its slot even if not usual there
        pos = position[lock.food_id]
        key = (lock.day, lock.slot)
        if key in day_members and pos not in set(day_members[key].tolist()):
            day_members[key] = np.sort(np.append(day_members[key], pos))
        if pos not in set(members[lock.slot].tolist()):
            members[lock.slot] = np.sort(np.append(members[lock.slot], pos))
        cap[pos] = max(int(cap[pos]), int(round(lock.servings * 2)))
    frame = pool[["description", "category", "portion", "portion_grams", "role"]].copy()
    min_half = np.where(pool["portion_grams"].to_numpy() < WHOLE_PORTION_BELOW_G, 2, 1)
    cap = np.maximum(cap, min_half)
    return Candidates(
        ids=ids,
        id_hash=id_hash,
        frame=frame,
        half_grams=half,
        cap=cap,
        kcal=pool["kcal"].to_numpy() * factor,
        protein=pool["protein_g"].to_numpy() * factor,
        sodium=pool["sodium_mg"].to_numpy() * factor,
        b12=pool["b12_ug"].to_numpy() * factor,
        b12c=b12c,
        fibre=pool["fiber_g"].fillna(0.0).to_numpy() * factor,
        fat=pool["fat_g"].to_numpy() * factor,
        source_cost=pool["source"].map(SOURCE_ITEM_COST).fillna(1.5).to_numpy(dtype=float),
        price=price,
        min_half=min_half,
        roles=roles,
        favourite=pool.index.isin(profile.favourites),
        pantry=pool.index.isin(profile.pantry),
        members=members,
        day_members=day_members,
        position=position,
    )


def _preselect(
    here: np.ndarray,
    id_hash: np.ndarray,
    roles: list[frozenset[str]],
    static: np.ndarray,
    b12_density: np.ndarray,
    kept: np.ndarray,
    seed: int,
    slot_index: int,
    days: Sequence[int],
    per_role: int = PRESELECT_PER_ROLE,
) -> dict[int, np.ndarray]:
    """Per day of one slot: the best `per_role` foods of each role by a score (source,
    sodium per portion, and the seeded preference of that day, as in the objective), the
    richest counted B12 sources, kept foods."""
    if len(here) == 0:
        return {d: here for d in days}
    by_role = {
        role: np.flatnonzero([role in roles[p] for p in here])
        for role in sorted({r for p in here for r in roles[p]})
    }
    rich = np.flatnonzero(b12_density[here] > 0)
    rich = rich[np.argsort(-b12_density[here][rich], kind="stable")[:per_role]]
    always = set(here[kept[here]].tolist()) | set(here[rich].tolist())
    out = {}
    for d in days:
        score = static[here] + W_SHUFFLE * _hash_uniform(id_hash[here], seed, d, slot_index)
        chosen = set(always)
        for member in by_role.values():
            best = member[np.argsort(score[member], kind="stable")[:per_role]]
            chosen |= set(here[best].tolist())
        out[d] = np.array(sorted(chosen), dtype=np.int64)
    return out


def _role_names() -> tuple[str, ...]:
    from planner.profile import ROLES

    return ROLES


def _group_representatives(
    pool: pd.DataFrame, keep_ids: set[str], b12_counted: pd.Series
) -> pd.DataFrame:
    """One food per near-duplicate group: the most B12 per kcal, then the least sodium."""
    score = pd.DataFrame(
        {
            "group": pool["group_id"].fillna(pd.Series(pool.index, index=pool.index)),
            "keep": pool.index.isin(list(keep_ids)),
            "b12_per_kcal": b12_counted / pool["kcal"],
            "sodium_per_kcal": pool["sodium_mg"] / pool["kcal"],
            "food": pool.index,
        },
        index=pool.index.rename(None),
    )
    score = score.sort_values(
        ["group", "keep", "b12_per_kcal", "sodium_per_kcal", "food"],
        ascending=[True, False, False, True, True],
    )
    first = ~score["group"].duplicated()
    chosen = score.index[first | score["keep"]]
    return pool.loc[sorted(chosen)]


# ============================================================================================
# A sparse model: one builder, two back ends (HiGHS arrays for the big LP, PuLP for MILPs)
# ============================================================================================


class Spec:
    """Columns and named one-sided rows, kept as numpy arrays until a back end needs them."""

    def __init__(self) -> None:
        self.n_cols = 0
        self._names: list[np.ndarray] = []
        self._lb: list[np.ndarray] = []
        self._ub: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._int: list[np.ndarray] = []
        self._block: list[np.ndarray] = []
        self.row_names: list[str] = []
        self.row_sense: list[str] = []  # "L" (<=), "G" (>=), "E"
        self.row_rhs: list[float] = []
        self._r: list[np.ndarray] = []
        self._c: list[np.ndarray] = []
        self._v: list[np.ndarray] = []

    def cols(
        self,
        names: Sequence[str],
        lb: Any = 0.0,
        ub: Any = np.inf,
        cost: Any = 0.0,
        integer: bool = False,
        block: int = -1,
    ) -> np.ndarray:
        """Add columns; `block` is the day they belong to (0: the whole week, -1: none)."""
        k = len(names)
        start = self.n_cols
        self.n_cols += k
        self._names.append(np.asarray(names, dtype=object))
        self._lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (k,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (k,)).copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (k,)).copy())
        self._int.append(np.full(k, integer))
        self._block.append(np.full(k, block, dtype=np.int64))
        return np.arange(start, start + k)

    def row(self, name: str, cols: Any, coefs: Any, sense: str, rhs: float) -> None:
        cols = np.asarray(cols, dtype=np.int64).ravel()
        coefs = np.broadcast_to(np.asarray(coefs, dtype=float), cols.shape)
        self._r.append(np.full(cols.shape, len(self.row_names), dtype=np.int64))
        self._c.append(cols)
        self._v.append(coefs.astype(float))
        self.row_names.append(name)
        self.row_sense.append(sense)
        self.row_rhs.append(float(rhs))

    def rows_pairwise(
        self,
        names: Sequence[str],
        cols_a: np.ndarray,
        coef_a: Any,
        cols_b: np.ndarray,
        coef_b: Any,
        sense: str,
        rhs: Any,
    ) -> None:
        """Many two-term rows at once: coef_a * a_i + coef_b * b_i (sense) rhs_i."""
        k = len(names)
        if k == 0:
            return
        first = len(self.row_names)
        ridx = np.arange(first, first + k)
        self._r += [ridx, ridx]
        self._c += [np.asarray(cols_a, dtype=np.int64), np.asarray(cols_b, dtype=np.int64)]
        self._v += [
            np.broadcast_to(np.asarray(coef_a, dtype=float), (k,)).copy(),
            np.broadcast_to(np.asarray(coef_b, dtype=float), (k,)).copy(),
        ]
        self.row_names.extend(names)
        self.row_sense.extend([sense] * k)
        self.row_rhs.extend(np.broadcast_to(np.asarray(rhs, dtype=float), (k,)).tolist())

    def rows_grouped(
        self,
        names: Sequence[str],
        entry_row: np.ndarray,
        cols: np.ndarray,
        coefs: Any,
        sense: str,
        rhs: Any,
    ) -> None:
        """Many rows at once: entry i goes to row entry_row[i] (0..len(names)-1, entries of a
        row in the order given), without a Python call per row."""
        k = len(names)
        if k == 0:
            return
        first = len(self.row_names)
        cols = np.asarray(cols, dtype=np.int64)
        self._r.append(first + np.asarray(entry_row, dtype=np.int64))
        self._c.append(cols)
        self._v.append(np.broadcast_to(np.asarray(coefs, dtype=float), cols.shape).copy())
        self.row_names.extend(names)
        self.row_sense.extend([sense] * k)
        self.row_rhs.extend(np.broadcast_to(np.asarray(rhs, dtype=float), (k,)).tolist())

    def add_terms(self, rows: Sequence[int], cols: Sequence[int], coefs: Sequence[float]) -> None:
        """Add coefficients to existing rows (elastic slack columns for the diagnosis)."""
        self._r.append(np.asarray(rows, dtype=np.int64))
        self._c.append(np.asarray(cols, dtype=np.int64))
        self._v.append(np.asarray(coefs, dtype=float))

    def add_cost(self, cols: np.ndarray, amount: float) -> None:
        """Add `amount` to the cost of existing columns."""
        cost = np.concatenate(self._cost) if self._cost else np.zeros(0)
        cost[np.asarray(cols, dtype=np.int64)] += amount
        self.set_costs(cost)

    def set_costs(self, cost: np.ndarray) -> None:
        """Replace the whole objective (one cost per column)."""
        self._cost = [np.asarray(cost, dtype=float)]
        self._lb = [np.concatenate(self._lb)] if self._lb else []
        self._ub = [np.concatenate(self._ub)] if self._ub else []
        self._names = [np.concatenate(self._names)] if self._names else []
        self._int = [np.concatenate(self._int)] if self._int else []

    def arrays(self) -> dict[str, np.ndarray]:
        def cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        return {
            "names": cat(self._names, object),
            "lb": cat(self._lb, float),
            "ub": cat(self._ub, float),
            "cost": cat(self._cost, float),
            "integer": cat(self._int, bool),
            "block": cat(self._block, np.int64),
            "r": cat(self._r, np.int64),
            "c": cat(self._c, np.int64),
            "v": cat(self._v, float),
        }


@dataclass
class SolveResult:
    ok: bool  # an optimal or feasible solution with values
    status: str  # "optimal", "feasible", "infeasible", "time limit, no solution", ...
    x: np.ndarray | None
    objective: float | None
    bound: float | None
    seconds: float
    solver: str
    duals: np.ndarray | None = None  # reduced costs (LP only)
    row_duals: np.ndarray | None = None  # row duals (LP only)


_BANNER_DONE = False


@contextmanager
def quiet_stdout() -> Any:
    """Silence C-level writes to stdout (HiGHS prints a banner even with output off)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(devnull)
        os.close(saved)


def _new_highs() -> Any:
    global _BANNER_DONE
    import highspy

    if not _BANNER_DONE:
        with quiet_stdout():
            highspy.Highs()
        _BANNER_DONE = True
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # One thread per model: HiGHS's own parallelism gains 5-10 % on these small models, and
    # the planner already runs two models at once (the plan and the bound, one per core).
    h.setOptionValue("threads", 1)
    return h


def solve_with_highs_arrays(
    spec: Spec, *, mip: bool, time_limit: float, threads: int | None = None
) -> SolveResult:
    """Pass the arrays straight to HiGHS: fast for the large weekly LP (no PuLP objects)."""
    start = time.perf_counter()
    a = spec.arrays()
    h = _highs_model(
        a,
        np.array(spec.row_sense),
        np.array(spec.row_rhs, dtype=float),
        np.arange(spec.n_cols),
        np.arange(len(spec.row_names)),
        a["cost"],
        mip=mip,
    )
    h.setOptionValue("time_limit", float(max(time_limit, 0.05)))
    if threads:
        h.setOptionValue("threads", int(threads))
    h.run()
    return _highs_outcome(h, mip=mip and bool(a["integer"].any()), started=start)


def _highs_model(
    a: dict[str, np.ndarray],
    sense: np.ndarray,
    rhs: np.ndarray,
    cols: np.ndarray,
    rows: np.ndarray,
    cost: np.ndarray,
    *,
    mip: bool,
    by_row: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Any:
    """A HiGHS model of the given columns and rows of a Spec's arrays, with `cost` (one per
    column of the whole Spec). Entries outside `cols` are dropped: callers pass rows that
    only touch `cols`. `by_row` is (r, c, v) sorted by row, to skip re-sorting."""
    import highspy

    h = _new_highs()
    if not mip:  # measured: these LPs solve ~4x faster without presolve (docs/performance.md)
        h.setOptionValue("presolve", "off")
    inf = highspy.kHighsInf
    n = len(cols)
    lb = np.where(np.isinf(a["lb"][cols]), -inf, a["lb"][cols])
    ub = np.where(np.isinf(a["ub"][cols]), inf, a["ub"][cols])
    h.addCols(n, cost[cols], lb, ub, 0, np.zeros(n, np.int32), np.zeros(0, np.int32), np.zeros(0))
    r, c, v = by_row if by_row is not None else _sorted_by_row(a)
    col_at = np.full(len(a["lb"]), -1, dtype=np.int64)
    col_at[cols] = np.arange(n)
    row_at = np.full(len(sense), -1, dtype=np.int64)
    row_at[rows] = np.arange(len(rows))
    keep = (row_at[r] >= 0) & (col_at[c] >= 0)
    rr, cc, vv = row_at[r[keep]], col_at[c[keep]], v[keep]
    if len(rows) and (np.diff(rows) < 0).any():  # rows out of order: sort the entries again
        order = np.lexsort((cc, rr))
        rr, cc, vv = rr[order], cc[order], vv[order]
    lo = np.where(sense[rows] == "L", -inf, rhs[rows])
    hi = np.where(sense[rows] == "G", inf, rhs[rows])
    starts = np.searchsorted(rr, np.arange(len(rows))).astype(np.int32)
    h.addRows(len(rows), lo, hi, len(vv), starts, cc.astype(np.int32), vv)
    integer = a["integer"][cols]
    if mip and integer.any():
        idx = np.flatnonzero(integer).astype(np.int32)
        h.changeColsIntegrality(
            len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger, dtype=np.uint8)
        )
    return h


def _sorted_by_row(a: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.lexsort((a["c"], a["r"]))
    return a["r"][order], a["c"][order], a["v"][order]


def _highs_outcome(h: Any, *, mip: bool, started: float) -> SolveResult:
    """A solved HiGHS model as a SolveResult (values only with a feasible solution)."""
    import highspy

    status = h.getModelStatus()
    info = h.getInfo()
    seconds = time.perf_counter() - started
    M = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == M.kOptimal:
        label = "optimal"
    elif status in (M.kInfeasible, M.kUnboundedOrInfeasible):
        return SolveResult(False, "infeasible", None, None, None, seconds, "highs")
    elif status == M.kTimeLimit:
        label = "feasible (time limit)" if has_solution else "time limit, no solution"
    elif status in (M.kSolutionLimit, M.kInterrupt):  # node limit, or stopped by us
        label = "feasible (work limit)" if has_solution else "work limit, no solution"
    else:
        label = str(status).split(".")[-1]
    if not has_solution:
        bound = float(info.mip_dual_bound) if mip else None
        return SolveResult(False, label, None, None, bound, seconds, "highs")
    solution = h.getSolution()
    x = np.asarray(solution.col_value, dtype=float)
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if mip else objective
    duals = row_duals = None
    if not mip:
        duals = np.asarray(solution.col_dual, dtype=float)
        row_duals = np.asarray(solution.row_dual, dtype=float)
    return SolveResult(True, label, x, objective, bound, seconds, "highs", duals, row_duals)


def spec_to_pulp(spec: Spec, name: str = "plan") -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The same model as PuLP objects (named variables and constraints) for HiGHS or CBC."""
    a = spec.arrays()
    prob = pulp.LpProblem(name, pulp.LpMinimize)
    variables = []
    for j in range(spec.n_cols):
        lb = a["lb"][j]
        ub = a["ub"][j]
        variables.append(
            prob.add_variable(
                str(a["names"][j]),
                lowBound=None if np.isinf(lb) else float(lb),
                upBound=None if np.isinf(ub) else float(ub),
                cat=pulp.LpInteger if a["integer"][j] else pulp.LpContinuous,
            )
        )
    nz = np.flatnonzero(a["cost"])
    prob.setObjective(pulp.LpAffineExpression([(variables[j], float(a["cost"][j])) for j in nz]))
    order = np.argsort(a["r"], kind="stable")
    rows, cols, vals = a["r"][order], a["c"][order], a["v"][order]
    bounds = np.searchsorted(rows, np.arange(len(spec.row_names) + 1))
    senses = {"L": pulp.LpConstraintLE, "G": pulp.LpConstraintGE, "E": pulp.LpConstraintEQ}
    for i, row_name in enumerate(spec.row_names):
        lo, hi = bounds[i], bounds[i + 1]
        expr = pulp.LpAffineExpression(
            [(variables[c], float(v)) for c, v in zip(cols[lo:hi], vals[lo:hi], strict=True)]
        )
        prob.addConstraint(
            pulp.LpConstraint(expr, senses[spec.row_sense[i]], row_name, spec.row_rhs[i])
        )
    return prob, variables


def solve_with_pulp(
    spec: Spec,
    *,
    solver: str,
    time_limit: float,
    gap: float = 1e-4,
    name: str = "plan",
    highs_options: dict[str, Any] | None = None,
) -> SolveResult:
    """Solve through PuLP; accept only sol_status optimal or integer-feasible, then re-check."""
    start = time.perf_counter()
    prob, variables = spec_to_pulp(spec, name)
    limit = float(max(time_limit, 0.1))
    if solver == "highs":
        backend = pulp.HiGHS(msg=False, timeLimit=limit, gapRel=gap, **(highs_options or {}))
        with quiet_stdout():
            prob.solve(backend)
    elif solver == "cbc":
        with tempfile.TemporaryDirectory(prefix="b12plan-cbc-") as tmp:
            # COIN_CMD with PuLP's bundled binary: PULP_CBC_CMD is deprecated for PuLP 4.
            backend = pulp.COIN_CMD(
                path=shutil.which("cbc") or pulp.apis.coin_api.pulp_cbc_path,
                msg=False,
                timeLimit=max(1, math.ceil(limit)),
                gapRel=gap,
                keepFiles=False,
            )
            backend.tmpDir = tmp
            prob.solve(backend)
    else:
        raise InputError(f"unknown solver {solver!r}; use one of {', '.join(SOLVERS)}")
    seconds = time.perf_counter() - start
    sol = prob.sol_status
    if sol == pulp.LpSolutionOptimal:
        label = "optimal"
    elif sol == pulp.LpSolutionIntegerFeasible:
        label = "feasible (time limit)"
    elif prob.status == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
        return SolveResult(False, "infeasible", None, None, None, seconds, solver)
    else:
        return SolveResult(
            False, pulp.LpStatus[prob.status].lower(), None, None, None, seconds, solver
        )
    x = np.array([v.varValue if v.varValue is not None else np.nan for v in variables])
    if np.isnan(x).any():
        return SolveResult(False, "no values", None, None, None, seconds, solver)
    a = spec.arrays()
    objective = float(a["cost"] @ x)
    bound = objective if label == "optimal" else None
    if solver == "highs" and getattr(prob, "solverModel", None) is not None:
        with suppress(Exception):  # older highspy: no bound exposed
            bound = float(prob.solverModel.getInfo().mip_dual_bound)
    if not _satisfies(spec, a, x):
        return SolveResult(
            False, "solution violates constraints", None, None, None, seconds, solver
        )
    return SolveResult(True, label, x, objective, bound, seconds, solver)


def solve_day_model(spec: Spec, *, solver: str, time_limit: float) -> SolveResult:
    """One day's integer model: HiGHS straight from the arrays, or CBC through PuLP.

    HiGHS stops at DAY_MIP_GAP or after DAY_NODES branch-and-bound nodes (a work limit, so
    the result does not depend on the machine's load); either way the values are checked
    against every row before they count.
    """
    if solver != "highs":
        return solve_with_pulp(spec, solver=solver, time_limit=time_limit, gap=DAY_MIP_GAP)
    start = time.perf_counter()
    a = spec.arrays()
    model = _highs_model(
        a,
        np.array(spec.row_sense),
        np.array(spec.row_rhs, dtype=float),
        np.arange(spec.n_cols),
        np.arange(len(spec.row_names)),
        a["cost"],
        mip=True,
    )
    options = {
        **HIGHS_DAY_OPTIONS,
        "mip_rel_gap": DAY_MIP_GAP,
        "mip_max_nodes": DAY_NODES,
        "time_limit": float(max(time_limit, 0.05)),
    }
    for option, value in options.items():
        model.setOptionValue(option, value)
    model.run()
    result = _highs_outcome(model, mip=True, started=start)
    if result.ok and result.x is not None and not _satisfies(spec, a, result.x):
        return SolveResult(False, "solution violates constraints", None, None, None, 0.0, "highs")
    return result


def _satisfies(spec: Spec, a: dict[str, np.ndarray], x: np.ndarray, tol: float = 1e-5) -> bool:
    """The solver's values against every row and bound: PuLP can call a failed solve Optimal."""
    if (x < a["lb"] - tol).any() or (x > a["ub"] + tol).any():
        return False
    if a["integer"].any() and (np.abs(x[a["integer"]] - np.round(x[a["integer"]])) > tol).any():
        return False
    activity = np.bincount(a["r"], weights=a["v"] * x[a["c"]], minlength=len(spec.row_names))
    rhs = np.array(spec.row_rhs)
    sense = np.array(spec.row_sense)
    scale = tol * np.maximum(1.0, np.abs(rhs))
    bad = ((sense == "L") & (activity > rhs + scale)) | ((sense == "G") & (activity < rhs - scale))
    bad |= (sense == "E") & (np.abs(activity - rhs) > scale)
    return not bad.any()


# ============================================================================================
# The model (one builder for the weekly LP, the per-day MILPs and the naive benchmark model)
# ============================================================================================


@dataclass
class Layout:
    """Where each (day, slot)'s variables live in a Spec.

    A food in a meal is chosen at one amount level (in half portions) through binaries z; its
    half portions are sum(level * z) and "used" is sum(z) (at most 1).
    """

    foods: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)  # candidate positions
    z: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)  # z columns
    z_food: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)  # position per z
    z_level: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)  # half portions
    absorbed: dict[tuple[int, str], int] = field(default_factory=dict)


@dataclass
class CarryState:
    """Weekly rules carried from earlier days into the next day's model."""

    uses: Counter = field(default_factory=Counter)  # (week, position) -> placements
    distinct: set[int] = field(default_factory=set)
    mains: dict[str, set[int]] = field(default_factory=dict)  # slot -> yesterday's mains
    new_food_budget: int | None = None
    new_food_cost: float = 0.0  # per placement of a food not used before (the paced retry)


def slot_mains(slot: MealSlot) -> frozenset[str]:
    """The roles of a slot's main food: its first required role group (none for snacks)."""
    return frozenset(slot.requires[0]) if slot.requires else frozenset()


def food_caps(problem: Problem) -> np.ndarray:
    """Placements allowed per food per week: max_per_week, favourites favourite_max_per_week."""
    p = problem.profile
    caps = np.full(len(problem.cands.ids), p.max_per_week, dtype=int)
    caps[problem.cands.favourite] = max(p.favourite_max_per_week, p.max_per_week)
    counts = Counter((problem.week_of(m.day), m.food_id) for m in problem.locked)
    for (_, food_id), count in counts.items():  # locked meals always fit
        pos = problem.cands.position[food_id]
        caps[pos] = max(caps[pos], count)
    return caps


def amount_levels(cands: Candidates, pos: int) -> list[int]:
    """Amounts a food may be planned at, in half portions: 0.5, 1, 1.5, 2 or 3 portions."""
    low, high = int(cands.min_half[pos]), int(cands.cap[pos])
    return [a for a in AMOUNT_LEVELS if low <= a <= high] or [high]


def build_model(
    problem: Problem,
    days: Sequence[int],
    columns: dict[tuple[int, str], np.ndarray],
    *,
    integer: bool,
    coupling: bool,
    state: CarryState | None = None,
    tight: bool = False,
) -> tuple[Spec, Layout]:
    """The plan model for `days`, over `columns[(day, slot)]` (candidate positions).

    integer=False gives the LP relaxation of the same model: its optimum is a lower bound.
    coupling=True adds the rules that tie days together (uses per week, mains on consecutive
    days, distinct foods); the day-by-day solve carries them forward in `state` instead.
    tight=True states the same integer model with a stronger LP relaxation (`_clip`, the
    absorption rows of `_b12_rows`): the bounds use it; the diagnosis, whose elastic LP reads
    shortfalls in the rows' own units, does not.
    """
    clip = _clip if tight else _no_clip
    c = problem.cands
    t = problem.targets
    profile = problem.profile
    spec = Spec()
    lay = Layout()
    kcal_target = t.kcal_per_day
    slots = problem.slots
    locked = {(m.day, m.slot, m.food_id): int(round(m.servings * 2)) for m in problem.locked}
    locked_meals = {(m.day, m.slot) for m in problem.locked if m.whole_meal}

    for d in days:
        for si, slot in enumerate(slots):
            s = slot.name
            pos = np.asarray(columns[(d, s)], dtype=np.int64)
            if (d, s) in locked_meals:  # a whole locked meal is kept exactly: nothing joins it
                pos = pos[[(d, s, str(c.ids[p])) in locked for p in pos]]
            lay.foods[(d, s)] = pos
            shuffle = problem.shuffle_costs(d, si, pos)
            z_food, z_level, z_fix = [], [], []
            for p in pos:
                fixed = locked.get((d, s, str(c.ids[p])))
                levels = [fixed] if fixed else amount_levels(c, int(p))
                z_food += [int(p)] * len(levels)
                z_level += levels
                z_fix += [bool(fixed)] * len(levels)
            zf = np.array(z_food, dtype=np.int64)
            zl = np.array(z_level, dtype=float)
            item = (
                W_ITEM
                + c.source_cost[zf]
                + W_SHUFFLE * shuffle[np.searchsorted(pos, zf)]
                - FAVOURITE_BONUS * c.favourite[zf]
                - PANTRY_BONUS * c.pantry[zf]
            )
            per_half = (
                W_SODIUM_PER_100MG * c.sodium[zf] / 100.0 + profile.price_weight * c.price[zf]
            )
            names = [f"z_d{d}_{s}_{c.ids[p]}_{int(k)}" for p, k in zip(zf, zl, strict=True)]
            fix = np.array(z_fix, dtype=float)
            lay.z[(d, s)] = spec.cols(
                names, fix, 1.0, item + per_half * zl, integer=integer, block=d
            )
            lay.z_food[(d, s)] = zf
            lay.z_level[(d, s)] = zl
            if problem.absorption:
                lay.absorbed[(d, s)] = int(spec.cols([f"absorbed_d{d}_{s}"], block=d)[0])

    def amount(d: int, s: str, per_half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        zf, zl = lay.z_food[(d, s)], lay.z_level[(d, s)]
        return lay.z[(d, s)], per_half[zf] * zl

    for d in days:
        parts: dict[str, list[np.ndarray]] = {"z": [], "food": [], "level": []}
        for slot in slots:
            s = slot.name
            z, zf, zl = lay.z[(d, s)], lay.z_food[(d, s)], lay.z_level[(d, s)]
            parts["z"].append(z)
            parts["food"].append(zf)
            parts["level"].append(zl)
            cols, kcal = amount(d, s, c.kcal)
            low = slot.kcal_share_min * kcal_target
            spec.row(f"energy_day{d}_{s}_min", cols, clip(kcal, low), "G", low)
            spec.row(f"energy_day{d}_{s}_max", cols, kcal, "L", slot.kcal_share_max * kcal_target)
            spec.row(f"meal_day{d}_{s}_items_min", z, 1.0, "G", slot.min_items)
            spec.row(f"meal_day{d}_{s}_items_max", z, 1.0, "L", slot.max_items)
            for group in slot.requires:
                member = np.array([bool(c.roles[p] & set(group)) for p in zf], dtype=bool)
                spec.row(f"meal_day{d}_{s}_needs_{'_or_'.join(group)}", z[member], 1.0, "G", 1.0)
        z_all = np.concatenate(parts["z"])
        f_all = np.concatenate(parts["food"])
        l_all = np.concatenate(parts["level"])
        # Each food at most once a day, at one amount.
        order = np.argsort(f_all, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(f_all[order]) != 0])
        sizes = np.diff(np.r_[starts, len(order)])
        many = sizes > 1
        entries = np.repeat(many, sizes)
        spec.rows_grouped(
            [f"once_day{d}_{food}" for food in c.ids[f_all[order[starts[many]]]]],
            np.repeat(np.arange(int(many.sum())), sizes[many]),
            z_all[order[entries]],
            1.0,
            "L",
            1.0,
        )
        kcal_all = c.kcal[f_all] * l_all
        spec.row(f"energy_day{d}_min", z_all, clip(kcal_all, t.kcal_min), "G", t.kcal_min)
        spec.row(f"energy_day{d}_max", z_all, kcal_all, "L", t.kcal_max)
        w_kcal = W_KCAL_PER_PCT * 100.0 / kcal_target
        over, under = spec.cols(
            [f"kcal_over_d{d}", f"kcal_under_d{d}"], 0.0, np.inf, w_kcal, block=d
        )
        spec.row(
            f"energy_day{d}_deviation",
            np.concatenate([z_all, [over, under]]),
            np.concatenate([kcal_all, [-1.0, 1.0]]),
            "E",
            kcal_target,
        )
        protein_all = c.protein[f_all] * l_all
        spec.row(
            f"protein_day{d}_min", z_all, clip(protein_all, t.protein_g_min), "G", t.protein_g_min
        )
        short = spec.cols([f"protein_short_d{d}"], 0.0, np.inf, W_PROTEIN_PER_G, block=d)[0]
        goal = PROTEIN_GOAL_FACTOR * t.protein_g_min
        spec.row(
            f"protein_day{d}_goal",
            np.append(z_all, short),
            np.append(clip(protein_all, goal), 1.0),
            "G",
            goal,
        )
        fibre_short = spec.cols([f"fibre_short_d{d}"], 0.0, np.inf, W_FIBRE_PER_G, block=d)[0]
        goal = FIBRE_G_PER_1000_KCAL * kcal_target / 1000.0
        spec.row(
            f"fibre_day{d}_goal",
            np.append(z_all, fibre_short),
            np.append(clip(c.fibre[f_all] * l_all, goal), 1.0),
            "G",
            goal,
        )
        spec.row(
            f"fat_day{d}_max",
            z_all,
            (9.0 * c.fat[f_all] - FAT_MAX_SHARE * c.kcal[f_all]) * l_all,
            "L",
            0.0,
        )
        if t.sodium_mg_max is not None:
            spec.row(f"sodium_day{d}_max", z_all, c.sodium[f_all] * l_all, "L", t.sodium_mg_max)
        for role, share in ROLE_KCAL_MAX_SHARE.items():
            member = np.array([role in c.roles[p] for p in f_all], dtype=bool)
            if member.any():
                spec.row(
                    f"energy_day{d}_{role}_max",
                    z_all[member],
                    kcal_all[member],
                    "L",
                    share * kcal_target,
                )
        if not problem.weekly_rule:
            _b12_rows(problem, spec, lay, [d], f"b12_day{d}", tight=tight)
        if state is not None and (state.new_food_budget is not None or state.new_food_cost):
            fresh = np.array([int(p) not in state.distinct for p in f_all], dtype=bool)
        if state is not None and state.new_food_cost:
            spec.add_cost(z_all[fresh], state.new_food_cost)
        if state is not None and state.new_food_budget is not None:
            spec.row(f"foods_new_day{d}_max", z_all[fresh], 1.0, "L", float(state.new_food_budget))

    if problem.weekly_rule:
        _b12_rows(problem, spec, lay, list(days), "b12_week", tight=tight)
    if coupling and len(days) > 1:
        _weekly_rows(problem, spec, lay, days, integer=integer, tight=tight)
    return spec, lay


def _b12_rows(
    problem: Problem,
    spec: Spec,
    lay: Layout,
    days: Sequence[int],
    name: str,
    *,
    tight: bool = False,
) -> None:
    """Counted B12 >= target, or absorbed B12 (curve per eating occasion) >= absorbed target.

    With one day this is the daily floor (b12_day{d}_...); with all days it is the weekly
    rule of a weekly supplement regimen (b12_week_...), since body stores bridge the days.
    tight=True adds `b12_day{d}_{s}_split`: the curve f is concave with f(0) = 0, hence
    subadditive, so an occasion absorbs at most f(tablet) + sum over its foods of
    f(tablet + food's B12) - f(tablet); a relaxation can no longer take a sliver of a rich
    source at the steep start of the curve. Each food's term is cut at what one occasion may
    count (the spread share, or `b12_day{d}_{s}_cap`), and the counted floor clips each food
    at the target.
    """
    t = problem.targets
    c = problem.cands
    n_days = len(days)
    if problem.absorption:
        target = float(t.b12_absorbed_ug_per_day or 0.0)
        a_cols = []
        for d in days:
            for slot in problem.slots:
                s = slot.name
                z, zf, zl = lay.z[(d, s)], lay.z_food[(d, s)], lay.z_level[(d, s)]
                dose = problem.regimen.dose(d, s)
                a = lay.absorbed[(d, s)]
                a_cols.append(a)
                for k, (intercept, slope) in enumerate(ABSORPTION_SEGMENTS):
                    spec.row(
                        f"b12_day{d}_{s}_curve{k + 1}",
                        np.append(z, a),
                        np.append(-slope * c.b12c[zf] * zl, 1.0),
                        "L",
                        intercept + slope * dose,
                    )
                if tight:
                    # An occasion never needs to count for more than `cap`, so no food's gain
                    # does either (one such food meets the cap alone).
                    cap = (B12_SPREAD_SHARE if problem.spread else n_days) * target
                    if not problem.spread:
                        spec.row(f"b12_day{d}_{s}_cap", [a], [1.0], "L", cap)
                    gain = np.array(
                        [absorbed_ug(dose + b) - absorbed_ug(dose) for b in c.b12c[zf] * zl]
                    )
                    gain = np.minimum(gain, max(0.0, cap - absorbed_ug(dose)))
                    spec.row(
                        f"b12_day{d}_{s}_split",
                        np.append(z, a),
                        np.append(-gain, 1.0),
                        "L",
                        absorbed_ug(dose),
                    )
                if problem.spread:
                    spec.row(f"b12_day{d}_{s}_spread", [a], [1.0], "L", B12_SPREAD_SHARE * target)
        spec.row(f"{name}_absorbed", a_cols, 1.0, "G", n_days * target)
    else:
        cols, coefs, doses = [], [], 0.0
        for d in days:
            for slot in problem.slots:
                s = slot.name
                zf, zl = lay.z_food[(d, s)], lay.z_level[(d, s)]
                cols.append(lay.z[(d, s)])
                coefs.append(c.b12c[zf] * zl)
                doses += problem.regimen.dose(d, s)
        need = n_days * t.b12_ug_per_day - doses
        clip = _clip if tight else _no_clip
        spec.row(
            f"{name}_counted", np.concatenate(cols), clip(np.concatenate(coefs), need), "G", need
        )


def _clip(coefs: np.ndarray, rhs: float) -> np.ndarray:
    """Coefficients of a ">= rhs" row over binaries, each cut down to rhs.

    Valid for the integer model (all other terms are non-negative, so one binary whose
    coefficient reaches rhs satisfies the row alone) and tighter for its LP relaxation: 0.1 of
    a liver portion no longer meets a day's B12 floor.
    """
    return np.minimum(coefs, rhs) if rhs > 0 else coefs


def _no_clip(coefs: np.ndarray, rhs: float) -> np.ndarray:
    return coefs


def _weekly_rows(
    problem: Problem,
    spec: Spec,
    lay: Layout,
    days: Sequence[int],
    *,
    integer: bool,
    tight: bool = False,
) -> None:
    """Rules that tie days together: uses per food per week, mains, distinct foods.

    tight=True links each day to `used` separately (`distinct_{food}_day{d}`): the same
    integer model, but a relaxation can no longer count a food used every day as 1/7 used.
    Rows are built in bulk (thousands of them for a week), in a fixed order.
    """
    c = problem.cands
    profile = problem.profile
    caps = food_caps(problem)
    n_foods = len(c.ids)
    keys = [(d, slot.name) for d in days for slot in problem.slots]
    # Every z column with its meal (index into keys) and food: by meal, then food, then column.
    parts_z, parts_f, parts_k = [], [], []
    for k, key in enumerate(keys):
        z, zf = lay.z[key], lay.z_food[key]
        order = np.argsort(zf, kind="stable")
        parts_z.append(z[order])
        parts_f.append(zf[order])
        parts_k.append(np.full(len(z), k, dtype=np.int64))
    ez = np.concatenate(parts_z) if parts_z else np.zeros(0, np.int64)
    ef = np.concatenate(parts_f).astype(np.int64) if parts_f else np.zeros(0, np.int64)
    ek = np.concatenate(parts_k) if parts_k else np.zeros(0, np.int64)
    day_at = {d: i for i, d in enumerate(days)}
    e_daypos = np.array([day_at[d] for d, _ in keys], dtype=np.int64)[ek]
    week_of_meal = np.array([problem.week_of(d) for d, _ in keys], dtype=np.int64)
    e_week = week_of_meal[ek]
    # (meal, food) pairs: a food counts once per meal whatever its levels.
    meal_food = np.unique(ek * n_foods + ef)
    mf_meal, mf_food = meal_food // n_foods, meal_food % n_foods
    # Uses per food per week, where the meals it could go in exceed its cap.
    group = e_week * n_foods + ef
    uniq, first, inverse = np.unique(group, return_index=True, return_inverse=True)
    meals = np.bincount(
        np.searchsorted(uniq, week_of_meal[mf_meal] * n_foods + mf_food), minlength=len(uniq)
    )
    foods_u, weeks_u = uniq % n_foods, uniq // n_foods
    limited = np.flatnonzero(meals > caps[foods_u])
    limited = limited[np.argsort(first[limited], kind="stable")]  # in order of appearance
    rank = np.full(len(uniq), -1)
    rank[limited] = np.arange(len(limited))
    entry_row = rank[inverse]
    inside = entry_row >= 0
    suffix = len(days) > 7
    spec.rows_grouped(
        [
            f"variety_{c.ids[p]}_max_per_week" + (f"_week{w + 1}" if suffix else "")
            for p, w in zip(foods_u[limited], weeks_u[limited], strict=True)
        ],
        entry_row[inside],
        ez[inside],
        1.0,
        "L",
        caps[foods_u[limited]].astype(float),
    )
    if profile.no_consecutive_main:
        names: list[str] = []
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for slot in problem.slots:
            mains = slot_mains(slot)
            if not mains:
                continue
            for d0, d1 in zip(days[:-1], days[1:], strict=True):
                if d1 != d0 + 1:
                    continue
                for p in set(lay.foods[(d0, slot.name)].tolist()) & set(
                    lay.foods[(d1, slot.name)].tolist()
                ):
                    if not c.roles[p] & mains:
                        continue
                    both = np.concatenate(
                        [
                            lay.z[(dd, slot.name)][lay.z_food[(dd, slot.name)] == p]
                            for dd in (d0, d1)
                        ]
                    )
                    rows.append(np.full(len(both), len(names), dtype=np.int64))
                    cols.append(both)
                    names.append(f"main_{slot.name}_{c.ids[p]}_days{d0}_{d1}")
        if names:
            spec.rows_grouped(names, np.concatenate(rows), np.concatenate(cols), 1.0, "L", 1.0)
    cap_distinct = profile.max_distinct_foods
    foods = np.unique(ef)
    if cap_distinct is None or len(foods) <= cap_distinct:
        return
    u = spec.cols([f"used_{c.ids[p]}" for p in foods], 0.0, 1.0, 0.0, integer=integer, block=0)
    u_of = np.zeros(n_foods, dtype=np.int64)
    u_of[foods] = u
    if tight:  # one row per food and day it can be eaten on: its z - used <= 0
        pair = ef * len(days) + e_daypos
        order = np.argsort(pair, kind="stable")  # by food, then day, then meal
        pairs, row_of = np.unique(pair[order], return_inverse=True)
        row_foods, row_days = pairs // len(days), pairs % len(days)
        entry_row = np.concatenate([row_of, np.arange(len(pairs))])
        entry_col = np.concatenate([ez[order], u_of[row_foods]])
        coefs = np.concatenate([np.ones(len(order)), -np.ones(len(pairs))])
        ordered = np.argsort(entry_row, kind="stable")
        spec.rows_grouped(
            [f"distinct_{c.ids[p]}_day{days[i]}" for p, i in zip(row_foods, row_days, strict=True)],
            entry_row[ordered],
            entry_col[ordered],
            coefs[ordered],
            "L",
            0.0,
        )
    else:  # one row per food: its z - min(meals, days) * used <= 0
        order = np.argsort(ef, kind="stable")
        row_of = np.searchsorted(foods, ef[order])
        per_food_meals = np.bincount(np.searchsorted(foods, mf_food), minlength=len(foods))
        limit = np.minimum(per_food_meals, len(days)).astype(float)
        entry_row = np.concatenate([row_of, np.arange(len(foods))])
        entry_col = np.concatenate([ez[order], u])
        coefs = np.concatenate([np.ones(len(order)), -limit])
        ordered = np.argsort(entry_row, kind="stable")
        spec.rows_grouped(
            [f"distinct_{c.ids[p]}" for p in foods],
            entry_row[ordered],
            entry_col[ordered],
            coefs[ordered],
            "L",
            0.0,
        )
    spec.row("foods_distinct_max", u, 1.0, "L", float(cap_distinct))


# ============================================================================================
# Planning: weekly LP (bound + columns), then one integer model per day
# ============================================================================================


@dataclass
class WeekSolution:
    """Half portions per (day, slot): {(day, slot): {position: half_portions}}."""

    picks: dict[tuple[int, str], dict[int, int]]
    objective: float
    status: str
    seconds: float
    days_optimal: int
    bound: float = -math.inf  # a lower bound for the week proven on the way (column generation)


@dataclass
class Attempt:
    """What one try with one supplement regimen found (for the diagnosis when all fail)."""

    regimen: Regimen
    stage: str  # "lp" (the weekly relaxation is infeasible) or "day" (a day found no plan)
    day: int | None = None


def all_columns(problem: Problem, days: Iterable[int]) -> dict[tuple[int, str], np.ndarray]:
    """Every candidate of each day and slot (pre-selected per day)."""
    c = problem.cands
    return {
        (d, s.name): c.day_members.get((d, s.name), c.members[s.name])
        for d in days
        for s in problem.slots
    }


def weekly_lp(problem: Problem, time_limit: float) -> tuple[SolveResult, Spec, Layout]:
    """The LP relaxation of the whole week over every candidate: a valid lower bound.

    The Spec keeps its integer columns marked (the LP ignores them), so `lagrangian_bound`
    can cut it into integer day models.
    """
    days = list(range(1, problem.n_days + 1))
    spec, lay = build_model(
        problem, days, all_columns(problem, days), integer=True, coupling=True, tight=True
    )
    return solve_with_highs_arrays(spec, mip=False, time_limit=time_limit), spec, lay


def select_columns(
    problem: Problem, lp: SolveResult, lay: Layout, per_role: int = COLUMNS_PER_ROLE[0]
) -> dict[tuple[int, str], np.ndarray]:
    """Per day and slot: the foods that day's LP uses, plus the best few per role by reduced
    cost and the richest counted B12 sources (so the integer model has room to round)."""
    c = problem.cands
    assert lp.x is not None and lp.duals is not None
    selected: dict[tuple[int, str], np.ndarray] = {}
    keep = set(np.flatnonzero(c.favourite | c.pantry).tolist())
    keep |= {c.position[m.food_id] for m in problem.locked}
    columns = all_columns(problem, range(1, problem.n_days + 1))
    for (d, slot_name), pos in columns.items():
        if len(pos) == 0:
            selected[(d, slot_name)] = pos
            continue
        rich = np.flatnonzero(c.b12c[pos] > 0)
        rich = rich[np.argsort(-c.b12c[pos][rich] / c.kcal[pos][rich], kind="stable")]
        chosen, _ = _lp_chosen(c, pos, lay, (d, slot_name), lp, keep, per_role)
        chosen |= set(pos[rich[:per_role]].tolist())
        selected[(d, slot_name)] = np.array(sorted(chosen), dtype=np.int64)
    return selected


def _day_columns(
    problem: Problem, d: int, selected: dict[tuple[int, str], np.ndarray], state: CarryState
) -> dict[tuple[int, str], np.ndarray]:
    """The day's columns: selected foods minus those at their weekly cap or yesterday's mains."""
    c = problem.cands
    caps = food_caps(problem)
    week = problem.week_of(d)
    locked_here = {(m.slot, c.position[m.food_id]) for m in problem.locked if m.day == d}
    out: dict[tuple[int, str], np.ndarray] = {}
    for slot in problem.slots:
        mains = slot_mains(slot)
        yesterday = (
            state.mains.get(slot.name, set()) if problem.profile.no_consecutive_main else set()
        )
        keep = []
        for p in selected[(d, slot.name)]:
            p = int(p)
            if (slot.name, p) in locked_here:
                keep.append(p)
                continue
            if state.uses[(week, p)] >= caps[p]:
                continue
            if p in yesterday and c.roles[p] & mains:
                continue
            keep.append(p)
        for s_name, p in locked_here:
            if s_name == slot.name and p not in keep:
                keep.append(p)
        out[(d, slot.name)] = np.array(sorted(keep), dtype=np.int64)
    return out


def _lp_chosen(
    c: Candidates,
    pos: np.ndarray,
    lay: Layout,
    key: tuple[int, str],
    lp: SolveResult,
    keep: set[int],
    per_role: int,
) -> tuple[set[int], np.ndarray]:
    """Of the candidates `pos` of one day and slot: those the LP uses, the kept ones and the
    best `per_role` of each role by reduced cost; and each candidate's best reduced cost."""
    assert lp.x is not None and lp.duals is not None
    z, zf = lay.z[key], lay.z_food[key]
    where = np.searchsorted(pos, zf)
    used = np.zeros(len(pos), dtype=bool)
    best_rc = np.full(len(pos), np.inf)
    np.logical_or.at(used, where, lp.x[z] > 1e-6)
    np.minimum.at(best_rc, where, lp.duals[z])
    chosen = set(pos[used].tolist()) | (keep & set(pos.tolist()))
    for role in sorted({r for p in pos for r in c.roles[p]}):
        member = np.flatnonzero([role in c.roles[p] for p in pos])
        order = member[np.argsort(best_rc[member], kind="stable")]
        chosen |= set(pos[order[:per_role]].tolist())
    return chosen, best_rc


def day_lp_columns(
    problem: Problem, d: int, state: CarryState, per_role: int = DAY_LP_COLUMNS_PER_ROLE
) -> dict[tuple[int, str], np.ndarray] | None:
    """Columns for day d from the LP of that day over every allowed candidate (carried state
    applied): the foods it uses plus the best `per_role` per slot and role by reduced cost."""
    allowed = _day_columns(problem, d, all_columns(problem, [d]), state)
    spec, lay = build_model(problem, [d], allowed, integer=False, coupling=False, state=state)
    lp = solve_with_highs_arrays(spec, mip=False, time_limit=5.0)
    if not lp.ok or lp.x is None or lp.duals is None:
        return None
    c = problem.cands
    keep = set(np.flatnonzero(c.favourite | c.pantry).tolist())
    out: dict[tuple[int, str], np.ndarray] = {}
    for slot in problem.slots:
        key = (d, slot.name)
        pos = allowed[key]
        if len(pos) == 0:
            out[key] = pos
            continue
        chosen, best_rc = _lp_chosen(c, pos, lay, key, lp, keep, per_role)
        rich = np.flatnonzero(c.b12c[pos] > 0)
        order = rich[np.argsort(best_rc[rich], kind="stable")]
        chosen |= set(pos[order[:per_role]].tolist())
        locked = {c.position[m.food_id] for m in problem.locked if m.day == d}
        chosen |= locked & set(pos.tolist())
        out[key] = np.array(sorted(chosen), dtype=np.int64)
    return out


def solve_by_days(
    problem: Problem,
    tiers: Sequence[dict[tuple[int, str], np.ndarray]],
    *,
    solver: str,
    deadline: float,
    paced: bool = False,
    day_lp_first: bool = True,
    scarcity: ScarcityPrices | None = None,
) -> WeekSolution | Attempt:
    """Day by day, carrying weekly uses, distinct foods and yesterday's mains forward.

    `tiers` are ever wider column sets; a day that finds no plan in one tier tries the next
    (the last is normally every candidate). Columns from the day's own LP, which knows the
    carried state, come first, or second (after `tiers[0]`) with `day_lp_first=False`.
    `paced` is the retry after a greedy pass failed: new foods cost extra and the cap on
    distinct foods is shared out over the remaining days. `scarcity` prices the weekly
    rules into each day's choice, so early days leave later ones the scarce foods; the
    week's objective is still the plain one.
    """
    start = time.perf_counter()
    c = problem.cands
    state = CarryState()
    # Later locked meals are reserved from the start so earlier days cannot use up their caps.
    future_locks = Counter((problem.week_of(m.day), c.position[m.food_id]) for m in problem.locked)
    picks: dict[tuple[int, str], dict[int, int]] = {}
    objective = 0.0
    optimal_days = 0
    profile = problem.profile
    for d in range(1, problem.n_days + 1):
        for m in problem.locked:
            if m.day == d:
                future_locks[(problem.week_of(d), c.position[m.food_id])] -= 1
        reserved = CarryState(
            uses=state.uses + future_locks, distinct=state.distinct, mains=state.mains
        )
        if profile.max_distinct_foods is not None:
            remaining = max(0, profile.max_distinct_foods - len(state.distinct))
            if paced:
                days_left = problem.n_days - d + 1
                first_day = sum(s.min_items for s in problem.slots) if d == 1 else 0
                remaining = min(remaining, max(first_day, math.ceil(1.5 * remaining / days_left)))
            reserved.new_food_budget = remaining
        if paced:
            reserved.new_food_cost = PACED_NEW_FOOD_COST
        result = None
        lay = Layout()
        order = [None, *tiers] if day_lp_first else [*tiers[:1], None, *tiers[1:]]
        for tier in order:
            days_left = problem.n_days - d + 1
            per_day = max(0.3, (deadline - time.perf_counter()) / days_left)
            if tier is None:  # columns from this day's LP, which knows the carried state
                cols = day_lp_columns(problem, d, reserved)
                if cols is None:
                    continue
            else:
                cols = _day_columns(problem, d, tier, reserved)
            spec, lay = build_model(
                problem, [d], cols, integer=True, coupling=False, state=reserved
            )
            if scarcity is not None:
                scarcity.add_to(spec, lay, d, problem.slots)
            result = solve_day_model(spec, solver=solver, time_limit=min(per_day, DAY_TIME_CAP))
            if not result.ok and result.status != "infeasible" and per_day > DAY_TIME_CAP:
                result = solve_day_model(spec, solver=solver, time_limit=per_day)
            if result.ok:
                break
        if result is None or not result.ok:
            return Attempt(problem.regimen, "day", d)
        x = result.x
        assert x is not None
        objective += float(result.objective or 0.0)
        optimal_days += result.status == "optimal"
        for slot in problem.slots:
            z = x[lay.z[(d, slot.name)]] > 0.5
            zf, zl = lay.z_food[(d, slot.name)], lay.z_level[(d, slot.name)]
            chosen = {int(p): int(k) for p, k in zip(zf[z], zl[z], strict=True)}
            picks[(d, slot.name)] = chosen
            mains = slot_mains(slot)
            state.mains[slot.name] = {p for p in chosen if c.roles[p] & mains}
            for p in chosen:
                state.uses[(problem.week_of(d), p)] += 1
                state.distinct.add(p)
    status = "optimal" if optimal_days == problem.n_days else "feasible"
    if scarcity is not None:  # the day models' objectives held the prices
        objective = objective_of(problem, picks)
    return WeekSolution(picks, objective, status, time.perf_counter() - start, optimal_days)


# ============================================================================================
# The week's bound (Lagrangian relaxation of the weekly rules) and the improvement pass
# ============================================================================================


class WeekBlocks:
    """A weekly Spec split by column block: each day, and the week's `used` columns (block 0).

    Rows whose columns all lie in one block belong to it; rows across blocks are the coupling
    rows (uses per week, mains on consecutive days, distinct foods, a weekly B12 rule). With
    those rows priced into the objective instead of enforced, the week falls apart into
    independent blocks, and any valid lower bound of each block gives one for the week.
    """

    def __init__(self, spec: Spec) -> None:
        a = spec.arrays()
        self.a = a
        self.sense = np.array(spec.row_sense)
        self.rhs = np.array(spec.row_rhs, dtype=float)
        self.by_row = _sorted_by_row(a)
        m = len(self.rhs)
        block = a["block"]
        low = np.full(m, np.iinfo(np.int64).max)
        high = np.full(m, np.iinfo(np.int64).min)
        np.minimum.at(low, a["r"], block[a["c"]])
        np.maximum.at(high, a["r"], block[a["c"]])
        touched = high >= low
        self.coupling = touched & (low != high)
        local = touched & (low == high)
        self.blocks = sorted(int(b) for b in np.unique(block))
        self.cols_of = {b: np.flatnonzero(block == b) for b in self.blocks}
        self.rows_of = {b: np.flatnonzero(local & (low == b)) for b in self.blocks}
        # Each block's entries (sorted by row), so building a day's model reads only its own.
        row_block = np.full(m, np.iinfo(np.int64).min)
        for b, rows in self.rows_of.items():
            row_block[rows] = b
        r, c, v = self.by_row
        of_entry = row_block[r]
        order = np.argsort(of_entry, kind="stable")
        bounds = np.searchsorted(of_entry[order], self.blocks + [np.iinfo(np.int64).max])
        self.day_lps: dict[int, Any] = {}  # each day's priced LP, kept for a warm start
        self.entries_of = {
            b: (r[order[lo:hi]], c[order[lo:hi]], v[order[lo:hi]])
            for b, lo, hi in zip(self.blocks, bounds[:-1], bounds[1:], strict=True)
        }

    def priced_costs(self, row_duals: np.ndarray) -> tuple[np.ndarray, float]:
        """Costs with the coupling rows priced at `row_duals` (clipped to the signs that keep
        the relaxation valid), and the constant term of the Lagrangian function."""
        y = np.where(self.coupling, row_duals, 0.0)
        y = np.where(self.sense == "L", np.minimum(y, 0.0), y)
        y = np.where(self.sense == "G", np.maximum(y, 0.0), y)
        r, c, v = self.a["r"], self.a["c"], self.a["v"]
        shift = np.bincount(c, weights=y[r] * v, minlength=len(self.a["cost"]))
        return self.a["cost"] - shift, float(y @ self.rhs)

    def model(self, block: int, cost: np.ndarray, cols: np.ndarray, *, mip: bool) -> Any:
        return _highs_model(
            self.a,
            self.sense,
            self.rhs,
            cols,
            self.rows_of[block],
            cost,
            mip=mip,
            by_row=self.entries_of[block],
        )


@dataclass
class WeekBound:
    """A proven lower bound for the whole week (the best of the LP and Lagrangian bounds)."""

    value: float
    lp: float
    lagrangian: float | None = None
    day_bounds: dict[int, float] = field(default_factory=dict)  # priced day models
    seconds: float = 0.0
    # The best plan found for each block under the prices (values of every column of the
    # Spec): the priced models' own plans, which break the weekly rules; a subgradient.
    solution: np.ndarray | None = None
    prices: str = "the weekly LP's"  # whose prices the Lagrangian bound was proven at


class Stopper:
    """Lets the planning thread stop the bound's thread, even in the middle of a HiGHS run
    (the bound proven so far stays valid)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self.stopped = False

    def run(self, model: Any) -> bool:
        """Run `model` unless stopped (False: not run)."""
        model.HandleUserInterrupt = True  # measured: no slower
        with self._lock:
            if self.stopped:
                return False
            self._model = model
        try:
            model.run()
        finally:
            with self._lock:
                self._model = None
        return True

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            if self._model is not None:
                self._model.cancelSolve()


def week_bound(
    spec: Spec, lp: SolveResult, *, deadline: float, stopper: Stopper | None = None
) -> WeekBound:
    """The planner's bound: the weekly LP's, raised by `lagrangian_bound` at its duals."""
    assert lp.objective is not None
    if lp.row_duals is None or lp.status != "optimal":
        return WeekBound(value=lp.objective, lp=lp.objective)
    return lagrangian_bound(
        spec, lp.row_duals, floor=lp.objective, deadline=deadline, stopper=stopper
    )


def lagrangian_bound(
    spec: Spec,
    row_duals: np.ndarray,
    *,
    floor: float = -math.inf,
    deadline: float,
    stopper: Stopper | None = None,
) -> WeekBound:
    """A Lagrangian bound of the week with the coupling rows priced at `row_duals`; anytime.

    With the coupling rows (uses per week, mains on consecutive days, distinct foods, a
    weekly B12 rule) priced instead of enforced, the week falls apart into day models and
    the `used` block, and the sum of any valid lower bounds of those, plus a constant, bounds
    the week for any prices of the right sign (they are clipped to it). The weekly LP's own
    duals make it at least the LP bound. Each day's integer model over every candidate is
    bounded in stages, every stage a valid bound: its LP; then branch and bound over the
    columns with reduced cost rc <= delta, which proves min(B, LP_d + smallest rc left out),
    since any integer day plan using a column j costs at least LP_d + rc_j; then wider
    windows for the days where that cap was the limit. `stopper` (stopped when the plan is
    ready) or the deadline ends the work; the bound is then the best proven so far, so it can
    come out weaker on a busy machine. `floor` is a bound known already (the LP's).
    """
    start = time.perf_counter()
    result = WeekBound(value=floor, lp=floor)
    blocks = WeekBlocks(spec)
    if -1 in blocks.blocks:  # a column outside every block: no decomposition
        return result
    cost, constant = blocks.priced_costs(row_duals)
    solution = np.zeros(len(cost))
    week_part = 0.0
    if 0 in blocks.blocks:
        found = _block_bound(blocks, 0, cost)
        if found is None:
            return result
        week_part, solution[blocks.cols_of[0]] = found
    days = [b for b in blocks.blocks if b > 0]
    relaxed = {d: _day_relaxation(blocks, d, cost) for d in days}
    bounds: dict[int, float] = {}
    for d, relaxation in relaxed.items():
        if relaxation is None:
            return result
        bounds[d] = relaxation[0]
        solution[blocks.cols_of[d]] = relaxation[2]

    def publish() -> None:
        total = constant + week_part + sum(bounds.values())
        result.lagrangian = total
        result.value = max(floor, total)
        result.day_bounds = dict(bounds)
        result.seconds = time.perf_counter() - start
        result.solution = solution

    publish()
    # First every day with a small window and few nodes, then more nodes or a wider window
    # where that left the most unproven, the day with the most at stake first.
    queue = [(0, 0.0, d, DAY_BOUND_RC, DAY_BOUND_FIRST_NODES) for d in days]
    starts: dict[int, np.ndarray] = {}
    while queue:
        if time.perf_counter() > deadline or (stopper is not None and stopper.stopped):
            return result
        queue.sort(key=lambda item: (item[0], -item[1], item[2]))
        stage, _, d, window, nodes = queue.pop(0)
        relaxation = relaxed[d]
        assert relaxation is not None
        proven, wider, at_stake = _day_branch_and_bound(
            blocks, d, cost, relaxation[:2], window, nodes, deadline, stopper or Stopper(), starts
        )
        bounds[d] = max(bounds[d], proven)
        if d in starts:
            solution[blocks.cols_of[d]] = starts[d]
        publish()
        if wider is not None and stage < DAY_BOUND_RETRIES:
            queue.append((stage + 1, at_stake, d, wider, DAY_BOUND_NODES))
    return result


def _block_bound(blocks: WeekBlocks, b: int, cost: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The exact optimum of a small block (the week's `used` columns: pick the best ones)."""
    h = blocks.model(b, cost, blocks.cols_of[b], mip=True)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", DAY_BOUND_TIME_CAP)
    h.run()
    info = h.getInfo()
    bound = float(info.mip_dual_bound)
    if not math.isfinite(bound) or info.primal_solution_status != 2:
        return None
    return bound, np.asarray(h.getSolution().col_value, dtype=float)


def _day_relaxation(
    blocks: WeekBlocks, d: int, cost: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Day d's priced LP: a valid bound of its integer model, the reduced costs, the values.

    Each day's LP is kept in `blocks` and re-solved from its last basis when the prices
    change (the recombination's rounds): about half the time of a fresh solve (measured)."""
    cols = blocks.cols_of[d]
    model = blocks.day_lps.get(d)
    if model is None:
        model = blocks.day_lps[d] = blocks.model(d, cost, cols, mip=False)
    else:  # the same LP at new prices, solved from its last basis
        model.changeColsCost(len(cols), np.arange(len(cols), dtype=np.int32), cost[cols])
    model.run()
    lp = _highs_outcome(model, mip=False, started=time.perf_counter())
    if not lp.ok or lp.status != "optimal" or lp.duals is None or lp.objective is None:
        return None
    assert lp.x is not None
    free = blocks.a["integer"][cols] & (blocks.a["lb"][cols] <= 0)
    # Negative reduced costs on columns at 0 are round-off; they would weaken the proof.
    slack = float(np.maximum(0.0, -lp.duals[free & (lp.x < 0.5)]).sum())
    return lp.objective - slack, lp.duals, lp.x


def _day_branch_and_bound(
    blocks: WeekBlocks,
    d: int,
    cost: np.ndarray,
    relaxation: tuple[float, np.ndarray],
    delta: float,
    nodes: int,
    deadline: float,
    stopper: Stopper,
    starts: dict[int, np.ndarray],
    found_plans: list[np.ndarray] | None = None,
    extra_options: dict[str, Any] | None = None,
) -> tuple[float, float | None, float]:
    """A bound of day d's priced integer model from branch and bound (at most `nodes`) over
    the columns with reduced cost <= delta (see `lagrangian_bound`); the window to try next
    (None when nothing more is to be proven: wider if the left-out columns limited the
    bound, the same if the node limit did) and how much is at stake there.
    `starts[d]` keeps the best day plan found (values of the day's columns), the next
    window's starting point; its columns are always in the model, or HiGHS would drop it as
    infeasible. `found_plans`, if given, receives every improving plan HiGHS found on the
    way (more columns for the recombination at no extra solve). `extra_options` are HiGHS
    options for this model (the recombination's search round)."""
    lp_value, rc = relaxation
    cols = blocks.cols_of[d]
    free = blocks.a["integer"][cols] & (blocks.a["lb"][cols] <= 0)
    inside = ~free | (rc <= delta)
    if d in starts:
        inside |= starts[d] != 0
    left_out = rc[~inside]
    cap = lp_value + (float(left_out.min()) if len(left_out) else math.inf)
    model = blocks.model(d, cost, cols[inside], mip=True)
    options = {
        **HIGHS_DAY_OPTIONS,
        "mip_rel_gap": DAY_BOUND_GAP,
        "mip_max_nodes": nodes,
        "time_limit": max(0.05, min(DAY_BOUND_TIME_CAP, deadline - time.perf_counter())),
    }
    if found_plans is not None:
        options["mip_improving_solution_save"] = True
    options.update(extra_options or {})
    for option, value in options.items():
        model.setOptionValue(option, value)
    if d in starts:
        values = starts[d][inside]
        model.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    if not stopper.run(model):
        return lp_value, None, 0.0
    info = model.getInfo()
    if found_plans is not None:
        for solution in model.getSavedMipSolutions():
            values = np.zeros(len(cols))
            values[inside] = np.asarray(solution.col_value, dtype=float)
            found_plans.append(values)
    if info.primal_solution_status == 2:
        values = np.zeros(len(cols))
        values[inside] = np.asarray(model.getSolution().col_value, dtype=float)
        starts[d] = values
    proven = float(info.mip_dual_bound)
    if math.isnan(proven) or proven == -math.inf:  # stopped before any bound
        proven = lp_value
    bound = min(proven, cap)  # +inf (no plan among these columns) leaves the cap
    found = float(info.objective_function_value) if info.primal_solution_status == 2 else math.inf
    if proven > cap and len(left_out):  # the left-out columns limit the proof: widen
        wider = found - lp_value + 1e-6 if math.isfinite(found) else 2 * delta
        return bound, max(wider, 2 * delta), proven - bound
    if info.mip_node_count >= nodes and found - proven > DAY_BOUND_GAP * abs(found):
        return bound, delta, found - proven  # the node limit stopped it: more nodes
    return bound, None, 0.0


def recombination_applies(problem: Problem, lp: SolveResult) -> bool:
    """Whether `improve_week` can recombine this problem's days: a week-long rule (a weekly
    supplement dose) does not split into days, one day has nothing to trade."""
    return not problem.weekly_rule and problem.n_days >= 2 and lp.duals is not None


def improve_week(
    problem: Problem,
    week: WeekSolution,
    lp: SolveResult,
    spec: Spec,
    lay: Layout,
    *,
    deadline: float,
    blocks: WeekBlocks | None = None,
) -> WeekSolution:
    """Recombine the day-by-day week across the whole week, then re-plan each day alone.

    The day-by-day pass is greedy: early days take the foods later days would have used best.
    `Recombination` prices the weekly rules into the days (column generation over day plans,
    on both cores) and picks the best week its day plans make; the day-by-day week is among
    them, so it never gets worse. Each day alone then closes what a priced day model left
    open: solved to optimality over the foods within DAY_PASS_RC of the weekly LP's reduced
    cost, the other days fixed. Everything stops on work limits (rounds, nodes, windows), so
    the same profile and seed give the same plan on a busy machine; the deadline is only a
    safety net.
    """
    if not recombination_applies(problem, lp):
        return week
    picks = {key: dict(chosen) for key, chosen in week.picks.items()}
    recombination = Recombination(problem, spec, lay, picks, blocks=blocks)
    recombination.run(RECOMBINE_ROUNDS, deadline)
    found = recombination.best_week(deadline)
    value = objective_of(problem, picks)
    found_value = objective_of(problem, found) if found is not None else math.inf
    if found is not None and found_value < value:
        picks, value = found, found_value
    wider = {
        key: np.unique(lay.z_food[key][lp.duals[z] <= DAY_PASS_RC]) for key, z in lay.z.items()
    }
    for d in range(1, problem.n_days + 1):
        if time.perf_counter() > deadline:
            break
        better = _replan_days(problem, picks, (d,), wider, deadline)
        if better is not None:
            trial = {**picks, **better}
            trial_value = objective_of(problem, trial)
            if trial_value < value - 1e-9:
                picks, value = trial, trial_value
    if picks == week.picks and recombination.bound == -math.inf:
        return week
    return WeekSolution(
        picks, value, week.status, week.seconds, week.days_optimal, recombination.bound
    )


def _replan_days(
    problem: Problem,
    picks: dict[tuple[int, str], dict[int, int]],
    days: Sequence[int],
    columns: dict[tuple[int, str], np.ndarray],
    deadline: float,
) -> dict[tuple[int, str], dict[int, int]] | None:
    """The best plan for `days` (at most DAY_PASS_NODES nodes) with every other day of
    `picks` fixed, over `columns` and the foods they have now (or None)."""
    c = problem.cands
    profile = problem.profile
    caps = food_caps(problem)
    inside = set(days)
    uses: Counter = Counter()
    elsewhere: set[int] = set()
    for (d, _), chosen in picks.items():
        if d not in inside:
            for p in chosen:
                uses[(problem.week_of(d), p)] += 1
                elsewhere.add(p)
    locked = {(m.day, m.slot, c.position[m.food_id]) for m in problem.locked}
    cols: dict[tuple[int, str], np.ndarray] = {}
    for d in days:
        for slot in problem.slots:
            key = (d, slot.name)
            mains = slot_mains(slot)
            banned = set()
            if profile.no_consecutive_main:
                for other in (d - 1, d + 1):
                    if other not in inside:
                        banned |= {
                            p for p in picks.get((other, slot.name), {}) if c.roles[p] & mains
                        }
            pool = set(columns.get(key, np.zeros(0, np.int64)).tolist()) | set(picks[key])
            pool |= {p for (ld, ls, p) in locked if (ld, ls) == key}
            keep = [
                p
                for p in pool
                if (d, slot.name, p) in locked
                or (uses[(problem.week_of(d), p)] < caps[p] and p not in banned)
            ]
            cols[key] = np.array(sorted(keep), dtype=np.int64)
    spec, lay = build_model(problem, list(days), cols, integer=True, coupling=False)
    where: dict[int, dict[int, list[np.ndarray]]] = {}
    for (d, s), z in lay.z.items():
        for p in np.unique(lay.z_food[(d, s)]):
            where.setdefault(int(p), {}).setdefault(d, []).append(z[lay.z_food[(d, s)] == p])
    for p, by_day in where.items():
        for week in sorted({problem.week_of(d) for d in by_day}):
            in_week = [d for d in by_day if problem.week_of(d) == week]
            room = caps[p] - uses[(week, p)]
            if len(in_week) > room:
                z = np.concatenate([np.concatenate(by_day[d]) for d in in_week])
                spec.row(f"variety_{c.ids[p]}_max_per_week", z, 1.0, "L", float(room))
    if profile.no_consecutive_main:
        for slot in problem.slots:
            mains = slot_mains(slot)
            for d in days:
                if d + 1 not in inside or not mains:
                    continue
                both = set(cols[(d, slot.name)].tolist()) & set(cols[(d + 1, slot.name)].tolist())
                for p in sorted(q for q in both if c.roles[q] & mains):
                    z = [lay.z[(e, slot.name)][lay.z_food[(e, slot.name)] == p] for e in (d, d + 1)]
                    spec.row(
                        f"main_{slot.name}_{c.ids[p]}_days{d}_{d + 1}",
                        np.concatenate(z),
                        1.0,
                        "L",
                        1.0,
                    )
    start_x: dict[int, float] = {}
    for key, z in lay.z.items():
        chosen = picks[key]
        for col, p, k in zip(z, lay.z_food[key], lay.z_level[key], strict=True):
            start_x[int(col)] = 1.0 if chosen.get(int(p)) == int(k) else 0.0
    if profile.max_distinct_foods is not None:
        new = sorted(p for p in where if p not in elsewhere)
        u = spec.cols([f"used_{c.ids[p]}" for p in new], 0.0, 1.0, 0.0, integer=True)
        for p, col in zip(new, u, strict=True):
            for d, parts in where[p].items():
                z = np.concatenate(parts)
                spec.row(
                    f"distinct_{c.ids[p]}_day{d}",
                    np.append(z, col),
                    np.append(np.ones(len(z)), -1.0),
                    "L",
                    0.0,
                )
            start_x[int(col)] = float(
                any(p in picks[(d, s.name)] for d in days for s in problem.slots)
            )
        budget = profile.max_distinct_foods - len(elsewhere)
        spec.row("foods_distinct_max", u, 1.0, "L", float(budget))
    a = spec.arrays()
    model = _highs_model(
        a,
        np.array(spec.row_sense),
        np.array(spec.row_rhs, dtype=float),
        np.arange(spec.n_cols),
        np.arange(len(spec.row_names)),
        a["cost"],
        mip=True,
    )
    for option, value in {
        **HIGHS_DAY_OPTIONS,
        "mip_rel_gap": 0.0,
        "mip_max_nodes": DAY_PASS_NODES,
    }.items():
        model.setOptionValue(option, value)
    model.setOptionValue(
        "time_limit", max(0.1, min(DAY_PASS_TIME_CAP, deadline - time.perf_counter()))
    )
    index = np.array(sorted(start_x), dtype=np.int32)
    model.setSolution(len(index), index, np.array([start_x[i] for i in index]))
    model.run()
    result = _highs_outcome(model, mip=True, started=time.perf_counter())
    if not result.ok or result.x is None or not _satisfies(spec, a, result.x):
        return None
    keys = [(d, s.name) for d in days for s in problem.slots]
    return picks_from_solution(lay, result.x, keys)


def week_values(blocks: WeekBlocks, lay: Layout, picks: dict, ids: np.ndarray) -> np.ndarray:
    """Values of every column of the weekly Spec for a plan's picks: its z as picked, the
    other columns of each block (deviations, B12 occasions, `used`) solved for with the z
    fixed, since they follow from the picks."""
    a = blocks.a
    fixed = np.full(len(a["cost"]), np.nan)
    used: set[str] = set()
    for key, z in lay.z.items():
        chosen = picks[key]
        levels = zip(lay.z_food[key], lay.z_level[key], strict=True)
        on = np.array([chosen.get(int(p)) == int(k) for p, k in levels], dtype=bool)
        fixed[z] = on.astype(float)
        used |= {str(ids[p]) for p in lay.z_food[key][on]}
    names = a["names"]
    for col in blocks.cols_of.get(0, []):  # used_{food id}
        fixed[col] = float(str(names[col])[len("used_") :] in used)
    lb, ub = a["lb"].copy(), a["ub"].copy()
    known = np.flatnonzero(~np.isnan(fixed))
    lb[known] = ub[known] = fixed[known]
    bounded = {**a, "lb": lb, "ub": ub}

    def solve_block(b: int) -> np.ndarray | None:
        model = _highs_model(
            bounded,
            blocks.sense,
            blocks.rhs,
            blocks.cols_of[b],
            blocks.rows_of[b],
            a["cost"],
            mip=True,
            by_row=blocks.entries_of[b],
        )
        model.run()
        if model.getInfo().primal_solution_status != 2:
            return None
        return np.asarray(model.getSolution().col_value)

    x = np.zeros(len(a["cost"]))
    with ThreadPoolExecutor(max_workers=RECOMBINE_WORKERS) as pool:  # independent blocks
        for b, values in zip(blocks.blocks, pool.map(solve_block, blocks.blocks), strict=True):
            if values is None:
                raise ValueError(f"the plan does not fit block {b} of the model")
            x[blocks.cols_of[b]] = values
    return x


class DayPlanMaster:
    """The restricted master of the week split into days (Dantzig-Wolfe): one integer day
    plan per day (a convexity row each), the weekly rules as rows over them.

    The week's `used` columns and their row (the cap on distinct foods) stay in the master
    as plain columns rather than as a block of their own: that block is integral anyway,
    and as a block it could only enter as whole food sets, which seldom fit the day plans.
    """

    def __init__(self, blocks: WeekBlocks) -> None:
        import highspy

        self.blocks = blocks
        a = blocks.a
        inf = highspy.kHighsInf
        self.coupling = np.flatnonzero(blocks.coupling)
        in_master = np.concatenate([self.coupling, blocks.rows_of.get(0, np.zeros(0, np.int64))])
        at = np.full(len(blocks.rhs), -1)
        at[in_master] = np.arange(len(in_master))
        self.n_rows = len(in_master)
        self.days = [b for b in blocks.blocks if b > 0]
        sense, rhs = blocks.sense[in_master], blocks.rhs[in_master]
        lo = np.concatenate([np.where(sense == "L", -inf, rhs), np.ones(len(self.days))])
        hi = np.concatenate([np.where(sense == "G", inf, rhs), np.ones(len(self.days))])
        self.model = _new_highs()
        self.model.addRows(
            len(lo), lo, hi, 0, np.zeros(len(lo), np.int32), np.zeros(0, np.int32), []
        )
        inside = at[a["r"]] >= 0
        self._r, self._c, self._v = at[a["r"][inside]], a["c"][inside], a["v"][inside]
        self.used_cols = blocks.cols_of.get(0, np.zeros(0, np.int64))
        if len(self.used_cols):
            at_used = np.full(len(a["cost"]), -1)
            at_used[self.used_cols] = np.arange(len(self.used_cols))
            mine = at_used[self._c] >= 0
            order = np.argsort(at_used[self._c][mine], kind="stable")
            rows, values = self._r[mine][order], self._v[mine][order]
            counts = np.bincount(at_used[self._c][mine], minlength=len(self.used_cols))
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32)
            self.model.addCols(
                len(self.used_cols),
                a["cost"][self.used_cols].astype(float),
                a["lb"][self.used_cols].astype(float),
                a["ub"][self.used_cols].astype(float),
                len(rows),
                starts,
                rows.astype(np.int32),
                values.astype(float),
            )
        self.plans: list[tuple[int, np.ndarray]] = []  # (day, values of the day's columns)
        self._seen: set[tuple[int, bytes]] = set()

    def add(self, day: int, x: np.ndarray) -> bool:
        """Add day `day`'s plan from `x` (values of every column) unless it is there already
        or not integer (a day left at its LP values would let the master fall to the LP)."""
        a = self.blocks.a
        cols = self.blocks.cols_of[day]
        values = x[cols]
        integer = a["integer"][cols]
        if np.abs(values[integer] - np.round(values[integer])).max(initial=0) > 1e-6:
            return False
        key = (day, np.round(values, 6).tobytes())
        if key in self._seen:
            return False
        self._seen.add(key)
        full = np.zeros(len(a["cost"]))
        full[cols] = values
        coef = np.bincount(self._r, weights=self._v * full[self._c], minlength=self.n_rows)
        nz = np.flatnonzero(np.abs(coef) > 1e-12)
        index = np.append(nz, self.n_rows + self.days.index(day)).astype(np.int32)
        self.model.addCol(
            float(a["cost"] @ full), 0.0, 1.0, len(index), index, np.append(coef[nz], 1.0)
        )
        self.plans.append((day, values))
        return True

    def solve(self) -> tuple[float, np.ndarray]:
        """The master LP's value and its prices on the weekly rules (per row of the Spec)."""
        self.model.run()
        prices = np.zeros(len(self.blocks.rhs))
        duals = np.asarray(self.model.getSolution().row_dual)
        prices[self.coupling] = duals[: len(self.coupling)]
        return float(self.model.getInfo().objective_function_value), prices

    def best_week(self, nodes: int, time_limit: float) -> np.ndarray | None:
        """The best week the master's day plans make (values of every column), or None.

        A fresh copy of the master becomes the integer program: HiGHS 1.16, given the same
        model after its LP solve with the integrality changed, reported a bound below that
        LP's value and returned a worse week than the copy finds (measured)."""
        ip = _new_highs()
        ip.passModel(self.model.getLp())
        n = ip.getNumCol()
        ip.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, np.uint8))
        ip.setOptionValue("mip_max_nodes", nodes)
        ip.setOptionValue("mip_rel_gap", 0.0)
        ip.setOptionValue("time_limit", max(0.1, time_limit))
        ip.run()
        if ip.getInfo().primal_solution_status != 2:
            return None
        chosen = np.asarray(ip.getSolution().col_value)
        x = np.zeros(len(self.blocks.a["cost"]))
        x[self.used_cols] = np.round(chosen[: len(self.used_cols)])
        for (day, values), on in zip(self.plans, chosen[len(self.used_cols) :], strict=True):
            if on > 0.5:
                x[self.blocks.cols_of[day]] = values
        return x


def price_day(
    blocks: WeekBlocks,
    d: int,
    cost: np.ndarray,
    start: np.ndarray | None,
    *,
    window: float,
    nodes: int,
    deadline: float,
) -> tuple[float, list[np.ndarray]]:
    """Day d's priced integer model: a valid lower bound of it, and the day plans found, the
    best first, then the others HiGHS found on the way (values of the day's columns)."""
    relaxation = _day_relaxation(blocks, d, cost)
    if relaxation is None:
        return -math.inf, []

    starts = {} if start is None else {d: start}
    found: list[np.ndarray] = []
    bound, _, _ = _day_branch_and_bound(
        blocks,
        d,
        cost,
        relaxation[:2],
        window,
        nodes,
        deadline,
        Stopper(),
        starts,
        found,
        RECOMBINE_SEARCH_OPTIONS if nodes > 1 else None,
    )
    best = [starts[d]] if d in starts and starts[d] is not start else []
    return bound, best + found


class Recombination:
    """Column generation over day plans from a week, and the best week its day plans make
    (price and branch); resumable, so the longer search goes on where the standard stopped.

    Each round prices every day at the restricted master's prices for the weekly rules and
    adds the day plans found; the master then recombines them. Where a day-by-day pass
    only sees the days before, prices trade foods across the whole week. `bound` is the best
    Lagrangian bound the rounds proved (each round's prices are valid ones).
    """

    def __init__(
        self,
        problem: Problem,
        spec: Spec,
        lay: Layout,
        picks: dict[tuple[int, str], dict[int, int]],
        *,
        blocks: WeekBlocks | None = None,
    ) -> None:
        self.problem, self.spec, self.lay = problem, spec, lay
        self.blocks = blocks if blocks is not None else WeekBlocks(spec)
        self.bound = -math.inf
        self.master: DayPlanMaster | None = None
        if -1 in self.blocks.blocks:  # a column outside every block: no decomposition
            return
        try:
            x = week_values(self.blocks, lay, picks, problem.cands.ids)
        except ValueError:  # not expected: the picks come from this problem's own models
            return
        self.master = DayPlanMaster(self.blocks)
        for d in self.master.days:
            self.master.add(d, x)

    def run(self, rounds: Sequence[tuple[float, int]], deadline: float) -> None:
        """Price every day once per (window, nodes) round.

        A round that adds no day plan leaves the prices as they were, so the rounds like it
        that follow are skipped. Results are taken in day order: the same plan every run.
        """
        master, blocks = self.master, self.blocks
        if master is None:
            return
        skip: tuple[float, int] | None = None
        with ThreadPoolExecutor(max_workers=RECOMBINE_WORKERS) as pool:
            for window, nodes in rounds:
                if (window, nodes) == skip:
                    continue
                if time.perf_counter() > deadline:
                    break
                _, prices = master.solve()
                cost, constant = blocks.priced_costs(prices)
                starts = {}
                for d in master.days:  # start each day from its best plan at these prices
                    mine = [values for day, values in master.plans if day == d]
                    starts[d] = min(mine, key=lambda v: float(cost[blocks.cols_of[d]] @ v))
                week_part = _block_bound(blocks, 0, cost) if 0 in blocks.blocks else (0.0, None)
                jobs = [
                    pool.submit(
                        price_day,
                        blocks,
                        d,
                        cost,
                        starts[d],
                        window=window,
                        nodes=nodes,
                        deadline=deadline,
                    )
                    for d in master.days
                ]
                priced = [job.result() for job in jobs]
                total = constant + (week_part[0] if week_part is not None else -math.inf)
                added = 0
                for d, (bound, plans) in zip(master.days, priced, strict=True):
                    total += bound
                    for values in plans:
                        full = np.zeros(len(cost))
                        full[blocks.cols_of[d]] = values
                        added += master.add(d, full)
                self.bound = max(self.bound, total)
                skip = (window, nodes) if not added else None

    def best_week(self, deadline: float) -> dict[tuple[int, str], dict[int, int]] | None:
        """The best week the master's day plans make, checked against every row, or None."""
        if self.master is None:
            return None
        week = self.master.best_week(RECOMBINE_MASTER_NODES, deadline - time.perf_counter())
        if week is None or not _satisfies(self.spec, self.blocks.a, week):
            return None
        keys = [(d, s.name) for d in self.master.days for s in self.problem.slots]
        return picks_from_solution(self.lay, week, keys)


# ============================================================================================
# Public API
# ============================================================================================


def absorbed_ug(dose_ug: float) -> float:
    """Absorbed µg from one eating occasion's B12 dose under Model A."""
    if dose_ug <= 0:
        return 0.0
    return min(c + s * dose_ug for c, s in ABSORPTION_SEGMENTS)


def candidate_regimens(profile: Profile) -> list[Regimen]:
    """Supplement regimens to try, smallest first ("auto" starts with food alone)."""
    slot = profile.tablet_slot
    strengths = (
        [profile.supplement_strength_ug]
        if profile.supplement_strength_ug is not None
        else list(SUPPLEMENT_STRENGTHS_UG)
    )
    daily = [Regimen("daily", float(s), slot) for s in strengths]
    weekly = [Regimen("weekly", float(WEEKLY_SUPPLEMENT_UG), slot)]
    if profile.supplements == "none":
        return [Regimen("none", 0.0, slot)]
    if profile.supplements == "daily":
        return daily
    if profile.supplements == "weekly":
        return weekly
    return [Regimen("none", 0.0, slot), *daily, *weekly]


def make_problem(
    profile: Profile,
    catalog: Catalog,
    labels: pd.DataFrame,
    regimen: Regimen,
    cands: Candidates | None = None,
) -> Problem:
    rule = "weekly" if regimen.kind == "weekly" else "daily"
    return Problem(
        profile=profile,
        catalog=catalog,
        labels=labels,
        targets=profile.targets(b12_rule=rule),
        cands=cands if cands is not None else build_candidates(profile, catalog, labels),
        slots=list(profile.slots),
        n_days=profile.days,
        regimen=regimen,
        absorption=profile.absorption_aware,
        locked=list(profile.locked),
    )


def day_lp_feasible(problem: Problem, day: int = 1) -> bool:
    """A fast necessary check: the LP of one day (no weekly rules) has a solution."""
    if problem.weekly_rule:
        return True
    spec, _ = build_model(
        problem, [day], all_columns(problem, [day]), integer=False, coupling=False
    )
    return solve_with_highs_arrays(spec, mip=False, time_limit=5.0).ok


def _resolve_solver(solver: str) -> str:
    solver = solver.lower()
    if solver not in SOLVERS:
        raise InputError(f"unknown solver {solver!r}; use one of {', '.join(SOLVERS)}")
    if solver == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError:
            return "cbc"
    return solver


class ScarcityPrices:
    """What the weekly LP says each food placement costs the rest of the week (its prices
    for the weekly rules: uses per week, mains on consecutive days, distinct foods).

    Added to a day model's costs, they stop the day-by-day pass from spending early the
    foods later days need most (measured: the vegan week 71.17 -> 69.56 before the
    recombination; docs/performance.md).
    """

    def __init__(self, blocks: WeekBlocks, lay: Layout, row_duals: np.ndarray) -> None:
        priced, _ = blocks.priced_costs(row_duals)
        extra = priced - blocks.a["cost"]
        self._by_meal: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        for key, z in lay.z.items():
            codes = _placement_codes(lay.z_food[key], lay.z_level[key])
            order = np.argsort(codes, kind="stable")
            self._by_meal[key] = (codes[order], extra[z][order])

    def add_to(self, spec: Spec, lay: Layout, d: int, slots: Sequence[MealSlot]) -> None:
        """Add the prices to day d's model (built by `build_model` for that day alone)."""
        cost = spec.arrays()["cost"]
        for slot in slots:
            key = (d, slot.name)
            codes, extra = self._by_meal.get(key, (np.zeros(0, np.int64), np.zeros(0)))
            if key not in lay.z or len(codes) == 0:
                continue
            wanted = _placement_codes(lay.z_food[key], lay.z_level[key])
            at = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
            cost[lay.z[key]] += np.where(codes[at] == wanted, extra[at], 0.0)
        spec.set_costs(cost)


def _placement_codes(foods: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """One integer per (food position, amount level), for lookups between models (levels
    are half portions, at most MAX_HALF_PORTIONS)."""
    return np.asarray(foods, dtype=np.int64) * 1_000 + np.asarray(levels, dtype=np.int64)


def plan_week(
    problem: Problem, backend: str, deadline: float
) -> tuple[WeekSolution | Attempt, WeekBound]:
    """The week for one problem (one regimen, one candidate set) and a proven bound of it:
    the weekly LP, day by day, then the recombination (HiGHS), or an Attempt saying why not."""
    if not day_lp_feasible(problem):
        return Attempt(problem.regimen, "lp"), WeekBound(value=-math.inf, lp=-math.inf)
    lp, spec, lay = weekly_lp(problem, time_limit=max(0.5, (deadline - time.perf_counter()) / 3))
    if not lp.ok or lp.objective is None:
        return Attempt(problem.regimen, "lp"), WeekBound(value=-math.inf, lp=-math.inf)
    tiers = [select_columns(problem, lp, lay, k) for k in COLUMNS_PER_ROLE]
    tiers.append(all_columns(problem, range(1, problem.n_days + 1)))
    # Without a recombination the bound runs on the second core while the days are planned
    # (HiGHS releases the GIL); the plan never depends on it, so the same profile and seed
    # give the same plan. The recombination's rounds take both cores and prove a bound
    # themselves (measured: a thread stopped when they start never beat it).
    recombines = backend == "highs" and recombination_applies(problem, lp)
    stopper = Stopper()
    with ThreadPoolExecutor(max_workers=1) as pool:
        bound_job = (
            None
            if recombines
            else pool.submit(week_bound, spec, lp, deadline=deadline, stopper=stopper)
        )
        # The recombination reworks the days anyway, so each day's own LP columns are only
        # tried when the weekly LP's do not make a plan (measured: performance.md).
        lp_first = not recombines
        blocks = WeekBlocks(spec) if recombines else None
        scarcity = (
            ScarcityPrices(blocks, lay, lp.row_duals)
            if blocks is not None and lp.row_duals is not None
            else None
        )
        # With and without the scarcity prices, then paced with and without them: each
        # greedy pass can run out of foods where another does not (a 14-day fortified-only
        # plan: priced, day 13; plain, day 10; paced and priced, a plan of food alone, where
        # the plain passes alone ended with a daily tablet). Later passes run only on failure.
        priced = [{"scarcity": scarcity}] if scarcity is not None else []
        passes = [*priced, {}, *[{**p, "paced": True} for p in priced], {"paced": True}]
        week = Attempt(problem.regimen, "day", 1)
        for options in passes:
            if not isinstance(week, Attempt) or time.perf_counter() > deadline:
                break
            week = solve_by_days(
                problem,
                tiers,
                solver=backend,
                deadline=deadline,
                day_lp_first=lp_first,
                **options,
            )
        if not isinstance(week, Attempt) and recombines:
            week = improve_week(problem, week, lp, spec, lay, deadline=deadline, blocks=blocks)
        stopper.stop()
        bound = (
            bound_job.result()
            if bound_job is not None
            else WeekBound(value=lp.objective, lp=lp.objective)
        )
    if not isinstance(week, Attempt) and week.bound > bound.value:
        bound.value = bound.lagrangian = week.bound
        bound.prices = "the recombination's"
    return week, bound


def make_plan(
    profile: Profile | dict[str, Any] | None = None,
    catalog: Catalog | None = None,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    labels: pd.DataFrame | None = None,
    effort: str = "standard",
) -> Plan:
    """A verified weekly plan for `profile`, or NoPlanError with a plain-language diagnosis.

    effort="thorough" plans the week again over twice as many candidate foods per slot and
    role (THOROUGH_PER_ROLE) and keeps the better week, so it is never worse; the plan is
    still the same for the same profile and seed.
    """
    from planner.diagnose import Diagnosis, diagnose, structure_findings
    from planner.verify import verify_plan

    start = time.perf_counter()
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    if effort not in EFFORTS:
        raise InputError(f"effort must be one of {', '.join(EFFORTS)}, got {effort!r}")
    if time_limit is None:
        time_limit = default_time_limit(profile.days, effort)
    if not (0.5 <= float(time_limit) <= 3600):
        raise InputError(f"time limit must be from 0.5 to 3600 seconds, got {time_limit}")
    backend = _resolve_solver(solver)
    deadline = start + float(time_limit)
    if profile.stage in ("infant-0-6m", "infant-7-12m"):
        from planner.diagnose import infant_diagnosis

        diagnosis = infant_diagnosis(profile)
        raise NoPlanError(diagnosis.message, diagnosis=diagnosis)
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    if labels is None:
        from planner import diets

        labels = diets.label_foods(catalog)
    cands = build_candidates(profile, catalog, labels)
    wide_cands: Candidates | None = None
    attempts: list[Attempt] = []
    first: Problem | None = None
    for regimen in candidate_regimens(profile):
        if first is not None and time.perf_counter() > deadline:
            attempts.append(Attempt(regimen, "time"))
            break
        problem = make_problem(profile, catalog, labels, regimen, cands)
        if first is None:
            first = problem
            structural = structure_findings(problem)
            if structural:
                diagnosis = Diagnosis(" ".join(f.message for f in structural[:3]), structural)
                raise NoPlanError(diagnosis.message, diagnosis=diagnosis)
        week, bound = plan_week(problem, backend, deadline)
        if isinstance(week, Attempt):
            attempts.append(week)
            continue
        if effort == "thorough" and backend == "highs":
            # The same again over more candidates per slot and role; the better week wins,
            # so the longer search is never worse.
            if wide_cands is None:
                wide_cands = build_candidates(profile, catalog, labels, per_role=THOROUGH_PER_ROLE)
            wide = make_problem(profile, catalog, labels, regimen, wide_cands)
            wide_week, wide_bound = plan_week(wide, backend, deadline)
            if (
                not isinstance(wide_week, Attempt)
                and objective_of(wide, wide_week.picks) < objective_of(problem, week.picks) - 1e-9
            ):  # foods score alike in both
                problem, week, bound = wide, wide_week, wide_bound
        plan = assemble_plan(
            problem,
            week,
            bound=bound,
            solver=backend,
            started=start,
            attempts=attempts,
            effort=effort if backend == "highs" else "standard",
        )
        if effort == "thorough" and backend != "highs":
            plan.notes.append(
                "The longer search needs the HiGHS solver; this plan was made with CBC at the "
                "standard effort."
            )
        report = verify_plan(plan, catalog, labels)
        if not report.ok:
            raise NoPlanError(
                "the solver's plan failed the independent check ("
                + "; ".join(v.message for v in report.violations[:3])
                + "); this is a bug in b12-planner, please report it with your profile"
            )
        return plan
    assert first is not None
    # With supplements allowed, explain the most generous regimen tried: if even that fails,
    # B12 is not the (only) reason, and the diagnosis should name the real one.
    diagnosis = diagnose(problem if profile.supplements != "none" else first, attempts)
    raise NoPlanError(diagnosis.message, diagnosis=diagnosis)


def objective_of(problem: Problem, picks: dict[tuple[int, str], dict[int, int]]) -> float:
    """The model's objective for a set of picks, evaluated directly (no solver involved).

    The same function scores the planner's week, the naive model's week and any other, so
    their objectives compare like for like (the paced retry's extra costs are not included).
    """
    return sum(day_objective(problem, picks, d) for d in range(1, problem.n_days + 1))


def day_objective(problem: Problem, picks: dict[tuple[int, str], dict[int, int]], d: int) -> float:
    """Day d's part of `objective_of` (the objective is a sum over days)."""
    c = problem.cands
    t = problem.targets
    profile = problem.profile
    total = 0.0
    kcal = protein = fibre = 0.0
    for si, slot in enumerate(problem.slots):
        chosen = picks.get((d, slot.name), {})
        if not chosen:
            continue
        pos = np.array(sorted(chosen), dtype=np.int64)
        level = np.array([chosen[int(p)] for p in pos], dtype=float)
        shuffle_cost = problem.shuffle_costs(d, si, pos)
        item = (
            W_ITEM
            + c.source_cost[pos]
            + W_SHUFFLE * shuffle_cost
            - FAVOURITE_BONUS * c.favourite[pos]
            - PANTRY_BONUS * c.pantry[pos]
        )
        per_half = W_SODIUM_PER_100MG * c.sodium[pos] / 100.0 + profile.price_weight * c.price[pos]
        total += float(item.sum() + (per_half * level).sum())
        kcal += float((c.kcal[pos] * level).sum())
        protein += float((c.protein[pos] * level).sum())
        fibre += float((c.fibre[pos] * level).sum())
    total += W_KCAL_PER_PCT * 100.0 * abs(kcal - t.kcal_per_day) / t.kcal_per_day
    total += W_PROTEIN_PER_G * max(0.0, PROTEIN_GOAL_FACTOR * t.protein_g_min - protein)
    total += W_FIBRE_PER_G * max(0.0, FIBRE_G_PER_1000_KCAL * t.kcal_per_day / 1000 - fibre)
    return total


def picks_from_solution(
    lay: Layout, x: np.ndarray, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], dict[int, int]]:
    """{(day, slot): {candidate position: half portions}} from a solved model's values."""
    picks = {}
    for key in keys:
        z = x[lay.z[key]] > 0.5
        picks[key] = {
            int(p): int(k) for p, k in zip(lay.z_food[key][z], lay.z_level[key][z], strict=True)
        }
    return picks


def assemble_plan(
    problem: Problem,
    week: WeekSolution,
    *,
    bound: WeekBound | None,
    solver: str,
    started: float,
    attempts: Sequence[Attempt] = (),
    effort: str = "standard",
) -> Plan:
    """Entries and day totals computed from the catalog (per 100 g x grams), plus notes."""
    c = problem.cands
    profile = problem.profile
    foods = problem.catalog.foods
    counted = counted_b12(problem.labels, profile)
    t = problem.targets
    entries: list[PlanEntry] = []
    days: list[DayTotals] = []
    slot_rank = {s.name: i for i, s in enumerate(problem.slots)}
    locked = {(m.day, m.slot, m.food_id) for m in problem.locked}
    for d in range(1, problem.n_days + 1):
        totals = {"kcal": 0.0, "protein": 0.0, "sodium": 0.0, "b12": 0.0, "counted": 0.0}
        absorbed_day = 0.0
        occasions = 0
        supplement_day = 0.0
        for slot in sorted(problem.slots, key=lambda s: slot_rank[s.name]):
            meal = []
            for p, half_portions in sorted(week.picks[(d, slot.name)].items()):
                food_id = str(c.ids[p])
                row = foods.loc[food_id]
                grams = half_portions * c.half_grams[p]
                per = grams / 100.0
                meal.append(
                    {
                        "food_id": food_id,
                        "description": str(row["description"]),
                        "portion": str(c.frame.at[food_id, "portion"]),
                        "portion_grams": float(c.frame.at[food_id, "portion_grams"]),
                        "servings": half_portions / 2.0,
                        "grams": round(float(grams), 1),
                        "kcal": float(row["kcal"]) * per,
                        "protein_g": float(row["protein_g"]) * per,
                        "sodium_mg": float(row["sodium_mg"]) * per,
                        "b12_ug": float(row["b12_ug"]) * per,
                        "b12_counted_ug": float(counted[food_id]) * per,
                        "locked": (d, slot.name, food_id) in locked,
                    }
                )
            dose = problem.regimen.dose(d, slot.name)
            supplement_day += dose
            food_dose = sum(m["b12_counted_ug"] for m in meal)
            meal_dose = food_dose + dose
            meal_absorbed = absorbed_ug(meal_dose)
            absorbed_day += meal_absorbed
            occasions += meal_dose > 0
            for m in meal:
                share = m["b12_counted_ug"] / meal_dose if meal_dose > 0 else 0.0
                if problem.absorption:
                    m["b12_absorbed_ug"] = round(meal_absorbed * share, 4)
                totals["kcal"] += m["kcal"]
                totals["protein"] += m["protein_g"]
                totals["sodium"] += m["sodium_mg"]
                totals["b12"] += m["b12_ug"]
                totals["counted"] += m["b12_counted_ug"]
                for key in ("kcal", "protein_g", "sodium_mg"):
                    m[key] = round(m[key], 2)
                for key in ("b12_ug", "b12_counted_ug"):
                    m[key] = round(m[key], 4)
                entries.append(PlanEntry(day=d, slot=slot.name, **m))
        days.append(
            DayTotals(
                day=d,
                kcal=round(totals["kcal"], 1),
                protein_g=round(totals["protein"], 1),
                sodium_mg=round(totals["sodium"], 1),
                b12_ug=round(totals["b12"], 3),
                b12_counted_ug=round(totals["counted"] + supplement_day, 3),
                b12_absorbed_ug=round(absorbed_day, 3) if problem.absorption else None,
                b12_occasions=int(occasions),
            )
        )
    seconds = time.perf_counter() - started
    objective = objective_of(problem, week.picks)
    gap = None
    if bound is not None and objective > 0:
        gap = max(0.0, (objective - bound.value) / objective)
    how = "LP relaxation of the whole week over every candidate"
    if bound is not None and bound.lagrangian is not None and bound.lagrangian >= bound.lp:
        how = (
            f"Lagrangian relaxation of the weekly rules at {bound.prices} prices, each day's "
            "integer model bounded over every candidate"
        )
    solver_info = SolverInfo(
        name=solver,
        status=week.status,
        seconds=round(seconds, 3),
        objective=round(objective, 4),
        bound=round(bound.value, 4) if bound is not None else None,
        gap=round(gap, 4) if gap is not None else None,
        method=(
            "one integer model per day over LP-chosen columns, weekly rules carried forward"
            + (
                ", then the days recombined (column generation over day plans) and each day "
                "re-planned alone"
                if solver == "highs"
                else ""
            )
            + (
                ", then the same over twice as many candidates per slot and role, the better "
                "week kept (the longer search)"
                if effort == "thorough"
                else ""
            )
            + f"; bound = {how}"
        ),
    )
    return Plan(
        diet=profile.diet,
        n_days=problem.n_days,
        slots=[s.name for s in problem.slots],
        profile=profile.model_dump(mode="json"),
        entries=entries,
        supplements=problem.regimen.doses(problem.n_days),
        targets=t,
        days=days,
        solver=solver_info,
        catalog=_catalog_summary(problem.catalog),
        notes=_notes(problem, attempts),
    )


def _catalog_summary(catalog: Catalog) -> dict[str, Any]:
    sources = [
        {k: src.get(k) for k in ("name", "dataset", "release", "release_date")}
        for src in catalog.manifest.get("sources", [])
    ]
    return {"sources": sources, "foods": len(catalog.foods)}


def _notes(problem: Problem, attempts: Sequence[Attempt]) -> list[str]:
    t = problem.targets
    notes = []
    counting = (
        "only B12 added to fortified foods and supplements counts"
        if t.b12_counting == "fortified_only"
        else "B12 from every reliable source counts; from unreliable ones (seaweed, tempeh, "
        "mushrooms, yeast) only B12 added to them; unknown B12 counts 0"
    )
    if problem.weekly_rule:
        what = "absorbed" if problem.absorption else "counted"
        notes.append(
            f"B12 rule: weekly. With a weekly {WEEKLY_SUPPLEMENT_UG} µg dose the week's {what} "
            "B12 is judged over the whole plan (body stores bridge the days), not day by day."
        )
    elif problem.absorption:
        notes.append(
            f"B12 rule: daily, absorption-aware. Each day's absorbed B12 is at least "
            f"{t.b12_absorbed_ug_per_day:g} µg ({t.b12_ug_per_day:g} µg x 0.5), using the "
            "dose-absorption curve per eating occasion (of 1 µg eaten at once about 0.5 µg is "
            "absorbed, of 25 µg about 1.25 µg)."
        )
        if problem.spread:
            notes.append(
                "B12 is spread over at least two eating occasions a day (no meal counts for "
                f"more than {B12_SPREAD_SHARE:.0%} of the absorbed target)."
            )
    else:
        notes.append(f"B12 rule: daily. Counted B12 is at least {t.b12_ug_per_day:g} µg every day.")
    notes.append(f"B12 counting: {counting}.")
    risks = problem.profile.food_bound_b12_risks
    if problem.profile.b12_counting is None and risks:
        why = "; ".join(FOOD_BOUND_B12_SOURCES[r] for r in risks)
        notes.append(
            "Only fortified foods and supplements count here because food-bound B12 is "
            f"poorly absorbed ({why}). Set B12 counting to 'all' to count every source."
        )
    if problem.regimen.kind != "none":
        tried_food = any(a.regimen.kind == "none" for a in attempts)
        if tried_food:
            notes.append(
                "Food alone cannot reach the B12 target under these rules, so the plan adds "
                "the smallest supplement regimen that closes the gap: "
                f"{problem.regimen.describe()}."
            )
        else:
            notes.append(f"Supplement: {problem.regimen.describe()}.")
    left_out = stage_summary(problem.profile.stage)
    if left_out:
        notes.append(left_out)
    return notes


# --- re-planning helpers used by the app --------------------------------------------------


def locked_from_plan(plan: Plan, meals: Iterable[tuple[int, str]]) -> list[LockedMeal]:
    """The entries of the given (day, slot) meals as locked meals."""
    wanted = set(meals)
    return [
        LockedMeal(day=e.day, slot=e.slot, food_id=e.food_id, servings=e.servings, whole_meal=True)
        for e in plan.entries
        if (e.day, e.slot) in wanted
    ]


def replan(
    profile: Profile,
    plan: Plan,
    *,
    keep: Iterable[tuple[int, str]] = (),
    exclude: Iterable[str] = (),
    seed: int | None = None,
    catalog: Catalog | None = None,
    labels: pd.DataFrame | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
) -> Plan:
    """Plan again with some meals kept exactly (locked), foods excluded and/or a new seed."""
    locked = locked_from_plan(plan, keep)
    exclude = [f for f in exclude if f not in profile.exclude_foods]
    locked = [m for m in locked if m.food_id not in exclude]
    updated = parse_profile(
        profile,
        locked=[m.model_dump() for m in locked],
        exclude_foods=[*profile.exclude_foods, *exclude],
        favourites=[f for f in profile.favourites if f not in exclude],
        pantry=[f for f in profile.pantry if f not in exclude],
        seed=profile.seed if seed is None else seed,
    )
    return make_plan(updated, catalog, solver=solver, time_limit=time_limit, labels=labels)


def swap_food(
    profile: Profile,
    plan: Plan,
    food_id: str,
    *,
    catalog: Catalog | None = None,
    labels: pd.DataFrame | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
) -> Plan:
    """Replace one food: meals without it are kept; if that has no plan, re-plan everything."""
    if food_id not in plan.food_ids():
        raise InputError(f"{food_id} is not in this plan; pick a food from the plan to swap")
    touched = {(e.day, e.slot) for e in plan.entries if e.food_id == food_id}
    keep = {(e.day, e.slot) for e in plan.entries} - touched
    kwargs = {"catalog": catalog, "labels": labels, "solver": solver, "time_limit": time_limit}
    try:
        return replan(profile, plan, keep=keep, exclude=[food_id], **kwargs)
    except NoPlanError:
        return replan(profile, plan, exclude=[food_id], **kwargs)


def shuffle(
    profile: Profile,
    *,
    catalog: Catalog | None = None,
    labels: pd.DataFrame | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
) -> tuple[Profile, Plan]:
    """Another valid plan: the same profile with the next seed."""
    updated = parse_profile(profile, seed=(profile.seed + 1) % (2**32))
    plan = make_plan(updated, catalog, solver=solver, time_limit=time_limit, labels=labels)
    return updated, plan
