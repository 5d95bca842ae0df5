//! The wallet's EIP-712 types, mirroring `contracts/src/base/WalletDomain.sol` type string for type string
//! (docs/signatures.md). Hashing is alloy's (`eip712_signing_hash`), never hand-rolled.

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, U256},
    sol,
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};

sol! {
    /// One call of a batch: `Call(address target,uint256 value,bytes data)`.
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Call {
        /// The contract (or account) called.
        address target;
        /// The wei sent with the call.
        uint256 value;
        /// The calldata.
        bytes data;
    }

    /// A batch for `execute`: the signers approve these calls at this nonce, until `deadline`.
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Execute {
        /// The calls, run in order; if one reverts, the batch reverts.
        Call[] calls;
        /// The wallet's nonce the batch uses; it runs only at that nonce.
        uint256 nonce;
        /// The unix time (seconds) after which the wallet refuses the batch.
        uint256 deadline;
        /// The gas floor: the least gas `execute` must be able to offer the calls when they start (0: none).
        uint256 minGas;
    }

    /// An ERC-1271 approval of `hash` (an EigenLayer digest), wrapped so it is bound to this wallet and epoch.
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct OperatorWalletMessage {
        /// The digest approved, as EigenLayer passes it to `isValidSignature`.
        bytes32 hash;
    }

    /// A new signer's proof of possession: its key signs that it accepts being a signer of this wallet.
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct AcceptSigner {
        /// The new signer's address, which must be the key that signed.
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
    /// The domain separator, `hashStruct(EIP712Domain)` of the wallet's domain.
    pub domain_hash: B256,
    /// `hashStruct` of the message (`Execute`, `OperatorWalletMessage` or `AcceptSigner`).
    pub struct_hash: B256,
    /// The digest signers sign: `keccak256("\x19\x01" ‖ domain_hash ‖ struct_hash)`.
    pub digest: B256,
}

/// The domain hash, struct hash and digest of `message` in `domain`, all three computed by alloy.
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
