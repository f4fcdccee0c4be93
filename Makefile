# Two entry points for a fresh machine with Python 3.10+ and a C compiler:
#   make demo   — set up .venv and score a sample ward
#   make test   — set up .venv and run the whole test suite
#   make serve  — set up .venv and start the province's portal with demo data on http://127.0.0.1:8000
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup clean bench serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' $(BIN)/python -m pip install --quiet -e '.[test]'
	# bytecode now, as a wheel install would: with PYTHONDONTWRITEBYTECODE set (CI, containers) every
	# command would otherwise recompile the package from source (~60 ms per start)
	$(BIN)/python -m compileall -q scoring portal
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/dvcq score samples/quang-ngai/pho-van-2023.yaml

serve: $(STAMP)
	$(BIN)/dvcq serve --demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV)
