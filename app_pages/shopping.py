"""Shopping list: the current plan's foods summed per aisle, a pantry, and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import active_catalog, show_planner_error
from app_pages.light import PLAN_KEY
from planner import exports
from planner.cost import money
from planner.errors import PlannerError
from planner.shopping import build_shopping_list

PANTRY_KEY = "pantry_grams"  # food_id -> grams (or tablets) already at home

st.title("Shopping list")

plan = st.session_state.get(PLAN_KEY)
if plan is None:
    st.info("Generate a plan first; its shopping list appears here.", icon=":material/info:")
    if st.button("Go to the Plan page", type="primary"):
        st.switch_page("app_pages/plan.py")
    st.stop()

catalog = active_catalog()
pantry: dict[str, float] = st.session_state.setdefault(PANTRY_KEY, {})

day_choice = st.segmented_control(
    "Shop for",
    ["whole plan", "choose days"],
    default="whole plan",
    key="shop_days_mode",
)
days = list(range(1, plan.n_days + 1))
if day_choice == "choose days":
    days = st.multiselect(
        "Days", days, default=days, format_func=lambda d: f"Day {d}", key="shop_days"
    )
    if not days:
        st.warning("Pick at least one day to shop for.", icon=":material/warning:")
        st.stop()

try:
    shopping = build_shopping_list(plan, catalog, days=days, pantry=pantry)
except PlannerError as err:
    show_planner_error(err)
    st.stop()

st.caption(
    f"{len(shopping.lines)} items for {shopping.days_label} of your {plan.n_days}-day "
    f"{plan.diet} plan. Amounts are rounded up to household units; grams are what the plan "
    "needs. Tick items off as you shop."
)
if shopping.priced:  # the plan's profile has prices: what these items cost
    st.metric(
        "Cost of this list",
        money(shopping.cost_total),
        f"{shopping.price_unit}, {shopping.days_label}",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="At the prices in the plan's profile (they carry no currency); whole packages "
        "where package sizes are known. Items without a price are left out, not counted as 0.",
    )
    st.caption(exports.shopping_cost_text(shopping))
else:
    st.caption(
        "To see what the list costs, enter prices on the Plan page under “Prices (optional)” "
        "and generate the plan again."
    )

# --- the list, aisle by aisle ---------------------------------------------------------------
for aisle, lines in shopping.by_aisle():
    with st.container(border=True):
        st.markdown(f"**{exports.aisle_title(aisle)}**")
        for line in lines:
            text = exports.checklist_item(line, priced=shopping.priced)
            text = text.removeprefix("- [ ] ").removeprefix("- [x] ")
            covered = line.to_buy <= 0  # all of it is in the pantry: shown ticked, fixed
            st.checkbox(
                text,
                value=covered,
                key=f"{'have' if covered else 'got'}_{line.item_id}",
                disabled=covered,
            )

# --- pantry ------------------------------------------------------------------------------------
with st.expander("Already at home (pantry)", icon=":material/kitchen:"):
    st.caption(
        "Enter how much you already have; the list then buys only the rest. Foods in grams, "
        "supplements in tablets."
    )
    table = pd.DataFrame(
        [
            {
                "item_id": line.item_id,
                "item": line.description,
                "needed": round(line.needed, 1),
                "unit": line.base_unit,
                "at_home": float(pantry.get(line.item_id, 0.0)),
            }
            for line in shopping.lines
        ]
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        disabled=["item_id", "item", "needed", "unit"],
        column_order=["item", "needed", "unit", "at_home"],
        column_config={
            "item": st.column_config.TextColumn("Item", width="large"),
            "needed": st.column_config.NumberColumn("Plan needs", format="%.1f"),
            "unit": "Unit",
            "at_home": st.column_config.NumberColumn(
                "At home", min_value=0.0, max_value=100_000.0, step=1.0, format="%.1f"
            ),
        },
        key="pantry_editor",
    )
    new_pantry = {
        row.item_id: float(row.at_home)
        for row in edited.itertuples()
        if pd.notna(row.at_home) and row.at_home > 0
    }
    # Keep pantry amounts of items that are not on this list (other days).
    merged = {k: v for k, v in pantry.items() if k not in set(table["item_id"])} | new_pantry
    if merged != pantry:
        st.session_state[PANTRY_KEY] = merged
        st.rerun()
    if pantry and st.button("Clear the pantry", key="pantry_clear"):
        st.session_state[PANTRY_KEY] = {}
        st.session_state.pop("pantry_editor", None)
        st.rerun()

# --- downloads -------------------------------------------------------------------------------
st.subheader("Take it with you")
stem = f"b12-shopping-{plan.diet}-{shopping.days_label.replace(' ', '').replace(',', '_')}"
buttons = st.columns(4)
downloads = [
    ("CSV", "csv", "text/csv", lambda: exports.export_shopping_list(shopping, "csv")),
    ("Markdown", "md", "text/markdown", lambda: exports.export_shopping_list(shopping, "md")),
    ("PDF", "pdf", "application/pdf", lambda: exports.export_shopping_list(shopping, "pdf")),
]
for column, (label, suffix, mime, build) in zip(buttons, downloads, strict=False):
    column.download_button(
        label,
        data=build,
        file_name=f"{stem}.{suffix}",
        mime=mime,
        icon=":material/download:",
        width="stretch",
        on_click="ignore",
    )
if plan.supplements:
    buttons[3].download_button(
        "Supplement reminders (.ics)",
        data=lambda: exports.export_plan(plan, "ics", catalog=catalog),
        file_name=f"b12-supplements-{plan.diet}.ics",
        mime="text/calendar",
        icon=":material/event:",
        width="stretch",
        on_click="ignore",
    )
else:
    buttons[3].caption("No supplements in this plan, so no reminder calendar.")
