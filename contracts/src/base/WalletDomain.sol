// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IOperatorWallet} from "../interfaces/IOperatorWallet.sol";

/// @title WalletDomain
/// @notice The wallet's EIP-712 domain and type hashes. The domain's `salt` is the configuration epoch,
/// which binds every signed message to the current signer set: a rotation or {bumpEpoch} changes the
/// domain separator and so invalidates every signature made before it.
/// @dev OpenZeppelin's EIP712 is not used because it has no `salt` and caches the separator for the
/// implementation's address, which a clone never matches.
abstract contract WalletDomain is IOperatorWallet, IERC5267 {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)")
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)");
    /// @dev keccak256("OperatorWallet")
    bytes32 internal constant NAME_HASH = keccak256("OperatorWallet");
    /// @dev keccak256("1")
    bytes32 internal constant VERSION_HASH = keccak256("1");
    /// @dev keccak256("Call(address target,uint256 value,bytes data)")
    bytes32 internal constant CALL_TYPEHASH = keccak256("Call(address target,uint256 value,bytes data)");
    /// @dev keccak256 of the Execute type with its referenced Call type appended, as EIP-712 requires.
    bytes32 internal constant EXECUTE_TYPEHASH = keccak256(
        "Execute(Call[] calls,uint256 nonce,uint256 deadline,uint256 minGas)Call(address target,uint256 value,bytes data)"
    );
    /// @dev keccak256("OperatorWalletMessage(bytes32 hash)"): the plain wallet-bound ERC-1271 wrapper.
    bytes32 internal constant MESSAGE_TYPEHASH = keccak256("OperatorWalletMessage(bytes32 hash)");
    /// @dev keccak256("AcceptSigner(address signer)"): an incoming signer's proof of possession.
    bytes32 internal constant ACCEPT_SIGNER_TYPEHASH = keccak256("AcceptSigner(address signer)");

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC5267
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        // 0x1f: name, version, chainId, verifyingContract and salt are all present.
        return (hex"1f", "OperatorWallet", "1", block.chainid, address(this), bytes32(_currentEpoch()), extensions);
    }

    /// @inheritdoc IOperatorWallet
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparator(_currentEpoch());
    }

    /// @dev The current configuration epoch (the domain salt).
    function _currentEpoch() internal view virtual returns (uint256);

    /// @dev `keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chainid, this, epoch_))`, encoded in
    /// scratch memory past the free pointer (nothing is allocated: this runs on every signature check).
    function _domainSeparator(uint256 epoch_) internal view returns (bytes32 separator) {
        // Locals: assembly takes only literal constants, and these are keccak256 expressions (folded at compile time).
        (bytes32 typehash, bytes32 name, bytes32 version) = (DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typehash)
            mstore(add(m, 0x20), name)
            mstore(add(m, 0x40), version)
            mstore(add(m, 0x60), chainid())
            mstore(add(m, 0x80), address())
            mstore(add(m, 0xa0), epoch_)
            separator := keccak256(m, 0xc0)
        }
    }

    /// @dev The EIP-712 encoding of this wallet's domain fields as a struct member list, for ERC-7739's
    /// `TypedDataSign(... string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)`.
    function _domainFields(uint256 epoch_) internal view returns (bytes memory) {
        return abi.encode(NAME_HASH, VERSION_HASH, block.chainid, address(this), bytes32(epoch_));
    }

    function _hashTypedData(uint256 epoch_, bytes32 structHash) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_domainSeparator(epoch_), structHash);
    }

    /// @dev EIP-712 `hashStruct(Execute)`: `keccak256(abi.encode(EXECUTE_TYPEHASH, keccak256(callHashes), nonce_,
    /// deadline, minGas))` with `callHashes[i] = keccak256(abi.encode(CALL_TYPEHASH, target, value, keccak256(data)))`.
    /// Every member is read through Solidity's checked calldata accessors (out-of-bounds offsets and dirty address
    /// bits revert, exactly as for the calls `execute` makes); only the encoding and hashing are in assembly, in
    /// memory this function allocates once (the call hashes) and scratch past it, instead of Solidity's
    /// allocation per `abi.encode` and per copied `data` (~1.7k gas for a one-call batch, docs/design.md).
    /// Pinned by tests against EIP-712 encoders written independently (forge's `vm.eip712HashStruct`, alloy).
    function _hashExecute(Call[] calldata calls, uint256 nonce_, uint256 deadline, uint256 minGas)
        internal
        pure
        returns (bytes32 result)
    {
        (bytes32 callTypehash, bytes32 executeTypehash) = (CALL_TYPEHASH, EXECUTE_TYPEHASH);
        uint256 n = calls.length;
        uint256 hashes;
        assembly ("memory-safe") {
            // n call hashes, allocated: the checked accessors between the assembly blocks below never allocate, but
            // the hashes must survive them.
            hashes := mload(0x40)
            mstore(0x40, add(hashes, shl(5, n)))
        }
        for (uint256 i; i < n; ++i) {
            Call calldata c = calls[i];
            address target = c.target;
            uint256 value = c.value;
            bytes calldata data = c.data;
            assembly ("memory-safe") {
                // Scratch past the free pointer: the data, then the Call struct's encoding over its first words.
                let p := mload(0x40)
                calldatacopy(p, data.offset, data.length)
                let dataHash := keccak256(p, data.length)
                mstore(p, callTypehash)
                // The accessor has validated the address; only its low 20 bytes are used regardless.
                mstore(add(p, 0x20), shr(96, shl(96, target)))
                mstore(add(p, 0x40), value)
                mstore(add(p, 0x60), dataHash)
                mstore(add(hashes, shl(5, i)), keccak256(p, 0x80))
            }
        }
        assembly ("memory-safe") {
            let callsHash := keccak256(hashes, shl(5, n))
            let p := mload(0x40)
            mstore(p, executeTypehash)
            mstore(add(p, 0x20), callsHash)
            mstore(add(p, 0x40), nonce_)
            mstore(add(p, 0x60), deadline)
            mstore(add(p, 0x80), minGas)
            result := keccak256(p, 0xa0)
        }
    }

    function _hashAcceptance(address signer) internal pure returns (bytes32) {
        return keccak256(abi.encode(ACCEPT_SIGNER_TYPEHASH, signer));
    }

    function _hashMessage(bytes32 hash) internal pure returns (bytes32) {
        return keccak256(abi.encode(MESSAGE_TYPEHASH, hash));
    }
}
