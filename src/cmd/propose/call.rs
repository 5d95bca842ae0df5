use alloy::primitives::{Address, Bytes, U256};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::call::Call;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    #[arg(long, value_parser = parse::address)]
    to: Address,
    /// Wei to send from the wallet.
    #[arg(long, value_parser = parse::wei, default_value = "0")]
    value: U256,
    #[arg(long, value_parser = parse::bytes, default_value = "0x")]
    data: Bytes,
    #[command(flatten)]
    out: Out,
}

impl CallArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(Call, Out)> {
        Ok((Call { to: self.to, value: self.value, data: self.data }, self.out))
    }
}
