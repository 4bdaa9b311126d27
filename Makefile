# The README's two commands:
#   make run   set up (venv, migrations, demo data), start the scheduler and serve on http://127.0.0.1:5000
#   make test  run the whole test suite (SQLite; PostgreSQL when DATABASE_URL says so)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup forms bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.runtime-installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime-installed
	$(FLASK) db upgrade
	$(FLASK) demo

# The scheduler (overdue sweep, outbox) runs beside the web server and stops with it.
run: setup
	$(FLASK) scheduler run & SCHEDULER=$$!; trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/pytest $(PYTEST_ARGS)

# Reference images of the printed forms (docs/forms/*.png); needs pdftoppm (poppler-utils).
forms: $(VENV)/.runtime-installed
	$(BIN)/python docs/forms/regenerate.py docs/forms

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run_all

clean-venv:
	rm -rf $(VENV)
