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

.PHONY: demo test setup catalog clean bench serve check-compiler

# durable-rules has no wheel and is compiled from source: without a C compiler and Python's headers
# pip fails with a long build log that names neither, so say what to install first (make's CC is `cc`
# unless the environment sets it, as pip's build does)
check-compiler:
	@command -v $(CC) >/dev/null 2>&1 || { \
	  echo "Lỗi: không tìm thấy trình biên dịch C ($(CC)). Cần cài gcc và python3-dev trước khi cài đặt:"; \
	  echo "  sudo apt-get install gcc python3-dev   (Debian/Ubuntu; Fedora: sudo dnf install gcc python3-devel)"; \
	  echo "Error: no C compiler found ($(CC)). Install gcc and python3-dev first (durable-rules is built from source)."; \
	  exit 1; }
	@$(PYTHON) -c "import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" || { \
	  echo "Lỗi: thiếu tệp tiêu đề của Python (Python.h). Cần cài python3-dev:"; \
	  echo "  sudo apt-get install python3-dev   (Fedora: sudo dnf install python3-devel)"; \
	  echo "Error: Python's development headers (Python.h) are missing. Install python3-dev first."; \
	  exit 1; }

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory -s check-compiler
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
