// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Errors} from "@openzeppelin/contracts/utils/Errors.sol";
import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../../src/OperatorWallet.sol";
import {OperatorWalletFactory} from "../../../src/OperatorWalletFactory.sol";
import {TestBase} from "../../TestBase.sol";

contract CreateWalletTest is TestBase {
    function test_createWallet_DeploysAtThePredictedAddressInitialised() public {
        bytes32 salt = bytes32("ops");
        address predicted = factory.predictAddress(signers, 2, salt);
        assertEq(predicted.code.length, 0);
        vm.expectEmit(predicted);
        emit IOperatorWallet.SignerAdded(signers[0]);
        vm.expectEmit(address(factory));
        emit OperatorWalletFactory.WalletCreated(predicted, salt);
        address w = factory.createWallet(signers, 2, salt);
        assertEq(w, predicted);
        assertEq(OperatorWallet(payable(w)).getSigners(), signers);
        assertEq(OperatorWallet(payable(w)).threshold(), 2);
    }

    /// @dev Creation emits exactly: SignerAdded for each signer in order, ThresholdChanged(threshold), WalletCreated.
    function test_createWallet_EmitsEachSignerThenTheThreshold() public {
        vm.recordLogs();
        address w = factory.createWallet(signers, 2, bytes32("events"));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 5);
        for (uint256 i; i < 3; ++i) {
            assertEq(logs[i].emitter, w);
            assertEq(logs[i].topics[0], IOperatorWallet.SignerAdded.selector);
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(signers[i]))));
        }
        assertEq(logs[3].emitter, w);
        assertEq(logs[3].topics[0], IOperatorWallet.ThresholdChanged.selector);
        assertEq(abi.decode(logs[3].data, (uint256)), 2);
        assertEq(logs[4].emitter, address(factory));
        assertEq(logs[4].topics[0], OperatorWalletFactory.WalletCreated.selector);
    }

    /// @dev The address as docs/design.md states it (and `opwallet predict` computes it offline): an ERC-1167 clone of
    /// the implementation, CREATE2 from the factory with keccak256(abi.encode(signers, threshold, salt)). Computed
    /// here without the factory's own salt derivation, so a change to it (encodePacked, another order) fails.
    function test_predictAddress_IsTheDocumentedCreate2OfTheWholeConfiguration() public view {
        bytes32 userSalt = bytes32(uint256(7));
        bytes32 deploySalt = keccak256(abi.encode(signers, uint256(2), userSalt));
        bytes memory init = abi.encodePacked(
            hex"3d602d80600a3d3981f3363d3d373d3d3d363d73",
            address(factory.implementation()),
            hex"5af43d82803e903d91602b57fd5bf3"
        );
        address expected = vm.computeCreate2Address(deploySalt, keccak256(init), address(factory));
        assertEq(factory.predictAddress(signers, 2, userSalt), expected);
        // The implementation is the factory's first CREATE.
        assertEq(address(factory.implementation()), vm.computeCreateAddress(address(factory), 1));
    }

    function test_createWallet_SameConfigAndSaltGiveTheSameAddressOnAnotherChain() public {
        address here = factory.predictAddress(signers, 2, bytes32("x"));
        vm.chainId(560048);
        assertEq(factory.predictAddress(signers, 2, bytes32("x")), here);
    }

    function test_createWallet_AddressCommitsToTheWholeConfiguration() public {
        address[] memory other = new address[](3);
        (other[0], other[1], other[2]) = (signers[0], signers[1], makeAddr("attacker"));
        address mine = factory.predictAddress(signers, 2, bytes32("x"));
        assertTrue(factory.predictAddress(other, 2, bytes32("x")) != mine);
        assertTrue(factory.predictAddress(signers, 1, bytes32("x")) != mine);
        assertTrue(factory.predictAddress(signers, 2, bytes32("y")) != mine);
    }

    function test_RevertWhen_createWallet_AlreadyDeployed() public {
        vm.expectRevert(Errors.FailedDeployment.selector);
        factory.createWallet(signers, 2, bytes32(0));
    }

    function test_RevertWhen_createWallet_InvalidConfigurations() public {
        address[] memory dup = new address[](2);
        (dup[0], dup[1]) = (signers[0], signers[0]);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.DuplicateSigner.selector, signers[0]));
        factory.createWallet(dup, 1, 0);

        address[] memory zero = new address[](1);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InvalidSigner.selector, address(0)));
        factory.createWallet(zero, 1, 0);

        address[] memory precompile = new address[](1);
        precompile[0] = address(4);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InvalidSigner.selector, address(4)));
        factory.createWallet(precompile, 1, 0);

        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 0, 3));
        factory.createWallet(signers, 0, bytes32("t0"));
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 4, 3));
        factory.createWallet(signers, 4, bytes32("t4"));
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.InvalidThreshold.selector, 1, 0));
        factory.createWallet(new address[](0), 1, 0);

        address[] memory many = new address[](33);
        for (uint256 i; i < 33; ++i) {
            many[i] = address(uint160(0x10000 + i));
        }
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.TooManySigners.selector, 33, 32));
        factory.createWallet(many, 1, 0);
    }

    function test_RevertWhen_initialize_Twice() public {
        vm.expectRevert(IOperatorWallet.AlreadyInitialized.selector);
        vm.prank(address(factory));
        wallet.initialize(signers, 1);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.NotFactory.selector, address(this)));
        wallet.initialize(signers, 1);
    }

    function test_RevertWhen_initialize_Implementation() public {
        OperatorWallet impl = factory.implementation();
        assertEq(impl.factory(), address(factory));
        vm.expectRevert(IOperatorWallet.AlreadyInitialized.selector);
        vm.prank(address(factory));
        impl.initialize(signers, 1);
        // and nothing validates against it
        assertEq(impl.isValidSignature(bytes32(0), hex"00"), INVALID);
    }

    /// @dev An EOA that EIP-7702-delegates to the implementation runs the wallet's code on its own, empty storage.
    /// A stranger must not be able to initialise it with their own signers (and then drain it, or sign as it in
    /// every wallet where that EOA is a contract signer).
    function test_RevertWhen_initialize_StrangerOnA7702DelegatedAccount() public {
        (address eoa, uint256 key) = makeAddrAndKey("delegating eoa");
        vm.signAndAttachDelegation(address(factory.implementation()), key);
        (bool ok,) = eoa.call(""); // the delegation is attached by the next call
        assertTrue(ok);
        assertEq(eoa.code, abi.encodePacked(hex"ef0100", address(factory.implementation())));
        address[] memory mine = new address[](1);
        mine[0] = makeAddr("stranger");
        vm.prank(mine[0]);
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.NotFactory.selector, mine[0]));
        OperatorWallet(payable(eoa)).initialize(mine, 1);
        assertEq(OperatorWallet(payable(eoa)).configHash(), bytes32(0));
    }

    /// @dev The same for a clone someone deploys outside the factory: only the factory initialises.
    function test_RevertWhen_initialize_CloneDeployedOutsideTheFactory() public {
        address clone = Clones.clone(address(factory.implementation()));
        vm.expectRevert(abi.encodeWithSelector(IOperatorWallet.NotFactory.selector, address(this)));
        OperatorWallet(payable(clone)).initialize(signers, 1);
    }

    function testFuzz_createWallet_LandsOnPrediction(uint8 count, uint8 threshold, bytes32 salt) public {
        count = uint8(bound(count, 1, 32));
        threshold = uint8(bound(threshold, 1, count));
        address[] memory s = new address[](count);
        for (uint256 i; i < count; ++i) {
            s[i] = address(uint160(uint256(keccak256(abi.encode(salt, i)))) | 0x10000);
        }
        address predicted = factory.predictAddress(s, threshold, salt);
        assertEq(factory.createWallet(s, threshold, salt), predicted);
        OperatorWallet w = OperatorWallet(payable(predicted));
        assertEq(w.getSigners(), s);
        assertEq(w.threshold(), threshold);
        assertEq(bytes32(bytes28(keccak256(w.configHeader()))), w.configHash());
    }
}
