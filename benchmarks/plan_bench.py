"""Time weekly plans per diet preset, against the naive joint model, with proven bounds.

For each preset (omnivore, vegetarian, vegan, fortified-only) this runs, side by side:

* the planner (`make_plan`, HiGHS), at each --efforts level (standard; thorough: the same
  again over twice as many candidates per slot and role, the better week kept): median wall
  time over --repeats runs, its objective and the bound it reports itself (weekly LP, raised
  by the Lagrangian bounds its recombination rounds prove);
* a proven lower bound for the whole week's problem (`week_bounds.full_week_bound`): the same
  bound run to completion on a model with every plannable food in every slot;
* with --ceiling SECONDS, column generation over day plans (`week_bounds.decomposition_ceiling`),
  on the planner's candidates and then on the whole week: a stronger proven bound, and how
  high any bound that relaxes the weekly rules into the days could go;
* the naive way: the whole week as one integer model with every plannable food in every
  slot (no pre-selection, no decomposition, no LP-chosen columns), solved by CBC with a time
  limit; and the same over the planner's pre-selected candidates (a stronger baseline). Their
  plans are scored with the same objective function.

    .venv/bin/python benchmarks/plan_bench.py [--repeats 5] [--naive-limit 60] [--json out]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import diets  # noqa: E402
from planner.catalog import load_catalog  # noqa: E402
from planner.model import (  # noqa: E402
    EFFORTS,
    WeekBlocks,
    all_columns,
    build_candidates,
    build_model,
    candidate_regimens,
    make_plan,
    make_problem,
    objective_of,
    picks_from_solution,
    solve_with_pulp,
    week_values,
    weekly_lp,
)
from planner.profile import Profile  # noqa: E402
from planner.verify import verify_plan  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from week_bounds import (  # noqa: E402
    decomposition_ceiling,
    full_week_bound,
    prices_by_name,
)

PRESETS = ("omnivore", "vegetarian", "vegan", "fortified-only")


def week_problem(profile: Profile, catalog, labels, *, preselect: bool = True):
    """The problem make_plan solved (the first regimen: food alone), with the planner's
    pre-selected candidates or every plannable food."""
    cands = build_candidates(profile, catalog, labels, preselect=preselect)
    regimen = candidate_regimens(profile)[0]
    return make_problem(profile, catalog, labels, regimen, cands)


def plan_picks(problem, plan) -> dict:
    """The plan's entries as {(day, slot): {candidate position: half portions}}."""
    picks = {(d, s.name): {} for d in range(1, problem.n_days + 1) for s in problem.slots}
    for e in plan.entries:
        picks[(e.day, e.slot)][problem.cands.position[e.food_id]] = round(e.servings * 2)
    return picks


def naive(problem, time_limit: float) -> dict:
    """The whole week in one integer model over every candidate of `problem`, solved by CBC."""
    days = list(range(1, problem.n_days + 1))
    start = time.perf_counter()
    spec, lay = build_model(problem, days, all_columns(problem, days), integer=True, coupling=True)
    built = time.perf_counter() - start
    result = solve_with_pulp(spec, solver="cbc", time_limit=time_limit, gap=1e-4, name="naive")
    seconds = time.perf_counter() - start
    row = {
        "columns": spec.n_cols,
        "integer_columns": int(spec.arrays()["integer"].sum()),
        "rows": len(spec.row_names),
        "build_s": round(built, 2),
        "wall_s": round(seconds, 2),
        "status": result.status,
        "objective": None,
    }
    if result.ok and result.x is not None:
        picks = picks_from_solution(lay, result.x, lay.z.keys())
        row["objective"] = round(objective_of(problem, picks), 3)
    return row


def ceiling(problem, full, plan, objective: float, args: argparse.Namespace) -> dict:
    """Column generation over day plans on the planner's candidates (fast rounds), then on
    the whole week's problem, starting from the first run's prices and day plans: the
    second run's best bound is a proven bound for the whole week, its master caps every
    bound of this kind."""
    out = {}
    lp, spec, lay = weekly_lp(problem, time_limit=60)
    x = week_values(WeekBlocks(spec), lay, plan_picks(problem, plan), problem.cands.ids)
    first = decomposition_ceiling(
        spec, lp, x, seconds=args.ceiling, price_seconds=args.price, master_plan_seconds=60
    )
    out["candidates"] = {
        "best_bound": round(first.best_bound, 4),
        "master": round(first.master, 4),
        "master_plan": first.master_plan and round(first.master_plan, 4),
        "iterations": first.iterations,
        "seconds": round(first.seconds, 1),
    }
    lp, full_spec, lay = weekly_lp(full, time_limit=args.bound_limit)
    x = week_values(WeekBlocks(full_spec), lay, plan_picks(full, plan), full.cands.ids)
    assert first.prices is not None
    second = decomposition_ceiling(
        full_spec,
        lp,
        x,
        seconds=args.ceiling,
        price_seconds=2 * args.price,
        start_prices=prices_by_name(spec, first.prices, full_spec),
        start_plans=first.day_plans,
    )
    out["full"] = {
        "best_bound": round(second.best_bound, 4),
        "master": round(second.master, 4),
        "iterations": second.iterations,
        "seconds": round(second.seconds, 1),
        "gap_to_best_bound": round((objective - second.best_bound) / objective, 4),
        "least_gap": round((objective - second.master) / objective, 4),
    }
    return out


def run(args: argparse.Namespace) -> list[dict]:
    catalog = load_catalog()
    labels = diets.label_foods(catalog)
    rows = []
    for diet in args.diets:
        profile = Profile(diet=diet, supplements="none", seed=args.seed)
        make_plan(profile, catalog, labels=labels)  # warm caches (labels, imports)
        row: dict = {"diet": diet, "plans": {}}
        plans = {}
        for effort in args.efforts:
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                plan = make_plan(
                    profile, catalog, labels=labels, time_limit=args.time_limit, effort=effort
                )
                times.append(time.perf_counter() - start)
            assert verify_plan(plan, catalog, labels).ok
            plans[effort] = plan
            row["plans"][effort] = {
                "median_s": round(statistics.median(times), 2),
                "runs_s": [round(t, 2) for t in times],
                "objective": plan.solver.objective,
                "planner_bound": plan.solver.bound,
                "planner_gap": plan.solver.gap,
                "status": plan.solver.status,
            }
        plan = plans[args.efforts[0]]
        objective = plan.solver.objective
        problem = week_problem(profile, catalog, labels)
        full = week_problem(profile, catalog, labels, preselect=False)
        row["candidates_per_slot"] = {s: len(v) for s, v in problem.cands.members.items()}
        row["plannable_per_slot"] = {s: len(v) for s, v in full.cands.members.items()}
        # The same plan scored in the whole problem: the objectives must agree.
        for other in plans.values():
            rescored = objective_of(full, plan_picks(full, other))
            wanted = other.solver.objective
            assert abs(rescored - wanted) < 1e-3 * max(1.0, abs(wanted)), (rescored, wanted)
        if not args.skip_bound:
            bound = full_week_bound(full, args.bound_limit)
            row["full_bound"] = round(bound.value, 4)
            row["full_lp_bound"] = round(bound.lp, 4)
            row["full_bound_s"] = round(bound.seconds, 1)
            row["full_bound_columns"] = bound.columns
            for effort, p in plans.items():
                gap = (p.solver.objective - bound.value) / p.solver.objective
                row["plans"][effort]["gap_to_full_bound"] = round(gap, 4)
        if args.ceiling > 0:
            row["ceiling"] = ceiling(problem, full, plan, objective, args)
        if not args.skip_naive:
            row["naive_all"] = naive(full, args.naive_limit)
            row["naive_candidates"] = naive(problem, args.naive_limit)
            fastest = min(p["median_s"] for p in row["plans"].values())
            row["speedup"] = round(row["naive_all"]["wall_s"] / fastest, 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diets", nargs="+", default=list(PRESETS), choices=PRESETS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--efforts",
        nargs="+",
        default=list(EFFORTS),
        choices=EFFORTS,
        help="planner effort levels to time side by side (the first one is the plan the "
        "bounds and the naive models are compared with)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--time-limit", type=float, default=None, help="make_plan's (default: its own)"
    )
    parser.add_argument(
        "--bound-limit", type=float, default=120.0, help="seconds for the whole-week bound"
    )
    parser.add_argument(
        "--ceiling",
        type=float,
        default=0.0,
        help="seconds of column generation on the candidates, and again on the whole week "
        "(0: skip)",
    )
    parser.add_argument(
        "--price",
        type=float,
        default=40.0,
        help="seconds per column generation round for the day models (twice that on the "
        "whole week)",
    )
    parser.add_argument("--naive-limit", type=float, default=60.0)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-bound", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    print(
        f"# {platform.platform()}, Python {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores",
        flush=True,
    )
    rows = run(args)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
