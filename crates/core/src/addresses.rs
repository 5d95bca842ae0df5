//! Address books in the shape of EigenLayer's deployment records (`networks.json`, copied from the team's
//! `shared/eigenlayer/addresses.json`), plus the devnet's own.

use std::collections::BTreeMap;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::Error;

/// Address-book errors.
fn book_err(why: impl Into<String>) -> Error {
    Error::Malformed(format!("address book: {}", why.into()))
}

/// EigenLayer core proxy addresses on one chain. Extra contracts (the devnet's test AVSs, stand-ins) are kept
/// by name in `extra`, so a book round-trips through JSON unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressBook {
    /// The chain the addresses are on; a proposal is refused when the RPC is another chain.
    #[serde(rename = "chainId")]
    pub chain_id: u64,
    /// The EigenLayer release the record was taken at (`1.13.0`); what the chain runs is asked of it
    /// ([`crate::guard::release`]).
    pub release: String,
    /// The DelegationManager proxy: operator registration, delegation and its approver.
    #[serde(rename = "DelegationManager")]
    pub delegation_manager: Address,
    /// The AllocationManager proxy: operator sets, allocations and the allocation delay.
    #[serde(rename = "AllocationManager")]
    pub allocation_manager: Address,
    /// The PermissionController proxy: admins and appointees of an account.
    #[serde(rename = "PermissionController")]
    pub permission_controller: Address,
    /// The AVSDirectory proxy: registration with legacy (pre-operator-set) AVSs.
    #[serde(rename = "AVSDirectory")]
    pub avs_directory: Address,
    /// The StrategyManager proxy: deposits into strategies.
    #[serde(rename = "StrategyManager")]
    pub strategy_manager: Address,
    /// The EigenPodManager proxy: native restaking.
    #[serde(rename = "EigenPodManager")]
    pub eigen_pod_manager: Address,
    /// The RewardsCoordinator proxy: claims, claimers and splits; absent before release 1.0.
    #[serde(rename = "RewardsCoordinator", default, skip_serializing_if = "Option::is_none")]
    pub rewards_coordinator: Option<Address>,
    /// The ProtocolRegistry, whose `version()` names the release (releases ≥ 1.9); absent before.
    #[serde(rename = "ProtocolRegistry", default, skip_serializing_if = "Option::is_none")]
    pub protocol_registry: Option<Address>,
    /// The KeyRegistrar proxy: AVS signing keys per operator set (releases ≥ 1.7); absent before.
    #[serde(rename = "KeyRegistrar", default, skip_serializing_if = "Option::is_none")]
    pub key_registrar: Option<Address>,
    /// A devnet's timing parameters (delays in blocks or seconds, as each name says), so tests can wait them out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, u64>,
    /// Any other named contract in the record (the devnet's test AVSs and tokens), kept so the book round-trips.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Address>,
}

const NETWORKS: &str = include_str!("../networks.json");

impl AddressBook {
    /// The book of a public network by name (`mainnet`, `sepolia`, `hoodi`, `holesky`).
    pub fn network(name: &str) -> Result<Self, Error> {
        let mut all: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(NETWORKS).map_err(|e| book_err(e.to_string()))?;
        all.remove("_about");
        let known = all.keys().cloned().collect::<Vec<_>>().join(", ");
        let value =
            all.remove(name).ok_or_else(|| Error::Malformed(format!("unknown network `{name}` (known: {known})")))?;
        serde_json::from_value(value).map_err(|e| book_err(e.to_string()))
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
        self.extra.get(name).copied().ok_or_else(|| book_err(format!("no `{name}` in it")))
    }

    /// Every contract of the book by name: EigenLayer's core contracts, then the extras.
    pub fn names(&self) -> Vec<(String, Address)> {
        let mut out: Vec<(String, Address)> = [
            ("DelegationManager", Some(self.delegation_manager)),
            ("AllocationManager", Some(self.allocation_manager)),
            ("PermissionController", Some(self.permission_controller)),
            ("AVSDirectory", Some(self.avs_directory)),
            ("StrategyManager", Some(self.strategy_manager)),
            ("EigenPodManager", Some(self.eigen_pod_manager)),
            ("RewardsCoordinator", self.rewards_coordinator),
            ("ProtocolRegistry", self.protocol_registry),
            ("KeyRegistrar", self.key_registrar),
        ]
        .into_iter()
        .filter_map(|(n, a)| a.map(|a| (n.to_owned(), a)))
        .collect();
        out.extend(self.extra.iter().map(|(n, a)| (n.clone(), *a)));
        out
    }

    /// `{ "<network>": <book> }`, the shape of `addresses.json`.
    pub fn to_json_document(&self, network: &str) -> serde_json::Value {
        serde_json::json!({ network: self })
    }
}

impl AddressBook {
    /// Reads a user's address book: either a book, or `{ "<network>": book }` (the shape of `addresses.json` and of
    /// `opwallet-devnet up --json`'s `addresses`, or that whole document).
    pub fn from_file(path: &std::path::Path, network: Option<&str>) -> Result<Self, Error> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::File { path: path.to_owned(), why: e.to_string() })?;
        let mut value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::File { path: path.to_owned(), why: format!("not JSON: {e}") })?;
        if let Some(addresses) = value.get("addresses").cloned() {
            value = addresses;
        }
        if value.get("DelegationManager").is_none() {
            let networks: Vec<String> = value
                .as_object()
                .map(|o| o.keys().filter(|k| !k.starts_with('_')).cloned().collect())
                .unwrap_or_default();
            let pick = match (network, networks.as_slice()) {
                (Some(n), _) => n.to_owned(),
                (None, [only]) => only.clone(),
                _ => {
                    return Err(Error::File {
                        path: path.to_owned(),
                        why: format!("holds several networks ({}): choose one with --network", networks.join(", ")),
                    });
                }
            };
            value = value.get(&pick).cloned().ok_or_else(|| Error::File {
                path: path.to_owned(),
                why: format!("has no network `{pick}` (it has: {})", networks.join(", ")),
            })?;
        }
        let book: Self = serde_json::from_value(value)
            .map_err(|e| Error::File { path: path.to_owned(), why: format!("not an address book: {e}") })?;
        book.check().map_err(|why| Error::File { path: path.to_owned(), why })?;
        Ok(book)
    }

    /// Refuses a book whose names could pass one contract off as another on a signing screen: an extra named
    /// like a core contract, an ABI or "this wallet", a name with unsafe characters, or one address under two names.
    pub fn check(&self) -> Result<(), String> {
        const RESERVED: [&str; 6] = ["this wallet", "OperatorWallet", "ERC-20", "chainId", "release", "parameters"];
        let core = [
            "DelegationManager",
            "AllocationManager",
            "PermissionController",
            "AVSDirectory",
            "StrategyManager",
            "EigenPodManager",
            "RewardsCoordinator",
            "ProtocolRegistry",
            "KeyRegistrar",
        ];
        for name in self.extra.keys() {
            if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
                || core.iter().any(|c| c.eq_ignore_ascii_case(name))
                || name.chars().count() > 40
                || !crate::text::is_plain(name)
            {
                return Err(format!(
                    "the name `{}` may not be used for an extra contract (reserved, too long, or unsafe characters)",
                    crate::text::escape(name)
                ));
            }
        }
        let names = self.names();
        for (i, (name, address)) in names.iter().enumerate() {
            if let Some((other, _)) = names[..i].iter().find(|(_, a)| a == address) {
                return Err(format!(
                    "{address} is listed twice, as `{}` and as `{}`",
                    crate::text::escape(other),
                    crate::text::escape(name)
                ));
            }
        }
        Ok(())
    }
}
