// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "./interfaces/IOperatorWallet.sol";
import {SignatureVerifier} from "./base/SignatureVerifier.sol";

/// @title OperatorWallet
/// @notice An M-of-N multisig for EigenLayer operators: EOA and ERC-1271 signers, call-only atomic batches,
/// a native wallet-bound ERC-1271, and atomic signer rotation with proof of possession. No modules, no
/// fallback handler, no upgrades (docs/design.md).
/// @dev Deployed once as an implementation and cloned (ERC-1167) by {OperatorWalletFactory}, which initialises
/// each clone in the same transaction. The implementation itself is locked by its constructor, and only the factory
/// that deployed it can initialise code running it: an account that EIP-7702-delegates to the implementation (or to
/// a clone) runs this code on its own, uninitialised storage, and must not be claimable by whoever calls first.
/// 7702 delegation to the wallet is unsupported (docs/security.md).
contract OperatorWallet is SignatureVerifier {
    /// @notice The factory that deployed this implementation: the only caller {initialize} accepts.
    address public immutable factory;

    constructor() {
        factory = msg.sender;
        _lock();
    }

    /// @notice Only the wallet itself, i.e. a call made by {execute} with threshold signatures.
    modifier onlySelf() {
        if (msg.sender != address(this)) revert OnlySelf();
        _;
    }

    /// @notice Sets the first signer set and threshold (epoch 0). Callable once, by the factory only (it calls it
    /// when it creates the clone).
    /// Requirements: the caller is {factory}; 1..MAX_SIGNERS valid, distinct signers;
    /// `1 <= threshold_ <= signers.length`.
    function initialize(address[] calldata signers, uint256 threshold_) external {
        if (msg.sender != factory) revert NotFactory(msg.sender);
        _initializeConfig(signers, threshold_);
    }

    /// @inheritdoc IOperatorWallet
    function execute(Call[] calldata calls, uint256 deadline, uint256 minGas, bytes calldata signatures)
        external
        payable
    {
        // Deadlines are hours to days away; a proposer's few seconds of timestamp skew do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert Expired(deadline);
        (uint256 state, uint256 epoch_, uint256 threshold_, uint256 count) = _currentHeaderOf(signatures);
        uint256 current = state & NONCE_MASK;
        bytes32 digest = _hashTypedData(epoch_, _hashExecute(calls, current, deadline, minGas));
        if (!_checkEntries(digest, signatures, threshold_, count)) revert InvalidSignatures();
        // The nonce is the low 32 bits: it must never carry into the hash. 2^32 - 1 signed batches are out of
        // reach, and the last nonce is refused rather than wrapped (a wrapped nonce would replay old batches).
        if (current == NONCE_MASK) revert NonceExhausted();
        _state = state + 1;
        // The first execute sets the epoch slot (to the values the header has just proven), so that no rotation
        // pays for setting a zero slot; every later execute leaves it alone.
        if (current == 0) _storeHead(epoch_, threshold_, count);
        emit Executed(current, digest);

        // The signers' gas floor, checked where the calls start: a CALL forwards at most 63/64 of the gas left
        // (EIP-150), so at least `minGas` is offered to the calls only if 64/63 of it is left here. Whoever submits
        // cannot starve a call whose target swallows a failing sub-call: the nonce is spent only with enough gas.
        uint256 enclosing = _enterExecution(current);
        uint256 left = gasleft();
        if (left < minGas || (left - minGas) * 63 < minGas) revert InsufficientGas(minGas);
        _run(calls, signatures, count);
        _leaveExecution(enclosing);
    }

    /// @dev The stored `_state` word and the epoch, threshold and count of the header `signatures` starts with;
    /// reverts unless that header is the current configuration.
    function _currentHeaderOf(bytes calldata signatures)
        private
        view
        returns (uint256 state, uint256 epoch_, uint256 threshold_, uint256 count)
    {
        state = _state;
        bool ok;
        (ok, epoch_, threshold_, count) = _readHeader(signatures, state);
        if (!ok) revert StaleConfiguration();
    }

    /// @dev Makes the batch's calls, in order; the first call to the wallet itself stashes the header just checked.
    function _run(Call[] calldata calls, bytes calldata signatures, uint256 count) private {
        bool stashed = false;
        for (uint256 i; i < calls.length; ++i) {
            Call calldata c = calls[i];
            // A call to the wallet itself is a configuration change: it reads the header just checked from
            // transient storage instead of the signer words (cold slots).
            if (c.target == address(this) && !stashed) {
                _stashHeader(signatures, count);
                stashed = true;
            }
            // Arbitrary target and value are the point of execute: they were authorised by threshold signatures
            // over exactly these calls (docs/security.md, slither triage).
            // slither-disable-next-line arbitrary-send-eth,low-level-calls,calls-loop
            (bool success, bytes memory returnData) = c.target.call{value: c.value}(c.data);
            if (!success) revert CallFailed(i, returnData);
        }
    }

    /// @inheritdoc IOperatorWallet
    function approveForThisExecution(bytes32 hash) external onlySelf {
        uint256 tag = _approveForThisExecution(hash);
        // The wallet calls itself only from `execute`, which has set the tag: zero means no execution is running.
        if (tag == 0) revert OnlySelf();
        emit HashApprovedForExecution(tag - 1, hash);
    }

    /// @inheritdoc IOperatorWallet
    function getExecuteDigest(Call[] calldata calls, uint256 nonce_, uint256 deadline, uint256 minGas)
        external
        view
        returns (bytes32)
    {
        return _hashTypedData(_epoch, _hashExecute(calls, nonce_, deadline, minGas));
    }

    /*//////////////////////////////////////////////////////////////
                       CONFIGURATION (SELF ONLY)
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOperatorWallet
    function addSigner(address signer, uint256 newThreshold, bytes calldata proof) external onlySelf {
        _rotate(new address[](0), _one(signer), _oneProof(proof), newThreshold, false);
    }

    /// @inheritdoc IOperatorWallet
    function removeSigner(address signer, uint256 newThreshold) external onlySelf {
        _rotate(_one(signer), new address[](0), new bytes[](0), newThreshold, false);
    }

    /// @inheritdoc IOperatorWallet
    function replaceSigner(address oldSigner, address newSigner, bytes calldata proof) external onlySelf {
        _rotate(_one(oldSigner), _one(newSigner), _oneProof(proof), 0, true);
    }

    /// @inheritdoc IOperatorWallet
    function setThreshold(uint256 newThreshold) external onlySelf {
        _rotate(new address[](0), new address[](0), new bytes[](0), newThreshold, false);
    }

    /// @inheritdoc IOperatorWallet
    function rotateSigners(
        address[] calldata remove,
        address[] calldata add,
        bytes[] calldata proofs,
        uint256 newThreshold
    ) external onlySelf {
        _rotate(remove, add, proofs, newThreshold, false);
    }

    /// @inheritdoc IOperatorWallet
    function bumpEpoch() external onlySelf {
        _bumpEpoch();
    }

    /// @notice Accepts ETH (EigenPod stake, rewards in ETH, gas top-ups).
    receive() external payable {}

    /// @dev `[account]`, allocated in assembly: Solidity's checked allocation of a one-element list cost more than
    /// the rotation's own bookkeeping (docs/design.md, "Gas today").
    function _one(address account) private pure returns (address[] memory list) {
        assembly ("memory-safe") {
            list := mload(0x40)
            mstore(list, 1)
            // Only the low 20 bytes of an address variable are the address.
            mstore(add(list, 0x20), shr(96, shl(96, account)))
            mstore(0x40, add(list, 0x40))
        }
    }

    /// @dev `[proof]`, copied from calldata into one allocation: the list's length and pointer, then the bytes'
    /// length and data, the allocation rounded up to a whole word. The padding is not cleared: every reader stays
    /// within the length (OpenZeppelin's `ECDSA.parse`), and ABI-encoding it for an ERC-1271 call pads with zeros.
    function _oneProof(bytes calldata proof) private pure returns (bytes[] memory list) {
        assembly ("memory-safe") {
            list := mload(0x40)
            let item := add(list, 0x40)
            mstore(list, 1)
            mstore(add(list, 0x20), item)
            mstore(item, proof.length)
            let data := add(item, 0x20)
            calldatacopy(data, proof.offset, proof.length)
            mstore(0x40, add(data, and(add(proof.length, 31), not(31))))
        }
    }
}
