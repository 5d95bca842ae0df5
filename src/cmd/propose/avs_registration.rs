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
    /// Send the registration from the wallet in the same batch, to this contract (an AVS registry coordinator that
    /// forwards the operator's signature to the AVSDirectory): one signing round, the wallet vouching for the
    /// digest only while the batch runs. Pass an empty signature (`0x`) among --send-sig's arguments.
    #[arg(long, value_parser = parse::address, requires = "send_sig")]
    send_to: Option<Address>,
    /// The function --send-to is called with, cast-style, its arguments after it:
    /// `--send-sig "register(bytes,bytes32,uint256)" 0x SALT EXPIRY`.
    #[arg(long, value_name = "SIGNATURE", requires = "send_to")]
    send_sig: Option<String>,
    /// --send-sig's arguments, in order.
    #[arg(value_name = "ARGS", requires = "send_sig")]
    send_args: Vec<String>,
    #[command(flatten)]
    out: Out,
}

impl AvsRegistrationArgs {
    pub(super) async fn action(self, now: u64, _wallet: alloy::primitives::Address) -> Result<(AvsRegistration, Out)> {
        let send = match (self.send_to, &self.send_sig) {
            (Some(to), Some(sig)) => {
                let (data, function) = opwallet_core::actions::call::encode(sig, &self.send_args)?;
                Some(opwallet_core::actions::call::Call { to, value: alloy::primitives::U256::ZERO, data, function: Some(function) })
            }
            _ => None,
        };
        Ok((AvsRegistration { avs: self.avs, salt: self.salt, expiry: self.expiry, now, send }, self.out))
    }
}
