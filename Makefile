# Two commands: `make run` opens the app, `make test` runs the whole suite (browser tests included).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-fast lint bench loadtest screenshots clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.runtime

# Debian's chromium for the browser tests; never `playwright install` (no internet here).
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && [ ! -x $(CHROMIUM) ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get install -y -q chromium || ($$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium); \
	  else echo "chromium missing and apt-get unavailable: browser tests will fail"; fi; \
	fi

run: $(VENV)/.runtime
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.test chromium lint
	$(BIN)/python -m pytest -q --junitxml=.ci/junit.xml $(PYTEST_ARGS)

# Lint, format check and types: part of `make test`, so CI fails on them too.
lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-fast: $(VENV)/.test
	$(BIN)/python -m pytest -q -m "not browser" $(PYTEST_ARGS)

bench: $(VENV)/.test
	$(BIN)/python -m benchmarks.bench_train
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python -m benchmarks.bench_limits --lag 60

# On demand, not in `make test`: N concurrent websocket sessions per page, p50/p95 latency, peak RSS.
LOADTEST_ARGS ?= --sessions 10 50 100 --page Home Explorer
loadtest: $(VENV)/.test
	$(BIN)/python tools/loadtest.py $(LOADTEST_ARGS)

screenshots: $(VENV)/.test chromium
	$(BIN)/python -m pytest -q tests/browser --screenshots

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ci/junit.xml
