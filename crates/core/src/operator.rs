//! The operator's dashboard: everything EigenLayer knows about the wallet as an operator, read from EigenLayer's
//! own views (and, for what no view lists, its events over recent blocks).

use std::collections::BTreeSet;

use alloy::{
    primitives::{Address, FixedBytes, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolEvent,
};
use opwallet_bindings::eigenlayer::{
    IAllocationManager, IDelegationManager, IKeyRegistrar, IPermissionController, IRewardsCoordinator, OperatorSet,
};
use serde::Serialize;

use crate::{
    AddressBook, Error,
    actions::set_split::{Split, SplitOf, read_split},
    guard,
};

/// One strategy's allocation to one operator set.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyAllocation {
    /// The strategy.
    pub strategy: Address,
    /// The magnitude allocated now, out of the strategy's max magnitude (1e18 until slashed).
    pub magnitude: u64,
    /// A change of magnitude waiting to take effect (negative: a deallocation); 0 when none is pending.
    pub pending_diff: i128,
    /// The block the pending change takes effect at.
    pub effect_block: u32,
    /// Stake slashable by the set now, in strategy shares.
    pub slashable_stake: U256,
}

/// One operator set the wallet is registered for, allocated to, or holds a KeyRegistrar key for.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetStatus {
    /// The AVS the set belongs to.
    pub avs: Address,
    /// The set's id within its AVS.
    pub id: u32,
    /// The wallet is registered for the set (`getRegisteredSets`).
    pub registered: bool,
    /// Some stake of the wallet is allocated to it (or was, and its deallocation is pending).
    pub allocated: bool,
    /// Per strategy the wallet allocated to the set: the allocation and the stake it makes slashable.
    pub allocations: Vec<StrategyAllocation>,
    /// Where its slashed stake goes, if it redistributes rather than burns.
    pub redistribution_recipient: Option<Address>,
    /// Who may slash it (`getSlasher`, releases ≥ 1.9); `None` where the chain has no such view.
    pub slasher: Option<Address>,
    /// The wallet's signing key for it in the KeyRegistrar (ECDSA address or BN254 key hash), if any.
    pub key: Option<String>,
    /// The operator's split of rewards submitted for this operator set, if rewards are set up on this chain.
    pub split: Option<Split>,
}

/// The operator's split of an AVS's rewards (those submitted for the AVS as a whole, not for one of its sets).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AvsSplit {
    /// The AVS.
    pub avs: Address,
    /// The operator's split of its AVS-wide rewards, in bips.
    pub split: Split,
}

/// Per strategy: the operator's delegated shares and magnitudes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyStatus {
    /// The strategy.
    pub strategy: Address,
    /// Shares delegated to the operator in the strategy (`operatorShares`), its own and its stakers'.
    pub delegated_shares: U256,
    /// The strategy's max magnitude for the operator: 1e18, less what slashes took.
    pub max_magnitude: u64,
    /// Magnitude allocated or pending allocation across all sets; the rest of the max is free to allocate.
    pub encumbered_magnitude: u64,
}

/// An appointee and what it may call for the wallet.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointee {
    /// The appointed address.
    pub appointee: Address,
    /// What it may call for the wallet: (target contract, function selector) pairs.
    pub permissions: Vec<(Address, FixedBytes<4>)>,
}

/// A slash of the wallet, from `OperatorSlashed`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slash {
    /// The block the slash happened in, as the node reports the log's.
    pub block: Option<u64>,
    /// The AVS of the operator set that slashed.
    pub avs: Address,
    /// The operator set's id within its AVS.
    pub id: u32,
    /// The strategies slashed.
    pub strategies: Vec<Address>,
    /// Per strategy, the share of the allocated magnitude slashed, in WAD (1e18 = all of it).
    pub wad_slashed: Vec<U256>,
    /// The slasher's stated reason, escaped.
    pub description: String,
}

/// The dashboard.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorStatus {
    /// The wallet read.
    pub wallet: Address,
    /// The EigenLayer release the chain reports (escaped), as [`crate::guard::release`] reads it.
    pub release: String,
    /// The wallet is registered as an EigenLayer operator.
    pub is_operator: bool,
    /// Who must approve stakers' delegations to the wallet (zero: anyone may delegate).
    pub delegation_approver: Address,
    /// The allocation delay in effect (`None`: not set yet).
    pub allocation_delay: Option<u32>,
    /// A new allocation delay set and not yet in effect: the delay, and the block it applies from.
    pub pending_allocation_delay: Option<(u32, u32)>,
    /// Every set the wallet is registered for, allocated to, or registered a key for in the scanned blocks.
    pub sets: Vec<SetStatus>,
    /// Every strategy allocated to one of those sets.
    pub strategies: Vec<StrategyStatus>,
    /// The rewards claimer (zero: the wallet claims itself); `None` without a RewardsCoordinator.
    pub claimer: Option<Address>,
    /// Per AVS of the sets above: the operator's split of its AVS-wide rewards.
    pub avs_splits: Vec<AvsSplit>,
    /// The operator's split of programmatic incentives.
    pub pi_split: Option<Split>,
    /// The admins of the wallet's account (`getAdmins`: the wallet itself until another admin is accepted).
    pub admins: Vec<Address>,
    /// Admins proposed and not yet accepted.
    pub pending_admins: Vec<Address>,
    /// Appointees with a permission still in force, from events in the scanned blocks.
    pub appointees: Vec<Appointee>,
    /// Slashes of the wallet in the scanned blocks.
    pub slashes: Vec<Slash>,
    /// The first block scanned for events (appointees, slashes).
    pub from_block: u64,
    /// The last block scanned: the head when the dashboard was read.
    pub to_block: u64,
}

impl OperatorStatus {
    /// Reads the dashboard; events are scanned over the last `blocks` blocks.
    // Long: waves of concurrent reads, each needing the last's answers; split, a dozen values would pass around.
    pub async fn read<P: Provider>(
        provider: &P,
        book: &AddressBook,
        wallet: Address,
        blocks: u64,
    ) -> Result<Self, Error> {
        let dm = IDelegationManager::new(book.delegation_manager, provider);
        let am = IAllocationManager::new(book.allocation_manager, provider);
        let pc = IPermissionController::new(book.permission_controller, provider);
        let (release, is_operator, approver, delay, registered, allocated, admins, pending, head) = tokio::try_join!(
            async { guard::release(provider, book).await.map(|(_, v)| crate::text::escape(&v)) },
            async { dm.isOperator(wallet).call().await.map_err(Error::rpc) },
            async { dm.delegationApprover(wallet).call().await.map_err(Error::rpc) },
            async { am.getAllocationDelay(wallet).call().await.map_err(Error::rpc) },
            async { am.getRegisteredSets(wallet).call().await.map_err(Error::rpc) },
            async { am.getAllocatedSets(wallet).call().await.map_err(Error::rpc) },
            async { pc.getAdmins(wallet).call().await.map_err(Error::rpc) },
            async { pc.getPendingAdmins(wallet).call().await.map_err(Error::rpc) },
            async {
                let (head, chain) =
                    tokio::try_join!(provider.get_block_number(), provider.get_chain_id()).map_err(Error::rpc)?;
                if chain != book.chain_id {
                    return Err(Error::Refused(format!(
                        "the address book is for chain {} but the RPC is chain {chain}: pass the book for this chain",
                        book.chain_id
                    )));
                }
                Ok(head)
            },
        )?;
        let from_block = head.saturating_sub(blocks);
        // Everything known so far, at once: the sets' own reads, the event scans, the rewards views.
        let mut known: Vec<OperatorSet> = registered.clone();
        known.extend(allocated.iter().filter(|s| !registered.contains(s)).cloned());
        let member = |set: &OperatorSet| (registered.contains(set), allocated.contains(set));
        let (first_sets, keyed, pending_allocation_delay, appointees, slashes, rewards) = tokio::join!(
            futures::future::try_join_all(known.iter().map(|set| set_status(provider, book, wallet, set, member(set)))),
            async {
                match book.key_registrar {
                    Some(kr) => keyed_sets(provider, kr, wallet, from_block, head).await,
                    None => Ok(Vec::new()),
                }
            },
            pending_delay(provider, book, wallet, from_block, head),
            appointees(provider, book, wallet, from_block, head),
            slashes(provider, book, wallet, from_block, head),
            rewards(provider, book, wallet),
        );
        let mut sets = first_sets?;
        let keyed_only: Vec<OperatorSet> = keyed?.into_iter().filter(|s| !known.contains(s)).collect();
        sets.extend(
            futures::future::try_join_all(
                keyed_only.iter().map(|set| set_status(provider, book, wallet, set, (false, false))),
            )
            .await?,
        );
        let strategy_list: BTreeSet<Address> =
            sets.iter().flat_map(|s| s.allocations.iter().map(|a| a.strategy)).collect();
        let avss: BTreeSet<Address> = sets.iter().map(|s| s.avs).collect();
        let (strategies, avs_splits) = tokio::try_join!(
            futures::future::try_join_all(strategy_list.into_iter().map(|strategy| {
                let (dm, am) = (&dm, &am);
                async move {
                    let (shares, max, encumbered) = tokio::try_join!(
                        async { dm.operatorShares(wallet, strategy).call().await.map_err(Error::rpc) },
                        async { am.getMaxMagnitude(wallet, strategy).call().await.map_err(Error::rpc) },
                        async { am.getEncumberedMagnitude(wallet, strategy).call().await.map_err(Error::rpc) },
                    )?;
                    Ok::<_, Error>(StrategyStatus {
                        strategy,
                        delegated_shares: shares,
                        max_magnitude: max,
                        encumbered_magnitude: encumbered,
                    })
                }
            })),
            futures::future::try_join_all(avss.into_iter().map(|avs| async move {
                match book.rewards_coordinator {
                    Some(rc) => read_split(provider, rc, wallet, &SplitOf::Avs(avs))
                        .await
                        .map(|split| Some(AvsSplit { avs, split })),
                    None => Ok(None),
                }
            })),
        )?;
        let avs_splits: Vec<AvsSplit> = avs_splits.into_iter().flatten().collect();
        let (claimer, pi_split) = rewards?;
        let pending_allocation_delay = pending_allocation_delay?;
        let (appointees, slashes) = (appointees?, slashes?);
        Ok(Self {
            wallet,
            release,
            is_operator,
            delegation_approver: approver,
            allocation_delay: delay.isSet.then_some(delay.delay),
            pending_allocation_delay,
            sets,
            strategies,
            claimer,
            avs_splits,
            pi_split,
            admins,
            pending_admins: pending,
            appointees,
            slashes,
            from_block,
            to_block: head,
        })
    }
}

/// One set's allocations, slashable stake, redistribution, key and split.
// Long: two waves of concurrent reads for one set (its own, then its strategies'); split, results would pass around.
async fn set_status<P: Provider>(
    provider: &P,
    book: &AddressBook,
    wallet: Address,
    set: &OperatorSet,
    (registered, allocated): (bool, bool),
) -> Result<SetStatus, Error> {
    let am = IAllocationManager::new(book.allocation_manager, provider);
    // First everything that needs only the set; then what needs its strategies.
    let (strategies, redistributing, recipient, slasher, key, split) = tokio::join!(
        async { am.getAllocatedStrategies(wallet, set.clone()).call().await.map_err(Error::rpc) },
        async { am.isRedistributingOperatorSet(set.clone()).call().await.map_err(Error::rpc) },
        async { am.getRedistributionRecipient(set.clone()).call().await },
        async { am.getSlasher(set.clone()).call().await },
        async {
            match book.key_registrar {
                Some(kr) => key_of(provider, kr, wallet, set).await,
                None => Ok(None),
            }
        },
        async {
            match book.rewards_coordinator {
                Some(rc) => read_split(provider, rc, wallet, &SplitOf::OperatorSet(set.clone())).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let strategies = strategies?;
    let (recipient, slasher) = if redistributing? {
        (Some(recipient.map_err(Error::rpc)?), Some(slasher.map_err(Error::rpc)?))
    } else {
        (None, slasher.ok())
    };
    let (key, split) = (key?, split?);
    let (stake, each) = tokio::join!(
        async {
            if strategies.is_empty() {
                Ok(Vec::new())
            } else {
                am.getAllocatedStake(set.clone(), vec![wallet], strategies.clone()).call().await.map_err(Error::rpc)
            }
        },
        futures::future::try_join_all(strategies.iter().map(|strategy| async {
            am.getAllocation(wallet, set.clone(), *strategy).call().await.map_err(Error::rpc)
        })),
    );
    let (stake, each) = (stake?, each?);
    let allocations = strategies
        .iter()
        .zip(each)
        .enumerate()
        .map(|(i, (strategy, a))| StrategyAllocation {
            strategy: *strategy,
            magnitude: a.currentMagnitude,
            pending_diff: a.pendingDiff,
            effect_block: a.effectBlock,
            slashable_stake: stake.first().and_then(|s| s.get(i)).copied().unwrap_or_default(),
        })
        .collect();
    Ok(SetStatus {
        avs: set.avs,
        id: set.id,
        registered,
        allocated,
        allocations,
        redistribution_recipient: recipient,
        slasher,
        key,
        split,
    })
}

/// Sets the wallet registered a KeyRegistrar key for in blocks `from..=to` (still holding it or not: `key_of` tells).
async fn keyed_sets<P: Provider>(
    provider: &P,
    kr: Address,
    wallet: Address,
    from: u64,
    to: u64,
) -> Result<Vec<OperatorSet>, Error> {
    let filter = Filter::new()
        .address(kr)
        .event_signature(IKeyRegistrar::KeyRegistered::SIGNATURE_HASH)
        .topic1(wallet.into_word())
        .from_block(from)
        .to_block(to);
    let mut sets = Vec::new();
    for log in provider.get_logs(&filter).await.map_err(Error::rpc)? {
        if let Ok(e) = IKeyRegistrar::KeyRegistered::decode_log(&log.inner)
            && !sets.contains(&e.operatorSet)
        {
            sets.push(e.operatorSet.clone());
        }
    }
    let registrar = IKeyRegistrar::new(kr, provider);
    let mut held = Vec::new();
    for set in sets {
        if registrar.isRegistered(set.clone(), wallet).call().await.map_err(Error::rpc)? {
            held.push(set);
        }
    }
    Ok(held)
}

/// The last allocation delay set for the wallet in blocks `from..=to`, if it has not taken effect by `to`
/// (`AllocationDelaySet`; no view reports a pending delay).
async fn pending_delay<P: Provider>(
    provider: &P,
    book: &AddressBook,
    wallet: Address,
    from: u64,
    to: u64,
) -> Result<Option<(u32, u32)>, Error> {
    let filter = Filter::new()
        .address(book.allocation_manager)
        .event_signature(IAllocationManager::AllocationDelaySet::SIGNATURE_HASH)
        .from_block(from)
        .to_block(to);
    let last = provider
        .get_logs(&filter)
        .await
        .map_err(Error::rpc)?
        .iter()
        .filter_map(|log| IAllocationManager::AllocationDelaySet::decode_log(&log.inner).ok())
        .filter(|e| e.operator == wallet)
        .last();
    Ok(last.filter(|e| u64::from(e.effectBlock) > to).map(|e| (e.delay, e.effectBlock)))
}

/// The wallet's KeyRegistrar key for `set`: an ECDSA address, or a BN254 key hash.
async fn key_of<P: Provider>(
    provider: &P,
    kr: Address,
    wallet: Address,
    set: &OperatorSet,
) -> Result<Option<String>, Error> {
    let kr = IKeyRegistrar::new(kr, provider);
    // All four at once; which answer counts depends on the first two.
    let (registered, curve, ecdsa, hash) = tokio::join!(
        async { kr.isRegistered(set.clone(), wallet).call().await.map_err(Error::rpc) },
        async { kr.getOperatorSetCurveType(set.clone()).call().await.map_err(Error::rpc) },
        async { kr.getECDSAAddress(set.clone(), wallet).call().await.map_err(Error::rpc) },
        async { kr.getKeyHash(set.clone(), wallet).call().await.map_err(Error::rpc) },
    );
    if !registered? {
        return Ok(None);
    }
    Ok(Some(match curve? {
        1 => format!("ECDSA {}", ecdsa?),
        _ => format!("BN254 key hash {}", hash?),
    }))
}

/// The rewards claimer and programmatic-incentives split, where the chain has a RewardsCoordinator.
async fn rewards<P: Provider>(
    provider: &P,
    book: &AddressBook,
    wallet: Address,
) -> Result<(Option<Address>, Option<Split>), Error> {
    let Some(rc) = book.rewards_coordinator else { return Ok((None, None)) };
    let (claimer, pi) = tokio::try_join!(
        async { IRewardsCoordinator::new(rc, provider).claimerFor(wallet).call().await.map_err(Error::rpc) },
        read_split(provider, rc, wallet, &SplitOf::ProgrammaticIncentives),
    )?;
    Ok((Some(claimer), Some(pi)))
}

/// Appointees, from the PermissionController's `AppointeeSet` events for the wallet, each with what it may still call.
async fn appointees<P: Provider>(
    provider: &P,
    book: &AddressBook,
    wallet: Address,
    from: u64,
    to: u64,
) -> Result<Vec<Appointee>, Error> {
    let filter = Filter::new()
        .address(book.permission_controller)
        .event_signature(IPermissionController::AppointeeSet::SIGNATURE_HASH)
        .topic1(wallet.into_word())
        .from_block(from)
        .to_block(to);
    let logs = provider.get_logs(&filter).await.map_err(Error::rpc)?;
    let mut seen = BTreeSet::new();
    for log in logs {
        if let Ok(e) = IPermissionController::AppointeeSet::decode_log(&log.inner) {
            seen.insert(e.appointee);
        }
    }
    let pc = IPermissionController::new(book.permission_controller, provider);
    let mut out = Vec::new();
    for appointee in seen {
        let perms = pc.getAppointeePermissions(wallet, appointee).call().await.map_err(Error::rpc)?;
        let permissions: Vec<(Address, FixedBytes<4>)> = perms._0.into_iter().zip(perms._1).collect();
        if !permissions.is_empty() {
            out.push(Appointee { appointee, permissions });
        }
    }
    Ok(out)
}

/// `OperatorSlashed` events for the wallet (the operator is not an indexed field, so every slash is read).
async fn slashes<P: Provider>(
    provider: &P,
    book: &AddressBook,
    wallet: Address,
    from: u64,
    to: u64,
) -> Result<Vec<Slash>, Error> {
    let filter = Filter::new()
        .address(book.allocation_manager)
        .event_signature(IAllocationManager::OperatorSlashed::SIGNATURE_HASH)
        .from_block(from)
        .to_block(to);
    let logs = provider.get_logs(&filter).await.map_err(Error::rpc)?;
    Ok(logs
        .into_iter()
        .filter_map(|log| {
            let e = IAllocationManager::OperatorSlashed::decode_log(&log.inner).ok()?;
            (e.operator == wallet).then(|| Slash {
                block: log.block_number,
                avs: e.operatorSet.avs,
                id: e.operatorSet.id,
                strategies: e.strategies.clone(),
                wad_slashed: e.wadSlashed.clone(),
                description: crate::text::escape(&e.description),
            })
        })
        .collect())
}
