use alloy::primitives::{Address, FixedBytes};
use clap::Args;
use eyre::Result;
use opwallet_core::actions::appointee::Appointee;

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct SetAppointeeArgs {
    #[arg(long, value_parser = parse::address)]
    appointee: Address,
    #[arg(long, value_parser = parse::address)]
    target: Address,
    /// Function selector (0x + 8 hex digits) or signature, e.g. "updateOperatorMetadataURI(address,string)".
    #[arg(long, value_parser = parse::selector)]
    selector: FixedBytes<4>,
    #[command(flatten)]
    out: Out,
}

impl SetAppointeeArgs {
    pub(super) async fn action(self, _now: u64, _wallet: alloy::primitives::Address) -> Result<(Appointee, Out)> {
        let Self { appointee, target, selector, out } = self;
        Ok((Appointee { appointee, target, selector, remove: false }, out))
    }
}
