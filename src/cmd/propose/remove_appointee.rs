use alloy::primitives::{Address, FixedBytes};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::appointee::Appointee;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct RemoveAppointeeArgs {
    #[arg(long, value_parser = parse::address)]
    appointee: Address,
    #[arg(long, value_parser = parse::address)]
    target: Address,
    /// Function selector (0x + 8 hex digits) or signature.
    #[arg(long, value_parser = parse::selector)]
    selector: FixedBytes<4>,
    #[command(flatten)]
    out: Out,
}

impl RemoveAppointeeArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(Appointee, Out)> {
        let Self { appointee, target, selector, out } = self;
        Ok((Appointee { appointee, target, selector, remove: true }, out))
    }
}
