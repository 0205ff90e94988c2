"""Rendering tables for the terminal, CSV and JSON: one place so every command looks alike."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pandas as pd


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def render_table(frame: pd.DataFrame, max_width: int = 60) -> str:
    """Fixed-width text table; missing values show as an em dash, never as 0."""
    if frame.empty:
        return "(no rows)"
    columns = list(frame.columns)
    cells = [[_cell(v)[:max_width] for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in columns]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def to_jsonable(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return to_jsonable(value.item())
    return value


def render_records(frame: pd.DataFrame) -> str:
    records = [
        {k: to_jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]
    return json.dumps(records, indent=2, ensure_ascii=False)


def render_csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def render(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return render_csv(frame)
    if fmt == "json":
        return render_records(frame) + "\n"
    return render_table(frame) + "\n"
