//! `AllocationManager.registerForOperatorSets`: the wallet joins operator sets of an AVS. The AVS's registrar gets
//! `data` verbatim; for a BLS AVS (an eigenlayer-middleware registry coordinator) opwallet builds it from a BLS key.
//! Refused for sets that redistribute slashed stake unless allowed.

use alloy::{
    primitives::{Address, B256, Bytes},
    providers::Provider,
    sol_types::SolCall,
    sol_types::SolError,
};
use opwallet_bindings::eigenlayer::{
    IAllocationManager, IBLSApkRegistry, IBLSRegistryCoordinator, IDelegationManager, IEigenLayerErrors::*,
    OperatorSet, RegisterParams,
};

use super::{Action, Ctx, ErrorText, Planned, Spec};
use crate::{AddressBook, Error, bls::BlsKey, decode::Decoder, guard, proposal::ProposedCall};

type Call = IAllocationManager::registerForOperatorSetsCall;

/// What the registrar is sent.
#[derive(Debug)]
pub enum RegistrationData {
    /// Bytes in the AVS's own format.
    Raw(Bytes),
    /// A BLS key registered with a middleware registry coordinator, reachable at `socket`.
    Bls {
        /// The BLS key, which signs the coordinator's registration point.
        key: BlsKey,
        /// Where the AVS reaches the operator (`host:port`), stored by the coordinator as given.
        socket: String,
    },
}

/// Registers the wallet for `ids` of `avs`.
#[derive(Debug)]
pub struct RegisterOperatorSets {
    /// The AVS whose operator sets the wallet joins.
    pub avs: Address,
    /// The operator set ids, each an existing set of `avs`.
    pub ids: Vec<u32>,
    /// What the AVS's registrar is sent.
    pub data: RegistrationData,
    /// Register even if a set redistributes slashed stake.
    pub allow_redistributing: bool,
}

/// Refuses a wallet that is not yet an EigenLayer operator, with the fix.
pub(crate) async fn require_operator<P: Provider>(ctx: &Ctx<'_, P>, book: &AddressBook) -> Result<(), Error> {
    let dm = IDelegationManager::new(book.delegation_manager, ctx.provider);
    if !dm.isOperator(ctx.wallet()).call().await.map_err(Error::rpc)? {
        return Err(Error::Chain(format!(
            "{} is not an EigenLayer operator yet: propose register-operator first",
            ctx.wallet()
        )));
    }
    Ok(())
}

impl Action for RegisterOperatorSets {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let book = ctx.book()?;
        let sets: Vec<OperatorSet> = self.ids.iter().map(|id| OperatorSet { avs: self.avs, id: *id }).collect();
        let am = IAllocationManager::new(book.allocation_manager, ctx.provider);
        for set in &sets {
            if !am.isOperatorSet(set.clone()).call().await.map_err(Error::rpc)? {
                return Err(Error::Chain(format!("{}:{} is not an operator set on EigenLayer", set.avs, set.id)));
            }
        }
        let mut notices = Vec::new();
        let data = match self.data {
            RegistrationData::Raw(bytes) => bytes,
            RegistrationData::Bls { key, socket } => {
                let registration = bls_registration(ctx.provider, book, self.avs, ctx.wallet(), &key, &socket).await?;
                notices.push(format!("BLS key {}", registration.describe()));
                registration.data
            }
        };
        notices.extend(guard::at_propose(ctx.provider, book, &sets, self.allow_redistributing).await?);
        let params = RegisterParams { avs: self.avs, operatorSetIds: self.ids, data };
        let call = Call { operator: ctx.wallet(), params };
        let mut planned = Planned::call(ProposedCall::new(book.allocation_manager, call.abi_encode()));
        planned.notices = notices;
        Ok(planned)
    }
}

/// The registry entry for `AllocationManager.registerForOperatorSets`; it touches every set it registers for.
pub const SPEC: Spec = Spec {
    abi: "AllocationManager",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!(
            "register {} for operator sets {:?} of AVS {}",
            d.address(c.operator),
            c.params.operatorSetIds,
            d.address(c.params.avs)
        ))
    },
    touches: |data| {
        Call::abi_decode(data)
            .map(|c| c.params.operatorSetIds.iter().map(|id| OperatorSet { avs: c.params.avs, id: *id }).collect())
            .unwrap_or_default()
    },
};

/// The AllocationManager's and PermissionController's errors for a registration they refuse, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: InvalidOperator::SELECTOR,
        name: "InvalidOperator",
        words: "not a registered operator, or not allowed for this operator",
    },
    ErrorText {
        selector: NonexistentAVSMetadata::SELECTOR,
        name: "NonexistentAVSMetadata",
        words: "the AVS has no metadata URI yet",
    },
    ErrorText {
        selector: InvalidOperatorSet::SELECTOR,
        name: "InvalidOperatorSet",
        words: "that operator set does not exist",
    },
    ErrorText {
        selector: AlreadyMemberOfSet::SELECTOR,
        name: "AlreadyMemberOfSet",
        words: "the wallet is already registered for that operator set",
    },
    ErrorText {
        selector: InvalidPermissions::SELECTOR,
        name: "InvalidPermissions",
        words: "the caller may not act for the operator (PermissionController: not the operator, an admin or an \
                appointee for this function)",
    },
];

/// A BLS key's registration with a BLS AVS, ready to be the operator-set registration `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlsRegistration {
    /// The AVS's registry coordinator (its AVS registrar), whose registration point was checked.
    pub coordinator: Address,
    /// The G1 public key as EigenLayer's keystores write it, `E([x,y])`.
    pub pubkey: String,
    /// The middleware's operator id for the key, `keccak256(abi.encodePacked(X, Y))` of the G1 key.
    pub operator_id: B256,
    /// The registration `data` for `registerForOperatorSets`: `abi.encode(NORMAL, socket, params)`.
    pub data: Bytes,
}

impl BlsRegistration {
    /// The key and its operator id, for the proposer's notice: `E([x,y]) (operator id 0x…)`.
    pub fn describe(&self) -> String {
        format!("{} (operator id {})", self.pubkey, self.operator_id)
    }
}

/// Builds a BLS AVS registration for `operator`: finds the AVS's registry coordinator (its registrar), computes the
/// point the coordinator asks the key to sign itself (the middleware's hash-to-G1 of its EIP-712 registration
/// digest for `operator`) and refuses if the coordinator answers another point, so the key never signs a point an
/// RPC node chose. Also refuses a key the coordinator would ignore or reject (the operator already registered
/// another key; the key belongs to another operator).
// Long: the coordinator, the point the key must sign, then the registry's answers: it signs only a checked point.
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
