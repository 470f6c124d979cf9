# Two entry points for a newcomer: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
CORPUS ?= ../shared/corpus

.PHONY: demo test setup system-deps lint evaluate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

# Debian packages the test suite needs (OCR, browser); skipped when not root and not available.
system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  bash scripts/install-system-deps.sh; \
	else echo "system-deps: not root or no apt-get; install them with: sudo bash scripts/install-system-deps.sh"; fi

demo: setup
	$(BIN)/hds-analyzer scan samples/contracts -o $(OUT)

test: setup system-deps lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check analyzer tests benchmarks samples scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

evaluate: setup
	$(BIN)/hds-analyzer evaluate samples/gold samples/contracts
	@echo "== unseen samples (written by authors who never ran the tool; never used to tune or train)"
	$(BIN)/hds-analyzer evaluate samples/unseen/gold samples/unseen/contracts
	@if [ -d $(CORPUS) ]; then $(BIN)/hds-analyzer evaluate tests/gold/corpus $(CORPUS); fi
	@if [ -d $(CORPUS) ]; then echo "== dev, leave one publisher out (clause model never saw the publisher)"; \
	  $(BIN)/python scripts/train_clause_model.py --cross-validate --corpus $(CORPUS); fi

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(OUT) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
