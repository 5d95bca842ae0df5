use alloy::primitives::{Address, Bytes};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::replace_signer::ReplaceSigner;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct ReplaceSignerArgs {
    #[arg(long, value_parser = parse::address)]
    old: Address,
    #[arg(long, value_parser = parse::address)]
    new: Address,
    /// The new signer's proof of possession (`opwallet accept-signer`).
    #[arg(long, value_parser = parse::bytes)]
    proof: Bytes,
    #[command(flatten)]
    out: Out,
}

impl ReplaceSignerArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(ReplaceSigner, Out)> {
        Ok((ReplaceSigner { old: self.old, new: self.new, proof: self.proof }, self.out))
    }
}
