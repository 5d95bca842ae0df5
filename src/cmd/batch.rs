//! `opwallet batch A B … -o AB`: several unsigned proposals as one `execute` (`opwallet_core::batch`), simulated
//! whole before it is written.

use clap::Args;
use eyre::{Result, bail};
use opwallet_core::{
    batch,
    decode::Decoder,
    review,
    store::{self, Folder, Location, Queue},
    wallet::WalletState,
};
use serde_json::json;

use super::emit;
use crate::opts::{Global, parse_folder, parse_location};

#[derive(Debug, Args)]
pub(crate) struct BatchArgs {
    /// The unsigned proposals to merge, in the order their calls run (files or s3://… objects).
    #[arg(required = true, num_args = 2.., value_parser = parse_location)]
    parts: Vec<Location>,
    /// Where to write the batch (never over an existing proposal).
    #[arg(short = 'o', long = "out", value_parser = parse_location, required_unless_present = "store", conflicts_with = "store")]
    out: Option<Location>,
    /// Put the batch in the wallet's queue in this folder instead.
    #[arg(long, value_name = "DIR|s3://…", value_parser = parse_folder)]
    store: Option<Folder>,
    /// The batch's nonce (default: the lowest of the parts').
    #[arg(long)]
    nonce: Option<u64>,
    /// Write it although the node's simulation says the batch would revert.
    #[arg(long)]
    force: bool,
}

impl BatchArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let mut parts = Vec::new();
        for location in &self.parts {
            let (p, _) = store::load(location, g.timeout()).await?;
            g.check_wallet(p.wallet)?;
            parts.push(p);
        }
        let merged = batch::merge(&parts, self.nonce)?;
        let provider = g.provider().await?;
        let book = g.book_for(merged.chain_id)?;
        let state = WalletState::read(&provider, merged.wallet).await?;
        let mut decoder = Decoder::new(merged.wallet, book.as_ref());
        let (calls, title) = review::describe(&decoder, &merged);
        if let opwallet_core::proposal::Body::Execute { calls: c, .. } = &merged.body {
            decoder.tokens = opwallet_core::tokens::read_all(&provider, &decoder.token_addresses(c)).await;
        }
        eprintln!("batch      {title}");
        for (i, c) in calls.iter().enumerate() {
            let what = c.summary.clone().unwrap_or_else(|| decoder.function_name(c.target, selector(&c.data)));
            eprintln!("  [{i}] {what}");
        }
        let simulation = opwallet_core::simulate::simulate(&provider, &state, &[], &merged, &decoder)
            .await
            .map_err(|e| e.to_string());
        eprint!("{}", super::screen::simulation_lines(&simulation));
        let why = match &simulation {
            Ok(s) if !s.success => Some(s.verdict()),
            Err(e) => Some(format!("the batch could not be simulated: {}", opwallet_core::text::escape(e))),
            Ok(_) => None,
        };
        if let Some(why) = why {
            if !self.force {
                bail!("no batch written: simulation {why}; fix it, or pass --force to write it anyway");
            }
            eprintln!("WARNING: written although the simulation says: {why}");
        }
        let (merged, floor) = opwallet_core::actions::with_gas_floor(merged, Some(&simulation))?;
        if let Some(floor) = floor {
            eprintln!("{floor}");
        }
        let location = match (&self.out, &self.store) {
            (Some(out), _) => out.clone(),
            (None, Some(folder)) => Queue::new(folder.clone(), merged.chain_id, merged.wallet).location_of(&merged),
            (None, None) => bail!("pass -o FILE or --store DIR|s3://…"),
        };
        store::create(&location, &merged, g.timeout()).await?;
        emit(
            g.json,
            json!({
                "file": location.to_string(), "digest": merged.hashes.digest, "calls": calls.len(),
                "simulation": super::screen::simulation_json(Some(&simulation)),
            }),
            || format!("{location}\ndigest {}", merged.hashes.digest),
        )
    }
}

fn selector(data: &[u8]) -> alloy::primitives::FixedBytes<4> {
    alloy::primitives::FixedBytes::from_slice(data.get(..4).unwrap_or(&[0; 4]))
}
