//! The proposal file: what a signer checks and signs offline, and the signatures collected so far
//! (docs/proposal-format.md).
//!
//! Nothing in the file that a signer reads is taken on trust. It holds only what is hashed (the calls' target,
//! value and calldata; a message's EigenLayer preimage) and what opwallet recomputes from that (typed data, hashes);
//! every description a signer sees is derived from those bytes ([`crate::decode`]). The one free-text field, the
//! proposer's `note`, is shown labelled as the proposer's words. Every hash is recomputed whenever a file is read,
//! and a file that repeats a JSON key, or has a field this version does not define, is refused.

use std::path::Path;

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Bytes, U256},
    sol,
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};

use crate::{
    Error,
    eip712::{self, Call, Execute, Hashes, OperatorWalletMessage},
    packing::{SignatureKind, SignerSignature},
};

/// Bumped on any incompatible change of the file format. Version 2 dropped the human-readable fields of version 1
/// (`description`, each call's `decoded`, a message's `context`), which were shown to signers but never hashed.
pub const FORMAT_VERSION: u32 = 2;

/// The longest proposer's note accepted (it is shown on every signer's screen).
pub const MAX_NOTE_CHARS: usize = 500;
/// Limits on what a proposal file may hold, so a doctored file cannot exhaust a signer's memory or time. This one:
/// the largest file read, 4 MiB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;
/// The most calls in one batch (also the cap when proposals are merged into a batch).
pub const MAX_CALLS: usize = 256;
/// The most calldata one call may carry, 128 KiB.
pub const MAX_CALLDATA_BYTES: usize = 128 << 10;
/// The most signature entries a file may hold: far above any wallet's 32 signers, so only a doctored file meets it.
pub const MAX_SIGNATURES: usize = 255;

/// One call of a batch, exactly as the wallet will make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposedCall {
    /// The contract (or account) called.
    pub target: Address,
    /// The wei sent with the call.
    pub value: U256,
    /// The calldata, signed as it is.
    pub data: Bytes,
    /// For a target whose ABI opwallet does not know: the function the proposer says the calldata calls, as a
    /// Solidity signature (`transfer(address to, uint256 amount)`). Not signed: a decoding hint that `sign` checks
    /// (its selector and the calldata's canonical encoding must match, or signing is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// For the wallet's own `approveForThisExecution(hash)`: what `hash` is the digest of. Not signed: `verify`
    /// recomputes the hash from it (or refuses the file), and `sign` checks it against EigenLayer on chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preimage: Option<Preimage>,
}

/// The longest function signature a call may carry.
pub const MAX_FUNCTION_CHARS: usize = 1_000;

impl ProposedCall {
    /// A call sending no value.
    pub fn new(target: Address, data: impl Into<Bytes>) -> Self {
        Self { target, value: U256::ZERO, data: data.into(), function: None, preimage: None }
    }

    /// The hash this call has the wallet vouch for during its execution, if it is the wallet's own
    /// `approveForThisExecution(hash)` (`wallet` is the proposal's).
    pub fn vouches_for(&self, wallet: Address) -> Option<B256> {
        use alloy::sol_types::SolCall;
        if self.target != wallet {
            return None;
        }
        opwallet_bindings::OperatorWallet::approveForThisExecutionCall::abi_decode(&self.data).ok().map(|c| c.hash)
    }
}

/// An EigenLayer contract's EIP-712 domain, `EIP712Domain(string name,string version,uint256 chainId,address
/// verifyingContract)`: what the contract's `domainSeparator()` hashes. Kept in the file so that a message's digest
/// can be recomputed offline from fields a signer can read; checked against the contract whenever online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EigenDomain {
    /// The domain's name: `EigenLayer`, for every EigenLayer contract.
    pub name: String,
    /// The domain's version: the major version that starts the contract's `version()` (`1` for release 1.13.0).
    pub version: String,
    /// The chain the contract is on.
    pub chain_id: u64,
    /// The EigenLayer contract (its proxy) whose domain this is.
    pub verifying_contract: Address,
}

impl EigenDomain {
    /// As alloy's domain type, with no salt.
    pub fn eip712(&self) -> Eip712Domain {
        Eip712Domain::new(
            Some(self.name.clone().into()),
            Some(self.version.clone().into()),
            Some(U256::from(self.chain_id)),
            Some(self.verifying_contract),
            None,
        )
    }

    /// `hashStruct(EIP712Domain)`, as the contract's `domainSeparator()` returns it.
    pub fn separator(&self) -> B256 {
        self.eip712().separator()
    }
}

sol! {
    /// AVSDirectory's `OPERATOR_AVS_REGISTRATION_TYPEHASH` struct.
    #[derive(Debug, PartialEq, Eq)]
    struct OperatorAVSRegistration {
        address operator;
        address avs;
        bytes32 salt;
        uint256 expiry;
    }

    /// DelegationManager's `DELEGATION_APPROVAL_TYPEHASH` struct.
    #[derive(Debug, PartialEq, Eq)]
    struct DelegationApproval {
        address delegationApprover;
        address staker;
        address operator;
        bytes32 salt;
        uint256 expiry;
    }
}

/// What an ERC-1271 message proposal's hash is the digest of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Preimage {
    /// AVSDirectory: `operator` registers with `avs` (the AVS submits the signature with `salt`, before `expiry`).
    #[serde(rename_all = "camelCase")]
    AvsRegistration {
        /// The AVSDirectory's domain.
        domain: EigenDomain,
        /// The operator registering: this wallet.
        operator: Address,
        /// The AVS it registers with.
        avs: Address,
        /// The operator's single-use salt.
        salt: B256,
        /// The unix time (seconds) after which the AVSDirectory refuses the signature.
        expiry: U256,
    },
    /// DelegationManager: `approver` (this wallet) lets `staker` delegate to `operator`.
    #[serde(rename_all = "camelCase")]
    DelegationApproval {
        /// The DelegationManager's domain.
        domain: EigenDomain,
        /// The staker allowed to delegate.
        staker: Address,
        /// The operator it delegates to.
        operator: Address,
        /// The operator's delegation approver, which signs: this wallet.
        approver: Address,
        /// The approver's single-use salt.
        salt: B256,
        /// The unix time (seconds) after which the DelegationManager refuses the approval.
        expiry: U256,
    },
    /// A hash whose meaning opwallet cannot know (`propose sign-hash`). Signing it needs an explicit flag.
    Unverified,
}

impl Preimage {
    /// The digest recomputed from the preimage (EIP-712 under the EigenLayer contract's domain), or `None` for an
    /// unverified hash.
    pub fn digest(&self) -> Option<B256> {
        match self {
            Self::AvsRegistration { domain, operator, avs, salt, expiry } => Some(
                OperatorAVSRegistration { operator: *operator, avs: *avs, salt: *salt, expiry: *expiry }
                    .eip712_signing_hash(&domain.eip712()),
            ),
            Self::DelegationApproval { domain, staker, operator, approver, salt, expiry } => Some(
                DelegationApproval {
                    delegationApprover: *approver,
                    staker: *staker,
                    operator: *operator,
                    salt: *salt,
                    expiry: *expiry,
                }
                .eip712_signing_hash(&domain.eip712()),
            ),
            Self::Unverified => None,
        }
    }

    /// The EigenLayer domain the digest is under, if the hash has a preimage.
    pub fn domain(&self) -> Option<&EigenDomain> {
        match self {
            Self::AvsRegistration { domain, .. } | Self::DelegationApproval { domain, .. } => Some(domain),
            Self::Unverified => None,
        }
    }

    /// The expiry EigenLayer checks, if any.
    pub fn expiry(&self) -> Option<U256> {
        match self {
            Self::AvsRegistration { expiry, .. } | Self::DelegationApproval { expiry, .. } => Some(*expiry),
            Self::Unverified => None,
        }
    }
}

/// What is being authorised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Body {
    /// A batch for `execute`, at `nonce`, valid until `deadline` (unix seconds), whose calls must be offered at
    /// least `min_gas` (the signed gas floor: whoever submits cannot starve a call).
    #[serde(rename_all = "camelCase")]
    Execute {
        /// The wallet nonce the batch runs at.
        nonce: u64,
        /// The unix time (seconds) after which the wallet refuses the batch.
        deadline: u64,
        /// The signed gas floor (0: none).
        min_gas: u64,
        /// The calls, in order.
        calls: Vec<ProposedCall>,
    },
    /// An ERC-1271 signature over `hash` (an EigenLayer digest, recomputed from `preimage`), wrapped as
    /// `OperatorWalletMessage(hash)`.
    #[serde(rename_all = "camelCase")]
    Message {
        /// The EigenLayer digest the wallet approves.
        hash: B256,
        /// What `hash` is the digest of.
        preimage: Preimage,
    },
}

/// A proposal file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ProposalFile", into = "ProposalFile")]
pub struct Proposal {
    /// The file format's version, [`FORMAT_VERSION`].
    pub version: u32,
    /// The proposer's own words, if any: never hashed, so never evidence of what the proposal does.
    pub note: Option<String>,
    /// The chain the wallet is on, part of the signed domain.
    pub chain_id: u64,
    /// The OperatorWallet that is to execute or vouch.
    pub wallet: Address,
    /// The wallet's configuration epoch when proposed, the domain's salt: a rotation invalidates the proposal.
    pub epoch: u64,
    /// What is being authorised.
    pub body: Body,
    /// The full EIP-712 typed data, for signers whose tools take it (`eth_signTypedData_v4`, hardware wallets).
    pub typed_data: TypedData,
    /// The domain hash, struct hash and digest, checked against the body on every read.
    pub hashes: Hashes,
    /// The signatures collected so far, one per signer.
    pub signatures: Vec<SignerSignature>,
}

/// The file's JSON layout: flat hashes, and no field a version-2 reader does not know.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProposalFile {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    chain_id: u64,
    wallet: Address,
    epoch: u64,
    body: Body,
    typed_data: TypedData,
    domain_hash: B256,
    struct_hash: B256,
    digest: B256,
    signatures: Vec<SignerSignature>,
}

impl From<Proposal> for ProposalFile {
    fn from(p: Proposal) -> Self {
        Self {
            version: p.version,
            note: p.note,
            chain_id: p.chain_id,
            wallet: p.wallet,
            epoch: p.epoch,
            body: p.body,
            typed_data: p.typed_data,
            domain_hash: p.hashes.domain_hash,
            struct_hash: p.hashes.struct_hash,
            digest: p.hashes.digest,
            signatures: p.signatures,
        }
    }
}

impl From<ProposalFile> for Proposal {
    fn from(f: ProposalFile) -> Self {
        Self {
            version: f.version,
            note: f.note,
            chain_id: f.chain_id,
            wallet: f.wallet,
            epoch: f.epoch,
            body: f.body,
            typed_data: f.typed_data,
            hashes: Hashes { domain_hash: f.domain_hash, struct_hash: f.struct_hash, digest: f.digest },
            signatures: f.signatures,
        }
    }
}

/// Whether one collected signature counts, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Checked against the digest and the wallet's signers: it counts.
    Valid,
    /// Checked and refused: it does not count and the signer may sign again to replace it.
    Invalid(String),
    /// Cannot be checked without the chain (contract signatures, on-chain approvals, offline).
    Unchecked,
}

/// Checks a 65-byte ECDSA signature the way the wallet's `execute` does (`r ‖ s ‖ v`, v 27 or 28, low s) and
/// returns who made it.
pub fn check_ecdsa(digest: B256, signature: &[u8]) -> Result<Address, String> {
    if signature.len() != 65 {
        return Err(format!("{} bytes, not 65", signature.len()));
    }
    if !matches!(signature[64], 27 | 28) {
        return Err(format!("v is {}, but the wallet accepts only 27 or 28", signature[64]));
    }
    crate::recover(digest, signature).map_err(|e| e.to_string())
}

/// A hash a proposal has the wallet vouch for (ERC-1271), and what it is the digest of, if the file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vouched<'a> {
    /// The call of the batch that approves it for its execution; `None` for a message proposal.
    pub call: Option<usize>,
    /// The hash vouched for.
    pub hash: B256,
    /// What it is the digest of, if the file says; `None` for an unverified hash.
    pub preimage: Option<&'a Preimage>,
}

impl Proposal {
    /// Every hash signing this proposal has the wallet vouch for: a message proposal's hash, or each
    /// `approveForThisExecution` call's.
    pub fn vouched(&self) -> Vec<Vouched<'_>> {
        match &self.body {
            Body::Message { hash, preimage } => vec![Vouched { call: None, hash: *hash, preimage: Some(preimage) }],
            Body::Execute { calls, .. } => calls
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    c.vouches_for(self.wallet).map(|hash| Vouched {
                        call: Some(i),
                        hash,
                        preimage: c.preimage.as_ref(),
                    })
                })
                .collect(),
        }
    }

    /// An execute proposal for the wallet's current `epoch` and `nonce`, with the signed gas floor `min_gas`.
    pub fn execute(
        chain_id: u64,
        wallet: Address,
        epoch: u64,
        nonce: u64,
        deadline: u64,
        min_gas: u64,
        calls: Vec<ProposedCall>,
    ) -> Self {
        Self::new(chain_id, wallet, epoch, Body::Execute { nonce, deadline, min_gas, calls })
    }

    /// An ERC-1271 message proposal over `hash`, which must be the digest of `preimage` (unless unverified).
    pub fn message(chain_id: u64, wallet: Address, epoch: u64, hash: B256, preimage: Preimage) -> Result<Self, Error> {
        if let Some(digest) = preimage.digest()
            && digest != hash
        {
            return Err(Error::Chain(format!(
                "EigenLayer's digest {hash} is not the EIP-712 hash {digest} of the message's fields: refusing to \
                 propose it"
            )));
        }
        Ok(Self::new(chain_id, wallet, epoch, Body::Message { hash, preimage }))
    }

    /// Adds the proposer's note (shown labelled as theirs; never hashed).
    pub fn with_note(mut self, note: Option<String>) -> Result<Self, Error> {
        if let Some(n) = &note {
            check_note(n)?;
        }
        self.note = note.filter(|n| !n.trim().is_empty());
        Ok(self)
    }

    fn new(chain_id: u64, wallet: Address, epoch: u64, body: Body) -> Self {
        let (typed_data, hashes) = Self::compute(chain_id, wallet, epoch, &body);
        Self {
            version: FORMAT_VERSION,
            note: None,
            chain_id,
            wallet,
            epoch,
            body,
            typed_data,
            hashes,
            signatures: vec![],
        }
    }

    fn compute(chain_id: u64, wallet: Address, epoch: u64, body: &Body) -> (TypedData, Hashes) {
        let domain = eip712::domain(chain_id, wallet, epoch);
        match body {
            Body::Execute { nonce, deadline, min_gas, calls } => {
                let message = Execute {
                    calls: calls
                        .iter()
                        .map(|c| Call { target: c.target, value: c.value, data: c.data.clone() })
                        .collect(),
                    nonce: U256::from(*nonce),
                    deadline: U256::from(*deadline),
                    minGas: U256::from(*min_gas),
                };
                (eip712::typed_data(&message, &domain), eip712::hashes(&message, &domain))
            }
            Body::Message { hash, .. } => {
                let message = OperatorWalletMessage { hash: *hash };
                (eip712::typed_data(&message, &domain), eip712::hashes(&message, &domain))
            }
        }
    }

    /// Recomputes the typed data and every hash from the fields, checks a message's hash against its preimage, and
    /// checks that each signer appears once. Any mismatch means the file was edited after it was made. Whether each
    /// signature counts is [`Proposal::offline_verdicts`]' question, not this one's: an invalid signature does not
    /// make the file unreadable, and its signer can replace it.
    // Long: every check a file must pass, in order; kept together so no caller can run only some of them.
    pub fn verify(&self) -> Result<(), Error> {
        if self.version != FORMAT_VERSION {
            return Err(Error::Tampered(format!(
                "format version {} is not supported (this opwallet reads version {FORMAT_VERSION})",
                self.version
            )));
        }
        if let Some(note) = &self.note {
            check_note(note)?;
        }
        if let Body::Execute { calls, .. } = &self.body {
            for (i, f) in calls.iter().enumerate().filter_map(|(i, c)| c.function.as_ref().map(|f| (i, f))) {
                if f.chars().count() > MAX_FUNCTION_CHARS || !crate::text::is_plain(f) {
                    return Err(Error::Malformed(format!(
                        "call {i}'s function signature is longer than {MAX_FUNCTION_CHARS} characters or holds \
                         control characters"
                    )));
                }
            }
        }
        let (typed_data, hashes) = Self::compute(self.chain_id, self.wallet, self.epoch, &self.body);
        for (name, claimed, actual) in [
            ("domainHash", self.hashes.domain_hash, hashes.domain_hash),
            ("structHash", self.hashes.struct_hash, hashes.struct_hash),
            ("digest", self.hashes.digest, hashes.digest),
        ] {
            if claimed != actual {
                return Err(Error::Tampered(format!(
                    "{name} in the file is {claimed}, but its contents hash to {actual}"
                )));
            }
        }
        if typed_data != self.typed_data {
            return Err(Error::Tampered("typedData does not match the proposal's fields".into()));
        }
        // The digest signed by an ECDSA signer is also checked by the typed data's own hashing.
        if typed_data.eip712_signing_hash().map_err(|e| Error::Tampered(e.to_string()))? != hashes.digest {
            return Err(Error::Tampered("typedData does not hash to the digest".into()));
        }
        if let Body::Message { hash, preimage } = &self.body
            && let Some(digest) = preimage.digest()
            && digest != *hash
        {
            return Err(Error::Tampered(format!(
                "the message's fields hash to {digest} under the EigenLayer domain it names, not to its hash {hash}"
            )));
        }
        for v in self.vouched() {
            if let Some(domain) = v.preimage.and_then(Preimage::domain)
                && (domain.chain_id != self.chain_id || domain.name != "EigenLayer")
            {
                return Err(Error::Tampered(format!(
                    "the EigenLayer domain of the hash {} is `{}` on chain {}, not EigenLayer's on this proposal's \
                     chain {}",
                    v.hash,
                    crate::text::escape(&domain.name),
                    domain.chain_id,
                    self.chain_id
                )));
            }
        }
        if let Body::Execute { calls, .. } = &self.body {
            for (i, c) in calls.iter().enumerate() {
                let Some(preimage) = &c.preimage else { continue };
                let Some(hash) = c.vouches_for(self.wallet) else {
                    return Err(Error::Tampered(format!(
                        "call {i} carries a preimage but is not this wallet's approveForThisExecution(hash)"
                    )));
                };
                match preimage.digest() {
                    Some(digest) if digest == hash => {}
                    Some(digest) => {
                        return Err(Error::Tampered(format!(
                            "call {i} approves {hash}, but the preimage the file gives for it hashes to {digest} \
                             under the EigenLayer domain it names"
                        )));
                    }
                    None => {
                        return Err(Error::Tampered(format!(
                            "call {i}'s preimage is `unverified`: a call's preimage must be one opwallet can recompute"
                        )));
                    }
                }
            }
            if calls.len() > MAX_CALLS {
                return Err(Error::Malformed(format!("{} calls; a proposal holds at most {MAX_CALLS}", calls.len())));
            }
            if let Some((i, c)) = calls.iter().enumerate().find(|(_, c)| c.data.len() > MAX_CALLDATA_BYTES) {
                return Err(Error::Malformed(format!(
                    "call {i} has {} bytes of calldata; at most {MAX_CALLDATA_BYTES} are accepted",
                    c.data.len()
                )));
            }
        }
        if self.signatures.len() > MAX_SIGNATURES {
            return Err(Error::Malformed(format!(
                "{} signature entries; a wallet has at most 32 signers",
                self.signatures.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.signatures {
            if !seen.insert(s.signer) {
                return Err(Error::Tampered(format!("{} is listed twice among the signatures", s.signer)));
            }
        }
        Ok(())
    }

    /// Each signature's verdict from the file alone: ECDSA signatures are checked as the wallet checks them;
    /// contract signatures and approvals need the chain ([`crate::review`]).
    pub fn offline_verdicts(&self) -> Vec<(Address, Verdict)> {
        self.signatures
            .iter()
            .map(|s| {
                let verdict = match &s.kind {
                    SignatureKind::Ecdsa { signature } => match check_ecdsa(self.hashes.digest, signature) {
                        Ok(who) if who == s.signer => Verdict::Valid,
                        Ok(who) => Verdict::Invalid(format!("it was made by {who}, not by {}", s.signer)),
                        Err(why) => Verdict::Invalid(why),
                    },
                    SignatureKind::Contract { signature } if signature.is_empty() => {
                        Verdict::Invalid("the contract signature is empty".into())
                    }
                    SignatureKind::Contract { .. } | SignatureKind::Approved => Verdict::Unchecked,
                };
                (s.signer, verdict)
            })
            .collect()
    }

    /// Adds `signature`, replacing an earlier entry of the same signer only if `replaceable` says that entry does
    /// not count. Returns `false` if that exact signature is already there (signing twice is a no-op).
    pub fn add_signature(
        &mut self,
        signature: SignerSignature,
        replaceable: impl Fn(&SignerSignature) -> bool,
    ) -> Result<bool, Error> {
        if let Some(i) = self.signatures.iter().position(|s| s.signer == signature.signer) {
            if self.signatures[i] == signature {
                return Ok(false);
            }
            if !replaceable(&self.signatures[i]) {
                return Err(Error::DuplicateSignature(signature.signer));
            }
            self.signatures[i] = signature;
            return Ok(true);
        }
        self.signatures.push(signature);
        Ok(true)
    }

    /// Who has signed so far, in the order the signatures were added.
    pub fn signers(&self) -> Vec<Address> {
        self.signatures.iter().map(|s| s.signer).collect()
    }

    /// Parses and verifies a proposal file's text.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::Malformed(format!("not a proposal file: {}", crate::text::escape(&why)));
        crate::strict_json::check_unique_keys(text).map_err(bad)?;
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(FORMAT_VERSION) => {}
            Some(1) => {
                return Err(Error::Malformed(
                    "this proposal file is format version 1, whose descriptions were shown to signers without being \
                     checked against the calls: make the proposal again with this opwallet (format version 2)"
                        .into(),
                ));
            }
            Some(v) => {
                return Err(Error::Malformed(format!(
                    "format version {v} is not supported (this opwallet reads version {FORMAT_VERSION})"
                )));
            }
            None => return Err(bad("it has no format version".into())),
        }
        let raw_typed_data = value.get("typedData").cloned();
        let proposal: Self = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        proposal.verify()?;
        // The typed data must be exactly what opwallet computes, extra fields included (serde ignores unknown
        // fields inside it, and a tool reading the file might not).
        let computed = serde_json::to_value(&proposal.typed_data).map_err(|e| bad(e.to_string()))?;
        if raw_typed_data.as_ref() != Some(&computed) {
            return Err(Error::Tampered("typedData holds fields opwallet does not compute".into()));
        }
        Ok(proposal)
    }

    /// Reads and verifies a proposal file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let fail = |why: String| Error::File { path: path.to_owned(), why };
        let size = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?.len();
        if size > MAX_FILE_BYTES {
            return Err(fail(format!("{size} bytes: not a proposal file (at most {MAX_FILE_BYTES} bytes)")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        Self::parse(&text).map_err(|e| match e {
            Error::Malformed(why) => fail(why),
            other => other,
        })
    }

    /// Checks, before a key is asked to sign, that a signature could then be saved to `path`: not a symbolic link,
    /// and a temporary file can be created beside it. A signature made and then lost is a signer's time wasted, or
    /// a hardware approval repeated.
    pub fn check_writable(path: &Path) -> Result<(), Error> {
        let fail = |why: String| Error::File { path: path.to_owned(), why };
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(fail(
                "is a symbolic link: refusing to write through it (copy the proposal to a regular file)".into(),
            ));
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        tempfile::Builder::new()
            .prefix(".opwallet-")
            .tempfile_in(dir)
            .map(drop)
            .map_err(|e| fail(format!("its folder is not writable, so a signature could not be saved: {e}")))
    }

    /// Adds `entry` to the proposal file at `path` as it is now, not as it was read before signing: under a lock,
    /// the file is read again, checked to be the same proposal (`signed`), and the signature added to it, so that
    /// signers who sign at once never lose each other's signatures. Returns whether it was added and the file's new
    /// contents.
    pub fn add_signature_to_file(
        path: &Path,
        signed: &Proposal,
        entry: SignerSignature,
        replaceable: impl Fn(&SignerSignature) -> bool,
    ) -> Result<(bool, Self), Error> {
        let _lock = lock(path)?;
        let mut current = Self::load(path)?;
        if current.hashes.digest != signed.hashes.digest {
            return Err(Error::File {
                path: path.to_owned(),
                why: format!(
                    "now holds another proposal (digest {}) than the one signed ({}): nothing was added",
                    current.hashes.digest, signed.hashes.digest
                ),
            });
        }
        let added = current.add_signature(entry, replaceable)?;
        if added {
            current.save(path)?;
        }
        Ok((added, current))
    }

    /// Writes atomically: a new temporary file with a random name in the same directory (created exclusively, so
    /// nothing planted there can redirect the write), synced, then renamed over `path`. A crash leaves either the old
    /// file (with every earlier signature) or the new one. `path` itself may not be a symbolic link: a link in a
    /// shared folder would make a signer's opwallet write wherever it points.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        use std::io::Write;
        let fail = |why: String| Error::File { path: path.to_owned(), why };
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(fail(
                "is a symbolic link: refusing to write through it (copy the proposal to a regular file)".into(),
            ));
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let json = serde_json::to_string_pretty(self).map_err(|e| fail(e.to_string()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".opwallet-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| fail(format!("cannot create a temporary file beside it: {e}")))?;
        tmp.write_all(json.as_bytes())
            .and_then(|()| tmp.write_all(b"\n"))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| fail(e.to_string()))?;
        // A file others share keeps its permissions (the temporary file starts owner-only).
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(meta.permissions()).map_err(|e| fail(e.to_string()))?;
        }
        tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
        Ok(())
    }
}

fn check_note(note: &str) -> Result<(), Error> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::Malformed(format!("the note is longer than {MAX_NOTE_CHARS} characters")));
    }
    if !crate::text::is_plain(note) {
        return Err(Error::Malformed(
            "the note contains control or bidirectional-override characters, which could disguise what a signer \
             reads"
                .into(),
        ));
    }
    Ok(())
}

/// An exclusive lock on `path`'s proposal, held until dropped: a lock file beside it (`.NAME.lock`), so that the
/// lock outlives the proposal file being replaced by a rename.
fn lock(path: &Path) -> Result<std::fs::File, Error> {
    let fail = |why: String| Error::File { path: path.to_owned(), why };
    let name = path.file_name().ok_or_else(|| fail("not a file path".into()))?.to_string_lossy().into_owned();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let lock_path = dir.join(format!(".{name}.lock"));
    if std::fs::symlink_metadata(&lock_path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(fail(format!("{} is a symbolic link: refusing to use it as a lock", lock_path.display())));
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| fail(format!("cannot open the lock file {}: {e}", lock_path.display())))?;
    file.lock().map_err(|e| fail(format!("cannot lock {}: {e}", lock_path.display())))?;
    Ok(file)
}
