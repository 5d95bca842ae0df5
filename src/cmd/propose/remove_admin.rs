use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::remove_admin::RemoveAdmin;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct RemoveAdminArgs {
    #[arg(long, value_parser = parse::address)]
    admin: Address,
    #[command(flatten)]
    out: Out,
}

impl RemoveAdminArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(RemoveAdmin, Out)> {
        Ok((RemoveAdmin { admin: self.admin }, self.out))
    }
}
