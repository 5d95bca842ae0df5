//! Secrets kept outside opwallet: keystore passwords, keystores themselves and Fireblocks API secrets, read from an
//! environment variable, a file, HashiCorp Vault KV v2 (`$VAULT_ADDR`, `$VAULT_TOKEN`) or AWS Secrets Manager, and
//! new passwords written to Vault or Secrets Manager, never over an existing one. Secrets are held zeroised in
//! memory and never appear in messages.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::{
    AwsSecretError, Error, VaultError,
    http::{client, parse_url},
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

/// Where a Vault KV v2 reference `<mount>/<path>#<field>` lives: URL of its data endpoint, the field, the
/// secret's name for messages (`<mount>/<path>`), the server as messages show it, and the token ($VAULT_ADDR,
/// $VAULT_TOKEN).
struct VaultTarget {
    url: String,
    field: String,
    name: String,
    shown: String,
    token: Zeroizing<String>,
}

impl VaultTarget {
    fn of(reference: &str) -> Result<Self, Error> {
        let malformed = || VaultError::Reference { reference: reference.to_owned() };
        let (path, field) = reference.split_once('#').ok_or_else(malformed)?;
        let (mount, rest) = path.split_once('/').ok_or_else(malformed)?;
        let var = |var: &str, what| std::env::var(var).map_err(|_| Error::EnvVarMissing { var: var.into(), what });
        let addr = var("VAULT_ADDR", "the Vault server's address")?;
        parse_url(&addr, "VAULT_ADDR", Some("Vault token"))?;
        let token = Zeroizing::new(var("VAULT_TOKEN", "the Vault token")?);
        Ok(Self {
            url: format!("{}/v1/{mount}/data/{rest}", addr.trim_end_matches('/')),
            field: field.to_owned(),
            name: format!("{mount}/{rest}"),
            shown: crate::text::redact_url(&addr),
            token,
        })
    }

    fn unreachable(&self, source: alloy::transports::http::reqwest::Error) -> VaultError {
        VaultError::Unreachable { addr: self.shown.clone(), source }
    }

    /// The secret's current version and fields (version 0 and none if it does not exist yet).
    async fn current(&self) -> Result<Option<(u64, serde_json::Map<String, serde_json::Value>)>, Error> {
        let response = client()?
            .get(&self.url)
            .header("X-Vault-Token", self.token.as_str())
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status().as_u16();
        let body = Zeroizing::new(response.text().await.map_err(|e| self.unreachable(e))?);
        match status {
            200 => {}
            404 => return Ok(None),
            403 => return Err(VaultError::Denied { secret: self.name.clone() }.into()),
            status => return Err(VaultError::Status { secret: self.name.clone(), status }.into()),
        }
        let mut current: serde_json::Value = serde_json::from_str(&body)
            .map_err(|source| VaultError::BadAnswer { secret: self.name.clone(), source })?;
        let version = current["data"]["metadata"]["version"].as_u64().unwrap_or(0);
        let fields = match current["data"]["data"].take() {
            serde_json::Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        };
        Ok(Some((version, fields)))
    }
}

/// A HashiCorp Vault KV v2 secret field, `<mount>/<path>#<field>`, read with `$VAULT_ADDR` and `$VAULT_TOKEN`.
async fn vault_read(reference: &str) -> Result<Zeroizing<String>, Error> {
    let t = VaultTarget::of(reference)?;
    let (_, fields) = t.current().await?.ok_or_else(|| VaultError::NoSecret { secret: t.name.clone() })?;
    let value = fields.get(&t.field).and_then(field_text);
    forget(fields);
    Ok(value.ok_or_else(|| VaultError::NoField { secret: t.name.clone(), field: t.field.clone() })?)
}

/// Writes `value` into a new field of a Vault KV v2 secret (creating a new version of the secret). KV v2 replaces
/// every field on a write, so the new field is written together with the others, and only if nobody changed the
/// secret meanwhile (check-and-set, `options.cas`); an existing field is never replaced.
pub async fn vault_store(reference: &str, value: &str) -> Result<(), Error> {
    let t = VaultTarget::of(reference)?;
    let (version, mut fields) = t.current().await?.unwrap_or_default();
    if fields.contains_key(&t.field) {
        forget(fields);
        return Err(VaultError::FieldExists { secret: t.name.clone(), field: t.field.clone() }.into());
    }
    fields.insert(t.field.clone(), serde_json::Value::String(value.to_owned()));
    let body = Zeroizing::new(serde_json::json!({ "options": { "cas": version }, "data": &fields }).to_string());
    forget(fields);
    let response = client()?
        .post(&t.url)
        .header("X-Vault-Token", t.token.as_str())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| t.unreachable(e))?;
    match response.status().as_u16() {
        200 | 204 => Ok(()),
        400 => Err(VaultError::Conflict { secret: t.name }.into()),
        403 => Err(VaultError::Denied { secret: t.name }.into()),
        status => Err(VaultError::Status { secret: t.name, status }.into()),
    }
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
