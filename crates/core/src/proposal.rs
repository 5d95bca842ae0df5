//! The proposal file: everything a signer needs to check and sign offline, and the signatures collected so far
//! (docs/proposal-format.md). Every hash in it is recomputed on load; a file whose contents do not hash to what it
//! claims is refused.

use std::path::Path;

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Bytes, U256},
};
use serde::{Deserialize, Serialize};

use crate::{
    Error,
    eip712::{self, Call, Execute, Hashes, OperatorWalletMessage},
    packing::{SignatureKind, SignerSignature},
};

/// Bumped on any incompatible change of the file format.
pub const FORMAT_VERSION: u32 = 1;

/// A call as proposed: raw fields plus a decoding for humans (never used for hashing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedCall {
    pub target: Address,
    pub value: U256,
    pub data: Bytes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<DecodedCall>,
}

/// `contract.function(name = value, …)`, for the signing screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedCall {
    pub contract: String,
    pub function: String,
    pub args: Vec<(String, String)>,
}

/// What is being authorised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Body {
    /// A batch for `execute`, at `nonce`, valid until `deadline` (unix seconds).
    #[serde(rename_all = "camelCase")]
    Execute { nonce: u64, deadline: u64, calls: Vec<ProposedCall> },
    /// An ERC-1271 signature over `hash` (an EigenLayer digest), wrapped as `OperatorWalletMessage(hash)`.
    #[serde(rename_all = "camelCase")]
    Message { hash: B256, context: serde_json::Value },
}

/// A proposal file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    pub version: u32,
    pub description: String,
    pub chain_id: u64,
    pub wallet: Address,
    pub epoch: u64,
    pub body: Body,
    pub typed_data: TypedData,
    #[serde(flatten)]
    pub hashes: Hashes,
    pub signatures: Vec<SignerSignature>,
}

impl Proposal {
    pub fn execute(
        description: impl Into<String>,
        chain_id: u64,
        wallet: Address,
        epoch: u64,
        nonce: u64,
        deadline: u64,
        calls: Vec<ProposedCall>,
    ) -> Self {
        Self::new(description.into(), chain_id, wallet, epoch, Body::Execute { nonce, deadline, calls })
    }

    pub fn message(
        description: impl Into<String>,
        chain_id: u64,
        wallet: Address,
        epoch: u64,
        hash: B256,
        context: serde_json::Value,
    ) -> Self {
        Self::new(description.into(), chain_id, wallet, epoch, Body::Message { hash, context })
    }

    fn new(description: String, chain_id: u64, wallet: Address, epoch: u64, body: Body) -> Self {
        let (typed_data, hashes) = Self::compute(chain_id, wallet, epoch, &body);
        Self {
            version: FORMAT_VERSION,
            description,
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
            Body::Execute { nonce, deadline, calls } => {
                let message = Execute {
                    calls: calls
                        .iter()
                        .map(|c| Call { target: c.target, value: c.value, data: c.data.clone() })
                        .collect(),
                    nonce: U256::from(*nonce),
                    deadline: U256::from(*deadline),
                };
                (eip712::typed_data(&message, &domain), eip712::hashes(&message, &domain))
            }
            Body::Message { hash, .. } => {
                let message = OperatorWalletMessage { hash: *hash };
                (eip712::typed_data(&message, &domain), eip712::hashes(&message, &domain))
            }
        }
    }

    /// Recomputes the typed data and every hash from the fields and checks each ECDSA signature against its
    /// signer. Any mismatch means the file was edited after it was made.
    pub fn verify(&self) -> Result<(), Error> {
        if self.version != FORMAT_VERSION {
            return Err(Error::Tampered(format!(
                "format version {} is not supported (this opwallet reads version {FORMAT_VERSION})",
                self.version
            )));
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
        for s in &self.signatures {
            if let SignatureKind::Ecdsa { signature } = &s.kind {
                let recovered = crate::recover(self.hashes.digest, signature)?;
                if recovered != s.signer {
                    return Err(Error::Tampered(format!(
                        "the signature listed for {} was made by {recovered}",
                        s.signer
                    )));
                }
            }
        }
        Ok(())
    }

    /// Adds `signature`. Returns `false` if that exact signature is already there (signing twice is a no-op).
    pub fn add_signature(&mut self, signature: SignerSignature) -> Result<bool, Error> {
        if let Some(existing) = self.signatures.iter().find(|s| s.signer == signature.signer) {
            return if *existing == signature { Ok(false) } else { Err(Error::DuplicateSignature(signature.signer)) };
        }
        self.signatures.push(signature);
        Ok(true)
    }

    pub fn signers(&self) -> Vec<Address> {
        self.signatures.iter().map(|s| s.signer).collect()
    }

    /// Reads and verifies a proposal file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::File { path: path.to_owned(), why: e.to_string() })?;
        let proposal: Self = serde_json::from_str(&text)
            .map_err(|e| Error::File { path: path.to_owned(), why: format!("not a proposal file: {e}") })?;
        proposal.verify()?;
        Ok(proposal)
    }

    /// Writes atomically: a temporary file in the same directory, synced, then renamed over `path`, so a crash
    /// leaves either the old file (with every earlier signature) or the new one, never half of either.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        use std::io::Write;
        let fail = |why: String| Error::File { path: path.to_owned(), why };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().ok_or_else(|| fail("not a file path".into()))?.to_string_lossy();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let json = serde_json::to_string_pretty(self).map_err(|e| fail(e.to_string()))?;
        let mut file = std::fs::File::create(&tmp).map_err(|e| fail(e.to_string()))?;
        file.write_all(json.as_bytes()).and_then(|()| file.write_all(b"\n")).and_then(|()| file.sync_all()).map_err(
            |e| {
                let _ = std::fs::remove_file(&tmp);
                fail(e.to_string())
            },
        )?;
        std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
    }
}
