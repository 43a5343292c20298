# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-test frontend browser-deps migrate data lint serve bench clean

## make run: set everything up on SQLite with eager tasks, load real and demo data, serve on :8000
run: setup frontend migrate data serve

## make test: install what the tests need and run the whole suite
test: setup-test frontend browser-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

setup: $(VENV)/bin/activate
	$(PIP) install --quiet -e .

setup-test: $(VENV)/bin/activate
	$(PIP) install --quiet -e ".[test]"

## front-end packages come from npm and are copied into static/vendor (never committed)
frontend:
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) manage.py vendor_frontend

## Debian's chromium for the browser journeys (installed when missing and we are root)
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium missing: run 'sudo apt-get install -y chromium' (browser tests will skip)"; fi; \
	fi

migrate:
	$(PY) manage.py migrate --no-input

data:
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_data
	$(PY) manage.py compute_gap_report

lint:
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

bench: setup-test
	$(PY) manage.py migrate --no-input
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
