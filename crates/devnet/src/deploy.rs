//! Deploys EigenLayer release 1.13.0 the way EigenLayer's own deployments are laid out: proxies first (pointing at
//! an empty implementation), then implementations whose immutables point at the proxies, then
//! `ProxyAdmin.upgradeAndCall` with each initializer; then the test token and its strategy, a staker's deposit, and
//! the test AVSs. One deterministic order (docs/devnet.md lists every step). With a network's address book
//! (`--like mainnet`) the core proxies are placed at that network's addresses, so the implementations reference
//! them exactly as on that network.

use std::collections::BTreeMap;

use alloy::{
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{Address, B256, Bytes, U256},
    providers::{Provider, ext::AnvilApi},
    rpc::types::TransactionRequest,
    sol_types::{SolCall, SolConstructor, SolValue},
};

use crate::{
    AddressBook, Error,
    contracts::{
        BLSAVS, DevnetBeaconDeposit, DevnetToken, EmptyContract, IBackingEigenInit, IDelegationManagerInit, IEigenInit,
        IEigenStrategyInit, IEmissionsControllerInit, IOwnedInit, IProtocolRegistryInit, IRewardsCoordinatorInit,
        IStrategyFactory, IStrategyManagerInit, LegacyAVS, OperatorSetAVS, ProxyAdmin,
        RewardsCoordinatorConstructorParams, RewardsCoordinatorImpl, TransparentUpgradeableProxy, UpgradeableBeacon,
        eigenlayer_artifacts as el,
    },
};

/// The EigenLayer release the devnet deploys (also the version string its contracts report).
pub const RELEASE: &str = "1.13.0";
// Address-book names of the test AVSs, the devnet's other contracts and its roles.
/// The operator-set AVS: set 0 plain, 1 recording `data`, 2 redistributing, 3 ECDSA keys, 4 BN254 keys.
pub const OPERATOR_SET_AVS: &str = "OperatorSetAVS";
/// The legacy AVS, which registers operators in the AVSDirectory with their (ERC-1271) signature.
pub const LEGACY_AVS: &str = "LegacyAVS";
/// The BLS AVS, standing in for eigenlayer-middleware's registry coordinator (its own AVS registrar).
pub const BLS_AVS: &str = "BLSAVS";
/// eigenlayer-middleware's real BLSApkRegistry, which the BLS AVS has check and store keys.
pub const BLS_APK_REGISTRY: &str = "BLSApkRegistry";
/// opwallet's factory, at its address on every chain (deployed through Anvil's deterministic deployment proxy).
pub const WALLET_FACTORY: &str = "OperatorWalletFactory";
/// The devnet's stake token, DST (18 decimals; anyone may mint).
pub const STAKE_TOKEN: &str = "StakeToken";
/// The StrategyFactory's strategy for the stake token, which the operator-set AVS's sets use.
pub const STAKE_STRATEGY: &str = "StakeStrategy";
/// The devnet's reward token, DRT (6 decimals), which the RewardsCoordinator holds to pay claims.
pub const REWARD_TOKEN: &str = "RewardToken";
/// EigenLayer's StrategyFactory proxy.
pub const STRATEGY_FACTORY: &str = "StrategyFactory";
// Roles: the dev accounts (Anvil's mnemonic) that play them.
/// The account allowed to post distribution roots to the RewardsCoordinator.
pub const REWARDS_UPDATER: &str = "RewardsUpdater";
/// The account that deposited [`params::STAKE`] into the stake strategy.
pub const STAKER: &str = "Staker";
/// Where the redistributing operator set's slashed stake goes.
pub const REDISTRIBUTION_RECIPIENT: &str = "RedistributionRecipient";
/// The redistributing operator set's slasher.
pub const SLASHER: &str = "Slasher";
/// The dev account index of [`REWARDS_UPDATER`].
pub const REWARDS_UPDATER_INDEX: u32 = 8;
/// The dev account index of [`STAKER`].
pub const STAKER_INDEX: u32 = 9;
/// The dev account index of [`REDISTRIBUTION_RECIPIENT`].
pub const REDISTRIBUTION_RECIPIENT_INDEX: u32 = 7;
/// The dev account index of [`SLASHER`].
pub const SLASHER_INDEX: u32 = 6;

/// The devnet's timing parameters, short so tests can wait them out (blocks, unless named seconds). They go into
/// the address book's `parameters`.
pub mod params {
    /// DelegationManager: blocks before a queued withdrawal can be completed.
    pub const MIN_WITHDRAWAL_DELAY_BLOCKS: u32 = 10;
    /// AllocationManager: blocks a deallocated magnitude stays slashable.
    pub const DEALLOCATION_DELAY_BLOCKS: u32 = 10;
    /// AllocationManager: blocks before a changed allocation delay applies.
    pub const ALLOCATION_CONFIGURATION_DELAY_BLOCKS: u32 = 10;
    /// RewardsCoordinator: seconds before a posted root (or a changed split) activates.
    pub const REWARDS_ACTIVATION_DELAY_SECONDS: u32 = 60;
    /// EigenLayer requires a multiple of one day.
    pub const CALCULATION_INTERVAL_SECONDS: u32 = 86_400;
    /// RewardsCoordinator: the longest one rewards submission may last, 30 days.
    pub const MAX_REWARDS_DURATION_SECONDS: u32 = 30 * 86_400;
    /// RewardsCoordinator: how far in the past a submission may start, 90 days.
    pub const MAX_RETROACTIVE_LENGTH_SECONDS: u32 = 90 * 86_400;
    /// RewardsCoordinator: how far in the future a submission may start, 30 days.
    pub const MAX_FUTURE_LENGTH_SECONDS: u32 = 30 * 86_400;
    /// 2024-01-01, a multiple of the calculation interval.
    pub const GENESIS_REWARDS_TIMESTAMP: u32 = 1_704_067_200;
    /// RewardsCoordinator: an operator's split until it sets one, 10 %.
    pub const DEFAULT_SPLIT_BIPS: u16 = 1_000;
    /// EmissionsController: the length of an emissions epoch, one week (emissions are zero on a devnet).
    pub const EMISSIONS_EPOCH_SECONDS: u32 = 7 * 86_400;
    /// What the staker deposits into the stake strategy, and what the rewards coordinator holds to pay claims.
    pub const STAKE: u128 = 1_000 * 10u128.pow(18);
    /// The reward tokens minted to the RewardsCoordinator: 1,000,000 DRT, in base units (6 decimals).
    pub const REWARD_FUNDS: u128 = 1_000_000 * 10u128.pow(6);
}

const OPERATOR_SET_AVS_URI: &str = "https://opwallet.invalid/devnet/operator-set-avs.json";
const LEGACY_AVS_URI: &str = "https://opwallet.invalid/devnet/legacy-avs.json";
const BLS_AVS_URI: &str = "https://opwallet.invalid/devnet/bls-avs.json";
/// ERC-1967 slots: implementation = keccak256("eip1967.proxy.implementation") - 1; admin likewise.
const IMPLEMENTATION_SLOT: B256 =
    alloy::primitives::b256!("360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");
const ADMIN_SLOT: B256 = alloy::primitives::b256!("b53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");

/// eigenlayer-middleware's BLSApkRegistry creation code (from eigen-utils 2.0.0; docs/devnet.md says why it stays).
const BLS_APK_REGISTRY_HEX: &str = include_str!("../eigenlayer/middleware/BLSApkRegistry.hex");

/// Everything [`deploy_eigenlayer`] produced.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// EigenLayer's proxies, the devnet's contracts and roles by name, and its timing parameters.
    pub addresses: AddressBook,
    /// Transactions sent.
    pub transactions: usize,
}

/// A fingerprint of everything the deployment depends on (EigenLayer's artifacts, ours, this recipe): the state
/// cache is keyed on it, so any change redeploys.
pub(crate) fn recipe_fingerprint() -> B256 {
    let mut all = Vec::new();
    for (_, artifact) in el::ALL {
        all.extend_from_slice(artifact.as_bytes());
    }
    for code in [
        &EmptyContract::BYTECODE,
        &DevnetBeaconDeposit::BYTECODE,
        &DevnetToken::BYTECODE,
        &OperatorSetAVS::BYTECODE,
        &LegacyAVS::BYTECODE,
        &BLSAVS::BYTECODE,
        &TransparentUpgradeableProxy::BYTECODE,
        &UpgradeableBeacon::BYTECODE,
        &opwallet_bindings::OperatorWalletFactory::BYTECODE,
    ] {
        all.extend_from_slice(code);
    }
    all.extend_from_slice(BLS_APK_REGISTRY_HEX.as_bytes());
    all.extend_from_slice(include_bytes!("deploy.rs"));
    alloy::primitives::keccak256(all)
}

/// The proxied EigenLayer contracts, in deployment order.
const PROXIED: [&str; 14] = [
    "DelegationManager",
    "AllocationManager",
    "StrategyManager",
    "EigenPodManager",
    "AVSDirectory",
    "PermissionController",
    "RewardsCoordinator",
    "KeyRegistrar",
    "ProtocolRegistry",
    "StrategyFactory",
    "EmissionsController",
    "Eigen",
    "BackingEigen",
    "EigenStrategy",
];

/// Addresses known once the proxies exist.
struct Proxies(BTreeMap<&'static str, Address>);

impl Proxies {
    fn get(&self, name: &str) -> Address {
        self.0.get(name).copied().unwrap_or_default()
    }
}

/// Sends the deployment's transactions and counts them.
struct Deployer<'a, P> {
    provider: &'a P,
    owner: Address,
    sent: usize,
}

impl<P: Provider> Deployer<'_, P> {
    async fn send(&mut self, what: &str, tx: TransactionRequest) -> Result<Option<Address>, Error> {
        let fail = |why: String| Error::Deploy { what: what.to_owned(), why };
        let receipt = self
            .provider
            .send_transaction(tx.with_from(self.owner))
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

    async fn create(&mut self, what: &str, code: &[u8], args: Vec<u8>) -> Result<Address, Error> {
        let init: Bytes = [code, args.as_slice()].concat().into();
        let tx = TransactionRequest::default().with_deploy_code(init);
        self.send(what, tx)
            .await?
            .ok_or_else(|| Error::Deploy { what: what.to_owned(), why: "no contract address".into() })
    }

    async fn call(&mut self, what: &str, to: Address, data: Vec<u8>) -> Result<(), Error> {
        self.send(what, TransactionRequest::default().with_to(to).with_input(data)).await.map(|_| ())
    }

    /// A transparent proxy pointing at `empty`, then moved to `at` when given (the code, with its immutable admin,
    /// and the two ERC-1967 slots are copied there), as a mainnet-shaped devnet needs.
    async fn proxy(&mut self, name: &str, empty: Address, at: Option<Address>) -> Result<Address, Error> {
        let args = TransparentUpgradeableProxy::constructorCall {
            _logic: empty,
            initialOwner: self.owner,
            _data: EmptyContract::touchCall {}.abi_encode().into(),
        }
        .abi_encode();
        let made = self.create(&format!("{name} proxy"), &TransparentUpgradeableProxy::BYTECODE, args).await?;
        let Some(at) = at else { return Ok(made) };
        let p = self.provider;
        let code = p.get_code_at(made).await.map_err(Error::rpc)?;
        p.anvil_set_code(at, code).await.map_err(Error::rpc)?;
        for slot in [IMPLEMENTATION_SLOT, ADMIN_SLOT] {
            let value = p.get_storage_at(made, slot.into()).await.map_err(Error::rpc)?;
            p.anvil_set_storage_at(at, slot.into(), value.into()).await.map_err(Error::rpc)?;
        }
        Ok(at)
    }

    /// Points `proxy` at `implementation` and runs `init` (empty: none), through the proxy's own ProxyAdmin.
    async fn upgrade(
        &mut self,
        name: &str,
        proxy: Address,
        implementation: Address,
        init: Vec<u8>,
    ) -> Result<(), Error> {
        let admin_word = self.provider.get_storage_at(proxy, ADMIN_SLOT.into()).await.map_err(Error::rpc)?;
        let admin = Address::from_word(admin_word.into());
        let upgrade = ProxyAdmin::upgradeAndCallCall { proxy, implementation, data: init.into() }.abi_encode();
        self.call(&format!("{name} upgradeAndCall"), admin, upgrade).await
    }
}

/// One EigenLayer implementation: its creation code, constructor arguments and initializer (empty: none).
struct Implementation {
    name: &'static str,
    /// The committed artifact (its creation code is deployed).
    artifact: &'static str,
    args: Vec<u8>,
    init: Vec<u8>,
}

/// The table: each proxied contract's implementation, constructor and initializer, in the order they are
/// upgraded (an initializer may call a contract earlier in the list: bEIGEN before EIGEN's strategy).
// Long: a table, one entry per proxied contract in upgrade order; clearer whole than split.
fn implementations(
    p: &Proxies,
    pauser: Address,
    eth_pos: Address,
    beacons: &Beacons,
    owner: Address,
) -> Vec<Implementation> {
    use params::*;
    let g = |n| p.get(n);
    let version = || RELEASE.to_owned();
    let (dm, am, sm, epm, pc, rc, sf) = (
        g("DelegationManager"),
        g("AllocationManager"),
        g("StrategyManager"),
        g("EigenPodManager"),
        g("PermissionController"),
        g("RewardsCoordinator"),
        g("StrategyFactory"),
    );
    let (eigen, beigen, eigen_strategy) = (g("Eigen"), g("BackingEigen"), g("EigenStrategy"));
    let rc_params = RewardsCoordinatorConstructorParams {
        delegationManager: dm,
        strategyManager: sm,
        allocationManager: am,
        emissionsController: g("EmissionsController"),
        pauserRegistry: pauser,
        permissionController: pc,
        CALCULATION_INTERVAL_SECONDS,
        MAX_REWARDS_DURATION: MAX_REWARDS_DURATION_SECONDS,
        MAX_RETROACTIVE_LENGTH: MAX_RETROACTIVE_LENGTH_SECONDS,
        MAX_FUTURE_LENGTH: MAX_FUTURE_LENGTH_SECONDS,
        GENESIS_REWARDS_TIMESTAMP,
    };
    let paused = U256::ZERO;
    vec![
        Implementation {
            name: "DelegationManager",
            artifact: el::DelegationManager,
            args: (sm, epm, am, pauser, pc, MIN_WITHDRAWAL_DELAY_BLOCKS, version()).abi_encode_params(),
            init: IDelegationManagerInit::initializeCall { initialPausedStatus: paused }.abi_encode(),
        },
        Implementation {
            name: "AllocationManager",
            artifact: el::AllocationManager,
            args: (
                beacons.allocation_manager_view,
                dm,
                eigen_strategy,
                pauser,
                pc,
                DEALLOCATION_DELAY_BLOCKS,
                ALLOCATION_CONFIGURATION_DELAY_BLOCKS,
            )
                .abi_encode_params(),
            init: IDelegationManagerInit::initializeCall { initialPausedStatus: paused }.abi_encode(),
        },
        Implementation {
            name: "StrategyManager",
            artifact: el::StrategyManager,
            args: (am, dm, pauser, version()).abi_encode_params(),
            // The strategy factory whitelists the strategies it deploys.
            init: IStrategyManagerInit::initializeCall {
                initialOwner: owner,
                initialStrategyWhitelister: sf,
                initialPausedStatus: paused,
            }
            .abi_encode(),
        },
        Implementation {
            name: "EigenPodManager",
            artifact: el::EigenPodManager,
            args: (eth_pos, beacons.eigen_pod, dm, pauser).abi_encode_params(),
            init: IOwnedInit::initializeCall { initialOwner: owner, initialPausedStatus: paused }.abi_encode(),
        },
        Implementation {
            name: "AVSDirectory",
            artifact: el::AVSDirectory,
            args: (dm, pauser, version()).abi_encode_params(),
            init: IOwnedInit::initializeCall { initialOwner: owner, initialPausedStatus: paused }.abi_encode(),
        },
        Implementation {
            name: "PermissionController",
            artifact: el::PermissionController,
            args: Vec::new(),
            init: Vec::new(),
        },
        Implementation {
            name: "RewardsCoordinator",
            artifact: el::RewardsCoordinator,
            args: RewardsCoordinatorImpl::constructorCall { params: rc_params }.abi_encode(),
            init: IRewardsCoordinatorInit::initializeCall {
                initialOwner: owner,
                initialPausedStatus: paused,
                _rewardsUpdater: crate::dev_signer(REWARDS_UPDATER_INDEX).address(),
                _activationDelay: REWARDS_ACTIVATION_DELAY_SECONDS,
                _defaultSplitBips: DEFAULT_SPLIT_BIPS,
                _feeRecipient: owner,
            }
            .abi_encode(),
        },
        Implementation {
            name: "KeyRegistrar",
            artifact: el::KeyRegistrar,
            args: (pc, am, version()).abi_encode_params(),
            init: Vec::new(),
        },
        Implementation {
            name: "ProtocolRegistry",
            artifact: el::ProtocolRegistry,
            args: Vec::new(),
            init: IProtocolRegistryInit::initializeCall { initialAdmin: owner, pauserMultisig: owner }.abi_encode(),
        },
        Implementation {
            name: "StrategyFactory",
            artifact: el::StrategyFactory,
            args: (sm, pauser, beacons.strategy, beacons.duration_vault, eigen, beigen).abi_encode_params(),
            init: IStrategyFactory::initializeCall { _initialOwner: owner, _initialPausedStatus: paused }.abi_encode(),
        },
        Implementation {
            name: "EmissionsController",
            artifact: el::EmissionsController,
            args: (
                eigen,
                beigen,
                am,
                rc,
                pauser,
                U256::ZERO, // no inflation on a devnet
                U256::from(GENESIS_REWARDS_TIMESTAMP),
                U256::from(EMISSIONS_EPOCH_SECONDS),
                U256::from(CALCULATION_INTERVAL_SECONDS),
            )
                .abi_encode_params(),
            init: IEmissionsControllerInit::initializeCall {
                initialOwner: owner,
                initialIncentiveCouncil: owner,
                initialPausedStatus: paused,
            }
            .abi_encode(),
        },
        Implementation {
            name: "BackingEigen",
            artifact: el::BackingEigen,
            args: (eigen,).abi_encode_params(),
            init: IBackingEigenInit::initializeCall { initialOwner: owner }.abi_encode(),
        },
        Implementation {
            name: "Eigen",
            artifact: el::Eigen,
            args: (beigen, version()).abi_encode_params(),
            init: IEigenInit::initializeCall {
                initialOwner: owner,
                minters: vec![],
                mintingAllowances: vec![],
                mintAllowedAfters: vec![],
            }
            .abi_encode(),
        },
        Implementation {
            name: "EigenStrategy",
            artifact: el::EigenStrategy,
            args: (sm, pauser).abi_encode_params(),
            init: IEigenStrategyInit::initializeCall { _EIGEN: eigen, _bEIGEN: beigen }.abi_encode(),
        },
    ]
}

/// The beacons and the plain (unproxied) view contract the implementations point at.
struct Beacons {
    eigen_pod: Address,
    strategy: Address,
    duration_vault: Address,
    allocation_manager_view: Address,
}

/// Deploys EigenLayer 1.13.0, the test token, strategy and staker, the test AVSs and opwallet's factory with
/// `provider`'s dev account 0 (`owner`), which owns everything. `like`: a network whose core proxy addresses to
/// reproduce. On a fresh Anvil the addresses are always the same.
// Long: the deployment recipe in order, each step using addresses the earlier ones made.
pub async fn deploy_eigenlayer<P: Provider>(
    provider: &P,
    owner: Address,
    like: Option<&AddressBook>,
) -> Result<Deployment, Error> {
    let chain_id = provider.get_chain_id().await.map_err(Error::rpc)?;
    let mut d = Deployer { provider, owner, sent: 0 };

    // 1. What every contract's constructor needs: the pauser registry, the beacon-deposit stand-in, and the
    //    empty first implementation of every proxy.
    let pauser =
        d.create("PauserRegistry", &code(el::PauserRegistry)?, (vec![owner], owner).abi_encode_params()).await?;
    let eth_pos = d.create("DevnetBeaconDeposit", &DevnetBeaconDeposit::BYTECODE, vec![]).await?;
    let empty = d.create("EmptyContract", &EmptyContract::BYTECODE, vec![]).await?;

    // 2. Proxies (at the network's addresses for a mainnet-shaped devnet).
    let mut proxies = Proxies(BTreeMap::new());
    for name in PROXIED {
        let at = like.and_then(|b| b.names().into_iter().find(|(n, _)| n == name).map(|(_, a)| a));
        proxies.0.insert(name, d.proxy(name, empty, at).await?);
    }

    // 3. Beacons and the AllocationManager's view contract.
    let beacons = beacons(&mut d, &proxies, pauser, eth_pos).await?;

    // 4. Implementations, immutables pointing at the proxies, each upgraded into its proxy and initialised.
    for i in implementations(&proxies, pauser, eth_pos, &beacons, owner) {
        let code = el::creation_code(i.artifact).map_err(|why| Error::Deploy { what: i.name.into(), why })?;
        let implementation = d.create(&format!("{} implementation", i.name), &code, i.args).await?;
        d.upgrade(i.name, proxies.get(i.name), implementation, i.init).await?;
    }

    // 5. The protocol registry names the release: ProtocolRegistry.version() is how tools tell it.
    let (names, addresses): (Vec<String>, Vec<Address>) =
        PROXIED.iter().map(|n| (n.to_string(), proxies.get(n))).unzip();
    let configs = vec![IProtocolRegistryInit::DeploymentConfig { pausable: true, deprecated: false }; names.len()];
    let ship = IProtocolRegistryInit::shipCall { addresses, configs, names, semanticVersion: RELEASE.to_owned() };
    d.call("ProtocolRegistry.ship", proxies.get("ProtocolRegistry"), ship.abi_encode()).await?;

    let stake = stake(&mut d, &proxies).await?;
    let avss = avss(&mut d, &proxies, &stake).await?;
    // opwallet's factory where it is on every chain: through Anvil's deterministic deployment proxy.
    let proxy = opwallet_core::factory::DETERMINISTIC_DEPLOYER;
    d.call(WALLET_FACTORY, proxy, opwallet_core::factory::deployment_input().to_vec()).await?;
    let factory = opwallet_core::factory::canonical();

    let mut extra = BTreeMap::from([
        ("PauserRegistry".to_owned(), pauser),
        ("BeaconDeposit".to_owned(), eth_pos),
        ("EigenPodBeacon".to_owned(), beacons.eigen_pod),
        ("AllocationManagerView".to_owned(), beacons.allocation_manager_view),
        (WALLET_FACTORY.to_owned(), factory),
        (REWARDS_UPDATER.to_owned(), crate::dev_signer(REWARDS_UPDATER_INDEX).address()),
        (STAKER.to_owned(), crate::dev_signer(STAKER_INDEX).address()),
        (REDISTRIBUTION_RECIPIENT.to_owned(), crate::dev_signer(REDISTRIBUTION_RECIPIENT_INDEX).address()),
        (SLASHER.to_owned(), crate::dev_signer(SLASHER_INDEX).address()),
    ]);
    for name in ["StrategyFactory", "EmissionsController", "Eigen", "BackingEigen", "EigenStrategy"] {
        extra.insert(name.to_owned(), proxies.get(name));
    }
    extra.extend(stake.named());
    extra.extend(avss);
    let addresses = AddressBook {
        chain_id,
        release: RELEASE.to_owned(),
        delegation_manager: proxies.get("DelegationManager"),
        allocation_manager: proxies.get("AllocationManager"),
        permission_controller: proxies.get("PermissionController"),
        avs_directory: proxies.get("AVSDirectory"),
        strategy_manager: proxies.get("StrategyManager"),
        eigen_pod_manager: proxies.get("EigenPodManager"),
        rewards_coordinator: Some(proxies.get("RewardsCoordinator")),
        protocol_registry: Some(proxies.get("ProtocolRegistry")),
        key_registrar: Some(proxies.get("KeyRegistrar")),
        extra,
        parameters: parameters(),
    };
    Ok(Deployment { addresses, transactions: d.sent })
}

async fn beacons<P: Provider>(
    d: &mut Deployer<'_, P>,
    p: &Proxies,
    pauser: Address,
    eth_pos: Address,
) -> Result<Beacons, Error> {
    let g = |n| p.get(n);
    let eigen_pod = beacon(d, "EigenPod", el::EigenPod, (eth_pos, g("EigenPodManager")).abi_encode_params()).await?;
    let strategy =
        beacon(d, "StrategyBase", el::StrategyBase, (g("StrategyManager"), pauser).abi_encode_params()).await?;
    let vault_args = (
        g("StrategyManager"),
        pauser,
        g("DelegationManager"),
        g("AllocationManager"),
        g("RewardsCoordinator"),
        g("StrategyFactory"),
    )
        .abi_encode_params();
    let duration_vault = beacon(d, "DurationVaultStrategy", el::DurationVaultStrategy, vault_args).await?;
    let view_args = (
        g("DelegationManager"),
        g("EigenStrategy"),
        params::DEALLOCATION_DELAY_BLOCKS,
        params::ALLOCATION_CONFIGURATION_DELAY_BLOCKS,
    )
        .abi_encode_params();
    let allocation_manager_view =
        d.create("AllocationManagerView", &code(el::AllocationManagerView)?, view_args).await?;
    Ok(Beacons { eigen_pod, strategy, duration_vault, allocation_manager_view })
}

/// An implementation of `artifact` behind a new OpenZeppelin `UpgradeableBeacon`.
async fn beacon<P: Provider>(
    d: &mut Deployer<'_, P>,
    name: &str,
    artifact: &str,
    args: Vec<u8>,
) -> Result<Address, Error> {
    let implementation = d.create(&format!("{name} implementation"), &code(artifact)?, args).await?;
    let args = UpgradeableBeacon::constructorCall { implementation_: implementation, initialOwner: d.owner };
    d.create(&format!("{name} beacon"), &UpgradeableBeacon::BYTECODE, args.abi_encode()).await
}

/// An EigenLayer artifact's creation code.
fn code(artifact: &str) -> Result<Bytes, Error> {
    el::creation_code(artifact).map_err(|why| Error::Deploy { what: "an EigenLayer artifact".into(), why })
}

/// The test tokens, the stake strategy, and a staker with a deposit in it (not delegated: tests delegate).
struct Stake {
    token: Address,
    strategy: Address,
    reward_token: Address,
}

impl Stake {
    fn named(&self) -> [(String, Address); 3] {
        [
            (STAKE_TOKEN.to_owned(), self.token),
            (STAKE_STRATEGY.to_owned(), self.strategy),
            (REWARD_TOKEN.to_owned(), self.reward_token),
        ]
    }
}

async fn stake<P: Provider>(d: &mut Deployer<'_, P>, p: &Proxies) -> Result<Stake, Error> {
    let token_args = |name: &str, symbol: &str, decimals: u8| {
        DevnetToken::constructorCall { name_: name.into(), symbol_: symbol.into(), decimals_: decimals }.abi_encode()
    };
    let token = d.create(STAKE_TOKEN, &DevnetToken::BYTECODE, token_args("Devnet Stake Token", "DST", 18)).await?;
    let reward_token =
        d.create(REWARD_TOKEN, &DevnetToken::BYTECODE, token_args("Devnet Reward Token", "DRT", 6)).await?;
    let sf = p.get("StrategyFactory");
    d.call("StrategyFactory.deployNewStrategy", sf, IStrategyFactory::deployNewStrategyCall { token }.abi_encode())
        .await?;
    let strategy = IStrategyFactory::new(sf, d.provider).deployedStrategies(token).call().await.map_err(Error::rpc)?;
    // The staker's deposit, sent as the staker (an Anvil dev account: impersonated, no key needed).
    let staker = crate::dev_signer(STAKER_INDEX).address();
    let amount = U256::from(params::STAKE);
    d.call("StakeToken.mint", token, DevnetToken::mintCall { to: staker, amount }.abi_encode()).await?;
    let sm = p.get("StrategyManager");
    let as_staker =
        |to: Address, data: Vec<u8>| TransactionRequest::default().with_from(staker).with_to(to).with_input(data);
    for (what, tx) in [
        ("staker approves", as_staker(token, DevnetToken::approveCall { spender: sm, value: amount }.abi_encode())),
        (
            "staker deposits",
            as_staker(sm, IStrategyManagerInit::depositIntoStrategyCall { strategy, token, amount }.abi_encode()),
        ),
    ] {
        let receipt = d
            .provider
            .send_transaction(tx)
            .await
            .map_err(|e| Error::Deploy { what: what.into(), why: e.to_string() })?
            .get_receipt()
            .await
            .map_err(|e| Error::Deploy { what: what.into(), why: e.to_string() })?;
        d.sent += 1;
        if !receipt.status() {
            return Err(Error::Deploy { what: what.into(), why: "reverted".into() });
        }
    }
    // The rewards coordinator pays claims from its own balance.
    let rc = p.get("RewardsCoordinator");
    let funds = U256::from(params::REWARD_FUNDS);
    d.call("RewardToken.mint", reward_token, DevnetToken::mintCall { to: rc, amount: funds }.abi_encode()).await?;
    Ok(Stake { token, strategy, reward_token })
}

/// The test AVSs (AVS-side fixtures; EigenLayer itself is never mocked).
async fn avss<P: Provider>(
    d: &mut Deployer<'_, P>,
    p: &Proxies,
    stake: &Stake,
) -> Result<Vec<(String, Address)>, Error> {
    let am = p.get("AllocationManager");
    let opset_args = OperatorSetAVS::constructorCall { allocationManager_: am, keyRegistrar_: p.get("KeyRegistrar") };
    let opset = d.create(OPERATOR_SET_AVS, &OperatorSetAVS::BYTECODE, opset_args.abi_encode()).await?;
    let setup = OperatorSetAVS::setUpCall {
        metadataURI: OPERATOR_SET_AVS_URI.to_owned(),
        strategy_: stake.strategy,
        recipient: crate::dev_signer(REDISTRIBUTION_RECIPIENT_INDEX).address(),
        slasher: crate::dev_signer(SLASHER_INDEX).address(),
    };
    d.call("OperatorSetAVS.setUp", opset, setup.abi_encode()).await?;
    let legacy_args =
        LegacyAVS::constructorCall { avsDirectory_: p.get("AVSDirectory"), metadataURI: LEGACY_AVS_URI.to_owned() };
    let legacy = d.create(LEGACY_AVS, &LegacyAVS::BYTECODE, legacy_args.abi_encode()).await?;
    // A BLS AVS: its registrar stands in for the middleware's registry coordinator; its key registry is the
    // middleware's own BLSApkRegistry, whose constructor takes the coordinator's address.
    let bls =
        d.create(BLS_AVS, &BLSAVS::BYTECODE, BLSAVS::constructorCall { allocationManager_: am }.abi_encode()).await?;
    let registry = d.create(BLS_APK_REGISTRY, &hex_code(BLS_APK_REGISTRY_HEX)?, (bls,).abi_encode_params()).await?;
    let setup = BLSAVS::setUpCall { metadataURI: BLS_AVS_URI.to_owned(), registry };
    d.call("BLSAVS.setUp", bls, setup.abi_encode()).await?;
    Ok(vec![
        (OPERATOR_SET_AVS.to_owned(), opset),
        (LEGACY_AVS.to_owned(), legacy),
        (BLS_AVS.to_owned(), bls),
        (BLS_APK_REGISTRY.to_owned(), registry),
    ])
}

fn hex_code(hex: &str) -> Result<Bytes, Error> {
    hex.trim().parse().map_err(|e| Error::Deploy { what: BLS_APK_REGISTRY.into(), why: format!("not hex: {e}") })
}

/// The timing parameters, for the address book.
fn parameters() -> BTreeMap<String, u64> {
    use params::*;
    BTreeMap::from([
        ("MIN_WITHDRAWAL_DELAY_BLOCKS".to_owned(), u64::from(MIN_WITHDRAWAL_DELAY_BLOCKS)),
        ("DEALLOCATION_DELAY_BLOCKS".to_owned(), u64::from(DEALLOCATION_DELAY_BLOCKS)),
        ("ALLOCATION_CONFIGURATION_DELAY_BLOCKS".to_owned(), u64::from(ALLOCATION_CONFIGURATION_DELAY_BLOCKS)),
        ("REWARDS_ACTIVATION_DELAY_SECONDS".to_owned(), u64::from(REWARDS_ACTIVATION_DELAY_SECONDS)),
        ("CALCULATION_INTERVAL_SECONDS".to_owned(), u64::from(CALCULATION_INTERVAL_SECONDS)),
        ("GENESIS_REWARDS_TIMESTAMP".to_owned(), u64::from(GENESIS_REWARDS_TIMESTAMP)),
    ])
}
