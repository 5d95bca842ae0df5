// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Bytes} from "@openzeppelin/contracts/utils/Bytes.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IOperatorWallet} from "../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {OperatorWalletFactory} from "../../src/OperatorWalletFactory.sol";

/// @dev The message the invariants sign after every call (its digest changes with every epoch).
bytes32 constant PROBE = keccak256("invariant probe");

/// @dev Drives a wallet through random executions, rotations, threshold changes, epoch bumps, approvals and
/// signature captures. Every configuration change is mirrored on `twin`, a second wallet with the identical
/// signer set, so the suite can check that signers never cross wallets even when the headers are equal.
/// The signer set the wallet should have is kept here (`ghostSigners`), from what the handler asked for, never read
/// back from the wallet: a rotation that silently ignored a removal or an addition is caught by the invariants.
contract WalletHandler is CommonBase, StdCheats, StdUtils {
    /// @dev More than MAX_SIGNERS, so there is always an outsider to add.
    uint256 internal constant POOL = 40;

    OperatorWallet public wallet;
    OperatorWallet public twin;
    address[] internal pool;
    mapping(address => uint256) internal keyOf;

    // Ghost state.
    uint256 public ghostNonce;
    uint256 public ghostEpoch;
    uint256 public ghostThreshold;
    address[] internal ghostSigners;
    address[] internal everRemoved;
    mapping(address => bool) internal wasRemoved;
    bytes32 public capturedHash;
    bytes public capturedSig;
    uint256 public capturedEpoch;
    bool public hasCapture;
    address public approver;
    bytes32 public approvedHash;
    uint256 public approvalEpoch;
    bool public hasApproval;
    uint256 public rotationsWithBoth;
    bool internal bootstrapped;
    mapping(bytes4 => uint256) public calls;
    /// @dev `r ‖ s ‖ v` by digest and signer, remembered by the actions for the digests the invariants sign after
    /// them (the first threshold signers' and every removed signer's for the probe, the first threshold signers' for
    /// the recorded approval):
    /// the invariants run in calls whose state is discarded, and signing anew after every call was most of the
    /// campaign's time. vm.sign is deterministic (RFC 6979), so a remembered signature is exactly what signing again
    /// returns: what the invariants check does not change.
    mapping(bytes32 => mapping(address => bytes)) internal signed;

    constructor() {
        for (uint256 i; i < POOL; ++i) {
            (address a, uint256 k) = makeAddrAndKey(string.concat("pool", vm.toString(i)));
            pool.push(a);
            keyOf[a] = k;
        }
        OperatorWalletFactory factory = new OperatorWalletFactory();
        address[] memory initial = new address[](3);
        (initial[0], initial[1], initial[2]) = (pool[0], pool[1], pool[2]);
        wallet = OperatorWallet(payable(factory.createWallet(initial, 2, bytes32(0))));
        twin = OperatorWallet(payable(factory.createWallet(initial, 2, bytes32(uint256(1)))));
        ghostSigners = initial;
        ghostThreshold = 2;
        _rememberForInvariants();
    }

    /// @dev Each run starts with one rotation that both removes and adds, whatever the fuzzer picks first, so no
    /// run can pass without exercising one (`afterInvariant` checks it ran).
    modifier rotatedFirst(uint256 seed) {
        if (!bootstrapped) {
            bootstrapped = true;
            _rotate(seed, seed >> 8, seed >> 16);
        }
        _;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function executeEmpty(uint256 extraSigners) external rotatedFirst(extraSigners) {
        calls[this.executeEmpty.selector]++;
        IOperatorWallet.Call[] memory none = new IOperatorWallet.Call[](0);
        uint256 n = ghostSigners.length;
        uint256 k = bound(extraSigners, ghostThreshold, n);
        uint256 deadline = block.timestamp + 1;
        wallet.execute(none, deadline, 0, sigFor(wallet, wallet.getExecuteDigest(none, wallet.nonce(), deadline, 0), k));
        require(wallet.nonce() == ++ghostNonce, "nonce not sequential");
    }

    /// @dev Removes 1..count signers and adds 1..2 outsiders (at least one signer remains), any threshold.
    function rotate(uint256 removeSeed, uint256 addSeed, uint256 thresholdSeed) external rotatedFirst(removeSeed) {
        _rotate(removeSeed, addSeed, thresholdSeed);
    }

    /// @dev Only adds (1..2 outsiders) or only removes (1..count-1), by `seed`'s low bit.
    function addOrRemove(uint256 seed, uint256 thresholdSeed) external rotatedFirst(seed) {
        calls[this.addOrRemove.selector]++;
        uint256 n = ghostSigners.length;
        address[] memory remove;
        address[] memory add;
        if (seed & 1 == 0 || n == 1) {
            add = _outsiders(seed >> 1, 1, 2);
            if (n + add.length > 32) return;
            remove = new address[](0);
        } else {
            remove = _pick(seed >> 1, bound(seed >> 9, 1, n - 1));
            add = new address[](0);
        }
        _applyMirrored(remove, add, bound(thresholdSeed, 1, n - remove.length + add.length));
    }

    function setThreshold(uint256 seed) external rotatedFirst(seed) {
        calls[this.setThreshold.selector]++;
        uint256 t = bound(seed, 1, ghostSigners.length);
        _selfCallMirrored(abi.encodeCall(IOperatorWallet.setThreshold, (t)));
        ghostThreshold = t;
    }

    function bumpEpoch(uint256 seed) external rotatedFirst(seed) {
        calls[this.bumpEpoch.selector]++;
        _selfCallMirrored(abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
    }

    /// @dev A current signer approves a wallet message on chain; the invariants check it dies with the epoch.
    function approve(uint256 signerSeed, bytes32 hash) external rotatedFirst(signerSeed) {
        calls[this.approve.selector]++;
        address signer = ghostSigners[signerSeed % ghostSigners.length];
        bytes32 digest = wallet.getMessageDigest(hash);
        vm.prank(signer);
        wallet.approveHash(digest);
        (approver, approvedHash, approvalEpoch, hasApproval) = (signer, hash, wallet.epoch(), true);
        _rememberForInvariants();
    }

    /// @dev Takes a valid ERC-1271 signature now, to check later that it dies with the epoch.
    function capture(bytes32 hash) external rotatedFirst(uint256(hash)) {
        calls[this.capture.selector]++;
        capturedHash = hash;
        capturedSig = bytes.concat(hex"00", sigFor(wallet, wallet.getMessageDigest(hash), ghostThreshold));
        capturedEpoch = wallet.epoch();
        hasCapture = true;
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function ghostSignerList() external view returns (address[] memory) {
        return ghostSigners;
    }

    /// @dev Header plus ECDSA entries by the first `k` signers of `w`.
    function sigFor(OperatorWallet w, bytes32 digest, uint256 k) public view returns (bytes memory sig) {
        address[] memory current = w.getSigners();
        sig = w.configHeader();
        for (uint256 i; i < k; ++i) {
            sig = bytes.concat(sig, _entry(i, current[i], digest));
        }
    }

    /// @dev The recorded approval as an entry at its signer's current index, completed to the threshold with
    /// ECDSA entries by the other signers; empty if the approver is no longer a signer.
    function approvalSig() external view returns (bytes memory sig) {
        address[] memory current = wallet.getSigners();
        uint256 at = current.length;
        for (uint256 i; i < current.length; ++i) {
            if (current[i] == approver) at = i;
        }
        if (at == current.length) return "";
        bytes32 digest = wallet.getMessageDigest(approvedHash);
        sig = bytes.concat(hex"00", wallet.configHeader());
        uint256 others = ghostThreshold - 1;
        for (uint256 i; i < current.length; ++i) {
            if (i == at) {
                sig = bytes.concat(sig, abi.encodePacked(uint8(i), uint8(3)));
            } else if (others > 0) {
                sig = bytes.concat(sig, _entry(i, current[i], digest));
                others--;
            }
        }
    }

    /// @dev For each signer removed and not back (`removedNow`, in order), a threshold signature of `digest` whose
    /// entry in one current signer's slot is the removed signer's (the slot moves with `shift`), beside
    /// `threshold - 1` genuine entries at the lowest other indices; and, as `control`, the same construction with the
    /// slot's own signer, which must validate. The genuine entries are signed once.
    function removedSignerSigs(bytes32 digest, uint256 shift)
        external
        view
        returns (bytes[] memory sigs, bytes memory control)
    {
        address[] memory current = wallet.getSigners();
        bytes memory head = bytes.concat(hex"00", wallet.configHeader());
        bytes memory genuine = _genuineEntries(current, digest);
        address[] memory removed = this.removedNow();
        sigs = new bytes[](removed.length);
        for (uint256 i; i < removed.length; ++i) {
            sigs[i] = _sigWithEntryAt(head, genuine, (i + shift) % current.length, removed[i], digest);
        }
        uint256 slot = shift % current.length;
        control = _sigWithEntryAt(head, genuine, slot, current[slot], digest);
    }

    /// @dev The entries of the signers at indices 0..threshold-1, 67 bytes each.
    function _genuineEntries(address[] memory current, bytes32 digest) internal view returns (bytes memory genuine) {
        uint256 t = wallet.threshold();
        for (uint256 i; i < t; ++i) {
            genuine = bytes.concat(genuine, _entry(i, current[i], digest));
        }
    }

    /// @dev An ECDSA entry: index, kind 0, `signer`'s `r ‖ s ‖ v` over `digest` (remembered, or signed now).
    function _entry(uint256 index, address signer, bytes32 digest) internal view returns (bytes memory) {
        bytes memory rsv = signed[digest][signer];
        if (rsv.length == 0) rsv = _sign(signer, digest);
        return abi.encodePacked(uint8(index), uint8(0), rsv);
    }

    function _sign(address signer, bytes32 digest) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], digest);
        return abi.encodePacked(r, s, v);
    }

    function _remember(address signer, bytes32 digest) internal {
        if (signed[digest][signer].length == 0) signed[digest][signer] = _sign(signer, digest);
    }

    /// @dev Signs, once per digest, what the invariants will sign after this call: the probe by the first threshold
    /// signers (in the wallet's order) and every removed signer, the recorded approval's message by the first
    /// threshold signers. (The one other entry the invariants need, the slot's own signer, is signed on demand.)
    function _rememberForInvariants() internal {
        bytes32 probe = wallet.getMessageDigest(PROBE);
        bytes32 approval = hasApproval ? wallet.getMessageDigest(approvedHash) : bytes32(0);
        address[] memory current = wallet.getSigners();
        for (uint256 i; i < ghostThreshold; ++i) {
            _remember(current[i], probe);
            if (hasApproval) _remember(current[i], approval);
        }
        for (uint256 i; i < everRemoved.length; ++i) {
            if (!_isGhostSigner(everRemoved[i])) _remember(everRemoved[i], probe);
        }
    }

    /// @dev `head`, then `signer`'s entry in slot `at` among the genuine entries of the lowest other indices
    /// (ascending), as many entries in all as `genuine` holds: the genuine ones below `at`, `signer`'s, the genuine
    /// ones above it up to the count (when `at` is past the genuine ones, all of them but the last).
    function _sigWithEntryAt(bytes memory head, bytes memory genuine, uint256 at, address signer, bytes32 digest)
        internal
        view
        returns (bytes memory)
    {
        bytes memory entry = _entry(at, signer, digest);
        uint256 t = genuine.length / 67;
        if (at >= t) return bytes.concat(head, Bytes.slice(genuine, 0, 67 * (t - 1)), entry);
        return bytes.concat(head, Bytes.slice(genuine, 0, 67 * at), entry, Bytes.slice(genuine, 67 * (at + 1), 67 * t));
    }

    /// @dev Signers removed at some point and not in the ghost set now, each once.
    function removedNow() external view returns (address[] memory out) {
        out = new address[](everRemoved.length);
        uint256 k;
        for (uint256 i; i < everRemoved.length; ++i) {
            if (!_isGhostSigner(everRemoved[i])) out[k++] = everRemoved[i];
        }
        assembly {
            mstore(out, k)
        }
    }

    function _rotate(uint256 removeSeed, uint256 addSeed, uint256 thresholdSeed) internal {
        calls[this.rotate.selector]++;
        uint256 n = ghostSigners.length;
        address[] memory remove = _pick(removeSeed, bound(removeSeed >> 128, 1, n));
        address[] memory add = _outsiders(addSeed, 1, 2);
        uint256 after_ = n - remove.length + add.length;
        if (after_ > 32) {
            // Too many: remove one more instead (n >= 31 here, so there is one to spare).
            remove = _pick(removeSeed, remove.length + (after_ - 32));
            after_ = 32;
        }
        _applyMirrored(remove, add, bound(thresholdSeed, 1, after_));
        rotationsWithBoth++;
    }

    /// @dev `count` distinct ghost signers, starting at a seeded position.
    function _pick(uint256 seed, uint256 count) internal view returns (address[] memory out) {
        uint256 n = ghostSigners.length;
        out = new address[](count);
        for (uint256 i; i < count; ++i) {
            out[i] = ghostSigners[(seed % n + i) % n];
        }
    }

    function _outsiders(uint256 seed, uint256 min, uint256 max) internal view returns (address[] memory out) {
        uint256 want = bound(seed, min, max);
        out = new address[](want);
        uint256 k;
        for (uint256 i; i < POOL && k < want; ++i) {
            address candidate = pool[(seed % POOL + i) % POOL];
            if (!_isGhostSigner(candidate)) out[k++] = candidate;
        }
        require(k == want, "pool exhausted");
    }

    function _isGhostSigner(address a) internal view returns (bool) {
        for (uint256 i; i < ghostSigners.length; ++i) {
            if (ghostSigners[i] == a) return true;
        }
        return false;
    }

    function _applyMirrored(address[] memory remove, address[] memory add, uint256 t) internal {
        OperatorWallet[2] memory ws = [wallet, twin];
        for (uint256 j; j < 2; ++j) {
            bytes[] memory proofs = new bytes[](add.length);
            for (uint256 i; i < add.length; ++i) {
                (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[add[i]], ws[j].getAcceptanceDigest(add[i]));
                proofs[i] = abi.encodePacked(r, s, v);
            }
            _selfCall(ws[j], abi.encodeCall(IOperatorWallet.rotateSigners, (remove, add, proofs, t)));
        }
        // The ghost set: what was asked for, as a set.
        for (uint256 i; i < remove.length; ++i) {
            for (uint256 k; k < ghostSigners.length; ++k) {
                if (ghostSigners[k] == remove[i]) {
                    ghostSigners[k] = ghostSigners[ghostSigners.length - 1];
                    ghostSigners.pop();
                    break;
                }
            }
            if (!wasRemoved[remove[i]]) {
                wasRemoved[remove[i]] = true;
                everRemoved.push(remove[i]);
            }
        }
        for (uint256 i; i < add.length; ++i) {
            ghostSigners.push(add[i]);
        }
        ghostThreshold = t;
        _afterConfigChange();
    }

    function _selfCallMirrored(bytes memory data) internal {
        _selfCall(wallet, data);
        _selfCall(twin, data);
        _afterConfigChange();
    }

    /// @dev The epoch must grow (by an unpredictable amount); the ghost follows it.
    function _afterConfigChange() internal {
        require(wallet.epoch() > ghostEpoch, "epoch did not grow");
        ghostEpoch = wallet.epoch();
        ghostNonce++;
        _rememberForInvariants();
    }

    function _selfCall(OperatorWallet w, bytes memory data) internal {
        IOperatorWallet.Call[] memory c = new IOperatorWallet.Call[](1);
        c[0] = IOperatorWallet.Call(address(w), 0, data);
        uint256 deadline = block.timestamp + 1;
        w.execute(c, deadline, 0, sigFor(w, w.getExecuteDigest(c, w.nonce(), deadline, 0), w.threshold()));
    }
}
