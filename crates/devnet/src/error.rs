use std::path::PathBuf;

/// Everything the devnet and the fork harness can fail with, each naming what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No anvil binary was found.
    #[error(
        "anvil not found (looked for {looked_in}): run `make deps` to install the pinned anvil from npm, \
         or set ANVIL_BIN to an anvil binary"
    )]
    AnvilMissing {
        /// Where it looked: `ANVIL_BIN`, or the npm install above the working and source directories, and `PATH`.
        looked_in: String,
    },
    /// Anvil could not be spawned or was not ready in time; the text is alloy's.
    #[error("anvil failed to start: {0}")]
    AnvilStart(String),
    /// The port asked for is taken.
    #[error("port {0} on 127.0.0.1 is already in use: choose another with --port, or 0 for any free port")]
    PortInUse(u16),
    /// A deployment aimed at a chain that does not answer as Anvil does.
    #[error("refusing to deploy onto {rpc}: it is not a development chain ({why})")]
    NotDevChain {
        /// The RPC URL.
        rpc: String,
        /// What showed it is not one (`anvil_nodeInfo` failed).
        why: String,
    },
    /// An opwallet-core error met while handling an address book.
    #[error("address book: {0}")]
    AddressBook(#[from] opwallet_core::Error),
    /// A deployment step that failed or reverted.
    #[error("deploying {what} failed: {why}")]
    Deploy {
        /// The contract or call, by name (`StakeToken.mint`).
        what: String,
        /// The node's error, or "reverted".
        why: String,
    },
    /// The chain's RPC failed; the text is the transport's or the node's.
    #[error("rpc: {0}")]
    Rpc(String),
    /// The state cache cannot be read or written.
    #[error("state cache {path}: {why}")]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// The I/O or JSON error, or a path with no parent directory.
        why: String,
    },
    /// A `--like` network opwallet has no address book for; the text is the address-book error.
    #[error("--like: {0} (imitable networks: mainnet, sepolia, hoodi)")]
    Like(String),
}

impl Error {
    pub(crate) fn rpc(e: impl std::fmt::Display) -> Self {
        Self::Rpc(e.to_string())
    }
}
