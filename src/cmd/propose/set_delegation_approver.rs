use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::set_delegation_approver::SetDelegationApprover;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct SetDelegationApproverArgs {
    #[arg(long, value_parser = parse::address)]
    approver: Address,
    #[command(flatten)]
    out: Out,
}

impl SetDelegationApproverArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(SetDelegationApprover, Out)> {
        Ok((SetDelegationApprover { approver: self.approver }, self.out))
    }
}
