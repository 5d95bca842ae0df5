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
    function _readHeader(bytes calldata sig)
        internal
        view
        returns (bool ok, uint256 epoch_, uint256 threshold_, uint256 count)
    {
        if (sig.length < HEADER_FIXED) return (false, 0, 0, 0);
        count = uint8(sig[9]);
        uint256 headerLength = HEADER_FIXED + 20 * count;
        if (sig.length < headerLength || keccak256(sig[:headerLength]) != _configHash) return (false, 0, 0, 0);
        return (true, uint64(bytes8(sig[:8])), uint8(sig[8]), count);
    }

    /// @dev Checks every entry after a validated header; true if all verify and at least `threshold_` are present.
    function _checkEntries(bytes32 digest, bytes calldata sig, uint256 threshold_, uint256 count)
        internal
        view
        returns (bool)
    {
        uint256 offset = HEADER_FIXED + 20 * count;
        uint256 nextIndex = 0;
        uint256 valid = 0;
        while (offset < sig.length) {
            (bool ok, uint256 index, uint256 next) = _checkEntry(digest, sig, offset, count);
            if (!ok || index < nextIndex) return false;
            nextIndex = index + 1;
            offset = next;
            ++valid;
        }
        return valid >= threshold_;
    }

    /// @dev Parses the entry at `offset` (`index(1) ‖ kind(1) ‖ payload`) and verifies it for the header's
    /// signer `index`; returns the offset after it.
    function _checkEntry(bytes32 digest, bytes calldata sig, uint256 offset, uint256 count)
        private
        view
        returns (bool ok, uint256 index, uint256 next)
    {
        if (sig.length - offset < 2) return (false, 0, 0);
        index = uint8(sig[offset]);
        if (index >= count) return (false, 0, 0);
        uint256 at = HEADER_FIXED + 20 * index;
        (ok, next) = _checkPayload(digest, address(bytes20(sig[at:at + 20])), uint8(sig[offset + 1]), sig, offset + 2);
    }

    /// @dev Verifies one entry's payload starting at `offset`; returns the offset after it.
    function _checkPayload(bytes32 digest, address signer, uint256 kind, bytes calldata sig, uint256 offset)
        private
        view
        returns (bool ok, uint256 next)
    {
        uint256 remaining = sig.length - offset;
        if (kind == KIND_ECDSA) {
            if (remaining < 65) return (false, 0);
            // The error argument only details why recovery failed; `err` alone decides.
            // slither-disable-next-line unused-return
            (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(
                digest, uint8(sig[offset + 64]), bytes32(sig[offset:offset + 32]), bytes32(sig[offset + 32:offset + 64])
            );
            return (err == ECDSA.RecoverError.NoError && recovered == signer, offset + 65);
        }
        if (kind == KIND_ECDSA_COMPACT) {
            if (remaining < 64) return (false, 0);
            // slither-disable-next-line unused-return
            (address recovered, ECDSA.RecoverError err,) =
                ECDSA.tryRecover(digest, bytes32(sig[offset:offset + 32]), bytes32(sig[offset + 32:offset + 64]));
            return (err == ECDSA.RecoverError.NoError && recovered == signer, offset + 64);
        }
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
