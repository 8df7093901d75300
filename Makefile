# TrustShelf: the two commands of the README.
#   make run   — build, index the sample library documents/ and run a sample search (the app arrives
#                with the desktop-app issue)
#   make test  — the whole test suite
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: run test setup

setup:
	@./scripts/setup.sh

run: setup
	$(CARGO) run --release --locked -q -p trustshelf-cli -- index documents
	$(CARGO) run --release --locked -q -p trustshelf-cli -- search "incident response" --limit 5

test: setup
	$(CARGO) test --workspace --locked
