//! The packed signature format of docs/signatures.md: `header ‖ (index ‖ kind ‖ payload)*`, entries ascending by
//! the signer's index in the header.

use alloy::primitives::{Address, Bytes};
use serde::{Deserialize, Serialize};

use crate::Error;

/// How one signer signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureKind {
    /// 65-byte `r ‖ s ‖ v` from an EOA key.
    Ecdsa {
        /// The signature over the proposal's digest, v 27 or 28, low s.
        signature: Bytes,
    },
    /// An ERC-1271 signature for a contract signer (a Safe, a nested OperatorWallet).
    Contract {
        /// What the contract's `isValidSignature(digest, signature)` is passed (for a nested OperatorWallet, its own
        /// packed signatures).
        signature: Bytes,
    },
    /// An on-chain `approveHash(digest)` by the signer.
    Approved,
}

/// One signer's contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Entry", into = "Entry")]
pub struct SignerSignature {
    /// The signer, one of the wallet's; its index in the header orders the packed entries.
    pub signer: Address,
    /// How it signed, with the signature bytes where there are any.
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

#[cfg(test)]
mod tests {
    //! The layout is written out by hand here from docs/signatures.md, not from the constants above.

    use alloy::primitives::{Address, Bytes};

    use super::{SignatureKind, SignerSignature, header_signers, pack};
    use crate::Error;

    fn a(n: u8) -> Address {
        Address::repeat_byte(n)
    }

    /// epoch (8, big-endian) ‖ threshold (1) ‖ count (1) ‖ signers (20 each).
    fn header(epoch: u64, threshold: u8, signers: &[Address]) -> Vec<u8> {
        let mut h = epoch.to_be_bytes().to_vec();
        h.push(threshold);
        h.push(u8::try_from(signers.len()).expect("few"));
        for s in signers {
            h.extend_from_slice(s.as_slice());
        }
        h
    }

    fn ecdsa(signer: Address, fill: u8) -> SignerSignature {
        SignerSignature { signer, kind: SignatureKind::Ecdsa { signature: Bytes::from(vec![fill; 65]) } }
    }

    fn contract(signer: Address, len: usize) -> SignerSignature {
        SignerSignature { signer, kind: SignatureKind::Contract { signature: Bytes::from(vec![0xcc; len]) } }
    }

    fn approved(signer: Address) -> SignerSignature {
        SignerSignature { signer, kind: SignatureKind::Approved }
    }

    #[test]
    fn entries_follow_the_header_order_whatever_the_input_order() {
        let h = header(7, 2, &[a(1), a(2), a(3)]);
        let packed = pack(&h, &[approved(a(3)), ecdsa(a(1), 0xee), contract(a(2), 3)]).expect("pack");
        let mut expected = h.clone();
        expected.extend([0u8, 0]); // index 0, ECDSA
        expected.extend([0xee; 65]);
        expected.extend([1u8, 2, 0x00, 0x03, 0xcc, 0xcc, 0xcc]); // index 1, contract, length 3 big-endian
        expected.extend([2u8, 3]); // index 2, approved: no payload
        assert_eq!(packed.to_vec(), expected);
    }

    #[test]
    fn no_signatures_is_the_header_alone() {
        let h = header(0, 1, &[a(1)]);
        assert_eq!(pack(&h, &[]).expect("pack").to_vec(), h);
    }

    #[test]
    fn the_index_is_the_signers_place_in_the_header_up_to_the_last() {
        let signers: Vec<Address> = (1..=32).map(a).collect();
        let h = header(1, 1, &signers);
        let packed = pack(&h, &[approved(a(32))]).expect("pack");
        assert_eq!(&packed[h.len()..], &[31, 3]);
    }

    #[test]
    fn a_contract_signature_of_65535_bytes_fits_and_one_more_does_not() {
        let h = header(0, 1, &[a(1)]);
        let packed = pack(&h, &[contract(a(1), 65_535)]).expect("pack");
        assert_eq!(&packed[h.len()..h.len() + 4], &[0, 2, 0xff, 0xff]);
        assert_eq!(packed.len(), h.len() + 4 + 65_535);
        let e = pack(&h, &[contract(a(1), 65_536)]).expect_err("too long");
        assert!(matches!(&e, Error::Malformed(m) if m.contains("exceeds 65,535 bytes")), "{e}");
        // An empty contract signature is still an entry (the contract decides whether it is valid).
        assert_eq!(&pack(&h, &[contract(a(1), 0)]).expect("pack")[h.len()..], &[0, 2, 0, 0]);
    }

    #[test]
    fn refusals_name_the_signer() {
        let h = header(0, 2, &[a(1), a(2)]);
        for (bad, len) in [(64usize, "64 bytes"), (66, "66 bytes"), (0, "0 bytes")] {
            let s = SignerSignature { signer: a(1), kind: SignatureKind::Ecdsa { signature: vec![1; bad].into() } };
            let e = pack(&h, &[s]).expect_err("not 65 bytes");
            assert!(matches!(&e, Error::Malformed(m) if m.contains(len) && m.contains(&a(1).to_string())), "{e}");
        }
        assert!(matches!(pack(&h, &[ecdsa(a(9), 1)]), Err(Error::NotASigner(s)) if s == a(9)));
        // The same signer twice, even as different kinds.
        assert!(matches!(pack(&h, &[ecdsa(a(2), 1), approved(a(2))]), Err(Error::DuplicateSignature(s)) if s == a(2)));
    }

    #[test]
    fn malformed_headers_are_refused() {
        assert!(matches!(header_signers(&[0; 9]), Err(Error::Malformed(m)) if m.contains("shorter than 10 bytes")));
        let mut h = header(0, 1, &[a(1), a(2)]);
        h.pop();
        assert!(matches!(header_signers(&h), Err(Error::Malformed(m)) if m.contains("is 49 bytes, expected 50")));
        h.extend([0, 0]);
        assert!(matches!(pack(&h, &[]), Err(Error::Malformed(m)) if m.contains("is 51 bytes, expected 50")));
        assert_eq!(header_signers(&header(0, 0, &[])).expect("empty").len(), 0);
    }
}
