use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_bindings::eigenlayer::OperatorSet;
use opwallet_core::actions::deregister_key::DeregisterKey;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct DeregisterKeyArgs {
    /// The AVS whose operator set the key is for.
    #[arg(long, value_parser = parse::address)]
    avs: Address,
    /// The operator set id.
    #[arg(long)]
    id: u32,
    #[command(flatten)]
    out: Out,
}

impl DeregisterKeyArgs {
    pub(super) async fn action(self, _now: u64, _wallet: Address) -> Result<(DeregisterKey, Out)> {
        Ok((DeregisterKey { set: OperatorSet { avs: self.avs, id: self.id } }, self.out))
    }
}
