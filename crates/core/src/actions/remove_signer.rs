//! `OperatorWallet.removeSigner`: removes a signer and sets the new threshold. Bumps the epoch.

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::OperatorWallet;

use super::{Action, Ctx, FIRST_CONFIGURATION_WARNING, Planned, ROTATION_WARNING, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall, rules};

type Call = OperatorWallet::removeSignerCall;

/// Removes `signer` and sets `threshold`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveSigner {
    /// The signer to remove.
    pub signer: Address,
    /// The number of signatures needed once it is removed.
    pub threshold: u64,
}

impl Action for RemoveSigner {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let w = ctx.wallet();
        if !ctx.state()?.signers.contains(&self.signer) {
            return Err(Error::Refused(format!("{} is not a signer of {w}", self.signer)));
        }
        rules::rotated(&ctx.state()?.signers, &[self.signer], &[], self.threshold, w)?;
        let call = Call { signer: self.signer, newThreshold: U256::from(self.threshold) };
        Ok(Planned::call(ProposedCall::new(w, call.abi_encode()))
            .notice(ROTATION_WARNING)
            .notice(FIRST_CONFIGURATION_WARNING))
    }
}

/// The registry entry for `OperatorWallet.removeSigner`.
pub const SPEC: Spec = Spec {
    abi: "OperatorWallet",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("remove signer {}, threshold {}", d.address(c.signer), c.newThreshold))
    },
    touches: no_sets,
};
