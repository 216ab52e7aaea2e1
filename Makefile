# followup_kit: two commands on a fresh clone (Python 3.10+):
#   make demo   set up .venv and run the main job on built-in sample data
#   make test   set up .venv and run every test (notebook lessons, pytest, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lab sync-check lessons pytest bench docs-check clean hub-test

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/followup-kit demo --out demo-output

test: $(STAMP) sync-check lessons pytest

sync-check: $(STAMP)
	$(BIN)/python tools/check_sync.py
	$(BIN)/python tools/make_readme.py --check

lessons: $(STAMP)
	$(BIN)/nbdev-test --n-workers 2

pytest: $(STAMP)
	$(BIN)/python -m pytest

hub-test: $(STAMP)  # the workshop JupyterHub test alone (root; see .ci/run for what it needs); `make test` runs it too
	$(BIN)/python -m pytest tests/browser/test_hub.py

# Contributors' way into nbs/. The pages run on a throwaway journal here (.lab-home), so nothing of a person's own
# reaches the tracked notebooks; job seekers use `followup-kit lab`, which works in a folder of their own.
lab: $(STAMP)
	FOLLOWUP_KIT_HOME=$(CURDIR)/.lab-home $(BIN)/jupyter lab nbs $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)
	$(BIN)/python bench/bench_plan.py
	$(BIN)/python bench/bench_workshop.py

clean:
	rm -rf $(VENV) demo-output _docs _proc
