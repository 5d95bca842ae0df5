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

    /// @dev Nonce and epoch equal the ghost counters, which the handler only ever increments by one.
    function invariant_NonceAndEpochMonotonic() public view {
        assertEq(wallet.nonce(), handler.ghostNonce());
        assertEq(wallet.epoch(), handler.ghostEpoch());
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
        // The campaign must actually exercise configuration changes, not only no-ops.
        assertGt(wallet.epoch(), 0, "no configuration change happened");
    }
}
