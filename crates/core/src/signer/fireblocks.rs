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

/// What a final status other than `COMPLETED` means for the signer, or `None` while the transaction is still
/// under way. Statuses and sub-statuses are Fireblocks' (developers.fireblocks.com/reference/transaction-statuses,
/// support.fireblocks.io "Cancelled / Rejected / Blocked by policy substatuses"): a signer who rejects in the
/// Fireblocks app ends it `CANCELLED` with `REJECTED_BY_USER`.
fn ended(status: &str, sub_status: Option<&str>) -> Option<&'static str> {
    Some(match (status, sub_status) {
        ("CANCELLED", Some("REJECTED_BY_USER")) => "a signer rejected it in the Fireblocks app",
        ("CANCELLED", _) => "it was cancelled in Fireblocks",
        ("BLOCKED", _) => {
            "a Fireblocks policy rule blocked it: the policy (TAP) must allow Typed Message signing by this vault \
             account"
        }
        ("REJECTED", _) => "Fireblocks rejected it",
        ("FAILED", _) => "it failed in Fireblocks",
        ("TIMEOUT", _) => "it was not approved in time on the Fireblocks side",
        _ => return None,
    })
}

/// The typed data as the one client known to work against Fireblocks sends it (ethers v6's
/// `TypedDataEncoder.getPayload`, which `fireblocks-web3-provider` forwards; research/services.md §2.2): `types`
/// with `EIP712Domain`, `domain.chainId` a JSON number, `uint`/`int` values decimal strings, addresses and bytes
/// lowercase hex. alloy writes numbers as `0x` hex strings, a shape Fireblocks does not document.
fn ethers_content(typed: &TypedData) -> Result<serde_json::Value, Error> {
    use serde_json::Value;
    let bad = |why: &str| Error::Malformed(format!("typed data for Fireblocks: {why}"));
    let mut content = serde_json::to_value(typed).map_err(|e| bad(&e.to_string()))?;
    let types = content["types"].as_object().cloned().ok_or_else(|| bad("no types"))?;
    if !types.contains_key("EIP712Domain") {
        return Err(bad("types has no EIP712Domain"));
    }
    let primary = content["primaryType"].as_str().ok_or_else(|| bad("no primaryType"))?.to_owned();
    normalise(&types, "EIP712Domain", &mut content["domain"]).map_err(|why| bad(&why))?;
    normalise(&types, &primary, &mut content["message"]).map_err(|why| bad(&why))?;
    // ethers: a chain id that is a safe integer is a number.
    if let Some(chain_id) = content["domain"]["chainId"].as_str().and_then(|c| c.parse::<u64>().ok())
        && chain_id < 1 << 53
    {
        content["domain"]["chainId"] = Value::from(chain_id);
    }
    Ok(content)
}

/// Rewrites `value` (of EIP-712 type `ty`) in place into ethers' payload shape.
fn normalise(
    types: &serde_json::Map<String, serde_json::Value>,
    ty: &str,
    value: &mut serde_json::Value,
) -> Result<(), String> {
    use serde_json::Value;
    if let Some((base, _)) = ty.strip_suffix(']').and_then(|t| t.rsplit_once('[')) {
        for item in value.as_array_mut().ok_or_else(|| format!("a {ty} value is not an array"))? {
            normalise(types, base, item)?;
        }
        return Ok(());
    }
    if let Some(fields) = types.get(ty).and_then(Value::as_array) {
        for field in fields {
            let (Some(name), Some(field_ty)) = (field["name"].as_str(), field["type"].as_str()) else {
                return Err(format!("a field of {ty} lacks a name or type"));
            };
            if let Some(v) = value.get_mut(name) {
                normalise(types, field_ty, v)?;
            }
        }
        return Ok(());
    }
    if ty.starts_with("uint") || ty.starts_with("int") {
        let decimal = match &*value {
            Value::Number(n) if n.is_u64() || n.is_i64() => n.to_string(),
            Value::String(s) if s.starts_with('-') => s.clone(),
            Value::String(s) => {
                s.parse::<alloy::primitives::U256>().map_err(|_| format!("`{s}` is not a {ty}"))?.to_string()
            }
            other => return Err(format!("`{other}` is not a {ty}")),
        };
        *value = Value::String(decimal);
    } else if (ty == "address" || ty.starts_with("bytes"))
        && let Value::String(s) = value
    {
        *s = s.to_lowercase();
    }
    Ok(())
}

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

    /// The address the vault account's key was given as, checked against every signature it returns.
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

    /// Requests an EIP-712 signature from the vault account and waits until Fireblocks has signed it, the
    /// transaction ends (`FAILED`, `CANCELLED`, `BLOCKED`, `REJECTED`, `TIMEOUT`: each named with its sub-status), or
    /// `OPWALLET_FIREBLOCKS_TIMEOUT_MS` (default one hour) has passed. Other statuses (`SUBMITTED`, `QUEUED`,
    /// `PENDING_AUTHORIZATION`, `PENDING_SIGNATURE`, …) are waited through.
    pub async fn sign_typed_data(&self, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
        let request = serde_json::json!({
            "operation": "TYPED_MESSAGE",
            "assetId": "ETH",
            "source": { "type": "VAULT_ACCOUNT", "id": self.vault_account },
            "note": format!("opwallet: EIP-712 digest {digest}"),
            "extraParameters": { "rawMessageData": { "messages": [
                { "content": ethers_content(typed)?, "index": 0, "type": "EIP712" }
            ] } },
        });
        let created = self.call("/v1/transactions", Some(request)).await?;
        let id = created["id"].as_str().ok_or(FireblocksError::NoTransactionId)?.to_owned();
        let started = std::time::Instant::now();
        loop {
            let tx = self.call(&format!("/v1/transactions/{id}"), None).await?;
            let status = tx["status"].as_str().unwrap_or_default();
            if status == "COMPLETED" {
                return self.signature(&tx["signedMessages"][0]["signature"], digest);
            }
            if let Some(meaning) = ended(status, tx["subStatus"].as_str()) {
                return Err(FireblocksError::Ended {
                    id,
                    status: crate::text::escape(status),
                    sub_status: tx["subStatus"].as_str().map(crate::text::escape).unwrap_or_default(),
                    meaning,
                }
                .into());
            }
            let left = self.give_up.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(
                    FireblocksError::TimedOut { id, after: self.give_up, status: crate::text::escape(status) }.into()
                );
            }
            tokio::time::sleep(self.poll.min(left)).await;
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

#[cfg(test)]
mod tests {
    use alloy::primitives::{Address, U256};

    use super::{ended, ethers_content};
    use crate::proposal::{Proposal, ProposedCall};

    #[test]
    fn content_has_ethers_number_shapes_and_the_same_digest() {
        let target: Address = "0xABCDEFabcdef0123456789abcdef0123456789AB".parse().expect("address");
        let wallet: Address = "0x00000000000000000000000000000000000000Ee".parse().expect("address");
        let call = ProposedCall {
            target,
            value: U256::from(10).pow(U256::from(18)),
            data: vec![0xAB, 0xCD].into(),
            function: None,
            preimage: None,
        };
        let p = Proposal::execute(17000, wallet, 3, 255, 2_000_000_000, 0, vec![call]);
        let content = ethers_content(&p.typed_data).expect("content");
        assert_eq!(content["domain"]["chainId"], serde_json::json!(17000));
        assert_eq!(
            content["domain"]["verifyingContract"],
            serde_json::json!("0x00000000000000000000000000000000000000ee")
        );
        assert_eq!(content["message"]["nonce"], serde_json::json!("255"));
        assert_eq!(content["message"]["deadline"], serde_json::json!("2000000000"));
        let c = &content["message"]["calls"][0];
        assert_eq!(c["value"], serde_json::json!("1000000000000000000"));
        assert_eq!(c["target"], serde_json::json!("0xabcdefabcdef0123456789abcdef0123456789ab"));
        assert_eq!(c["data"], serde_json::json!("0xabcd"));
        assert!(content["types"]["EIP712Domain"].is_array());
        // Same typed data, other spelling: the digest is unchanged.
        let back: alloy::dyn_abi::TypedData = serde_json::from_value(content).expect("typed data");
        assert_eq!(back.eip712_signing_hash().expect("hash"), p.hashes.digest);
    }

    #[test]
    fn every_final_status_ends_polling_and_others_do_not() {
        for (status, sub) in [
            ("CANCELLED", Some("REJECTED_BY_USER")),
            ("CANCELLED", None),
            ("BLOCKED", Some("BLOCKED_BY_POLICY")),
            ("REJECTED", Some("AUTO_FREEZE")),
            ("FAILED", Some("AUTHORIZATION_FAILED")),
            ("TIMEOUT", None),
        ] {
            assert!(ended(status, sub).is_some(), "{status}");
        }
        assert_eq!(ended("CANCELLED", Some("REJECTED_BY_USER")), Some("a signer rejected it in the Fireblocks app"));
        for status in ["SUBMITTED", "QUEUED", "PENDING_AUTHORIZATION", "PENDING_SIGNATURE", "PENDING_ENRICHMENT", ""] {
            assert_eq!(ended(status, None), None, "{status}");
        }
    }
}
