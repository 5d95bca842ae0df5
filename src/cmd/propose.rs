use std::path::PathBuf;

use alloy::primitives::{Address, B256, Bytes, U256};
use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, bail, eyre};
use opwallet_bindings::eigenlayer::OperatorSet;
use opwallet_core::{
    actions,
    guard::{self, Redistribution},
    proposal::{Proposal, ProposedCall},
    wallet::WalletState,
};
use serde_json::json;

use super::emit;
use crate::opts::{Global, parse_address};

/// Options every proposal takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct Out {
    /// Where to write the proposal file.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    path: PathBuf,
    /// Seconds from now until the proposal expires (multisig collection takes time).
    #[arg(long, default_value_t = 7 * 24 * 3600)]
    valid_for: u64,
    /// A note for the signers, shown on their screens labelled as the proposer's words (never as what the calls
    /// do, which is read from the calldata).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Action {
    /// DelegationManager.registerAsOperator (permanent).
    RegisterOperator {
        #[arg(long)]
        metadata_uri: String,
        /// Delegation approver (default: none).
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        delegation_approver: String,
        /// Allocation delay in blocks.
        #[arg(long, default_value_t = 0)]
        allocation_delay: u32,
        #[command(flatten)]
        out: Out,
    },
    /// AllocationManager.registerForOperatorSets for this wallet (refused for redistributing sets unless allowed).
    RegisterOperatorSets {
        #[arg(long)]
        avs: String,
        /// Operator set ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        ids: Vec<u32>,
        /// Bytes passed verbatim to the AVS registrar (hex).
        #[arg(long, default_value = "0x")]
        data: String,
        /// A BLS AVS (eigenlayer-middleware registry coordinator): register this BLS key with it. The key signs the
        /// coordinator's registration message for the wallet, and the registration data is built from it.
        #[arg(long, value_name = "FILE", conflicts_with = "data")]
        bls_keystore: Option<PathBuf>,
        /// The BLS keystore's password: env:VAR, file:PATH, vault:MOUNT/PATH#FIELD or aws:SECRET_ID[#FIELD].
        #[arg(long, value_name = "SOURCE", default_value = "env:BLS_PASSWORD", requires = "bls_keystore")]
        bls_password: String,
        /// The socket the AVS reaches the operator's node at, registered with the BLS key.
        #[arg(long, default_value = "", requires = "bls_keystore")]
        socket: String,
        /// Register even if a set redistributes slashed stake to a third party.
        #[arg(long)]
        allow_redistributing: bool,
        #[command(flatten)]
        out: Out,
    },
    /// Add a signer (needs its proof from `opwallet accept-signer`).
    AddSigner {
        #[arg(long)]
        signer: String,
        #[arg(long)]
        proof: String,
        #[arg(long)]
        threshold: u64,
        #[command(flatten)]
        out: Out,
    },
    /// Remove a signer.
    RemoveSigner {
        #[arg(long)]
        signer: String,
        #[arg(long)]
        threshold: u64,
        #[command(flatten)]
        out: Out,
    },
    /// Replace one signer with another (needs the new signer's proof).
    ReplaceSigner {
        #[arg(long)]
        old: String,
        #[arg(long)]
        new: String,
        #[arg(long)]
        proof: String,
        #[command(flatten)]
        out: Out,
    },
    /// Atomically remove and add several signers and set the threshold (each newcomer needs a proof).
    Rotate {
        /// Signers to remove, comma-separated.
        #[arg(long, value_delimiter = ',')]
        remove: Vec<String>,
        /// Signers to add, comma-separated.
        #[arg(long, value_delimiter = ',')]
        add: Vec<String>,
        /// One proof per added signer, in the same order, comma-separated.
        #[arg(long, value_delimiter = ',')]
        proofs: Vec<String>,
        #[arg(long)]
        threshold: u64,
        #[command(flatten)]
        out: Out,
    },
    /// Change the threshold.
    SetThreshold {
        #[arg(long)]
        threshold: u64,
        #[command(flatten)]
        out: Out,
    },
    /// Kill every outstanding signature and approval without changing signers.
    BumpEpoch {
        #[command(flatten)]
        out: Out,
    },
    /// Consume the current nonce with an empty batch (cancels a stuck proposal).
    Cancel {
        #[command(flatten)]
        out: Out,
    },
    /// Any call from the wallet.
    Call {
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "0")]
        value: String,
        #[arg(long, default_value = "0x")]
        data: String,
        #[command(flatten)]
        out: Out,
    },
    /// DelegationManager.updateOperatorMetadataURI.
    UpdateMetadataUri {
        #[arg(long)]
        metadata_uri: String,
        #[command(flatten)]
        out: Out,
    },
    /// DelegationManager.modifyOperatorDetails: set the delegation approver (0x0…0 for none).
    SetDelegationApprover {
        #[arg(long)]
        approver: String,
        #[command(flatten)]
        out: Out,
    },
    /// AllocationManager.setAllocationDelay (blocks).
    SetAllocationDelay {
        #[arg(long)]
        delay: u32,
        #[command(flatten)]
        out: Out,
    },
    /// AllocationManager.deregisterFromOperatorSets.
    DeregisterOperatorSets {
        #[arg(long)]
        avs: String,
        #[arg(long, value_delimiter = ',', required = true)]
        ids: Vec<u32>,
        #[command(flatten)]
        out: Out,
    },
    /// AllocationManager.modifyAllocations for one operator set (refused for redistributing sets unless allowed).
    ModifyAllocations {
        #[arg(long)]
        avs: String,
        #[arg(long)]
        id: u32,
        /// Strategies, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        strategies: Vec<String>,
        /// New magnitudes (1e18 = all), comma-separated, one per strategy.
        #[arg(long, value_delimiter = ',', required = true)]
        magnitudes: Vec<u64>,
        #[arg(long)]
        allow_redistributing: bool,
        #[command(flatten)]
        out: Out,
    },
    /// PermissionController.addPendingAdmin on the wallet's account (add the wallet itself first).
    AddPendingAdmin {
        #[arg(long)]
        admin: String,
        #[command(flatten)]
        out: Out,
    },
    /// PermissionController.acceptAdmin: the wallet accepts being an admin of --account (default: itself).
    AcceptAdmin {
        #[arg(long)]
        account: Option<String>,
        #[command(flatten)]
        out: Out,
    },
    /// PermissionController.removeAdmin on the wallet's account (the last admin cannot be removed).
    RemoveAdmin {
        #[arg(long)]
        admin: String,
        #[command(flatten)]
        out: Out,
    },
    /// PermissionController.setAppointee: let --appointee call --selector on --target for the wallet.
    SetAppointee {
        #[arg(long)]
        appointee: String,
        #[arg(long)]
        target: String,
        /// Function selector (0x + 8 hex digits) or signature, e.g. "updateOperatorMetadataURI(address,string)".
        #[arg(long)]
        selector: String,
        #[command(flatten)]
        out: Out,
    },
    /// PermissionController.removeAppointee.
    RemoveAppointee {
        #[arg(long)]
        appointee: String,
        #[arg(long)]
        target: String,
        #[arg(long)]
        selector: String,
        #[command(flatten)]
        out: Out,
    },
    /// An ERC-1271 delegation approval by the wallet as --operator's delegation approver (the staker submits it).
    DelegationApproval {
        #[arg(long)]
        staker: String,
        #[arg(long)]
        operator: String,
        #[arg(long)]
        salt: String,
        #[arg(long)]
        expiry: u64,
        #[command(flatten)]
        out: Out,
    },
    /// An ERC-1271 signature by this wallet over any hash, e.g. another wallet's proposal digest when this wallet
    /// is one of its signers (nested multisig).
    SignHash {
        #[arg(long)]
        hash: String,
        #[command(flatten)]
        out: Out,
    },
    /// An ERC-1271 signature for an AVSDirectory operator registration (the AVS submits it).
    AvsRegistration {
        #[arg(long)]
        avs: String,
        /// 32-byte salt (single use).
        #[arg(long)]
        salt: String,
        /// Unix time after which EigenLayer refuses the signature.
        #[arg(long)]
        expiry: u64,
        #[command(flatten)]
        out: Out,
    },
}

/// `0x12345678`, or a signature such as `updateOperatorMetadataURI(address,string)`.
fn parse_selector(value: &str) -> Result<alloy::primitives::FixedBytes<4>> {
    if value.contains('(') {
        return Ok(alloy::primitives::keccak256(value.as_bytes())[..4].try_into()?);
    }
    value.parse().map_err(|_| eyre!("--selector `{value}` is neither 0x + 8 hex digits nor a function signature"))
}

fn hex_bytes(value: &str, flag: &str) -> Result<Bytes> {
    value.parse().map_err(|_| eyre!("{flag} `{value}` is not hex bytes (expected 0x…)"))
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

const ROTATION_WARNING: &str = "warning: executing this bumps the wallet's epoch: every pending proposal, on-chain \
approval and ERC-1271 signature made before (including EigenLayer registration signatures not yet used) becomes \
invalid and must be collected again";

impl Action {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let provider = g.provider().await?;
        let wallet = g.wallet()?;
        let state = WalletState::read(&provider, wallet).await?;
        let n = state.signers.len() as u64;
        let reachable = |t: u64, count: u64| -> Result<()> {
            if t == 0 || t > count {
                bail!("threshold {t} would be unreachable with {count} signers after this change: choose 1..={count}");
            }
            Ok(())
        };
        let is_signer = |a: Address| state.signers.contains(&a);
        // The address book, which must be for the chain the RPC is on (built in for public networks).
        let book = || -> Result<opwallet_core::AddressBook> {
            g.book_for(state.chain_id)?.ok_or_else(|| {
                eyre!(
                    "no EigenLayer addresses for chain {}: pass --addresses FILE (or --network for a public network)",
                    state.chain_id
                )
            })
        };

        let (calls, out): (Vec<ProposedCall>, Out) = match self {
            Action::RegisterOperator { metadata_uri, delegation_approver, allocation_delay, out } => {
                let book = book()?;
                let approver = parse_address(&delegation_approver, "--delegation-approver")?;
                (vec![actions::register_as_operator(&book, approver, allocation_delay, &metadata_uri)], out)
            }
            Action::RegisterOperatorSets {
                avs,
                ids,
                data,
                bls_keystore,
                bls_password,
                socket,
                allow_redistributing,
                out,
            } => {
                let book = book()?;
                let avs = parse_address(&avs, "--avs")?;
                // The BLS key and its registration first: a wrong password, file or AVS fails before anything else.
                let data = match &bls_keystore {
                    None => hex_bytes(&data, "--data")?,
                    Some(path) => {
                        let password = crate::opts::parse_secret_source(&bls_password, "--bls-password")?;
                        let key = opwallet_core::bls::read_keystore(path, &password).await?;
                        let registration =
                            actions::bls_registration(&provider, &book, avs, wallet, &key, &socket).await?;
                        eprintln!("BLS key {}", registration.describe());
                        registration.data
                    }
                };
                let sets: Vec<OperatorSet> = ids.iter().map(|id| OperatorSet { avs, id: *id }).collect();
                guard(&provider, &book, &sets, allow_redistributing).await?;
                (vec![actions::register_for_operator_sets(&book, wallet, avs, &ids, data)], out)
            }
            Action::AddSigner { signer, proof, threshold, out } => {
                let signer = parse_address(&signer, "--signer")?;
                if is_signer(signer) {
                    bail!("{signer} is already a signer");
                }
                reachable(threshold, n + 1)?;
                let proof = hex_bytes(&proof, "--proof")?;
                check_proof(&provider, wallet, signer, &proof).await?;
                eprintln!("{ROTATION_WARNING}");
                (vec![actions::add_signer(wallet, signer, threshold, proof)], out)
            }
            Action::RemoveSigner { signer, threshold, out } => {
                let signer = parse_address(&signer, "--signer")?;
                if !is_signer(signer) {
                    bail!("{signer} is not a signer of {wallet}");
                }
                reachable(threshold, n - 1)?;
                eprintln!("{ROTATION_WARNING}");
                (vec![actions::remove_signer(wallet, signer, threshold)], out)
            }
            Action::ReplaceSigner { old, new, proof, out } => {
                let (old, new) = (parse_address(&old, "--old")?, parse_address(&new, "--new")?);
                if !is_signer(old) {
                    bail!("--old {old} is not a signer of {wallet}");
                }
                if is_signer(new) {
                    bail!("--new {new} is already a signer");
                }
                let proof = hex_bytes(&proof, "--proof")?;
                check_proof(&provider, wallet, new, &proof).await?;
                eprintln!("{ROTATION_WARNING}");
                (vec![actions::replace_signer(wallet, old, new, proof)], out)
            }
            Action::Rotate { remove, add, proofs, threshold, out } => {
                let remove = remove.iter().map(|a| parse_address(a, "--remove")).collect::<Result<Vec<_>>>()?;
                let add = add.iter().map(|a| parse_address(a, "--add")).collect::<Result<Vec<_>>>()?;
                if add.len() != proofs.len() {
                    bail!(
                        "--add has {} signers but --proofs has {}: give one proof per added signer, in order",
                        add.len(),
                        proofs.len()
                    );
                }
                for (i, r) in remove.iter().enumerate() {
                    if !is_signer(*r) || remove[..i].contains(r) {
                        bail!("--remove {r} is not a signer of {wallet} (or is listed twice)");
                    }
                }
                for (i, a) in add.iter().enumerate() {
                    if (is_signer(*a) && !remove.contains(a)) || add[..i].contains(a) {
                        bail!("--add {a} is already a signer (or is listed twice)");
                    }
                }
                let count = n - remove.len() as u64 + add.len() as u64;
                reachable(threshold, count)?;
                let mut parsed = Vec::new();
                for (a, p) in add.iter().zip(&proofs) {
                    let proof = hex_bytes(p, "--proofs")?;
                    check_proof(&provider, wallet, *a, &proof).await?;
                    parsed.push(proof);
                }
                eprintln!("{ROTATION_WARNING}");
                (vec![actions::rotate_signers(wallet, remove, add, parsed, threshold)], out)
            }
            Action::SetThreshold { threshold, out } => {
                reachable(threshold, n)?;
                eprintln!("{ROTATION_WARNING}");
                (vec![actions::set_threshold(wallet, threshold)], out)
            }
            Action::BumpEpoch { out } => {
                eprintln!("{ROTATION_WARNING}");
                (vec![actions::bump_epoch(wallet)], out)
            }
            Action::Cancel { out } => (vec![], out),
            Action::Call { to, value, data, out } => {
                let to = parse_address(&to, "--to")?;
                let value: U256 = value.parse().map_err(|_| eyre!("--value `{value}` is not an amount in wei"))?;
                (vec![actions::raw(to, value, hex_bytes(&data, "--data")?)], out)
            }
            Action::UpdateMetadataUri { metadata_uri, out } => {
                (vec![actions::update_metadata_uri(&book()?, wallet, &metadata_uri)], out)
            }
            Action::SetDelegationApprover { approver, out } => {
                let approver = parse_address(&approver, "--approver")?;
                (vec![actions::set_delegation_approver(&book()?, wallet, approver)], out)
            }
            Action::SetAllocationDelay { delay, out } => {
                (vec![actions::set_allocation_delay(&book()?, wallet, delay)], out)
            }
            Action::DeregisterOperatorSets { avs, ids, out } => {
                let avs = parse_address(&avs, "--avs")?;
                (vec![actions::deregister_from_operator_sets(&book()?, wallet, avs, &ids)], out)
            }
            Action::ModifyAllocations { avs, id, strategies, magnitudes, allow_redistributing, out } => {
                let book = book()?;
                let avs = parse_address(&avs, "--avs")?;
                let strategies =
                    strategies.iter().map(|s| parse_address(s, "--strategies")).collect::<Result<Vec<_>>>()?;
                if strategies.len() != magnitudes.len() {
                    bail!(
                        "--strategies has {} entries but --magnitudes has {}: give one magnitude per strategy",
                        strategies.len(),
                        magnitudes.len()
                    );
                }
                let set = OperatorSet { avs, id };
                guard(&provider, &book, std::slice::from_ref(&set), allow_redistributing).await?;
                (vec![actions::modify_allocations(&book, wallet, set, strategies, magnitudes)], out)
            }
            Action::AddPendingAdmin { admin, out } => {
                let admin = parse_address(&admin, "--admin")?;
                if admin != wallet {
                    eprintln!(
                        "note: once an admin is accepted the wallet loses implicit admin of itself; add the wallet itself as admin first"
                    );
                }
                (vec![actions::permissions::add_pending_admin(&book()?, wallet, admin)], out)
            }
            Action::AcceptAdmin { account, out } => {
                let account = account.as_deref().map(|a| parse_address(a, "--account")).transpose()?.unwrap_or(wallet);
                (vec![actions::permissions::accept_admin(&book()?, account)], out)
            }
            Action::RemoveAdmin { admin, out } => {
                let admin = parse_address(&admin, "--admin")?;
                (vec![actions::permissions::remove_admin(&book()?, wallet, admin)], out)
            }
            Action::SetAppointee { appointee, target, selector, out } => {
                let (appointee, target) =
                    (parse_address(&appointee, "--appointee")?, parse_address(&target, "--target")?);
                let selector = parse_selector(&selector)?;
                (vec![actions::permissions::set_appointee(&book()?, wallet, appointee, target, selector)], out)
            }
            Action::RemoveAppointee { appointee, target, selector, out } => {
                let (appointee, target) =
                    (parse_address(&appointee, "--appointee")?, parse_address(&target, "--target")?);
                let selector = parse_selector(&selector)?;
                (vec![actions::permissions::remove_appointee(&book()?, wallet, appointee, target, selector)], out)
            }
            Action::DelegationApproval { staker, operator, salt, expiry, out } => {
                let book = book()?;
                let (staker, operator) = (parse_address(&staker, "--staker")?, parse_address(&operator, "--operator")?);
                let salt: B256 = salt.parse().map_err(|_| eyre!("--salt `{salt}` is not 32 bytes of hex"))?;
                if expiry <= now() {
                    bail!("--expiry {expiry} is in the past: EigenLayer would refuse the signature");
                }
                let (hash, preimage) = actions::delegation_approval(
                    &provider,
                    &book,
                    state.chain_id,
                    staker,
                    operator,
                    wallet,
                    salt,
                    U256::from(expiry),
                )
                .await?;
                let proposal = Proposal::message(state.chain_id, wallet, state.epoch, hash, preimage)?;
                return write(g, proposal, out);
            }
            Action::SignHash { hash, out } => {
                let hash: B256 = hash.parse().map_err(|_| eyre!("--hash `{hash}` is not 32 bytes of hex"))?;
                eprintln!(
                    "warning: opwallet cannot tell what {hash} is the digest of; signers will be told so and must pass \
                     --unverified-hash to sign it"
                );
                let proposal = Proposal::message(
                    state.chain_id,
                    wallet,
                    state.epoch,
                    hash,
                    opwallet_core::proposal::Preimage::Unverified,
                )?;
                return write(g, proposal, out);
            }
            Action::AvsRegistration { avs, salt, expiry, out } => {
                let book = book()?;
                let avs = parse_address(&avs, "--avs")?;
                let salt: B256 = salt.parse().map_err(|_| eyre!("--salt `{salt}` is not 32 bytes of hex"))?;
                if expiry <= now() {
                    bail!("--expiry {expiry} is in the past: EigenLayer would refuse the signature");
                }
                let (hash, preimage) =
                    actions::avs_registration(&provider, &book, state.chain_id, wallet, avs, salt, U256::from(expiry))
                        .await?;
                let proposal = Proposal::message(state.chain_id, wallet, state.epoch, hash, preimage)?;
                return write(g, proposal, out);
            }
        };
        let deadline = now().checked_add(out.valid_for).ok_or_else(|| {
            eyre!(
                "--valid-for {} reaches beyond the end of time as a unix timestamp: choose fewer seconds",
                out.valid_for
            )
        })?;
        let proposal = Proposal::execute(state.chain_id, wallet, state.epoch, state.nonce, deadline, calls);
        write(g, proposal, out)
    }
}

async fn check_proof<P: alloy::providers::Provider>(
    provider: &P,
    wallet: Address,
    signer: Address,
    proof: &Bytes,
) -> Result<()> {
    let digest = opwallet_bindings::OperatorWallet::new(wallet, provider).getAcceptanceDigest(signer).call().await?;
    if proof.len() == 65 && opwallet_core::recover(digest, proof).ok() == Some(signer) {
        return Ok(());
    }
    if !provider.get_code_at(signer).await?.is_empty() {
        return Ok(()); // a contract signer's ERC-1271 proof is checked by the wallet on execution
    }
    bail!(
        "--proof is not {signer}'s acceptance for {wallet} at its current epoch: have {signer} run `opwallet accept-signer`"
    )
}

/// The redistribution guard at propose time: refuses redistributing sets unless allowed, and says what it found.
async fn guard<P: alloy::providers::Provider>(
    provider: &P,
    book: &opwallet_core::AddressBook,
    sets: &[OperatorSet],
    allow: bool,
) -> Result<()> {
    match guard::redistribution(provider, book, sets).await? {
        Redistribution::UnsupportedRelease(r) => {
            eprintln!("redistribution check: EigenLayer {r} has no redistributable operator sets");
        }
        Redistribution::None | Redistribution::NotApplicable => {
            eprintln!("redistribution check: none of these sets redistributes slashed stake")
        }
        Redistribution::Redistributing(bad) => {
            let list: Vec<String> = bad.iter().map(ToString::to_string).collect();
            if !allow {
                bail!(
                    "operator set(s) {} redistribute slashed stake: a compromised key could use this to steal stake. \
                     Pass --allow-redistributing only if that is intended",
                    list.join(", ")
                );
            }
            eprintln!(
                "WARNING: redistributing operator set(s) {} (every signer will be shown this and must pass \
                 --allow-redistributing too)",
                list.join(", ")
            );
        }
    }
    Ok(())
}

fn write(g: &Global, proposal: Proposal, out: Out) -> Result<()> {
    let proposal = proposal.with_note(out.note)?;
    let path = &out.path;
    if std::fs::symlink_metadata(path).is_ok() {
        bail!("{} already exists: it may hold collected signatures; choose another -o", path.display());
    }
    proposal.save(path).wrap_err("writing the proposal")?;
    emit(g.json, json!({ "file": path, "digest": proposal.hashes.digest }), || {
        format!("{}\ndigest {}", path.display(), proposal.hashes.digest)
    })
}
