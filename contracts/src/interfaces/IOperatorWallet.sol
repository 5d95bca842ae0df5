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
    /// @notice {initialize} was called by `caller`, not by the factory that deployed the implementation.
    error NotFactory(address caller);
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
    /// @notice The transaction left less gas for the calls than the `minGas` the signers signed.
    error InsufficientGas(uint256 minGas);
    /// @notice The nonce is at its last value, 2^32 - 1, which is never used: the wallet has run every batch it
    /// can (out of reach in practice; a nonce that wrapped would let old batches run again).
    error NonceExhausted();
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
    /// @param nonce The nonce the batch consumed.
    /// @param digest The digest the signatures were checked against.
    event Executed(uint256 indexed nonce, bytes32 digest);
    /// @notice `signer` joined the signer set (it proved possession of its key first).
    /// @param signer The new signer.
    event SignerAdded(address indexed signer);
    /// @notice `signer` left the signer set; its signatures no longer count from the same transaction on.
    /// @param signer The removed signer.
    event SignerRemoved(address indexed signer);
    /// @notice The number of signatures an execution or an ERC-1271 answer needs changed.
    /// @param threshold The new threshold.
    event ThresholdChanged(uint256 threshold);
    /// @notice The configuration version changed: every signature and approval made before is dead.
    /// @param epoch The new epoch (the EIP-712 domain salt from now on). It grows by an amount nobody can know
    /// before the block that changes it, so nothing can have been signed for it in advance.
    event EpochChanged(uint256 epoch);
    /// @notice `signer` approved `digest` on chain (an `approved` entry in a packed signature).
    /// @param signer The signer that approved.
    /// @param digest The approved digest (bound to this wallet, chain and epoch).
    event HashApproved(address indexed signer, bytes32 indexed digest);
    /// @notice `signer` withdrew its approval of `digest`.
    /// @param signer The signer that revoked.
    /// @param digest The digest no longer approved.
    event HashRevoked(address indexed signer, bytes32 indexed digest);
    /// @notice The execution at `nonce` approved `hash` for ERC-1271 until it ends ({approveForThisExecution}).
    /// @param nonce The nonce of the execution that approved it (the approval lives only inside that execution).
    /// @param hash The application's hash (for EigenLayer, its own digest) that {isValidSignature} accepts with an
    /// empty signature while that execution runs.
    event HashApprovedForExecution(uint256 indexed nonce, bytes32 hash);

    /*//////////////////////////////////////////////////////////////
                               EXECUTION
    //////////////////////////////////////////////////////////////*/

    /// @notice Runs `calls` atomically, authorised by `signatures` over
    /// `Execute(Call[] calls,uint256 nonce,uint256 deadline,uint256 minGas)` at the current nonce and epoch.
    /// Anyone may submit.
    /// Requirements:
    /// - `block.timestamp <= deadline`;
    /// - `signatures` carries the current configuration and at least `threshold` valid entries;
    /// - at least 64/63 × `minGas` is left when the calls start (else {InsufficientGas}), so that whoever submits
    ///   cannot choose a gas limit that starves a call whose target swallows a failing sub-call;
    /// - every call succeeds (else {CallFailed} with the inner revert data).
    /// WARNING: the wallet does not check what the calls do. A call that transfers tokens, registers for an
    /// operator set that redistributes stake, or appoints a PermissionController admin does exactly that; clients
    /// must show signers every call decoded (opwallet's signing screen does).
    /// @param calls The calls to make, in order; `value` is sent from the wallet's balance.
    /// @param deadline The last unix time at which the batch may run (signed).
    /// @param minGas The least gas the calls must be offered (signed).
    /// @param signatures The packed signature: the configuration header, then one entry per signer.
    function execute(Call[] calldata calls, uint256 deadline, uint256 minGas, bytes calldata signatures)
        external
        payable;

    /// @notice Records an on-chain approval of `digest` by the calling signer. A `digest` is epoch-bound,
    /// so an approval dies with the next rotation or {bumpEpoch}.
    /// WARNING: any address may call this; only a current signer's approval is ever counted.
    /// @param digest The wallet digest approved (as {getExecuteDigest} or {getMessageDigest} return it).
    function approveHash(bytes32 digest) external;

    /// @notice Withdraws the caller's approval of `digest`.
    /// @param digest The digest to stop approving.
    function revokeHash(bytes32 digest) external;

    /// @notice Makes {isValidSignature}(`hash`, empty signature) answer the magic value until the execution that
    /// calls this ends, and never after (EIP-1153 transient storage, tagged with that execution's nonce; an
    /// execution nested inside it does not see it, and the outer one sees it again once the nested one returns).
    /// Only through {execute}: the approval is part of a batch the signers signed, so one signing round both
    /// approves an EigenLayer digest and makes the call that has it checked (an AVS's registry coordinator that
    /// the operator calls and that forwards the operator's signature to EigenLayer).
    /// WARNING: while the execution runs, any contract may have the wallet vouch for `hash`; approve only a hash
    /// whose preimage the signers were shown.
    /// @param hash The application's hash {isValidSignature} is asked about.
    function approveForThisExecution(bytes32 hash) external;

    /*//////////////////////////////////////////////////////////////
                       CONFIGURATION (SELF ONLY)
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds `signer` and sets `newThreshold`. Only through {execute}. Moves to a new epoch.
    /// @param signer The incoming signer (an EOA, or a contract answering ERC-1271).
    /// @param newThreshold The threshold afterwards (`1..signers`).
    /// @param proof `signer`'s signature over `AcceptSigner(signer)` at the current epoch ({getAcceptanceDigest}).
    function addSigner(address signer, uint256 newThreshold, bytes calldata proof) external;
    /// @notice Removes `signer` and sets `newThreshold`. Only through {execute}. Moves to a new epoch.
    /// @param signer A current signer.
    /// @param newThreshold The threshold afterwards (`1..signers`).
    function removeSigner(address signer, uint256 newThreshold) external;
    /// @notice Replaces `oldSigner` with `newSigner`, threshold unchanged. Only through {execute}. Moves to the next
    /// epoch.
    /// @param oldSigner A current signer.
    /// @param newSigner The incoming signer.
    /// @param proof `newSigner`'s acceptance signature at the current epoch.
    function replaceSigner(address oldSigner, address newSigner, bytes calldata proof) external;
    /// @notice Sets the threshold. Only through {execute}. Moves to a new epoch.
    /// @param newThreshold The new threshold (`1..signers`).
    function setThreshold(uint256 newThreshold) external;
    /// @notice Atomically removes `remove`, adds `add` (each proving possession with `proofs[i]` over
    /// `AcceptSigner(address signer)` at the current epoch) and sets `newThreshold`. Only through {execute}. Moves
    /// to a new epoch.
    /// @param remove Current signers to remove (removed first, so one may be re-added).
    /// @param add Incoming signers.
    /// @param proofs One acceptance signature per incoming signer, in the same order.
    /// @param newThreshold The threshold afterwards (`1..signers`).
    function rotateSigners(
        address[] calldata remove,
        address[] calldata add,
        bytes[] calldata proofs,
        uint256 newThreshold
    ) external;
    /// @notice The panic button: invalidates every outstanding signature and approval without changing signers,
    /// including any made in advance for a later epoch (the new epoch is unpredictable). Only through {execute}.
    function bumpEpoch() external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The current signers, in the order the configuration header lists them.
    /// @return The signers.
    function getSigners() external view returns (address[] memory);
    /// @notice Whether `account` is a current signer.
    /// @param account The address asked about.
    /// @return True if it is a signer.
    function isSigner(address account) external view returns (bool);
    /// @notice The number of signatures an execution or an ERC-1271 answer needs.
    /// @return The threshold.
    function threshold() external view returns (uint256);
    /// @notice The nonce the next execution must be signed for.
    /// @return The nonce.
    function nonce() external view returns (uint256);
    /// @notice The configuration epoch every signature is bound to (the EIP-712 domain salt).
    /// @return The epoch.
    function epoch() external view returns (uint256);
    /// @notice The stored commitment to the configuration header every signature must start with: the first 28
    /// bytes of its keccak256, then four zero bytes (the nonce shares its slot). Zero on code that was never
    /// initialised, the implementation included (it is locked with a zero hash, which no header matches).
    /// @return The configuration hash.
    function configHash() external view returns (bytes32);
    /// @notice The configuration header (`epoch ‖ threshold ‖ count ‖ signers`) to prefix signatures with.
    /// @return The header.
    function configHeader() external view returns (bytes memory);
    /// @notice Whether `signer` has approved `digest` on chain ({approveHash}).
    /// WARNING: this does not say whether `signer` is still a signer; the signature check does.
    /// @param signer The approver.
    /// @param digest The digest.
    /// @return True if approved and not revoked.
    function approvedHashes(address signer, bytes32 digest) external view returns (bool);
    /// @notice The EIP-712 domain separator at the current epoch.
    /// @return The separator.
    function domainSeparator() external view returns (bytes32);
    /// @notice The digest signers sign to authorise `calls` at `nonce_` before `deadline` with at least `minGas`
    /// for the calls (current epoch).
    /// @param calls The batch.
    /// @param nonce_ The nonce it is for.
    /// @param deadline Its deadline.
    /// @param minGas The least gas the calls must be offered.
    /// @return The digest.
    function getExecuteDigest(Call[] calldata calls, uint256 nonce_, uint256 deadline, uint256 minGas)
        external
        view
        returns (bytes32);
    /// @notice The wallet-bound digest signers sign so that {isValidSignature}(`hash`, 0x00 ‖ …) holds.
    /// WARNING: the wallet does not know what `hash` means; a client must show signers its preimage.
    /// @param hash The application's hash (for EigenLayer, its own digest).
    /// @return The digest to sign.
    function getMessageDigest(bytes32 hash) external view returns (bytes32);
    /// @notice The digest an incoming `signer` signs to prove possession (current epoch).
    /// @param signer The incoming signer.
    /// @return The acceptance digest.
    function getAcceptanceDigest(address signer) external view returns (bytes32);
}
