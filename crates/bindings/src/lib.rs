//! Bindings for opwallet's contracts, from the ABI and bytecode committed in `artifacts/` (`make artifacts`
//! regenerates them with foundry-compilers and the pinned solc; `make test` fails when they differ from a fresh
//! compile).

#![allow(missing_docs, missing_debug_implementations, unreachable_pub, clippy::too_many_arguments)]

use alloy::sol;

sol!(
    #[sol(rpc, all_derives)]
    OperatorWallet,
    "artifacts/OperatorWallet.json"
);
sol!(
    #[sol(rpc, all_derives)]
    OperatorWalletFactory,
    "artifacts/OperatorWalletFactory.json"
);

/// The runtime code every wallet clone points at, for checking that a wallet runs the code opwallet knows.
pub fn implementation_runtime_code() -> &'static [u8] {
    &OperatorWallet::DEPLOYED_BYTECODE
}

pub mod eigenlayer;
