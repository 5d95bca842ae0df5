// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {OperatorWallet} from "./OperatorWallet.sol";

/// @title OperatorWalletFactory
/// @notice Deploys {OperatorWallet} clones with CREATE2 and initialises them in the same transaction.
/// @dev The CREATE2 salt is derived from the full initial configuration and the user's salt, so an address can
/// only ever hold the configuration it was predicted for: nobody can front-run a counterfactual address with
/// other signers. Deployed at the same address on every chain (through the deterministic deployment proxy), the
/// same configuration and salt give the same wallet address everywhere.
contract OperatorWalletFactory {
    /// @notice The shared implementation. Locked by its constructor: it can never be initialised or used.
    OperatorWallet public immutable implementation;

    /// @notice `wallet` was created for the configuration and user `salt` given to {createWallet}.
    event WalletCreated(address indexed wallet, bytes32 indexed salt);

    constructor() {
        implementation = new OperatorWallet();
    }

    /// @notice Creates and initialises the wallet for `signers`, `threshold` and `salt`.
    /// Requirements: the configuration is valid (see {OperatorWallet-initialize}) and not yet deployed with
    /// this salt (else OpenZeppelin's `FailedDeployment()`; check {predictAddress} first).
    function createWallet(address[] calldata signers, uint256 threshold, bytes32 salt)
        external
        returns (address wallet)
    {
        wallet = Clones.cloneDeterministic(address(implementation), _deploySalt(signers, threshold, salt));
        OperatorWallet(payable(wallet)).initialize(signers, threshold);
        emit WalletCreated(wallet, salt);
    }

    /// @notice The address {createWallet} deploys to for this configuration and salt.
    function predictAddress(address[] calldata signers, uint256 threshold, bytes32 salt)
        external
        view
        returns (address)
    {
        return Clones.predictDeterministicAddress(address(implementation), _deploySalt(signers, threshold, salt));
    }

    function _deploySalt(address[] calldata signers, uint256 threshold, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(signers, threshold, salt));
    }
}
