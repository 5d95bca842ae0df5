use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_bindings::eigenlayer::OperatorSet;
use opwallet_core::actions::modify_allocations::ModifyAllocations;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct ModifyAllocationsArgs {
    #[arg(long, value_parser = parse::address)]
    avs: Address,
    #[arg(long)]
    id: u32,
    /// Strategies, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, value_parser = parse::address)]
    strategies: Vec<Address>,
    /// New magnitudes (1e18 = all), comma-separated, one per strategy.
    #[arg(long, value_delimiter = ',', required = true)]
    magnitudes: Vec<u64>,
    /// Allocate even if the set redistributes slashed stake to a third party.
    #[arg(long)]
    allow_redistributing: bool,
    #[command(flatten)]
    out: Out,
}

impl ModifyAllocationsArgs {
    pub(super) async fn action(self, _now: u64) -> Result<(ModifyAllocations, Out)> {
        let Self { avs, id, strategies, magnitudes, allow_redistributing, out } = self;
        Ok((ModifyAllocations { set: OperatorSet { avs, id }, strategies, magnitudes, allow_redistributing }, out))
    }
}
