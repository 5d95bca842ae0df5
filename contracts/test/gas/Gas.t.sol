// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {TestBase} from "../TestBase.sol";

/// @dev The hot paths, one per test, for the committed `.gas-snapshot` (`make snapshot`; `make test` checks it).
/// Each test also logs the gas of the measured call alone. The comparison with Safe 1.5.0 on one Anvil is
/// `make bench`; these numbers guard against regressions between benchmark runs.
contract GasTest is TestBase {
    bytes32 internal constant HASH = keccak256("AVSDirectory registration digest");

    bytes internal sig2;
    bytes internal sig3;
    IOperatorWallet.Call[] internal noop;
    uint256 internal deadline;
    bytes internal execSig;
    IOperatorWallet.Call[] internal replaceCalls;
    bytes internal replaceSig;

    function setUp() public override {
        super.setUp();
        sig2 = messageSig(wallet, HASH, 2);
        sig3 = messageSig(wallet, HASH, 3);
        // Steady state: nonce already non-zero.
        run(wallet, new IOperatorWallet.Call[](0));
        noop.push(IOperatorWallet.Call(address(0xdead), 0, ""));
        deadline = block.timestamp + 1 hours;
        execSig = signExecution(wallet, noop, deadline);
        // Prepared here, not in the test: the view calls signing makes would warm the wallet's storage.
        address dave = newSigner("dave");
        replaceCalls.push(
            IOperatorWallet.Call(
                address(wallet),
                0,
                abi.encodeCall(IOperatorWallet.replaceSigner, (signers[1], dave, acceptance(wallet, dave)))
            )
        );
        replaceSig = signExecution(wallet, replaceCalls, deadline);
    }

    function _measure1271(bytes memory sig) internal view returns (uint256 used) {
        uint256 before = gasleft();
        bytes4 result = wallet.isValidSignature(HASH, sig);
        used = before - gasleft();
        assertEq(result, MAGIC);
    }

    function test_gas_isValidSignature_1sig() public {
        OperatorWallet one = OperatorWallet(payable(factory.createWallet(_one(), 1, 0)));
        bytes memory sig = messageSig(one, HASH, 1);
        uint256 before = gasleft();
        assertEq(one.isValidSignature(HASH, sig), MAGIC);
        emit log_named_uint("isValidSignature 1-of-1 (call incl. cold wallet)", before - gasleft());
    }

    function test_gas_isValidSignature_2of3() public {
        emit log_named_uint("isValidSignature 2-of-3 (call incl. cold wallet)", _measure1271(sig2));
    }

    function test_gas_isValidSignature_3of3() public {
        emit log_named_uint("isValidSignature 3 sigs (call incl. cold wallet)", _measure1271(sig3));
    }

    function test_gas_execute_noop_2of3() public {
        uint256 before = gasleft();
        wallet.execute(noop, deadline, execSig);
        emit log_named_uint("execute no-op 2-of-3, steady (call only)", before - gasleft());
    }

    function test_gas_createWallet_3signers() public {
        uint256 before = gasleft();
        factory.createWallet(signers, 2, bytes32("gas"));
        emit log_named_uint("createWallet 3 signers (call only)", before - gasleft());
    }

    function test_gas_replaceSigner() public {
        IOperatorWallet.Call[] memory calls = replaceCalls;
        bytes memory sig = replaceSig;
        uint256 before = gasleft();
        wallet.execute(calls, deadline, sig);
        emit log_named_uint("replaceSigner via execute 2-of-3 (call only)", before - gasleft());
    }

    function _one() internal view returns (address[] memory l) {
        l = new address[](1);
        l[0] = signers[0];
    }
}
