//! ERC-20 tokens as a signer should see them: amounts in the token's own units with its symbol, read from the
//! token itself (and escaped: a symbol is any string its deployer chose).

use std::collections::HashMap;

use alloy::{
    primitives::{Address, U256, utils::format_units},
    providers::Provider,
};
use opwallet_bindings::eigenlayer::IERC20Metadata;

use crate::{Error, text::escape};

/// A token's symbol and decimals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token's `symbol()`, escaped.
    pub symbol: String,
    /// The token's `decimals()`: base units per whole token are 10^decimals.
    pub decimals: u8,
}

impl Token {
    /// Reads `token`'s symbol and decimals; `None` if it does not answer as an ERC-20.
    pub async fn read<P: Provider>(provider: &P, token: Address) -> Option<Self> {
        let t = IERC20Metadata::new(token, provider);
        let (symbol, decimals) = tokio::join!(async { t.symbol().call().await }, async { t.decimals().call().await });
        Some(Self { symbol: escape(&symbol.ok()?), decimals: decimals.ok()? })
    }

    /// `1.5 DRT`.
    pub fn amount(&self, raw: U256) -> String {
        format!("{} {}", decimal(raw, self.decimals), self.symbol)
    }

    /// Parses `1.5` into raw units, refusing more decimals than the token has.
    pub fn parse(&self, text: &str) -> Result<U256, Error> {
        let refuse = || {
            Error::Refused(format!(
                "`{}` is not an amount of {} ({} decimals)",
                escape(text),
                self.symbol,
                self.decimals
            ))
        };
        if text.trim().split_once('.').is_some_and(|(_, f)| f.len() > usize::from(self.decimals)) {
            return Err(refuse());
        }
        alloy::primitives::utils::parse_units(text.trim(), self.decimals).map(|u| u.get_absolute()).map_err(|_| {
            Error::Refused(format!(
                "`{}` is not an amount of {} ({} decimals)",
                escape(text),
                self.symbol,
                self.decimals
            ))
        })
    }
}

/// `raw` with `decimals`, without trailing zeros.
pub fn decimal(raw: U256, decimals: u8) -> String {
    let text = format_units(raw, decimals).unwrap_or_else(|_| raw.to_string());
    match text.split_once('.') {
        Some((whole, fraction)) if fraction.trim_end_matches('0').is_empty() => whole.to_owned(),
        Some((whole, fraction)) => format!("{whole}.{}", fraction.trim_end_matches('0')),
        None => text,
    }
}

/// The tokens among `addresses` that answer as ERC-20, read concurrently.
pub async fn read_all<P: Provider>(provider: &P, addresses: &[Address]) -> HashMap<Address, Token> {
    let found =
        futures::future::join_all(addresses.iter().map(|a| async move { (*a, Token::read(provider, *a).await) })).await;
    found.into_iter().filter_map(|(a, t)| t.map(|t| (a, t))).collect()
}
