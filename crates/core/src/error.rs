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
    /// A proposal store (an S3 bucket) refused or failed.
    #[error("{location}: {why}")]
    Store { location: String, why: String },

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
    /// An answer alloy-signer-ledger could not read (a status word coins-ledger does not know): what a locked
    /// Ledger (0x5515) or one without the Ethereum app open (0x6511, 0x6E01) sends.
    #[error("Ledger: the Ledger did not answer as the Ethereum app does: unlock it and open its Ethereum app")]
    NotReady,
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
    /// A 401 (or a 403 other than the Host allow-list's): Web3Signer has no tokens, so from a proxy in front of it.
    #[error("web3signer at {url} refused the request ({status}): check the bearer token (--web3signer-token-env)")]
    Refused { url: String, status: StatusCode },
    /// Web3Signer's own 403, `Host not authorized.`: `host` is the name in the URL opwallet was given.
    #[error(
        "web3signer at {url} does not accept the host name `{host}` (403 Host not authorized): add it to \
         Web3Signer's --http-host-allowlist, or use a URL with a host name it allows"
    )]
    HostNotAllowed { url: String, host: String },
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
    /// `error` is the JSON-RPC error object as the signer sent it (escaped), `status` the HTTP status it came with
    /// (400 invalid params, 500 an internal error such as typed data its encoder cannot hash, 200 otherwise).
    #[error("web3signer {method} failed (HTTP {status}): {error}")]
    Rpc { method: &'static str, status: u16, error: String },
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

fn sub(sub_status: &str) -> String {
    if sub_status.is_empty() { String::new() } else { format!(" ({sub_status})") }
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
    /// `status` and `sub_status` are Fireblocks' own (`CANCELLED`, `REJECTED_BY_USER`; the sub-status may be empty),
    /// `meaning` what that is for the signer.
    #[error("Fireblocks transaction {id} ended {status}{}: {meaning}; nothing was signed", sub(.sub_status))]
    Ended { id: String, status: String, sub_status: String, meaning: &'static str },
    /// `status` is the transaction's last status (`PENDING_AUTHORIZATION`).
    #[error(
        "Fireblocks transaction {id} was not signed within {after:?} (still {status}): opwallet stopped waiting and \
         nothing was signed; cancel it in Fireblocks, or approve it there and sign again with a longer \
         OPWALLET_FIREBLOCKS_TIMEOUT_MS"
    )]
    TimedOut { id: String, after: std::time::Duration, status: String },
}

/// A HashiCorp Vault KV v2 secret that cannot be read or written. `secret` is `<mount>/<path>`, `addr` is
/// `$VAULT_ADDR` redacted.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault reference `{reference}` must be <mount>/<path>#<field>")]
    Reference { reference: String },
    #[error("cannot set up a Vault client")]
    Client {
        #[source]
        source: Box<vaultrs::error::ClientError>,
    },
    #[error("vault at {addr} unreachable")]
    Unreachable {
        addr: String,
        #[source]
        source: Box<vaultrs::error::ClientError>,
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
        source: Box<vaultrs::error::ClientError>,
    },
    #[error("vault secret {secret} has no field `{field}`")]
    NoField { secret: String, field: String },
    #[error(
        "vault secret {secret} already has a field `{field}`: opwallet never overwrites a password (it may be the \
         only copy of another key's); choose another field or path"
    )]
    FieldExists { secret: String, field: String },
    #[error(
        "vault refused to store {secret}: the secret changed while opwallet was writing it (check-and-set); nothing \
         was overwritten, run again"
    )]
    Conflict { secret: String },
    /// Vault's 400 to a write for another reason than check-and-set; `why` is its error text (escaped).
    #[error("vault refused to store {secret}: {why}")]
    WriteRefused { secret: String, why: String },
    /// The write was answered 204, as a KV v1 mount answers: stored at `written` without check-and-set.
    #[error(
        "vault mount `{mount}` is not KV v2 (it answered the write with 204 No Content, as KV v1 does, and ignored \
         check-and-set): opwallet stores passwords only in a KV v2 mount; no key was made, and what Vault stored \
         at {written} is of no use: delete it"
    )]
    NotKv2 { mount: String, written: String },
    #[error(
        "vault secret {secret}'s latest version ({version}) is deleted: undelete it (`vault kv undelete \
         -versions={version} {secret}`) or read an older version"
    )]
    Deleted { secret: String, version: u64 },
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

#[cfg(test)]
mod tests {
    //! Every variant's message, built from a sample, checked for the words it promises: what failed, and what to
    //! do about it. The table is one exhaustive `match`, so a new variant does not compile until it promises
    //! something, and the test fails until it has a sample.

    use std::{collections::HashSet, error::Error as _, io};

    use alloy::primitives::Address;

    use super::*;

    /// `0x1111…`: an address whose checksummed form is its plain form.
    const A: Address = Address::repeat_byte(0x11);
    const A_TEXT: &str = "0x1111111111111111111111111111111111111111";

    macro_rules! promises {
        ($($pat:pat => $words:expr),* $(,)?) => {
            /// The words `e`'s message promises, for the samples below.
            fn promises(e: &Error) -> &'static [&'static str] {
                match e { $($pat => &$words),* }
            }
            /// Which arm of [`promises`] `e` takes.
            fn arm(e: &Error) -> &'static str {
                match e { $($pat => stringify!($pat)),* }
            }
            const ARMS: usize = [$(stringify!($pat)),*].len();
        };
    }

    // One arm per variant: a table, longer than a function should be, and clearer whole than split.
    promises! {
        Error::Tampered(_) => ["modified after it was made", "why"],
        Error::File { .. } => ["/p", "why"],
        Error::Malformed(_) => ["malformed input", "why"],
        Error::Refused(_) => ["why"],
        Error::NotASigner(_) => [A_TEXT, "is not a signer"],
        Error::DuplicateSignature(_) => [A_TEXT, "different signature"],
        Error::Rpc(_) => ["rpc", "why"],
        Error::Chain(_) => ["why"],
        Error::Store { .. } => ["s3://b/k", "why"],
        Error::EnvVarMissing { .. } => ["environment variable OPWALLET_KEY", "(the private key)", "is not set"],
        Error::FileRead { .. } => ["cannot read the private key from /p"],
        Error::FileWrite { .. } => ["cannot write /p"],
        Error::FileExists { .. } => ["/p already exists", "refusing to write over it"],
        Error::NameTaken { .. } => ["/p already exists", "choose another --name"],
        Error::CreateDir { .. } => ["cannot create the directory /p"],
        Error::TempDir { .. } => ["cannot make a private temporary directory"],
        Error::NotAPrivateKey { .. } => ["OPWALLET_KEY does not hold a private key", "32 bytes of hex"],
        Error::NoKeystore { .. } => ["keystore /p does not exist"],
        Error::NoFoundryAccount { .. } => ["`ops`", "/p does not exist", "cast wallet import ops"],
        Error::NotAKeystore { .. } => ["the secret in vault kv/ops#ks is not a keystore", "Web3 v3 keystore JSON"],
        Error::WrongPassword { .. } => ["wrong password for keystore /p"],
        Error::Decrypt { .. } => ["cannot decrypt keystore /p"],
        Error::Encrypt { .. } => ["cannot encrypt the BLS key"],
        Error::BadMnemonic { .. } => ["mnemonic in /p", "BIP-39", "index 3"],
        Error::NotABlsKey => ["BN254 secret key"],
        Error::BlsPubkeyMismatch { .. } => ["BLS keystore /p", "does not belong", "altered"],
        Error::LocalSigning(_) => ["local key could not sign"],
        Error::SignsProposalsOnly { .. } => ["a Web3Signer key signs proposals only", "--ledger", "--aws-kms-key"],
        Error::HdPath { .. } => ["--hd-path `m/x`", "more than 10 levels", "e.g. m/44'/60'/0'/0/0"],
        Error::DeviceKeyMismatch { .. } => ["signed with 0x0000", A_TEXT, "check the HD path", "nothing was added"],
        Error::DeviceSignature(_) => ["device returned an invalid signature"],
        Error::Ledger(LedgerError::NoUsb(_)) => ["Ledger:", "USB is not usable", "pass /dev/bus/usb through"],
        Error::Ledger(LedgerError::NotFound) => ["Ledger:", "connect it, unlock it", "udev rules"],
        Error::Ledger(LedgerError::InUse) => ["Ledger:", "in use by another program", "close it"],
        Error::Ledger(LedgerError::Rejected) => ["Ledger:", "rejected", "nothing was signed"],
        Error::Ledger(LedgerError::Locked) => ["Ledger:", "locked", "unlock it"],
        Error::Ledger(LedgerError::AppClosed) => ["Ledger:", "open the Ethereum app"],
        Error::Ledger(LedgerError::NotReady) => ["Ledger:", "unlock it and open its Ethereum app"],
        Error::Ledger(LedgerError::BlindSigning) => ["Ledger:", "enable Blind signing", "compare them"],
        Error::Ledger(LedgerError::AppVersion { .. }) => ["Ledger:", "update the Ledger's Ethereum app", "1.9.19"],
        Error::Ledger(LedgerError::BadPath) => ["Ledger:", "HD path"],
        Error::Ledger(LedgerError::Device(_)) => ["Ledger:", "device failed"],
        Error::Ledger(LedgerError::Signing(_)) => ["Ledger:", "signing failed"],
        Error::Kms(KmsError::Disabled { .. }) => ["AWS KMS key `k1`", "disabled", "enable it in KMS"],
        Error::Kms(KmsError::NotFound { .. }) => ["AWS KMS key `k1`", "not found", "check the key id"],
        Error::Kms(KmsError::Unusable { .. }) => ["AWS KMS key `k1`", "pending deletion"],
        Error::Kms(KmsError::Spec { .. }) => ["AWS KMS key `k1`", "ECC_NIST_P256", "need ECC_SECG_P256K1"],
        Error::Kms(KmsError::Usage { .. }) => ["AWS KMS key `k1`", "SIGN_VERIFY"],
        Error::Kms(KmsError::State { .. }) => ["AWS KMS key `k1`", "PendingImport", "not Enabled"],
        Error::Kms(KmsError::Request { .. }) => ["AWS KMS key `k1`", "request failed", "check the region"],
        Error::Kms(KmsError::Signing(_)) => ["AWS KMS signing failed"],
        Error::NotAUrl { .. } => ["web3signer URL https://w3s", "is not a URL"],
        Error::PlainHttp { .. } => ["VAULT_ADDR http://v", "plain http", "Vault token", "use https://"],
        Error::HttpClient(_) => ["HTTP client"],
        Error::Web3Signer(Web3SignerError::TlsNeedsHttps { .. }) => ["http://w3s", "TLS options", "use https://"],
        Error::Web3Signer(Web3SignerError::Certificate { .. }) => ["/p does not hold a PEM certificate"],
        Error::Web3Signer(Web3SignerError::Unreachable { .. }) => ["https://w3s unreachable", "--web3signer-ca-cert"],
        Error::Web3Signer(Web3SignerError::Refused { .. }) => ["https://w3s", "401 Unauthorized", "bearer token"],
        Error::Web3Signer(Web3SignerError::HostNotAllowed { .. }) => ["`w3s`", "403", "--http-host-allowlist"],
        Error::Web3Signer(Web3SignerError::Answered { .. }) => ["https://w3s", "500 Internal Server Error", "down"],
        Error::Web3Signer(Web3SignerError::NotUp { .. }) => ["https://w3s is not up", "`DOWN`"],
        Error::Web3Signer(Web3SignerError::NoKey { .. }) => ["holds no key for 0x0000", "it holds: 0x1111"],
        Error::Web3Signer(Web3SignerError::BadPublicKey { .. }) => ["`0x04`", "not a secp256k1 public key"],
        Error::Web3Signer(Web3SignerError::BadAnswer { .. }) => ["https://w3s", "publicKeys", "a list of public keys"],
        Error::Web3Signer(Web3SignerError::Rpc { .. }) => ["eth_signTypedData failed (HTTP 500)", "Internal error"],
        Error::Web3Signer(Web3SignerError::NoSignature) => ["no signature"],
        Error::Web3Signer(Web3SignerError::SignatureNotHex(_)) => ["signature that is not hex"],
        Error::Web3Signer(Web3SignerError::WrongKey { .. }) => ["signed with 0x0000", A_TEXT, "another key"],
        Error::Fireblocks(FireblocksError::BadSecret) => ["Fireblocks API secret", "RSA private key in PEM form"],
        Error::Fireblocks(FireblocksError::Jwt(_)) => ["cannot sign the Fireblocks request"],
        Error::Fireblocks(FireblocksError::Unreachable { .. }) => ["Fireblocks at https://fb unreachable"],
        Error::Fireblocks(FireblocksError::Refused { .. }) => ["401 Unauthorized", "check the API key"],
        Error::Fireblocks(FireblocksError::Answered { .. }) => ["Fireblocks answered 500", "down"],
        Error::Fireblocks(FireblocksError::NotJson(_)) => ["Fireblocks answered", "JSON"],
        Error::Fireblocks(FireblocksError::NoTransactionId) => ["no transaction id"],
        Error::Fireblocks(FireblocksError::MissingPart { .. }) => ["Fireblocks signature has no `r`"],
        Error::Fireblocks(FireblocksError::NotHex { .. }) => ["Fireblocks signature `s` is not hex"],
        Error::Fireblocks(FireblocksError::BadV { .. }) => ["v = 5", "not 0, 1, 27 or 28"],
        Error::Fireblocks(FireblocksError::WrongKey { .. }) => ["vault account 7", "signed with 0x0000", A_TEXT],
        Error::Fireblocks(FireblocksError::Ended { .. }) => ["t1 ended CANCELLED (REJECTED_BY_USER)", "nothing was signed"],
        Error::Fireblocks(FireblocksError::TimedOut { .. }) => ["t1", "within 60s", "PENDING_AUTHORIZATION", "cancel it"],
        Error::Vault(VaultError::Reference { .. }) => ["vault reference `kv`", "<mount>/<path>#<field>"],
        Error::Vault(VaultError::Client { .. }) => ["cannot set up a Vault client"],
        Error::Vault(VaultError::Unreachable { .. }) => ["vault at https://v unreachable"],
        Error::Vault(VaultError::Denied { .. }) => ["vault refused kv/ops", "permission denied", "VAULT_TOKEN"],
        Error::Vault(VaultError::NoSecret { .. }) => ["vault has no secret kv/ops"],
        Error::Vault(VaultError::Status { .. }) => ["vault answered HTTP 503 for kv/ops"],
        Error::Vault(VaultError::BadAnswer { .. }) => ["vault answered kv/ops", "KV v2 JSON"],
        Error::Vault(VaultError::NoField { .. }) => ["vault secret kv/ops has no field `pw`"],
        Error::Vault(VaultError::FieldExists { .. }) => ["kv/ops already has a field `pw`", "never overwrites"],
        Error::Vault(VaultError::Conflict { .. }) => ["store kv/ops", "check-and-set", "nothing was overwritten"],
        Error::Vault(VaultError::WriteRefused { .. }) => ["store kv/ops", "no data provided"],
        Error::Vault(VaultError::NotKv2 { .. }) => ["mount `kv` is not KV v2", "204", "kv/data/ops", "delete it"],
        Error::Vault(VaultError::Deleted { .. }) => ["kv/ops's latest version (3) is deleted", "-versions=3 kv/ops"],
        Error::AwsSecret(AwsSecretError::Read { .. }) => ["secret `ops`", "cannot be read", "check the name"],
        Error::AwsSecret(AwsSecretError::Create { .. }) => ["cannot create", "secret `ops`", "permissions"],
        Error::AwsSecret(AwsSecretError::Exists { .. }) => ["secret `ops` already exists", "choose another name"],
        Error::AwsSecret(AwsSecretError::NoString { .. }) => ["secret `ops` holds no string"],
        Error::AwsSecret(AwsSecretError::NotJson { .. }) => ["secret `ops` is not JSON", "no field `pw`"],
        Error::AwsSecret(AwsSecretError::NoField { .. }) => ["secret `ops` has no field `pw`"],
    }

    fn io() -> io::Error {
        io::Error::from(io::ErrorKind::PermissionDenied)
    }

    fn http() -> reqwest::Error {
        reqwest::Client::new().get("not a url").build().expect_err("not a URL")
    }

    fn json() -> serde_json::Error {
        serde_json::from_str::<u8>("[").expect_err("not JSON")
    }

    fn vault() -> Box<vaultrs::error::ClientError> {
        Box::new(vaultrs::error::ClientError::ResponseEmptyError)
    }

    fn boxed() -> BoxError {
        "the library's own words".into()
    }

    /// One sample of every variant.
    fn samples() -> Vec<Error> {
        let mut all = local_samples();
        all.extend(device_samples());
        all.extend(remote_samples());
        all.extend(secret_samples());
        all
    }

    fn s(text: &str) -> String {
        text.to_owned()
    }

    fn p() -> PathBuf {
        PathBuf::from("/p")
    }

    const URL: &str = "https://w3s";
    const KV: &str = "kv/ops";

    fn local_samples() -> Vec<Error> {
        vec![
            Error::Tampered(s("why")),
            Error::File { path: p(), why: s("why") },
            Error::Malformed(s("why")),
            Error::Refused(s("why")),
            Error::NotASigner(A),
            Error::DuplicateSignature(A),
            Error::Rpc(s("why")),
            Error::Chain(s("why")),
            Error::Store { location: s("s3://b/k"), why: s("why") },
            Error::EnvVarMissing { var: s("OPWALLET_KEY"), what: "the private key" },
            Error::FileRead { path: p(), what: "the private key", source: io() },
            Error::FileWrite { path: p(), source: io() },
            Error::FileExists { path: p() },
            Error::NameTaken { path: p() },
            Error::CreateDir { path: p(), source: io() },
            Error::TempDir { action: "make", source: io() },
            Error::NotAPrivateKey { location: s("OPWALLET_KEY") },
            Error::NoKeystore { path: p() },
            Error::NoFoundryAccount { name: s("ops"), path: p() },
            Error::NotAKeystore { what: s("the secret in vault kv/ops#ks"), expected: "Web3 v3 keystore JSON" },
            Error::WrongPassword { keystore: s("keystore /p") },
            Error::Decrypt { keystore: s("keystore /p"), source: boxed() },
            Error::Encrypt { what: "the BLS key", source: boxed() },
            Error::BadMnemonic { file: p(), index: 3 },
            Error::NotABlsKey,
            Error::BlsPubkeyMismatch { path: p() },
            Error::LocalSigning(alloy::signers::Error::other("the library's own words")),
            Error::SignsProposalsOnly { backend: "Web3Signer" },
            Error::HdPath { path: s("m/x"), why: s("more than 10 levels") },
            Error::DeviceKeyMismatch { signed: Address::ZERO, expected: A },
            Error::DeviceSignature(alloy::primitives::SignatureError::InvalidParity(9)),
            Error::NotAUrl { what: "web3signer URL", url: s(URL) },
            Error::PlainHttp { what: "VAULT_ADDR", url: s("http://v"), exposed: "Vault token" },
            Error::HttpClient(http()),
        ]
    }

    fn device_samples() -> Vec<Error> {
        let ledger = [
            LedgerError::NoUsb(hidapi_rusb::HidError::HidApiError { message: s("the library's own words") }),
            LedgerError::NotFound,
            LedgerError::InUse,
            LedgerError::Rejected,
            LedgerError::Locked,
            LedgerError::AppClosed,
            LedgerError::NotReady,
            LedgerError::BlindSigning,
            LedgerError::AppVersion { needs: s(">=1.9.19") },
            LedgerError::BadPath,
            LedgerError::Device(alloy::signers::ledger::LedgerError::ShortResponse { got: 3, expected: 65 }),
            LedgerError::Signing(alloy::signers::Error::other("the library's own words")),
        ];
        let kms = [
            KmsError::Disabled { key: s("k1") },
            KmsError::NotFound { key: s("k1") },
            KmsError::Unusable { key: s("k1") },
            KmsError::Spec { key: s("k1"), spec: s("ECC_NIST_P256") },
            KmsError::Usage { key: s("k1") },
            KmsError::State { key: s("k1"), state: s("PendingImport") },
            KmsError::Request { key: s("k1"), check: "the region", source: boxed() },
            KmsError::Signing(alloy::signers::Error::other("the library's own words")),
        ];
        ledger.into_iter().map(Error::from).chain(kms.into_iter().map(Error::from)).collect()
    }

    fn remote_samples() -> Vec<Error> {
        let web3signer = [
            Web3SignerError::TlsNeedsHttps { url: s("http://w3s") },
            Web3SignerError::Certificate { path: p(), expected: "a PEM certificate", source: http() },
            Web3SignerError::Unreachable { url: s(URL), tls: true, source: http() },
            Web3SignerError::Refused { url: s(URL), status: StatusCode::UNAUTHORIZED },
            Web3SignerError::HostNotAllowed { url: s(URL), host: s("w3s") },
            Web3SignerError::Answered { url: s(URL), status: StatusCode::INTERNAL_SERVER_ERROR, body: s("down") },
            Web3SignerError::NotUp { url: s(URL), answer: s("DOWN") },
            Web3SignerError::NoKey { url: s(URL), address: Address::ZERO, held: vec![A] },
            Web3SignerError::BadPublicKey { key: s("0x04") },
            Web3SignerError::BadAnswer {
                url: s(URL),
                request: "publicKeys",
                expected: "a list of public keys",
                source: json(),
            },
            Web3SignerError::Rpc {
                method: "eth_signTypedData",
                status: 500,
                error: s(r#"{"code":-32603,"message":"Internal error"}"#),
            },
            Web3SignerError::NoSignature,
            Web3SignerError::SignatureNotHex(alloy::primitives::hex::FromHexError::OddLength),
            Web3SignerError::WrongKey { signed: Address::ZERO, expected: A },
        ];
        let fireblocks = [
            FireblocksError::BadSecret,
            FireblocksError::Jwt(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into()),
            FireblocksError::Unreachable { url: s("https://fb"), source: http() },
            FireblocksError::Refused { status: StatusCode::UNAUTHORIZED },
            FireblocksError::Answered { status: StatusCode::INTERNAL_SERVER_ERROR, body: s("down") },
            FireblocksError::NotJson(json()),
            FireblocksError::NoTransactionId,
            FireblocksError::MissingPart { part: "r" },
            FireblocksError::NotHex { part: "s" },
            FireblocksError::BadV { v: 5 },
            FireblocksError::WrongKey { vault_account: s("7"), signed: Address::ZERO, expected: A },
            FireblocksError::Ended {
                id: s("t1"),
                status: s("CANCELLED"),
                sub_status: s("REJECTED_BY_USER"),
                meaning: "a signer rejected it in the Fireblocks app",
            },
            FireblocksError::TimedOut {
                id: s("t1"),
                after: std::time::Duration::from_secs(60),
                status: s("PENDING_AUTHORIZATION"),
            },
        ];
        web3signer.into_iter().map(Error::from).chain(fireblocks.into_iter().map(Error::from)).collect()
    }

    fn secret_samples() -> Vec<Error> {
        let vault = [
            VaultError::Reference { reference: s("kv") },
            VaultError::Client { source: vault() },
            VaultError::Unreachable { addr: s("https://v"), source: vault() },
            VaultError::Denied { secret: s(KV) },
            VaultError::NoSecret { secret: s(KV) },
            VaultError::Status { secret: s(KV), status: 503 },
            VaultError::BadAnswer { secret: s(KV), source: vault() },
            VaultError::NoField { secret: s(KV), field: s("pw") },
            VaultError::FieldExists { secret: s(KV), field: s("pw") },
            VaultError::Conflict { secret: s(KV) },
            VaultError::WriteRefused { secret: s(KV), why: s("no data provided") },
            VaultError::NotKv2 { mount: s("kv"), written: s("kv/data/ops") },
            VaultError::Deleted { secret: s(KV), version: 3 },
        ];
        let aws = [
            AwsSecretError::Read { id: s("ops"), source: boxed() },
            AwsSecretError::Create { id: s("ops"), source: boxed() },
            AwsSecretError::Exists { id: s("ops") },
            AwsSecretError::NoString { id: s("ops") },
            AwsSecretError::NotJson { id: s("ops"), field: s("pw") },
            AwsSecretError::NoField { id: s("ops"), field: s("pw") },
        ];
        vault.into_iter().map(Error::from).chain(aws.into_iter().map(Error::from)).collect()
    }

    /// Lowercase, but for a name: a product, a flag, an environment variable, a path or an address.
    fn starts_lowercase_or_with_a_name(message: &str) -> bool {
        let first_word = message.split([' ', ':']).next().unwrap_or_default();
        message.starts_with(|c: char| c.is_lowercase())
            || ["AWS", "Ledger", "Fireblocks", "BLS"].contains(&first_word)
            || ["--", "/", "0x"].iter().any(|p| message.starts_with(p))
            || first_word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    }

    #[test]
    fn every_message_keeps_its_promise_and_names_each_cause_once() {
        let samples = samples();
        let mut covered = HashSet::new();
        for e in &samples {
            let message = e.to_string();
            for word in promises(e) {
                assert!(message.contains(word), "{}: `{message}` does not say `{word}`", arm(e));
            }
            assert!(starts_lowercase_or_with_a_name(&message), "{}: `{message}`", arm(e));
            assert!(!message.contains('\n') && !message.ends_with('.'), "{}: `{message}`", arm(e));
            // The CLI prints the source after the message: the message must not say it already.
            if let Some(source) = e.source() {
                let cause = source.to_string();
                assert!(!message.contains(&cause), "{}: `{message}` repeats its cause `{cause}`", arm(e));
            }
            covered.insert(arm(e));
        }
        assert_eq!(covered.len(), ARMS, "every variant needs a sample");
        assert_eq!(samples.len(), ARMS, "one sample per variant");
    }
}
