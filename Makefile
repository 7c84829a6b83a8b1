# newsbench: `make bench` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: bench test perf bench-update lint typecheck clean

# (Re)install only when the project's pins change; otherwise this is a no-op.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

bench: $(STAMP)
	$(VENV)/bin/newsbench bench

bench-update: $(STAMP)
	$(VENV)/bin/newsbench bench --update-baseline

test: $(STAMP)
	$(VENV)/bin/newsbench validate
	$(VENV)/bin/ruff check bench systems tests
	$(PY) -m mypy
	$(PY) -m pytest

perf: $(STAMP)
	$(PY) -m bench.perf

typecheck: $(STAMP)
	$(PY) -m mypy

lint: $(STAMP)
	$(VENV)/bin/ruff check bench systems tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
