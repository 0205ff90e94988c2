"""What each food is for in a meal: role, slots, whether it is planned at all, duplicate groups."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from planner.diets.rules import FLAGS, Rules, contains

UNKNOWN_ROLE = ("other", ("other",), ("lunch", "dinner", "snack"))


def _rule_source(source: str) -> str:
    return "fndds" if source == "fndds" else "sr"


class _Texts:
    """What the name rules read: the food's name, category and rule source (fndds or sr)."""

    def __init__(self, foods: pd.DataFrame) -> None:
        self.names = foods["description"].fillna("").astype(str)
        self.categories = foods["category"].fillna("").astype(str)
        self.sources = foods["source"].fillna("").astype(str).map(_rule_source)

    def matches(self, rule, todo: pd.Series) -> pd.Series:
        """Narrow `todo` to the foods a rule's source, category, pattern and unless select."""
        if rule.source != "all":
            todo &= self.sources == rule.source
        if rule.category is not None:
            todo &= contains(self.categories, rule.category)
        if rule.pattern is not None:
            todo &= contains(self.names, rule.pattern)
        if rule.unless is not None and todo.any():
            todo &= ~contains(self.names, rule.unless)
        return todo


def assign_roles(foods: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """role, roles and slots from description patterns, then the category table."""
    texts = _Texts(foods)
    sources, categories = texts.sources, texts.categories
    role = pd.Series(pd.NA, index=foods.index, dtype="object")
    roles = pd.Series(pd.NA, index=foods.index, dtype="object")
    slots = pd.Series(pd.NA, index=foods.index, dtype="object")
    for rule in rules.role_patterns:
        todo = texts.matches(rule, role.isna())
        role[todo] = rule.role
        roles[todo] = ",".join(rule.roles)
        slots[todo] = ",".join(rule.slots)
    for i, (label, source, category) in enumerate(
        zip(foods.index, sources, categories, strict=True)
    ):
        if pd.isna(role.iat[i]):
            found = rules.category_roles.get((source, category)) or _guess_by_name(category, rules)
            role.iat[i] = found[0]
            roles.iat[i] = ",".join(found[1])
            slots.iat[i] = ",".join(found[2])
        del label
    return pd.DataFrame({"role": role, "roles": roles, "slots": slots}, index=foods.index).astype(
        "str"
    )


def _guess_by_name(category: str, rules: Rules):
    """Categories outside the table (FDC branded foods): reuse a table entry of the same name."""
    for (_, known), value in rules.category_roles.items():
        if known.lower() == category.lower():
            return value
    return UNKNOWN_ROLE


def find_exclusions(foods: pd.DataFrame, flags: pd.DataFrame, role: pd.Series, rules: Rules):
    """exclusion_reason per food (missing where the food is planned), first matching rule wins."""
    texts = _Texts(foods)
    reason = pd.Series(np.nan, index=foods.index, dtype="str")
    for rule in rules.exclusions:
        todo = reason.isna()
        if rule.flags:
            todo &= flags[list(rule.flags)].any(axis=1)
        if rule.role:
            todo &= role == rule.role
        todo = texts.matches(rule, todo)
        reason[todo] = rule.reason
    return reason


def serving_caps(foods: pd.DataFrame, role: pd.Series, rules: Rules) -> pd.DataFrame:
    """`max_g_per_meal` (NaN: the planner's default for the role) and the rule's reason, per
    food; the first matching row of serving_caps.csv wins."""
    texts = _Texts(foods)
    cap = pd.Series(np.nan, index=foods.index, dtype="float64")
    reason = pd.Series(np.nan, index=foods.index, dtype="str")
    for rule in rules.serving_caps:
        todo = cap.isna()
        if rule.role:
            todo &= role == rule.role
        todo = texts.matches(rule, todo)
        cap[todo] = rule.max_g
        reason[todo] = rule.reason
    return pd.DataFrame({"max_g_per_meal": cap, "max_g_reason": reason})


_QUALIFIERS = re.compile(
    r"\b(with|without|no) (added )?salt\b|\b(un)?salted\b|\bno salt added\b|\blow sodium\b|"
    r"\breduced sodium\b|\b(un)?enriched\b|\bwith added vitamins?[^,]*|\bwith vitamin[^,]*|"
    r"\bnfs\b|\bns as to [^,]*|\bcommercially prepared\b|\bready-to-(eat|serve|drink)\b|"
    r"\ball types\b|\bregular\b|\bdrained\b|\bboiled\b|\bcooked\b|\bfluid\b|\bplain\b|"
    r"\b\d+(\.\d+)?\s*%\s*\w*|\b\d+(\.\d+)?\b|\([^)]*\)",
    re.IGNORECASE,
)
_STOP = {"and", "or", "with", "of", "the", "a", "in", "made", "as", "to", "from", "type", "style"}


def near_duplicate_key(description: str) -> str:
    """A key shared by foods that differ only trivially (salt, enrichment, source wording)."""
    text = _QUALIFIERS.sub(" ", description.lower())
    words = re.findall(r"[a-z]+", text)
    stems = sorted({w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words} - _STOP)
    return " ".join(stems) or description.lower().strip()


def group_ids(foods: pd.DataFrame, flags: pd.DataFrame) -> pd.Series:
    """Group key per food; foods of different animal content never share a group."""
    keys = foods["description"].fillna("").astype(str).map(near_duplicate_key)
    content = flags[list(FLAGS)].astype(int).astype(str).agg("".join, axis=1)
    return ("g:" + keys + "|" + content).astype("str")
