//! EIP-712 hashing as web3j's `StructuredDataEncoder` does it (web3j 4.10.2 … 5.0.1, the encoder every Web3Signer
//! release since 23.9.0 runs), re-written from its source for the doubles so that they never hash with the alloy
//! code the client uses: a client that builds typed data alloy accepts but web3j does not (or hashes differently)
//! fails against the doubles as it would against the service. Only `alloy::primitives` (keccak, integers) is used.
//!
//! What web3j does, and so this does (sources in /work/research/services.md §1.7):
//! - the top level may hold only `types`, `primaryType`, `domain`, `message`, and the domain only `name`,
//!   `version`, `chainId`, `verifyingContract`, `salt` (Jackson: an unknown property is an `IOException`, which
//!   Web3Signer answers 400 Invalid params);
//! - `types` must hold `EIP712Domain` (its `hashDomain` iterates it: a `NullPointerException`, answered 500);
//! - a `uint`/`int` value is a JSON integer, a decimal string or a `0x` hex string; anything else (a float, hex
//!   without `0x`, a negative uint) fails the conversion (500);
//! - a message field that is missing is skipped, not encoded (a wrong hash, no error, as in web3j);
//! - the digest is `keccak256(0x1901 ‖ hashStruct(domain) ‖ hashStruct(message))`, no other prefix.

use alloy::primitives::{B256, I256, U256, keccak256};
use serde_json::{Map, Value};

/// Why web3j refuses typed data, as Web3Signer answers it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Jackson could not read the JSON into web3j's types: HTTP 400, JSON-RPC -32602 "Invalid params".
    Invalid(String),
    /// web3j threw while encoding: HTTP 500, JSON-RPC -32603 "Internal error".
    Internal(String),
}

const TOP: [&str; 4] = ["types", "primaryType", "domain", "message"];
const DOMAIN: [&str; 5] = ["name", "version", "chainId", "verifyingContract", "salt"];

/// The EIP-712 digest of the typed data in `json` (its text, as Web3Signer's handler receives it).
pub(crate) fn digest(json: &str) -> Result<B256, Failure> {
    let value: Value = serde_json::from_str(json).map_err(|e| Failure::Invalid(format!("not JSON: {e}")))?;
    digest_of(&value)
}

/// The EIP-712 digest of typed data already parsed.
pub(crate) fn digest_of(typed: &Value) -> Result<B256, Failure> {
    let top = typed.as_object().ok_or_else(|| Failure::Invalid("typed data is not an object".into()))?;
    if let Some(k) = top.keys().find(|k| !TOP.contains(&k.as_str())) {
        return Err(Failure::Invalid(format!("unrecognized field \"{k}\"")));
    }
    let domain = top.get("domain").and_then(Value::as_object).ok_or_else(|| internal("no domain"))?;
    if let Some(k) = domain.keys().find(|k| !DOMAIN.contains(&k.as_str())) {
        return Err(Failure::Invalid(format!("unrecognized domain field \"{k}\"")));
    }
    let types = top.get("types").and_then(Value::as_object).ok_or_else(|| internal("no types"))?;
    if !types.contains_key("EIP712Domain") {
        return Err(internal("types has no EIP712Domain"));
    }
    // Jackson reads the domain into a POJO of strings: a JSON number becomes its decimal text.
    let domain: Map<String, Value> = domain
        .iter()
        .map(|(k, v)| (k.clone(), if let Value::Number(n) = v { Value::String(n.to_string()) } else { v.clone() }))
        .collect();
    let primary = top.get("primaryType").and_then(Value::as_str).ok_or_else(|| internal("no primaryType"))?;
    let message = top.get("message").and_then(Value::as_object).ok_or_else(|| internal("no message"))?;
    let encoder = Encoder { types };
    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(encoder.hash_struct("EIP712Domain", &domain)?.as_slice());
    preimage.extend_from_slice(encoder.hash_struct(primary, message)?.as_slice());
    Ok(keccak256(preimage))
}

fn internal(why: &str) -> Failure {
    Failure::Internal(why.to_owned())
}

/// Calls `visit(type, value)` for every primitive value in `value` (of type `ty`), walking structs and arrays by
/// `types`: for doubles that check how a client encodes values (Fireblocks' ethers shape).
pub(crate) fn walk(
    types: &Map<String, Value>,
    ty: &str,
    value: &Value,
    visit: &mut dyn FnMut(&str, &Value) -> Result<(), String>,
) -> Result<(), String> {
    if let Some((base, _)) = ty.strip_suffix(']').and_then(|t| t.rsplit_once('[')) {
        for item in value.as_array().ok_or_else(|| format!("{ty} value is not an array"))? {
            walk(types, base, item, visit)?;
        }
        return Ok(());
    }
    if let Some(fields) = types.get(ty).and_then(Value::as_array) {
        for field in fields {
            let (name, field_ty) =
                (field["name"].as_str().unwrap_or_default(), field["type"].as_str().unwrap_or_default());
            if let Some(v) = value.get(name) {
                walk(types, field_ty, v, visit)?;
            }
        }
        return Ok(());
    }
    visit(ty, value)
}

struct Encoder<'a> {
    types: &'a Map<String, Value>,
}

impl Encoder<'_> {
    /// `(name, type)` of each field of struct `name`.
    fn fields(&self, name: &str) -> Result<Vec<(String, String)>, Failure> {
        let fields = self.types.get(name).and_then(Value::as_array).ok_or_else(|| internal("unknown type"))?;
        fields
            .iter()
            .map(|f| match (f["name"].as_str(), f["type"].as_str()) {
                (Some(n), Some(t)) => Ok((n.to_owned(), t.to_owned())),
                _ => Err(Failure::Invalid("a type's field lacks name or type".into())),
            })
            .collect()
    }

    /// The struct types `name` depends on (itself first), as web3j's `getDependencies` finds them.
    fn dependencies(&self, name: &str, found: &mut Vec<String>) -> Result<(), Failure> {
        if found.iter().any(|f| f == name) || !self.types.contains_key(name) {
            return Ok(());
        }
        found.push(name.to_owned());
        for (_, ty) in self.fields(name)? {
            let base = ty.split('[').next().unwrap_or_default().to_owned();
            self.dependencies(&base, found)?;
        }
        Ok(())
    }

    /// `Primary(type name,…)Dep(…)…`, dependencies sorted by name after the primary type.
    fn encode_type(&self, primary: &str) -> Result<String, Failure> {
        let mut deps = Vec::new();
        self.dependencies(primary, &mut deps)?;
        let mut rest = deps.split_off(1);
        rest.sort();
        let mut out = String::new();
        for name in deps.iter().chain(&rest) {
            let fields: Vec<String> = self.fields(name)?.iter().map(|(n, t)| format!("{t} {n}")).collect();
            out.push_str(&format!("{name}({})", fields.join(",")));
        }
        Ok(out)
    }

    fn hash_struct(&self, name: &str, data: &Map<String, Value>) -> Result<B256, Failure> {
        let mut encoded = keccak256(self.encode_type(name)?).to_vec();
        for (field, ty) in self.fields(name)? {
            // web3j: `if (value == null) continue;` — a missing field is left out of the encoding.
            match data.get(&field) {
                None | Some(Value::Null) => continue,
                Some(value) => encoded.extend_from_slice(self.encode_value(&ty, value)?.as_slice()),
            }
        }
        Ok(keccak256(encoded))
    }

    fn encode_value(&self, ty: &str, value: &Value) -> Result<B256, Failure> {
        if let Some((base, len)) = ty.strip_suffix(']').and_then(|t| t.rsplit_once('[')) {
            let items = value.as_array().ok_or_else(|| internal("array value is not an array"))?;
            if !len.is_empty() && len.parse::<usize>().ok() != Some(items.len()) {
                return Err(internal("array length differs from its type"));
            }
            let mut concat = Vec::with_capacity(32 * items.len());
            for item in items {
                concat.extend_from_slice(self.encode_value(base, item)?.as_slice());
            }
            return Ok(keccak256(concat));
        }
        if self.types.contains_key(ty) {
            let data = value.as_object().ok_or_else(|| internal("struct value is not an object"))?;
            return self.hash_struct(ty, data);
        }
        let text = || value.as_str().ok_or_else(|| internal("value is not a string"));
        match ty {
            "string" => Ok(keccak256(text()?.as_bytes())),
            "bytes" => Ok(keccak256(hex(text()?)?)),
            "bool" => match value {
                Value::Bool(b) => Ok(B256::with_last_byte(u8::from(*b))),
                Value::String(s) if s == "true" || s == "false" => Ok(B256::with_last_byte(u8::from(s == "true"))),
                _ => Err(internal("bool value is not a boolean")),
            },
            "address" => {
                let bytes = hex(text()?)?;
                if bytes.len() > 20 {
                    return Err(internal("address longer than 20 bytes"));
                }
                Ok(B256::left_padding_from(&bytes))
            }
            t if t.starts_with("bytes") => {
                let n: usize = t["bytes".len()..].parse().map_err(|_| internal("unknown type"))?;
                let bytes = hex(text()?)?;
                if bytes.len() != n || n > 32 {
                    return Err(internal("bytesN value of another length"));
                }
                Ok(B256::right_padding_from(&bytes))
            }
            t if t.starts_with("uint") => {
                let (negative, magnitude) = integer(value)?;
                if negative && !magnitude.is_zero() {
                    return Err(internal("negative uint"));
                }
                Ok(B256::from(magnitude))
            }
            t if t.starts_with("int") => {
                let (negative, magnitude) = integer(value)?;
                let signed = I256::checked_from_sign_and_abs(
                    if negative { alloy::primitives::Sign::Negative } else { alloy::primitives::Sign::Positive },
                    magnitude,
                )
                .ok_or_else(|| internal("int out of range"))?;
                Ok(B256::from(signed.into_raw()))
            }
            _ => Err(internal("unknown type")),
        }
    }
}

/// `Numeric.hexStringToByteArray`: hex, `0x` optional.
fn hex(s: &str) -> Result<Vec<u8>, Failure> {
    let digits = s.strip_prefix("0x").unwrap_or(s);
    let padded = if digits.len() % 2 == 1 { format!("0{digits}") } else { digits.to_owned() };
    alloy::primitives::hex::decode(padded).map_err(|_| internal("not hex"))
}

/// web3j's `convertToBigInt`: `value.toString()`, then `0x…` as hex, else a decimal `BigInteger` (sign allowed).
fn integer(value: &Value) -> Result<(bool, U256), Failure> {
    let text = match value {
        Value::String(s) => s.clone(),
        // Jackson's Double prints as `1.0E18`, which BigInteger refuses; integers print as digits.
        Value::Number(n) if n.is_f64() => return Err(internal("a float is not an integer")),
        Value::Number(n) => n.to_string(),
        _ => return Err(internal("integer value is neither a number nor a string")),
    };
    if let Some(hex) = text.strip_prefix("0x") {
        return U256::from_str_radix(hex, 16).map(|v| (false, v)).map_err(|_| internal("not a hex integer"));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(internal("not a decimal integer"));
    }
    U256::from_str_radix(digits, 10).map(|v| (negative, v)).map_err(|_| internal("integer above 256 bits"))
}
