# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   install into .venv, load the sample corpus into backstory.db, serve :8000
#   make test   install into .venv (with test tools) and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo serve test lint typecheck eval clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: install
	$(BIN)/backstory --db backstory.db demo --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/backstory --db backstory.db serve

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check backstory tests eval bench

typecheck: install
	$(BIN)/mypy backstory

eval: install
	$(BIN)/python -m eval.analysis
	$(BIN)/python -m eval.stories
	$(BIN)/python -m eval.ask

clean:
	rm -rf $(VENV) backstory.db backstory.db-wal backstory.db-shm backstory.db.usearch backstory.db.usearch.json
