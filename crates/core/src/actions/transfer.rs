//! A transfer out of the wallet: an ERC-20 (`transfer(to, amount)`, the amount in the token's own decimals) or ETH.
//! So that claimed rewards can leave the wallet as a decoded, readable call, not as blind hex.

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::eigenlayer::IERC20Metadata;

use super::{Action, Ctx, Planned};
use crate::{Error, proposal::ProposedCall, tokens::Token};

/// Sends `amount` (a decimal in the token's units, or in ETH) of `token` (none: ETH) to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The ERC-20 token; `None`: ETH.
    pub token: Option<Address>,
    /// The recipient; never the zero address.
    pub to: Address,
    /// A decimal amount in the token's own units (`1.5` of a 6-decimal token is 1,500,000 base units), or in ETH.
    pub amount: String,
}

impl Action for Transfer {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        if self.to.is_zero() {
            return Err(Error::Refused("--to is the zero address: the funds would be lost".into()));
        }
        let w = ctx.wallet();
        let Some(token) = self.token else {
            let value = Token { symbol: "ETH".into(), decimals: 18 }.parse(&self.amount)?;
            let balance = ctx.provider.get_balance(w).await.map_err(Error::rpc)?;
            refuse_over(value, balance, "ETH", 18)?;
            return Ok(Planned::call(ProposedCall {
                target: self.to,
                value,
                data: Bytes::new(),
                function: None,
                preimage: None,
            }));
        };
        let meta = Token::read(ctx.provider, token)
            .await
            .ok_or_else(|| Error::Refused(format!("{token} does not answer as an ERC-20 token (symbol, decimals)")))?;
        let amount = meta.parse(&self.amount)?;
        let balance = IERC20Metadata::new(token, ctx.provider).balanceOf(w).call().await.map_err(Error::rpc)?;
        refuse_over(amount, balance, &meta.symbol, meta.decimals)?;
        let data = IERC20Metadata::transferCall { to: self.to, amount }.abi_encode();
        Ok(Planned::call(ProposedCall::new(token, data)).notice(format!(
            "sends {} to {} (the wallet holds {})",
            meta.amount(amount),
            self.to,
            meta.amount(balance)
        )))
    }
}

fn refuse_over(amount: U256, balance: U256, symbol: &str, decimals: u8) -> Result<(), Error> {
    if amount.is_zero() {
        return Err(Error::Refused("the amount is zero".into()));
    }
    if amount > balance {
        return Err(Error::Refused(format!(
            "the wallet holds {} {symbol}, less than the {} {symbol} asked for",
            crate::tokens::decimal(balance, decimals),
            crate::tokens::decimal(amount, decimals)
        )));
    }
    Ok(())
}
