"""Foods: search the catalog, see where B12 is, and add foods from labels or FoodData Central."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from app_pages.common import (
    active_catalog,
    add_custom_foods,
    base_catalog,
    custom_foods,
    diet_labels,
    diet_picker,
    remove_custom_food,
)
from planner import app_support, diets, fdc_api
from planner.catalog import fdc_url
from planner.diets.rules import load_rules
from planner.errors import PlannerError

MAX_ROWS = 300
# Categories the diet rules know how to place in meals (planner/rules/category_roles.csv).
FOOD_KINDS = sorted({category for (source, category) in load_rules().category_roles})
FDC_RESULTS_KEY = "fdc_results"


def explanation_markdown(food_id: str, label: pd.Series) -> str:
    """The library's explanation as a Markdown list (custom foods: their own label reasons)."""
    if food_id in base_catalog().foods.index:
        lines = str(diets.explain(food_id, base_catalog())).splitlines()[1:]
    else:
        lines = [
            f"vegan: {'yes' if label['vegan'] else 'no'}; "
            f"vegetarian: {'yes' if label['vegetarian'] else 'no'}",
            *(f"  - {part}" for part in str(label["diet_reason"]).split("; ")),
        ]
        if not label["b12_reliable"] and pd.notna(label["b12_unreliable_reason"]):
            lines.append(f"B12 counts only if added: {label['b12_unreliable_reason']}")
    return "\n".join(
        f"    - {line.strip()[2:]}" if line.startswith("  - ") else f"- {line}" for line in lines
    )


@st.cache_data(ttl=3600, max_entries=50, show_spinner=False)
def search_fdc(query: str, data_types: tuple[str, ...]) -> tuple[int, list[dict]]:
    """One page of FoodData Central results; kept an hour to spare the hourly allowance."""
    client = fdc_api.FdcClient(timeout=20, max_retries=1)
    page = client.search(query, list(data_types), page_size=25)
    return page.total_hits, page.foods


catalog = active_catalog()
labels = diet_labels()

st.title("Foods")
st.caption(
    f"{len(catalog.foods):,} foods from USDA FoodData Central (FNDDS, SR28, Foundation)"
    + (f" plus {len(custom_foods()[0])} you added" if not custom_foods()[0].empty else "")
    + ". Nutrients are per 100 g unless a column says otherwise; — means not reported."
)

tab_search, tab_best, tab_label, tab_fdc = st.tabs(
    ["Search", "Best B12 sources", "Add from a label", "FoodData Central"]
)

# --- Search and details ------------------------------------------------------------------
with tab_search:
    query_col, diet_col = st.columns([3, 2])
    query = query_col.text_input(
        "Search foods", key="foods_query", placeholder="e.g. soymilk fortified"
    )
    diet = diet_picker(diet_col, key="foods_diet", label="Only foods allowed in")
    with_b12 = st.toggle("Only foods with B12 reported", key="foods_with_b12")

    found = app_support.search_foods(catalog, query) if query.strip() else catalog.foods
    if diet != "any":
        found = found[diets.allowed(labels.reindex(found.index), diet)]
    if with_b12:
        found = found[found["b12_ug"].notna()]
    st.caption(
        f"{len(found):,} foods match"
        + (f"; showing the first {MAX_ROWS}" if len(found) > MAX_ROWS else "")
    )
    if found.empty and query.strip():
        # Say what to do instead of an empty table: the catalog lacks some B12 sources
        # (nutritional yeast, most branded fortified foods); their labels can be added.
        st.info(
            f"No food in the catalog matches “{query.strip()}”"
            + (" with these filters" if diet != "any" or with_b12 else "")
            + ". Try fewer or other words (e.g. one word of the name). For a product you have "
            "at hand, such as a fortified nutritional yeast, add it from its label in the "
            "“Add from a label” tab"
            + (", or search FoodData Central in its tab" if os.environ.get("FDC_API_KEY") else "")
            + ".",
            icon=":material/search_off:",
        )
    shown = found.head(MAX_ROWS)
    st.dataframe(
        shown[["description", "category", "dataset", "b12_ug", "kcal", "protein_g"]],
        placeholder="—",
        hide_index=True,
        column_config={
            "description": st.column_config.TextColumn("Food", width="large"),
            "category": "Category",
            "dataset": "Source",
            "b12_ug": st.column_config.NumberColumn("B12 (µg/100 g)", format="%.2f"),
            "kcal": st.column_config.NumberColumn("Energy (kcal/100 g)", format="%.0f"),
            "protein_g": st.column_config.NumberColumn("Protein (g/100 g)", format="%.1f"),
        },
        height=300,
    )

    if not shown.empty:
        food_id = st.selectbox(
            "Details for",
            shown.index.tolist(),
            format_func=lambda fid: str(catalog.foods.at[fid, "description"]),
            key="foods_detail",
        )
        food = catalog.food(food_id)
        with st.container(border=True):
            st.subheader(str(food["description"]))
            if pd.notna(food["additional_description"]):
                st.caption(f"Also known as: {food['additional_description']}")
            st.markdown(
                f"**Source:** {food['dataset']} (release {food['release']}) · "
                f"**Category:** {food['category'] if pd.notna(food['category']) else '—'} · "
                f"**Id:** `{food_id}`"
            )
            url = fdc_url(food["fdc_id"])
            if url:
                st.link_button("Open in FoodData Central", url, icon=":material/open_in_new:")
            if food_id in labels.index:
                label = labels.loc[food_id]
                badges = st.container(horizontal=True)
                if label["vegan"]:
                    badges.badge("vegan", color="green")
                elif label["vegetarian"]:
                    badges.badge("vegetarian", color="blue")
                else:
                    badges.badge("contains meat or fish", color="gray")
                if not label["b12_known"]:
                    badges.badge("B12 not reported", color="orange")
                elif not label["b12_reliable"]:
                    badges.badge("B12 does not count", color="orange")
                elif label["b12_counted_all_ug"] > 0:
                    badges.badge("reliable B12 source", color="green")
                else:
                    badges.badge("no B12", color="gray")
                with st.expander("Why: the diet and B12 rules behind these labels"):
                    st.markdown(explanation_markdown(food_id, label))
            portions = catalog.portions_of(food_id)
            st.markdown("**Nutrients** (per 100 g and per household portion)")
            st.dataframe(
                app_support.nutrients_table(food, portions),
                placeholder="—",
                hide_index=True,
                column_config={"per 100 g": st.column_config.NumberColumn(format="%.2f")}
                | {
                    column: st.column_config.NumberColumn(format="%.2f")
                    for column in app_support.nutrients_table(food, portions).columns[3:]
                },
            )
            if portions.empty:
                st.caption("No household portions are listed for this food.")

# --- Best B12 sources -----------------------------------------------------------------------
with tab_best:
    diet_col, by_col = st.columns(2)
    best_diet = diet_picker(diet_col, key="best_diet", label="Diet", allow_any=False)
    by = by_col.radio(
        "Rank by",
        ["serving", "100kcal"],
        format_func={"serving": "µg per serving", "100kcal": "µg per 100 kcal"}.get,
        horizontal=True,
        key="best_by",
    )
    only_plannable = st.toggle(
        "Only foods the planner places in meals",
        value=True,
        key="best_plannable",
        help="Leaves out foods the planner never uses, such as baking ingredients.",
    )
    keep = diets.allowed(labels, best_diet)
    if only_plannable:
        keep &= labels["plannable"]
    counted = diets.counted_b12_per_100g(labels, best_diet)[keep]
    ranking = app_support.rank_b12_sources(catalog.foods, catalog.portions, counted, by=by)
    st.caption(
        f"Foods the {best_diet} diet allows, ranked by the B12 that counts for it; one "
        "serving is the food's first household portion. Foods without a reported B12 value "
        "are left out, not ranked as zero."
    )
    st.dataframe(
        ranking,
        placeholder="—",
        hide_index=True,
        column_config={
            "description": st.column_config.TextColumn("Food", width="large"),
            "category": "Category",
            "portion": "Serving",
            "serving_g": st.column_config.NumberColumn("Serving (g)", format="%.0f"),
            "b12_per_serving_ug": st.column_config.NumberColumn(
                "B12 per serving (µg)", format="%.2f"
            ),
            "b12_per_100kcal_ug": st.column_config.NumberColumn(
                "B12 per 100 kcal (µg)", format="%.2f"
            ),
            "b12_per_100g_ug": st.column_config.NumberColumn("B12 (µg/100 g)", format="%.2f"),
            "kcal_per_100g": st.column_config.NumberColumn("Energy (kcal/100 g)", format="%.0f"),
        },
    )

# --- Add a food from a product label ------------------------------------------------------
with tab_label:
    st.markdown(
        "Copy the values from a product's Nutrition Facts panel. B12 is given either in µg "
        "per serving or as a % Daily Value; a % DV depends on which Daily Value the label used "
        "(2.4 µg on current US labels, 6 µg on older ones)."
    )
    with st.form("label_form"):
        name = st.text_input(
            "Food name", placeholder="e.g. Oat drink, fortified, Brand X", key="label_name"
        )
        kind = st.selectbox(
            "Kind of food (decides which meals it can go in)",
            FOOD_KINDS,
            index=FOOD_KINDS.index("Plant-based milk") if "Plant-based milk" in FOOD_KINDS else 0,
            key="label_kind",
        )
        left, right = st.columns(2)
        serving_label = left.text_input(
            "Serving as printed", placeholder="e.g. 1 cup", key="label_serving_text"
        )
        serving_g = right.number_input(
            "Serving size (g)",
            min_value=0.0,
            value=None,
            step=1.0,
            placeholder="e.g. 240",
            key="label_serving_g",
        )
        unit = left.radio(
            "B12 on the label is given as",
            ["ug", "percent_dv"],
            format_func={"ug": "µg per serving", "percent_dv": "% Daily Value"}.get,
            key="label_unit",
        )
        amount = right.number_input(
            "B12 amount (µg or %)",
            min_value=0.0,
            value=None,
            step=0.1,
            placeholder="e.g. 50",
            key="label_amount",
        )
        basis_name = left.radio(
            "Daily Value basis (for % DV)", list(app_support.DV_BASIS_UG), key="label_basis"
        )
        st.markdown("**Per serving, as on the Nutrition Facts panel**")
        facts = st.columns(3)
        kcal = facts[0].number_input(
            "Energy (kcal)", min_value=0.0, value=None, step=1.0, key="label_kcal"
        )
        protein = facts[1].number_input(
            "Protein (g)", min_value=0.0, value=None, step=0.5, key="label_protein"
        )
        fat = facts[2].number_input(
            "Total fat (g)", min_value=0.0, value=None, step=0.5, key="label_fat"
        )
        sodium = facts[0].number_input(
            "Sodium (mg)", min_value=0.0, value=None, step=5.0, key="label_sodium"
        )
        carbs = facts[1].number_input(
            "Carbohydrate (g, optional)", min_value=0.0, value=None, step=0.5, key="label_carb"
        )
        fibre = facts[2].number_input(
            "Fibre (g, optional)", min_value=0.0, value=None, step=0.5, key="label_fiber"
        )
        added = st.checkbox(
            "B12 is added (fortified product; ingredients list vitamin B12 or cyanocobalamin)",
            value=True,
            key="label_added",
        )
        ingredients = st.text_area(
            "Ingredients (optional; used to decide whether the food is vegan)",
            placeholder="e.g. water, oats, rapeseed oil, calcium carbonate, vitamin B12",
            key="label_ingredients",
        )
        submitted = st.form_submit_button("Add food", type="primary", key="label_submit")
    if submitted:
        try:
            b12 = app_support.b12_per_serving_from_label(
                amount, unit, app_support.DV_BASIS_UG[basis_name]
            )
            new_foods, new_portions = app_support.food_from_label(
                name=name,
                serving_g=serving_g,
                serving_label=serving_label,
                b12_per_serving_ug=b12,
                kcal_per_serving=kcal,
                protein_g_per_serving=protein,
                fat_g_per_serving=fat,
                sodium_mg_per_serving=sodium,
                carb_g_per_serving=carbs,
                fiber_g_per_serving=fibre,
                b12_is_added=added,
                category=kind,
            )
        except PlannerError as err:
            st.error(str(err), icon=":material/error:")
        else:
            add_custom_foods(new_foods, new_portions, {new_foods.iloc[0]["food_id"]: ingredients})
            row = new_foods.iloc[0]
            st.success(
                f"Added **{row['description']}**: {b12:.2f} µg B12 per serving = "
                f"{row['b12_ug']:.2f} µg and {row['kcal']:.0f} kcal per 100 g. "
                "It is now in searches, rankings and new plans for this session.",
                icon=":material/check_circle:",
            )

    added_foods, _ = custom_foods()
    if not added_foods.empty:
        st.markdown("**Foods you added this session**")
        for row in added_foods.itertuples():
            line = st.columns([4, 1], vertical_alignment="center")
            line[0].markdown(
                f"{row.description} — {row.b12_ug:.2f} µg B12, {row.kcal:.0f} kcal per 100 g "
                f"({row.dataset})"
            )
            if line[1].button("Remove", key=f"remove_{row.food_id}"):
                remove_custom_food(row.food_id)
                st.rerun()

# --- FoodData Central ---------------------------------------------------------------------
with tab_fdc:
    if not os.environ.get("FDC_API_KEY", "").strip():
        st.info(
            "Searching FoodData Central (for example branded fortified plant milks) needs a "
            f"free API key from {fdc_api.KEY_SIGNUP_URL}. Start the app with the key in the "
            "environment variable `FDC_API_KEY` to enable this tab.",
            icon=":material/key:",
        )
    else:
        with st.form("fdc_form"):
            fdc_query = st.text_input(
                "Search FoodData Central", placeholder="e.g. oat milk", key="fdc_query"
            )
            fdc_types = st.multiselect(
                "Data types", list(fdc_api.DATA_TYPES), default=["Branded"], key="fdc_types"
            )
            fdc_go = st.form_submit_button("Search FoodData Central", key="fdc_search")
        if fdc_go:
            try:
                with st.spinner("Asking FoodData Central…"):
                    total, found_foods = search_fdc(fdc_query, tuple(fdc_types))
                    fdc_foods, fdc_portions = fdc_api.foods_to_frames(found_foods)
                    fdc_ingredients = fdc_api.ingredients_by_food(found_foods)
            except PlannerError as err:
                st.error(str(err), icon=":material/error:")
                st.session_state.pop(FDC_RESULTS_KEY, None)
            else:
                st.session_state[FDC_RESULTS_KEY] = {
                    "foods": fdc_foods,
                    "portions": fdc_portions,
                    "ingredients": fdc_ingredients,
                    "total": total,
                }
        results = st.session_state.get(FDC_RESULTS_KEY)
        if results is not None:
            fdc_foods = results["foods"]
            st.caption(f"{results['total']:,} foods found; showing {len(fdc_foods)}.")
            if not fdc_foods.empty:
                st.dataframe(
                    fdc_foods[["description", "dataset", "category", "b12_ug", "kcal"]],
                    placeholder="—",
                    hide_index=True,
                    column_config={
                        "description": st.column_config.TextColumn("Food", width="large"),
                        "dataset": "Data type",
                        "category": "Category",
                        "b12_ug": st.column_config.NumberColumn("B12 (µg/100 g)", format="%.2f"),
                        "kcal": st.column_config.NumberColumn("Energy (kcal/100 g)", format="%.0f"),
                    },
                )
                pick = st.selectbox(
                    "Food to add",
                    fdc_foods.index.tolist(),
                    format_func=lambda i: str(fdc_foods.at[i, "description"]),
                    key="fdc_pick",
                )
                if st.button("Add to my foods", key="fdc_add", type="primary"):
                    chosen = fdc_foods.loc[[pick]]
                    food_id = str(chosen.iloc[0]["food_id"])
                    portions = results["portions"]
                    add_custom_foods(
                        chosen,
                        portions[portions["food_id"] == food_id],
                        {food_id: results["ingredients"].get(food_id, "")},
                    )
                    st.success(
                        f"Added **{chosen.iloc[0]['description']}** to your foods for this "
                        "session.",
                        icon=":material/check_circle:",
                    )
