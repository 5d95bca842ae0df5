//! `RewardsCoordinator.setOperatorAVSSplit` / `setOperatorPISplit` / `setOperatorSetSplit`: the operator's
//! commission, in bips of the rewards its stakers earn through an AVS, programmatic incentives, or an operator set.
//! A change activates after the rewards activation delay, and cannot be changed again while pending.

use alloy::{
    primitives::Address,
    providers::Provider,
    rpc::types::TransactionRequest,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IAllocationManager, IEigenLayerErrors::*, IRewardsCoordinator as RC, OperatorSet};

use super::{Action, Ctx, ErrorText, Planned, Spec, claim_rewards::coordinator, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

/// What a split applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitOf {
    /// Rewards from one AVS's rewards submissions (`setOperatorAVSSplit`).
    Avs(Address),
    /// Programmatic incentives (`setOperatorPISplit`).
    ProgrammaticIncentives,
    /// Rewards from one operator set (`setOperatorSetSplit`).
    OperatorSet(OperatorSet),
}

/// Sets the operator's split for `of` to `bips` (10,000 = the operator keeps everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetSplit {
    /// Which rewards the split applies to.
    pub of: SplitOf,
    /// The operator's share in bips, 0 to 10,000.
    pub bips: u16,
    /// The current unix time, to say when the split activates.
    pub now: u64,
}

impl SetSplit {
    fn calldata(&self, operator: Address) -> Vec<u8> {
        let split = self.bips;
        match &self.of {
            SplitOf::Avs(avs) => RC::setOperatorAVSSplitCall { operator, avs: *avs, split }.abi_encode(),
            SplitOf::ProgrammaticIncentives => RC::setOperatorPISplitCall { operator, split }.abi_encode(),
            SplitOf::OperatorSet(set) => {
                RC::setOperatorSetSplitCall { operator, operatorSet: set.clone(), split }.abi_encode()
            }
        }
    }

    fn describe(&self, d: Option<&Decoder>) -> String {
        let a = |x: Address| d.map(|d| d.address(x)).unwrap_or_else(|| x.to_string());
        match &self.of {
            SplitOf::Avs(avs) => format!("rewards from AVS {}", a(*avs)),
            SplitOf::ProgrammaticIncentives => "programmatic incentives".into(),
            SplitOf::OperatorSet(set) => format!("rewards from operator set {}:{}", a(set.avs), set.id),
        }
    }
}

/// An operator's split as EigenLayer reports it, and whether a change to it is still waiting to activate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Split {
    /// The split in effect, in bips.
    pub bips: u16,
    /// A change was set and has not activated yet (EigenLayer refuses another until it has).
    pub change_pending: bool,
}

/// Reads `operator`'s split for `of`. No view tells whether a change is pending, so it asks the chain whether setting
/// the split again would be refused with `PreviousSplitPending` (an `eth_call`, nothing is sent).
pub async fn read_split<P: Provider>(
    provider: &P,
    rc: Address,
    operator: Address,
    of: &SplitOf,
) -> Result<Split, Error> {
    let coordinator = RC::new(rc, provider);
    let bips = match of {
        SplitOf::Avs(avs) => coordinator.getOperatorAVSSplit(operator, *avs).call().await,
        SplitOf::ProgrammaticIncentives => coordinator.getOperatorPISplit(operator).call().await,
        SplitOf::OperatorSet(set) => coordinator.getOperatorSetSplit(operator, set.clone()).call().await,
    }
    .map_err(Error::rpc)?;
    let again = SetSplit { of: of.clone(), bips, now: 0 }.calldata(operator);
    let probe = TransactionRequest::default().from(operator).to(rc).input(again.into());
    let change_pending = match provider.call(probe).await {
        Ok(_) => false,
        Err(e) => e.as_error_resp().and_then(|r| r.as_decoded_error::<PreviousSplitPending>()).is_some(),
    };
    Ok(Split { bips, change_pending })
}

impl Action for SetSplit {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        if self.bips > 10_000 {
            return Err(Error::Refused(format!("{} bips is more than 10,000 (100 %)", self.bips)));
        }
        let rc_address = coordinator(ctx)?;
        let rc = RC::new(rc_address, ctx.provider);
        let w = ctx.wallet();
        if let SplitOf::OperatorSet(set) = &self.of {
            let am = IAllocationManager::new(ctx.book()?.allocation_manager, ctx.provider);
            if !am.isOperatorSet(set.clone()).call().await.map_err(Error::rpc)? {
                return Err(Error::Refused(format!("{}:{} is not an operator set", set.avs, set.id)));
            }
        }
        let current = match &self.of {
            SplitOf::Avs(avs) => rc.getOperatorAVSSplit(w, *avs).call().await,
            SplitOf::ProgrammaticIncentives => rc.getOperatorPISplit(w).call().await,
            SplitOf::OperatorSet(set) => rc.getOperatorSetSplit(w, set.clone()).call().await,
        }
        .map_err(Error::rpc)?;
        let delay = rc.activationDelay().call().await.map_err(Error::rpc)?;
        // Would EigenLayer take it now? (A change still pending is refused by the contract: say so in words.)
        let data = self.calldata(w);
        let probe = TransactionRequest::default().from(w).to(rc_address).input(data.clone().into());
        if let Err(e) = ctx.provider.call(probe).await {
            let pending = e.as_error_resp().and_then(|r| r.as_decoded_error::<PreviousSplitPending>()).is_some();
            return Err(Error::Refused(if pending {
                format!(
                    "the split of {} has a change still pending (it activates up to {delay} s after it was set): \
                     wait until it is active, then propose again",
                    self.describe(None)
                )
            } else {
                format!("EigenLayer refuses this split: {}", crate::text::escape(&e.to_string()))
            }));
        }
        let activates = self.now.saturating_add(u64::from(delay));
        let notice = format!(
            "split of {}: now {current} bips ({}); becomes {} bips ({}) at unix time {activates}, {delay} s after execution at the earliest",
            self.describe(None),
            percent(current),
            self.bips,
            percent(self.bips)
        );
        Ok(Planned::call(ProposedCall::new(rc_address, data)).notice(notice))
    }
}

/// Bips as a percentage: `1000` → `10 %`.
fn percent(bips: u16) -> String {
    let whole = bips / 100;
    match bips % 100 {
        0 => format!("{whole} %"),
        f => format!("{whole}.{} %", format!("{f:02}").trim_end_matches('0')),
    }
}

fn summary(of: &str, bips: u16) -> String {
    format!(
        "set the operator's split of {of} to {bips} bips ({}); it activates after the rewards activation delay",
        percent(bips)
    )
}

/// The registry entry for `RewardsCoordinator.setOperatorAVSSplit`.
pub const AVS_SPEC: Spec = Spec {
    abi: "RewardsCoordinator",
    selector: RC::setOperatorAVSSplitCall::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = RC::setOperatorAVSSplitCall::abi_decode(data).ok()?;
        Some(summary(&format!("rewards from AVS {}", d.address(c.avs)), c.split))
    },
    touches: no_sets,
};

/// The registry entry for `RewardsCoordinator.setOperatorPISplit`.
pub const PI_SPEC: Spec = Spec {
    abi: "RewardsCoordinator",
    selector: RC::setOperatorPISplitCall::SELECTOR,
    summary: |data, _: &Decoder| {
        let c = RC::setOperatorPISplitCall::abi_decode(data).ok()?;
        Some(summary("programmatic incentives", c.split))
    },
    touches: no_sets,
};

/// The registry entry for `RewardsCoordinator.setOperatorSetSplit`.
pub const SET_SPEC: Spec = Spec {
    abi: "RewardsCoordinator",
    selector: RC::setOperatorSetSplitCall::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = RC::setOperatorSetSplitCall::abi_decode(data).ok()?;
        Some(summary(
            &format!("rewards from operator set {}:{}", d.address(c.operatorSet.avs), c.operatorSet.id),
            c.split,
        ))
    },
    touches: no_sets,
};

/// The RewardsCoordinator's errors for a split it refuses, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: PreviousSplitPending::SELECTOR,
        name: "PreviousSplitPending",
        words: "a split change set earlier has not activated yet; wait until it is active",
    },
    ErrorText { selector: SplitExceedsMax::SELECTOR, name: "SplitExceedsMax", words: "a split is at most 10,000 bips" },
];

#[cfg(test)]
mod tests {
    #[test]
    fn bips_read_as_percentages() {
        assert_eq!(super::percent(1000), "10 %");
        assert_eq!(super::percent(1050), "10.5 %");
        assert_eq!(super::percent(1), "0.01 %");
        assert_eq!(super::percent(10_000), "100 %");
    }
}
