//! An ERC-1271 signature over a raw hash opwallet cannot interpret (for example another wallet's proposal digest
//! when this wallet is one of its signers). Signers must pass `--unverified-hash`, and are told its meaning is not
//! verified.

use alloy::{primitives::B256, providers::Provider};

use super::{Action, Ctx, Plan, Planned};
use crate::{Error, proposal::Preimage};

/// Signs `hash` as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignHash {
    /// The 32-byte hash the wallet is to approve over ERC-1271, uninterpreted.
    pub hash: B256,
}

impl Action for SignHash {
    async fn plan<P: Provider>(self, _: &Ctx<'_, P>) -> Result<Planned, Error> {
        Ok(Planned { plan: Plan::Message { hash: self.hash, preimage: Preimage::Unverified }, notices: Vec::new() }
            .notice(format!(
                "warning: opwallet cannot tell what {} is the digest of; signers will be told so and must pass \
                 --unverified-hash to sign it",
                self.hash
            )))
    }
}
