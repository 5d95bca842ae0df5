//! Bindings for opwallet's contracts, from the ABI and bytecode committed in `artifacts/` (`make artifacts`
//! regenerates them with foundry-compilers and the pinned solc; `make test` fails when they differ from a fresh
//! compile).

// No `missing_docs` allowed here: `sol!` writes a doc for each item it generates and allows the lint on fields.
#![allow(missing_debug_implementations, unreachable_pub, clippy::too_many_arguments)]

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

/// The wallet's ABI, for decoding calls to it from their calldata.
pub fn operator_wallet_abi() -> alloy::json_abi::JsonAbi {
    #[derive(serde::Deserialize)]
    struct Artifact {
        abi: alloy::json_abi::JsonAbi,
    }
    let artifact: Artifact = serde_json::from_str(include_str!("../artifacts/OperatorWallet.json"))
        .expect("the committed OperatorWallet artifact has an ABI (checked by make test)");
    artifact.abi
}

/// The runtime code every wallet clone points at, for checking that a wallet runs the code opwallet knows. The
/// bytes at [`implementation_immutable_ranges`] are zero here: a deployed implementation holds its factory there.
pub fn implementation_runtime_code() -> &'static [u8] {
    &OperatorWallet::DEPLOYED_BYTECODE
}

/// The (start, length) byte ranges of the implementation's immutables (its `factory`) in its runtime code.
pub fn implementation_immutable_ranges() -> Vec<(usize, usize)> {
    #[derive(serde::Deserialize)]
    struct Offsets {
        start: usize,
        length: usize,
    }
    #[derive(serde::Deserialize)]
    struct Deployed {
        #[serde(rename = "immutableReferences", default)]
        immutable_references: std::collections::BTreeMap<String, Vec<Offsets>>,
    }
    #[derive(serde::Deserialize)]
    struct Artifact {
        #[serde(rename = "deployedBytecode")]
        deployed_bytecode: Deployed,
    }
    let artifact: Artifact = serde_json::from_str(include_str!("../artifacts/OperatorWallet.json"))
        .expect("the committed OperatorWallet artifact has its immutable references (checked by make test)");
    artifact.deployed_bytecode.immutable_references.values().flatten().map(|o| (o.start, o.length)).collect()
}

sol! {
    /// ERC-1271, as any contract signer (a Safe, another OperatorWallet) answers it.
    #[sol(rpc)]
    interface IERC1271 {
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
    }
}

/// ERC-1271's "valid" answer, `bytes4(keccak256("isValidSignature(bytes32,bytes)"))`.
pub const ERC1271_MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

pub mod eigenlayer;
