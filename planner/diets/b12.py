"""Which B12 counts: natural vs added, reliable vs not, under each B12-source rule.

Listed values are never changed; these columns say how much of them counts. Unknown B12 stays
unknown (`b12_known` False, `b12_natural_ug` NaN) and counts 0 toward targets, so the UI can say
"unknown" rather than "0". Unreliable sources (seaweed, mushrooms, fermented foods, yeast) count
only B12 added to them; under the fortified-only rule only added B12 counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.diets.rules import FLAGS, Rules, contains, word_regex

FORTIFIED_WORDS = word_regex(
    r"fortified|with added (vitamin )?b-?12|b-?12 added|added b-?12|enriched with b-?12"
)
UNFORTIFIED_WORDS = word_regex(r"unfortified|not fortified|without added (vitamin )?b-?12")
# B12 of a plant food without a stated "added" value that is at least this large is taken as
# fortification for foods whose vegan status is uncertain (hidden milk or egg adds far less).
INFERRED_MIN_UG = 0.5


def b12_columns(
    foods: pd.DataFrame, flags: pd.DataFrame, vegan: pd.Series, rules: Rules
) -> pd.DataFrame:
    b12 = foods["b12_ug"].astype("float64")
    added = foods["b12_added_ug"].astype("float64")
    names = foods["description"].fillna("").astype(str)
    animal = flags[list(FLAGS)].drop(columns=["honey"]).any(axis=1)

    unreliable_reason = pd.Series(np.nan, index=foods.index, dtype="str")
    for regex, reason in rules.unreliable:
        todo = unreliable_reason.isna() & ~animal & contains(names, regex)
        unreliable_reason[todo] = reason

    added_known = added.notna()
    says_fortified = contains(names, FORTIFIED_WORDS) & ~contains(names, UNFORTIFIED_WORDS)
    # Fast food, restaurant and prepared-meal groups may hide meat or fish: B12 there can be
    # natural (a burger's beef), so it is never taken as fortification.
    categories = foods["category"].fillna("").astype(str)
    meat_possible = categories.map(
        lambda c: bool(rules.groups[c].vegetarian_uncertain) if c in rules.groups else False
    ).astype(bool)
    plant_b12 = (
        ~animal
        & b12.gt(0)
        & unreliable_reason.isna()
        & (vegan | (b12.ge(INFERRED_MIN_UG) & ~meat_possible))
    )
    fortified_inferred = ~added_known & (says_fortified | plant_b12)
    # A certainly-vegan food listing B12 with none added: the B12 has no reliable source.
    stray = vegan & b12.gt(0) & added_known & added.le(0) & unreliable_reason.isna()
    unreliable_reason[stray] = (
        "B12 listed for a plant food with no B12 added: not a reliable source"
    )
    reliable = unreliable_reason.isna()

    # Inferred fortification of a plant food: all of its B12 is added (plants make none).
    added_used = added.where(added_known, np.where(fortified_inferred & ~animal, b12, 0.0))
    natural = (b12 - added_used.fillna(0.0)).clip(lower=0.0).where(b12.notna())
    known = b12.notna()
    fortified_part = added_used.where(added_known | (fortified_inferred & ~animal), 0.0)
    fortified_part = fortified_part.fillna(0.0).clip(lower=0.0)
    # An unreliable source (seaweed, mushrooms, yeast) counts only the B12 added to it.
    counted_all = b12.where(reliable & known, np.minimum(fortified_part, b12)).fillna(0.0)
    counted_fortified = np.minimum(fortified_part, counted_all)
    return pd.DataFrame(
        {
            "b12_known": known,
            "b12_natural_ug": natural,
            "b12_added_known": added_known,
            "fortified_inferred": fortified_inferred,
            "b12_reliable": reliable,
            "b12_unreliable_reason": unreliable_reason,
            "b12_counted_all_ug": counted_all.astype("float64"),
            "b12_counted_fortified_only_ug": counted_fortified.astype("float64"),
        },
        index=foods.index,
    )
