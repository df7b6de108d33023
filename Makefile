# intake: the tasks. `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app intake
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint fmt bench setup clean

# Create the virtualenv and install the project with its dev tools (once per pyproject change)
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# Set up, bring the SQLite database up to date, create the demo account, serve on :5000
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo-account
	$(FLASK) run --host $(HOST) --port $(PORT) --debug

# Set up and run the whole test suite (PostgreSQL tests too when INTAKE_TEST_DATABASE_URL is set)
test: setup
	$(BIN)/pytest

# Check style
lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Reformat the code
fmt: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache

# Measure: pages and forms against a hello-world ceiling under gunicorn, then proposal PDFs
bench: setup
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_pdf.py
