use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::actions::transfer::Transfer;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct TransferArgs {
    /// The ERC-20 token (omit to send ETH).
    #[arg(long, value_parser = parse::address)]
    token: Option<Address>,
    #[arg(long, value_parser = parse::address)]
    to: Address,
    /// The amount in the token's own units (e.g. 12.5), read with the token's decimals; ETH with --token absent.
    #[arg(long)]
    amount: String,
    #[command(flatten)]
    out: Out,
}

impl TransferArgs {
    pub(super) async fn action(self, _now: u64, _wallet: Address) -> Result<(Transfer, Out)> {
        Ok((Transfer { token: self.token, to: self.to, amount: self.amount }, self.out))
    }
}
