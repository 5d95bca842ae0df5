// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ERC7739Utils} from "@openzeppelin/contracts/utils/cryptography/draft-ERC7739Utils.sol";
import {IOperatorWallet} from "../interfaces/IOperatorWallet.sol";
import {SignerConfig} from "./SignerConfig.sol";

/// @title SignatureVerifier
/// @notice Parses and checks the packed multisig signature (docs/signatures.md), on-chain approvals, and the
/// wallet's native, wallet-bound ERC-1271 `isValidSignature` with nested typed data in ERC-7739's TypedDataSign
/// shape (behind a mode byte, so not ERC-7739's layout: the wallet does not answer ERC-7739's detection call).
/// @dev A packed signature is `header ‖ entry*`. The header is the configuration
/// `epoch(8) ‖ threshold(1) ‖ count(1) ‖ signer_0(20) ‖ …`, accepted only if its keccak256 equals the stored
/// configuration hash; each entry is `index(1) ‖ kind(1) ‖ payload` with strictly ascending indices into the
/// header's signer list, so distinct entries are distinct signers. Every entry must verify.
abstract contract SignatureVerifier is SignerConfig, IERC1271 {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Entry kinds.
    uint256 internal constant KIND_ECDSA = 0; // r(32) ‖ s(32) ‖ v(1)
    uint256 internal constant KIND_ECDSA_COMPACT = 1; // r(32) ‖ yParityAndS(32), EIP-2098
    uint256 internal constant KIND_CONTRACT = 2; // length(2) ‖ ERC-1271 signature bytes
    uint256 internal constant KIND_APPROVED = 3; // no payload: approvedHashes[signer][digest]

    /// @dev First byte of an `isValidSignature` signature.
    uint256 internal constant MODE_WALLET_MESSAGE = 0; // OperatorWalletMessage(bytes32 hash) under our domain
    uint256 internal constant MODE_TYPED_DATA_SIGN = 1; // ERC-7739's TypedDataSign under the app's domain

    /// @dev keccak256("opwallet.execution"): transient slot holding the running execution's tag (its nonce + 1),
    /// zero outside {execute}. An approval for this execution of `hash` is the tag stored at
    /// keccak256(hash ‖ EXECUTION_TAG).
    bytes32 internal constant EXECUTION_TAG = 0x88ecaabe87688c6ad6ee4da8488a1e4673593899e7bd5fb7d6ff27d6e3ae5bfb;

    /// @dev bytes4(keccak256("isValidSignature(bytes32,bytes)")).
    bytes4 internal constant ERC1271_MAGIC = 0x1626ba7e;
    bytes4 internal constant ERC1271_INVALID = 0xffffffff;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOperatorWallet
    mapping(address signer => mapping(bytes32 digest => bool)) public approvedHashes;

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOperatorWallet
    function approveHash(bytes32 digest) external {
        if (!isSigner(msg.sender)) revert NotASigner(msg.sender);
        approvedHashes[msg.sender][digest] = true;
        emit HashApproved(msg.sender, digest);
    }

    /// @inheritdoc IOperatorWallet
    function revokeHash(bytes32 digest) external {
        approvedHashes[msg.sender][digest] = false;
        emit HashRevoked(msg.sender, digest);
    }

    /// @notice ERC-1271. `signature` is `mode(1) ‖ body`:
    /// - mode 0: `body` is a packed signature over `OperatorWalletMessage(bytes32 hash)` under this wallet's domain;
    /// - mode 1: `body = packed ‖ appDomainSeparator ‖ contentsHash ‖ contentsDescr ‖ uint16(len)` (ERC-7739's
    ///   TypedDataSign fields behind the mode byte), `packed` signing
    ///   `TypedDataSign(contents, name, version, chainId, verifyingContract, salt)` under the app's domain, where
    ///   `hash` must equal the app's typed-data hash of `contentsHash`.
    /// Never reverts on malformed input, ignores msg.sender, and is bound to (chainId, wallet, epoch). An empty
    /// signature is invalid, including ERC-7739's detection call: standard ERC-7739 encoders (no mode byte, a
    /// PersonalSign path) would not produce signatures this wallet accepts, so it does not claim support
    /// (docs/signatures.md).
    /// An empty signature is valid only for a hash the running execution approved ({approveForThisExecution}).
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length == 0) return _approvedForThisExecution(hash) ? ERC1271_MAGIC : ERC1271_INVALID;
        return _isValidWalletSignature(hash, signature) ? ERC1271_MAGIC : ERC1271_INVALID;
    }

    /// @dev Starts an execution's tag (`nonce + 1`) and returns the tag it replaces (an enclosing execution's, or 0).
    function _enterExecution(uint256 nonce_) internal returns (uint256 previous) {
        assembly ("memory-safe") {
            previous := tload(EXECUTION_TAG)
            tstore(EXECUTION_TAG, add(nonce_, 1))
        }
    }

    /// @dev Restores the tag {_enterExecution} replaced: the execution's approvals stop counting.
    function _leaveExecution(uint256 previous) internal {
        assembly ("memory-safe") {
            tstore(EXECUTION_TAG, previous)
        }
    }

    /// @dev Records `hash` as approved by the running execution (tag 0 outside one: never matches a valid tag).
    function _approveForThisExecution(bytes32 hash) internal returns (uint256 tag) {
        assembly ("memory-safe") {
            tag := tload(EXECUTION_TAG)
            mstore(0x00, hash)
            mstore(0x20, EXECUTION_TAG)
            tstore(keccak256(0x00, 0x40), tag)
        }
    }

    /// @dev Whether the running execution approved `hash`.
    function _approvedForThisExecution(bytes32 hash) private view returns (bool approved) {
        assembly ("memory-safe") {
            let tag := tload(EXECUTION_TAG)
            mstore(0x00, hash)
            mstore(0x20, EXECUTION_TAG)
            approved := and(iszero(iszero(tag)), eq(tload(keccak256(0x00, 0x40)), tag))
        }
    }

    /// @inheritdoc IOperatorWallet
    function getMessageDigest(bytes32 hash) external view returns (bytes32) {
        return _hashTypedData(_epoch, _hashMessage(hash));
    }

    function _isValidWalletSignature(bytes32 hash, bytes calldata signature) private view returns (bool) {
        uint256 mode = uint8(signature[0]);
        bytes calldata body = signature[1:];
        if (mode == MODE_WALLET_MESSAGE) {
            (bool ok, uint256 epoch_, uint256 threshold_, uint256 count) = _readHeader(body, _state);
            return ok && _checkEntries(_hashTypedData(epoch_, _hashMessage(hash)), body, threshold_, count);
        }
        if (mode == MODE_TYPED_DATA_SIGN) {
            (bytes calldata packed, bytes32 appSeparator, bytes32 contentsHash, string calldata contentsDescr) =
                ERC7739Utils.decodeTypedDataSig(body);
            if (MessageHashUtils.toTypedDataHash(appSeparator, contentsHash) != hash) return false;
            (bool ok, uint256 epoch_, uint256 threshold_, uint256 count) = _readHeader(packed, _state);
            if (!ok) return false;
            bytes32 structHash =
                ERC7739Utils.typedDataSignStructHash(contentsDescr, contentsHash, _domainFields(epoch_));
            // A malformed contents description yields 0, which binds nothing: reject it.
            if (structHash == bytes32(0)) return false;
            return _checkEntries(MessageHashUtils.toTypedDataHash(appSeparator, structHash), packed, threshold_, count);
        }
        return false;
    }

    /// @dev Accepts the header only if it hashes to the configuration hash in `stored` (the `_state` word: one
    /// SLOAD, which {execute} reuses for the nonce). Parsing is in assembly because this runs on every signature
    /// check: Solidity's checked calldata slices cost ~1.9k gas per entry (docs/design.md). Every read is preceded
    /// by a length check.
    function _readHeader(bytes calldata sig, uint256 stored)
        internal
        pure
        returns (bool ok, uint256 epoch_, uint256 threshold_, uint256 count)
    {
        if (sig.length < HEADER_FIXED) return (false, 0, 0, 0);
        bytes32 headerHash;
        assembly ("memory-safe") {
            let word := calldataload(sig.offset)
            epoch_ := shr(192, word) // bytes 0..7
            threshold_ := byte(8, word)
            count := byte(9, word)
        }
        uint256 headerLength;
        unchecked {
            headerLength = HEADER_FIXED + 20 * count; // count < 256
        }
        if (sig.length < headerLength) return (false, 0, 0, 0);
        assembly ("memory-safe") {
            // Hash the header in scratch memory past the free pointer; nothing is allocated.
            let m := mload(0x40)
            calldatacopy(m, sig.offset, headerLength)
            headerHash := keccak256(m, headerLength)
        }
        if (!_isCurrent(headerHash, stored)) return (false, 0, 0, 0);
        ok = true;
    }

    /// @dev Checks every entry after a validated header; true if all verify and at least `threshold_` are present.
    /// Entries are `index(1) ‖ kind(1) ‖ payload`, strictly ascending by index into the header's signer list.
    function _checkEntries(bytes32 digest, bytes calldata sig, uint256 threshold_, uint256 count)
        internal
        view
        returns (bool)
    {
        // Unchecked: offsets never exceed sig.length (each advance is length-checked first), index < 256 and
        // valid <= sig.length, so none of this arithmetic can overflow or underflow.
        unchecked {
            uint256 offset = HEADER_FIXED + 20 * count;
            uint256 nextIndex = 0;
            uint256 valid = 0;
            while (offset < sig.length) {
                bool ok;
                uint256 index;
                (ok, index, offset) = _checkEntry(digest, sig, offset, count);
                if (!ok || index < nextIndex) return false;
                nextIndex = index + 1;
                ++valid;
            }
            return valid >= threshold_;
        }
    }

    /// @dev Checks the entry at `offset` (< sig.length): its signer index, and its signature by that signer over
    /// `digest`. Returns the index and the offset after the entry.
    function _checkEntry(bytes32 digest, bytes calldata sig, uint256 offset, uint256 count)
        private
        view
        returns (bool ok, uint256 index, uint256 next)
    {
        unchecked {
            if (sig.length - offset < 2) return (false, 0, 0);
            uint256 kind;
            address signer;
            assembly ("memory-safe") {
                let word := calldataload(add(sig.offset, offset))
                index := byte(0, word)
                kind := byte(1, word)
            }
            if (index >= count) return (false, 0, 0);
            assembly ("memory-safe") {
                signer := shr(96, calldataload(add(sig.offset, add(HEADER_FIXED, mul(20, index)))))
            }
            offset += 2;
            uint256 remaining = sig.length - offset;
            if (kind == KIND_ECDSA) {
                return (remaining >= 65 && _recover(digest, sig, offset, true) == signer, index, offset + 65);
            }
            if (kind == KIND_ECDSA_COMPACT) {
                return (remaining >= 64 && _recover(digest, sig, offset, false) == signer, index, offset + 64);
            }
            if (kind == KIND_CONTRACT) {
                if (remaining < 2) return (false, 0, 0);
                uint256 length = uint16(bytes2(sig[offset:offset + 2]));
                offset += 2;
                if (remaining - 2 < length || signer.code.length == 0) return (false, 0, 0);
                ok = SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, sig[offset:offset + length]);
                return (ok, index, offset + length);
            }
            if (kind == KIND_APPROVED) return (approvedHashes[signer][digest], index, offset);
            return (false, 0, 0);
        }
    }

    /// @dev ECDSA entry at `offset` (length already checked): `r ‖ s ‖ v` if `full`, else EIP-2098 `r ‖ yParityAndS`.
    /// Recovery and the low-s rule are OpenZeppelin's; returns address(0) on any failure.
    function _recover(bytes32 digest, bytes calldata sig, uint256 offset, bool full)
        private
        pure
        returns (address recovered)
    {
        bytes32 r;
        bytes32 sOrVs;
        uint8 v;
        assembly ("memory-safe") {
            let p := add(sig.offset, offset)
            r := calldataload(p)
            sOrVs := calldataload(add(p, 32))
            v := byte(0, calldataload(add(p, 64)))
        }
        ECDSA.RecoverError err;
        // The error argument only details why recovery failed; `err` alone decides.
        // slither-disable-next-line unused-return
        (recovered, err,) = full ? ECDSA.tryRecover(digest, v, r, sOrVs) : ECDSA.tryRecover(digest, r, sOrVs);
        if (err != ECDSA.RecoverError.NoError) recovered = address(0);
    }
}
