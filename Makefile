# ontolabel: `make run` installs everything and serves the demo; `make test` runs the tests.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(CURDIR)/.ontolabel
HOST ?= 127.0.0.1
PORT ?= 8080
STATIC := src/ontolabel/server/static

.PHONY: run test install web chromium test-pg lint demo clean openapi peers

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	# irrCAC: a test-only reference for the agreement coefficients; it pins scipy==1.12,
	# which we do not want, and needs nothing the dev extra lacks.
	$(BIN)/pip install -q --no-deps irrCAC==0.4.4
	touch $@

install: $(VENV)/.installed

# The peers' own readers (datumaro, Label Studio's converter, pycocotools), test-only, in their
# own virtualenv because they pin old dependencies; tests/peers/read_with.py runs in it.
PEERS := .venv-peers
$(PEERS)/.installed: tests/peers/requirements.txt
	$(PY) -m venv $(PEERS)
	$(PEERS)/bin/pip install -q -r tests/peers/requirements.txt
	touch $@

peers: $(PEERS)/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(STATIC)/index.html: web/node_modules/.installed $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/openapi.json
	cd web && npm run build

web: $(STATIC)/index.html

demo: install
	$(BIN)/ontolabel demo --data-dir $(DATA_DIR)

run: install web
	$(BIN)/ontolabel demo --data-dir $(DATA_DIR)
	$(BIN)/ontolabel serve --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

# Headless Chromium from Debian for the browser tests (no browser download is possible).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null; }

test: install web chromium peers
	$(BIN)/python -m pytest -n 2 -q

# The same suite against PostgreSQL (the machine's server on 127.0.0.1:5432).
test-pg: install web peers
	ONTOLABEL_TEST_DATABASE_URL=$${ONTOLABEL_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest -n 2 -q -m "not e2e"

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	$(BIN)/mypy

# After changing the API: regenerate the OpenAPI document and the UI's typed client.
openapi: install web/node_modules/.installed
	$(BIN)/python -m ontolabel.server.openapi > web/openapi.json
	cd web && npm run gen:api

clean:
	rm -rf $(VENV) $(PEERS) web/node_modules $(STATIC)
