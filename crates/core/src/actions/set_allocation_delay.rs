//! `AllocationManager.setAllocationDelay`: blocks before the operator's allocations take effect.

use alloy::{
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IAllocationManager, IEigenLayerErrors::*};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = IAllocationManager::setAllocationDelayCall;

/// Sets the allocation delay, in blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAllocationDelay {
    /// Blocks between an allocation being made and taking effect.
    pub delay: u32,
}

impl Action for SetAllocationDelay {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let data = Call { operator: ctx.wallet(), delay: self.delay };
        Ok(Planned::call(ProposedCall::new(book.allocation_manager, data.abi_encode())).notice(
            "note: a new allocation delay takes effect only after EigenLayer's ALLOCATION_CONFIGURATION_DELAY (the first one \
             set at registration applies at once)",
        ))
    }
}

/// The registry entry for `AllocationManager.setAllocationDelay`.
pub const SPEC: Spec = Spec {
    abi: "AllocationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("set {}'s allocation delay to {} blocks", d.address(c.operator), c.delay))
    },
    touches: no_sets,
};

/// The AllocationManager's error for a wallet that is not an operator yet, in words.
pub const ERRORS: &[ErrorText] = &[ErrorText {
    selector: OperatorNotRegisteredToEigenLayer::SELECTOR,
    name: "OperatorNotRegisteredToEigenLayer",
    words: "the wallet is not an EigenLayer operator yet: propose register-operator first",
}];
