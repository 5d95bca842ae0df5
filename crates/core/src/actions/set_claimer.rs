//! `RewardsCoordinator.setClaimerFor(claimer)`: who may claim the wallet's rewards, and choose where they go.

use alloy::{primitives::Address, providers::Provider, sol_types::SolCall};
use opwallet_bindings::eigenlayer::IRewardsCoordinator as RC;

use super::{Action, Ctx, Planned, Spec, claim_rewards::coordinator, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = RC::setClaimerForCall;

/// Sets the wallet's rewards claimer (zero: the wallet itself claims).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetClaimer {
    /// The address that may claim the wallet's rewards and send them anywhere; zero removes the claimer.
    pub claimer: Address,
}

impl Action for SetClaimer {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let rc = coordinator(ctx)?;
        let current = RC::new(rc, ctx.provider).claimerFor(ctx.wallet()).call().await.map_err(Error::rpc)?;
        if current == self.claimer {
            return Err(Error::Refused(format!("{} is already the wallet's claimer", self.claimer)));
        }
        let planned = Planned::call(ProposedCall::new(rc, Call { claimer: self.claimer }.abi_encode()));
        Ok(if self.claimer.is_zero() {
            planned.notice("note: with no claimer, the wallet claims its rewards itself (a proposal per claim)")
        } else {
            planned.notice(format!(
                "warning: {} will be able to claim all of the wallet's rewards and send them wherever it chooses, without the multisig",
                self.claimer
            ))
        })
    }
}

/// The registry entry for `RewardsCoordinator.setClaimerFor`.
pub const SPEC: Spec = Spec {
    abi: "RewardsCoordinator",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(if c.claimer.is_zero() {
            "remove the wallet's rewards claimer (the wallet claims itself)".into()
        } else {
            format!("let {} claim all of the wallet's rewards and send them anywhere", d.address(c.claimer))
        })
    },
    touches: no_sets,
};
