use alloy::primitives::{Address, Bytes};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::add_signer::AddSigner;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct AddSignerArgs {
    #[arg(long, value_parser = parse::address)]
    signer: Address,
    /// The new signer's proof of possession (`opwallet accept-signer`).
    #[arg(long, value_parser = parse::bytes)]
    proof: Bytes,
    #[arg(long)]
    threshold: u64,
    #[command(flatten)]
    out: Out,
}

impl AddSignerArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(AddSigner, Out)> {
        Ok((AddSigner { signer: self.signer, proof: self.proof, threshold: self.threshold }, self.out))
    }
}
