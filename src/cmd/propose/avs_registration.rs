use alloy::primitives::{Address, B256};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::avs_registration::AvsRegistration;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct AvsRegistrationArgs {
    #[arg(long, value_parser = parse::address)]
    avs: Address,
    /// 32-byte salt (single use).
    #[arg(long, value_parser = parse::b256)]
    salt: B256,
    /// Unix time after which EigenLayer refuses the signature.
    #[arg(long)]
    expiry: u64,
    #[command(flatten)]
    out: Out,
}

impl AvsRegistrationArgs {
    pub(super) async fn action(self, now: u64, _wallet: alloy::primitives::Address) -> Result<(AvsRegistration, Out)> {
        Ok((AvsRegistration { avs: self.avs, salt: self.salt, expiry: self.expiry, now }, self.out))
    }
}
