# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
APP := $(BIN)/flask --app app
# Redis for the worker (SPEC "Notices"); the demo's queue is this checkout's own, so that two
# checkouts on one Redis never take each other's jobs.
REDIS_URL ?= redis://127.0.0.1:6379/0
JOBS_QUEUE ?= consortium-demo-$(shell pwd | cksum | cut -d' ' -f1)
export REDIS_URL JOBS_QUEUE
PO := $(wildcard consortium/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
# Debian packages the tests need: pdftotext/pdftoppm, headless Chromium, HarfBuzz subsetting.
DEBIAN_PACKAGES := poppler-utils chromium libharfbuzz-subset0

.PHONY: restore-drill install run test test-sqlite test-postgres lint system-deps browser-deps translations extract-messages bench clean
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations: $(MO)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d consortium/translations --no-fuzzy-matching
	rm -f messages.pot

system-deps:
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# axe-core for the accessibility checks, pinned in tests/browser/axe/package-lock.json.
browser-deps: $(AXE)

$(AXE): tests/browser/axe/package-lock.json
	@command -v npm >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm; }
	cd tests/browser/axe && npm ci --no-audit --no-fund --silent
	touch $@

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

run: install instance/secret_key
	CONSORTIUM_DEMO=1 $(APP) db upgrade
	CONSORTIUM_DEMO=1 $(APP) documents demo-certificate
	CONSORTIUM_DEMO=1 $(APP) seed-demo
	@echo
	@echo "  Consortium Registry: http://$(HOST):$(PORT)/"
	@echo
	@if $(BIN)/python -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL'], socket_connect_timeout=1).ping()" 2>/dev/null; then \
	  echo "  Redis answers at $(REDIS_URL): the worker (flask --app app worker) runs beside the web server."; \
	  echo; \
	  echo "  Notices (e-mail) are written to the worker's output: no MAIL_SERVER is set."; \
	  echo; \
	  CONSORTIUM_DEMO=1 JOBS_MODE=rq BASE_URL=http://$(HOST):$(PORT) $(APP) worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  CONSORTIUM_DEMO=1 JOBS_MODE=rq BASE_URL=http://$(HOST):$(PORT) $(APP) run --host $(HOST) --port $(PORT); \
	else \
	  echo "  Redis does not answer at $(REDIS_URL): long work (ZIPs) runs inside the web process."; \
	  echo; \
	  CONSORTIUM_DEMO=1 JOBS_MODE=thread BASE_URL=http://$(HOST):$(PORT) $(APP) run --host $(HOST) --port $(PORT); \
	fi

test: install system-deps browser-deps
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else \
	  echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
	fi

test-sqlite:
	@echo "== test suite on SQLite =="
	env -u CONSORTIUM_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL =="
	CONSORTIUM_TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest $(PYTEST_ARGS)

# ruff, import-linter (the layers and the pure rules of [tool.importlinter] in pyproject.toml),
# then the type checker (mypy, [tool.mypy]) over consortium/.
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install
	@for script in $$(grep -l '__main__' bench/*.py); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts tests/browser/axe/node_modules

# pg_dump and restore of a demo database, checked there (needs PostgreSQL at PGHOST)
restore-drill: install
	.ci/restore-drill
