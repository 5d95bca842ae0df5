//! Keys on this machine: a hex private key in an environment variable or a file, a Web3 v3 keystore (a file, a
//! Foundry account, or kept in a secrets manager), a BIP-39 mnemonic (devnets); new keystores from OS randomness;
//! and the private temporary files keystore libraries need.

use std::path::{Path, PathBuf};

use alloy::{
    primitives::Address,
    signers::local::{MnemonicBuilder, PrivateKeySigner},
};
use zeroize::Zeroizing;

use crate::{
    Error,
    secrets::{SecretSource, read_first_line},
};

/// The hex private key in the environment variable `var`.
pub(crate) fn from_env(var: &str) -> Result<PrivateKeySigner, Error> {
    let value = std::env::var(var).map_err(|_| Error::Signer(format!("environment variable {var} is not set")))?;
    parse_key(&value).map_err(|why| Error::Signer(format!("{var} does not hold a private key: {why}")))
}

/// The hex private key on the first line of `path`.
pub(crate) fn from_file(path: &Path) -> Result<PrivateKeySigner, Error> {
    let value = read_first_line(path)?;
    parse_key(&value).map_err(|why| Error::Signer(format!("{} does not hold a private key: {why}", path.display())))
}

/// The Web3 v3 keystore file at `path`, decrypted with `password`.
pub(crate) async fn keystore(path: &Path, password: &SecretSource) -> Result<PrivateKeySigner, Error> {
    if !path.is_file() {
        return Err(Error::Signer(format!("keystore {} does not exist", path.display())));
    }
    decrypt(path, &path.display().to_string(), password).await
}

/// The Foundry account `name` (`~/.foundry/keystores/<name>`), decrypted with `password`.
pub(crate) async fn foundry_account(name: &str, password: &SecretSource) -> Result<PrivateKeySigner, Error> {
    let home = std::env::var_os("HOME").ok_or_else(|| Error::Signer("HOME is not set".into()))?;
    let path = PathBuf::from(home).join(".foundry").join("keystores").join(name);
    if !path.is_file() {
        return Err(Error::Signer(format!(
            "no Foundry account `{name}` ({} does not exist; `cast wallet import {name}` creates it)",
            path.display()
        )));
    }
    decrypt(&path, &path.display().to_string(), password).await
}

/// The key at `m/44'/60'/0'/0/<index>` of the BIP-39 mnemonic in `file`. Errors never quote the phrase.
pub(crate) fn mnemonic(file: &Path, index: u32) -> Result<PrivateKeySigner, Error> {
    let phrase = Zeroizing::new(
        std::fs::read_to_string(file)
            .map_err(|e| Error::Signer(format!("cannot read mnemonic file {}: {e}", file.display())))?,
    );
    MnemonicBuilder::english()
        .phrase(phrase.trim())
        .index(index)
        .and_then(|b| b.build())
        // The library's error quotes the offending word, and a word of a mnemonic is a secret.
        .map_err(|_| {
            Error::Signer(format!(
                "the mnemonic in {} is not a valid BIP-39 English phrase (a word is misspelt, missing, or \
                 the checksum does not match), or index {index} cannot be derived",
                file.display()
            ))
        })
}

fn parse_key(value: &str) -> Result<PrivateKeySigner, String> {
    value.trim().parse::<PrivateKeySigner>().map_err(|_| "expected 32 bytes of hex".to_owned())
}

/// Creates a fresh key from the operating system's randomness (never derived from a mnemonic) in a Web3 v3
/// keystore (scrypt) at `dir/name`, readable only by its owner. The file is created exclusively with mode 0600: an
/// existing file, or a symbolic link (even a dangling one) planted at the name, is refused rather than written
/// through, and the key is never readable by others, not even for a moment. Returns the address and the file.
pub fn new_keystore(dir: &Path, name: &str, password: &str) -> Result<(Address, PathBuf), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Signer(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Signer(format!("{} already exists: choose another --name", path.display())));
    }
    // alloy writes keystores only into a directory, under a name of its choosing: a private scratch directory.
    let scratch = private_dir()?;
    let (signer, uuid) = PrivateKeySigner::new_keystore(scratch.path(), &mut rand::rngs::OsRng, password, None)
        .map_err(|e| Error::Signer(format!("cannot encrypt a keystore: {e}")))?;
    let json = std::fs::read(scratch.path().join(uuid))
        .map_err(|e| Error::Signer(format!("cannot read the encrypted keystore: {e}")))?;
    write_private(&path, &json)?;
    Ok((signer.address(), path))
}

/// Decrypts the keystore at `path`; errors call it `name`.
async fn decrypt(path: &Path, name: &str, password: &SecretSource) -> Result<PrivateKeySigner, Error> {
    let secret = password.read_password().await?;
    PrivateKeySigner::decrypt_keystore(path, secret.as_bytes()).map_err(|e| {
        let why = e.to_string();
        if why.to_lowercase().contains("mac") {
            Error::Signer(format!("wrong password for keystore {name}"))
        } else {
            Error::Signer(format!("cannot decrypt keystore {name}: {why}"))
        }
    })
}

/// Fetches a keystore's JSON from a secrets manager and decrypts it. The JSON is ciphertext, but alloy decrypts
/// keystores from files only, so it is written to a private temporary file (mode 0600 in a 0700 directory) that is
/// removed as soon as the key is decrypted; the key itself exists in memory only.
pub(crate) async fn stored_keystore(
    keystore: &SecretSource,
    password: &SecretSource,
) -> Result<PrivateKeySigner, Error> {
    let name = keystore.to_string();
    let json = keystore.read().await?;
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    if !(parsed.get("crypto").is_some() || parsed.get("Crypto").is_some()) {
        return Err(Error::Signer(format!("the secret {name} is not a keystore (expected Web3 v3 keystore JSON)")));
    }
    let (dir, path) = private_copy(json.as_bytes())?;
    let key = decrypt(&path, &name, password).await;
    dir.close().map_err(|e| Error::Signer(format!("cannot remove the temporary keystore copy: {e}")))?;
    key
}

/// A private temporary directory (mode 0700), removed when dropped.
pub(crate) fn private_dir() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix("opwallet-")
        .tempdir()
        .map_err(|e| Error::Signer(format!("cannot make a private temporary directory: {e}")))
}

/// Writes a new file readable only by its owner; never overwrites.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    // create_new is O_CREAT | O_EXCL, which also refuses a symbolic link at `path`, dangling or not.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            Error::Signer(format!("{} already exists (or is a link): refusing to write over it", path.display()))
        }
        _ => Error::Signer(format!("cannot write {}: {e}", path.display())),
    })?;
    file.write_all(bytes).map_err(|e| Error::Signer(format!("cannot write {}: {e}", path.display())))
}

/// A keystore's JSON (ciphertext) in a private temporary file, for libraries that decrypt keystores from files only.
/// The file goes with the returned directory.
pub(crate) fn private_copy(json: &[u8]) -> Result<(tempfile::TempDir, PathBuf), Error> {
    let dir = private_dir()?;
    let path = dir.path().join("keystore.json");
    write_private(&path, json)?;
    Ok((dir, path))
}
