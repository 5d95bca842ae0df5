//! The commands. Each is a `…Args` struct with `run`; option groups come from `crate::opts`.

mod approve;
mod batch;
mod keys;
mod operator;
mod propose;
mod rewards;
mod screen;
mod sign;
mod status;
mod wallet;

use clap::{Parser, Subcommand};
use eyre::Result;

use crate::opts::Global;

#[derive(Debug, Parser)]
#[command(name = "opwallet", version, about = "The operator wallet for institutional EigenLayer operators")]
pub(crate) struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Deploy a wallet through the factory (its address is predicted and printed first).
    Deploy(wallet::DeployArgs),
    /// Print the address a configuration and salt deploy to.
    Predict(wallet::PredictArgs),
    /// Show a wallet: signers, threshold, nonce, epoch, code check, EigenLayer status.
    Info,
    /// The operator's dashboard: sets, allocations, slashable stake, keys, splits, claimer, admins, appointees,
    /// slashes.
    Operator(operator::OperatorArgs),
    /// Rewards: roots, claimer, claimed and claimable amounts.
    #[command(subcommand)]
    Rewards(rewards::Rewards),
    /// Write a proposal file for signers to sign offline.
    #[command(subcommand)]
    Propose(propose::Action),
    /// Merge unsigned proposals into one batch: one signing round, one atomic execute.
    Batch(batch::BatchArgs),
    /// Check, show and sign a proposal file (the file is rewritten atomically with the new signature).
    Sign(sign::SignArgs),
    /// Approve a proposal on chain instead of signing it (`approveHash`, sent from the signer's key); the approval
    /// is added to the file.
    Approve(approve::ApproveArgs),
    /// Who signed a proposal, who is still needed, what blocks it, whether it ran; or a wallet's queue (--store).
    Status(status::StatusArgs),
    /// Execute a fully signed proposal (simulated first; nothing is sent if anything is off).
    Execute(sign::ExecuteArgs),
    /// Print the ERC-1271 signature bytes of a signed message proposal, verified by the wallet first.
    Signature(sign::SignatureArgs),
    /// Ask the wallet whether a signature is valid for a hash (isValidSignature).
    CheckSignature(sign::CheckArgs),
    /// As an incoming signer: print the proof of possession a rotation adding you needs.
    AcceptSigner(sign::AcceptArgs),
    /// Create keys (one per signer or AVS key, from OS randomness).
    #[command(subcommand)]
    Keys(keys::Keys),
}

impl Cli {
    pub(crate) async fn run(self) -> Result<()> {
        let g = &self.global;
        if g.verbose > 0 {
            eprintln!(
                "rpc {}\naddress book {}\nwallet {}",
                g.rpc_url.as_deref().map(opwallet_core::text::redact_url).unwrap_or_else(|| "(none)".into()),
                match (&g.addresses, &g.network) {
                    (Some(path), n) =>
                        format!("{}{}", path.display(), n.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()),
                    (None, Some(n)) => format!("built-in {n}"),
                    (None, None) => "(none)".into(),
                },
                g.wallet.as_deref().unwrap_or("(none)")
            );
        }
        match self.command {
            Command::Deploy(a) => a.run(g).await,
            Command::Predict(a) => a.run(g).await,
            Command::Info => wallet::info(g).await,
            Command::Operator(a) => a.run(g).await,
            Command::Rewards(r) => r.run(g).await,
            Command::Propose(a) => a.run(g).await,
            Command::Sign(a) => a.run(g).await,
            Command::Approve(a) => a.run(g).await,
            Command::Status(a) => a.run(g).await,
            Command::Batch(a) => a.run(g).await,
            Command::Execute(a) => a.run(g).await,
            Command::Signature(a) => a.run(g).await,
            Command::CheckSignature(a) => a.run(g).await,
            Command::AcceptSigner(a) => a.run(g).await,
            Command::Keys(k) => k.run(g).await,
        }
    }
}

/// Prints `value` as JSON, or `text` otherwise; either way nothing in it can drive the terminal (strings from
/// files or the chain are escaped).
pub(crate) fn emit(json: bool, value: serde_json::Value, text: impl FnOnce() -> String) -> Result<()> {
    if json {
        println!("{}", opwallet_core::text::escape_json(&serde_json::to_string_pretty(&value)?));
    } else {
        println!("{}", opwallet_core::text::escape_lines(&text()));
    }
    Ok(())
}
