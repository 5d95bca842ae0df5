use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::register_operator::RegisterOperator;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct RegisterOperatorArgs {
    /// The operator's metadata URI (JSON: name, website, description, logo, twitter).
    #[arg(long)]
    metadata_uri: String,
    /// Delegation approver (default: none).
    #[arg(long, value_parser = parse::address, default_value = "0x0000000000000000000000000000000000000000")]
    delegation_approver: Address,
    /// Allocation delay in blocks.
    #[arg(long, default_value_t = 0)]
    allocation_delay: u32,
    #[command(flatten)]
    out: Out,
}

impl RegisterOperatorArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(RegisterOperator, Out)> {
        let Self { metadata_uri, delegation_approver, allocation_delay, out } = self;
        Ok((RegisterOperator { delegation_approver, allocation_delay, metadata_uri }, out))
    }
}
