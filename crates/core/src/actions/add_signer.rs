//! `OperatorWallet.addSigner`: a new signer, with its proof of possession (`opwallet accept-signer`), and the new
//! threshold. Bumps the epoch.

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::OperatorWallet;

use super::{Action, Ctx, Planned, ROTATION_WARNING, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall, rules};

type Call = OperatorWallet::addSignerCall;

/// Adds `signer` (proven by `proof`) and sets `threshold`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddSigner {
    /// The new signer's address.
    pub signer: Address,
    /// The new signer's proof of possession, its `AcceptSigner` signature (`opwallet accept-signer`).
    pub proof: Bytes,
    /// The number of signatures needed once it is added.
    pub threshold: u64,
}

impl Action for AddSigner {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let w = ctx.wallet();
        if ctx.state()?.signers.contains(&self.signer) {
            return Err(Error::Refused(format!("{} is already a signer", self.signer)));
        }
        rules::rotated(&ctx.state()?.signers, &[], &[self.signer], self.threshold, w)?;
        rules::check_proof(ctx.provider, w, self.signer, &self.proof).await?;
        let call = Call { signer: self.signer, newThreshold: U256::from(self.threshold), proof: self.proof };
        Ok(Planned::call(ProposedCall::new(w, call.abi_encode())).notice(ROTATION_WARNING))
    }
}

/// The registry entry for `OperatorWallet.addSigner`.
pub const SPEC: Spec = Spec {
    abi: "OperatorWallet",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!("add signer {}, threshold {}", d.address(c.signer), c.newThreshold))
    },
    touches: no_sets,
};
