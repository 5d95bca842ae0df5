use std::path::PathBuf;

use alloy::primitives::Address;

/// Everything core can fail with. Messages are lowercase and name what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the proposal file was modified after it was made: {0}")]
    Tampered(String),
    #[error("{path}: {why}")]
    File { path: PathBuf, why: String },
    #[error("malformed input: {0}")]
    Malformed(String),
    #[error("{0} is not a signer of the wallet")]
    NotASigner(Address),
    #[error("{0} already signed this proposal with a different signature")]
    DuplicateSignature(Address),
    #[error("signer: {0}")]
    Signer(String),
    #[error("rpc: {0}")]
    Rpc(String),
    #[error("{0}")]
    Chain(String),
}

impl Error {
    pub(crate) fn rpc(e: impl std::fmt::Display) -> Self {
        Self::Rpc(e.to_string())
    }
}
