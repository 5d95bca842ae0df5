//! Which EigenLayer release a chain runs and what it can do, from the one release probe opwallet has
//! (`opwallet_core::guard::release`: `ProtocolRegistry.version()` on ≥ 1.9, older releases' own `version()`).

use opwallet_core::guard::Release as Version;

use crate::{AddressBook, Error};

/// What a chain's EigenLayer can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The version string the contracts report.
    pub version: String,
    /// Redistributable operator sets exist (≥ 1.5.0).
    pub redistribution: bool,
    /// `getSlasher`, `ProtocolRegistry` and the KeyRegistrar's release line exist (≥ 1.9.0).
    pub slasher_getters: bool,
}

impl Release {
    /// Asks the chain which release its EigenLayer at `book` runs (one round trip) and what that release has.
    pub async fn probe<P: alloy::providers::Provider>(provider: &P, book: &AddressBook) -> Result<Self, Error> {
        let (parsed, version) =
            opwallet_core::guard::release(provider, book).await.map_err(|e| Error::Rpc(e.to_string()))?;
        Ok(Self {
            version,
            redistribution: parsed >= Version::REDISTRIBUTION,
            slasher_getters: parsed >= Version::SLASHERS,
        })
    }

    /// One line for users, e.g. "EigenLayer 1.13.0: redistributable operator sets exist".
    pub fn describe(&self) -> String {
        let redistribution = if self.redistribution {
            "redistributable operator sets exist"
        } else {
            "no redistributable operator sets"
        };
        format!("EigenLayer {}: {redistribution}", self.version)
    }
}
