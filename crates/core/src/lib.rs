//! opwallet's logic, generic over alloy providers and signers. It never prints: the CLI decides what to show.
//!
//! - [`eip712`]: the wallet's typed data and hashes (alloy `sol!` structs);
//! - [`packing`]: the packed signature format (docs/signatures.md);
//! - [`proposal`]: the offline proposal file (docs/proposal-format.md);
//! - [`signer`]: where keys come from, one module per backend (local, Ledger, AWS KMS, Web3Signer, Fireblocks);
//! - [`secrets`]: secrets kept in an environment variable, a file, HashiCorp Vault or AWS Secrets Manager;
//! - [`wallet`]: reading a wallet's on-chain state and checking its code.

pub mod actions;
mod addresses;
pub mod bls;
pub mod decode;
pub mod eip712;
mod error;
pub mod guard;
mod http;
pub mod packing;
pub mod preimage;
pub mod proposal;
pub mod review;
pub mod rules;
pub mod secrets;
pub mod signer;
pub mod strict_json;
pub mod submit;
pub mod text;
pub mod wallet;

pub use addresses::AddressBook;
use alloy::primitives::{Address, B256, Signature};
pub use error::{AwsSecretError, BoxError, Error, FireblocksError, KmsError, LedgerError, VaultError, Web3SignerError};

/// The address that signed `digest` with the 65-byte `signature` (low-s enforced, as the contract does).
pub fn recover(digest: B256, signature: &[u8]) -> Result<Address, Error> {
    let sig = Signature::from_raw(signature).map_err(|e| Error::Malformed(format!("signature: {e}")))?;
    if sig.normalize_s().is_some() {
        return Err(Error::Malformed("signature has a high s value; the wallet only accepts low-s".into()));
    }
    sig.recover_address_from_prehash(&digest).map_err(|e| Error::Malformed(format!("signature: {e}")))
}
