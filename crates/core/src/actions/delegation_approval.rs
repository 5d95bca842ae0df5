//! An ERC-1271 delegation approval: the wallet, as an operator's delegation approver, lets a staker delegate to it
//! (the staker submits it with `delegateTo`). The proposal carries the message's preimage.

use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
};
use opwallet_bindings::eigenlayer::IDelegationManager;

use super::{Action, Ctx, Plan, Planned};
use crate::{Error, preimage, proposal::Preimage};

/// The wallet approves `staker` delegating to `operator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationApproval {
    /// The staker allowed to delegate.
    pub staker: Address,
    /// The operator it delegates to, whose delegation approver the wallet should be.
    pub operator: Address,
    /// The approver's single-use salt for this approval.
    pub salt: B256,
    /// The unix time (seconds) after which EigenLayer refuses the approval.
    pub expiry: u64,
    /// The current unix time, for the expiry check.
    pub now: u64,
}

impl Action for DelegationApproval {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        super::future_expiry(self.expiry, self.now)?;
        let book = ctx.book()?;
        let dm = IDelegationManager::new(book.delegation_manager, ctx.provider);
        let approver = dm.delegationApprover(self.operator).call().await.map_err(Error::rpc)?;
        let mut notices = Vec::new();
        if approver != ctx.wallet() {
            notices.push(format!(
                "warning: {}'s delegation approver is {approver}, not this wallet: EigenLayer will not accept this approval \
                 unless that changes",
                self.operator
            ));
        }
        let (staker, operator, salt, expiry) = (self.staker, self.operator, self.salt, U256::from(self.expiry));
        let domain =
            preimage::eigen_domain(ctx.provider, book.delegation_manager, "DelegationManager", ctx.state()?.chain_id)
                .await?;
        let preimage = Preimage::DelegationApproval { domain, staker, operator, approver: ctx.wallet(), salt, expiry };
        let on_chain = dm
            .calculateDelegationApprovalDigestHash(staker, operator, ctx.wallet(), salt, expiry)
            .call()
            .await
            .map_err(Error::rpc)?;
        let hash = preimage::confirm(on_chain, &preimage, "DelegationManager.calculateDelegationApprovalDigestHash")?;
        Ok(Planned { plan: Plan::Message { hash, preimage }, notices })
    }
}
