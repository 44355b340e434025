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

# Extras per venv: `make demo` needs only the CLI, the emulator and LangGraph; tests need all.
FULL_EXTRAS := all,test,lint,bench,ray
DEMO_STAMP  := $(VENV)/.installed-demo
# constraints.txt may hold no pins at all; pass it only when it does (uv warns on an empty one).
CONSTRAINTS  = $(if $(shell grep -v '^\s*\(#\|$$\)' $(1) 2>/dev/null),-c $(1))

$(UV):
	@echo "==> Fetching the uv installer into .tools (pip is the fallback)"
	@$(PYTHON) -m pip install --disable-pip-version-check --root-user-action=ignore -q \
		--target .tools uv 2>/dev/null || echo "    uv could not be installed; using pip (slower)"

# $(call venv_install,VENV,EXTRAS,CONSTRAINTS FILE): uv when .tools has it, else venv + pip.
define venv_install
	@if [ -x $(UV) ] && echo "==> Creating $(1)" \
		&& $(UV) venv -q --allow-existing --python $(PYTHON) $(1) \
		&& echo "==> Installing langchain-gradient[$(2)] into $(1)" \
		&& $(UV) pip install --python $(1)/bin/python $(call CONSTRAINTS,$(3)) -e ".[$(2)]"; then \
		:; \
	else \
		echo "==> Creating $(1) (pip)" && $(PYTHON) -m venv $(1) && \
		echo "==> Installing langchain-gradient[$(2)] into $(1) (pip)" && \
		$(1)/bin/python -m pip install --disable-pip-version-check --progress-bar on \
			$(call CONSTRAINTS,$(3)) -e ".[$(2)]"; \
	fi
endef

$(STAMP): pyproject.toml constraints.txt | $(UV)
	$(call venv_install,$(VENV),$(FULL_EXTRAS),constraints.txt)
	@touch $(STAMP) $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml constraints.txt | $(UV)
	$(call venv_install,$(VENV),demo,constraints.txt)
	@touch $(DEMO_STAMP)

# CI's second run: the lowest versions we declare (constraints-min.txt), in a separate venv
# so the main one keeps the latest. Unit tests and cassette replay: lint is version-independent
# and the emulator suite exercises the emulator, which the unit tests already start.
MIN_VENV := .venv-min
MIN_STAMP := $(MIN_VENV)/.installed
MIN_EXTRAS := all,test,ray
$(MIN_STAMP): pyproject.toml constraints-min.txt | $(UV)
	$(call venv_install,$(MIN_VENV),$(MIN_EXTRAS),constraints-min.txt)
	@touch $(MIN_STAMP)

test-min: $(MIN_STAMP)
	$(MIN_VENV)/bin/pytest -q -p no:cacheprovider tests
	GRADIENT_TEST_MODE=replay $(MIN_VENV)/bin/pytest -q -p no:cacheprovider integration_tests \
		--record-mode=none --block-network

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

demo: $(DEMO_STAMP)
	$(BIN)/langchain-gradient demo

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(MIN_VENV) .tools .mypy_cache .ruff_cache .pytest_cache
