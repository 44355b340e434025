# Two commands matter on a fresh machine: `make demo` and `make test`.
# Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip
# uv installs in seconds; the Makefile fetches it into .tools itself and falls back to pip.
UV     := .tools/bin/uv

.PHONY: test-min install test test-unit test-integration test-replay test-live record-emulator lint format typecheck demo bench clean

$(STAMP): pyproject.toml constraints.txt
	@echo "==> [1/3] Fetching the uv installer into .tools (pip is the fallback)"
	@[ -x $(UV) ] || $(PYTHON) -m pip install --disable-pip-version-check -q --target .tools uv \
		|| echo "    uv could not be installed; using pip (slower)"
	@if [ -x $(UV) ] && echo "==> [2/3] Creating $(VENV)" \
		&& $(UV) venv -q --allow-existing --python $(PYTHON) $(VENV) \
		&& echo "==> [3/3] Installing langchain-gradient with its extras" \
		&& $(UV) pip install --python $(BIN)/python -c constraints.txt -e ".[all,test,lint,bench,ray]"; then \
		:; \
	else \
		echo "==> [2/3] Creating $(VENV) (pip)" && $(PYTHON) -m venv $(VENV) && \
		echo "==> [3/3] Installing langchain-gradient with its extras (pip)" && \
		$(PIP) install --progress-bar on -c constraints.txt -e ".[all,test,lint,bench,ray]"; \
	fi
	touch $(STAMP)

# CI's second run: the lowest versions we declare (constraints-min.txt), unit tests only,
# in a separate venv so the main one keeps the latest versions.
MIN_VENV := .venv-min
test-min: $(STAMP)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(MIN_VENV)
	$(UV) pip install -q --python $(MIN_VENV)/bin/python -c constraints-min.txt -e ".[all,test]"
	$(MIN_VENV)/bin/pytest -q -p no:cacheprovider tests

install: $(STAMP)

# The integration suite runs against the local emulator here, even with MODEL_ACCESS_KEY set.
test: $(STAMP)
	GRADIENT_TEST_MODE=emulator $(BIN)/pytest -q -p no:cacheprovider tests integration_tests

test-unit: $(STAMP)
	$(BIN)/pytest -q tests

test-integration: $(STAMP)
	GRADIENT_TEST_MODE=emulator $(BIN)/pytest -q integration_tests

# Replays committed cassettes with the network blocked; no key, no emulator.
test-replay: $(STAMP)
	GRADIENT_TEST_MODE=replay $(BIN)/pytest -q -p no:cacheprovider integration_tests \
		--record-mode=none --block-network

# Re-records every recorded cassette against the emulator (after a change to what we send).
# The live recording command is in integration_tests/README.md.
record-emulator: $(STAMP)
	GRADIENT_TEST_MODE=emulator $(BIN)/pytest -q -p no:cacheprovider integration_tests \
		--record-mode=rewrite

# The same suite against the real service (needs MODEL_ACCESS_KEY; costs a little money).
test-live: $(STAMP)
	GRADIENT_TEST_MODE=live $(BIN)/pytest -q integration_tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: $(STAMP)
	$(BIN)/langchain-gradient demo

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(MIN_VENV) .tools .mypy_cache .ruff_cache .pytest_cache
