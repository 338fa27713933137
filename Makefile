# Kabar: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.kabar-installed
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)
DEMO_DIR ?= demo-data

.PHONY: all setup translations demo test lint check-imports bench clean postgres bundle dist bundle-libs

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

# The desktop bundle (PyInstaller, build_spec/kabar.spec). Rebuilt only when a file it is made
# from changed: dist/kabar/kabar itself is the stamp. ~45 s on the 2-core CI machine.
BUNDLE := dist/kabar/kabar
BUNDLE_SRC := pyproject.toml $(QM) $(shell find forms sync desktop resources build_spec -type f \
	-not -path '*/__pycache__/*' -not -name '*.qm' -not -name '*.ts' 2>/dev/null)

# The X11 (xcb) libraries the bundle carries for officers' Linux desktops must be on the build
# machine (Debian packages; the same list as XCB_DEBIAN_PACKAGES in build_spec/bundle_rules.py).
XCB_PKGS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 \
	libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1
bundle-libs:
	@command -v dpkg-query >/dev/null || exit 0; \
	missing=$$(for p in $(XCB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing the X11 libraries the bundle carries:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BUNDLE): $(STAMP) $(BUNDLE_SRC) | bundle-libs
	$(PY) build_spec/build.py build_spec/kabar.spec --distpath dist --workpath build
	touch $@

bundle: setup $(BUNDLE)

# dist/kabar/ plus dist/kabar-<version>-linux-<arch>.tar.xz to hand out
dist: bundle
	$(PY) build_spec/archive.py dist/kabar --out-dir dist

# The suite includes tests/bundle, which runs the bundle's smoke test: KABAR_REQUIRE_BUNDLE
# turns a missing bundle into a failure (a developer's own pytest run skips those tests).
test: setup lint postgres bundle
	KABAR_REQUIRE_BUNDLE=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: setup
	$(PY) -m benchmarks.save
	$(PY) -m benchmarks.startup
	$(PY) -m benchmarks.sync_link
	$(PY) -m benchmarks.sync_soak
	$(PY) -m benchmarks.server_load
	$(PY) -m benchmarks.bundle

clean:
	rm -rf $(VENV) build dist *.egg-info resources/translations/*.qm .pytest_cache .mypy_cache .ruff_cache
