use std::io::IsTerminal;

use alloy::{
    primitives::{Address, B256, Bytes},
    sol_types::SolEvent,
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use opwallet_bindings::{ERC1271_MAGIC, OperatorWallet, eigenlayer};
use opwallet_core::{
    AddressBook,
    decode::Decoder,
    eip712,
    guard::Redistribution,
    packing::{SignatureKind, SignerSignature},
    proposal::{Body, Preimage, Proposal, Verdict, check_ecdsa},
    review::{self, Review},
    simulate::Simulation,
    store::{self, Location},
    submit,
    wallet::WalletState,
};
use serde_json::json;

use super::{emit, screen::Screen};
use crate::opts::{FeeArgs, Global, KeyArgs, parse_location};

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// Loads a proposal (a file or a store's object) for the wallet the user means.
pub(super) async fn load(g: &Global, file: &Location) -> Result<Proposal> {
    let (proposal, _) = store::load(file, g.timeout()).await?;
    g.check_wallet(proposal.wallet)?;
    Ok(proposal)
}

/// The other proposals of the queue `file` is in (none for a lone file), for the simulation to run first.
pub(super) async fn queue_of(g: &Global, file: &Location, proposal: &Proposal) -> Result<Vec<Proposal>> {
    match file.queue() {
        Some(q) if q.chain_id == proposal.chain_id && q.wallet == proposal.wallet => Ok(q
            .list(g.timeout())
            .await?
            .0
            .into_iter()
            .map(|q| q.proposal)
            .filter(|p| p.hashes.digest != proposal.hashes.digest)
            .collect()),
        _ => Ok(Vec::new()),
    }
}

/// The refusals a signer gets unless they pass the flag named: a hash the wallet would vouch for (a message
/// proposal's, or an `approveForThisExecution` call's) whose EigenLayer contract is not the one the address book
/// names for its kind, or that has no preimage at all.
pub(super) fn message_refusal(proposal: &Proposal, book: Option<&AddressBook>) -> Option<String> {
    proposal.vouched().into_iter().find_map(|v| {
        let what = match v.call {
            Some(i) => format!("call {i} has the wallet vouch for a hash ({})", v.hash),
            None => "this message proposal".to_owned(),
        };
        match v.preimage {
            Some(Preimage::AvsRegistration { operator, .. }) if *operator != proposal.wallet => {
                return Some(format!(
                    "{what}: the registration is for operator {operator}, not for this wallet {}",
                    proposal.wallet
                ));
            }
            Some(Preimage::DelegationApproval { approver, .. }) if *approver != proposal.wallet => {
                return Some(format!(
                    "{what}: the approval is in the name of approver {approver}, not of this wallet {}",
                    proposal.wallet
                ));
            }
            _ => {}
        }
        let (contract, expected, name) = match v.preimage {
            None | Some(Preimage::Unverified) => {
                return Some(format!(
                    "{what} is a raw hash, whose meaning opwallet cannot verify: pass --unverified-hash only if you \
                     know what the hash is the digest of"
                ));
            }
            Some(Preimage::AvsRegistration { domain, .. }) => {
                (domain.verifying_contract, book.map(|b| b.avs_directory), "AVSDirectory")
            }
            Some(Preimage::DelegationApproval { domain, .. }) => {
                (domain.verifying_contract, book.map(|b| b.delegation_manager), "DelegationManager")
            }
        };
        match expected {
            Some(e) if e == contract => None,
            Some(e) => Some(format!(
                "{what}: the digest is for the EigenLayer contract {contract}, but the address book's {name} on chain \
                 {} is {e}: refusing to sign a digest for another contract",
                proposal.chain_id
            )),
            None => Some(format!(
                "{what}: no address book is known for chain {}, so opwallet cannot tell whether {contract} is \
                 EigenLayer's {name}: pass --addresses FILE or --network",
                proposal.chain_id
            )),
        }
    })
}

/// What the file alone says a signer (`sign`) or an approver (`approve`) must be stopped for unless they pass the
/// flag named: a hash vouched for without a verifiable preimage ([`message_refusal`], `--unverified-hash`), or a gas
/// floor no transaction can honour (`--force`). A floor of 0 is said here when `say_floor` (offline: no review says it).
pub(super) fn file_refusals(
    proposal: &Proposal,
    book: Option<&AddressBook>,
    unverified_hash: bool,
    force: bool,
    say_floor: bool,
    (verb, done, doing): (&str, &str, &str),
) -> Result<()> {
    if let Some(why) = message_refusal(proposal, book) {
        if !unverified_hash {
            bail!("{why}");
        }
        eprintln!("WARNING: {doing} although {why}");
    }
    if let Some((refuse, why)) = opwallet_core::actions::gas_floor_problem(proposal) {
        if refuse && !force {
            bail!("not {done}: {why}; pass --force only to {verb} it anyway");
        }
        if refuse || say_floor {
            eprintln!("WARNING: {why}");
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The proposal: a file (rewritten atomically with the signature added) or an S3 object (s3://BUCKET/KEY,
    /// updated with a conditional write).
    #[arg(value_parser = parse_location)]
    file: Location,
    #[command(flatten)]
    key: KeyArgs,
    /// Add a contract signer's ERC-1271 signature (a Safe, or another OperatorWallet) instead of signing with a key.
    #[arg(long, value_name = "ADDRESS", requires = "contract_signature", help_heading = "Contract signer")]
    contract_signer: Option<String>,
    /// The contract signer's signature bytes over the proposal's digest (hex, or @FILE).
    #[arg(long, value_name = "HEX|@FILE", help_heading = "Contract signer")]
    contract_signature: Option<String>,
    /// Sign without asking for confirmation.
    #[arg(long)]
    yes: bool,
    /// Sign without an RPC (air-gapped): the on-chain checks are skipped.
    #[arg(long)]
    offline: bool,
    /// Sign although the batch registers for, or allocates to, an operator set that redistributes slashed stake.
    #[arg(long)]
    allow_redistributing: bool,
    /// Sign a message proposal whose hash opwallet cannot interpret (`propose sign-hash`), or whose EigenLayer
    /// contract the address book does not confirm.
    #[arg(long)]
    unverified_hash: bool,
    /// Sign even if the wallet's code or digest view does not match what opwallet knows. Dangerous.
    #[arg(long)]
    i_understand_the_wallet_code_is_unknown: bool,
    /// Show long strings and byte strings in full on the screen (by default they are cut, with their hash).
    #[arg(long)]
    full: bool,
    /// Sign although the node's simulation says the batch would revert now (e.g. it depends on a proposal that
    /// is not in the queue), or could not simulate it.
    #[arg(long)]
    force: bool,
}

impl SignArgs {
    // Long: the signing flow from load to saved signature; each refusal stays beside the step it guards.
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        if let Some(contract) = &self.contract_signer {
            return self.add_contract_signature(g, contract).await;
        }
        if !self.yes && !std::io::stdin().is_terminal() {
            bail!("refusing to sign without confirmation: run in a terminal, or pass --yes");
        }
        let proposal = load(g, &self.file).await?;
        if let Location::File(path) = &self.file {
            Proposal::check_writable(path)?;
        }
        let book = g.book_for(proposal.chain_id)?;
        file_refusals(
            &proposal,
            book.as_ref(),
            self.unverified_hash,
            self.force,
            self.offline,
            ("sign", "signed", "signing"),
        )?;
        let signer = self.key.signer().await?;
        let me = signer.address();
        let mut decoder = Decoder::new(proposal.wallet, book.as_ref());
        decoder.full = self.full;

        let (review, verdicts) = if self.offline {
            eprintln!(
                "offline: the wallet's code, digest view, signer set, the redistribution guard and other signatures \
                 were NOT checked against the chain"
            );
            (None, proposal.offline_verdicts())
        } else {
            let provider = g.provider().await.wrap_err("on-chain checks need an RPC (or pass --offline)")?;
            let queue = queue_of(g, &self.file, &proposal).await?;
            let review = Review::read(&provider, &proposal, book.as_ref(), &decoder, now(), &queue, None).await?;
            self.refusals(&proposal, &review, me)?;
            simulation_refusal(review.simulation.as_ref(), self.force)?;
            let verdicts = review.verdicts.clone();
            (Some(review), verdicts)
        };
        let (calls, title) = match &review {
            Some(r) => (r.calls.clone(), r.title.clone()),
            None => review::describe(&decoder, &proposal),
        };
        // A function signature in the file that does not match its calldata: the file lies about a call.
        for (i, c) in calls.iter().enumerate() {
            if let opwallet_core::decode::Action::Raw { why } = &c.action
                && why.starts_with("MISMATCH")
            {
                bail!(
                    "not signed: call {i}: {why}; the file does not describe its own call (it may have been altered)"
                );
            }
        }
        let warnings = review.as_ref().map(|r| r.warnings.clone()).unwrap_or_default();
        let screen = Screen {
            heading: "signing",
            proposal: &proposal,
            decoder: &decoder,
            calls: &calls,
            title: &title,
            redistribution: review.as_ref().map(|r| &r.redistribution),
            verdicts: &verdicts,
            warnings: &warnings,
            state: review.as_ref().map(|r| &r.state),
            simulation: review.as_ref().and_then(|r| r.simulation.as_ref()),
        };
        eprintln!("{}\nsigner       {me}\n{}", screen.render(), screen.recap());
        if !self.yes {
            eprint!("sign? [y/N] ");
            let mut answer = String::new();
            std::io::stdin().read_line(&mut answer)?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                bail!("not signed");
            }
        }
        let signature = signer.sign_typed(&proposal.typed_data, proposal.hashes.digest).await?;
        let bytes = Bytes::from(signature.as_bytes().to_vec());
        match check_ecdsa(proposal.hashes.digest, &bytes) {
            Ok(who) if who == me => {}
            Ok(who) => bail!("the signer returned a signature by {who}, not by {me}: nothing was added"),
            Err(why) => bail!("the signer returned a signature the wallet would refuse ({why}): nothing was added"),
        }
        let entry = SignerSignature { signer: me, kind: SignatureKind::Ecdsa { signature: bytes } };
        let invalid =
            |s: &SignerSignature| verdicts.iter().any(|(who, v)| *who == s.signer && matches!(v, Verdict::Invalid(_)));
        // Added to the file as it is now (other signers may have signed meanwhile), under a lock.
        let (added, proposal) = store::add_signature(&self.file, &proposal, entry, invalid, g.timeout()).await?;
        if !added {
            eprintln!("{me} had already signed: the file is unchanged");
        }
        emit(
            g.json,
            json!({ "signer": me, "added": added, "signatures": proposal.signatures.len(), "warnings": warnings }),
            || format!("{me} signed ({} signature(s))", proposal.signatures.len()),
        )
    }

    /// What stops a signer, each with what to do.
    fn refusals(&self, proposal: &Proposal, review: &Review, me: Address) -> Result<()> {
        let state = &review.state;
        if state.chain_id != proposal.chain_id {
            bail!("the proposal is for chain {} but the RPC is chain {}", proposal.chain_id, state.chain_id);
        }
        // Only the current epoch: a signature for any other one is dead, or (a later epoch) would lie in wait.
        if proposal.epoch > state.epoch {
            bail!(
                "this proposal is for epoch {}, but the wallet is at epoch {}: refusing to sign for an epoch the wallet \
                 is not at",
                proposal.epoch,
                state.epoch
            );
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
            bail!("{me} is not a signer of {}: nothing was signed", proposal.wallet);
        }
        redistribution_refusal(&review.redistribution, self.allow_redistributing, "signed")?;
        if let Some(why) = review.code_mismatch(proposal) {
            if !self.i_understand_the_wallet_code_is_unknown {
                bail!("refusing to sign for {}: {why}", proposal.wallet);
            }
            eprintln!("!!!!!!!! WARNING: signing although {why} !!!!!!!!");
        }
        Ok(())
    }

    /// Checks a contract signer's ERC-1271 signature with the contract itself, then adds it.
    async fn add_contract_signature(&self, g: &Global, contract: &str) -> Result<()> {
        let contract = crate::opts::parse_address(contract, "--contract-signer")?;
        let raw = self.contract_signature.as_deref().unwrap_or_default();
        let text = match raw.strip_prefix('@') {
            Some(path) => {
                std::fs::read_to_string(path).wrap_err_with(|| format!("reading --contract-signature file {path}"))?
            }
            None => raw.to_owned(),
        };
        let signature: Bytes =
            text.trim().parse().map_err(|_| eyre!("--contract-signature is not hex bytes (expected 0x…)"))?;
        let proposal = load(g, &self.file).await?;
        if let Location::File(path) = &self.file {
            Proposal::check_writable(path)?;
        }
        let provider = g.provider().await?;
        let state = WalletState::read(&provider, proposal.wallet).await?;
        if !state.signers.contains(&contract) {
            bail!("{contract} is not a signer of {}: nothing was added", proposal.wallet);
        }
        match review::contract_verdict(&provider, contract, proposal.hashes.digest, &signature).await? {
            Verdict::Valid => {}
            Verdict::Invalid(why) => bail!(
                "{contract} does not accept this signature for digest {} ({why}): nothing was added",
                proposal.hashes.digest
            ),
            Verdict::Unchecked => bail!("{contract}'s signature could not be checked: nothing was added"),
        }
        let verdicts = review::verdicts(&provider, &proposal, Some(&state.signers)).await?;
        let invalid =
            |s: &SignerSignature| verdicts.iter().any(|(who, v)| *who == s.signer && matches!(v, Verdict::Invalid(_)));
        let entry = SignerSignature { signer: contract, kind: SignatureKind::Contract { signature } };
        let (added, proposal) = store::add_signature(&self.file, &proposal, entry, invalid, g.timeout()).await?;
        if !added {
            eprintln!("{contract} had already signed: the file is unchanged");
        }
        emit(g.json, json!({ "signer": contract, "added": added, "signatures": proposal.signatures.len() }), || {
            format!("{contract} signed (contract, {} signature(s))", proposal.signatures.len())
        })
    }
}

/// Refuses a batch touching redistributing operator sets unless `allow`; warns when allowed.
/// Stops a signer before the prompt when the node says the batch would revert, or could not run it.
fn simulation_refusal(simulation: Option<&Result<Simulation, String>>, force: bool) -> Result<()> {
    let why = match simulation {
        Some(Ok(sim)) if !sim.success => sim.verdict(),
        Some(Err(e)) => format!("the batch could not be simulated: {}", opwallet_core::text::escape(e)),
        _ => return Ok(()),
    };
    if force {
        eprintln!("WARNING: signing although the simulation says: {why}");
        return Ok(());
    }
    bail!("not signed: simulation {why}; fix the proposal, or pass --force to sign anyway (nothing was added)")
}

pub(super) fn redistribution_refusal(found: &Redistribution, allow: bool, verb: &str) -> Result<()> {
    if let Redistribution::Redistributing(sets) = found {
        let list: Vec<String> = sets.iter().map(ToString::to_string).collect();
        if !allow {
            bail!(
                "this batch touches operator set(s) {} that redistribute slashed stake: a compromised key could use \
                 this to steal stake; nothing was {verb}. Pass --allow-redistributing only if that is intended",
                list.join(", ")
            );
        }
        eprintln!("WARNING: this batch touches redistributing operator set(s) {}", list.join(", "));
    }
    Ok(())
}

/// A decoder for `proposal` (`full`: long values shown in full).
fn decoder(proposal: &Proposal, book: Option<&AddressBook>, full: bool) -> Decoder {
    let mut d = Decoder::new(proposal.wallet, book);
    d.full = full;
    d
}

#[derive(Debug, Args)]
pub(crate) struct ExecuteArgs {
    #[arg(value_parser = parse_location)]
    file: Location,
    /// Who submits (pays gas; gets no rights).
    #[command(flatten)]
    sender: KeyArgs,
    #[command(flatten)]
    fees: FeeArgs,
    /// Execute although the batch touches an operator set that redistributes slashed stake.
    #[arg(long)]
    allow_redistributing: bool,
    /// Execute even if the wallet's code or digest view does not match what opwallet knows. Dangerous.
    #[arg(long)]
    i_understand_the_wallet_code_is_unknown: bool,
}

impl ExecuteArgs {
    // Long: the execute flow from review to receipt, in order; each refusal beside the step it guards.
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let proposal = load(g, &self.file).await?;
        let limits = self.fees.limits()?;
        let (from, sender) = self.sender.sender().await?;
        let provider = g.provider_with(sender.clone()).await?;
        let book = g.book_for(proposal.chain_id)?;
        let decoder = decoder(&proposal, book.as_ref(), false);
        let queue = queue_of(g, &self.file, &proposal).await?;
        let r = Review::read(&provider, &proposal, book.as_ref(), &decoder, now(), &queue, Some(from)).await?;
        if let Some(e) = r.executed.as_ref().filter(|e| e.this_proposal) {
            // Running it again is asking whether it ran: it did, so say where (and send nothing).
            eprintln!("already executed{}: nothing was sent", review::where_executed(e));
            return emit(
                g.json,
                json!({ "transaction": e.transaction, "block": e.block, "alreadyExecuted": true }),
                || e.transaction.map(|t| t.to_string()).unwrap_or_default(),
            );
        }
        if !r.problems.is_empty() {
            bail!("not executed, nothing was sent:\n  - {}", r.problems.join("\n  - "));
        }
        redistribution_refusal(&r.redistribution, self.allow_redistributing, "sent")?;
        if let Some(why) = r.code_mismatch(&proposal) {
            if !self.i_understand_the_wallet_code_is_unknown {
                bail!("refusing to execute for {}: {why}", proposal.wallet);
            }
            eprintln!("!!!!!!!! WARNING: executing although {why} !!!!!!!!");
        }
        let screen = Screen {
            heading: "executing",
            proposal: &proposal,
            decoder: &decoder,
            calls: &r.calls,
            title: &r.title,
            redistribution: Some(&r.redistribution),
            verdicts: &r.verdicts,
            warnings: &r.warnings,
            state: Some(&r.state),
            simulation: r.simulation.as_ref(),
        };
        eprintln!("{}", screen.render());
        // Estimated with the real signatures, fees and nonce asked in the review's second round trip.
        let prepared = match r.prepared.clone() {
            Some(Ok(prepared)) => prepared,
            Some(Err(why)) => bail!("{why}"),
            None => bail!("not executed, nothing was sent: the proposal is not ready"),
        };
        let plan = submit::apply_limits(prepared.gas, prepared.fees, limits)?;
        eprintln!("{}", crate::opts::describe_fees(&plan));
        let receipt = submit::send_prepared(&provider, &sender, prepared, plan, from, g.timeout() * 10, |h| {
            eprintln!("sending transaction {h}")
        })
        .await?;
        let events: Vec<String> = receipt.inner.logs().iter().filter_map(|l| describe_log(l.inner.clone())).collect();
        emit(
            g.json,
            json!({ "transaction": receipt.transaction_hash, "gasUsed": receipt.gas_used, "events": events }),
            || {
                let mut s = receipt.transaction_hash.to_string();
                for e in &events {
                    s.push_str(&format!("\n  {e}"));
                }
                s
            },
        )
    }
}

/// A one-line description of the events users care about.
fn describe_log(log: alloy::primitives::Log) -> Option<String> {
    use OperatorWallet as W;
    if let Ok(e) = W::Executed::decode_log(&log) {
        return Some(format!("Executed(nonce {})", e.nonce));
    }
    if let Ok(e) = W::SignerAdded::decode_log(&log) {
        return Some(format!("SignerAdded({})", e.signer));
    }
    if let Ok(e) = W::SignerRemoved::decode_log(&log) {
        return Some(format!("SignerRemoved({})", e.signer));
    }
    if let Ok(e) = W::ThresholdChanged::decode_log(&log) {
        return Some(format!("ThresholdChanged({})", e.threshold));
    }
    if let Ok(e) = W::EpochChanged::decode_log(&log) {
        return Some(format!("EpochChanged({})", e.epoch));
    }
    if let Ok(e) = eigenlayer::IDelegationManager::OperatorMetadataURIUpdated::decode_log(&log) {
        return Some(format!(
            "OperatorMetadataURIUpdated({}, {})",
            e.operator,
            opwallet_core::decode::quote(&e.metadataURI)
        ));
    }
    if let Ok(e) = eigenlayer::IDelegationManager::OperatorRegistered::decode_log(&log) {
        return Some(format!("OperatorRegistered({})", e.operator));
    }
    None
}

#[derive(Debug, Args)]
pub(crate) struct SignatureArgs {
    /// A signed message proposal (`opwallet propose avs-registration`).
    #[arg(value_parser = parse_location)]
    file: Location,
}

impl SignatureArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let proposal = load(g, &self.file).await?;
        let Body::Message { hash, .. } = &proposal.body else {
            bail!("{} is an execution proposal: use `opwallet execute`", self.file);
        };
        let provider = g.provider().await?;
        let book = g.book_for(proposal.chain_id)?;
        let r = Review::read(
            &provider,
            &proposal,
            book.as_ref(),
            &decoder(&proposal, book.as_ref(), false),
            now(),
            &[],
            None,
        )
        .await?;
        if !r.problems.is_empty() {
            bail!("no signature produced:\n  - {}", r.problems.join("\n  - "));
        }
        let signature = match &r.assembled {
            Some((signature, true)) => signature.clone(),
            Some((_, false)) => bail!("the wallet does not accept the assembled signature (isValidSignature)"),
            None => bail!("no signature produced: fewer valid signatures than the threshold"),
        };
        emit(g.json, json!({ "hash": hash, "signature": signature }), || signature.to_string())
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The hash the signature is for (e.g. EigenLayer's digest).
    #[arg(long)]
    hash: String,
    /// The signature bytes (hex).
    #[arg(long)]
    signature: String,
}

impl CheckArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let hash: B256 = self.hash.parse().map_err(|_| eyre!("--hash `{}` is not 32 bytes of hex", self.hash))?;
        let signature: Bytes = self.signature.parse().map_err(|_| eyre!("--signature is not hex bytes"))?;
        let provider = g.provider().await?;
        let answer = OperatorWallet::new(g.wallet()?, &provider).isValidSignature(hash, signature).call().await?;
        let valid = answer.0 == ERC1271_MAGIC;
        emit(g.json, json!({ "valid": valid, "returned": answer }), || {
            if valid { "valid".into() } else { format!("invalid (isValidSignature returned {answer})") }
        })?;
        if !valid {
            std::process::exit(1);
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub(crate) struct AcceptArgs {
    #[command(flatten)]
    key: KeyArgs,
}

impl AcceptArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let signer = self.key.signer().await?;
        let me = signer.address();
        let wallet = g.wallet()?;
        let provider = g.provider().await?;
        let state = WalletState::read(&provider, wallet).await?;
        let message = eip712::AcceptSigner { signer: me };
        let domain = eip712::domain(state.chain_id, wallet, state.epoch);
        let hashes = eip712::hashes(&message, &domain);
        let on_chain = OperatorWallet::new(wallet, &provider).getAcceptanceDigest(me).call().await?;
        if on_chain != hashes.digest {
            bail!(
                "the wallet's acceptance digest {on_chain} differs from opwallet's {}: refusing to sign",
                hashes.digest
            );
        }
        eprintln!(
            "accepting to become a signer of {wallet} (chain {}, epoch {})\ndigest {}",
            state.chain_id, state.epoch, hashes.digest
        );
        let typed = eip712::typed_data(&message, &domain);
        let proof = Bytes::from(signer.sign_typed(&typed, hashes.digest).await?.as_bytes().to_vec());
        emit(g.json, json!({ "signer": me, "wallet": wallet, "epoch": state.epoch, "proof": proof }), || {
            proof.to_string()
        })
    }
}
