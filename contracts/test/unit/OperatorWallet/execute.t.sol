// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../../src/OperatorWallet.sol";
import {Swallower, Target} from "../../fixtures/Fixtures.sol";
import {TestBase} from "../../TestBase.sol";

contract ExecuteTest is TestBase {
    // secp256k1 group order, to build the high-s twin of a signature.
    uint256 internal constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function test_execute_RunsCallsAndIncrementsNonce() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        bytes memory sig = signExecution(wallet, calls, deadline);

        vm.expectEmit(address(wallet));
        emit IOperatorWallet.Executed(0, digest);
        vm.prank(makeAddr("anyone")); // anyone may submit
        wallet.execute(calls, deadline, 0, sig);

        assertEq(target.calls(), 1);
        assertEq(target.lastData(), "hi");
        assertEq(wallet.nonce(), 1);
    }

    /// @dev The nonce is the low 32 bits of slot 0, below the configuration hash (`forge inspect OperatorWallet
    /// storageLayout`: `_state`). Its last value is refused rather than wrapped: a wrapped nonce would let a batch
    /// signed for a used value run again, and a carry would change the hash. Placed near the end in storage; the
    /// view confirms the slot.
    function test_execute_LastNonceIsRefused_NeverWrapsOrCarries() public {
        bytes32 slot = bytes32(0);
        uint256 word = uint256(vm.load(address(wallet), slot));
        bytes32 hashPart = bytes32(word & ~uint256(0xffffffff));
        uint256 start = type(uint32).max - 1;
        vm.store(address(wallet), slot, bytes32((word & ~uint256(0xffffffff)) | start));
        assertEq(wallet.nonce(), start, "slot 0's low 4 bytes are not the nonce");
        run(wallet, pingCall());
        assertEq(wallet.nonce(), type(uint32).max);
        assertEq(wallet.configHash(), hashPart);

        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        vm.expectRevert(IOperatorWallet.NonceExhausted.selector);
        wallet.execute(calls, deadline, 0, sig);
        assertEq(wallet.nonce(), type(uint32).max);
        assertEq(wallet.configHash(), hashPart);
    }

    /// @dev The first execute writes epoch, threshold and count to their slot (slot 1), from the header it has just
    /// checked, so that no rotation pays for setting a zero slot; later executes leave the slot alone.
    function test_execute_FirstExecuteSetsTheEpochSlot_LaterOnesDoNot() public {
        assertEq(vm.load(address(wallet), bytes32(uint256(1))), bytes32(0));
        run(wallet, pingCall());
        uint256 word = uint256(vm.load(address(wallet), bytes32(uint256(1))));
        assertEq(word, (uint256(3) << 72) | (uint256(2) << 64), "epoch 0, threshold 2, count 3");
        vm.record();
        run(wallet, pingCall());
        (, bytes32[] memory writes) = vm.accesses(address(wallet));
        for (uint256 i; i < writes.length; ++i) {
            assertTrue(writes[i] != bytes32(uint256(1)), "a later execute wrote the epoch slot");
        }
        assertEq(wallet.threshold(), 2);
        assertEq(wallet.getSigners(), signers);
    }

    function test_execute_ForwardsValue() public {
        IOperatorWallet.Call[] memory calls = oneCall(address(target), 1 ether, abi.encodeCall(Target.ping, ("")));
        run(wallet, calls);
        assertEq(target.lastValue(), 1 ether);
        assertEq(address(target).balance, 1 ether);
        assertEq(address(wallet).balance, 9 ether);
    }

    function test_execute_EmptyBatchCancelsTheNonce() public {
        IOperatorWallet.Call[] memory stuck = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory stuckSig = signExecution(wallet, stuck, deadline);

        run(wallet, new IOperatorWallet.Call[](0));
        assertEq(wallet.nonce(), 1);

        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(stuck, deadline, 0, stuckSig);
    }

    function test_execute_BatchIsAtomicAndSurfacesInnerRevert() public {
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](2);
        calls[0] = IOperatorWallet.Call(address(target), 0, abi.encodeCall(Target.ping, ("first")));
        calls[1] = IOperatorWallet.Call(address(target), 0, abi.encodeCall(Target.boom, (7)));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);

        vm.expectRevert(callFailed(1, abi.encodeWithSelector(Target.Boom.selector, 7)));
        wallet.execute(calls, deadline, 0, sig);
        assertEq(target.calls(), 0);
        assertEq(wallet.nonce(), 0);
    }

    function test_execute_CallsNeverRunInTheWalletsContext() public {
        bytes32 configBefore = wallet.configHash();
        // Target.ping writes its own storage; under DELEGATECALL it would overwrite the wallet's slots.
        run(wallet, pingCall());
        assertEq(wallet.configHash(), configBefore);
        assertEq(target.calls(), 1);
    }

    function test_execute_AcceptsCompactSignatures() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        bytes memory sig = wallet.configHeader();
        for (uint256 i; i < 2; ++i) {
            (bytes32 r, bytes32 vs) = vm.signCompact(keyOf[signers[i]], digest);
            sig = bytes.concat(sig, entry(i, KIND_ECDSA_COMPACT, abi.encodePacked(r, vs)));
        }
        wallet.execute(calls, deadline, 0, sig);
        assertEq(wallet.nonce(), 1);
    }

    function test_execute_AcceptsOnChainApproval() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        vm.prank(signers[1]);
        wallet.approveHash(digest);
        bytes memory sig =
            bytes.concat(wallet.configHeader(), ecdsaEntry(wallet, 0, digest), entry(1, KIND_APPROVED, ""));
        wallet.execute(calls, deadline, 0, sig);
        assertEq(target.calls(), 1);
    }

    function test_execute_AcceptsNestedWalletSigner() public {
        // Inner 2-of-3 wallet of fresh keys is signer 0 of an outer 1-of-1... plus two EOAs (2-of-3).
        OperatorWallet inner = wallet;
        address[] memory outerSigners = new address[](2);
        outerSigners[0] = address(inner);
        outerSigners[1] = newSigner("outer-eoa");
        OperatorWallet outer = OperatorWallet(payable(factory.createWallet(outerSigners, 2, bytes32(0))));

        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = outer.getExecuteDigest(calls, 0, deadline, 0);
        bytes memory innerSig = messageSig(inner, digest, 2);
        bytes memory sig = bytes.concat(
            outer.configHeader(),
            entry(0, KIND_CONTRACT, abi.encodePacked(uint16(innerSig.length), innerSig)),
            ecdsaEntry(outer, 1, digest)
        );
        outer.execute(calls, deadline, 0, sig);
        assertEq(target.calls(), 1);
    }

    function test_execute_RunsAtExactlyTheDeadline() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        vm.warp(deadline);
        wallet.execute(calls, deadline, 0, sig);
        assertEq(target.calls(), 1);
    }

    /*//////////////////////////////////////////////////////////////
                    MINIMUM GAS (THE SIGNERS' GAS FLOOR)
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant ROUNDS = 10; // ~225k gas of inner work
    uint256 internal constant MIN_GAS = 400_000;

    function _swallowerBatch() internal returns (Swallower s, IOperatorWallet.Call[] memory calls) {
        s = new Swallower();
        calls = oneCall(address(s), 0, abi.encodeCall(Swallower.run, (ROUNDS)));
    }

    function _signWithMinGas(IOperatorWallet.Call[] memory calls, uint256 deadline, uint256 minGas)
        internal
        view
        returns (bytes memory)
    {
        return firstK(wallet, wallet.getExecuteDigest(calls, wallet.nonce(), deadline, minGas), 2);
    }

    /// @dev The relayer's attack: just enough gas for the outer call, so the target's swallowed sub-call runs out
    /// and the nonce is spent on a batch whose effect never happened. With the signed floor it reverts.
    function test_RevertWhen_SubmitterStarvesASwallowedSubCall() public {
        (Swallower s, IOperatorWallet.Call[] memory calls) = _swallowerBatch();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _signWithMinGas(calls, deadline, MIN_GAS);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InsufficientGas.selector, MIN_GAS));
        wallet.execute{gas: 200_000}(calls, deadline, MIN_GAS, sig);
        assertEq(wallet.nonce(), 0);
        assertFalse(s.done());
    }

    function test_execute_WithTheSignedGasTheSwallowedSubCallRuns() public {
        (Swallower s, IOperatorWallet.Call[] memory calls) = _swallowerBatch();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _signWithMinGas(calls, deadline, MIN_GAS);
        // Enough to pass the floor (64/63 of it in the wallet's frame, which the clone's DELEGATECALL reaches with
        // 63/64 of what it had) leaves the sub-call what it needs.
        wallet.execute{gas: MIN_GAS * 64 / 63 * 64 / 63 + 60_000}(calls, deadline, MIN_GAS, sig);
        assertTrue(s.done());
        assertEq(wallet.nonce(), 1);
    }

    /// @dev Without a floor (minGas 0, the old behaviour) the same starving submission "succeeds": this is the
    /// attack the floor stops, shown happening.
    function test_execute_WithoutAFloorAStarvedSubCallIsSwallowed() public {
        (Swallower s, IOperatorWallet.Call[] memory calls) = _swallowerBatch();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _signWithMinGas(calls, deadline, 0);
        vm.expectEmit(address(s));
        emit Swallower.SubCallFailed();
        wallet.execute{gas: 200_000}(calls, deadline, 0, sig);
        assertFalse(s.done());
        assertEq(wallet.nonce(), 1);
    }

    function test_RevertWhen_MinGasDiffersFromTheSignedOne() public {
        (, IOperatorWallet.Call[] memory calls) = _swallowerBatch();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _signWithMinGas(calls, deadline, MIN_GAS);
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    /// @dev The floor is 64/63 of minGas left where the calls start: a gas limit of minGas always reverts, one that
    /// covers the floor, the clone's and the call's 1/64 and the signature checks runs.
    function testFuzz_execute_MinGasFloorIsSixtyFourSixtyThirds(uint256 minGas) public {
        minGas = bound(minGas, 100_000, 5_000_000); // below ~60k a gas limit of minGas runs out before the check
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](0);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _signWithMinGas(calls, deadline, minGas);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InsufficientGas.selector, minGas));
        wallet.execute{gas: minGas}(calls, deadline, minGas, sig);
        wallet.execute{gas: minGas * 64 / 63 * 64 / 63 + 100_000}(calls, deadline, minGas, sig);
        assertEq(wallet.nonce(), 1);
    }

    /// @dev Between `minGas` and 64/63 of it left at the check, the calls could not be offered `minGas` (a CALL keeps
    /// 1/64 back), so execute must revert: the 63/64 half of the floor, which the fuzz test above (always below
    /// `minGas`) does not reach. `execute`'s work before the check costs far less than the 200k window used here.
    /// Mutation testing found the 63/64 clause could be broken with every test passing.
    function test_RevertWhen_LeftGasIsAboveTheFloorButNotBySixtyFourSixtyThirds() public {
        uint256 minGas = 12_600_000; // minGas / 63 = 200,000
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](0);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = _signWithMinGas(calls, deadline, minGas);
        // The clone's DELEGATECALL keeps 1/64 back too: the implementation sees about 63/64 of the gas sent.
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InsufficientGas.selector, minGas));
        wallet.execute{gas: (minGas + 100_000) * 64 / 63}(calls, deadline, minGas, sig);
        wallet.execute{gas: (minGas * 64 / 63 + 150_000) * 64 / 63}(calls, deadline, minGas, sig);
        assertEq(wallet.nonce(), 1);
    }

    function test_RevertWhen_DeadlinePassed() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.Expired.selector, deadline));
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_BelowThreshold() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = firstK(wallet, wallet.getExecuteDigest(calls, 0, deadline, 0), 1);
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_SignerIsNotInTheSet() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        address outsider = newSigner("outsider");
        bytes memory sig = bytes.concat(
            wallet.configHeader(), ecdsaEntry(wallet, 0, digest), entry(1, KIND_ECDSA, sign(outsider, digest))
        );
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_SameSignerTwice() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        bytes memory sig =
            bytes.concat(wallet.configHeader(), ecdsaEntry(wallet, 0, digest), ecdsaEntry(wallet, 0, digest));
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_EntriesDescend() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        bytes memory sig =
            bytes.concat(wallet.configHeader(), ecdsaEntry(wallet, 1, digest), ecdsaEntry(wallet, 0, digest));
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_HighS() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = wallet.getExecuteDigest(calls, 0, deadline, 0);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signers[1]], digest);
        // The malleable twin (r, n - s, flipped v) recovers the same address; it must still be refused.
        bytes memory highS = abi.encodePacked(r, bytes32(N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        assertEq(ecrecover(digest, v == 27 ? 28 : 27, r, bytes32(N - uint256(s))), signers[1]);
        bytes memory sig =
            bytes.concat(wallet.configHeader(), ecdsaEntry(wallet, 0, digest), entry(1, KIND_ECDSA, highS));
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_TrailingBytes() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = bytes.concat(signExecution(wallet, calls, deadline), hex"00");
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_Replayed() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        wallet.execute(calls, deadline, 0, sig);
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_SignedForAnotherChain() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        wallet.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_SignedForAnotherWalletWithTheSameSigners() public {
        OperatorWallet twin = OperatorWallet(payable(factory.createWallet(signers, 2, bytes32(uint256(1)))));
        assertEq(twin.configHash(), wallet.configHash()); // identical headers
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        twin.execute(calls, deadline, 0, sig);
    }

    function test_RevertWhen_ConfigurationChangedSinceSigning() public {
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory stale = signExecution(wallet, calls, deadline);
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        vm.expectRevert(IOperatorWallet.StaleConfiguration.selector);
        wallet.execute(calls, deadline, 0, stale);
    }

    /// @dev Changing any single byte of a valid signature makes it invalid (no malleable encoding is accepted).
    function testFuzz_execute_AnyCorruptedByteIsRefused(uint256 position, uint8 xor) public {
        xor = uint8(bound(xor, 1, 255));
        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(wallet, calls, deadline);
        position = bound(position, 0, sig.length - 1);
        sig[position] = sig[position] ^ bytes1(xor);
        vm.expectRevert();
        wallet.execute(calls, deadline, 0, sig);
        assertEq(wallet.nonce(), 0);
    }

    /// @dev With 5 signers and threshold 3, any ascending subset executes iff it has at least 3 members.
    function testFuzz_execute_SubsetMeetsThresholdExactly(uint8 mask) public {
        address[] memory five = new address[](5);
        for (uint256 i; i < 5; ++i) {
            five[i] = newSigner(string.concat("five", vm.toString(i)));
        }
        OperatorWallet w = OperatorWallet(payable(factory.createWallet(five, 3, bytes32(0))));
        uint256 count;
        for (uint256 i; i < 5; ++i) {
            if (mask & (1 << i) != 0) count++;
        }
        uint256[] memory idx = new uint256[](count);
        uint256 j;
        for (uint256 i; i < 5; ++i) {
            if (mask & (1 << i) != 0) idx[j++] = i;
        }

        IOperatorWallet.Call[] memory calls = pingCall();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = packedSig(w, w.getExecuteDigest(calls, 0, deadline, 0), idx);
        if (count < 3) vm.expectRevert(IOperatorWallet.InvalidSignatures.selector);
        w.execute(calls, deadline, 0, sig);
        assertEq(w.nonce(), count < 3 ? 0 : 1);
    }
}
