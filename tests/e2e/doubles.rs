//! Test doubles of services that cannot run here (no package in our registries), each written from the service's
//! published API and serving only loopback. A tiny threaded HTTP/1.1 server; every double answers like the real
//! service for the calls opwallet makes, including its authentication failures.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
};

use alloy::{
    primitives::Address,
    signers::{SignerSync, local::PrivateKeySigner},
};

pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: String,
}

type Handler = Arc<dyn Fn(&Request) -> (u16, String) + Send + Sync>;

/// Serves `handler` on 127.0.0.1 (a free port) until the test process ends; returns the base URL.
pub(crate) fn serve(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let handler = handler.clone();
            std::thread::spawn(move || answer(stream, &handler));
        }
    });
    url
}

/// As [`serve`], over TLS with `config` (which may demand a client certificate); returns the https base URL. A
/// failed handshake closes the connection, as a TLS server does.
pub(crate) fn serve_tls(handler: Handler, config: Arc<rustls::ServerConfig>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (handler, config) = (handler.clone(), config.clone());
            std::thread::spawn(move || {
                let Ok(connection) = rustls::ServerConnection::new(config) else { return };
                answer(rustls::StreamOwned::new(connection, stream), &handler);
            });
        }
    });
    url
}

/// Reads one HTTP/1.1 request from `stream`, answers it with `handler`, and closes.
fn answer<S: Read + Write>(stream: S, handler: &Handler) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_lowercase(), v.trim().to_owned());
        }
    }
    let len = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = reader.read_exact(&mut body);
    let request = Request { method, path, headers, body: String::from_utf8_lossy(&body).into_owned() };
    let (status, reply) = handler(&request);
    let stream = reader.get_mut();
    let _ = if status == 204 {
        // No Content: no body and no content headers.
        write!(stream, "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
    } else {
        write!(
            stream,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
            reply.len()
        )
    };
    let _ = stream.flush();
}

/// A private PKI for a TLS double: a CA, a server certificate for 127.0.0.1 and a client certificate, as PEM.
pub(crate) struct TestPki {
    pub(crate) ca_pem: String,
    pub(crate) client_pem: String,
    pub(crate) server: Arc<rustls::ServerConfig>,
}

impl TestPki {
    /// The server demands a client certificate issued by this CA (Web3Signer's `--tls-allow-ca-clients`).
    pub(crate) fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "opwallet test CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().expect("key");
        let mut server_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server_params.signed_by(&server_key, &issuer).expect("server cert");

        let client_key = KeyPair::generate().expect("key");
        let mut client_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        client_params.distinguished_name.push(rcgen::DnType::CommonName, "opwallet signer");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client_cert = client_params.signed_by(&client_key, &issuer).expect("client cert");

        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca_cert.der().clone()).expect("root");
        let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots)).build().expect("verifier");
        let server_key_der = rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der()).expect("key der");
        let server = rustls::ServerConfig::builder()
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_cert.der().clone(), ca_cert.der().clone()], server_key_der)
            .expect("server config");
        Self {
            ca_pem: ca_cert.pem(),
            client_pem: format!("{}{}", client_cert.pem(), client_key.serialize_pem()),
            server: Arc::new(server),
        }
    }
}

/// Web3Signer's eth1 mode as its source answers (Consensys/web3signer `EthSignTypedDataResultProvider`,
/// `Eth1AccountsHandler`, `PublicKeysListHandler`, `HostAllowListHandler`, `ResponseCodeSelector`; notes and
/// sources in /work/research/services.md §1), in its releases 23.9.0 … 25.6.0, whose handler reads the parameters
/// as strings: what works there works on every release.
/// - `GET /upcheck` → `OK`; `GET /api/v1/eth1/publicKeys` → `0x` + 128 hex (x ‖ y) per key.
/// - `eth_accounts` (params absent or `[]`, else 400) → the held addresses, lowercase and sorted.
/// - `eth_signTypedData(address, typedData)`: params must be an array of ≥ 2 whose first is a string (else 400
///   -32602 "Invalid params"); an address not held → 200 with -32000 "No unlocked account matches the Sender";
///   the typed data must be a JSON **string** (an object makes the old handler's cast fail: 500 -32603 "Internal
///   error"), parsed and hashed by web3j's rules ([`crate::web3j`]: unreadable JSON or unknown fields → 400, no
///   `EIP712Domain` in `types` or a value it cannot convert → 500); the standard EIP-712 digest is signed with no
///   prefix and returned as `0x` r ‖ s ‖ v with v 27/28.
/// - Any other method is not Web3Signer's: it proxies it to its Ethereum node; the double has none and answers
///   -32601 as a node would.
/// - A `Host` header whose name is not in `--http-host-allowlist` (default `localhost,127.0.0.1`) → 403
///   `{"message":"Host not authorized."}`.
///
/// Web3Signer has no token authentication of its own: `proxy_token` models an authenticating proxy in front of
/// it (401 without `Authorization: Bearer <token>`).
pub(crate) fn web3signer(keys: Vec<PrivateKeySigner>, proxy_token: Option<&'static str>) -> String {
    serve(web3signer_handler(keys, proxy_token, true, &["localhost", "127.0.0.1"]))
}

/// The Web3Signer double started with `--http-host-allowlist` set to `hosts`.
pub(crate) fn web3signer_allowing(keys: Vec<PrivateKeySigner>, hosts: &[&'static str]) -> String {
    serve(web3signer_handler(keys, None, true, hosts))
}

/// The same Web3Signer double behind TLS that demands a client certificate from `pki`'s CA, exposing only the
/// JSON-RPC endpoint and `/upcheck` (as a proxy in front of Web3Signer may): keys are found by `eth_accounts`.
pub(crate) fn web3signer_tls(keys: Vec<PrivateKeySigner>, pki: &TestPki) -> String {
    serve_tls(web3signer_handler(keys, None, false, &["localhost", "127.0.0.1"]), pki.server.clone())
}

fn web3signer_handler(
    keys: Vec<PrivateKeySigner>,
    proxy_token: Option<&'static str>,
    rest: bool,
    hosts: &[&'static str],
) -> Handler {
    let keys: HashMap<String, PrivateKeySigner> =
        keys.into_iter().map(|k| (format!("{:x}", k.address()).to_lowercase(), k)).collect();
    let hosts: Vec<String> = hosts.iter().map(|h| h.to_lowercase()).collect();
    Arc::new(move |r: &Request| {
        if let Some(t) = proxy_token
            && r.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {t}"))
        {
            return (401, r#"{"message":"Unauthorized"}"#.into());
        }
        // HostAllowListHandler: the Host header's name (its port dropped), "*" allowing any.
        let host = r.headers.get("host").map(|h| h.rsplit_once(':').map_or(h.as_str(), |(n, _)| n).to_lowercase());
        if !hosts.iter().any(|h| h == "*" || Some(h) == host.as_ref()) {
            return (403, r#"{"message":"Host not authorized."}"#.into());
        }
        if r.method == "GET" && r.path == "/upcheck" {
            return (200, "OK".into());
        }
        if r.method == "GET" && r.path == "/api/v1/eth1/publicKeys" {
            if !rest {
                return (404, r#"{"message":"Not Found"}"#.into());
            }
            // Uncompressed secp256k1 keys, 0x + 64 bytes (x ‖ y), as Web3Signer lists them.
            let listed: Vec<String> = keys
                .values()
                .map(|k| {
                    let point = k.credential().verifying_key().to_encoded_point(false);
                    alloy::primitives::hex::encode_prefixed(&point.as_bytes()[1..])
                })
                .collect();
            return (200, serde_json::json!(listed).to_string());
        }
        let Ok(call) = serde_json::from_str::<serde_json::Value>(&r.body) else {
            return (400, serde_json::json!({ "jsonrpc": "2.0", "id": null, "error": { "code": -32700, "message": "Parse error" } }).to_string());
        };
        let reply = |result: serde_json::Value| {
            (200, serde_json::json!({ "jsonrpc": "2.0", "id": call["id"], "result": result }).to_string())
        };
        // ResponseCodeSelector: invalid request/params and parse errors are 400, an internal error 500, any other
        // JSON-RPC error 200.
        let error = |status: u16, code: i64, message: &str| {
            let body = serde_json::json!({ "jsonrpc": "2.0", "id": call["id"], "error": { "code": code, "message": message } });
            (status, body.to_string())
        };
        let invalid_params = || error(400, -32602, "Invalid params");
        let params = &call["params"];
        match call["method"].as_str() {
            Some("eth_accounts") => {
                if !(params.is_null() || params.as_array().is_some_and(Vec::is_empty)) {
                    return invalid_params();
                }
                let mut held: Vec<String> = keys.keys().map(|a| format!("0x{a}")).collect();
                held.sort();
                reply(serde_json::json!(held))
            }
            Some("eth_signTypedData") => {
                let Some(params) = params.as_array().filter(|p| p.len() >= 2) else { return invalid_params() };
                let Some(from) = params[0].as_str() else { return invalid_params() };
                // The address is normalised (lowercase, 0x added) and looked up before the data is read.
                let Some(key) = keys.get(&from.trim_start_matches("0x").to_lowercase()) else {
                    return error(200, -32000, "No unlocked account matches the Sender");
                };
                // `List<String> params`: an object in params[1] fails the cast (ClassCastException → 500).
                let Some(json) = params[1].as_str() else { return error(500, -32603, "Internal error") };
                match crate::web3j::digest(json) {
                    Ok(digest) => {
                        let sig = key.sign_hash_sync(&digest).expect("sign");
                        let mut bytes = sig.as_bytes();
                        bytes[64] = 27 + u8::from(sig.v());
                        reply(serde_json::json!(alloy::primitives::hex::encode_prefixed(bytes)))
                    }
                    // Web3Signer's answer says no more than this; the reason goes to the test's output.
                    Err(crate::web3j::Failure::Invalid(why)) => {
                        eprintln!("web3signer double: invalid params: {why}");
                        invalid_params()
                    }
                    Err(crate::web3j::Failure::Internal(why)) => {
                        eprintln!("web3signer double: internal error: {why}");
                        error(500, -32603, "Internal error")
                    }
                }
            }
            _ => error(200, -32601, "Method not found"),
        }
    })
}

/// HashiCorp Vault's KV v2 HTTP API, as its plugin's source answers (hashicorp/vault-plugin-secrets-kv
/// `path_data.go`; notes and sources in /work/research/services.md §4): `GET /v1/<mount>/data/<path>` → `{"data":
/// {"data":{…},"metadata":{"version":N,…}}}`, or 404 `{"errors":[]}` for no secret, or — the latest version deleted
/// — 404 with the metadata and `"data": null`; `POST /v1/<mount>/data/<path>` with `{"data":{…}}` replaces every
/// field with a new version (answering its metadata, 200), with `{"options":{"cas":N}}` only if the current version
/// (deleted ones count) is N (0: only if the secret never existed), else 400 `check-and-set parameter did not match
/// the current version`; no `data` → 400 `no data provided`. `X-Vault-Token` required (403 without). Answers carry
/// Vault's whole response envelope. The store maps each path to its current fields.
pub(crate) fn vault(token: &'static str) -> (String, Arc<Mutex<HashMap<String, serde_json::Value>>>) {
    let double = vault_with(token, false);
    (double.url, double.store)
}

/// A Vault double and its state, for tests that arrange what a real server would have seen.
pub(crate) struct VaultDouble {
    pub(crate) url: String,
    /// Each path's current fields.
    pub(crate) store: Arc<Mutex<HashMap<String, serde_json::Value>>>,
    /// Paths whose latest version is deleted (`vault kv delete`): read as 404 with metadata.
    pub(crate) deleted: Arc<Mutex<std::collections::HashSet<String>>>,
    /// Paths another client writes to just before the next write arrives (a race lost at check-and-set).
    pub(crate) raced: Arc<Mutex<std::collections::HashSet<String>>>,
}

/// The Vault double; with `kv1`, its mount is a KV v1 mount (`passthrough.go`): `POST /v1/<mount>/data/<path>`
/// stores the request body itself as the secret `data/<path>` and answers 204 with no body, check-and-set ignored,
/// and a read answers `{"data":{…fields}}`.
pub(crate) fn vault_with(token: &'static str, kv1: bool) -> VaultDouble {
    let double =
        VaultDouble { url: String::new(), store: Arc::default(), deleted: Arc::default(), raced: Arc::default() };
    let versions: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
    let (kv, deleted, raced) = (double.store.clone(), double.deleted.clone(), double.raced.clone());
    let url = serve(Arc::new(move |r: &Request| {
        if r.headers.get("x-vault-token").map(String::as_str) != Some(token) {
            return (403, r#"{"errors":["permission denied"]}"#.into());
        }
        // The query (`?version=N`, or empty) selects a version; the double keeps only the current one.
        let path = r.path.split('?').next().unwrap_or_default();
        let Some(path) = path.strip_prefix("/v1/") else { return (404, r#"{"errors":[]}"#.into()) };
        let Some((mount, rest)) = path.split_once("/data/") else { return (404, r#"{"errors":[]}"#.into()) };
        let mut kv = kv.lock().expect("lock");
        if kv1 {
            let key = format!("{mount}/data/{rest}");
            return match r.method.as_str() {
                "GET" => match kv.get(&key) {
                    Some(data) => (200, vault_answer(data.clone())),
                    None => (404, r#"{"errors":[]}"#.into()),
                },
                "POST" | "PUT" => {
                    kv.insert(key, serde_json::from_str(&r.body).unwrap_or_default());
                    (204, String::new())
                }
                _ => (405, r#"{"errors":[]}"#.into()),
            };
        }
        let key = format!("{mount}/{rest}");
        let mut versions = versions.lock().expect("lock");
        let mut deleted = deleted.lock().expect("lock");
        // Secrets seeded directly into the store count as version 1.
        let version = |kv: &HashMap<String, serde_json::Value>, versions: &HashMap<String, u64>| {
            versions.get(&key).copied().unwrap_or(u64::from(kv.contains_key(&key)))
        };
        match r.method.as_str() {
            "GET" if deleted.contains(&key) => {
                let mut metadata = metadata(version(&kv, &versions));
                metadata["deletion_time"] = "2026-01-02T00:00:00.000000000Z".into();
                (404, vault_answer(serde_json::json!({ "data": null, "metadata": metadata })))
            }
            "GET" => match kv.get(&key) {
                Some(data) => (
                    200,
                    vault_answer(serde_json::json!({ "data": data, "metadata": metadata(version(&kv, &versions)) })),
                ),
                None => (404, r#"{"errors":[]}"#.into()),
            },
            "POST" | "PUT" => {
                if raced.lock().expect("lock").remove(&key) {
                    let next = version(&kv, &versions) + 1;
                    kv.insert(key.clone(), serde_json::json!({ "written": "by another client" }));
                    versions.insert(key.clone(), next);
                }
                let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
                let current = version(&kv, &versions);
                if !body["data"].is_object() {
                    return (400, r#"{"errors":["no data provided"]}"#.into());
                }
                if let Some(cas) = body["options"]["cas"].as_u64()
                    && cas != current
                {
                    return (400, r#"{"errors":["check-and-set parameter did not match the current version"]}"#.into());
                }
                kv.insert(key.clone(), body["data"].clone());
                deleted.remove(&key);
                versions.insert(key, current + 1);
                (200, vault_answer(metadata(current + 1)))
            }
            _ => (405, r#"{"errors":[]}"#.into()),
        }
    }));
    VaultDouble { url, ..double }
}

/// Vault's response envelope around `data`.
fn vault_answer(data: serde_json::Value) -> String {
    serde_json::json!({
        "request_id": "00000000-0000-0000-0000-000000000000",
        "lease_id": "",
        "renewable": false,
        "lease_duration": 0,
        "data": data,
        "wrap_info": null,
        "warnings": null,
        "auth": null,
    })
    .to_string()
}

/// A KV v2 secret version's metadata, as Vault reports it.
fn metadata(version: u64) -> serde_json::Value {
    serde_json::json!({
        "created_time": "2026-01-01T00:00:00.000000000Z",
        "custom_metadata": null,
        "deletion_time": "",
        "destroyed": false,
        "version": version,
    })
}

/// A JSON-RPC proxy in front of `upstream` (an Anvil): each request is offered to `rewrite` first, which may answer
/// it itself (a lying node); everything else is forwarded unchanged. Serves loopback until the test process ends.
pub(crate) fn rpc_proxy(
    upstream: String,
    rewrite: impl Fn(&serde_json::Value) -> Option<serde_json::Value> + Send + Sync + 'static,
) -> String {
    serve(Arc::new(move |r: &Request| {
        let request: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        if let Some(result) = rewrite(&request) {
            let mut answer = serde_json::json!({ "jsonrpc": "2.0", "id": request["id"] });
            match result.get("error") {
                Some(error) => answer["error"] = error.clone(),
                None => answer["result"] = result,
            }
            return (200, answer.to_string());
        }
        (200, forward(&upstream, &r.body))
    }))
}

/// POSTs `body` to `url` over plain HTTP/1.1 and returns the response body.
pub(crate) fn forward(url: &str, body: &str) -> String {
    http(url, "POST", "/", &[("content-type", "application/json")], body).1
}

/// One plain HTTP/1.1 request to the server at `url` (`http://host:port`); returns the status and the body.
pub(crate) fn http(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).expect("upstream");
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("host: {address}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    write!(stream, "{head}content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, rest) = response.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    if head.to_lowercase().contains("transfer-encoding: chunked") {
        // Decode chunks: size line, data, CRLF … until 0.
        let mut out = String::new();
        let mut rest = rest;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&tail[..n]);
            rest = &tail[n + 2..];
        }
        (status, out)
    } else {
        (status, rest.to_owned())
    }
}

/// The 4-byte selector an `eth_call` request calls, and its target.
pub(crate) fn eth_call(request: &serde_json::Value) -> Option<(String, String)> {
    if request["method"] != "eth_call" {
        return None;
    }
    let tx = &request["params"][0];
    let data = tx["input"].as_str().or_else(|| tx["data"].as_str())?;
    Some((tx["to"].as_str()?.to_lowercase(), data.get(..10)?.to_lowercase()))
}

/// Fireblocks' REST API (its public API reference; notes and sources in /work/research/services.md §2): every
/// request needs `X-API-Key` and a JWT signed RS256 with the API secret, whose claims carry `uri`, `sub` (the API
/// key) and `bodyHash` (hex SHA-256 of the body), or it answers 401. `POST /v1/transactions` with `operation:
/// TYPED_MESSAGE` and an `EIP712` message creates a signing transaction; `GET /v1/transactions/{id}` reports it.
///
/// The message's `content` must be the typed data object in the shape of the one client known to work against
/// the real API (ethers' payload, forwarded by `fireblocks-web3-provider`; Fireblocks documents no other):
/// `types` with `EIP712Domain`, `domain.chainId` a JSON number, every `uint`/`int` a decimal string; anything else
/// is refused with 400. It is hashed by web3j's rules ([`crate::web3j`]), not by the client's alloy code.
///
/// The vault account `vault.0` signs: its transaction goes SUBMITTED → QUEUED → PENDING_AUTHORIZATION →
/// PENDING_SIGNATURE → COMPLETED with `signedMessages[0]` as Fireblocks fills it (`signature {fullSig, r, s, v}`,
/// hex without 0x, v the recovery id 0/1). The accounts of [`FIREBLOCKS_ENDINGS`] end as named there; the account
/// `stuck` stays PENDING_AUTHORIZATION.
pub(crate) fn fireblocks(api_key: &'static str, public_pem: String, vault: (&'static str, PrivateKeySigner)) -> String {
    use sha2::Digest;
    #[derive(serde::Deserialize)]
    struct Claims {
        uri: String,
        sub: String,
        #[serde(rename = "bodyHash")]
        body_hash: String,
    }
    /// A signing transaction: times polled, the signature once made, its ending (status, sub-status).
    struct Tx {
        polled: usize,
        signed: Option<(alloy::primitives::Signature, serde_json::Value)>,
        ending: Option<(&'static str, Option<&'static str>)>,
    }
    const ON_THE_WAY: [&str; 3] = ["QUEUED", "PENDING_AUTHORIZATION", "PENDING_SIGNATURE"];
    let txs: Arc<Mutex<HashMap<String, Tx>>> = Arc::default();
    serve(Arc::new(move |r: &Request| {
        let unauthorized = (401, r#"{"message":"Unauthorized","code":-7}"#.to_owned());
        if r.headers.get("x-api-key").map(String::as_str) != Some(api_key) {
            return unauthorized;
        }
        let Some(token) = r.headers.get("authorization").and_then(|a| a.strip_prefix("Bearer ")) else {
            return unauthorized;
        };
        let Ok(key) = jsonwebtoken::DecodingKey::from_rsa_pem(public_pem.as_bytes()) else { return unauthorized };
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_required_spec_claims(&["exp"]);
        let Ok(data) = jsonwebtoken::decode::<Claims>(token, &key, &validation) else { return unauthorized };
        let body_hash = alloy::primitives::hex::encode(sha2::Sha256::digest(r.body.as_bytes()));
        if data.claims.uri != r.path || data.claims.sub != api_key || data.claims.body_hash != body_hash {
            return unauthorized;
        }
        let mut txs = txs.lock().expect("lock");
        if r.method == "POST" && r.path == "/v1/transactions" {
            let req: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
            let message = &req["extraParameters"]["rawMessageData"]["messages"][0];
            if req["operation"] != "TYPED_MESSAGE" || message["type"] != "EIP712" {
                return (400, r#"{"message":"unsupported operation","code":1}"#.into());
            }
            let bad_content = |why: String| (400, serde_json::json!({ "message": why, "code": 2 }).to_string());
            if let Err(why) = ethers_shape(&message["content"]) {
                return bad_content(why);
            }
            let account = req["source"]["id"].as_str().unwrap_or_default();
            let id = format!("tx-{}", txs.len() + 1);
            let tx = if account == vault.0 {
                let digest = match crate::web3j::digest_of(&message["content"]) {
                    Ok(digest) => digest,
                    Err(why) => return bad_content(format!("invalid typed data: {why:?}")),
                };
                let signature = vault.1.sign_hash_sync(&digest).expect("sign");
                Tx { polled: 0, signed: Some((signature, message["content"].clone())), ending: None }
            } else if account == "stuck" {
                Tx { polled: 0, signed: None, ending: None }
            } else if let Some((_, status, sub)) = FIREBLOCKS_ENDINGS.iter().find(|(a, ..)| *a == account) {
                Tx { polled: 0, signed: None, ending: Some((status, *sub)) }
            } else {
                return (400, r#"{"message":"vault account not found","code":11001}"#.into());
            };
            txs.insert(id.clone(), tx);
            return (200, serde_json::json!({ "id": id, "status": "SUBMITTED" }).to_string());
        }
        if let Some(id) = r.path.strip_prefix("/v1/transactions/") {
            let Some(tx) = txs.get_mut(id) else { return (404, r#"{"message":"not found"}"#.into()) };
            tx.polled += 1;
            let under_way = match (&tx.signed, tx.ending) {
                (None, None) => Some("PENDING_AUTHORIZATION"),
                _ => ON_THE_WAY.get(tx.polled - 1).copied(),
            };
            if let Some(status) = under_way {
                return (200, serde_json::json!({ "id": id, "status": status }).to_string());
            }
            if let Some((status, sub)) = tx.ending {
                let mut body = serde_json::json!({ "id": id, "status": status });
                if let Some(sub) = sub {
                    body["subStatus"] = sub.into();
                }
                return (200, body.to_string());
            }
            let (sig, content) = tx.signed.clone().expect("signed");
            let bytes = sig.as_bytes();
            let (r_hex, s_hex) =
                (alloy::primitives::hex::encode(&bytes[..32]), alloy::primitives::hex::encode(&bytes[32..64]));
            let public = vault.1.credential().verifying_key().to_encoded_point(true);
            let body = serde_json::json!({
                "id": id,
                "status": "COMPLETED",
                "subStatus": "",
                "signedMessages": [{
                    "content": content,
                    "algorithm": "MPC_ECDSA_SECP256K1",
                    "derivationPath": [44, 60, 0, 0, 0],
                    "signature": { "fullSig": format!("{r_hex}{s_hex}"), "r": r_hex, "s": s_hex, "v": u8::from(sig.v()) },
                    "publicKey": alloy::primitives::hex::encode(public.as_bytes()),
                }],
            });
            return (200, body.to_string());
        }
        (404, r#"{"message":"not found"}"#.into())
    }))
}

/// Vault accounts of the Fireblocks double whose transactions end other than COMPLETED: (account, status,
/// sub-status), as Fireblocks reports them (a signer who rejects in the mobile app ends it CANCELLED with
/// REJECTED_BY_USER; a missing Typed Message policy rule, BLOCKED_BY_POLICY).
pub(crate) const FIREBLOCKS_ENDINGS: [(&str, &str, Option<&str>); 5] = [
    ("rejects", "CANCELLED", Some("REJECTED_BY_USER")),
    ("blocked", "BLOCKED", Some("BLOCKED_BY_POLICY")),
    ("frozen", "REJECTED", Some("AUTO_FREEZE")),
    ("fails", "FAILED", Some("AUTHORIZATION_FAILED")),
    ("slow", "TIMEOUT", None),
];

/// Checks that `content` is typed data in ethers' payload shape (see [`fireblocks`]).
fn ethers_shape(content: &serde_json::Value) -> Result<(), String> {
    let types = content["types"].as_object().ok_or("EIP712 content must be the typed data object")?;
    if !types.contains_key("EIP712Domain") {
        return Err("types must include EIP712Domain".into());
    }
    if !content["domain"]["chainId"].is_u64() {
        return Err(format!("domain.chainId must be a number, not {}", content["domain"]["chainId"]));
    }
    let primary = content["primaryType"].as_str().ok_or("no primaryType")?;
    crate::web3j::walk(types, primary, &content["message"], &mut |ty, value| {
        let decimal = value.as_str().is_some_and(|s| {
            let digits = s.strip_prefix('-').unwrap_or(s);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        });
        if (ty.starts_with("uint") || ty.starts_with("int")) && !decimal {
            return Err(format!("a {ty} must be a decimal string, not {value}"));
        }
        Ok(())
    })
}

/// LocalStack (a real AWS emulator, not a double: KMS answers `Sign` with `MessageType=DIGEST` like AWS) on a free
/// loopback port, from the venv `tools/localstack` installs. Its process group is killed on drop.
pub(crate) struct LocalStack {
    child: std::process::Child,
    pub(crate) endpoint: String,
}

impl LocalStack {
    /// The environment a CLI run needs to reach this LocalStack the AWS way.
    pub(crate) fn env(&self) -> [(&'static str, &str); 4] {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
        ]
    }

    /// An AWS SDK configuration for the test's own set-up calls (creating keys and secrets).
    pub(crate) async fn sdk_config(&self) -> alloy::signers::aws::aws_config::SdkConfig {
        use alloy::signers::aws::{aws_config, aws_sdk_kms::config::Credentials};
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .load()
            .await
    }

    pub(crate) fn start() -> Self {
        use std::os::unix::process::CommandExt;
        let python = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv-localstack/bin/python");
        assert!(
            std::path::Path::new(python).exists(),
            "LocalStack is not installed: run tools/localstack (make test does)"
        );
        let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        // A watchdog shell owns LocalStack and ends it as soon as this test process is gone, so a test killed by a
        // timeout cannot leave it running.
        let watchdog = r#""$LS_PYTHON" -m localstack.runtime.main >/dev/null 2>&1 & ls=$!
while kill -0 "$TEST_PID" 2>/dev/null && kill -0 "$ls" 2>/dev/null; do sleep 1; done
kill -9 "$ls" 2>/dev/null"#;
        let child = std::process::Command::new("sh")
            .args(["-c", watchdog])
            .env("LS_PYTHON", python)
            .env("TEST_PID", std::process::id().to_string())
            .env("GATEWAY_SERVER", "hypercorn")
            .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
            .env("SERVICES", "kms,secretsmanager,s3")
            .env("DNS_ADDRESS", "0")
            .env("LOCALSTACK_HOST", format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .expect("LocalStack starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let started = std::time::Instant::now();
        loop {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let _ = write!(s, "GET /_localstack/health HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n");
                let mut head = [0u8; 12];
                if s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200") {
                    break;
                }
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(60), "LocalStack did not start within 60 s");
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        Self { child, endpoint }
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        // Only what we started: the process group we created for it.
        let _ = std::process::Command::new("kill").args(["-9", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// EigenLayer's rewards sidecar, `POST /rewards/v1/claim-proof` (protocol-apis `rewards/rpc.proto`, served through
/// grpc-gateway as ProtoJSON: camelCase fields, bytes in base64, amounts as decimal strings), answering from
/// `distribution`'s root at `index`. An earner not in the distribution gets the sidecar's 500.
pub(crate) fn rewards_sidecar(distribution: opwallet_core::rewards::Distribution, index: u32) -> String {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    serve(Arc::new(move |r: &Request| {
        if r.method != "POST" || r.path != "/rewards/v1/claim-proof" {
            return (404, r#"{"code":5,"message":"Not Found"}"#.into());
        }
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let Some(earner) = body["earnerAddress"].as_str().and_then(|e| e.parse::<Address>().ok()) else {
            return (400, r#"{"code":3,"message":"earner address is required"}"#.into());
        };
        let Some(claim) = distribution.claim(index, earner) else {
            return (500, r#"{"code":13,"message":"Failed to generate claim proof: earner index not found"}"#.into());
        };
        let proof = serde_json::json!({
            "root": b64(distribution.root().as_slice()),
            "rootIndex": claim.rootIndex,
            "earnerIndex": claim.earnerIndex,
            "earnerTreeProof": b64(&claim.earnerTreeProof),
            "earnerLeaf": { "earner": claim.earnerLeaf.earner.to_checksum(None), "earnerTokenRoot": b64(claim.earnerLeaf.earnerTokenRoot.as_slice()) },
            "tokenIndices": claim.tokenIndices,
            "tokenTreeProofs": claim.tokenTreeProofs.iter().map(|p| b64(p)).collect::<Vec<_>>(),
            "tokenLeaves": claim.tokenLeaves.iter().map(|l| serde_json::json!({ "token": l.token.to_checksum(None), "cumulativeEarnings": l.cumulativeEarnings.to_string() })).collect::<Vec<_>>(),
        });
        (200, serde_json::json!({ "proof": proof }).to_string())
    }))
}

/// What a faulty node does with one JSON-RPC request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Forwards it and returns the answer.
    None,
    /// Forwards it, then loses the answer: HTTP 502 with an empty body.
    LoseAnswer,
    /// Answers 502 without forwarding.
    Refuse,
    /// Answers 503 (temporarily unavailable) without forwarding.
    Unavailable,
    /// Forwards it, then holds the connection for this many seconds before losing the answer.
    Hang(u64),
}

/// A node in front of `upstream` that misbehaves per request as `fault` says (by the request's JSON).
pub(crate) fn faulty_node(
    upstream: String,
    fault: impl Fn(&serde_json::Value) -> Fault + Send + Sync + 'static,
) -> String {
    serve(Arc::new(move |r: &Request| {
        let request: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        match fault(&request) {
            Fault::None => (200, forward(&upstream, &r.body)),
            Fault::LoseAnswer => {
                forward(&upstream, &r.body);
                (502, String::new())
            }
            Fault::Refuse => (502, String::new()),
            Fault::Unavailable => (503, String::new()),
            Fault::Hang(seconds) => {
                forward(&upstream, &r.body);
                std::thread::sleep(std::time::Duration::from_secs(seconds));
                (502, String::new())
            }
        }
    }))
}
