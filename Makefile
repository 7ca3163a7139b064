# The two commands of the README: `make demo` and `make test`. Each first runs `make setup`,
# which creates .venv and installs the pinned Python and npm dependencies (quick when done).

PYTHON_BASE ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup system demo test test-fast lint vectors bench lock clean

setup: $(VENV)/.installed node_modules/.installed system

system:
	@bash scripts/setup-system.sh

$(PY):
	@$(PYTHON_BASE) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON_BASE) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# one command; options may be added, e.g. make demo DEMO_ARGS="--lang en --host 192.168.1.10"
DEMO_ARGS ?=
demo: setup
	rm -rf demo-meeting
	$(VENV)/bin/phieukin demo --out demo-meeting --serve $(DEMO_ARGS)

test: setup
	$(PY) -m tests.vectors.generate --check
	$(PY) -m ruff check .
	node --test tests/js/
	$(PY) -m pytest

# the fast tests only (no Chromium, no server processes, no fuzzing): for development
test-fast: setup
	$(PY) -m pytest -m "not browser and not live and not fuzz"

lint: setup
	$(PY) -m ruff check .

vectors: setup
	$(PY) -m tests.vectors.generate

bench: setup
	$(PY) bench/run.py --quick

lock: $(PY)
	$(PY) -m pip install --quiet -e '.[server,test]'
	(echo "# Pinned Python dependencies of Phiếu Kín (runtime and test). Regenerate with: make lock"; \
	 $(PY) -m pip freeze --all --exclude-editable | grep -v -E '^(phieukin|pip)==') > requirements.lock

clean:
	rm -rf $(VENV) node_modules
