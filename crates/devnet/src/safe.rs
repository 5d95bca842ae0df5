//! Safe 1.5.0, the multisig operators compare opwallet with, deployed from the npm package
//! `@safe-global/safe-smart-account@1.5.0` (its Hardhat artifacts; LGPL-3.0, installed by `npm ci`, never vendored).

#![allow(clippy::too_many_arguments)]

use std::path::PathBuf;

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::{SignerSync, local::PrivateKeySigner},
    sol,
    sol_types::SolCall,
};

use crate::Error;

sol! {
    #[sol(rpc)]
    interface ISafe {
        function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler,
            address paymentToken, uint256 payment, address paymentReceiver) external;
        function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas,
            uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures)
            external payable returns (bool success);
        function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas,
            uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 nonce)
            external view returns (bytes32);
        function nonce() external view returns (uint256);
        function getOwners() external view returns (address[] memory);
        function addOwnerWithThreshold(address owner, uint256 threshold) external;
        function swapOwner(address prevOwner, address oldOwner, address newOwner) external;
        function changeThreshold(uint256 threshold) external;
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
    }
    #[sol(rpc)]
    interface ISafeProxyFactory {
        function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) external returns (address proxy);
    }
    #[sol(rpc)]
    interface ICompatibilityFallbackHandler {
        function getMessageHashForSafe(address safe, bytes message) external view returns (bytes32);
    }
}

/// Safe's linked-list sentinel (`prevOwner` of the first owner).
pub const SENTINEL: Address = alloy::primitives::address!("0000000000000000000000000000000000000001");

/// The deployed Safe 1.5.0 contracts.
#[derive(Debug, Clone, Copy)]
pub struct SafeStack {
    /// The Safe singleton every proxy delegates to.
    pub singleton: Address,
    /// The SafeProxyFactory that creates Safes.
    pub factory: Address,
    /// The CompatibilityFallbackHandler set on every Safe (it answers ERC-1271).
    pub handler: Address,
}

fn artifact(path: &str) -> Result<Bytes, Error> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@safe-global/safe-smart-account/build/artifacts/contracts")
        .join(path);
    let text = std::fs::read_to_string(&file).map_err(|e| Error::Deploy {
        what: format!("Safe 1.5.0 ({path})"),
        why: format!("{}: {e}; run `make deps` (npm ci installs @safe-global/safe-smart-account)", file.display()),
    })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::Deploy { what: path.into(), why: e.to_string() })?;
    json["bytecode"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .map_err(|_| Error::Deploy { what: path.into(), why: "no bytecode".into() })
}

async fn create<P: Provider>(provider: &P, path: &str) -> Result<Address, Error> {
    let tx = TransactionRequest::default().with_deploy_code(artifact(path)?);
    let receipt = provider.send_transaction(tx).await.map_err(Error::rpc)?.get_receipt().await.map_err(Error::rpc)?;
    receipt.contract_address.ok_or_else(|| Error::Deploy { what: path.into(), why: "no address".into() })
}

impl SafeStack {
    /// Deploys the singleton, proxy factory and compatibility fallback handler with `provider`'s signer.
    pub async fn deploy<P: Provider>(provider: &P) -> Result<Self, Error> {
        Ok(Self {
            singleton: create(provider, "Safe.sol/Safe.json").await?,
            factory: create(provider, "proxies/SafeProxyFactory.sol/SafeProxyFactory.json").await?,
            handler: create(provider, "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json")
                .await?,
        })
    }

    /// Creates a Safe proxy and runs its setup in one transaction; returns the Safe and the receipt.
    pub async fn create_safe<P: Provider>(
        &self,
        provider: &P,
        owners: Vec<Address>,
        threshold: u64,
        salt: u64,
    ) -> Result<(Address, TransactionReceipt), Error> {
        let setup = ISafe::setupCall {
            owners,
            threshold: U256::from(threshold),
            to: Address::ZERO,
            data: Bytes::new(),
            fallbackHandler: self.handler,
            paymentToken: Address::ZERO,
            payment: U256::ZERO,
            paymentReceiver: Address::ZERO,
        }
        .abi_encode();
        let f = ISafeProxyFactory::new(self.factory, provider);
        let call = f.createProxyWithNonce(self.singleton, setup.into(), U256::from(salt));
        let safe = call.call().await.map_err(Error::rpc)?;
        let receipt = call.send().await.map_err(Error::rpc)?.get_receipt().await.map_err(Error::rpc)?;
        Ok((safe, receipt))
    }
}

/// Safe's signature bytes for `hash`: owners' ECDSA signatures sorted by owner address, concatenated.
pub fn sign_sorted(hash: B256, owners: &[&PrivateKeySigner]) -> Bytes {
    let mut owners: Vec<&&PrivateKeySigner> = owners.iter().collect();
    owners.sort_by_key(|s| s.address());
    let mut out = Vec::with_capacity(65 * owners.len());
    for o in owners {
        let sig = o.sign_hash_sync(&hash).expect("local keys always sign");
        out.extend_from_slice(&sig.as_bytes());
    }
    out.into()
}

/// `execTransaction` (CALL) signed by `owners` at the Safe's current nonce, sent by `provider`'s signer.
pub async fn exec<P: Provider>(
    provider: &P,
    safe: Address,
    to: Address,
    data: Bytes,
    owners: &[&PrivateKeySigner],
) -> Result<TransactionReceipt, Error> {
    let s = ISafe::new(safe, provider);
    let nonce = s.nonce().call().await.map_err(Error::rpc)?;
    let hash = s
        .getTransactionHash(
            to,
            U256::ZERO,
            data.clone(),
            0,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            Address::ZERO,
            Address::ZERO,
            nonce,
        )
        .call()
        .await
        .map_err(Error::rpc)?;
    let signatures = sign_sorted(hash, owners);
    let receipt = s
        .execTransaction(
            to,
            U256::ZERO,
            data,
            0,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            Address::ZERO,
            Address::ZERO,
            signatures,
        )
        .send()
        .await
        .map_err(Error::rpc)?
        .get_receipt()
        .await
        .map_err(Error::rpc)?;
    if !receipt.status() {
        return Err(Error::Rpc(format!("Safe execTransaction {} reverted", receipt.transaction_hash)));
    }
    Ok(receipt)
}
