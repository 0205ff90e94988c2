"""The b12-planner app: `python -m streamlit run streamlit_app.py` (or `make run`).

This file only sets up the page and the navigation; each page lives in app_pages/ and calls the
planner package for everything it computes. It imports nothing from the planner package itself:
the first page opens before the library loads (app_pages/light.py says why).
"""

from __future__ import annotations

import logging

import streamlit as st

from app_pages.light import UNEXPECTED_ERROR, is_planner_error, warm_up

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

page = st.navigation(PAGES, position="top")
try:
    page.run()
except Exception as err:
    if is_planner_error(err):  # a library message that a page did not place itself
        st.error(str(err), icon=":material/error:")
    else:  # a bug: the details go to the server log, never to the page
        logging.getLogger("b12planner.app").exception("unexpected error on page %r", page.title)
        st.error(UNEXPECTED_ERROR, icon=":material/bug_report:")
finally:
    warm_up()  # after the page is drawn, so the first page does not wait for it
