# Zhejiang innovation service complexes portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
SCALES ?= 1 10
VENV := .venv
BIN := $(VENV)/bin
# Runs a command on DATABASE_URL, or on an embedded PostgreSQL under .data/ when it is unset.
WITH_DB := $(BIN)/python -m portal.embedded_db
MANAGE := $(BIN)/python manage.py
# Apps that keep their own translation catalogue under <app>/locale/.
APPS := portal accounts complexes services evaluation funding dashboard

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed-run

.PHONY: install
install: $(VENV)/.installed-run ## Create the virtual environment with the pinned dependencies

.PHONY: run
run: export DJANGO_DEBUG ?= true
# Links in emails (password resets, notifications) point at the address being served.
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed-run ## Serve the portal with demo data at http://127.0.0.1:$(PORT)
	$(WITH_DB) bash -c '$(MANAGE) migrate --no-input -v 0 \
		&& $(MANAGE) seed_demo --if-empty \
		&& echo "Serving on http://127.0.0.1:$(PORT) (Ctrl-C stops the portal and its database)" \
		&& exec $(MANAGE) runserver 127.0.0.1:$(PORT)'

.PHONY: test
test: export DJANGO_SETTINGS_MODULE = config.settings_test
test: $(VENV)/.installed-test lint checks ## Lint, check, and run the whole test suite
	$(WITH_DB) $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

.PHONY: lint
lint: $(VENV)/.installed-test ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: checks
checks: export DJANGO_SETTINGS_MODULE = config.settings_test
checks: $(VENV)/.installed-test ## Django system checks, missing migrations, OpenAPI schema warnings
	$(WITH_DB) bash -c '$(MANAGE) check --fail-level WARNING \
		&& $(MANAGE) makemigrations --check --dry-run \
		&& $(MANAGE) spectacular --validate --fail-on-warn --file /dev/null' 

# Chromium and its driver for the browser tests, CJK fonts for pages and PDFs, poppler for
# reading PDFs back, gettext for the translation catalogues, wrk for the benchmarks.
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-wqy-zenhei poppler-utils gettext wrk

.PHONY: system-deps
system-deps: ## Install the Debian packages the tests use (browser, CJK fonts; needs root)
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES)

.PHONY: up
up: $(VENV)/.installed-run ## Web, Celery worker and beat against DATABASE_URL and REDIS_URL
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "make up needs DATABASE_URL and REDIS_URL"; exit 2; }
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input -v 0
	trap 'kill 0' EXIT INT TERM; \
	$(BIN)/celery -A config worker -l info -c 2 & \
	$(BIN)/celery -A config beat -l info -S django_celery_beat.schedulers:DatabaseScheduler & \
	$(BIN)/gunicorn config.wsgi -b 127.0.0.1:$(PORT) -w 2 --access-logfile - & \
	wait

.PHONY: messages
messages: $(VENV)/.installed-run ## Refresh the translation catalogues (one per app, one for templates/) and compile them
	@for app in $(APPS); do mkdir -p $$app/locale; done
	DJANGO_DEBUG=true $(MANAGE) makemessages -l zh_Hans --no-obsolete --no-location --ignore '.venv/*' --ignore '.data/*' --ignore 'tests/*'
	@# Dates in the headers would make every catalogue differ after every run.
	sed -i '/^"POT-Creation-Date: /d; /^"Report-Msgid-Bugs-To: /d' locale/zh_Hans/LC_MESSAGES/django.po $(foreach app,$(APPS),$(app)/locale/zh_Hans/LC_MESSAGES/django.po)
	DJANGO_DEBUG=true $(MANAGE) compilemessages --ignore '.venv/*'

.PHONY: bench
bench: $(VENV)/.installed-run ## Seed scales $(SCALES) (make bench SCALES=1 for one) into their own databases, measure, write docs/PERFORMANCE.md
	$(WITH_DB) $(BIN)/python -m bench --scale $(SCALES) $(BENCH_ARGS)

.PHONY: load
load: $(VENV)/.installed-test ## 50 people browse for 60 s (locust against gunicorn); figures into docs/RELIABILITY.md
	$(WITH_DB) $(BIN)/python -m bench.load $(LOAD_ARGS)

.PHONY: load-ramp
load-ramp: $(VENV)/.installed-test ## 50 to 200 people in rounds of 30 s: where the server saturates (docs/RELIABILITY.md)
	$(WITH_DB) $(BIN)/python -m bench.load --ramp 50,100,150,200 --seconds 30 $(LOAD_ARGS)

.PHONY: faults
faults: export DJANGO_SETTINGS_MODULE = config.settings_test
faults: $(VENV)/.installed-test ## Fault runs: worker killed mid-recomputation, Redis stopped, PostgreSQL restarted, request bursts
	$(WITH_DB) $(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

.PHONY: clean
clean: ## Remove the virtual environment (the database under .data/ stays)
	rm -rf $(VENV)
