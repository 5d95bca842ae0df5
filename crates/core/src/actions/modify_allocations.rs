//! `AllocationManager.modifyAllocations`: how much of each strategy's stake the operator makes slashable by an
//! operator set (as a magnitude out of 1e18). Refused for sets that redistribute slashed stake unless allowed.

use alloy::{
    primitives::Address,
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{AllocateParams, IAllocationManager, IEigenLayerErrors::*, OperatorSet};

use super::{Action, Ctx, ErrorText, Planned, Spec};
use crate::{Error, decode::Decoder, guard, proposal::ProposedCall};

type Call = IAllocationManager::modifyAllocationsCall;

/// Sets new magnitudes for `strategies` in `set`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyAllocations {
    pub set: OperatorSet,
    pub strategies: Vec<Address>,
    pub magnitudes: Vec<u64>,
    pub allow_redistributing: bool,
}

impl Action for ModifyAllocations {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        if self.strategies.len() != self.magnitudes.len() {
            return Err(Error::Refused(format!(
                "--strategies has {} entries but --magnitudes has {}: give one magnitude per strategy",
                self.strategies.len(),
                self.magnitudes.len()
            )));
        }
        let book = ctx.book()?;
        let notices =
            guard::at_propose(ctx.provider, book, std::slice::from_ref(&self.set), self.allow_redistributing).await?;
        let params =
            vec![AllocateParams { operatorSet: self.set, strategies: self.strategies, newMagnitudes: self.magnitudes }];
        let mut planned = Planned::call(ProposedCall::new(
            book.allocation_manager,
            Call { operator: ctx.wallet(), params }.abi_encode(),
        ));
        planned.notices = notices;
        Ok(planned)
    }
}

pub const SPEC: Spec = Spec {
    abi: "AllocationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        let sets: Vec<String> =
            c.params.iter().map(|p| format!("{}:{}", d.address(p.operatorSet.avs), p.operatorSet.id)).collect();
        Some(format!("change {}'s allocations to {}", d.address(c.operator), sets.join(", ")))
    },
    touches: |data| {
        Call::abi_decode(data).map(|c| c.params.into_iter().map(|p| p.operatorSet).collect()).unwrap_or_default()
    },
};

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
