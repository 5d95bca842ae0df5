//! `opwallet approve FILE`: a signer approves a proposal on chain (`approveHash(digest)`, sent from its own key)
//! instead of signing it offline, and the entry `{"kind": "approved", "signer": …}` is added to the file. For a
//! signer whose key can send transactions but not sign typed data (a smart account, a custody desk that only
//! submits transactions), or who wants the approval visible on chain. The checks, the screen and the
//! confirmation are `sign`'s.

use std::io::IsTerminal;

use clap::Args;
use eyre::{Result, bail, eyre};
use opwallet_bindings::OperatorWallet;
use opwallet_core::{
    decode::Decoder,
    packing::{SignatureKind, SignerSignature},
    proposal::{Proposal, Verdict},
    review::Review,
    store::{self, Location},
    submit,
};
use serde_json::json;

use super::{emit, screen::Screen, sign};
use crate::opts::{FeeArgs, Global, KeyArgs, parse_location};

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

#[derive(Debug, Args)]
pub(crate) struct ApproveArgs {
    /// The proposal: a file (rewritten atomically with the approval added) or an S3 object (s3://BUCKET/KEY).
    #[arg(value_parser = parse_location)]
    file: Location,
    /// The signer, who sends `approveHash` and pays its gas: a key that can send transactions (local, Ledger, AWS
    /// KMS).
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    fees: FeeArgs,
    /// Approve without asking for confirmation.
    #[arg(long)]
    yes: bool,
    /// Approve although the batch registers for, or allocates to, an operator set that redistributes slashed stake.
    #[arg(long)]
    allow_redistributing: bool,
    /// Approve a message proposal whose hash opwallet cannot interpret, or whose EigenLayer contract the address
    /// book does not confirm.
    #[arg(long)]
    unverified_hash: bool,
    /// Approve even if the wallet's code or digest view does not match what opwallet knows. Dangerous.
    #[arg(long)]
    i_understand_the_wallet_code_is_unknown: bool,
    /// Show long strings and byte strings in full on the screen.
    #[arg(long)]
    full: bool,
    /// Approve although the node's simulation says the batch would revert now, or could not simulate it.
    #[arg(long)]
    force: bool,
}

impl ApproveArgs {
    // Long: the approval flow from load to saved entry; each refusal stays beside the step it guards.
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        if !self.yes && !std::io::stdin().is_terminal() {
            bail!("refusing to approve without confirmation: run in a terminal, or pass --yes");
        }
        let proposal = sign::load(g, &self.file).await?;
        if let Location::File(path) = &self.file {
            Proposal::check_writable(path)?;
        }
        let digest = proposal.hashes.digest;
        let book = g.book_for(proposal.chain_id)?;
        sign::file_refusals(
            &proposal,
            book.as_ref(),
            self.unverified_hash,
            self.force,
            false,
            ("approve", "approved", "approving"),
        )?;
        let limits = self.fees.limits()?;
        let (me, sender) = self.key.sender().await?;
        let provider = g.provider_with(sender.clone()).await?;
        let mut decoder = Decoder::new(proposal.wallet, book.as_ref());
        decoder.full = self.full;
        let queue = sign::queue_of(g, &self.file, &proposal).await?;
        let review = Review::read(&provider, &proposal, book.as_ref(), &decoder, now(), &queue, None).await?;
        self.refusals(&proposal, &review, me)?;
        let invalid = |s: &SignerSignature| {
            review.verdicts.iter().any(|(who, v)| *who == s.signer && matches!(v, Verdict::Invalid(_)))
        };
        if let Some(mine) = proposal.signatures.iter().find(|s| s.signer == me)
            && !invalid(mine)
            && mine.kind != SignatureKind::Approved
        {
            bail!("{me} already signed this proposal: nothing was sent");
        }
        let screen = Screen {
            heading: "approving on chain",
            proposal: &proposal,
            decoder: &decoder,
            calls: &review.calls,
            title: &review.title,
            redistribution: Some(&review.redistribution),
            verdicts: &review.verdicts,
            warnings: &review.warnings,
            state: Some(&review.state),
            simulation: review.simulation.as_ref(),
        };
        eprintln!("{}\nsigner       {me}\n{}", screen.render(), screen.recap());
        if !self.yes {
            eprint!("approve on chain (a transaction from {me})? [y/N] ");
            let mut answer = String::new();
            std::io::stdin().read_line(&mut answer)?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                bail!("not approved");
            }
        }
        let wallet = OperatorWallet::new(proposal.wallet, &provider);
        let transaction = if wallet.approvedHashes(me, digest).call().await? {
            eprintln!("{me} had already approved {digest} on chain: nothing was sent");
            None
        } else {
            let call = wallet.approveHash(digest).from(me);
            call.call()
                .await
                .map_err(|e| eyre!("approveHash would revert, nothing was sent: {}", submit::explain(&e)))?;
            let tx = call.into_transaction_request();
            let plan = submit::plan_fees(&provider, &tx, limits).await?;
            eprintln!("{}", crate::opts::describe_fees(&plan));
            let receipt = submit::send(&provider, &sender, tx, plan, me, g.timeout() * 10, |h| {
                eprintln!("sending transaction {h}")
            })
            .await?;
            Some(receipt.transaction_hash)
        };
        let entry = SignerSignature { signer: me, kind: SignatureKind::Approved };
        let (added, proposal) = store::add_signature(&self.file, &proposal, entry, invalid, g.timeout()).await?;
        emit(
            g.json,
            json!({ "signer": me, "transaction": transaction, "added": added, "signatures": proposal.signatures.len() }),
            || format!("{me} approved {digest} on chain ({} signature(s))", proposal.signatures.len()),
        )
    }

    /// What stops a signer, each with what to do (as `sign`'s).
    fn refusals(&self, proposal: &Proposal, review: &Review, me: alloy::primitives::Address) -> Result<()> {
        let state = &review.state;
        if state.chain_id != proposal.chain_id {
            bail!("the proposal is for chain {} but the RPC is chain {}", proposal.chain_id, state.chain_id);
        }
        if state.epoch != proposal.epoch {
            bail!(
                "the wallet's signers changed since this proposal was made (epoch {} → {}): it can never be executed; \
                 make a new one",
                proposal.epoch,
                state.epoch
            );
        }
        if !state.signers.contains(&me) {
            bail!("{me} is not a signer of {}: nothing was sent", proposal.wallet);
        }
        sign::redistribution_refusal(&review.redistribution, self.allow_redistributing, "sent")?;
        if let Some(why) = review.code_mismatch(proposal) {
            if !self.i_understand_the_wallet_code_is_unknown {
                bail!("refusing to approve for {}: {why}", proposal.wallet);
            }
            eprintln!("!!!!!!!! WARNING: approving although {why} !!!!!!!!");
        }
        let simulated = match review.simulation.as_ref() {
            Some(Ok(sim)) if !sim.success => Some(sim.verdict()),
            Some(Err(e)) => Some(format!("the batch could not be simulated: {}", opwallet_core::text::escape(e))),
            _ => None,
        };
        if let Some(why) = simulated {
            if !self.force {
                bail!(
                    "not approved: simulation {why}; fix the proposal, or pass --force to approve anyway (nothing was sent)"
                );
            }
            eprintln!("WARNING: approving although the simulation says: {why}");
        }
        Ok(())
    }
}
