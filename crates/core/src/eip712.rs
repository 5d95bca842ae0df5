//! The wallet's EIP-712 types, mirroring `contracts/src/base/WalletDomain.sol` type string for type string
//! (docs/signatures.md). Hashing is alloy's (`eip712_signing_hash`), never hand-rolled.

#![allow(missing_docs)]

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, U256},
    sol,
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};

sol! {
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Execute {
        Call[] calls;
        uint256 nonce;
        uint256 deadline;
        uint256 minGas;
    }

    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct OperatorWalletMessage {
        bytes32 hash;
    }

    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct AcceptSigner {
        address signer;
    }
}

/// `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)` with the
/// configuration epoch as salt.
pub fn domain(chain_id: u64, wallet: Address, epoch: u64) -> Eip712Domain {
    Eip712Domain::new(
        Some("OperatorWallet".into()),
        Some("1".into()),
        Some(U256::from(chain_id)),
        Some(wallet),
        Some(B256::from(U256::from(epoch))),
    )
}

/// The hashes a signer's screen should show, and the digest it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hashes {
    pub domain_hash: B256,
    pub struct_hash: B256,
    pub digest: B256,
}

pub fn hashes<S: SolStruct>(message: &S, domain: &Eip712Domain) -> Hashes {
    Hashes {
        domain_hash: domain.hash_struct(),
        struct_hash: message.eip712_hash_struct(),
        digest: message.eip712_signing_hash(domain),
    }
}

/// The full typed data (types, domain, primary type, message), as `eth_signTypedData_v4` and hardware wallets take it.
pub fn typed_data<S: SolStruct + Serialize>(message: &S, domain: &Eip712Domain) -> TypedData {
    TypedData::from_struct(message, Some(domain.clone()))
}
