//! An empty batch: executing it uses up the current nonce, cancelling a stuck proposal at that nonce.

use alloy::providers::Provider;

use super::{Action, Ctx, Planned};
use crate::Error;

/// Cancels the proposal at the wallet's current nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancel;

impl Action for Cancel {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        Ok(Planned::calls(vec![]).notice(format!(
            "note: executing this uses up nonce {}: any other proposal at that nonce can never run",
            ctx.state()?.nonce
        )))
    }
}
