//! The wallet's configuration rules as `contracts/src/base/SignerConfig.sol` enforces them, checked before anything
//! is proposed or sent so that a change the contract would revert is refused with the reason in words. The
//! constants are the contract's; a test reads them from the contract's source.

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
};
use opwallet_bindings::OperatorWallet;

use crate::{Error, proposal::Verdict};

/// `SignerConfig.MAX_SIGNERS`.
pub const MAX_SIGNERS: usize = 32;
/// `SignerConfig.MAX_RESERVED_ADDRESS`: addresses up to it are precompiles or reserved and can never sign.
pub const MAX_RESERVED_ADDRESS: u64 = 0xffff;

/// Refuses an address that can never be a signer of `wallet`: zero, a precompile or reserved address, or the
/// wallet itself.
pub fn check_signer(signer: Address, wallet: Option<Address>) -> Result<(), Error> {
    if U256::from_be_slice(signer.as_slice()) <= U256::from(MAX_RESERVED_ADDRESS) {
        return Err(Error::Refused(format!(
            "{signer} is the zero address or a precompile/reserved address (≤ {MAX_RESERVED_ADDRESS:#x}) and can never \
             sign"
        )));
    }
    if Some(signer) == wallet {
        return Err(Error::Refused(format!("{signer} is the wallet itself, which cannot be its own signer")));
    }
    Ok(())
}

/// Refuses a threshold that `count` signers cannot reach.
pub fn check_threshold(threshold: u64, count: usize) -> Result<(), Error> {
    if threshold == 0 || threshold > count as u64 {
        return Err(Error::Refused(format!(
            "threshold {threshold} is not reachable with {count} signers: choose 1..={count}"
        )));
    }
    Ok(())
}

/// As [`check_threshold`], for the signers a change would leave.
fn check_threshold_after(threshold: u64, count: usize) -> Result<(), Error> {
    check_threshold(threshold, count).map_err(|_| {
        Error::Refused(format!(
            "threshold {threshold} would be unreachable with {count} signers after this change: choose 1..={count}"
        ))
    })
}

/// A new wallet's configuration: 1..=MAX_SIGNERS distinct valid signers and a reachable threshold.
pub fn check_config(signers: &[Address], threshold: u64) -> Result<(), Error> {
    if signers.is_empty() || signers.len() > MAX_SIGNERS {
        return Err(Error::Refused(format!("{} signers: a wallet has 1 to {MAX_SIGNERS}", signers.len())));
    }
    for (i, s) in signers.iter().enumerate() {
        if signers[..i].contains(s) {
            return Err(Error::Refused(format!("{s} is listed twice: each signer may appear once")));
        }
        check_signer(*s, None)?;
    }
    check_threshold(threshold, signers.len())
}

/// The signer list after removing `remove` and adding `add` to `current`, in the contract's order of checks:
/// every removal must be a signer (once), every addition valid and not a remaining signer, at most MAX_SIGNERS
/// result, and `threshold` reachable.
pub fn rotated(
    current: &[Address],
    remove: &[Address],
    add: &[Address],
    threshold: u64,
    wallet: Address,
) -> Result<Vec<Address>, Error> {
    let mut next = current.to_vec();
    for r in remove {
        let at = next
            .iter()
            .position(|s| s == r)
            .ok_or_else(|| Error::Refused(format!("{r} is not a signer of {wallet} (or is removed twice)")))?;
        next.swap_remove(at);
    }
    if next.len() + add.len() > MAX_SIGNERS {
        return Err(Error::Refused(format!(
            "the wallet would have {} signers; at most {MAX_SIGNERS} are allowed",
            next.len() + add.len()
        )));
    }
    for a in add {
        check_signer(*a, Some(wallet))?;
        if next.contains(a) {
            return Err(Error::Refused(format!("{a} is already a signer (or is added twice)")));
        }
        next.push(*a);
    }
    check_threshold_after(threshold, next.len())?;
    Ok(next)
}

/// Checks `proof` as the wallet will: `signer`'s ECDSA signature over its acceptance digest (`AcceptSigner(signer)`
/// at the wallet's current epoch, read from the wallet), or, for a contract signer, its ERC-1271 answer for it.
pub async fn check_proof<P: Provider>(
    provider: &P,
    wallet: Address,
    signer: Address,
    proof: &Bytes,
) -> Result<(), Error> {
    let digest: B256 =
        OperatorWallet::new(wallet, provider).getAcceptanceDigest(signer).call().await.map_err(Error::rpc)?;
    // 65-byte `r ‖ s ‖ v` or 64-byte EIP-2098, as the wallet takes them.
    let recovered = match proof.len() {
        65 => crate::recover(digest, proof).ok(),
        64 => crate::recover_compact(digest, proof).ok(),
        _ => None,
    };
    if recovered == Some(signer) {
        return Ok(());
    }
    let code = provider.get_code_at(signer).await.map_err(Error::rpc)?;
    if !code.is_empty() && crate::review::contract_verdict(provider, signer, digest, proof).await? == Verdict::Valid {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "the proof is not {signer}'s acceptance for {wallet} at its current epoch: have {signer} run `opwallet \
         accept-signer` (a proof made before the wallet's last change is void)"
    )))
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{Address, address};

    use super::*;

    const A: Address = address!("00000000000000000000000000000000000a0001");
    const B: Address = address!("00000000000000000000000000000000000b0002");
    const C: Address = address!("00000000000000000000000000000000000c0003");
    const W: Address = address!("00000000000000000000000000000000000dead0");

    #[test]
    fn constants_are_the_contracts() {
        let source = include_str!("../../../contracts/src/base/SignerConfig.sol");
        assert!(source.contains(&format!("uint256 public constant MAX_SIGNERS = {MAX_SIGNERS};")), "MAX_SIGNERS");
        assert!(
            source.contains(&format!("uint160 internal constant MAX_RESERVED_ADDRESS = {MAX_RESERVED_ADDRESS:#x};")),
            "MAX_RESERVED_ADDRESS"
        );
    }

    #[test]
    fn reserved_addresses_and_the_wallet_never_sign() {
        for bad in [Address::ZERO, Address::with_last_byte(4), address!("000000000000000000000000000000000000ffff")] {
            assert!(check_signer(bad, None).expect_err("refused").to_string().contains("can never sign"), "{bad}");
        }
        assert!(check_signer(address!("0000000000000000000000000000000000010000"), None).is_ok());
        assert!(check_signer(W, Some(W)).expect_err("refused").to_string().contains("the wallet itself"));
    }

    #[test]
    fn configurations_and_thresholds() {
        assert!(check_config(&[A, B, C], 2).is_ok());
        assert!(check_config(&[A, B, A], 2).expect_err("refused").to_string().contains("listed twice"));
        assert!(check_config(&[A, B], 3).expect_err("refused").to_string().contains("not reachable with 2 signers"));
        assert!(check_config(&[A], 0).expect_err("refused").to_string().contains("threshold 0"));
        assert!(check_config(&[], 1).expect_err("refused").to_string().contains("0 signers"));
        let many: Vec<Address> =
            (1..=33u64).map(|i| Address::left_padding_from(&(0x10000 + i).to_be_bytes())).collect();
        assert!(check_config(&many[..32], 1).is_ok());
        assert!(check_config(&many, 1).expect_err("refused").to_string().contains("33 signers"));
    }

    #[test]
    fn rotations_follow_the_contracts_rules() {
        assert_eq!(
            rotated(&[A, B, C], &[C], &[address!("00000000000000000000000000000000000d0004")], 2, W).expect("ok").len(),
            3
        );
        // Remove and re-add in one rotation is what the contract allows (removals happen first).
        assert!(rotated(&[A, B], &[B], &[B], 2, W).is_ok());
        assert!(rotated(&[A, B], &[C], &[], 1, W).expect_err("refused").to_string().contains("is not a signer"));
        assert!(rotated(&[A, B], &[A, A], &[], 1, W).expect_err("refused").to_string().contains("removed twice"));
        assert!(rotated(&[A, B], &[], &[B], 1, W).expect_err("refused").to_string().contains("already a signer"));
        assert!(rotated(&[A, B], &[], &[C, C], 1, W).expect_err("refused").to_string().contains("added twice"));
        assert!(rotated(&[A, B], &[], &[W], 1, W).expect_err("refused").to_string().contains("the wallet itself"));
        assert!(
            rotated(&[A, B], &[A, B], &[], 1, W)
                .expect_err("refused")
                .to_string()
                .contains("unreachable with 0 signers")
        );
        let full: Vec<Address> =
            (1..=32u64).map(|i| Address::left_padding_from(&(0x10000 + i).to_be_bytes())).collect();
        assert!(rotated(&full, &[], &[C], 1, W).expect_err("refused").to_string().contains("33 signers"));
    }
}
