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


def plan_columns(blocks: M.WeekBlocks, lay: M.Layout, picks: dict, ids: np.ndarray) -> np.ndarray:
    """Values of every column for a plan: its z fixed, the other columns of each block set by
    solving that block with the z fixed (they follow from the picks)."""
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
    x = np.zeros(len(a["cost"]))
    for b in blocks.blocks:
        cols = blocks.cols_of[b]
        lb, ub = a["lb"].copy(), a["ub"].copy()
        known = cols[~np.isnan(fixed[cols])]
        lb[known] = ub[known] = fixed[known]
        model = M._highs_model(
            {**a, "lb": lb, "ub": ub},
            blocks.sense,
            blocks.rhs,
            cols,
            blocks.rows_of[b],
            a["cost"],
            mip=True,
            by_row=blocks.by_row,
        )
        model.run()
        if model.getInfo().primal_solution_status != 2:
            raise RuntimeError(f"the plan does not fit block {b} of the model")
        x[cols] = np.asarray(model.getSolution().col_value)
    return x


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
) -> Ceiling:
    """Column generation over day plans, starting from the plan (so the master is feasible).

    The week's `used` columns and their row (the cap on distinct foods) stay in the master as
    they are rather than as a block of their own: that block is integral anyway (a cardinality
    row over 0-1 columns), and as a block it could only enter as whole food sets, which
    seldom fit the day plans, so the master stayed high and its prices were poor. Prices are
    smoothed towards the best ones so far (Wentges); when a round adds no new day plan, the
    next one prices at the master's own duals. `price_seconds` is each round's time for the
    day models: too little and their bounds stay loose, so the bound stalls below the master.
    `start_prices` and `start_plans` (by column name) carry a run on a smaller model of the
    same week over to this one.
    """
    import highspy

    start = time.perf_counter()
    blocks = M.WeekBlocks(spec)
    a = blocks.a
    inf = highspy.kHighsInf
    coupling = np.flatnonzero(blocks.coupling)
    in_master = np.concatenate([coupling, blocks.rows_of.get(0, np.zeros(0, np.int64))])
    at = np.full(len(blocks.rhs), -1)
    at[in_master] = np.arange(len(in_master))
    n_rows = len(in_master)
    days = [b for b in blocks.blocks if b > 0]
    sense, rhs = blocks.sense[in_master], blocks.rhs[in_master]
    lo = np.concatenate([np.where(sense == "L", -inf, rhs), np.ones(len(days))])
    hi = np.concatenate([np.where(sense == "G", inf, rhs), np.ones(len(days))])
    master = M._new_highs()
    master.addRows(len(lo), lo, hi, 0, np.zeros(len(lo), np.int32), np.zeros(0, np.int32), [])
    inside = at[a["r"]] >= 0
    cr, cc, cv = at[a["r"][inside]], a["c"][inside], a["v"][inside]
    for j in blocks.cols_of.get(0, []):  # the `used` columns, as they are
        mine = cc == j
        master.addCol(
            float(a["cost"][j]),
            float(a["lb"][j]),
            float(a["ub"][j]),
            int(mine.sum()),
            cr[mine].astype(np.int32),
            cv[mine],
        )
    names = a["names"]
    index_of = {str(name): i for i, name in enumerate(names)}
    integer = a["integer"]
    r_all, c_all, v_all = blocks.by_row
    entries = {d: np.flatnonzero(np.isin(r_all, blocks.rows_of[d])) for d in days}
    seen: set[tuple[int, bytes]] = set()
    plans: dict[int, list[dict[str, float]]] = {d: [] for d in days}

    def fits(d: int, x: np.ndarray) -> bool:
        """The day plan against its day's own rows (a plan carried over from another model)."""
        mine, rows = entries[d], blocks.rows_of[d]
        weights = v_all[mine] * x[c_all[mine]]
        act = np.bincount(r_all[mine], weights=weights, minlength=len(blocks.rhs))[rows]
        b, sn = blocks.rhs[rows], blocks.sense[rows]
        tol = 1e-5 * np.maximum(1.0, np.abs(b))
        bad = ((sn == "L") & (act > b + tol)) | ((sn == "G") & (act < b - tol))
        return not (bad | ((sn == "E") & (np.abs(act - b) > tol))).any()

    def add(position: int, x_all: np.ndarray, check: bool = False) -> bool:
        """Add a day plan as a master column; only integer plans (a day the pricing step left
        at its LP values would let the master fall towards the LP bound)."""
        d = days[position]
        cols = blocks.cols_of[d]
        values = x_all[cols]
        if np.abs(values[integer[cols]] - np.round(values[integer[cols]])).max(initial=0) > 1e-6:
            return False
        key = (d, np.round(values, 6).tobytes())
        if key in seen:
            return False
        x = np.zeros(len(a["cost"]))
        x[cols] = values
        if check and not fits(d, x):
            return False
        seen.add(key)
        coef = np.bincount(cr, weights=cv * x[cc], minlength=n_rows)
        nz = np.flatnonzero(np.abs(coef) > 1e-12)
        index = np.append(nz, n_rows + position).astype(np.int32)
        master.addCol(float(a["cost"] @ x), 0.0, inf, len(index), index, np.append(coef[nz], 1.0))
        on = cols[np.abs(values) > 1e-9]
        plans[d].append({str(names[j]): float(x[j]) for j in on})
        return True

    for position in range(len(days)):
        if not add(position, plan_x):
            raise ValueError("the plan's columns are not integer")
    carried = 0
    for d, kept in (start_plans or {}).items():
        if d not in plans:
            continue
        for plan in kept:
            x = np.zeros(len(a["cost"]))
            if any(name not in index_of for name in plan):
                continue
            for name, value in plan.items():
                x[index_of[name]] = value
            carried += add(days.index(d), x, check=True)
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
            added = sum(add(position, found.solution) for position in range(len(days)))
        master.run()
        value = float(master.getInfo().objective_function_value)
        duals = np.zeros(len(blocks.rhs))
        duals[coupling] = np.asarray(master.getSolution().row_dual)[: len(coupling)]
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
    return Ceiling(best, value, iterations, time.perf_counter() - start, centre, plans)


def prices_by_name(spec: M.Spec, prices: np.ndarray, other: M.Spec) -> np.ndarray:
    """Prices found on one model of a week, for another model of the same week (rows matched
    by name; rows the first lacks are priced 0, which keeps any bound valid)."""
    by_name = dict(zip(spec.row_names, prices, strict=True))
    return np.array([by_name.get(name, 0.0) for name in other.row_names])
