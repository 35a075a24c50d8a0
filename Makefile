# The two commands of the README:
#   make install   install everything, build deduce's tables, run the demo on the sample corpus
#   make test      lint (ruff, mypy), then the test suite
PYTHON ?= python

.PHONY: install test test-fast lint docs browser demo

install:
	$(PYTHON) -m pip install -e ".[dev,dask]"
	bash scripts/install-browser.sh
	sib-nlp setup
	sib-nlp demo

test: lint
	$(PYTHON) -m pytest

test-fast:
	$(PYTHON) -m pytest -m "not slow"

lint:
	ruff check sib_nlp pipelines tests examples benchmarks scripts
	ruff format --check sib_nlp pipelines tests examples benchmarks scripts
	mypy sib_nlp

docs:
	mkdocs build --strict

browser:
	bash scripts/install-browser.sh

demo:
	sib-nlp demo
