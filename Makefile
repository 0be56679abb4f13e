# The two commands of the quick start: `make run` and `make test`.
# Both create the virtual environment on first use and install the pinned dependencies into it.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run demo-reset test bench eval model clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,model]'
	touch $(STAMP)

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

test: $(STAMP)
	$(PY) -m pytest

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
	rm -rf $(VENV) .pytest_cache *.egg-info
