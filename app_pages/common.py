"""What every page shares: the cached catalog, the session's custom foods, error display.

Only glue lives here (Streamlit caching and session state); rules and numbers come from the
planner package. This module imports pandas and the planner package; the first page avoids it
(see app_pages/light.py, which holds the session keys).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app_pages.light import (
    CUSTOM_FOODS_KEY,
    CUSTOM_LABELS_KEY,
    MERGED_CATALOG_KEY,
    OPENED_KEY,
    PLAN_KEY,
    PROFILE_KEY,
)
from planner import diets
from planner.catalog import Catalog, load_catalog
from planner.errors import PlannerError
from planner.plan import Plan

if TYPE_CHECKING:
    from planner.storage import OwnerStore, Store


@st.cache_resource(show_spinner="Loading the food catalog…")
def base_catalog() -> Catalog:
    """The bundled catalog, loaded once per server process and shared read-only by sessions."""
    return load_catalog()


def custom_foods() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Foods this session added (labels, FoodData Central), as (foods, portions) frames."""
    stored = st.session_state.get(CUSTOM_FOODS_KEY)
    if not stored:
        return pd.DataFrame(), pd.DataFrame()
    return stored["foods"], stored["portions"]


def custom_ingredients() -> dict[str, str]:
    """food_id -> ingredient text of the added foods (diet rules read it to decide vegan)."""
    stored = st.session_state.get(CUSTOM_FOODS_KEY)
    return dict(stored["ingredients"]) if stored else {}


def add_custom_foods(
    foods: pd.DataFrame, portions: pd.DataFrame, ingredients: dict[str, str] | None = None
) -> None:
    """Remember foods for this session; a food added again replaces the earlier version."""
    old_foods, old_portions = custom_foods()
    old_ingredients = custom_ingredients()
    ids = set(foods["food_id"])
    if not old_foods.empty:
        old_foods = old_foods[~old_foods["food_id"].isin(ids)]
        old_portions = old_portions[~old_portions["food_id"].isin(ids)]
    st.session_state[CUSTOM_FOODS_KEY] = {
        "foods": pd.concat([old_foods, foods], ignore_index=True),
        "portions": pd.concat([old_portions, portions], ignore_index=True),
        "ingredients": old_ingredients | {k: v for k, v in (ingredients or {}).items() if v},
    }


def remove_custom_food(food_id: str) -> None:
    foods, portions = custom_foods()
    if foods.empty:
        return
    ingredients = custom_ingredients()
    ingredients.pop(food_id, None)
    st.session_state[CUSTOM_FOODS_KEY] = {
        "foods": foods[foods["food_id"] != food_id].reset_index(drop=True),
        "portions": portions[portions["food_id"] != food_id].reset_index(drop=True),
        "ingredients": ingredients,
    }


def active_catalog() -> Catalog:
    """The bundled catalog plus this session's custom foods.

    The merged catalog is kept per session and rebuilt only when the custom foods change:
    libraries cache work per catalog object, so a new object on every rerun would redo it.
    """
    foods, portions = custom_foods()
    catalog = base_catalog()
    if foods.empty:
        return catalog
    fingerprint = pd.util.hash_pandas_object(foods.astype(str), index=False).sum()
    cached = st.session_state.get(MERGED_CATALOG_KEY)
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, catalog.with_foods(foods, portions))
        st.session_state[MERGED_CATALOG_KEY] = cached
    return cached[1]


def format_ug(value: float | None, digits: int = 2) -> str:
    """A B12 amount for people: '1.23 µg', or 'not reported' for a missing value."""
    if value is None or pd.isna(value):
        return "not reported"
    return f"{value:.{digits}f} µg"


def show_planner_error(err: PlannerError, where: DeltaGenerator | None = None) -> None:
    """A library error as people should see it: its message, never a traceback."""
    (where or st).error(str(err), icon=":material/error:")


@st.cache_resource(show_spinner="Sorting foods by diet…")
def base_labels() -> pd.DataFrame:
    """Diet labels of the bundled catalog (vegan, B12 reliability, role, slots), computed once."""
    return diets.label_foods(base_catalog())


def diet_labels() -> pd.DataFrame:
    """Labels of the bundled catalog plus this session's custom foods."""
    labels = base_labels()
    foods, _ = custom_foods()
    if foods.empty:
        return labels
    ingredients = custom_ingredients()
    fingerprint = (tuple(foods["food_id"]), tuple(sorted(ingredients.items())))
    cached = st.session_state.get(CUSTOM_LABELS_KEY)
    if cached is None or cached[0] != fingerprint:
        try:
            cached = (fingerprint, diets.label_new_foods(foods, ingredients))
        except PlannerError as err:
            st.warning(
                f"The foods you added could not be sorted by diet ({err}); plans leave them "
                "out. Remove them on the Foods page and add them again.",
                icon=":material/warning:",
            )
            return labels
        st.session_state[CUSTOM_LABELS_KEY] = cached
    extra_labels = cached[1]
    return pd.concat([labels.drop(index=extra_labels.index, errors="ignore"), extra_labels])


def diet_picker(
    where: DeltaGenerator, *, key: str, label: str = "Diet", allow_any: bool = True
) -> str:
    """A diet preset selectbox ("any" = no filter when allowed)."""
    options = (["any"] if allow_any else []) + list(diets.DIETS)
    return where.selectbox(label, options, key=key)


def plannable_choices(catalog: Catalog, keep: list[str]) -> dict[str, str]:
    """food_id -> name of foods the planner can place (for favourite and exclude pickers)."""
    labels = diet_labels()
    ids = labels.index[labels["plannable"]].union(pd.Index(keep)).intersection(catalog.foods.index)
    names = catalog.foods.loc[ids, "description"].astype(str)
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


# --- saved plans (planner.storage) ------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def open_store(url: str) -> Store:
    """One Store (connection pool) per database URL, shared by all sessions."""
    from planner.storage import Store

    return Store(url or None)


def auth_configured() -> bool:
    """True when st.login is set up ([auth] in secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def owner_store() -> OwnerStore | None:
    """The signed-in person's (or the local owner's) store; explains and returns None if not."""
    from planner.storage import ENV_DB_URL, owner_from_streamlit_user

    try:
        owner = owner_from_streamlit_user(st.user.to_dict())
    except PlannerError as err:
        st.info(str(err), icon=":material/login:")
        if auth_configured():
            st.button("Sign in", on_click=st.login, type="primary", key="sign_in")
        return None
    try:
        return open_store(os.environ.get(ENV_DB_URL, "")).for_owner(owner)
    except PlannerError as err:
        show_planner_error(err)
        return None


def open_saved_plan(plan: Plan, *, plan_id: int, version: int, client_id: int, label: str) -> None:
    """Make a saved plan the session's current plan (its custom foods come with it)."""
    if plan.custom_foods:
        extra = ("portions", "ingredients")
        rows = [{k: v for k, v in food.items() if k not in extra} for food in plan.custom_foods]
        portions = [
            {"food_id": food["food_id"], "seq": i + 1, **portion}
            for food in plan.custom_foods
            for i, portion in enumerate(food.get("portions") or [])
        ]
        add_custom_foods(
            pd.DataFrame(rows),
            pd.DataFrame(portions, columns=["food_id", "seq", "portion", "grams"]),
            {f["food_id"]: f["ingredients"] for f in plan.custom_foods if f.get("ingredients")},
        )
    st.session_state[PLAN_KEY] = plan
    st.session_state.pop(PROFILE_KEY, None)  # the Plan page reads the plan's own profile
    st.session_state[OPENED_KEY] = {
        "plan_id": plan_id,
        "version": version,
        "client_id": client_id,
        "label": label,
    }
