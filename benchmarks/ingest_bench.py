"""Time each ingest reader and the snapshot load; measure peak memory of streaming a
full-download-scale food_nutrient.csv against reading it whole with pandas.

Run: .venv/bin/python benchmarks/ingest_bench.py [--raw ../shared/usda-raw] [--rows 26000000]
Each measurement runs in a fresh subprocess so peak RSS belongs to that step alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

STEPS = {
    "fndds": (
        "from planner.ingest import read_fndds; read_fndds(RAW / 'fndds-2021-2023-at-a-glance')"
    ),
    "sr28": (
        "from planner.ingest import read_sr28; read_sr28(RAW / 'sr28-ascii', "
        "RAW / 'fdc-sr-legacy-partial-caseydow' / 'food.csv')"
    ),
    "foundation_zip": (
        "from planner.ingest import read_fdc_csv; read_fdc_csv(next((RAW / "
        "'fdc-foundation-2025-04-24').glob('*.zip')), data_types=('foundation_food',))"
    ),
    "snapshot_build": (
        "import tempfile; from planner.ingest import build_snapshot, find_raw_sources; "
        "build_snapshot(find_raw_sources(RAW), Path(tempfile.mkdtemp()) / 'usda')"
    ),
    "catalog_load": "from planner.catalog import load_catalog; load_catalog()",
}

TIMED = """
import resource, sys, time, json
from pathlib import Path
RAW = Path({raw!r})
t0 = time.perf_counter()
{code}
elapsed = time.perf_counter() - t0
print(json.dumps({{"seconds": elapsed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_step(code: str, raw: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", TIMED.format(raw=str(raw), code=code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_food_nutrient(path: Path, rows: int) -> None:
    """An FDC-shaped food_nutrient.csv (all 11 columns) with `rows` rows, written in chunks."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(0)
    # 40 nutrients per food, 10 of them the planner's: a quarter of the rows match, close to
    # the share in the full FDC download (branded foods carry mostly label nutrients).
    wanted = [1003, 1004, 1005, 1008, 1079, 1093, 1178, 1246, 2047, 2048]
    nutrient_ids = np.array(wanted + list(range(1050, 1080)))
    chunk = 2_000_000
    with pacsv.CSVWriter(
        path,
        pa.schema(
            [
                ("id", pa.int64()),
                ("fdc_id", pa.int64()),
                ("nutrient_id", pa.int64()),
                ("amount", pa.float64()),
                ("data_points", pa.int64()),
                ("derivation_id", pa.int64()),
                ("min", pa.float64()),
                ("max", pa.float64()),
                ("median", pa.float64()),
                ("footnote", pa.string()),
                ("min_year_acquired", pa.string()),
            ]
        ),
    ) as writer:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            amount = rng.random(n) * 100
            writer.write_table(
                pa.table(
                    {
                        "id": np.arange(start, start + n),
                        "fdc_id": 1_000_000 + (np.arange(start, start + n) // 40),
                        "nutrient_id": nutrient_ids[np.arange(start, start + n) % 40],
                        "amount": amount.round(3),
                        "data_points": rng.integers(1, 9, n),
                        "derivation_id": rng.integers(1, 80, n),
                        "min": amount * 0.9,
                        "max": amount * 1.1,
                        "median": amount,
                        "footnote": pa.nulls(n, pa.string()),
                        "min_year_acquired": pa.nulls(n, pa.string()),
                    }
                )
            )


STREAM = (
    "from planner.ingest.fdc_csv import FdcCsvBundle, stream_nutrients; "
    "df = stream_nutrients(FdcCsvBundle(RAW), {1178, 1246, 1008, 2047, 2048, 1003, 1004, 1005, "
    "1079, 1093}); print(len(df), file=sys.stderr)"
)
NAIVE = "import pandas as pd; df = pd.read_csv(RAW / 'food_nutrient.csv')"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, default=REPO.parent / "shared" / "usda-raw")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=26_000_000, help="synthetic food_nutrient rows")
    parser.add_argument("--naive-rows", type=int, default=5_000_000)
    args = parser.parse_args()

    print(f"{'step':<16} {'median s':>9} {'min s':>7} {'peak MB':>8}")
    for name, code in STEPS.items():
        runs = [run_step(code, args.raw) for _ in range(args.repeat)]
        secs = [r["seconds"] for r in runs]
        peak = max(r["peak_mb"] for r in runs)
        print(f"{name:<16} {statistics.median(secs):9.3f} {min(secs):7.3f} {peak:8.0f}")

    with tempfile.TemporaryDirectory() as tmp:
        for label, rows, code in (
            ("stream", args.rows, STREAM),
            ("naive pandas", args.naive_rows, NAIVE),
            ("stream", args.naive_rows, STREAM),
        ):
            folder = Path(tmp) / f"fn{rows}"
            if not folder.exists():
                folder.mkdir()
                (folder / "food.csv").write_text("fdc_id,data_type,description,food_category_id\n")
                t0 = time.perf_counter()
                make_food_nutrient(folder / "food_nutrient.csv", rows)
                size = (folder / "food_nutrient.csv").stat().st_size / 1e6
                print(
                    f"generated {rows:,} rows ({size:,.0f} MB) in {time.perf_counter() - t0:.1f} s"
                )
            result = run_step(code, folder)
            print(
                f"food_nutrient.csv {rows:>11,} rows, {label:<13}: "
                f"{result['seconds']:6.1f} s, peak {result['peak_mb']:,.0f} MB"
            )


if __name__ == "__main__":
    main()
