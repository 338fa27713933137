# Kabar: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.kabar-installed
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)
DEMO_DIR ?= demo-data

.PHONY: all setup translations demo test lint check-imports bench clean postgres

all: test

# The venv is (re)built from pyproject.toml; nothing depends on a hand install.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP) translations

resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

demo: setup
	@if [ "$$QT_QPA_PLATFORM" = "offscreen" ] || [ -z "$$DISPLAY$$WAYLAND_DISPLAY$$QT_QPA_PLATFORM" ]; then \
	  if [ "$$QT_QPA_PLATFORM" != "offscreen" ]; then \
	    echo "Kabar: no display found on this machine. To see the app in a virtual screen:"; \
	    echo "    xvfb-run -s '-screen 0 1366x768x24' make demo"; \
	    echo "Running the demo headless instead (the window is drawn offscreen, then closed)."; \
	  fi; \
	  $(PY) -m server.demo_run --headless --data-dir $(DEMO_DIR) \
	    && echo "Demo data is in $(DEMO_DIR)/ (desktop/ and server/); run make demo with a display to use it."; \
	else \
	  $(PY) -m server.demo_run --data-dir $(DEMO_DIR); \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy forms sync
	$(VENV)/bin/lint-imports

# The server tests start their own PostgreSQL cluster from the Debian binaries (never a system one).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing PostgreSQL (Debian package postgresql) for the server tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

test: setup lint postgres
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: setup
	$(PY) -m benchmarks.save
	$(PY) -m benchmarks.startup
	$(PY) -m benchmarks.sync_link
	$(PY) -m benchmarks.sync_soak
	$(PY) -m benchmarks.server_load

clean:
	rm -rf $(VENV) build dist *.egg-info resources/translations/*.qm .pytest_cache .mypy_cache .ruff_cache
