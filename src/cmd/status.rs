//! `opwallet status`: one proposal (who signed, what blocks it, whether it ran), or a wallet's queue in a store,
//! once or followed with `--watch`.

use std::collections::HashMap;

use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use opwallet_core::{
    AddressBook,
    decode::Decoder,
    proposal::{Body, Proposal, Verdict},
    review::{self, Review},
    store::{self, Folder, Location, Queue},
    submit::Execution,
    wallet::WalletState,
};
use serde_json::{Value, json};

use super::emit;
use crate::opts::{Global, parse_folder, parse_location};

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// A proposal: a file or an S3 object (s3://BUCKET/KEY). Omit it and pass --store to see the wallet's queue.
    #[arg(value_parser = parse_location, required_unless_present = "store", conflicts_with = "store")]
    file: Option<Location>,
    /// The wallet's queue in this folder (a directory, or s3://BUCKET[/PREFIX]), in nonce order.
    #[arg(long, value_name = "DIR|s3://…", value_parser = parse_folder)]
    store: Option<Folder>,
    /// Keep following it: print again whenever it changes, until the proposal is executed (or, for a queue,
    /// nothing is waiting any more).
    #[arg(long)]
    watch: bool,
    /// Seconds between two looks with --watch.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    interval: u64,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// One look: the JSON and text to print, and whether there is nothing left to wait for.
struct Look {
    json: Value,
    text: String,
    done: bool,
}

impl StatusArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let mut last = String::new();
        loop {
            let look = match (&self.file, &self.store) {
                (Some(file), _) => one(g, file).await?,
                (None, Some(folder)) => queue(g, folder).await?,
                (None, None) => eyre::bail!("pass a proposal, or --store DIR|s3://… for the wallet's queue"),
            };
            if !self.watch {
                return emit(g.json, look.json, || look.text);
            }
            let shown = if g.json { look.json.to_string() } else { look.text.clone() };
            if shown != last {
                println!("{shown}");
                if !g.json {
                    println!();
                }
                last = shown;
            }
            if look.done {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_secs(self.interval)).await;
        }
    }
}

/// A decoder for `proposal` with the book's names.
fn decoder(proposal: &Proposal, book: Option<&AddressBook>) -> Decoder {
    Decoder::new(proposal.wallet, book)
}

async fn one(g: &Global, file: &Location) -> Result<Look> {
    let (proposal, _) = store::load(file, g.timeout()).await?;
    g.check_wallet(proposal.wallet)?;
    let provider = g.provider().await?;
    let book = g.book_for(proposal.chain_id)?;
    let queue = super::sign::queue_of(g, file, &proposal).await?;
    let r = Review::read(&provider, &proposal, book.as_ref(), &decoder(&proposal, book.as_ref()), now(), &queue, None)
        .await?;
    let valid = r.valid_signers();
    let invalid: Vec<_> = r
        .verdicts
        .iter()
        .filter_map(|(a, v)| match v {
            Verdict::Invalid(why) => Some(json!({ "signer": a, "why": why })),
            _ => None,
        })
        .collect();
    let missing: Vec<_> = r.state.signers.iter().filter(|a| !valid.contains(a)).collect();
    let executed = r.executed.as_ref().filter(|e| e.this_proposal);
    let json = json!({
        "title": r.title, "digest": proposal.hashes.digest, "threshold": r.state.threshold, "signed": valid,
        "invalid": invalid, "notSigned": missing, "ready": r.problems.is_empty(), "problems": r.problems,
        "warnings": r.warnings, "simulation": super::screen::simulation_json(r.simulation.as_ref()),
        "executed": r.executed,
    });
    let mut s = format!(
        "{}\ndigest     {}\nthreshold  {} of {}\n",
        r.title,
        proposal.hashes.digest,
        r.state.threshold,
        r.state.signers.len()
    );
    for a in &r.state.signers {
        s.push_str(&format!("  {} {a}\n", if valid.contains(a) { "signed " } else { "pending" }));
    }
    match &r.simulation {
        Some(Ok(sim)) => s.push_str(&format!("simulation {}\n", sim.verdict())),
        Some(Err(why)) => s.push_str(&format!("simulation unavailable: {}\n", opwallet_core::text::escape(why))),
        None => {}
    }
    if let Some(e) = executed {
        s.push_str(&format!("executed{}", review::where_executed(e)));
    } else if r.problems.is_empty() {
        s.push_str("ready");
    } else {
        s.push_str(&format!("not ready:\n  - {}", r.problems.join("\n  - ")));
    }
    // Nothing more can happen to it: it ran, or it never can.
    let done = executed.is_some() || r.executed.is_some() || proposal.epoch != r.state.epoch;
    Ok(Look { json, text: s, done })
}

/// Every `Executed` event of the wallet, by nonce (digest and transaction).
async fn executions<P: alloy::providers::Provider>(provider: &P, wallet: Address) -> HashMap<u64, Execution> {
    use alloy::sol_types::SolEvent;
    let filter = alloy::rpc::types::Filter::new()
        .address(wallet)
        .event_signature(opwallet_bindings::OperatorWallet::Executed::SIGNATURE_HASH)
        .from_block(0);
    let logs = provider.get_logs(&filter).await.unwrap_or_default();
    logs.into_iter()
        .filter_map(|log| {
            let e = opwallet_bindings::OperatorWallet::Executed::decode_log(&log.inner).ok()?;
            let nonce = u64::try_from(e.nonce).ok()?;
            let execution = Execution {
                transaction: log.transaction_hash,
                block: log.block_number,
                digest: e.digest,
                this_proposal: false,
            };
            Some((nonce, execution))
        })
        .collect()
}

/// What one queued proposal is waiting for, in words, and whether anything can still happen to it.
/// Signatures are checked offline here (contract signatures and approvals counted as given; `status FILE`
/// checks them on chain).
fn state_of(p: &Proposal, state: &WalletState, runs: &HashMap<u64, Execution>) -> (String, bool) {
    let valid = p
        .offline_verdicts()
        .into_iter()
        .filter(|(a, v)| matches!(v, Verdict::Valid | Verdict::Unchecked) && state.signers.contains(a))
        .count() as u64;
    let signed = format!("{valid} of {} signed", state.threshold);
    if p.epoch != state.epoch {
        return (
            format!("{signed}; stale: the signers changed (epoch {} → {}), it can never run", p.epoch, state.epoch),
            false,
        );
    }
    match &p.body {
        Body::Message { .. } => (format!("{signed}; a message (ERC-1271)"), valid < state.threshold),
        Body::Execute { nonce, .. } if *nonce < state.nonce => match runs.get(nonce) {
            Some(e) if e.digest == p.hashes.digest => (format!("executed{}", review::where_executed(e)), false),
            Some(e) => (format!("never runs: nonce {nonce} went to {}{}", e.digest, review::where_executed(e)), false),
            None => (format!("never runs: nonce {nonce} is used"), false),
        },
        Body::Execute { nonce, deadline, .. } => {
            if now() > *deadline {
                return (format!("{signed}; expired: its deadline has passed"), false);
            }
            let more = state.threshold.saturating_sub(valid);
            let mut why = Vec::new();
            if more > 0 {
                why.push(format!("needs {more} more signature(s)"));
            }
            if *nonce > state.nonce {
                why.push(format!("waits for nonce {} to run first", nonce - 1));
            }
            if why.is_empty() {
                (format!("{signed}; executable now"), true)
            } else {
                (format!("{signed}; {}", why.join("; ")), true)
            }
        }
    }
}

async fn queue(g: &Global, folder: &Folder) -> Result<Look> {
    let provider = g.provider().await?;
    let wallet = g.wallet()?;
    let state = WalletState::read(&provider, wallet).await?;
    let q = Queue::new(folder.clone(), state.chain_id, wallet);
    let book = g.book_for(state.chain_id)?;
    let (listed, runs) = tokio::join!(q.list(g.timeout()), executions(&provider, wallet));
    let (items, skipped) = listed?;
    let mut rows = Vec::new();
    let mut text = format!(
        "queue of {wallet} on chain {} in {folder}: the wallet is at nonce {}, epoch {}, threshold {}\n",
        state.chain_id, state.nonce, state.epoch, state.threshold
    );
    let mut pending = false;
    for item in &items {
        let p = &item.proposal;
        let (_, title) = review::describe(&decoder(p, book.as_ref()), p);
        let (words, waiting) = state_of(p, &state, &runs);
        pending |= waiting;
        let nonce = match &p.body {
            Body::Execute { nonce, .. } => json!(nonce),
            Body::Message { .. } => Value::Null,
        };
        let label = match &p.body {
            Body::Execute { nonce, .. } => format!("nonce {nonce}"),
            Body::Message { .. } => "message".to_owned(),
        };
        text.push_str(&format!("  {label:<10} {title}\n             {words}\n             {}\n", item.location));
        rows.push(json!({
            "location": item.location.to_string(), "nonce": nonce, "digest": p.hashes.digest, "title": title,
            "state": words, "waiting": waiting,
        }));
    }
    if items.is_empty() {
        text.push_str("  nothing queued\n");
    }
    for (location, why) in &skipped {
        text.push_str(&format!("  skipped {location}: {}\n", opwallet_core::text::escape(why)));
    }
    let json = json!({
        "wallet": wallet, "chainId": state.chain_id, "nonce": state.nonce, "epoch": state.epoch,
        "threshold": state.threshold, "queue": rows,
        "skipped": skipped.iter().map(|(l, why)| json!({ "location": l.to_string(), "why": why })).collect::<Vec<_>>(),
    });
    Ok(Look { json, text: text.trim_end().to_owned(), done: !pending })
}
