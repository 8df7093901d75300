# TrustShelf: the two commands of the README.
#   make run   — build the desktop app and open it on the sample library documents/
#   make test  — the whole test suite: Rust unit/integration/CLI tests, UI tests, end-to-end tests
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
APT_PACKAGES := libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev libssl-dev \
	xvfb xauth webkit2gtk-driver fonts-dejavu-core file strace util-linux iproute2 \
	poppler-utils tesseract-ocr tesseract-ocr-eng tesseract-ocr-ces tesseract-ocr-pol tesseract-ocr-ron tesseract-ocr-deu tesseract-ocr-fra

.PHONY: run test setup ui

setup:
	@./scripts/setup.sh $(APT_PACKAGES)

ui: setup
	cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build

run: ui
	$(CARGO) build --release --locked -p trustshelf-app
	TRUSTSHELF_LIBRARY="$(CURDIR)/documents" $${CARGO_TARGET_DIR:-target}/release/trustshelf-app

test: ui
	$(CARGO) test --workspace --locked
	cd ui && npm test
	./tests/e2e/run.sh
