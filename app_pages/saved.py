"""Saved plans: clients, their plans and versions; open, duplicate, rename, delete, compare.

One version can be deleted too (a wrong save): the others keep their numbers, so "version 3"
still means what it meant, and a plan's only version is deleted by deleting the plan.

Everything goes through planner.storage's owner-scoped repositories: the signed-in person's
data when st.login is configured, else the single local owner.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from app_pages.common import open_saved_plan, owner_store, show_planner_error
from app_pages.light import OPENED_KEY
from planner.errors import PlannerError
from planner.storage import OnlyVersionError, version_list

st.title("Saved plans")

store = owner_store()
if store is None:
    st.stop()

st.caption(f"Stored in {store.store.description}.")

# Said after the rerun that follows a version's deletion (a toast would be gone by then).
DELETED_MESSAGE_KEY = "saved_deleted_message"


def attempt(action, success: str | None = None) -> bool:
    """Run a storage call; show its plain-language error instead of failing the page."""
    try:
        action()
    except PlannerError as err:
        show_planner_error(err)
        return False
    if success:
        st.toast(success, icon=":material/check_circle:")
    return True


try:
    clients = store.clients.list()
except PlannerError as err:
    show_planner_error(err)
    st.stop()

client_col, plan_col = st.columns([1, 2], gap="large")

# --- clients -----------------------------------------------------------------------------------
with client_col:
    st.subheader("Clients")
    with (
        st.expander("Add a client", expanded=not clients, icon=":material/person_add:"),
        st.form("add_client", clear_on_submit=True, border=False),
    ):
        new_name = st.text_input("Name", key="new_client_name")
        new_notes = st.text_area("Notes (optional)", key="new_client_notes", height=80)
        if st.form_submit_button("Add client", key="add_client_submit") and attempt(
            lambda: store.clients.add(new_name, new_notes), f"Added {new_name.strip()}"
        ):
            st.rerun()
    if not clients:
        st.info(
            "No clients yet. Add one here, or save a plan from the Plan page (it asks for a "
            "client name).",
            icon=":material/info:",
        )
        st.stop()
    by_id = {c.id: c for c in clients}
    client_id = st.radio(
        "Client", list(by_id), format_func=lambda i: by_id[i].name, key="saved_client"
    )
    client = by_id[client_id]
    if client.notes:
        st.caption(client.notes)
    with st.expander("Rename or delete this client", icon=":material/edit:"):
        renamed = st.text_input("New name", value=client.name, key=f"rename_client_{client.id}")
        if st.button("Rename client", key="rename_client") and attempt(
            lambda: store.clients.rename(client.id, renamed), "Client renamed"
        ):
            st.rerun()
        sure = st.checkbox(
            f"Delete {client.name} and all their plans", key=f"confirm_client_{client.id}"
        )
        if st.button("Delete client", disabled=not sure, key="delete_client") and attempt(
            lambda: store.clients.delete(client.id), f"Deleted {client.name}"
        ):
            st.rerun()


def plan_choices(plans) -> dict[int, str]:
    """Each plan's name in the picker; plans sharing a label also show when they were saved.

    Two plans saved as "7-day vegan plan" (the default label) were two identical choices.
    """
    counts = Counter(p.label for p in plans)
    return {
        p.id: p.label
        if counts[p.label] == 1
        else f"{p.label} (saved {p.updated.strftime('%Y-%m-%d %H:%M')}, plan {p.id})"
        for p in plans
    }


# --- plans of the client --------------------------------------------------------------------------
with plan_col:
    st.subheader(f"Plans for {client.name}")
    if DELETED_MESSAGE_KEY in st.session_state:
        st.success(st.session_state.pop(DELETED_MESSAGE_KEY), icon=":material/check_circle:")
    try:
        plans = store.plans.list(client.id)
    except PlannerError as err:
        show_planner_error(err)
        st.stop()
    if not plans:
        st.info(
            "No saved plans for this client yet. Generate a plan and use **Save** on the Plan "
            "page.",
            icon=":material/info:",
        )
        st.stop()
    st.dataframe(
        pd.DataFrame(
            {
                "Plan": [p.label for p in plans],
                "Versions": [p.version_count for p in plans],
                "Last saved": [p.updated.strftime("%Y-%m-%d %H:%M") for p in plans],
            }
        ),
        hide_index=True,
    )
    plan_by_id = {p.id: p for p in plans}
    plan_id = st.selectbox(
        "Plan", list(plan_by_id), format_func=plan_choices(plans).get, key="saved_plan"
    )
    summary = plan_by_id[plan_id]
    try:
        saved_at = {
            v.version: v.created.strftime("%Y-%m-%d %H:%M") for v in store.plans.versions(plan_id)
        }
    except PlannerError as err:
        show_planner_error(err)
        st.stop()
    versions = list(saved_at)  # numbers stay as saved: a deleted version leaves a gap
    version = st.selectbox(
        "Version",
        versions,
        index=len(versions) - 1,
        format_func=lambda v: (
            f"version {v}, saved {saved_at[v]}" + (" (newest)" if v == versions[-1] else "")
        ),
        key=f"saved_version_{plan_id}",
    )

    actions = st.container(horizontal=True)
    if actions.button("Open", type="primary", icon=":material/open_in_browser:", key="open"):
        try:
            opened = store.plans.get(plan_id, version)
        except PlannerError as err:
            show_planner_error(err)
        else:
            open_saved_plan(
                opened,
                plan_id=plan_id,
                version=version,
                client_id=client.id,
                label=summary.label,
            )
            st.switch_page("app_pages/plan.py")
    if actions.button("Duplicate", icon=":material/content_copy:", key="duplicate") and attempt(
        lambda: store.plans.duplicate(plan_id), f"Copied {summary.label}"
    ):
        st.rerun()
    with actions.popover("Delete version", icon=":material/remove:"):
        if len(versions) == 1:
            st.write(
                f"Version {version} is this plan's only version. To remove it, delete the "
                "whole plan with **Delete plan**."
            )
        else:
            others = version_list([v for v in versions if v != version])
            st.write(
                f"Delete **version {version}** of **{summary.label}** (saved "
                f"{saved_at[version]})? The other versions keep their numbers ({others}); "
                "the next save gets a new number."
            )
            if st.button(f"Yes, delete version {version}", key="delete_version"):
                try:
                    after = store.plans.delete_version(plan_id, version)
                except OnlyVersionError as err:  # another tab deleted the others meanwhile
                    st.error(f"{err}: use **Delete plan**.", icon=":material/error:")
                except PlannerError as err:
                    show_planner_error(err)
                else:
                    st.session_state[DELETED_MESSAGE_KEY] = (
                        f"Deleted version {version} of “{after.label}”. It keeps version(s) "
                        f"{others}; the newest is version {after.versions}."
                    )
                    for key in ("saved_version", "compare_a", "compare_b"):
                        st.session_state.pop(f"{key}_{plan_id}", None)  # back to the newest
                    opened = st.session_state.get(OPENED_KEY)
                    if opened and (opened["plan_id"], opened["version"]) == (plan_id, version):
                        # The Plan page still shows it: say it is no longer saved.
                        st.session_state[OPENED_KEY] = {**opened, "deleted": True}
                    st.rerun()
    with actions.popover("Delete plan", icon=":material/delete:"):
        st.write(f"Delete **{summary.label}** with all {summary.version_count} version(s)?")
        if st.button("Yes, delete it", key="delete_plan") and attempt(
            lambda: store.plans.delete(plan_id), f"Deleted {summary.label}"
        ):
            opened = st.session_state.get(OPENED_KEY)
            if opened and opened["plan_id"] == plan_id:
                # Nothing to save a new version of: the Plan page's plan is unsaved again.
                st.session_state.pop(OPENED_KEY)
            st.rerun()

    with st.form(f"rename_plan_{plan_id}", border=False):
        label = st.text_input("Rename the plan", value=summary.label, key=f"plan_label_{plan_id}")
        if st.form_submit_button("Rename") and attempt(
            lambda: store.plans.rename(plan_id, label), "Plan renamed"
        ):
            st.rerun()

    # --- compare two versions ---------------------------------------------------------------
    st.subheader("Compare two versions")
    if len(versions) < 2:
        st.caption("This plan has one version; save it again from the Plan page to compare.")
        st.stop()
    first_col, second_col = st.columns(2)
    version_a = first_col.selectbox(
        "From", versions, index=len(versions) - 2, key=f"compare_a_{plan_id}"
    )
    version_b = second_col.selectbox(
        "To", versions, index=len(versions) - 1, key=f"compare_b_{plan_id}"
    )
    try:
        diff = store.plans.compare(plan_id, version_a, version_b)
    except PlannerError as err:
        show_planner_error(err)
        st.stop()
    st.dataframe(
        pd.DataFrame(
            {
                "Day": [d.day for d in diff.days],
                f"B12 v{version_a} (µg)": [d.before for d in diff.days],
                f"B12 v{version_b} (µg)": [d.after for d in diff.days],
                "Change (µg)": [d.change for d in diff.days],
            }
        ).style.format(precision=2, na_rep="—"),
        hide_index=True,
    )
    added_col, removed_col = st.columns(2)
    added_col.markdown(f"**Foods only in version {version_b}**")
    added_col.markdown("\n".join(f"- {name}" for _, name in diff.foods_added) or "none")
    removed_col.markdown(f"**Foods only in version {version_a}**")
    removed_col.markdown("\n".join(f"- {name}" for _, name in diff.foods_removed) or "none")
