// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../../src/OperatorWallet.sol";
import {ProgrammableSigner} from "../../fixtures/Fixtures.sol";
import {TestBase} from "../../TestBase.sol";

contract IsValidSignatureTest is TestBase {
    bytes32 internal constant HASH = keccak256("an EigenLayer digest");

    /*//////////////////////////////////////////////////////////////
                      MODE 0: WALLET-BOUND MESSAGE
    //////////////////////////////////////////////////////////////*/

    function test_isValidSignature_AcceptsThresholdSignatures() public view {
        assertEq(wallet.isValidSignature(HASH, messageSig(wallet, HASH, 2)), MAGIC);
        assertEq(wallet.isValidSignature(HASH, messageSig(wallet, HASH, 3)), MAGIC);
    }

    function test_isValidSignature_MessageDigestIsTheDocumentedEIP712() public view {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
                ),
                keccak256("OperatorWallet"),
                keccak256("1"),
                block.chainid,
                address(wallet),
                bytes32(0)
            )
        );
        bytes32 structHash = keccak256(abi.encode(keccak256("OperatorWalletMessage(bytes32 hash)"), HASH));
        assertEq(wallet.getMessageDigest(HASH), keccak256(abi.encodePacked(hex"1901", domain, structHash)));
    }

    function test_isValidSignature_RejectsBelowThreshold() public view {
        assertEq(wallet.isValidSignature(HASH, messageSig(wallet, HASH, 1)), INVALID);
    }

    /// @dev A compact (EIP-2098) entry counts only if it recovers to its signer over this digest: by another signer,
    /// over another digest, or garbage, it is invalid; the same pair by the right signer is valid.
    function test_isValidSignature_CompactEntryCountsOnlyForItsSigner() public view {
        bytes32 digest = wallet.getMessageDigest(HASH);
        (bytes32 r0, bytes32 vs0) = vm.signCompact(keyOf[signers[0]], digest);
        (bytes32 r1, bytes32 vs1) = vm.signCompact(keyOf[signers[1]], digest);
        (bytes32 rx, bytes32 vsx) = vm.signCompact(keyOf[signers[1]], keccak256("another digest"));
        bytes memory first = entry(0, KIND_ECDSA_COMPACT, abi.encodePacked(r0, vs0));
        bytes memory header = bytes.concat(hex"00", wallet.configHeader());
        bytes[] memory wrong = new bytes[](3);
        wrong[0] = entry(1, KIND_ECDSA_COMPACT, abi.encodePacked(r0, vs0));
        wrong[1] = entry(1, KIND_ECDSA_COMPACT, abi.encodePacked(rx, vsx));
        wrong[2] = entry(1, KIND_ECDSA_COMPACT, abi.encodePacked(bytes32(uint256(1)), bytes32(uint256(2))));
        for (uint256 i; i < wrong.length; ++i) {
            assertEq(wallet.isValidSignature(HASH, bytes.concat(header, first, wrong[i])), INVALID);
        }
        bytes memory right = entry(1, KIND_ECDSA_COMPACT, abi.encodePacked(r1, vs1));
        assertEq(wallet.isValidSignature(HASH, bytes.concat(header, first, right)), MAGIC);
    }

    function test_isValidSignature_RejectsRawHashSignatures() public view {
        // Signers signing the bare hash (what a naive tool would do) must not validate: the wrapper is mandatory.
        assertEq(wallet.isValidSignature(HASH, bytes.concat(hex"00", firstK(wallet, HASH, 2))), INVALID);
    }

    function test_isValidSignature_HasNoCallerShortcut() public {
        // One signature plus "the caller is a signer" must not reach a 2-of-3 threshold.
        bytes memory one = messageSig(wallet, HASH, 1);
        vm.prank(signers[1]);
        assertEq(wallet.isValidSignature(HASH, one), INVALID);
    }

    function test_isValidSignature_IsBoundToTheWallet() public {
        OperatorWallet twin = OperatorWallet(payable(factory.createWallet(signers, 2, bytes32(uint256(1)))));
        assertEq(twin.isValidSignature(HASH, messageSig(wallet, HASH, 2)), INVALID);
    }

    function test_isValidSignature_IsBoundToTheChain() public {
        bytes memory sig = messageSig(wallet, HASH, 2);
        vm.chainId(17000);
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
    }

    /// @dev The wallet's nested typed data sits behind a mode byte and has no PersonalSign path, so a standard
    /// ERC-7739 encoder's signatures would not validate: it must not claim support (docs/signatures.md).
    function test_isValidSignature_DoesNotAnswerERC7739Detection() public view {
        assertEq(
            wallet.isValidSignature(bytes32(0x7739773977397739773977397739773977397739773977397739773977397739), ""),
            INVALID
        );
        assertEq(wallet.isValidSignature(HASH, ""), INVALID);
    }

    function test_isValidSignature_UnknownModeIsInvalid() public view {
        bytes memory sig = messageSig(wallet, HASH, 2);
        sig[0] = 0x02;
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
    }

    /*//////////////////////////////////////////////////////////////
                     MODE 1: ERC-7739 TYPED DATA SIGN
    //////////////////////////////////////////////////////////////*/

    string internal constant DESCR =
        "OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)";

    /// @dev An AVSDirectory-shaped app domain and contents, as EigenLayer would hash them.
    function _app() internal view returns (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) {
        appSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("EigenLayer"),
                keccak256("1"),
                block.chainid,
                address(0xA11CE)
            )
        );
        contentsHash = keccak256(
            abi.encode(keccak256(bytes(DESCR)), address(wallet), address(0xA5), bytes32("salt"), uint256(1 days))
        );
        appHash = keccak256(abi.encodePacked(hex"1901", appSeparator, contentsHash));
    }

    function _typedDataSignDigest(bytes32 appSeparator, bytes32 contentsHash) internal view returns (bytes32) {
        bytes32 typehash = keccak256(
            abi.encodePacked(
                "TypedDataSign(OperatorAVSRegistration contents,string name,string version,uint256 chainId,",
                "address verifyingContract,bytes32 salt)",
                DESCR
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                typehash,
                contentsHash,
                keccak256("OperatorWallet"),
                keccak256("1"),
                block.chainid,
                address(wallet),
                bytes32(wallet.epoch())
            )
        );
        return keccak256(abi.encodePacked(hex"1901", appSeparator, structHash));
    }

    function _nested(bytes memory packed, bytes32 appSeparator, bytes32 contentsHash, string memory descr)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(hex"01", packed, appSeparator, contentsHash, descr, uint16(bytes(descr).length));
    }

    function test_isValidSignature_AcceptsERC7739TypedDataSign() public view {
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes memory packed = firstK(wallet, _typedDataSignDigest(appSeparator, contentsHash), 2);
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, DESCR)), MAGIC);
    }

    /// @dev The mode byte is matched exactly: a valid mode-1 body under any other unknown mode byte is invalid.
    function test_isValidSignature_ERC7739BodyUnderAnUnknownModeIsInvalid() public view {
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes memory packed = firstK(wallet, _typedDataSignDigest(appSeparator, contentsHash), 2);
        bytes memory sig = _nested(packed, appSeparator, contentsHash, DESCR);
        assertEq(wallet.isValidSignature(appHash, sig), MAGIC);
        uint8[3] memory unknown = [2, 0x81, 0xff];
        for (uint256 i; i < unknown.length; ++i) {
            sig[0] = bytes1(unknown[i]);
            assertEq(wallet.isValidSignature(appHash, sig), INVALID);
        }
    }

    /// @dev A signature whose packed part has no valid header (empty, ten bytes, or a header without its signers)
    /// is invalid, in mode 1 and mode 0: there is no threshold to meet, not a threshold of zero.
    function test_isValidSignature_WithoutAHeaderIsInvalid() public view {
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes memory header = wallet.configHeader();
        bytes[] memory packed = new bytes[](3);
        packed[1] = new bytes(10);
        packed[2] = new bytes(10);
        for (uint256 i; i < 10; ++i) {
            packed[2][i] = header[i];
        }
        for (uint256 i; i < packed.length; ++i) {
            bytes memory sig = _nested(packed[i], appSeparator, contentsHash, DESCR);
            assertEq(wallet.isValidSignature(appHash, sig), INVALID);
            // The same in mode 0.
            assertEq(wallet.isValidSignature(HASH, bytes.concat(hex"00", packed[i])), INVALID);
        }
    }

    function test_isValidSignature_ERC7739RejectsMismatchedAppHash() public view {
        (bytes32 appSeparator, bytes32 contentsHash,) = _app();
        bytes memory packed = firstK(wallet, _typedDataSignDigest(appSeparator, contentsHash), 2);
        assertEq(wallet.isValidSignature(HASH, _nested(packed, appSeparator, contentsHash, DESCR)), INVALID);
    }

    /// @dev The entry parser never reads past its slice. In mode 1 the packed signature is followed by the app's
    /// domain separator: an entry cut to its index byte, whose missing kind byte would be that separator's first
    /// byte (here 0x03, "approved on-chain", and the signer did approve), is invalid, not an approval.
    function test_isValidSignature_ERC7739EntryCutAtItsIndexDoesNotBorrowTheNextByte() public {
        bytes32 appSeparator = bytes32(uint256(3) << 248 | 1);
        (, bytes32 contentsHash,) = _app();
        bytes32 appHash = keccak256(abi.encodePacked(hex"1901", appSeparator, contentsHash));
        bytes32 digest = _typedDataSignDigest(appSeparator, contentsHash);
        vm.prank(signers[1]);
        wallet.approveHash(digest);
        bytes memory packed = bytes.concat(wallet.configHeader(), ecdsaEntry(wallet, 0, digest), hex"01");
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, DESCR)), INVALID);
        // Whole, the same approval counts.
        packed = bytes.concat(wallet.configHeader(), ecdsaEntry(wallet, 0, digest), entry(1, KIND_APPROVED, ""));
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, DESCR)), MAGIC);
    }

    function test_isValidSignature_ERC7739RejectsMalformedDescription() public view {
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes memory packed = firstK(wallet, _typedDataSignDigest(appSeparator, contentsHash), 2);
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, "")), INVALID);
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, "(bad")), INVALID);
    }

    /// @dev A nested signature whose app hash matches but whose header is from an older epoch is invalid, not a
    /// revert (mutation testing found the stale-header branch of mode 1 untested).
    function test_isValidSignature_ERC7739WithAStaleHeaderIsInvalidNotARevert() public {
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes memory packed = firstK(wallet, _typedDataSignDigest(appSeparator, contentsHash), 2);
        bytes memory sig = _nested(packed, appSeparator, contentsHash, DESCR);
        assertEq(wallet.isValidSignature(appHash, sig), MAGIC);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        assertEq(wallet.isValidSignature(appHash, sig), INVALID);
    }

    /// @dev A malformed contents description makes the struct hash 0, which binds nothing: refused even when the
    /// signers signed exactly that empty binding (mutation testing found the guard untested).
    function test_isValidSignature_ERC7739MalformedDescriptionBindsNothingEvenIfSigned() public view {
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes32 nothing = keccak256(abi.encodePacked(hex"1901", appSeparator, bytes32(0)));
        bytes memory packed = firstK(wallet, nothing, 2);
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, "")), INVALID);
        assertEq(wallet.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, "(bad")), INVALID);
    }

    function test_isValidSignature_ERC7739IsBoundToTheWallet() public {
        OperatorWallet twin = OperatorWallet(payable(factory.createWallet(signers, 2, bytes32(uint256(1)))));
        (bytes32 appSeparator, bytes32 contentsHash, bytes32 appHash) = _app();
        bytes memory packed = firstK(wallet, _typedDataSignDigest(appSeparator, contentsHash), 2);
        assertEq(twin.isValidSignature(appHash, _nested(packed, appSeparator, contentsHash, DESCR)), INVALID);
    }

    /*//////////////////////////////////////////////////////////////
                            CONTRACT SIGNERS
    //////////////////////////////////////////////////////////////*/

    function _withContractSigner() internal returns (OperatorWallet w, ProgrammableSigner cs, bytes32 digest) {
        cs = new ProgrammableSigner();
        address[] memory s = new address[](2);
        (s[0], s[1]) = (address(cs), signers[0]);
        w = OperatorWallet(payable(factory.createWallet(s, 2, bytes32(0))));
        digest = w.getMessageDigest(HASH);
        cs.approve(digest);
    }

    function _contractSig(OperatorWallet w, bytes32 digest, bytes memory inner) internal view returns (bytes memory) {
        return bytes.concat(
            hex"00",
            w.configHeader(),
            entry(0, KIND_CONTRACT, abi.encodePacked(uint16(inner.length), inner)),
            ecdsaEntry(w, 1, digest)
        );
    }

    function test_isValidSignature_ContractSignerModes() public {
        (OperatorWallet w, ProgrammableSigner cs, bytes32 digest) = _withContractSigner();
        bytes memory sig = _contractSig(w, digest, hex"c0ffee");
        assertEq(w.isValidSignature(HASH, sig), MAGIC);
        ProgrammableSigner.Mode[4] memory bad = [
            ProgrammableSigner.Mode.WrongMagic,
            ProgrammableSigner.Mode.ShortReturn,
            ProgrammableSigner.Mode.Revert,
            ProgrammableSigner.Mode.BurnGas
        ];
        for (uint256 i; i < bad.length; ++i) {
            cs.setMode(bad[i]);
            assertEq(w.isValidSignature(HASH, sig), INVALID);
        }
    }

    /// @dev Documents the behaviour only: the wallet's code-length check on contract entries is defence in depth.
    /// OpenZeppelin's SignatureChecker already refuses an address without code (empty return data), and the one
    /// codeless address that would answer (the identity precompile 0x04) can never be a signer
    /// (`test_RevertWhen_addSigner_InvalidAddresses`). Mutation testing lists the check's removal as equivalent.
    function test_isValidSignature_ContractEntryForAnEOAIsInvalid() public view {
        bytes32 digest = wallet.getMessageDigest(HASH);
        bytes memory sig = bytes.concat(
            hex"00",
            wallet.configHeader(),
            entry(0, KIND_CONTRACT, abi.encodePacked(uint16(4), MAGIC)),
            ecdsaEntry(wallet, 1, digest)
        );
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
    }

    function test_isValidSignature_ContractPayloadLengthIsBoundsChecked() public {
        (OperatorWallet w,, bytes32 digest) = _withContractSigner();
        bytes memory inner = hex"c0ffee";
        bytes memory sig =
            bytes.concat(hex"00", w.configHeader(), entry(0, KIND_CONTRACT, abi.encodePacked(uint16(400), inner)));
        assertEq(w.isValidSignature(HASH, sig), INVALID);
        // With its true length the same entry is valid.
        assertEq(w.isValidSignature(HASH, _contractSig(w, digest, inner)), MAGIC);
    }

    /// @dev Entries are walked by their own lengths: a contract entry of any payload length from 0 to 70 bytes
    /// validates next to a compact ECDSA entry, before it (every entry boundary falls at another offset of the
    /// signature) and after it (the contract entry then starts at an offset that is not a multiple of four).
    function test_isValidSignature_ContractEntryOfAnyPayloadLengthBesideACompactEntry() public {
        (OperatorWallet first, ProgrammableSigner cs, bytes32 digest) = _withContractSigner();
        address[] memory s = new address[](2);
        (s[0], s[1]) = (signers[0], address(cs));
        OperatorWallet second = OperatorWallet(payable(factory.createWallet(s, 2, bytes32(0))));
        bytes32 secondDigest = second.getMessageDigest(HASH);
        cs.approve(secondDigest);
        (bytes32 r, bytes32 vs) = vm.signCompact(keyOf[signers[0]], digest);
        (bytes32 r2, bytes32 vs2) = vm.signCompact(keyOf[signers[0]], secondDigest);
        for (uint256 n; n <= 70; ++n) {
            bytes memory contractPayload = abi.encodePacked(uint16(n), new bytes(n));
            bytes memory sig = bytes.concat(
                hex"00",
                first.configHeader(),
                entry(0, KIND_CONTRACT, contractPayload),
                entry(1, KIND_ECDSA_COMPACT, abi.encodePacked(r, vs))
            );
            assertEq(first.isValidSignature(HASH, sig), MAGIC);
            sig = bytes.concat(
                hex"00",
                second.configHeader(),
                entry(0, KIND_ECDSA_COMPACT, abi.encodePacked(r2, vs2)),
                entry(1, KIND_CONTRACT, contractPayload)
            );
            assertEq(second.isValidSignature(HASH, sig), MAGIC);
        }
    }

    /// @dev An entry's index must name a signer in the header: an index past the list would read its "signer" from
    /// the bytes after the header, which the entries themselves supply. Here a contract signer's payload (which the
    /// contract ignores) carries an outsider's address exactly where signer 3 would be, and the outsider signs as
    /// entry 3: invalid (with the bound gone, it met the threshold).
    function test_isValidSignature_IndexPastTheSignerListIsInvalidEvenIfTheBytesThereNameTheSigner() public {
        (OperatorWallet w,, bytes32 digest) = _withContractSigner();
        address outsider = newSigner("outsider");
        // Body offsets: header 0..49 (two signers), entry 0 at 50: index, kind, length (2), payload from 54.
        // "Signer 3" would be at 10 + 20 * 3 = 70, i.e. payload bytes 16..35.
        bytes memory payload = abi.encodePacked(bytes16(0), outsider, bytes4(0));
        bytes memory sig = bytes.concat(
            hex"00",
            w.configHeader(),
            entry(0, KIND_CONTRACT, abi.encodePacked(uint16(payload.length), payload)),
            entry(3, KIND_ECDSA, sign(outsider, digest))
        );
        assertEq(w.isValidSignature(HASH, sig), INVALID);
    }

    /// @dev A contract entry that declares one to three bytes more than the signature holds is invalid, not a
    /// revert (slicing past the end would revert): the length is checked against what is left first.
    function test_isValidSignature_ContractPayloadLongerThanWhatIsLeftIsInvalidNotARevert() public {
        (OperatorWallet w,,) = _withContractSigner();
        bytes memory inner = hex"c0ffee";
        for (uint256 extra = 1; extra <= 3; ++extra) {
            bytes memory sig = bytes.concat(
                hex"00",
                w.configHeader(),
                entry(0, KIND_CONTRACT, abi.encodePacked(uint16(inner.length + extra), inner))
            );
            assertEq(w.isValidSignature(HASH, sig), INVALID);
        }
    }

    /// @dev A contract entry cut before its two length bytes (0 or 1 of them left) is invalid, not a revert (mutation
    /// testing found that branch untested; the symbolic truncation check covers it too).
    function test_isValidSignature_ContractEntryWithoutItsLengthIsInvalidNotARevert() public {
        (OperatorWallet w,,) = _withContractSigner();
        bytes memory cut = bytes.concat(hex"00", w.configHeader(), entry(0, KIND_CONTRACT, ""));
        assertEq(w.isValidSignature(HASH, cut), INVALID);
        assertEq(w.isValidSignature(HASH, bytes.concat(cut, hex"00")), INVALID);
    }

    /*//////////////////////////////////////////////////////////////
                                APPROVALS
    //////////////////////////////////////////////////////////////*/

    function test_isValidSignature_ApprovalCountsUntilRevoked() public {
        bytes32 digest = wallet.getMessageDigest(HASH);
        bytes memory sig =
            bytes.concat(hex"00", wallet.configHeader(), entry(0, KIND_APPROVED, ""), ecdsaEntry(wallet, 2, digest));
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
        vm.prank(signers[0]);
        wallet.approveHash(digest);
        assertEq(wallet.isValidSignature(HASH, sig), MAGIC);
        vm.prank(signers[0]);
        wallet.revokeHash(digest);
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
    }

    /// @dev Entry kinds are matched exactly: an unknown kind (4 to 255) is invalid even for a signer who approved
    /// the digest on chain, where kind 3 counts.
    function test_isValidSignature_UnknownEntryKindIsInvalidEvenForAnApprover() public {
        bytes32 digest = wallet.getMessageDigest(HASH);
        vm.prank(signers[0]);
        wallet.approveHash(digest);
        bytes memory second = ecdsaEntry(wallet, 2, digest);
        bytes memory header = bytes.concat(hex"00", wallet.configHeader());
        assertEq(wallet.isValidSignature(HASH, bytes.concat(header, entry(0, KIND_APPROVED, ""), second)), MAGIC);
        uint8[3] memory unknown = [4, 0x80, 0xff];
        for (uint256 i; i < unknown.length; ++i) {
            assertEq(wallet.isValidSignature(HASH, bytes.concat(header, entry(0, unknown[i], ""), second)), INVALID);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @dev Arbitrary bytes never revert and never validate.
    function testFuzz_isValidSignature_GarbageIsInvalidNeverReverts(bytes32 hash, bytes calldata garbage) public view {
        assertEq(wallet.isValidSignature(hash, garbage), INVALID);
    }

    /// @dev A valid header followed by arbitrary entries never reverts and never validates.
    function testFuzz_isValidSignature_GarbageAfterValidHeaderIsInvalid(bytes calldata tail, uint8 mode) public view {
        bytes memory sig = abi.encodePacked(uint8(bound(mode, 0, 1)), wallet.configHeader(), tail);
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
    }

    /// @dev Truncating a valid signature anywhere never reverts and never validates.
    function testFuzz_isValidSignature_TruncationIsInvalid(uint256 cut) public view {
        bytes memory sig = messageSig(wallet, HASH, 2);
        cut = bound(cut, 0, sig.length - 1);
        bytes memory shorter = new bytes(cut);
        for (uint256 i; i < cut; ++i) {
            shorter[i] = sig[i];
        }
        assertEq(wallet.isValidSignature(HASH, shorter), INVALID);
    }

    /// @dev Changing any byte of a valid signature invalidates it, and never reverts.
    function testFuzz_isValidSignature_AnyCorruptedByteIsInvalid(uint256 position, uint8 xor) public view {
        bytes memory sig = messageSig(wallet, HASH, 2);
        position = bound(position, 0, sig.length - 1);
        sig[position] = sig[position] ^ bytes1(uint8(bound(xor, 1, 255)));
        assertEq(wallet.isValidSignature(HASH, sig), INVALID);
    }
}

contract ApproveHashTest is TestBase {
    function test_approveHash_RecordsAndEmits() public {
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.HashApproved(signers[0], bytes32("d"));
        vm.prank(signers[0]);
        wallet.approveHash(bytes32("d"));
        assertTrue(wallet.approvedHashes(signers[0], bytes32("d")));
    }

    /// The CLI's simulation sets approvals by state override at `keccak256(digest . keccak256(signer . 23))` and
    /// the nonce in slot 0's low four bytes, below the configuration hash (crates/core/src/simulate.rs): a storage
    /// layout change must fail here first. Slot 1 holds epoch (bits 0-63), threshold (64-71) and count (72-79).
    function test_approvedHashes_AndNonce_LiveWhereTheSimulationWritesThem() public {
        bytes32 digest = bytes32("d");
        bytes32 slot = keccak256(abi.encode(digest, keccak256(abi.encode(signers[0], uint256(23)))));
        assertEq(vm.load(address(wallet), slot), bytes32(0));
        vm.prank(signers[0]);
        wallet.approveHash(digest);
        assertEq(vm.load(address(wallet), slot), bytes32(uint256(1)));
        // Slot 0: the header's hash (first 28 bytes), then the nonce.
        bytes32 hashPart = bytes32(bytes28(keccak256(wallet.configHeader())));
        assertEq(vm.load(address(wallet), bytes32(0)), hashPart);
        vm.store(address(wallet), bytes32(0), bytes32(uint256(hashPart) | 5));
        assertEq(wallet.nonce(), 5);
        assertEq(wallet.configHash(), hashPart);
        // At creation slot 1 is zero (threshold and count 0 there mean the creation values, in the signer words).
        assertEq(vm.load(address(wallet), bytes32(uint256(1))), bytes32(0));
        vm.store(address(wallet), bytes32(uint256(1)), bytes32((uint256(3) << 72) | (uint256(3) << 64) | 7));
        assertEq(wallet.epoch(), 7);
        assertEq(wallet.threshold(), 3);
        assertEq(wallet.getSigners(), signers);
        // After a change the slot holds them.
        vm.store(address(wallet), bytes32(uint256(1)), bytes32(0));
        selfCall(wallet, abi.encodeCall(IOperatorWallet.setThreshold, (3)));
        uint256 word = uint256(vm.load(address(wallet), bytes32(uint256(1))));
        assertEq(word >> 64, (uint256(3) << 8) | 3);
        assertEq(uint64(word), wallet.epoch());
        assertEq(wallet.nonce(), 6);
    }

    function test_revokeHash_ClearsAndEmits() public {
        vm.startPrank(signers[0]);
        wallet.approveHash(bytes32("d"));
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.HashRevoked(signers[0], bytes32("d"));
        wallet.revokeHash(bytes32("d"));
        vm.stopPrank();
        assertFalse(wallet.approvedHashes(signers[0], bytes32("d")));
    }

    function test_RevertWhen_approveHash_CallerIsNotASigner() public {
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.NotASigner.selector, stranger));
        vm.prank(stranger);
        wallet.approveHash(bytes32("d"));
    }

    function test_approveHash_RemovedSignersApprovalStopsCounting() public {
        bytes32 hash = keccak256("h");
        bytes32 digest = wallet.getMessageDigest(hash);
        vm.prank(signers[2]);
        wallet.approveHash(digest);
        bytes memory withApproval =
            bytes.concat(hex"00", wallet.configHeader(), ecdsaEntry(wallet, 0, digest), entry(2, KIND_APPROVED, ""));
        assertEq(wallet.isValidSignature(hash, withApproval), MAGIC, "the approval counts while a signer");

        selfCall(wallet, abi.encodeCall(IOperatorWallet.removeSigner, (signers[2], 2)));
        // The record stays (approvals are never deleted), but it no longer counts: the signature it completed is
        // dead, and the new configuration has no index at which an approval entry could name the removed signer.
        assertTrue(wallet.approvedHashes(signers[2], digest));
        assertEq(wallet.isValidSignature(hash, withApproval), INVALID, "the earlier approval still counts");
        assertFalse(wallet.isSigner(signers[2]));
        address[] memory now_ = wallet.getSigners();
        assertEq(now_.length, 2);
        bytes32 fresh = wallet.getMessageDigest(hash);
        // And the removed signer cannot approve again, at the new epoch's digest either.
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.NotASigner.selector, signers[2]));
        vm.prank(signers[2]);
        wallet.approveHash(fresh);
    }
}
