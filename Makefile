# newsbench: `make bench` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: bench test perf bench-update bench-external lint typecheck clean

# (Re)install only when the project's pins change; otherwise this is a no-op.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

bench: $(STAMP)
	$(VENV)/bin/newsbench bench

# Real corpora (see README "Real corpora"): import each from EXTERNAL into data/<corpus>/ (git-ignored),
# bench it into reports/external/<corpus>/, then write reports/external/summary.md + .json.
# A corpus whose importer is not installed (`newsbench import NAME` missing) or whose copy is absent is skipped.
EXTERNAL ?= $(or $(NEWSBENCH_EXTERNAL),../shared/external)
# PolNeAR: the 84-document test split by default (train is 840 documents, ~630k words: too slow for CI).
POLNEAR_SPLIT ?= test
EXTERNAL_CORPORA ?= gum:gum-news polnear:polnear newsquant:newsquant
IMPORT_ARGS_polnear = --split $(POLNEAR_SPLIT)
DATA ?= data
EXTERNAL_REPORTS ?= reports/external
BENCH_ARGS ?=

bench-external: $(STAMP)
	@set -e; for item in $(EXTERNAL_CORPORA); do \
	  name=$${item%%:*}; dir=$(EXTERNAL)/$${item#*:}; \
	  if ! $(VENV)/bin/newsbench import $$name --help >/dev/null 2>&1; then \
	    echo "bench-external: skipped $$name: this checkout has no \`newsbench import $$name\`"; continue; fi; \
	  if [ ! -d "$$dir" ]; then echo "bench-external: skipped $$name: no copy at $$dir"; continue; fi; \
	  t0=$$(date +%s.%N); \
	  case $$name in polnear) extra="$(IMPORT_ARGS_polnear)";; *) extra="";; esac; \
	  $(VENV)/bin/newsbench import $$name "$$dir" --out $(DATA)/$$name $$extra; \
	  t1=$$(date +%s.%N); \
	  $(VENV)/bin/newsbench bench --gold $(DATA)/$$name --out $(EXTERNAL_REPORTS)/$$name --predictions $(EXTERNAL_REPORTS)/$$name/predictions $(BENCH_ARGS) >/dev/null; \
	  t2=$$(date +%s.%N); \
	  echo "bench-external: $$name: import $$(awk "BEGIN{printf \"%.1f\", $$t1 - $$t0}") s, bench $$(awk "BEGIN{printf \"%.1f\", $$t2 - $$t1}") s → $(EXTERNAL_REPORTS)/$$name/leaderboard.md"; \
	done; \
	$(VENV)/bin/newsbench summary-external $(EXTERNAL_REPORTS)

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
