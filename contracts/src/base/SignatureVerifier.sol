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
/// wallet's native, wallet-bound ERC-1271 `isValidSignature` with ERC-7739 nested typed data.
/// @dev A packed signature is `header ‖ entry*`. The header is the configuration
/// `epoch(8) ‖ threshold(1) ‖ count(1) ‖ signer_0(20) ‖ …`, accepted only if its keccak256 equals the stored
/// configuration hash; each entry is `index(1) ‖ kind(1) ‖ payload` with strictly ascending indices into the
/// header's signer list, so distinct entries are distinct signers. Every entry must verify.
abstract contract SignatureVerifier is SignerConfig, IERC1271 {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Header bytes before the signer list: epoch(8) + threshold(1) + count(1).
    uint256 private constant HEADER_FIXED = 10;

    /// @dev Entry kinds.
    uint256 internal constant KIND_ECDSA = 0; // r(32) ‖ s(32) ‖ v(1)
    uint256 internal constant KIND_ECDSA_COMPACT = 1; // r(32) ‖ yParityAndS(32), EIP-2098
    uint256 internal constant KIND_CONTRACT = 2; // length(2) ‖ ERC-1271 signature bytes
    uint256 internal constant KIND_APPROVED = 3; // no payload: approvedHashes[signer][digest]

    /// @dev First byte of an `isValidSignature` signature.
    uint256 internal constant MODE_WALLET_MESSAGE = 0; // OperatorWalletMessage(bytes32 hash) under our domain
    uint256 internal constant MODE_TYPED_DATA_SIGN = 1; // ERC-7739 TypedDataSign under the app's domain

    /// @dev bytes4(keccak256("isValidSignature(bytes32,bytes)")).
    bytes4 internal constant ERC1271_MAGIC = 0x1626ba7e;
    bytes4 internal constant ERC1271_INVALID = 0xffffffff;
    /// @dev ERC-7739 support detection: `isValidSignature(0x7739…7739, "")` returns 0x77390001 (version 1).
    bytes32 internal constant ERC7739_DETECTION_HASH =
        0x7739773977397739773977397739773977397739773977397739773977397739;
    bytes4 internal constant ERC7739_SUPPORTED = 0x77390001;

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
    /// - mode 1: ERC-7739 `body = packed ‖ appDomainSeparator ‖ contentsHash ‖ contentsDescr ‖ uint16(len)`,
    ///   `packed` signing `TypedDataSign(contents, name, version, chainId, verifyingContract, salt)` under the
    ///   app's domain, where `hash` must equal the app's typed-data hash of `contentsHash`.
    /// Never reverts on malformed input, ignores msg.sender, and is bound to (chainId, wallet, epoch).
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length == 0) return hash == ERC7739_DETECTION_HASH ? ERC7739_SUPPORTED : ERC1271_INVALID;
        return _isValidWalletSignature(hash, signature) ? ERC1271_MAGIC : ERC1271_INVALID;
    }

    /// @inheritdoc IOperatorWallet
    function getMessageDigest(bytes32 hash) external view returns (bytes32) {
        return _hashTypedData(_epoch, _hashMessage(hash));
    }

    function _isValidWalletSignature(bytes32 hash, bytes calldata signature) private view returns (bool) {
        uint256 mode = uint8(signature[0]);
        bytes calldata body = signature[1:];
        if (mode == MODE_WALLET_MESSAGE) {
            (bool ok, uint256 epoch_, uint256 threshold_, uint256 count) = _readHeader(body);
            return ok && _checkEntries(_hashTypedData(epoch_, _hashMessage(hash)), body, threshold_, count);
        }
        if (mode == MODE_TYPED_DATA_SIGN) {
            (bytes calldata packed, bytes32 appSeparator, bytes32 contentsHash, string calldata contentsDescr) =
                ERC7739Utils.decodeTypedDataSig(body);
            if (MessageHashUtils.toTypedDataHash(appSeparator, contentsHash) != hash) return false;
            (bool ok, uint256 epoch_, uint256 threshold_, uint256 count) = _readHeader(packed);
            if (!ok) return false;
            bytes32 structHash =
                ERC7739Utils.typedDataSignStructHash(contentsDescr, contentsHash, _domainFields(epoch_));
            // A malformed contents description yields 0, which binds nothing: reject it.
            if (structHash == bytes32(0)) return false;
            return _checkEntries(MessageHashUtils.toTypedDataHash(appSeparator, structHash), packed, threshold_, count);
        }
        return false;
    }

    /// @dev Accepts the header only if it hashes to the stored configuration hash (one SLOAD).
    /// Parsing is in assembly because this runs on every signature check: Solidity's checked calldata slices
    /// cost ~1.9k gas per entry (docs/design.md). Every read is preceded by a length check.
    function _readHeader(bytes calldata sig)
        internal
        view
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
        if (headerHash != _configHash) return (false, 0, 0, 0);
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
            uint256 end = sig.length;
            uint256 offset = HEADER_FIXED + 20 * count;
            uint256 nextIndex = 0;
            uint256 valid = 0;
            while (offset < end) {
                if (end - offset < 2) return false;
                uint256 index;
                uint256 kind;
                address signer;
                assembly ("memory-safe") {
                    let word := calldataload(add(sig.offset, offset))
                    index := byte(0, word)
                    kind := byte(1, word)
                }
                if (index < nextIndex || index >= count) return false;
                assembly ("memory-safe") {
                    signer := shr(96, calldataload(add(sig.offset, add(HEADER_FIXED, mul(20, index)))))
                }
                offset += 2;
                uint256 remaining = end - offset;
                if (kind == KIND_ECDSA) {
                    if (remaining < 65 || _recover(digest, sig, offset, true) != signer) return false;
                    offset += 65;
                } else if (kind == KIND_ECDSA_COMPACT) {
                    if (remaining < 64 || _recover(digest, sig, offset, false) != signer) return false;
                    offset += 64;
                } else {
                    bool ok;
                    (ok, offset) = _checkOther(digest, signer, kind, sig, offset, remaining);
                    if (!ok) return false;
                }
                nextIndex = index + 1;
                ++valid;
            }
            return valid >= threshold_;
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

    /// @dev Contract (ERC-1271) and on-chain-approval entries; returns the offset after the entry.
    function _checkOther(
        bytes32 digest,
        address signer,
        uint256 kind,
        bytes calldata sig,
        uint256 offset,
        uint256 remaining
    ) private view returns (bool ok, uint256 next) {
        if (kind == KIND_CONTRACT) {
            if (remaining < 2) return (false, 0);
            uint256 length = uint16(bytes2(sig[offset:offset + 2]));
            offset += 2;
            if (remaining - 2 < length || signer.code.length == 0) return (false, 0);
            ok = SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, sig[offset:offset + length]);
            return (ok, offset + length);
        }
        if (kind == KIND_APPROVED) return (approvedHashes[signer][digest], offset);
        return (false, 0);
    }
}
