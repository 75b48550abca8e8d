# The two set-up commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip installs this uv once; `uv sync` then installs the locked uv over it. Keep the range
# the same as in pyproject's dev extra: an older uv cannot read a newer uv.lock.
UV_REQUIREMENT := uv>=0.13,<0.14

.PHONY: run otp test bench lint typecheck format install lock clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Scales needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

# Exactly the versions in uv.lock, the project itself editable, and the dev extra; packages
# that are not in the lock are removed. --locked fails if pyproject.toml changed since the
# lock was written: run `make lock`. Where npm is installed, also axe-core from
# package-lock.json, for the browser tests' accessibility checks; a machine with only
# Python skips it (and those tests skip without Chromium anyway).
$(STAMP): pyproject.toml uv.lock package-lock.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet '$(UV_REQUIREMENT)'
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked --extra dev
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP)

# Rewrite uv.lock after a change to pyproject.toml, keeping the other versions as they are;
# `make lock LOCK_ARGS=--upgrade` moves every package to its newest allowed version.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet '$(UV_REQUIREMENT)'
	$(BIN)/uv lock $(LOCK_ARGS)

# The Procfile's processes, the demo_banner box last. Ctrl-C reaches make, this shell and
# honcho at once: the trap keeps the shell alive while honcho stops the processes, and
# honcho's 130 ("stopped by Ctrl-C") counts as a clean stop, not make's "Error 130".
run: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@trap : INT; PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start || test $$? -eq 130

# The demo practitioner's current second-factor code, while `make run` is going.
otp: $(STAMP)
	$(BIN)/python manage.py demo_code

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .import_linter_cache
