//! Where a signer's key comes from. Secrets are never taken from the command line: a private key comes from an
//! environment variable or a file, a keystore password from an environment variable or a file.

use std::path::{Path, PathBuf};

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Signature},
    signers::{
        SignerSync,
        local::{MnemonicBuilder, PrivateKeySigner},
    },
};
use zeroize::Zeroizing;

use crate::{
    Error,
    remote::{Fireblocks, Web3Signer},
};

/// A keystore or mnemonic password source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// The named environment variable (Foundry's is `ETH_PASSWORD`).
    Env(String),
    /// The first line of a file.
    File(PathBuf),
    /// A HashiCorp Vault KV v2 field, `<mount>/<path>#<field>` (`$VAULT_ADDR`, `$VAULT_TOKEN`).
    Vault(String),
    /// An AWS Secrets Manager secret, `<id>` (the whole string) or `<id>#<field>` (a field of a JSON secret);
    /// credentials, region and `AWS_ENDPOINT_URL` the AWS way.
    AwsSecret(String),
}

impl Password {
    async fn read(&self) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::Env(var) => std::env::var(var)
                .map(Zeroizing::new)
                .map_err(|_| Error::Signer(format!("environment variable {var} (the keystore password) is not set"))),
            Self::File(file) => read_first_line(file),
            Self::Vault(reference) => crate::remote::vault_secret(reference).await,
            Self::AwsSecret(reference) => aws_secret(reference).await,
        }
    }
}

/// A local key. Later backends (Ledger, AWS KMS, remote signers) join this as further variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Hex private key in the named environment variable.
    PrivateKeyEnv(String),
    /// Hex private key in a file (first line).
    PrivateKeyFile(PathBuf),
    /// A Web3 v3 keystore file.
    Keystore { path: PathBuf, password: Password },
    /// A Foundry account: `~/.foundry/keystores/<name>`.
    Account { name: String, password: Password },
    /// A BIP-39 mnemonic in a file, at `m/44'/60'/0'/0/<index>`.
    Mnemonic { file: PathBuf, index: u32 },
    /// A key held by a Web3Signer, selected by address; optional bearer token from an environment variable.
    Web3Signer { url: String, address: Address, token_env: Option<String> },
    /// An AWS KMS secp256k1 key (id, alias or ARN); credentials, region and `AWS_ENDPOINT_URL` the AWS way.
    AwsKms { key_id: String },
    /// A Fireblocks vault account's key: API key from an environment variable, the API secret (RSA PEM) from a file
    /// or a Vault reference.
    Fireblocks { url: String, vault_account: String, address: Address, api_key_env: String, secret: Password },
}

/// A key that signs proposals: local, or held by a remote signer. All sign the proposal's EIP-712 typed data.
#[derive(Debug, Clone)]
pub enum Signer {
    Local(PrivateKeySigner),
    AwsKms(alloy::signers::aws::AwsSigner),
    Web3Signer(Web3Signer),
    Fireblocks(Fireblocks),
}

impl Signer {
    pub fn address(&self) -> Address {
        match self {
            Self::Local(k) => k.address(),
            Self::Web3Signer(w) => w.address(),
            Self::Fireblocks(f) => f.address(),
            Self::AwsKms(k) => alloy::signers::Signer::address(k),
        }
    }

    /// Signs `typed` (whose EIP-712 hash is `digest`): locally by the hash, remotely by handing over the typed data
    /// so the remote side hashes (and, for devices, shows) the struct itself.
    pub async fn sign_typed(&self, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
        match self {
            Self::Local(k) => k.sign_hash_sync(&digest).map_err(|e| Error::Signer(e.to_string())),
            Self::Web3Signer(w) => w.sign_typed_data(typed, digest).await,
            Self::Fireblocks(f) => f.sign_typed_data(typed, digest).await,
            // KMS signs digests; the typed data is hashed here, as for local keys.
            Self::AwsKms(k) => alloy::signers::Signer::sign_hash(k, &digest)
                .await
                .map_err(|e| Error::Signer(format!("AWS KMS signing failed: {e}"))),
        }
    }
}

impl KeySource {
    /// Loads a signer of any kind.
    pub async fn signer(&self) -> Result<Signer, Error> {
        match self {
            Self::Web3Signer { url, address, token_env } => {
                let token = match token_env {
                    Some(var) => Some(Zeroizing::new(std::env::var(var).map_err(|_| {
                        Error::Signer(format!("environment variable {var} (the web3signer token) is not set"))
                    })?)),
                    None => None,
                };
                Ok(Signer::Web3Signer(Web3Signer::connect(url, *address, token).await?))
            }
            Self::Fireblocks { url, vault_account, address, api_key_env, secret } => {
                let api_key = std::env::var(api_key_env).map_err(|_| {
                    Error::Signer(format!("environment variable {api_key_env} (the Fireblocks API key) is not set"))
                })?;
                let pem = match secret {
                    Password::File(path) => Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                        Error::Signer(format!("cannot read the Fireblocks API secret {}: {e}", path.display()))
                    })?),
                    other => other.read().await?,
                };
                Ok(Signer::Fireblocks(Fireblocks::new(url, api_key, pem, vault_account.clone(), *address)?))
            }
            Self::AwsKms { key_id } => {
                let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
                let kms = aws_sdk_kms::Client::new(&config);
                let signer = alloy::signers::aws::AwsSigner::new(kms, key_id.clone(), None).await.map_err(|e| {
                    Error::Signer(format!(
                        "AWS KMS key `{key_id}`: {} (check the key id, its key spec ECC_SECG_P256K1, credentials and region)",
                        aws_sdk_kms::error::DisplayErrorContext(&e)
                    ))
                })?;
                Ok(Signer::AwsKms(signer))
            }
            _ => Ok(Signer::Local(self.load().await?)),
        }
    }

    /// Loads a local key (needed to send transactions). Errors say which source failed and why, never the secret.
    pub async fn load(&self) -> Result<PrivateKeySigner, Error> {
        match self {
            Self::Web3Signer { .. } | Self::Fireblocks { .. } | Self::AwsKms { .. } => Err(Error::Signer(
                "a remote signer signs proposals only; send transactions with a local key (--keystore, --account, …)"
                    .into(),
            )),
            Self::PrivateKeyEnv(var) => {
                let value =
                    std::env::var(var).map_err(|_| Error::Signer(format!("environment variable {var} is not set")))?;
                parse_key(&value).map_err(|why| Error::Signer(format!("{var} does not hold a private key: {why}")))
            }
            Self::PrivateKeyFile(path) => {
                let value = read_first_line(path)?;
                parse_key(&value)
                    .map_err(|why| Error::Signer(format!("{} does not hold a private key: {why}", path.display())))
            }
            Self::Keystore { path, password } => decrypt(path, password).await,
            Self::Account { name, password } => {
                let home = std::env::var_os("HOME").ok_or_else(|| Error::Signer("HOME is not set".into()))?;
                let path = PathBuf::from(home).join(".foundry").join("keystores").join(name);
                if !path.is_file() {
                    return Err(Error::Signer(format!(
                        "no Foundry account `{name}` ({} does not exist; `cast wallet import {name}` creates it)",
                        path.display()
                    )));
                }
                decrypt(&path, password).await
            }
            Self::Mnemonic { file, index } => {
                let phrase = Zeroizing::new(
                    std::fs::read_to_string(file)
                        .map_err(|e| Error::Signer(format!("cannot read mnemonic file {}: {e}", file.display())))?,
                );
                MnemonicBuilder::english()
                    .phrase(phrase.trim())
                    .index(*index)
                    .and_then(|b| b.build())
                    .map_err(|e| Error::Signer(format!("mnemonic in {} at index {index}: {e}", file.display())))
            }
        }
    }
}

fn parse_key(value: &str) -> Result<PrivateKeySigner, String> {
    value.trim().parse::<PrivateKeySigner>().map_err(|_| "expected 32 bytes of hex".to_owned())
}

fn read_first_line(path: &Path) -> Result<Zeroizing<String>, Error> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| Error::Signer(format!("cannot read {}: {e}", path.display())))?,
    );
    Ok(Zeroizing::new(text.lines().next().unwrap_or_default().trim().to_owned()))
}

/// Creates a fresh key from the operating system's randomness (never derived from a mnemonic) in a Web3 v3
/// keystore (scrypt) in `dir`, readable only by its owner. Returns the address and the file.
pub fn new_keystore(dir: &Path, name: Option<&str>, password: &str) -> Result<(Address, PathBuf), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Signer(format!("cannot create {}: {e}", dir.display())))?;
    let (signer, uuid) = PrivateKeySigner::new_keystore(dir, &mut rand::rngs::OsRng, password, name)
        .map_err(|e| Error::Signer(format!("cannot write a keystore in {}: {e}", dir.display())))?;
    // The file is named `name` when given, else its UUID.
    let path = dir.join(name.unwrap_or(&uuid));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::Signer(format!("cannot restrict {}: {e}", path.display())))?;
    }
    Ok((signer.address(), path))
}

/// Reads an AWS Secrets Manager secret (`<id>` or `<id>#<field>` of a JSON secret), zeroised in memory.
async fn aws_secret(reference: &str) -> Result<Zeroizing<String>, Error> {
    let (id, field) = match reference.split_once('#') {
        Some((id, field)) => (id, Some(field)),
        None => (reference, None),
    };
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    let value = client.get_secret_value().secret_id(id).send().await.map_err(|e| {
        Error::Signer(format!(
            "AWS Secrets Manager secret `{id}`: {} (check the name, credentials and region)",
            aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
        ))
    })?;
    let text = Zeroizing::new(
        value
            .secret_string()
            .ok_or_else(|| Error::Signer(format!("AWS Secrets Manager secret `{id}` holds no string")))?
            .to_owned(),
    );
    match field {
        None => Ok(text),
        Some(field) => {
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
                Error::Signer(format!("AWS Secrets Manager secret `{id}` is not JSON, so it has no field `{field}`"))
            })?;
            json[field]
                .as_str()
                .map(|s| Zeroizing::new(s.to_owned()))
                .ok_or_else(|| Error::Signer(format!("AWS Secrets Manager secret `{id}` has no field `{field}`")))
        }
    }
}

/// A random password for a keystore whose password is kept in a secrets manager (64 hex characters).
pub fn random_password() -> Zeroizing<String> {
    use rand::RngCore;
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(alloy::primitives::hex::encode(bytes.as_ref()))
}

async fn decrypt(path: &Path, password: &Password) -> Result<PrivateKeySigner, Error> {
    if !path.is_file() {
        return Err(Error::Signer(format!("keystore {} does not exist", path.display())));
    }
    let secret = password.read().await?;
    PrivateKeySigner::decrypt_keystore(path, secret.as_bytes()).map_err(|e| {
        let why = e.to_string();
        if why.to_lowercase().contains("mac") {
            Error::Signer(format!("wrong password for keystore {}", path.display()))
        } else {
            Error::Signer(format!("cannot decrypt keystore {}: {why}", path.display()))
        }
    })
}
