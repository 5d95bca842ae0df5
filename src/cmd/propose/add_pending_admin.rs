use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::add_pending_admin::AddPendingAdmin;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct AddPendingAdminArgs {
    #[arg(long, value_parser = parse::address)]
    admin: Address,
    #[command(flatten)]
    out: Out,
}

impl AddPendingAdminArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(AddPendingAdmin, Out)> {
        Ok((AddPendingAdmin { admin: self.admin }, self.out))
    }
}
