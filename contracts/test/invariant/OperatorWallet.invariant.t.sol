// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {OperatorWallet} from "../../src/OperatorWallet.sol";
import {PROBE, WalletHandler} from "./WalletHandler.sol";

contract OperatorWalletInvariants is Test {
    bytes4 internal constant MAGIC = 0x1626ba7e;
    bytes4 internal constant INVALID = 0xffffffff;

    WalletHandler internal handler;
    OperatorWallet internal wallet;
    OperatorWallet internal twin;

    function setUp() public {
        handler = new WalletHandler();
        wallet = handler.wallet();
        twin = handler.twin();
        targetContract(address(handler));
    }

    /// @dev One campaign checks every property after every call. Foundry runs each `invariant_` function as its own
    /// campaign, and under the fixed seed every campaign replays the same call sequences: nine functions, one per
    /// property, ran the same sequences nine times over (identical call counts per selector). Each assertion
    /// names its property.
    function invariant_WalletProperties() public view {
        _checkThresholdReachable();
        _checkNoZeroSelfPrecompileOrDuplicateSigner();
        _checkHeaderHashesToStoredConfig();
        _checkNonceAndEpochMonotonic();
        _checkSignersAreTheGhostSet();
        _checkApprovalDiesWithItsEpoch();
        bytes memory thresholdSig = _checkRemovedSignerNeverValidates();
        _checkSignatureDiesWithItsEpoch();
        _checkNeverValidOnTwinWithIdenticalSigners(thresholdSig);
    }

    function _checkThresholdReachable() internal view {
        uint256 n = wallet.getSigners().length;
        uint256 t = wallet.threshold();
        assertGe(t, 1, "threshold reachable: zero threshold");
        assertLe(t, n, "threshold reachable: threshold above the signer count");
        assertLe(n, wallet.MAX_SIGNERS(), "threshold reachable: more than MAX_SIGNERS");
    }

    function _checkNoZeroSelfPrecompileOrDuplicateSigner() internal view {
        address[] memory s = wallet.getSigners();
        for (uint256 i; i < s.length; ++i) {
            assertGt(uint160(s[i]), 0xffff, "signer is zero or a precompile");
            assertTrue(s[i] != address(wallet), "the wallet is its own signer");
            for (uint256 j; j < i; ++j) {
                assertTrue(s[i] != s[j], "duplicate signer");
            }
        }
    }

    function _checkHeaderHashesToStoredConfig() internal view {
        assertEq(
            bytes32(bytes28(keccak256(wallet.configHeader()))),
            wallet.configHash(),
            "header does not hash to the stored config"
        );
        assertEq(uint64(bytes8(wallet.configHeader())), wallet.epoch(), "header epoch is not the epoch");
    }

    /// @dev The nonce equals the ghost count of executions (each adds one); the epoch is the one the handler saw
    /// after its last configuration change, each of which it required to grow it.
    function _checkNonceAndEpochMonotonic() internal view {
        assertEq(wallet.nonce(), handler.ghostNonce(), "nonce is not the count of executions");
        assertEq(wallet.epoch(), handler.ghostEpoch(), "epoch is not the last one the handler saw");
    }

    /// @dev The wallet's signers and threshold are exactly what the handler asked for (kept independently).
    function _checkSignersAreTheGhostSet() internal view {
        address[] memory ghost = handler.ghostSignerList();
        address[] memory actual = wallet.getSigners();
        assertEq(actual.length, ghost.length, "signer count");
        for (uint256 i; i < ghost.length; ++i) {
            assertTrue(wallet.isSigner(ghost[i]), "a signer the handler added is missing");
        }
        // In order too: a removal moves the last signer into the hole, an addition is appended (the CLI predicts
        // the next header the same way).
        assertEq(actual, ghost, "signer order");
        assertEq(wallet.threshold(), handler.ghostThreshold(), "threshold is not the one asked for");
    }

    /// @dev An on-chain approval counts while its epoch lasts and never after.
    function _checkApprovalDiesWithItsEpoch() internal view {
        if (!handler.hasApproval()) return;
        bytes memory sig = handler.approvalSig();
        // The approver was removed: an approval entry names a current signer's index, so its approval cannot be
        // claimed (unit test_approveHash_RemovedSignersApprovalStopsCounting, halmos
        // check_removedSignersSignatureNeverValidates).
        if (sig.length == 0) return;
        bytes4 result = wallet.isValidSignature(handler.approvedHash(), sig);
        assertEq(
            result,
            wallet.epoch() == handler.approvalEpoch() ? MAGIC : INVALID,
            "approval outlived its epoch or died within it"
        );
    }

    /// @dev A removed signer's signature never completes a threshold: each signer removed and not back is put in
    /// the slot of one current signer (a different slot for each, moving with the nonce), beside `threshold - 1`
    /// genuine entries; the same signature with the slot's own signer validates (so the refusal is the removed
    /// key's, not a malformed signature's). Returns that valid threshold signature of the probe.
    function _checkRemovedSignerNeverValidates() internal view returns (bytes memory control) {
        bytes[] memory sigs;
        (sigs, control) = handler.removedSignerSigs(wallet.getMessageDigest(PROBE), wallet.nonce());
        for (uint256 i; i < sigs.length; ++i) {
            assertEq(wallet.isValidSignature(PROBE, sigs[i]), INVALID, "a removed signer completes a threshold");
        }
        assertEq(
            wallet.isValidSignature(PROBE, control),
            MAGIC,
            "removed-signer check: the same signature with the slot's own signer does not validate"
        );
    }

    function _checkSignatureDiesWithItsEpoch() internal view {
        if (!handler.hasCapture()) return;
        bytes4 result = wallet.isValidSignature(handler.capturedHash(), handler.capturedSig());
        assertEq(
            result,
            wallet.epoch() == handler.capturedEpoch() ? MAGIC : INVALID,
            "signature outlived its epoch or died within it"
        );
    }

    /// @dev `thresholdSig`: threshold signatures of the probe, valid on the wallet (checked by the removed-signer
    /// property), refused by the twin, which has the same epoch, threshold and signers.
    function _checkNeverValidOnTwinWithIdenticalSigners(bytes memory thresholdSig) internal view {
        assertEq(twin.configHash(), wallet.configHash(), "twin drifted"); // same epoch, threshold and signers
        assertEq(twin.isValidSignature(PROBE, thresholdSig), INVALID, "a signature validates on a twin wallet");
    }

    function afterInvariant() external view {
        // The campaign must actually exercise configuration changes, not only no-ops: at least one rotation that
        // both removed and added signers ran (and the ghost set above checks it did what was asked).
        assertGt(wallet.epoch(), 0, "no configuration change happened");
        assertGt(handler.rotationsWithBoth(), 0, "no rotation removed and added signers");
    }
}
