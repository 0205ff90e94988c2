"""Labels precomputed into data/usda/labels.parquet, so the app and the optimiser start fast.

The file records a fingerprint of the rule tables and of the catalog foods it was built from; a
stale or missing file is ignored and the labels are computed afresh (a few seconds). Regenerate
it with `make labels` (or `python -m planner.diets.precomputed`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from planner.catalog import DEFAULT_SNAPSHOT, Catalog, load_catalog
from planner.diets.rules import rules_fingerprint
from planner.files import atomic_path

LABELS_FILE = "labels.parquet"
# Bump when the labelling code changes in a way the rule tables do not show.
CODE_VERSION = "3"
FINGERPRINT_KEY = b"b12planner.labels.fingerprint"


def foods_fingerprint(foods: pd.DataFrame) -> str:
    """Hash of what labelling reads from the foods table (ids, names, categories, B12)."""
    columns = ["description", "additional_description", "source", "category"]
    columns += ["b12_ug", "b12_added_ug"]
    hashed = pd.util.hash_pandas_object(foods.reindex(columns=columns), index=True)
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()


def fingerprint(catalog: Catalog) -> str:
    parts = {
        "code": CODE_VERSION,
        "rules": rules_fingerprint(),
        "foods": foods_fingerprint(catalog.foods),
        "ingredients": len(catalog.ingredients),
        "langual": len(catalog.langual),
    }
    return json.dumps(parts, sort_keys=True)


def read_labels(path: Path) -> tuple[pd.DataFrame, str] | None:
    if not path.exists():
        return None
    try:
        table = pq.read_table(path)
    except Exception:  # a damaged file is simply recomputed
        return None
    meta = table.schema.metadata or {}
    return table.to_pandas(), meta.get(FINGERPRINT_KEY, b"").decode()


def write_labels(labels: pd.DataFrame, catalog: Catalog, path: Path) -> None:
    table = pa.Table.from_pandas(labels, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    meta[FINGERPRINT_KEY] = fingerprint(catalog).encode()
    table = table.replace_schema_metadata(meta)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
        tmp.chmod(0o644)  # like the other snapshot tables (temporary files start private)


def labels_for(catalog: Catalog) -> pd.DataFrame:
    """Precomputed labels when they match this catalog and these rules, else fresh ones."""
    from planner.diets import compute_labels

    stored = read_labels(DEFAULT_SNAPSHOT / LABELS_FILE)
    if stored is not None:
        labels, stamp = stored
        if labels.index.equals(catalog.foods.index) and stamp == fingerprint(catalog):
            return labels
        extra = catalog.foods.index.difference(labels.index)
        if len(extra) and labels.index.isin(catalog.foods.index).all():
            # The bundled catalog plus custom foods (Catalog.with_foods): reuse the stored
            # labels when the bundled part is unchanged, label only the added foods.
            base = Catalog(
                catalog.foods.loc[labels.index],
                catalog.portions,
                catalog.ingredients,
                catalog.langual,
                catalog.manifest,
            )
            if stamp == fingerprint(base):
                from planner.diets import label_new_foods

                added = label_new_foods(catalog.foods.loc[extra])
                return pd.concat([labels, added]).loc[catalog.foods.index]
    return compute_labels(catalog)


def main(argv: list[str] | None = None) -> int:
    """Regenerate data/usda/labels.parquet from the bundled catalog and the rule tables."""
    from planner.diets import compute_labels

    del argv
    catalog = load_catalog()
    labels = compute_labels(catalog)
    target = DEFAULT_SNAPSHOT / LABELS_FILE
    write_labels(labels, catalog, target)
    print(f"wrote {target} ({len(labels)} foods)", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
