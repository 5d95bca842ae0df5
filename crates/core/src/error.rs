//! Everything core can fail with, as typed errors: each variant names what failed in its fields, and a library's
//! error stays the variant's `source` instead of being pasted into its message, so a caller can match on it and
//! the CLI prints the whole chain (`{e:#}`) with each cause once.
//!
//! Messages are lowercase (but for names: AWS, Ledger, Fireblocks, BLS) and name what to fix. None carries a secret
//! (a key, a password, a token, a mnemonic word): fields hold where a secret is, never what it is; URLs in fields
//! are redacted ([`crate::text::redact_url`]) by whoever builds the error.

use std::path::PathBuf;

use alloy::{
    primitives::Address,
    transports::http::reqwest::{self, StatusCode},
};

/// A library's error kept as the cause of one of ours, where its type differs from call to call.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything core can fail with. Messages are lowercase and name what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the proposal file was modified after it was made: {0}")]
    Tampered(String),
    #[error("{path}: {why}")]
    File { path: PathBuf, why: String },
    #[error("malformed input: {0}")]
    Malformed(String),
    /// A change the wallet or EigenLayer would refuse, said before anything is written or sent.
    #[error("{0}")]
    Refused(String),
    #[error("{0} is not a signer of the wallet")]
    NotASigner(Address),
    #[error("{0} already signed this proposal with a different signature")]
    DuplicateSignature(Address),
    #[error("rpc: {0}")]
    Rpc(String),
    #[error("{0}")]
    Chain(String),

    // Keys and secrets on this machine.
    /// `what` says what the variable was to hold ("the private key"), never its value.
    #[error("environment variable {var} ({what}) is not set")]
    EnvVarMissing { var: String, what: &'static str },
    #[error("cannot read {what} from {path}")]
    FileRead {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    FileWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} already exists (or is a link): refusing to write over it")]
    FileExists { path: PathBuf },
    #[error("{path} already exists: choose another --name")]
    NameTaken { path: PathBuf },
    #[error("cannot create the directory {path}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `action` is "make" or "remove".
    #[error("cannot {action} a private temporary directory")]
    TempDir {
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// `location` is the environment variable or the file; the value is never shown.
    #[error("{location} does not hold a private key: expected 32 bytes of hex")]
    NotAPrivateKey { location: String },
    #[error("keystore {path} does not exist")]
    NoKeystore { path: PathBuf },
    #[error("no Foundry account `{name}` ({path} does not exist; `cast wallet import {name}` creates it)")]
    NoFoundryAccount { name: String, path: PathBuf },
    /// `what` names where the text came from ("the secret in vault secret/ops#keystore").
    #[error("{what} is not a keystore (expected {expected})")]
    NotAKeystore { what: String, expected: &'static str },
    /// `keystore` is the keystore as messages name it: "keystore /path", "BLS keystore /path".
    #[error("wrong password for {keystore}")]
    WrongPassword { keystore: String },
    #[error("cannot decrypt {keystore}")]
    Decrypt {
        keystore: String,
        #[source]
        source: BoxError,
    },
    #[error("cannot encrypt {what}")]
    Encrypt {
        what: &'static str,
        #[source]
        source: BoxError,
    },
    /// The library's own error is dropped on purpose: it quotes the offending word, and a mnemonic word is a secret.
    #[error(
        "the mnemonic in {file} is not a valid BIP-39 English phrase (a word is misspelt, missing, or the checksum \
         does not match), or index {index} cannot be derived"
    )]
    BadMnemonic { file: PathBuf, index: u32 },
    #[error("the keystore does not hold a BN254 secret key (32 bytes, below the group order)")]
    NotABlsKey,
    #[error("BLS keystore {path}: its pubKey does not belong to its secret key (the file was altered)")]
    BlsPubkeyMismatch { path: PathBuf },
    #[error("the local key could not sign")]
    LocalSigning(#[source] alloy::signers::Error),
    /// `backend` is "Web3Signer" or "Fireblocks".
    #[error(
        "a {backend} key signs proposals only: send transactions with a local key, a Ledger (--ledger) or an AWS \
         KMS key (--aws-kms-key)"
    )]
    SignsProposalsOnly { backend: &'static str },

    // Hardware and cloud keys.
    #[error("--hd-path `{path}` is not a derivation path ({why}; e.g. m/44'/60'/0'/0/0)")]
    HdPath { path: String, why: String },
    #[error("the device signed with {signed}, not with {expected}: check the HD path; nothing was added")]
    DeviceKeyMismatch { signed: Address, expected: Address },
    #[error("the device returned an invalid signature")]
    DeviceSignature(#[source] alloy::primitives::SignatureError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Kms(#[from] KmsError),

    // Remote services.
    /// `what` names the setting ("web3signer URL", "VAULT_ADDR"); `url` is redacted.
    #[error("{what} {url} is not a URL")]
    NotAUrl { what: &'static str, url: String },
    /// `exposed` names the credential that would travel in clear ("bearer token"); `url` is redacted.
    #[error(
        "{what} {url} is plain http to another machine: the {exposed} would cross the network unencrypted; use \
         https://"
    )]
    PlainHttp { what: &'static str, url: String, exposed: &'static str },
    #[error("cannot set up an HTTP client")]
    HttpClient(#[source] reqwest::Error),
    #[error(transparent)]
    Web3Signer(#[from] Web3SignerError),
    #[error(transparent)]
    Fireblocks(#[from] FireblocksError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    AwsSecret(#[from] AwsSecretError),
}

/// A Ledger failure, as what to do about it. The status words behind them are the Ethereum app's
/// (its `doc/ethapp.adoc`).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "Ledger: USB is not usable on this machine: connect the Ledger to the machine running opwallet (in a \
         container, pass /dev/bus/usb through)"
    )]
    NoUsb(#[source] hidapi_rusb::HidError),
    #[error(
        "Ledger: no Ledger found: connect it, unlock it and open its Ethereum app (on Linux, Ledger's udev rules \
         must give you access)"
    )]
    NotFound,
    #[error("Ledger: the Ledger is in use by another program (Ledger Live, a browser wallet): close it and retry")]
    InUse,
    #[error("Ledger: rejected on the Ledger: nothing was signed")]
    Rejected,
    #[error("Ledger: the Ledger is locked: unlock it and open its Ethereum app")]
    Locked,
    #[error("Ledger: open the Ethereum app on the Ledger")]
    AppClosed,
    #[error(
        "Ledger: the Ledger refused to sign EIP-712 hashes: enable Blind signing in the Ethereum app's settings (the \
         device then shows the domain hash and message hash; compare them with opwallet's signing screen)"
    )]
    BlindSigning,
    #[error("Ledger: update the Ledger's Ethereum app: EIP-712 signing needs {needs}")]
    AppVersion { needs: String },
    #[error("Ledger: the HD path is not a derivation path")]
    BadPath,
    /// Any other failure of the device or its transport.
    #[error("Ledger: the device failed")]
    Device(#[source] alloy::signers::ledger::LedgerError),
    #[error("Ledger: signing failed")]
    Signing(#[source] alloy::signers::Error),
}

/// An AWS KMS key Ethereum cannot use, or a KMS request that failed. `key` is the id, alias or ARN as given.
#[derive(Debug, thiserror::Error)]
pub enum KmsError {
    #[error("AWS KMS key `{key}` is disabled: enable it in KMS")]
    Disabled { key: String },
    #[error(
        "AWS KMS key `{key}` was not found (check the key id, credentials, region and kms:GetPublicKey permission)"
    )]
    NotFound { key: String },
    #[error("AWS KMS key `{key}` is not usable in its current state (pending deletion?)")]
    Unusable { key: String },
    #[error("AWS KMS key `{key}` has key spec {spec}: Ethereum signatures need ECC_SECG_P256K1 (secp256k1)")]
    Spec { key: String, spec: String },
    #[error("AWS KMS key `{key}` is not a signing key (key usage must be SIGN_VERIFY)")]
    Usage { key: String },
    #[error("AWS KMS key `{key}` is in state {state}, not Enabled")]
    State { key: String, state: String },
    /// `check` lists what to check ("the key id, credentials and region").
    #[error("AWS KMS key `{key}`: the request failed (check {check})")]
    Request {
        key: String,
        check: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("AWS KMS signing failed")]
    Signing(#[source] alloy::signers::Error),
}

/// A Web3Signer that cannot be reached, refuses, or answers other than its API says. `url` is redacted.
#[derive(Debug, thiserror::Error)]
pub enum Web3SignerError {
    #[error("web3signer URL {url} is not https, so its TLS options would be ignored: use https://")]
    TlsNeedsHttps { url: String },
    /// `expected` is "a PEM certificate" or "a PEM client certificate and its private key".
    #[error("{path} does not hold {expected}")]
    Certificate {
        path: PathBuf,
        expected: &'static str,
        #[source]
        source: reqwest::Error,
    },
    /// `tls`: the URL is https, so the TLS options are named as a likely fix.
    #[error("web3signer at {url} unreachable{}", tls_hint(*.tls))]
    Unreachable {
        url: String,
        tls: bool,
        #[source]
        source: reqwest::Error,
    },
    #[error("web3signer at {url} refused the request ({status}): check the bearer token")]
    Refused { url: String, status: StatusCode },
    #[error("web3signer at {url} answered {status}: {body}")]
    Answered { url: String, status: StatusCode, body: String },
    #[error("web3signer at {url} is not up (upcheck answered `{answer}`)")]
    NotUp { url: String, answer: String },
    #[error("web3signer at {url} holds no key for {address} (it holds: {})", list(.held))]
    NoKey { url: String, address: Address, held: Vec<Address> },
    #[error("web3signer listed `{key}`, which is not a secp256k1 public key")]
    BadPublicKey { key: String },
    /// `request` is the endpoint or method asked; `expected` what its answer should have been.
    #[error("web3signer at {url} answered {request} with something other than {expected}")]
    BadAnswer {
        url: String,
        request: &'static str,
        expected: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// `error` is the JSON-RPC error object as the signer sent it.
    #[error("web3signer {method} failed: {error}")]
    Rpc { method: &'static str, error: String },
    #[error("web3signer returned no signature")]
    NoSignature,
    #[error("web3signer returned a signature that is not hex")]
    SignatureNotHex(#[source] alloy::primitives::hex::FromHexError),
    #[error("web3signer signed with {signed}, not {expected}: its typed-data hashing differs or it used another key")]
    WrongKey { signed: Address, expected: Address },
}

fn tls_hint(tls: bool) -> &'static str {
    if tls {
        " (TLS: --web3signer-ca-cert trusts a private CA, --web3signer-client-cert presents a client certificate)"
    } else {
        ""
    }
}

fn list(addresses: &[Address]) -> String {
    if addresses.is_empty() {
        return "none".into();
    }
    addresses.iter().map(Address::to_string).collect::<Vec<_>>().join(", ")
}

/// A Fireblocks request that failed, or a signature Fireblocks should not have returned. `url` is redacted.
#[derive(Debug, thiserror::Error)]
pub enum FireblocksError {
    /// The PEM parser's error is not kept: it has nothing to add, and the text it parsed is a secret.
    #[error("the Fireblocks API secret is not an RSA private key in PEM form")]
    BadSecret,
    #[error("cannot sign the Fireblocks request")]
    Jwt(#[source] jsonwebtoken::errors::Error),
    #[error("Fireblocks at {url} unreachable")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("Fireblocks refused the request ({status}): check the API key, its secret and its permissions")]
    Refused { status: StatusCode },
    #[error("Fireblocks answered {status}: {body}")]
    Answered { status: StatusCode, body: String },
    #[error("Fireblocks answered with something other than JSON")]
    NotJson(#[source] serde_json::Error),
    #[error("Fireblocks returned no transaction id")]
    NoTransactionId,
    #[error("Fireblocks signature has no `{part}`")]
    MissingPart { part: &'static str },
    #[error("Fireblocks signature `{part}` is not hex")]
    NotHex { part: &'static str },
    #[error("Fireblocks signature has v = {v}, not 0, 1, 27 or 28")]
    BadV { v: u64 },
    #[error("Fireblocks vault account {vault_account} signed with {signed}, not {expected}")]
    WrongKey { vault_account: String, signed: Address, expected: Address },
    /// `status` and `why` are Fireblocks' own (`REJECTED`, `REJECTED_BY_USER`).
    #[error("Fireblocks transaction {id} ended {status}: {why}")]
    Ended { id: String, status: String, why: String },
    #[error("Fireblocks transaction {id} was not signed within {after:?}")]
    TimedOut { id: String, after: std::time::Duration },
}

/// A HashiCorp Vault KV v2 secret that cannot be read or written. `secret` is `<mount>/<path>`, `addr` is
/// `$VAULT_ADDR` redacted.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault reference `{reference}` must be <mount>/<path>#<field>")]
    Reference { reference: String },
    #[error("vault at {addr} unreachable")]
    Unreachable {
        addr: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("vault refused {secret}: permission denied (check VAULT_TOKEN and its policy)")]
    Denied { secret: String },
    #[error("vault has no secret {secret}")]
    NoSecret { secret: String },
    #[error("vault answered HTTP {status} for {secret}")]
    Status { secret: String, status: u16 },
    #[error("vault answered {secret} with something other than KV v2 JSON")]
    BadAnswer {
        secret: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("vault secret {secret} has no field `{field}`")]
    NoField { secret: String, field: String },
    #[error(
        "vault secret {secret} already has a field `{field}`: opwallet never overwrites a password (it may be the \
         only copy of another key's); choose another field or path"
    )]
    FieldExists { secret: String, field: String },
    #[error(
        "vault refused to store {secret}: the secret changed while opwallet was writing it (check-and-set), or the \
         mount is not KV v2; nothing was overwritten, run again"
    )]
    Conflict { secret: String },
}

/// An AWS Secrets Manager secret that cannot be read or created. `id` is the secret's name or ARN as given.
#[derive(Debug, thiserror::Error)]
pub enum AwsSecretError {
    #[error("AWS Secrets Manager secret `{id}` cannot be read (check the name, credentials and region)")]
    Read {
        id: String,
        #[source]
        source: BoxError,
    },
    #[error("cannot create AWS Secrets Manager secret `{id}` (check credentials, region and permissions)")]
    Create {
        id: String,
        #[source]
        source: BoxError,
    },
    #[error(
        "AWS Secrets Manager secret `{id}` already exists: choose another name (opwallet never overwrites a password)"
    )]
    Exists { id: String },
    #[error("AWS Secrets Manager secret `{id}` holds no string")]
    NoString { id: String },
    #[error("AWS Secrets Manager secret `{id}` is not JSON, so it has no field `{field}`")]
    NotJson { id: String, field: String },
    #[error("AWS Secrets Manager secret `{id}` has no field `{field}`")]
    NoField { id: String, field: String },
}

impl Error {
    /// An RPC failure with its causes (a transport error's own text often omits why: refused, timed out, TLS).
    pub(crate) fn rpc(e: impl std::fmt::Display) -> Self {
        // A node's error text is untrusted: one line, nothing that drives a terminal.
        Self::Rpc(crate::text::escape(&e.to_string()))
    }

    /// As [`Error::rpc`], for errors that carry sources.
    pub(crate) fn rpc_chain(e: &(dyn std::error::Error + 'static)) -> Self {
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
        if text.contains("timed out") {
            text.push_str(" (the RPC node did not answer in time; --rpc-timeout sets how long to wait)");
        }
        Self::Rpc(crate::text::escape(&text))
    }
}
