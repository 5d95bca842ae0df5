//! Secrets kept outside opwallet: keystore passwords, keystores themselves and Fireblocks API secrets, read from an
//! environment variable, a file, HashiCorp Vault KV v2 (`$VAULT_ADDR`, `$VAULT_TOKEN`) or AWS Secrets Manager, and
//! new passwords written to Vault or Secrets Manager, never over an existing one. Secrets are held zeroised in
//! memory and never appear in messages.

use std::path::{Path, PathBuf};

use alloy::transports::http::reqwest::Url;
use zeroize::Zeroizing;

use crate::{
    Error,
    http::{chain, client, is_loopback},
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
    /// A password: as [`SecretSource::read`], but only the first line of a file.
    pub(crate) async fn read_password(&self) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::File(file) => read_first_line(file),
            other => other.read().await,
        }
    }

    /// The whole secret (a keystore's JSON, a PEM key), zeroised in memory.
    pub(crate) async fn read(&self) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::Env(var) => std::env::var(var)
                .map(Zeroizing::new)
                .map_err(|_| Error::Signer(format!("environment variable {var} (the keystore password) is not set"))),
            Self::File(path) => std::fs::read_to_string(path)
                .map(Zeroizing::new)
                .map_err(|e| Error::Signer(format!("cannot read {}: {e}", path.display()))),
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

/// The first line of the file at `path`, trimmed, zeroised in memory.
pub(crate) fn read_first_line(path: &Path) -> Result<Zeroizing<String>, Error> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| Error::Signer(format!("cannot read {}: {e}", path.display())))?,
    );
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
/// secret's name for messages, and the token ($VAULT_ADDR, $VAULT_TOKEN).
struct VaultTarget {
    url: String,
    field: String,
    name: String,
    addr: String,
    token: Zeroizing<String>,
}

fn vault_target(reference: &str) -> Result<VaultTarget, Error> {
    let malformed = || Error::Signer(format!("vault reference `{reference}` must be <mount>/<path>#<field>"));
    let (path, field) = reference.split_once('#').ok_or_else(malformed)?;
    let (mount, rest) = path.split_once('/').ok_or_else(malformed)?;
    let addr = std::env::var("VAULT_ADDR").map_err(|_| Error::Signer("VAULT_ADDR is not set".into()))?;
    let parsed: Url = addr
        .parse()
        .map_err(|_| Error::Signer(format!("VAULT_ADDR {} is not a URL", crate::text::redact_url(&addr))))?;
    if parsed.scheme() == "http" && !is_loopback(&parsed) {
        return Err(Error::Signer(format!(
            "VAULT_ADDR {} is plain http to another machine: the Vault token would cross the network unencrypted; \
             use https://",
            crate::text::redact_url(&addr)
        )));
    }
    let token =
        Zeroizing::new(std::env::var("VAULT_TOKEN").map_err(|_| Error::Signer("VAULT_TOKEN is not set".into()))?);
    Ok(VaultTarget {
        url: format!("{}/v1/{mount}/data/{rest}", addr.trim_end_matches('/')),
        field: field.to_owned(),
        name: format!("{mount}/{rest}"),
        addr,
        token,
    })
}

/// A HashiCorp Vault KV v2 secret field, `<mount>/<path>#<field>`, read with `$VAULT_ADDR` and `$VAULT_TOKEN`.
async fn vault_read(reference: &str) -> Result<Zeroizing<String>, Error> {
    let t = vault_target(reference)?;
    let response = client()?.get(&t.url).header("X-Vault-Token", t.token.as_str()).send().await.map_err(|e| {
        Error::Signer(format!("vault at {} unreachable: {}", crate::text::redact_url(&t.addr), chain(&e)))
    })?;
    let status = response.status();
    let body = Zeroizing::new(response.text().await.map_err(|e| Error::Signer(format!("vault: {e}")))?);
    match status.as_u16() {
        200 => {}
        403 => {
            return Err(Error::Signer(format!(
                "vault refused {}: permission denied (check VAULT_TOKEN and its policy)",
                t.name
            )));
        }
        404 => return Err(Error::Signer(format!("vault has no secret {}", t.name))),
        _ => return Err(Error::Signer(format!("vault answered {status} for {}", t.name))),
    }
    let value: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| Error::Signer(format!("vault: not JSON: {e}")))?;
    field_text(&value["data"]["data"][&t.field])
        .ok_or_else(|| Error::Signer(format!("vault secret {} has no field `{}`", t.name, t.field)))
}

/// Writes `value` into a Vault KV v2 secret field (creating a new version of the secret).
pub async fn vault_store(reference: &str, value: &str) -> Result<(), Error> {
    let t = vault_target(reference)?;
    let unreachable = |e: &dyn std::error::Error| {
        Error::Signer(format!("vault at {} unreachable: {}", crate::text::redact_url(&t.addr), chain(e)))
    };
    // Read the secret's current version and fields: KV v2 replaces every field on a write, so the new field is
    // written together with the others, and only if nobody changed the secret meanwhile (check-and-set).
    let response =
        client()?.get(&t.url).header("X-Vault-Token", t.token.as_str()).send().await.map_err(|e| unreachable(&e))?;
    let status = response.status().as_u16();
    let body = Zeroizing::new(response.text().await.map_err(|e| unreachable(&e))?);
    let (version, mut fields) = match status {
        404 => (0u64, serde_json::Map::new()),
        200 => {
            let current: serde_json::Value =
                serde_json::from_str(&body).map_err(|e| Error::Signer(format!("vault: not JSON: {e}")))?;
            let version = current["data"]["metadata"]["version"].as_u64().unwrap_or(0);
            let fields = current["data"]["data"].as_object().cloned().unwrap_or_default();
            (version, fields)
        }
        403 => {
            return Err(Error::Signer(format!(
                "vault refused {}: permission denied (check VAULT_TOKEN and its policy)",
                t.name
            )));
        }
        other => return Err(Error::Signer(format!("vault answered {other} for {}", t.name))),
    };
    if fields.contains_key(&t.field) {
        return Err(Error::Signer(format!(
            "vault secret {} already has a field `{}`: opwallet never overwrites a password (it may be the only copy \
             of another key's); choose another field or path",
            t.name, t.field
        )));
    }
    fields.insert(t.field.clone(), serde_json::Value::String(value.to_owned()));
    let body = Zeroizing::new(serde_json::json!({ "options": { "cas": version }, "data": fields }).to_string());
    for v in fields.values_mut() {
        if let serde_json::Value::String(s) = v {
            zeroize::Zeroize::zeroize(s);
        }
    }
    let response = client()?
        .post(&t.url)
        .header("X-Vault-Token", t.token.as_str())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| unreachable(&e))?;
    match response.status().as_u16() {
        200 | 204 => Ok(()),
        400 => Err(Error::Signer(format!(
            "vault refused to store {}: the secret changed while opwallet was writing it (check-and-set), or the \
             mount is not KV v2; nothing was overwritten, run again",
            t.name
        ))),
        other => Err(Error::Signer(format!("vault refused to store {}: HTTP {other}", t.name))),
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
async fn aws_read(reference: &str) -> Result<Zeroizing<String>, Error> {
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
            field_text(&json[field])
                .ok_or_else(|| Error::Signer(format!("AWS Secrets Manager secret `{id}` has no field `{field}`")))
        }
    }
}
