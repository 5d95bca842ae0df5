use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::set_claimer::SetClaimer;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct SetClaimerArgs {
    /// Who may claim the wallet's rewards and choose where they go (0x0…0: nobody; the wallet claims itself).
    #[arg(long, value_parser = parse::address)]
    claimer: Address,
    #[command(flatten)]
    out: Out,
}

impl SetClaimerArgs {
    pub(super) async fn action(self, _now: u64, _wallet: Address) -> Result<(SetClaimer, Out)> {
        Ok((SetClaimer { claimer: self.claimer }, self.out))
    }
}
