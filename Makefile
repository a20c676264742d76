# Two commands: `make run` opens the app, `make test` runs the whole suite (browser tests included).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
CHROMIUM ?= /usr/bin/chromium

REPLICAS ?= 2
AXE     := .cache/axe/node_modules/axe-core/axe.min.js

.PHONY: run serve test test-all test-slow test-fast lint bench loadtest screenshots clean chromium nginx browser-deps

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

# Debian packages installed only when missing (as root, or with sudo): $(call apt,<binary or file>,<package>)
define apt
	@if ! command -v $(1) >/dev/null 2>&1 && [ ! -e $(1) ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get install -y -q $(2) || ($$SUDO apt-get update -q && $$SUDO apt-get install -y -q $(2)); \
	  else echo "$(1) missing and apt-get unavailable: install $(2)"; fi; \
	fi
endef

# Debian's nginx in front of the replicas (`make serve`); nginx-light where it exists (bookworm), else nginx.
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -q; \
	    $$SUDO apt-get install -y -q nginx-light || $$SUDO apt-get install -y -q nginx; \
	  else echo "nginx missing and apt-get unavailable: make serve and the balancer test will fail"; fi; \
	fi

# The browser suite's extras: the colour-emoji font (page icons in screenshots) and axe-core from npm
# into a local folder (accessibility checks inject it into each page).
browser-deps: chromium
	$(call apt,/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf,fonts-noto-color-emoji)
	@[ -f $(AXE) ] || npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4

run: $(VENV)/.runtime
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

# N Streamlit replicas on loopback ports behind nginx (sticky sessions, websockets, gzip): tools/serve.py.
serve: $(VENV)/.runtime nginx
	$(BIN)/python tools/serve.py --replicas $(REPLICAS) --port $(PORT)

# The suite a developer runs often (about five minutes of tests on 2 cores), the slowest 15 printed at the end:
# the maths and AppTests, then the browser tests, each on both cores (pytest-xdist; the browser tests take 0.71
# of their time on one worker, each worker with its own server). .ci/junit.xml is the browser tests' report,
# which .ci/check_browser_ran.py reads.
PYTEST  := $(BIN)/python -m pytest -q
test: $(VENV)/.test browser-deps nginx lint
	$(PYTEST) -n 2 --durations=15 --junitxml=.ci/junit-fast.xml tests/unit tests/app $(PYTEST_ARGS)
	$(PYTEST) -n 2 --durations=15 --junitxml=.ci/junit.xml tests/browser $(PYTEST_ARGS)

# The opt-in tier on top: the long fuzzing runs and the retraining of every shipped model (checked bit for bit
# on the platform that made it, by quality elsewhere: visualizer/labs/manifest.py).
test-all: $(VENV)/.test browser-deps nginx lint
	$(PYTEST) -n 2 --slow --durations=15 --junitxml=.ci/junit-fast.xml tests/unit tests/app $(PYTEST_ARGS)
	$(PYTEST) -n 2 --slow --durations=15 --junitxml=.ci/junit.xml tests/browser $(PYTEST_ARGS)

# Only the opt-in tier (what `make test-all` adds to `make test`): CI runs it after `make test`.
test-slow: $(VENV)/.test browser-deps nginx
	$(PYTEST) -n 2 --durations=15 --slow -m slow $(PYTEST_ARGS)

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
# Lecture-hall figures: 100 steppers and 100 opens on one process; 200 steppers on REPLICAS replicas behind
# nginx; 50 trainers pressing Train while 50 students step the explorer.
LOADTEST_ARGS ?= --sessions 10 50 100 --page Home Explorer
loadtest: $(VENV)/.test nginx
	$(BIN)/python tools/loadtest.py $(LOADTEST_ARGS)
	$(BIN)/python tools/loadtest.py --page Explorer --sessions 200 --replicas $(REPLICAS)
	$(BIN)/python tools/loadtest.py --page Explorer --sessions 50 --trainers 50 --steps 15

screenshots: $(VENV)/.test browser-deps
	$(BIN)/python -m pytest -q tests/browser --screenshots

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ci/junit.xml
