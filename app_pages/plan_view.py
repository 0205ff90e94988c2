"""The Plan page's library side: profiles from the form, planning, and showing a plan.

The page script (app_pages/plan.py) draws the form without the planner package, so a fresh
server's first page opens before pandas and pydantic load; it imports this module when it
needs the library: to plan, or to show a plan. The page turns widgets into a
planner.profile.Profile, calls planner.model.make_plan, and shows the Plan that planner.verify
checked. Re-planning is the same call with a changed profile: locked meals, an excluded food
(swap) or another seed (shuffle).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from app_pages.common import (
    active_catalog,
    custom_foods,
    custom_ingredients,
    diet_labels,
    owner_store,
    plannable_choices,
    show_planner_error,
)
from app_pages.light import (
    B12_COUNTING_LABELS,
    DEFAULT_SETTINGS,
    ERROR_KEY,
    KEPT_LABELS,
    NOT_KEPT,
    OPENED_KEY,
    PLAN_KEY,
    PROFILE_KEY,
    RUN_KEY,
    SETTINGS_KEY,
    SLOT_CHOICES,
    SLOT_NAMES,
)
from planner import exports
from planner.app_support import attach_custom_foods, edit_servings
from planner.cost import (
    PlanCost,
    check_price_rows,
    cost_summary,
    day_cost_text,
    money,
    plan_cost,
    price_meaning,
)
from planner.errors import InputError, NoPlanError, PlannerError
from planner.plan import Plan, default_time_limit
from planner.profile import (
    LockedMeal,
    MealSlot,
    Price,
    Profile,
    default_slots,
    parse_profile,
)
from planner.verify import VerificationReport, verify_plan

if TYPE_CHECKING:
    import altair as alt

TIME_LIMIT_KEY = "solver_time_limit"  # seconds; tests lower it
SEARCHED_KEY = "plan_searched_longer"  # the plan "Search longer" returned
EDITOR_VERSION_KEY = "servings_editor_version"  # a new editor widget for every new plan
LOCKS_KEY = "locked_meals"
EDIT_ERROR_KEY = "servings_edit_error"
SAVED_MESSAGE_KEY = "save_message"
# The price table as typed, blank and faulty rows included. A "profile_" key, so opening a saved
# plan drops it and the table is rebuilt from that plan's prices (adopt_opened_plan).
PRICE_ROWS_KEY = "profile_price_rows"
PRICE_EDITOR_VERSION_KEY = "price_editor_version"  # a new editor widget after every change
PRICE_PICK_KEY = "price_pick"


# --- turning the form into a Profile --------------------------------------------------------


def slot_order(names: list[str], own: list[str]) -> list[str]:
    """The chosen slots in the plan's own order; a slot it lacks goes after the slot before it
    in the form's order (a snack after dinner, breakfast first)."""
    order = [name for name in own if name in names]
    for name in SLOT_CHOICES:
        if name in names and name not in order:
            before = SLOT_CHOICES[: SLOT_CHOICES.index(name)]
            order.insert(max((order.index(p) + 1 for p in before if p in order), default=0), name)
    return order


def slot_definitions(names: list[str], own: list[dict] | None = None) -> list[MealSlot]:
    """MealSlots for the chosen names: the plan's own definitions where it has them (`own`,
    from an opened plan), else the planner's defaults; a second snack like the first."""
    defaults = {slot.name: slot for slot in default_slots()}
    kept = {slot["name"]: MealSlot.model_validate(slot) for slot in own or []}
    slots = []
    for name in slot_order(names, list(kept)):
        if name in kept:
            slots.append(kept[name])
            continue
        base = defaults.get(name) or defaults["snack"]
        slots.append(base.model_copy(update={"name": name, "foods_from": base.foods_from}))
    return slots


def kept_fields(settings: dict) -> dict:
    """The profile fields the form does not show, as the settings carry them (prices, the
    pantry, the food rule, ...: see light.KEPT_LABELS)."""
    return {
        key: value
        for key, value in settings.items()
        if key in Profile.model_fields and key not in DEFAULT_SETTINGS and key not in NOT_KEPT
    }


def profile_from_settings(settings: dict, *, seed: int = 0, locked=()) -> Profile:
    """Validate the form through the library; InputError names the field to fix.

    The form's fields are laid over the fields it does not show (those of an opened plan, or of
    the previous settings), so Generate drops none of them.
    """
    raw = {
        **kept_fields(settings),
        "diet": settings["diet"],
        "life_stage": None if settings["life_stage"] == "from age" else settings["life_stage"],
        "sex": None if settings["sex"] == "not given" else settings["sex"],
        "age_years": settings["age_years"],
        "weight_kg": settings["weight_kg"],
        "height_cm": settings["height_cm"],
        "activity": settings["activity"],
        "kcal": settings["kcal"],
        "b12_reference": settings["b12_reference"],
        "b12_target_ug": settings.get("b12_target_ug"),
        "absorption": {"auto": None, "on": True, "off": False}[settings["absorption"]],
        "supplements": settings["supplements"],
        "supplement_strength_ug": None
        if settings["supplement_strength_ug"] == "planner chooses"
        else int(settings["supplement_strength_ug"]),
        "days": settings["days"],
        "max_per_week": settings["max_per_week"],
        "favourites": list(settings["favourites"]),
        "exclude_foods": list(settings["exclude_foods"]),
        "acid_reducers": bool(settings.get("acid_reducers", False)),
        "b12_counting": None
        if settings.get("b12_counting", "auto") == "auto"
        else settings["b12_counting"],
        "locked": list(locked),
        "seed": seed,
    }
    if not settings["slots"]:
        raise InputError("profile field slots: choose at least one meal slot")
    raw["slots"] = slot_definitions(settings["slots"], settings.get("slot_definitions"))
    return parse_profile(raw)


def settings_from_profile(profile: Profile) -> dict:
    """The form's values for a profile, and the fields it does not show where they differ from
    the default (the inverse of profile_from_settings, but for `locked` and `seed`)."""
    strength = profile.supplement_strength_ug
    settings = {
        "diet": profile.diet,
        "life_stage": profile.life_stage or "from age",
        "sex": profile.sex or "not given",
        "age_years": profile.age_years,
        "weight_kg": profile.weight_kg,
        "height_cm": profile.height_cm,
        "activity": profile.activity,
        "kcal": None if profile.kcal is None else int(profile.kcal),
        "b12_reference": profile.b12_reference,
        "b12_target_ug": profile.b12_target_ug,
        "absorption": {None: "auto", True: "on", False: "off"}[profile.absorption],
        "supplements": profile.supplements,
        "supplement_strength_ug": "planner chooses" if strength is None else str(strength),
        "slots": profile.slot_names,
        "days": profile.days,
        "max_per_week": profile.max_per_week,
        "favourites": list(profile.favourites),
        "exclude_foods": list(profile.exclude_foods),
        "acid_reducers": profile.acid_reducers,
        "b12_counting": profile.b12_counting or "auto",
        "prices": [price.model_dump() for price in profile.prices],
    }
    dump, defaults = profile.model_dump(), Profile().model_dump()
    settings |= {k: dump[k] for k in KEPT_LABELS if k in dump and dump[k] != defaults[k]}
    own = [slot.model_dump() for slot in profile.slots]
    if own != [slot.model_dump() for slot in slot_definitions(profile.slot_names)]:
        settings["slot_definitions"] = own
    return settings


# Which form setting a message is about: the field the library names, or words in the text.
ANCHOR_WORDS = (
    ("prices", ("price ", "prices")),
    ("slots", ("slot", "meal")),
    ("life_stage", ("life stage", "life_stage", "age", "pregnan", "lactation", "infant")),
    ("b12_reference", ("efsa", "b12_reference", "reference")),
    ("supplements", ("supplement", "tablet")),
    ("kcal", ("kcal", "energy", "calorie")),
    ("foods", ("favourite", "exclude", "excluded", "food")),
    ("diet", ("diet", "vegan", "vegetarian", "b12")),
)
FIELD_ANCHORS = {
    "age_years": "life_stage",
    "sex": "life_stage",
    "weight_kg": "body",
    "height_cm": "body",
    "activity": "body",
    "supplement_strength_ug": "supplements",
    "supplement_slot": "supplements",
    "favourites": "foods",
    "exclude_foods": "foods",
    "max_per_week": "variety",
    "days": "variety",
    "absorption": "b12_reference",
    "b12_target_ug": "b12_reference",
    "price_weight": "prices",
    "acid_reducers": "diet",
    "food_rule": "diet",
    "b12_counting": "diet",
}


# The form's names for the profile fields a message may name (the CLI names its flags).
FIELD_LABELS = {
    "b12_target_ug": "Custom B12 target",
    "b12_reference": "B12 reference",
    "life_stage": "Life stage",
    "age_years": "Age",
    "sex": "Sex",
    "weight_kg": "Weight",
    "height_cm": "Height",
    "kcal": "Energy target",
    "slots": "Meal slots",
    "days": "Days",
    "max_per_week": "Same food at most … times a week",
    "supplements": "Supplements",
    "supplement_strength_ug": "Daily tablet strength",
    "favourites": "Favourite foods",
    "exclude_foods": "Foods to leave out",
    "prices": "Prices",
    "acid_reducers": "I take acid reducers",
    "b12_counting": "B12 counting",
}
# Library wording that names a profile field, as the form says it.
FIELD_WORDS = (
    (
        "use b12_reference 'us' or give b12_target_ug",
        "choose the US RDA or give a custom B12 target",
    ),
    ("b12_target_ug", "a custom B12 target"),
)


# The library's check that the meal slots' energy shares can make a whole day; it names the
# profile fields kcal_share_min/kcal_share_max, which the form does not have.
SHARES_PATTERN = re.compile(
    r"(?:profile field slots: )?slot energy shares cannot add up to 100 % "
    r"\(minimums add to (\d+)%, maximums to (\d+)%\); adjust kcal_share_min/kcal_share_max"
)


def shares_message(match: re.Match) -> str:
    """The meal-share check in the form's words: what the chosen meals can hold, what to do."""
    low, high = int(match.group(1)), int(match.group(2))
    shares = ", ".join(
        f"{SLOT_NAMES.get(slot.name, slot.name).lower()} {slot.kcal_share_min:.0%}-"
        f"{slot.kcal_share_max:.0%}"
        for slot in default_slots()
    )
    if high < 100:
        return (
            f"Meal slots: the chosen meals can hold at most {high} % of a day's energy between "
            f"them, so they cannot make a whole day (each meal holds a share of the day: "
            f"{shares}); choose more meal slots, e.g. breakfast, lunch and dinner"
        )
    return (
        f"Meal slots: the chosen meals need at least {low} % of a day's energy between them, "
        f"more than a whole day (each meal holds a share of the day: {shares}); choose fewer "
        "meal slots"
    )


def form_message(message: str) -> str:
    """A library message in the form's words: 'Custom B12 target: ...', not 'b12_target_ug'."""
    match = re.match(r"profile field (\w+)[\w.]*: ", message)
    if match and match.group(1) in FIELD_LABELS:
        message = f"{FIELD_LABELS[match.group(1)]}: {message[match.end() :]}"
    message = message.removeprefix("profile: ")
    for words, said in FIELD_WORDS:
        message = message.replace(words, said)
    message = SHARES_PATTERN.sub(shares_message, message)
    # A kept setting (light.KEPT_LABELS) the form's meal slots no longer fit.
    return re.sub(
        r"supplement_slot '(\w+)' is not one of the meal slots (\[[^]]*\])",
        r"Tablets are taken with \1 (kept from the plan's profile), which is not among the meal "
        r"slots \2: choose \1 again, or use the planner's defaults for the kept settings",
        message,
    )


def anchor_for(message: str, field: str | None = None) -> str:
    """The form section whose setting a message asks to change (default: the diet)."""
    match = re.match(r"profile field (\w+)", message)
    name = field or (match.group(1) if match else None)
    if name:
        return FIELD_ANCHORS.get(name, name)
    lowered = message.lower()
    for anchor, words in ANCHOR_WORDS:
        if any(word in lowered for word in words):
            return anchor
    return "diet"


def adopt_opened_plan(plan: Plan, settings: dict) -> None:
    """A plan opened from Saved plans: re-plan from its own profile, and show it in the form."""
    try:
        opened_profile: Profile | None = parse_profile(plan.profile)
    except InputError:
        opened_profile = None
    st.session_state[PROFILE_KEY] = opened_profile
    if opened_profile is not None:
        for key in [k for k in settings if k not in DEFAULT_SETTINGS]:
            del settings[key]  # the previous plan's kept fields
        settings.update(settings_from_profile(opened_profile))
        # Widgets re-read their values from the settings; the settings dict itself (also a
        # "profile_" key) stays, or values without a widget (prices) were lost on the next run.
        widget_keys = [k for k in st.session_state if str(k).startswith("profile_")]
        for key in [k for k in widget_keys if k != SETTINGS_KEY]:
            del st.session_state[key]


# --- prices -----------------------------------------------------------------------------------


def price_rows() -> list[dict]:
    """The price table of this session: as last typed, else the prices in the settings (those
    of an opened plan)."""
    rows = st.session_state.get(PRICE_ROWS_KEY)
    if rows is None:
        prices = st.session_state[SETTINGS_KEY].get("prices") or []
        rows = [
            {"food_id": p["food_id"], "price": p["price"], "per_grams": p["per_grams"]}
            for p in prices
        ]
        st.session_state[PRICE_ROWS_KEY] = rows
    return rows


def set_price_rows(rows: list[dict]) -> None:
    """Keep the table as typed; its valid rows become the prices of the next Generate or
    Re-plan (and so of the saved plan's profile)."""
    prices, _ = check_price_rows(rows)
    st.session_state[PRICE_ROWS_KEY] = rows
    st.session_state[SETTINGS_KEY]["prices"] = [price.model_dump() for price in prices]
    st.session_state[PRICE_EDITOR_VERSION_KEY] = (
        st.session_state.get(PRICE_EDITOR_VERSION_KEY, 0) + 1
    )


def add_price_rows(food_ids: list[str]) -> None:
    """Rows without a price yet for foods not in the table."""
    rows = price_rows()
    listed = {row["food_id"] for row in rows}
    new = [f for f in dict.fromkeys(food_ids) if f not in listed]
    set_price_rows(rows + [{"food_id": f, "price": None, "per_grams": 100.0} for f in new])


def _add_picked_food() -> None:
    picked = st.session_state.get(PRICE_PICK_KEY)
    if picked:
        add_price_rows([picked])
    st.session_state[PRICE_PICK_KEY] = None


def price_editor_key() -> str:
    return f"price_editor_{st.session_state.get(PRICE_EDITOR_VERSION_KEY, 0)}"


def apply_price_edits() -> bool:
    """Edits, deletions made in the price table become the session's rows; True if any."""
    state = st.session_state.get(price_editor_key()) or {}
    edited = state.get("edited_rows") or {}
    deleted = {int(i) for i in state.get("deleted_rows") or []}
    if not edited and not deleted:
        return False
    rows = [dict(row) for row in price_rows()]
    for index, values in edited.items():
        index = int(index)
        if 0 <= index < len(rows):
            rows[index].update({k: v for k, v in values.items() if k in ("price", "per_grams")})
    set_price_rows([row for i, row in enumerate(rows) if i not in deleted])
    return True


def render_price_editor(plan: Plan | None) -> None:
    """Prices per 100 g or per package for foods of the catalog, kept in the session and used
    by the next Generate or Re-plan."""
    if apply_price_edits():
        st.rerun()
    st.caption(
        "A price is in **currency units** (no currency: use the money you think in) for the "
        "grams in **Per (g)**: 100 for a price per 100 g, or a package's weight, e.g. 2.49 for "
        "946 g. Used on the next **Generate plan** or re-plan, and saved with the plan. When "
        "choosing foods, a food without a price counts as the median price per 100 g of the "
        "priced foods of its kind (else of all priced foods), so a few prices already steer "
        "the plan; its cost adds up the priced foods only and lists the others."
    )
    catalog = active_catalog()
    rows = price_rows()
    listed = [row["food_id"] for row in rows]
    plan_foods = list(dict.fromkeys(e.food_id for e in plan.entries)) if plan else []
    choices = plannable_choices(catalog, [*listed, *plan_foods])
    pick_col, plan_col = st.columns([3, 1], vertical_alignment="bottom")
    pick_col.selectbox(
        "Add a food",
        [f for f in choices if f not in set(listed)],
        index=None,
        format_func=choices.get,
        placeholder="type a food's name to add it",
        key=PRICE_PICK_KEY,
        on_change=_add_picked_food,
    )
    missing = [f for f in plan_foods if f not in set(listed)]
    if plan is not None and plan_col.button(
        f"Add the plan's {len(missing)} food{'s' if len(missing) != 1 else ''}",
        disabled=not missing,
        key="price_add_plan_foods",
        width="stretch",
        help="Rows without a price for the foods of the plan on screen.",
    ):
        add_price_rows(missing)
        st.rerun()
    if not rows:
        st.caption("No prices yet: add a food above.")
        note_other_prices(plan, [])
        return
    prices, problems = check_price_rows(rows)
    valid = iter(prices)
    names = {
        row["food_id"]: choices.get(row["food_id"])
        or (
            str(catalog.foods.loc[row["food_id"], "description"])
            if row["food_id"] in catalog.foods.index
            else row["food_id"]
        )
        for row in rows
    }
    meanings = []
    for index, row in enumerate(rows):
        if index in problems:
            meanings.append("not used: see the message below the table")
        elif row.get("price") is None or pd.isna(row.get("price")):
            meanings.append("no price yet: not used")
        else:
            meanings.append(price_meaning(next(valid)))
    table = pd.DataFrame(
        {
            "food": [names[row["food_id"]] for row in rows],
            # float with NaN: a blank cell shows blank (Float64's NA showed as "None")
            "price": pd.to_numeric(pd.Series([row.get("price") for row in rows], dtype=object)),
            "per_grams": pd.to_numeric(
                pd.Series([row.get("per_grams") for row in rows], dtype=object)
            ),
            "means": meanings,
        }
    )
    st.data_editor(
        table,
        key=price_editor_key(),
        hide_index=True,
        num_rows="delete",
        placeholder="enter a price",  # an empty cell (else it reads "None")
        disabled=["food", "means"],
        column_config={
            "food": st.column_config.TextColumn("Food", width="medium"),  # prices fit a phone
            # No min/max: the library's message, with the unit and range, shows below instead.
            "price": st.column_config.NumberColumn(
                "Price (currency units)", help="What the food costs for the grams beside it."
            ),
            "per_grams": st.column_config.NumberColumn(
                "Per (g)",
                help="100 for a price per 100 g; a package's weight in grams for its price.",
            ),
            "means": st.column_config.TextColumn("Means", width="large"),
        },
    )
    if problems:
        st.error(
            "**Fix these prices; until then they are not used:**\n\n"
            + "\n".join(
                f"- {names[rows[i]['food_id']]}: {problem}"
                for i, found in sorted(problems.items())
                for problem in found
            ),
            icon=":material/error:",
        )
    blank = len(rows) - len(prices) - len(problems)
    if blank:
        st.caption(
            f"{blank} food{'s have' if blank != 1 else ' has'} no price yet and "
            f"{'are' if blank != 1 else 'is'} not used until one is entered."
        )
    note_other_prices(plan, prices)
    if st.button("Remove all prices", key="price_clear", icon=":material/delete:"):
        set_price_rows([])
        st.rerun()


def note_other_prices(plan: Plan | None, prices: list[Price]) -> None:
    """Say so when the plan on screen was made with other prices than the table's."""
    if plan is not None and plan_prices_of(plan) != [p.model_dump() for p in prices]:
        st.info(
            "The plan on screen was made with other prices: press **Generate plan**, or "
            "re-plan under Adjust, to use these.",
            icon=":material/info:",
        )


def plan_prices_of(plan: Plan) -> list[dict] | None:
    """The prices in a plan's profile as the table stores them (None if they do not read)."""
    try:
        return [Price.model_validate(p).model_dump() for p in plan.profile.get("prices") or []]
    except (ValueError, TypeError):
        return None


# --- planning ---------------------------------------------------------------------------------


FINDING_ANCHORS = (
    ("b12", "supplements"),
    ("meal", "slots"),
    ("energy", "kcal"),
    ("protein", "body"),
    ("sodium", "kcal"),
    ("fat", "kcal"),
    ("variety", "variety"),
    ("main", "variety"),
    ("foods_distinct", "variety"),
    ("life_stage", "life_stage"),
)


def diagnosis_messages(err: NoPlanError) -> list[tuple[str, str]]:
    """(form section, message) per finding of the planner's diagnosis."""
    findings = getattr(err.diagnosis, "findings", None) or []
    out = []
    for finding in findings:
        anchor = next(
            (a for prefix, a in FINDING_ANCHORS if finding.constraint.startswith(prefix)), "diet"
        )
        out.append((anchor, finding.message))
    return out or [(anchor_for(str(err)), form_message(str(err)))]


def run_planner(profile: Profile, what: str, effort: str = "standard") -> None:
    """Call the planner with progress shown; keep the plan, or the diagnosis, in the session."""
    catalog = active_catalog()
    limit = float(st.session_state.get(TIME_LIMIT_KEY) or default_time_limit(profile.days, effort))
    started = time.monotonic()
    try:
        with st.spinner(f"{what} (up to {limit:.0f} s)…", show_time=True):
            from planner.model import make_plan  # the solver stack loads on first use

            plan = make_plan(
                profile, catalog, time_limit=limit, labels=diet_labels(), effort=effort
            )
    except NoPlanError as err:
        st.session_state[ERROR_KEY] = diagnosis_messages(err)
        return
    except PlannerError as err:
        st.session_state[ERROR_KEY] = [(anchor_for(str(err)), form_message(str(err)))]
        return
    st.session_state.pop(ERROR_KEY, None)
    st.session_state[PLAN_KEY] = attach_custom_foods(plan, *custom_foods(), custom_ingredients())
    st.session_state[PROFILE_KEY] = profile
    st.session_state[RUN_KEY] = {"seconds": time.monotonic() - started}
    # The plan the longer search returned (by identity: an edited or re-locked plan is not).
    st.session_state[SEARCHED_KEY] = st.session_state[PLAN_KEY] if effort == "thorough" else None
    st.session_state[EDITOR_VERSION_KEY] = st.session_state.get(EDITOR_VERSION_KEY, 0) + 1
    st.session_state.pop(LOCKS_KEY, None)


def plan_from_settings(settings: dict) -> None:
    """Plan from the submitted form; a value the profile rejects becomes the form's error."""
    try:
        profile = profile_from_settings(settings)
    except InputError as err:
        problems = getattr(err, "problems", None) or [str(err)]  # every field at fault
        st.session_state[ERROR_KEY] = [(anchor_for(m), form_message(m)) for m in problems]
    else:
        run_planner(profile, "Planning your week")


def current_locks(plan: Plan) -> list[LockedMeal]:
    return [
        LockedMeal(day=e.day, slot=e.slot, food_id=e.food_id, servings=e.servings, whole_meal=True)
        for e in plan.entries
        if e.locked
    ]


# --- showing a plan ---------------------------------------------------------------------------

CLAMP_FACTOR = 6  # B12 bars above 6x the target are cut at the top of the chart
MET_COLOURS = {"domain": ["meets target", "below target"], "range": ["#2e7d5b", "#d68910"]}


def render_week(plan: Plan, cost: PlanCost | None = None) -> None:
    """The week as a grid: one card per day (columns stack on a phone), meals top to bottom;
    with prices, each day's food cost under it."""
    entries: dict[tuple[int, str], list] = {}
    for entry in plan.entries:
        entries.setdefault((entry.day, entry.slot), []).append(entry)
    doses: dict[tuple[int, str], list] = {}
    for dose in plan.supplements:
        doses.setdefault((dose.day, dose.slot), []).append(dose)
    totals = {d.day: d for d in plan.days}
    b12 = {d.day: d for d in exports.b12_by_day(plan)}
    per_row = min(plan.n_days, 7)
    for start in range(1, plan.n_days + 1, per_row):
        columns = st.columns(per_row, gap="small")
        for day, column in zip(range(start, plan.n_days + 1), columns, strict=False):
            with column.container(border=True):
                st.markdown(f"**Day {day}**")
                for slot in plan.slots:
                    lines = [
                        ("🔒 " if e.locked else "")
                        + exports.entry_text(e.servings, e.portion, e.description)
                        for e in entries.get((day, slot), [])
                    ]
                    lines += [
                        f"B12 tablet {d.strength_ug:g} µg"
                        + (f" × {d.count}" if d.count > 1 else "")
                        for d in doses.get((day, slot), [])
                    ]
                    if lines:
                        st.markdown(
                            f"<small><b>{SLOT_NAMES.get(slot, slot)}</b><br>"
                            + "<br>".join(lines)
                            + "</small>",
                            unsafe_allow_html=True,
                        )
                day_totals = totals.get(day)
                if day_totals is not None:  # food B12, and the day's tablets beside it
                    tablet = b12[day].supplement_ug
                    st.caption(
                        f"B12 food {b12[day].counted_ug:.1f} µg"
                        + (f" + {tablet:,g} µg tablet" if tablet else "")
                        + f" · {day_totals.kcal:,.0f} kcal"
                        + (f" · cost {day_cost_text(cost.day(day))}" if cost else "")
                    )


def met_label(value: float | None, target: float | None) -> str:
    if target is None or value is None:
        return "meets target"
    return "meets target" if value >= target - 1e-6 else "below target"


def bar_chart_with_target(
    frame: pd.DataFrame, *, value: str, title: str, y_title: str, target: float, band=None
) -> alt.LayerChart:
    """Bars per day coloured by whether they meet `target`, with the target as a line."""
    import altair as alt

    highest = float(frame[value].max())
    cap = max(highest, target) * 1.15
    if highest > target * CLAMP_FACTOR:  # a big supplement: keep the target line readable
        cap = target * CLAMP_FACTOR
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("day:O", title="Day", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{value}:Q", title=y_title, scale=alt.Scale(domain=[0, cap], clamp=True)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(**MET_COLOURS),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("day:O", title="Day"),
                alt.Tooltip(f"{value}:Q", title=y_title, format=".2f"),
            ],
        )
    )
    layers = [bars]
    if band is not None:
        low, high = band
        layers.insert(
            0,
            alt.Chart(pd.DataFrame({"low": [low], "high": [high]}))
            .mark_rect(opacity=0.15, color="#2e7d5b")
            .encode(y="low:Q", y2="high:Q"),
        )
    layers.append(
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(color="#c0392b", strokeDash=[6, 3], size=2)
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target", format=".2f")])
    )
    return alt.layer(*layers).properties(title=title, height=320)


def render_charts(plan: Plan) -> None:
    """Per day: B12 counted (and absorbed) and energy, each against its target."""
    targets = plan.targets
    days = exports.b12_by_day(plan)
    totals = {d.day: d for d in plan.days}
    b12 = pd.DataFrame(
        {
            "day": [d.day for d in days],
            "counted": [d.counted_ug + d.supplement_ug for d in days],
            "absorbed": [d.absorbed_ug for d in days],
            "kcal": [totals[d.day].kcal if d.day in totals else float("nan") for d in days],
        }
    )
    charts = st.columns(3 if targets.b12_absorbed_ug_per_day else 2)
    b12["status"] = [met_label(v, targets.b12_ug_per_day) for v in b12["counted"]]
    charts[0].altair_chart(
        bar_chart_with_target(
            b12,
            value="counted",
            title="B12 counted per day (food + tablets)",
            y_title="B12 (µg)",
            target=targets.b12_ug_per_day,
        ),
        width="stretch",
    )
    if targets.b12_absorbed_ug_per_day:
        absorbed = b12.dropna(subset=["absorbed"]).copy()
        absorbed["status"] = [
            met_label(v, targets.b12_absorbed_ug_per_day) for v in absorbed["absorbed"]
        ]
        charts[1].altair_chart(
            bar_chart_with_target(
                absorbed,
                value="absorbed",
                title="B12 absorbed per day (estimate)",
                y_title="absorbed (µg)",
                target=targets.b12_absorbed_ug_per_day,
            ),
            width="stretch",
        )
    b12["status"] = [
        "meets target" if targets.kcal_min - 1 <= v <= targets.kcal_max + 1 else "below target"
        for v in b12["kcal"]
    ]
    charts[-1].altair_chart(
        bar_chart_with_target(
            b12,
            value="kcal",
            title="Energy per day (band = allowed range)",
            y_title="energy (kcal)",
            target=targets.kcal_per_day,
            band=(targets.kcal_min, targets.kcal_max),
        ),
        width="stretch",
    )
    if b12["counted"].max() > targets.b12_ug_per_day * CLAMP_FACTOR:
        st.caption(
            "Bars are cut at the top of the chart where a supplement makes a day's B12 far "
            "larger than the target; hover a bar for its value."
        )


def render_sources(plan: Plan) -> None:
    """Where the week's counted B12 comes from, food by food, plus any tablets."""
    import altair as alt

    sources = exports.top_b12_sources(plan, limit=12)
    tablets: dict[float, int] = {}
    for dose in plan.supplements:
        tablets[dose.strength_ug] = tablets.get(dose.strength_ug, 0) + dose.count
    if not sources and not tablets:
        st.warning("No counted B12 in this plan.", icon=":material/warning:")
        return
    if sources:
        frame = pd.DataFrame(
            {
                "food": [s.description for s in sources],
                "b12": [s.counted_ug for s in sources],
                "times": [s.times for s in sources],
                "share": [s.share for s in sources],
            }
        )
        chart = (
            alt.Chart(frame)
            .mark_bar(color="#2e7d5b")
            .encode(
                x=alt.X("b12:Q", title=f"counted B12 in {plan.n_days} days (µg)"),
                y=alt.Y("food:N", sort="-x", title=None, axis=alt.Axis(labelLimit=170)),
                tooltip=[
                    alt.Tooltip("food:N", title="Food"),
                    alt.Tooltip("b12:Q", title="B12 (µg)", format=".2f"),
                    alt.Tooltip("times:Q", title="Times in the plan"),
                    alt.Tooltip("share:Q", title="Share of food B12", format=".0%"),
                ],
            )
            .properties(height=alt.Step(26))
        )
        st.altair_chart(chart, width="stretch")
    for strength, count in sorted(tablets.items()):
        st.markdown(
            f"Supplement: {count} × {strength:g} µg B12 tablet{'s' if count > 1 else ''} "
            f"({count * strength:,.0f} µg over {plan.n_days} days)."
        )


def meal_label(plan: Plan, meal: tuple[int, str]) -> str:
    day, slot = meal
    foods = [e.description.split(",")[0] for e in plan.entries if (e.day, e.slot) == meal]
    return f"Day {day} · {SLOT_NAMES.get(slot, slot)}: " + "; ".join(foods)


def with_locks(plan: Plan, meals: list[tuple[int, str]]) -> Plan:
    """A copy of the plan whose entries in `meals` are marked locked (kept when re-planning)."""
    chosen = set(meals)
    copy = plan.model_copy(deep=True)
    for entry in copy.entries:
        entry.locked = (entry.day, entry.slot) in chosen
    return copy


def replan(
    profile: Profile, plan: Plan, what: str, effort: str = "standard", **changes: Any
) -> None:
    """Re-plan from the plan's profile with `changes`, keeping the locked meals."""
    settings = st.session_state[SETTINGS_KEY]
    locks = [
        lock for lock in current_locks(plan) if lock.food_id not in changes.get("exclude_foods", [])
    ]
    if "prices" in settings:  # the price table's prices (the plan's own unless changed)
        changes = {"prices": settings["prices"]} | changes
    try:
        new_profile = parse_profile(profile.model_dump() | changes | {"locked": locks})
    except InputError as err:
        st.session_state[ERROR_KEY] = [(anchor_for(str(err)), form_message(str(err)))]
        return
    if "exclude_foods" in changes:
        settings["exclude_foods"] = list(new_profile.exclude_foods)
        settings["favourites"] = list(new_profile.favourites)
    run_planner(new_profile, what, effort)
    st.session_state.pop(LOCKS_KEY, None)


def render_adjust(plan: Plan, profile: Profile | None) -> None:
    """Lock meals, swap a food, shuffle, and edit servings with targets re-checked live."""
    meals = sorted(
        {(e.day, e.slot) for e in plan.entries},
        key=lambda m: (m[0], plan.slots.index(m[1]) if m[1] in plan.slots else 99),
    )
    locked_now = [m for m in meals if any(e.locked for e in plan.entries if (e.day, e.slot) == m)]
    chosen = st.multiselect(
        "Meals to keep when re-planning (locked)",
        meals,
        default=locked_now,
        format_func=lambda m: meal_label(plan, m),
        key=LOCKS_KEY,
        placeholder="choose meals to lock",
    )
    if sorted(chosen) != sorted(locked_now):
        st.session_state[PLAN_KEY] = plan = with_locks(plan, chosen)
        st.rerun()

    if profile is None:
        st.info(
            "This plan carries no profile this version can re-plan from; generate a new plan "
            "with the form above to swap or shuffle.",
            icon=":material/info:",
        )
    else:
        foods = {e.food_id: e.description for e in plan.entries}
        swap_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        swap_id = swap_col.selectbox(
            "Swap a food out (re-plan without it)",
            sorted(foods, key=lambda f: foods[f].casefold()),
            format_func=foods.get,
            key="swap_food",
        )
        if button_col.button(
            "Swap it out", icon=":material/swap_horiz:", key="swap", width="stretch"
        ):
            replan(
                profile,
                plan,
                f"Re-planning without {foods[swap_id]}",
                exclude_foods=[*profile.exclude_foods, swap_id],
                favourites=[f for f in profile.favourites if f != swap_id],
            )
            st.rerun()
        left, right = st.columns(2)
        if left.button(
            "Shuffle: another plan like this",
            icon=":material/shuffle:",
            key="shuffle",
            help="Another seed: other foods in the meals that are not locked; locked meals "
            "stay as they are.",
            width="stretch",
        ):
            replan(profile, plan, "Shuffling", seed=(profile.seed + 1) % (2**32))
            st.rerun()
        if right.button(
            "Re-plan keeping the locked meals",
            icon=":material/refresh:",
            key="replan",
            help="The same seed, with the prices and locks as they are now: the meals that "
            "are not locked change only where that makes the week better, so with nothing "
            "changed the plan comes back much the same. For other foods, use Shuffle.",
            width="stretch",
        ):
            replan(profile, plan, "Re-planning")
            st.rerun()
        searched = st.session_state.get(SEARCHED_KEY) is plan
        if st.button(
            "Search longer for a better week",
            icon=":material/manage_search:",
            key="thorough",
            help="The same rules, seed and locked meals, planned again over twice as many "
            "candidate foods (a few seconds more); the better week is kept, so it comes back as "
            "good or better by the planner's score (closer to the energy and protein goals, "
            "fewer items, less sodium).",
            disabled=searched,
            width="stretch",
        ):
            replan(profile, plan, "Searching longer for a better week", effort="thorough")
            st.rerun()
        if searched:
            st.caption("This week comes from the longer search.")

    render_servings_editor(plan)


def editor_key() -> str:
    return f"servings_editor_{st.session_state.get(EDITOR_VERSION_KEY, 0)}"


def apply_pending_edits(plan: Plan) -> None:
    """Servings changed in the editor become the current plan at once, re-verified."""
    state = st.session_state.get(editor_key()) or {}
    changes = {
        int(row): values["servings"]
        for row, values in (state.get("edited_rows") or {}).items()
        if "servings" in values
    }
    if not changes:
        return
    st.session_state[EDITOR_VERSION_KEY] = st.session_state.get(EDITOR_VERSION_KEY, 0) + 1
    try:
        edited, _ = edit_servings(plan, changes, active_catalog(), diet_labels())
    except PlannerError as err:
        st.session_state[EDIT_ERROR_KEY] = str(err)
    else:
        st.session_state.pop(EDIT_ERROR_KEY, None)
        st.session_state[PLAN_KEY] = edited
    st.rerun()


def render_servings_editor(plan: Plan) -> None:
    """The plan as an editable table: servings per food; everything else follows from it."""
    st.markdown("**Edit servings**")
    st.caption(
        "Change the number of portions (whole or half; 0 removes the food). The totals, the "
        "charts and the target checks above are recomputed from the catalog at once."
    )
    if EDIT_ERROR_KEY in st.session_state:
        st.error(st.session_state[EDIT_ERROR_KEY], icon=":material/error:")
    table = pd.DataFrame(
        {
            "day": [e.day for e in plan.entries],
            "meal": [SLOT_NAMES.get(e.slot, e.slot) for e in plan.entries],
            "food": [e.description for e in plan.entries],
            "portion": [e.portion for e in plan.entries],
            "servings": [e.servings for e in plan.entries],
            "grams": [e.grams for e in plan.entries],
            "b12": [e.b12_counted_ug for e in plan.entries],
            "kcal": [e.kcal for e in plan.entries],
        }
    )
    st.data_editor(
        table,
        key=editor_key(),
        hide_index=True,
        disabled=["day", "meal", "food", "portion", "grams", "b12", "kcal"],
        column_config={
            "day": st.column_config.NumberColumn("Day", format="%d", width="small"),
            "meal": "Meal",
            "food": st.column_config.TextColumn("Food", width="large"),
            "portion": "Portion",
            "servings": st.column_config.NumberColumn(
                "Servings", min_value=0.0, max_value=10.0, step=0.5, format="%.1f"
            ),
            "grams": st.column_config.NumberColumn("Grams", format="%.0f g"),
            "b12": st.column_config.NumberColumn("B12 counted", format="%.2f µg"),
            "kcal": st.column_config.NumberColumn("Energy", format="%.0f kcal"),
        },
    )


def tablet_text(plan: Plan) -> str | None:
    """The plan's B12 tablets in words: '+ 25 µg tablet daily', '+ 2,000 µg tablet weekly',
    else how many in how many days; None without tablets.

    Averaged into a daily figure, a weekly 2,000 µg tablet read as ~290 µg eaten every day.
    """
    if not plan.supplements:
        return None
    per_day: dict[int, list[tuple[float, int]]] = {}
    for dose in plan.supplements:
        per_day.setdefault(dose.day, []).append((dose.strength_ug, dose.count))
    strengths = {strength for doses in per_day.values() for strength, _ in doses}
    tablets = sum(dose.count for dose in plan.supplements)
    total = sum(dose.strength_ug * dose.count for dose in plan.supplements)
    days = range(1, plan.n_days + 1)
    first = per_day.get(1)
    if first and len(first) == 1 and all(per_day.get(day) == first for day in days):
        strength, count = first[0]
        amount = f"{count} × {strength:,g} µg tablets" if count > 1 else f"{strength:,g} µg tablet"
        return f"+ {amount} daily"
    weeks = -(-plan.n_days // 7)
    if plan.targets.b12_rule == "weekly" and len(strengths) == 1 and tablets == weeks:
        return f"+ {next(iter(strengths)):,g} µg tablet weekly"
    return f"+ {tablets} tablet{'s' if tablets != 1 else ''} ({total:,g} µg) in {plan.n_days} days"


# Profile.food_bound_b12_risks in the form's words.
FOOD_BOUND_REASONS = {"over-50": "you are older than 50", "acid-reducers": "you take acid reducers"}


def fortified_only_reason(plan: Plan) -> str | None:
    """Why only B12 added to foods counts in a plan whose diet counts all B12 (the age or acid
    reducers rule, or the form's B12 counting); None when that is the diet's rule."""
    if plan.targets.b12_counting != "fortified_only" or plan.diet == "fortified-only":
        return None
    try:
        profile = parse_profile(plan.profile)
    except InputError:
        return None
    if profile.b12_counting == "fortified_only":
        return f"“B12 counting” is set to “{B12_COUNTING_LABELS['fortified_only']}”"
    reasons = [FOOD_BOUND_REASONS[r] for r in profile.food_bound_b12_risks]
    if not reasons:
        return None
    return " and ".join(reasons) + ", and B12 bound in food is poorly absorbed then"


def b12_card_help(plan: Plan) -> str:
    """What the B12 card shows and which rule the plan was checked by (Targets.b12_rule)."""
    t = plan.targets
    counting = (
        "only B12 added to foods counts"
        if t.b12_counting == "fortified_only"
        else "all food B12 counts"
    )
    reason = fortified_only_reason(plan)
    if reason:
        counting += f", because {reason}"
    absorbed = t.b12_absorbed_ug_per_day is not None
    if t.b12_rule == "weekly":
        rule = (
            "Checked over the week on the B12 absorbed (next card): food plus the weekly "
            "tablet must reach the absorbed target on average."
            if absorbed
            else f"Checked over the week: food plus the weekly tablet must reach {plan.n_days} "
            f"× {t.b12_ug_per_day:g} µg."
        )
    else:
        rule = (
            "Checked every day on the B12 absorbed (next card), food and that day's tablets "
            "together."
            if absorbed
            else "Checked every day: food plus that day's tablets must reach the target."
        )
    return (
        f"Food B12 counted a day, averaged over the {plan.n_days} days ({counting}); tablets "
        f"are named beside it, not averaged in. {rule} Target {t.b12_ug_per_day:g} µg/day: "
        f"{t.b12_source}."
    )


def render_summary(
    plan: Plan, report: VerificationReport, run: dict, cost: PlanCost | None = None
) -> None:
    """Headline from the independent check: B12 met every day?, targets missed, solver; and
    the food cost when the plan's profile has prices."""
    targets = plan.targets
    days = exports.b12_by_day(plan)
    b12_misses = [v for v in report.violations if v.name.startswith(("b12_day", "b12_week"))]
    short_days = sorted({v.day for v in b12_misses if v.day is not None})
    if not b12_misses:
        if targets.b12_rule == "weekly":
            st.success(
                "B12 target met over the week; a weekly supplement carries it.",
                icon=":material/check_circle:",
            )
        else:
            st.success("B12 target met every day.", icon=":material/check_circle:")
    elif short_days:
        st.warning(
            "B12 is below the target on day"
            + ("s " if len(short_days) > 1 else " ")
            + ", ".join(str(d) for d in short_days)
            + ".",
            icon=":material/warning:",
        )
    else:
        st.warning("B12 is below the target over the week.", icon=":material/warning:")
    shortfalls = report.shortfalls()
    others = [v for v in report.violations if v not in shortfalls]
    if shortfalls:
        st.warning(
            "**Targets this plan misses**\n\n" + "\n".join(f"- {v.message}" for v in shortfalls),
            icon=":material/report:",
        )
    if others:
        st.error(
            "**Rules this plan breaks**\n\n" + "\n".join(f"- {v.message}" for v in others),
            icon=":material/error:",
        )
    n = plan.n_days
    food_b12 = sum(d.counted_ug for d in days) / n  # tablets are shown beside it, not averaged in
    kcal = sum(d.kcal for d in plan.days) / max(len(plan.days), 1)
    cells = iter(st.columns(5 if cost is not None else 4))

    def metric(label: str, value: str, note: str, help: str | None = None) -> None:
        next(cells).metric(
            label, value, delta=note, delta_color="off", delta_arrow="off", help=help, border=True
        )

    tablets = tablet_text(plan)
    metric(
        "B12 counted a day",
        f"food {food_b12:.1f} µg",
        f"{tablets or 'no tablets'}; target {targets.b12_ug_per_day:g} µg",
        help=b12_card_help(plan),
    )
    if targets.b12_absorbed_ug_per_day:
        absorbed = [d.absorbed_ug for d in days if d.absorbed_ug is not None]
        metric(
            "B12 absorbed a day",
            f"{sum(absorbed) / max(len(absorbed), 1):.2f} µg" if absorbed else "—",
            f"target {targets.b12_absorbed_ug_per_day:g} µg",
            help="Estimated with a per-meal absorption curve (about 1.5-2 µg per meal at most).",
        )
    else:
        metric("B12 absorbed a day", "—", "absorption not modelled")
    metric(
        "Energy a day",
        f"{kcal:,.0f} kcal",
        f"target {targets.kcal_min:,.0f}-{targets.kcal_max:,.0f} kcal",
    )
    solver = plan.solver
    detail = f"{solver.name}: {solver.status}"
    if solver.gap is not None:
        detail += f"; gap to the weekly bound {solver.gap:.1%}"
    if run.get("seconds") is not None:
        detail += f"; {run['seconds']:.1f} s including loading"
    metric("Solver", f"{solver.seconds:.1f} s", f"{solver.name}, {solver.status}", help=detail)
    if cost is not None:
        metric(
            "Food cost a day",
            money(cost.per_day),
            f"{money(cost.total)} for {len(cost.days)} days",
            help=f"At the prices in the plan's profile, in {cost.unit}: prices carry no "
            "currency. Foods without a price are left out, not counted as 0.",
        )
        st.caption(f"{cost_summary(cost)}.")
    for note in plan.notes:
        st.caption(note)


def render_save(plan: Plan) -> None:
    """Save the plan for a client (a new plan, or the next version of the opened one)."""
    store = owner_store()
    if store is None:
        return
    try:
        clients = store.clients.list()
    except PlannerError as err:
        show_planner_error(err)
        return
    if SAVED_MESSAGE_KEY in st.session_state:
        st.success(st.session_state.pop(SAVED_MESSAGE_KEY), icon=":material/check_circle:")
    opened = st.session_state.get(OPENED_KEY)
    new_client = "+ new client"
    names = [c.name for c in clients]
    default_client = next((c.name for c in clients if opened and c.id == opened["client_id"]), None)
    options = [*names, new_client]
    with st.form("save_form", border=False):
        chosen = st.selectbox(
            "Client",
            options,
            index=options.index(default_client) if default_client else 0,
            key="save_client",
        )
        new_name = st.text_input("New client's name (when adding a client)", key="save_new_client")
        label = st.text_input(
            "Plan label",
            value=opened["label"] if opened else f"{plan.n_days}-day {plan.diet} plan",
            key="save_label",
        )
        as_version = False
        if opened:
            as_version = st.checkbox(
                f"Save as a new version of “{opened['label']}” "
                f"(now at version {opened['version']})",
                value=True,
                key="save_as_version",
            )
        submitted = st.form_submit_button("Save", icon=":material/save:", key="save_submit")
    if not submitted:
        return
    if chosen != new_client and new_name.strip():
        # A typed name with an existing client still chosen above: saving for that client would
        # file the plan under the wrong person (the typed name was silently ignored).
        st.error(
            f"You typed a new client's name, “{new_name.strip()}”, but the client chosen above "
            f"is “{chosen}”. Nothing was saved: choose “{new_client}” to add "
            f"{new_name.strip()}, or clear the name to save for {chosen}.",
            icon=":material/error:",
        )
        return
    try:
        client = (
            store.clients.add(new_name)
            if chosen == new_client
            else next(c for c in clients if c.name == chosen)
        )
        saved = store.plans.save(
            client.id,
            plan,
            label=label,
            plan_id=opened["plan_id"] if as_version and opened else None,
        )
    except PlannerError as err:
        show_planner_error(err)
        return
    st.session_state[OPENED_KEY] = {
        "plan_id": saved.plan_id,
        "version": saved.version,
        "client_id": saved.client_id,
        "label": saved.label,
    }
    st.session_state[SAVED_MESSAGE_KEY] = (
        f"Saved “{saved.label}” for {saved.client_name} as version {saved.version}. "
        "Find it on the Saved plans page."
    )
    for key in ("save_client", "save_new_client", "save_label", "save_as_version"):
        st.session_state.pop(key, None)  # rebuilt with this plan's client and label
    st.rerun()  # the form now offers "save as a new version" of this plan


def render_plan(plan: Plan, profile: Profile | None, run: dict) -> None:
    """Everything about the current plan, then the ways to change it."""
    apply_pending_edits(plan)
    opened = st.session_state.get(OPENED_KEY)
    if opened:
        if opened.get("deleted"):
            st.caption(
                f"Opened from Saved plans: “{opened['label']}”, version {opened['version']}, "
                "since deleted there; Save stores it again as a new version."
            )
        else:
            st.caption(
                f"Opened from Saved plans: “{opened['label']}”, version {opened['version']}."
            )
    try:
        report = verify_plan(plan, active_catalog(), diet_labels(), check_claims=False)
    except PlannerError as err:
        show_planner_error(err)
        return
    try:
        cost = plan_cost(plan)
    except PlannerError as err:  # a plan file whose prices do not read: say so, show the rest
        show_planner_error(err)
        cost = None
    render_summary(plan, report, run, cost)
    st.subheader("The week")
    render_week(plan, cost)
    st.subheader("Per day against the targets")
    render_charts(plan)
    st.subheader("Where the week's B12 comes from")
    render_sources(plan)
    st.subheader("Adjust")
    render_adjust(plan, profile)
    just_saved = SAVED_MESSAGE_KEY in st.session_state
    with st.expander("Save this plan", icon=":material/save:", expanded=just_saved):
        render_save(plan)
    with st.expander("Download the plan", icon=":material/download:"):
        render_downloads(plan)


def render_downloads(plan: Plan) -> None:
    catalog = active_catalog()
    columns = st.columns(4)
    for column, (label, fmt, mime) in zip(
        columns,
        [
            ("PDF handout", "pdf", "application/pdf"),
            ("Markdown", "md", "text/markdown"),
            ("CSV", "csv", "text/csv"),
            ("JSON", "json", "application/json"),
        ],
        strict=True,
    ):
        column.download_button(
            label,
            data=lambda fmt=fmt: exports.export_plan(plan, fmt, catalog=catalog),
            file_name=f"b12-plan-{plan.diet}-{plan.n_days}d.{fmt}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
