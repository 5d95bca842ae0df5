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
    pub(crate) async fn read(&self) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::Env(var) => std::env::var(var)
                .map(Zeroizing::new)
                .map_err(|_| Error::Signer(format!("environment variable {var} (the keystore password) is not set"))),
            Self::File(file) => read_first_line(file),
            Self::Vault(reference) => crate::remote::vault_secret(reference).await,
            Self::AwsSecret(reference) => aws_secret(reference).await,
        }
    }

    /// The whole secret (a keystore's JSON), not only a file's first line.
    async fn read_whole(&self) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::File(path) => std::fs::read_to_string(path)
                .map(Zeroizing::new)
                .map_err(|e| Error::Signer(format!("cannot read {}: {e}", path.display()))),
            other => other.read().await,
        }
    }
}

/// Where a signer's key lives: local files and environment variables, a Ledger, AWS KMS, a Web3Signer or Fireblocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Hex private key in the named environment variable.
    PrivateKeyEnv(String),
    /// Hex private key in a file (first line).
    PrivateKeyFile(PathBuf),
    /// A Web3 v3 keystore file.
    Keystore { path: PathBuf, password: Password },
    /// A Web3 v3 keystore whose JSON itself is kept in a secrets manager (`keystore` is a Vault or AWS Secrets
    /// Manager reference), so no key material of any kind is on the signer's disk.
    StoredKeystore { keystore: Password, password: Password },
    /// A Foundry account: `~/.foundry/keystores/<name>`.
    Account { name: String, password: Password },
    /// A BIP-39 mnemonic in a file, at `m/44'/60'/0'/0/<index>`.
    Mnemonic { file: PathBuf, index: u32 },
    /// A Ledger's Ethereum app at a BIP-32 path (already checked by [`check_hd_path`]).
    Ledger { hd_path: String },
    /// A key held by a Web3Signer, selected by address; optional bearer token from an environment variable, and TLS
    /// options for a private PKI (CA, client certificate).
    Web3Signer { url: String, address: Address, token_env: Option<String>, tls: crate::remote::Tls },
    /// An AWS KMS secp256k1 key (id, alias or ARN); credentials, region and `AWS_ENDPOINT_URL` the AWS way.
    AwsKms { key_id: String },
    /// A Fireblocks vault account's key: API key from an environment variable, the API secret (RSA PEM) from a file
    /// or a Vault reference.
    Fireblocks { url: String, vault_account: String, address: Address, api_key_env: String, secret: Password },
}

/// A key that signs proposals: local, or held by a remote signer. All sign the proposal's EIP-712 typed data.
#[derive(Debug)]
pub enum Signer {
    Local(PrivateKeySigner),
    AwsKms(alloy::signers::aws::AwsSigner),
    Web3Signer(Web3Signer),
    Fireblocks(Fireblocks),
    Ledger(alloy::signers::ledger::LedgerSigner),
}

impl Signer {
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
            Self::Local(k) => k.sign_hash_sync(&digest).map_err(|e| Error::Signer(e.to_string())),
            Self::Web3Signer(w) => w.sign_typed_data(typed, digest).await,
            Self::Fireblocks(f) => f.sign_typed_data(typed, digest).await,
            // KMS signs digests; the typed data is hashed here, as for local keys.
            Self::AwsKms(k) => alloy::signers::Signer::sign_hash(k, &digest)
                .await
                .map_err(|e| Error::Signer(format!("AWS KMS signing failed: {e}"))),
            Self::Ledger(l) => sign_on_device(l, typed, digest).await.map_err(|e| match e {
                DeviceError::Device(e) => ledger_error(e),
                DeviceError::Other(e) => e,
            }),
        }
    }
}

/// What a hardware wallet is handed for a proposal: the EIP-712 domain separator and the struct hash. The Ledger
/// Ethereum app shows both ("domain hash", "message hash", as opwallet's signing screen does) and signs
/// `keccak256(0x1901 ‖ domain separator ‖ struct hash)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevicePayload {
    pub domain_separator: B256,
    pub struct_hash: B256,
}

impl DevicePayload {
    /// The payload for `typed`, checked to hash to `digest` (the digest the wallet verifies) before any device is
    /// asked, so a device can never be shown hashes that do not belong to the proposal.
    pub fn of(typed: &TypedData, digest: B256) -> Result<Self, Error> {
        let struct_hash = typed
            .hash_struct()
            .map_err(|e| Error::Malformed(format!("the proposal's typed data does not hash: {e}")))?;
        let signing_hash = typed
            .eip712_signing_hash()
            .map_err(|e| Error::Malformed(format!("the proposal's typed data does not hash: {e}")))?;
        if signing_hash != digest {
            return Err(Error::Tampered(format!(
                "its typed data hashes to {signing_hash}, not to its digest {digest}"
            )));
        }
        Ok(Self { domain_separator: typed.domain.separator(), struct_hash })
    }
}

/// Why signing on a device failed: the device's own error, or ours.
#[derive(Debug)]
pub enum DeviceError<E> {
    Device(E),
    Other(Error),
}

/// Signs on a device that takes typed data only (a Ledger refuses bare hashes): checks the payload against the
/// digest first, hands the device the typed data, and checks afterwards that the device's key signed that digest.
pub async fn sign_on_device<S>(
    device: &S,
    typed: &TypedData,
    digest: B256,
) -> Result<Signature, DeviceError<alloy::signers::Error>>
where
    S: alloy::signers::Signer + Sync,
{
    DevicePayload::of(typed, digest).map_err(DeviceError::Other)?;
    let signature = device.sign_dynamic_typed_data(typed).await.map_err(DeviceError::Device)?;
    let expected = device.address();
    match signature.recover_address_from_prehash(&digest) {
        Ok(signer) if signer == expected => Ok(signature),
        Ok(signer) => Err(DeviceError::Other(Error::Signer(format!(
            "the device signed with {signer}, not with {expected}: check the HD path; nothing was added"
        )))),
        Err(e) => Err(DeviceError::Other(Error::Signer(format!("the device returned an invalid signature: {e}")))),
    }
}

/// Checks a BIP-32 path such as `m/44'/60'/0'/0/0` before any device is opened.
pub fn check_hd_path(path: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Error::Signer(format!("--hd-path `{path}` is not a derivation path ({why}; e.g. m/44'/60'/0'/0/0)"))
    };
    let rest = path.strip_prefix("m/").ok_or_else(|| bad("it must start with m/"))?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() > 10 {
        return Err(bad("more than 10 levels"));
    }
    for part in parts {
        let index = part.strip_suffix('\'').unwrap_or(part);
        match index.parse::<u32>() {
            Ok(i) if i < 0x8000_0000 && !index.starts_with('+') => {}
            _ => return Err(bad(&format!("`{part}` is not an index below 2^31, optionally followed by '"))),
        }
    }
    Ok(())
}

/// A Ledger failure while signing, as what to do about it.
fn ledger_error(e: alloy::signers::Error) -> Error {
    match &e {
        alloy::signers::Error::Other(inner) => match inner.downcast_ref::<alloy::signers::ledger::LedgerError>() {
            Some(ledger) => device_error(ledger),
            None => Error::Signer(format!("Ledger: {e}")),
        },
        _ => Error::Signer(format!("Ledger: {e}")),
    }
}

/// What to do when no Ledger answers.
const NO_LEDGER: &str = "no Ledger found: connect it, unlock it and open its Ethereum app (on Linux, Ledger's udev \
    rules must give you access)";

/// Ledger's USB vendor id.
const LEDGER_VENDOR_ID: u16 = 0x2c97;

/// Looks for a Ledger on USB before the Ledger transport does: it panics where USB cannot be used (a container
/// without /dev/bus/usb). The HID context is released again before the transport takes its own.
fn find_ledger() -> Result<(), Error> {
    let api = hidapi_rusb::HidApi::new().map_err(|e| {
        Error::Signer(format!(
            "Ledger: USB is not usable on this machine ({e}): connect the Ledger to the machine running opwallet \
             (in a container, pass /dev/bus/usb through)"
        ))
    })?;
    let found = api.device_list().any(|d| d.vendor_id() == LEDGER_VENDOR_ID);
    drop(api);
    if found { Ok(()) } else { Err(Error::Signer(format!("Ledger: {NO_LEDGER}"))) }
}

/// What to do about a Ledger error. The status words are the Ethereum app's (its `doc/ethapp.adoc`).
pub fn device_error(e: &alloy::signers::ledger::LedgerError) -> Error {
    use alloy::signers::ledger::{
        LedgerError as L,
        coins_ledger::{
            common::APDUResponseCodes as Code, errors::LedgerError as T, transports::native::NativeTransportError as N,
        },
    };
    let why = match e {
        L::LedgerError(T::NativeTransportError(N::DeviceNotFound)) => NO_LEDGER.to_owned(),
        L::LedgerError(T::NativeTransportError(N::CantOpen(_))) => {
            "the Ledger is in use by another program (Ledger Live, a browser wallet): close it and retry".to_owned()
        }
        L::LedgerError(T::BadRetcode(Code::ConditionsNotSatisfied)) => {
            "rejected on the Ledger: nothing was signed".to_owned()
        }
        L::LedgerError(T::BadRetcode(Code::UnlockDeviceError)) | L::LedgerError(T::UnknownAPDUCode(0x5515)) => {
            "the Ledger is locked: unlock it and open its Ethereum app".to_owned()
        }
        L::LedgerError(T::BadRetcode(Code::ClaNotSupported | Code::InsNotSupported))
        | L::LedgerError(T::UnknownAPDUCode(0x6511)) => "open the Ethereum app on the Ledger".to_owned(),
        L::LedgerError(T::BadRetcode(Code::InvalidData)) => "the Ledger refused to sign EIP-712 hashes: enable \
            Blind signing in the Ethereum app's settings (the device then shows the domain hash and message hash; \
            compare them with opwallet's signing screen)"
            .to_owned(),
        L::UnsupportedAppVersion(v) => format!("update the Ledger's Ethereum app: EIP-712 signing needs {v}"),
        L::InvalidDerivationPath(_) => "the HD path is not a derivation path".to_owned(),
        other => other.to_string(),
    };
    Error::Signer(format!("Ledger: {why}"))
}

impl Signer {
    /// The signer as a transaction sender (it pays gas; it gets no rights over the wallet): a local key, an AWS KMS
    /// key or a Ledger. Web3Signer and Fireblocks keys sign proposals only.
    pub fn into_sender(self) -> Result<alloy::network::EthereumWallet, Error> {
        match self {
            Self::Local(k) => Ok(k.into()),
            Self::AwsKms(k) => Ok(k.into()),
            Self::Ledger(l) => Ok(l.into()),
            Self::Web3Signer(_) | Self::Fireblocks(_) => Err(Error::Signer(
                "a Web3Signer or Fireblocks key signs proposals only: send transactions with a local key, a Ledger \
                 (--ledger) or an AWS KMS key (--aws-kms-key)"
                    .into(),
            )),
        }
    }
}

impl KeySource {
    /// Loads a signer of any kind.
    pub async fn signer(&self) -> Result<Signer, Error> {
        match self {
            Self::Web3Signer { url, address, token_env, tls } => {
                let token = match token_env {
                    Some(var) => Some(Zeroizing::new(std::env::var(var).map_err(|_| {
                        Error::Signer(format!("environment variable {var} (the web3signer token) is not set"))
                    })?)),
                    None => None,
                };
                Ok(Signer::Web3Signer(Web3Signer::connect(url, *address, token, tls).await?))
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
                check_kms_key(&kms, key_id).await?;
                let signer = alloy::signers::aws::AwsSigner::new(kms, key_id.clone(), None).await.map_err(|e| {
                    Error::Signer(format!(
                        "AWS KMS key `{key_id}`: {} (check the key id, its key spec ECC_SECG_P256K1, credentials and region)",
                        aws_sdk_kms::error::DisplayErrorContext(&e)
                    ))
                })?;
                Ok(Signer::AwsKms(signer))
            }
            Self::Ledger { hd_path } => {
                check_hd_path(hd_path)?;
                find_ledger()?;
                let path = alloy::signers::ledger::HDPath::Other(hd_path.clone());
                let ledger =
                    alloy::signers::ledger::LedgerSigner::new(path, None).await.map_err(|e| device_error(&e))?;
                Ok(Signer::Ledger(ledger))
            }
            _ => Ok(Signer::Local(self.load().await?)),
        }
    }

    /// Loads a local key (needed to send transactions). Errors say which source failed and why, never the secret.
    async fn load(&self) -> Result<PrivateKeySigner, Error> {
        match self {
            Self::Web3Signer { .. } | Self::Fireblocks { .. } | Self::AwsKms { .. } | Self::Ledger { .. } => {
                Err(Error::Signer("not a local key".into()))
            }
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
            Self::Keystore { path, password } => {
                if !path.is_file() {
                    return Err(Error::Signer(format!("keystore {} does not exist", path.display())));
                }
                decrypt(path, &path.display().to_string(), password).await
            }
            Self::StoredKeystore { keystore, password } => decrypt_stored(keystore, password).await,
            Self::Account { name, password } => {
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
            Self::Mnemonic { file, index } => {
                let phrase = Zeroizing::new(
                    std::fs::read_to_string(file)
                        .map_err(|e| Error::Signer(format!("cannot read mnemonic file {}: {e}", file.display())))?,
                );
                MnemonicBuilder::english()
                    .phrase(phrase.trim())
                    .index(*index)
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

/// Refuses a KMS key Ethereum cannot use before anything else is asked of it: the wrong curve, not a signing key,
/// disabled or missing. Needs only `kms:GetPublicKey`, which signing needs anyway (with `kms:Sign`); the key's state
/// is also read where the policy grants `kms:DescribeKey`.
async fn check_kms_key(kms: &aws_sdk_kms::Client, key_id: &str) -> Result<(), Error> {
    use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType};
    let key = kms.get_public_key().key_id(key_id).send().await.map_err(|e| {
        let why = match e.as_service_error() {
            Some(s) if s.is_disabled_exception() => {
                return format!("AWS KMS key `{key_id}` is disabled: enable it in KMS");
            }
            Some(s) if s.is_not_found_exception() => "not found".to_owned(),
            Some(s) if s.is_kms_invalid_state_exception() => {
                "not usable in its current state (pending deletion?)".to_owned()
            }
            _ => aws_sdk_kms::error::DisplayErrorContext(&e).to_string(),
        };
        format!("AWS KMS key `{key_id}`: {why} (check the key id, credentials, region and kms:GetPublicKey permission)")
    });
    let key = key.map_err(Error::Signer)?;
    if key.key_spec() != Some(&KeySpec::EccSecgP256K1) {
        let spec = key.key_spec().map(|s| s.as_str().to_owned()).unwrap_or_else(|| "unknown".into());
        return Err(Error::Signer(format!(
            "AWS KMS key `{key_id}` has key spec {spec}: Ethereum signatures need ECC_SECG_P256K1 (secp256k1)"
        )));
    }
    if key.key_usage() != Some(&KeyUsageType::SignVerify) {
        return Err(Error::Signer(format!(
            "AWS KMS key `{key_id}` is not a signing key (key usage must be SIGN_VERIFY)"
        )));
    }
    // The key's state, where the policy allows DescribeKey (KMS itself refuses GetPublicKey on a disabled key;
    // emulators may not). Without the permission, Sign reports a disabled key in its own words.
    if let Ok(described) = kms.describe_key().key_id(key_id).send().await
        && let Some(state) = described.key_metadata().and_then(|m| m.key_state())
    {
        match state {
            KeyState::Enabled => {}
            KeyState::Disabled => {
                return Err(Error::Signer(format!("AWS KMS key `{key_id}` is disabled: enable it in KMS")));
            }
            other => {
                return Err(Error::Signer(format!(
                    "AWS KMS key `{key_id}` is in state {}, not Enabled",
                    other.as_str()
                )));
            }
        }
    }
    Ok(())
}

/// Creates the AWS Secrets Manager secret `name` holding `value` (a generated password). Never overwrites: an
/// existing secret may be the only copy of another key's password.
pub async fn aws_store_secret(name: &str, value: &str) -> Result<(), Error> {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    match client.create_secret().name(name).secret_string(value).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_exists_exception()) => {
            Err(Error::Signer(format!(
                "AWS Secrets Manager secret `{name}` already exists: choose another name (opwallet never overwrites a \
             password)"
            )))
        }
        Err(e) => Err(Error::Signer(format!(
            "cannot create AWS Secrets Manager secret `{name}`: {} (check credentials, region and permissions)",
            aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
        ))),
    }
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
            crate::remote::field_text(&json[field])
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

/// Decrypts the keystore at `path`; errors call it `name`.
async fn decrypt(path: &Path, name: &str, password: &Password) -> Result<PrivateKeySigner, Error> {
    let secret = password.read().await?;
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
async fn decrypt_stored(keystore: &Password, password: &Password) -> Result<PrivateKeySigner, Error> {
    let name = match keystore {
        Password::Vault(r) => format!("in vault {r}"),
        Password::AwsSecret(r) => format!("in AWS Secrets Manager secret {r}"),
        Password::Env(v) => format!("in ${v}"),
        Password::File(f) => f.display().to_string(),
    };
    let json = keystore.read_whole().await?;
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

#[cfg(test)]
mod tests {
    use super::check_hd_path;

    #[test]
    fn hd_paths_are_checked_before_a_device_is_opened() {
        for good in ["m/44'/60'/0'/0/0", "m/44'/60'/7'/0/0", "m/44'/60'/0'/3", "m/2147483647'"] {
            assert!(check_hd_path(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("44'/60'/0'/0/0", "it must start with m/"),
            ("m/44'/60'/0'/0/", "`` is not an index"),
            ("m/44'/60'/0''", "`0''` is not an index"),
            ("m/44'/60'/-1", "`-1` is not an index"),
            ("m/44'/60'/+1", "`+1` is not an index"),
            ("m/2147483648", "`2147483648` is not an index below 2^31"),
            ("m/1/2/3/4/5/6/7/8/9/10/11", "more than 10 levels"),
        ] {
            let e = check_hd_path(bad).expect_err(bad).to_string();
            assert!(e.contains(why) && e.contains(&format!("`{bad}`")), "{bad}: {e}");
        }
    }
}
