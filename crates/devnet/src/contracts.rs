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

// --- EigenLayer: the views, calls and events used -------------------------------------------------------

sol! {
    #[sol(rpc)]
    interface IDelegationManager {
        event OperatorRegistered(address indexed operator, address delegationApprover);
        event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);

        function registerAsOperator(address initDelegationApprover, uint32 allocationDelay, string metadataURI)
            external;
        function isOperator(address operator) external view returns (bool);
        function delegationApprover(address operator) external view returns (address);
        function version() external view returns (string memory);
    }

    struct OperatorSet {
        address avs;
        uint32 id;
    }

    struct RegisterParams {
        address avs;
        uint32[] operatorSetIds;
        bytes data;
    }

    #[sol(rpc)]
    interface IAllocationManager {
        function registerForOperatorSets(address operator, RegisterParams params) external;
        function isMemberOfOperatorSet(address operator, OperatorSet operatorSet) external view returns (bool);
        function isOperatorSet(OperatorSet operatorSet) external view returns (bool);
        function getRegisteredSets(address operator) external view returns (OperatorSet[] memory);
        function getAllocationDelay(address operator) external view returns (bool isSet, uint32 delay);
        function version() external view returns (string memory);
        // Release >= 1.5.0 only: probing it tells whether redistributable operator sets exist.
        function isRedistributingOperatorSet(OperatorSet operatorSet) external view returns (bool);
        // Release >= 1.9.0 only.
        function SLASHER_CONFIGURATION_DELAY() external view returns (uint32);
    }

    struct SignatureWithSaltAndExpiry {
        bytes signature;
        bytes32 salt;
        uint256 expiry;
    }

    #[sol(rpc)]
    interface IAVSDirectory {
        event OperatorAVSRegistrationStatusUpdated(address indexed operator, address indexed avs, uint8 status);

        function calculateOperatorAVSRegistrationDigestHash(address operator, address avs, bytes32 salt,
            uint256 expiry) external view returns (bytes32);
        function avsOperatorStatus(address avs, address operator) external view returns (uint8);
        function operatorSaltIsSpent(address operator, bytes32 salt) external view returns (bool);
    }

    /// Release >= 1.9.0: the protocol-wide release string.
    #[sol(rpc)]
    interface IProtocolRegistry {
        function version() external view returns (string memory);
    }
}

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
