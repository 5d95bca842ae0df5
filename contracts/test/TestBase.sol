// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IOperatorWallet} from "../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../src/OperatorWallet.sol";
import {OperatorWalletFactory} from "../src/OperatorWalletFactory.sol";
import {Target} from "./fixtures/Fixtures.sol";

/// @dev Shared set-up: a factory, a 2-of-3 wallet of EOA signers, and helpers that build packed signatures the
/// way docs/signatures.md specifies them (header from the wallet, entries ascending by signer index).
abstract contract TestBase is Test {
    uint8 internal constant KIND_ECDSA = 0;
    uint8 internal constant KIND_ECDSA_COMPACT = 1;
    uint8 internal constant KIND_CONTRACT = 2;
    uint8 internal constant KIND_APPROVED = 3;
    bytes4 internal constant MAGIC = 0x1626ba7e;
    bytes4 internal constant INVALID = 0xffffffff;

    OperatorWalletFactory internal factory;
    OperatorWallet internal wallet;
    Target internal target;
    address[] internal signers;
    mapping(address => uint256) internal keyOf;

    function setUp() public virtual {
        factory = new OperatorWalletFactory();
        target = new Target();
        for (uint256 i; i < 3; ++i) {
            signers.push(newSigner(string.concat("signer", vm.toString(i))));
        }
        wallet = OperatorWallet(payable(factory.createWallet(signers, 2, bytes32(0))));
        vm.deal(address(wallet), 10 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                 KEYS
    //////////////////////////////////////////////////////////////*/

    function newSigner(string memory name) internal returns (address account) {
        uint256 key;
        (account, key) = makeAddrAndKey(name);
        keyOf[account] = key;
    }

    function sign(address signer, bytes32 digest) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], digest);
        return abi.encodePacked(r, s, v);
    }

    /*//////////////////////////////////////////////////////////////
                          PACKED SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function entry(uint256 index, uint8 kind, bytes memory payload) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(index), kind, payload);
    }

    function ecdsaEntry(OperatorWallet w, uint256 index, bytes32 digest) internal view returns (bytes memory) {
        return entry(index, KIND_ECDSA, sign(w.getSigners()[index], digest));
    }

    /// @dev Header plus one ECDSA entry for each of `indices` (ascending), signed by the signer at that index.
    function packedSig(OperatorWallet w, bytes32 digest, uint256[] memory indices)
        internal
        view
        returns (bytes memory sig)
    {
        sig = w.configHeader();
        for (uint256 i; i < indices.length; ++i) {
            sig = bytes.concat(sig, ecdsaEntry(w, indices[i], digest));
        }
    }

    /// @dev The first `k` signers sign.
    function firstK(OperatorWallet w, bytes32 digest, uint256 k) internal view returns (bytes memory) {
        uint256[] memory idx = new uint256[](k);
        for (uint256 i; i < k; ++i) {
            idx[i] = i;
        }
        return packedSig(w, digest, idx);
    }

    function indices2(uint256 a, uint256 b) internal pure returns (uint256[] memory idx) {
        idx = new uint256[](2);
        (idx[0], idx[1]) = (a, b);
    }

    /*//////////////////////////////////////////////////////////////
                               EXECUTION
    //////////////////////////////////////////////////////////////*/

    function oneCall(address to, uint256 value, bytes memory data)
        internal
        pure
        returns (IOperatorWallet.Call[] memory c)
    {
        c = new IOperatorWallet.Call[](1);
        c[0] = IOperatorWallet.Call(to, value, data);
    }

    function pingCall() internal view returns (IOperatorWallet.Call[] memory) {
        return oneCall(address(target), 0, abi.encodeCall(Target.ping, ("hi")));
    }

    function signExecution(OperatorWallet w, IOperatorWallet.Call[] memory calls, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return firstK(w, w.getExecuteDigest(calls, w.nonce(), deadline, 0), w.threshold());
    }

    /// @dev Executes `calls` with threshold signatures of the first signers (the self-authorised path).
    function run(OperatorWallet w, IOperatorWallet.Call[] memory calls) internal {
        uint256 deadline = block.timestamp + 1 hours;
        w.execute(calls, deadline, 0, signExecution(w, calls, deadline));
    }

    function selfCall(OperatorWallet w, bytes memory data) internal {
        run(w, oneCall(address(w), 0, data));
    }

    /// @dev Signs `calls` first, then expects {execute} to revert with `revertData` (expectRevert must
    /// immediately precede the call it is about, not the view calls signing makes).
    function runReverts(OperatorWallet w, IOperatorWallet.Call[] memory calls, bytes memory revertData) internal {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signExecution(w, calls, deadline);
        vm.expectRevert(revertData);
        w.execute(calls, deadline, 0, sig);
    }

    /// @dev Expects the self call `data` to fail with `innerError`, surfaced as CallFailed(0, innerError).
    function selfCallReverts(OperatorWallet w, bytes memory data, bytes memory innerError) internal {
        runReverts(w, oneCall(address(w), 0, data), callFailed(0, innerError));
    }

    /// @dev `signer`'s proof of possession for joining `w` at its current epoch.
    function acceptance(OperatorWallet w, address signer) internal view returns (bytes memory) {
        return sign(signer, w.getAcceptanceDigest(signer));
    }

    /// @dev The revert data {execute} produces when the self call `inner` fails with `reason`.
    function callFailed(uint256 index, bytes memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IOperatorWallet.CallFailed.selector, index, reason);
    }

    /*//////////////////////////////////////////////////////////////
                                ERC-1271
    //////////////////////////////////////////////////////////////*/

    /// @dev A mode-0 (wallet message) signature for `hash` by the first `k` signers.
    function messageSig(OperatorWallet w, bytes32 hash, uint256 k) internal view returns (bytes memory) {
        return bytes.concat(hex"00", firstK(w, w.getMessageDigest(hash), k));
    }
}
