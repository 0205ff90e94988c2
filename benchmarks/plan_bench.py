"""Time weekly plans per diet preset, against the naive joint model, with proven bounds.

For each preset (omnivore, vegetarian, vegan, fortified-only) this runs, side by side:

* the planner (`make_plan`, HiGHS): median wall time over --repeats runs, its objective and
  the bound it reports itself (the LP relaxation of the whole week);
* a stronger proven lower bound for the same week: the week without its weekly rules (uses
  per food, distinct foods, mains on consecutive days) splits into independent days, and the
  sum of each day's proven MILP dual bound (HiGHS, every candidate) bounds the week from
  below (a Lagrangian relaxation with zero multipliers);
* the naive way: the whole week as one integer model over every candidate in every slot,
  solved by CBC with a time limit, no decomposition and no LP-chosen columns; its plan is
  scored with the same objective function.

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
    all_columns,
    build_candidates,
    build_model,
    candidate_regimens,
    make_plan,
    make_problem,
    objective_of,
    picks_from_solution,
    solve_with_highs_arrays,
    solve_with_pulp,
)
from planner.profile import Profile  # noqa: E402
from planner.verify import verify_plan  # noqa: E402

PRESETS = ("omnivore", "vegetarian", "vegan", "fortified-only")


def week_problem(profile: Profile, catalog, labels):
    """The problem make_plan solved: the first regimen that gave a plan (here: food alone)."""
    cands = build_candidates(profile, catalog, labels)
    regimen = candidate_regimens(profile)[0]
    return make_problem(profile, catalog, labels, regimen, cands)


def day_bounds(problem, time_limit: float) -> tuple[float, list[str], float]:
    """Sum over days of each day's proven MILP dual bound (weekly rules relaxed)."""
    start = time.perf_counter()
    total, statuses = 0.0, []
    for d in range(1, problem.n_days + 1):
        spec, _ = build_model(problem, [d], all_columns(problem, [d]), integer=True, coupling=False)
        result = solve_with_highs_arrays(spec, mip=True, time_limit=time_limit)
        if result.bound is None:
            raise RuntimeError(f"no bound for day {d}: {result.status}")
        total += result.bound
        statuses.append(result.status)
    return total, statuses, time.perf_counter() - start


def naive(problem, time_limit: float) -> dict:
    """The whole week in one integer model over every candidate, solved by CBC."""
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


def run(args: argparse.Namespace) -> list[dict]:
    catalog = load_catalog()
    labels = diets.label_foods(catalog)
    rows = []
    for diet in args.diets:
        profile = Profile(diet=diet, supplements="none", seed=args.seed)
        make_plan(profile, catalog, labels=labels)  # warm caches (labels, imports)
        times, plans = [], []
        for _ in range(args.repeats):
            start = time.perf_counter()
            plan = make_plan(profile, catalog, labels=labels, time_limit=args.time_limit)
            times.append(time.perf_counter() - start)
            plans.append(plan)
        plan = plans[-1]
        assert verify_plan(plan, catalog, labels).ok
        objective = plan.solver.objective
        row = {
            "diet": diet,
            "median_s": round(statistics.median(times), 2),
            "runs_s": [round(t, 2) for t in times],
            "objective": objective,
            "lp_bound": plan.solver.bound,
            "gap_to_lp_bound": plan.solver.gap,
            "status": plan.solver.status,
        }
        problem = week_problem(profile, catalog, labels)
        row["candidates_per_slot"] = {s: len(v) for s, v in problem.cands.members.items()}
        if not args.skip_bound:
            bound, statuses, seconds = day_bounds(problem, args.bound_limit)
            row["day_bound"] = round(bound, 4)
            row["day_bound_statuses"] = statuses
            row["day_bound_s"] = round(seconds, 1)
            row["gap_to_day_bound"] = round((objective - bound) / objective, 4)
        if not args.skip_naive:
            row["naive"] = naive(problem, args.naive_limit)
            nv = row["naive"]
            row["speedup"] = round(nv["wall_s"] / row["median_s"], 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diets", nargs="+", default=list(PRESETS), choices=PRESETS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--bound-limit", type=float, default=60.0, help="seconds per day")
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
