"""The editable rule tables in planner/rules/*.csv, read once and checked.

The tables carry the judgement (which words mean milk, which food groups hide lard); the code only
applies them. A broken table is a DataError naming the file, row and column, never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from planner.errors import DataError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

FLAGS = ("meat", "poultry", "fish", "dairy", "egg", "honey", "byproduct")
NON_VEGETARIAN_FLAGS = ("meat", "poultry", "fish", "byproduct")
# The roles a food plays in a meal and the catalog's meal slots, listed once: the rule tables
# are checked against them and planner.profile types a profile's meal slots with them.
Role = Literal[
    "protein",
    "grain",
    "vegetable",
    "fruit",
    "dairy_alt",
    "beverage",
    "mixed_dish",
    "sweet",
    "fat_condiment",
    "other",
]
CatalogSlot = Literal["breakfast", "lunch", "dinner", "snack", "drink"]
ROLES: tuple[str, ...] = get_args(Role)
SLOTS: tuple[str, ...] = get_args(CatalogSlot)
TERM_KINDS = (
    "neutral",
    "meatless",
    "animal",
    "vegan_risk",
    "vegetarian_risk",
    "plain",
    "vegetarian_plain",
)
OVERRIDE_FIELDS = (
    *FLAGS,
    "vegan_uncertain",
    "vegetarian_uncertain",
    "b12_reliable",
    "role",
    "roles",
    "slots",
    "plannable",
    "exclusion_reason",
    "group_id",
    "max_g_per_meal",
)
BOOL_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

RULE_FILES = (
    "animal_terms.csv",
    "food_groups.csv",
    "langual_flags.csv",
    "category_roles.csv",
    "role_patterns.csv",
    "exclusions.csv",
    "serving_caps.csv",
    "b12_unreliable.csv",
    "overrides.csv",
)
# Read by planner.diets.portions, not by the labels (so not part of the labels' fingerprint).
PORTION_RULES_FILE = "portions.csv"
PORTION_EFFECTS = ("unusable", "fallback")


def word_regex(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern so each alternative matches whole words (or their plural) only."""
    return re.compile(rf"(?<![a-z])(?:{pattern})(?:e?s)?(?![a-z])", re.IGNORECASE)


def plain_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def read_table(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a rules CSV as dicts (lines starting with '#' are comments)."""
    path = RULES_DIR / name
    if not path.exists():
        raise DataError("rule table is missing; restore it from the repository", path=str(path))
    with open(path, newline="", encoding="utf-8") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.reader(line for _, line in lines)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError("rule table is empty", path=str(path)) from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"rule table lacks columns {missing}", path=str(path))
    rows = []
    for (line_no, _), values in zip(lines[1:], reader, strict=False):
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise DataError(
                f"expected {len(header)} fields, found {len(values)} (quote fields with commas)",
                path=str(path),
                row=line_no,
            )
        rows.append({"_line": str(line_no), **dict(zip(header, values, strict=True))})
    return rows


def _compile(path: str, row: dict[str, str], column: str, words: bool) -> re.Pattern[str] | None:
    text = row[column].strip()
    if not text:
        return None
    try:
        return word_regex(text) if words else plain_regex(text)
    except re.error as err:
        raise DataError(
            f"invalid regular expression ({err})", path=path, row=int(row["_line"]), column=column
        ) from err


def _choice(path: str, row: dict[str, str], column: str, allowed: tuple[str, ...]) -> str:
    value = row[column].strip()
    if value not in allowed:
        raise DataError(
            f"{value!r} is not one of {', '.join(allowed)}",
            path=path,
            row=int(row["_line"]),
            column=column,
        )
    return value


def _list(path: str, row: dict[str, str], column: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    items = tuple(v.strip() for v in row[column].split(",") if v.strip())
    bad = [v for v in items if v not in allowed]
    if bad:
        raise DataError(
            f"{bad} not among {', '.join(allowed)}",
            path=path,
            row=int(row["_line"]),
            column=column,
        )
    return items


@dataclass(frozen=True)
class Term:
    regex: re.Pattern[str] | None  # None: the rule is about the whole category ('*')
    kind: str
    flag: str
    scope: str  # "all" | "text" | "note" (FNDDS additional descriptions only)
    category: re.Pattern[str] | None
    reason: str


@dataclass(frozen=True)
class GroupRule:
    default_flag: str
    vegan_uncertain: bool
    vegetarian_uncertain: bool
    reason: str


@dataclass(frozen=True)
class RolePattern:
    source: str
    category: re.Pattern[str] | None
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None  # the name must not match this
    role: str
    roles: tuple[str, ...]
    slots: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Exclusion:
    source: str
    category: re.Pattern[str] | None
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None  # the name must not match this
    flags: tuple[str, ...]
    role: str
    reason: str


@dataclass(frozen=True)
class ServingCap:
    """At most `max_g` grams of a matching food in one meal (a realistic serving)."""

    source: str
    category: re.Pattern[str] | None
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    role: str
    max_g: float
    reason: str


@dataclass(frozen=True)
class PortionRule:
    """A portion description that is not a household measure (`unusable`), or one to use only
    when the food has no better measure (`fallback`)."""

    pattern: re.Pattern[str]
    effect: str
    reason: str


@dataclass(frozen=True)
class Override:
    food_id: str
    field: str
    value: object
    reason: str


@dataclass(frozen=True)
class Rules:
    terms: tuple[Term, ...]
    groups: dict[str, GroupRule]
    langual: dict[str, tuple[str, str]]  # factor code -> (effect, reason)
    category_roles: dict[tuple[str, str], tuple[str, tuple[str, ...], tuple[str, ...]]]
    role_patterns: tuple[RolePattern, ...]
    exclusions: tuple[Exclusion, ...]
    serving_caps: tuple[ServingCap, ...]
    unreliable: tuple[tuple[re.Pattern[str], str], ...]
    overrides: tuple[Override, ...]
    fingerprint: str


def rules_fingerprint() -> str:
    """Hash of every rule table, so precomputed labels can tell when they are stale."""
    digest = hashlib.sha256()
    for name in RULE_FILES:
        path = RULES_DIR / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Read and check every rule table (cached: the tables do not change while running)."""
    root = str(RULES_DIR)

    terms = []
    path = f"{root}/animal_terms.csv"
    for row in read_table(
        "animal_terms.csv", ("pattern", "kind", "flag", "scope", "category", "reason")
    ):
        kind = _choice(path, row, "kind", TERM_KINDS)
        flag = row["flag"].strip()
        if kind == "animal":
            flag = _choice(path, row, "flag", FLAGS)
        category = _compile(path, row, "category", words=False)
        if row["pattern"].strip() == "*":
            if category is None or kind not in ("vegan_risk", "vegetarian_risk"):
                raise DataError(
                    "'*' needs a category and a vegan_risk or vegetarian_risk kind",
                    path=path,
                    row=int(row["_line"]),
                    column="pattern",
                )
            regex = None
        else:
            regex = _compile(path, row, "pattern", words=kind not in ("plain", "vegetarian_plain"))
            if regex is None:
                raise DataError("empty pattern", path=path, row=int(row["_line"]), column="pattern")
        scope = _choice(path, row, "scope", ("all", "text", "note"))
        if scope == "note" and kind not in ("vegan_risk", "vegetarian_risk"):
            raise DataError(
                "'note' terms can only be vegan_risk or vegetarian_risk (a note names other "
                "foods the survey code stands for, not the recipe)",
                path=path,
                row=int(row["_line"]),
                column="scope",
            )
        terms.append(Term(regex, kind, flag, scope, category, row["reason"].strip()))

    groups = {}
    path = f"{root}/food_groups.csv"
    for row in read_table(
        "food_groups.csv",
        ("category", "default_flag", "vegan_default", "vegetarian_default", "reason"),
    ):
        flag = row["default_flag"].strip()
        if flag:
            _choice(path, row, "default_flag", FLAGS)
        vegan = _choice(path, row, "vegan_default", ("ok", "uncertain"))
        veg = _choice(path, row, "vegetarian_default", ("ok", "uncertain"))
        groups[row["category"].strip()] = GroupRule(
            flag, vegan == "uncertain", veg == "uncertain", row["reason"].strip()
        )

    langual = {}
    path = f"{root}/langual_flags.csv"
    for row in read_table("langual_flags.csv", ("factor_code", "effect", "reason")):
        effect = _choice(path, row, "effect", (*FLAGS, "vegan_risk"))
        langual[row["factor_code"].strip()] = (effect, row["reason"].strip())

    category_roles = {}
    path = f"{root}/category_roles.csv"
    for row in read_table(
        "category_roles.csv", ("source", "category", "role", "roles", "slots", "reason")
    ):
        source = _choice(path, row, "source", ("fndds", "sr"))
        role = _choice(path, row, "role", ROLES)
        roles = _list(path, row, "roles", ROLES) or (role,)
        slots = _list(path, row, "slots", SLOTS)
        category_roles[(source, row["category"].strip())] = (role, roles, slots)

    role_patterns = []
    path = f"{root}/role_patterns.csv"
    for row in read_table(
        "role_patterns.csv",
        ("source", "category", "pattern", "unless", "role", "roles", "slots", "reason"),
    ):
        role = _choice(path, row, "role", ROLES)
        pattern = _compile(path, row, "pattern", words=False)
        if pattern is None:
            raise DataError("empty pattern", path=path, row=int(row["_line"]), column="pattern")
        role_patterns.append(
            RolePattern(
                _choice(path, row, "source", ("fndds", "sr", "all")),
                _compile(path, row, "category", words=False),
                pattern,
                _compile(path, row, "unless", words=False),
                role,
                _list(path, row, "roles", ROLES) or (role,),
                _list(path, row, "slots", SLOTS),
                row["reason"].strip(),
            )
        )

    exclusions = []
    path = f"{root}/exclusions.csv"
    for row in read_table(
        "exclusions.csv", ("source", "category", "pattern", "unless", "flags", "role", "reason")
    ):
        role = row["role"].strip()
        if role:
            _choice(path, row, "role", ROLES)
        exclusions.append(
            Exclusion(
                _choice(path, row, "source", ("fndds", "sr", "all")),
                _compile(path, row, "category", words=False),
                _compile(path, row, "pattern", words=False),
                _compile(path, row, "unless", words=False),
                _list(path, row, "flags", FLAGS),
                role,
                _reason(path, row),
            )
        )

    serving_caps = []
    path = f"{root}/serving_caps.csv"
    for row in read_table(
        "serving_caps.csv",
        ("source", "category", "pattern", "unless", "role", "max_g_per_meal", "reason"),
    ):
        role = row["role"].strip()
        if role:
            _choice(path, row, "role", ROLES)
        serving_caps.append(
            ServingCap(
                _choice(path, row, "source", ("fndds", "sr", "all")),
                _compile(path, row, "category", words=False),
                _compile(path, row, "pattern", words=False),
                _compile(path, row, "unless", words=False),
                role,
                _grams(path, row, "max_g_per_meal"),
                _reason(path, row),
            )
        )

    unreliable = []
    path = f"{root}/b12_unreliable.csv"
    for row in read_table("b12_unreliable.csv", ("pattern", "reason")):
        regex = _compile(path, row, "pattern", words=True)
        if regex is None:
            raise DataError("empty pattern", path=path, row=int(row["_line"]), column="pattern")
        unreliable.append((regex, row["reason"].strip()))

    overrides = []
    path = f"{root}/overrides.csv"
    for row in read_table("overrides.csv", ("food_id", "field", "value", "reason")):
        field = _choice(path, row, "field", OVERRIDE_FIELDS)
        raw = row["value"].strip()
        value: object = raw
        if field in (
            *FLAGS,
            "vegan_uncertain",
            "vegetarian_uncertain",
            "b12_reliable",
            "plannable",
        ):
            if raw.lower() not in BOOL_WORDS:
                raise DataError(
                    f"{raw!r} is not true or false",
                    path=path,
                    row=int(row["_line"]),
                    column="value",
                )
            value = BOOL_WORDS[raw.lower()]
        elif field == "role":
            value = _choice(path, row, "value", ROLES)
        elif field == "roles":
            value = ",".join(_list(path, row, "value", ROLES))
        elif field == "slots":
            value = ",".join(_list(path, row, "value", SLOTS))
        elif field == "max_g_per_meal":
            value = _grams(path, row, "value")
        if not row["reason"].strip():
            raise DataError(
                "every override needs a reason", path=path, row=int(row["_line"]), column="reason"
            )
        overrides.append(Override(row["food_id"].strip(), field, value, row["reason"].strip()))

    return Rules(
        tuple(terms),
        groups,
        langual,
        category_roles,
        tuple(role_patterns),
        tuple(exclusions),
        tuple(serving_caps),
        tuple(unreliable),
        tuple(overrides),
        rules_fingerprint(),
    )


def _reason(path: str, row: dict[str, str]) -> str:
    """A rule's reason, shown to users (e.g. as a food's exclusion_reason): never empty."""
    reason = row["reason"].strip()
    if not reason:
        raise DataError(
            "every rule needs a reason (it is shown to users)",
            path=path,
            row=int(row["_line"]),
            column="reason",
        )
    return reason


def _grams(path: str, row: dict[str, str], column: str) -> float:
    text = row[column].strip()
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value > 2000:
        raise DataError(
            f"{text!r} is not a weight in grams between 0 and 2000",
            path=path,
            row=int(row["_line"]),
            column=column,
        )
    return value


@lru_cache(maxsize=1)
def load_portion_rules() -> tuple[PortionRule, ...]:
    """The portion-description rules of planner/rules/portions.csv (checked, cached)."""
    path = f"{RULES_DIR}/{PORTION_RULES_FILE}"
    rules = []
    for row in read_table(PORTION_RULES_FILE, ("pattern", "effect", "reason")):
        regex = _compile(path, row, "pattern", words=False)
        if regex is None:
            raise DataError("empty pattern", path=path, row=int(row["_line"]), column="pattern")
        rules.append(
            PortionRule(regex, _choice(path, row, "effect", PORTION_EFFECTS), _reason(path, row))
        )
    return tuple(rules)


def contains(texts, regex: re.Pattern[str]):
    """Vectorised regex search over a string Series (patterns may have groups)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This pattern is interpreted", UserWarning)
        return texts.str.contains(regex, regex=True)
