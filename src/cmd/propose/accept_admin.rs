use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::accept_admin::AcceptAdmin;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct AcceptAdminArgs {
    /// The account to become an admin of (default: the wallet itself).
    #[arg(long, value_parser = parse::address)]
    account: Option<Address>,
    #[command(flatten)]
    out: Out,
}

impl AcceptAdminArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(AcceptAdmin, Out)> {
        Ok((AcceptAdmin { account: self.account }, self.out))
    }
}
