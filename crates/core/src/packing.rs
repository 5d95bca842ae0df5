//! The packed signature format of docs/signatures.md: `header ‖ (index ‖ kind ‖ payload)*`, entries ascending by
//! the signer's index in the header.

use alloy::primitives::{Address, Bytes};
use serde::{Deserialize, Serialize};

use crate::Error;

/// How one signer signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureKind {
    /// 65-byte `r ‖ s ‖ v` from an EOA key.
    Ecdsa { signature: Bytes },
    /// An ERC-1271 signature for a contract signer (a Safe, a nested OperatorWallet).
    Contract { signature: Bytes },
    /// An on-chain `approveHash(digest)` by the signer.
    Approved,
}

/// One signer's contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Entry", into = "Entry")]
pub struct SignerSignature {
    pub signer: Address,
    pub kind: SignatureKind,
}

/// A signature entry as the proposal file writes it: flat, and with no field its kind does not define (serde's
/// `flatten` would accept any).
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum Entry {
    Ecdsa { signer: Address, signature: Bytes },
    Contract { signer: Address, signature: Bytes },
    Approved { signer: Address },
}

impl From<Entry> for SignerSignature {
    fn from(e: Entry) -> Self {
        match e {
            Entry::Ecdsa { signer, signature } => Self { signer, kind: SignatureKind::Ecdsa { signature } },
            Entry::Contract { signer, signature } => Self { signer, kind: SignatureKind::Contract { signature } },
            Entry::Approved { signer } => Self { signer, kind: SignatureKind::Approved },
        }
    }
}

impl From<SignerSignature> for Entry {
    fn from(s: SignerSignature) -> Self {
        let signer = s.signer;
        match s.kind {
            SignatureKind::Ecdsa { signature } => Self::Ecdsa { signer, signature },
            SignatureKind::Contract { signature } => Self::Contract { signer, signature },
            SignatureKind::Approved => Self::Approved { signer },
        }
    }
}

const KIND_ECDSA: u8 = 0;
const KIND_CONTRACT: u8 = 2;
const KIND_APPROVED: u8 = 3;
/// Header bytes before the signer list: epoch (8) + threshold (1) + count (1).
const HEADER_FIXED: usize = 10;

/// The signer list a configuration header carries.
pub fn header_signers(header: &[u8]) -> Result<Vec<Address>, Error> {
    let count = *header.get(9).ok_or_else(|| Error::Malformed("configuration header shorter than 10 bytes".into()))?;
    let expected = HEADER_FIXED + 20 * count as usize;
    if header.len() != expected {
        return Err(Error::Malformed(format!("configuration header is {} bytes, expected {expected}", header.len())));
    }
    Ok(header[HEADER_FIXED..].chunks_exact(20).map(Address::from_slice).collect())
}

/// Packs `signatures` (any order) behind `header`, in the wallet's order. Every signer must be in the header.
pub fn pack(header: &[u8], signatures: &[SignerSignature]) -> Result<Bytes, Error> {
    let signers = header_signers(header)?;
    let mut entries: Vec<(usize, &SignerSignature)> = Vec::with_capacity(signatures.len());
    for s in signatures {
        let index = signers.iter().position(|a| *a == s.signer).ok_or(Error::NotASigner(s.signer))?;
        entries.push((index, s));
    }
    entries.sort_by_key(|(i, _)| *i);
    if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::DuplicateSignature(w[0].1.signer));
    }
    let mut out = header.to_vec();
    for (index, s) in entries {
        // The header lists at most 255 signers (its count is one byte), so every index fits.
        out.push(u8::try_from(index).map_err(|_| Error::Malformed("more than 255 signers".into()))?);
        match &s.kind {
            SignatureKind::Ecdsa { signature } => {
                if signature.len() != 65 {
                    return Err(Error::Malformed(format!(
                        "ECDSA signature of {} is {} bytes, not 65",
                        s.signer,
                        signature.len()
                    )));
                }
                out.push(KIND_ECDSA);
                out.extend_from_slice(signature);
            }
            SignatureKind::Contract { signature } => {
                let len = u16::try_from(signature.len()).map_err(|_| {
                    Error::Malformed(format!("contract signature of {} exceeds 65,535 bytes", s.signer))
                })?;
                out.push(KIND_CONTRACT);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(signature);
            }
            SignatureKind::Approved => out.push(KIND_APPROVED),
        }
    }
    Ok(out.into())
}

/// An `isValidSignature` signature in the plain wallet-message mode (`0x00 ‖ packed`).
pub fn erc1271_wallet_message(packed: &[u8]) -> Bytes {
    [&[0u8][..], packed].concat().into()
}
