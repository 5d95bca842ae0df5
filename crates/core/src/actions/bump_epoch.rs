//! `OperatorWallet.bumpEpoch`: the panic button. Kills every outstanding signature and approval; signers unchanged.

use alloy::{providers::Provider, sol_types::SolCall};
use opwallet_bindings::OperatorWallet;

use super::{Action, Ctx, Planned, ROTATION_WARNING, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = OperatorWallet::bumpEpochCall;

/// Moves the wallet to its next epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BumpEpoch;

impl Action for BumpEpoch {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        Ok(Planned::call(ProposedCall::new(ctx.wallet(), Call {}.abi_encode())).notice(ROTATION_WARNING))
    }
}

/// The registry entry for `OperatorWallet.bumpEpoch`.
pub const SPEC: Spec = Spec {
    abi: "OperatorWallet",
    selector: Call::SELECTOR,
    summary: |_, _: &Decoder| Some("bump the wallet's epoch: every outstanding signature and approval dies".into()),
    touches: no_sets,
};
