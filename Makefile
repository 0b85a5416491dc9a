# Set-up is part of every target: the virtual environment is created and the
# project installed from pyproject.toml whenever it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build check test clean schema serve

build: $(STAMP)
	$(PY) build.py build

check: $(STAMP)
	$(PY) build.py check

schema: $(STAMP)
	$(PY) build.py schema

test: $(STAMP)
	$(PY) -m pytest

# The editors' preview: http://127.0.0.1:8000/familie/, rebuilt and reloaded on every save (make serve PORT=8001).
serve: $(STAMP)
	$(PY) build.py serve $(if $(PORT),--port $(PORT))

# npm brings the test tools that ship as npm packages (axe-core, the Nu Html Checker's vnu.jar);
# --ignore-scripts because vnu-jar's install script would try to download Java.
$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(STAMP)

clean:
	rm -rf site .site.* $(VENV) .pytest_cache test-artifacts node_modules
