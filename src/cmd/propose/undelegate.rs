use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::undelegate::Undelegate;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct UndelegateArgs {
    /// The staker to force out (it must be delegated to the wallet).
    #[arg(long, value_parser = parse::address)]
    staker: Address,
    #[command(flatten)]
    out: Out,
}

impl UndelegateArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(Undelegate, Out)> {
        Ok((Undelegate { staker: self.staker }, self.out))
    }
}
