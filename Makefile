# sendmux — build, test, bench.  Every target sets up what it needs from nothing.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
# Folders of Python that ruff checks (those that exist): generated/ too, held to the same rules.
SRC := $(wildcard generator overlay generated tests bench examples)

.PHONY: venv generate check-generated lint format test test-fast demo bench bench-quick bench-streams clean spec-update prism typecheck

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

generate: venv
	$(PYTHON) -m generator --out generated

check-generated: venv
	$(PYTHON) -m generator check --out generated

format: venv
	$(BIN)/ruff format $(SRC)
	$(BIN)/ruff check --fix $(SRC)

typecheck: venv
	@# mypy sees the one `sendmux` package the wheel has: overlay/ with generated/ as _generated; the
	@# generator and the benchmarks beside it, so their `import sendmux` is checked too.
	rm -rf build/typecheck && mkdir -p build/typecheck/sendmux
	for f in overlay/*; do ln -s "$$PWD/$$f" build/typecheck/sendmux/; done
	ln -s "$$PWD/generated" build/typecheck/sendmux/_generated
	ln -s "$$PWD/generator" "$$PWD/bench" build/typecheck/
	cd build/typecheck && MYPYPATH=. ../../$(BIN)/mypy --strict --no-incremental -p sendmux -p generator -p bench

lint: venv typecheck
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/ruff check $(SRC)

prism: node_modules/.bin/prism

node_modules/.bin/prism: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.bin/prism

test: venv prism check-generated lint
	$(BIN)/pytest -q
	@# The integration suite once more on the second HTTP stack (httpx2 + httpcore2): every kind of call.
	SENDMUX_HTTP_STACK=httpx2 $(BIN)/pytest -q -p no:randomly tests/integration

test-fast: venv
	$(BIN)/pytest -q -x tests/unit tests/generator

demo: venv check-generated
	$(PYTHON) examples/quickstart.py

bench: venv
	$(PYTHON) -m bench

bench-quick: venv
	$(PYTHON) -m bench --quick

bench-streams: venv
	$(PYTHON) -m bench --only streams

spec-update: venv
	$(PYTHON) -m generator.spec_update $(if $(SPEC),--spec $(SPEC),)

clean:
	rm -rf $(VENV) build dist .cache node_modules .mypy_cache .ruff_cache .pytest_cache *.egg-info .bench
