# Jejak: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export JEJAK_DATABASE_URL ?= sqlite:///jejak.db
# `make demo PORT=8080`; a smaller city: `make demo DEMO_ARGS="--employees 200 --years 1"` (used on an empty database).
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ARGS ?=

.PHONY: demo test install bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

demo: install
	$(BIN)/jejak demo --reuse $(DEMO_ARGS)
	$(BIN)/jejak serve --host $(HOST) --port $(PORT)

# `--dist loadscope`: a module's tests on one backend run on one worker (tests/conftest.py), so its city or server is built once.
test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadscope --timeout 600

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
