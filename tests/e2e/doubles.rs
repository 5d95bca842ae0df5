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
    dyn_abi::TypedData,
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
            let Ok(mut stream) = stream else { continue };
            let handler = handler.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let mut parts = line.split_whitespace();
                let (method, path) =
                    (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
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
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            });
        }
    });
    url
}

/// Web3Signer's eth1 API (Consensys web3signer `openapi-specs/eth1/web3signer.yaml` and its JSON-RPC handlers):
/// `GET /upcheck` → `OK`; JSON-RPC on `/`: `eth_accounts`, `eth_signTypedData(address, typedData)`, which hashes
/// the typed data itself (EIP-712) and returns `0x` r‖s‖v. With a token, requests need `Authorization: Bearer`.
pub(crate) fn web3signer(keys: Vec<PrivateKeySigner>, token: Option<&'static str>) -> String {
    let keys: HashMap<Address, PrivateKeySigner> = keys.into_iter().map(|k| (k.address(), k)).collect();
    serve(Arc::new(move |r: &Request| {
        if let Some(t) = token
            && r.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {t}"))
        {
            return (401, r#"{"message":"Unauthorized"}"#.into());
        }
        if r.method == "GET" && r.path == "/upcheck" {
            return (200, "OK".into());
        }
        let call: serde_json::Value = match serde_json::from_str(&r.body) {
            Ok(v) => v,
            Err(_) => return (400, r#"{"message":"bad request"}"#.into()),
        };
        let reply = |result: serde_json::Value| {
            serde_json::json!({ "jsonrpc": "2.0", "id": call["id"], "result": result }).to_string()
        };
        let error = |message: &str| {
            serde_json::json!({ "jsonrpc": "2.0", "id": call["id"], "error": { "code": -32000, "message": message } })
                .to_string()
        };
        match call["method"].as_str() {
            Some("eth_accounts") => (200, reply(serde_json::json!(keys.keys().collect::<Vec<_>>()))),
            Some("eth_signTypedData") => {
                let Some(key) =
                    call["params"][0].as_str().and_then(|a| a.parse::<Address>().ok()).and_then(|a| keys.get(&a))
                else {
                    return (200, error("Signer not found"));
                };
                let Ok(typed) = serde_json::from_value::<TypedData>(call["params"][1].clone()) else {
                    return (200, error("Invalid typed data"));
                };
                let Ok(hash) = typed.eip712_signing_hash() else { return (200, error("Invalid typed data")) };
                let sig = key.sign_hash_sync(&hash).expect("sign");
                (200, reply(serde_json::json!(alloy::primitives::hex::encode_prefixed(sig.as_bytes()))))
            }
            _ => (200, error("Method not found")),
        }
    }))
}

/// HashiCorp Vault KV v2 HTTP API: `GET /v1/<mount>/data/<path>` → `{"data":{"data":{…},"metadata":{…}}}`,
/// `POST /v1/<mount>/data/<path>` with `{"data":{…}}` writes a new version; `X-Vault-Token` required (403 without).
pub(crate) fn vault(token: &'static str) -> (String, Arc<Mutex<HashMap<String, serde_json::Value>>>) {
    let store: Arc<Mutex<HashMap<String, serde_json::Value>>> = Arc::default();
    let kv = store.clone();
    let url = serve(Arc::new(move |r: &Request| {
        if r.headers.get("x-vault-token").map(String::as_str) != Some(token) {
            return (403, r#"{"errors":["permission denied"]}"#.into());
        }
        let Some(path) = r.path.strip_prefix("/v1/") else { return (404, r#"{"errors":[]}"#.into()) };
        let Some((mount, rest)) = path.split_once("/data/") else { return (404, r#"{"errors":[]}"#.into()) };
        let key = format!("{mount}/{rest}");
        let mut kv = kv.lock().expect("lock");
        match r.method.as_str() {
            "GET" => match kv.get(&key) {
                Some(data) => {
                    (200, serde_json::json!({ "data": { "data": data, "metadata": { "version": 1 } } }).to_string())
                }
                None => (404, r#"{"errors":[]}"#.into()),
            },
            "POST" | "PUT" => {
                let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
                kv.insert(key, body["data"].clone());
                (200, r#"{"data":{"version":1}}"#.into())
            }
            _ => (405, r#"{"errors":[]}"#.into()),
        }
    }));
    (url, store)
}
