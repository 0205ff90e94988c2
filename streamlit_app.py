"""The b12-planner app: `python -m streamlit run streamlit_app.py` (or `make run`).

This file only sets up the page and the navigation; each page lives in app_pages/ and calls the
planner package for everything it computes.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import warm_up

st.set_page_config(
    page_title="B12 planner",
    page_icon=":material/nutrition:",
    layout="wide",
    initial_sidebar_state="collapsed",
)

PAGES = [
    st.Page("app_pages/plan.py", title="Plan", icon=":material/calendar_month:", default=True),
    st.Page("app_pages/foods.py", title="Foods", icon=":material/search:"),
    st.Page("app_pages/shopping.py", title="Shopping list", icon=":material/shopping_cart:"),
    st.Page("app_pages/saved.py", title="Saved plans", icon=":material/folder_open:"),
    st.Page("app_pages/about.py", title="About B12", icon=":material/info:"),
]

warm_up()
st.navigation(PAGES, position="top").run()
