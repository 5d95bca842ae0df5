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
    /// A proposal whose fields, hashes and typed data no longer agree; the text says which check failed.
    #[error("the proposal file was modified after it was made: {0}")]
    Tampered(String),
    /// A proposal file that cannot be read, locked, parsed or written.
    #[error("{path}: {why}")]
    File {
        /// The proposal file as given on the command line.
        path: PathBuf,
        /// What went wrong with it: the I/O error's text, or why its contents are not a proposal.
        why: String,
    },
    /// Input that does not parse or is out of range: a proposal's JSON, a note, a signature, an argument.
    #[error("malformed input: {0}")]
    Malformed(String),
    /// A change the wallet or EigenLayer would refuse, said before anything is written or sent.
    #[error("{0}")]
    Refused(String),
    /// A signature from an address that is not among the wallet's signers.
    #[error("{0} is not a signer of the wallet")]
    NotASigner(Address),
    /// A second, different signature from a signer who already signed the same digest.
    #[error("{0} already signed this proposal with a different signature")]
    DuplicateSignature(Address),
    /// The RPC node (or the rewards sidecar) could not be reached or answered with an error; the text is escaped.
    #[error("rpc: {0}")]
    Rpc(String),
    /// The chain's state rules the request out: not an operator, a contract not where it should be, a wrong chain.
    #[error("{0}")]
    Chain(String),
    /// A proposal store (an S3 bucket) refused or failed.
    #[error("{location}: {why}")]
    Store {
        /// The object or folder, `s3://<bucket>/<key>` or `s3://<bucket>/<prefix>`.
        location: String,
        /// What was being done and S3's error code or text (escaped), with a hint where one helps.
        why: String,
    },

    // Keys and secrets on this machine.
    /// An environment variable that is not set (or not Unicode).
    #[error("environment variable {var} ({what}) is not set")]
    EnvVarMissing {
        /// The variable's name, such as `OPWALLET_KEY` or `VAULT_ADDR`.
        var: String,
        /// What the variable was to hold ("the private key"), never its value.
        what: &'static str,
    },
    /// A file opwallet needs that cannot be read.
    #[error("cannot read {what} from {path}")]
    FileRead {
        /// The file.
        path: PathBuf,
        /// What the file was to hold: "the private key", "the mnemonic", "the BLS keystore".
        what: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A private file opwallet writes (a keystore, a temporary copy) that cannot be created or written.
    #[error("cannot write {path}")]
    FileWrite {
        /// The file being written.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A private file (a key, a keystore) refused because something is already at its path.
    #[error("{path} already exists (or is a link): refusing to write over it")]
    FileExists {
        /// The path the new file was to take.
        path: PathBuf,
    },
    /// A new keystore's name that is taken in its directory.
    #[error("{path} already exists: choose another --name")]
    NameTaken {
        /// The keystore file the name would make, in the chosen directory.
        path: PathBuf,
    },
    /// A directory for new keystores that cannot be created.
    #[error("cannot create the directory {path}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The private scratch directory keystore libraries write into cannot be made or removed.
    #[error("cannot {action} a private temporary directory")]
    TempDir {
        /// "make" or "remove".
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A private key that is not 32 bytes of hex; the value is never shown.
    #[error("{location} does not hold a private key: expected 32 bytes of hex")]
    NotAPrivateKey {
        /// The environment variable or the file that held it.
        location: String,
    },
    /// A keystore path (`--keystore`) with no file at it.
    #[error("keystore {path} does not exist")]
    NoKeystore {
        /// The path given.
        path: PathBuf,
    },
    /// A Foundry account name with no keystore under `~/.foundry/keystores`.
    #[error("no Foundry account `{name}` ({path} does not exist; `cast wallet import {name}` creates it)")]
    NoFoundryAccount {
        /// The account name given.
        name: String,
        /// Where Foundry would keep it, `~/.foundry/keystores/<name>`.
        path: PathBuf,
    },
    /// Text that should be a keystore and has no `crypto` section.
    #[error("{what} is not a keystore (expected {expected})")]
    NotAKeystore {
        /// Where the text came from ("the secret in vault secret/ops#keystore", or a file's path).
        what: String,
        /// The kind of keystore looked for: "Web3 v3 keystore JSON", "a BLS keystore with a `crypto` section".
        expected: &'static str,
    },
    /// A keystore whose MAC does not match: the password is wrong.
    #[error("wrong password for {keystore}")]
    WrongPassword {
        /// The keystore as messages name it: "keystore /path", "BLS keystore /path".
        keystore: String,
    },
    /// A keystore that does not decrypt for another reason than the password.
    #[error("cannot decrypt {keystore}")]
    Decrypt {
        /// The keystore as messages name it: "keystore /path", "BLS keystore /path".
        keystore: String,
        /// The keystore library's error.
        #[source]
        source: BoxError,
    },
    /// A new key that cannot be encrypted into a keystore.
    #[error("cannot encrypt {what}")]
    Encrypt {
        /// The key: "a new keystore" or "the BLS key".
        what: &'static str,
        /// The keystore library's error.
        #[source]
        source: BoxError,
    },
    /// A mnemonic that is not BIP-39 English, or an index that cannot be derived. The library's own error is
    /// dropped on purpose: it quotes the offending word, and a mnemonic word is a secret.
    #[error(
        "the mnemonic in {file} is not a valid BIP-39 English phrase (a word is misspelt, missing, or the checksum \
         does not match), or index {index} cannot be derived"
    )]
    BadMnemonic {
        /// The file holding the phrase.
        file: PathBuf,
        /// The account index asked for, the last level of `m/44'/60'/0'/0/<index>`.
        index: u32,
    },
    /// A keystore whose secret is not a BN254 scalar (32 bytes, below the group order).
    #[error("the keystore does not hold a BN254 secret key (32 bytes, below the group order)")]
    NotABlsKey,
    /// A BLS keystore whose stored `pubKey` is not its secret key's: the file was altered.
    #[error("BLS keystore {path}: its pubKey does not belong to its secret key (the file was altered)")]
    BlsPubkeyMismatch {
        /// The BLS keystore file.
        path: PathBuf,
    },
    /// A key on this machine that failed to sign.
    #[error("the local key could not sign")]
    LocalSigning(#[source] alloy::signers::Error),
    /// A remote signer that signs typed data only, asked to send a transaction.
    #[error(
        "a {backend} key signs proposals only: send transactions with a local key, a Ledger (--ledger) or an AWS \
         KMS key (--aws-kms-key)"
    )]
    SignsProposalsOnly {
        /// "Web3Signer" or "Fireblocks".
        backend: &'static str,
    },

    // Hardware and cloud keys.
    /// An `--hd-path` that is not a BIP-32 path, refused before any device is opened.
    #[error("--hd-path `{path}` is not a derivation path ({why}; e.g. m/44'/60'/0'/0/0)")]
    HdPath {
        /// The path as given.
        path: String,
        /// What is wrong with it: no `m/` prefix, more than 10 levels, or an index that is not below 2^31.
        why: String,
    },
    /// A Ledger that signed with another key than the address it was to sign for.
    #[error("the device signed with {signed}, not with {expected}: check the HD path; nothing was added")]
    DeviceKeyMismatch {
        /// The address recovered from the device's signature.
        signed: Address,
        /// The address the signer was set up for.
        expected: Address,
    },
    /// A device signature that is not a valid secp256k1 signature.
    #[error("the device returned an invalid signature")]
    DeviceSignature(#[source] alloy::primitives::SignatureError),
    /// A Ledger failure, as what to do about it.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// An AWS KMS key Ethereum cannot use, or a KMS request that failed.
    #[error(transparent)]
    Kms(#[from] KmsError),

    // Remote services.
    /// A service's address that does not parse as a URL.
    #[error("{what} {url} is not a URL")]
    NotAUrl {
        /// The setting it came from ("web3signer URL", "VAULT_ADDR").
        what: &'static str,
        /// The address as given, redacted.
        url: String,
    },
    /// A service's address that is plain http to another machine while a credential would travel with the request.
    #[error(
        "{what} {url} is plain http to another machine: the {exposed} would cross the network unencrypted; use \
         https://"
    )]
    PlainHttp {
        /// The setting it came from ("web3signer URL", "VAULT_ADDR").
        what: &'static str,
        /// The address as given, redacted.
        url: String,
        /// The credential that would travel in clear ("bearer token", "Vault token").
        exposed: &'static str,
    },
    /// The HTTP client for a remote signer or service cannot be built (its TLS settings).
    #[error("cannot set up an HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// A Web3Signer that cannot be reached, refuses, or answers other than its API says.
    #[error(transparent)]
    Web3Signer(#[from] Web3SignerError),
    /// A Fireblocks request that failed, or a signature Fireblocks should not have returned.
    #[error(transparent)]
    Fireblocks(#[from] FireblocksError),
    /// A HashiCorp Vault secret that cannot be read or written.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// An AWS Secrets Manager secret that cannot be read or created.
    #[error(transparent)]
    AwsSecret(#[from] AwsSecretError),
}

/// A Ledger failure, as what to do about it. The status words behind them are the Ethereum app's
/// (its `doc/ethapp.adoc`).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The USB (HID) library cannot start: no USB on this machine, or none passed into the container.
    #[error(
        "Ledger: USB is not usable on this machine: connect the Ledger to the machine running opwallet (in a \
         container, pass /dev/bus/usb through)"
    )]
    NoUsb(#[source] hidapi_rusb::HidError),
    /// No Ledger among the USB devices this user can open.
    #[error(
        "Ledger: no Ledger found: connect it, unlock it and open its Ethereum app (on Linux, Ledger's udev rules \
         must give you access)"
    )]
    NotFound,
    /// The Ledger is there but cannot be opened: another program holds it.
    #[error("Ledger: the Ledger is in use by another program (Ledger Live, a browser wallet): close it and retry")]
    InUse,
    /// The holder rejected the request on the device (status word 0x6985).
    #[error("Ledger: rejected on the Ledger: nothing was signed")]
    Rejected,
    /// The device answered that it is locked (status word 0x6804, older firmware).
    #[error("Ledger: the Ledger is locked: unlock it and open its Ethereum app")]
    Locked,
    /// Another app than Ethereum is open: the device does not know the instruction (0x6D00) or class (0x6E00).
    #[error("Ledger: open the Ethereum app on the Ledger")]
    AppClosed,
    /// An answer alloy-signer-ledger could not read (a status word coins-ledger does not know): what a locked
    /// Ledger (0x5515) or one without the Ethereum app open (0x6511, 0x6E01) sends.
    #[error("Ledger: the Ledger did not answer as the Ethereum app does: unlock it and open its Ethereum app")]
    NotReady,
    /// The Ethereum app refused to sign EIP-712 hashes because blind signing is off (status word 0x6A80).
    #[error(
        "Ledger: the Ledger refused to sign EIP-712 hashes: enable Blind signing in the Ethereum app's settings (the \
         device then shows the domain hash and message hash; compare them with opwallet's signing screen)"
    )]
    BlindSigning,
    /// An Ethereum app too old for EIP-712 signing.
    #[error("Ledger: update the Ledger's Ethereum app: EIP-712 signing needs {needs}")]
    AppVersion {
        /// The app version EIP-712 signing needs, as alloy-signer-ledger states it (">=1.9.19").
        needs: String,
    },
    /// alloy-signer-ledger refused the HD path as a derivation path.
    #[error("Ledger: the HD path is not a derivation path")]
    BadPath,
    /// Any other failure of the device or its transport.
    #[error("Ledger: the device failed")]
    Device(#[source] alloy::signers::ledger::LedgerError),
    /// Signing failed for a reason none of the above names.
    #[error("Ledger: signing failed")]
    Signing(#[source] alloy::signers::Error),
}

/// An AWS KMS key Ethereum cannot use, or a KMS request that failed. `key` is the id, alias or ARN as given.
#[derive(Debug, thiserror::Error)]
pub enum KmsError {
    /// KMS answered `DisabledException`.
    #[error("AWS KMS key `{key}` is disabled: enable it in KMS")]
    Disabled {
        /// The key's id, alias or ARN as given.
        key: String,
    },
    /// KMS answered `NotFoundException`: a wrong id, region or account, or no permission to see it.
    #[error(
        "AWS KMS key `{key}` was not found (check the key id, credentials, region and kms:GetPublicKey permission)"
    )]
    NotFound {
        /// The key's id, alias or ARN as given.
        key: String,
    },
    /// KMS answered `KMSInvalidStateException` (such as a key pending deletion).
    #[error("AWS KMS key `{key}` is not usable in its current state (pending deletion?)")]
    Unusable {
        /// The key's id, alias or ARN as given.
        key: String,
    },
    /// A key on another curve than secp256k1.
    #[error("AWS KMS key `{key}` has key spec {spec}: Ethereum signatures need ECC_SECG_P256K1 (secp256k1)")]
    Spec {
        /// The key's id, alias or ARN as given.
        key: String,
        /// The key spec KMS reported, such as `ECC_NIST_P256`.
        spec: String,
    },
    /// A key whose usage is not `SIGN_VERIFY`.
    #[error("AWS KMS key `{key}` is not a signing key (key usage must be SIGN_VERIFY)")]
    Usage {
        /// The key's id, alias or ARN as given.
        key: String,
    },
    /// A key whose state (read with `kms:DescribeKey`) is not `Enabled`.
    #[error("AWS KMS key `{key}` is in state {state}, not Enabled")]
    State {
        /// The key's id, alias or ARN as given.
        key: String,
        /// The state KMS reported, such as `PendingImport`.
        state: String,
    },
    /// A KMS request that failed for another reason (network, credentials, permissions).
    #[error("AWS KMS key `{key}`: the request failed (check {check})")]
    Request {
        /// The key's id, alias or ARN as given.
        key: String,
        /// What to check ("the key id, credentials and region").
        check: &'static str,
        /// The AWS SDK's or alloy-signer-aws's error.
        #[source]
        source: BoxError,
    },
    /// KMS failed to sign a digest.
    #[error("AWS KMS signing failed")]
    Signing(#[source] alloy::signers::Error),
}

/// A Web3Signer that cannot be reached, refuses, or answers other than its API says. `url` is redacted.
#[derive(Debug, thiserror::Error)]
pub enum Web3SignerError {
    /// TLS options (a CA or a client certificate) given with an `http://` URL, where they would do nothing.
    #[error("web3signer URL {url} is not https, so its TLS options would be ignored: use https://")]
    TlsNeedsHttps {
        /// The Web3Signer URL, redacted.
        url: String,
    },
    /// A CA or client certificate file that does not hold what its option asks for.
    #[error("{path} does not hold {expected}")]
    Certificate {
        /// The certificate file given.
        path: PathBuf,
        /// "a PEM certificate" or "a PEM client certificate and its private key".
        expected: &'static str,
        /// reqwest's error parsing it.
        #[source]
        source: reqwest::Error,
    },
    /// A request that got no HTTP answer (refused, timed out, TLS failure).
    #[error("web3signer at {url} unreachable{}", tls_hint(*.tls))]
    Unreachable {
        /// The Web3Signer URL, redacted.
        url: String,
        /// Whether the URL is https, so the TLS options are named as a likely fix.
        tls: bool,
        /// reqwest's error.
        #[source]
        source: reqwest::Error,
    },
    /// A 401 (or a 403 other than the Host allow-list's): Web3Signer has no tokens, so from a proxy in front of it.
    #[error("web3signer at {url} refused the request ({status}): check the bearer token (--web3signer-token-env)")]
    Refused {
        /// The Web3Signer URL, redacted.
        url: String,
        /// The HTTP status, 401 or 403.
        status: StatusCode,
    },
    /// Web3Signer's own 403, whose body says `Host not authorized`.
    #[error(
        "web3signer at {url} does not accept the host name `{host}` (403 Host not authorized): add it to \
         Web3Signer's --http-host-allowlist, or use a URL with a host name it allows"
    )]
    HostNotAllowed {
        /// The Web3Signer URL, redacted.
        url: String,
        /// The host name in the URL opwallet was given, which Web3Signer's allow-list lacks.
        host: String,
    },
    /// Any other non-2xx answer.
    #[error("web3signer at {url} answered {status}: {body}")]
    Answered {
        /// The Web3Signer URL, redacted.
        url: String,
        /// The HTTP status.
        status: StatusCode,
        /// The answer's body, trimmed and escaped.
        body: String,
    },
    /// `/upcheck` answered something other than `OK`.
    #[error("web3signer at {url} is not up (upcheck answered `{answer}`)")]
    NotUp {
        /// The Web3Signer URL, redacted.
        url: String,
        /// The upcheck's answer, trimmed.
        answer: String,
    },
    /// The signer's key list lacks the address to sign for.
    #[error("web3signer at {url} holds no key for {address} (it holds: {})", list(.held))]
    NoKey {
        /// The Web3Signer URL, redacted.
        url: String,
        /// The address opwallet was asked to sign for.
        address: Address,
        /// The addresses of the secp256k1 keys Web3Signer listed.
        held: Vec<Address>,
    },
    /// A listed key that does not parse as a secp256k1 public key.
    #[error("web3signer listed `{key}`, which is not a secp256k1 public key")]
    BadPublicKey {
        /// The key as listed (hex).
        key: String,
    },
    /// A 2xx answer whose body is not the JSON the endpoint documents.
    #[error("web3signer at {url} answered {request} with something other than {expected}")]
    BadAnswer {
        /// The Web3Signer URL, redacted.
        url: String,
        /// The endpoint or JSON-RPC method asked.
        request: &'static str,
        /// What its answer should have been ("a list of public keys").
        expected: &'static str,
        /// serde_json's error reading the answer.
        #[source]
        source: serde_json::Error,
    },
    /// A JSON-RPC error object, whatever HTTP status it came with.
    #[error("web3signer {method} failed (HTTP {status}): {error}")]
    Rpc {
        /// The JSON-RPC method, such as `eth_signTypedData`.
        method: &'static str,
        /// The HTTP status it came with: 400 invalid params, 500 an internal error such as typed data its encoder
        /// cannot hash, 200 otherwise.
        status: u16,
        /// The JSON-RPC error object as the signer sent it (escaped).
        error: String,
    },
    /// An `eth_signTypedData` result that is not a string.
    #[error("web3signer returned no signature")]
    NoSignature,
    /// A signature result that is not hex.
    #[error("web3signer returned a signature that is not hex")]
    SignatureNotHex(#[source] alloy::primitives::hex::FromHexError),
    /// A signature that recovers to another address than the one asked for.
    #[error("web3signer signed with {signed}, not {expected}: its typed-data hashing differs or it used another key")]
    WrongKey {
        /// The address recovered from the signature over opwallet's digest.
        signed: Address,
        /// The address Web3Signer was asked to sign with.
        expected: Address,
    },
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
    /// The JWT that authenticates a request cannot be signed with the API secret.
    #[error("cannot sign the Fireblocks request")]
    Jwt(#[source] jsonwebtoken::errors::Error),
    /// A request that got no HTTP answer (refused, timed out, TLS failure).
    #[error("Fireblocks at {url} unreachable")]
    Unreachable {
        /// The Fireblocks API URL, redacted.
        url: String,
        /// reqwest's error.
        #[source]
        source: reqwest::Error,
    },
    /// A 401 or 403: the API key, its secret or its permissions.
    #[error("Fireblocks refused the request ({status}): check the API key, its secret and its permissions")]
    Refused {
        /// The HTTP status, 401 or 403.
        status: StatusCode,
    },
    /// Any other non-2xx answer.
    #[error("Fireblocks answered {status}: {body}")]
    Answered {
        /// The HTTP status.
        status: StatusCode,
        /// The answer's body, trimmed.
        body: String,
    },
    /// A 2xx answer whose body is not JSON.
    #[error("Fireblocks answered with something other than JSON")]
    NotJson(#[source] serde_json::Error),
    /// A created transaction whose answer has no `id`, so it cannot be followed.
    #[error("Fireblocks returned no transaction id")]
    NoTransactionId,
    /// A completed transaction's signature that lacks `r`, `s` or `v`.
    #[error("Fireblocks signature has no `{part}`")]
    MissingPart {
        /// The missing part: "r", "s" or "v".
        part: &'static str,
    },
    /// A signature's `r` or `s` that is not 32 bytes of hex.
    #[error("Fireblocks signature `{part}` is not hex")]
    NotHex {
        /// The part: "r" or "s".
        part: &'static str,
    },
    /// A recovery id that is none of 0, 1, 27 and 28.
    #[error("Fireblocks signature has v = {v}, not 0, 1, 27 or 28")]
    BadV {
        /// The `v` Fireblocks returned.
        v: u64,
    },
    /// A signature that recovers to another address than the vault account's.
    #[error("Fireblocks vault account {vault_account} signed with {signed}, not {expected}")]
    WrongKey {
        /// The vault account id that signed.
        vault_account: String,
        /// The address recovered from the signature over opwallet's digest.
        signed: Address,
        /// The address the vault account was given as holding.
        expected: Address,
    },
    /// A transaction that ended without a signature: cancelled, blocked, rejected, failed or timed out.
    #[error("Fireblocks transaction {id} ended {status}{}: {meaning}; nothing was signed", sub(.sub_status))]
    Ended {
        /// The Fireblocks transaction id.
        id: String,
        /// Fireblocks' final status (`CANCELLED`, `BLOCKED`, `REJECTED`, `FAILED`, `TIMEOUT`), escaped.
        status: String,
        /// Fireblocks' sub-status (`REJECTED_BY_USER`), escaped; empty when it gave none.
        sub_status: String,
        /// What that status means for the signer ("a signer rejected it in the Fireblocks app").
        meaning: &'static str,
    },
    /// A transaction still not signed when opwallet gave up waiting.
    #[error(
        "Fireblocks transaction {id} was not signed within {after:?} (still {status}): opwallet stopped waiting and \
         nothing was signed; cancel it in Fireblocks, or approve it there and sign again with a longer \
         OPWALLET_FIREBLOCKS_TIMEOUT_MS"
    )]
    TimedOut {
        /// The Fireblocks transaction id.
        id: String,
        /// How long opwallet waited (`OPWALLET_FIREBLOCKS_TIMEOUT_MS`).
        after: std::time::Duration,
        /// The transaction's last status (`PENDING_AUTHORIZATION`), escaped.
        status: String,
    },
}

/// A HashiCorp Vault KV v2 secret that cannot be read or written. `secret` is `<mount>/<path>`, `addr` is
/// `$VAULT_ADDR` redacted.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// A reference that is not `<mount>/<path>#<field>`.
    #[error("vault reference `{reference}` must be <mount>/<path>#<field>")]
    Reference {
        /// The reference as given.
        reference: String,
    },
    /// vaultrs refused the client settings.
    #[error("cannot set up a Vault client")]
    Client {
        /// vaultrs's error.
        #[source]
        source: Box<vaultrs::error::ClientError>,
    },
    /// A request that got no HTTP answer (refused, timed out, TLS failure).
    #[error("vault at {addr} unreachable")]
    Unreachable {
        /// `$VAULT_ADDR`, redacted.
        addr: String,
        /// vaultrs's error.
        #[source]
        source: Box<vaultrs::error::ClientError>,
    },
    /// A 403: the token's policy does not grant the secret.
    #[error("vault refused {secret}: permission denied (check VAULT_TOKEN and its policy)")]
    Denied {
        /// The secret, `<mount>/<path>`.
        secret: String,
    },
    /// A 404: no secret at the path (a deleted latest version is [`VaultError::Deleted`]).
    #[error("vault has no secret {secret}")]
    NoSecret {
        /// The secret, `<mount>/<path>`.
        secret: String,
    },
    /// Any other HTTP error status.
    #[error("vault answered HTTP {status} for {secret}")]
    Status {
        /// The secret, `<mount>/<path>`.
        secret: String,
        /// The HTTP status Vault answered.
        status: u16,
    },
    /// A 2xx answer that is not the JSON a KV v2 read returns.
    #[error("vault answered {secret} with something other than KV v2 JSON")]
    BadAnswer {
        /// The secret, `<mount>/<path>`.
        secret: String,
        /// vaultrs's error reading the answer.
        #[source]
        source: Box<vaultrs::error::ClientError>,
    },
    /// A secret without the field the reference names.
    #[error("vault secret {secret} has no field `{field}`")]
    NoField {
        /// The secret, `<mount>/<path>`.
        secret: String,
        /// The field after `#` in the reference.
        field: String,
    },
    /// A new password's field that the secret already holds.
    #[error(
        "vault secret {secret} already has a field `{field}`: opwallet never overwrites a password (it may be the \
         only copy of another key's); choose another field or path"
    )]
    FieldExists {
        /// The secret, `<mount>/<path>`.
        secret: String,
        /// The field after `#` in the reference.
        field: String,
    },
    /// A write refused by check-and-set: someone else wrote the secret in between.
    #[error(
        "vault refused to store {secret}: the secret changed while opwallet was writing it (check-and-set); nothing \
         was overwritten, run again"
    )]
    Conflict {
        /// The secret, `<mount>/<path>`.
        secret: String,
    },
    /// Vault's 400 to a write for another reason than check-and-set.
    #[error("vault refused to store {secret}: {why}")]
    WriteRefused {
        /// The secret, `<mount>/<path>`.
        secret: String,
        /// Vault's error text, escaped.
        why: String,
    },
    /// The write was answered 204, as a KV v1 mount answers: stored without check-and-set.
    #[error(
        "vault mount `{mount}` is not KV v2 (it answered the write with 204 No Content, as KV v1 does, and ignored \
         check-and-set): opwallet stores passwords only in a KV v2 mount; no key was made, and what Vault stored \
         at {written} is of no use: delete it"
    )]
    NotKv2 {
        /// The mount, the reference's first path segment.
        mount: String,
        /// Where the KV v1 mount stored the write, `<mount>/data/<path>`.
        written: String,
    },
    /// A secret whose latest version is deleted (a 404 with version metadata).
    #[error(
        "vault secret {secret}'s latest version ({version}) is deleted: undelete it (`vault kv undelete \
         -versions={version} {secret}`) or read an older version"
    )]
    Deleted {
        /// The secret, `<mount>/<path>`.
        secret: String,
        /// The deleted version's number.
        version: u64,
    },
}

/// An AWS Secrets Manager secret that cannot be read or created. `id` is the secret's name or ARN as given.
#[derive(Debug, thiserror::Error)]
pub enum AwsSecretError {
    /// `GetSecretValue` failed.
    #[error("AWS Secrets Manager secret `{id}` cannot be read (check the name, credentials and region)")]
    Read {
        /// The secret's name or ARN as given.
        id: String,
        /// The AWS SDK's error.
        #[source]
        source: BoxError,
    },
    /// `CreateSecret` failed for another reason than the name being taken.
    #[error("cannot create AWS Secrets Manager secret `{id}` (check credentials, region and permissions)")]
    Create {
        /// The secret's name as given.
        id: String,
        /// The AWS SDK's error.
        #[source]
        source: BoxError,
    },
    /// `CreateSecret` found a secret with the name already.
    #[error(
        "AWS Secrets Manager secret `{id}` already exists: choose another name (opwallet never overwrites a password)"
    )]
    Exists {
        /// The secret's name as given.
        id: String,
    },
    /// A secret stored as binary, with no `SecretString`.
    #[error("AWS Secrets Manager secret `{id}` holds no string")]
    NoString {
        /// The secret's name or ARN as given.
        id: String,
    },
    /// A field asked of a secret whose string is not JSON.
    #[error("AWS Secrets Manager secret `{id}` is not JSON, so it has no field `{field}`")]
    NotJson {
        /// The secret's name or ARN as given.
        id: String,
        /// The field asked for.
        field: String,
    },
    /// A JSON secret whose field asked for is missing, or neither text nor an object.
    #[error("AWS Secrets Manager secret `{id}` has no field `{field}`")]
    NoField {
        /// The secret's name or ARN as given.
        id: String,
        /// The field asked for.
        field: String,
    },
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
