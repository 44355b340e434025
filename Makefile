# Two commands matter on a fresh machine: `make demo` and `make test`.
# Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip

.PHONY: install test test-unit test-integration test-replay test-live record-emulator lint format typecheck demo bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[all,test,lint,bench,ray]"
	touch $(STAMP)

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
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
