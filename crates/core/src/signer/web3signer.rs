//! A key held by a Web3Signer. Web3Signer has no alloy signer, so this is written against its published eth1 API
//! (Consensys web3signer, `openapi-specs/eth1/web3signer.yaml` and its JSON-RPC handlers): `GET /upcheck`,
//! `GET /api/v1/eth1/publicKeys`, and JSON-RPC on `/` with `eth_accounts` (where the REST list is not exposed) and
//! `eth_signTypedData(address, typedData)`.

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Signature},
    transports::http::reqwest::{Client, RequestBuilder, StatusCode, Url},
};
use zeroize::Zeroizing;

use crate::{
    Error,
    http::{TIMEOUT, chain, is_loopback},
};

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

/// Connects to the Web3Signer at `url` for the key of `address`, with the bearer token in the environment variable
/// `token_env` if one is named.
pub(crate) async fn connect(
    url: &str,
    address: Address,
    token_env: Option<&str>,
    tls: &Tls,
) -> Result<Web3Signer, Error> {
    let token = match token_env {
        Some(var) => Some(Zeroizing::new(
            std::env::var(var)
                .map_err(|_| Error::Signer(format!("environment variable {var} (the web3signer token) is not set")))?,
        )),
        None => None,
    };
    Web3Signer::connect(url, address, token, tls).await
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

    async fn send(&self, mut builder: RequestBuilder) -> Result<(StatusCode, String), Error> {
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

    async fn request(&self, builder: RequestBuilder) -> Result<String, Error> {
        let (status, body) = self.send(builder).await?;
        self.check(status, body)
    }

    fn check(&self, status: StatusCode, body: String) -> Result<String, Error> {
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
