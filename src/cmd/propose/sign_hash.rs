use alloy::primitives::B256;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::sign_hash::SignHash;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct SignHashArgs {
    #[arg(long, value_parser = parse::b256)]
    hash: B256,
    #[command(flatten)]
    out: Out,
}

impl SignHashArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(SignHash, Out)> {
        Ok((SignHash { hash: self.hash }, self.out))
    }
}
