use alloy::primitives::{Address, Bytes};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::rotate::Rotate;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct RotateArgs {
    /// Signers to remove, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse::address)]
    remove: Vec<Address>,
    /// Signers to add, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse::address)]
    add: Vec<Address>,
    /// One proof per added signer, in the same order, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse::bytes)]
    proofs: Vec<Bytes>,
    #[arg(long)]
    threshold: u64,
    #[command(flatten)]
    out: Out,
}

impl RotateArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(Rotate, Out)> {
        let Self { remove, add, proofs, threshold, out } = self;
        Ok((Rotate { remove, add, proofs, threshold }, out))
    }
}
