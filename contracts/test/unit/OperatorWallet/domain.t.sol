// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOperatorWallet} from "../../../src/interfaces/IOperatorWallet.sol";
import {Target} from "../../fixtures/Fixtures.sol";
import {TestBase} from "../../TestBase.sol";

/// @dev The EIP-712 domain and digests, recomputed here from the documented type strings (docs/signatures.md),
/// so the views off-chain tools cross-check against are themselves checked.
contract DomainTest is TestBase {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)");

    function _separator(uint256 epoch) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256("OperatorWallet"),
                keccak256("1"),
                block.chainid,
                address(wallet),
                bytes32(epoch)
            )
        );
    }

    function test_eip712Domain_ReportsAllFieldsWithEpochAsSalt() public {
        selfCall(wallet, abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = wallet.eip712Domain();
        assertEq(fields, hex"1f");
        assertEq(name, "OperatorWallet");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        assertEq(verifyingContract, address(wallet));
        assertEq(salt, bytes32(wallet.epoch()));
        assertGt(wallet.epoch(), 0);
        assertEq(extensions.length, 0);
        assertEq(wallet.domainSeparator(), _separator(wallet.epoch()));
    }

    function test_getExecuteDigest_MatchesIndependentEncoding() public view {
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](2);
        calls[0] = IOperatorWallet.Call(address(target), 1, abi.encodeCall(Target.ping, ("a")));
        calls[1] = IOperatorWallet.Call(address(0xBEEF), 0, "");
        bytes32 callTypehash = keccak256("Call(address target,uint256 value,bytes data)");
        bytes32 h0 = keccak256(abi.encode(callTypehash, calls[0].target, calls[0].value, keccak256(calls[0].data)));
        bytes32 h1 = keccak256(abi.encode(callTypehash, calls[1].target, calls[1].value, keccak256(calls[1].data)));
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Execute(Call[] calls,uint256 nonce,uint256 deadline,uint256 minGas)"
                    "Call(address target,uint256 value,bytes data)"
                ),
                keccak256(abi.encodePacked(h0, h1)),
                uint256(7),
                uint256(1234),
                uint256(50_000)
            )
        );
        assertEq(
            wallet.getExecuteDigest(calls, 7, 1234, 50_000),
            keccak256(abi.encodePacked(hex"1901", _separator(0), structHash))
        );
    }

    /// @dev The EIP-712 encoding of `calls` written the literal way (abi.encode per member), for the fuzz test below.
    function _literalExecuteHash(IOperatorWallet.Call[] memory calls, uint256 nonce, uint256 deadline, uint256 minGas)
        internal
        pure
        returns (bytes32)
    {
        bytes32 callTypehash = keccak256("Call(address target,uint256 value,bytes data)");
        bytes memory packed;
        for (uint256 i; i < calls.length; ++i) {
            packed = abi.encodePacked(
                packed, keccak256(abi.encode(callTypehash, calls[i].target, calls[i].value, keccak256(calls[i].data)))
            );
        }
        return keccak256(
            abi.encode(
                keccak256(
                    "Execute(Call[] calls,uint256 nonce,uint256 deadline,uint256 minGas)"
                    "Call(address target,uint256 value,bytes data)"
                ),
                keccak256(packed),
                nonce,
                deadline,
                minGas
            )
        );
    }

    /// forge-config: default.fuzz.runs = 1024
    /// @dev Any batch (0-4 calls, data of any length up to 300 bytes, so lengths that are not whole words and data
    /// longer than the call-hash area the hashing allocates) hashes as the literal encoding does.
    function testFuzz_getExecuteDigest_MatchesLiteralEncoding(
        uint8 count,
        uint256 seed,
        uint256 nonce,
        uint256 deadline,
        uint256 minGas
    ) public view {
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](bound(count, 0, 4));
        for (uint256 i; i < calls.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes memory data = new bytes(r % 301);
            for (uint256 j; j < data.length; ++j) {
                data[j] = bytes1(uint8(uint256(keccak256(abi.encode(r, j)))));
            }
            calls[i] = IOperatorWallet.Call(address(uint160(r >> 96)), r % 3 == 0 ? 0 : r >> 200, data);
        }
        assertEq(
            wallet.getExecuteDigest(calls, nonce, deadline, minGas),
            keccak256(abi.encodePacked(hex"1901", _separator(0), _literalExecuteHash(calls, nonce, deadline, minGas)))
        );
    }

    /// @dev A call whose target word has bits above the address (hand-made calldata) is refused by the digest view as
    /// `execute` refuses it: the hashing reads members through Solidity's checked accessors.
    function test_RevertWhen_getExecuteDigestOfACallWithADirtyTarget() public view {
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](1);
        calls[0] = IOperatorWallet.Call(address(0xBEEF), 0, "");
        bytes memory data = abi.encodeCall(IOperatorWallet.getExecuteDigest, (calls, 0, 1, 0));
        // selector(4) | calls offset | nonce | deadline | minGas | length | element offset | target ...
        uint256 targetAt = 4 + 32 * 6;
        data[targetAt] = 0x01; // the word's first byte, above the 20 address bytes
        (bool ok,) = address(wallet).staticcall(data);
        assertFalse(ok);
        data[targetAt] = 0x00;
        (ok,) = address(wallet).staticcall(data);
        assertTrue(ok);
    }

    function test_getAcceptanceDigest_MatchesIndependentEncoding() public view {
        bytes32 structHash = keccak256(abi.encode(keccak256("AcceptSigner(address signer)"), address(0xD)));
        assertEq(
            wallet.getAcceptanceDigest(address(0xD)), keccak256(abi.encodePacked(hex"1901", _separator(0), structHash))
        );
    }

    function test_configHeader_IsTheDocumentedLayout() public view {
        bytes memory expected = abi.encodePacked(
            uint64(0), uint8(2), uint8(3), bytes20(signers[0]), bytes20(signers[1]), bytes20(signers[2])
        );
        assertEq(wallet.configHeader(), expected);
        assertEq(wallet.configHash(), bytes32(bytes28(keccak256(expected))));
        assertEq(wallet.getSigners(), signers);
        assertEq(wallet.threshold(), 2);
        assertEq(wallet.nonce(), 0);
        assertEq(wallet.epoch(), 0);
    }

    function test_receive_AcceptsEth() public {
        uint256 before = address(wallet).balance;
        (bool ok,) = address(wallet).call{value: 1 ether}("");
        assertTrue(ok);
        assertEq(address(wallet).balance, before + 1 ether);
    }

    function test_RevertWhen_UnknownFunction() public {
        (bool ok,) = address(wallet).call(abi.encodeWithSignature("execTransaction()"));
        assertFalse(ok); // no fallback handler
    }
}
