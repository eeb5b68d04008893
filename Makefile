# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=
# `make run PORT=8107` serves on another port; the links in the emails it prints follow it.
PORT ?= 8000
export PORT

.PHONY: run test test-fast test-e2e check bench install reference demo messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the real reference data and the demo accounts, serve on :8000
## (or PORT=...) with DEBUG off, as in production: the platform's own 404 and 403 pages (not
## Django's list of every URL), hashed static files with long cache lifetimes, pages and static
## files compressed.
run: $(STAMP) staticfiles/staticfiles.json
	$(MANAGE) migrate --no-input
	$(MANAGE) compilemessages_if_needed
	$(MANAGE) load_reference
	$(MANAGE) load_species
	$(MANAGE) load_strategy
	$(MANAGE) load_workplans --demo
	$(MANAGE) load_contributions
	$(MANAGE) load_decisions
	$(MANAGE) load_demo
	$(MANAGE) load_reporting_demo
	$(MANAGE) load_report_templates
	DJANGO_DEBUG=0 $(MANAGE) runserver 127.0.0.1:$(PORT)

# Static files are collected (hashed, with gzip and brotli copies) again only when one has changed.
staticfiles/staticfiles.json: $(STAMP) config/settings.py $(shell find cmsfamily -path '*/static/*' -type f)
	DJANGO_DEBUG=0 $(MANAGE) collectstatic --no-input -v 0

## make test: the whole suite (browser tests run when /usr/bin/chromium is present)
# The browser tests run in a pytest of their own: their live server needs transactional tests,
# whose flush would empty the registry that the unit tests share.
test: $(STAMP)
	$(MANAGE) compilemessages_if_needed
	$(BIN)/pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

## make test-e2e: only the browser tests (Debian's Chromium at /usr/bin/chromium, never downloaded)
test-e2e: $(STAMP)
	$(MANAGE) compilemessages_if_needed
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

## make check: lint, types, no private name taken across modules, migrations, and the deploy checks on collected static files (the deploy
## check refuses uncollected ones: with production settings every page would answer 500)
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cmsfamily config
	$(BIN)/python scripts/private_names.py
	$(MANAGE) makemigrations --check --dry-run
	export DJANGO_ENV=production DJANGO_SECRET_KEY=check-only-$$(date +%s)-a-long-random-looking-secret-key-for-deploy-check \
	  DJANGO_ALLOWED_HOSTS=cms.example.org DATABASE_URL=sqlite:///:memory: && \
	  $(MANAGE) collectstatic --no-input -v 0 && \
	  $(MANAGE) check --deploy --fail-level WARNING

bench: $(STAMP)
	$(BIN)/python -m bench

messages: $(STAMP)
	$(MANAGE) makemessages -l fr -l es --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
