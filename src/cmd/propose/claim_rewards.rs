use std::path::PathBuf;

use alloy::primitives::Address;
use clap::Args;
use eyre::{Result, WrapErr, bail};
use opwallet_core::{actions::claim_rewards::ClaimRewards, rewards};

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct ClaimRewardsArgs {
    /// Who receives the rewards (required: on every signer's screen).
    #[arg(long, value_parser = parse::address)]
    recipient: Address,
    /// A rewards proof file: eigenlayer-cli's `rewards claim --output-type json`, or the rewards sidecar's answer.
    /// Repeat for several roots; all go into one processClaims.
    #[arg(long, value_name = "FILE", required_unless_present = "sidecar_url")]
    proof: Vec<PathBuf>,
    /// Ask a rewards sidecar for the proof instead (its answer is checked against the chain like a file).
    #[arg(long, value_name = "URL", conflicts_with = "proof", requires = "tokens")]
    sidecar_url: Option<String>,
    /// Claim only these tokens, comma-separated (with --sidecar-url: the tokens to ask for).
    #[arg(long, value_delimiter = ',', value_parser = parse::address)]
    tokens: Vec<Address>,
    #[command(flatten)]
    out: Out,
}

impl ClaimRewardsArgs {
    pub(super) async fn action(self, now: u64, wallet: Address) -> Result<(ClaimRewards, Out)> {
        let parsed = match &self.sidecar_url {
            Some(url) => rewards::from_sidecar(url, wallet, &self.tokens).await?,
            None => {
                let mut all = Vec::new();
                for file in &self.proof {
                    let text =
                        std::fs::read_to_string(file).wrap_err_with(|| format!("reading --proof {}", file.display()))?;
                    all.extend(rewards::parse_proofs(&text).wrap_err_with(|| format!("--proof {}", file.display()))?);
                }
                all
            }
        };
        if parsed.is_empty() {
            bail!("no claim in the proof");
        }
        let tokens = (!self.tokens.is_empty()).then_some(self.tokens);
        let claims = parsed.into_iter().map(|p| p.claim).collect();
        Ok((ClaimRewards { claims, recipient: self.recipient, tokens, now }, self.out))
    }
}
