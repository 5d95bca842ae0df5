use alloy::primitives::{Address, B256};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::delegation_approval::DelegationApproval;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct DelegationApprovalArgs {
    #[arg(long, value_parser = parse::address)]
    staker: Address,
    #[arg(long, value_parser = parse::address)]
    operator: Address,
    #[arg(long, value_parser = parse::b256)]
    salt: B256,
    /// Unix time after which EigenLayer refuses the approval.
    #[arg(long)]
    expiry: u64,
    #[command(flatten)]
    out: Out,
}

impl DelegationApprovalArgs {
    pub(super) async fn action(self, now: u64, _wallet: alloy::primitives::Address) -> Result<(DelegationApproval, Out)> {
        let Self { staker, operator, salt, expiry, out } = self;
        Ok((DelegationApproval { staker, operator, salt, expiry, now }, out))
    }
}
