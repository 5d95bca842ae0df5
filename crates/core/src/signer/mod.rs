//! Where a signer's key comes from, one module per backend. Secrets are never taken from the command line: a private
//! key comes from an environment variable or a file, a keystore password from a [`SecretSource`].
//!
//! - [`local`]: keys on this machine (env var, file, keystore, Foundry account, mnemonic file) and new keystores;
//! - [`ledger`]: a Ledger's Ethereum app;
//! - [`kms`]: an AWS KMS key;
//! - [`web3signer`]: a key held by a Web3Signer;
//! - [`fireblocks`]: a key in a Fireblocks vault account.

pub mod fireblocks;
pub mod kms;
pub mod ledger;
pub mod local;
pub mod web3signer;

use std::path::PathBuf;

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Signature},
    signers::{SignerSync, local::PrivateKeySigner},
};

use self::{fireblocks::Fireblocks, web3signer::Web3Signer};
use crate::{Error, secrets::SecretSource};

/// Where a signer's key lives: local files and environment variables, a Ledger, AWS KMS, a Web3Signer or Fireblocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Hex private key in the named environment variable.
    PrivateKeyEnv(String),
    /// Hex private key in a file (first line).
    PrivateKeyFile(PathBuf),
    /// A Web3 v3 keystore file.
    Keystore {
        /// The keystore file.
        path: PathBuf,
        /// Where its password is.
        password: SecretSource,
    },
    /// A Web3 v3 keystore whose JSON itself is kept in a secrets manager (`keystore` is a Vault or AWS Secrets
    /// Manager reference), so no key material of any kind is on the signer's disk.
    StoredKeystore {
        /// Where the keystore's JSON is kept.
        keystore: SecretSource,
        /// Where its password is.
        password: SecretSource,
    },
    /// A Foundry account: `~/.foundry/keystores/<name>`.
    Account {
        /// The account's name, its file name under `~/.foundry/keystores`.
        name: String,
        /// Where its password is.
        password: SecretSource,
    },
    /// A BIP-39 mnemonic in a file, at `m/44'/60'/0'/0/<index>`.
    Mnemonic {
        /// The file holding the phrase.
        file: PathBuf,
        /// The account index, the path's last level.
        index: u32,
    },
    /// A Ledger's Ethereum app at a BIP-32 path (already checked by [`ledger::check_hd_path`]).
    Ledger {
        /// The BIP-32 path, such as `m/44'/60'/0'/0/0`.
        hd_path: String,
    },
    /// A key held by a Web3Signer, selected by address; optional bearer token from an environment variable, and TLS
    /// options for a private PKI (CA, client certificate).
    Web3Signer {
        /// The Web3Signer's base URL.
        url: String,
        /// The address of the key to sign with; Web3Signer must hold it.
        address: Address,
        /// The environment variable holding a bearer token for a proxy in front of it, if one is needed.
        token_env: Option<String>,
        /// A private CA to trust and a client certificate to present, for https.
        tls: web3signer::Tls,
    },
    /// An AWS KMS secp256k1 key (id, alias or ARN); credentials, region and `AWS_ENDPOINT_URL` the AWS way.
    AwsKms {
        /// The key's id, alias or ARN.
        key_id: String,
    },
    /// A Fireblocks vault account's key: API key from an environment variable, the API secret (RSA PEM) from a file
    /// or a secrets manager.
    Fireblocks {
        /// Fireblocks' API base URL.
        url: String,
        /// The vault account whose key signs, by id.
        vault_account: String,
        /// The address of that key, checked against every signature.
        address: Address,
        /// The environment variable holding the API key.
        api_key_env: String,
        /// Where the API secret (an RSA private key in PEM) is.
        secret: SecretSource,
    },
}

impl KeySource {
    /// Loads a signer of any kind. Errors say which source failed and why, never the secret.
    pub async fn signer(&self) -> Result<Signer, Error> {
        Ok(match self {
            Self::PrivateKeyEnv(var) => Signer::Local(local::from_env(var)?),
            Self::PrivateKeyFile(path) => Signer::Local(local::from_file(path)?),
            Self::Keystore { path, password } => Signer::Local(local::keystore(path, password).await?),
            Self::StoredKeystore { keystore, password } => {
                Signer::Local(local::stored_keystore(keystore, password).await?)
            }
            Self::Account { name, password } => Signer::Local(local::foundry_account(name, password).await?),
            Self::Mnemonic { file, index } => Signer::Local(local::mnemonic(file, *index)?),
            Self::Ledger { hd_path } => Signer::Ledger(ledger::connect(hd_path).await?),
            Self::AwsKms { key_id } => Signer::AwsKms(kms::connect(key_id).await?),
            Self::Web3Signer { url, address, token_env, tls } => {
                Signer::Web3Signer(web3signer::connect(url, *address, token_env.as_deref(), tls).await?)
            }
            Self::Fireblocks { url, vault_account, address, api_key_env, secret } => {
                Signer::Fireblocks(fireblocks::connect(url, vault_account, *address, api_key_env, secret).await?)
            }
        })
    }
}

/// A key that signs proposals: local, or held by a remote signer. All sign the proposal's EIP-712 typed data.
#[derive(Debug)]
pub enum Signer {
    /// A key in memory: from a hex key, a keystore, a Foundry account or a mnemonic.
    Local(PrivateKeySigner),
    /// An AWS KMS secp256k1 key; KMS signs the digest.
    AwsKms(alloy::signers::aws::AwsSigner),
    /// A key held by a Web3Signer, which is handed the typed data.
    Web3Signer(Web3Signer),
    /// A Fireblocks vault account's key, which is handed the typed data and waits for approval.
    Fireblocks(Fireblocks),
    /// A Ledger's Ethereum app, which is handed the typed data and shows its domain and message hashes.
    Ledger(alloy::signers::ledger::LedgerSigner),
}

impl Signer {
    /// The address the key signs as.
    pub fn address(&self) -> Address {
        match self {
            Self::Local(k) => k.address(),
            Self::Web3Signer(w) => w.address(),
            Self::Fireblocks(f) => f.address(),
            Self::AwsKms(k) => alloy::signers::Signer::address(k),
            Self::Ledger(l) => alloy::signers::Signer::address(l),
        }
    }

    /// Signs `typed` (whose EIP-712 hash is `digest`): locally by the hash, remotely by handing over the typed data
    /// so the remote side hashes (and, for devices, shows) the struct itself.
    pub async fn sign_typed(&self, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
        match self {
            Self::Local(k) => k.sign_hash_sync(&digest).map_err(Error::LocalSigning),
            Self::Web3Signer(w) => w.sign_typed_data(typed, digest).await,
            Self::Fireblocks(f) => f.sign_typed_data(typed, digest).await,
            Self::AwsKms(k) => kms::sign(k, digest).await,
            Self::Ledger(l) => ledger::sign(l, typed, digest).await,
        }
    }

    /// The signer as a transaction sender (it pays gas; it gets no rights over the wallet): a local key, an AWS KMS
    /// key or a Ledger. Web3Signer and Fireblocks keys sign proposals only.
    pub fn into_sender(self) -> Result<alloy::network::EthereumWallet, Error> {
        match self {
            Self::Local(k) => Ok(k.into()),
            Self::AwsKms(k) => Ok(k.into()),
            Self::Ledger(l) => Ok(l.into()),
            Self::Web3Signer(_) => Err(Error::SignsProposalsOnly { backend: "Web3Signer" }),
            Self::Fireblocks(_) => Err(Error::SignsProposalsOnly { backend: "Fireblocks" }),
        }
    }
}
