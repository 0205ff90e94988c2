"""About B12: what the planner counts, a short risk check, and what food planning cannot do."""

from __future__ import annotations

import streamlit as st

from app_pages.light import (
    ACID_REDUCER_RISKS,
    ACID_REDUCERS_LABEL,
    SUGGESTED_ACID_REDUCERS_KEY,
    SUGGESTED_DIET_KEY,
)
from planner.risk import (
    DISCLAIMER,
    LIMITS,
    NIH_CONSUMER_URL,
    NIH_FACT_SHEET_URL,
    RISK_FACTORS,
    assess_risk,
)

st.title("About vitamin B12")
st.info(DISCLAIMER, icon=":material/medical_information:")

st.markdown(
    """
Vitamin B12 keeps nerves and blood cells healthy. The body stores several years' worth, so a
shortfall can build up slowly and unnoticed. Adults need **2.4 µg a day** by the US
recommendation (2.6 µg in pregnancy, 2.8 µg when breastfeeding); the European Food Safety
Authority sets **4 µg a day** for adults.

How this planner counts B12:
- **Counted B12** is the B12 in the foods the diet trusts. Vegan and fortified-only plans count
  only B12 that was *added* to a food (fortified plant milks, cereals, nutritional yeast) or
  comes from a supplement; nori, spirulina, tempeh and mushrooms never count.
- **Absorbed B12** (optional) models that the gut absorbs only about 1.5–2 µg per meal: a big
  dose at once is mostly lost, the same amount spread over the day is not.
"""
)

st.header("Risk check")
st.caption("Tick what applies to you. Nothing you tick leaves this page or is saved.")

columns = st.columns(2)
ticked = [
    factor.key
    for index, factor in enumerate(RISK_FACTORS)
    if columns[index % 2].checkbox(factor.question, key=f"risk_{factor.key}")
]

assessment = assess_risk(ticked)
show = {"clinician": st.error, "warning": st.warning, "info": st.info}
icons = {
    "clinician": ":material/stethoscope:",
    "warning": ":material/warning:",
    "info": ":material/info:",
}

with st.container(border=True):
    st.subheader(f"Suggested plan preset: {assessment.suggested_preset}")
    st.write(f"Why: {assessment.reason}.")
    low_acid = any(key in ACID_REDUCER_RISKS for key in ticked)
    if low_acid:
        st.caption(
            f"The button also ticks “{ACID_REDUCERS_LABEL}” on the Plan page: with little "
            "stomach acid, only B12 added to foods and tablets counts."
        )
    if st.button("Use this preset on the Plan page", type="primary", key="use_preset"):
        st.session_state[SUGGESTED_DIET_KEY] = assessment.suggested_preset
        if low_acid:
            st.session_state[SUGGESTED_ACID_REDUCERS_KEY] = True
        st.switch_page("app_pages/plan.py")
    for level, message in assessment.messages:
        show[level](message, icon=icons[level])

st.header("What food planning cannot do")
for limit in LIMITS:
    st.markdown(f"- {limit}")

st.header("Sources")
st.markdown(
    f"""
- NIH Office of Dietary Supplements, *Vitamin B12 fact sheet for health professionals*:
  [{NIH_FACT_SHEET_URL}]({NIH_FACT_SHEET_URL}) (a [consumer version]({NIH_CONSUMER_URL}) too).
- Institute of Medicine (1998), *Dietary Reference Intakes*, chapter 9: vitamin B12.
- EFSA (2015), *Scientific Opinion on Dietary Reference Values for cobalamin*, EFSA Journal
  13(7):4150.
- Food composition: USDA FoodData Central (FNDDS 2021-2023, SR28, Foundation foods).
"""
)
