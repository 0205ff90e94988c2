"""docs/datacard.md is regenerated from the data, never edited by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_datacard_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "datacard.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
