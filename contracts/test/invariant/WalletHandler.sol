// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IOperatorWallet} from "../../src/interfaces/IOperatorWallet.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {OperatorWalletFactory} from "../../src/OperatorWalletFactory.sol";

/// @dev Drives a wallet through random executions, rotations, threshold changes, epoch bumps, approvals and
/// signature captures. Every configuration change is mirrored on `twin`, a second wallet with the identical
/// signer set, so the suite can check that signatures never cross wallets even when the headers are equal.
contract WalletHandler is CommonBase, StdCheats, StdUtils {
    uint256 internal constant POOL = 12;

    OperatorWallet public wallet;
    OperatorWallet public twin;
    address[] internal pool;
    mapping(address => uint256) internal keyOf;

    // Ghost state.
    uint256 public ghostNonce;
    uint256 public ghostEpoch;
    address[] internal everRemoved;
    bytes32 public capturedHash;
    bytes public capturedSig;
    uint256 public capturedEpoch;
    bool public hasCapture;
    mapping(bytes4 => uint256) public calls;

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
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function executeEmpty(uint256 extraSigners) external {
        calls[this.executeEmpty.selector]++;
        IOperatorWallet.Call[] memory none = new IOperatorWallet.Call[](0);
        uint256 n = wallet.getSigners().length;
        uint256 k = bound(extraSigners, wallet.threshold(), n);
        uint256 deadline = block.timestamp + 1;
        wallet.execute(none, deadline, sigFor(wallet, wallet.getExecuteDigest(none, wallet.nonce(), deadline), k));
        require(wallet.nonce() == ++ghostNonce, "nonce not sequential");
    }

    function rotate(uint256 removeSeed, uint256 addSeed, uint256 thresholdSeed) external {
        calls[this.rotate.selector]++;
        address[] memory current = wallet.getSigners();
        // Remove up to count-1 signers, add up to 2 pool members that are not signers.
        uint256 removeCount = bound(removeSeed, 0, current.length - 1);
        address[] memory remove = new address[](removeCount);
        for (uint256 i; i < removeCount; ++i) {
            remove[i] = current[(removeSeed % current.length + i) % current.length];
        }
        address[] memory add = _outsiders(addSeed, 2);
        uint256 after_ = current.length - removeCount + add.length;
        if (after_ == 0 || after_ > 32) return;
        uint256 t = bound(thresholdSeed, 1, after_);
        _applyMirrored(remove, add, t);
        for (uint256 i; i < removeCount; ++i) {
            everRemoved.push(remove[i]);
        }
    }

    function setThreshold(uint256 seed) external {
        calls[this.setThreshold.selector]++;
        uint256 t = bound(seed, 1, wallet.getSigners().length);
        _selfCallMirrored(abi.encodeCall(IOperatorWallet.setThreshold, (t)));
    }

    function bumpEpoch() external {
        calls[this.bumpEpoch.selector]++;
        _selfCallMirrored(abi.encodeCall(IOperatorWallet.bumpEpoch, ()));
    }

    function approve(uint256 signerSeed, bytes32 hash) external {
        calls[this.approve.selector]++;
        address[] memory current = wallet.getSigners();
        address signer = current[signerSeed % current.length];
        bytes32 digest = wallet.getMessageDigest(hash);
        vm.prank(signer);
        wallet.approveHash(digest);
    }

    /// @dev Takes a valid ERC-1271 signature now, to check later that it dies with the epoch.
    function capture(bytes32 hash) external {
        calls[this.capture.selector]++;
        capturedHash = hash;
        capturedSig = bytes.concat(hex"00", sigFor(wallet, wallet.getMessageDigest(hash), wallet.threshold()));
        capturedEpoch = wallet.epoch();
        hasCapture = true;
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Header plus ECDSA entries by the first `k` signers of `w`.
    function sigFor(OperatorWallet w, bytes32 digest, uint256 k) public view returns (bytes memory sig) {
        address[] memory current = w.getSigners();
        sig = w.configHeader();
        for (uint256 i; i < k; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[current[i]], digest);
            sig = bytes.concat(sig, abi.encodePacked(uint8(i), uint8(0), r, s, v));
        }
    }

    /// @dev A signature by `signer`'s key at every index of the current header.
    function sigByKeyAtEveryIndex(address signer, bytes32 digest) external view returns (bytes memory sig) {
        uint256 n = wallet.getSigners().length;
        sig = wallet.configHeader();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], digest);
        for (uint256 i; i < n; ++i) {
            sig = bytes.concat(sig, abi.encodePacked(uint8(i), uint8(0), r, s, v));
        }
    }

    /// @dev Signers removed at some point and not signers now.
    function removedNow() external view returns (address[] memory out) {
        out = new address[](everRemoved.length);
        uint256 k;
        for (uint256 i; i < everRemoved.length; ++i) {
            if (!wallet.isSigner(everRemoved[i])) out[k++] = everRemoved[i];
        }
        assembly {
            mstore(out, k)
        }
    }

    function _outsiders(uint256 seed, uint256 max) internal view returns (address[] memory out) {
        uint256 want = bound(seed, 0, max);
        out = new address[](want);
        uint256 k;
        for (uint256 i; i < POOL && k < want; ++i) {
            address candidate = pool[(seed % POOL + i) % POOL];
            if (!wallet.isSigner(candidate)) out[k++] = candidate;
        }
        assembly {
            mstore(out, k)
        }
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
        _afterConfigChange();
    }

    function _selfCallMirrored(bytes memory data) internal {
        _selfCall(wallet, data);
        _selfCall(twin, data);
        _afterConfigChange();
    }

    function _afterConfigChange() internal {
        require(wallet.epoch() == ++ghostEpoch, "epoch not bumped by one");
        ghostNonce++;
    }

    function _selfCall(OperatorWallet w, bytes memory data) internal {
        IOperatorWallet.Call[] memory c = new IOperatorWallet.Call[](1);
        c[0] = IOperatorWallet.Call(address(w), 0, data);
        uint256 deadline = block.timestamp + 1;
        w.execute(c, deadline, sigFor(w, w.getExecuteDigest(c, w.nonce(), deadline), w.threshold()));
    }
}
