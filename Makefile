# DigiTandem — `make run` serves the demo, `make test` runs the tests. Needs Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := FLASK_APP=wsgi.py FLASK_DEBUG=1 LEARNAPP_ENVIRONMENT=development LEARNAPP_DEMO_MODE=true

.PHONY: run test test-all test-slow audit check-python translations lint bench clean mutants

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

$(STAMP): pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d learnapp/translations

## run: install, migrate, load the demo and the courses, serve http://127.0.0.1:5000
run: $(STAMP) translations
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

lint: $(STAMP)
	$(BIN)/ruff check learnapp tests migrations bench
	$(BIN)/ruff format --check learnapp tests migrations bench

clean:
	rm -rf $(VENV) .pytest_cache
