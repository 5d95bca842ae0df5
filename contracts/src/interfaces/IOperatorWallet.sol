// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IOperatorWallet
/// @notice The M-of-N operator wallet an EigenLayer operator registers as: call-only batch execution,
/// a native wallet-bound ERC-1271, and self-authorised signer rotation with proof of possession.
/// @dev Every signed message is EIP-712 typed data under the wallet's domain
/// `(name "OperatorWallet", version "1", chainId, verifyingContract, salt = bytes32(epoch))`, so a
/// signature is bound to one chain, one wallet and one signer configuration. The packed signature
/// format is specified in `docs/signatures.md`.
interface IOperatorWallet {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice One CALL made by {execute}. There is no operation field: the wallet never DELEGATECALLs.
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A configuration function was called from outside; it is reachable only through {execute}.
    error OnlySelf();
    /// @notice {initialize} was called on a wallet that is already set up (or on the locked implementation).
    error AlreadyInitialized();
    /// @notice `signer` can never be a signer: the zero address, the wallet itself, or a precompile address.
    error InvalidSigner(address signer);
    /// @notice `signer` appears twice in the resulting signer set.
    error DuplicateSigner(address signer);
    /// @notice `account` is not a current signer.
    error NotASigner(address account);
    /// @notice The signer set would have `count` signers; at most `max` are allowed.
    error TooManySigners(uint256 count, uint256 max);
    /// @notice `threshold` is not within `1..signerCount`.
    error InvalidThreshold(uint256 threshold, uint256 signerCount);
    /// @notice The number of acceptance proofs differs from the number of incoming signers.
    error ProofCountMismatch(uint256 signers, uint256 proofs);
    /// @notice `signer` did not prove possession: its acceptance signature does not verify.
    error InvalidAcceptance(address signer);
    /// @notice The execution's `deadline` has passed.
    error Expired(uint256 deadline);
    /// @notice The signature's configuration header does not match the wallet's current
    /// (epoch, threshold, signers): the signatures were collected for an older configuration.
    error StaleConfiguration();
    /// @notice The signature entries are malformed, invalid, or fewer than the threshold.
    error InvalidSignatures();
    /// @notice Call number `index` of the batch reverted with `returnData`; the whole batch was reverted.
    error CallFailed(uint256 index, bytes returnData);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A batch signed for `nonce` ran; `digest` is the EIP-712 digest the signers signed.
    event Executed(uint256 indexed nonce, bytes32 digest);
    event SignerAdded(address indexed signer);
    event SignerRemoved(address indexed signer);
    event ThresholdChanged(uint256 threshold);
    /// @notice The configuration version changed: every signature and approval made before is dead.
    event EpochChanged(uint256 epoch);
    event HashApproved(address indexed signer, bytes32 indexed digest);
    event HashRevoked(address indexed signer, bytes32 indexed digest);

    /*//////////////////////////////////////////////////////////////
                               EXECUTION
    //////////////////////////////////////////////////////////////*/

    /// @notice Runs `calls` atomically, authorised by `signatures` over
    /// `Execute(Call[] calls,uint256 nonce,uint256 deadline)` at the current nonce and epoch.
    /// Anyone may submit.
    /// Requirements:
    /// - `block.timestamp <= deadline`;
    /// - `signatures` carries the current configuration and at least `threshold` valid entries;
    /// - every call succeeds (else {CallFailed} with the inner revert data).
    function execute(Call[] calldata calls, uint256 deadline, bytes calldata signatures) external payable;

    /// @notice Records an on-chain approval of `digest` by the calling signer. A `digest` is epoch-bound,
    /// so an approval dies with the next rotation or {bumpEpoch}.
    function approveHash(bytes32 digest) external;

    /// @notice Withdraws the caller's approval of `digest`.
    function revokeHash(bytes32 digest) external;

    /*//////////////////////////////////////////////////////////////
                       CONFIGURATION (SELF ONLY)
    //////////////////////////////////////////////////////////////*/

    function addSigner(address signer, uint256 newThreshold, bytes calldata proof) external;
    function removeSigner(address signer, uint256 newThreshold) external;
    function replaceSigner(address oldSigner, address newSigner, bytes calldata proof) external;
    function setThreshold(uint256 newThreshold) external;
    /// @notice Atomically removes `remove`, adds `add` (each proving possession with `proofs[i]` over
    /// `AcceptSigner(address signer)` at the current epoch) and sets `newThreshold`.
    function rotateSigners(
        address[] calldata remove,
        address[] calldata add,
        bytes[] calldata proofs,
        uint256 newThreshold
    ) external;
    /// @notice The panic button: invalidates every outstanding signature and approval without changing signers.
    function bumpEpoch() external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function getSigners() external view returns (address[] memory);
    function isSigner(address account) external view returns (bool);
    function threshold() external view returns (uint256);
    function nonce() external view returns (uint256);
    function epoch() external view returns (uint256);
    /// @notice keccak256 of the configuration header every signature must start with.
    function configHash() external view returns (bytes32);
    /// @notice The configuration header (`epoch ‖ threshold ‖ count ‖ signers`) to prefix signatures with.
    function configHeader() external view returns (bytes memory);
    function approvedHashes(address signer, bytes32 digest) external view returns (bool);
    function domainSeparator() external view returns (bytes32);
    /// @notice The digest signers sign to authorise `calls` at `nonce_` before `deadline` (current epoch).
    function getExecuteDigest(Call[] calldata calls, uint256 nonce_, uint256 deadline) external view returns (bytes32);
    /// @notice The wallet-bound digest signers sign so that {isValidSignature}(`hash`, 0x00 ‖ …) holds.
    function getMessageDigest(bytes32 hash) external view returns (bytes32);
    /// @notice The digest an incoming `signer` signs to prove possession (current epoch).
    function getAcceptanceDigest(address signer) external view returns (bytes32);
}
