# Two commands for a newcomer: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean venv translations

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@# The statement PDF embeds a CJK font when one is installed (else it names STSong-Light).
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null) || \
		echo "fonts-wqy-microhei not installed: statement PDFs use the reader's STSong-Light"
	$(BIN)/policy-service serve --demo

test: $(STAMP)
	@# Browser tests drive Debian's Chromium (never a downloaded browser); CJK font for zh screens.
	dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile tests

lint: $(STAMP)
	$(BIN)/ruff check .

# Settings in pyproject.toml [tool.mypy]: checks the policy_service package.
typecheck: $(STAMP)
	$(BIN)/mypy

# After adding or changing an admin string: refresh the catalog, translate, compile.
translations: $(STAMP)
	mkdir -p instance
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _ -k lazy -k N_ \
		-o instance/messages.pot policy_service
	@# Only the Chinese catalog takes every string; the English one labels codes (i18n_codes.py).
	$(BIN)/pybabel update -i instance/messages.pot -d policy_service/admin/translations \
		-l zh_Hans_CN --no-fuzzy-matching
	$(BIN)/pybabel compile -d policy_service/admin/translations

bench: $(STAMP)
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/check_profile.py
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache
