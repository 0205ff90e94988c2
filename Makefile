# Two commands matter: `make run` (the app on the bundled catalog) and `make test` (the whole suite).
# Each builds its own virtual environment in .venv from the pinned constraints in requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RAW ?= ../shared/usda-raw

.PHONY: run test lint format ingest labels bench datacard golden clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m streamlit run streamlit_app.py --browser.gatherUsageStats false

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

ingest: $(BIN)/.installed
	$(BIN)/b12plan ingest --raw $(RAW) --out data/usda

# Diet labels precomputed from the snapshot and planner/rules/*.csv (rerun after editing a rule).
labels: $(BIN)/.installed
	$(BIN)/python -m planner.diets.precomputed

datacard: labels
	$(BIN)/python scripts/datacard.py

# Expected outputs of the export golden tests (rerun after an intended format change).
golden: $(BIN)/.installed
	$(BIN)/python scripts/regenerate_golden.py

# All benchmarks, one after the other (plan_bench.py alone runs for a quarter of an hour or
# more: each preset's naive model gets 60 s twice). Numbers in docs/performance.md.
bench: $(BIN)/.installed
	$(BIN)/python benchmarks/ingest_bench.py
	$(BIN)/python benchmarks/plan_bench.py
	$(BIN)/python benchmarks/plan_seeds.py
	$(BIN)/python benchmarks/app_first_render.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
