# Two commands after `git clone`:  `make run` (install, migrate, load a demo catalog, serve on :8000)
# and `make test` (the whole test suite). Both create .venv with the project and its dev extra.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Product read benchmark on a seeded catalog (PostgreSQL + Redis + wrk; see benchmarks/run.py). Not part of `make test`.
bench: install
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Docs diagrams (docs/diagrams.py; PNGs need Graphviz's `dot`, Debian package graphviz). `make erd` regenerates
# docs/erd.dot from the models and renders docs/erd.png: run it after changing a model (tests/docs fails until then).
# `make diagrams` also renders every other docs/*.dot (the architecture picture).
.PHONY: erd diagrams
erd: install
	$(PY) docs/diagrams.py erd

diagrams: erd
	$(PY) docs/diagrams.py png $(filter-out docs/erd.dot,$(wildcard docs/*.dot))
