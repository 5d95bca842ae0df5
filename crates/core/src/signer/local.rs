//! Keys on this machine: a hex private key in an environment variable or a file, a Web3 v3 keystore (a file, a
//! Foundry account, or kept in a secrets manager), a BIP-39 mnemonic (devnets); new keystores from OS randomness;
//! and the private temporary files keystore libraries need.

use std::path::{Path, PathBuf};

use alloy::{
    primitives::Address,
    signers::local::{LocalSignerError, MnemonicBuilder, PrivateKeySigner},
};
use zeroize::Zeroizing;

use crate::{
    Error,
    secrets::{SecretSource, read_first_line},
};

/// The hex private key in the environment variable `var`.
pub(crate) fn from_env(var: &str) -> Result<PrivateKeySigner, Error> {
    let value = Zeroizing::new(
        std::env::var(var).map_err(|_| Error::EnvVarMissing { var: var.to_owned(), what: "the private key" })?,
    );
    parse_key(&value, || var.to_owned())
}

/// The hex private key on the first line of `path`.
pub(crate) fn from_file(path: &Path) -> Result<PrivateKeySigner, Error> {
    parse_key(&read_first_line(path, "the private key")?, || path.display().to_string())
}

/// A private key from its hex text; errors name `location` (never the text).
fn parse_key(value: &str, location: impl FnOnce() -> String) -> Result<PrivateKeySigner, Error> {
    value.trim().parse::<PrivateKeySigner>().map_err(|_| Error::NotAPrivateKey { location: location() })
}

/// The Web3 v3 keystore file at `path`, decrypted with `password`.
pub(crate) async fn keystore(path: &Path, password: &SecretSource) -> Result<PrivateKeySigner, Error> {
    if !path.is_file() {
        return Err(Error::NoKeystore { path: path.to_owned() });
    }
    decrypt(path, format!("keystore {}", path.display()), password).await
}

/// The Foundry account `name` (`~/.foundry/keystores/<name>`), decrypted with `password`.
pub(crate) async fn foundry_account(name: &str, password: &SecretSource) -> Result<PrivateKeySigner, Error> {
    let home = std::env::var_os("HOME")
        .ok_or(Error::EnvVarMissing { var: "HOME".into(), what: "the home directory, where Foundry keeps accounts" })?;
    let path = PathBuf::from(home).join(".foundry").join("keystores").join(name);
    if !path.is_file() {
        return Err(Error::NoFoundryAccount { name: name.to_owned(), path });
    }
    decrypt(&path, format!("keystore {}", path.display()), password).await
}

/// The key at `m/44'/60'/0'/0/<index>` of the BIP-39 mnemonic in `file`. Errors never quote the phrase.
pub(crate) fn mnemonic(file: &Path, index: u32) -> Result<PrivateKeySigner, Error> {
    let phrase = Zeroizing::new(std::fs::read_to_string(file).map_err(|source| Error::FileRead {
        path: file.to_owned(),
        what: "the mnemonic",
        source,
    })?);
    MnemonicBuilder::english()
        .phrase(phrase.trim())
        .index(index)
        .and_then(|b| b.build())
        // The library's error quotes the offending word, and a word of a mnemonic is a secret.
        .map_err(|_| Error::BadMnemonic { file: file.to_owned(), index })
}

/// Fetches a keystore's JSON from a secrets manager and decrypts it. The JSON is ciphertext, but alloy decrypts
/// keystores from files only, so it is written to a private temporary file (mode 0600 in a 0700 directory) that is
/// removed as soon as the key is decrypted; the key itself exists in memory only.
pub(crate) async fn stored_keystore(
    keystore: &SecretSource,
    password: &SecretSource,
) -> Result<PrivateKeySigner, Error> {
    let json = keystore.read("the keystore").await?;
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    if !(parsed.get("crypto").is_some() || parsed.get("Crypto").is_some()) {
        return Err(Error::NotAKeystore { what: format!("the secret {keystore}"), expected: "Web3 v3 keystore JSON" });
    }
    let (dir, path) = private_copy(json.as_bytes())?;
    let key = decrypt(&path, format!("keystore {keystore}"), password).await;
    dir.close().map_err(|source| Error::TempDir { action: "remove", source })?;
    key
}

/// Decrypts the keystore at `path`; errors call it `keystore` ("keystore /path").
async fn decrypt(path: &Path, keystore: String, password: &SecretSource) -> Result<PrivateKeySigner, Error> {
    let secret = password.read_password().await?;
    PrivateKeySigner::decrypt_keystore(path, secret.as_bytes()).map_err(|e| match e {
        LocalSignerError::EthKeystoreError(e) => keystore_error(keystore, e),
        e => Error::Decrypt { keystore, source: Box::new(e) },
    })
}

/// A keystore that did not decrypt: a wrong password (the MAC does not match), or another cause.
pub(crate) fn keystore_error(keystore: String, e: eth_keystore::KeystoreError) -> Error {
    match e {
        eth_keystore::KeystoreError::MacMismatch => Error::WrongPassword { keystore },
        e => Error::Decrypt { keystore, source: Box::new(e) },
    }
}

/// Creates a fresh key from the operating system's randomness (never derived from a mnemonic) in a Web3 v3
/// keystore (scrypt) at `dir/name`, readable only by its owner. The file is created exclusively with mode 0600: an
/// existing file, or a symbolic link (even a dangling one) planted at the name, is refused rather than written
/// through, and the key is never readable by others, not even for a moment. Returns the address and the file.
pub fn new_keystore(dir: &Path, name: &str, password: &str) -> Result<(Address, PathBuf), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir { path: dir.to_owned(), source })?;
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::NameTaken { path });
    }
    // alloy writes keystores only into a directory, under a name of its choosing: a private scratch directory.
    let scratch = private_dir()?;
    let (signer, uuid) = PrivateKeySigner::new_keystore(scratch.path(), &mut rand::rngs::OsRng, password, None)
        .map_err(|e| Error::Encrypt { what: "a new keystore", source: Box::new(e) })?;
    let encrypted = scratch.path().join(uuid);
    let json = std::fs::read(&encrypted).map_err(|source| Error::FileRead {
        path: encrypted,
        what: "the encrypted keystore",
        source,
    })?;
    write_private(&path, &json)?;
    Ok((signer.address(), path))
}

/// A private temporary directory (mode 0700), removed when dropped.
pub(crate) fn private_dir() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new().prefix("opwallet-").tempdir().map_err(|source| Error::TempDir { action: "make", source })
}

/// Writes a new file readable only by its owner; never overwrites.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    // create_new is O_CREAT | O_EXCL, which also refuses a symbolic link at `path`, dangling or not.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => Error::FileExists { path: path.to_owned() },
        _ => Error::FileWrite { path: path.to_owned(), source },
    })?;
    file.write_all(bytes).map_err(|source| Error::FileWrite { path: path.to_owned(), source })
}

/// A keystore's JSON (ciphertext) in a private temporary file, for libraries that decrypt keystores from files only.
/// The file goes with the returned directory.
pub(crate) fn private_copy(json: &[u8]) -> Result<(tempfile::TempDir, PathBuf), Error> {
    let dir = private_dir()?;
    let path = dir.path().join("keystore.json");
    write_private(&path, json)?;
    Ok((dir, path))
}
