# Two entry points: `make demo` and `make test`. Each creates/updates .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_TEST := $(VENV)/.installed-test
PYTEST_WORKERS ?= 2

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_BASE)

demo: $(STAMP_BASE)
	MPLBACKEND=Agg $(BIN)/saddlepath demo --out demo-output

test: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks
	MPLBACKEND=Agg $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/path.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache build *.egg-info src/*.egg-info
