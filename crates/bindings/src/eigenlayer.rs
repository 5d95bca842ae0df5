//! EigenLayer interfaces as `sol!` declarations of just the functions, events and errors opwallet uses
//! (signatures from EigenLayer's release ABIs; FACTS.md).

#![allow(missing_docs, missing_debug_implementations, unreachable_pub)]

use alloy::sol;

sol! {
    #![sol(all_derives)]
    #[sol(rpc)]
    interface IDelegationManager {
        event OperatorRegistered(address indexed operator, address delegationApprover);
        event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);

        function registerAsOperator(address initDelegationApprover, uint32 allocationDelay, string metadataURI)
            external;
        function isOperator(address operator) external view returns (bool);
        function delegationApprover(address operator) external view returns (address);
        function version() external view returns (string memory);
    }

    struct OperatorSet {
        address avs;
        uint32 id;
    }

    struct RegisterParams {
        address avs;
        uint32[] operatorSetIds;
        bytes data;
    }

    #[sol(rpc)]
    interface IAllocationManager {
        function registerForOperatorSets(address operator, RegisterParams params) external;
        function isMemberOfOperatorSet(address operator, OperatorSet operatorSet) external view returns (bool);
        function isOperatorSet(OperatorSet operatorSet) external view returns (bool);
        function getRegisteredSets(address operator) external view returns (OperatorSet[] memory);
        function getAllocationDelay(address operator) external view returns (bool isSet, uint32 delay);
        function version() external view returns (string memory);
        // Release >= 1.5.0 only: probing it tells whether redistributable operator sets exist.
        function isRedistributingOperatorSet(OperatorSet operatorSet) external view returns (bool);
        // Release >= 1.9.0 only.
        function SLASHER_CONFIGURATION_DELAY() external view returns (uint32);
    }

    struct SignatureWithSaltAndExpiry {
        bytes signature;
        bytes32 salt;
        uint256 expiry;
    }

    #[sol(rpc)]
    interface IAVSDirectory {
        event OperatorAVSRegistrationStatusUpdated(address indexed operator, address indexed avs, uint8 status);

        function calculateOperatorAVSRegistrationDigestHash(address operator, address avs, bytes32 salt,
            uint256 expiry) external view returns (bytes32);
        function avsOperatorStatus(address avs, address operator) external view returns (uint8);
        function operatorSaltIsSpent(address operator, bytes32 salt) external view returns (bool);
    }

    /// Release >= 1.9.0: the protocol-wide release string.
    #[sol(rpc)]
    interface IProtocolRegistry {
        function version() external view returns (string memory);
    }
}
