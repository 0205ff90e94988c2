"""Time one weekly plan per seed and preset: how the planner's speed and gap vary with the seed.

`plan_bench.py` times one profile (seed 0) five times; the seed changes the day-to-day
preferences and so the model, and some seeds are harder than others. This runs each preset
with seeds 0..N-1 once each (after one warm-up plan) and reports the median and the slowest,
with each plan's objective and the gap to the bound the planner reports.

    .venv/bin/python benchmarks/plan_seeds.py [--seeds 10] [--diets vegan ...] [--json out]
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
from planner.model import EFFORTS, make_plan  # noqa: E402
from planner.profile import Profile  # noqa: E402
from planner.verify import verify_plan  # noqa: E402

PRESETS = ("omnivore", "vegetarian", "vegan", "fortified-only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diets", nargs="+", default=list(PRESETS), choices=PRESETS)
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1")
    parser.add_argument("--effort", default="standard", choices=EFFORTS)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    print(
        f"# {platform.platform()}, Python {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores",
        flush=True,
    )
    catalog = load_catalog()
    labels = diets.label_foods(catalog)
    rows = []
    for diet in args.diets:
        make_plan(Profile(diet=diet, supplements="none"), catalog, labels=labels)  # warm-up
        runs = []
        for seed in range(args.seeds):
            profile = Profile(diet=diet, supplements="none", seed=seed)
            start = time.perf_counter()
            plan = make_plan(profile, catalog, labels=labels, effort=args.effort)
            seconds = time.perf_counter() - start
            if not verify_plan(plan, catalog, labels).ok:
                raise SystemExit(f"{diet} seed {seed}: the plan failed verification")
            runs.append(
                {
                    "seed": seed,
                    "seconds": round(seconds, 2),
                    "objective": plan.solver.objective,
                    "gap": plan.solver.gap,
                }
            )
        times = [r["seconds"] for r in runs]
        gaps = [r["gap"] for r in runs if r["gap"] is not None]
        row = {
            "diet": diet,
            "median_s": round(statistics.median(times), 2),
            "max_s": max(times),
            "over_3s": sum(t > 3.0 for t in times),
            "median_gap": round(statistics.median(gaps), 4) if gaps else None,
            "runs": runs,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
