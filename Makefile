# The two commands of the README:
#   make install   install everything, build deduce's tables, run the demo on the sample corpus
#   make test      run the test suite
PYTHON ?= python

.PHONY: install test test-fast lint browser demo

install:
	$(PYTHON) -m pip install -e ".[dev,dask]"
	bash scripts/install-browser.sh
	sib-nlp setup
	sib-nlp demo

test:
	$(PYTHON) -m pytest

test-fast:
	$(PYTHON) -m pytest -m "not slow"

lint:
	ruff check sib_nlp pipelines tests
	ruff format --check sib_nlp pipelines tests
	mypy sib_nlp

browser:
	bash scripts/install-browser.sh

demo:
	sib-nlp demo
