# Samtrygg — the two commands of the README are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# Tests run production-like (secure settings) with a throw-away key.
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production SAMTRYGG_DATA_DIR=$(CURDIR)/var/test

.PHONY: install demo serve test test-fast test-browser check format messages browser clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11, or run make PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PORT=$(PORT) $(BIN)/samtrygg demo

serve: $(STAMP)
	$(BIN)/samtrygg serve --port $(PORT)

# Browser tests need Debian's Chromium and the translation test GNU gettext; as root we install
# them, elsewhere the browser tests skip and say why (the translation test fails and says why).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed; the browser tests will skip"; \
	fi
	@if ! command -v xgettext >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's gettext for the translation test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) \
		|| echo "gettext could not be installed; the translation test will fail"; \
	fi

test: $(STAMP) browser
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 -m "not browser and not slow" $(PYTEST_ARGS)

test-browser: $(STAMP) browser
	$(TEST_ENV) $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=check $(BIN)/mypy src
	SECRET_KEY=check $(BIN)/python -m django makemigrations --check --dry-run --settings=samtrygg.web.settings

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	cd src/samtrygg && SECRET_KEY=messages ../../$(BIN)/python -m django makemessages -l sv --settings=samtrygg.web.settings && \
		SECRET_KEY=messages ../../$(BIN)/python -m django compilemessages -l sv --settings=samtrygg.web.settings

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
