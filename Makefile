# Sasaeai — the two commands a newcomer needs: `make demo` and `make test`.
# `make demo` / `make serve` run the web server, the task worker and the monitors together
# (`sasaeai serve_all`); Ctrl-C stops all of them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SCALE ?= small
SEED ?= 1
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast lint messages serve clean browsers fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

# Compile the gettext catalogues (.mo files are build products, not committed).
messages: $(STAMP)
	cd src/sasaeai && ../../$(BIN)/sasaeai compilemessages --ignore '.venv' -v0

# Notification links (also those the seed records) point at this server unless set.
demo: export SASAEAI_SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	$(BIN)/sasaeai migrate --noinput -v0
	$(BIN)/sasaeai seed_demo --scale $(SCALE) --seed $(SEED)
	$(BIN)/sasaeai demo_logins --scale $(SCALE) --seed $(SEED)
	$(BIN)/sasaeai serve_all 127.0.0.1:$(PORT)

# The whole suite; with DATABASE_URL set it runs on that database (e.g. PostgreSQL).
test: install
	$(BIN)/ruff check src tests
	$(BIN)/pytest -n 2 --dist loadgroup

# schemathesis with 200 examples per operation (anonymous, 2FA coordinator, proxy): long, not in `make test`.
fuzz: install
	rm -rf var/fuzz && mkdir -p var/fuzz
	SASAEAI_FUZZ_EXAMPLES=$${SASAEAI_FUZZ_EXAMPLES:-200} SASAEAI_FUZZ_REPORT=var/fuzz \
	  $(BIN)/pytest -n 2 -q tests/security/test_security_schemathesis.py
	$(BIN)/python -c "import collections, json, pathlib; c = collections.Counter(); \
	  [c.update(json.loads(p.read_text())) for p in pathlib.Path('var/fuzz').glob('*.json')]; \
	  print(json.dumps({'examples_per_operation': $${SASAEAI_FUZZ_EXAMPLES:-200}, **c}, sort_keys=True))"

test-fast: install
	$(BIN)/pytest -n 2 -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check src tests

serve: install
	$(BIN)/sasaeai migrate --noinput -v0
	$(BIN)/sasaeai serve_all 127.0.0.1:$(PORT) --web gunicorn --workers 2

clean:
	rm -rf $(VENV) staticfiles build src/*.egg-info
