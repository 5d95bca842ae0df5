//! `AllocationManager.modifyAllocations`: how much of each strategy's stake the operator makes slashable by each
//! operator set, as a magnitude out of the strategy's max magnitude (1e18 until slashed). Several sets at once, as
//! raw magnitudes, percentages or bips; every change is shown before → after with what stays encumbered, and
//! over-allocation is refused in words. Refused for sets that redistribute slashed stake unless allowed.

use std::collections::BTreeMap;

use alloy::{
    primitives::Address,
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{AllocateParams, IAllocationManager, IEigenLayerErrors::*, OperatorSet};

use super::{Action, Ctx, ErrorText, Planned, Spec};
use crate::{Error, decode::Decoder, guard, proposal::ProposedCall};

type Call = IAllocationManager::modifyAllocationsCall;

/// A new magnitude: raw, or a share of the strategy's max magnitude in bips (10,000 = all of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magnitude {
    /// A magnitude as EigenLayer counts it, out of the strategy's max magnitude (1e18 until slashed).
    Raw(u64),
    /// A share of the strategy's max magnitude in bips, 0 to 10,000.
    Bips(u32),
}

impl Magnitude {
    /// `50%`, `12.5%`, `2500bips`, or a raw magnitude.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bips = |v: f64| {
            if (0.0..=10_000.0).contains(&v) && (v.fract() == 0.0) {
                Ok(Self::Bips(v as u32))
            } else {
                Err(format!("`{t}` is not between 0 and 100 % in whole bips"))
            }
        };
        if let Some(p) = t.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| format!("`{t}` is not a percentage"))?;
            return bips((v * 100.0 * 1e6).round() / 1e6);
        }
        if let Some(b) = t.strip_suffix("bips") {
            let v: f64 = b.trim().parse().map_err(|_| format!("`{t}` is not a number of bips"))?;
            return bips(v);
        }
        t.parse().map(Self::Raw).map_err(|_| format!("`{t}` is neither a percentage, bips nor a magnitude"))
    }

    fn of(self, max: u64) -> u64 {
        match self {
            Self::Raw(m) => m,
            Self::Bips(b) => u64::try_from(u128::from(max) * u128::from(b) / 10_000).unwrap_or(u64::MAX),
        }
    }
}

/// One allocation to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The operator set the stake is made slashable by.
    pub set: OperatorSet,
    /// The strategy whose stake is allocated; it must be in the set.
    pub strategy: Address,
    /// The set's new magnitude for the strategy (not a change: the value it becomes).
    pub magnitude: Magnitude,
}

/// Sets new magnitudes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyAllocations {
    /// The allocations to set, in one `modifyAllocations` call; refused for a set and strategy with a change pending.
    pub allocations: Vec<Allocation>,
    /// Allocate even to a set that redistributes slashed stake (the redistribution guard refuses it otherwise).
    pub allow_redistributing: bool,
}

/// `part` of `max` as a percentage with up to 2 decimals.
fn pct(part: u64, max: u64) -> String {
    if max == 0 {
        return "— %".into();
    }
    let bips = u128::from(part) * 1_000_000 / u128::from(max);
    let text = format!("{}.{:04}", bips / 10_000, bips % 10_000);
    format!("{} %", text.trim_end_matches('0').trim_end_matches('.'))
}

impl Action for ModifyAllocations {
    // Long: reads, checks and tallies each allocation in one pass; the over-allocation check needs the whole tally.
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        if self.allocations.is_empty() {
            return Err(Error::Refused("no allocation given".into()));
        }
        let book = ctx.book()?;
        let am = IAllocationManager::new(book.allocation_manager, ctx.provider);
        let w = ctx.wallet();
        let delay = am.getAllocationDelay(w).call().await.map_err(Error::rpc)?;
        if !delay.isSet {
            return Err(Error::Refused(
                "the wallet's allocation delay is not set (or not in effect yet): propose set-allocation-delay, and wait \
                 for it"
                    .into(),
            ));
        }
        let mut notices = Vec::new();
        // Per strategy: (max, encumbered, encumbered after).
        let mut strategies: BTreeMap<Address, (u64, u64, u64)> = BTreeMap::new();
        let mut params: Vec<AllocateParams> = Vec::new();
        for a in &self.allocations {
            let in_set = am.getStrategiesInOperatorSet(a.set.clone()).call().await.map_err(Error::rpc)?;
            if !in_set.contains(&a.strategy) {
                return Err(Error::Refused(format!(
                    "strategy {} is not in operator set {}:{} (its strategies: {in_set:?})",
                    a.strategy, a.set.avs, a.set.id
                )));
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = strategies.entry(a.strategy) {
                let (max, enc) = tokio::try_join!(
                    async { am.getMaxMagnitude(w, a.strategy).call().await.map_err(Error::rpc) },
                    async { am.getEncumberedMagnitude(w, a.strategy).call().await.map_err(Error::rpc) },
                )?;
                slot.insert((max, enc, enc));
            }
            let current = am.getAllocation(w, a.set.clone(), a.strategy).call().await.map_err(Error::rpc)?;
            if current.pendingDiff != 0 {
                return Err(Error::Refused(format!(
                    "operator set {}:{} already has a pending change for strategy {} (effective at block {}): wait for it",
                    a.set.avs, a.set.id, a.strategy, current.effectBlock
                )));
            }
            let entry = strategies.entry(a.strategy).or_default();
            let (max, before) = (entry.0, current.currentMagnitude);
            let after = a.magnitude.of(max);
            entry.2 = entry.2.saturating_add(after.saturating_sub(before));
            let when = if after >= before { "after the allocation delay" } else { "after the deallocation delay" };
            notices.push(format!(
                "operator set {}:{} strategy {}: {} → {} of its magnitude ({before} → {after}), effective {when}",
                a.set.avs,
                a.set.id,
                a.strategy,
                pct(before, max),
                pct(after, max)
            ));
            match params.iter_mut().find(|p| p.operatorSet == a.set) {
                Some(p) => {
                    p.strategies.push(a.strategy);
                    p.newMagnitudes.push(after);
                }
                None => params.push(AllocateParams {
                    operatorSet: a.set.clone(),
                    strategies: vec![a.strategy],
                    newMagnitudes: vec![after],
                }),
            }
        }
        for (strategy, (max, before, after)) in &strategies {
            if after > max {
                return Err(Error::Refused(format!(
                    "over-allocation: strategy {strategy} would have {} of its magnitude allocated ({after} of {max}; \
                     {} already encumbered): lower the new allocations or deallocate elsewhere first",
                    pct(*after, *max),
                    pct(*before, *max)
                )));
            }
            notices.push(format!(
                "strategy {strategy}: {} → {} of its magnitude encumbered",
                pct(*before, *max),
                pct(*after, *max)
            ));
        }
        let sets: Vec<OperatorSet> = params.iter().map(|p| p.operatorSet.clone()).collect();
        notices.extend(guard::at_propose(ctx.provider, book, &sets, self.allow_redistributing).await?);
        let call = Call { operator: w, params };
        let mut planned = Planned::call(ProposedCall::new(book.allocation_manager, call.abi_encode()));
        planned.notices = notices;
        Ok(planned)
    }
}

/// The registry entry for `AllocationManager.modifyAllocations`; it touches every set it allocates to.
pub const SPEC: Spec = Spec {
    abi: "AllocationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        let sets: Vec<String> = c
            .params
            .iter()
            .map(|p| {
                let strategies: Vec<String> = p
                    .strategies
                    .iter()
                    .zip(&p.newMagnitudes)
                    .map(|(s, m)| format!("{} → magnitude {m}", d.address(*s)))
                    .collect();
                format!("{}:{} ({})", d.address(p.operatorSet.avs), p.operatorSet.id, strategies.join(", "))
            })
            .collect();
        Some(format!("change {}'s allocations: {}", d.address(c.operator), sets.join("; ")))
    },
    touches: |data| {
        Call::abi_decode(data).map(|c| c.params.into_iter().map(|p| p.operatorSet).collect()).unwrap_or_default()
    },
};

/// The AllocationManager's errors for allocations it refuses, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: UninitializedAllocationDelay::SELECTOR,
        name: "UninitializedAllocationDelay",
        words: "the allocation delay is not set (or not yet in effect): propose set-allocation-delay, and wait for it",
    },
    ErrorText {
        selector: NotMemberOfSet::SELECTOR,
        name: "NotMemberOfSet",
        words: "the operator is not a member of that operator set",
    },
    ErrorText {
        selector: InsufficientMagnitude::SELECTOR,
        name: "InsufficientMagnitude",
        words: "the new magnitudes add up to more than the strategy's free magnitude (over-allocation)",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnitudes_read_as_percentages_bips_or_raw() {
        assert_eq!(Magnitude::parse("50%"), Ok(Magnitude::Bips(5000)));
        assert_eq!(Magnitude::parse("12.5 %"), Ok(Magnitude::Bips(1250)));
        assert_eq!(Magnitude::parse("2500bips"), Ok(Magnitude::Bips(2500)));
        assert_eq!(Magnitude::parse("123"), Ok(Magnitude::Raw(123)));
        assert!(
            Magnitude::parse("101%").is_err() && Magnitude::parse("0.001%").is_err() && Magnitude::parse("x").is_err()
        );
        assert_eq!(Magnitude::Bips(5000).of(1_000_000_000_000_000_000), 500_000_000_000_000_000);
        assert_eq!(pct(5, 10), "50 %");
        assert_eq!(pct(1, 3), "33.3333 %");
        assert_eq!(pct(0, 10), "0 %");
    }
}
