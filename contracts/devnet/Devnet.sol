// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Contracts the local EigenLayer devnet (crates/devnet) deploys besides EigenLayer's own release-1.3.0 bytecode.
// They are compiled here so the devnet needs no other source; docs/devnet.md gives the deployment order.
//
// OpenZeppelin's proxies are imported so forge emits their artifacts for the devnet deployer.
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";

/// @dev The first implementation behind EigenLayer's proxies, as in EigenLayer's own deployment: proxies must
/// exist before the implementations, whose immutables point at the proxies. OZ >= 5.5 proxies refuse empty init
/// data, so it accepts (and ignores) one call.
contract EmptyContract {
    function touch() external pure {}
}

/// @dev Stand-in for EigenLayer's PauserRegistry: only pause/unpause consult it, and the devnet never pauses.
contract DevnetPauserRegistry {
    address public immutable unpauser;

    constructor(address unpauser_) {
        unpauser = unpauser_;
    }

    function isPauser(address) external pure returns (bool) {
        return false;
    }
}

/// @dev Stand-in for the beacon-chain deposit contract: only EigenPod.stake calls it, and a devnet has no beacon chain.
contract DevnetBeaconDeposit {
    event DepositEvent(bytes pubkey, bytes withdrawalCredentials, bytes signature, bytes32 depositDataRoot);

    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawalCredentials,
        bytes calldata signature,
        bytes32 depositDataRoot
    ) external payable {
        emit DepositEvent(pubkey, withdrawalCredentials, signature, depositDataRoot);
    }
}

/// @dev The slice of EigenLayer 1.3.0's AllocationManager an AVS uses.
interface IAllocationManagerAVS {
    struct CreateSetParams {
        uint32 operatorSetId;
        address[] strategies;
    }

    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;
    function setAVSRegistrar(address avs, address registrar) external;
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external;
}

/// @dev The slice of EigenLayer's AVSDirectory a legacy AVS uses.
interface IAVSDirectoryAVS {
    struct SignatureWithSaltAndExpiry {
        bytes signature;
        bytes32 salt;
        uint256 expiry;
    }

    function registerOperatorToAVS(address operator, SignatureWithSaltAndExpiry calldata operatorSignature) external;
    function updateAVSMetadataURI(string calldata metadataURI) external;
}

/// @notice A real operator-set AVS for tests: it is its own IAVSRegistrar, creates operator sets 0 and 1, and
/// records the `data` bytes operators send when registering for set 1.
contract OperatorSetAVS {
    error OnlyAllocationManager();

    uint32 public constant PLAIN_SET = 0;
    uint32 public constant RECORDING_SET = 1;

    error AlreadySetUp();
    error OnlyDeployer();

    IAllocationManagerAVS public immutable allocationManager;
    address private immutable deployer;
    bool public isSetUp;
    mapping(address operator => bytes) public recordedData;
    mapping(address operator => uint256) public registrations;

    event OperatorRegistered(address indexed operator, uint32[] operatorSetIds, bytes data);
    event OperatorDeregistered(address indexed operator, uint32[] operatorSetIds);

    constructor(IAllocationManagerAVS allocationManager_) {
        allocationManager = allocationManager_;
        deployer = msg.sender;
    }

    /// @notice Registers the AVS with EigenLayer. Not in the constructor: `setAVSRegistrar` calls back
    /// `supportsAVS`, which a contract under construction cannot answer.
    function setUp(string calldata metadataURI) external {
        if (msg.sender != deployer) revert OnlyDeployer();
        if (isSetUp) revert AlreadySetUp();
        isSetUp = true;
        // Order required by EigenLayer: metadata first (else NonexistentAVSMetadata), then registrar, then sets.
        allocationManager.updateAVSMetadataURI(address(this), metadataURI);
        allocationManager.setAVSRegistrar(address(this), address(this));
        IAllocationManagerAVS.CreateSetParams[] memory sets = new IAllocationManagerAVS.CreateSetParams[](2);
        sets[0].operatorSetId = PLAIN_SET;
        sets[1].operatorSetId = RECORDING_SET;
        allocationManager.createOperatorSets(address(this), sets);
    }

    function supportsAVS(address avs) external view returns (bool) {
        return avs == address(this);
    }

    function registerOperator(address operator, address avs, uint32[] calldata operatorSetIds, bytes calldata data)
        external
    {
        if (msg.sender != address(allocationManager) || avs != address(this)) revert OnlyAllocationManager();
        registrations[operator]++;
        for (uint256 i; i < operatorSetIds.length; ++i) {
            if (operatorSetIds[i] == RECORDING_SET) recordedData[operator] = data;
        }
        emit OperatorRegistered(operator, operatorSetIds, data);
    }

    function deregisterOperator(address operator, address avs, uint32[] calldata operatorSetIds) external {
        if (msg.sender != address(allocationManager) || avs != address(this)) revert OnlyAllocationManager();
        emit OperatorDeregistered(operator, operatorSetIds);
    }
}

/// @notice A real legacy (pre-operator-set) AVS for tests: registers an operator in EigenLayer's AVSDirectory with
/// the operator's signature (ECDSA for an EOA, ERC-1271 for a contract operator such as an OperatorWallet).
contract LegacyAVS {
    IAVSDirectoryAVS public immutable avsDirectory;

    constructor(IAVSDirectoryAVS avsDirectory_, string memory metadataURI) {
        avsDirectory = avsDirectory_;
        avsDirectory_.updateAVSMetadataURI(metadataURI);
    }

    function registerOperator(address operator, bytes calldata signature, bytes32 salt, uint256 expiry) external {
        avsDirectory.registerOperatorToAVS(
            operator, IAVSDirectoryAVS.SignatureWithSaltAndExpiry(signature, salt, expiry)
        );
    }
}

/// @notice Test fixture for opwallet's redistribution guard: it answers only the redistribution views that
/// AllocationManager gained in EigenLayer 1.5.0 (the devnet runs 1.3.0, which predates them). Tests point an address
/// book's AllocationManager at it to exercise the refusal path; it never stands in for a real AllocationManager.
contract RedistributionViewsFixture {
    struct OperatorSet {
        address avs;
        uint32 id;
    }

    address public immutable redistributingAvs;
    uint32 public immutable redistributingId;
    address public immutable recipient;

    constructor(address avs, uint32 id, address recipient_) {
        redistributingAvs = avs;
        redistributingId = id;
        recipient = recipient_;
    }

    function isRedistributingOperatorSet(OperatorSet calldata set) external view returns (bool) {
        return set.avs == redistributingAvs && set.id == redistributingId;
    }

    function getRedistributionRecipient(OperatorSet calldata set) external view returns (address) {
        return set.avs == redistributingAvs && set.id == redistributingId ? recipient : address(0);
    }
}
