# Two set-up commands: `make demo` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/perfbot demo

test: $(STAMP)
	$(BIN)/ruff check .
	bash tests/e2e/install-browser.sh
	bash tests/e2e/install-report-libs.sh
	bash tests/install-postgres.sh
	$(BIN)/pytest

# Puts `perfbot` on your PATH: a link in ~/.local/bin (on the PATH of most Linux desktops and
# servers) to the one in .venv. Or, per shell: `source .venv/bin/activate`.
install: $(STAMP)
	mkdir -p $(HOME)/.local/bin
	ln -sf $(CURDIR)/$(BIN)/perfbot $(HOME)/.local/bin/perfbot
	@echo "perfbot is now $(HOME)/.local/bin/perfbot (if 'perfbot' is not found, add $(HOME)/.local/bin to PATH)"

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) perfbot-data .pytest_cache
