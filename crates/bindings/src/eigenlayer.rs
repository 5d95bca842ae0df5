//! EigenLayer interfaces as `sol!` declarations of just the functions, events and errors opwallet uses
//! (signatures from EigenLayer's release ABIs; FACTS.md).

// No `missing_docs` allowed here: `sol!` writes a doc for each item it generates and allows the lint on fields.
#![allow(missing_debug_implementations, unreachable_pub)]

use alloy::sol;

sol! {
    #![sol(all_derives, abi)]
    struct SignatureWithExpiry {
        bytes signature;
        uint256 expiry;
    }

    #[sol(rpc)]
    interface IDelegationManager {
        event OperatorRegistered(address indexed operator, address delegationApprover);
        event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);

        function registerAsOperator(address initDelegationApprover, uint32 allocationDelay, string metadataURI)
            external;
        function updateOperatorMetadataURI(address operator, string metadataURI) external;
        function modifyOperatorDetails(address operator, address newDelegationApprover) external;
        function delegateTo(address operator, SignatureWithExpiry approverSignatureAndExpiry, bytes32 approverSalt)
            external;
        function delegatedTo(address staker) external view returns (address);
        function undelegate(address staker) external returns (bytes32[] memory withdrawalRoots);
        function operatorShares(address operator, address strategy) external view returns (uint256);
        function calculateDelegationApprovalDigestHash(address staker, address operator, address approver,
            bytes32 approverSalt, uint256 expiry) external view returns (bytes32);
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

    struct DeregisterParams {
        address operator;
        address avs;
        uint32[] operatorSetIds;
    }

    /// A (pending) allocation: `currentMagnitude`, and `pendingDiff` taking effect at `effectBlock`.
    struct Allocation {
        uint64 currentMagnitude;
        int128 pendingDiff;
        uint32 effectBlock;
    }

    struct AllocateParams {
        OperatorSet operatorSet;
        address[] strategies;
        uint64[] newMagnitudes;
    }

    #[sol(rpc)]
    interface IAllocationManager {
        function registerForOperatorSets(address operator, RegisterParams params) external;
        function deregisterFromOperatorSets(DeregisterParams params) external;
        function setAllocationDelay(address operator, uint32 delay) external;
        function modifyAllocations(address operator, AllocateParams[] params) external;
        function isMemberOfOperatorSet(address operator, OperatorSet operatorSet) external view returns (bool);
        function isOperatorSet(OperatorSet operatorSet) external view returns (bool);
        function getRegisteredSets(address operator) external view returns (OperatorSet[] memory);
        function getAllocationDelay(address operator) external view returns (bool isSet, uint32 delay);
        function getAVSRegistrar(address avs) external view returns (address);
        function version() external view returns (string memory);
        // Release >= 1.5.0 only: probing it tells whether redistributable operator sets exist.
        function isRedistributingOperatorSet(OperatorSet operatorSet) external view returns (bool);
        function isOperatorSlashable(address operator, OperatorSet operatorSet) external view returns (bool);
        function getMaxMagnitude(address operator, address strategy) external view returns (uint64);
        function getEncumberedMagnitude(address operator, address strategy) external view returns (uint64);
        function getAllocatableMagnitude(address operator, address strategy) external view returns (uint64);
        function getAllocation(address operator, OperatorSet operatorSet, address strategy)
            external view returns (Allocation memory);
        function getAllocatedSets(address operator) external view returns (OperatorSet[] memory);
        function getAllocatedStrategies(address operator, OperatorSet operatorSet) external view returns (address[] memory);
        function getMinimumSlashableStake(OperatorSet operatorSet, address[] operators, address[] strategies,
            uint32 futureBlock) external view returns (uint256[][] memory);
        function DEALLOCATION_DELAY() external view returns (uint32);
        function ALLOCATION_CONFIGURATION_DELAY() external view returns (uint32);
        event OperatorSlashed(address operator, OperatorSet operatorSet, address[] strategies, uint256[] wadSlashed,
            string description);
        event AllocationDelaySet(address operator, uint32 delay, uint32 effectBlock);
        function getRedistributionRecipient(OperatorSet operatorSet) external view returns (address);
        function getStrategiesInOperatorSet(OperatorSet operatorSet) external view returns (address[] memory);
        function getAllocatedStake(OperatorSet operatorSet, address[] operators, address[] strategies)
            external view returns (uint256[][] memory slashableStake);
        // Release >= 1.9.0 only.
        function SLASHER_CONFIGURATION_DELAY() external view returns (uint32);
        function getSlasher(OperatorSet operatorSet) external view returns (address);
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

    /// Release >= 1.0 rewards (RewardsCoordinator): claims, claimers and operator splits.
    struct EarnerTreeMerkleLeaf {
        address earner;
        bytes32 earnerTokenRoot;
    }

    struct TokenTreeMerkleLeaf {
        address token;
        uint256 cumulativeEarnings;
    }

    struct RewardsMerkleClaim {
        uint32 rootIndex;
        uint32 earnerIndex;
        bytes earnerTreeProof;
        EarnerTreeMerkleLeaf earnerLeaf;
        uint32[] tokenIndices;
        bytes[] tokenTreeProofs;
        TokenTreeMerkleLeaf[] tokenLeaves;
    }

    struct DistributionRoot {
        bytes32 root;
        uint32 rewardsCalculationEndTimestamp;
        uint32 activatedAt;
        bool disabled;
    }

    #[sol(rpc)]
    interface IRewardsCoordinator {
        event RewardsClaimed(bytes32 root, address indexed earner, address indexed claimer, address indexed recipient,
            address token, uint256 claimedAmount);
        event ClaimerForSet(address indexed earner, address indexed oldClaimer, address indexed claimer);
        event OperatorAVSSplitBipsSet(address indexed caller, address indexed operator, address indexed avs,
            uint32 activatedAt, uint16 oldOperatorAVSSplitBips, uint16 newOperatorAVSSplitBips);
        event OperatorPISplitBipsSet(address indexed caller, address indexed operator, uint32 activatedAt,
            uint16 oldOperatorPISplitBips, uint16 newOperatorPISplitBips);
        event OperatorSetSplitBipsSet(address indexed caller, address indexed operator, OperatorSet operatorSet,
            uint32 activatedAt, uint16 oldOperatorSetSplitBips, uint16 newOperatorSetSplitBips);

        function processClaims(RewardsMerkleClaim[] claims, address recipient) external;
        function processClaim(RewardsMerkleClaim claim, address recipient) external;
        function checkClaim(RewardsMerkleClaim claim) external view returns (bool);
        function setClaimerFor(address claimer) external;
        function setOperatorAVSSplit(address operator, address avs, uint16 split) external;
        function setOperatorPISplit(address operator, uint16 split) external;
        function setOperatorSetSplit(address operator, OperatorSet operatorSet, uint16 split) external;
        function submitRoot(bytes32 root, uint32 rewardsCalculationEndTimestamp) external;
        function claimerFor(address earner) external view returns (address);
        function cumulativeClaimed(address earner, address token) external view returns (uint256);
        function calculateEarnerLeafHash(EarnerTreeMerkleLeaf leaf) external pure returns (bytes32);
        function calculateTokenLeafHash(TokenTreeMerkleLeaf leaf) external pure returns (bytes32);
        function getCurrentDistributionRoot() external view returns (DistributionRoot memory);
        function getCurrentClaimableDistributionRoot() external view returns (DistributionRoot memory);
        function getDistributionRootAtIndex(uint256 index) external view returns (DistributionRoot memory);
        function getDistributionRootsLength() external view returns (uint256);
        function getRootIndexFromHash(bytes32 rootHash) external view returns (uint32);
        function getOperatorAVSSplit(address operator, address avs) external view returns (uint16);
        function getOperatorPISplit(address operator) external view returns (uint16);
        function getOperatorSetSplit(address operator, OperatorSet operatorSet) external view returns (uint16);
        function activationDelay() external view returns (uint32);
        function currRewardsCalculationEndTimestamp() external view returns (uint32);
        function rewardsUpdater() external view returns (address);
    }

    /// ERC-20 metadata and transfers, for showing token amounts and moving claimed rewards.
    #[sol(rpc)]
    interface IERC20Metadata {
        function symbol() external view returns (string memory);
        function decimals() external view returns (uint8);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
    }

    #[sol(rpc)]
    interface IStrategyManager {
        function stakerDepositShares(address staker, address strategy) external view returns (uint256 shares);
        function depositIntoStrategy(address strategy, address token, uint256 amount) external returns (uint256);
    }

    /// Release >= 1.7.0: AVS signing keys per operator set.
    #[sol(rpc)]
    interface IKeyRegistrar {
        function registerKey(address operator, OperatorSet operatorSet, bytes keyData, bytes signature) external;
        function deregisterKey(address operator, OperatorSet operatorSet) external;
        function getOperatorSetCurveType(OperatorSet operatorSet) external view returns (uint8);
        function isRegistered(OperatorSet operatorSet, address operator) external view returns (bool);
        function getECDSAAddress(OperatorSet operatorSet, address operator) external view returns (address);
        function getKeyHash(OperatorSet operatorSet, address operator) external view returns (bytes32);
        function isKeyGloballyRegistered(bytes32 keyHash) external view returns (bool);
        function getECDSAKeyRegistrationMessageHash(address operator, OperatorSet operatorSet, address keyAddress)
            external view returns (bytes32);
        function getBN254KeyRegistrationMessageHash(address operator, OperatorSet operatorSet, bytes keyData)
            external view returns (bytes32);
        function domainSeparator() external view returns (bytes32);
        function version() external view returns (string memory);
        event KeyRegistered(OperatorSet operatorSet, address indexed operator, uint8 curveType, bytes pubkey);
    }

    /// Release >= 1.9.0: the protocol-wide release string.
    #[sol(rpc)]
    interface IProtocolRegistry {
        function version() external view returns (string memory);
    }

    #[sol(rpc)]
    interface IPermissionController {
        function addPendingAdmin(address account, address admin) external;
        function acceptAdmin(address account) external;
        function removeAdmin(address account, address admin) external;
        function setAppointee(address account, address appointee, address target, bytes4 selector) external;
        function removeAppointee(address account, address appointee, address target, bytes4 selector) external;
        function isAdmin(address account, address caller) external view returns (bool);
        function getAdmins(address account) external view returns (address[] memory);
        function getPendingAdmins(address account) external view returns (address[] memory);
        function canCall(address account, address caller, address target, bytes4 selector) external returns (bool);
        function getAppointees(address account, address target, bytes4 selector) external returns (address[] memory);
        function getAppointeePermissions(address account, address appointee)
            external returns (address[] memory, bytes4[] memory);
        event AppointeeSet(address indexed account, address indexed appointee, address target, bytes4 selector);
        event AppointeeRemoved(address indexed account, address indexed appointee, address target, bytes4 selector);
    }

    /// EigenLayer errors opwallet explains in words. Each selector was checked to occur in the release-1.3.0
    /// bytecode (crates/devnet/eigenlayer/); names that differ between releases are left out rather than guessed.
    interface IEigenLayerErrors {
        error OperatorNotRegisteredToEigenLayer();
        error InvalidSignature();
        error SignatureExpired();
        error NotMemberOfSet();
        error InvalidOperator();
        error InvalidCaller();
        error NotAdmin();
        error AdminNotPending();
        error UninitializedAllocationDelay();
        error NonexistentAVSMetadata();
        error ActivelyDelegated();
        error NotActivelyDelegated();
        error PreviousSplitPending();
        error SplitExceedsMax();
        error EarningsNotGreaterThanClaimed();
        error UnauthorizedCaller();
        error InvalidClaimProof();
        error RootNotActivated();
        error OperatorSetNotConfigured();
        error OperatorAlreadyRegistered();
        error KeyAlreadyRegistered();
        error KeyNotFound(OperatorSet operatorSet, address operator);
        error OperatorStillSlashable(OperatorSet operatorSet, address operator);
        error OperatorsCannotUndelegate();
        error CallerCannotUndelegate();
        error InvalidOperatorSet();
        error AlreadyMemberOfSet();
        error InvalidPermissions();
        error InsufficientMagnitude();
    }
}

// EigenLayer middleware's BLS registration (eigenlayer-middleware: `BN254`, `IBLSApkRegistry`,
// `ISlashingRegistryCoordinator`). A BLS AVS's registrar is its registry coordinator; an operator registers its BLS
// key by sending `abi.encode(RegistrationType, socket, PubkeyRegistrationParams)` as the operator-set `data`.
sol! {
    #![sol(all_derives)]
    library BN254 {
        struct G1Point {
            uint256 X;
            uint256 Y;
        }
        /// Each coordinate is `[imaginary, real]`, the order of the EVM's pairing precompile (EIP-197).
        struct G2Point {
            uint256[2] X;
            uint256[2] Y;
        }
    }

    struct PubkeyRegistrationParams {
        BN254.G1Point pubkeyRegistrationSignature;
        BN254.G1Point pubkeyG1;
        BN254.G2Point pubkeyG2;
    }

    /// `SlashingRegistryCoordinator.registerOperator` decodes its `data` as this tuple (registration type NORMAL).
    struct BlsRegistrationData {
        uint8 registrationType;
        string socket;
        PubkeyRegistrationParams params;
    }

    #[sol(rpc)]
    interface IBLSRegistryCoordinator {
        function pubkeyRegistrationMessageHash(address operator) external view returns (BN254.G1Point memory);
        function blsApkRegistry() external view returns (address);
    }

    #[sol(rpc)]
    interface IBLSApkRegistry {
        error OperatorNotRegistered();
        error BLSPubkeyAlreadyRegistered();
        error OperatorAlreadyRegistered();
        error InvalidBLSSignatureOrPrivateKey();
        error ZeroPubKey();

        function getRegisteredPubkey(address operator) external view returns (BN254.G1Point memory, bytes32);
        function getOperatorId(address operator) external view returns (bytes32);
        function getOperatorPubkeyG2(address operator) external view returns (BN254.G2Point memory);
        function getOperatorFromPubkeyHash(bytes32 pubkeyHash) external view returns (address);
    }
}
