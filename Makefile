# The two commands of the quick start: `make run` and `make test`.
# Both create the virtual environment on first use and install the pinned dependencies into it.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bench eval model clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,model]'
	touch $(STAMP)

# The industry model is built from the data in nlp/data (under 30 s on two cores) and rebuilt when that data changes.
MODEL  := nlp/model/industry.npz
$(MODEL): $(STAMP) nlp/train.py nlp/features.py nlp/tokenize.py nlp/normalize.py nlp/industry.py \
          nlp/data/terms.tsv nlp/data/stopwords.txt nlp/data/gbt4754_2017.csv nlp/data/green_finance_catalogue_2025.csv \
          $(wildcard nlp/data/train/*.tsv)
	$(PY) -m nlp.train

model: $(MODEL)

run: $(MODEL)
	$(PY) bot.py

test: $(MODEL)
	$(PY) -m pytest

eval: $(MODEL)
	$(PY) -m nlp.evaluate

bench: $(MODEL)
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
	rm -rf $(VENV) .pytest_cache *.egg-info nlp/model
