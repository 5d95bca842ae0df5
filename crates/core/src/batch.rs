//! One `execute` from several proposals: their calls in order, one signing round, atomic on chain (all or
//! nothing). Only unsigned execute proposals of one wallet, chain and epoch merge; signatures could not carry over
//! (they sign the whole batch).

use crate::{
    Error,
    proposal::{Body, MAX_CALLS, Proposal},
};

/// The proposals' calls, in the order given, as one proposal at `nonce` (default: the lowest of theirs) with the
/// earliest of their deadlines, and no gas floor yet (the batch's own simulation sets it:
/// [`crate::actions::with_gas_floor`]).
pub fn merge(parts: &[Proposal], nonce: Option<u64>) -> Result<Proposal, Error> {
    let [first, rest @ ..] = parts else {
        return Err(Error::Refused("nothing to merge: give two or more proposals".into()));
    };
    if rest.is_empty() {
        return Err(Error::Refused("one proposal is already a batch: give two or more".into()));
    }
    let mut calls = Vec::new();
    let (mut lowest, mut deadline) = (u64::MAX, u64::MAX);
    for (i, p) in parts.iter().enumerate() {
        let n = i + 1;
        if (p.chain_id, p.wallet, p.epoch) != (first.chain_id, first.wallet, first.epoch) {
            return Err(Error::Refused(format!(
                "proposal {n} is for wallet {} on chain {} at epoch {}, the first for wallet {} on chain {} at epoch \
                 {}: only one wallet's proposals of one epoch merge",
                p.wallet, p.chain_id, p.epoch, first.wallet, first.chain_id, first.epoch
            )));
        }
        if !p.signatures.is_empty() {
            return Err(Error::Refused(format!(
                "proposal {n} ({}) already has {} signature(s), which would not carry over to the batch: merge \
                 unsigned proposals, then sign the batch",
                p.hashes.digest,
                p.signatures.len()
            )));
        }
        let Body::Execute { nonce, deadline: d, calls: c, .. } = &p.body else {
            return Err(Error::Refused(format!(
                "proposal {n} is an ERC-1271 message, not calls: it cannot join a batch"
            )));
        };
        lowest = lowest.min(*nonce);
        deadline = deadline.min(*d);
        calls.extend(c.iter().cloned());
    }
    if calls.len() > MAX_CALLS {
        return Err(Error::Refused(format!("the batch would have {} calls, more than {MAX_CALLS}", calls.len())));
    }
    let nonce = nonce.unwrap_or(lowest);
    let merged = Proposal::execute(first.chain_id, first.wallet, first.epoch, nonce, deadline, 0, calls);
    merged.verify()?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{Address, Bytes};

    use super::*;
    use crate::proposal::ProposedCall;

    fn p(nonce: u64, deadline: u64, data: &[u8]) -> Proposal {
        let call = ProposedCall::new(Address::repeat_byte(1), Bytes::copy_from_slice(data));
        Proposal::execute(1, Address::repeat_byte(9), 0, nonce, deadline, 0, vec![call])
    }

    #[test]
    fn calls_keep_their_order_and_the_earliest_deadline_and_lowest_nonce_win() {
        let merged = merge(&[p(4, 100, b"a"), p(3, 50, b"b"), p(5, 70, b"c")], None).expect("merge");
        let Body::Execute { nonce, deadline, calls, .. } = &merged.body else { panic!("execute") };
        assert_eq!((*nonce, *deadline), (3, 50));
        let data: Vec<&[u8]> = calls.iter().map(|c| c.data.as_ref()).collect();
        assert_eq!(data, vec![b"a".as_slice(), b"b", b"c"]);
        let Body::Execute { nonce, .. } = merge(&[p(4, 100, b"a"), p(3, 50, b"b")], Some(7)).expect("merge").body
        else {
            panic!("execute")
        };
        assert_eq!(nonce, 7);
    }

    #[test]
    fn mixed_wallets_signed_parts_messages_and_lone_proposals_are_refused() {
        assert!(merge(&[p(0, 1, b"a")], None).is_err());
        let mut other = p(0, 1, b"b");
        other.wallet = Address::repeat_byte(8);
        let err = merge(&[p(0, 1, b"a"), other], None).expect_err("two wallets").to_string();
        assert!(err.contains("only one wallet's proposals of one epoch merge"), "{err}");
        let mut signed = p(0, 1, b"b");
        signed.signatures.push(crate::packing::SignerSignature {
            signer: Address::repeat_byte(2),
            kind: crate::packing::SignatureKind::Approved,
        });
        let err = merge(&[p(0, 1, b"a"), signed], None).expect_err("signed").to_string();
        assert!(err.contains("would not carry over"), "{err}");
    }
}
