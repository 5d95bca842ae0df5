//! Where a signer's key comes from. Secrets are never taken from the command line: a private key comes from an
//! environment variable or a file, a keystore password from an environment variable or a file.

use std::path::{Path, PathBuf};

use alloy::signers::local::{MnemonicBuilder, PrivateKeySigner};

use crate::Error;

/// A keystore or mnemonic password source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// The named environment variable (Foundry's is `ETH_PASSWORD`).
    Env(String),
    /// The first line of a file.
    File(PathBuf),
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
}

impl KeySource {
    /// Loads the key. Errors say which source failed and why, never the secret.
    pub fn load(&self) -> Result<PrivateKeySigner, Error> {
        match self {
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
            Self::Keystore { path, password } => decrypt(path, password),
            Self::Account { name, password } => {
                let home = std::env::var_os("HOME").ok_or_else(|| Error::Signer("HOME is not set".into()))?;
                let path = PathBuf::from(home).join(".foundry").join("keystores").join(name);
                if !path.is_file() {
                    return Err(Error::Signer(format!(
                        "no Foundry account `{name}` ({} does not exist; `cast wallet import {name}` creates it)",
                        path.display()
                    )));
                }
                decrypt(&path, password)
            }
            Self::Mnemonic { file, index } => {
                let phrase = std::fs::read_to_string(file)
                    .map_err(|e| Error::Signer(format!("cannot read mnemonic file {}: {e}", file.display())))?;
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

fn read_first_line(path: &Path) -> Result<String, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Signer(format!("cannot read {}: {e}", path.display())))?;
    Ok(text.lines().next().unwrap_or_default().trim().to_owned())
}

fn decrypt(path: &Path, password: &Password) -> Result<PrivateKeySigner, Error> {
    if !path.is_file() {
        return Err(Error::Signer(format!("keystore {} does not exist", path.display())));
    }
    let secret = match password {
        Password::Env(var) => std::env::var(var)
            .map_err(|_| Error::Signer(format!("environment variable {var} (the keystore password) is not set")))?,
        Password::File(file) => read_first_line(file)?,
    };
    PrivateKeySigner::decrypt_keystore(path, secret).map_err(|e| {
        let why = e.to_string();
        if why.to_lowercase().contains("mac") {
            Error::Signer(format!("wrong password for keystore {}", path.display()))
        } else {
            Error::Signer(format!("cannot decrypt keystore {}: {why}", path.display()))
        }
    })
}
