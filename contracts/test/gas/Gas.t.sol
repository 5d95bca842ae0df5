// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {TestBase} from "../TestBase.sol";

/// @dev The hot paths, one per test, for the committed `.gas-snapshot` (`make snapshot`; `make test` checks it).
/// Each test also logs the gas of the measured call alone and, for executions, an estimate of the whole
/// transaction (the call, less the cold access a transaction's `to` does not pay, plus 21,000 and the calldata) to
/// set beside Safe 1.5.0's numbers from `make bench` (bench/results.json). Everything a test sends is prepared in
/// setUp or copied to memory first, so no storage read of this contract is measured. The comparison on one Anvil
/// is `make bench`; these numbers guard against regressions between benchmark runs.
contract GasTest is TestBase {
    bytes32 internal constant HASH = keccak256("AVSDirectory registration digest");

    bytes internal sig2;
    bytes internal sig3;
    IOperatorWallet.Call[] internal noop;
    uint256 internal deadline;
    bytes internal execSig;
    IOperatorWallet.Call[] internal replaceCalls;
    bytes internal replaceSig;
    IOperatorWallet.Call[] internal addCalls;
    bytes internal addSig;
    OperatorWallet internal four;
    IOperatorWallet.Call[] internal thresholdCalls;
    bytes internal thresholdSig;
    OperatorWallet internal one;
    bytes internal sig1;

    function setUp() public override {
        super.setUp();
        one = OperatorWallet(payable(factory.createWallet(_one(), 1, 0)));
        sig1 = messageSig(one, HASH, 1);
        sig2 = messageSig(wallet, HASH, 2);
        sig3 = messageSig(wallet, HASH, 3);
        // Steady state: nonce already non-zero.
        run(wallet, new IOperatorWallet.Call[](0));
        noop.push(IOperatorWallet.Call(address(0xdead), 0, ""));
        deadline = block.timestamp + 1 hours;
        execSig = signExecution(wallet, noop, deadline);
        // Prepared here, not in the test: the view calls signing makes would warm the wallet's storage.
        // As `make bench` does: replace the last signer; add a signer keeping the threshold; on a wallet of four,
        // raise the threshold.
        address dave = newSigner("dave");
        replaceCalls.push(
            IOperatorWallet.Call(
                address(wallet),
                0,
                abi.encodeCall(IOperatorWallet.replaceSigner, (signers[2], dave, acceptance(wallet, dave)))
            )
        );
        replaceSig = signExecution(wallet, replaceCalls, deadline);
        address erin = newSigner("erin");
        addCalls.push(
            IOperatorWallet.Call(
                address(wallet), 0, abi.encodeCall(IOperatorWallet.addSigner, (erin, 2, acceptance(wallet, erin)))
            )
        );
        addSig = signExecution(wallet, addCalls, deadline);
        address[] memory four_ = new address[](4);
        (four_[0], four_[1], four_[2], four_[3]) = (signers[0], signers[1], signers[2], dave);
        four = OperatorWallet(payable(factory.createWallet(four_, 2, bytes32("four"))));
        run(four, new IOperatorWallet.Call[](0));
        thresholdCalls.push(IOperatorWallet.Call(address(four), 0, abi.encodeCall(IOperatorWallet.setThreshold, (3))));
        thresholdSig = signExecution(four, thresholdCalls, deadline);
    }

    function _measure1271(bytes memory sig) internal view returns (uint256 used) {
        uint256 before = gasleft();
        bytes4 result = wallet.isValidSignature(HASH, sig);
        used = before - gasleft();
        assertEq(result, MAGIC);
    }

    /// @dev Runs `calls` on `w` and logs the call's gas and the whole transaction's estimate.
    function _execute(
        string memory what,
        OperatorWallet w,
        IOperatorWallet.Call[] memory calls,
        bytes memory sig,
        uint256 safe
    ) internal {
        bytes memory data = abi.encodeCall(IOperatorWallet.execute, (calls, deadline, 0, sig));
        uint256 before = gasleft();
        (bool ok,) = address(w).call(data);
        uint256 used = before - gasleft();
        assertTrue(ok);
        uint256 calldataGas;
        for (uint256 i; i < data.length; ++i) {
            calldataGas += data[i] == 0 ? 4 : 16;
        }
        // A transaction's `to` is warm: 2,500 less than this call's cold access.
        uint256 txGas = used - 2500 + 21_000 + calldataGas;
        emit log_named_uint(string.concat(what, " (call only)"), used);
        emit log_named_uint(string.concat(what, " (transaction, estimated)"), txGas);
        emit log_named_uint(string.concat(what, " vs Safe 1.5.0 (per mille)"), txGas * 1000 / safe);
    }

    /// @dev The 1-of-1 wallet and its signature are made in setUp: the snapshot measures `isValidSignature` alone.
    function test_gas_isValidSignature_1sig() public {
        uint256 before = gasleft();
        bytes4 result = one.isValidSignature(HASH, sig1);
        uint256 used = before - gasleft();
        assertEq(result, MAGIC);
        emit log_named_uint("isValidSignature 1-of-1 (call incl. cold wallet)", used);
    }

    function test_gas_isValidSignature_2of3() public {
        emit log_named_uint("isValidSignature 2-of-3 (call incl. cold wallet)", _measure1271(sig2));
    }

    function test_gas_isValidSignature_3of3() public {
        emit log_named_uint("isValidSignature 3 sigs (call incl. cold wallet)", _measure1271(sig3));
    }

    // Safe 1.5.0, 2-of-3, from bench/results.json: no-op 58,326; replace 87,189; add 91,805; threshold 63,258.

    function test_gas_execute_noop_2of3() public {
        _execute("execute no-op 2-of-3, steady", wallet, noop, execSig, 58_326);
    }

    function test_gas_createWallet_3signers() public {
        uint256 before = gasleft();
        factory.createWallet(signers, 2, bytes32("gas"));
        emit log_named_uint("createWallet 3 signers (call only)", before - gasleft());
    }

    function test_gas_replaceSigner() public {
        _execute("replaceSigner (last) via execute 2-of-3", wallet, replaceCalls, replaceSig, 87_189);
    }

    function test_gas_addSigner() public {
        _execute("addSigner via execute 2-of-3", wallet, addCalls, addSig, 91_805);
    }

    function test_gas_setThreshold_4signers() public {
        _execute("setThreshold via execute 2-of-4", four, thresholdCalls, thresholdSig, 63_258);
    }

    function _one() internal view returns (address[] memory l) {
        l = new address[](1);
        l[0] = signers[0];
    }
}
