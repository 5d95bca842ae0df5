// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "./interfaces/IOperatorWallet.sol";
import {SignatureVerifier} from "./base/SignatureVerifier.sol";

/// @title OperatorWallet
/// @notice An M-of-N multisig for EigenLayer operators: EOA and ERC-1271 signers, call-only atomic batches,
/// a native wallet-bound ERC-1271, and atomic signer rotation with proof of possession. No modules, no
/// fallback handler, no upgrades (docs/design.md).
/// @dev Deployed once as an implementation and cloned (ERC-1167) by {OperatorWalletFactory}, which initialises
/// each clone in the same transaction. The implementation itself is locked by its constructor.
contract OperatorWallet is SignatureVerifier {
    constructor() {
        _lock();
    }

    /// @notice Only the wallet itself, i.e. a call made by {execute} with threshold signatures.
    modifier onlySelf() {
        if (msg.sender != address(this)) revert OnlySelf();
        _;
    }

    /// @notice Sets the first signer set and threshold (epoch 0). Callable once; the factory calls it at creation.
    /// Requirements: 1..MAX_SIGNERS valid, distinct signers; `1 <= threshold_ <= signers.length`.
    function initialize(address[] calldata signers, uint256 threshold_) external {
        _initializeConfig(signers, threshold_);
    }

    /// @inheritdoc IOperatorWallet
    function execute(Call[] calldata calls, uint256 deadline, bytes calldata signatures) external payable {
        // Deadlines are hours to days away; a proposer's few seconds of timestamp skew do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert Expired(deadline);
        (bool ok, uint256 epoch_, uint256 threshold_, uint256 count) = _readHeader(signatures);
        if (!ok) revert StaleConfiguration();
        uint256 current = _nonce;
        bytes32 digest = _hashTypedData(epoch_, _hashExecute(calls, current, deadline));
        if (!_checkEntries(digest, signatures, threshold_, count)) revert InvalidSignatures();
        // casting to 'uint64' is safe because each increment needs a signed batch: 2^64 is out of reach
        // forge-lint: disable-next-line(unsafe-typecast)
        _nonce = uint64(current + 1);
        emit Executed(current, digest);

        for (uint256 i; i < calls.length; ++i) {
            Call calldata c = calls[i];
            // Arbitrary target and value are the point of execute: they were authorised by threshold signatures
            // over exactly these calls (docs/security.md, slither triage).
            // slither-disable-next-line arbitrary-send-eth,low-level-calls,calls-loop
            (bool success, bytes memory returnData) = c.target.call{value: c.value}(c.data);
            if (!success) revert CallFailed(i, returnData);
        }
    }

    /// @inheritdoc IOperatorWallet
    function getExecuteDigest(Call[] calldata calls, uint256 nonce_, uint256 deadline) external view returns (bytes32) {
        return _hashTypedData(_epoch, _hashExecute(calls, nonce_, deadline));
    }

    /*//////////////////////////////////////////////////////////////
                       CONFIGURATION (SELF ONLY)
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOperatorWallet
    function addSigner(address signer, uint256 newThreshold, bytes calldata proof) external onlySelf {
        _rotate(new address[](0), _one(signer), _oneProof(proof), newThreshold);
    }

    /// @inheritdoc IOperatorWallet
    function removeSigner(address signer, uint256 newThreshold) external onlySelf {
        _rotate(_one(signer), new address[](0), new bytes[](0), newThreshold);
    }

    /// @inheritdoc IOperatorWallet
    function replaceSigner(address oldSigner, address newSigner, bytes calldata proof) external onlySelf {
        _rotate(_one(oldSigner), _one(newSigner), _oneProof(proof), _threshold());
    }

    /// @inheritdoc IOperatorWallet
    function setThreshold(uint256 newThreshold) external onlySelf {
        _rotate(new address[](0), new address[](0), new bytes[](0), newThreshold);
    }

    /// @inheritdoc IOperatorWallet
    function rotateSigners(
        address[] calldata remove,
        address[] calldata add,
        bytes[] calldata proofs,
        uint256 newThreshold
    ) external onlySelf {
        _rotate(remove, add, proofs, newThreshold);
    }

    /// @inheritdoc IOperatorWallet
    function bumpEpoch() external onlySelf {
        _bumpEpoch();
    }

    /// @notice Accepts ETH (EigenPod stake, rewards in ETH, gas top-ups).
    receive() external payable {}

    function _one(address account) private pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = account;
    }

    function _oneProof(bytes calldata proof) private pure returns (bytes[] memory list) {
        list = new bytes[](1);
        list[0] = proof;
    }
}
