//! opwallet's factory at one address on every chain: deployed through the deterministic deployment proxy (the
//! CREATE2 deployer at `0x4e59b448…956c`, on Ethereum mainnet, Sepolia, Hoodi and in every Anvil) from the committed
//! init code and a fixed salt, so its address, its implementation's and every wallet's are known offline.

use alloy::{
    primitives::{Address, B256, Bytes, U256, address, keccak256},
    sol_types::SolValue,
};

/// The deterministic deployment proxy: `salt ‖ init code` sent to it deploys with CREATE2 from it.
pub const DETERMINISTIC_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// The CREATE2 salt of opwallet's factory: zero (the init code alone names the version).
pub const FACTORY_SALT: B256 = B256::ZERO;

/// Where the deterministic deployment proxy puts opwallet's factory (this version's committed init code).
pub fn canonical() -> Address {
    DETERMINISTIC_DEPLOYER.create2_from_code(FACTORY_SALT, &opwallet_bindings::OperatorWalletFactory::BYTECODE)
}

/// The transaction input that deploys the canonical factory when sent to [`DETERMINISTIC_DEPLOYER`].
pub fn deployment_input() -> Bytes {
    [FACTORY_SALT.as_slice(), &opwallet_bindings::OperatorWalletFactory::BYTECODE].concat().into()
}

/// The implementation an OperatorWalletFactory deploys in its constructor: its first CREATE (nonce 1, EIP-161).
pub fn implementation_of(factory: Address) -> Address {
    factory.create(1)
}

/// The address `factory.createWallet(signers, threshold, salt)` deploys to, computed offline as the factory does:
/// an ERC-1167 clone of its implementation, CREATE2 with `keccak256(abi.encode(signers, threshold, salt))`.
pub fn predict(factory: Address, signers: &[Address], threshold: U256, salt: B256) -> Address {
    let deploy_salt = keccak256((signers.to_vec(), threshold, salt).abi_encode_params());
    let mut init = vec![0x3d, 0x60, 0x2d, 0x80, 0x60, 0x0a, 0x3d, 0x39, 0x81, 0xf3];
    init.extend_from_slice(&crate::wallet::CLONE_PREFIX);
    init.extend_from_slice(implementation_of(factory).as_slice());
    init.extend_from_slice(&crate::wallet::CLONE_SUFFIX);
    factory.create2_from_code(deploy_salt, init)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_factory_is_create2_of_the_committed_init_code() {
        let expected = DETERMINISTIC_DEPLOYER
            .create2(FACTORY_SALT, keccak256(&opwallet_bindings::OperatorWalletFactory::BYTECODE));
        assert_eq!(canonical(), expected);
        assert_eq!(&deployment_input()[..32], FACTORY_SALT.as_slice());
        assert_eq!(&deployment_input()[32..], &opwallet_bindings::OperatorWalletFactory::BYTECODE[..]);
    }

    #[test]
    fn a_prediction_commits_to_every_input() {
        let (f, s) = (Address::repeat_byte(0xfa), vec![Address::repeat_byte(1), Address::repeat_byte(2)]);
        let base = predict(f, &s, U256::from(2), B256::ZERO);
        assert_ne!(base, predict(Address::repeat_byte(0xfb), &s, U256::from(2), B256::ZERO));
        assert_ne!(base, predict(f, &s[..1], U256::from(1), B256::ZERO));
        assert_ne!(base, predict(f, &s, U256::from(1), B256::ZERO));
        assert_ne!(base, predict(f, &s, U256::from(2), B256::repeat_byte(1)));
        let reversed: Vec<Address> = s.iter().rev().copied().collect();
        assert_ne!(base, predict(f, &reversed, U256::from(2), B256::ZERO));
    }
}
