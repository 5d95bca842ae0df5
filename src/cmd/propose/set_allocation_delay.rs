use clap::Args;
use eyre::Result;
use opwallet_core::actions::set_allocation_delay::SetAllocationDelay;

use super::Out;

#[derive(Debug, Args)]
pub(crate) struct SetAllocationDelayArgs {
    /// Blocks before an allocation takes effect.
    #[arg(long)]
    delay: u32,
    #[command(flatten)]
    out: Out,
}

impl SetAllocationDelayArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(SetAllocationDelay, Out)> {
        Ok((SetAllocationDelay { delay: self.delay }, self.out))
    }
}
