"""Shared fixtures: the bundled catalog and the raw USDA releases beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
RAW = Path(os.environ.get("B12PLAN_RAW", REPO.parent / "shared" / "usda-raw"))
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not RAW.is_dir():
        pytest.skip(f"raw USDA releases not found at {RAW}")
    return RAW


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
