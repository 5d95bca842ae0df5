//! A key held by a Web3Signer. Web3Signer has no alloy signer, so this is written against its published eth1 API
//! (Consensys web3signer, `openapi-specs/eth1/web3signer.yaml` and its JSON-RPC handlers): `GET /upcheck`,
//! `GET /api/v1/eth1/publicKeys`, and JSON-RPC on `/` with `eth_accounts` (where the REST list is not exposed) and
//! `eth_signTypedData(address, typedData)`.

use std::path::{Path, PathBuf};

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Signature},
    transports::http::reqwest::{Client, RequestBuilder, StatusCode, Url},
};
use zeroize::Zeroizing;

use crate::{
    Error, Web3SignerError,
    http::{TIMEOUT, parse_url},
};

/// TLS beyond the public web PKI, for services on a private network: a private CA to trust, and a client
/// certificate to present (Web3Signer's `--tls-known-clients-file` / `--tls-allow-ca-clients`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// PEM file of a CA certificate trusted in addition to the public roots.
    pub ca_cert: Option<PathBuf>,
    /// PEM file holding the client certificate (chain) and its private key.
    pub client_identity: Option<PathBuf>,
}

fn client_with(tls: &Tls) -> Result<Client, Error> {
    use alloy::transports::http::reqwest::{Certificate, Identity};
    let read = |path: &Path, what| {
        std::fs::read(path).map(Zeroizing::new).map_err(|source| Error::FileRead { path: path.into(), what, source })
    };
    let not_pem = |path: &Path, expected| {
        let path = path.to_owned();
        move |source| Web3SignerError::Certificate { path, expected, source }
    };
    let mut builder = Client::builder().timeout(TIMEOUT);
    if let Some(path) = &tls.ca_cert {
        let ca =
            Certificate::from_pem(&read(path, "the CA certificate")?).map_err(not_pem(path, "a PEM certificate"))?;
        builder = builder.add_root_certificate(ca);
    }
    if let Some(path) = &tls.client_identity {
        let identity = Identity::from_pem(&read(path, "the client certificate")?)
            .map_err(not_pem(path, "a PEM client certificate and its private key"))?;
        builder = builder.identity(identity);
    }
    builder.build().map_err(Error::HttpClient)
}

/// The address of a secp256k1 public key as Web3Signer lists it: hex, uncompressed (with or without the 0x04
/// prefix) or compressed.
fn eth1_address(key: &str) -> Result<Address, Web3SignerError> {
    use alloy::signers::k256::ecdsa::VerifyingKey;
    let bad = || Web3SignerError::BadPublicKey { key: key.to_owned() };
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
                .map_err(|_| Error::EnvVarMissing { var: var.to_owned(), what: "the web3signer token" })?,
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
        let url = parse_url(url, "web3signer URL", bearer.as_ref().map(|_| "bearer token"))?;
        if url.scheme() != "https" && (tls.ca_cert.is_some() || tls.client_identity.is_some()) {
            return Err(Web3SignerError::TlsNeedsHttps { url: crate::text::redact_url(url.as_str()) }.into());
        }
        let signer = Self { client: client_with(tls)?, url, address, bearer };
        let up = signer.request(signer.client.get(signer.endpoint("upcheck")?)).await?;
        if up.trim() != "OK" {
            return Err(Web3SignerError::NotUp { url: signer.shown(), answer: up.trim().to_owned() }.into());
        }
        let held = signer.held_addresses().await?;
        if !held.contains(&address) {
            return Err(Web3SignerError::NoKey { url: signer.shown(), address, held }.into());
        }
        Ok(signer)
    }

    /// The address of the key this signer signs with; Web3Signer listed it when connecting.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The signer's URL as messages may show it (no credentials, no path).
    fn shown(&self) -> String {
        crate::text::redact_url(self.url.as_str())
    }

    /// `path` under the signer's URL.
    fn endpoint(&self, path: &str) -> Result<Url, Error> {
        self.url.join(path).map_err(|_| Error::NotAUrl { what: "web3signer URL", url: self.shown() })
    }

    /// The addresses of the keys the signer holds: from the REST list of secp256k1 public keys
    /// (`GET /api/v1/eth1/publicKeys`), or, where only the JSON-RPC endpoint is exposed (404), `eth_accounts`.
    async fn held_addresses(&self) -> Result<Vec<Address>, Error> {
        let (status, body) = self.send(self.client.get(self.endpoint("api/v1/eth1/publicKeys")?)).await?;
        if status.as_u16() == 404 {
            return serde_json::from_value(self.rpc("eth_accounts", serde_json::json!([])).await?)
                .map_err(|source| self.bad_answer("eth_accounts", "a list of addresses", source));
        }
        let keys: Vec<String> = serde_json::from_str(&self.check(status, body)?)
            .map_err(|source| self.bad_answer("publicKeys", "a list of public keys", source))?;
        Ok(keys.iter().map(|k| eth1_address(k)).collect::<Result<_, _>>()?)
    }

    fn bad_answer(&self, request: &'static str, expected: &'static str, source: serde_json::Error) -> Error {
        Web3SignerError::BadAnswer { url: self.shown(), request, expected, source }.into()
    }

    async fn send(&self, mut builder: RequestBuilder) -> Result<(StatusCode, String), Error> {
        if let Some(token) = &self.bearer {
            builder = builder.bearer_auth(token.as_str());
        }
        let unreachable =
            |source| Web3SignerError::Unreachable { url: self.shown(), tls: self.url.scheme() == "https", source };
        let response = builder.send().await.map_err(unreachable)?;
        let status = response.status();
        let body = response.text().await.map_err(unreachable)?;
        Ok((status, body))
    }

    async fn request(&self, builder: RequestBuilder) -> Result<String, Error> {
        let (status, body) = self.send(builder).await?;
        self.check(status, body)
    }

    fn check(&self, status: StatusCode, body: String) -> Result<String, Error> {
        match status.as_u16() {
            200..=299 => Ok(body),
            // Web3Signer's own 403 is its Host allow-list; it has no tokens, so a 401 (or another 403) is from a
            // proxy in front of it.
            403 if body.contains("Host not authorized") => Err(Web3SignerError::HostNotAllowed {
                url: self.shown(),
                host: self.url.host_str().unwrap_or_default().to_owned(),
            }
            .into()),
            401 | 403 => Err(Web3SignerError::Refused { url: self.shown(), status }.into()),
            _ => {
                Err(Web3SignerError::Answered { url: self.shown(), status, body: crate::text::escape(body.trim()) }
                    .into())
            }
        }
    }

    /// A JSON-RPC call. Web3Signer answers a JSON-RPC error with 400 (invalid params), 500 (internal error, e.g.
    /// typed data its encoder cannot hash) or 200 (e.g. an address it does not hold): the error is read whatever
    /// the status.
    async fn rpc(&self, method: &'static str, params: serde_json::Value) -> Result<serde_json::Value, Error> {
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let (status, text) = self
            .send(self.client.post(self.url.clone()).header("content-type", "application/json").body(body.to_string()))
            .await?;
        let reply = serde_json::from_str::<serde_json::Value>(&text).ok().filter(|r| r.get("jsonrpc").is_some());
        if let Some(error) = reply.as_ref().and_then(|r| r.get("error")) {
            return Err(Web3SignerError::Rpc {
                method,
                status: status.as_u16(),
                error: crate::text::escape(&error.to_string()),
            }
            .into());
        }
        let text = self.check(status, text)?;
        let mut reply: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| self.bad_answer(method, "a JSON-RPC reply", source))?;
        Ok(reply["result"].take())
    }

    /// Signs typed data (the hashing is the signer's); the signature is checked against `digest`. The typed data
    /// goes as a JSON string: Web3Signer 23.9.0 … 25.6.0 read every parameter as a string (an object fails with
    /// 500 Internal error there), and 25.9.0+ take a string or an object.
    pub async fn sign_typed_data(&self, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
        let text = serde_json::to_string(typed).map_err(|e| Error::Malformed(format!("typed data: {e}")))?;
        let result = self.rpc("eth_signTypedData", serde_json::json!([self.address, text])).await?;
        let hex = result.as_str().ok_or(Web3SignerError::NoSignature)?;
        let bytes = alloy::primitives::hex::decode(hex).map_err(Web3SignerError::SignatureNotHex)?;
        let signed = crate::recover(digest, &bytes)?;
        if signed != self.address {
            return Err(Web3SignerError::WrongKey { signed, expected: self.address }.into());
        }
        Signature::from_raw(&bytes).map_err(|e| Error::Malformed(format!("signature: {e}")))
    }
}
