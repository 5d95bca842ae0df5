//! `DelegationManager.undelegate(staker)`: the operator (or its delegation approver) forces a staker out. All of the
//! staker's shares are queued for withdrawal to the staker, who can complete the withdrawal after EigenLayer's
//! withdrawal delay; the staker is no longer delegated and must delegate again to earn with any operator.

use alloy::{
    primitives::Address,
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IDelegationManager, IEigenLayerErrors::*, IPermissionController};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = IDelegationManager::undelegateCall;

/// Force-undelegates `staker` from the wallet, or from an operator whose delegation approver the wallet is (or that
/// let the wallet call `undelegate` for it through the PermissionController).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelegate {
    /// The staker forced out; it must be delegated, and not an operator itself.
    pub staker: Address,
}

impl Action for Undelegate {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let dm = IDelegationManager::new(book.delegation_manager, ctx.provider);
        let (delegated_to, is_operator) =
            tokio::try_join!(async { dm.delegatedTo(self.staker).call().await.map_err(Error::rpc) }, async {
                dm.isOperator(self.staker).call().await.map_err(Error::rpc)
            },)?;
        if is_operator {
            return Err(Error::Chain(format!("{} is an operator, and operators cannot be undelegated", self.staker)));
        }
        if delegated_to.is_zero() {
            return Err(Error::Chain(format!(
                "{} is not delegated to anyone: there is nothing to undelegate",
                self.staker
            )));
        }
        let w = ctx.wallet();
        let role = if delegated_to == w {
            "its operator".to_string()
        } else if dm.delegationApprover(delegated_to).call().await.map_err(Error::rpc)? == w {
            format!("the delegation approver of its operator {delegated_to}")
        } else if IPermissionController::new(book.permission_controller, ctx.provider)
            .canCall(delegated_to, w, book.delegation_manager, Call::SELECTOR.into())
            .call()
            .await
            .map_err(Error::rpc)?
        {
            format!("an admin or appointee of its operator {delegated_to}")
        } else {
            return Err(Error::Chain(format!(
                "{} is delegated to {delegated_to}, and this wallet {w} is neither that operator, nor its delegation \
                 approver, nor allowed to call undelegate for it",
                self.staker
            )));
        };
        Ok(Planned::call(ProposedCall::new(book.delegation_manager, Call { staker: self.staker }.abi_encode())).notice(
            format!(
                "warning: {} will be undelegated by this wallet as {role}: all its shares are queued for withdrawal back to it (it can complete the \
                 withdrawal after EigenLayer's withdrawal delay), and it stops earning with this operator",
                self.staker
            ),
        ))
    }
}

/// The registry entry for `DelegationManager.undelegate`.
pub const SPEC: Spec = Spec {
    abi: "DelegationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!(
            "FORCE-UNDELEGATE staker {}: all its shares are queued for withdrawal back to it",
            d.address(c.staker)
        ))
    },
    touches: no_sets,
};

/// The DelegationManager's errors for an undelegation it refuses, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: NotActivelyDelegated::SELECTOR,
        name: "NotActivelyDelegated",
        words: "the staker is not delegated",
    },
    ErrorText {
        selector: OperatorsCannotUndelegate::SELECTOR,
        name: "OperatorsCannotUndelegate",
        words: "the staker is an operator, and operators cannot be undelegated",
    },
    ErrorText {
        selector: CallerCannotUndelegate::SELECTOR,
        name: "CallerCannotUndelegate",
        words: "only the staker, its operator (or the operator's admins and appointees) or the delegation approver \
                may undelegate it",
    },
];
