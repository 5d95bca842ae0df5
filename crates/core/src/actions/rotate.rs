//! `OperatorWallet.rotateSigners`: removes and adds several signers and sets the threshold, atomically. Every
//! newcomer proves possession. Bumps the epoch.

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::OperatorWallet;

use super::{Action, Ctx, FIRST_CONFIGURATION_WARNING, Planned, ROTATION_WARNING, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall, rules};

type Call = OperatorWallet::rotateSignersCall;

/// Removes `remove`, adds `add` (each proven by the proof at the same position) and sets `threshold`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotate {
    /// The signers leaving.
    pub remove: Vec<Address>,
    /// The signers joining.
    pub add: Vec<Address>,
    /// Each joining signer's proof of possession (`opwallet accept-signer`), in the order of `add`.
    pub proofs: Vec<Bytes>,
    /// The number of signatures needed after the rotation.
    pub threshold: u64,
}

impl Action for Rotate {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        if self.add.len() != self.proofs.len() {
            return Err(Error::Refused(format!(
                "--add has {} signers but --proofs has {}: give one proof per added signer, in order",
                self.add.len(),
                self.proofs.len()
            )));
        }
        let w = ctx.wallet();
        rules::rotated(&ctx.state()?.signers, &self.remove, &self.add, self.threshold, w)?;
        for (a, p) in self.add.iter().zip(&self.proofs) {
            rules::check_proof(ctx.provider, w, *a, p).await?;
        }
        let call =
            Call { remove: self.remove, add: self.add, proofs: self.proofs, newThreshold: U256::from(self.threshold) };
        Ok(Planned::call(ProposedCall::new(w, call.abi_encode()))
            .notice(ROTATION_WARNING)
            .notice(FIRST_CONFIGURATION_WARNING))
    }
}

/// The registry entry for `OperatorWallet.rotateSigners`.
pub const SPEC: Spec = Spec {
    abi: "OperatorWallet",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        let list = |v: &[Address]| v.iter().map(|x| d.address(*x)).collect::<Vec<_>>().join(", ");
        Some(format!(
            "rotate signers: remove [{}], add [{}], threshold {}",
            list(&c.remove),
            list(&c.add),
            c.newThreshold
        ))
    },
    touches: no_sets,
};
