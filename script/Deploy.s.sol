// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";
import {OperatorWalletFactory} from "../contracts/src/OperatorWalletFactory.sol";

/// @notice For people who prefer forge to the opwallet CLI. Keys come from forge's own wallet options
/// (`--account`, `--ledger`, `--aws`, ...), never from this file or the environment.
///
/// Deploy the factory (CREATE2 through the deterministic deployment proxy, so it lands at the same address on
/// every chain):
///   forge script script/Deploy.s.sol --sig "factory()" --rpc-url $ETH_RPC_URL --account deployer --broadcast
/// Create a wallet (OPWALLET_FACTORY, OPWALLET_SIGNERS=0xA,0xB,0xC, OPWALLET_THRESHOLD=2, OPWALLET_SALT=0x…):
///   forge script script/Deploy.s.sol --sig "wallet()" --rpc-url $ETH_RPC_URL --account deployer --broadcast
contract Deploy is Script {
    function factory() external returns (OperatorWalletFactory deployed) {
        bytes32 salt = vm.envOr("OPWALLET_FACTORY_SALT", bytes32(0));
        vm.startBroadcast();
        deployed = new OperatorWalletFactory{salt: salt}();
        vm.stopBroadcast();
        console2.log("OperatorWalletFactory", address(deployed));
        console2.log("implementation", address(deployed.implementation()));
    }

    function wallet() external returns (address deployed) {
        OperatorWalletFactory f = OperatorWalletFactory(vm.envAddress("OPWALLET_FACTORY"));
        address[] memory signers = vm.envAddress("OPWALLET_SIGNERS", ",");
        uint256 threshold = vm.envUint("OPWALLET_THRESHOLD");
        bytes32 salt = vm.envOr("OPWALLET_SALT", bytes32(0));
        address predicted = f.predictAddress(signers, threshold, salt);
        console2.log("predicted wallet", predicted);
        vm.startBroadcast();
        deployed = f.createWallet(signers, threshold, salt);
        vm.stopBroadcast();
        require(deployed == predicted, "wallet did not land on its predicted address");
    }
}
