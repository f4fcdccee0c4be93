# Two entry points for a fresh machine with Python 3.10+ and a C compiler:
#   make demo   — set up .venv and score a sample ward
#   make test   — set up .venv and run the whole test suite
#   make serve  — set up .venv and start the province's portal with demo data on http://127.0.0.1:8000
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# click's messages in Vietnamese (scoring/i18n.py): the .po is the source, the .mo is committed and
# shipped as package data; Babel compiles one from the other
CATALOG := scoring/locale/vi/LC_MESSAGES/click

.PHONY: demo test setup catalog clean bench serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' $(BIN)/python -m pip install --quiet -e '.[test]'
	# bytecode now, as a wheel install would: with PYTHONDONTWRITEBYTECODE set (CI, containers) every
	# command would otherwise recompile the package from source (~60 ms per start)
	$(BIN)/python -m compileall -q scoring portal
	touch $(STAMP)

$(CATALOG).mo: $(CATALOG).po | $(STAMP)
	$(BIN)/pybabel compile --domain click --directory scoring/locale --locale vi

catalog: $(CATALOG).mo

setup: $(STAMP) $(CATALOG).mo

demo: setup
	$(BIN)/dvcq score samples/quang-ngai/pho-van-2023.yaml

serve: setup
	$(BIN)/dvcq serve --demo

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV)
