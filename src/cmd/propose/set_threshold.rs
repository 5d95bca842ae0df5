use clap::Args;
use eyre::Result;
use opwallet_core::actions::set_threshold::SetThreshold;

use super::Out;

#[derive(Debug, Args)]
pub(crate) struct SetThresholdArgs {
    #[arg(long)]
    threshold: u64,
    #[command(flatten)]
    out: Out,
}

impl SetThresholdArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(SetThreshold, Out)> {
        Ok((SetThreshold { threshold: self.threshold }, self.out))
    }
}
