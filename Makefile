# Two commands for a new user: `make serve` (install, train if needed, run) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
BIND   ?= 127.0.0.1:8000

.PHONY: serve test install install-test train evaluate bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Install, train the default model if none is built, and serve on $(BIND).
serve: install
	$(BIN)/moderation-serve --bind $(BIND) --dev-key-file var/api-key

## Install the test dependencies and run the whole test suite.
test: install-test
	$(BIN)/python -m pytest

train: install
	$(BIN)/moderation-train

evaluate: install
	$(BIN)/moderation-evaluate --data $(DATA)

bench: install-test
	$(BIN)/python -m bench

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/hadolint Dockerfile

clean:
	rm -rf $(VENV) var .pytest_cache
