//! Address books in the shape of EigenLayer's deployment records (`networks.json`, copied from the team's
//! `shared/eigenlayer/addresses.json`), plus the devnet's own.

use std::collections::BTreeMap;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::Error;

/// EigenLayer core proxy addresses on one chain. Extra contracts (the devnet's test AVSs, stand-ins) are kept
/// by name in `extra`, so a book round-trips through JSON unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressBook {
    #[serde(rename = "chainId")]
    pub chain_id: u64,
    pub release: String,
    #[serde(rename = "DelegationManager")]
    pub delegation_manager: Address,
    #[serde(rename = "AllocationManager")]
    pub allocation_manager: Address,
    #[serde(rename = "PermissionController")]
    pub permission_controller: Address,
    #[serde(rename = "AVSDirectory")]
    pub avs_directory: Address,
    #[serde(rename = "StrategyManager")]
    pub strategy_manager: Address,
    #[serde(rename = "EigenPodManager")]
    pub eigen_pod_manager: Address,
    #[serde(rename = "RewardsCoordinator", default, skip_serializing_if = "Option::is_none")]
    pub rewards_coordinator: Option<Address>,
    #[serde(rename = "ProtocolRegistry", default, skip_serializing_if = "Option::is_none")]
    pub protocol_registry: Option<Address>,
    #[serde(rename = "KeyRegistrar", default, skip_serializing_if = "Option::is_none")]
    pub key_registrar: Option<Address>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Address>,
}

const NETWORKS: &str = include_str!("../networks.json");

impl AddressBook {
    /// The book of a public network by name (`mainnet`, `sepolia`, `hoodi`, `holesky`).
    pub fn network(name: &str) -> Result<Self, Error> {
        let mut all: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(NETWORKS).map_err(|e| Error::AddressBook(e.to_string()))?;
        all.remove("_about");
        let known = all.keys().cloned().collect::<Vec<_>>().join(", ");
        let value = all.remove(name).ok_or_else(|| Error::UnknownNetwork { name: name.to_owned(), known })?;
        serde_json::from_value(value).map_err(|e| Error::AddressBook(e.to_string()))
    }

    /// The book of the public network with `chain_id`, if we know one.
    pub fn for_chain_id(chain_id: u64) -> Option<Self> {
        ["mainnet", "sepolia", "hoodi", "holesky"]
            .into_iter()
            .filter_map(|n| Self::network(n).ok())
            .find(|b| b.chain_id == chain_id)
    }

    /// An extra contract recorded by name (the devnet's `OperatorSetAVS`, `LegacyAVS`, ...).
    pub fn extra(&self, name: &str) -> Result<Address, Error> {
        self.extra.get(name).copied().ok_or_else(|| Error::AddressBook(format!("no `{name}` in the address book")))
    }

    /// `{ "<network>": <book> }`, the shape of `addresses.json`.
    pub fn to_json_document(&self, network: &str) -> serde_json::Value {
        serde_json::json!({ network: self })
    }
}
