"""Rendering tables for the terminal, CSV and JSON: one place so every command looks alike."""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InputError
from planner.files import atomic_write_bytes


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


def check_output_path(path: Path, *, flag: str = "--out", example: str = "plan.json") -> None:
    """Refuse, before any work, an output path that can never be written as a file."""
    if path.is_dir():
        raise InputError(f"{flag} {path} is a folder; give a file name such as {path / example}")
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise InputError(f"{flag} {path}: {folder} is a file, not a folder; choose another path")
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            f"{flag} {path}: the folder {folder} is not writable; choose a folder you can write to"
        )


def write_output(
    path: Path, data: bytes, *, flag: str = "--out", example: str = "plan.json"
) -> None:
    """Write a file atomically; a path that cannot be written is bad input, never a traceback.

    Nothing is left behind on failure: the data goes to a temporary file beside the target,
    renamed over it only when complete.
    """
    check_output_path(path, flag=flag, example=example)
    try:
        atomic_write_bytes(path, data)
    except OSError as err:
        reason = err.strerror or str(err)
        raise InputError(
            f"cannot write {flag} {path}: {reason}; choose a file in a folder you can write to"
        ) from None
