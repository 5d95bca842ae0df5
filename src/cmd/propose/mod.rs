//! `opwallet propose <action>`: one `…Args` per action, each in its own file, which only turns its arguments into
//! the core action (`opwallet_core::actions`); checking the chain, building the calls and making the proposal is
//! core's. The list below is the one place an action is added to the CLI.

use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, bail};
use opwallet_core::{
    actions::{self, Action as CoreAction},
    store::{self, Folder, Location, Queue},
};
use serde_json::json;

use crate::{
    cmd::emit,
    opts::{Global, parse_folder, parse_location},
};

/// Options every proposal takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct Out {
    /// Where to write the proposal: a file, or an S3 object (s3://BUCKET/KEY). Never over an existing one.
    #[arg(short = 'o', long = "out", value_name = "FILE|s3://…", value_parser = parse_location, required_unless_present = "store", conflicts_with = "store")]
    path: Option<Location>,
    /// Put the proposal in the wallet's queue in this folder (a directory, or s3://BUCKET[/PREFIX] shared by
    /// signers on different machines), at the next free nonce.
    #[arg(long, value_name = "DIR|s3://…", value_parser = parse_folder)]
    store: Option<Folder>,
    /// The nonce to propose for (default: the wallet's next, past every proposal queued in --store).
    #[arg(long)]
    nonce: Option<u64>,
    /// Propose for a nonce a queued proposal already has: an alternative to it, e.g. `propose cancel --nonce N
    /// --replace` (whichever is executed first wins; the other can then never run).
    #[arg(long)]
    replace: bool,
    /// Seconds from now until the proposal expires (multisig collection takes time).
    #[arg(long, default_value_t = 7 * 24 * 3600)]
    valid_for: u64,
    /// A note for the signers, shown on their screens labelled as the proposer's words (never as what the calls
    /// do, which is read from the calldata).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Write the proposal although the node's simulation says it would revert now (e.g. it needs an earlier
    /// proposal executed first).
    #[arg(long)]
    force: bool,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// Declares the subcommands: each variant wraps the `Args` of its module, whose `action()` gives the core action.
macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident($module:ident::$args:ident),)*) => {
        $(mod $module;)*

        #[derive(Debug, Subcommand)]
        pub(crate) enum Action {
            $($(#[$doc])* $variant(Box<$module::$args>),)*
        }

        impl Action {
            pub(crate) async fn run(self, g: &Global) -> Result<()> {
                match self {
                    $(Action::$variant(a) => {
                        let (action, out) = a.action(now(), g.wallet()?).await?;
                        propose(g, action, out).await
                    })*
                }
            }
        }
    };
}

actions! {
    /// DelegationManager.registerAsOperator: register the wallet as an EigenLayer operator (permanent).
    RegisterOperator(register_operator::RegisterOperatorArgs),
    /// DelegationManager.updateOperatorMetadataURI.
    UpdateMetadataUri(update_metadata_uri::UpdateMetadataUriArgs),
    /// DelegationManager.modifyOperatorDetails: set the delegation approver (0x0…0 for none).
    SetDelegationApprover(set_delegation_approver::SetDelegationApproverArgs),
    /// DelegationManager.undelegate: force a staker delegated to the wallet out (its shares are queued for
    /// withdrawal back to it).
    Undelegate(undelegate::UndelegateArgs),
    /// RewardsCoordinator.processClaims: claim the wallet's rewards from a proof to a recipient (checked first).
    ClaimRewards(claim_rewards::ClaimRewardsArgs),
    /// RewardsCoordinator.setClaimerFor: who may claim the wallet's rewards (and choose where they go).
    SetClaimer(set_claimer::SetClaimerArgs),
    /// RewardsCoordinator: the operator's split (commission) of an AVS's, an operator set's or PI rewards.
    SetSplit(set_split::SetSplitArgs),
    /// KeyRegistrar.registerKey: an AVS signing key (ECDSA or BN254) for one of the wallet's operator sets.
    RegisterKey(register_key::RegisterKeyArgs),
    /// KeyRegistrar.deregisterKey (once no longer slashable for the set; the key stays spent forever).
    DeregisterKey(deregister_key::DeregisterKeyArgs),
    /// Send an ERC-20 (amount in the token's units) or ETH from the wallet.
    Transfer(transfer::TransferArgs),
    /// AllocationManager.registerForOperatorSets for this wallet (refused for redistributing sets unless allowed).
    RegisterOperatorSets(register_operator_sets::RegisterOperatorSetsArgs),
    /// AllocationManager.deregisterFromOperatorSets.
    DeregisterOperatorSets(deregister_operator_sets::DeregisterOperatorSetsArgs),
    /// AllocationManager.setAllocationDelay (blocks).
    SetAllocationDelay(set_allocation_delay::SetAllocationDelayArgs),
    /// AllocationManager.modifyAllocations: magnitudes (%, bips or raw) for one or more sets, before → after shown; over-allocation and redistributing sets refused.
    ModifyAllocations(modify_allocations::ModifyAllocationsArgs),
    /// PermissionController.addPendingAdmin on the wallet's account (add the wallet itself first).
    AddPendingAdmin(add_pending_admin::AddPendingAdminArgs),
    /// PermissionController.acceptAdmin: the wallet accepts being an admin of --account (default: itself).
    AcceptAdmin(accept_admin::AcceptAdminArgs),
    /// PermissionController.removeAdmin on the wallet's account (the last admin cannot be removed).
    RemoveAdmin(remove_admin::RemoveAdminArgs),
    /// PermissionController.setAppointee: let --appointee call --selector on --target for the wallet.
    SetAppointee(set_appointee::SetAppointeeArgs),
    /// PermissionController.removeAppointee.
    RemoveAppointee(remove_appointee::RemoveAppointeeArgs),
    /// Add a signer (needs its proof from `opwallet accept-signer`).
    AddSigner(add_signer::AddSignerArgs),
    /// Remove a signer.
    RemoveSigner(remove_signer::RemoveSignerArgs),
    /// Replace one signer with another (needs the new signer's proof).
    ReplaceSigner(replace_signer::ReplaceSignerArgs),
    /// Atomically remove and add several signers and set the threshold (each newcomer needs a proof).
    Rotate(rotate::RotateArgs),
    /// Change the threshold.
    SetThreshold(set_threshold::SetThresholdArgs),
    /// Kill every outstanding signature and approval without changing signers.
    BumpEpoch(bump_epoch::BumpEpochArgs),
    /// Consume the current nonce with an empty batch (cancels a stuck proposal).
    Cancel(cancel::CancelArgs),
    /// Any call from the wallet (decoded on the signing screen where opwallet knows the target's ABI).
    Call(call::CallArgs),
    /// An ERC-1271 signature for an AVSDirectory operator registration (the AVS submits it).
    AvsRegistration(avs_registration::AvsRegistrationArgs),
    /// An ERC-1271 delegation approval by the wallet as --operator's delegation approver (the staker submits it).
    DelegationApproval(delegation_approval::DelegationApprovalArgs),
    /// An ERC-1271 signature by this wallet over a raw hash opwallet cannot interpret (signers must pass
    /// --unverified-hash), e.g. another wallet's proposal digest when this wallet is one of its signers.
    SignHash(sign_hash::SignHashArgs),
}

/// Plans `action` in core, says what core noticed, and writes the proposal file (never over an existing one).
// Long: the one path every `propose` command takes, from book and queue to the written file: linear.
async fn propose<A: CoreAction>(g: &Global, action: A, out: Out) -> Result<()> {
    if let Some(Location::File(path)) = &out.path
        && std::fs::symlink_metadata(path).is_ok()
    {
        bail!("{} already exists: it may hold collected signatures; choose another -o", path.display());
    }
    let provider = g.provider().await?;
    let wallet = g.wallet()?;
    // A book named on the command line needs no question to the node (core checks its chain against the wallet's).
    let (book, chain_id) = match g.named_book()? {
        Some(book) => {
            let chain_id = book.chain_id;
            (Some(book), chain_id)
        }
        None => {
            let chain_id = alloy::providers::Provider::get_chain_id(&provider).await?;
            (g.book_for(chain_id)?, chain_id)
        }
    };
    let queue = out.store.clone().map(|folder| Queue::new(folder, chain_id, wallet));
    let queued: Vec<_> = match &queue {
        Some(q) => q.list(g.timeout()).await?.0.into_iter().map(|q| q.proposal).collect(),
        None => Vec::new(),
    };
    let slot = actions::QueueSlot { proposals: &queued, nonce: out.nonce, replace: out.replace };
    let actions::Proposed { proposal, notices, simulation } =
        actions::propose(&provider, book.as_ref(), wallet, action, out.valid_for, now(), slot).await?;
    for n in &notices {
        eprintln!("{}", opwallet_core::text::escape(n));
    }
    if let Some(sim) = &simulation {
        eprint!("{}", super::screen::simulation_lines(sim));
        let why = match sim {
            Ok(s) if !s.success => Some(s.verdict()),
            Err(e) => Some(format!("the batch could not be simulated: {}", opwallet_core::text::escape(e))),
            Ok(_) => None,
        };
        if let Some(why) = why {
            if !out.force {
                bail!(
                    "no proposal written: simulation {why}; fix it, or pass --force to write it anyway (signers \
                     will be stopped too unless they pass --force)"
                );
            }
            eprintln!("WARNING: written although the simulation says: {why}");
        }
    }
    let proposal = proposal.with_note(out.note)?;
    let location = match (&out.path, &queue) {
        (Some(path), _) => path.clone(),
        (None, Some(q)) => q.location_of(&proposal),
        (None, None) => bail!("pass -o FILE or --store DIR|s3://…"),
    };
    store::create(&location, &proposal, g.timeout()).await.wrap_err("writing the proposal")?;
    let nonce = match &proposal.body {
        opwallet_core::proposal::Body::Execute { nonce, .. } => Some(*nonce),
        opwallet_core::proposal::Body::Message { .. } => None,
    };
    emit(
        g.json,
        json!({
            "file": location.to_string(), "digest": proposal.hashes.digest, "nonce": nonce, "notices": notices,
            "simulation": super::screen::simulation_json(simulation.as_ref()),
        }),
        || format!("{location}\ndigest {}", proposal.hashes.digest),
    )
}
