// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Contracts the local EigenLayer devnet (crates/devnet) deploys besides EigenLayer's own release-1.3.0 bytecode.
// They are compiled here so the devnet needs no other source; docs/devnet.md gives the deployment order.
//
// OpenZeppelin's proxies are imported so forge emits their artifacts for the devnet deployer.
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

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

    /// @dev Every set exists as far as the fixture is concerned (the real check is EigenLayer's).
    function isOperatorSet(OperatorSet calldata) external pure returns (bool) {
        return true;
    }

    function isRedistributingOperatorSet(OperatorSet calldata set) external view returns (bool) {
        return set.avs == redistributingAvs && set.id == redistributingId;
    }

    function getRedistributionRecipient(OperatorSet calldata set) external view returns (address) {
        return set.avs == redistributingAvs && set.id == redistributingId ? recipient : address(0);
    }
}

/// @dev The slice of eigenlayer-middleware's BLSApkRegistry (deployed from its real bytecode) a coordinator calls.
interface IBLSApkRegistryDevnet {
    struct G1Point {
        uint256 X;
        uint256 Y;
    }

    struct G2Point {
        uint256[2] X;
        uint256[2] Y;
    }

    struct PubkeyRegistrationParams {
        G1Point pubkeyRegistrationSignature;
        G1Point pubkeyG1;
        G2Point pubkeyG2;
    }

    function getOrRegisterOperatorId(
        address operator,
        PubkeyRegistrationParams calldata params,
        G1Point calldata pubkeyRegistrationMessageHash
    ) external returns (bytes32 operatorId);
}

/// @notice A BLS AVS for tests, standing in for eigenlayer-middleware's SlashingRegistryCoordinator where operators
/// meet it: it is the AVS and its registrar, decodes the registration `data` as the coordinator does
/// (`abi.encode(RegistrationType, socket, PubkeyRegistrationParams)`), and has the middleware's real
/// BLSApkRegistry check and store the key. The message a key signs is computed as the middleware computes it:
/// `BN254.hashToG1` (try and increment) of the EIP-712 digest of `BN254PubkeyRegistration(operator)` under the
/// domain ("AVSRegistryCoordinator", "v0.0.1", chain id, this contract). opwallet computes the same point itself
/// and refuses a coordinator (or RPC node) that asks for another.
contract BLSAVS is EIP712 {
    error OnlyAllocationManager();
    error OnlyDeployer();
    error AlreadySetUp();
    error UnsupportedRegistrationType(uint8 registrationType);

    uint32 public constant BLS_SET = 0;
    /// @dev BN254's base field modulus (middleware `BN254.FP_MODULUS`).
    uint256 private constant FP_MODULUS =
        21888242871839275222246405745257275088696311157297823662689037894645226208583;
    bytes32 public constant PUBKEY_REGISTRATION_TYPEHASH = keccak256("BN254PubkeyRegistration(address operator)");

    IAllocationManagerAVS public immutable allocationManager;
    address private immutable deployer;
    IBLSApkRegistryDevnet public blsApkRegistry;
    mapping(address operator => string) public socket;
    mapping(address operator => bytes32) public operatorId;

    event OperatorRegistered(address indexed operator, bytes32 operatorId, string socket);

    constructor(IAllocationManagerAVS allocationManager_) EIP712("AVSRegistryCoordinator", "v0.0.1") {
        allocationManager = allocationManager_;
        deployer = msg.sender;
    }

    /// @notice Registers the AVS with EigenLayer and points it at its key registry (deployed after this contract,
    /// because the registry's constructor takes this address).
    function setUp(string calldata metadataURI, IBLSApkRegistryDevnet registry) external {
        if (msg.sender != deployer) revert OnlyDeployer();
        if (address(blsApkRegistry) != address(0)) revert AlreadySetUp();
        blsApkRegistry = registry;
        allocationManager.updateAVSMetadataURI(address(this), metadataURI);
        allocationManager.setAVSRegistrar(address(this), address(this));
        IAllocationManagerAVS.CreateSetParams[] memory sets = new IAllocationManagerAVS.CreateSetParams[](1);
        sets[0].operatorSetId = BLS_SET;
        allocationManager.createOperatorSets(address(this), sets);
    }

    function supportsAVS(address avs) external view returns (bool) {
        return avs == address(this);
    }

    /// @notice The coordinator's EIP-712 domain separator (middleware `domainSeparator()`).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice The EIP-712 digest of `BN254PubkeyRegistration(operator)` (middleware
    /// `calculatePubkeyRegistrationMessageHash`).
    function calculatePubkeyRegistrationMessageHash(address operator) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PUBKEY_REGISTRATION_TYPEHASH, operator)));
    }

    /// @notice The G1 point an operator's BLS key must sign to register (middleware `pubkeyRegistrationMessageHash`).
    function pubkeyRegistrationMessageHash(address operator)
        public
        view
        returns (IBLSApkRegistryDevnet.G1Point memory)
    {
        return _hashToG1(calculatePubkeyRegistrationMessageHash(operator));
    }

    /// @dev Middleware `BN254.hashToG1`: from x = h mod p, the first x with x^3 + 3 a square; y = (x^3 + 3)^((p+1)/4)
    /// through the modexp precompile, with no sign normalisation.
    function _hashToG1(bytes32 h) private view returns (IBLSApkRegistryDevnet.G1Point memory) {
        uint256 x = uint256(h) % FP_MODULUS;
        while (true) {
            uint256 beta = addmod(mulmod(mulmod(x, x, FP_MODULUS), x, FP_MODULUS), 3, FP_MODULUS);
            (bool ok, bytes memory out) = address(0x05).staticcall(
                abi.encode(uint256(32), uint256(32), uint256(32), beta, (FP_MODULUS + 1) / 4, FP_MODULUS)
            );
            require(ok && out.length == 32);
            uint256 y = abi.decode(out, (uint256));
            if (mulmod(y, y, FP_MODULUS) == beta) return IBLSApkRegistryDevnet.G1Point(x, y);
            x = addmod(x, 1, FP_MODULUS);
        }
        revert(); // unreachable: the loop returns
    }

    function registerOperator(address operator, address avs, uint32[] calldata, bytes calldata data) external {
        if (msg.sender != address(allocationManager) || avs != address(this)) revert OnlyAllocationManager();
        (uint8 registrationType, string memory socket_, IBLSApkRegistryDevnet.PubkeyRegistrationParams memory params) =
            abi.decode(data, (uint8, string, IBLSApkRegistryDevnet.PubkeyRegistrationParams));
        if (registrationType != 0) revert UnsupportedRegistrationType(registrationType);
        bytes32 id = blsApkRegistry.getOrRegisterOperatorId(operator, params, pubkeyRegistrationMessageHash(operator));
        operatorId[operator] = id;
        socket[operator] = socket_;
        emit OperatorRegistered(operator, id, socket_);
    }

    function deregisterOperator(address, address avs, uint32[] calldata) external view {
        if (msg.sender != address(allocationManager) || avs != address(this)) revert OnlyAllocationManager();
    }
}
