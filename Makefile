# One command to run, one to test. Needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
## make test runs pytest on this many processes (pytest-xdist); PYTEST_WORKERS=0 runs it in one.
PYTEST_WORKERS ?= 2

.PHONY: run prod test lint format install install-dev migrate seed worker clean messages compile-messages

$(BIN)/activate:
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11), sys.version" || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

## rapidocr-onnxruntime goes in without its declared dependencies (requirements-ocr.txt says why).
$(VENV)/.runtime: requirements.txt requirements-ocr.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-ocr.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-ocr.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-ocr.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Translations are compiled with polib (config/catalogues.py): no GNU gettext needed.
compile-messages: install
	@$(PY) -m config.catalogues locale >/dev/null

## make messages: refresh the catalogues after changing strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=var --ignore=test-artifacts --ignore=tests
	$(PY) manage.py makemessages -d djangojs -l id --no-obsolete --ignore=.venv --ignore=var --ignore=tests

## make run: set everything up and serve http://127.0.0.1:8000 on the embedded defaults.
run: seed compile-messages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:8000

## make prod: the production topology (Procfile: gunicorn, a face-matching worker, a worker for
## everything else, beat) with honcho, on PostgreSQL, Redis and a local S3-compatible server;
## http://127.0.0.1:8000. PROD_DATABASE_URL, PROD_REDIS_URL, PROD_S3_PORT override the defaults.
prod: install-dev compile-messages
	$(PY) -m config.localprod

## make test: set everything up, lint, type-check, and run the whole test suite.
test: install-dev compile-messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/mypy .
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## mypy reads [tool.mypy] in pyproject.toml (Django and DRF plugins; tests and migrations excluded).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make worker: a real Celery worker (needs CELERY_BROKER_URL).
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
