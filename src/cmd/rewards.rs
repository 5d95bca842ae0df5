//! `opwallet rewards show`: the RewardsCoordinator's view of the wallet's rewards.

use std::path::PathBuf;

use alloy::primitives::{Address, U256};
use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, eyre};
use opwallet_bindings::eigenlayer::IRewardsCoordinator;
use opwallet_core::{decode::Decoder, rewards, tokens};
use serde_json::json;

use super::emit;
use crate::opts::{Global, parse};

#[derive(Debug, Subcommand)]
pub(crate) enum Rewards {
    /// Distribution roots, the claimer, what was claimed per token, and (with --proof) what is claimable now.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Tokens to report, comma-separated (a proof's tokens are added).
    #[arg(long, value_delimiter = ',', value_parser = parse::address)]
    tokens: Vec<Address>,
    /// A rewards proof (eigenlayer-cli JSON or the sidecar's answer): say what it would pay now.
    #[arg(long, value_name = "FILE")]
    proof: Option<PathBuf>,
}

impl Rewards {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let Rewards::Show(a) = self;
        a.run(g).await
    }
}

impl ShowArgs {
    // Long: the reads, then their JSON and text forms side by side, so the two views of one result cannot drift apart.
    async fn run(self, g: &Global) -> Result<()> {
        let provider = g.provider().await?;
        let wallet = g.wallet()?;
        let chain_id = alloy::providers::Provider::get_chain_id(&provider).await?;
        let book = g.book_for(chain_id)?.ok_or_else(|| eyre!("no EigenLayer addresses for chain {chain_id}"))?;
        let rc = book.rewards_coordinator.ok_or_else(|| eyre!("the address book has no RewardsCoordinator"))?;
        let rc = IRewardsCoordinator::new(rc, &provider);
        let claims = match &self.proof {
            Some(f) => rewards::parse_proofs(
                &std::fs::read_to_string(f).wrap_err_with(|| format!("reading {}", f.display()))?,
            )?,
            None => vec![],
        };
        let mut token_list = self.tokens.clone();
        token_list.extend(claims.iter().flat_map(|c| c.claim.tokenLeaves.iter().map(|l| l.token)));
        token_list.sort();
        token_list.dedup();
        let (current, claimable, count, claimer) = tokio::try_join!(
            async { rc.getCurrentDistributionRoot().call().await },
            async { rc.getCurrentClaimableDistributionRoot().call().await },
            async { rc.getDistributionRootsLength().call().await },
            async { rc.claimerFor(wallet).call().await },
        )?;
        let mut decoder = Decoder::new(wallet, Some(&book));
        decoder.tokens = tokens::read_all(&provider, &token_list).await;
        let mut rows = Vec::new();
        for token in &token_list {
            let claimed = rc.cumulativeClaimed(wallet, *token).call().await?;
            let earned: Option<U256> = claims
                .iter()
                .flat_map(|c| c.claim.tokenLeaves.iter())
                .filter(|l| l.token == *token)
                .map(|l| l.cumulativeEarnings)
                .max();
            rows.push((*token, claimed, earned));
        }
        let value = json!({
            "wallet": wallet, "roots": count, "claimer": claimer,
            "currentRoot": { "root": current.root, "activatedAt": current.activatedAt, "calculatedUntil": current.rewardsCalculationEndTimestamp },
            "claimableRoot": { "root": claimable.root, "activatedAt": claimable.activatedAt, "calculatedUntil": claimable.rewardsCalculationEndTimestamp },
            "tokens": rows.iter().map(|(t, c, e)| json!({ "token": t, "claimed": c.to_string(), "proofCumulative": e.map(|v| v.to_string()), "claimableNow": e.map(|v| v.saturating_sub(*c).to_string()) })).collect::<Vec<_>>(),
        });
        emit(g.json, value, || {
            let mut s = format!(
                "rewards of {}\nroots               {count}\ncurrent root        {} (activates at unix {})\nclaimable root      {} (active since unix {})\nclaimer             {}\n",
                decoder.address(wallet),
                current.root,
                current.activatedAt,
                claimable.root,
                claimable.activatedAt,
                if claimer.is_zero() { "none (the wallet claims itself)".into() } else { decoder.address(claimer) }
            );
            for (t, claimed, earned) in &rows {
                s.push_str(&format!("  {}: claimed {}", decoder.address(*t), decoder.amount(*t, *claimed)));
                if let Some(e) = earned {
                    s.push_str(&format!(
                        "; the proof's cumulative {}; claimable now {}",
                        decoder.amount(*t, *e),
                        decoder.amount(*t, e.saturating_sub(*claimed))
                    ));
                }
                s.push('\n');
            }
            s.trim_end().to_owned()
        })
    }
}
