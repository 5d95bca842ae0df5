# opwallet — every target installs what it needs (npm toolchain) and works offline from the registries.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_BIN := $(CURDIR)/node_modules/.bin
export PATH := $(NODE_BIN):$(PATH)
STAMP := node_modules/.installed

.PHONY: help deps build test test-contracts lint prove mutate snapshot artifacts eigenlayer devnet devnet-bench bench demo ci clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

# npm ci only when node_modules is missing or older than the lockfile.
$(STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(STAMP)

deps: $(STAMP) ## Install the pinned EVM toolchain (forge, anvil, cast, solc, OpenZeppelin) from npm

build: deps ## Compile the contracts
	forge build

test: deps ## Run everything: artifact checks, contracts (10,000 fuzz runs, invariants), gas snapshot, halmos, Rust + Anvil tests
	tools/run-tests

test-contracts: deps ## Contract tests with the quick default profile
	forge test

lint: deps ## Formatting (forge, cargo), clippy and rustdoc with warnings denied, slither (zero high/medium, docs/security.md)
	forge fmt --check contracts script
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet
	tools/slither

prove: deps ## Symbolic proofs of the wallet's properties with halmos (bounds and results: docs/security.md)
	tools/halmos

mutate: deps ## Mutation testing with slither-mutate over contracts/src: score, survivors, wall time (not in CI)
	tools/mutate

artifacts: deps ## Regenerate our contract artifacts (foundry-compilers); EigenLayer's: EIGENLAYER_CHECKOUT=DIR make eigenlayer
	cargo run --quiet -p opwallet-artifacts
	tools/eigenlayer-bytecode

eigenlayer: deps ## Rebuild EigenLayer 1.13.0's artifacts from a checkout and prove them byte-identical (docs/devnet.md)
	@test -n "$(EIGENLAYER_CHECKOUT)" || { echo "set EIGENLAYER_CHECKOUT to a checkout of Layr-Labs/eigenlayer-contracts at 29c4632" >&2; exit 2; }
	tools/eigenlayer-artifacts build "$(EIGENLAYER_CHECKOUT)"
	tools/eigenlayer-artifacts provenance "$(EIGENLAYER_CHECKOUT)"

devnet: deps ## Start a local EigenLayer chain on 127.0.0.1:8545 (Ctrl-C stops it)
	cargo run --quiet -p opwallet-devnet -- up

bench: deps ## Gas against Safe 1.5.0 on one Anvil, plus wall time; table on stdout, JSON in bench/results.json
	cargo build --quiet --release --workspace --bins
	target/release/opwallet-bench

devnet-bench: deps ## Time devnet and fork start-up (medians)
	cargo run --quiet --release -p opwallet-devnet -- bench

snapshot: deps ## Regenerate .gas-snapshot from the gas tests
	forge snapshot --match-path 'contracts/test/gas/*'

demo: deps ## The main job: deploy, register as an operator, operator sets, a BLS AVS key, ERC-1271, rotation, on a local EigenLayer 1.13.0
	cargo build --quiet --workspace --bins
	tools/demo

ci: lint demo test ## What CI runs (.ci/run), in the same order

clean: ## Remove build outputs
	rm -rf out cache target
