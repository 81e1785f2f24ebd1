# regiesim: two commands on a fresh machine with Python 3.11.
#   make demo   run the flagship comparison (styles with and without fallback) into results/
#   make test   run the test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: demo test quick lint bench docs api install compiled clean

install: $(STAMP) compiled

# The model compiled with mypyc (build/model/, checked against its sources bit for bit);
# where that fails (no C compiler) the model runs as pure Python, a little slower.
compiled: $(STAMP)
	-@$(BIN)/python -m sim.compile_model

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv sync --frozen --quiet
	@rm -f $(VENV)/.synced-* && touch $(STAMP)

# The demo does not wait for the compilation: it runs on a fresh build if there is one,
# else on the sources (same numbers, its start line says which), and compiles afterwards.
demo: $(STAMP)
	$(BIN)/python experiments/fallback.py
	-@$(BIN)/python -m sim.compile_model

test: $(STAMP) compiled
	$(BIN)/python -m pytest -n 2

quick: $(STAMP) compiled
	$(BIN)/python -m pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check sim tests experiments benchmarks

bench: $(STAMP) compiled
	$(BIN)/python benchmarks/bench_core.py

docs: $(STAMP)
	$(BIN)/python -m sim.docs

api: $(STAMP)
	$(BIN)/python -m sim.apidoc docs/api

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build/model build/model-failed.json build/.model.lock build/.model.lock.holder.json
