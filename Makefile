# The two commands the README promises: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app tracker
STAMP  := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
PO     := $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

install: $(STAMP) $(MO)

.PHONY: install run test test-sqlite test-postgres test-slow lint security translations extract system-deps clean bench

run: $(STAMP) $(MO)
	$(FLASK) first-run
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(STAMP) $(MO)
	@bash .ci/system-deps test
	@$(MAKE) --no-print-directory lint security test-sqlite test-postgres

lint: $(STAMP)
	$(VENV)/bin/ruff check tracker tests migrations

# Static security analysis: no medium or high finding (each `# nosec BXXX` says why beside it).
security: $(STAMP)
	$(VENV)/bin/bandit -r tracker -ll

test-sqlite: $(STAMP) $(MO)
	$(PY) -m pytest

# The same suite against a throwaway PostgreSQL server, when PostgreSQL is installed.
test-postgres: $(STAMP) $(MO)
	bash tests/with_postgres.sh $(PY) -m pytest -m "not e2e"

# The slow tests, which `make test` leaves out (tests/slow/conftest.py): the crash test kills gunicorn 20 times
# during a stream of saves, and more than 5,000 hostile form bodies. About 1.5 minutes on SQLite, then again on
# PostgreSQL when it is installed.
test-slow: $(STAMP) $(MO)
	$(PY) -m pytest tests/slow
	bash tests/with_postgres.sh $(PY) -m pytest tests/slow

# Server time of the report pages and the API on 60 and 300 clusters × 12 boards × 20 years (bench/RESULTS.md).
bench: $(STAMP) $(MO)
	$(PY) bench/run.py

system-deps:
	@bash .ci/system-deps

$(STAMP): setup.cfg pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile -i $< -o $@

# Refresh the catalogue after changing strings: extract, then merge into every language.
extract: $(STAMP)
	$(VENV)/bin/pybabel extract -F tracker/translations/babel.cfg -k _l -k lazy_gettext -o tracker/translations/messages.pot --no-location --sort-output --omit-header .
	$(VENV)/bin/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) build *.egg-info
