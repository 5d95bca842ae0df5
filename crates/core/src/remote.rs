//! Signers whose keys never leave another system. Web3Signer has no alloy signer, so this is written against its
//! published eth1 API (Consensys web3signer, `openapi-specs/eth1/web3signer.yaml` and its JSON-RPC handlers):
//! `GET /upcheck`, `GET /api/v1/eth1/publicKeys`, and JSON-RPC on `/` with `eth_accounts` (where the REST list is
//! not exposed) and `eth_signTypedData(address, typedData)`.
//! HashiCorp Vault KV v2 (`GET /v1/<mount>/data/<path>`, `X-Vault-Token`) supplies keystore passwords.

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Signature},
    transports::http::reqwest::{Client, Url},
};
use zeroize::Zeroizing;

use crate::Error;

/// Bounds every call to a remote service: an unreachable signer must fail, never hang.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn client() -> Result<Client, Error> {
    client_with(&Tls::default())
}

/// TLS beyond the public web PKI, for services on a private network: a private CA to trust, and a client
/// certificate to present (Web3Signer's `--tls-known-clients-file` / `--tls-allow-ca-clients`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// PEM file of a CA certificate trusted in addition to the public roots.
    pub ca_cert: Option<std::path::PathBuf>,
    /// PEM file holding the client certificate (chain) and its private key.
    pub client_identity: Option<std::path::PathBuf>,
}

fn client_with(tls: &Tls) -> Result<Client, Error> {
    use alloy::transports::http::reqwest::{Certificate, Identity};
    let mut builder = Client::builder().timeout(TIMEOUT);
    if let Some(path) = &tls.ca_cert {
        let pem = std::fs::read(path)
            .map_err(|e| Error::Signer(format!("cannot read CA certificate {}: {e}", path.display())))?;
        let ca = Certificate::from_pem(&pem)
            .map_err(|e| Error::Signer(format!("{} is not a PEM certificate: {}", path.display(), chain(&e))))?;
        builder = builder.add_root_certificate(ca);
    }
    if let Some(path) = &tls.client_identity {
        let pem = Zeroizing::new(
            std::fs::read(path)
                .map_err(|e| Error::Signer(format!("cannot read client certificate {}: {e}", path.display())))?,
        );
        let identity = Identity::from_pem(&pem).map_err(|e| {
            Error::Signer(format!(
                "{} does not hold a PEM client certificate and its private key: {}",
                path.display(),
                chain(&e)
            ))
        })?;
        builder = builder.identity(identity);
    }
    builder.build().map_err(|e| Error::Signer(format!("http client: {}", chain(&e))))
}

/// An error with its causes: a request error says which request, its sources say why (refused, TLS, …).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// Whether `url` points at this machine (plain http is acceptable there).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The address of a secp256k1 public key as Web3Signer lists it: hex, uncompressed (with or without the 0x04
/// prefix) or compressed.
fn eth1_address(key: &str) -> Result<Address, Error> {
    use alloy::signers::k256::ecdsa::VerifyingKey;
    let bad = || Error::Signer(format!("web3signer listed `{key}`, which is not a secp256k1 public key"));
    let mut bytes = alloy::primitives::hex::decode(key).map_err(|_| bad())?;
    if bytes.len() == 64 {
        bytes.insert(0, 0x04);
    }
    let key = VerifyingKey::from_sec1_bytes(&bytes).map_err(|_| bad())?;
    Ok(Address::from_public_key(&key))
}

/// A key held by a Web3Signer instance, selected by address.
#[derive(Debug, Clone)]
pub struct Web3Signer {
    client: Client,
    url: Url,
    address: Address,
    bearer: Option<Zeroizing<String>>,
}

impl Web3Signer {
    /// Connects to `url`, checks `/upcheck`, and checks that it holds a key for `address`.
    pub async fn connect(
        url: &str,
        address: Address,
        bearer: Option<Zeroizing<String>>,
        tls: &Tls,
    ) -> Result<Self, Error> {
        let url: Url = url
            .parse()
            .map_err(|_| Error::Signer(format!("web3signer URL {} is not a URL", crate::text::redact_url(url))))?;
        if bearer.is_some() && url.scheme() == "http" && !is_loopback(&url) {
            return Err(Error::Signer(format!(
                "web3signer URL {} is plain http to another machine: the bearer token would cross the network \
                 unencrypted; use https://",
                crate::text::redact_url(url.as_str())
            )));
        }
        if url.scheme() != "https" && (tls.ca_cert.is_some() || tls.client_identity.is_some()) {
            return Err(Error::Signer(format!(
                "web3signer URL {} is not https, so its TLS options would be ignored: use https://",
                crate::text::redact_url(url.as_str())
            )));
        }
        let signer = Self { client: client_with(tls)?, url, address, bearer };
        let up = signer
            .request(signer.client.get(signer.url.join("upcheck").map_err(|e| Error::Signer(e.to_string()))?))
            .await?;
        if up.trim() != "OK" {
            return Err(Error::Signer(format!(
                "web3signer at {} is not up (upcheck answered `{}`)",
                signer.shown(),
                up.trim()
            )));
        }
        let accounts = signer.held_addresses().await?;
        if !accounts.contains(&address) {
            let held: Vec<String> = accounts.iter().map(|a| a.to_string()).collect();
            return Err(Error::Signer(format!(
                "web3signer at {} holds no key for {address} (it holds: {})",
                signer.shown(),
                if held.is_empty() { "none".into() } else { held.join(", ") }
            )));
        }
        Ok(signer)
    }

    pub fn address(&self) -> Address {
        self.address
    }

    /// The signer's URL as messages may show it (no credentials, no path).
    fn shown(&self) -> String {
        crate::text::redact_url(self.url.as_str())
    }

    /// The addresses of the keys the signer holds: from the REST list of secp256k1 public keys
    /// (`GET /api/v1/eth1/publicKeys`), or, where only the JSON-RPC endpoint is exposed (404), `eth_accounts`.
    async fn held_addresses(&self) -> Result<Vec<Address>, Error> {
        let list = self.url.join("api/v1/eth1/publicKeys").map_err(|e| Error::Signer(e.to_string()))?;
        let (status, body) = self.send(self.client.get(list)).await?;
        if status.as_u16() == 404 {
            return serde_json::from_value(self.rpc("eth_accounts", serde_json::json!([])).await?)
                .map_err(|e| Error::Signer(format!("web3signer eth_accounts: {e}")));
        }
        let keys: Vec<String> = serde_json::from_str(&self.check(status, body)?)
            .map_err(|e| Error::Signer(format!("web3signer publicKeys: not a list of keys: {e}")))?;
        keys.iter().map(|k| eth1_address(k)).collect()
    }

    async fn send(
        &self,
        mut builder: alloy::transports::http::reqwest::RequestBuilder,
    ) -> Result<(alloy::transports::http::reqwest::StatusCode, String), Error> {
        if let Some(token) = &self.bearer {
            builder = builder.bearer_auth(token.as_str());
        }
        let response = builder.send().await.map_err(|e| {
            let hint = if self.url.scheme() == "https" {
                " (TLS: --web3signer-ca-cert trusts a private CA, --web3signer-client-cert presents a client certificate)"
            } else {
                ""
            };
            Error::Signer(format!("web3signer at {} unreachable: {}{hint}", self.shown(), chain(&e)))
        })?;
        let status = response.status();
        let body = response.text().await.map_err(|e| Error::Signer(format!("web3signer: {e}")))?;
        Ok((status, body))
    }

    async fn request(&self, builder: alloy::transports::http::reqwest::RequestBuilder) -> Result<String, Error> {
        let (status, body) = self.send(builder).await?;
        self.check(status, body)
    }

    fn check(&self, status: alloy::transports::http::reqwest::StatusCode, body: String) -> Result<String, Error> {
        match status.as_u16() {
            200..=299 => Ok(body),
            401 | 403 => Err(Error::Signer(format!(
                "web3signer at {} refused the request ({status}): check the bearer token",
                self.shown()
            ))),
            _ => Err(Error::Signer(format!("web3signer at {} answered {status}: {}", self.shown(), body.trim()))),
        }
    }

    async fn rpc(&self, method: &str, params: serde_json::Value) -> Result<serde_json::Value, Error> {
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let text = self
            .request(
                self.client.post(self.url.clone()).header("content-type", "application/json").body(body.to_string()),
            )
            .await?;
        let mut reply: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::Signer(format!("web3signer {method}: not JSON-RPC: {e}")))?;
        if let Some(error) = reply.get("error") {
            return Err(Error::Signer(format!("web3signer {method} failed: {error}")));
        }
        Ok(reply["result"].take())
    }

    /// Signs typed data (the device-side hashing is the signer's); the signature is checked against `digest`.
    pub async fn sign_typed_data(&self, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
        let result = self.rpc("eth_signTypedData", serde_json::json!([self.address, typed])).await?;
        let hex = result.as_str().ok_or_else(|| Error::Signer("web3signer returned no signature".into()))?;
        let bytes =
            alloy::primitives::hex::decode(hex).map_err(|e| Error::Signer(format!("web3signer signature: {e}")))?;
        let recovered = crate::recover(digest, &bytes)?;
        if recovered != self.address {
            return Err(Error::Signer(format!(
                "web3signer signed with {recovered}, not {}: its typed-data hashing differs or it used another key",
                self.address
            )));
        }
        Signature::from_raw(&bytes).map_err(|e| Error::Signer(e.to_string()))
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
pub async fn vault_secret(reference: &str) -> Result<Zeroizing<String>, Error> {
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

/// A secret's field as text: a string as it is, an object (a keystore kept as JSON) serialised.
pub(crate) fn field_text(value: &serde_json::Value) -> Option<Zeroizing<String>> {
    match value {
        serde_json::Value::String(s) => Some(Zeroizing::new(s.clone())),
        serde_json::Value::Object(_) => Some(Zeroizing::new(value.to_string())),
        _ => None,
    }
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

/// A key in a Fireblocks vault account, used through Fireblocks' REST API (its public API reference:
/// "Create a new transaction" with `operation: TYPED_MESSAGE` and `rawMessageData.messages[].type: EIP712`,
/// "Get a transaction by ID"; authentication: `X-API-Key` plus a JWT signed RS256 with the API secret whose claims
/// are `uri`, `nonce`, `iat`, `exp`, `sub` (the API key) and `bodyHash` (hex SHA-256 of the body)).
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

impl Fireblocks {
    /// `secret_pem` is the API user's RSA private key; it stays in memory (zeroised on drop).
    pub fn new(
        base: &str,
        api_key: String,
        secret_pem: Zeroizing<String>,
        vault_account: String,
        address: Address,
    ) -> Result<Self, Error> {
        let base: Url = base
            .parse()
            .map_err(|_| Error::Signer(format!("Fireblocks URL {} is not a URL", crate::text::redact_url(base))))?;
        if base.scheme() == "http" && !is_loopback(&base) {
            return Err(Error::Signer(format!(
                "Fireblocks URL {} is plain http to another machine: the API key would cross the network unencrypted; \
                 use https://",
                crate::text::redact_url(base.as_str())
            )));
        }
        jsonwebtoken::EncodingKey::from_rsa_pem(secret_pem.as_bytes())
            .map_err(|_| Error::Signer("the Fireblocks API secret is not an RSA private key in PEM form".into()))?;
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

    fn jwt(&self, uri: &str, body: &[u8]) -> Result<String, Error> {
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
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(self.secret.as_bytes())
            .map_err(|_| Error::Signer("the Fireblocks API secret is not an RSA private key in PEM form".into()))?;
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256), &claims, &key)
            .map_err(|e| Error::Signer(format!("cannot sign the Fireblocks request: {e}")))
    }

    async fn call(&self, path: &str, body: Option<serde_json::Value>) -> Result<serde_json::Value, Error> {
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        let token = self.jwt(path, bytes.as_bytes())?;
        let url = self.base.join(path.trim_start_matches('/')).map_err(|e| Error::Signer(e.to_string()))?;
        let builder = if bytes.is_empty() { self.client.get(url) } else { self.client.post(url).body(bytes) };
        let response = builder
            .header("X-API-Key", &self.api_key)
            .header("content-type", "application/json")
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| {
                Error::Signer(format!(
                    "Fireblocks at {} unreachable: {}",
                    crate::text::redact_url(self.base.as_str()),
                    chain(&e)
                ))
            })?;
        let status = response.status();
        let text = response.text().await.map_err(|e| Error::Signer(format!("Fireblocks: {e}")))?;
        match status.as_u16() {
            200..=299 => serde_json::from_str(&text).map_err(|e| Error::Signer(format!("Fireblocks: not JSON: {e}"))),
            401 | 403 => Err(Error::Signer(format!(
                "Fireblocks refused the request ({status}): check the API key, its secret and its permissions"
            ))),
            _ => Err(Error::Signer(format!("Fireblocks answered {status}: {}", text.trim()))),
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
        let id = created["id"]
            .as_str()
            .ok_or_else(|| Error::Signer("Fireblocks returned no transaction id".into()))?
            .to_owned();
        let started = std::time::Instant::now();
        loop {
            let tx = self.call(&format!("/v1/transactions/{id}"), None).await?;
            match tx["status"].as_str().unwrap_or_default() {
                "COMPLETED" => {
                    let sig = &tx["signedMessages"][0]["signature"];
                    let part = |k: &str| -> Result<B256, Error> {
                        let hex = sig[k]
                            .as_str()
                            .ok_or_else(|| Error::Signer(format!("Fireblocks signature has no `{k}`")))?;
                        let padded = format!("{:0>64}", hex.trim_start_matches("0x"));
                        padded.parse().map_err(|_| Error::Signer(format!("Fireblocks signature `{k}` is not hex")))
                    };
                    let v = sig["v"].as_u64().ok_or_else(|| Error::Signer("Fireblocks signature has no `v`".into()))?;
                    let mut bytes = Vec::with_capacity(65);
                    bytes.extend_from_slice(part("r")?.as_slice());
                    bytes.extend_from_slice(part("s")?.as_slice());
                    bytes.push(match v {
                        0 | 1 => 27 + v as u8, // cannot truncate: v is 0 or 1
                        27 | 28 => v as u8,
                        other => {
                            return Err(Error::Signer(format!(
                                "Fireblocks signature has v = {other}, not 0, 1, 27 or 28"
                            )));
                        }
                    });
                    let recovered = crate::recover(digest, &bytes)?;
                    if recovered != self.address {
                        return Err(Error::Signer(format!(
                            "Fireblocks vault account {} signed with {recovered}, not {}",
                            self.vault_account, self.address
                        )));
                    }
                    return Signature::from_raw(&bytes).map_err(|e| Error::Signer(e.to_string()));
                }
                s @ ("FAILED" | "REJECTED" | "CANCELLED" | "BLOCKED") => {
                    let why = tx["subStatus"].as_str().unwrap_or("no reason given");
                    return Err(Error::Signer(format!("Fireblocks transaction {id} ended {s}: {why}")));
                }
                _ if started.elapsed() > self.give_up => {
                    return Err(Error::Signer(format!(
                        "Fireblocks transaction {id} was not signed within {:?}",
                        self.give_up
                    )));
                }
                _ => tokio::time::sleep(self.poll).await,
            }
        }
    }
}
