// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {WalletDomain} from "./WalletDomain.sol";

/// @title SignerConfig
/// @notice The signer set, threshold, epoch and nonce, and the one rotation routine every change goes through.
/// @dev Storage is laid out for the signature hot path: checking a signature reads one slot, `_configHash`,
/// the keccak256 of the configuration header `epoch(8) ‖ threshold(1) ‖ count(1) ‖ signer_0(20) ‖ …`
/// that every packed signature starts with. The signer list itself is kept packed in `_signerWords`
/// (two words for three signers) for the views and for rotation; it is written only on changes.
abstract contract SignerConfig is WalletDomain {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The largest signer set. Bounds every loop and the packed storage below.
    uint256 public constant MAX_SIGNERS = 32;

    /// @dev Addresses up to 0xffff are precompiles or reserved on Ethereum and its L2s (0x01-0x11 on Prague,
    /// RIP-7212's P256 verifier at 0x100). None holds a key, and the identity precompile 0x04 echoes any
    /// ERC-1271 call back as a valid magic value, so none may ever be a signer.
    uint160 internal constant MAX_RESERVED_ADDRESS = 0xffff;

    /// @dev Stored on the implementation so that it can never be initialised (no preimage hashes to 1).
    bytes32 internal constant LOCKED = bytes32(uint256(1));

    /// @dev ceil((2 + 20 * MAX_SIGNERS) / 32) words hold `threshold(1) ‖ count(1) ‖ signers(20 each)`.
    uint256 private constant SIGNER_WORDS = 21;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev keccak256(epoch(8) ‖ threshold(1) ‖ count(1) ‖ signers(20 each)); zero until initialised.
    bytes32 internal _configHash;
    /// @dev Sequential execution nonce and configuration epoch, packed in one slot.
    uint64 internal _nonce;
    uint64 internal _epoch;
    /// @dev `threshold(1) ‖ count(1) ‖ signers(20 each)`, packed big-endian across words.
    bytes32[SIGNER_WORDS] private _signerWords;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function getSigners() public view returns (address[] memory signers) {
        (, signers) = _loadConfig();
    }

    function isSigner(address account) public view returns (bool) {
        (, address[] memory signers) = _loadConfig();
        return _indexOf(signers, signers.length, account) < signers.length;
    }

    function threshold() external view returns (uint256) {
        return _threshold();
    }

    function nonce() external view returns (uint256) {
        return _nonce;
    }

    function epoch() external view returns (uint256) {
        return _epoch;
    }

    function configHash() external view returns (bytes32) {
        return _configHash;
    }

    function configHeader() external view returns (bytes memory) {
        (uint256 threshold_, address[] memory signers) = _loadConfig();
        return abi.encodePacked(_epoch, _packSigners(threshold_, signers));
    }

    function getAcceptanceDigest(address signer) external view returns (bytes32) {
        return _hashTypedData(_epoch, _hashAcceptance(signer));
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _currentEpoch() internal view override returns (uint256) {
        return _epoch;
    }

    function _lock() internal {
        _configHash = LOCKED;
    }

    /// @dev Sets the first configuration at epoch 0. No acceptance proofs: the creator picks the initial set,
    /// and the factory binds the address to it (see docs/design.md).
    function _initializeConfig(address[] memory signers, uint256 threshold_) internal {
        if (_configHash != bytes32(0)) revert AlreadyInitialized();
        uint256 count = signers.length;
        if (count > MAX_SIGNERS) revert TooManySigners(count, MAX_SIGNERS);
        for (uint256 i; i < count; ++i) {
            _checkIncoming(signers, i);
            emit SignerAdded(signers[i]);
        }
        _commit(0, threshold_, signers, 0);
        emit ThresholdChanged(threshold_);
    }

    /// @dev The single path for every signer or threshold change: removes `remove`, adds `add` (each with a
    /// proof of possession over `AcceptSigner(signer)` at the current epoch), sets `newThreshold`, and
    /// moves to the next epoch.
    /// Requirements: every removed address is a signer; every added address is valid, new and proven;
    /// the result has at most MAX_SIGNERS signers and `1 <= newThreshold <= signers`.
    function _rotate(address[] memory remove, address[] memory add, bytes[] memory proofs, uint256 newThreshold)
        internal
    {
        if (add.length != proofs.length) revert ProofCountMismatch(add.length, proofs.length);
        uint256 epoch_ = _epoch;
        (uint256 oldThreshold, address[] memory current) = _loadConfig();
        uint256 oldCount = current.length;

        uint256 kept = oldCount;
        for (uint256 i; i < remove.length; ++i) {
            uint256 at = _indexOf(current, kept, remove[i]);
            if (at == kept) revert NotASigner(remove[i]);
            current[at] = current[--kept];
            emit SignerRemoved(remove[i]);
        }

        uint256 count = kept + add.length;
        if (count > MAX_SIGNERS) revert TooManySigners(count, MAX_SIGNERS);
        address[] memory next = new address[](count);
        for (uint256 i; i < kept; ++i) {
            next[i] = current[i];
        }
        for (uint256 i; i < add.length; ++i) {
            address incoming = add[i];
            next[kept + i] = incoming;
            _checkIncoming(next, kept + i);
            bytes32 digest = _hashTypedData(epoch_, _hashAcceptance(incoming));
            if (!_provesPossession(incoming, digest, proofs[i])) revert InvalidAcceptance(incoming);
            emit SignerAdded(incoming);
        }

        _commit(epoch_ + 1, newThreshold, next, oldCount);
        if (newThreshold != oldThreshold) emit ThresholdChanged(newThreshold);
    }

    /// @dev True if `proof` is `signer`'s signature over `digest`: ECDSA first (a key that signs proves possession,
    /// and trying it first skips a cold code-size lookup for EOAs), else ERC-1271 if `signer` has code.
    function _provesPossession(address signer, bytes32 digest, bytes memory proof) private view returns (bool) {
        // The error argument only details why recovery failed; `err` alone decides.
        // slither-disable-next-line unused-return
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, proof);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(signer, digest, proof);
    }

    /// @dev The stored threshold (first byte of the packed signer words).
    function _threshold() internal view returns (uint256) {
        return uint8(_signerWords[0][0]);
    }

    /// @dev Moves to the next epoch without changing signers or threshold.
    function _bumpEpoch() internal {
        (uint256 threshold_, address[] memory signers) = _loadConfig();
        _commit(uint256(_epoch) + 1, threshold_, signers, signers.length);
    }

    /// @dev Reverts unless `signers[i]` may be a signer and does not repeat an earlier entry.
    function _checkIncoming(address[] memory signers, uint256 i) private view {
        address signer = signers[i];
        if (uint160(signer) <= MAX_RESERVED_ADDRESS || signer == address(this)) revert InvalidSigner(signer);
        if (_indexOf(signers, i, signer) < i) revert DuplicateSigner(signer);
    }

    /// @dev Validates the threshold, then writes the configuration hash, the epoch and the packed signer words.
    function _commit(uint256 epoch_, uint256 threshold_, address[] memory signers, uint256 oldCount) private {
        uint256 count = signers.length;
        if (threshold_ == 0 || threshold_ > count) revert InvalidThreshold(threshold_, count);

        bytes memory packed = _packSigners(threshold_, signers);
        // casting to 'uint64' is safe because the epoch grows by one per signed change: 2^64 is out of reach
        // forge-lint: disable-next-line(unsafe-typecast)
        _configHash = keccak256(abi.encodePacked(uint64(epoch_), packed));
        // Epoch 0 is only ever the initial configuration, whose `_epoch` slot is already zero: skipping the
        // write (and a comparison, which would cost a cold SLOAD) saves 2.1k gas per wallet created.
        if (epoch_ != 0) {
            // forge-lint: disable-next-line(unsafe-typecast)
            _epoch = uint64(epoch_);
            emit EpochChanged(epoch_);
        }

        uint256 words = _wordCount(count);
        for (uint256 w; w < words; ++w) {
            _signerWords[w] = _wordAt(packed, w);
        }
        uint256 oldWords = oldCount == 0 ? 0 : _wordCount(oldCount);
        for (uint256 w = words; w < oldWords; ++w) {
            delete _signerWords[w];
        }
    }

    function _loadConfig() internal view returns (uint256 threshold_, address[] memory signers) {
        bytes32 first = _signerWords[0];
        threshold_ = uint8(first[0]);
        uint256 count = uint8(first[1]);
        signers = new address[](count);
        for (uint256 i; i < count; ++i) {
            signers[i] = address(_bytes20At(2 + 20 * i));
        }
    }

    /// @dev Reads the 20 bytes at byte `offset` of the packed signer words (they may straddle two words).
    function _bytes20At(uint256 offset) private view returns (bytes20) {
        uint256 w = offset >> 5;
        uint256 shift = offset & 31;
        bytes32 value = _signerWords[w] << (8 * shift);
        if (shift > 12) value |= _signerWords[w + 1] >> (8 * (32 - shift));
        // casting to 'bytes20' is safe because it keeps exactly the 20 bytes shifted to the top
        // forge-lint: disable-next-line(unsafe-typecast)
        return bytes20(value);
    }

    /// @dev `threshold(1) ‖ count(1) ‖ signer_0(20) ‖ …`: the configuration header without the epoch.
    function _packSigners(uint256 threshold_, address[] memory signers) internal pure returns (bytes memory packed) {
        // casting to 'uint8' is safe because threshold <= count <= MAX_SIGNERS (32) is checked before any write
        // forge-lint: disable-next-line(unsafe-typecast)
        packed = abi.encodePacked(uint8(threshold_), uint8(signers.length));
        for (uint256 i; i < signers.length; ++i) {
            packed = bytes.concat(packed, bytes20(signers[i]));
        }
    }

    function _indexOf(address[] memory list, uint256 length, address account) internal pure returns (uint256) {
        for (uint256 i; i < length; ++i) {
            if (list[i] == account) return i;
        }
        return length;
    }

    function _wordCount(uint256 count) private pure returns (uint256) {
        return (2 + 20 * count + 31) / 32;
    }

    /// @dev Word `w` of `data`, zero-filled past its end.
    function _wordAt(bytes memory data, uint256 w) private pure returns (bytes32 word) {
        assembly ("memory-safe") {
            word := mload(add(add(data, 0x20), shl(5, w)))
        }
        uint256 end = (w + 1) * 32;
        if (end > data.length) word &= bytes32(type(uint256).max << (8 * (end - data.length)));
    }
}
