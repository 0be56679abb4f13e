# The two commands of the quick start: `make run` and `make test`.
# Both create the virtual environment on first use and install the pinned dependencies into it.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run demo-reset lint test bench eval model clean

# pip's and setuptools' output goes to $(VENV)/install.log, the terminal gets one line a stage; when the install
# fails, the end of the log (pip's errors) is shown and make stops
INSTALL_LOG := $(VENV)/install.log
PIP := $(PY) -m pip install -q --disable-pip-version-check

$(STAMP): pyproject.toml
	@test -x $(PY) || { echo "正在创建虚拟环境 $(VENV)…"; $(PYTHON) -m venv $(VENV); }
	@echo "正在安装依赖（首次需要几分钟；详细记录：$(INSTALL_LOG)）…"
	@{ $(PIP) --upgrade pip && $(PIP) -e '.[test,model]'; } >$(INSTALL_LOG) 2>&1 || { \
	  tail -n 30 $(INSTALL_LOG) >&2; echo "依赖安装失败，完整记录见 $(INSTALL_LOG)" >&2; exit 1; }
	@touch $(STAMP)
	@echo "依赖已安装。"

# The industry model ships in nlp/model/, built from the data in nlp/data; after changing that data, run
# `make model` and commit nlp/model/ with it (tests/test_model_shipped.py rebuilds it and compares the bytes).
model: $(STAMP)
	$(PY) -m nlp.train

run: $(STAMP)
	$(PY) bot.py

# The console's demo stage from scratch: wipes data/zhuqi.sqlite3 and the console's state file, loads the demo data
# (another DATABASE_URL only when you confirm it by name; PostgreSQL never).
demo-reset: $(STAMP)
	$(PY) -m runtime.demo_reset

# ruff (lint, then the format check: `$(VENV)/bin/ruff format .` rewrites the files) and mypy, as configured in
# pyproject.toml; `make test` runs them first and stops on the first finding
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# on every core, up to 4 workers (pytest-xdist); `$(PY) -m pytest tests/test_x.py` runs one file in one process
test: lint
	$(PY) -m pytest -n auto --maxprocesses 4

eval: $(STAMP)
	$(PY) -m nlp.evaluate

bench: $(STAMP)
	$(PY) bench/consent.py
	$(PY) bench/classify.py
	$(PY) bench/updates.py
	$(PY) bench/reminders.py
	$(PY) bench/matching.py
	$(PY) bench/matching_quality.py
	$(PY) bench/broadcast.py
	$(PY) bench/workers.py
	$(PY) bench/flood.py
	$(PY) bench/import_stall.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache *.egg-info
