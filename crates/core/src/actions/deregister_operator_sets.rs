//! `AllocationManager.deregisterFromOperatorSets`: the wallet leaves operator sets. Its stake stays slashable for
//! them until EigenLayer's deallocation delay has passed.

use alloy::{primitives::Address, providers::Provider, sol_types::SolCall};
use opwallet_bindings::eigenlayer::{DeregisterParams, IAllocationManager, OperatorSet};

use super::{Action, Ctx, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = IAllocationManager::deregisterFromOperatorSetsCall;

/// Deregisters the wallet from `ids` of `avs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeregisterOperatorSets {
    /// The AVS whose operator sets the wallet leaves.
    pub avs: Address,
    /// The operator set ids, each one the wallet is registered for.
    pub ids: Vec<u32>,
}

impl Action for DeregisterOperatorSets {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let am = IAllocationManager::new(book.allocation_manager, ctx.provider);
        for id in &self.ids {
            let set = OperatorSet { avs: self.avs, id: *id };
            if !am.isMemberOfOperatorSet(ctx.wallet(), set).call().await.map_err(Error::rpc)? {
                return Err(Error::Chain(format!(
                    "{} is not registered for operator set {}:{id}",
                    ctx.wallet(),
                    self.avs
                )));
            }
        }
        let params = DeregisterParams { operator: ctx.wallet(), avs: self.avs, operatorSetIds: self.ids };
        Ok(Planned::call(ProposedCall::new(book.allocation_manager, Call { params }.abi_encode())).notice(
            "note: the wallet's allocated stake stays slashable for these sets until the deallocation delay has passed",
        ))
    }
}

/// The registry entry for `AllocationManager.deregisterFromOperatorSets`.
pub const SPEC: Spec = Spec {
    abi: "AllocationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!(
            "deregister {} from operator sets {:?} of AVS {}",
            d.address(c.params.operator),
            c.params.operatorSetIds,
            d.address(c.params.avs)
        ))
    },
    touches: no_sets,
};
