"""Proven lower bounds for a week's plan problem, for the benchmark (not used by the planner).

* `full_week_bound`: the planner's bound (weekly LP, then the Lagrangian relaxation of the
  weekly rules priced at the LP's duals, each day's integer model bounded by branch and bound)
  run to completion, on a model of the whole week's problem: every plannable food in every
  slot, not just the planner's pre-selected candidates. A bound of that problem bounds every
  plan the planner could return.
* `decomposition_ceiling`: Dantzig-Wolfe column generation over day plans (the Lagrangian
  dual of the same decomposition, stabilised by smoothing the prices). It reports the best
  Lagrangian bound it proved and the restricted master's LP value. The master value is an
  upper bound on the Lagrangian dual: no bound that relaxes the weekly rules into the days
  (prices on uses per week, mains on consecutive days, distinct foods) can exceed it, however
  long it runs. Run first on the planner's candidates (fast rounds), then on the whole week's
  problem from the first run's prices and day plans (`plan_bench.py --ceiling`), its best
  bound is a proven bound for the whole week's problem.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner import model as M


@dataclass
class FullBound:
    value: float
    lp: float
    seconds: float
    columns: int


def full_week_bound(problem: M.Problem, limit: float) -> FullBound:
    start = time.perf_counter()
    lp, spec, _ = M.weekly_lp(problem, time_limit=limit)
    if not lp.ok or lp.objective is None:
        raise RuntimeError(f"the full weekly LP did not solve: {lp.status}")
    bound = M.week_bound(spec, lp, deadline=start + limit)
    return FullBound(bound.value, lp.objective, time.perf_counter() - start, spec.n_cols)


@dataclass
class Ceiling:
    best_bound: float  # the best Lagrangian bound proven (valid lower bound)
    master: float  # restricted master LP: an upper bound on every such bound
    iterations: int
    seconds: float
    prices: np.ndarray | None = None  # the prices of the best bound (per row of the spec)
    # Every integer day plan the master holds, by day, as {column name: value} (nonzero
    # values only), so a master of a larger model of the same week can start from them.
    day_plans: dict[int, list[dict[str, float]]] = field(default_factory=dict)
    # The best week the master's day plans make as an integer program (None: not tried).
    master_plan: float | None = None


def decomposition_ceiling(
    spec: M.Spec,
    lp: M.SolveResult,
    plan_x: np.ndarray,
    *,
    seconds: float,
    price_seconds: float = 40.0,
    smoothing: float = 0.8,
    start_prices: np.ndarray | None = None,
    start_plans: dict[int, list[dict[str, float]]] | None = None,
    log: Callable[[str], None] | None = None,
    master_plan_seconds: float = 0.0,
) -> Ceiling:
    """Column generation over day plans, starting from the plan (so the master is feasible).

    The master is the planner's own (`M.DayPlanMaster`); the rounds here price each day to a
    proven bound (`M.lagrangian_bound`) rather than to a work limit. Prices are smoothed
    towards the best ones so far (Wentges); when a round adds no new day plan, the next one
    prices at the master's own duals. `price_seconds` is each round's time for the day
    models: too little and their bounds stay loose, so the bound stalls below the master.
    `start_prices` and `start_plans` (by column name) carry a run on a smaller model of the
    same week over to this one. With `master_plan_seconds`, the best week the master's day
    plans make is solved for at the end (`Ceiling.master_plan`: a plan, so an upper bound on
    the week's optimum).
    """
    start = time.perf_counter()
    blocks = M.WeekBlocks(spec)
    a = blocks.a
    master = M.DayPlanMaster(blocks)
    names = a["names"]
    index_of = {str(name): i for i, name in enumerate(names)}
    r_all, c_all, v_all = blocks.by_row
    entries = {d: np.flatnonzero(np.isin(r_all, blocks.rows_of[d])) for d in master.days}
    plans: dict[int, list[dict[str, float]]] = {d: [] for d in master.days}

    def fits(d: int, x: np.ndarray) -> bool:
        """The day plan against its day's own rows (a plan carried over from another model)."""
        mine, rows = entries[d], blocks.rows_of[d]
        weights = v_all[mine] * x[c_all[mine]]
        act = np.bincount(r_all[mine], weights=weights, minlength=len(blocks.rhs))[rows]
        b, sn = blocks.rhs[rows], blocks.sense[rows]
        tol = 1e-5 * np.maximum(1.0, np.abs(b))
        bad = ((sn == "L") & (act > b + tol)) | ((sn == "G") & (act < b - tol))
        return not (bad | ((sn == "E") & (np.abs(act - b) > tol))).any()

    def add(d: int, x: np.ndarray) -> bool:
        if not master.add(d, x):
            return False
        cols = blocks.cols_of[d]
        on = cols[np.abs(x[cols]) > 1e-9]
        plans[d].append({str(names[j]): float(x[j]) for j in on})
        return True

    for d in master.days:
        if not add(d, plan_x):
            raise ValueError("the plan's columns are not integer")
    carried = 0
    for d, kept in (start_plans or {}).items():
        if d not in plans:
            continue
        for plan in kept:
            if any(name not in index_of for name in plan):
                continue
            x = np.zeros(len(a["cost"]))
            for name, value in plan.items():
                x[index_of[name]] = value
            carried += fits(d, x) and add(d, x)
    first = lp.row_duals if start_prices is None else start_prices
    centre = np.where(blocks.coupling, first, 0.0)
    prices, best, value, iterations, added = centre, -math.inf, math.inf, 0, 1
    while time.perf_counter() - start < seconds:
        iterations += 1
        found = M.lagrangian_bound(spec, prices, deadline=time.perf_counter() + price_seconds)
        if found.lagrangian is not None and found.lagrangian > best:
            best, centre = found.lagrangian, prices
        added = 0
        if found.solution is not None:
            added = sum(add(d, found.solution) for d in master.days)
        value, duals = master.solve()
        if log is not None:
            log(
                f"round {iterations}, {time.perf_counter() - start:.0f} s: bound "
                f"{found.lagrangian if found.lagrangian is not None else math.nan:.4f}, "
                f"best {best:.4f}, master {value:.4f}, {added} day plans added"
                + (f" ({carried} carried over)" if iterations == 1 and carried else "")
            )
        if value - best <= 1e-4 * abs(value):
            break
        step = smoothing if added else 0.0  # no new plan: price at the master's own duals
        prices = step * centre + (1 - step) * duals
    found_plan = None
    if master_plan_seconds > 0:
        week = master.best_week(M.RECOMBINE_MASTER_NODES * 100, master_plan_seconds)
        if week is not None:
            found_plan = float(a["cost"] @ week)
    seconds_taken = time.perf_counter() - start
    return Ceiling(best, value, iterations, seconds_taken, centre, plans, found_plan)


def prices_by_name(spec: M.Spec, prices: np.ndarray, other: M.Spec) -> np.ndarray:
    """Prices found on one model of a week, for another model of the same week (rows matched
    by name; rows the first lacks are priced 0, which keeps any bound valid)."""
    by_name = dict(zip(spec.row_names, prices, strict=True))
    return np.array([by_name.get(name, 0.0) for name in other.row_names])
