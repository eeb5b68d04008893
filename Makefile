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

.PHONY: run test test-fast test-e2e check bench install reference demo messages clean lock

# The versions are those of requirements-dev.lock, the versions production installs from
# requirements.lock: what CI tests is what runs (`make lock` refreshes both).
$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements-dev.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the real reference data and the demo accounts, serve on :8000
## (or PORT=...) beside a background worker, with DEBUG off, as in production: the platform's own 404 and 403 pages (not
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
	@# The background worker (PDFs, DOCX, editions: core/jobs) runs beside the server and stops with it.
	DJANGO_DEBUG=0 $(MANAGE) jobs_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
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

## make check: lint, types, no private name taken across modules, migrations, security lint (bandit),
## the lock files against pyproject.toml, known vulnerabilities of the locked packages (pip-audit:
## says "NOT AUDITED" and passes when PyPI's advisory data cannot be had, AUDIT_REQUIRED=1 fails
## then), and the deploy checks on collected static files (the deploy check refuses uncollected
## ones: with production settings every page would answer 500)
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cmsfamily config
	$(BIN)/python scripts/private_names.py
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/bandit -c pyproject.toml -q -r cmsfamily config scripts
	$(BIN)/python scripts/check_lock.py
	$(BIN)/python scripts/audit_dependencies.py
	export DJANGO_ENV=production DJANGO_SECRET_KEY=check-only-$$(date +%s)-a-long-random-looking-secret-key-for-deploy-check \
	  DJANGO_ALLOWED_HOSTS=cms.example.org DATABASE_URL=sqlite:///:memory: && \
	  $(MANAGE) collectstatic --no-input -v 0 && \
	  $(MANAGE) check --deploy --fail-level WARNING

## make lock: rewrite requirements.lock (production, with hashes) and requirements-dev.lock (CI and
## developers, the same versions plus the tools) from pyproject.toml, keeping the pins that still
## fit; `make lock UPGRADE=1` takes the newest versions within the bounds. Needs PyPI.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	  $(if $(UPGRADE),--upgrade) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  -c requirements.lock $(if $(UPGRADE),--upgrade) -o requirements-dev.lock
	$(BIN)/python scripts/check_lock.py

bench: $(STAMP)
	$(BIN)/python -m bench

messages: $(STAMP)
	$(MANAGE) makemessages -l fr -l es --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
