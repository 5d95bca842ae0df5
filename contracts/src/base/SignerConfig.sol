// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {WalletDomain} from "./WalletDomain.sol";

/// @title SignerConfig
/// @notice The signer set, threshold, epoch and nonce, and the one rotation routine every change goes through.
/// @dev Storage is laid out for the signature hot path: checking a signature and executing a batch read and
/// write one slot, `_state`: the configuration hash (the first 28 bytes of the keccak256 of the configuration
/// header `epoch(8) ‖ threshold(1) ‖ count(1) ‖ signer_0(20) ‖ …` that every packed signature starts with) and the
/// 32-bit execution nonce in its last four bytes. The signer list itself is kept packed in `_signerWords` (two
/// words for three signers) for the views, and only the words that change are rewritten. Rotations are cheap too:
/// - every rotation runs inside `execute`, which has just checked the header in its calldata against `_state`
///   and written it; it leaves that header in transient storage, and the rotation reads it from there (checked
///   against `_state` again) instead of the signer words (a cold slot each), and rewrites `_state` for 100 gas;
/// - epoch, threshold and count sit in their own slot for the views, written by the wallet's first execute (a
///   rotation never pays for setting it) and by every change; at creation they are in the first signer word
///   (written then anyway) and epoch 0.
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

    /// @dev Stored on the implementation so that it can never be initialised: its hash part is zero, which no
    /// header's hash starts with (1 in 2^224), and it is not zero, which {_initializeConfig} requires.
    uint256 internal constant LOCKED = 1;

    /// @dev The nonce's bits in `_state`; the configuration hash's are the others.
    uint256 internal constant NONCE_MASK = 0xffffffff;

    /// @dev ceil((2 + 20 * MAX_SIGNERS) / 32) words hold `threshold0(1) ‖ count0(1) ‖ signers(20 each)`.
    uint256 private constant SIGNER_WORDS = 21;

    /// @dev Header bytes before the signer list: epoch(8) + threshold(1) + count(1).
    uint256 internal constant HEADER_FIXED = 10;

    /// @dev The signer words are the header from its threshold byte on.
    uint256 private constant WORDS_AT = 8;

    /// @dev keccak256("opwallet.header"): transient slot of the stashed header's length; its words follow.
    uint256 internal constant HEADER_STASH = 0x1ace806641246f719535bf3d56f7baa4827501e805f4fe8e8ef3fd0e25fec91a;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev The first 28 bytes of keccak256(epoch(8) ‖ threshold(1) ‖ count(1) ‖ signers(20 each)), then the
    /// execution nonce (32 bits, {NONCE_MASK}); zero until initialised. One slot, so that checking a header and
    /// spending a nonce read one cold slot. 224 bits of hash leave 2^112 work for a collision; 2^32 signed batches
    /// are out of reach (and the nonce never carries into the hash: {execute} reverts first).
    uint256 internal _state;
    /// @dev What only rotations and views read, in a slot of its own. Threshold and count are zero until the first
    /// execute (until then they are in the first signer word) and hold them after; the first execute writes them so
    /// that no rotation pays for setting the slot.
    uint64 internal _epoch;
    uint8 private _thresholdSet;
    uint8 private _countSet;
    /// @dev `threshold0(1) ‖ count0(1) ‖ signers(20 each)`, packed big-endian across words. The first two bytes
    /// are the threshold and count at creation, and mean nothing once `_countSet` is non-zero.
    bytes32[SIGNER_WORDS] private _signerWords;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function getSigners() public view returns (address[] memory signers) {
        signers = _signersOf(_currentHeader());
    }

    function isSigner(address account) public view returns (bool) {
        bytes memory header = _currentHeader();
        uint256 count = _countOf(header);
        return _find(header, count, account) < count;
    }

    function threshold() external view returns (uint256 threshold_) {
        (threshold_,,) = _storedConfig();
    }

    function nonce() external view returns (uint256) {
        return _state & NONCE_MASK;
    }

    function epoch() external view returns (uint256) {
        return _epoch;
    }

    function configHash() external view returns (bytes32) {
        return bytes32(_state & ~NONCE_MASK);
    }

    function configHeader() external view returns (bytes memory) {
        return _currentHeader();
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
        _state = LOCKED;
    }

    /// @dev Whether a header hashing to `headerHash` is the configuration in `state` (its first 28 bytes).
    function _isCurrent(bytes32 headerHash, uint256 state) internal pure returns (bool) {
        return (uint256(headerHash) ^ state) >> 32 == 0;
    }

    /// @dev Writes epoch, threshold and count to their slot. The caller has checked `threshold_ <= count <=
    /// MAX_SIGNERS`; `epoch_` grows by at most 2^32 per signed change, so 2^64 is out of reach.
    function _storeHead(uint256 epoch_, uint256 threshold_, uint256 count) internal {
        // casting is safe: see above
        // forge-lint: disable-next-line(unsafe-typecast)
        (_epoch, _thresholdSet, _countSet) = (uint64(epoch_), uint8(threshold_), uint8(count));
    }

    /// @dev Sets the first configuration at epoch 0. No acceptance proofs: the creator picks the initial set,
    /// and the factory binds the address to it (see docs/design.md).
    function _initializeConfig(address[] memory signers, uint256 threshold_) internal {
        if (_state != 0) revert AlreadyInitialized();
        uint256 count = signers.length;
        if (count > MAX_SIGNERS) revert TooManySigners(count, MAX_SIGNERS);
        // The header is built first (its threshold byte is checked before anything is stored); each signer is then
        // checked against those before it.
        bytes memory header = _header(signers);
        for (uint256 i; i < count; ++i) {
            _checkIncoming(header, i, signers[i]);
            emit SignerAdded(signers[i]);
        }
        _checkThreshold(threshold_, count);
        _setHead(header, 0, threshold_, count);
        _commit(header, new bytes(0), false);
        emit ThresholdChanged(threshold_);
    }

    /// @dev The single path for every signer or threshold change: removes `remove`, adds `add` (each with a
    /// proof of possession over `AcceptSigner(signer)` at the current epoch), sets `newThreshold` (or keeps the
    /// current one if `keep`), and moves to a new, unpredictable epoch ({_nextEpoch}).
    /// Requirements: every removed address is a signer; every added address is valid, new and proven;
    /// the result has at most MAX_SIGNERS signers and `1 <= newThreshold <= signers`.
    /// The new header is edited in a copy of the current one, with no address list in between: a removal moves the
    /// last signer into the hole (no index or prev-pointer is ever taken from outside), an addition is appended.
    function _rotate(
        address[] memory remove,
        address[] memory add,
        bytes[] memory proofs,
        uint256 newThreshold,
        bool keep
    ) internal {
        if (add.length != proofs.length) revert ProofCountMismatch(add.length, proofs.length);
        bytes memory old = _currentHeader();
        uint256 epoch_ = _epochOf(old);
        uint256 oldThreshold = _thresholdOf(old);
        uint256 count = _countOf(old);
        if (remove.length == 0 && add.length == 0) {
            // A threshold change: the same signers under a new epoch and threshold (`keep` is never set here: only
            // replaceSigner sets it, with one signer out and one in).
            _checkThreshold(newThreshold, count);
            _commit(_rekeyed(old, _nextEpoch(epoch_), newThreshold), old, true);
            if (newThreshold != oldThreshold) emit ThresholdChanged(newThreshold);
            return;
        }
        if (keep) newThreshold = oldThreshold;

        bytes memory next = _copyWithRoom(old, add.length);
        for (uint256 i; i < remove.length; ++i) {
            uint256 at = _find(next, count, remove[i]);
            if (at == count) revert NotASigner(remove[i]);
            _putSigner(next, at, _signerAt(next, --count));
            emit SignerRemoved(remove[i]);
        }

        uint256 total = count + add.length;
        if (total > MAX_SIGNERS) revert TooManySigners(total, MAX_SIGNERS);
        for (uint256 i; i < add.length; ++i) {
            address incoming = add[i];
            _checkIncoming(next, count, incoming);
            bytes32 digest = _hashTypedData(epoch_, _hashAcceptance(incoming));
            if (!_provesPossession(incoming, digest, proofs[i])) revert InvalidAcceptance(incoming);
            _putSigner(next, count++, incoming);
            emit SignerAdded(incoming);
        }

        _checkThreshold(newThreshold, count);
        _setHead(next, _nextEpoch(epoch_), newThreshold, count);
        _commit(next, old, false);
        if (newThreshold != oldThreshold) emit ThresholdChanged(newThreshold);
    }

    /// @dev True if `proof` is `signer`'s signature over `digest`: ECDSA first, 65-byte `r ‖ s ‖ v` or 64-byte
    /// EIP-2098 `r ‖ yParityAndS` like signature entries (a key that signs proves possession, and trying it first
    /// skips a cold code-size lookup for EOAs), else ERC-1271 if `signer` has code.
    function _provesPossession(address signer, bytes32 digest, bytes memory proof) private view returns (bool) {
        // OpenZeppelin's parse takes both lengths (anything else parses to zeros, which recover nothing).
        (uint8 v, bytes32 r, bytes32 s) = ECDSA.parse(proof);
        // The error argument only details why recovery failed; `err` alone decides.
        // slither-disable-next-line unused-return
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(signer, digest, proof);
    }

    /// @dev Moves to a new epoch without changing signers or threshold.
    function _bumpEpoch() internal {
        bytes memory old = _currentHeader();
        _commit(_rekeyed(old, _nextEpoch(_epochOf(old)), _thresholdOf(old)), old, true);
    }

    /// @dev The epoch after `epoch_`: larger by 1 + a 32-bit value nobody knows before the block that changes the
    /// configuration. A signature or on-chain approval made in advance for "the next epoch" therefore names an
    /// epoch the wallet will almost surely never have (1 in 2^32), so the panic button ({bumpEpoch}) and every
    /// rotation kill whatever was signed before, including what was signed ahead of time.
    /// Not randomness anyone bets on: the block's proposer could bias it, but a proposer gains nothing by it
    /// (signatures for a chosen future epoch still need the signers' keys). 2^32 epoch changes fit in 64 bits
    /// many times over.
    function _nextEpoch(uint256 epoch_) private view returns (uint256) {
        bytes32 entropy = keccak256(abi.encode(blockhash(block.number - 1), block.prevrandao, epoch_));
        // casting to 'uint32' keeps the low 32 bits of the hash on purpose
        // forge-lint: disable-next-line(unsafe-typecast)
        return epoch_ + 1 + uint32(uint256(entropy));
    }

    /// @dev Reverts unless `1 <= threshold_ <= count`, on the full 256-bit value: the header holds the threshold in
    /// one byte, so a larger value must never reach the encoding (it would wrap, or spill into the epoch bytes).
    function _checkThreshold(uint256 threshold_, uint256 count) private pure {
        if (threshold_ == 0 || threshold_ > count) revert InvalidThreshold(threshold_, count);
    }

    /// @dev Reverts unless `signer` may be a signer and is not among the first `count` signers of `header`.
    function _checkIncoming(bytes memory header, uint256 count, address signer) private view {
        if (uint160(signer) <= MAX_RESERVED_ADDRESS || signer == address(this)) revert InvalidSigner(signer);
        if (_find(header, count, signer) < count) revert DuplicateSigner(signer);
    }

    /// @dev Validates the threshold of `header` (the new configuration), then writes its hash beside the nonce, its
    /// epoch, threshold and count (not at creation: epoch 0, and threshold and count are in the first signer word)
    /// and the signer words that differ from those of `old` (the current header; empty at creation; none if
    /// `sameSigners`). Unchanged words are not rewritten, words past the new end are cleared.
    function _commit(bytes memory header, bytes memory old, bool sameSigners) private {
        uint256 epoch_ = _epochOf(header);
        uint256 threshold_ = _thresholdOf(header);
        uint256 count = (header.length - HEADER_FIXED) / 20;
        if (threshold_ == 0 || threshold_ > count) revert InvalidThreshold(threshold_, count);
        _state = (uint256(keccak256(header)) & ~NONCE_MASK) | (_state & NONCE_MASK);
        if (epoch_ != 0) {
            _storeHead(epoch_, threshold_, count);
            emit EpochChanged(epoch_);
        }
        if (sameSigners) return;
        _storeSignerWords(header, old);
    }

    /// @dev Writes the signer words of `header` that differ from those of `old` (empty at creation) and clears the
    /// words past the new end. A word is the header's bytes WORDS_AT + 32w on, zero past the header's end.
    function _storeSignerWords(bytes memory header, bytes memory old) private {
        assembly ("memory-safe") {
            function wordCount(h) -> n {
                n := shr(5, add(sub(mload(h), WORDS_AT), 31))
            }
            function wordAt(h, w) -> word {
                let start := add(WORDS_AT, shl(5, w))
                word := mload(add(add(h, 0x20), start))
                let valid := sub(mload(h), start)
                if lt(valid, 32) { word := and(word, not(shr(shl(3, valid), not(0)))) }
            }
            let words := wordCount(header)
            let oldWords := 0
            if mload(old) { oldWords := wordCount(old) }
            for { let w := 0 } lt(w, words) { w := add(w, 1) } {
                let word := wordAt(header, w)
                switch lt(w, oldWords)
                case 0 { sstore(add(_signerWords.slot, w), word) }
                default {
                    // The first word's first two bytes (threshold and count at creation) mean nothing after it.
                    let mask := not(0)
                    if iszero(w) { mask := shr(16, not(0)) }
                    if and(xor(word, wordAt(old, w)), mask) { sstore(add(_signerWords.slot, w), word) }
                }
            }
            for { let w := words } lt(w, oldWords) { w := add(w, 1) } { sstore(add(_signerWords.slot, w), 0) }
        }
    }

    /// @dev Threshold and count as stored, and the first signer word (read only while it holds them).
    function _storedConfig() private view returns (uint256 threshold_, uint256 count, bytes32 first) {
        (threshold_, count) = (_thresholdSet, _countSet);
        if (count == 0) {
            first = _signerWords[0];
            (threshold_, count) = (uint8(first[0]), uint8(first[1]));
        }
    }

    /// @dev The current configuration header: the one `execute` stashed for this transaction if it is still the
    /// current one, else rebuilt from storage.
    function _currentHeader() internal view returns (bytes memory header) {
        header = _stashedHeader();
        if (header.length != 0) return header;
        (uint256 threshold_, uint256 count, bytes32 first) = _storedConfig();
        uint256 length = HEADER_FIXED + 20 * count;
        header = new bytes(length);
        uint256 words = _wordCount(length);
        uint256 epoch_ = _epoch;
        for (uint256 w; w < words; ++w) {
            bytes32 word = w == 0 && first != bytes32(0) ? first : _signerWords[w];
            assembly ("memory-safe") {
                mstore(add(add(header, add(0x20, WORDS_AT)), shl(5, w)), word)
            }
        }
        assembly ("memory-safe") {
            // epoch(8) ‖ threshold(1) ‖ count(1) over the first ten bytes, keeping the signer bytes after them.
            let p := add(header, 0x20)
            let rest := and(mload(p), shr(80, not(0)))
            mstore(p, or(rest, or(shl(192, epoch_), or(shl(184, threshold_), shl(176, count)))))
        }
    }

    /// @dev The header `execute` stashed in transient storage if it hashes to the stored configuration, else empty.
    function _stashedHeader() private view returns (bytes memory header) {
        uint256 length;
        assembly ("memory-safe") {
            length := tload(HEADER_STASH)
        }
        if (length == 0) return header;
        uint256 stored = _state;
        assembly ("memory-safe") {
            // Whole words are copied; the allocation covers them (the length rounded up to words).
            header := mload(0x40)
            mstore(header, length)
            let p := add(header, 0x20)
            let words := shr(5, add(length, 31))
            for { let w := 0 } lt(w, words) { w := add(w, 1) } {
                mstore(add(p, shl(5, w)), tload(add(HEADER_STASH, add(w, 1))))
            }
            mstore(0x40, add(p, shl(5, words)))
            // A stash that no longer matches the stored configuration is not the current header: empty.
            if shr(32, xor(keccak256(p, length), stored)) { mstore(header, 0) }
        }
    }

    /// @dev Stashes the header at the start of `sig` (its length already checked) for rotations later in this
    /// transaction. Only a header that matched `_state` is ever stashed, and it is read back only while it
    /// still does.
    function _stashHeader(bytes calldata sig, uint256 count) internal {
        uint256 length = HEADER_FIXED + 20 * count;
        assembly ("memory-safe") {
            tstore(HEADER_STASH, length)
            for { let w := 0 } lt(shl(5, w), length) { w := add(w, 1) } {
                tstore(add(HEADER_STASH, add(w, 1)), calldataload(add(sig.offset, shl(5, w))))
            }
        }
    }

    function _epochOf(bytes memory header) private pure returns (uint256 epoch_) {
        assembly ("memory-safe") {
            epoch_ := shr(192, mload(add(header, 0x20)))
        }
    }

    function _countOf(bytes memory header) private pure returns (uint256 count) {
        assembly ("memory-safe") {
            count := byte(9, mload(add(header, 0x20)))
        }
    }

    function _thresholdOf(bytes memory header) private pure returns (uint256 threshold_) {
        assembly ("memory-safe") {
            threshold_ := byte(8, mload(add(header, 0x20)))
        }
    }

    /// @dev A copy of `header` with another epoch and threshold (the same signers).
    function _rekeyed(bytes memory header, uint256 epoch_, uint256 threshold_)
        private
        pure
        returns (bytes memory copy)
    {
        copy = new bytes(header.length);
        assembly ("memory-safe") {
            let p := add(copy, 0x20)
            mcopy(p, add(header, 0x20), mload(header))
            let rest := and(mload(p), shr(72, not(0)))
            mstore(p, or(rest, or(shl(192, epoch_), shl(184, threshold_))))
        }
    }

    /// @dev The signers of a header, in order.
    function _signersOf(bytes memory header) private pure returns (address[] memory signers) {
        uint256 count = _countOf(header);
        signers = new address[](count);
        for (uint256 i; i < count; ++i) {
            signers[i] = _signerAt(header, i);
        }
    }

    /// @dev A header for `signers` with its epoch, threshold and count bytes zero and its length that of the list
    /// ({_setHead} writes the first three).
    function _header(address[] memory signers) private pure returns (bytes memory header) {
        uint256 count = signers.length;
        // One allocation (zeroed), written left to right: each 32-byte store's trailing zeros are overwritten by the
        // next.
        header = new bytes(HEADER_FIXED + 20 * count);
        assembly ("memory-safe") {
            let p := add(header, add(0x20, HEADER_FIXED))
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                mstore(add(p, mul(20, i)), shl(96, mload(add(signers, mul(0x20, add(i, 1))))))
            }
        }
    }

    /// @dev The index of `account` among the first `count` signers of `header`, or `count` if it is not one.
    function _find(bytes memory header, uint256 count, address account) internal pure returns (uint256 at) {
        assembly ("memory-safe") {
            let p := add(header, add(0x20, HEADER_FIXED))
            // Assembly sees the whole word of an address variable: only its low 20 bytes are the address.
            let wanted := shr(96, shl(96, account))
            for {} lt(at, count) { at := add(at, 1) } {
                if eq(shr(96, mload(add(p, mul(20, at)))), wanted) { break }
            }
        }
    }

    /// @dev Signer `i` of `header`.
    function _signerAt(bytes memory header, uint256 i) private pure returns (address signer) {
        assembly ("memory-safe") {
            signer := shr(96, mload(add(add(header, add(0x20, HEADER_FIXED)), mul(20, i))))
        }
    }

    /// @dev Writes `signer` as signer `i` of `header`, keeping the 12 bytes after it (the buffer has room: see
    /// {_copyWithRoom}).
    function _putSigner(bytes memory header, uint256 i, address signer) private pure {
        assembly ("memory-safe") {
            let p := add(add(header, add(0x20, HEADER_FIXED)), mul(20, i))
            mstore(p, or(shl(96, signer), and(mload(p), shr(160, not(0)))))
        }
    }

    /// @dev A copy of `header` in a buffer with room for `extra` more signers and a word's slack past them, so that
    /// {_putSigner} never writes past it. Its length is the buffer's until {_setHead} sets the header's: nothing
    /// before that reads it (signers are looked up by index and count).
    function _copyWithRoom(bytes memory header, uint256 extra) private pure returns (bytes memory copy) {
        uint256 length = header.length;
        copy = new bytes(length + 20 * extra + 32);
        assembly ("memory-safe") {
            mcopy(add(copy, 0x20), add(header, 0x20), length)
        }
    }

    /// @dev Sets the epoch, threshold and count bytes of `header` and its length to that of `count` signers.
    /// The caller has checked `threshold_ <= count <= MAX_SIGNERS`: each fits its byte.
    function _setHead(bytes memory header, uint256 epoch_, uint256 threshold_, uint256 count) private pure {
        assembly ("memory-safe") {
            let p := add(header, 0x20)
            let rest := and(mload(p), shr(80, not(0)))
            mstore(p, or(rest, or(shl(192, epoch_), or(shl(184, threshold_), shl(176, count)))))
            mstore(header, add(HEADER_FIXED, mul(20, count)))
        }
    }

    /// @dev Signer words for a header of `length` bytes: the bytes from WORDS_AT on.
    function _wordCount(uint256 length) private pure returns (uint256) {
        return (length - WORDS_AT + 31) / 32;
    }
}
