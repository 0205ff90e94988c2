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
  long it runs. On the pre-selected candidates it also caps the full problem's dual, which
  has more columns to choose from.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

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
    price_seconds: float = 8.0,
    smoothing: float = 0.8,
) -> Ceiling:
    """Column generation over day plans, starting from the plan (so the master is feasible)."""
    import highspy

    start = time.perf_counter()
    blocks = M.WeekBlocks(spec)
    a = blocks.a
    coupling = np.flatnonzero(blocks.coupling)
    n_rows = len(coupling)
    at = np.full(len(blocks.rhs), -1)
    at[coupling] = np.arange(n_rows)
    inside = at[a["r"]] >= 0
    cr, cc, cv = at[a["r"][inside]], a["c"][inside], a["v"][inside]
    sense, rhs = blocks.sense[coupling], blocks.rhs[coupling]
    block_ids = blocks.blocks
    inf = highspy.kHighsInf
    master = M._new_highs()
    n = n_rows + len(block_ids)
    lo = np.concatenate([np.where(sense == "L", -inf, rhs), np.ones(len(block_ids))])
    hi = np.concatenate([np.where(sense == "G", inf, rhs), np.ones(len(block_ids))])
    master.addRows(n, lo, hi, 0, np.zeros(n, np.int32), np.zeros(0, np.int32), np.zeros(0))

    integer = a["integer"]

    def add(position: int, x_all: np.ndarray) -> bool:
        """Add a block's plan as a master column; only integer plans (a day the pricing step
        left at its LP values would let the master fall towards the LP bound)."""
        x = np.zeros(len(a["cost"]))
        cols = blocks.cols_of[block_ids[position]]
        values = x_all[cols]
        if np.abs(values[integer[cols]] - np.round(values[integer[cols]])).max(initial=0) > 1e-6:
            return False
        x[cols] = values
        coef = np.bincount(cr, weights=cv * x[cc], minlength=n_rows)
        nz = np.flatnonzero(np.abs(coef) > 1e-12)
        index = np.append(nz, n_rows + position).astype(np.int32)
        master.addCol(float(a["cost"] @ x), 0.0, inf, len(index), index, np.append(coef[nz], 1.0))
        return True

    for position in range(len(block_ids)):
        if not add(position, plan_x):
            raise ValueError("the plan's columns are not integer")
    centre = np.where(blocks.coupling, lp.row_duals, 0.0)
    prices, best, value, iterations = centre, -math.inf, math.inf, 0
    while time.perf_counter() - start < seconds:
        iterations += 1
        found = M.lagrangian_bound(spec, prices, deadline=time.perf_counter() + price_seconds)
        if found.lagrangian is not None and found.lagrangian > best:
            best, centre = found.lagrangian, prices
        if found.solution is not None:
            for position in range(len(block_ids)):
                add(position, found.solution)
        master.run()
        value = float(master.getInfo().objective_function_value)
        duals = np.zeros(len(blocks.rhs))
        duals[coupling] = np.asarray(master.getSolution().row_dual)[:n_rows]
        prices = smoothing * centre + (1 - smoothing) * duals
        if value - best <= 1e-4 * abs(value):
            break
    return Ceiling(best, value, iterations, time.perf_counter() - start, centre)


def full_bound_at_prices(
    problem: M.Problem, spec: M.Spec, prices: np.ndarray, limit: float
) -> FullBound:
    """The Lagrangian bound of the whole week's problem (every plannable food) at prices
    found on another model of the same week (matched by row name; rows it lacks, priced 0):
    any prices of the right sign give a valid bound, so good prices found on the planner's
    candidates, where each try is fast, carry over to the full problem."""
    start = time.perf_counter()
    lp, full_spec, _ = M.weekly_lp(problem, time_limit=limit)
    if not lp.ok or lp.objective is None:
        raise RuntimeError(f"the full weekly LP did not solve: {lp.status}")
    by_name = dict(zip(spec.row_names, prices, strict=True))
    mapped = np.array([by_name.get(name, 0.0) for name in full_spec.row_names])
    bound = M.lagrangian_bound(full_spec, mapped, floor=lp.objective, deadline=start + limit)
    return FullBound(bound.value, lp.objective, time.perf_counter() - start, full_spec.n_cols)
