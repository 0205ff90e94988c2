"""Plan: a profile form, the week as a grid, where the B12 comes from, and re-planning.

This page is the app's first page, so it draws its form without the planner package (whose
import loads numpy, pandas, pyarrow and pydantic): the choices come from app_pages/light.py.
Planning and showing a plan live in app_pages/plan_view.py, imported when the page needs them.
"""

from __future__ import annotations

import streamlit as st

from app_pages.light import (
    ACID_REDUCERS_HELP,
    ACID_REDUCERS_LABEL,
    ACTIVITIES,
    B12_COUNTING_HELP,
    B12_COUNTING_LABELS,
    DEFAULT_SETTINGS,
    DIET_HELP,
    DIET_NAMES,
    ERROR_KEY,
    LIFE_STAGES,
    PLAN_KEY,
    PROFILE_KEY,
    RUN_KEY,
    SETTINGS_KEY,
    SLOT_CHOICES,
    SLOT_NAMES,
    STAGE_LABELS,
    SUGGESTED_ACID_REDUCERS_KEY,
    SUGGESTED_DIET_KEY,
    SUPPLEMENT_STRENGTHS_UG,
    change_diet,
    kept_settings_text,
)


def index_of(options, value) -> int:
    return list(options).index(value) if value in options else 0


st.title("Plan a week")
settings: dict = st.session_state.setdefault(SETTINGS_KEY, dict(DEFAULT_SETTINGS))
if SUGGESTED_DIET_KEY in st.session_state:
    # The About page's preset: a diet with its own B12 counting, so the select goes to automatic.
    change_diet(settings, st.session_state.pop(SUGGESTED_DIET_KEY))
    settings["b12_counting"] = "auto"
    for key in ("profile_diet", "profile_b12_counting"):
        st.session_state.pop(key, None)
if SUGGESTED_ACID_REDUCERS_KEY in st.session_state:
    settings["acid_reducers"] = st.session_state.pop(SUGGESTED_ACID_REDUCERS_KEY)
    st.session_state.pop("profile_acid_reducers", None)
plan = st.session_state.get(PLAN_KEY)  # a planner.plan.Plan
if plan is not None and PROFILE_KEY not in st.session_state:
    from app_pages.plan_view import adopt_opened_plan

    adopt_opened_plan(plan, settings)
error = st.session_state.get(ERROR_KEY)
anchors: dict[str, st.delta_generator.DeltaGenerator] = {}

with st.expander("Profile and settings", expanded=plan is None or bool(error)):
    pick_foods = st.toggle(
        "Choose favourite or excluded foods",
        value=bool(settings["favourites"] or settings["exclude_foods"]),
        key="profile_pick_foods",
    )
    form = st.form("profile_form", border=False)
    kept = kept_settings_text(settings)
    if kept:
        # Fields of an opened plan's profile the form has no widget for: kept, and said so.
        st.caption(
            f"Also kept from the plan's profile (the form does not show them): {kept}. Another "
            "diet drops the food rule."
        )
        if st.button("Use the planner's defaults for these", key="profile_drop_kept"):
            for key in [k for k in settings if k not in DEFAULT_SETTINGS and k != "prices"]:
                del settings[key]
            st.rerun()
with form:
    left, middle, right = st.columns(3)
    with left:
        st.markdown("**Diet and B12**")
        diet = st.selectbox(
            "Diet",
            DIET_NAMES,
            index=index_of(DIET_NAMES, settings["diet"]),
            help=DIET_HELP,
            key="profile_diet",
        )
        acid_reducers = st.checkbox(
            ACID_REDUCERS_LABEL,
            value=bool(settings.get("acid_reducers", False)),
            help=ACID_REDUCERS_HELP,
            key="profile_acid_reducers",
        )
        b12_counting = st.selectbox(
            "B12 counting",
            list(B12_COUNTING_LABELS),
            index=index_of(B12_COUNTING_LABELS, settings.get("b12_counting", "auto")),
            format_func=B12_COUNTING_LABELS.get,
            help=B12_COUNTING_HELP,
            key="profile_b12_counting",
        )
        anchors["diet"] = st.empty()
        reference = st.radio(
            "B12 reference",
            ["us", "efsa"],
            index=index_of(["us", "efsa"], settings["b12_reference"]),
            format_func={
                "us": "US RDA (2.4 µg/day for adults)",
                "efsa": "EFSA (4 µg/day for adults)",
            }.get,
            key="profile_reference",
        )
        # No min/max here: the library says what is allowed, next to this field, in µg/day.
        b12_target = st.number_input(
            "Custom B12 target (µg/day; blank = from the reference)",
            value=settings.get("b12_target_ug"),
            step=0.1,
            format="%.1f",
            help="For a target a clinician has set. It replaces the reference intake above.",
            key="profile_b12_target",
        )
        anchors["b12_reference"] = st.empty()
        absorption = st.radio(
            "Absorption-aware B12",
            ["auto", "on", "off"],
            index=index_of(["auto", "on", "off"], settings["absorption"]),
            format_func={
                "auto": "auto (on for vegan and fortified-only)",
                "on": "on: count what the gut absorbs per meal",
                "off": "off: count the B12 eaten",
            }.get,
            help="The gut absorbs about 1.5-2 µg of B12 per meal; more at once is mostly "
            "lost. With this on, the plan spreads B12 over the day.",
            key="profile_absorption",
        )
        supplements = st.selectbox(
            "Supplements",
            ["auto", "none", "daily", "weekly"],
            index=index_of(["auto", "none", "daily", "weekly"], settings["supplements"]),
            format_func={
                "auto": "only if food cannot meet the target",
                "none": "none: food only",
                "daily": "a tablet every day",
                "weekly": "one 2000 µg tablet a week",
            }.get,
            key="profile_supplements",
        )
        strengths = ["planner chooses", *[str(s) for s in SUPPLEMENT_STRENGTHS_UG]]
        strength = st.selectbox(
            "Daily tablet strength (µg)",
            strengths,
            index=index_of(strengths, str(settings["supplement_strength_ug"])),
            key="profile_strength",
        )
        anchors["supplements"] = st.empty()
    with middle:
        st.markdown("**About you**")
        stages = ["from age", *LIFE_STAGES]
        life_stage = st.selectbox(
            "Life stage",
            stages,
            index=index_of(stages, settings["life_stage"]),
            format_func=lambda s: (
                "from age (adult if no age)" if s == "from age" else STAGE_LABELS[s]
            ),
            key="profile_life_stage",
        )
        # The numbers below have no widget min/max: out of range, Streamlit only turned the field
        # red and Generate did nothing, without a word. The library's message (with the unit
        # and the allowed range) shows beside the field instead.
        sex_col, age_col = st.columns(2)
        sex = sex_col.selectbox(
            "Sex",
            ["not given", "female", "male"],
            index=index_of(["not given", "female", "male"], settings["sex"]),
            key="profile_sex",
        )
        age = age_col.number_input(
            "Age (years)",
            value=settings["age_years"],
            step=1,
            key="profile_age",
        )
        anchors["life_stage"] = st.empty()
        weight_col, height_col = st.columns(2)
        weight = weight_col.number_input(
            "Weight (kg)",
            value=settings["weight_kg"],
            step=1.0,
            key="profile_weight",
        )
        height = height_col.number_input(
            "Height (cm)",
            value=settings["height_cm"],
            step=1.0,
            key="profile_height",
        )
        activity = st.selectbox(
            "Activity",
            ACTIVITIES,
            index=index_of(ACTIVITIES, settings["activity"]),
            key="profile_activity",
        )
        anchors["body"] = st.empty()
        kcal = st.number_input(
            "Energy target (kcal/day; blank = estimate from the above)",
            value=settings["kcal"],
            step=50,
            key="profile_kcal",
        )
        anchors["kcal"] = st.empty()
    with right:
        st.markdown("**Meals and variety**")
        # An opened plan's own slots (a "drink", say) are offered besides the form's choices.
        slot_options = [*SLOT_CHOICES, *[s for s in settings["slots"] if s not in SLOT_CHOICES]]
        slots = st.multiselect(
            "Meal slots",
            slot_options,
            default=settings["slots"],
            format_func=lambda s: SLOT_NAMES.get(s, s),
            key="profile_slots",
        )
        anchors["slots"] = st.empty()
        days = st.slider("Days", 1, 14, value=settings["days"], key="profile_days")
        max_per_week = st.slider(
            "Same food at most … times a week",
            1,
            14,
            value=settings["max_per_week"],
            key="profile_variety",
        )
        anchors["variety"] = st.empty()
        favourites = list(settings["favourites"])
        excluded = list(settings["exclude_foods"])
        if pick_foods:
            # Thousands of options: built only when asked for, so the page opens fast.
            from app_pages.common import active_catalog, plannable_choices

            choices = plannable_choices(active_catalog(), [*favourites, *excluded])
            favourites = st.multiselect(
                "Favourite foods (placed more often)",
                list(choices),
                default=[f for f in favourites if f in choices],
                format_func=choices.get,
                placeholder="type to search",
                key="profile_favourites",
            )
            excluded = st.multiselect(
                "Foods to leave out",
                list(choices),
                default=[f for f in excluded if f in choices],
                format_func=choices.get,
                placeholder="type to search",
                key="profile_exclude",
            )
        elif favourites or excluded:
            st.caption(
                f"{len(favourites)} favourite and {len(excluded)} excluded food(s); switch on "
                "“Choose favourite or excluded foods” above to change them."
            )
        anchors["foods"] = st.empty()
        if settings.get("prices"):
            count = len(settings["prices"])
            st.caption(
                f"{count} food price{'s' if count != 1 else ''} set under “Prices (optional)” "
                "below: the planner weighs them and the plan shows its cost."
            )
    submitted = st.form_submit_button(
        "Generate plan", type="primary", icon=":material/play_arrow:", key="generate"
    )

if submitted:
    change_diet(settings, diet)
    settings.update(
        acid_reducers=acid_reducers,
        b12_counting=b12_counting,
        life_stage=life_stage,
        sex=sex,
        age_years=age,
        weight_kg=weight,
        height_cm=height,
        activity=activity,
        kcal=kcal,
        b12_reference=reference,
        b12_target_ug=b12_target,
        absorption=absorption,
        supplements=supplements,
        supplement_strength_ug=strength,
        slots=slots,
        days=days,
        max_per_week=max_per_week,
        favourites=favourites,
        exclude_foods=excluded,
    )
    from app_pages.plan_view import plan_from_settings

    plan_from_settings(settings)
    st.rerun()

# Prices live outside the form: a change is kept at once, for Generate and for re-planning. The
# expander runs its content only when open, so the first page still imports no library.
prices_box = st.expander(
    "Prices (optional)",
    icon=":material/sell:",
    key="prices_open",
    on_change="rerun",
)
if prices_box.open:
    with prices_box:
        from app_pages.plan_view import render_price_editor

        render_price_editor(plan)
        anchors["prices"] = st.empty()

if error:
    placed: dict[str, list[str]] = {}
    for anchor, message in error:
        placed.setdefault(anchor if anchor in anchors else "diet", []).append(message)
    for anchor, messages in placed.items():
        with anchors[anchor].container():
            for message in messages:
                st.error(message, icon=":material/error:")
    st.error(
        "No plan with these settings: the message next to the setting to change says why."
        + (" The plan below is the previous one." if plan is not None else ""),
        icon=":material/error:",
    )

if plan is None:
    st.caption(
        "Choose a diet and press **Generate plan**. The planner picks foods from the USDA "
        "catalog so that every day meets your B12 target, with meals that look like meals."
    )
else:
    from app_pages.plan_view import render_plan

    render_plan(plan, st.session_state.get(PROFILE_KEY), st.session_state.get(RUN_KEY, {}))
