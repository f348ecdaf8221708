# Two commands set up a fresh machine (Python 3.11+): `make demo` and `make test`.
# Both create .venv and install the project into it on first use, with the versions CI tested
# (constraints.txt: `make lock` rewrites it from the current .venv after a dependency change).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint bench clean lock

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/recon demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check recon

clean:
	rm -rf $(VENV) demo .pytest_cache

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^recon-service' > constraints.txt
