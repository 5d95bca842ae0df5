use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::remove_signer::RemoveSigner;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct RemoveSignerArgs {
    #[arg(long, value_parser = parse::address)]
    signer: Address,
    #[arg(long)]
    threshold: u64,
    #[command(flatten)]
    out: Out,
}

impl RemoveSignerArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(RemoveSigner, Out)> {
        Ok((RemoveSigner { signer: self.signer, threshold: self.threshold }, self.out))
    }
}
