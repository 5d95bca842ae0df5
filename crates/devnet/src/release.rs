//! Which EigenLayer release a chain runs, by feature probes (FACTS.md), so callers can say
//! "release 1.3.0: no redistributable operator sets" instead of failing on a missing function.

use alloy::{primitives::Address, providers::Provider, transports::RpcError};

use crate::{
    AddressBook, Error,
    contracts::{IAllocationManager, IDelegationManager, IProtocolRegistry, OperatorSet},
};

/// What a chain's EigenLayer can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The version string the contracts report (`ProtocolRegistry`, else `AllocationManager`, else
    /// `DelegationManager`).
    pub version: String,
    /// `isRedistributingOperatorSet` exists (>= 1.5.0).
    pub redistribution: bool,
    /// `getSlasher` / `SLASHER_CONFIGURATION_DELAY` exist (>= 1.9.0).
    pub slasher_getters: bool,
}

impl Release {
    pub async fn probe<P: Provider>(provider: &P, book: &AddressBook) -> Result<Self, Error> {
        let am = IAllocationManager::new(book.allocation_manager, provider);
        let version = match book.protocol_registry {
            Some(registry) => present(IProtocolRegistry::new(registry, provider).version().call().await)?,
            None => None,
        };
        let version = match version {
            Some(v) => v,
            None => match present(am.version().call().await)? {
                Some(v) => v,
                None => present(IDelegationManager::new(book.delegation_manager, provider).version().call().await)?
                    .ok_or_else(|| {
                        Error::Rpc(format!("no EigenLayer DelegationManager answers at {}", book.delegation_manager))
                    })?,
            },
        };
        let probe_set = OperatorSet { avs: Address::ZERO, id: 0 };
        let redistribution = present(am.isRedistributingOperatorSet(probe_set).call().await)?.is_some();
        let slasher_getters = present(am.SLASHER_CONFIGURATION_DELAY().call().await)?.is_some();
        Ok(Self { version, redistribution, slasher_getters })
    }

    /// One line for users, e.g. "EigenLayer 1.3.0: no redistributable operator sets".
    pub fn describe(&self) -> String {
        let redistribution = if self.redistribution {
            "redistributable operator sets exist"
        } else {
            "no redistributable operator sets"
        };
        format!("EigenLayer {}: {redistribution}", self.version)
    }
}

/// `Some(value)` if the call succeeded, `None` if the contract reverted (the function does not exist on this
/// release), and an error for anything else (network, bad RPC), which must not pass for "feature absent".
fn present<T>(result: Result<T, alloy::contract::Error>) -> Result<Option<T>, Error> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(alloy::contract::Error::TransportError(RpcError::ErrorResp(_))) => Ok(None),
        Err(alloy::contract::Error::ZeroData(..)) => Ok(None),
        Err(e) => Err(Error::rpc(e)),
    }
}
