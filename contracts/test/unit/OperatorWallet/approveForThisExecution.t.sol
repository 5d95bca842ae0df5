// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {Probe, Reenterer} from "../../fixtures/Fixtures.sol";
import {TestBase} from "../../TestBase.sol";

/// @dev `approveForThisExecution`: one signed batch both approves a hash for ERC-1271 and makes the call that has it
/// checked; the approval holds only inside that execution. A forge test is one transaction, so every "after" below
/// is in the same transaction as the approval: transient storage is still there, only the execution has ended.
contract ApproveForThisExecutionTest is TestBase {
    bytes32 internal constant HASH = keccak256("an EigenLayer digest");
    Probe internal probe;

    function setUp() public override {
        super.setUp();
        probe = new Probe();
    }

    function approveThen(IOperatorWallet.Call memory next) internal view returns (IOperatorWallet.Call[] memory c) {
        c = new IOperatorWallet.Call[](2);
        c[0] = IOperatorWallet.Call(address(wallet), 0, abi.encodeCall(IOperatorWallet.approveForThisExecution, (HASH)));
        c[1] = next;
    }

    function ask(bytes32 hash) internal view returns (IOperatorWallet.Call memory) {
        return IOperatorWallet.Call(address(probe), 0, abi.encodeCall(Probe.ask, (address(wallet), hash)));
    }

    function test_approveForThisExecution_VouchesInsideTheExecutionOnly() public {
        assertEq(wallet.isValidSignature(HASH, ""), INVALID, "before");
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.HashApprovedForExecution(0, HASH);
        run(wallet, approveThen(ask(HASH)));
        assertEq(probe.answers(0), MAGIC, "inside the execution that approved it");
        // Same transaction, execution over: the transient slot still holds the approval, the tag no longer matches.
        assertEq(wallet.isValidSignature(HASH, ""), INVALID, "after the execution");
    }

    /// @dev The event names the nonce of the execution that approved (at nonce 0 a wrong formula could still say 0).
    function test_approveForThisExecution_EventNamesTheExecutionsNonce() public {
        run(wallet, pingCall());
        run(wallet, pingCall());
        vm.expectEmit(address(wallet));
        emit IOperatorWallet.HashApprovedForExecution(2, HASH);
        run(wallet, approveThen(ask(HASH)));
    }

    function test_approveForThisExecution_OnlyTheApprovedHash() public {
        run(wallet, approveThen(ask(keccak256("another digest"))));
        assertEq(probe.answers(0), INVALID);
    }

    function test_approveForThisExecution_ACallThatNeedsItSucceedsAndFailsWithoutIt() public {
        IOperatorWallet.Call memory check =
            IOperatorWallet.Call(address(probe), 0, abi.encodeCall(Probe.require1271, (address(wallet), HASH)));
        runReverts(
            wallet,
            oneCall(check.target, 0, check.data),
            callFailed(0, abi.encodeWithSignature("Error(string)", "not vouched for"))
        );
        run(wallet, approveThen(check));
        assertEq(wallet.nonce(), 1, "the batch without the approval reverted whole; the one with it ran");
    }

    function test_RevertWhen_approveForThisExecution_CalledFromOutside() public {
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.approveForThisExecution(HASH);
        vm.prank(signers[0]);
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.approveForThisExecution(HASH);
        // The wallet's own address outside `execute` (only a prank can do it): no execution is running.
        vm.prank(address(wallet));
        vm.expectRevert(IOperatorWallet.OnlySelf.selector);
        wallet.approveForThisExecution(HASH);
        assertEq(wallet.isValidSignature(HASH, ""), INVALID);
    }

    function test_approveForThisExecution_DoesNotCarryToTheNextExecutionInTheSameTransaction() public {
        run(wallet, approveThen(ask(HASH)));
        run(wallet, oneCall(address(probe), 0, abi.encodeCall(Probe.ask, (address(wallet), HASH))));
        assertEq(probe.answers(0), MAGIC);
        assertEq(probe.answers(1), INVALID, "the next execution does not see the first one's approval");
    }

    /// @dev A batch target re-enters `execute` with another signed batch: the nested execution does not see the
    /// outer one's approval, and the outer one sees it again once the nested one returns.
    function test_approveForThisExecution_ANestedExecutionNeitherSeesNorEndsIt() public {
        Reenterer reenterer = new Reenterer();
        // The nested batch is signed for nonce 1 (the outer one spends nonce 0 before its calls run).
        IOperatorWallet.Call[] memory inner =
            oneCall(address(probe), 0, abi.encodeCall(Probe.ask, (address(wallet), HASH)));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory innerSig = firstK(wallet, wallet.getExecuteDigest(inner, 1, deadline, 0), 2);
        bytes memory innerCall = abi.encodeCall(IOperatorWallet.execute, (inner, deadline, 0, innerSig));

        IOperatorWallet.Call[] memory outer = new IOperatorWallet.Call[](4);
        outer[0] =
            IOperatorWallet.Call(address(wallet), 0, abi.encodeCall(IOperatorWallet.approveForThisExecution, (HASH)));
        outer[1] = ask(HASH);
        outer[2] = IOperatorWallet.Call(
            address(reenterer), 0, abi.encodeCall(Reenterer.reenter, (address(wallet), innerCall))
        );
        outer[3] = ask(HASH);
        run(wallet, outer);

        assertEq(wallet.nonce(), 2, "both executions ran");
        assertEq(probe.answers(0), MAGIC, "outer, before the nested execution");
        assertEq(probe.answers(1), INVALID, "inside the nested execution");
        assertEq(probe.answers(2), MAGIC, "outer, after the nested execution");
        assertEq(wallet.isValidSignature(HASH, ""), INVALID, "after both");
    }

    /// @dev The nested execution's own approval dies when it returns, before the outer execution goes on.
    function test_approveForThisExecution_ANestedExecutionsApprovalEndsWithIt() public {
        Reenterer reenterer = new Reenterer();
        IOperatorWallet.Call[] memory inner = new IOperatorWallet.Call[](1);
        inner[0] =
            IOperatorWallet.Call(address(wallet), 0, abi.encodeCall(IOperatorWallet.approveForThisExecution, (HASH)));
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory innerSig = firstK(wallet, wallet.getExecuteDigest(inner, 1, deadline, 0), 2);
        bytes memory innerCall = abi.encodeCall(IOperatorWallet.execute, (inner, deadline, 0, innerSig));

        IOperatorWallet.Call[] memory outer = new IOperatorWallet.Call[](2);
        outer[0] = IOperatorWallet.Call(
            address(reenterer), 0, abi.encodeCall(Reenterer.reenter, (address(wallet), innerCall))
        );
        outer[1] = ask(HASH);
        run(wallet, outer);
        assertEq(probe.answers(0), INVALID);
    }

    /// @dev Nothing but an approving execution makes an empty signature valid, whatever the hash.
    function testFuzz_isValidSignature_EmptySignatureIsInvalidWithoutAnApproval(bytes32 hash) public {
        run(wallet, approveThen(ask(HASH)));
        assertEq(wallet.isValidSignature(hash, ""), INVALID);
    }
}
