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
    /// A change the wallet or EigenLayer would refuse, said before anything is written or sent.
    #[error("{0}")]
    Refused(String),
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
    /// A proposal store (an S3 bucket) refused or failed.
    #[error("{location}: {why}")]
    Store { location: String, why: String },
}

impl Error {
    /// An RPC failure with its causes (a transport error's own text often omits why: refused, timed out, TLS).
    pub(crate) fn rpc(e: impl std::fmt::Display) -> Self {
        // A node's error text is untrusted: one line, nothing that drives a terminal.
        Self::Rpc(crate::text::escape(&e.to_string()))
    }

    /// As [`Error::rpc`], for errors that carry sources.
    pub(crate) fn rpc_chain(e: &(dyn std::error::Error + 'static)) -> Self {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            let next = s.to_string();
            if !text.contains(&next) {
                text.push_str(": ");
                text.push_str(&next);
            }
            source = s.source();
        }
        if text.contains("timed out") {
            text.push_str(" (the RPC node did not answer in time; --rpc-timeout sets how long to wait)");
        }
        Self::Rpc(crate::text::escape(&text))
    }
}
