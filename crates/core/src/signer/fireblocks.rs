//! A key in a Fireblocks vault account, used through Fireblocks' REST API (its public API reference:
//! "Create a new transaction" with `operation: TYPED_MESSAGE` and `rawMessageData.messages[].type: EIP712`,
//! "Get a transaction by ID"; authentication: `X-API-Key` plus a JWT signed RS256 with the API secret whose claims
//! are `uri`, `nonce`, `iat`, `exp`, `sub` (the API key) and `bodyHash` (hex SHA-256 of the body)).

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Signature},
    transports::http::reqwest::{Client, Url},
};
use zeroize::Zeroizing;

use crate::{
    Error, FireblocksError,
    http::{client, parse_url},
    secrets::SecretSource,
};

/// Connects to Fireblocks at `url` for `vault_account`'s key of `address`: the API key from the environment
/// variable `api_key_env`, the API secret (an RSA private key in PEM form) from `secret`.
pub(crate) async fn connect(
    url: &str,
    vault_account: &str,
    address: Address,
    api_key_env: &str,
    secret: &SecretSource,
) -> Result<Fireblocks, Error> {
    let api_key = std::env::var(api_key_env)
        .map_err(|_| Error::EnvVarMissing { var: api_key_env.to_owned(), what: "the Fireblocks API key" })?;
    let pem = secret.read("the Fireblocks API secret").await?;
    Fireblocks::new(url, api_key, pem, vault_account.to_owned(), address)
}

/// A key in a Fireblocks vault account (see the module's documentation).
#[derive(Debug, Clone)]
pub struct Fireblocks {
    client: Client,
    base: Url,
    api_key: String,
    secret: Zeroizing<String>,
    vault_account: String,
    address: Address,
    poll: std::time::Duration,
    give_up: std::time::Duration,
}

#[derive(serde::Serialize)]
struct FireblocksClaims<'a> {
    uri: &'a str,
    nonce: String,
    iat: u64,
    exp: u64,
    sub: &'a str,
    #[serde(rename = "bodyHash")]
    body_hash: String,
}

/// The API secret as a JWT signing key. The parser's error is dropped: the text it parsed is a secret.
fn encoding_key(secret_pem: &str) -> Result<jsonwebtoken::EncodingKey, FireblocksError> {
    jsonwebtoken::EncodingKey::from_rsa_pem(secret_pem.as_bytes()).map_err(|_| FireblocksError::BadSecret)
}

impl Fireblocks {
    /// `secret_pem` is the API user's RSA private key; it stays in memory (zeroised on drop).
    pub fn new(
        base: &str,
        api_key: String,
        secret_pem: Zeroizing<String>,
        vault_account: String,
        address: Address,
    ) -> Result<Self, Error> {
        let base = parse_url(base, "Fireblocks URL", Some("API key"))?;
        encoding_key(&secret_pem)?;
        // Signing waits for approvals on the Fireblocks side: poll every few seconds, for up to an hour.
        let ms = |var: &str, default: u64| {
            std::env::var(var)
                .ok()
                .and_then(|v| v.parse().ok())
                .map(std::time::Duration::from_millis)
                .unwrap_or(std::time::Duration::from_millis(default))
        };
        Ok(Self {
            client: client()?,
            base,
            api_key,
            secret: secret_pem,
            vault_account,
            address,
            poll: ms("OPWALLET_FIREBLOCKS_POLL_MS", 3_000),
            give_up: ms("OPWALLET_FIREBLOCKS_TIMEOUT_MS", 3_600_000),
        })
    }

    pub fn address(&self) -> Address {
        self.address
    }

    /// Fireblocks' URL as messages may show it.
    fn shown(&self) -> String {
        crate::text::redact_url(self.base.as_str())
    }

    fn jwt(&self, uri: &str, body: &[u8]) -> Result<String, FireblocksError> {
        use rand::RngCore;
        use sha2::Digest;
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
        let claims = FireblocksClaims {
            uri,
            nonce: format!("{:016x}", rand::rngs::OsRng.next_u64()),
            iat: now,
            exp: now + 25,
            sub: &self.api_key,
            body_hash: alloy::primitives::hex::encode(sha2::Sha256::digest(body)),
        };
        let key = encoding_key(&self.secret)?;
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256), &claims, &key)
            .map_err(FireblocksError::Jwt)
    }

    async fn call(&self, path: &str, body: Option<serde_json::Value>) -> Result<serde_json::Value, Error> {
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        let token = self.jwt(path, bytes.as_bytes())?;
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|_| Error::NotAUrl { what: "Fireblocks URL", url: self.shown() })?;
        let builder = if bytes.is_empty() { self.client.get(url) } else { self.client.post(url).body(bytes) };
        let unreachable = |source| FireblocksError::Unreachable { url: self.shown(), source };
        let response = builder
            .header("X-API-Key", &self.api_key)
            .header("content-type", "application/json")
            .bearer_auth(token)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        match status.as_u16() {
            200..=299 => Ok(serde_json::from_str(&text).map_err(FireblocksError::NotJson)?),
            401 | 403 => Err(FireblocksError::Refused { status }.into()),
            _ => Err(FireblocksError::Answered { status, body: text.trim().to_owned() }.into()),
        }
    }

    /// Requests an EIP-712 signature from the vault account and waits until Fireblocks has signed it.
    pub async fn sign_typed_data(&self, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
        let request = serde_json::json!({
            "operation": "TYPED_MESSAGE",
            "assetId": "ETH",
            "source": { "type": "VAULT_ACCOUNT", "id": self.vault_account },
            "note": format!("opwallet: EIP-712 digest {digest}"),
            "extraParameters": { "rawMessageData": { "messages": [ { "content": typed, "type": "EIP712" } ] } },
        });
        let created = self.call("/v1/transactions", Some(request)).await?;
        let id = created["id"].as_str().ok_or(FireblocksError::NoTransactionId)?.to_owned();
        let started = std::time::Instant::now();
        loop {
            let tx = self.call(&format!("/v1/transactions/{id}"), None).await?;
            match tx["status"].as_str().unwrap_or_default() {
                "COMPLETED" => return self.signature(&tx["signedMessages"][0]["signature"], digest),
                s @ ("FAILED" | "REJECTED" | "CANCELLED" | "BLOCKED") => {
                    let why = tx["subStatus"].as_str().unwrap_or("no reason given").to_owned();
                    return Err(FireblocksError::Ended { id, status: s.to_owned(), why }.into());
                }
                _ if started.elapsed() > self.give_up => {
                    return Err(FireblocksError::TimedOut { id, after: self.give_up }.into());
                }
                _ => tokio::time::sleep(self.poll).await,
            }
        }
    }

    /// The signature `{r, s, v}` of a completed transaction, checked to be the vault account's over `digest`.
    fn signature(&self, sig: &serde_json::Value, digest: B256) -> Result<Signature, Error> {
        let part = |part: &'static str| -> Result<B256, FireblocksError> {
            let hex = sig[part].as_str().ok_or(FireblocksError::MissingPart { part })?;
            let padded = format!("{:0>64}", hex.trim_start_matches("0x"));
            padded.parse().map_err(|_| FireblocksError::NotHex { part })
        };
        let v = sig["v"].as_u64().ok_or(FireblocksError::MissingPart { part: "v" })?;
        let mut bytes = Vec::with_capacity(65);
        bytes.extend_from_slice(part("r")?.as_slice());
        bytes.extend_from_slice(part("s")?.as_slice());
        bytes.push(match v {
            0 | 1 => 27 + v as u8, // cannot truncate: v is 0 or 1
            27 | 28 => v as u8,
            other => return Err(FireblocksError::BadV { v: other }.into()),
        });
        let signed = crate::recover(digest, &bytes)?;
        if signed != self.address {
            return Err(FireblocksError::WrongKey {
                vault_account: self.vault_account.clone(),
                signed,
                expected: self.address,
            }
            .into());
        }
        Signature::from_raw(&bytes).map_err(|e| Error::Malformed(format!("signature: {e}")))
    }
}
