//! Bindings: EigenLayer release 1.13.0 from its committed artifacts (`eigenlayer/core/`), eigenlayer-middleware's
//! BLSApkRegistry, and our own devnet contracts, bound from the artifacts committed in `artifacts/`.

// No `missing_docs` allowed here: `sol!` writes a doc for each item it generates and allows the lint on fields.
#![allow(missing_debug_implementations, unreachable_pub)]

use alloy::sol;

// --- EigenLayer 1.13.0: the committed artifacts (creation code + ABI, byte-identical to EigenLayer's CI build;
// `tools/eigenlayer-artifacts` builds and checks them), and the slice of their interfaces the deployment calls.

/// The committed EigenLayer artifacts, by contract name.
pub mod eigenlayer_artifacts {
    macro_rules! artifacts {
        ($($name:ident),* $(,)?) => {
            $(
                #[allow(non_upper_case_globals)]
                #[doc = concat!("`eigenlayer/core/", stringify!($name), ".json`: its creation code and ABI.")]
                pub const $name: &str = include_str!(concat!("../eigenlayer/core/", stringify!($name), ".json"));
            )*
            /// Every artifact, by name.
            pub const ALL: &[(&str, &str)] = &[$((stringify!($name), $name)),*];
        };
    }

    artifacts!(
        PauserRegistry,
        ProtocolRegistry,
        DelegationManager,
        AllocationManager,
        AllocationManagerView,
        StrategyManager,
        StrategyFactory,
        StrategyBase,
        DurationVaultStrategy,
        EigenStrategy,
        AVSDirectory,
        PermissionController,
        RewardsCoordinator,
        EmissionsController,
        KeyRegistrar,
        EigenPodManager,
        EigenPod,
        Eigen,
        BackingEigen,
    );

    /// An artifact's creation code.
    pub fn creation_code(artifact: &str) -> Result<alloy::primitives::Bytes, String> {
        #[derive(serde::Deserialize)]
        struct Artifact {
            bytecode: alloy::primitives::Bytes,
        }
        serde_json::from_str::<Artifact>(artifact).map(|a| a.bytecode).map_err(|e| e.to_string())
    }
}

sol! {
    /// The initialisers and calls the devnet's deployment makes (each checked against the artifact's ABI by a test).
    interface IDelegationManagerInit {
        function initialize(uint256 initialPausedStatus) external;
    }
    interface IOwnedInit {
        function initialize(address initialOwner, uint256 initialPausedStatus) external;
    }
    interface IStrategyManagerInit {
        function initialize(address initialOwner, address initialStrategyWhitelister, uint256 initialPausedStatus)
            external;
        function depositIntoStrategy(address strategy, address token, uint256 amount) external returns (uint256);
    }
    interface IRewardsCoordinatorInit {
        function initialize(address initialOwner, uint256 initialPausedStatus, address _rewardsUpdater,
            uint32 _activationDelay, uint16 _defaultSplitBips, address _feeRecipient) external;
    }
    struct RewardsCoordinatorConstructorParams {
        address delegationManager;
        address strategyManager;
        address allocationManager;
        address emissionsController;
        address pauserRegistry;
        address permissionController;
        uint32 CALCULATION_INTERVAL_SECONDS;
        uint32 MAX_REWARDS_DURATION;
        uint32 MAX_RETROACTIVE_LENGTH;
        uint32 MAX_FUTURE_LENGTH;
        uint32 GENESIS_REWARDS_TIMESTAMP;
    }
    contract RewardsCoordinatorImpl {
        constructor(RewardsCoordinatorConstructorParams params);
    }
    interface IProtocolRegistryInit {
        struct DeploymentConfig {
            bool pausable;
            bool deprecated;
        }
        function initialize(address initialAdmin, address pauserMultisig) external;
        function ship(address[] addresses, DeploymentConfig[] configs, string[] names, string semanticVersion)
            external;
    }
    #[sol(rpc)]
    interface IStrategyFactory {
        function initialize(address _initialOwner, uint256 _initialPausedStatus) external;
        function deployNewStrategy(address token) external returns (address);
        function deployedStrategies(address token) external view returns (address);
    }
    interface IEmissionsControllerInit {
        function initialize(address initialOwner, address initialIncentiveCouncil, uint256 initialPausedStatus)
            external;
    }
    interface IBackingEigenInit {
        function initialize(address initialOwner) external;
    }
    interface IEigenInit {
        function initialize(address initialOwner, address[] minters, uint256[] mintingAllowances,
            uint256[] mintAllowedAfters) external;
    }
    interface IEigenStrategyInit {
        function initialize(address _EIGEN, address _bEIGEN) external;
    }
}

// --- EigenLayer: the views, calls and events used (shared with the CLI) --------------------------------

pub use opwallet_bindings::eigenlayer::*;

// --- Our devnet contracts (contracts/devnet/Devnet.sol, OpenZeppelin proxies) ---------------------------

sol!(
    #[sol(rpc)]
    EmptyContract,
    "artifacts/EmptyContract.json"
);
sol!(
    #[sol(rpc)]
    DevnetToken,
    "artifacts/DevnetToken.json"
);
sol!(
    #[sol(rpc)]
    DevnetBeaconDeposit,
    "artifacts/DevnetBeaconDeposit.json"
);
sol!(
    #[sol(rpc)]
    OperatorSetAVS,
    "artifacts/OperatorSetAVS.json"
);
sol!(
    #[sol(rpc)]
    LegacyAVS,
    "artifacts/LegacyAVS.json"
);
sol!(
    #[sol(rpc)]
    BLSAVS,
    "artifacts/BLSAVS.json"
);
sol!(
    #[sol(rpc)]
    TransparentUpgradeableProxy,
    "artifacts/TransparentUpgradeableProxy.json"
);
sol!(
    #[sol(rpc)]
    ProxyAdmin,
    "artifacts/ProxyAdmin.json"
);
sol!(
    #[sol(rpc)]
    UpgradeableBeacon,
    "artifacts/UpgradeableBeacon.json"
);

#[cfg(test)]
mod tests {
    use alloy::{json_abi::JsonAbi, sol_types::SolCall};

    use super::{eigenlayer_artifacts as el, *};

    fn abi(artifact: &str) -> JsonAbi {
        #[derive(serde::Deserialize)]
        struct Artifact {
            abi: JsonAbi,
        }
        serde_json::from_str::<Artifact>(artifact).expect("an artifact").abi
    }

    fn has(artifact: &str, selector: [u8; 4]) -> bool {
        abi(artifact).functions().any(|f| f.selector() == selector)
    }

    #[test]
    fn every_call_the_deployment_makes_is_in_the_release_abi() {
        for (name, artifact, selector) in [
            ("DelegationManager", el::DelegationManager, IDelegationManagerInit::initializeCall::SELECTOR),
            ("AllocationManager", el::AllocationManager, IDelegationManagerInit::initializeCall::SELECTOR),
            ("StrategyManager", el::StrategyManager, IStrategyManagerInit::initializeCall::SELECTOR),
            ("StrategyManager", el::StrategyManager, IStrategyManagerInit::depositIntoStrategyCall::SELECTOR),
            ("EigenPodManager", el::EigenPodManager, IOwnedInit::initializeCall::SELECTOR),
            ("AVSDirectory", el::AVSDirectory, IOwnedInit::initializeCall::SELECTOR),
            ("RewardsCoordinator", el::RewardsCoordinator, IRewardsCoordinatorInit::initializeCall::SELECTOR),
            ("ProtocolRegistry", el::ProtocolRegistry, IProtocolRegistryInit::initializeCall::SELECTOR),
            ("ProtocolRegistry", el::ProtocolRegistry, IProtocolRegistryInit::shipCall::SELECTOR),
            ("StrategyFactory", el::StrategyFactory, IStrategyFactory::initializeCall::SELECTOR),
            ("StrategyFactory", el::StrategyFactory, IStrategyFactory::deployNewStrategyCall::SELECTOR),
            ("StrategyFactory", el::StrategyFactory, IStrategyFactory::deployedStrategiesCall::SELECTOR),
            ("EmissionsController", el::EmissionsController, IEmissionsControllerInit::initializeCall::SELECTOR),
            ("BackingEigen", el::BackingEigen, IBackingEigenInit::initializeCall::SELECTOR),
            ("Eigen", el::Eigen, IEigenInit::initializeCall::SELECTOR),
            ("EigenStrategy", el::EigenStrategy, IEigenStrategyInit::initializeCall::SELECTOR),
        ] {
            assert!(has(artifact, selector), "{name} has no function {selector:?}");
        }
        // The RewardsCoordinator's constructor takes exactly the struct declared here.
        let constructor = abi(el::RewardsCoordinator).constructor.expect("a constructor");
        let types: Vec<String> = constructor.inputs[0].components.iter().map(|c| c.ty.clone()).collect();
        assert_eq!(types.len(), 11);
        assert_eq!(types[..6], ["address"; 6]);
        assert_eq!(types[6..], ["uint32"; 5]);
    }

    #[test]
    fn the_events_a_simulation_names_are_exactly_the_releases() {
        let mut release: Vec<String> =
            el::ALL.iter().flat_map(|(_, a)| abi(a).events().map(|e| e.full_signature()).collect::<Vec<_>>()).collect();
        release.sort();
        release.dedup();
        let mut named: Vec<String> =
            opwallet_core::simulate::eigenlayer_events().iter().map(|e| e.full_signature()).collect();
        named.sort();
        named.dedup();
        assert_eq!(named, release, "crates/core/src/eigenlayer-events.json is stale: run tools/eigenlayer-events");
    }

    #[test]
    fn opwallets_eigenlayer_bindings_are_in_the_release_abi() {
        use opwallet_bindings::eigenlayer as b;
        // Functions of releases before 1.9 that the release probe tries and expects to fail on 1.13.0.
        let older = ["version"];
        for (name, artifact, bound) in [
            ("DelegationManager", el::DelegationManager, b::IDelegationManager::abi::functions()),
            ("AllocationManager", el::AllocationManager, b::IAllocationManager::abi::functions()),
            ("AVSDirectory", el::AVSDirectory, b::IAVSDirectory::abi::functions()),
            ("PermissionController", el::PermissionController, b::IPermissionController::abi::functions()),
            ("ProtocolRegistry", el::ProtocolRegistry, b::IProtocolRegistry::abi::functions()),
            ("RewardsCoordinator", el::RewardsCoordinator, b::IRewardsCoordinator::abi::functions()),
            ("KeyRegistrar", el::KeyRegistrar, b::IKeyRegistrar::abi::functions()),
            ("StrategyManager", el::StrategyManager, b::IStrategyManager::abi::functions()),
        ] {
            let release = abi(artifact);
            for f in bound.values().flatten() {
                let found = release.functions().any(|r| r.selector() == f.selector());
                assert!(
                    found || (name == "AllocationManager" && older.contains(&f.name.as_str())),
                    "{name}.{}",
                    f.name
                );
            }
        }
        let errors: Vec<[u8; 4]> =
            el::ALL.iter().flat_map(|(_, a)| abi(a).errors().map(|e| e.selector().0).collect::<Vec<_>>()).collect();
        for e in b::IEigenLayerErrors::abi::errors().values().flatten() {
            assert!(errors.contains(&e.selector().0), "error {} is in no 1.13.0 contract", e.name);
        }
    }
}
