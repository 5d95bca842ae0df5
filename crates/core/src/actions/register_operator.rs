//! `DelegationManager.registerAsOperator`: the wallet registers itself as an EigenLayer operator. Permanent, and only
//! the operator itself can send it (no PermissionController delegation exists for it).

use alloy::{
    primitives::Address,
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IDelegationManager, IEigenLayerErrors::*};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = IDelegationManager::registerAsOperatorCall;

/// Registers the wallet as an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterOperator {
    /// Who must approve stakers' delegations (zero: anyone may delegate).
    pub delegation_approver: Address,
    /// Blocks before an allocation takes effect.
    pub allocation_delay: u32,
    /// The operator's metadata URI (only emitted, never stored).
    pub metadata_uri: String,
}

impl Action for RegisterOperator {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let dm = IDelegationManager::new(book.delegation_manager, ctx.provider);
        if dm.isOperator(ctx.wallet()).call().await.map_err(Error::rpc)? {
            return Err(Error::Chain(format!("{} is already an EigenLayer operator", ctx.wallet())));
        }
        let data = Call {
            initDelegationApprover: self.delegation_approver,
            allocationDelay: self.allocation_delay,
            metadataURI: self.metadata_uri,
        };
        Ok(Planned::call(ProposedCall::new(book.delegation_manager, data.abi_encode()))
            .notice("note: registration is permanent: EigenLayer has no way to deregister an operator"))
    }
}

/// The registry entry for `DelegationManager.registerAsOperator`.
pub const SPEC: Spec = Spec {
    abi: "DelegationManager",
    selector: Call::SELECTOR,
    summary: |_, _: &Decoder| Some("register this wallet as an EigenLayer operator (permanent)".into()),
    touches: no_sets,
};

/// The DelegationManager's error for a wallet that is itself delegated, in words.
pub const ERRORS: &[ErrorText] = &[ErrorText {
    selector: ActivelyDelegated::SELECTOR,
    name: "ActivelyDelegated",
    words: "the wallet has delegated its own stake to an operator, so it cannot become one",
}];
