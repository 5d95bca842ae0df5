//! The calls opwallet proposes, and the EigenLayer messages it signs with their preimages. What a signer is shown
//! is decoded back from these calls' bytes ([`crate::decode`]), never from anything written beside them.

use alloy::{
    primitives::{Address, B256, Bytes, FixedBytes, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::{
    OperatorWallet,
    eigenlayer::{
        AllocateParams, DeregisterParams, IAVSDirectory, IAllocationManager, IBLSApkRegistry, IBLSRegistryCoordinator,
        IDelegationManager, IPermissionController as PC, OperatorSet, RegisterParams,
    },
};

use crate::{
    AddressBook, Error,
    proposal::{EigenDomain, Preimage, ProposedCall},
};

fn call(target: Address, data: Vec<u8>) -> ProposedCall {
    ProposedCall::new(target, data)
}

/// `DelegationManager.registerAsOperator`: the wallet registers itself (permanent).
pub fn register_as_operator(book: &AddressBook, approver: Address, allocation_delay: u32, uri: &str) -> ProposedCall {
    let data = IDelegationManager::registerAsOperatorCall {
        initDelegationApprover: approver,
        allocationDelay: allocation_delay,
        metadataURI: uri.to_owned(),
    };
    call(book.delegation_manager, data.abi_encode())
}

/// `AllocationManager.registerForOperatorSets(wallet, (avs, ids, data))`.
pub fn register_for_operator_sets(
    book: &AddressBook,
    wallet: Address,
    avs: Address,
    ids: &[u32],
    data: Bytes,
) -> ProposedCall {
    let params = RegisterParams { avs, operatorSetIds: ids.to_vec(), data };
    call(
        book.allocation_manager,
        IAllocationManager::registerForOperatorSetsCall { operator: wallet, params }.abi_encode(),
    )
}

pub fn add_signer(wallet: Address, signer: Address, threshold: u64, proof: Bytes) -> ProposedCall {
    call(wallet, OperatorWallet::addSignerCall { signer, newThreshold: U256::from(threshold), proof }.abi_encode())
}

pub fn remove_signer(wallet: Address, signer: Address, threshold: u64) -> ProposedCall {
    call(wallet, OperatorWallet::removeSignerCall { signer, newThreshold: U256::from(threshold) }.abi_encode())
}

pub fn replace_signer(wallet: Address, old: Address, new: Address, proof: Bytes) -> ProposedCall {
    call(wallet, OperatorWallet::replaceSignerCall { oldSigner: old, newSigner: new, proof }.abi_encode())
}

pub fn set_threshold(wallet: Address, threshold: u64) -> ProposedCall {
    call(wallet, OperatorWallet::setThresholdCall { newThreshold: U256::from(threshold) }.abi_encode())
}

pub fn rotate_signers(
    wallet: Address,
    remove: Vec<Address>,
    add: Vec<Address>,
    proofs: Vec<Bytes>,
    threshold: u64,
) -> ProposedCall {
    let data = OperatorWallet::rotateSignersCall { remove, add, proofs, newThreshold: U256::from(threshold) };
    call(wallet, data.abi_encode())
}

pub fn bump_epoch(wallet: Address) -> ProposedCall {
    call(wallet, OperatorWallet::bumpEpochCall {}.abi_encode())
}

/// Any call (its calldata is decoded on the signing screen if opwallet knows the target's ABI; shown raw otherwise).
pub fn raw(target: Address, value: U256, data: Bytes) -> ProposedCall {
    ProposedCall { target, value, data }
}

/// `DelegationManager.updateOperatorMetadataURI(wallet, uri)` (the URI is only emitted, never stored).
pub fn update_metadata_uri(book: &AddressBook, wallet: Address, uri: &str) -> ProposedCall {
    let data = IDelegationManager::updateOperatorMetadataURICall { operator: wallet, metadataURI: uri.to_owned() };
    call(book.delegation_manager, data.abi_encode())
}

/// `DelegationManager.modifyOperatorDetails(wallet, approver)`.
pub fn set_delegation_approver(book: &AddressBook, wallet: Address, approver: Address) -> ProposedCall {
    let data = IDelegationManager::modifyOperatorDetailsCall { operator: wallet, newDelegationApprover: approver };
    call(book.delegation_manager, data.abi_encode())
}

/// `AllocationManager.setAllocationDelay(wallet, delay)`.
pub fn set_allocation_delay(book: &AddressBook, wallet: Address, delay: u32) -> ProposedCall {
    call(book.allocation_manager, IAllocationManager::setAllocationDelayCall { operator: wallet, delay }.abi_encode())
}

/// `AllocationManager.deregisterFromOperatorSets((wallet, avs, ids))`.
pub fn deregister_from_operator_sets(book: &AddressBook, wallet: Address, avs: Address, ids: &[u32]) -> ProposedCall {
    let params = DeregisterParams { operator: wallet, avs, operatorSetIds: ids.to_vec() };
    call(book.allocation_manager, IAllocationManager::deregisterFromOperatorSetsCall { params }.abi_encode())
}

/// `AllocationManager.modifyAllocations(wallet, [((avs, id), strategies, magnitudes)])`.
pub fn modify_allocations(
    book: &AddressBook,
    wallet: Address,
    set: OperatorSet,
    strategies: Vec<Address>,
    magnitudes: Vec<u64>,
) -> ProposedCall {
    let params = vec![AllocateParams { operatorSet: set, strategies, newMagnitudes: magnitudes }];
    call(book.allocation_manager, IAllocationManager::modifyAllocationsCall { operator: wallet, params }.abi_encode())
}

/// PermissionController actions on the wallet's own account.
pub mod permissions {
    use super::*;

    pub fn add_pending_admin(book: &AddressBook, wallet: Address, admin: Address) -> ProposedCall {
        call(book.permission_controller, PC::addPendingAdminCall { account: wallet, admin }.abi_encode())
    }

    /// The wallet accepts becoming an admin of `account` (for example of itself, which must come first: FACTS.md).
    pub fn accept_admin(book: &AddressBook, account: Address) -> ProposedCall {
        call(book.permission_controller, PC::acceptAdminCall { account }.abi_encode())
    }

    pub fn remove_admin(book: &AddressBook, wallet: Address, admin: Address) -> ProposedCall {
        call(book.permission_controller, PC::removeAdminCall { account: wallet, admin }.abi_encode())
    }

    pub fn set_appointee(
        book: &AddressBook,
        wallet: Address,
        appointee: Address,
        target: Address,
        selector: FixedBytes<4>,
    ) -> ProposedCall {
        let data = PC::setAppointeeCall { account: wallet, appointee, target, selector };
        call(book.permission_controller, data.abi_encode())
    }

    pub fn remove_appointee(
        book: &AddressBook,
        wallet: Address,
        appointee: Address,
        target: Address,
        selector: FixedBytes<4>,
    ) -> ProposedCall {
        let data = PC::removeAppointeeCall { account: wallet, appointee, target, selector };
        call(book.permission_controller, data.abi_encode())
    }
}

/// An EigenLayer contract's EIP-712 domain, read from the chain and reproduced: the contract's `version()` names
/// the release, and the domain's version is its major part (`"1"` on current releases, the first two characters
/// such as `"v1"` or `"1."` on 1.3–1.4). The candidate that hashes to the contract's own `domainSeparator()` is the
/// domain; if none does, opwallet cannot show what the digest means and refuses.
pub async fn eigen_domain<P: Provider>(
    provider: &P,
    contract: Address,
    name: &str,
    chain_id: u64,
) -> Result<EigenDomain, Error> {
    alloy::sol! {
        #[sol(rpc)]
        interface ISignatureUtils {
            function domainSeparator() external view returns (bytes32);
            function version() external view returns (string memory);
        }
    }
    let c = ISignatureUtils::new(contract, provider);
    let (separator, version) = tokio::try_join!(
        async { c.domainSeparator().call().await.map_err(|e| Error::rpc(format!("{name}.domainSeparator(): {e}"))) },
        async { c.version().call().await.map_err(|e| Error::rpc(format!("{name}.version(): {e}"))) },
    )?;
    let candidates: Vec<String> =
        [1, 2].iter().filter_map(|n| version.get(..*n)).map(str::to_owned).collect::<Vec<_>>();
    candidates
        .into_iter()
        .map(|v| EigenDomain { name: "EigenLayer".into(), version: v, chain_id, verifying_contract: contract })
        .find(|d| d.separator() == separator)
        .ok_or_else(|| {
            Error::Chain(format!(
                "{name} at {contract} (version {}) has a domain separator {separator} that opwallet cannot reproduce \
                 from EigenLayer's EIP-712 domain: refusing to sign a digest whose meaning cannot be shown",
                crate::text::escape(&version)
            ))
        })
}

/// The AVSDirectory registration message (`operator` registers with `avs`), its digest recomputed locally from the
/// preimage and checked against EigenLayer's own `calculateOperatorAVSRegistrationDigestHash`.
pub async fn avs_registration<P: Provider>(
    provider: &P,
    book: &AddressBook,
    chain_id: u64,
    operator: Address,
    avs: Address,
    salt: B256,
    expiry: U256,
) -> Result<(B256, Preimage), Error> {
    let domain = eigen_domain(provider, book.avs_directory, "AVSDirectory", chain_id).await?;
    let preimage = Preimage::AvsRegistration { domain, operator, avs, salt, expiry };
    let on_chain = IAVSDirectory::new(book.avs_directory, provider)
        .calculateOperatorAVSRegistrationDigestHash(operator, avs, salt, expiry)
        .call()
        .await
        .map_err(Error::rpc)?;
    Ok((confirm(on_chain, &preimage, "AVSDirectory.calculateOperatorAVSRegistrationDigestHash")?, preimage))
}

/// The delegation approval message (the wallet, as `operator`'s delegation approver, lets `staker` delegate), its
/// digest recomputed locally and checked against `calculateDelegationApprovalDigestHash`.
#[allow(clippy::too_many_arguments)]
pub async fn delegation_approval<P: Provider>(
    provider: &P,
    book: &AddressBook,
    chain_id: u64,
    staker: Address,
    operator: Address,
    approver: Address,
    salt: B256,
    expiry: U256,
) -> Result<(B256, Preimage), Error> {
    let domain = eigen_domain(provider, book.delegation_manager, "DelegationManager", chain_id).await?;
    let preimage = Preimage::DelegationApproval { domain, staker, operator, approver, salt, expiry };
    let on_chain = IDelegationManager::new(book.delegation_manager, provider)
        .calculateDelegationApprovalDigestHash(staker, operator, approver, salt, expiry)
        .call()
        .await
        .map_err(Error::rpc)?;
    Ok((confirm(on_chain, &preimage, "DelegationManager.calculateDelegationApprovalDigestHash")?, preimage))
}

/// Re-checks a message proposal's preimage against the chain: the EigenLayer contract still has the domain the file
/// names, and its own digest function returns the file's hash. Unverified hashes have nothing to check.
pub async fn check_preimage<P: Provider>(provider: &P, hash: B256, preimage: &Preimage) -> Result<(), Error> {
    let on_chain = match preimage {
        Preimage::Unverified => return Ok(()),
        Preimage::AvsRegistration { domain, operator, avs, salt, expiry } => {
            IAVSDirectory::new(domain.verifying_contract, provider)
                .calculateOperatorAVSRegistrationDigestHash(*operator, *avs, *salt, *expiry)
                .call()
                .await
        }
        Preimage::DelegationApproval { domain, staker, operator, approver, salt, expiry } => {
            IDelegationManager::new(domain.verifying_contract, provider)
                .calculateDelegationApprovalDigestHash(*staker, *operator, *approver, *salt, *expiry)
                .call()
                .await
        }
    }
    .map_err(|e| Error::rpc(format!("recomputing the message's digest on chain: {e}")))?;
    let computed = confirm(on_chain, preimage, "EigenLayer's digest function")?;
    if computed != hash {
        return Err(Error::Tampered(format!("the message's hash {hash} is not the digest {computed} of its fields")));
    }
    Ok(())
}

/// The digest of `preimage`, which EigenLayer's `answer` (from `what`) must equal.
fn confirm(answer: B256, preimage: &Preimage, what: &str) -> Result<B256, Error> {
    let computed = preimage.digest().ok_or_else(|| Error::Malformed("an unverified hash has no preimage".into()))?;
    if answer != computed {
        return Err(Error::Chain(format!(
            "{what} returned {answer}, but the message's fields hash to {computed} under EigenLayer's domain: the \
             RPC node or the contract is not what the address book says; nothing was written or signed"
        )));
    }
    Ok(computed)
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

/// Builds a BLS AVS registration for `operator`: finds the AVS's registry coordinator (its registrar), computes the
/// point the coordinator asks the key to sign itself (the middleware's hash-to-G1 of its EIP-712 registration
/// digest for `operator`) and refuses if the coordinator answers another point, so the key never signs a point an
/// RPC node chose. Also refuses a key the coordinator would ignore or reject (the operator already registered
/// another key; the key belongs to another operator).
pub async fn bls_registration<P: Provider>(
    provider: &P,
    book: &AddressBook,
    avs: Address,
    operator: Address,
    key: &crate::bls::BlsKey,
    socket: &str,
) -> Result<BlsRegistration, Error> {
    let (coordinator, chain_id) = tokio::try_join!(
        async {
            IAllocationManager::new(book.allocation_manager, provider)
                .getAVSRegistrar(avs)
                .call()
                .await
                .map_err(Error::rpc)
        },
        async { provider.get_chain_id().await.map_err(Error::rpc) },
    )?;
    let not_bls = || {
        Error::Chain(format!(
            "the registrar of {avs} ({coordinator}) is not an EigenLayer middleware registry coordinator (it has no \
             pubkeyRegistrationMessageHash), so it takes no BLS key: drop --bls-keystore and pass the AVS's own --data"
        ))
    };
    let rc = IBLSRegistryCoordinator::new(coordinator, provider);
    let (answered, registry) = tokio::try_join!(
        async { rc.pubkeyRegistrationMessageHash(operator).call().await.map_err(|_| not_bls()) },
        async { rc.blsApkRegistry().call().await.map_err(|_| not_bls()) },
    )?;
    let message = crate::bls::coordinator_registration_point(chain_id, coordinator, operator);
    if answered != message {
        return Err(Error::Chain(format!(
            "the coordinator {coordinator} (through the RPC node) asked the BLS key to sign ({}, {}), but \
             registering {operator} means signing ({}, {}), the middleware's hash of its registration message: a key \
             that signed the other point could be registered by someone else; nothing was signed",
            answered.X, answered.Y, message.X, message.Y
        )));
    }
    let apk = IBLSApkRegistry::new(registry, provider);
    let operator_id = key.operator_id();
    let (registered, owner) =
        tokio::try_join!(async { apk.getOperatorId(operator).call().await.map_err(Error::rpc) }, async {
            apk.getOperatorFromPubkeyHash(operator_id).call().await.map_err(Error::rpc)
        },)?;
    if registered != B256::ZERO && registered != operator_id {
        return Err(Error::Chain(format!(
            "{operator} already registered another BLS key (operator id {registered}) with {avs}'s registry \
             {registry}: the registry keeps the first key, so use that key's keystore"
        )));
    }
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
