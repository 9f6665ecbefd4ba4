# Everything a fresh machine needs goes through here: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app vendorrisk
DEV    := VENDORRISK_ENV=development
CATALOG := vendorrisk/translations

.PHONY: install run test test-sqlite test-pg lint translations extract-messages screenshot clean \
	bench bench-pg bench-tools

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Compiled message catalogues are build output; the .po files are the source.
translations: install
	$(VENV)/bin/pybabel compile -f -d $(CATALOG) >/dev/null

extract-messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o $(CATALOG)/messages.pot .
	$(VENV)/bin/pybabel update -i $(CATALOG)/messages.pot -d $(CATALOG)

instance/secret_key:
	mkdir -p instance
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

# The keys that encrypt stored documents. Back this file up apart from the database and uploads:
# without it the stored documents cannot be read (that is the point).
instance/storage_keys.json: | install
	mkdir -p instance
	$(PY) -c 'from pathlib import Path; from vendorrisk.storage.keyring import create_keyring_file; create_keyring_file(Path("$@"))'

run: install translations instance/secret_key instance/storage_keys.json
	$(DEV) $(FLASK) db upgrade
	$(DEV) $(FLASK) seed demo
	@echo "VendorRisk on http://127.0.0.1:5000, its worker beside it (Ctrl-C stops both)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV) $(FLASK) worker & worker=$$!; \
	$(DEV) $(FLASK) run --host 127.0.0.1 --port 5000

lint: install
	$(VENV)/bin/ruff check .
	VENDORRISK_ENV=testing $(FLASK) questionnaires check

test: lint translations test-sqlite test-pg

test-sqlite: install translations
	VENDORRISK_TEST_DB=sqlite $(PY) -m pytest

test-pg: install translations
	scripts/ensure-postgres
	VENDORRISK_TEST_DB=postgresql $(PY) -m pytest

# The benchmark (issue 10; README "Benchmark"): generates the data (cached in bench/.work), serves
# the portal under gunicorn, drives it with wrk and writes bench/results.md. About 30 minutes per
# database at the default size. Quick run: `make bench VENDORS=1000 DATABASES=sqlite`.
VENDORS     ?= 100000
ASSESSMENTS ?= $(shell echo $$(( $(VENDORS) / 5 )))
ANSWERS     ?= $(shell echo $$(( $(VENDORS) * 10 )))
DATABASES   ?= sqlite postgresql
DURATION    ?= 20
BENCH_ARGS  ?=

bench: install translations bench-tools
	$(if $(filter postgresql,$(DATABASES)),scripts/ensure-postgres)
	$(PY) -m bench.run $(foreach db,$(DATABASES),--database $(db)) --vendors $(VENDORS) \
		--assessments $(ASSESSMENTS) --answers $(ANSWERS) --duration $(DURATION) $(BENCH_ARGS)

bench-pg:
	$(MAKE) bench DATABASES=postgresql

# wrk, the load generator (Debian's package).
bench-tools:
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

# Refreshes the README's screenshot from a portal started with `make run`.
screenshot: install
	$(PY) scripts/screenshot.py http://127.0.0.1:5000 docs/dashboard.png

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis bench/.work
