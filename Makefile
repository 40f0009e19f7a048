# 平安乌海 — two commands for a new machine: `make run` and `make test`.
# Both create .venv if it is missing and install the pinned requirements first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run serve backup restore load soak test test-services setup install lint format messages bench bench-imports bench-publish bench-admin clean

# Compiled modules (and pytest's rewritten test modules) are kept between runs, even where the
# environment turns that off for every program: without them each process of a test run
# compiles the whole project again, seconds before its first test.
unexport PYTHONDONTWRITEBYTECODE

# The settings default to production (DEBUG off); the development targets turn it on. An
# explicit DEBUG in the environment wins.
run test test-services setup install lint format messages bench bench-imports bench-publish bench-admin load soak: export DEBUG ?= True

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)
	$(PY) manage.py compile_translations

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference

## Serve the portal on http://127.0.0.1:8000 with the demo data set.
run: setup
	$(PY) manage.py seed_demo
	@echo
	@echo "平安乌海 is at http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	$(PY) manage.py runserver 127.0.0.1:8000

## Production on 127.0.0.1:8000 (BIND to change): gunicorn, WhiteNoise, DEBUG off. Needs the
## variables of README's deployment section (SECRET_KEY, SITE_URL, ALLOWED_HOSTS, DATABASE_URL…).
serve: install
	DEBUG=False $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=False $(PY) manage.py migrate --noinput
	DEBUG=False $(PY) manage.py load_reference
	DEBUG=False $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=False $(VENV)/bin/gunicorn --config wuhai_safety/gunicorn.conf.py wuhai_safety.wsgi

## The database and uploaded files into var/backups/<date>/ (BACKUP_DIR to change), with a
## manifest of row counts, checksums and file hashes; `make restore FROM=<folder>` puts one back.
backup: install
	$(PY) manage.py backup $(if $(BACKUP_DIR),--to $(BACKUP_DIR))

restore: install
	$(PY) manage.py restore $(FROM)

## Run the whole test suite (browser tests are skipped, with the reason, without Chromium).
test: install
	$(PY) -m pytest

## The tests that start servers of their own (a PostgreSQL restarted under gunicorn, two
## instances sharing Redis…): slower, run by .ci/run after the main suite.
test-services: install
	$(PY) -m pytest -m services -n 0

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# No module of ratings/ over 800 lines (migrations aside): one that grows is split by aggregate.
	@long=$$(find ratings -name '*.py' -not -path '*/migrations/*' \
	  -exec awk 'END { if (NR > 800) print FILENAME ": " NR " lines, over 800" }' {} \;); \
	  if [ -n "$$long" ]; then echo "$$long"; exit 1; fi

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Re-extract the English catalogue after changing interface text (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*'
	$(PY) manage.py compile_translations

## Load on loopback (production mode, gunicorn): public pages and assessors and certifiers at
## work, for LOAD_SECONDS (60) with LOAD_PEOPLE (8); req/s, p50/p95 and errors into
## bench/results/. soak: ten minutes at half that, and the workers' memory growth. Not in CI.
LOAD_SECONDS ?= 60
LOAD_PEOPLE ?= 8
load: install
	$(PY) bench/load.py --seconds $(LOAD_SECONDS) --people $(LOAD_PEOPLE)

soak: install
	$(PY) bench/load.py --seconds 600 --people $$(( $(LOAD_PEOPLE) / 2 )) --soak

## The benchmark (bench/run.py): the pages that grow with the data and the user's scope against
## a floor, under gunicorn; SCALE=small (default, a few minutes), moderate or national (use a
## PostgreSQL DATABASE_URL; building takes about 25 minutes). Results in bench/results/.
SCALE ?= small
bench: install
	$(PY) bench/run.py --scale $(SCALE)

## Imports (bench/imports.py): ROWS regions and households as XLSX and GBK CSV through the
## import commands' code path, against bulk_create of the same rows; rows/s and peak memory.
ROWS ?= 10000
bench-imports: install
	$(PY) bench/imports.py --rows $(ROWS)

## Closing out a year (bench/publish.py): COMMUNITIES rated communities (a tenth ten-star),
## then 未完成评定, publishing and issuing every plaque, each timed with its peak memory.
## The national figure is COMMUNITIES=644490 on PostgreSQL (DATABASE_URL).
COMMUNITIES ?= 20000
bench-publish: install
	$(PY) bench/publish.py --communities $(COMMUNITIES)

## The back office's changelists at depth (bench/admin_depth.py): ROWS communities and one
## year's ratings, page 1, page 50 and a page near the end, each rendered through the admin.
bench-admin: install
	$(PY) bench/admin_depth.py --rows $(ROWS)

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache
