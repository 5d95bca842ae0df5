//! The calls opwallet proposes, each with a decoding for the signing screen, and the EigenLayer digests it signs.

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::{
    OperatorWallet,
    eigenlayer::{
        IAVSDirectory, IAllocationManager, IBLSApkRegistry, IBLSRegistryCoordinator, IDelegationManager, OperatorSet,
        RegisterParams,
    },
};

use crate::{
    AddressBook, Error,
    proposal::{DecodedCall, ProposedCall},
};

fn call(target: Address, contract: &str, function: &str, args: Vec<(&str, String)>, data: Vec<u8>) -> ProposedCall {
    ProposedCall {
        target,
        value: U256::ZERO,
        data: data.into(),
        decoded: Some(DecodedCall {
            contract: contract.to_owned(),
            function: function.to_owned(),
            args: args.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }),
    }
}

/// `DelegationManager.registerAsOperator`: the wallet registers itself (permanent).
pub fn register_as_operator(book: &AddressBook, approver: Address, allocation_delay: u32, uri: &str) -> ProposedCall {
    let data = IDelegationManager::registerAsOperatorCall {
        initDelegationApprover: approver,
        allocationDelay: allocation_delay,
        metadataURI: uri.to_owned(),
    }
    .abi_encode();
    call(
        book.delegation_manager,
        "DelegationManager",
        "registerAsOperator",
        vec![
            ("initDelegationApprover", approver.to_string()),
            ("allocationDelay", allocation_delay.to_string()),
            ("metadataURI", uri.to_owned()),
        ],
        data,
    )
}

/// `AllocationManager.registerForOperatorSets(wallet, (avs, ids, data))`.
pub fn register_for_operator_sets(
    book: &AddressBook,
    wallet: Address,
    avs: Address,
    ids: &[u32],
    data: Bytes,
) -> ProposedCall {
    let encoded = IAllocationManager::registerForOperatorSetsCall {
        operator: wallet,
        params: RegisterParams { avs, operatorSetIds: ids.to_vec(), data: data.clone() },
    }
    .abi_encode();
    call(
        book.allocation_manager,
        "AllocationManager",
        "registerForOperatorSets",
        vec![
            ("operator", wallet.to_string()),
            ("avs", avs.to_string()),
            ("operatorSetIds", format!("{ids:?}")),
            ("data", data.to_string()),
        ],
        encoded,
    )
}

/// A self-call to the wallet (rotation, threshold, epoch).
fn self_call(wallet: Address, function: &str, args: Vec<(&str, String)>, data: Vec<u8>) -> ProposedCall {
    call(wallet, "OperatorWallet", function, args, data)
}

pub fn add_signer(wallet: Address, signer: Address, threshold: u64, proof: Bytes) -> ProposedCall {
    let data = OperatorWallet::addSignerCall { signer, newThreshold: U256::from(threshold), proof: proof.clone() }
        .abi_encode();
    self_call(
        wallet,
        "addSigner",
        vec![("signer", signer.to_string()), ("newThreshold", threshold.to_string()), ("proof", proof.to_string())],
        data,
    )
}

pub fn remove_signer(wallet: Address, signer: Address, threshold: u64) -> ProposedCall {
    let data = OperatorWallet::removeSignerCall { signer, newThreshold: U256::from(threshold) }.abi_encode();
    self_call(
        wallet,
        "removeSigner",
        vec![("signer", signer.to_string()), ("newThreshold", threshold.to_string())],
        data,
    )
}

pub fn replace_signer(wallet: Address, old: Address, new: Address, proof: Bytes) -> ProposedCall {
    let data = OperatorWallet::replaceSignerCall { oldSigner: old, newSigner: new, proof: proof.clone() }.abi_encode();
    self_call(
        wallet,
        "replaceSigner",
        vec![("oldSigner", old.to_string()), ("newSigner", new.to_string()), ("proof", proof.to_string())],
        data,
    )
}

pub fn set_threshold(wallet: Address, threshold: u64) -> ProposedCall {
    let data = OperatorWallet::setThresholdCall { newThreshold: U256::from(threshold) }.abi_encode();
    self_call(wallet, "setThreshold", vec![("newThreshold", threshold.to_string())], data)
}

pub fn rotate_signers(
    wallet: Address,
    remove: Vec<Address>,
    add: Vec<Address>,
    proofs: Vec<Bytes>,
    threshold: u64,
) -> ProposedCall {
    let args = vec![
        ("remove", format!("{remove:?}")),
        ("add", format!("{add:?}")),
        ("proofs", format!("{} proof(s)", proofs.len())),
        ("newThreshold", threshold.to_string()),
    ];
    let data =
        OperatorWallet::rotateSignersCall { remove, add, proofs, newThreshold: U256::from(threshold) }.abi_encode();
    self_call(wallet, "rotateSigners", args, data)
}

pub fn bump_epoch(wallet: Address) -> ProposedCall {
    self_call(wallet, "bumpEpoch", vec![], OperatorWallet::bumpEpochCall {}.abi_encode())
}

/// Any call, undecoded.
pub fn raw(target: Address, value: U256, data: Bytes) -> ProposedCall {
    ProposedCall { target, value, data, decoded: None }
}

/// EigenLayer's own digest for an AVSDirectory registration of `operator` with `avs` (read from the chain, never
/// recomputed: FACTS.md).
pub async fn avs_registration_digest<P: Provider>(
    provider: &P,
    book: &AddressBook,
    operator: Address,
    avs: Address,
    salt: B256,
    expiry: U256,
) -> Result<B256, Error> {
    IAVSDirectory::new(book.avs_directory, provider)
        .calculateOperatorAVSRegistrationDigestHash(operator, avs, salt, expiry)
        .call()
        .await
        .map_err(Error::rpc)
}

/// A BLS key's registration with a BLS AVS, ready to be the operator-set registration `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlsRegistration {
    pub coordinator: Address,
    pub pubkey: String,
    pub operator_id: B256,
    pub data: Bytes,
}

impl BlsRegistration {
    pub fn describe(&self) -> String {
        format!("{} (operator id {})", self.pubkey, self.operator_id)
    }
}

/// Builds a BLS AVS registration for `operator`: finds the AVS's registry coordinator (its registrar), has `key`
/// sign the coordinator's own message for the operator (read from the chain, never recomputed), and refuses a key
/// the coordinator would ignore or reject (the operator already registered another key; the key belongs to
/// another operator).
pub async fn bls_registration<P: Provider>(
    provider: &P,
    book: &AddressBook,
    avs: Address,
    operator: Address,
    key: &crate::bls::BlsKey,
    socket: &str,
) -> Result<BlsRegistration, Error> {
    let coordinator = IAllocationManager::new(book.allocation_manager, provider)
        .getAVSRegistrar(avs)
        .call()
        .await
        .map_err(Error::rpc)?;
    let not_bls = || {
        Error::Chain(format!(
            "the registrar of {avs} ({coordinator}) is not an EigenLayer middleware registry coordinator (it has no \
             pubkeyRegistrationMessageHash), so it takes no BLS key: drop --bls-keystore and pass the AVS's own --data"
        ))
    };
    let rc = IBLSRegistryCoordinator::new(coordinator, provider);
    let message = rc.pubkeyRegistrationMessageHash(operator).call().await.map_err(|_| not_bls())?;
    let registry = rc.blsApkRegistry().call().await.map_err(|_| not_bls())?;
    let apk = IBLSApkRegistry::new(registry, provider);
    let operator_id = key.operator_id();
    let registered = apk.getOperatorId(operator).call().await.map_err(Error::rpc)?;
    if registered != B256::ZERO && registered != operator_id {
        return Err(Error::Chain(format!(
            "{operator} already registered another BLS key (operator id {registered}) with {avs}'s registry \
             {registry}: the registry keeps the first key, so use that key's keystore"
        )));
    }
    let owner = apk.getOperatorFromPubkeyHash(operator_id).call().await.map_err(Error::rpc)?;
    if owner != Address::ZERO && owner != operator {
        return Err(Error::Chain(format!(
            "this BLS key (operator id {operator_id}) is already registered to {owner} with {avs}'s registry: \
             each operator needs its own key (opwallet keys new --bls)"
        )));
    }
    let params = key.registration_params(&message)?;
    Ok(BlsRegistration {
        coordinator,
        pubkey: crate::bls::pubkey_string(&key.public_g1()),
        operator_id,
        data: crate::bls::registration_data(socket, params).into(),
    })
}

/// What the redistribution guard found for the operator sets a proposal touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redistribution {
    /// The release predates redistributable operator sets (< 1.5.0): none can redistribute.
    UnsupportedRelease,
    /// None of the sets redistributes.
    None,
    /// These sets redistribute slashed stake, each to the recipient given.
    Redistributing(Vec<(OperatorSet, Address)>),
}

/// Asks EigenLayer whether any of `sets` redistributes slashed stake. On releases without the view (it reverts),
/// reports that plainly instead of failing.
pub async fn redistribution<P: Provider>(
    provider: &P,
    book: &AddressBook,
    sets: &[OperatorSet],
) -> Result<Redistribution, Error> {
    let am = IAllocationManager::new(book.allocation_manager, provider);
    let mut redistributing = Vec::new();
    for set in sets {
        match am.isRedistributingOperatorSet(set.clone()).call().await {
            Ok(true) => {
                let recipient = am.getRedistributionRecipient(set.clone()).call().await.map_err(Error::rpc)?;
                redistributing.push((set.clone(), recipient));
            }
            Ok(false) => {}
            Err(alloy::contract::Error::TransportError(alloy::transports::RpcError::ErrorResp(_))) => {
                return Ok(Redistribution::UnsupportedRelease);
            }
            Err(e) => return Err(Error::rpc(e)),
        }
    }
    Ok(if redistributing.is_empty() { Redistribution::None } else { Redistribution::Redistributing(redistributing) })
}

/// `DelegationManager.updateOperatorMetadataURI(wallet, uri)` (the URI is only emitted, never stored).
pub fn update_metadata_uri(book: &AddressBook, wallet: Address, uri: &str) -> ProposedCall {
    let data = IDelegationManager::updateOperatorMetadataURICall { operator: wallet, metadataURI: uri.to_owned() }
        .abi_encode();
    call(
        book.delegation_manager,
        "DelegationManager",
        "updateOperatorMetadataURI",
        vec![("operator", wallet.to_string()), ("metadataURI", uri.to_owned())],
        data,
    )
}

/// `DelegationManager.modifyOperatorDetails(wallet, approver)`.
pub fn set_delegation_approver(book: &AddressBook, wallet: Address, approver: Address) -> ProposedCall {
    let data = IDelegationManager::modifyOperatorDetailsCall { operator: wallet, newDelegationApprover: approver }
        .abi_encode();
    call(
        book.delegation_manager,
        "DelegationManager",
        "modifyOperatorDetails",
        vec![("operator", wallet.to_string()), ("newDelegationApprover", approver.to_string())],
        data,
    )
}

/// `AllocationManager.setAllocationDelay(wallet, delay)`.
pub fn set_allocation_delay(book: &AddressBook, wallet: Address, delay: u32) -> ProposedCall {
    let data = IAllocationManager::setAllocationDelayCall { operator: wallet, delay }.abi_encode();
    call(
        book.allocation_manager,
        "AllocationManager",
        "setAllocationDelay",
        vec![("operator", wallet.to_string()), ("delay", delay.to_string())],
        data,
    )
}

/// `AllocationManager.deregisterFromOperatorSets((wallet, avs, ids))`.
pub fn deregister_from_operator_sets(book: &AddressBook, wallet: Address, avs: Address, ids: &[u32]) -> ProposedCall {
    let data = IAllocationManager::deregisterFromOperatorSetsCall {
        params: opwallet_bindings::eigenlayer::DeregisterParams { operator: wallet, avs, operatorSetIds: ids.to_vec() },
    }
    .abi_encode();
    call(
        book.allocation_manager,
        "AllocationManager",
        "deregisterFromOperatorSets",
        vec![("operator", wallet.to_string()), ("avs", avs.to_string()), ("operatorSetIds", format!("{ids:?}"))],
        data,
    )
}

/// `AllocationManager.modifyAllocations(wallet, [((avs, id), strategies, magnitudes)])`.
pub fn modify_allocations(
    book: &AddressBook,
    wallet: Address,
    set: OperatorSet,
    strategies: Vec<Address>,
    magnitudes: Vec<u64>,
) -> ProposedCall {
    let args = vec![
        ("operator", wallet.to_string()),
        ("operatorSet", format!("{}:{}", set.avs, set.id)),
        ("strategies", format!("{strategies:?}")),
        ("newMagnitudes", format!("{magnitudes:?}")),
    ];
    let params =
        vec![opwallet_bindings::eigenlayer::AllocateParams { operatorSet: set, strategies, newMagnitudes: magnitudes }];
    let data = IAllocationManager::modifyAllocationsCall { operator: wallet, params }.abi_encode();
    call(book.allocation_manager, "AllocationManager", "modifyAllocations", args, data)
}

/// PermissionController actions on the wallet's own account.
pub mod permissions {
    use alloy::primitives::{Address, FixedBytes};
    use alloy::sol_types::SolCall;
    use opwallet_bindings::eigenlayer::IPermissionController as PC;

    use super::call;
    use crate::{AddressBook, proposal::ProposedCall};

    pub fn add_pending_admin(book: &AddressBook, wallet: Address, admin: Address) -> ProposedCall {
        let data = PC::addPendingAdminCall { account: wallet, admin }.abi_encode();
        call(
            book.permission_controller,
            "PermissionController",
            "addPendingAdmin",
            vec![("account", wallet.to_string()), ("admin", admin.to_string())],
            data,
        )
    }

    /// The wallet accepts becoming an admin of `account` (for example of itself, which must come first: FACTS.md).
    pub fn accept_admin(book: &AddressBook, account: Address) -> ProposedCall {
        let data = PC::acceptAdminCall { account }.abi_encode();
        call(
            book.permission_controller,
            "PermissionController",
            "acceptAdmin",
            vec![("account", account.to_string())],
            data,
        )
    }

    pub fn remove_admin(book: &AddressBook, wallet: Address, admin: Address) -> ProposedCall {
        let data = PC::removeAdminCall { account: wallet, admin }.abi_encode();
        call(
            book.permission_controller,
            "PermissionController",
            "removeAdmin",
            vec![("account", wallet.to_string()), ("admin", admin.to_string())],
            data,
        )
    }

    pub fn set_appointee(
        book: &AddressBook,
        wallet: Address,
        appointee: Address,
        target: Address,
        selector: FixedBytes<4>,
    ) -> ProposedCall {
        appointee_call(book, wallet, appointee, target, selector, true)
    }

    pub fn remove_appointee(
        book: &AddressBook,
        wallet: Address,
        appointee: Address,
        target: Address,
        selector: FixedBytes<4>,
    ) -> ProposedCall {
        appointee_call(book, wallet, appointee, target, selector, false)
    }

    fn appointee_call(
        book: &AddressBook,
        wallet: Address,
        appointee: Address,
        target: Address,
        selector: FixedBytes<4>,
        set: bool,
    ) -> ProposedCall {
        let (function, data) = if set {
            ("setAppointee", PC::setAppointeeCall { account: wallet, appointee, target, selector }.abi_encode())
        } else {
            ("removeAppointee", PC::removeAppointeeCall { account: wallet, appointee, target, selector }.abi_encode())
        };
        let args = vec![
            ("account", wallet.to_string()),
            ("appointee", appointee.to_string()),
            ("target", target.to_string()),
            ("selector", selector.to_string()),
        ];
        call(book.permission_controller, "PermissionController", function, args, data)
    }
}

/// EigenLayer's own digest for a delegation approval by the wallet (as `operator`'s delegation approver).
pub async fn delegation_approval_digest<P: Provider>(
    provider: &P,
    book: &AddressBook,
    staker: Address,
    operator: Address,
    approver: Address,
    salt: B256,
    expiry: U256,
) -> Result<B256, Error> {
    IDelegationManager::new(book.delegation_manager, provider)
        .calculateDelegationApprovalDigestHash(staker, operator, approver, salt, expiry)
        .call()
        .await
        .map_err(Error::rpc)
}

/// The operator sets a batch registers for or allocates to (calls to the AllocationManager in `book`), so the
/// redistribution guard can run again when signing and executing, not only when proposing.
pub fn sets_touched(book: &AddressBook, calls: &[ProposedCall]) -> Vec<OperatorSet> {
    use alloy::sol_types::SolCall;
    let mut sets = Vec::new();
    for c in calls.iter().filter(|c| c.target == book.allocation_manager) {
        if let Ok(call) = IAllocationManager::registerForOperatorSetsCall::abi_decode(&c.data) {
            sets.extend(call.params.operatorSetIds.iter().map(|id| OperatorSet { avs: call.params.avs, id: *id }));
        } else if let Ok(call) = IAllocationManager::modifyAllocationsCall::abi_decode(&c.data) {
            sets.extend(call.params.into_iter().map(|p| p.operatorSet));
        }
    }
    sets
}
