use clap::Args;
use eyre::Result;
use opwallet_core::actions::cancel::Cancel;

use super::Out;

#[derive(Debug, Args)]
pub(crate) struct CancelArgs {
    #[command(flatten)]
    out: Out,
}

impl CancelArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(Cancel, Out)> {
        Ok((Cancel, self.out))
    }
}
