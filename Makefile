# Two commands for a newcomer: `make run` (install, build the warehouse from the bundled seed, serve on
# 127.0.0.1:8050) and `make test` (install test needs incl. Debian's Chromium, then ruff, mypy and pytest).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
HOST ?= 127.0.0.1
DEBIAN_TEST_PACKAGES := chromium chromium-driver fonts-liberation postgresql poppler-utils

.PHONY: run test install install-test system-packages build seed lint typecheck pytest bench bench-quick soak clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e .

build: install
	$(BIN)/lmm build

run: build
	$(BIN)/gunicorn dashboard.wsgi:server --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers 2

system-packages:
	@missing=""; for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# npm fetches axe-core; Debian's npm only where no Node.js is installed already (it conflicts with other builds)
	@command -v npm >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }

install-test: $(BIN)/activate system-packages
	$(BIN)/pip install --quiet -e '.[test]'
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4.14.1  # accessibility checks (tests/browser)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q --durations=25

test: install-test lint typecheck pytest

seed: install
	$(BIN)/lmm seed --from ../shared/data/raw

bench: install-test  # every bench/*_bench.py, a summary table, bench/results/*.json (README: Performance)
	$(BIN)/python -m bench

bench-quick: install-test  # the same with fewer runs and smaller sizes
	$(BIN)/python -m bench --quick

soak: install-test  # faults and attacks against gunicorn on loopback; e.g. make soak SOAK_ARGS="--seconds 120"
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
