//! `OperatorWallet.setThreshold`. Bumps the epoch.

use alloy::{primitives::U256, providers::Provider, sol_types::SolCall};
use opwallet_bindings::OperatorWallet;

use super::{Action, Ctx, Planned, ROTATION_WARNING, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall, rules};

type Call = OperatorWallet::setThresholdCall;

/// Sets the threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetThreshold {
    /// The number of signatures needed, at least 1 and at most the number of signers.
    pub threshold: u64,
}

impl Action for SetThreshold {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        rules::check_threshold(self.threshold, ctx.state()?.signers.len())?;
        let call = Call { newThreshold: U256::from(self.threshold) };
        Ok(Planned::call(ProposedCall::new(ctx.wallet(), call.abi_encode())).notice(ROTATION_WARNING))
    }
}

/// The registry entry for `OperatorWallet.setThreshold`.
pub const SPEC: Spec = Spec {
    abi: "OperatorWallet",
    selector: Call::SELECTOR,
    summary: |data, _: &Decoder| Some(format!("set the threshold to {}", Call::abi_decode(data).ok()?.newThreshold)),
    touches: no_sets,
};
