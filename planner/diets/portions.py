"""Which catalog portions are household measures a person can serve ("1 cup", "1 slice").

The catalog lists every portion its sources give, including ones nobody measures a meal in:
"Quantity not specified", "1 Keurig cup", "0.2 package", "1 oz, dry, yields". The rules in
planner/rules/portions.csv name them, with a reason: `unusable` portions are never household
measures; `fallback` portions ("1 NLEA serving", "1 lb") count only for a food that has no
other household measure. `household_portions(catalog)` applies them to every catalog portion.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from planner.catalog import Catalog
from planner.diets.rules import contains, load_portion_rules

PORTION_COLUMNS = ("food_id", "seq", "portion", "grams", "usable", "unusable_reason")

_CACHE: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


def judge_portions(portions: pd.DataFrame) -> pd.DataFrame:
    """`usable` and `unusable_reason` for portions (columns food_id, seq, portion, grams)."""
    frame = portions.reset_index(drop=True)
    text = frame["portion"].fillna("").astype(str)
    # Rules are judged once per distinct description (a few thousand), then mapped back.
    distinct = pd.Series(text.unique())
    effect = pd.Series("", index=distinct.index, dtype="object")
    reason = pd.Series(np.nan, index=distinct.index, dtype="object")
    for rule in load_portion_rules():
        todo = (effect == "") & contains(distinct, rule.pattern)
        effect[todo] = rule.effect
        reason[todo] = rule.reason
    by_text_effect = dict(zip(distinct, effect, strict=True))
    by_text_reason = dict(zip(distinct, reason, strict=True))
    portion_effect = text.map(by_text_effect)
    portion_reason = text.map(by_text_reason)
    no_weight = ~(frame["grams"] > 0)
    portion_effect[no_weight] = "unusable"
    portion_reason[no_weight] = "no weight in grams"
    # A fallback portion counts only when the food has no plain household measure.
    plain = portion_effect == ""
    has_plain = plain.groupby(frame["food_id"]).transform("any")
    usable = plain | ((portion_effect == "fallback") & ~has_plain)
    frame["usable"] = usable.astype(bool)
    frame["unusable_reason"] = portion_reason.where(~usable, np.nan).astype("object")
    fallback_dropped = (portion_effect == "fallback") & has_plain
    frame.loc[fallback_dropped, "unusable_reason"] = (
        portion_reason[fallback_dropped] + "; the food has a household measure"
    )
    return frame[list(PORTION_COLUMNS)]


def household_portions(catalog: Catalog) -> pd.DataFrame:
    """Every catalog portion with `usable` (a household measure) and `unusable_reason`.

    Columns: food_id, seq, portion, grams, usable (bool), unusable_reason (NaN when usable).
    Cached per catalog; treat the frame as read-only.
    """
    key = id(catalog)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is catalog:
        return hit[1]
    judged = judge_portions(catalog.portions)
    _CACHE[key] = (weakref.ref(catalog, lambda _ref, key=key: _CACHE.pop(key, None)), judged)
    return judged
