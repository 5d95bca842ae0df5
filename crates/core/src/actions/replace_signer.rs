//! `OperatorWallet.replaceSigner`: swaps one signer for another (who proves possession). Bumps the epoch.

use alloy::{
    primitives::{Address, Bytes},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::OperatorWallet;

use super::{Action, Ctx, FIRST_CONFIGURATION_WARNING, Planned, ROTATION_WARNING, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall, rules};

type Call = OperatorWallet::replaceSignerCall;

/// Replaces `old` with `new` (proven by `proof`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceSigner {
    /// The signer leaving.
    pub old: Address,
    /// The signer taking its place.
    pub new: Address,
    /// `new`'s proof of possession, its `AcceptSigner` signature (`opwallet accept-signer`).
    pub proof: Bytes,
}

impl Action for ReplaceSigner {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let w = ctx.wallet();
        if !ctx.state()?.signers.contains(&self.old) {
            return Err(Error::Refused(format!("--old {} is not a signer of {w}", self.old)));
        }
        if ctx.state()?.signers.contains(&self.new) {
            return Err(Error::Refused(format!("--new {} is already a signer", self.new)));
        }
        rules::rotated(&ctx.state()?.signers, &[self.old], &[self.new], ctx.state()?.threshold, w)?;
        rules::check_proof(ctx.provider, w, self.new, &self.proof).await?;
        let call = Call { oldSigner: self.old, newSigner: self.new, proof: self.proof };
        Ok(Planned::call(ProposedCall::new(w, call.abi_encode()))
            .notice(ROTATION_WARNING)
            .notice(FIRST_CONFIGURATION_WARNING))
    }
}

/// The registry entry for `OperatorWallet.replaceSigner`.
pub const SPEC: Spec = Spec {
    abi: "OperatorWallet",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("replace signer {} with {}", d.address(c.oldSigner), d.address(c.newSigner)))
    },
    touches: no_sets,
};
