# DigiTandem — `make run` serves the demo, `make test` runs the tests. Needs Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-test
UV_COMPILE := build/lock-tool/bin/uv pip compile pyproject.toml --quiet --universal \
	--python-version 3.11 --generate-hashes --custom-compile-command 'make lock'
DEV_ENV := FLASK_APP=wsgi.py FLASK_DEBUG=1 LEARNAPP_ENVIRONMENT=development LEARNAPP_DEMO_MODE=true

.PHONY: run test test-all test-slow test-wheel audit check-python translations lint check lock bench clean mutants icons fonts

# `make test` measures branch coverage and holds the floors (pyproject.toml, .ci/coverage_floor.py);
# `make test COVERAGE=0` runs the same tests without measuring (CI's PostgreSQL pass).
COVERAGE ?= 1
ifeq ($(COVERAGE),1)
COVERAGE_ARGS := --cov --cov-report=term
COVERAGE_FLOOR := $(BIN)/python .ci/coverage_floor.py
else
COVERAGE_ARGS :=
COVERAGE_FLOOR := @true
endif

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "DigiTandem needs Python 3.11 or newer (found %s)." % sys.version.split()[0])'

# Dependencies come from the locks in requirements/ (exact versions with hashes; `make lock`
# writes them): `make run` installs the app's own (run.txt), `make test` adds the test tools
# (test.txt). The project itself is installed editable, so lesson and code changes show at once.
$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): requirements/run.txt pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements/test.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt
	touch $(STAMP)

## lock: write requirements/run.txt and test.txt from pyproject.toml (keeps today's versions;
## `make lock LOCK_ARGS=--upgrade` takes the newest). Uses uv in a throw-away environment.
lock: | check-python
	$(PYTHON) -m venv build/lock-tool
	build/lock-tool/bin/pip install --quiet 'uv>=0.5'
	$(UV_COMPILE) $(LOCK_ARGS) -o requirements/run.txt
	$(UV_COMPILE) $(LOCK_ARGS) --extra test -c requirements/run.txt -o requirements/test.txt

translations: $(RUN_STAMP)
	$(BIN)/pybabel compile --statistics -d learnapp/translations

## run: install, migrate, load the demo and the courses, serve http://127.0.0.1:5000
run: $(RUN_STAMP) translations
	$(DEV_ENV) $(BIN)/flask db upgrade
	$(DEV_ENV) $(BIN)/flask demo load
	$(DEV_ENV) $(BIN)/flask courses check > /dev/null || echo "Some lessons have problems: run 'flask courses check'."
	@echo "DigiTandem runs at http://127.0.0.1:5000 (stop with Ctrl+C)"
	$(DEV_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

## test: install the test dependencies and run the whole test suite
test: $(STAMP) translations
	$(BIN)/python -m pytest -q $(COVERAGE_ARGS) $(PYTEST_ARGS)
	$(COVERAGE_FLOOR)

## test-slow: load and faults under gunicorn, several workers, restarts (about 3 minutes)
test-slow: $(STAMP) translations
	$(BIN)/python -m pytest -q -s -m slow $(PYTEST_ARGS)

## audit: look up the installed dependencies in the vulnerability database (pip-audit)
audit: $(STAMP)
	$(PYTHON) .ci/audit.py $(BIN)/python

## icons: draw the home-screen icons (static/icons/*.png) from static/icons/app-icon.svg in Chromium
icons: $(STAMP)
	$(BIN)/python -m tests.browser.icons

## fonts: cut the web fonts (static/fonts/*.woff2) from Debian's fonts-noto-core with fontTools
fonts: $(STAMP)
	$(BIN)/pip install --quiet -e '.[fonts]'
	$(BIN)/python .ci/fonts.py

## mutants: mutation testing of the rule modules with mutmut ([tool.mutmut] in pyproject.toml);
## survivors that are equivalent are listed in tests/MUTANTS.md (over an hour on 2 cores)
mutants: $(STAMP) translations
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	$(BIN)/python .ci/mutants.py $(MUTANTS_ARGS)

## screenshots: run the browser tests' screenshots and copy them to docs/screenshots/
.PHONY: screenshots
screenshots: $(STAMP) translations
	LEARNAPP_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/browser/test_screenshots.py

## bench: build 10,000 learners and 300 lessons, load them under gunicorn and nginx (root:
## installs wrk, nginx, chromium if missing; needs PostgreSQL and Redis on 127.0.0.1; ~10 min)
bench: $(STAMP) translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## check: ruff (lint and format) and mypy ([tool.mypy] in pyproject.toml), as CI runs them
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: check

## test-wheel: build the wheel, install it in a fresh environment, serve a lesson (about a minute)
test-wheel: $(STAMP)
	$(BIN)/python -m pytest -q -m wheel $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build
