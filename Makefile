# regiesim: two commands on a fresh machine with Python 3.11.
#   make demo   run the flagship comparison (styles with and without fallback) into results/
#   make test   run the test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: demo test quick lint bench docs api install clean

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv sync --frozen --quiet
	@rm -f $(VENV)/.synced-* && touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python experiments/fallback.py

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

quick: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check sim tests experiments benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

docs: $(STAMP)
	$(BIN)/python -m sim.docs

api: $(STAMP)
	$(BIN)/python -m sim.apidoc docs/api

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
