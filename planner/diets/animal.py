"""Animal-content flags and vegan/vegetarian certainty for every food, with the reason for each.

SR and FDC foods have no recipes: their names, SR food groups and LanguaL descriptors decide.
FNDDS foods have recipes: a food carries every flag of its own name and of each ingredient,
resolved recursively (SR codes, FNDDS codes, or other codes judged by their description alone).
Precision over recall: whatever cannot be established makes a food "uncertain", never vegan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from planner.diets.rules import FLAGS, NON_VEGETARIAN_FLAGS, Rules, contains

# Flags a meat-substitute marker ("meatless", "vegetarian", "veggie") cancels in the same name.
MEATLESS_CANCELS = ("meat", "poultry", "fish", "byproduct")


@dataclass
class Status:
    """What is known about one food: flags with their reasons and any uncertainty."""

    flags: dict[str, str] = field(default_factory=dict)  # flag -> why
    vegan_uncertain: str | None = None  # why vegan status is not established
    vegetarian_uncertain: str | None = None
    notes: list[str] = field(default_factory=list)  # reviewed overrides applied to this food

    def merge(self, other: Status, via: str) -> None:
        for flag, why in other.flags.items():
            self.flags.setdefault(flag, f"{via} -> {why}")
        if other.vegan_uncertain and not self.vegan_uncertain:
            self.vegan_uncertain = f"{via} -> {other.vegan_uncertain}"
        if other.vegetarian_uncertain and not self.vegetarian_uncertain:
            self.vegetarian_uncertain = f"{via} -> {other.vegetarian_uncertain}"


def _extract(text: pd.Series, regex) -> pd.Series:
    """First match of `regex` in each text (NaN where none), vectorised."""
    wrapped = f"({regex.pattern})"
    return text.str.extract(wrapped, flags=regex.flags, expand=True)[0]


def classify_names(
    names: pd.Series,
    text_only: pd.Series,
    rules: Rules,
    categories: pd.Series | None = None,
    notes: bool = False,
) -> list[Status]:
    """Judge food names by the term table; `text_only` rows also get the 'text'-scope terms.

    With `notes`, the texts are FNDDS additional descriptions (other foods the survey code stands
    for) and only the 'note'-scope terms apply; otherwise 'note' terms are skipped.
    """
    lower = names.fillna("").astype(str).str.lower()
    if categories is None:
        categories = pd.Series("", index=lower.index)
    categories = categories.fillna("").astype(str)
    neutral = lower
    for term in rules.terms:
        if term.kind == "neutral":
            neutral = neutral.str.replace(term.regex, " ", regex=True)
    statuses = [Status() for _ in range(len(lower))]
    meatless = pd.Series(False, index=lower.index)
    plain = pd.Series(False, index=lower.index)
    vegetarian_plain = pd.Series(False, index=lower.index)
    for term in rules.terms:
        if term.kind == "meatless":
            meatless |= contains(neutral, term.regex)
        elif term.kind in ("plain", "vegetarian_plain"):
            hit = contains(lower, term.regex) & text_only
            if term.category is not None:
                hit &= contains(categories, term.category)
            if term.kind == "plain":
                plain |= hit
            else:
                vegetarian_plain |= hit
    positions = {label: i for i, label in enumerate(lower.index)}
    for term in rules.terms:
        if term.kind not in ("animal", "vegan_risk", "vegetarian_risk"):
            continue
        if (term.scope == "note") != notes:
            continue
        if term.regex is None:  # a rule about a whole category
            found = pd.Series("", index=lower.index, dtype=object)
        else:
            # A note's "with or without cheese" says the code stands for the cheese version too:
            # notes are read as written, not with the "without ..." phrases removed.
            found = _extract(lower if notes else neutral, term.regex)
        hit = found.notna()
        if term.scope == "text":
            hit &= text_only
        if term.category is not None:
            hit &= contains(categories, term.category)
        if term.kind == "animal" and term.flag in MEATLESS_CANCELS:
            hit &= ~meatless
        for label, word in found[hit].items():
            status = statuses[positions[label]]
            if term.regex is None:
                why = f"category '{categories[label]}' ({term.reason})"
            else:
                why = f"{'note' if notes else 'name'} has '{word}' ({term.reason})"
            if term.kind == "animal":
                status.flags.setdefault(term.flag, why)
            elif term.kind == "vegan_risk":
                status.vegan_uncertain = status.vegan_uncertain or why
            else:
                status.vegetarian_uncertain = status.vegetarian_uncertain or why
                status.vegan_uncertain = status.vegan_uncertain or why
    for label in lower.index[meatless & text_only]:
        status = statuses[positions[label]]
        status.vegan_uncertain = status.vegan_uncertain or (
            "meat substitute without an ingredient list (these often contain egg white or milk)"
        )
    for i, (is_plain, is_veg_plain) in enumerate(
        zip(plain.to_numpy(), vegetarian_plain.to_numpy(), strict=True)
    ):
        if is_plain:
            statuses[i].flags.setdefault("_plain", "plain")
        if is_veg_plain:
            statuses[i].flags.setdefault("_vegetarian_plain", "plain")
    return statuses


def pop_plain_markers(status: Status) -> tuple[bool, bool]:
    """Remove the 'plain' markers; returns (plain for vegans, plain for vegetarians)."""
    plain = status.flags.pop("_plain", None) is not None
    vegetarian_plain = status.flags.pop("_vegetarian_plain", None) is not None
    return plain, plain or vegetarian_plain


def judge_described_foods(foods: pd.DataFrame, langual: pd.DataFrame, rules: Rules) -> dict:
    """Statuses of foods without recipes (SR, FDC, new foods): name, food group and LanguaL."""
    names = foods["description"].fillna("").astype(str)
    extra = foods.get("additional_description")
    if extra is not None:
        extra_text = extra.astype(object).where(extra.notna(), "").astype(str)
        names = names + extra_text.map(lambda s: f" ; {s}" if s else "")
    text_only = pd.Series(True, index=foods.index)
    statuses = classify_names(names, text_only, rules, foods["category"])
    codes_by_food: dict[str, list[str]] = defaultdict(list)
    if len(langual):
        known = langual[langual["factor_code"].isin(rules.langual)]
        for food_id, code in zip(known["food_id"], known["factor_code"], strict=True):
            codes_by_food[food_id].append(code)
    result = {}
    categories = foods["category"].fillna("").astype(str)
    for food_id, category, status in zip(foods.index, categories, statuses, strict=True):
        plain, vegetarian_plain = pop_plain_markers(status)
        group = rules.groups.get(category)
        for code in codes_by_food.get(food_id, ()):
            effect, reason = rules.langual[code]
            if effect == "vegan_risk":
                status.vegan_uncertain = status.vegan_uncertain or reason
            else:
                status.flags.setdefault(effect, reason)
        if group is None:
            if not status.flags:
                status.vegan_uncertain = status.vegan_uncertain or (
                    f"category {category!r} is not in the rule tables"
                    if category
                    else "no category to judge by"
                )
                status.vegetarian_uncertain = status.vegetarian_uncertain or (
                    "no ingredient list and no known food group"
                )
        else:
            meat_like = set(status.flags) & {"meat", "poultry", "fish"}
            if group.default_flag and not (
                meat_like
                or (group.default_flag == "dairy" and {"dairy", "egg"} & set(status.flags))
            ):
                status.flags[group.default_flag] = f"SR food group '{category}' ({group.reason})"
            if group.vegan_uncertain and not plain:
                status.vegan_uncertain = status.vegan_uncertain or (
                    f"SR food group '{category}': {group.reason}"
                )
            if group.vegetarian_uncertain and not vegetarian_plain:
                status.vegetarian_uncertain = status.vegetarian_uncertain or (
                    f"SR food group '{category}': {group.reason}"
                )
        result[food_id] = status
    return result


def judge_recipes(
    fndds: pd.DataFrame,
    ingredients: pd.DataFrame,
    described: dict[str, Status],
    rules: Rules,
    apply_overrides,
) -> dict[str, Status]:
    """Statuses of FNDDS foods: own name plus every ingredient, resolved recursively."""
    names = classify_names(
        fndds["description"], pd.Series(False, index=fndds.index), rules, fndds["category"]
    )
    name_status = dict(zip(fndds.index, names, strict=True))
    for status in names:
        pop_plain_markers(status)
    # The additional description lists other foods the survey code stands for ("with or
    # without cheese", "tomato juice with clam or beef juice"): the food named may be one of them.
    extra = fndds.get("additional_description")
    if extra is not None:
        has_note = extra.notna() & extra.astype(str).str.strip().ne("")
        if has_note.any():
            note_text = extra[has_note].astype(str)
            judged = classify_names(
                note_text,
                pd.Series(False, index=note_text.index),
                rules,
                fndds.loc[has_note, "category"],
                notes=True,
            )
            for food_id, text, note in zip(note_text.index, note_text, judged, strict=True):
                shown = text.replace(";", ",")  # reasons are joined with '; '
                via = f"FNDDS note '{shown}' (other foods this survey code stands for)"
                name_status[food_id].merge(note, via)

    recipe: dict[str, list[tuple[int, str]]] = defaultdict(list)
    codes = ingredients["ingredient_code"].astype("int64").to_numpy()
    descs = ingredients["ingredient_description"].fillna("").astype(str).to_numpy()
    for food_id, code, desc in zip(ingredients["food_id"], codes, descs, strict=True):
        recipe[food_id].append((int(code), desc))

    # Codes that are neither SR foods nor FNDDS foods are judged by their description alone.
    unresolved = {}
    for _, items in recipe.items():
        for code, desc in items:
            if _ingredient_id(code, described, name_status) is None:
                unresolved[(code, desc)] = desc
    if unresolved:
        keys = list(unresolved)
        texts = pd.Series([unresolved[k] for k in keys], index=range(len(keys)))
        judged = classify_names(texts, pd.Series(True, index=texts.index), rules)
        for status in judged:
            pop_plain_markers(status)
        unresolved_status = dict(zip(keys, judged, strict=True))
    else:
        unresolved_status = {}

    done: dict[str, Status] = {}
    busy: set[str] = set()

    def resolve(food_id: str) -> Status:
        if food_id in done:
            return done[food_id]
        if food_id in busy:  # a recipe that contains itself: cannot be established
            return Status(vegan_uncertain="recipe refers to itself")
        busy.add(food_id)
        own = name_status[food_id]
        status = Status(dict(own.flags), own.vegan_uncertain, own.vegetarian_uncertain)
        items = recipe.get(food_id, [])
        if not items:
            status.vegan_uncertain = status.vegan_uncertain or "FNDDS lists no ingredients"
            status.vegetarian_uncertain = status.vegetarian_uncertain or (
                "FNDDS lists no ingredients"
            )
        for code, desc in items:
            target = _ingredient_id(code, described, name_status)
            if target is None:
                child = unresolved_status[(code, desc)]
                via = f"ingredient {code} '{desc}' (judged by its description)"
            elif target.startswith("fndds:"):
                child = resolve(target)
                via = f"ingredient {code} '{desc}' (FNDDS {target})"
            else:
                child = described[target]
                via = f"ingredient {code} '{desc}' (SR {target})"
            status.merge(child, via)
        busy.discard(food_id)
        apply_overrides(food_id, status)
        done[food_id] = status
        return status

    for food_id in fndds.index:
        resolve(food_id)
    return done


def _ingredient_id(code: int, described: dict, recipes: dict) -> str | None:
    if code < 100000:
        food_id = f"sr:{code:05d}"
        return food_id if food_id in described else None
    if code >= 10_000_000:
        food_id = f"fndds:{code:08d}"
        return food_id if food_id in recipes else None
    return None


def status_frame(statuses: dict[str, Status], index: pd.Index) -> pd.DataFrame:
    """The flag columns, vegan/vegetarian verdicts and a readable reason, one row per food."""
    rows = []
    for food_id in index:
        status = statuses[food_id]
        flags = {f: f in status.flags for f in FLAGS}
        any_flag = any(flags.values())
        non_veg = any(flags[f] for f in NON_VEGETARIAN_FLAGS)
        vegan = not any_flag and status.vegan_uncertain is None
        vegetarian = not non_veg and status.vegetarian_uncertain is None
        vegan = vegan and vegetarian  # what a vegetarian may not eat, a vegan may not either
        rows.append(
            {
                **flags,
                "animal_flags": ",".join(f for f in FLAGS if flags[f]),
                "vegan": vegan,
                "vegetarian": vegetarian,
                "diet_uncertain": (not any_flag and not vegan) or (not non_veg and not vegetarian),
                "diet_reason": _reason(status, vegan, vegetarian),
            }
        )
    return pd.DataFrame(rows, index=index)


def _reason(status: Status, vegan: bool, vegetarian: bool) -> str:
    if vegan:
        return "; ".join(
            ["vegan: no animal ingredient found and every part is established", *status.notes]
        )
    parts = [f"{flag}: {why}" for flag, why in status.flags.items() if flag in FLAGS]
    if not status.flags and status.vegan_uncertain:
        parts.append(f"vegan uncertain: {status.vegan_uncertain}")
    if status.vegetarian_uncertain and not any(f in status.flags for f in NON_VEGETARIAN_FLAGS):
        parts.append(f"vegetarian uncertain: {status.vegetarian_uncertain}")
    return "; ".join([*parts, *status.notes])
