"""`b12plan plan`: a verified weekly meal plan from the command line.

Exit status 0 with a plan, 2 on bad arguments, 3 when no plan is possible (the diagnosis goes
to stderr and, with --out, into the JSON file).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from planner.cli.output import check_output_path, render_table, write_output
from planner.errors import InputError, NoPlanError
from planner.plan import EFFORTS, Plan
from planner.profile import (
    DIET_NAMES,
    LIFE_STAGES,
    SUPPLEMENT_STRENGTHS_UG,
    Profile,
    parse_profile,
)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "plan",
        help="plan a week of meals that meets the B12 target (verified)",
        description=(
            "Build a weekly meal plan from the catalog that meets B12, energy, protein and "
            "sodium targets under a diet's rules, in household portions. Every plan is "
            "re-checked from the catalog before it is shown."
        ),
    )
    parser.add_argument("--diet", choices=DIET_NAMES, help="default: omnivore")
    parser.add_argument("--life-stage", choices=LIFE_STAGES, help="default: from --age, else adult")
    parser.add_argument("--sex", choices=("female", "male"))
    parser.add_argument("--age", type=_int, help="age in years")
    parser.add_argument("--weight", type=_positive_float, help="body weight in kg")
    parser.add_argument("--height", type=_positive_float, help="height in cm")
    parser.add_argument(
        "--activity", choices=("sedentary", "light", "moderate", "active", "very-active")
    )
    parser.add_argument("--kcal", type=_positive_float, help="energy target in kcal/day")
    parser.add_argument("--protein", type=_positive_float, help="protein minimum, g per day")
    parser.add_argument("--b12-reference", choices=("us", "efsa"), help="reference intakes")
    parser.add_argument("--b12-target", type=_positive_float, help="custom B12 target, µg/day")
    parser.add_argument(
        "--b12-counting",
        choices=("all", "fortified_only"),
        help="which B12 counts: every reliable source, or only B12 added to foods and tablets "
        "(default: from --diet; fortified_only over 50 years or with --acid-reducers)",
    )
    parser.add_argument(
        "--acid-reducers",
        action="store_true",
        default=None,
        help="takes proton-pump inhibitors or H2 blockers: count only B12 added to foods and "
        "tablets (food-bound B12 is poorly absorbed)",
    )
    parser.add_argument("--days", type=_int, help="days to plan (1-14, default 7)")
    parser.add_argument("--seed", type=_int, help="another seed gives another valid plan")
    parser.add_argument(
        "--absorption",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="count absorbed B12 per eating occasion (default: on for vegan, fortified-only)",
    )
    parser.add_argument("--supplements", choices=("none", "daily", "weekly", "auto"))
    parser.add_argument(
        "--strength",
        type=_int,
        choices=SUPPLEMENT_STRENGTHS_UG,
        metavar="UG",
        help="daily tablet strength in µg (10, 25, 50, 100, 250, 500, 1000)",
    )
    parser.add_argument("--supplement-slot", help="meal the tablet is taken with")
    parser.add_argument("--exclude", nargs="+", default=[], metavar="FOOD_ID")
    parser.add_argument("--exclude-category", nargs="+", default=[], metavar="CATEGORY")
    parser.add_argument("--favourite", nargs="+", default=[], metavar="FOOD_ID")
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile JSON (or a plan JSON: its saved profile); flags override its fields",
    )
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument(
        "--time-limit",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="a safety net: the planner stops on work limits, so the same profile and seed give "
        "the same plan (default: 30 s per week of plan, 60 s with --effort thorough)",
    )
    parser.add_argument(
        "--effort",
        choices=EFFORTS,
        default="standard",
        help="thorough: plan the week again over twice as many candidate foods and keep the "
        "better week (4-6 s a week here instead of 2-3 s); same profile and seed, "
        "same plan either way (HiGHS only)",
    )
    parser.add_argument("--catalog", type=Path, help="catalog snapshot folder (default: bundled)")
    parser.add_argument("--out", type=Path, help="write the plan (or the diagnosis) as JSON")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


FLAG_FIELDS = {
    "diet": "diet",
    "life_stage": "life_stage",
    "sex": "sex",
    "age": "age_years",
    "weight": "weight_kg",
    "height": "height_cm",
    "activity": "activity",
    "kcal": "kcal",
    "protein": "protein_g",
    "b12_reference": "b12_reference",
    "b12_target": "b12_target_ug",
    "b12_counting": "b12_counting",
    "acid_reducers": "acid_reducers",
    "days": "days",
    "seed": "seed",
    "absorption": "absorption",
    "supplements": "supplements",
    "strength": "supplement_strength_ug",
    "supplement_slot": "supplement_slot",
}


def profile_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if args.profile is not None:
        try:
            text = args.profile.read_bytes().decode("utf-8-sig")
        except OSError as err:
            raise InputError(f"cannot read profile {args.profile}: {err.strerror}") from err
        except UnicodeDecodeError as err:
            raise InputError(
                f"profile {args.profile} is not UTF-8 text (byte {err.start + 1}); "
                "save it as UTF-8 JSON"
            ) from None
        if not text.strip():
            raise InputError(
                f"profile {args.profile} is empty; write a JSON object such as "
                '{"diet": "vegan", "days": 7}'
            )
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"profile {args.profile} is not valid JSON ({err})") from err
        if not isinstance(raw, dict):
            raise InputError(f"profile {args.profile} must be a JSON object of profile fields")
        if "entries" in raw and isinstance(raw.get("profile"), dict):
            # A plan file (`b12plan plan --out`, `plans export`): re-plan from its own profile.
            print(f"b12plan: using the profile saved in the plan {args.profile}", file=sys.stderr)
            raw = raw["profile"]
        fields.update(raw)
    for flag, name in FLAG_FIELDS.items():
        value = getattr(args, flag, None)
        if value is not None:
            fields[name] = value
    if args.exclude:
        fields["exclude_foods"] = [*fields.get("exclude_foods", []), *args.exclude]
    if args.exclude_category:
        fields["exclude_categories"] = [
            *fields.get("exclude_categories", []),
            *args.exclude_category,
        ]
    if args.favourite:
        fields["favourites"] = [*fields.get("favourites", []), *args.favourite]
    return fields


# Which flag sets a profile field, for messages about a value given on the command line.
FIELD_FLAGS = {
    **{name: "--" + flag.replace("_", "-") for flag, name in FLAG_FIELDS.items()},
    "exclude_foods": "--exclude",
    "exclude_categories": "--exclude-category",
    "favourites": "--favourite",
}


def parse_profile_from_flags(args: argparse.Namespace) -> Profile:
    """The profile; a refused value is named by its flag (`--days: ...`) or by its file."""
    try:
        return parse_profile(profile_fields(args))
    except InputError as err:
        match = re.match(r"profile field ([\w.]+): ", str(err))
        if match is None:
            raise
        field, rest = match.group(1), str(err)[match.end() :]
        flag = FIELD_FLAGS.get(field.split(".")[0])
        value = getattr(args, flag[2:].replace("-", "_"), None) if flag else None
        if flag is not None and value not in (None, []):
            raise InputError(f"{flag}: {rest}") from None
        if args.profile is not None:
            raise InputError(f"profile {args.profile}, field {field}: {rest}") from None
        raise


def run(args: argparse.Namespace) -> int:
    from planner import diets
    from planner.catalog import load_catalog
    from planner.model import make_plan
    from planner.verify import verify_plan

    if args.out is not None:  # refuse an impossible --out before planning, not after
        check_output_path(args.out)
    profile = parse_profile_from_flags(args)
    catalog = load_catalog(args.catalog)
    labels = diets.label_foods(catalog)
    try:
        plan = make_plan(
            profile,
            catalog,
            solver=args.solver,
            time_limit=args.time_limit,
            labels=labels,
            effort=args.effort,
        )
    except NoPlanError as err:
        diagnosis = getattr(err.diagnosis, "to_dict", lambda: None)()
        if args.out is not None:
            payload = {
                "error": "no_plan",
                "message": str(err),
                "diagnosis": diagnosis,
                "profile": profile.model_dump(mode="json"),
            }
            text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
            write_output(args.out, text.encode("utf-8"))
        print(f"b12plan: no plan: {err}", file=sys.stderr)
        return err.exit_code
    report = verify_plan(plan, catalog, labels)
    if not report.ok:  # make_plan already checked; never show an unverified plan
        raise NoPlanError(f"the plan failed verification: {report.summary()}")
    if args.out is not None:
        write_output(args.out, (plan.to_json() + "\n").encode("utf-8"))
    if args.format == "json":
        sys.stdout.write(plan.to_json() + "\n")
    else:
        sys.stdout.write(render_plan(plan) + "\n")
        if args.out is not None:
            print(f"plan written to {args.out}", file=sys.stderr)
    return 0


def render_plan(plan: Plan) -> str:
    """The plan as text: meals per day, supplements, day totals against the targets, and the
    food cost when the profile gave prices (planner.cost)."""
    from planner.cost import cost_summary, money, plan_cost
    from planner.exports import lower_first

    t = plan.targets
    cost = plan_cost(plan)
    lines = [
        f"{plan.diet} plan, {plan.n_days} day(s); B12 target {t.b12_ug_per_day:g} µg/day "
        f"({t.b12_source})",
    ]
    if t.b12_absorbed_ug_per_day is not None:
        lines.append(f"absorbed B12 target {t.b12_absorbed_ug_per_day:g} µg/day")
    lines.append(
        f"energy {t.kcal_min:.0f}-{t.kcal_max:.0f} kcal/day, protein >= {t.protein_g_min:g} g"
        + (f", sodium <= {t.sodium_mg_max:g} mg" if t.sodium_mg_max is not None else "")
    )
    entries = pd.DataFrame(
        [
            {
                "day": e.day,
                "slot": e.slot,
                "food": e.description[:48],
                "amount": f"{e.servings:g} x {e.portion}"[:36],
                "g": e.grams,
                "kcal": round(e.kcal),
                "B12 µg": round(e.b12_counted_ug, 2),
            }
            for e in plan.entries
        ]
    )
    lines += ["", render_table(entries)]
    if plan.supplements:
        lines.append("")
        for s in plan.supplements:
            lines.append(f"supplement: day {s.day}, {s.slot}: {s.count} x {s.strength_ug:g} µg")
    costs: dict[int, str] = {}
    if cost is not None:  # right-aligned text: 1,234.50 keeps its two decimals in the table
        texts = {day.day: money(day.cost) for day in cost.days}
        width = max(len(text) for text in texts.values())
        costs = {day: text.rjust(width) for day, text in texts.items()}
    totals = pd.DataFrame(
        [
            {
                "day": d.day,
                "kcal": round(d.kcal),
                "protein g": round(d.protein_g, 1),
                "sodium mg": round(d.sodium_mg or 0),
                "B12 counted µg": round(d.b12_counted_ug, 2),
                **(
                    {"B12 absorbed µg": round(d.b12_absorbed_ug, 2)}
                    if d.b12_absorbed_ug is not None
                    else {}
                ),
                "B12 occasions": d.b12_occasions,
                **({"cost": costs[d.day]} if cost is not None else {}),
                **(
                    {"foods w/o price": len(cost.day(d.day).unpriced)}
                    if cost is not None and cost.unpriced
                    else {}
                ),
            }
            for d in plan.days
        ]
    )
    lines += ["", render_table(totals), ""]
    if cost is not None:
        lines.append(lower_first(cost_summary(cost)))
    lines += [f"note: {n}" for n in plan.notes]
    s = plan.solver
    gap = f", gap to bound {s.gap:.1%}" if s.gap is not None else ""
    lines.append(f"solver: {s.name}, {s.status}, {s.seconds:.1f} s{gap}")
    return "\n".join(lines)
