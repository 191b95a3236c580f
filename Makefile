# Two commands do everything: `make run` and `make test` (see README).
VENV   := .venv
PY     := $(VENV)/bin/python
FINSAM := $(VENV)/bin/finsam
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501

.PHONY: install db run test test-fast lint bench bench-large clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Create/upgrade the schema and load the demo data if the database is empty.
db: install
	$(FINSAM) init
	$(FINSAM) demo --if-empty

# Demo mode (demo users shown on the login page) unless DATABASE_URL points elsewhere;
# the app itself refuses it once the auth file has a user or the database a real förbund.
run: db
	FINSAM_DEMO=$${FINSAM_DEMO:-$$( [ -z "$$DATABASE_URL" ] && echo 1 || echo 0 )} \
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT) \
		--browser.gatherUsageStats false

test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not browser"

lint: install
	$(PY) -m ruff check .

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
