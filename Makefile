# opwallet — every target installs what it needs (npm toolchain) and works offline from the registries.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_BIN := $(CURDIR)/node_modules/.bin
export PATH := $(NODE_BIN):$(PATH)
STAMP := node_modules/.installed

.PHONY: help deps build test test-contracts lint snapshot demo ci clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

# npm ci only when node_modules is missing or older than the lockfile.
$(STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(STAMP)

deps: $(STAMP) ## Install the pinned EVM toolchain (forge, anvil, cast, solc, OpenZeppelin) from npm

build: deps ## Compile the contracts
	forge build

test: deps ## Run everything: contract tests (ci profile: 10,000 fuzz runs, deep invariants), gas snapshot check
	tools/run-tests

test-contracts: deps ## Contract tests with the quick default profile
	forge test

lint: deps ## forge fmt check and slither (zero high/medium findings, see docs/security.md)
	forge fmt --check contracts script
	tools/slither

snapshot: deps ## Regenerate .gas-snapshot from the gas tests
	forge snapshot --match-path 'contracts/test/gas/*'

demo: ## The main job on a local EigenLayer devnet (arrives with the CLI, issue 4)
	@echo "make demo is not built yet: it arrives with the opwallet CLI and the EigenLayer devnet." >&2
	@echo "Today: 'make test' builds and tests the OperatorWallet contract." >&2
	@exit 1

ci: test ## What CI runs (.ci/run), in the same order

clean: ## Remove build outputs
	rm -rf out cache
