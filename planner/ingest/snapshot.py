"""Build the catalog snapshot: run the readers, combine, write Parquet and a MANIFEST.

Deterministic by construction (sorted rows, fixed Parquet settings, no timestamps), so the same
raw data always gives byte-identical files and the committed snapshot can be checked against a
fresh build. Files are written to a temporary folder and moved into place only when all succeed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from planner.catalog import SNAPSHOT_TABLES
from planner.errors import InputError
from planner.files import sha256_file
from planner.ingest.common import SourceFrames, added_exceeds_total
from planner.ingest.fdc_csv import read_fdc_csv
from planner.ingest.fndds import read_fndds
from planner.ingest.sr28 import read_sr28

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RawSources:
    """Where each raw release is; any may be None (that source is then left out)."""

    fndds: Path | None = None
    sr28: Path | None = None
    sr_legacy_food_csv: Path | None = None
    fdc_csv: tuple[Path, ...] = ()


def find_raw_sources(raw: Path) -> RawSources:
    """The layout of ../shared/usda-raw: one folder per release."""
    raw = Path(raw)
    if not raw.is_dir():
        raise InputError(
            f"raw data folder {raw} does not exist; pass --raw PATH to the USDA releases"
        )
    fndds = next(iter(sorted(raw.glob("fndds-*"))), None)
    sr28 = next(iter(sorted(raw.glob("sr28*"))), None)
    legacy = next(iter(sorted(raw.glob("fdc-sr-legacy*/food.csv"))), None)
    zips = tuple(sorted(raw.glob("fdc-foundation-*/*.zip")))
    if not (fndds or sr28 or zips):
        raise InputError(f"{raw} holds no FNDDS, SR28 or FDC CSV release folders")
    return RawSources(fndds=fndds, sr28=sr28, sr_legacy_food_csv=legacy, fdc_csv=zips)


def read_sources(
    sources: RawSources, progress: Callable[[str], None] = lambda _: None
) -> list[SourceFrames]:
    frames: list[SourceFrames] = []
    if sources.fndds:
        progress(f"reading FNDDS workbooks in {sources.fndds}")
        frames.append(read_fndds(sources.fndds))
    if sources.sr28:
        progress(f"reading SR28 ASCII tables in {sources.sr28}")
        frames.append(read_sr28(sources.sr28, sources.sr_legacy_food_csv))
    for bundle in sources.fdc_csv:
        progress(f"reading FDC CSV download {bundle.name}")
        frames.append(read_fdc_csv(bundle, data_types=("foundation_food",)))
    return frames


def combine(frames: list[SourceFrames]) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for name, columns in SNAPSHOT_TABLES.items():
        parts = [getattr(f, name) for f in frames if len(getattr(f, name))]
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
        tables[name] = table.reindex(columns=list(columns))
    foods = tables["foods"]
    duplicated = foods["food_id"][foods["food_id"].duplicated()]
    if len(duplicated):
        raise InputError(
            f"food id {duplicated.iloc[0]} comes from two sources; ingest each release once"
        )
    tables["foods"] = foods.sort_values("food_id", kind="stable", ignore_index=True)
    keys = {"portions": ["food_id", "seq", "portion"], "ingredients": ["food_id", "seq"]}
    keys["langual"] = ["food_id", "factor_code"]
    for name, key in keys.items():
        tables[name] = tables[name].sort_values(key, kind="stable", ignore_index=True)
    return tables


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Drop pandas' metadata blob: it is not needed to read the file back and it varies.
    table = table.replace_schema_metadata(None)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=False,
        store_schema=False,
    )


def build_snapshot(
    sources: RawSources,
    out_dir: Path,
    *,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Read every source, write data/usda atomically; return the manifest."""
    frames = read_sources(sources, progress)
    tables = combine(frames)
    warnings = added_exceeds_total(tables["foods"])
    for frame in frames:
        warnings.extend(frame.warnings)

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        outputs = {}
        for name, frame in tables.items():
            progress(f"writing {name}.parquet ({len(frame):,} rows)")
            target = staging / f"{name}.parquet"
            write_parquet(frame, target)
            outputs[f"{name}.parquet"] = {"rows": len(frame), "sha256": sha256_file(target)}
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "sources": [source_entry(f, tables["foods"]) for f in frames],
            "outputs": outputs,
            "warnings": warnings,
        }
        (staging / "MANIFEST.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
            encoding="utf-8",
        )
        replace_dir(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return manifest


def source_entry(frames: SourceFrames, foods: pd.DataFrame) -> dict:
    inputs = []
    for path in frames.inputs:
        inputs.append(
            {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path)}
        )
    return {
        "name": frames.name,
        "dataset": frames.dataset,
        "release": frames.release,
        "release_date": frames.release_date,
        "inputs": inputs,
        "rows": {
            "foods": int((foods["source"] == frames.name).sum()),
            "portions": len(frames.portions),
            "ingredients": len(frames.ingredients),
            "langual": len(frames.langual),
        },
    }


def replace_dir(staging: Path, target: Path) -> None:
    """Swap the finished snapshot in; keep files in target that the snapshot does not own."""
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(staging.iterdir()):
        os.replace(item, target / item.name)
