//! opwallet's logic, generic over alloy providers and signers. It never prints: the CLI decides what to show.
//!
//! - [`actions`]: every proposal opwallet makes, one module each, and the registry that decodes and explains them;
//! - [`review`]: what a proposal does and who signed it, read once for `sign`, `status` and `execute`;
//! - [`simulate`]: the batch run through the wallet's real `execute` before anyone signs;
//! - [`decode`]: calls (and events) decoded from their bytes for the signing screen; [`text`]: escaping;
//! - [`guard`]: the redistribution guard and the EigenLayer release probe;
//! - [`eip712`], [`packing`], [`proposal`], [`preimage`]: typed data, the packed signature format, the proposal
//!   file and the EigenLayer messages it can carry (docs/signatures.md, docs/proposal-format.md);
//! - [`signer`]: where keys come from, one module per backend (local, Ledger, AWS KMS, Web3Signer, Fireblocks);
//! - [`secrets`]: secrets kept in an environment variable, a file, HashiCorp Vault or AWS Secrets Manager;
//! - [`bls`]: BLS (BN254) AVS keys;
//! - [`operator`], [`rewards`], [`tokens`]: the operator's dashboard, rewards proofs and Merkle trees, ERC-20 metadata;
//! - [`store`]: proposals in files or a shared S3 store, and a wallet's queue;
//! - [`wallet`], [`submit`]: the wallet's on-chain state and code check; fees, simulation and sending;
//! - [`factory`]: the factory at one address on every chain, and wallet addresses predicted offline.

pub mod actions;
mod addresses;
pub mod batch;
pub mod bls;
pub mod decode;
pub mod eip712;
mod error;
pub mod factory;
pub mod guard;
mod http;
pub mod operator;
pub mod packing;
pub mod preimage;
pub mod proposal;
pub mod review;
pub mod rewards;
pub mod rules;
pub mod secrets;
pub mod signer;
pub mod simulate;
pub mod store;
pub mod strict_json;
pub mod submit;
pub mod text;
pub mod tokens;
pub mod wallet;

pub use addresses::AddressBook;
use alloy::primitives::{Address, B256, Signature};
pub use error::{AwsSecretError, BoxError, Error, FireblocksError, KmsError, LedgerError, VaultError, Web3SignerError};

/// The address that signed `digest` with the 65-byte `signature` (low-s enforced, as the contract does).
/// Recovers the signer of a 64-byte EIP-2098 `r ‖ yParityAndS` signature over `digest` (low s, as the wallet
/// requires).
pub fn recover_compact(digest: B256, signature: &[u8]) -> Result<Address, Error> {
    let sig = Signature::from_erc2098(signature);
    if signature.len() != 64 || sig.normalize_s().is_some() {
        return Err(Error::Malformed("not a 64-byte low-s EIP-2098 signature".into()));
    }
    sig.recover_address_from_prehash(&digest).map_err(|e| Error::Malformed(format!("signature: {e}")))
}

/// Recovers the signer of a 65-byte `r ‖ s ‖ v` signature over `digest`, refusing a high s (the wallet accepts only
/// low s).
pub fn recover(digest: B256, signature: &[u8]) -> Result<Address, Error> {
    let sig = Signature::from_raw(signature).map_err(|e| Error::Malformed(format!("signature: {e}")))?;
    if sig.normalize_s().is_some() {
        return Err(Error::Malformed("signature has a high s value; the wallet only accepts low-s".into()));
    }
    sig.recover_address_from_prehash(&digest).map_err(|e| Error::Malformed(format!("signature: {e}")))
}
