//! Every action opwallet proposes, one module each, with everything about it: its arguments, its checks against
//! the chain before a file is written, the calls (or the EigenLayer message) it builds, how the signing screen
//! describes its calls, which operator sets it touches (for the redistribution guard) and EigenLayer's errors it
//! explains in words.
//!
//! Adding an action: a module here implementing [`Action`] with a [`Spec`] per function it calls (listed in
//! [`SPECS`]), its `…Args` in the CLI, and its test. [`SPECS`] feeds the signing screen ([`crate::decode`]), the
//! redistribution guard ([`crate::guard`]) and revert decoding ([`crate::submit::explain`]), so an action cannot be
//! described, guarded or explained by one and missed by another.

use std::future::Future;

use alloy::{
    primitives::{Address, B256},
    providers::Provider,
};
use opwallet_bindings::eigenlayer::OperatorSet;

use crate::{
    AddressBook, Error,
    decode::Decoder,
    proposal::{Preimage, Proposal, ProposedCall},
    wallet::WalletState,
};

pub mod accept_admin;
pub mod add_pending_admin;
pub mod add_signer;
pub mod appointee;
pub mod avs_registration;
pub mod bump_epoch;
pub mod call;
pub mod cancel;
pub mod claim_rewards;
pub mod delegation_approval;
pub mod deregister_key;
pub mod deregister_operator_sets;
pub mod modify_allocations;
pub mod register_key;
pub mod register_operator;
pub mod register_operator_sets;
pub mod remove_admin;
pub mod remove_signer;
pub mod replace_signer;
pub mod rotate;
pub mod set_allocation_delay;
pub mod set_claimer;
pub mod set_delegation_approver;
pub mod set_split;
pub mod set_threshold;
pub mod sign_hash;
pub mod transfer;
pub mod undelegate;
pub mod update_metadata_uri;

/// What an action needs to plan: the chain, the address book for it, the wallet, and (for actions that declare
/// [`Action::NEEDS_STATE`]) the wallet's state, read first. Other actions plan while the state is being read.
#[derive(Debug)]
pub struct Ctx<'a, P> {
    /// The chain's RPC, for the checks an action makes before a file is written.
    pub provider: &'a P,
    /// EigenLayer's addresses on this chain (`--addresses` or `--network`); `None` where none were given.
    pub book: Option<&'a AddressBook>,
    /// The OperatorWallet the proposal is for.
    pub wallet: Address,
    /// The wallet's state, read before planning for actions with [`Action::NEEDS_STATE`]; `None` for the others.
    pub state: Option<&'a WalletState>,
}

impl<P> Ctx<'_, P> {
    /// The address book, which actions on EigenLayer need.
    pub fn book(&self) -> Result<&AddressBook, Error> {
        self.book.ok_or_else(|| {
            Error::Refused(
                "no EigenLayer addresses for this chain: pass --addresses FILE (or --network for a public network)"
                    .into(),
            )
        })
    }

    /// The OperatorWallet the proposal is for.
    pub fn wallet(&self) -> Address {
        self.wallet
    }

    /// The wallet's state (signers, threshold, nonce, epoch, chain id); only for actions with `NEEDS_STATE`.
    pub fn state(&self) -> Result<&WalletState, Error> {
        self.state.ok_or_else(|| Error::Chain("internal: this action declared no need of the wallet's state".into()))
    }
}

/// What an action asks the wallet to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // made once per command; boxing would only add noise
pub enum Plan {
    /// A batch for `execute`.
    Execute(Vec<ProposedCall>),
    /// An ERC-1271 signature over an EigenLayer digest with its preimage.
    Message {
        /// The EigenLayer digest the wallet is to approve (what EigenLayer passes to `isValidSignature`).
        hash: B256,
        /// The EigenLayer message the digest is the hash of, so a signer can recompute it.
        preimage: Preimage,
    },
}

/// A plan, and what the proposer should be told about it (said on stderr, never written into the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// What the wallet is asked to sign.
    pub plan: Plan,
    /// Warnings and notes for the proposer, one line each.
    pub notices: Vec<String>,
}

impl Planned {
    /// A plan to `execute` `calls` in one batch, with no notices.
    pub fn calls(calls: Vec<ProposedCall>) -> Self {
        Self { plan: Plan::Execute(calls), notices: Vec::new() }
    }

    /// A plan to `execute` one call, with no notices.
    pub fn call(call: ProposedCall) -> Self {
        Self::calls(vec![call])
    }

    /// The same plan with `notice` added to what the proposer is told.
    pub fn notice(mut self, notice: impl Into<String>) -> Self {
        self.notices.push(notice.into());
        self
    }
}

/// An action: it checks its preconditions on the chain and plans what to sign, or says in words why not.
pub trait Action {
    /// Whether planning needs the wallet's state; actions that do not plan while it is read (one round trip less
    /// behind a remote node).
    const NEEDS_STATE: bool = false;

    /// Checks the action against the chain and plans the calls or message to sign; an error says why not, before
    /// any file is written.
    fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> impl Future<Output = Result<Planned, Error>>;
}

/// What the registry knows about one function opwallet proposes.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The ABI the decoder names the target by (`"DelegationManager"`, `"OperatorWallet"`, …).
    pub abi: &'static str,
    /// The function's 4-byte selector, the first bytes of its calldata.
    pub selector: [u8; 4],
    /// One line for the signing screen, from the calldata alone; `None` if it does not decode.
    pub summary: fn(&[u8], &Decoder) -> Option<String>,
    /// The operator sets a call registers for or allocates to, from the calldata (the redistribution guard's
    /// input).
    pub touches: fn(&[u8]) -> Vec<OperatorSet>,
}

/// For [`Spec::touches`] of calls that touch no operator set.
pub fn no_sets(_: &[u8]) -> Vec<OperatorSet> {
    Vec::new()
}

/// An EigenLayer (or wallet) custom error and what it means for the operator.
#[derive(Debug, Clone, Copy)]
pub struct ErrorText {
    /// The custom error's 4-byte selector, the first bytes of the revert data.
    pub selector: [u8; 4],
    /// The error's Solidity name, such as `AlreadyMemberOfSet`.
    pub name: &'static str,
    /// What it means for the operator and what to do, in one line without a final full stop.
    pub words: &'static str,
}

/// Every function opwallet proposes.
pub static SPECS: &[Spec] = &[
    register_operator::SPEC,
    update_metadata_uri::SPEC,
    set_delegation_approver::SPEC,
    undelegate::SPEC,
    register_operator_sets::SPEC,
    deregister_operator_sets::SPEC,
    set_allocation_delay::SPEC,
    modify_allocations::SPEC,
    add_pending_admin::SPEC,
    accept_admin::SPEC,
    remove_admin::SPEC,
    appointee::SET_SPEC,
    appointee::REMOVE_SPEC,
    add_signer::SPEC,
    remove_signer::SPEC,
    replace_signer::SPEC,
    rotate::SPEC,
    set_threshold::SPEC,
    bump_epoch::SPEC,
    claim_rewards::SPEC,
    set_claimer::SPEC,
    set_split::AVS_SPEC,
    set_split::PI_SPEC,
    set_split::SET_SPEC,
    register_key::SPEC,
    deregister_key::SPEC,
];

/// Every error the actions explain.
pub static ERRORS: &[&[ErrorText]] = &[
    register_operator::ERRORS,
    register_operator_sets::ERRORS,
    modify_allocations::ERRORS,
    set_allocation_delay::ERRORS,
    undelegate::ERRORS,
    add_pending_admin::ERRORS,
    accept_admin::ERRORS,
    avs_registration::ERRORS,
    claim_rewards::ERRORS,
    set_split::ERRORS,
    register_key::ERRORS,
    deregister_key::ERRORS,
];

/// The registry entry for a call of `abi` with `data`.
pub fn spec(abi: &str, data: &[u8]) -> Option<&'static Spec> {
    let selector = data.get(..4)?;
    SPECS.iter().find(|s| s.abi == abi && s.selector == selector)
}

/// The words for a revert with `data`, if it is an error the actions know.
pub fn error_text(data: &[u8]) -> Option<&'static ErrorText> {
    let selector = data.get(..4)?;
    ERRORS.iter().flat_map(|e| e.iter()).find(|e| e.selector == selector)
}

/// Reads the wallet, checks the address book against the chain, plans `action` and makes the proposal. Returns it
/// with what the proposer should be told. `valid_for` is how long an execute proposal may wait for signatures.
// Long: the one path from action to proposal (state, plan, nonce, simulation, gas floor), taken whole.
pub async fn propose<P: Provider, A: Action>(
    provider: &P,
    book: Option<&AddressBook>,
    wallet: Address,
    action: A,
    valid_for: u64,
    now: u64,
    queue: QueueSlot<'_>,
) -> Result<Proposed, Error> {
    let check_chain = |state: &WalletState| match book {
        Some(b) if b.chain_id != state.chain_id => Err(Error::Refused(format!(
            "the address book is for chain {} but the RPC is chain {}: pass the book for this chain",
            b.chain_id, state.chain_id
        ))),
        _ => Ok(()),
    };
    let (state, planned) = if A::NEEDS_STATE {
        let state = WalletState::read(provider, wallet).await?;
        check_chain(&state)?;
        let planned = action.plan(&Ctx { provider, book, wallet, state: Some(&state) }).await?;
        (state, planned)
    } else {
        let ctx = Ctx { provider, book, wallet, state: None };
        let (state, planned) = tokio::join!(WalletState::read(provider, wallet), action.plan(&ctx));
        let state = state?;
        check_chain(&state)?;
        (state, planned?)
    };
    let proposal = match planned.plan {
        Plan::Execute(calls) => {
            let deadline = now.checked_add(valid_for).ok_or_else(|| {
                Error::Refused(format!(
                    "--valid-for {valid_for} reaches beyond the end of time as a unix timestamp: choose fewer seconds"
                ))
            })?;
            let nonce = queue.nonce(state.nonce)?;
            // The gas floor is set from the simulation below.
            Proposal::execute(state.chain_id, wallet, state.epoch, nonce, deadline, 0, calls)
        }
        Plan::Message { hash, preimage } => Proposal::message(state.chain_id, wallet, state.epoch, hash, preimage)?,
    };
    let simulation = match proposal.body {
        crate::proposal::Body::Execute { .. } => {
            let mut decoder = crate::decode::Decoder::new(wallet, book);
            if let crate::proposal::Body::Execute { calls, .. } = &proposal.body {
                decoder.tokens = crate::tokens::read_all(provider, &decoder.token_addresses(calls)).await;
            }
            let nonce = match &proposal.body {
                crate::proposal::Body::Execute { nonce, .. } => *nonce,
                crate::proposal::Body::Message { .. } => state.nonce,
            };
            Some(match crate::store::predecessors(queue.proposals, state.nonce, nonce) {
                Ok(before) => crate::simulate::simulate(provider, &state, &before, &proposal, &decoder)
                    .await
                    .map_err(|e| e.to_string()),
                // Not in a queue (an explicit --nonce ahead of the wallet): simulated as if the nonces before it
                // were used.
                Err(_) if queue.proposals.is_empty() => {
                    crate::simulate::simulate(provider, &state, &[], &proposal, &decoder)
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(gap) => Err(format!("no proposal is queued for nonce {gap}, which must run before this one")),
            })
        }
        crate::proposal::Body::Message { .. } => None,
    };
    let mut notices = planned.notices;
    let (proposal, floor) = with_gas_floor(proposal, simulation.as_ref())?;
    notices.extend(floor.map(String::from));
    Ok(Proposed { proposal, notices, simulation })
}

/// `proposal` (an execute proposal made with no gas floor) with its signed gas floor (`minGas`) set from the
/// node's simulation of it, or unchanged with the warning to show when the simulation gave no usable gas. The calls
/// and the state are the same with the floor in place, so the simulation stands for the final proposal (every
/// signer's `sign` simulates the file again). The floor never asks for more than one transaction may carry
/// ([`MAX_TX_GAS`]); a batch that does not fit even without a margin is refused.
pub fn with_gas_floor(
    proposal: Proposal,
    simulation: Option<&Result<crate::simulate::Simulation, String>>,
) -> Result<(Proposal, Option<&'static str>), Error> {
    use crate::proposal::Body;
    let gas = match (&proposal.body, simulation) {
        (Body::Message { .. }, _) => return Ok((proposal, None)),
        (Body::Execute { .. }, Some(Ok(sim))) if sim.success => sim.gas_used.filter(|g| *g > 0),
        (Body::Execute { .. }, _) => None,
    };
    let (Some(gas), Body::Execute { nonce, deadline, calls, .. }) = (gas, &proposal.body) else {
        return Ok((proposal, Some(NO_GAS_FLOOR)));
    };
    let most = max_min_gas();
    if gas > most {
        return Err(Error::Refused(format!(
            "the batch used {gas} gas in simulation, more than one transaction may carry (its calls could be offered \
             at most {most} of the {MAX_TX_GAS} a transaction may use): split it into several proposals"
        )));
    }
    let floored = Proposal::execute(
        proposal.chain_id,
        proposal.wallet,
        proposal.epoch,
        *nonce,
        *deadline,
        min_gas_for(gas).min(most),
        calls.clone(),
    );
    Ok((floored, None))
}

/// Said when no gas floor could be measured.
const NO_GAS_FLOOR: &str = "warning: the node did not report the batch's gas, so the proposal has no gas floor (minGas 0): whoever submits it chooses how much gas its calls get";

/// The most gas one transaction may use (EIP-7825, since Fusaka).
pub const MAX_TX_GAS: u64 = 1 << 24;

/// What `execute` itself may need besides its calls, at most: intrinsic gas, calldata, 32 signature checks.
pub const EXECUTE_OVERHEAD: u64 = 400_000;

/// The highest gas floor a transaction can honour: what is left for the calls of a transaction of [`MAX_TX_GAS`]
/// after [`EXECUTE_OVERHEAD`], less the 1/64 a call keeps back.
pub fn max_min_gas() -> u64 {
    (MAX_TX_GAS - EXECUTE_OVERHEAD) / 64 * 63
}

/// The signed gas floor for a batch whose `execute` transaction used `gas_used` in simulation: that (an
/// over-estimate of what the calls alone need) plus half again, for gas refunds counted after the fact and for
/// the 1/64 each nested call keeps back; rounded up to a thousand.
pub fn min_gas_for(gas_used: u64) -> u64 {
    gas_used.saturating_add(gas_used / 2).div_ceil(1000).saturating_mul(1000)
}

/// What a signer must be told about a proposal's gas floor, from the file alone: none at all, or more than a
/// transaction can carry (then the batch can never run).
pub fn gas_floor_problem(proposal: &Proposal) -> Option<(bool, String)> {
    let crate::proposal::Body::Execute { min_gas, .. } = &proposal.body else { return None };
    if *min_gas == 0 {
        return Some((
            false,
            "it has no gas floor (minGas 0): whoever submits it chooses how much gas its calls get, and can starve a \
             call that swallows a failing sub-call"
                .to_owned(),
        ));
    }
    (*min_gas > max_min_gas()).then(|| {
        (
            true,
            format!(
                "its gas floor {min_gas} is more than a transaction can offer its calls ({} of the {MAX_TX_GAS} a \
                 transaction may use): it can never run",
                max_min_gas()
            ),
        )
    })
}

/// Which nonce a new proposal takes, among the proposals already queued for the wallet.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueSlot<'a> {
    /// The proposals of the wallet's queue (empty: not proposing into a queue).
    pub proposals: &'a [Proposal],
    /// The nonce asked for; `None`: the wallet's next, past every queued proposal.
    pub nonce: Option<u64>,
    /// Propose for a nonce a queued proposal already has (an alternative: whichever executes first wins).
    pub replace: bool,
}

impl QueueSlot<'_> {
    fn nonce(&self, wallet_nonce: u64) -> Result<u64, Error> {
        let nonce = self.nonce.unwrap_or_else(|| crate::store::next_nonce(self.proposals, wallet_nonce));
        if nonce < wallet_nonce {
            return Err(Error::Refused(format!(
                "nonce {nonce} is already used (the wallet is at nonce {wallet_nonce}): a proposal for it can never run"
            )));
        }
        if nonce > crate::wallet::LAST_NONCE {
            return Err(crate::wallet::unusable_nonce(nonce));
        }
        let taken: Vec<String> = self
            .proposals
            .iter()
            .filter(|p| matches!(p.body, crate::proposal::Body::Execute { nonce: n, .. } if n == nonce))
            .map(|p| p.hashes.digest.to_string())
            .collect();
        if !taken.is_empty() && !self.replace {
            return Err(Error::Refused(format!(
                "nonce {nonce} is taken by the queued proposal(s) {}: pass --replace to propose an alternative \
                 (whichever is executed first wins; the other can then never run), or omit --nonce",
                taken.join(", ")
            )));
        }
        Ok(nonce)
    }
}

/// A proposal as planned, with what the planning found and the node's simulation of it (execute proposals).
#[derive(Debug)]
pub struct Proposed {
    /// The proposal, its gas floor set from the simulation (execute proposals).
    pub proposal: Proposal,
    /// Warnings and notes for the proposer (stderr), including a missing gas floor.
    pub notices: Vec<String>,
    /// The node's simulation of an execute proposal, or why it could not be run; `None` for a message.
    pub simulation: Option<Result<crate::simulate::Simulation, String>>,
}

/// The warning every change of the signer configuration carries.
pub const ROTATION_WARNING: &str = "warning: executing this bumps the wallet's epoch: every pending proposal, on-chain \
approval and ERC-1271 signature made before (including EigenLayer registration signatures not yet used) becomes \
invalid and must be collected again";

/// The warning every change that removes a signer carries (PITFALLS: counterfactual deployment on other chains).
pub const FIRST_CONFIGURATION_WARNING: &str = "warning: the wallet's address commits to its first configuration, \
not to a chain: on any chain where it is not deployed yet, whoever holds the first signers' keys (a threshold of \
them) can still create it there with that first configuration, including keys this change removes. Deploy the \
wallet on every chain you will use before removing a key you no longer trust (docs/security.md)";

/// Refuses an expiry EigenLayer would refuse.
pub(crate) fn future_expiry(expiry: u64, now: u64) -> Result<(), Error> {
    if expiry <= now {
        return Err(Error::Refused(format!("--expiry {expiry} is in the past: EigenLayer would refuse the signature")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_the_wallet_can_never_use_is_refused() {
        let slot = |n| QueueSlot { proposals: &[], nonce: Some(n), replace: false };
        let last = crate::wallet::LAST_NONCE;
        assert_eq!(last, u64::from(u32::MAX) - 1);
        assert_eq!(slot(last).nonce(0).expect("the last usable"), last);
        let err = slot(last + 1).nonce(0).expect_err("never usable").to_string();
        assert!(err.contains("beyond the wallet's last usable nonce"), "{err}");
        assert!(slot(4).nonce(5).expect_err("used").to_string().contains("already used"));
    }

    #[test]
    fn the_gas_floor_is_the_simulated_gas_and_half_again_rounded_up() {
        assert_eq!(min_gas_for(0), 0);
        assert_eq!(min_gas_for(100_000), 150_000);
        assert_eq!(min_gas_for(100_001), 151_000);
        assert_eq!(min_gas_for(u64::MAX), u64::MAX);
    }

    #[test]
    fn a_gas_floor_fits_in_one_transaction() {
        let needed = max_min_gas() + max_min_gas() / 63 + EXECUTE_OVERHEAD;
        assert!(needed <= MAX_TX_GAS, "{needed}");
        let p = |min_gas| {
            Proposal::execute(
                1,
                Address::repeat_byte(1),
                0,
                0,
                1,
                min_gas,
                vec![crate::proposal::ProposedCall::new(Address::repeat_byte(2), vec![])],
            )
        };
        assert_eq!(gas_floor_problem(&p(0)).map(|(refuse, _)| refuse), Some(false));
        assert_eq!(gas_floor_problem(&p(150_000)), None);
        assert_eq!(gas_floor_problem(&p(max_min_gas())), None);
        assert_eq!(gas_floor_problem(&p(max_min_gas() + 1)).map(|(refuse, _)| refuse), Some(true));
    }

    #[test]
    fn the_registry_has_one_entry_per_function_and_every_error_once() {
        for (i, s) in SPECS.iter().enumerate() {
            assert!(
                !SPECS[..i].iter().any(|o| o.abi == s.abi && o.selector == s.selector),
                "{}.{:?} is registered twice",
                s.abi,
                s.selector
            );
        }
        let all: Vec<&ErrorText> = ERRORS.iter().flat_map(|e| e.iter()).collect();
        for (i, e) in all.iter().enumerate() {
            assert!(!all[..i].iter().any(|o| o.selector == e.selector), "{} is listed twice", e.name);
            assert!(!e.words.is_empty() && !e.words.ends_with('.'), "{}", e.name);
        }
    }
}
