//! Secrets kept outside opwallet: keystore passwords, keystores themselves and Fireblocks API secrets, read from an
//! environment variable, a file, HashiCorp Vault KV v2 (`$VAULT_ADDR`, `$VAULT_TOKEN`) or AWS Secrets Manager, and
//! new passwords written to Vault or Secrets Manager, never over an existing one. Secrets are held zeroised in
//! memory and never appear in messages.
//!
//! Vault goes through `vaultrs` (0.8), not a hand-written client: it is built on the same HTTP and TLS stack as
//! alloy (reqwest 0.13 with rustls and aws-lc-rs: `cargo tree -d` shows no second reqwest, rustls or hyper), and
//! its KV v2 calls cover what opwallet needs: one read returns the fields with the version, and a write takes
//! `options.cas`, so a new password is added beside the secret's other fields and only if nobody wrote the secret
//! in between. What it costs: a few build-time crates (derive_builder, rustify), and the token sits in vaultrs'
//! settings as a plain `String` (not zeroised) for the life of one request. Its settings otherwise default to
//! environment variables (VAULT_SKIP_VERIFY, VAULT_CACERT), so every one is set explicitly.

use std::path::{Path, PathBuf};

use vaultrs::{
    api::kv2::requests::{ReadSecretRequest, SetSecretRequestOptions},
    client::{VaultClient, VaultClientSettingsBuilder},
};
use zeroize::Zeroizing;

use crate::{
    AwsSecretError, Error, VaultError,
    http::{TIMEOUT, parse_url},
};

/// Where a secret is kept: a keystore password, a keystore's JSON, or an RSA API secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The named environment variable (Foundry's is `ETH_PASSWORD`).
    Env(String),
    /// A file: its first line for a password, all of it for a keystore or a key.
    File(PathBuf),
    /// A HashiCorp Vault KV v2 field, `<mount>/<path>#<field>` (`$VAULT_ADDR`, `$VAULT_TOKEN`).
    Vault(String),
    /// An AWS Secrets Manager secret, `<id>` (the whole string) or `<id>#<field>` (a field of a JSON secret);
    /// credentials, region and `AWS_ENDPOINT_URL` the AWS way.
    AwsSecret(String),
}

impl SecretSource {
    /// A keystore password: as [`SecretSource::read`], but only the first line of a file.
    pub(crate) async fn read_password(&self) -> Result<Zeroizing<String>, Error> {
        const WHAT: &str = "the keystore password";
        match self {
            Self::File(file) => read_first_line(file, WHAT),
            other => other.read(WHAT).await,
        }
    }

    /// The whole secret (a keystore's JSON, a PEM key), zeroised in memory; `what` names it in messages ("the
    /// keystore password").
    pub(crate) async fn read(&self, what: &'static str) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::Env(var) => {
                std::env::var(var).map(Zeroizing::new).map_err(|_| Error::EnvVarMissing { var: var.clone(), what })
            }
            Self::File(path) => std::fs::read_to_string(path).map(Zeroizing::new).map_err(|source| Error::FileRead {
                path: path.clone(),
                what,
                source,
            }),
            Self::Vault(reference) => vault_read(reference).await,
            Self::AwsSecret(reference) => aws_read(reference).await,
        }
    }
}

/// Where the secret is, as messages name it (`in vault secret/ops#pw`); never the secret itself.
impl std::fmt::Display for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Vault(r) => write!(f, "in vault {r}"),
            Self::AwsSecret(r) => write!(f, "in AWS Secrets Manager secret {r}"),
            Self::Env(v) => write!(f, "in ${v}"),
            Self::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The first line of the file at `path`, trimmed, zeroised in memory; `what` names it in messages.
pub(crate) fn read_first_line(path: &Path, what: &'static str) -> Result<Zeroizing<String>, Error> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| Error::FileRead {
        path: path.to_owned(),
        what,
        source,
    })?);
    Ok(Zeroizing::new(text.lines().next().unwrap_or_default().trim().to_owned()))
}

/// A random password for a keystore whose password is kept in a secrets manager (64 hex characters).
pub fn random_password() -> Zeroizing<String> {
    use rand::RngCore;
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(alloy::primitives::hex::encode(bytes.as_ref()))
}

/// A secret's field as text: a string as it is, an object (a keystore kept as JSON) serialised.
fn field_text(value: &serde_json::Value) -> Option<Zeroizing<String>> {
    match value {
        serde_json::Value::String(s) => Some(Zeroizing::new(s.clone())),
        serde_json::Value::Object(_) => Some(Zeroizing::new(value.to_string())),
        _ => None,
    }
}

/// A Vault KV v2 reference `<mount>/<path>#<field>` and a client for its server ($VAULT_ADDR, $VAULT_TOKEN).
struct Vault {
    client: VaultClient,
    mount: String,
    path: String,
    field: String,
    /// The secret as messages name it, `<mount>/<path>`.
    name: String,
    /// The server as messages show it (redacted).
    shown: String,
}

impl Vault {
    fn of(reference: &str) -> Result<Self, Error> {
        let malformed = || VaultError::Reference { reference: reference.to_owned() };
        let (secret, field) = reference.split_once('#').ok_or_else(malformed)?;
        let (mount, path) = secret.split_once('/').ok_or_else(malformed)?;
        let var = |var: &str, what| std::env::var(var).map_err(|_| Error::EnvVarMissing { var: var.into(), what });
        let addr = var("VAULT_ADDR", "the Vault server's address")?;
        // Checked before vaultrs sees it: its address setter panics on a malformed URL.
        parse_url(&addr, "VAULT_ADDR", Some("Vault token"))?;
        let shown = crate::text::redact_url(&addr);
        let token = Zeroizing::new(var("VAULT_TOKEN", "the Vault token")?);
        // Every setting is given, so vaultrs takes none from the environment (VAULT_SKIP_VERIFY would turn off
        // certificate checks, VAULT_CACERT add a CA): opwallet's Vault client is the same whatever the shell holds.
        let settings = VaultClientSettingsBuilder::default()
            .address(&addr)
            .token(token.as_str())
            .timeout(Some(TIMEOUT))
            .verify(true)
            .ca_certs(Vec::new())
            .identity(None)
            .build()
            .map_err(|_| Error::NotAUrl { what: "VAULT_ADDR", url: shown.clone() })?;
        let client = VaultClient::new(settings).map_err(|e| VaultError::Client { source: Box::new(e) })?;
        Ok(Self { client, mount: mount.into(), path: path.into(), field: field.into(), name: secret.into(), shown })
    }

    /// The secret as it is now: absent, its latest version deleted, or its current version and fields.
    async fn current(&self) -> Result<Current, Error> {
        let read = ReadSecretRequest { mount: self.mount.clone(), path: self.path.clone(), version: None };
        let current = match vaultrs::api::exec_with_result(&self.client, read).await {
            Ok(current) => current,
            // A 404 whose body carries version metadata: the latest version was deleted or destroyed (KV v2
            // `pathDataRead`). It still counts for check-and-set: only a write at that version succeeds.
            Err(e) if status(&e) == Some(404) => {
                return Ok(match deleted_version(&e) {
                    Some(version) => Current::Deleted { version },
                    None => Current::Absent,
                });
            }
            Err(e) => return Err(self.error(e)),
        };
        let fields = match current.data {
            serde_json::Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        };
        Ok(Current::Live { version: current.metadata.version, fields })
    }

    /// Writes `fields` as the secret's next version, only if its current version is still `version` (0: only if
    /// it does not exist).
    async fn write(&self, version: u64, fields: &serde_json::Map<String, serde_json::Value>) -> Result<(), Error> {
        let conflict = || VaultError::Conflict { secret: self.name.clone() };
        let cas = SetSecretRequestOptions { cas: u32::try_from(version).map_err(|_| conflict())? };
        match vaultrs::kv2::set_with_options(&self.client, &self.mount, &self.path, fields, cas).await {
            Ok(_) => Ok(()),
            Err(e) if status(&e) == Some(400) => Err(match &e {
                vaultrs::error::ClientError::APIError { errors, .. }
                    if errors.iter().any(|m| m.contains("did not match the current version")) =>
                {
                    conflict()
                }
                vaultrs::error::ClientError::APIError { errors, .. } => {
                    VaultError::WriteRefused { secret: self.name.clone(), why: crate::text::escape(&errors.join("; ")) }
                }
                _ => VaultError::Status { secret: self.name.clone(), status: 400 },
            }
            .into()),
            // A write answered with no body (204 No Content) is how a KV v1 mount answers: it stored the request
            // under `<mount>/data/<path>` as an ordinary secret and ignored check-and-set.
            Err(vaultrs::error::ClientError::RestClientError {
                source: rustify::errors::ClientError::ResponseParseError { content, .. },
            }) if content.as_deref().is_none_or(|c| c.trim().is_empty()) => Err(VaultError::NotKv2 {
                mount: self.mount.clone(),
                written: format!("{}/data/{}", self.mount, self.path),
            }
            .into()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// A failed request as what to do about it.
    fn error(&self, e: vaultrs::error::ClientError) -> Error {
        use vaultrs::error::ClientError as C;
        let secret = self.name.clone();
        match (status(&e), e) {
            (Some(403), _) => VaultError::Denied { secret },
            (Some(404), _) => VaultError::NoSecret { secret },
            (Some(status), _) => VaultError::Status { secret, status },
            (None, e @ (C::JsonParseError { .. } | C::ResponseEmptyError | C::ResponseDataEmptyError)) => {
                VaultError::BadAnswer { secret, source: Box::new(e) }
            }
            (None, e @ C::RestClientError { source: rustify::errors::ClientError::ResponseParseError { .. } }) => {
                VaultError::BadAnswer { secret, source: Box::new(e) }
            }
            (None, e) => VaultError::Unreachable { addr: self.shown.clone(), source: Box::new(e) },
        }
        .into()
    }
}

/// A KV v2 secret as a read finds it.
enum Current {
    Absent,
    /// The latest version, `version`, is deleted or destroyed: no fields to read, but a write must name it.
    Deleted {
        version: u64,
    },
    Live {
        version: u64,
        fields: serde_json::Map<String, serde_json::Value>,
    },
}

/// The version a 404 reports in its metadata (`{"data":{"data":null,"metadata":{"version":N,…}}}`): the latest
/// version deleted or destroyed, where a plain 404 (`{"errors":[]}`) means no secret.
fn deleted_version(e: &vaultrs::error::ClientError) -> Option<u64> {
    let vaultrs::error::ClientError::RestClientError {
        source: rustify::errors::ClientError::ServerResponseError { content: Some(body), .. },
    } = e
    else {
        return None;
    };
    serde_json::from_str::<serde_json::Value>(body).ok()?["data"]["metadata"]["version"].as_u64()
}

/// The HTTP status Vault answered with, if it answered with an error.
fn status(e: &vaultrs::error::ClientError) -> Option<u16> {
    use rustify::errors::ClientError as Http;
    match e {
        vaultrs::error::ClientError::APIError { code, .. } => Some(*code),
        vaultrs::error::ClientError::RestClientError { source: Http::ServerResponseError { code, .. } } => Some(*code),
        _ => None,
    }
}

/// A HashiCorp Vault KV v2 secret field, `<mount>/<path>#<field>`, read with `$VAULT_ADDR` and `$VAULT_TOKEN`.
async fn vault_read(reference: &str) -> Result<Zeroizing<String>, Error> {
    let vault = Vault::of(reference)?;
    let fields = match vault.current().await? {
        Current::Live { fields, .. } => fields,
        Current::Absent => return Err(VaultError::NoSecret { secret: vault.name.clone() }.into()),
        Current::Deleted { version } => return Err(VaultError::Deleted { secret: vault.name.clone(), version }.into()),
    };
    let value = fields.get(&vault.field).and_then(field_text);
    forget(fields);
    Ok(value.ok_or_else(|| VaultError::NoField { secret: vault.name.clone(), field: vault.field.clone() })?)
}

/// Writes `value` into a new field of a Vault KV v2 secret (creating a new version of the secret). KV v2 replaces
/// every field on a write, so the new field is written together with the others, and only if nobody changed the
/// secret meanwhile (check-and-set, `options.cas`); an existing field is never replaced. A mount that answers the
/// write with 204 is KV v1, which ignores check-and-set: refused.
pub async fn vault_store(reference: &str, value: &str) -> Result<(), Error> {
    let vault = Vault::of(reference)?;
    // A deleted latest version has no fields; the new version is written over it (check-and-set at its number),
    // and the deleted one stays recoverable with `vault kv undelete`.
    let (version, mut fields) = match vault.current().await? {
        Current::Absent => (0, serde_json::Map::new()),
        Current::Deleted { version } => (version, serde_json::Map::new()),
        Current::Live { version, fields } => (version, fields),
    };
    if fields.contains_key(&vault.field) {
        forget(fields);
        return Err(VaultError::FieldExists { secret: vault.name.clone(), field: vault.field.clone() }.into());
    }
    fields.insert(vault.field.clone(), serde_json::Value::String(value.to_owned()));
    let written = vault.write(version, &fields).await;
    forget(fields);
    written
}

/// Wipes a secret's fields (other keys' passwords, perhaps) before they are dropped.
fn forget(mut fields: serde_json::Map<String, serde_json::Value>) {
    for v in fields.values_mut() {
        if let serde_json::Value::String(s) = v {
            zeroize::Zeroize::zeroize(s);
        }
    }
}

/// Creates the AWS Secrets Manager secret `name` holding `value` (a generated password). Never overwrites: an
/// existing secret may be the only copy of another key's password.
pub async fn aws_store(name: &str, value: &str) -> Result<(), Error> {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    match client.create_secret().name(name).secret_string(value).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_exists_exception()) => {
            Err(AwsSecretError::Exists { id: name.to_owned() }.into())
        }
        Err(e) => Err(AwsSecretError::Create { id: name.to_owned(), source: Box::new(e) }.into()),
    }
}

/// Reads an AWS Secrets Manager secret (`<id>` or `<id>#<field>` of a JSON secret), zeroised in memory.
async fn aws_read(reference: &str) -> Result<Zeroizing<String>, Error> {
    let (id, field) = match reference.split_once('#') {
        Some((id, field)) => (id, Some(field)),
        None => (reference, None),
    };
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    let value = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| AwsSecretError::Read { id: id.to_owned(), source: Box::new(e) })?;
    let text = Zeroizing::new(value.secret_string().ok_or(AwsSecretError::NoString { id: id.to_owned() })?.to_owned());
    let Some(field) = field else { return Ok(text) };
    let no_field = |field: &str| AwsSecretError::NoField { id: id.to_owned(), field: field.to_owned() };
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| AwsSecretError::NotJson { id: id.to_owned(), field: field.to_owned() })?;
    Ok(field_text(&json[field]).ok_or_else(|| no_field(field))?)
}
