# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= ../shared/corpus
DATA   ?= data
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run ingest serve test test-fast bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Set everything up, ingest the sample corpus and serve it on http://$(HOST):$(PORT)/
run: ingest serve

ingest: $(STAMP)
	$(BIN)/councilgraph ingest $(CORPUS) --data $(DATA)

serve: $(STAMP)
	$(BIN)/councilgraph serve --data $(DATA) --host $(HOST) --port $(PORT)

## Run the whole test suite (unit, golden, HTTP, SPARQL clients, browser when Chromium is installed)
test: $(STAMP)
	$(BIN)/python -m pytest

## Benchmarks: results are appended to docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(DATA) .pytest_cache build *.egg-info
