//! `DelegationManager.modifyOperatorDetails`: who must approve stakers' delegations to the operator.

use alloy::{primitives::Address, providers::Provider, sol_types::SolCall};
use opwallet_bindings::eigenlayer::IDelegationManager;

use super::{Action, Ctx, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = IDelegationManager::modifyOperatorDetailsCall;

/// Sets the delegation approver (zero: none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetDelegationApprover {
    /// The address whose signature stakers need to delegate to the wallet; zero lets anyone delegate.
    pub approver: Address,
}

impl Action for SetDelegationApprover {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        super::register_operator_sets::require_operator(ctx, book).await?;
        let data = Call { operator: ctx.wallet(), newDelegationApprover: self.approver };
        Ok(Planned::call(ProposedCall::new(book.delegation_manager, data.abi_encode())))
    }
}

/// The registry entry for `DelegationManager.modifyOperatorDetails`.
pub const SPEC: Spec = Spec {
    abi: "DelegationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("set {}'s delegation approver to {}", d.address(c.operator), d.address(c.newDelegationApprover)))
    },
    touches: no_sets,
};
