# Two entry points (see README.md):
#   make demo   install, ingest the example documents into ./aidtrace.db, serve the dashboard
#   make test   install with test dependencies and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install extract-seed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Re-installs when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/aidtrace ingest examples/
	$(BIN)/aidtrace serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -q

extract-seed: install
	$(BIN)/aidtrace extract --format table examples/
