//! Deploys EigenLayer release 1.3.0 the way EigenLayer's own deployment does: proxies first (pointing at an
//! empty implementation), then implementations whose immutables point at the proxies, then
//! `ProxyAdmin.upgradeAndCall` with each initializer. docs/devnet.md lists every step.

use std::{collections::BTreeMap, str::FromStr};

use alloy::{
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{Address, B256, Bytes},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol_types::{SolCall, SolConstructor, SolValue},
};

use crate::{
    AddressBook, Error,
    contracts::{
        AVSDirectoryImpl, AllocationManagerImpl, BLSAVS, DelegationManagerImpl, DevnetBeaconDeposit,
        DevnetPauserRegistry, EigenPodImpl, EigenPodManagerImpl, EmptyContract, IEigenLayerInit, IStrategyManagerInit,
        LegacyAVS, OperatorSetAVS, PermissionControllerImpl, ProxyAdmin, StrategyManagerImpl,
        TransparentUpgradeableProxy, UpgradeableBeacon,
    },
};

/// The EigenLayer release whose bytecode the devnet deploys.
pub const RELEASE: &str = "1.3.0";
/// Address-book names of the test AVSs.
pub const OPERATOR_SET_AVS: &str = "OperatorSetAVS";
pub const LEGACY_AVS: &str = "LegacyAVS";
pub const BLS_AVS: &str = "BLSAVS";
/// Address-book name of the BLS AVS's key registry (eigenlayer-middleware's BLSApkRegistry).
pub const BLS_APK_REGISTRY: &str = "BLSApkRegistry";
/// Address-book name of opwallet's factory on the devnet.
pub const WALLET_FACTORY: &str = "OperatorWalletFactory";

/// Devnet parameters, in blocks (short, so tests can wait them out).
const MIN_WITHDRAWAL_DELAY_BLOCKS: u32 = 10;
const DEALLOCATION_DELAY_BLOCKS: u32 = 10;
const ALLOCATION_CONFIGURATION_DELAY_BLOCKS: u32 = 10;
/// Mainnet's beacon genesis time; only EigenPod proofs use it.
const GENESIS_TIME: u64 = 1_606_824_023;
const OPERATOR_SET_AVS_URI: &str = "https://opwallet.invalid/devnet/operator-set-avs.json";
const LEGACY_AVS_URI: &str = "https://opwallet.invalid/devnet/legacy-avs.json";
const BLS_AVS_URI: &str = "https://opwallet.invalid/devnet/bls-avs.json";
/// ERC-1967 admin slot: bytes32(uint256(keccak256("eip1967.proxy.admin")) - 1).
const ADMIN_SLOT: B256 = alloy::primitives::b256!("b53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");

/// EigenLayer's creation bytecode, extracted from eigen-utils 2.0.0 by `tools/eigenlayer-bytecode`.
mod bytecode {
    pub(super) const DELEGATION_MANAGER: &str = include_str!("../eigenlayer/DelegationManager.hex");
    pub(super) const ALLOCATION_MANAGER: &str = include_str!("../eigenlayer/AllocationManager.hex");
    pub(super) const PERMISSION_CONTROLLER: &str = include_str!("../eigenlayer/PermissionController.hex");
    pub(super) const AVS_DIRECTORY: &str = include_str!("../eigenlayer/AVSDirectory.hex");
    pub(super) const STRATEGY_MANAGER: &str = include_str!("../eigenlayer/StrategyManager.hex");
    pub(super) const EIGEN_POD_MANAGER: &str = include_str!("../eigenlayer/EigenPodManager.hex");
    pub(super) const EIGEN_POD: &str = include_str!("../eigenlayer/EigenPod.hex");
    /// eigenlayer-middleware's BLSApkRegistry (same crate), the BLS AVS's key registry.
    pub(super) const BLS_APK_REGISTRY: &str = include_str!("../eigenlayer/BLSApkRegistry.hex");
    pub(super) const ALL: [&str; 8] = [
        DELEGATION_MANAGER,
        ALLOCATION_MANAGER,
        PERMISSION_CONTROLLER,
        AVS_DIRECTORY,
        STRATEGY_MANAGER,
        EIGEN_POD_MANAGER,
        EIGEN_POD,
        BLS_APK_REGISTRY,
    ];
}

/// Everything [`deploy_eigenlayer`] produced.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub addresses: AddressBook,
    /// Transactions sent.
    pub transactions: usize,
}

/// A fingerprint of everything the deployment depends on (EigenLayer bytecode, our artifacts, this recipe):
/// the state cache is keyed on it, so any change redeploys.
pub(crate) fn recipe_fingerprint() -> B256 {
    let mut all = Vec::new();
    for code in bytecode::ALL {
        all.extend_from_slice(code.as_bytes());
    }
    for code in [
        &EmptyContract::BYTECODE,
        &DevnetPauserRegistry::BYTECODE,
        &DevnetBeaconDeposit::BYTECODE,
        &OperatorSetAVS::BYTECODE,
        &LegacyAVS::BYTECODE,
        &BLSAVS::BYTECODE,
        &TransparentUpgradeableProxy::BYTECODE,
        &UpgradeableBeacon::BYTECODE,
        &opwallet_bindings::OperatorWalletFactory::BYTECODE,
    ] {
        all.extend_from_slice(code);
    }
    all.extend_from_slice(include_bytes!("deploy.rs"));
    alloy::primitives::keccak256(all)
}

struct Deployer<'a, P> {
    provider: &'a P,
    sent: usize,
}

impl<P: Provider> Deployer<'_, P> {
    async fn send(&mut self, what: &str, tx: TransactionRequest) -> Result<Option<Address>, Error> {
        let fail = |why: String| Error::Deploy { what: what.to_owned(), why };
        let receipt = self
            .provider
            .send_transaction(tx)
            .await
            .map_err(|e| fail(e.to_string()))?
            .get_receipt()
            .await
            .map_err(|e| fail(e.to_string()))?;
        self.sent += 1;
        if !receipt.status() {
            return Err(fail(format!("transaction {} reverted", receipt.transaction_hash())));
        }
        Ok(receipt.contract_address())
    }

    async fn create(&mut self, what: &str, code: Bytes, args: Vec<u8>) -> Result<Address, Error> {
        let init: Bytes = [code.as_ref(), args.as_slice()].concat().into();
        let tx = TransactionRequest::default().with_deploy_code(init);
        self.send(what, tx)
            .await?
            .ok_or_else(|| Error::Deploy { what: what.to_owned(), why: "no contract address".into() })
    }

    async fn call(&mut self, what: &str, to: Address, data: Vec<u8>) -> Result<(), Error> {
        self.send(what, TransactionRequest::default().with_to(to).with_input(data)).await.map(|_| ())
    }
}

fn hex_code(hex: &str) -> Bytes {
    Bytes::from_str(hex.trim()).expect("committed bytecode is hex; `tools/eigenlayer-bytecode --check` guards it")
}

/// Deploys EigenLayer core, its stand-ins and the two test AVSs with `provider`'s default signer, which becomes
/// the owner of everything. On a fresh Anvil with dev account 0 the addresses are always the same.
pub async fn deploy_eigenlayer<P: Provider>(provider: &P, owner: Address) -> Result<Deployment, Error> {
    let chain_id = provider.get_chain_id().await.map_err(Error::rpc)?;
    let version = RELEASE.to_owned();
    let mut d = Deployer { provider, sent: 0 };

    // Stand-ins (see contracts/devnet/Devnet.sol for why each exists).
    let pauser = d.create("DevnetPauserRegistry", DevnetPauserRegistry::BYTECODE.clone(), owner.abi_encode()).await?;
    let eth_pos = d.create("DevnetBeaconDeposit", DevnetBeaconDeposit::BYTECODE.clone(), vec![]).await?;
    let empty = d.create("EmptyContract", EmptyContract::BYTECODE.clone(), vec![]).await?;

    // 1. Proxies, all pointing at the empty implementation (OZ >= 5.5 requires non-empty init data).
    let touch = EmptyContract::touchCall {}.abi_encode();
    let proxy = |name: &'static str| {
        let args = TransparentUpgradeableProxy::constructorCall {
            _logic: empty,
            initialOwner: owner,
            _data: touch.clone().into(),
        }
        .abi_encode();
        (name, args)
    };
    let names = [
        "DelegationManager",
        "AllocationManager",
        "StrategyManager",
        "EigenPodManager",
        "AVSDirectory",
        "PermissionController",
    ];
    let mut proxies = BTreeMap::new();
    for name in names {
        let (name, args) = proxy(name);
        let at = d.create(&format!("{name} proxy"), TransparentUpgradeableProxy::BYTECODE.clone(), args).await?;
        proxies.insert(name, at);
    }
    let [dm, am, sm, epm, avsd, pc] = names.map(|n| proxies[n]);

    // 2. EigenPod implementation behind an upgradeable beacon.
    let pod_args = EigenPodImpl::constructorCall {
        ethPOS: eth_pos,
        eigenPodManager: epm,
        genesisTime: GENESIS_TIME,
        version: version.clone(),
    }
    .abi_encode();
    let pod_impl = d.create("EigenPod implementation", hex_code(bytecode::EIGEN_POD), pod_args).await?;
    let beacon_args =
        UpgradeableBeacon::constructorCall { implementation_: pod_impl, initialOwner: owner }.abi_encode();
    let beacon = d.create("EigenPod beacon", UpgradeableBeacon::BYTECODE.clone(), beacon_args).await?;

    // 3. Implementations, immutables pointing at the proxies.
    let impls = [
        (
            "DelegationManager",
            bytecode::DELEGATION_MANAGER,
            DelegationManagerImpl::constructorCall {
                strategyManager: sm,
                eigenPodManager: epm,
                allocationManager: am,
                pauserRegistry: pauser,
                permissionController: pc,
                minWithdrawalDelayBlocks: MIN_WITHDRAWAL_DELAY_BLOCKS,
                version: version.clone(),
            }
            .abi_encode(),
            IEigenLayerInit::initializeCall { initialOwner: owner, initialPausedStatus: Default::default() }
                .abi_encode(),
        ),
        (
            "AllocationManager",
            bytecode::ALLOCATION_MANAGER,
            AllocationManagerImpl::constructorCall {
                delegation: dm,
                pauserRegistry: pauser,
                permissionController: pc,
                deallocationDelay: DEALLOCATION_DELAY_BLOCKS,
                allocationConfigurationDelay: ALLOCATION_CONFIGURATION_DELAY_BLOCKS,
                version: version.clone(),
            }
            .abi_encode(),
            IEigenLayerInit::initializeCall { initialOwner: owner, initialPausedStatus: Default::default() }
                .abi_encode(),
        ),
        (
            "StrategyManager",
            bytecode::STRATEGY_MANAGER,
            StrategyManagerImpl::constructorCall { delegation: dm, pauserRegistry: pauser, version: version.clone() }
                .abi_encode(),
            IStrategyManagerInit::initializeCall {
                initialOwner: owner,
                initialStrategyWhitelister: owner,
                initialPausedStatus: Default::default(),
            }
            .abi_encode(),
        ),
        (
            "EigenPodManager",
            bytecode::EIGEN_POD_MANAGER,
            EigenPodManagerImpl::constructorCall {
                ethPOS: eth_pos,
                eigenPodBeacon: beacon,
                delegationManager: dm,
                pauserRegistry: pauser,
                version: version.clone(),
            }
            .abi_encode(),
            IEigenLayerInit::initializeCall { initialOwner: owner, initialPausedStatus: Default::default() }
                .abi_encode(),
        ),
        (
            "AVSDirectory",
            bytecode::AVS_DIRECTORY,
            AVSDirectoryImpl::constructorCall { delegation: dm, pauserRegistry: pauser, version: version.clone() }
                .abi_encode(),
            IEigenLayerInit::initializeCall { initialOwner: owner, initialPausedStatus: Default::default() }
                .abi_encode(),
        ),
        (
            "PermissionController",
            bytecode::PERMISSION_CONTROLLER,
            PermissionControllerImpl::constructorCall { version: version.clone() }.abi_encode(),
            Vec::new(), // no initializer
        ),
    ];

    // 4. Upgrade each proxy to its implementation and initialise it, through the proxy's own ProxyAdmin.
    for (name, code, ctor_args, init) in impls {
        let implementation = d.create(&format!("{name} implementation"), hex_code(code), ctor_args).await?;
        let proxy = proxies[name];
        let admin_word = provider.get_storage_at(proxy, ADMIN_SLOT.into()).await.map_err(Error::rpc)?;
        let admin = Address::from_word(admin_word.into());
        let upgrade = ProxyAdmin::upgradeAndCallCall { proxy, implementation, data: init.into() }.abi_encode();
        d.call(&format!("{name} upgradeAndCall"), admin, upgrade).await?;
    }

    // 5. Test AVSs (AVS-side fixtures; EigenLayer itself is never mocked).
    let opset_args = OperatorSetAVS::constructorCall { allocationManager_: am }.abi_encode();
    let opset = d.create(OPERATOR_SET_AVS, OperatorSetAVS::BYTECODE.clone(), opset_args).await?;
    let setup = OperatorSetAVS::setUpCall { metadataURI: OPERATOR_SET_AVS_URI.to_owned() }.abi_encode();
    d.call("OperatorSetAVS.setUp", opset, setup).await?;
    let legacy_args =
        LegacyAVS::constructorCall { avsDirectory_: avsd, metadataURI: LEGACY_AVS_URI.to_owned() }.abi_encode();
    let legacy = d.create(LEGACY_AVS, LegacyAVS::BYTECODE.clone(), legacy_args).await?;

    // 6. opwallet's own factory (it deploys its implementation in its constructor).
    let factory = d.create(WALLET_FACTORY, opwallet_bindings::OperatorWalletFactory::BYTECODE.clone(), vec![]).await?;

    // 7. A BLS AVS: its registrar stands in for the middleware's registry coordinator, and its key registry is the
    //    middleware's own BLSApkRegistry, which takes the coordinator's address in its constructor.
    let bls_args = BLSAVS::constructorCall { allocationManager_: am }.abi_encode();
    let bls = d.create(BLS_AVS, BLSAVS::BYTECODE.clone(), bls_args).await?;
    let registry_args = (bls,).abi_encode_params();
    let registry = d.create(BLS_APK_REGISTRY, hex_code(bytecode::BLS_APK_REGISTRY), registry_args).await?;
    let setup = BLSAVS::setUpCall { metadataURI: BLS_AVS_URI.to_owned(), registry }.abi_encode();
    d.call("BLSAVS.setUp", bls, setup).await?;

    let extra = BTreeMap::from([
        ("EigenPodBeacon".to_owned(), beacon),
        ("PauserRegistry".to_owned(), pauser),
        ("BeaconDeposit".to_owned(), eth_pos),
        (OPERATOR_SET_AVS.to_owned(), opset),
        (LEGACY_AVS.to_owned(), legacy),
        (WALLET_FACTORY.to_owned(), factory),
        (BLS_AVS.to_owned(), bls),
        (BLS_APK_REGISTRY.to_owned(), registry),
    ]);
    let addresses = AddressBook {
        chain_id,
        release: RELEASE.to_owned(),
        delegation_manager: dm,
        allocation_manager: am,
        permission_controller: pc,
        avs_directory: avsd,
        strategy_manager: sm,
        eigen_pod_manager: epm,
        rewards_coordinator: None,
        protocol_registry: None,
        key_registrar: None,
        extra,
    };
    Ok(Deployment { addresses, transactions: d.sent })
}
