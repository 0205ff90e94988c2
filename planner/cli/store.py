"""`b12plan clients ...` and `b12plan plans ...`: saved clients and plans from the command line.

Both take `--db URL` (else $B12PLAN_DB_URL, else the default SQLite file) and `--owner`
(default "local"), before or after the action.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from planner.cli.output import check_output_path, render, render_table, write_output
from planner.errors import InputError
from planner.plan import Plan
from planner.storage import LOCAL_OWNER, OnlyVersionError, OwnerStore, Store, version_list


def positive_int(what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, got {text!r}"
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{what} must be 1 or more, got {value}")
        return value

    return parse


def _store_options(parser: argparse.ArgumentParser, *, leaf: bool) -> None:
    # On the action too, so `b12plan plans list --db X` works as well as `plans --db X list`;
    # SUPPRESS keeps an unset leaf option from hiding the group-level value.
    default_db = argparse.SUPPRESS if leaf else None
    default_owner = argparse.SUPPRESS if leaf else LOCAL_OWNER
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default_db,
        help="database URL or SQLite file (default: $B12PLAN_DB_URL, else "
        "~/.local/share/b12-planner/b12plan.sqlite3)",
    )
    parser.add_argument(
        "--owner",
        default=default_owner,
        help=f"whose data to use (default {LOCAL_OWNER!r})",
    )


def _action(actions: argparse._SubParsersAction, name: str, **kwargs) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, **kwargs)
    _store_options(parser, leaf=True)
    return parser


def register(sub: argparse._SubParsersAction) -> None:
    clients = sub.add_parser(
        "clients",
        help="saved clients: list, add, show",
        description="People plans are made for, kept in the plan store.",
    )
    _store_options(clients, leaf=False)
    actions = clients.add_subparsers(dest="clients_command", metavar="ACTION")
    actions.required = True
    listing = _action(actions, "list", help="every client with their number of plans")
    listing.add_argument("--format", choices=("table", "json", "csv"), default="table")
    listing.set_defaults(func=run_clients_list)
    add = _action(actions, "add", help="add a client")
    add.add_argument("name", help="the client's name (1-200 characters, unique)")
    add.add_argument("--notes", default="", help="free-text notes")
    add.set_defaults(func=run_clients_add)
    show = _action(actions, "show", help="a client's notes, profile and plans")
    show.add_argument("name")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(func=run_clients_show)

    plans = sub.add_parser(
        "plans",
        help="saved plans: save, list, show, export, delete",
        description="Plans saved per client; every save of the same plan adds a version.",
    )
    _store_options(plans, leaf=False)
    actions = plans.add_subparsers(dest="plans_command", metavar="ACTION")
    actions.required = True
    save = _action(actions, "save", help="save a plan JSON file for a client")
    save.add_argument("file", type=Path, help="a plan written by `b12plan plan --out`")
    save.add_argument("--client", required=True, metavar="NAME", help="an existing client")
    save.add_argument("--label", metavar="TEXT", help="a name for the plan")
    save.add_argument(
        "--plan-id",
        type=positive_int("--plan-id"),
        metavar="ID",
        help="save as the next version of this plan instead of a new plan",
    )
    save.add_argument(
        "--catalog",
        type=Path,
        metavar="DIR",
        help="catalog snapshot folder the plan's foods come from (default: bundled)",
    )
    save.set_defaults(func=run_plans_save)
    listing = _action(actions, "list", help="saved plans, newest first")
    listing.add_argument("--client", metavar="NAME", help="only this client's plans")
    listing.add_argument("--format", choices=("table", "json", "csv"), default="table")
    listing.set_defaults(func=run_plans_list)
    show = _action(actions, "show", help="one plan: versions and daily totals")
    show.add_argument("plan_id", type=positive_int("PLAN_ID"), metavar="PLAN_ID")
    show.add_argument("--version", type=positive_int("--version"), metavar="N")
    show.add_argument(
        "--format", choices=("table", "json"), default="table", help="json = the plan itself"
    )
    show.set_defaults(func=run_plans_show)
    export = _action(actions, "export", help="write a saved plan to a JSON file")
    export.add_argument("plan_id", type=positive_int("PLAN_ID"), metavar="PLAN_ID")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--version", type=positive_int("--version"), metavar="N")
    export.set_defaults(func=run_plans_export)
    remove = _action(
        actions,
        "delete",
        help="delete one version of a plan, or the whole plan",
        description="Delete one saved version (--version N; the others keep their numbers) "
        "or the whole plan with all its versions (--all-versions).",
    )
    remove.add_argument("plan_id", type=positive_int("PLAN_ID"), metavar="PLAN_ID")
    which = remove.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--version",
        type=positive_int("--version"),
        metavar="N",
        help="delete this version only; a plan's only version is refused",
    )
    which.add_argument(
        "--all-versions", action="store_true", help="delete the plan with all its versions"
    )
    remove.set_defaults(func=run_plans_delete)


def _open(args: argparse.Namespace) -> tuple[Store, OwnerStore]:
    store = Store(args.db)
    try:
        return store, store.for_owner(args.owner)
    except BaseException:
        store.close()
        raise


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def run_clients_list(args: argparse.Namespace) -> int:
    store, mine = _open(args)
    with store:
        people = mine.clients.list()
        counts: dict[int, int] = {}
        for plan in mine.plans.list():
            counts[plan.client_id] = counts.get(plan.client_id, 0) + 1
    frame = pd.DataFrame(
        {
            "id": [c.id for c in people],
            "name": [c.name for c in people],
            "plans": [counts.get(c.id, 0) for c in people],
            "updated": [_when(c.updated) for c in people],
            "notes": [c.notes.replace("\n", " ") for c in people],
        },
        columns=["id", "name", "plans", "updated", "notes"],
    )
    print(render(frame, args.format), end="")
    return 0


def run_clients_add(args: argparse.Namespace) -> int:
    store, mine = _open(args)
    with store:
        client = mine.clients.add(args.name, notes=args.notes)
    print(f"added client {client.name!r} (id {client.id})")
    return 0


def run_clients_show(args: argparse.Namespace) -> int:
    store, mine = _open(args)
    with store:
        client = mine.clients.get(args.name)
        saved = mine.plans.list(client.id)
    if args.format == "json":
        data = {
            "id": client.id,
            "name": client.name,
            "notes": client.notes,
            "profile": client.profile,
            "created": client.created.isoformat(),
            "updated": client.updated.isoformat(),
            "plans": [
                {
                    "id": p.id,
                    "label": p.label,
                    "versions": p.version_count,
                    "newest": p.versions,
                    "updated": p.updated.isoformat(),
                }
                for p in saved
            ],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"client {client.name!r} (id {client.id}), added {_when(client.created)}")
    if client.notes:
        print(f"notes: {client.notes}")
    if client.profile:
        print(f"profile: {json.dumps(client.profile, ensure_ascii=False)}")
    print()
    print(render_table(_plans_frame(saved)))
    return 0


def _plans_frame(saved) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [p.id for p in saved],
            "client": [p.client_name for p in saved],
            "label": [p.label for p in saved],
            "versions": [p.version_count for p in saved],
            "newest": [p.versions for p in saved],
            "updated": [_when(p.updated) for p in saved],
        },
        columns=["id", "client", "label", "versions", "newest", "updated"],
    )


def check_foods_known(plan: Plan, source: Path, catalog_dir: Path | None) -> None:
    """Refuse a plan naming foods the catalog lacks, before the store is opened.

    Saved, such a plan opens in the app as "Rules this plan breaks" and cannot be shown,
    shopped for or checked. The plan's own custom_foods (label or FoodData Central foods the
    app attached) count as known. planner.verify.verify_plan reports the same foods
    (food_unknown), but it reads the catalog only, not custom_foods, and also judges targets
    that an edited plan may rightly miss, so this asks just the one question.
    """
    from planner.catalog import load_catalog
    from planner.shopping import FoodLookup, unknown_food_ids

    catalog = load_catalog(catalog_dir)
    unknown = unknown_food_ids(plan, FoodLookup(catalog, plan.custom_foods))
    if not unknown:
        return
    shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
    which = f"the catalog snapshot {catalog_dir}" if catalog_dir else "the bundled catalog"
    raise InputError(
        f"{source} uses {len(unknown)} food id(s) that are in neither {which} nor the plan's "
        f"custom_foods: {shown}; nothing was saved. If the plan was made with another catalog "
        "snapshot, save it with that one (--catalog DIR); if these are foods added in the app "
        "(from a label or FoodData Central), save the plan from the app, which records them in "
        "the plan's custom_foods; otherwise plan again (b12plan plan --profile "
        f"{source})"
    )


def run_plans_save(args: argparse.Namespace) -> int:
    plan = Plan.load(args.file)
    check_foods_known(plan, args.file, args.catalog)
    store, mine = _open(args)
    with store:
        saved = mine.plans.save(args.client, plan, label=args.label, plan_id=args.plan_id)
    print(
        f"saved plan {saved.plan_id} version {saved.version} ({saved.label!r}) "
        f"for client {saved.client_name!r}"
    )
    return 0


def run_plans_list(args: argparse.Namespace) -> int:
    store, mine = _open(args)
    with store:
        saved = mine.plans.list(args.client)
    print(render(_plans_frame(saved), args.format), end="")
    return 0


def run_plans_show(args: argparse.Namespace) -> int:
    from planner.cost import cost_summary, money, plan_cost
    from planner.exports import lower_first

    store, mine = _open(args)
    with store:
        info = mine.plans.info(args.plan_id)
        plan = mine.plans.get(args.plan_id, args.version)
        versions = mine.plans.versions(args.plan_id)
    if args.format == "json":
        print(plan.to_json())
        return 0
    shown = args.version or info.versions
    print(f"plan {info.id} {info.label!r} for client {info.client_name!r}")
    if info.version_count == info.versions:  # 1..n, none deleted
        print(f"version {shown} of {info.versions}; {plan.diet}, {plan.n_days} day(s)")
    else:
        kept = version_list([v.version for v in versions])
        print(f"version {shown} (kept: {kept}); {plan.diet}, {plan.n_days} day(s)")
    print(f"B12 target: {plan.targets.b12_ug_per_day:g} µg/day ({plan.targets.b12_source})")
    print()
    try:
        cost = plan_cost(plan)
        cost_problem = ""
    except InputError as err:  # prices that do not read: show the plan, say why no cost
        cost, cost_problem = None, str(err)
    days = pd.DataFrame(
        {
            "day": [d.day for d in plan.days],
            "kcal": [d.kcal for d in plan.days],
            "protein_g": [d.protein_g for d in plan.days],
            "b12_ug": [d.b12_ug for d in plan.days],
            "b12_counted_ug": [d.b12_counted_ug for d in plan.days],
        }
    )
    if cost is not None:  # as `b12plan plan` shows it: each day's cost, then the summary
        texts = {day.day: money(day.cost) for day in cost.days}
        width = max(len(text) for text in texts.values())
        days["cost"] = [texts[d.day].rjust(width) for d in plan.days]
        if cost.unpriced:
            days["foods w/o price"] = [len(cost.day(d.day).unpriced) for d in plan.days]
    print(render_table(days))
    if cost is not None:
        print(lower_first(cost_summary(cost)))
    elif cost_problem:
        print(f"food cost not shown: {cost_problem}")
    print()
    history = pd.DataFrame(
        {"version": [v.version for v in versions], "saved": [_when(v.created) for v in versions]}
    )
    print(render_table(history))
    return 0


def run_plans_export(args: argparse.Namespace) -> int:
    check_output_path(args.out)
    store, mine = _open(args)
    with store:
        plan = mine.plans.get(args.plan_id, args.version)
    data = (plan.to_json() + "\n").encode("utf-8")
    write_output(args.out, data)  # atomic: a temporary file renamed over the target
    print(args.out)
    return 0


def run_plans_delete(args: argparse.Namespace) -> int:
    store, mine = _open(args)
    with store:
        if args.all_versions:
            info = mine.plans.info(args.plan_id)
            mine.plans.delete(args.plan_id)
            print(
                f"deleted plan {info.id} ({info.label!r}) of client {info.client_name!r} with "
                f"its {info.version_count} version(s)"
            )
            return 0
        try:
            after = mine.plans.delete_version(args.plan_id, args.version)
        except OnlyVersionError as err:
            raise InputError(f"{err}: b12plan plans delete {args.plan_id} --all-versions") from err
        kept = version_list([v.version for v in mine.plans.versions(args.plan_id)])
    print(
        f"deleted version {args.version} of plan {after.id} ({after.label!r}); it keeps "
        f"version(s) {kept}, newest {after.versions}"
    )
    return 0
