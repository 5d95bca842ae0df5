//! `DelegationManager.updateOperatorMetadataURI`: the operator's metadata URI (emitted in an event, never stored).

use alloy::{providers::Provider, sol_types::SolCall};
use opwallet_bindings::eigenlayer::IDelegationManager;

use super::{Action, Ctx, Planned, Spec, no_sets};
use crate::{
    Error,
    decode::{Decoder, quote},
    proposal::ProposedCall,
};

type Call = IDelegationManager::updateOperatorMetadataURICall;

/// Sets the operator's metadata URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateMetadataUri {
    /// The new URI of the operator's metadata JSON, emitted in `OperatorMetadataURIUpdated`.
    pub metadata_uri: String,
}

impl Action for UpdateMetadataUri {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        super::register_operator_sets::require_operator(ctx, book).await?;
        let data = Call { operator: ctx.wallet(), metadataURI: self.metadata_uri };
        Ok(Planned::call(ProposedCall::new(book.delegation_manager, data.abi_encode())))
    }
}

/// The registry entry for `DelegationManager.updateOperatorMetadataURI`.
pub const SPEC: Spec = Spec {
    abi: "DelegationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("set {}'s operator metadata URI to {}", d.address(c.operator), quote(&c.metadataURI)))
    },
    touches: no_sets,
};
