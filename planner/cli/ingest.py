"""`b12plan ingest`: rebuild the catalog snapshot from the raw USDA releases."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from planner.catalog import DEFAULT_SNAPSHOT
from planner.ingest import RawSources, build_snapshot, find_raw_sources


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ingest",
        help="build the catalog snapshot (data/usda) from raw USDA releases",
        description=(
            "Read FNDDS At A Glance workbooks, SR28 ASCII tables and FDC CSV downloads and "
            "write Parquet tables plus MANIFEST.json. Pass --raw for the usual folder layout, "
            "or name each release."
        ),
    )
    parser.add_argument("--raw", type=Path, help="folder with one subfolder per release")
    parser.add_argument("--fndds", type=Path, help="folder with the 4 FNDDS workbooks")
    parser.add_argument("--sr28", type=Path, help="folder with the SR28 ASCII tables")
    parser.add_argument("--sr-legacy-foods", type=Path, help="SR Legacy food.csv (fdc ids)")
    parser.add_argument(
        "--fdc-csv", type=Path, action="append", default=[], help="FDC CSV zip or folder"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_SNAPSHOT, help="snapshot folder")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sources = find_raw_sources(args.raw) if args.raw else RawSources()
    if args.fndds or args.sr28 or args.fdc_csv:
        sources = RawSources(
            fndds=args.fndds or sources.fndds,
            sr28=args.sr28 or sources.sr28,
            sr_legacy_food_csv=args.sr_legacy_foods or sources.sr_legacy_food_csv,
            fdc_csv=tuple(args.fdc_csv) or sources.fdc_csv,
        )
    if not (sources.fndds or sources.sr28 or sources.fdc_csv):
        raise_usage()
    start = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - start:5.1f} s] {message}", file=sys.stderr)

    manifest = build_snapshot(sources, args.out, progress=progress)
    progress("labelling foods for diets (planner/rules/*.csv) -> labels.parquet")
    write_fresh_labels(args.out)
    for source in manifest["sources"]:
        rows = source["rows"]
        print(
            f"{source['dataset']} ({source['release']}): {rows['foods']:,} foods, "
            f"{rows['portions']:,} portions"
        )
    for warning in manifest["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"snapshot written to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


def write_fresh_labels(snapshot: Path) -> None:
    """Diet labels belong with the foods they describe: rebuild them with every snapshot."""
    from planner.catalog import load_catalog
    from planner.diets import compute_labels
    from planner.diets.precomputed import LABELS_FILE, write_labels

    catalog = load_catalog(snapshot)
    write_labels(compute_labels(catalog), catalog, Path(snapshot) / LABELS_FILE)


def raise_usage() -> None:
    from planner.errors import InputError

    raise InputError("nothing to ingest: pass --raw FOLDER or --fndds/--sr28/--fdc-csv")
