use clap::Args;
use eyre::Result;
use opwallet_core::actions::bump_epoch::BumpEpoch;

use super::Out;

#[derive(Debug, Args)]
pub(crate) struct BumpEpochArgs {
    #[command(flatten)]
    out: Out,
}

impl BumpEpochArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(BumpEpoch, Out)> {
        Ok((BumpEpoch, self.out))
    }
}
