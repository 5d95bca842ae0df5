use std::path::PathBuf;

/// Everything the devnet and the fork harness can fail with, each naming what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "anvil not found (looked for {looked_in}): run `make deps` to install the pinned anvil from npm, \
         or set ANVIL_BIN to an anvil binary"
    )]
    AnvilMissing { looked_in: String },
    #[error("anvil failed to start: {0}")]
    AnvilStart(String),
    #[error("port {0} on 127.0.0.1 is already in use: choose another with --port, or 0 for any free port")]
    PortInUse(u16),
    #[error("refusing to deploy onto {rpc}: it is not a development chain ({why})")]
    NotDevChain { rpc: String, why: String },
    #[error("address book: {0}")]
    AddressBook(#[from] opwallet_core::Error),
    #[error("deploying {what} failed: {why}")]
    Deploy { what: String, why: String },
    #[error("rpc: {0}")]
    Rpc(String),
    #[error("state cache {path}: {why}")]
    Cache { path: PathBuf, why: String },
    #[error("--like: {0} (imitable networks: mainnet, sepolia, hoodi)")]
    Like(String),
}

impl Error {
    pub(crate) fn rpc(e: impl std::fmt::Display) -> Self {
        Self::Rpc(e.to_string())
    }
}
