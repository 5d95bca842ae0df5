// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../../src/OperatorWallet.sol";
import {ProgrammableSigner} from "../../fixtures/Fixtures.sol";
import {TestBase} from "../../TestBase.sol";

/// @dev Shared checks for the self-authorised configuration functions.
abstract contract RotationBase is TestBase {
    function assertSigners(address[] memory expected) internal view {
        address[] memory got = wallet.getSigners();
        assertEq(got.length, expected.length, "signer count");
        for (uint256 i; i < expected.length; ++i) {
            assertTrue(wallet.isSigner(expected[i]), "expected signer missing");
        }
        assertEq(keccak256(wallet.configHeader()), wallet.configHash(), "header/hash mismatch");
    }

    function list(address a) internal pure returns (address[] memory l) {
        l = new address[](1);
        l[0] = a;
    }
}

contract AddSignerTest is RotationBase {
    function test_addSigner_AddsProvenSignerAndBumpsEpoch() public {
        address dave = newSigner("dave");
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.SignerAdded(dave);
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.EpochChanged(1);
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.ThresholdChanged(3);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (dave, 3, acceptance(wallet, dave))));
        assertEq(wallet.threshold(), 3);
        assertEq(wallet.epoch(), 1);
        assertSigners(_four(dave));
    }

    function test_addSigner_AcceptsContractSignerProvingWithERC1271() public {
        ProgrammableSigner safeLike = new ProgrammableSigner();
        safeLike.approve(wallet.getAcceptanceDigest(address(safeLike)));
        selfCall(wallet, abi.encodeCall(IOperatorWallet.addSigner, (address(safeLike), 2, "")));
        assertTrue(wallet.isSigner(address(safeLike)));
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
        assertEq(wallet.epoch(), 1);
        // The new key signs executions right away (alongside signer 0).
        address[] memory now_ = wallet.getSigners();
        uint256 daveAt = now_[1] == dave ? 1 : 2;
        assertEq(now_[daveAt], dave);
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        wallet.execute(
            calls, deadline, packedSig(wallet, wallet.getExecuteDigest(calls, 1, deadline), indices2(0, daveAt))
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
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.EpochChanged(1);
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.ThresholdChanged(3);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.setThreshold, (3)));
        assertEq(wallet.threshold(), 3);
        assertEq(wallet.epoch(), 1);
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
        assertEq(wallet.epoch(), 1);
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

    /// @dev Any rotation either reverts or leaves a valid configuration with 1 <= threshold <= signers.
    function testFuzz_rotateSigners_NeverLeavesAnInvalidConfig(uint8 removeMask, uint8 addCount, uint8 newThreshold)
        public
    {
        addCount = uint8(bound(addCount, 0, 4));
        address[] memory remove = new address[](3);
        uint256 r;
        for (uint256 i; i < 3; ++i) {
            if (removeMask & (1 << i) != 0) remove[r++] = signers[i];
        }
        assembly {
            mstore(remove, r)
        }
        address[] memory add = new address[](addCount);
        bytes[] memory ps = new bytes[](addCount);
        for (uint256 i; i < addCount; ++i) {
            add[i] = newSigner(string.concat("fz", vm.toString(i)));
            ps[i] = acceptance(wallet, add[i]);
        }
        uint256 expectedCount = 3 - r + addCount;
        bool valid = newThreshold >= 1 && newThreshold <= expectedCount;
        IOperatorWallet.Call[] memory calls =
            oneCall(address(wallet), 0, abi.encodeCall(IOperatorWallet.rotateSigners, (remove, add, ps, newThreshold)));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        if (!valid) vm.expectRevert();
        wallet.execute(calls, deadline, sig);

        uint256 n = wallet.getSigners().length;
        uint256 t = wallet.threshold();
        assertTrue(t >= 1 && t <= n, "threshold unreachable");
        assertEq(n, valid ? expectedCount : 3);
        assertEq(wallet.epoch(), valid ? 1 : 0);
        assertEq(keccak256(wallet.configHeader()), wallet.configHash());
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
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.EpochChanged(1);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));

        assertEq(wallet.epoch(), 1);
        assertEq(wallet.getSigners(), before);
        assertEq(wallet.threshold(), 2);
        assertEq(wallet.isValidSignature(hash, sig), INVALID);
        assertEq(wallet.isValidSignature(hash, approvedSig), INVALID);
        assertTrue(wallet.getMessageDigest(hash) != digest);
    }

    function test_RevertWhen_bumpEpoch_NotSelf() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.bumpEpoch();
    }
}
