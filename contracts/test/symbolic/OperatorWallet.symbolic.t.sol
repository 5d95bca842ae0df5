// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IOperatorWallet} from "../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {OperatorWalletFactory} from "../../src/OperatorWalletFactory.sol";

/// @dev A contract signer whose ERC-1271 answer is set per digest: "signed" means `approved[digest]`.
contract Oracle {
    mapping(bytes32 => bool) public approved;

    function approve(bytes32 digest) external {
        approved[digest] = true;
    }

    function isValidSignature(bytes32 digest, bytes calldata) external view returns (bytes4) {
        return approved[digest] ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}

/// @dev Symbolic proofs (halmos, `make prove`; bounds and what they mean in docs/security.md). Every `check_`
/// argument is symbolic: halmos explores every value, not samples. ECDSA recovery is an uninterpreted function to
/// the solver (any entry may "recover" to any address), so properties about who signed are stated with contract
/// signers and on-chain approvals, whose answers are storage the proof controls.
contract OperatorWalletSymbolic is Test {
    bytes4 internal constant MAGIC = 0x1626ba7e;
    bytes4 internal constant INVALID = 0xffffffff;

    OperatorWalletFactory internal factory;
    OperatorWallet internal wallet;
    Oracle[3] internal oracles;

    function setUp() public {
        factory = new OperatorWalletFactory();
        address[] memory signers = new address[](3);
        for (uint256 i; i < 3; ++i) {
            oracles[i] = new Oracle();
            signers[i] = address(oracles[i]);
        }
        wallet = OperatorWallet(payable(factory.createWallet(signers, 2, bytes32(0))));
    }

    /*//////////////////////////////////////////////////////////////
                               ROTATION
    //////////////////////////////////////////////////////////////*/

    function _rotate(uint8 removeAt, bool doRemove, uint8 addAt, bool doAdd, uint256 t, bytes32 r, bytes32 s, uint8 v)
        internal
        returns (bool ok, address removed, address added)
    {
        address[] memory remove = new address[](doRemove ? 1 : 0);
        address[] memory add = new address[](doAdd ? 1 : 0);
        bytes[] memory proofs = new bytes[](doAdd ? 1 : 0);
        if (doRemove) remove[0] = removed = _candidate(removeAt);
        if (doAdd) {
            add[0] = added = _candidate(addAt);
            proofs[0] = abi.encodePacked(r, s, v);
        }
        vm.prank(address(wallet));
        (ok,) = address(wallet).call(abi.encodeCall(IOperatorWallet.rotateSigners, (remove, add, proofs, t)));
    }

    /// @dev One of six: the three signers, an outsider, and two addresses that may never be signers (the zero
    /// address and the wallet itself). Chosen by branching, so every choice is a path of its own.
    function _candidate(uint8 at) internal view returns (address) {
        if (at == 0) return address(oracles[0]);
        if (at == 1) return address(oracles[1]);
        if (at == 2) return address(oracles[2]);
        if (at == 3) return address(0x1234567890AbcdEF1234567890aBcdef12345678);
        if (at == 4) return address(0);
        return address(wallet);
    }

    function _assertValidConfiguration() internal view {
        address[] memory s = wallet.getSigners();
        uint256 t = wallet.threshold();
        assert(t >= 1 && t <= s.length && s.length <= 32);
        for (uint256 i; i < s.length; ++i) {
            assert(uint160(s[i]) > 0xffff && s[i] != address(wallet));
            for (uint256 j; j < i; ++j) {
                assert(s[i] != s[j]);
            }
        }
        assert(bytes32(bytes28(keccak256(wallet.configHeader()))) == wallet.configHash());
    }

    /// @dev One rotation with any arguments (remove one of six candidates or not, add one or not with any 65-byte
    /// proof, any threshold), from two starting configurations (the 2-of-3 of setUp, and a 1-of-1 made from it):
    /// if it succeeds, the threshold is reachable, signers are distinct and valid, the header hashes to the stored
    /// configuration, a removed signer is gone (unless the same call re-added it), an added one is in, and the
    /// epoch moved; if it fails, nothing changed. Sequences: each rotation starts from a configuration of this kind,
    /// and the fuzz and invariant suites run thousands of sequences.
    function check_rotation_KeepsTheConfigurationValid(
        bool fromOne,
        uint8 removeAt,
        bool doRemove,
        uint8 addAt,
        bool doAdd,
        uint256 t,
        bytes32 r,
        bytes32 s,
        uint8 v
    ) public {
        if (fromOne) {
            address[] memory two = new address[](2);
            (two[0], two[1]) = (address(oracles[1]), address(oracles[2]));
            vm.prank(address(wallet));
            wallet.rotateSigners(two, new address[](0), new bytes[](0), 1);
        }
        bytes32 before = wallet.configHash();
        uint256 epochBefore = wallet.epoch();
        (bool ok, address removed, address added) = _rotate(removeAt, doRemove, addAt, doAdd, t, r, s, v);
        _assertValidConfiguration();
        if (ok) {
            assert(wallet.epoch() > epochBefore);
            assert(wallet.threshold() == t);
            if (doRemove && removed != added) assert(!wallet.isSigner(removed));
            if (doAdd) assert(wallet.isSigner(added));
        } else {
            assert(wallet.epoch() == epochBefore && wallet.configHash() == before);
        }
    }

    /*//////////////////////////////////////////////////////////////
                               ERC-1271
    //////////////////////////////////////////////////////////////*/

    /// @dev `mode ‖ header ‖ index ‖ kind ‖ payload`, with the header's count byte set to `count` and, where the
    /// parser would take a length from the bytes (a contract entry's length, mode 1's description length), those
    /// bytes fixed: halmos needs concrete sizes; every other byte stays symbolic.
    function _oneEntry(uint8 mode, bytes memory header, uint8 count, uint8 index, uint8 kind, bytes memory payload)
        internal
        pure
        returns (bytes memory sig)
    {
        header[9] = bytes1(count);
        if (kind == 2) (payload[0], payload[1]) = (0x00, 0x3f); // a 63-byte ERC-1271 signature fills the entry
        sig = abi.encodePacked(mode, header, index, kind, payload);
        if (mode == 1) (sig[sig.length - 2], sig[sig.length - 1]) = (0x00, 0x00); // ERC-7739 descr length 0
    }

    /// @dev Never reverts, and answers only the magic value or 0xffffffff, for every one-entry signature of 138
    /// bytes (any mode, any header bytes declaring 3 signers, entry index 0 to 3, any kind, any 65-byte payload).
    function check_isValidSignature_NeverReverts(
        bytes32 hash,
        uint8 mode,
        bytes calldata header,
        uint8 kind,
        bytes calldata payload
    ) public view {
        bytes memory used = header;
        used[9] = bytes1(uint8(3)); // as {_oneEntry} sets it
        _assumeNoTruncatedCollision(used);
        for (uint8 index; index < 4; ++index) {
            _assertAnswers(hash, _oneEntry(mode, header, 3, index, kind, payload));
        }
    }

    /// @dev The one cryptographic assumption the stored configuration hash adds: a header whose keccak256 agrees
    /// with the current header's in its first 28 bytes (all the wallet keeps: the nonce has the last four) is the
    /// current header. A second preimage of 224 bits is 2^224 work, a collision 2^112. halmos models keccak256 as
    /// injective but not its truncation, so without this it explores headers that "match" without being the
    /// current one (and, through them, signers at symbolic addresses, the wallet itself among them).
    function _assumeNoTruncatedCollision(bytes memory used) internal view {
        bytes32 a = keccak256(used);
        bytes32 b = keccak256(wallet.configHeader());
        vm.assume(a == b || bytes28(a) != bytes28(b));
    }

    /// @dev The header bytes of a one-entry signature from {_oneEntry}: after the mode byte, as long as the
    /// current header.
    function _headerOf(bytes memory sig) internal view returns (bytes memory used) {
        used = new bytes(wallet.configHeader().length);
        for (uint256 i; i < used.length; ++i) {
            used[i] = sig[1 + i];
        }
    }

    /// @dev The same for truncated signatures: the prefixes of `mode ‖ header ‖ entry` at every length where a
    /// field starts or ends (0, the mode byte, inside and at the end of the fixed header, each signer's end, the
    /// entry's index and kind bytes, and one byte short of the whole). Every length from 0 to 71 in one check did
    /// not finish in 20 minutes; the unit fuzz tests cover every length (`testFuzz_isValidSignature_TruncationIsInvalid`).
    function check_isValidSignature_NeverRevertsTruncated(
        bytes32 hash,
        uint8 mode,
        bytes calldata header,
        uint8 kind,
        bytes calldata payload
    ) public view {
        bytes memory full = _oneEntry(mode, header, 3, 0, kind, payload);
        uint8[12] memory lengths = [0, 1, 2, 9, 10, 11, 31, 51, 71, 72, 73, 137];
        for (uint256 l; l < lengths.length; ++l) {
            uint256 length = lengths[l];
            bytes memory prefix = new bytes(length);
            assembly ("memory-safe") {
                mcopy(add(prefix, 0x20), add(full, 0x20), length)
            }
            if (mode == 1 && length >= 2) (prefix[length - 2], prefix[length - 1]) = (0x00, 0x00);
            _assertAnswers(hash, prefix);
        }
    }

    function _assertAnswers(bytes32 hash, bytes memory sig) internal view {
        (bool ok, bytes memory ret) =
            address(wallet).staticcall(abi.encodeWithSelector(wallet.isValidSignature.selector, hash, sig));
        assert(ok && ret.length == 32);
        bytes4 answer = abi.decode(ret, (bytes4));
        assert(answer == MAGIC || answer == INVALID);
    }

    /// @dev The magic value needs the current configuration header (this epoch, threshold and signers) right after
    /// the mode byte: for any header bytes (declaring 3 signers) and one entry as above, magic implies they are the
    /// current header.
    function check_isValidSignature_NoMagicWithoutTheCurrentHeader(
        bytes32 hash,
        uint8 mode,
        bytes calldata header,
        uint8 index,
        uint8 kind,
        bytes calldata payload
    ) public view {
        vm.assume(index < 4);
        bytes memory sig =
            _oneEntry(mode, header, 3, index == 0 ? 0 : index == 1 ? 1 : index == 2 ? 2 : 3, kind, payload);
        bytes memory current = wallet.configHeader();
        bytes memory used = _headerOf(sig);
        _assumeNoTruncatedCollision(used);
        if (wallet.isValidSignature(hash, sig) == MAGIC) assert(keccak256(used) == keccak256(current));
    }

    /// @dev With contract signers and on-chain approvals (whose answers this proof controls), the magic value for
    /// `hash` needs `threshold` (2) distinct current signers that signed this wallet's digest of `hash` at the
    /// current epoch: two entries after the current header, at any indices (0 to 3 each), each a contract entry
    /// (any 3-byte signature) or an approval; magic implies two different signers that approved that digest.
    function check_isValidSignature_MagicNeedsThresholdSigners(
        bytes32 hash,
        bool[3] calldata answers,
        bool[3] calldata approvals,
        bool[2] calldata contractEntry,
        bytes3 inner0,
        bytes3 inner1
    ) public {
        bytes32 digest = wallet.getMessageDigest(hash);
        for (uint256 i; i < 3; ++i) {
            if (answers[i]) oracles[i].approve(digest);
            if (approvals[i]) {
                vm.prank(address(oracles[i]));
                wallet.approveHash(digest);
            }
        }
        for (uint8 a; a < 4; ++a) {
            for (uint8 b; b < 4; ++b) {
                bytes memory sig = abi.encodePacked(
                    hex"00",
                    wallet.configHeader(),
                    _contractOrApproval(a, contractEntry[0], inner0),
                    _contractOrApproval(b, contractEntry[1], inner1)
                );
                if (wallet.isValidSignature(hash, sig) == MAGIC) {
                    assert(a < b && b < 3);
                    assert(answers[a] || approvals[a]);
                    assert(answers[b] || approvals[b]);
                }
            }
        }
    }

    function _contractOrApproval(uint8 index, bool asContract, bytes3 inner) internal pure returns (bytes memory) {
        return asContract ? abi.encodePacked(index, uint8(2), uint16(3), inner) : abi.encodePacked(index, uint8(3));
    }

    /// @dev A removed signer's signature never validates: oracle 2, which approved `hash`'s digest on chain and as
    /// a contract, is removed (the threshold drops to 1; the others approved nothing; oracle 2 then approves the new
    /// digest too); then no signature made of one contract or approval entry (the removed signer's only ways to
    /// sign), at any index 0 to 3, validates after the header from before the removal (which still lists it) or the
    /// current one. Any other header bytes never give the magic value (check_isValidSignature_NoMagicWithout…),
    /// which is why this check takes these two headers only: with symbolic header bytes it did not finish in 20 min.
    function check_removedSignersSignatureNeverValidates(bytes32 hash, bool asContract, bytes3 inner) public {
        bytes32 oldDigest = wallet.getMessageDigest(hash);
        oracles[2].approve(oldDigest);
        vm.prank(address(oracles[2]));
        wallet.approveHash(oldDigest);
        bytes memory before = wallet.configHeader();
        address[] memory remove = new address[](1);
        remove[0] = address(oracles[2]);
        vm.prank(address(wallet));
        wallet.rotateSigners(remove, new address[](0), new bytes[](0), 1);
        oracles[2].approve(wallet.getMessageDigest(hash));
        bytes[2] memory headers = [before, wallet.configHeader()];
        for (uint256 h; h < 2; ++h) {
            for (uint8 index; index < 4; ++index) {
                bytes memory sig = abi.encodePacked(hex"00", headers[h], _contractOrApproval(index, asContract, inner));
                assert(wallet.isValidSignature(hash, sig) != MAGIC);
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                        WHO CAN CHANGE WHAT
    //////////////////////////////////////////////////////////////*/

    /// @dev No call other than `execute` changes the configuration or the nonce, whoever makes it (the wallet itself
    /// excepted: that is a call `execute` made): every state-changing function the wallet has, with any arguments,
    /// and any other selector (the wallet has no fallback).
    function check_configurationChangesOnlyThroughExecute(
        address caller,
        uint8 which,
        address a,
        address b,
        uint256 t,
        bytes32 d,
        bytes4 other,
        bytes calldata proof
    ) public {
        vm.assume(caller != address(wallet));
        vm.assume(which < 9 || other != IOperatorWallet.execute.selector);
        bytes memory data = _callOf(which, a, b, t, d, other, proof);
        bytes32 before = _state();
        vm.prank(caller);
        (bool ok,) = address(wallet).call(data);
        ok;
        assert(_state() == before);
    }

    /// @dev Configuration hash, nonce, epoch and threshold, in one word.
    function _state() internal view returns (bytes32) {
        return keccak256(abi.encode(wallet.configHash(), wallet.nonce(), wallet.epoch(), wallet.threshold()));
    }

    function _callOf(uint8 which, address a, address b, uint256 t, bytes32 d, bytes4 other, bytes calldata proof)
        internal
        pure
        returns (bytes memory)
    {
        address[] memory one = new address[](1);
        one[0] = a;
        address[] memory two = new address[](1);
        two[0] = b;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proof;
        if (which == 0) return abi.encodeCall(OperatorWallet.initialize, (one, t));
        if (which == 1) return abi.encodeCall(IOperatorWallet.addSigner, (a, t, proof));
        if (which == 2) return abi.encodeCall(IOperatorWallet.removeSigner, (a, t));
        if (which == 3) return abi.encodeCall(IOperatorWallet.replaceSigner, (a, b, proof));
        if (which == 4) return abi.encodeCall(IOperatorWallet.setThreshold, (t));
        if (which == 5) return abi.encodeCall(IOperatorWallet.rotateSigners, (one, two, proofs, t));
        if (which == 6) return abi.encodeCall(IOperatorWallet.bumpEpoch, ());
        if (which == 7) return abi.encodeCall(IOperatorWallet.approveHash, (d));
        if (which == 8) return abi.encodeCall(IOperatorWallet.revokeHash, (d));
        return abi.encodePacked(other, d);
    }

    /// @dev `execute` of an empty batch, with any deadline and floor, from anyone, at any starting nonce (the
    /// nonce is the low 32 bits of slot 0, below the configuration hash), with the current header and two ECDSA
    /// entries (indices 0 and 1, any bytes; recovery is symbolic, so "valid" and "invalid" are both explored): it
    /// reverts and the nonce stays, or it runs and the nonce grows by exactly one — so it never wraps — and the
    /// configuration hash is untouched — so it never carries. With the check above, the nonce only grows.
    function check_executeMovesTheNonceByOneOrNotAtAll(
        address caller,
        uint256 deadline,
        uint256 minGas,
        uint32 start,
        bytes32[2] calldata r,
        bytes32[2] calldata s,
        uint8[2] calldata v
    ) public {
        bytes32 config = wallet.configHash();
        vm.store(address(wallet), bytes32(0), bytes32(uint256(config) | start));
        bytes memory sig = abi.encodePacked(
            wallet.configHeader(), uint8(0), uint8(0), r[0], s[0], v[0], uint8(1), uint8(0), r[1], s[1], v[1]
        );
        uint256 before = wallet.nonce();
        assert(before == start);
        vm.prank(caller);
        (bool ok,) = address(wallet)
            .call(abi.encodeCall(IOperatorWallet.execute, (new IOperatorWallet.Call[](0), deadline, minGas, sig)));
        assert(wallet.nonce() == (ok ? before + 1 : before));
        assert(wallet.configHash() == config);
    }

    /*//////////////////////////////////////////////////////////////
                     APPROVAL FOR ONE EXECUTION
    //////////////////////////////////////////////////////////////*/

    /// @dev Outside an execution, `approveForThisExecution` from any caller (the wallet itself included: a prank
    /// outside `execute`) reverts, and an empty signature stays invalid for the hash it names and any other.
    function check_approveForThisExecution_NothingOutsideAnExecution(address caller, bytes32 h, bytes32 asked) public {
        vm.prank(caller);
        (bool ok,) = address(wallet).call(abi.encodeCall(IOperatorWallet.approveForThisExecution, (h)));
        assert(!ok);
        assert(wallet.isValidSignature(h, "") == INVALID);
        assert(wallet.isValidSignature(asked, "") == INVALID);
    }

    /// @dev After an execution that approved `approved` for itself (signed by two contract signers), in the same
    /// transaction, an empty signature is invalid for every hash: the approval died with its execution.
    function check_approveForThisExecution_DiesWithItsExecution(address caller, bytes32 approved, bytes32 asked)
        public
    {
        IOperatorWallet.Call[] memory calls = new IOperatorWallet.Call[](1);
        calls[0] = IOperatorWallet.Call(
            address(wallet), 0, abi.encodeCall(IOperatorWallet.approveForThisExecution, (approved))
        );
        uint256 deadline = block.timestamp;
        bytes32 digest = wallet.getExecuteDigest(calls, wallet.nonce(), deadline, 0);
        oracles[0].approve(digest);
        oracles[1].approve(digest);
        bytes memory sig = abi.encodePacked(
            wallet.configHeader(), uint8(0), uint8(2), uint16(3), bytes3(0), uint8(1), uint8(2), uint16(3), bytes3(0)
        );
        vm.prank(caller);
        wallet.execute(calls, deadline, 0, sig);
        assert(wallet.isValidSignature(approved, "") == INVALID);
        assert(wallet.isValidSignature(asked, "") == INVALID);
    }
}
