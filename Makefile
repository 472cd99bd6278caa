# Two commands after `git clone`:  `make run` (install, migrate, load a demo catalog, serve on :8000)
# and `make test` (the whole test suite). Both create .venv from the hashed lock (requirements-dev.lock:
# the project's dependencies and its dev extra) and, where npm exists, the Postman tools in tools/postman/.
# After changing dependencies in pyproject.toml, run `make lock` (see README, "Dependencies").
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
POSTMAN_TOOLS := tools/postman
say = @printf '==> %s\n' $(1)

.PHONY: install run test lint bench lock postman

$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(call say,"creating virtual environment $(VENV)")
	@$(PYTHON) -m venv $(VENV)
	$(call say,"installing locked dependencies (requirements-dev.lock, hashes checked)")
	@$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# Node tools for the Postman collection (openapi-to-postmanv2, newman), pinned by package-lock.json.
# Skipped with a note where npm is absent: only `make postman` and tests/contract/test_postman.py need them.
$(POSTMAN_TOOLS)/node_modules/.installed: $(POSTMAN_TOOLS)/package.json $(POSTMAN_TOOLS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		printf '==> %s\n' "installing Postman tools ($(POSTMAN_TOOLS)/package-lock.json)"; \
		npm ci --prefix $(POSTMAN_TOOLS) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		printf '==> %s\n' "npm not found: skipping the Postman tools (make postman, newman test)"; \
	fi

install: $(VENV)/.installed $(POSTMAN_TOOLS)/node_modules/.installed

run: install
	$(call say,"migrating the database")
	@$(PY) manage.py migrate --noinput --verbosity 0
	$(call say,"loading demo data")
	@$(PY) manage.py load_demo
	$(call say,"serving at http://$(HOST):$(PORT)/ (API docs at /api/docs/; Ctrl-C stops)")
	@$(PY) manage.py runserver $(HOST):$(PORT)

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

# Re-resolve pyproject.toml into uv.lock and export the hashed requirements files, then reinstall.
# Keeps every existing pin that still satisfies pyproject; `make lock UPGRADE=1` moves all to the newest allowed.
# A file whose content did not change is left alone (no needless reinstall).
export_lock = (cp -p $(1) $(VENV)/$(1).old 2>/dev/null || true) \
	&& $(VENV)/bin/uv export --quiet --frozen --no-emit-project $(2) -o $(1) \
	&& (cmp -s $(1) $(VENV)/$(1).old && mv $(VENV)/$(1).old $(1) || rm -f $(VENV)/$(1).old)

lock: $(VENV)/.installed
	$(call say,"resolving pyproject.toml into uv.lock$(if $(UPGRADE), (upgrading every package),)")
	@$(VENV)/bin/uv lock --quiet $(if $(UPGRADE),--upgrade,)
	$(call say,"exporting requirements.lock (production) and requirements-dev.lock (with the dev extra)")
	@$(call export_lock,requirements.lock,)
	@$(call export_lock,requirements-dev.lock,--extra dev)
	@$(MAKE) --no-print-directory install

# Regenerate docs/postman/ (collection + environment) from the OpenAPI schema. Needs node/npm.
postman: install
	$(PY) tools/postman/generate.py docs/postman
