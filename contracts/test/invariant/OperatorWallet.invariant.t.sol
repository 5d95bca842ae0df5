// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {WalletHandler} from "./WalletHandler.sol";

contract OperatorWalletInvariants is Test {
    bytes4 internal constant MAGIC = 0x1626ba7e;
    bytes4 internal constant INVALID = 0xffffffff;
    bytes32 internal constant PROBE = keccak256("invariant probe");

    WalletHandler internal handler;
    OperatorWallet internal wallet;
    OperatorWallet internal twin;

    function setUp() public {
        handler = new WalletHandler();
        wallet = handler.wallet();
        twin = handler.twin();
        targetContract(address(handler));
    }

    function invariant_ThresholdReachable() public view {
        uint256 n = wallet.getSigners().length;
        uint256 t = wallet.threshold();
        assertGe(t, 1);
        assertLe(t, n);
        assertLe(n, wallet.MAX_SIGNERS());
    }

    function invariant_NoZeroSelfPrecompileOrDuplicateSigner() public view {
        address[] memory s = wallet.getSigners();
        for (uint256 i; i < s.length; ++i) {
            assertGt(uint160(s[i]), 0xffff);
            assertTrue(s[i] != address(wallet));
            for (uint256 j; j < i; ++j) {
                assertTrue(s[i] != s[j]);
            }
        }
    }

    function invariant_HeaderHashesToStoredConfig() public view {
        assertEq(keccak256(wallet.configHeader()), wallet.configHash());
        assertEq(uint64(bytes8(wallet.configHeader())), wallet.epoch());
    }

    /// @dev The nonce equals the ghost count of executions (each adds one); the epoch is the one the handler saw
    /// after its last configuration change, each of which it required to grow it.
    function invariant_NonceAndEpochMonotonic() public view {
        assertEq(wallet.nonce(), handler.ghostNonce());
        assertEq(wallet.epoch(), handler.ghostEpoch());
    }

    /// @dev The wallet's signers and threshold are exactly what the handler asked for (kept independently).
    function invariant_SignersAreTheGhostSet() public view {
        address[] memory ghost = handler.ghostSignerList();
        address[] memory actual = wallet.getSigners();
        assertEq(actual.length, ghost.length, "signer count");
        for (uint256 i; i < ghost.length; ++i) {
            assertTrue(wallet.isSigner(ghost[i]), "a signer the handler added is missing");
        }
        // In order too: a removal moves the last signer into the hole, an addition is appended (the CLI predicts
        // the next header the same way).
        assertEq(actual, ghost, "signer order");
        assertEq(wallet.threshold(), handler.ghostThreshold());
    }

    /// @dev An on-chain approval counts while its epoch lasts and never after.
    function invariant_ApprovalDiesWithItsEpoch() public view {
        if (!handler.hasApproval()) return;
        bytes memory sig = handler.approvalSig();
        if (sig.length == 0) return; // the approver was removed: invariant_RemovedSignerNeverValidates
        bytes4 result = wallet.isValidSignature(handler.approvedHash(), sig);
        assertEq(result, wallet.epoch() == handler.approvalEpoch() ? MAGIC : INVALID);
    }

    function invariant_RemovedSignerNeverValidates() public view {
        address[] memory removed = handler.removedNow();
        bytes32 digest = wallet.getMessageDigest(PROBE);
        for (uint256 i; i < removed.length; ++i) {
            bytes memory sig = bytes.concat(hex"00", handler.sigByKeyAtEveryIndex(removed[i], digest));
            assertEq(wallet.isValidSignature(PROBE, sig), INVALID);
        }
    }

    function invariant_SignatureDiesWithItsEpoch() public view {
        if (!handler.hasCapture()) return;
        bytes4 result = wallet.isValidSignature(handler.capturedHash(), handler.capturedSig());
        assertEq(result, wallet.epoch() == handler.capturedEpoch() ? MAGIC : INVALID);
    }

    function invariant_NeverValidOnTwinWithIdenticalSigners() public view {
        assertEq(twin.configHash(), wallet.configHash()); // same epoch, threshold and signers
        bytes memory sig =
            bytes.concat(hex"00", handler.sigFor(wallet, wallet.getMessageDigest(PROBE), wallet.threshold()));
        assertEq(wallet.isValidSignature(PROBE, sig), MAGIC);
        assertEq(twin.isValidSignature(PROBE, sig), INVALID);
    }

    function afterInvariant() external view {
        // The campaign must actually exercise configuration changes, not only no-ops: at least one rotation that
        // both removed and added signers ran (and the ghost set above checks it did what was asked).
        assertGt(wallet.epoch(), 0, "no configuration change happened");
        assertGt(handler.rotationsWithBoth(), 0, "no rotation removed and added signers");
    }
}
