"""What the first page needs, importable without pandas, pydantic or the planner package.

Importing the planner package loads numpy, pandas, pyarrow and pydantic: about half a second on
the development machine, more than the rest of the first page. So the app entry point and the
Plan page's form import only this module; the library loads when a page needs it (Generate, a
plan to show, another page) or in the background right after the first page is drawn
(`warm_up`). The form's choices below mirror `planner.profile`; tests/test_app_first_page.py
checks they are equal, and the library still validates every submitted value.
"""

from __future__ import annotations

import gc
import sys
import threading

# Session state keys shared by the pages.
CUSTOM_FOODS_KEY = "custom_foods"  # {"foods", "portions": DataFrame, "ingredients": dict}
SUGGESTED_DIET_KEY = "suggested_diet"  # set by the About page's risk check
SUGGESTED_ACID_REDUCERS_KEY = "suggested_acid_reducers"  # likewise: pre-ticks the form's box
PLAN_KEY = "plan"  # the current planner.plan.Plan of this session
CUSTOM_LABELS_KEY = "custom_food_labels"  # (fingerprint, labels of the custom foods)
MERGED_CATALOG_KEY = "merged_catalog"  # (fingerprint, Catalog with the custom foods)
OPENED_KEY = "opened_plan"  # {"plan_id", "version", "client_id", "label"} of an opened saved plan

# The Plan page's keys.
SETTINGS_KEY = "profile_settings"  # what the form last submitted (survives page changes)
PROFILE_KEY = "plan_profile"  # the Profile the current plan was made from
RUN_KEY = "plan_run"  # {"seconds": wall time of the last planning call}
ERROR_KEY = "plan_error"  # [(form section, message)] of the last failed attempt

UNEXPECTED_ERROR = (
    "Something went wrong on this page; it is a bug in b12-planner, not something you did. "
    "The details are in the server log. Reload the page to start again."
)

# The Plan form's choices (planner.profile: DIET_NAMES, LIFE_STAGES, stage_label,
# SUPPLEMENT_STRENGTHS_UG, ACTIVITY_FACTORS, B12Counting).
DIET_NAMES: tuple[str, ...] = ("omnivore", "vegetarian", "vegan", "fortified-only")
STAGE_LABELS: dict[str, str] = {
    "infant-0-6m": "infants 0-6 months",
    "infant-7-12m": "infants 7-12 months",
    "child-1-3": "children 1-3 years",
    "child-4-8": "children 4-8 years",
    "child-9-13": "children 9-13 years",
    "teen-14-18": "teens 14-18 years",
    "adult": "adults",
    "pregnancy": "pregnancy",
    "lactation": "lactation",
}
LIFE_STAGES: tuple[str, ...] = tuple(STAGE_LABELS)
SUPPLEMENT_STRENGTHS_UG: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000)
ACTIVITIES: tuple[str, ...] = ("sedentary", "light", "moderate", "active", "very-active")
SLOT_CHOICES = ("breakfast", "lunch", "dinner", "snack", "snack2")
SLOT_NAMES = {
    "breakfast": "Breakfast",
    "lunch": "Lunch",
    "dinner": "Dinner",
    "snack": "Snack",
    "snack2": "Second snack",
    "drink": "Drink",
}
DIET_HELP = (
    "omnivore: all foods, all B12 counts. vegetarian: no meat or fish. vegan: no animal foods; "
    "only added B12 counts. fortified-only: all foods, but only B12 added to foods (and "
    "supplements) counts. Adults older than 50 and people on acid reducers get that counting "
    "with any diet (the plan's notes say why), unless “B12 counting” below says otherwise."
)
ACID_REDUCERS_LABEL = "I take acid reducers (e.g. omeprazole, famotidine)"
ACID_REDUCERS_HELP = (
    "Proton-pump inhibitors and H2 blockers reduce the stomach acid that frees B12 from food. "
    "Ticked, only B12 added to foods and B12 tablets counts towards the target, whatever the "
    "diet. Atrophic gastritis has the same effect, so the About page's risk check ticks this "
    "for it too."
)
# Profile.b12_counting: "auto" is None, the diet's counting with the age and acid reducers rule.
B12_COUNTING_LABELS: dict[str, str] = {
    "auto": "automatic (from the diet, age and acid reducers)",
    "all": "all: every reliable source",
    "fortified_only": "only B12 added to foods, and tablets",
}
B12_COUNTING_HELP = (
    "Which B12 counts towards the target. Automatic: what the diet says (all reliable B12 for "
    "omnivore, vegetarian and vegan; only added B12 for fortified-only), except that adults "
    "older than 50 and people on acid reducers count only B12 added to foods and tablets, "
    "because B12 bound in food may be poorly absorbed then (IOM 1998, p. 306). All: meat, "
    "fish, eggs, dairy and fortified foods all count, whatever the age; for example when a "
    "clinician knows the person absorbs food B12 well. Only added B12: food B12 does not count, "
    "with any diet; for example when a clinician suspects food B12 is poorly absorbed by "
    "someone younger. This choice stays when you choose another diet."
)
# Risk-check factors (planner.risk) that pre-tick the box when the About page's preset is used.
ACID_REDUCER_RISKS = ("acid_reducers", "atrophic_gastritis")
DEFAULT_SETTINGS = {
    "diet": "omnivore",
    "life_stage": "from age",
    "sex": "not given",
    "age_years": None,
    "weight_kg": None,
    "height_cm": None,
    "activity": "light",
    "kcal": None,
    "b12_reference": "us",
    "b12_target_ug": None,
    "absorption": "auto",
    "supplements": "auto",
    "supplement_strength_ug": "planner chooses",
    "slots": ["breakfast", "lunch", "dinner", "snack"],
    "days": 7,
    "max_per_week": 3,
    "favourites": [],
    "exclude_foods": [],
    "acid_reducers": False,
    "b12_counting": "auto",
}
# Profile fields the form does not show. A plan opened from Saved plans (or made from a profile
# file) keeps them: adopting it copies those that differ from the default into the settings
# (plan_view.settings_from_profile), Generate passes them on, and the form lists them here.
# "prices" has its own table; "locked" and "seed" belong to re-planning and are not kept.
KEPT_LABELS: dict[str, str] = {
    "food_rule": "food rule",
    "kcal_tolerance": "energy tolerance",
    "protein_g_per_kg": "protein g/kg",
    "protein_g": "protein g/day",
    "sodium_mg_max": "sodium limit mg/day",
    "favourite_max_per_week": "favourites at most … times a week",
    "no_consecutive_main": "no main dish two days running",
    "max_distinct_foods": "at most … different foods",
    "exclude_categories": "excluded categories",
    "pantry": "pantry foods",
    "supplement_slot": "tablets with",
    "price_weight": "price weight",
    "slot_definitions": "meal slot definitions",
}
NOT_KEPT = ("locked", "seed")
# It refines a diet preset and the form does not show it, so choosing another diet drops it.
# B12 counting is on the form: another diet keeps what its select shows.
DIET_OVERRIDES = ("food_rule",)


def kept_settings_text(settings: dict) -> str | None:
    """The kept settings in words ('food rule: vegan, pantry foods: 2'), None without any."""
    parts = []
    for key, label in KEPT_LABELS.items():
        if key not in settings:
            continue
        value = settings[key]
        if key == "slot_definitions":
            shown = "the plan's own"
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value) if key == "exclude_categories" else len(value)
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif value is None:
            shown = "none"
        else:
            shown = str(value).replace("_", " ")
        parts.append(f"{label}: {shown}")
    return ", ".join(parts) or None


def change_diet(settings: dict, diet: str) -> None:
    """Set the diet; another diet than before drops the food rule refining the old one."""
    if diet != settings.get("diet"):
        for key in DIET_OVERRIDES:
            settings.pop(key, None)
    settings["diet"] = diet


def is_planner_error(err: BaseException) -> bool:
    """True for a planner.errors.PlannerError, without importing the library to ask.

    Such an error can only exist once planner.errors has been imported.
    """
    errors = sys.modules.get("planner.errors")
    return errors is not None and isinstance(err, errors.PlannerError)


def _warm() -> None:
    """Import what the next pages need, fill the library's caches, then freeze the heap."""
    from planner import diets
    from planner.catalog import load_catalog

    diets.label_foods(load_catalog())
    import app_pages.common  # noqa: F401  (Plan's Generate and the other pages need these)
    import app_pages.plan_view  # noqa: F401
    import planner.model  # noqa: F401

    # Streamlit runs a full garbage collection after every script run; over the ~110,000
    # long-lived objects of the library, its imports and the catalog that took 42-51 ms each
    # time on the development machine. Frozen, they are skipped (under 0.1 ms).
    gc.freeze()


def warm_up() -> None:
    """Load the library, the catalog and its diet labels in the background, once per process.

    Called after the page is drawn, and starts a second later, so the first page does not
    wait for it; by the time someone presses Generate or opens another page, the imports and
    the library's own caches (load_catalog, label_foods) are ready.
    """
    global _WARMING
    with _WARM_LOCK:
        if _WARMING:
            return
        _WARMING = True
        gc.freeze()  # Streamlit's own modules: the same saving for the first page's runs
    timer = threading.Timer(WARM_UP_DELAY_S, _warm)
    timer.name, timer.daemon = "b12-warm-up", True
    timer.start()


# The first page's last messages and the browser's drawing go first: begun at once, the imports
# compete with them for the GIL and the two cores (slowest of 20 first renders 1.87 s, against
# 1.31 s with this delay). Filling in the form takes longer than a second, and anything asked
# for before the warm-up has run is imported on demand.
WARM_UP_DELAY_S = 1.0
_WARM_LOCK = threading.Lock()
_WARMING = False
