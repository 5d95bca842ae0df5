use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::deregister_operator_sets::DeregisterOperatorSets;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct DeregisterOperatorSetsArgs {
    #[arg(long, value_parser = parse::address)]
    avs: Address,
    /// Operator set ids, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    ids: Vec<u32>,
    #[command(flatten)]
    out: Out,
}

impl DeregisterOperatorSetsArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(DeregisterOperatorSets, Out)> {
        Ok((DeregisterOperatorSets { avs: self.avs, ids: self.ids }, self.out))
    }
}
