# sendmux — build, test, bench.  Every target sets up what it needs from nothing.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
# Folders of Python that ruff checks (those that exist): generated/ too, held to the same rules.
SRC := $(wildcard generator overlay generated tests bench examples)

.PHONY: venv devtree generate check-generated lint format test test-fast verifytypes demo bench bench-quick bench-streams clean spec-update prism typecheck

venv: $(STAMP) devtree

$(STAMP): pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The editable install as type checkers see it. setuptools' editable finder is an import hook that mypy
# and pyright cannot follow for our package-dir mapping, so the venv also gets `sendmux-dev.pth` naming
# build/dev/, where build/dev/sendmux/ links every entry of overlay/ and `_generated` -> generated/ (a
# folder link: whatever `make generate` writes is there at once). Python finds `sendmux` there first, so
# tools and the interpreter see one tree. Remade on every `make venv` (a new overlay module needs that).
# Another environment: `make devtree PYTHON=/path/to/its/python` after `pip install -e '.[dev]'`.
DEVTREE := build/dev

devtree:
	@rm -rf $(DEVTREE) && mkdir -p $(DEVTREE)/sendmux
	@for f in overlay/*; do [ "$${f##*/}" = __pycache__ ] || ln -s "$$PWD/$$f" $(DEVTREE)/sendmux/; done
	@ln -s "$$PWD/generated" $(DEVTREE)/sendmux/_generated
	@echo "$$PWD/$(DEVTREE)" > "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/sendmux-dev.pth"

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
	rm -rf build/typecheck && mkdir -p build/typecheck
	ln -s "$$PWD/$(DEVTREE)/sendmux" "$$PWD/generator" "$$PWD/bench" build/typecheck/
	cd build/typecheck && MYPYPATH=. ../../$(BIN)/mypy --strict --no-incremental -p sendmux -p generator -p bench

lint: venv typecheck
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/ruff check $(SRC)

# npm ci installs what package.json pins: Prism (tests/contract) and pyright (tests/typing).
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

# pyright --verifytypes on the built wheel in a fresh venv; prints completeness and ambiguous symbols.
verifytypes: venv prism
	$(BIN)/pytest -q -s tests/typing/test_verifytypes.py

demo: venv check-generated
	$(PYTHON) examples/quickstart.py

# The A/B baseline: a revision whose overlay/ + generated/ run as one more contender (`none`: no baseline).
# Default: main before issue 17's request pipeline. Built once into .bench/baseline-<sha>/.
BASELINE ?= 00f3c1f

bench: venv
	$(PYTHON) -m bench --baseline $(BASELINE)

bench-quick: venv
	$(PYTHON) -m bench --quick --baseline $(BASELINE)

bench-streams: venv
	$(PYTHON) -m bench --only streams --baseline $(BASELINE)

spec-update: venv
	$(PYTHON) -m generator.spec_update $(if $(SPEC),--spec $(SPEC),)

clean:
	rm -rf $(VENV) build dist .cache node_modules .mypy_cache .ruff_cache .pytest_cache *.egg-info .bench
