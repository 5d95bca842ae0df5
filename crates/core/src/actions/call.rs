//! Any call from the wallet. Signers see it decoded where opwallet knows the target's ABI, raw and flagged otherwise.

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
};

use super::{Action, Ctx, Planned};
use crate::{Error, proposal::ProposedCall};

/// Calls `to` with `value` and `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub to: Address,
    pub value: U256,
    pub data: Bytes,
}

impl Action for Call {
    async fn plan<P: Provider>(self, _: &Ctx<'_, P>) -> Result<Planned, Error> {
        Ok(Planned::call(ProposedCall { target: self.to, value: self.value, data: self.data }))
    }
}
