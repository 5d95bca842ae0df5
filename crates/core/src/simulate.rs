//! Simulation before anyone signs: the batch is run through the wallet's real `execute` against the current chain,
//! as if every signer had approved it on chain.
//!
//! How: one `eth_simulateV1` block whose state override sets `approvedHashes[signer][digest]` for a threshold of
//! signers (and, for a proposal queued behind others, the nonce), then calls `execute` with approval entries. The
//! wallet's own code runs (epoch, configuration, deadline and nonce checks included), so what the simulation shows
//! is what `execute` will do on this state, not what a re-implementation thinks each call does. Calling each target
//! with `from = wallet` instead would skip the wallet's checks and could not run configuration changes (they are
//! `onlySelf`). The node returns the events, and `traceTransfers` adds ETH movements; ERC-20 movements are read from
//! `Transfer` events. A node without `eth_simulateV1` gets the same call through `eth_call` with the same override:
//! success or the revert, but no events.
//!
//! The node is untrusted: a simulation is its account of what would happen. It never changes what is signed (the
//! calls, decoded locally); it can only warn, or stop a signer who would sign a batch that reverts.

use std::{
    collections::{BTreeMap, HashMap},
    sync::OnceLock,
};

use alloy::{
    dyn_abi::EventExt,
    json_abi::{Event, Param},
    primitives::{Address, B256, I256, U256, address, keccak256},
    providers::Provider,
    rpc::types::{
        Log, TransactionRequest,
        simulate::{SimBlock, SimulatePayload},
        state::{AccountOverride, StateOverride},
    },
    sol_types::{SolCall, SolEvent, SolValue},
};
use opwallet_bindings::{IOperatorWallet, OperatorWallet};
use serde::Serialize;

use crate::{
    Error,
    decode::Decoder,
    packing::{SignatureKind, SignerSignature, pack},
    proposal::{Body, Proposal},
    wallet::WalletState,
};

/// Storage slot of `approvedHashes` in the wallet (`forge inspect OperatorWallet storageLayout`; a contract test
/// pins it, and a wrong slot would make every simulation fail with `InvalidSignatures`).
pub const APPROVED_HASHES_SLOT: u64 = 23;
/// Storage slot holding the configuration hash (the first 28 bytes of `keccak256(configHeader())`) and the nonce
/// (the last four bytes): `_state`.
pub const STATE_SLOT: u64 = 0;
/// The address `eth_simulateV1` attributes ETH movements to when `traceTransfers` is on (ERC-7528).
pub const ETH_PSEUDO_TOKEN: Address = address!("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");

alloy::sol! {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
}

/// The wallet's `_state` word `stored` (as read from the chain) moved to `nonce`: its configuration hash (first 28
/// bytes) kept, so that the simulated `execute` still checks the header opwallet packs against the chain's, and the
/// nonce (last four bytes) replaced. The wallet never uses its last nonce, 2^32 - 1.
pub fn state_word(stored: B256, nonce: u64) -> Result<B256, Error> {
    let nonce = u32::try_from(nonce)
        .ok()
        .filter(|_| nonce <= crate::wallet::LAST_NONCE)
        .ok_or_else(|| crate::wallet::unusable_nonce(nonce))?;
    let mut word = stored;
    word[28..].copy_from_slice(&nonce.to_be_bytes());
    Ok(word)
}

/// The storage slot of `approvedHashes[signer][digest]`.
pub fn approval_slot(signer: Address, digest: B256) -> B256 {
    let outer = keccak256((signer, U256::from(APPROVED_HASHES_SLOT)).abi_encode());
    keccak256([digest.as_slice(), outer.as_slice()].concat())
}

/// How the node ran the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Method {
    /// `eth_simulateV1`: result, events and ETH movements.
    SimulateV1,
    /// `eth_call` (the node has no `eth_simulateV1`): result only.
    EthCall,
}

/// One event the batch would emit, decoded where opwallet knows its ABI.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimEvent {
    /// The contract that emitted it.
    pub emitter: Address,
    /// The emitter as the signing screen names it (escaped).
    pub emitter_text: String,
    /// `Name` of the event, or `unknown event 0x…` (escaped).
    pub name: String,
    /// Decoded arguments (`name`, formatted and escaped value).
    pub args: Vec<(String, String)>,
}

/// A net balance change of one account in one token (`None`: ETH).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceChange {
    /// The account whose balance changes.
    pub account: Address,
    /// The ERC-20 token; `None`: ETH.
    pub token: Option<Address>,
    /// The net change, in the token's base units (wei for ETH); negative: the account pays out.
    pub delta: I256,
    /// `account: +20 DRT of token 0x… (RewardToken)` (escaped).
    pub text: String,
}

/// What the node says `execute` would do now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    /// How the node ran it, which decides what else is known.
    pub method: Method,
    /// `execute` would succeed (and every queued proposal before it).
    pub success: bool,
    /// Why it would revert, in words (escaped).
    pub revert: Option<String>,
    /// The gas the whole `execute` transaction used, as `eth_simulateV1` reports it; `None` with `eth_call` or when
    /// a queued proposal before it fails.
    pub gas_used: Option<u64>,
    /// The events (with `eth_simulateV1` only).
    pub events: Option<Vec<SimEvent>>,
    /// Net balance changes from ETH movements and ERC-20 `Transfer` events (with `eth_simulateV1` only).
    pub balance_changes: Option<Vec<BalanceChange>>,
    /// Nonces of queued proposals simulated first, in order.
    pub after: Vec<u64>,
}

impl Simulation {
    /// A one-line verdict for the signing screen.
    pub fn verdict(&self) -> String {
        let via = match self.method {
            Method::SimulateV1 => "eth_simulateV1",
            Method::EthCall => "eth_call; this node cannot report events",
        };
        let after = if self.after.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = self.after.iter().map(u64::to_string).collect();
            format!(" after queued proposal(s) {}", list.join(", "))
        };
        match (&self.revert, self.gas_used) {
            (Some(why), _) => format!("WOULD REVERT{after}: {why} ({via})"),
            (None, Some(gas)) => format!("succeeds{after}, {gas} gas ({via})"),
            (None, None) => format!("succeeds{after} ({via})"),
        }
    }
}

/// One `execute` of the simulated block: a proposal and its digest.
struct Run<'a> {
    nonce: u64,
    deadline: u64,
    min_gas: u64,
    calls: &'a [crate::proposal::ProposedCall],
    digest: B256,
}

fn run_of(proposal: &Proposal) -> Result<Run<'_>, Error> {
    match &proposal.body {
        Body::Execute { nonce, deadline, min_gas, calls } => {
            Ok(Run { nonce: *nonce, deadline: *deadline, min_gas: *min_gas, calls, digest: proposal.hashes.digest })
        }
        Body::Message { .. } => Err(Error::Malformed("only execute proposals can be simulated".into())),
    }
}

/// Simulates `proposal` on the current chain, after `queued` (proposals with lower nonces not yet executed, in
/// nonce order), for the wallet in `state`. `decoder` names addresses and tokens in the result.
// Long: overrides, runs, then the node's answer read in order; one linear flow that carries its state to the end.
pub async fn simulate<P: Provider>(
    provider: &P,
    state: &WalletState,
    queued: &[&Proposal],
    proposal: &Proposal,
    decoder: &Decoder,
) -> Result<Simulation, Error> {
    let mut runs = Vec::with_capacity(queued.len() + 1);
    for p in queued {
        runs.push(run_of(p)?);
    }
    runs.push(run_of(proposal)?);
    let approvers: Vec<Address> = state.signers.iter().take(state.threshold as usize).copied().collect();
    let approvals: Vec<SignerSignature> =
        approvers.iter().map(|s| SignerSignature { signer: *s, kind: SignatureKind::Approved }).collect();
    let packed = pack(&state.header, &approvals)?;
    let mut diff: HashMap<B256, B256> = HashMap::new();
    for run in &runs {
        for signer in &approvers {
            diff.insert(approval_slot(*signer, run.digest), B256::with_last_byte(1));
        }
    }
    let first = runs[0].nonce;
    if first != state.nonce {
        // The chain's slot, not one rebuilt from the header read earlier: a rotation since (or a node answering the
        // header from other state) must still fail the simulation as StaleConfiguration.
        let stored = provider.get_storage_at(state.address, U256::from(STATE_SLOT)).await.map_err(Error::rpc)?;
        diff.insert(B256::from(U256::from(STATE_SLOT)), state_word(B256::from(stored), first)?);
    }
    let mut overrides = StateOverride::default();
    overrides
        .insert(state.address, AccountOverride { state_diff: Some(diff.into_iter().collect()), ..Default::default() });
    let txs: Vec<TransactionRequest> = runs
        .iter()
        .map(|run| {
            let calls: Vec<IOperatorWallet::Call> = run
                .calls
                .iter()
                .map(|c| IOperatorWallet::Call { target: c.target, value: c.value, data: c.data.clone() })
                .collect();
            let data = OperatorWallet::executeCall {
                calls,
                deadline: U256::from(run.deadline),
                minGas: U256::from(run.min_gas),
                signatures: packed.clone(),
            }
            .abi_encode();
            TransactionRequest::default().from(approvers[0]).to(state.address).input(data.into())
        })
        .collect();
    let after: Vec<u64> = runs[..runs.len() - 1].iter().map(|r| r.nonce).collect();
    let payload = SimulatePayload {
        block_state_calls: vec![SimBlock {
            block_overrides: None,
            state_overrides: Some(overrides.clone()),
            calls: txs.clone(),
        }],
        trace_transfers: true,
        validation: false,
        return_full_transactions: false,
    };
    match provider.simulate(&payload).await {
        Ok(blocks) => {
            let results = blocks.into_iter().next().map(|b| b.calls).unwrap_or_default();
            if results.len() != runs.len() {
                return Err(Error::Chain(format!(
                    "the node's eth_simulateV1 answered {} results for {} calls",
                    results.len(),
                    runs.len()
                )));
            }
            // A queued proposal that fails first is the answer: this one would not run after it as simulated.
            for (i, r) in results.iter().enumerate().take(runs.len() - 1) {
                if !r.status {
                    return Ok(Simulation {
                        method: Method::SimulateV1,
                        success: false,
                        revert: Some(format!(
                            "queued proposal {} before it fails first: {}",
                            runs[i].nonce,
                            revert_text(&r.return_data)
                        )),
                        gas_used: None,
                        events: None,
                        balance_changes: None,
                        after,
                    });
                }
            }
            let Some(last) = results.last() else {
                return Err(Error::Chain("the node's eth_simulateV1 answered no result".into()));
            };
            if !last.status {
                return Ok(Simulation {
                    method: Method::SimulateV1,
                    success: false,
                    revert: Some(revert_text(&last.return_data)),
                    gas_used: Some(last.gas_used),
                    events: None,
                    balance_changes: None,
                    after,
                });
            }
            let events = last.logs.iter().map(|l| event(l, decoder)).collect();
            let balance_changes = balance_changes(provider, &last.logs, decoder, state.address).await;
            Ok(Simulation {
                method: Method::SimulateV1,
                success: true,
                revert: None,
                gas_used: Some(last.gas_used),
                events: Some(events),
                balance_changes: Some(balance_changes),
                after,
            })
        }
        Err(e) if unsupported(&e) && runs.len() == 1 => {
            let tx = txs.into_iter().next().unwrap_or_default();
            match provider.call(tx).overrides(overrides).await {
                Ok(_) => Ok(Simulation {
                    method: Method::EthCall,
                    success: true,
                    revert: None,
                    gas_used: None,
                    events: None,
                    balance_changes: None,
                    after,
                }),
                Err(e) => match e.as_error_resp().and_then(|r| r.as_revert_data()) {
                    Some(data) => Ok(Simulation {
                        method: Method::EthCall,
                        success: false,
                        revert: Some(revert_text(&data)),
                        gas_used: None,
                        events: None,
                        balance_changes: None,
                        after,
                    }),
                    None => Err(Error::rpc(e)),
                },
            }
        }
        Err(e) if unsupported(&e) => Err(Error::Chain(format!(
            "this node has no eth_simulateV1, which simulating a proposal behind {} queued one(s) needs: use a node \
             that has it (geth, reth, anvil …) or execute the queue in order",
            runs.len() - 1
        ))),
        Err(e) => Err(Error::rpc(e)),
    }
}

/// Whether a node's error means it does not know the method.
fn unsupported(e: &alloy::transports::TransportError) -> bool {
    if let Some(resp) = e.as_error_resp() {
        if resp.code == -32601 || resp.code == -32004 {
            return true;
        }
        let m = resp.message.to_lowercase();
        return m.contains("not found")
            || m.contains("not supported")
            || m.contains("does not exist")
            || m.contains("unsupported");
    }
    false
}

/// Revert data in words: the wallet's errors (and the failed call's inner error), EigenLayer's, `Error(string)`.
pub fn revert_text(data: &[u8]) -> String {
    crate::submit::explain_revert(data)
}

/// Every event of the committed EigenLayer release, the wallet's, and ERC-20's, by topic.
fn known_events() -> &'static HashMap<B256, Vec<Event>> {
    static EVENTS: OnceLock<HashMap<B256, Vec<Event>>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let mut all: Vec<Event> = serde_json::from_str(include_str!("eigenlayer-events.json")).unwrap_or_default();
        all.extend(opwallet_bindings::operator_wallet_abi().events().cloned());
        for erc20 in [
            "event Transfer(address indexed from, address indexed to, uint256 value)",
            "event Approval(address indexed owner, address indexed spender, uint256 value)",
        ] {
            all.extend(Event::parse(erc20).ok());
        }
        let mut map: HashMap<B256, Vec<Event>> = HashMap::new();
        for e in all {
            map.entry(e.selector()).or_default().push(e);
        }
        map
    })
}

/// The events opwallet can name (for a test that they are exactly the release's).
pub fn eigenlayer_events() -> Vec<Event> {
    serde_json::from_str(include_str!("eigenlayer-events.json")).unwrap_or_default()
}

fn event(log: &Log, decoder: &Decoder) -> SimEvent {
    let emitter = log.address();
    let emitter_text = if emitter == ETH_PSEUDO_TOKEN { "ETH".to_string() } else { decoder.address(emitter) };
    let topics = log.topics();
    let decoded = topics.first().and_then(|t| known_events().get(t)).and_then(|candidates| {
        candidates
            .iter()
            .find_map(|e| e.decode_log_parts(topics.iter().copied(), &log.data().data).ok().map(|d| (e, d)))
    });
    let Some((e, d)) = decoded else {
        let topic = topics.first().map(|t| t.to_string()).unwrap_or_else(|| "(anonymous)".into());
        return SimEvent { emitter, emitter_text, name: format!("unknown event {topic}"), args: Vec::new() };
    };
    let (mut indexed, mut body) = (d.indexed.into_iter(), d.body.into_iter());
    let args = e
        .inputs
        .iter()
        .filter_map(|input| {
            let value = if input.indexed { indexed.next() } else { body.next() }?;
            let param = Param {
                ty: input.ty.clone(),
                name: input.name.clone(),
                components: input.components.clone(),
                internal_type: input.internal_type.clone(),
            };
            Some((crate::text::escape(&input.name), decoder.value(&param, &value)))
        })
        .collect();
    SimEvent { emitter, emitter_text, name: crate::text::escape(&e.name), args }
}

/// Net balance changes from `Transfer` logs: ETH (from `traceTransfers`) and ERC-20 (from the token's own events),
/// the wallet first, zero changes and the zero address left out.
async fn balance_changes<P: Provider>(
    provider: &P,
    logs: &[Log],
    decoder: &Decoder,
    wallet: Address,
) -> Vec<BalanceChange> {
    let mut net: BTreeMap<(Option<Address>, Address), I256> = BTreeMap::new();
    for log in logs {
        let Ok(t) = Transfer::decode_log(&log.inner) else { continue };
        let token = (log.address() != ETH_PSEUDO_TOKEN).then_some(log.address());
        let Ok(value) = I256::try_from(t.value) else { continue };
        *net.entry((token, t.from)).or_default() -= value;
        *net.entry((token, t.to)).or_default() += value;
    }
    let unknown: Vec<Address> =
        net.keys().filter_map(|(t, _)| *t).filter(|t| !decoder.tokens.contains_key(t)).collect();
    let mut decoder = decoder.clone();
    if !unknown.is_empty() {
        decoder.tokens.extend(crate::tokens::read_all(provider, &unknown).await);
    }
    let mut out: Vec<BalanceChange> = net
        .into_iter()
        .filter(|((_, account), delta)| !delta.is_zero() && !account.is_zero())
        .map(|((token, account), delta)| {
            let sign = if delta.is_negative() { "-" } else { "+" };
            let amount = match token {
                Some(t) => decoder.amount(t, delta.unsigned_abs()),
                None => format!("{} ETH", crate::decode::ether(delta.unsigned_abs())),
            };
            BalanceChange { account, token, delta, text: format!("{}: {sign}{amount}", decoder.address(account)) }
        })
        .collect();
    out.sort_by_key(|c| c.account != wallet);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_slot_is_solidity_nested_mapping_layout() {
        // keccak256(digest ‖ keccak256(pad(signer) ‖ pad(23))), written out by hand.
        let signer = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        let digest = B256::repeat_byte(0xab);
        let mut inner = [0u8; 64];
        inner[12..32].copy_from_slice(signer.as_slice());
        inner[63] = 23;
        let outer = keccak256(inner);
        let mut both = [0u8; 64];
        both[..32].copy_from_slice(digest.as_slice());
        both[32..].copy_from_slice(outer.as_slice());
        assert_eq!(approval_slot(signer, digest), keccak256(both));
    }

    #[test]
    fn state_word_keeps_the_stored_hash_and_replaces_the_nonce() {
        let stored = B256::repeat_byte(0xab);
        let word = state_word(stored, 0x0102_0304).expect("usable");
        assert_eq!(word[..28], stored[..28]);
        assert_eq!(word[28..], [1, 2, 3, 4]);
        assert_eq!(
            state_word(stored, u64::from(u32::MAX) - 1).expect("the last usable")[28..],
            [0xff, 0xff, 0xff, 0xfe]
        );
        for never in [u64::from(u32::MAX), u64::from(u32::MAX) + 1] {
            assert!(
                state_word(stored, never).expect_err("never usable").to_string().contains("last usable nonce"),
                "{never}"
            );
        }
    }

    #[test]
    fn eigenlayer_events_are_known_by_topic() {
        let events = eigenlayer_events();
        assert!(events.len() > 100, "{}", events.len());
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        for expected in ["AllocationUpdated", "RewardsClaimed", "KeyRegistered", "OperatorRegistered"] {
            assert!(names.contains(&expected), "{expected}");
        }
        assert!(known_events().contains_key(&Transfer::SIGNATURE_HASH));
    }
}
