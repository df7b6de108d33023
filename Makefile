# intake: the tasks. `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app intake
HOST ?= 127.0.0.1
PORT ?= 5000
INSTANCE ?= $(or $(INTAKE_INSTANCE_PATH),instance)

.PHONY: run test test-tools lint fmt bench bench-work profile setup clean lock wheel-check

# Create the virtualenv: exactly the locked packages, each checked against its hash
# (requirements/dev-lock.txt: the app's and the tools'), then the project itself,
# editable and without dependencies (once per change of the lock or pyproject.toml)
$(BIN)/.installed: pyproject.toml requirements/dev-lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev-lock.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

setup: $(BIN)/.installed

# Pin every package again within pyproject.toml's ranges, with hashes: the app's
# (requirements/lock.txt, what a wheel install uses) and the app's with the tools'
# (requirements/dev-lock.txt, what `make setup` installs). Then `make setup` and test.
# One package only: make lock UPGRADE="--upgrade-package weasyprint"
UPGRADE ?= --upgrade
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet $(UPGRADE)
lock: setup
	$(LOCK) -o requirements/lock.txt
	$(LOCK) --extra dev -o requirements/dev-lock.txt

# Build the wheel, install it in a fresh virtualenv outside the checkout and, from /,
# migrate, serve a page through gunicorn, render a proposal, deliver mail, back up
wheel-check: setup
	.ci/wheel-check

# Set up, bring the SQLite database up to date, create the demo account (and, on an empty
# database, demo clients with outcomes: docs/outcomes.md), serve on :5000
# in debug mode (the only mode that accepts the public development key and the demo account)
run: setup $(INSTANCE)/config.py
	$(FLASK) --debug db upgrade
	$(FLASK) --debug demo-account
	$(FLASK) --debug demo-outcomes --if-empty
	$(FLASK) --debug run --host $(HOST) --port $(PORT)

# A random secret key for this clone, written once: outside debug mode the app refuses the
# development key, and the CLI tasks in README.md run without --debug
$(INSTANCE)/config.py:
	mkdir -p $(INSTANCE)
	$(PYTHON) -c 'import secrets; print(f"SECRET_KEY = \"{secrets.token_hex(32)}\"")' > $@

# The W3C HTML checker the tests run (tests/integration/test_html_validity.py), pinned,
# into a folder git ignores; needs npm and Java
VNU_JAR := .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	npm install --prefix .tools/vnu --no-save --no-audit --no-fund --ignore-scripts vnu-jar@26.9.27

# What the tests need besides the virtualenv (.ci/run makes it once before two passes)
test-tools: setup $(VNU_JAR)

# Set up and run the whole test suite (PostgreSQL tests too when INTAKE_TEST_DATABASE_URL is set)
test: test-tools
	$(BIN)/pytest

# Check style and types (mypy: strict on the pure modules, see pyproject.toml)
lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

# Reformat the code
fmt: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache

# Measure: pages and forms against a hello-world ceiling under gunicorn, then proposal PDFs
bench: setup
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_pdf.py

# More of the work measured (bench/work.py): CPU of `flask rescore` per 100,000 submissions,
# the CSV export's time and worker peak RSS at 10k and 100k rows, 8 proposal renders at once
bench-work: setup
	$(BIN)/python bench/work.py

# Where one scenario's time goes: py-spy samples a worker under wrk (bench/profile.py)
# make profile SCENARIO=step_get|step_post|list|search [DATABASE=postgresql] [ROWS=20000]
SCENARIO ?= step_get
DATABASE ?= sqlite
ROWS ?= 20000
profile: setup
	$(BIN)/python bench/profile.py $(SCENARIO) --database $(DATABASE) --rows $(ROWS)
