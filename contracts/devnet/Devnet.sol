// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Contracts the local EigenLayer devnet (crates/devnet) deploys besides EigenLayer release 1.13.0 itself (compiled
// from EigenLayer's pinned source: crates/devnet/eigenlayer/core): stand-ins for what is not EigenLayer's, a test
// token, and test AVSs that use EigenLayer as real AVSs do. docs/devnet.md gives the deployment order.
//
// OpenZeppelin's proxies are imported so forge emits their artifacts for the devnet deployer.
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev The first implementation behind EigenLayer's proxies, as in EigenLayer's own deployment: proxies must
/// exist before the implementations, whose immutables point at the proxies. OZ >= 5.5 proxies refuse empty init
/// data, so it accepts (and ignores) one call.
contract EmptyContract {
    function touch() external pure {}
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

/// @notice A test ERC-20 for the devnet's stake and rewards. Anyone may mint: it exists only on local chains.
contract DevnetToken is ERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @dev The slice of EigenLayer 1.13.0's AllocationManager an AVS uses.
interface IAllocationManagerAVS {
    struct CreateSetParams {
        uint32 operatorSetId;
        address[] strategies;
    }

    struct CreateSetParamsV2 {
        uint32 operatorSetId;
        address[] strategies;
        address slasher;
    }

    struct SlashingParams {
        address operator;
        uint32 operatorSetId;
        address[] strategies;
        uint256[] wadsToSlash;
        string description;
    }

    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;
    function setAVSRegistrar(address avs, address registrar) external;
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external;
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParamsV2[] calldata params,
        address[] calldata redistributionRecipients
    ) external;
    function slashOperator(address avs, SlashingParams calldata params)
        external
        returns (uint256 slashId, uint256[] memory shares);
}

/// @dev The slice of EigenLayer's KeyRegistrar an AVS uses.
interface IKeyRegistrarAVS {
    struct OperatorSet {
        address avs;
        uint32 id;
    }

    /// @param curveType 1 = ECDSA, 2 = BN254.
    function configureOperatorSet(OperatorSet calldata operatorSet, uint8 curveType) external;
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

/// @notice A real operator-set AVS for tests, its own IAVSRegistrar. It creates, all with the devnet's stake strategy:
/// set 0 (plain), set 1 (records the `data` operators send), set 2 (redistributing: slashed stake goes to a fixed
/// recipient, and a separate slasher may slash it), set 3 (AVS keys in KeyRegistrar, ECDSA) and set 4 (BN254). It can
/// slash the sets it is the slasher of, so tests can see slashable stake move.
contract OperatorSetAVS {
    error OnlyAllocationManager();
    error AlreadySetUp();
    error OnlyDeployer();

    uint32 public constant PLAIN_SET = 0;
    uint32 public constant RECORDING_SET = 1;
    uint32 public constant REDISTRIBUTING_SET = 2;
    uint32 public constant ECDSA_KEY_SET = 3;
    uint32 public constant BN254_KEY_SET = 4;

    IAllocationManagerAVS public immutable allocationManager;
    IKeyRegistrarAVS public immutable keyRegistrar;
    address private immutable deployer;
    address public strategy;
    mapping(address operator => bytes) public recordedData;
    mapping(address operator => uint256) public registrations;

    event OperatorRegistered(address indexed operator, uint32[] operatorSetIds, bytes data);
    event OperatorDeregistered(address indexed operator, uint32[] operatorSetIds);

    constructor(IAllocationManagerAVS allocationManager_, IKeyRegistrarAVS keyRegistrar_) {
        allocationManager = allocationManager_;
        keyRegistrar = keyRegistrar_;
        deployer = msg.sender;
    }

    /// @notice Registers the AVS with EigenLayer and creates its sets. Not in the constructor: `setAVSRegistrar`
    /// calls back `supportsAVS`, which a contract under construction cannot answer.
    function setUp(string calldata metadataURI, address strategy_, address recipient, address slasher) external {
        if (msg.sender != deployer) revert OnlyDeployer();
        if (strategy != address(0)) revert AlreadySetUp();
        strategy = strategy_;
        address[] memory strategies = new address[](1);
        strategies[0] = strategy_;
        // Order required by EigenLayer: metadata first (else NonexistentAVSMetadata), then registrar, then sets.
        allocationManager.updateAVSMetadataURI(address(this), metadataURI);
        allocationManager.setAVSRegistrar(address(this), address(this));
        uint32[4] memory ids = [PLAIN_SET, RECORDING_SET, ECDSA_KEY_SET, BN254_KEY_SET];
        IAllocationManagerAVS.CreateSetParams[] memory sets = new IAllocationManagerAVS.CreateSetParams[](4);
        for (uint256 i; i < 4; ++i) {
            sets[i] = IAllocationManagerAVS.CreateSetParams(ids[i], strategies);
        }
        allocationManager.createOperatorSets(address(this), sets);
        IAllocationManagerAVS.CreateSetParamsV2[] memory redistributing =
            new IAllocationManagerAVS.CreateSetParamsV2[](1);
        redistributing[0] = IAllocationManagerAVS.CreateSetParamsV2(REDISTRIBUTING_SET, strategies, slasher);
        address[] memory recipients = new address[](1);
        recipients[0] = recipient;
        allocationManager.createRedistributingOperatorSets(address(this), redistributing, recipients);
        keyRegistrar.configureOperatorSet(IKeyRegistrarAVS.OperatorSet(address(this), ECDSA_KEY_SET), 1);
        keyRegistrar.configureOperatorSet(IKeyRegistrarAVS.OperatorSet(address(this), BN254_KEY_SET), 2);
    }

    /// @notice Slashes `wad` (1e18 = all) of `operator`'s allocation to set `id` in the stake strategy.
    function slash(address operator, uint32 id, uint256 wad, string calldata description) external {
        if (msg.sender != deployer) revert OnlyDeployer();
        address[] memory strategies = new address[](1);
        strategies[0] = strategy;
        uint256[] memory wads = new uint256[](1);
        wads[0] = wad;
        allocationManager.slashOperator(
            address(this), IAllocationManagerAVS.SlashingParams(operator, id, strategies, wads, description)
        );
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

    /// @notice Registration submitted by anyone holding the operator's signature (the AVSDirectory's own flow).
    function registerOperator(address operator, bytes calldata signature, bytes32 salt, uint256 expiry) external {
        avsDirectory.registerOperatorToAVS(
            operator, IAVSDirectoryAVS.SignatureWithSaltAndExpiry(signature, salt, expiry)
        );
    }

    /// @notice Registration sent by the operator itself (msg.sender is the operator), as eigenlayer-middleware's
    /// registry coordinators do: a contract operator both sends this and answers ERC-1271 for the signature.
    function register(bytes calldata signature, bytes32 salt, uint256 expiry) external {
        avsDirectory.registerOperatorToAVS(
            msg.sender, IAVSDirectoryAVS.SignatureWithSaltAndExpiry(signature, salt, expiry)
        );
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
    uint256 private constant FP_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
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
            (bool ok, bytes memory out) = address(0x05)
                .staticcall(abi.encode(uint256(32), uint256(32), uint256(32), beta, (FP_MODULUS + 1) / 4, FP_MODULUS));
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
