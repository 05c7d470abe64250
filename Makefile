# Jejak: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export JEJAK_DATABASE_URL ?= sqlite:///jejak.db

.PHONY: demo test install bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

demo: install
	$(BIN)/jejak demo --reuse
	$(BIN)/jejak serve --host 127.0.0.1 --port 8000

test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --timeout 600

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
