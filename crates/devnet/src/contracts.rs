//! Bindings: EigenLayer's release-1.3.0 interfaces (just what the devnet and its tests use, signatures from
//! the release's ABI) and our own devnet contracts, bound from the artifacts committed in `artifacts/`.

#![allow(missing_docs, missing_debug_implementations, unreachable_pub)]

use alloy::sol;

// --- EigenLayer: constructors (deployed from the release bytecode in `eigenlayer/`) -------------------

sol! {
    contract DelegationManagerImpl {
        constructor(address strategyManager, address eigenPodManager, address allocationManager,
            address pauserRegistry, address permissionController, uint32 minWithdrawalDelayBlocks, string version);
    }
    contract AllocationManagerImpl {
        constructor(address delegation, address pauserRegistry, address permissionController,
            uint32 deallocationDelay, uint32 allocationConfigurationDelay, string version);
    }
    contract StrategyManagerImpl {
        constructor(address delegation, address pauserRegistry, string version);
    }
    contract EigenPodManagerImpl {
        constructor(address ethPOS, address eigenPodBeacon, address delegationManager, address pauserRegistry,
            string version);
    }
    contract EigenPodImpl {
        constructor(address ethPOS, address eigenPodManager, uint64 genesisTime, string version);
    }
    contract AVSDirectoryImpl {
        constructor(address delegation, address pauserRegistry, string version);
    }
    contract PermissionControllerImpl {
        constructor(string version);
    }

    /// The initialisers EigenLayer's deployment calls through `ProxyAdmin.upgradeAndCall`.
    interface IEigenLayerInit {
        function initialize(address initialOwner, uint256 initialPausedStatus) external;
    }
    interface IStrategyManagerInit {
        function initialize(address initialOwner, address initialStrategyWhitelister, uint256 initialPausedStatus)
            external;
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
    DevnetPauserRegistry,
    "artifacts/DevnetPauserRegistry.json"
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
    RedistributionViewsFixture,
    "artifacts/RedistributionViewsFixture.json"
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
