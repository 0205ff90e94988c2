"""Ingest: real USDA releases -> the catalog snapshot in data/usda (Parquet + MANIFEST.json).

Readers: `read_fndds` (FNDDS At A Glance workbooks), `read_sr28` (SR28 ASCII), `read_fdc_csv`
(any FDC bulk CSV download). `build_snapshot` runs them and writes the snapshot atomically.
"""

from planner.ingest.fdc_csv import read_fdc_csv
from planner.ingest.fndds import read_fndds
from planner.ingest.snapshot import RawSources, build_snapshot, find_raw_sources
from planner.ingest.sr28 import read_sr28

__all__ = [
    "RawSources",
    "build_snapshot",
    "find_raw_sources",
    "read_fdc_csv",
    "read_fndds",
    "read_sr28",
]
