use std::{io::IsTerminal, path::PathBuf};

use alloy::{
    primitives::{B256, Bytes},
    providers::Provider,
    sol_types::SolEvent,
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use opwallet_bindings::{OperatorWallet, eigenlayer};
use opwallet_core::{
    eip712,
    packing::{SignatureKind, SignerSignature, erc1271_wallet_message},
    proposal::{Body, Proposal},
    submit,
    wallet::{self, WalletState},
};
use serde_json::json;

use super::emit;
use crate::opts::{Global, KeyArgs};

const MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

alloy::sol! {
    /// Any ERC-1271 contract (a Safe, another OperatorWallet).
    #[sol(rpc)]
    interface IERC1271 {
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// What a hardware screen would show, so it can be compared with one.
fn screen(p: &Proposal) -> String {
    let mut s = format!(
        "── signing ──────────────────────────────────────────\n{}\nchain      {}\nwallet     {}\nepoch      {}\n",
        p.description, p.chain_id, p.wallet, p.epoch
    );
    match &p.body {
        Body::Execute { nonce, deadline, calls } => {
            s.push_str(&format!("nonce      {nonce}\ndeadline   {deadline}\ncalls      {}\n", calls.len()));
            for (i, c) in calls.iter().enumerate() {
                match &c.decoded {
                    Some(d) => {
                        s.push_str(&format!(
                            "  [{i}] {}.{} at {} value {}\n",
                            d.contract, d.function, c.target, c.value
                        ));
                        for (k, v) in &d.args {
                            s.push_str(&format!("        {k} = {v}\n"));
                        }
                    }
                    None => s.push_str(&format!("  [{i}] call {} value {} data {}\n", c.target, c.value, c.data)),
                }
            }
        }
        Body::Message { hash, context } => {
            s.push_str(&format!("message    OperatorWalletMessage(hash = {hash})\ncontext    {context}\n"));
        }
    }
    s.push_str(&format!(
        "domain hash  {}\nmessage hash {}\ndigest       {}\n─────────────────────────────────────────────────────",
        p.hashes.domain_hash, p.hashes.struct_hash, p.hashes.digest
    ));
    s
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The proposal file (rewritten atomically with the signature added).
    file: PathBuf,
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
    /// Sign even if the wallet's code or digest view does not match what opwallet knows. Dangerous.
    #[arg(long)]
    i_understand_the_wallet_code_is_unknown: bool,
}

impl SignArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        if let Some(contract) = &self.contract_signer {
            return self.add_contract_signature(g, contract).await;
        }
        if !self.yes && !std::io::stdin().is_terminal() {
            bail!("refusing to sign without confirmation: run in a terminal, or pass --yes");
        }
        let mut proposal = Proposal::load(&self.file)?;
        let signer = self.key.signer().await?;
        let me = signer.address();

        if self.offline {
            eprintln!("offline: the wallet's code, digest view and signer set were NOT checked against the chain");
        } else {
            let provider = g.provider().await.wrap_err("on-chain checks need an RPC (or pass --offline)")?;
            let state = WalletState::read(&provider, proposal.wallet).await?;
            if state.chain_id != proposal.chain_id {
                bail!("the proposal is for chain {} but the RPC is chain {}", proposal.chain_id, state.chain_id);
            }
            if state.epoch != proposal.epoch {
                bail!(
                    "the wallet's signers changed since this proposal was made (epoch {} → {}): it can never be executed; make a new one",
                    proposal.epoch,
                    state.epoch
                );
            }
            if !state.signers.contains(&me) {
                bail!("{me} is not a signer of {}: nothing was signed", proposal.wallet);
            }
            let code = wallet::check_code(&provider, proposal.wallet).await;
            let on_chain = submit::wallet_digest(&provider, &proposal).await?;
            let mismatch = match (&code, on_chain == proposal.hashes.digest) {
                (Ok(c), true) if c.known => None,
                (Ok(c), true) => {
                    Some(format!("its implementation {} runs code opwallet does not know", c.implementation))
                }
                (Ok(_), false) => {
                    Some(format!("its digest view returns {on_chain}, not the file's {}", proposal.hashes.digest))
                }
                (Err(e), _) => Some(e.to_string()),
            };
            redistribution_guard(g, &provider, &proposal, self.allow_redistributing).await?;
            if let Some(why) = mismatch {
                if !self.i_understand_the_wallet_code_is_unknown {
                    bail!("refusing to sign for {}: {why}", proposal.wallet);
                }
                eprintln!("!!!!!!!! WARNING: signing although {why} !!!!!!!!");
            }
        }

        eprintln!("{}\nsigner       {me}", screen(&proposal));
        if !self.yes {
            eprint!("sign? [y/N] ");
            let mut answer = String::new();
            std::io::stdin().read_line(&mut answer)?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                bail!("not signed");
            }
        }
        let signature = signer.sign_typed(&proposal.typed_data, proposal.hashes.digest).await?;
        let entry = SignerSignature {
            signer: me,
            kind: SignatureKind::Ecdsa { signature: Bytes::from(signature.as_bytes().to_vec()) },
        };
        let added = proposal.add_signature(entry)?;
        if added {
            proposal.save(&self.file)?;
        } else {
            eprintln!("{me} had already signed: the file is unchanged");
        }
        emit(g.json, json!({ "signer": me, "added": added, "signatures": proposal.signatures.len() }), || {
            format!("{me} signed ({} signature(s))", proposal.signatures.len())
        })
    }
}

impl SignArgs {
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
        let mut proposal = Proposal::load(&self.file)?;
        let provider = g.provider().await?;
        let state = WalletState::read(&provider, proposal.wallet).await?;
        if !state.signers.contains(&contract) {
            bail!("{contract} is not a signer of {}: nothing was added", proposal.wallet);
        }
        if provider.get_code_at(contract).await?.is_empty() {
            bail!("{contract} has no code: an EOA signer signs with its key, not --contract-signer");
        }
        let checker = IERC1271::new(contract, &provider);
        let returned = checker
            .isValidSignature(proposal.hashes.digest, signature.clone())
            .call()
            .await
            .map_err(|e| eyre!("{contract}.isValidSignature reverted: {e}"))?;
        if returned.0 != MAGIC {
            bail!(
                "{contract} does not accept this signature for digest {} (isValidSignature returned {returned}): nothing was added",
                proposal.hashes.digest
            );
        }
        let added = proposal
            .add_signature(SignerSignature { signer: contract, kind: SignatureKind::Contract { signature } })?;
        if added {
            proposal.save(&self.file)?;
        } else {
            eprintln!("{contract} had already signed: the file is unchanged");
        }
        emit(g.json, json!({ "signer": contract, "added": added, "signatures": proposal.signatures.len() }), || {
            format!("{contract} signed (contract, {} signature(s))", proposal.signatures.len())
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    file: PathBuf,
}

impl StatusArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let proposal = Proposal::load(&self.file)?;
        let provider = g.provider().await?;
        let state = WalletState::read(&provider, proposal.wallet).await?;
        let problems = submit::problems(&proposal, &state, now());
        let signed: Vec<_> = proposal.signers();
        let missing: Vec<_> = state.signers.iter().filter(|a| !signed.contains(a)).collect();
        emit(
            g.json,
            json!({ "digest": proposal.hashes.digest, "threshold": state.threshold, "signed": signed, "notSigned": missing, "ready": problems.is_empty(), "problems": problems }),
            || {
                let mut s = format!(
                    "{}\ndigest     {}\nthreshold  {} of {}\n",
                    proposal.description,
                    proposal.hashes.digest,
                    state.threshold,
                    state.signers.len()
                );
                for a in &state.signers {
                    s.push_str(&format!("  {} {a}\n", if signed.contains(a) { "signed " } else { "pending" }));
                }
                if problems.is_empty() {
                    s.push_str("ready");
                } else {
                    s.push_str(&format!("not ready:\n  - {}", problems.join("\n  - ")));
                }
                s
            },
        )
    }
}

#[derive(Debug, Args)]
pub(crate) struct ExecuteArgs {
    file: PathBuf,
    /// Who submits (pays gas; gets no rights).
    #[command(flatten)]
    sender: KeyArgs,
    /// Execute although the batch touches an operator set that redistributes slashed stake.
    #[arg(long)]
    allow_redistributing: bool,
}

impl ExecuteArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let proposal = Proposal::load(&self.file)?;
        let (from, sender) = self.sender.sender().await?;
        let provider = g.provider_with(sender).await?;
        let state = WalletState::read(&provider, proposal.wallet).await?;
        let problems = submit::problems(&proposal, &state, now());
        if !problems.is_empty() {
            bail!("not executed, nothing was sent:\n  - {}", problems.join("\n  - "));
        }
        redistribution_guard(g, &provider, &proposal, self.allow_redistributing).await?;
        let packed = submit::packed(&proposal, &state)?;
        let receipt = submit::execute(&provider, &proposal, packed, from).await?;
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

/// Re-asks EigenLayer about every operator set the batch touches (the proposer's check may be stale or absent).
async fn redistribution_guard<P: Provider>(g: &Global, provider: &P, proposal: &Proposal, allow: bool) -> Result<()> {
    let Body::Execute { calls, .. } = &proposal.body else { return Ok(()) };
    let Ok(book) = g.book() else { return Ok(()) };
    let sets = opwallet_core::actions::sets_touched(&book, calls);
    if sets.is_empty() {
        return Ok(());
    }
    if let opwallet_core::actions::Redistribution::Redistributing(bad) =
        opwallet_core::actions::redistribution(provider, &book, &sets).await?
    {
        let list: Vec<String> =
            bad.iter().map(|(s, r)| format!("{}:{} (slashed stake goes to {r})", s.avs, s.id)).collect();
        if !allow {
            bail!(
                "this batch touches operator set(s) {} that redistribute slashed stake: nothing was signed or sent. \
                 Pass --allow-redistributing only if that is intended",
                list.join(", ")
            );
        }
        eprintln!("WARNING: this batch touches redistributing operator set(s) {}", list.join(", "));
    }
    Ok(())
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
        return Some(format!("OperatorMetadataURIUpdated({}, {})", e.operator, e.metadataURI));
    }
    if let Ok(e) = eigenlayer::IDelegationManager::OperatorRegistered::decode_log(&log) {
        return Some(format!("OperatorRegistered({})", e.operator));
    }
    None
}

#[derive(Debug, Args)]
pub(crate) struct SignatureArgs {
    /// A signed message proposal (`opwallet propose avs-registration`).
    file: PathBuf,
}

impl SignatureArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let proposal = Proposal::load(&self.file)?;
        let Body::Message { hash, .. } = &proposal.body else {
            bail!("{} is an execution proposal: use `opwallet execute`", self.file.display());
        };
        let provider = g.provider().await?;
        let state = WalletState::read(&provider, proposal.wallet).await?;
        let problems = submit::problems(&proposal, &state, now());
        if !problems.is_empty() {
            bail!("no signature produced:\n  - {}", problems.join("\n  - "));
        }
        let signature = erc1271_wallet_message(&submit::packed(&proposal, &state)?);
        let answer =
            OperatorWallet::new(proposal.wallet, &provider).isValidSignature(*hash, signature.clone()).call().await?;
        if answer.0 != MAGIC {
            bail!("the wallet does not accept the assembled signature (isValidSignature returned {answer})");
        }
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
        let valid = answer.0 == MAGIC;
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
