// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../../src/OperatorWallet.sol";
import {ExactProofSigner, ProgrammableSigner} from "../../fixtures/Fixtures.sol";
import {TestBase} from "../../TestBase.sol";

/// @dev Shared checks for the self-authorised configuration functions.
abstract contract RotationBase is TestBase {
    function assertSigners(address[] memory expected) internal view {
        address[] memory got = wallet.getSigners();
        assertEq(got.length, expected.length, "signer count");
        for (uint256 i; i < expected.length; ++i) {
            assertTrue(wallet.isSigner(expected[i]), "expected signer missing");
        }
        assertEq(bytes32(bytes28(keccak256(wallet.configHeader()))), wallet.configHash(), "header/hash mismatch");
    }

    /// @dev The wallet's events in one self call, after `Executed`.
    function _rotationEvents(bytes memory data) internal returns (bytes32[] memory topics) {
        vm.recordLogs();
        selfCall(wallet, data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        topics = new bytes32[](logs.length);
        uint256 n;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(wallet) && logs[i].topics[0] != IOperatorWallet.Executed.selector) {
                topics[n++] = logs[i].topics[0];
            }
        }
        assembly ("memory-safe") {
            mstore(topics, n)
        }
    }

    function list(address a) internal pure returns (address[] memory l) {
        l = new address[](1);
        l[0] = a;
    }

    /// @dev Expects an EpochChanged event next (its value is unpredictable by design: only the event is checked).
    function expectEpochChanged() internal {
        vm.expectEmit(true, true, true, false, address(wallet));
        emit IOperatorWallet.EpochChanged(0);
    }

    /// @dev The epoch moved forward from `before`, by more than one (1 in 2^32 runs it may be exactly one).
    function assertNewEpoch(uint256 before) internal view {
        assertGt(wallet.epoch(), before, "epoch did not grow");
    }
}

contract AddSignerTest is RotationBase {
    function test_addSigner_AddsProvenSignerAndBumpsEpoch() public {
        address dave = newSigner("dave");
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.SignerAdded(dave);
        expectEpochChanged();
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.ThresholdChanged(3);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (dave, 3, acceptance(wallet, dave))));
        assertEq(wallet.threshold(), 3);
        assertNewEpoch(0);
        assertSigners(_four(dave));
    }

    /// @dev Proofs of possession take EIP-2098 compact signatures, as signature entries do.
    function test_addSigner_AcceptsACompactProof() public {
        address dave = newSigner("dave");
        (bytes32 r, bytes32 vs) = vm.signCompact(keyOf[dave], wallet.getAcceptanceDigest(dave));
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (dave, 2, abi.encodePacked(r, vs))));
        assertTrue(wallet.isSigner(dave));
    }

    function test_RevertWhen_addSigner_CompactProofIsByAnotherKey() public {
        address dave = newSigner("dave");
        address eve = newSigner("eve");
        (bytes32 r, bytes32 vs) = vm.signCompact(keyOf[eve], wallet.getAcceptanceDigest(dave));
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (dave, 2, abi.encodePacked(r, vs))),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, dave)
        );
    }

    function test_addSigner_AcceptsContractSignerProvingWithERC1271() public {
        ProgrammableSigner safeLike = new ProgrammableSigner();
        safeLike.approve(wallet.getAcceptanceDigest(address(safeLike)));
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (address(safeLike), 2, "")));
        assertTrue(wallet.isSigner(address(safeLike)));
    }

    /// @dev The proof reaches the newcomer's `isValidSignature` byte for byte, at any length (0 to 300 bytes, so
    /// whole words and not), through addSigner and through replaceSigner; one flipped byte is refused.
    function testFuzz_addAndReplace_HandTheProofOverExactly(uint256 length, uint256 seed) public {
        bytes memory proof = new bytes(bound(length, 0, 300));
        for (uint256 i; i < proof.length; ++i) {
            proof[i] = bytes1(uint8(uint256(keccak256(abi.encode(seed, i)))));
        }
        ExactProofSigner added = new ExactProofSigner();
        added.expect(wallet.getAcceptanceDigest(address(added)), proof);
        if (proof.length != 0) {
            bytes memory flipped = bytes.concat(proof);
            flipped[proof.length - 1] ^= 0x01;
            selfCallReverts(
                wallet,
                abi.encodeCall(IOperatorWallet.addSigner, (address(added), 2, flipped)),
                abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, address(added))
            );
        }
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (address(added), 2, proof)));
        assertTrue(wallet.isSigner(address(added)));

        ExactProofSigner replacing = new ExactProofSigner();
        replacing.expect(wallet.getAcceptanceDigest(address(replacing)), proof);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.replaceSigner, (address(added), address(replacing), proof)));
        assertTrue(wallet.isSigner(address(replacing)));
        assertFalse(wallet.isSigner(address(added)));
    }

    /// @dev A signer removed and added back in one rotation (a key re-proving possession) ends up last.
    function test_rotateSigners_RemoveAndAddTheSameSignerMovesItLast() public {
        address first = signers[0];
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = acceptance(wallet, first);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.rotateSigners, (list(first), list(first), proofs, 2)));
        address[] memory expected = new address[](3);
        (expected[0], expected[1], expected[2]) = (signers[2], signers[1], first);
        assertEq(wallet.getSigners(), expected);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.replaceSigner, (first, first, acceptance(wallet, first))));
        assertEq(wallet.getSigners(), expected);
    }

    /// @dev Removing the first signer moves the last into its place; adding that (still current) signer back is a
    /// duplicate. An invalid address after a valid one reverts the whole rotation.
    function test_RevertWhen_rotateSigners_AddsTheSignerJustMovedIntoTheHole() public {
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = acceptance(wallet, signers[2]);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (list(signers[0]), list(signers[2]), proofs, 2)),
            abi.encodeWithSelector(IOperatorWallet.DuplicateSigner.selector, signers[2])
        );
        address dave = newSigner("dave");
        address[] memory add = new address[](2);
        (add[0], add[1]) = (dave, address(0x01));
        bytes[] memory two = new bytes[](2);
        (two[0], two[1]) = (acceptance(wallet, dave), new bytes(65));
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (new address[](0), add, two, 2)),
            abi.encodeWithSelector(IOperatorWallet.InvalidSigner.selector, address(0x01))
        );
        assertEq(wallet.getSigners(), signers);
    }

    /// @dev Events in order: removals (in the order given), additions, the epoch, the threshold.
    function test_rotateSigners_EmitsEventsInOrder() public {
        address dave = newSigner("dave");
        address erin = newSigner("erin");
        address[] memory remove = new address[](2);
        (remove[0], remove[1]) = (signers[1], signers[0]);
        address[] memory add = new address[](2);
        (add[0], add[1]) = (dave, erin);
        bytes[] memory proofs = new bytes[](2);
        (proofs[0], proofs[1]) = (acceptance(wallet, dave), acceptance(wallet, erin));
        bytes32[] memory topics =
            _rotationEvents(abi.encodeCall(IOperatorWallet.rotateSigners, (remove, add, proofs, 3)));
        assertEq(topics.length, 6);
        assertEq(topics[0], IOperatorWallet.SignerRemoved.selector);
        assertEq(topics[1], IOperatorWallet.SignerRemoved.selector);
        assertEq(topics[2], IOperatorWallet.SignerAdded.selector);
        assertEq(topics[3], IOperatorWallet.SignerAdded.selector);
        assertEq(topics[4], IOperatorWallet.EpochChanged.selector);
        assertEq(topics[5], IOperatorWallet.ThresholdChanged.selector);
        address[] memory expected = new address[](3);
        (expected[0], expected[1], expected[2]) = (signers[2], dave, erin);
        assertEq(wallet.getSigners(), expected);
    }

    /// @dev Three rotations in one batch: the first reads the header `execute` stashed, the later ones find the
    /// stash stale (the configuration moved) and read storage; each must see the one before it.
    function test_execute_SeveralRotationsInOneBatchEachSeeThePrevious() public {
        address dave = newSigner("dave");
        // Proofs are over the epoch each rotation starts from: only the first is known in advance, so the later
        // newcomers are contract signers that accept any digest.
        ProgrammableSigner later = new ProgrammableSigner();
        ProgrammableSigner last = new ProgrammableSigner();
        vm.mockCall(
            address(later), abi.encodeWithSelector(ProgrammableSigner.isValidSignature.selector), abi.encode(MAGIC)
        );
        vm.mockCall(
            address(last), abi.encodeWithSelector(ProgrammableSigner.isValidSignature.selector), abi.encode(MAGIC)
        );
        bytes[] memory one = new bytes[](1);
        one[0] = "";
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](3);
        calls[0] = IOperatorWallet.Call(
            address(wallet), 0, abi.encodeCall(IOperatorWallet.addSigner, (dave, 2, acceptance(wallet, dave)))
        );
        calls[1] = IOperatorWallet.Call(
            address(wallet), 0, abi.encodeCall(IOperatorWallet.replaceSigner, (signers[0], address(later), ""))
        );
        calls[2] = IOperatorWallet.Call(
            address(wallet), 0, abi.encodeCall(IOperatorWallet.rotateSigners, (list(dave), list(address(last)), one, 3))
        );
        run(wallet, calls);
        // [s0 s1 s2] + dave → [s0 s1 s2 dave]; s0 → later: [later s1 s2 dave]; − dave + last: [later s1 s2 last].
        address[] memory expected = new address[](4);
        (expected[0], expected[1], expected[2], expected[3]) = (address(later), signers[1], signers[2], address(last));
        assertEq(wallet.getSigners(), expected);
        assertEq(wallet.threshold(), 3);
        assertEq(bytes32(bytes28(keccak256(wallet.configHeader()))), wallet.configHash());
    }

    function test_RevertWhen_addSigner_ContractSignerDoesNotAccept() public {
        ProgrammableSigner refuses = new ProgrammableSigner(); // approves nothing
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (address(refuses), 2, new bytes(65))),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, address(refuses))
        );
        refuses.setMode(ProgrammableSigner.Mode.WrongMagic);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (address(refuses), 2, "")),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, address(refuses))
        );
    }

    function test_RevertWhen_addSigner_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        vm.prank(signers[0]);
        wallet.addSigner(makeAddr("x"), 2, "");
    }

    function test_RevertWhen_addSigner_ProofIsByAnotherKey() public {
        address dave = newSigner("dave");
        address eve = newSigner("eve");
        bytes memory wrong = sign(eve, wallet.getAcceptanceDigest(dave));
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (dave, 2, wrong)),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, dave)
        );
    }

    function test_RevertWhen_addSigner_ProofIsForAnotherWallet() public {
        OperatorWallet twin = OperatorWallet(payable(factory.createWallet(signers, 2, bytes32(uint256(9)))));
        address dave = newSigner("dave");
        bytes memory forTwin = acceptance(twin, dave);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (dave, 2, forTwin)),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, dave)
        );
    }

    function test_RevertWhen_addSigner_ProofIsFromAnOldEpoch() public {
        address dave = newSigner("dave");
        bytes memory old = acceptance(wallet, dave);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (dave, 2, old)),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, dave)
        );
    }

    function test_RevertWhen_addSigner_AddressIsUnreachable() public {
        // A typo'd address has no key and no code: nothing can prove possession for it.
        address typo = address(0x1234567890123456789012345678901234567890);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (typo, 2, new bytes(65))),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, typo)
        );
    }

    function test_RevertWhen_addSigner_InvalidAddresses() public {
        address[5] memory bad = [address(0), address(wallet), address(4), address(0x100), address(0xffff)];
        for (uint256 i; i < bad.length; ++i) {
            selfCallReverts(
                wallet,
                abi.encodeCall(IOperatorWallet.addSigner, (bad[i], 2, "")),
                abi.encodeWithSelector(IOperatorWallet.InvalidSigner.selector, bad[i])
            );
        }
    }

    function test_RevertWhen_addSigner_AlreadyASigner() public {
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (signers[1], 2, acceptance(wallet, signers[1]))),
            abi.encodeWithSelector(IOperatorWallet.DuplicateSigner.selector, signers[1])
        );
    }

    function test_RevertWhen_addSigner_ThresholdOutOfRange() public {
        address dave = newSigner("dave");
        bytes memory proof = acceptance(wallet, dave);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (dave, 5, proof)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 5, 4)
        );
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.addSigner, (dave, 0, proof)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 0, 4)
        );
    }

    function test_RevertWhen_addSigner_TooMany() public {
        address[] memory many = new address[](32);
        for (uint256 i; i < 32; ++i) {
            many[i] = newSigner(string.concat("m", vm.toString(i)));
        }
        OperatorWallet full = OperatorWallet(payable(factory.createWallet(many, 1, bytes32(0))));
        address extra = newSigner("extra");
        bytes memory proof = acceptance(full, extra);
        runReverts(
            full,
            oneCall(address(full), 0, abi.encodeCall(IOperatorWallet.addSigner, (extra, 1, proof))),
            callFailed(0, abi.encodeWithSelector(IOperatorWallet.TooManySigners.selector, 33, 32))
        );
    }

    function _four(address d) private view returns (address[] memory l) {
        l = new address[](4);
        (l[0], l[1], l[2], l[3]) = (signers[0], signers[1], signers[2], d);
    }
}

contract RemoveSignerTest is RotationBase {
    function test_removeSigner_RemovesAndKillsItsSignatures() public {
        bytes32 hash = keccak256("eigenlayer digest");
        uint256[] memory idx = indices2(0, 2);
        bytes memory beforeSig = bytes.concat(hex"00", packedSig(wallet, wallet.getMessageDigest(hash), idx));
        assertEq(wallet.isValidSignature(hash, beforeSig), MAGIC);

        vm.expectEmit(address(wallet));
        emit IOperatorWallet.SignerRemoved(signers[2]);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.removeSigner, (signers[2], 2)));

        assertFalse(wallet.isSigner(signers[2]));
        assertEq(wallet.getSigners().length, 2);
        assertEq(wallet.isValidSignature(hash, beforeSig), INVALID);
        // The removed key signing under the new configuration at any index is refused too.
        bytes32 digest = wallet.getMessageDigest(hash);
        bytes memory byRemoved = bytes.concat(
            hex"00",
            wallet.configHeader(),
            entry(0, KIND_ECDSA, sign(signers[2], digest)),
            ecdsaEntry(wallet, 1, digest)
        );
        assertEq(wallet.isValidSignature(hash, byRemoved), INVALID);
    }

    function test_RevertWhen_removeSigner_NotASigner() public {
        address stranger = makeAddr("stranger");
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.removeSigner, (stranger, 1)),
            abi.encodeWithSelector(IOperatorWallet.NotASigner.selector, stranger)
        );
    }

    function test_RevertWhen_removeSigner_ThresholdWouldBeUnreachable() public {
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.removeSigner, (signers[0], 3)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 3, 2)
        );
    }

    function test_RevertWhen_removeSigner_Last() public {
        address[] memory one = list(signers[0]);
        OperatorWallet solo = OperatorWallet(payable(factory.createWallet(one, 1, bytes32(0))));
        runReverts(
            solo,
            oneCall(address(solo), 0, abi.encodeCall(IOperatorWallet.removeSigner, (signers[0], 1))),
            callFailed(0, abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 1, 0))
        );
    }

    function test_RevertWhen_removeSigner_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.removeSigner(signers[0], 1);
    }
}

contract ReplaceSignerTest is RotationBase {
    function test_replaceSigner_SwapsKeepingThreshold() public {
        address dave = newSigner("dave");
        selfCall(wallet, abi.encodeCall(IOperatorWallet.replaceSigner, (signers[1], dave, acceptance(wallet, dave))));
        assertFalse(wallet.isSigner(signers[1]));
        assertTrue(wallet.isSigner(dave));
        assertEq(wallet.threshold(), 2);
        assertNewEpoch(0);
        // The new key signs executions right away (alongside signer 0).
        address[] memory now_ = wallet.getSigners();
        uint256 daveAt = now_[1] == dave ? 1 : 2;
        assertEq(now_[daveAt], dave);
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        wallet.execute(
            calls, deadline, 0, packedSig(wallet, wallet.getExecuteDigest(calls, 1, deadline, 0), indices2(0, daveAt))
        );
        assertEq(target.calls(), 1);
    }

    function test_RevertWhen_replaceSigner_OldIsNotASigner() public {
        address dave = newSigner("dave");
        address stranger = makeAddr("stranger");
        bytes memory proof = acceptance(wallet, dave);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.replaceSigner, (stranger, dave, proof)),
            abi.encodeWithSelector(IOperatorWallet.NotASigner.selector, stranger)
        );
    }

    function test_RevertWhen_replaceSigner_NewIsAlreadyASigner() public {
        bytes memory proof = acceptance(wallet, signers[2]);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.replaceSigner, (signers[0], signers[2], proof)),
            abi.encodeWithSelector(IOperatorWallet.DuplicateSigner.selector, signers[2])
        );
    }

    function test_RevertWhen_replaceSigner_NoProof() public {
        address dave = newSigner("dave");
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.replaceSigner, (signers[0], dave, "")),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, dave)
        );
    }

    function test_RevertWhen_replaceSigner_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.replaceSigner(signers[0], makeAddr("d"), "");
    }
}

contract SetThresholdTest is RotationBase {
    function test_setThreshold_ChangesAndBumpsEpoch() public {
        expectEpochChanged();
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.ThresholdChanged(3);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.setThreshold, (3)));
        assertEq(wallet.threshold(), 3);
        assertNewEpoch(0);
    }

    /// @dev A threshold change is one configuration change: one EpochChanged and one ThresholdChanged, nothing else;
    /// the panic button is one EpochChanged.
    function test_setThreshold_EmitsOneEpochAndOneThreshold() public {
        bytes32[] memory topics = _rotationEvents(abi.encodeCall(IOperatorWallet.setThreshold, (3)));
        assertEq(topics.length, 2);
        assertEq(topics[0], IOperatorWallet.EpochChanged.selector);
        assertEq(topics[1], IOperatorWallet.ThresholdChanged.selector);
        topics = _rotationEvents(abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        assertEq(topics.length, 1);
        assertEq(topics[0], IOperatorWallet.EpochChanged.selector);
    }

    /// @dev `ThresholdChanged` means the threshold changed: a change that keeps it (the same value set again, a
    /// replacement, a rotation naming the current threshold) emits none.
    function test_KeepingTheThresholdEmitsNoThresholdChanged() public {
        bytes32[] memory topics = _rotationEvents(abi.encodeCall(IOperatorWallet.setThreshold, (2)));
        assertEq(topics.length, 1);
        assertEq(topics[0], IOperatorWallet.EpochChanged.selector);

        address dave = newSigner("dave");
        topics = _rotationEvents(
            abi.encodeCall(IOperatorWallet.replaceSigner, (signers[0], dave, acceptance(wallet, dave)))
        );
        assertEq(topics.length, 3);
        assertEq(topics[0], IOperatorWallet.SignerRemoved.selector);
        assertEq(topics[1], IOperatorWallet.SignerAdded.selector);
        assertEq(topics[2], IOperatorWallet.EpochChanged.selector);

        address erin = newSigner("erin");
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = acceptance(wallet, erin);
        topics = _rotationEvents(abi.encodeCall(IOperatorWallet.rotateSigners, (list(dave), list(erin), proofs, 2)));
        assertEq(topics.length, 3);
        assertEq(topics[2], IOperatorWallet.EpochChanged.selector);
        assertEq(wallet.threshold(), 2);
    }

    /// @dev Storage holds the header's signer words exactly (bytes 8.. of the header, zero past its end) and nothing
    /// in the words past them: slot 0 is the configuration hash and nonce, slot 1 the epoch, slots 2-22 the words.
    function assertStorageIsTheHeader(OperatorWallet w) internal view {
        bytes memory header = w.configHeader();
        uint256 words = (header.length - 8 + 31) / 32;
        for (uint256 i; i < 21; ++i) {
            bytes32 expected;
            for (uint256 b; b < 32; ++b) {
                uint256 at = 8 + 32 * i + b;
                if (at < header.length) expected |= bytes32(header[at]) >> (8 * b);
            }
            bytes32 stored = vm.load(address(w), bytes32(2 + i));
            // The first word's first two bytes hold the threshold and count at creation: not the header's.
            if (i == 0) (stored, expected) = (stored << 16, expected << 16);
            assertEq(stored, i < words ? expected : bytes32(0), "signer word");
        }
    }

    /// @dev After removals that shrink the last word or drop a whole word, and after growing again, storage is the
    /// header: a removed signer's bytes never linger past the end.
    function test_rotations_LeaveNoStaleSignerBytesInStorage() public {
        assertStorageIsTheHeader(wallet);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.removeSigner, (signers[2], 2)));
        assertStorageIsTheHeader(wallet);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.removeSigner, (signers[0], 1)));
        assertStorageIsTheHeader(wallet);
        address dave = newSigner("dave");
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (dave, 1, acceptance(wallet, dave))));
        assertStorageIsTheHeader(wallet);
        address[] memory add = new address[](3);
        bytes[] memory proofs = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            add[i] = newSigner(string(abi.encodePacked("n", vm.toString(i))));
            proofs[i] = acceptance(wallet, add[i]);
        }
        selfCall(wallet, abi.encodeCall(IOperatorWallet.rotateSigners, (new address[](0), add, proofs, 2)));
        assertStorageIsTheHeader(wallet);
        address[] memory remove = new address[](4);
        (remove[0], remove[1], remove[2], remove[3]) = (signers[1], add[0], add[1], add[2]);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.rotateSigners, (remove, new address[](0), new bytes[](0), 1)));
        assertEq(wallet.getSigners().length, 1);
        assertStorageIsTheHeader(wallet);
    }

    function test_RevertWhen_setThreshold_Zero() public {
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.setThreshold, (0)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 0, 3)
        );
    }

    function test_RevertWhen_setThreshold_AboveSigners() public {
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.setThreshold, (4)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 4, 3)
        );
    }

    function test_RevertWhen_setThreshold_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.setThreshold(1);
    }
}

contract RotateSignersTest is RotationBase {
    function test_rotateSigners_AtomicallyReplacesTwoAndSetsThreshold() public {
        address dave = newSigner("dave");
        address erin = newSigner("erin");
        address[] memory remove = new address[](2);
        (remove[0], remove[1]) = (signers[0], signers[1]);
        address[] memory add = new address[](2);
        (add[0], add[1]) = (dave, erin);
        bytes[] memory ps = new bytes[](2);
        (ps[0], ps[1]) = (acceptance(wallet, dave), acceptance(wallet, erin));

        selfCall(wallet, abi.encodeCall(IOperatorWallet.rotateSigners, (remove, add, ps, 3)));
        address[] memory expected = new address[](3);
        (expected[0], expected[1], expected[2]) = (signers[2], dave, erin);
        assertSigners(expected);
        assertEq(wallet.threshold(), 3);
        assertNewEpoch(0);
    }

    /// @dev Every number of signers added at once, up to a full set: each lands, in order, with its own address
    /// (the header is edited in a buffer sized for the additions; one too small would let the next allocation
    /// overwrite the last signers' bytes), and the last two added can sign the next batch.
    function test_rotateSigners_AddsAnyNumberAtOnceExactly() public {
        uint256 before = vm.snapshotState();
        for (uint256 k = 1; k <= wallet.MAX_SIGNERS() - signers.length; ++k) {
            address[] memory add = new address[](k);
            bytes[] memory proofs = new bytes[](k);
            address[] memory expected = new address[](signers.length + k);
            for (uint256 i; i < signers.length; ++i) {
                expected[i] = signers[i];
            }
            for (uint256 i; i < k; ++i) {
                add[i] = newSigner(string.concat("added", vm.toString(i)));
                proofs[i] = acceptance(wallet, add[i]);
                expected[signers.length + i] = add[i];
            }
            selfCall(wallet, abi.encodeCall(IOperatorWallet.rotateSigners, (new address[](0), add, proofs, 2)));
            assertEq(wallet.getSigners(), expected);

            IOperatorWallet.Call[] memory calls = pingCall();
            uint256 deadline = block.timestamp + 1 hours;
            bytes32 digest = wallet.getExecuteDigest(calls, wallet.nonce(), deadline, 0);
            uint256 last = expected.length - 1;
            wallet.execute(calls, deadline, 0, packedSig(wallet, digest, indices2(last - 1, last)));
            vm.revertToState(before);
        }
    }

    /// @dev The second change of a batch finds the header `execute` stashed out of date (the first changed the
    /// configuration) and reads storage: both apply, in order.
    function test_rotateSigners_TwoChangesInOneBatch() public {
        address dave = newSigner("dave");
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](3);
        calls[0] = IOperatorWallet.Call(address(wallet), 0, abi.encodeCall(IOperatorWallet.setThreshold, (3)));
        calls[1] =
            IOperatorWallet.Call(address(wallet), 0, abi.encodeCall(IOperatorWallet.removeSigner, (signers[0], 2)));
        calls[2] = IOperatorWallet.Call(address(wallet), 0, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        run(wallet, calls);
        assertEq(wallet.threshold(), 2);
        assertFalse(wallet.isSigner(signers[0]));
        assertEq(wallet.getSigners().length, 2);
        assertEq(bytes32(bytes28(keccak256(wallet.configHeader()))), wallet.configHash());
        // And the next execute, with the new header, rotates again from the stash.
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (dave, 3, acceptance(wallet, dave))));
        assertEq(wallet.threshold(), 3);
        assertTrue(wallet.isSigner(dave));
        assertEq(bytes32(bytes28(keccak256(wallet.configHeader()))), wallet.configHash());
    }

    function test_rotateSigners_OneBadProofRevertsEverything() public {
        address dave = newSigner("dave");
        address erin = newSigner("erin");
        address[] memory add = new address[](2);
        (add[0], add[1]) = (dave, erin);
        bytes[] memory ps = new bytes[](2);
        (ps[0], ps[1]) = (acceptance(wallet, dave), acceptance(wallet, dave));
        bytes32 before = wallet.configHash();
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (list(signers[0]), add, ps, 2)),
            abi.encodeWithSelector(IOperatorWallet.InvalidAcceptance.selector, erin)
        );
        assertEq(wallet.configHash(), before);
        assertEq(wallet.epoch(), 0);
    }

    function test_RevertWhen_rotateSigners_ProofCountMismatch() public {
        address dave = newSigner("dave");
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (new address[](0), list(dave), new bytes[](0), 2)),
            abi.encodeWithSelector(IOperatorWallet.ProofCountMismatch.selector, 1, 0)
        );
    }

    function test_RevertWhen_rotateSigners_DuplicateIncoming() public {
        address dave = newSigner("dave");
        address[] memory add = new address[](2);
        (add[0], add[1]) = (dave, dave);
        bytes[] memory ps = new bytes[](2);
        (ps[0], ps[1]) = (acceptance(wallet, dave), acceptance(wallet, dave));
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (new address[](0), add, ps, 2)),
            abi.encodeWithSelector(IOperatorWallet.DuplicateSigner.selector, dave)
        );
    }

    function test_RevertWhen_rotateSigners_RemovesTwice() public {
        address[] memory remove = new address[](2);
        (remove[0], remove[1]) = (signers[0], signers[0]);
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (remove, new address[](0), new bytes[](0), 1)),
            abi.encodeWithSelector(IOperatorWallet.NotASigner.selector, signers[0])
        );
    }

    function test_RevertWhen_rotateSigners_RemovesEveryone() public {
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (signers, new address[](0), new bytes[](0), 1)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 1, 0)
        );
    }

    function test_RevertWhen_rotateSigners_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.rotateSigners(new address[](0), new address[](0), new bytes[](0), 1);
    }

    /// @dev Any rotation either reverts with the error its inputs call for, or leaves exactly the configuration
    /// asked for with 1 <= threshold <= signers. Wallets of 1..32 signers, removals by mask, up to 4 newcomers (so
    /// counts above MAX_SIGNERS are reached), a stranger among the removals one run in four, and a threshold
    /// around the resulting count (0, 1..count, count + 1).
    struct Case {
        OperatorWallet w;
        address[] start;
        address[] remove;
        address[] add;
        bytes[] proofs;
        uint256 count;
        uint256 threshold;
        bytes expected;
    }

    function testFuzz_rotateSigners_NeverLeavesAnInvalidConfig(
        uint8 initial,
        uint32 removeMask,
        uint8 addCount,
        uint8 thresholdSeed,
        uint8 strangerSeed
    ) public {
        Case memory c = _case(uint8(bound(initial, 1, 32)), removeMask, uint8(bound(addCount, 0, 4)), strangerSeed);
        c.threshold = bound(thresholdSeed, 0, c.count + 1);
        if (c.expected.length == 0 && (c.threshold == 0 || c.threshold > c.count)) {
            c.expected = abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, c.threshold, c.count);
        }
        bytes32 before = c.w.configHash();
        IOperatorWallet.Call[] memory calls = oneCall(
            address(c.w), 0, abi.encodeCall(IOperatorWallet.rotateSigners, (c.remove, c.add, c.proofs, c.threshold))
        );
        if (c.expected.length != 0) {
            runReverts(c.w, calls, callFailed(0, c.expected));
            assertEq(c.w.configHash(), before);
            assertEq(c.w.epoch(), 0);
            assertEq(c.w.getSigners(), c.start);
            return;
        }
        run(c.w, calls);
        assertEq(c.w.getSigners().length, c.count, "signer count");
        assertEq(c.w.threshold(), c.threshold);
        assertGt(c.w.epoch(), 0);
        for (uint256 i; i < c.start.length; ++i) {
            assertEq(c.w.isSigner(c.start[i]), removeMask & (1 << i) == 0, "removal not applied exactly");
        }
        for (uint256 i; i < c.add.length; ++i) {
            assertTrue(c.w.isSigner(c.add[i]), "newcomer missing");
        }
        assertEq(bytes32(bytes28(keccak256(c.w.configHeader()))), c.w.configHash());
    }

    /// @dev A wallet of `initial` signers (threshold 1), the removals `mask` selects (plus a stranger one run in
    /// four), `addCount` proven newcomers, the resulting count, and the error expected before the threshold check.
    function _case(uint8 initial, uint32 mask, uint8 addCount, uint8 strangerSeed) internal returns (Case memory c) {
        c.start = new address[](initial);
        for (uint256 i; i < initial; ++i) {
            c.start[i] = vm.addr(0x1000 + i);
            keyOf[c.start[i]] = 0x1000 + i;
        }
        c.w = OperatorWallet(payable(factory.createWallet(c.start, 1, bytes32("fuzz"))));
        c.remove = new address[](initial + 1);
        uint256 r;
        for (uint256 i; i < initial; ++i) {
            if (mask & (1 << i) != 0) c.remove[r++] = c.start[i];
        }
        c.count = initial - r + addCount;
        bool stranger = strangerSeed % 4 == 0;
        if (stranger) c.remove[r++] = vm.addr(0x9999);
        address[] memory remove = c.remove;
        assembly {
            mstore(remove, r)
        }
        c.add = new address[](addCount);
        c.proofs = new bytes[](addCount);
        for (uint256 i; i < addCount; ++i) {
            c.add[i] = vm.addr(0x2000 + i);
            keyOf[c.add[i]] = 0x2000 + i;
            c.proofs[i] = acceptance(c.w, c.add[i]);
        }
        if (stranger) c.expected = abi.encodeWithSelector(IOperatorWallet.NotASigner.selector, vm.addr(0x9999));
        else if (c.count > 32) c.expected = abi.encodeWithSelector(IOperatorWallet.TooManySigners.selector, c.count, 32);
    }
}

contract BumpEpochTest is RotationBase {
    function test_bumpEpoch_KillsOutstandingSignaturesAndApprovals() public {
        bytes32 hash = keccak256("avs registration digest");
        bytes memory sig = messageSig(wallet, hash, 2);
        bytes32 digest = wallet.getMessageDigest(hash);
        vm.prank(signers[0]);
        wallet.approveHash(digest);
        bytes memory approvedSig =
            bytes.concat(hex"00", wallet.configHeader(), entry(0, KIND_APPROVED, ""), ecdsaEntry(wallet, 1, digest));
        assertEq(wallet.isValidSignature(hash, sig), MAGIC);
        assertEq(wallet.isValidSignature(hash, approvedSig), MAGIC);

        address[] memory before = wallet.getSigners();
        expectEpochChanged();
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));

        assertNewEpoch(0);
        assertEq(wallet.getSigners(), before);
        assertEq(wallet.threshold(), 2);
        assertEq(wallet.isValidSignature(hash, sig), INVALID);
        assertEq(wallet.isValidSignature(hash, approvedSig), INVALID);
        assertTrue(wallet.getMessageDigest(hash) != digest);
    }

    /// @dev The digest a signer would sign for `hash` at a guessed epoch, from the documented type strings.
    function _messageDigestAt(uint256 epoch_, bytes32 hash) internal view returns (bytes32) {
        bytes32 separator = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
                ),
                keccak256("OperatorWallet"),
                keccak256("1"),
                block.chainid,
                address(wallet),
                bytes32(epoch_)
            )
        );
        bytes32 structHash = keccak256(abi.encode(keccak256("OperatorWalletMessage(bytes32 hash)"), hash));
        return keccak256(abi.encodePacked(hex"1901", separator, structHash));
    }

    /// @dev Nothing can be signed or approved in advance for the epoch after the panic button: a signature and an
    /// on-chain approval made for "epoch + 1" (the old, predictable next epoch) are dead after the bump, whatever the
    /// block it lands in.
    function testFuzz_bumpEpoch_NothingCanBePreSignedForTheNextEpoch(uint256 randao, uint64 blockNumber) public {
        vm.prevrandao(bytes32(randao));
        vm.roll(bound(blockNumber, 2, type(uint64).max));
        bytes32 hash = keccak256("registration digest signed ahead of time");
        uint256 guessed = wallet.epoch() + 1;
        bytes32 digest = _messageDigestAt(guessed, hash);
        vm.prank(signers[0]);
        wallet.approveHash(digest);
        bytes memory header = abi.encodePacked(uint64(guessed), _tail(wallet.configHeader()));
        bytes memory preSigned =
            bytes.concat(hex"00", header, entry(0, KIND_APPROVED, ""), entry(1, KIND_ECDSA, sign(signers[1], digest)));

        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));

        assertTrue(wallet.epoch() != guessed, "the new epoch was predictable");
        assertEq(wallet.isValidSignature(hash, preSigned), INVALID);
        assertTrue(wallet.getMessageDigest(hash) != digest);
    }

    /// @dev The next epoch draws on both sources nobody knows in advance: the last block's hash and the beacon's
    /// randomness. The same bump under another last-block hash, or under another randao, lands on another epoch.
    function test_bumpEpoch_NextEpochDependsOnTheLastBlockHashAndOnRandao() public {
        vm.roll(1000);
        uint256 before = vm.snapshotState();
        uint256 first = _epochAfterBump(keccak256("block 999"), bytes32(uint256(7)));
        vm.revertToState(before);
        uint256 otherHash = _epochAfterBump(keccak256("another block 999"), bytes32(uint256(7)));
        vm.revertToState(before);
        uint256 otherRandao = _epochAfterBump(keccak256("block 999"), bytes32(uint256(8)));
        assertTrue(first != otherHash, "the epoch ignores the last block's hash");
        assertTrue(first != otherRandao, "the epoch ignores randao");
    }

    /// @dev Each epoch change steps by 1 + a 32-bit draw (1 in 2^32 to guess it), not a narrower one: over eight
    /// bumps, some step exceeds what 16 bits could draw, and none exceeds 2^32.
    function test_bumpEpoch_StepsDrawOnThirtyTwoBits() public {
        vm.roll(1000);
        uint256 largest;
        for (uint256 i; i < 8; ++i) {
            uint256 before = wallet.epoch();
            uint256 step = _epochAfterBump(keccak256(abi.encode("block", i)), bytes32(i)) - before;
            assertTrue(step >= 1 && step <= uint256(type(uint32).max) + 1, "step outside 1 + 32 bits");
            if (step > largest) largest = step;
        }
        assertGt(largest, uint256(type(uint16).max) + 1, "every step fits 16 bits");
    }

    function _epochAfterBump(bytes32 lastBlockHash, bytes32 randao) internal returns (uint256) {
        vm.setBlockhash(block.number - 1, lastBlockHash);
        vm.prevrandao(randao);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        return wallet.epoch();
    }

    /// @dev The configuration header without its 8-byte epoch.
    function _tail(bytes memory header) internal pure returns (bytes memory t) {
        t = new bytes(header.length - 8);
        for (uint256 i; i < t.length; ++i) {
            t[i] = header[i + 8];
        }
    }

    /// @dev Control for the test above: had the epoch moved by exactly one, both would have validated.
    function test_bumpEpoch_APreSignatureForTheRealNextEpochWouldValidate() public {
        bytes32 hash = keccak256("registration digest signed ahead of time");
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        uint256 e = wallet.epoch();
        bytes32 digest = _messageDigestAt(e, hash);
        assertEq(digest, wallet.getMessageDigest(hash));
        bytes memory sig = bytes.concat(
            hex"00",
            abi.encodePacked(uint64(e), _tail(wallet.configHeader())),
            entry(0, KIND_ECDSA, sign(signers[0], digest)),
            entry(1, KIND_ECDSA, sign(signers[1], digest))
        );
        assertEq(wallet.isValidSignature(hash, sig), MAGIC);
    }

    function test_RevertWhen_bumpEpoch_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.bumpEpoch();
    }

    /// @dev Found by halmos (check_rotation_KeepsTheConfigurationValid): the header keeps the threshold in one
    /// byte, and a threshold above 255 was validated only after encoding (2^255 + 1 became 1; bits above the byte
    /// spilled into the epoch). Every path now checks the full value first.
    function test_RevertWhen_ThresholdDoesNotFitItsByte() public {
        uint256 wraps = (uint256(1) << 255) + 1;
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.setThreshold, (wraps)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, wraps, 3)
        );
        uint256 spills = (uint256(1) << 8) + 2;
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.removeSigner, (signers[2], spills)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, spills, 2)
        );
        address[] memory none = new address[](0);
        address[] memory one = new address[](1);
        one[0] = signers[0];
        selfCallReverts(
            wallet,
            abi.encodeCall(IOperatorWallet.rotateSigners, (one, none, new bytes[](0), spills)),
            abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, spills, 2)
        );
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 257, 3));
        factory.createWallet(signers, 257, bytes32("wraps"));
        assertEq(wallet.threshold(), 2);
        assertEq(wallet.epoch(), 0);
    }

    /// @dev A rotation inside `execute` reads the header `execute` just checked from transient storage, not the
    /// signer words (slots 2 to 22, cold): the gas the stash exists for, pinned so that losing it fails a test
    /// (mutation testing found no test that noticed).
    function test_rotation_InsideExecuteReadsNoSignerWord() public {
        IOperatorWallet.Call[] memory calls =
            oneCall(address(wallet), 0, abi.encodeCall(IOperatorWallet.setThreshold, (3)));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        vm.record();
        wallet.execute(calls, deadline, 0, sig);
        (bytes32[] memory reads,) = vm.accesses(address(wallet));
        for (uint256 i; i < reads.length; ++i) {
            uint256 slot = uint256(reads[i]);
            assertTrue(slot < 2 || slot > 22, "a signer word was read");
        }
        assertEq(wallet.threshold(), 3);
    }
}
