"""Why no plan exists, in plain words with numbers and a fix (never "relax constraints").

Three steps, cheapest first:
1. Structure: a meal slot or a required role with no allowed food at all.
2. One day: an elastic LP of day 1 where every named target row may fall short at a high
   price; the rows that still fall short are the reasons, with the shortfall in their units.
   For B12 the diagnosis also computes the most B12 the allowed foods can supply in a day and
   the smallest supplement that would close the gap.
3. The week: when single days work but the week does not, B12 spread over meals is checked
   (`b12_spread_days`: can the foods that supply B12 serve two meals a day under the
   weekly caps?), then the weekly rules (uses per food, distinct foods, mains) are made
   elastic the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from planner.model import (
    B12_SPREAD_SHARE,
    SUPPLEMENT_STRENGTHS_UG,
    WEEKLY_SUPPLEMENT_UG,
    Attempt,
    Problem,
    Regimen,
    Spec,
    absorbed_ug,
    all_columns,
    build_model,
    food_caps,
    solve_with_highs_arrays,
)
from planner.profile import Profile, stage_label

DIET_FOODS = {
    "omnivore": "foods",
    "vegetarian": "vegetarian foods",
    "vegan": "vegan foods",
    "fortified-only": "foods",
}
# Row families that may stretch in the elastic LP, with plain names.
ELASTIC_FAMILIES = (
    ("b12", "B12"),
    ("energy", "energy"),
    ("protein", "protein"),
    ("sodium", "sodium"),
    ("fat", "fat"),
    ("meal", "meal composition"),
)
SLACK_PRICE = 1000.0


@dataclass
class Finding:
    """One reason: the constraint family, what is available against what is needed, fixes."""

    constraint: str
    message: str
    available: float | None = None
    needed: float | None = None
    unit: str = ""
    fixes: list[str] = field(default_factory=list)


@dataclass
class Diagnosis:
    message: str
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "findings": [asdict(f) for f in self.findings]}


def infant_diagnosis(profile: Profile) -> Diagnosis:
    stage = stage_label(profile.stage)
    target = profile.b12_target()[0]
    text = (
        f"No meal plan for {stage}: babies get B12 from breast milk or infant formula "
        f"(adequate intake {target:g} µg a day), and this catalog's plans are for ages 1 and "
        "over. Ask a paediatrician; breastfed babies of vegan mothers need B12 from birth."
    )
    return Diagnosis(text, [Finding("life_stage", text, fixes=["choose age 1 or over"])])


def diagnose(problem: Problem, attempts: list[Attempt] | None = None) -> Diagnosis:
    """The plain-language reason no plan satisfies `problem`, with numbers and fixes."""
    attempts = attempts or []
    findings = structure_findings(problem)
    if not findings:
        findings = _one_day(problem)
    if not findings:
        findings = _b12_spread(problem)
    if not findings:
        findings = _week(problem)
    if not findings:
        day = next((a.day for a in attempts if a.stage == "day"), None)
        profile = problem.profile
        where = f"on day {day}" if day else "before the time limit"
        distinct = (
            f", at most {profile.max_distinct_foods} different foods"
            if profile.max_distinct_foods is not None
            else ""
        )
        text = (
            "No plan was found: each day's targets can be met on their own, but the "
            f"day-by-day search ran out of options {where} under the weekly rules (each food "
            f"at most {_times(profile.max_per_week)} a week{distinct}, no same main dish on "
            "consecutive days). Loosen one of them, widen the energy tolerance, or allow a "
            "longer time limit."
        )
        fixes = ["more uses per food", "more different foods", "a longer time limit"]
        findings = [Finding("week_search", text, fixes=fixes)]
    message = " ".join(f.message for f in findings[:3])
    return Diagnosis(message, findings)


def _times(n: int | None) -> str:
    return "once" if n == 1 else f"{n} times"


# --- step 1: structure ---------------------------------------------------------------------


def structure_findings(problem: Problem) -> list[Finding]:
    """Reasons visible without solving: empty slots, missing roles, too few placements."""
    c = problem.cands
    foods = DIET_FOODS.get(problem.profile.diet, "foods")
    out: list[Finding] = []
    placements = placement_finding(problem)
    if placements is not None:
        out.append(placements)
    for slot in problem.slots:
        members = c.members[slot.name]
        if len(members) == 0:
            text = (
                f"No allowed {foods} can be eaten at {slot.name} after the exclusions: "
                f"remove some excluded foods or categories, or drop the {slot.name} slot."
            )
            out.append(Finding(f"meal_{slot.name}", text, 0, slot.min_items, "foods"))
            continue
        for group in slot.requires:
            if not any(c.roles[p] & set(group) for p in members):
                what = " or ".join(group).replace("_", " ")
                text = (
                    f"{slot.name.capitalize()} needs a {what}, but no allowed {foods} of that "
                    f"kind are left: stop excluding them, or change the {slot.name} "
                    "composition."
                )
                out.append(Finding(f"meal_{slot.name}_needs_{'_or_'.join(group)}", text, 0, 1))
        if len(members) < slot.min_items:
            text = (
                f"{slot.name.capitalize()} needs {slot.min_items} different foods but only "
                f"{len(members)} are allowed there."
            )
            out.append(Finding(f"meal_{slot.name}_items_min", text, len(members), slot.min_items))
    return out


def placement_finding(problem: Problem) -> Finding | None:
    """Too few food placements possible under the variety caps: a counting argument."""
    profile = problem.profile
    days = problem.n_days
    need = days * sum(s.min_items for s in problem.slots)
    weeks = (days + 6) // 7
    caps = np.sort(food_caps(problem))[::-1]
    per_food = np.minimum(caps * weeks, days)  # each food at most once a day
    limit = profile.max_distinct_foods
    capacity = int(per_food[:limit].sum()) if limit is not None else int(per_food.sum())
    if capacity >= need:
        return None
    distinct = f"at most {limit} different foods, " if limit is not None else ""
    text = (
        f"A {days}-day plan needs at least {need} foods placed in meals "
        f"({sum(s.min_items for s in problem.slots)} a day), but with {distinct}each at most "
        f"{_times(profile.max_per_week)} a week, only {capacity} placements are possible: raise "
        "the cap on different foods or the uses per food, or plan fewer days."
    )
    return Finding("foods_distinct_max", text, capacity, need, "placements")


# --- step 2: one day -----------------------------------------------------------------------


def _elastic(problem: Problem, days: list[int], families: tuple[str, ...], coupling: bool):
    """Build the LP with slack on rows whose names start with one of `families`."""
    spec, lay = build_model(
        problem, days, all_columns(problem, days), integer=False, coupling=coupling
    )
    rows = [
        i
        for i, name in enumerate(spec.row_names)
        if name.startswith(families)
        and "_curve" not in name
        and "_deviation" not in name
        and "_goal" not in name
        and spec.row_sense[i] != "E"
    ]
    names = [f"slack_{spec.row_names[i]}" for i in rows]
    weights = [SLACK_PRICE / max(1.0, abs(spec.row_rhs[i])) for i in rows]
    slack = spec.cols(names, 0.0, np.inf, 0.0)
    signs = [1.0 if spec.row_sense[i] == "G" else -1.0 for i in rows]
    spec.add_terms(rows, slack, signs)
    a = spec.arrays()
    cost = a["cost"].copy()
    cost[slack] += np.array(weights)
    spec.set_costs(cost)
    return spec, lay, rows, slack


def _one_day(problem: Problem) -> list[Finding]:
    base = problem
    families = tuple(f for f, _ in ELASTIC_FAMILIES)
    spec, _, rows, slack = _elastic(base, [1], families, coupling=False)
    result = solve_with_highs_arrays(spec, mip=False, time_limit=10.0)
    if not result.ok or result.x is None:
        return []
    short = {spec.row_names[r]: float(result.x[s]) for r, s in zip(rows, slack, strict=True)}
    short = {k: v for k, v in short.items() if v > 1e-6}
    if not short:
        return []
    out: list[Finding] = []
    if any(k.startswith("b12") for k in short):
        out.append(_b12_finding(problem))
    for name, amount in sorted(short.items(), key=lambda kv: -kv[1]):
        if name.startswith("b12"):
            continue
        out.append(_generic_finding(problem, name, amount))
    return out


def _generic_finding(problem: Problem, name: str, amount: float) -> Finding:
    t = problem.targets
    foods = DIET_FOODS.get(problem.profile.diet, "foods")
    plain = name.replace("_day1", "").replace("_", " ")
    if name.startswith("protein"):
        text = (
            f"The allowed {foods} cannot give {t.protein_g_min:g} g protein a day within "
            f"{t.kcal_max:.0f} kcal and the other limits (short by {amount:.0f} g): allow more "
            "protein foods, lower the protein target, or widen the energy tolerance."
        )
        return Finding(name, text, t.protein_g_min - amount, t.protein_g_min, "g")
    if name.startswith("sodium"):
        text = (
            f"The allowed {foods} cannot fill the meals with under {t.sodium_mg_max:g} mg "
            f"sodium a day (over by {amount:.0f} mg): allow more low-salt foods or raise the "
            "sodium limit."
        )
        return Finding(name, text, (t.sodium_mg_max or 0) + amount, t.sodium_mg_max, "mg")
    if name.startswith("energy") and name.endswith("_min"):
        text = (
            f"The allowed {foods} cannot reach the energy needed ({plain}: short by "
            f"{amount:.0f} kcal) within the portion limits: allow more foods or lower the "
            "energy target."
        )
        return Finding(name, text, None, None, "kcal")
    if name.startswith("energy"):
        text = (
            f"The meals cannot stay within the energy limit ({plain}: over by {amount:.0f} "
            "kcal) with the required foods: raise the energy target or widen its tolerance."
        )
        return Finding(name, text, None, None, "kcal")
    if name.startswith("fat"):
        text = (
            f"The allowed {foods} give more than 35 % of energy from fat: allow more "
            "lower-fat foods such as grains, fruit and vegetables."
        )
        return Finding(name, text, None, None, "")
    text = (
        f"The meals cannot be composed as required ({plain}): allow more foods for that "
        "meal or change its composition."
    )
    return Finding(name, text, None, None, "")


def _max_b12(problem: Problem, *, spread: bool) -> float:
    """Most counted (or absorbed) B12 the allowed foods give in one day, other rules kept."""
    t = problem.targets
    probe = Problem(
        **{
            **problem.__dict__,
            "targets": t.model_copy(update={"b12_ug_per_day": 1e-9}),
        }
    )
    if not spread and probe.absorption:
        probe = Problem(**{**probe.__dict__, "regimen": Regimen("daily", 0.0, "none")})
    spec, lay = build_model(probe, [1], all_columns(probe, [1]), integer=False, coupling=False)
    keep = [
        i
        for i, name in enumerate(spec.row_names)
        if name.startswith(("b12_day1_absorbed", "b12_day1_counted"))
    ]
    a = spec.arrays()
    cost = np.zeros(spec.n_cols)
    if probe.absorption:
        cost[list(lay.absorbed.values())] = -1.0
    else:
        for key, z in lay.z.items():
            cost[z] -= probe.cands.b12c[lay.z_food[key]] * lay.z_level[key]
    for i in keep:  # drop the B12 floor itself
        spec.row_rhs[i] = -1e9 if spec.row_sense[i] == "G" else spec.row_rhs[i]
    del a
    spec.set_costs(cost)
    result = solve_with_highs_arrays(spec, mip=False, time_limit=10.0)
    if not result.ok or result.objective is None:
        return 0.0
    return max(0.0, -float(result.objective))


def _b12_finding(problem: Problem) -> Finding:
    t = problem.targets
    profile = problem.profile
    foods = DIET_FOODS.get(profile.diet, "foods")
    absorbed = problem.absorption
    target = float(t.b12_absorbed_ug_per_day if absorbed else t.b12_ug_per_day)
    best = _max_b12(problem, spread=problem.spread)
    unit = "µg absorbed B12" if absorbed else "µg B12"
    fixes: list[str] = []
    if profile.resolved_food_rule == "vegan":
        fixes.append("allow fortified plant milks or cereals")
    elif profile.resolved_b12_counting == "fortified_only":
        fixes.append("allow fortified foods such as breakfast cereals and plant milks")
    else:
        fixes.append("allow more B12-rich foods (fish, dairy, eggs, fortified cereals)")
    strength = _smallest_supplement(best, target, absorbed)
    if strength is not None:
        fixes.append(f"add a {strength:g} µg supplement")
    else:
        fixes.append(f"take a weekly {WEEKLY_SUPPLEMENT_UG:,} µg supplement")
    if profile.supplements == "none":
        fixes[-1] += " (supplements: auto)"  # the same words in the CLI and the app
    if problem.spread and best < target:
        free = _max_b12(problem, spread=False)
        if free >= target:
            text = (
                f"The allowed {foods} can reach {target:g} {unit} a day only from a single "
                f"meal, but B12 should come from at least two eating occasions: "
                + ", or ".join(fixes)
                + "."
            )
            return Finding("b12_day_spread", text, best, target, unit, fixes)
    text = (
        f"The {foods} allowed can supply at most {best:.1f} {unit} a day against a target "
        f"of {target:g} {unit.removeprefix('µg ')}: " + ", or ".join(fixes) + "."
    )
    if absorbed:
        text = text.replace(f"of {target:g} absorbed B12", f"of {target:g} µg absorbed")
    else:
        text = text.replace(f"of {target:g} B12", f"of {target:g} µg")
    return Finding("b12_day", text, round(best, 3), target, unit, fixes)


def _smallest_supplement(food_best: float, target: float, absorbed: bool) -> float | None:
    for strength in SUPPLEMENT_STRENGTHS_UG:
        gain = absorbed_ug(strength) if absorbed else float(strength)
        if food_best + gain >= target:
            return float(strength)
    return None


# --- step 3: the week ----------------------------------------------------------------------


def b12_spread_days(problem: Problem) -> tuple[int, list[int]]:
    """How many days can get their absorbed B12 from two or more meals (the spread rule: no
    meal above B12_SPREAD_SHARE of the target) under the weekly caps, and the B12 sources.

    A small integer model of B12 alone: a food at most once a day and `max_per_week` times
    a week, a meal's absorbed B12 at most the sum of what each of its foods gives at its
    largest portion (the dose-absorption curve is concave, so that sum is an upper bound).
    Energy, meal composition, locks and the mains rule are left out, so fewer days than the
    plan has proves that no plan exists."""
    c = problem.cands
    target = float(problem.targets.b12_absorbed_ug_per_day or 0.0)
    sources = np.flatnonzero(c.b12c > 0)
    caps = food_caps(problem)
    spec = Spec()
    used: dict[tuple[int, int], list[int]] = {}  # (week, food) -> columns
    daily: dict[tuple[int, int], list[int]] = {}  # (day, food) -> columns
    for d in range(1, problem.n_days + 1):
        meals = []
        for slot in problem.slots:
            here = np.intersect1d(sources, c.members[slot.name])
            if len(here) == 0:
                continue
            names = [f"y_d{d}_{slot.name}_{c.ids[p]}" for p in here]
            y = spec.cols(names, 0.0, 1.0, integer=True)
            gives = np.array([absorbed_ug(float(c.b12c[p] * c.cap[p])) for p in here])
            w = spec.cols([f"absorbed_d{d}_{slot.name}"], 0.0, B12_SPREAD_SHARE * target)[0]
            spec.row(f"meal_d{d}_{slot.name}", np.append(y, w), np.append(-gives, 1.0), "L", 0)
            meals.append(w)
            for p, col in zip(here, y, strict=True):
                used.setdefault((problem.week_of(d), int(p)), []).append(int(col))
                daily.setdefault((d, int(p)), []).append(int(col))
        met = spec.cols([f"met_d{d}"], 0.0, 1.0, -1.0, integer=True)[0]
        spec.row(f"day{d}", np.append(meals, met), np.append(np.ones(len(meals)), -target), "G", 0)
    for (d, p), cols in daily.items():
        if len(cols) > 1:
            spec.row(f"once_d{d}_{c.ids[p]}", cols, 1.0, "L", 1.0)
    for (week, p), cols in used.items():
        if len(cols) > caps[p]:
            spec.row(f"uses_{c.ids[p]}_week{week + 1}", cols, 1.0, "L", float(caps[p]))
    result = solve_with_highs_arrays(spec, mip=True, time_limit=10.0)
    if result.status != "optimal" or result.objective is None:
        return problem.n_days, sources.tolist()  # unknown: claim nothing
    return int(round(-result.objective)), sources.tolist()


def _b12_spread(problem: Problem) -> list[Finding]:
    """Too few B12 sources, under the weekly caps, to spread B12 over two meals every day."""
    if not problem.spread:
        return []
    days, sources = b12_spread_days(problem)
    if days >= problem.n_days:
        return []
    c = problem.cands
    profile = problem.profile
    foods = DIET_FOODS.get(profile.diet, "foods")
    slotted = [p for p in sources if any(p in set(m.tolist()) for m in c.members.values())]
    slotted.sort(key=lambda p: -float(c.b12c[p] * c.cap[p]))
    names = [str(c.frame.iloc[p]["description"]) for p in slotted[:4]]
    listed = "; ".join(names) + ("; ..." if len(slotted) > 4 else "")
    target = float(problem.targets.b12_absorbed_ug_per_day or 0.0)
    fixes = [
        "allow fortified plant milks or cereals",
        "raise the uses per food",
        "turn off absorption-aware planning",
        "add a supplement (supplements: auto)",
    ]
    text = (
        f"Absorption-aware planning needs the {target:g} µg of absorbed B12 a day from at "
        f"least two meals (none above {B12_SPREAD_SHARE:.0%} of it), but the allowed {foods} "
        f"that supply B12 ({len(slotted)}, such as {listed}) can do that on at most {days} "
        f"of the {problem.n_days} days, each at most {_times(profile.max_per_week)} a week "
        "and only in the meals they suit: " + ", or ".join(fixes) + "."
    )
    return [Finding("b12_spread_week", text, days, problem.n_days, "days", fixes)]


def _week(problem: Problem) -> list[Finding]:
    days = list(range(1, problem.n_days + 1))
    families = ("variety", "main", "foods_distinct", "b12_week")
    spec, _, rows, slack = _elastic(problem, days, families, coupling=True)
    result = solve_with_highs_arrays(spec, mip=False, time_limit=20.0)
    if not result.ok or result.x is None:
        return []
    short = {spec.row_names[r]: float(result.x[s]) for r, s in zip(rows, slack, strict=True)}
    short = {k: v for k, v in short.items() if v > 1e-6}
    if not short:
        return []
    profile = problem.profile
    variety = [k for k in short if k.startswith("variety")]
    out: list[Finding] = []
    if variety:
        foods = sorted({k.removeprefix("variety_").split("_max_per_week")[0] for k in variety})
        names = [str(problem.catalog.foods.at[f, "description"]) for f in foods[:3]]
        text = (
            f"Meeting every day's targets needs some foods more than {profile.max_per_week} "
            f"times a week ({'; '.join(names)}): raise the limit per food, mark them as "
            "favourites, or allow more foods of that kind."
        )
        out.append(Finding("variety_max_per_week", text, None, profile.max_per_week, "uses"))
    if any(k.startswith("foods_distinct") for k in short):
        text = (
            f"The week needs more than {profile.max_distinct_foods} different foods: raise "
            "the cap on distinct foods."
        )
        out.append(Finding("foods_distinct_max", text, None, profile.max_distinct_foods))
    if any(k.startswith("main") for k in short):
        text = (
            "Too few main dishes are allowed to avoid the same main in the same meal on "
            "consecutive days: allow more foods or turn that rule off."
        )
        out.append(Finding("main_consecutive", text))
    return out
