//! EigenLayer messages the wallet signs with ERC-1271, and their preimages: the EIP-712 domain of the EigenLayer
//! contract reproduced from the chain, and the digest recomputed locally and checked against the contract's own
//! `calculate…DigestHash`, so a signer sees the fields of what they sign and never a hash a node chose.

use alloy::{
    primitives::{Address, B256},
    providers::Provider,
};
use opwallet_bindings::eigenlayer::{IAVSDirectory, IDelegationManager};

use crate::{
    Error,
    proposal::{EigenDomain, Preimage},
};

/// An EigenLayer contract's EIP-712 domain, read from the chain and reproduced: the contract's `version()` names
/// the release, and the domain's version is its major part (`"1"` on current releases, the first two characters
/// such as `"v1"` or `"1."` on 1.3–1.4). The candidate that hashes to the contract's own `domainSeparator()` is the
/// domain; if none does, opwallet cannot show what the digest means and refuses.
pub async fn eigen_domain<P: Provider>(
    provider: &P,
    contract: Address,
    name: &str,
    chain_id: u64,
) -> Result<EigenDomain, Error> {
    alloy::sol! {
        #[sol(rpc)]
        interface ISignatureUtils {
            function domainSeparator() external view returns (bytes32);
            function version() external view returns (string memory);
        }
    }
    let c = ISignatureUtils::new(contract, provider);
    let (separator, version) = tokio::try_join!(
        async { c.domainSeparator().call().await.map_err(|e| Error::rpc(format!("{name}.domainSeparator(): {e}"))) },
        async { c.version().call().await.map_err(|e| Error::rpc(format!("{name}.version(): {e}"))) },
    )?;
    let candidates: Vec<String> =
        [1, 2].iter().filter_map(|n| version.get(..*n)).map(str::to_owned).collect::<Vec<_>>();
    candidates
        .into_iter()
        .map(|v| EigenDomain { name: "EigenLayer".into(), version: v, chain_id, verifying_contract: contract })
        .find(|d| d.separator() == separator)
        .ok_or_else(|| {
            Error::Chain(format!(
                "{name} at {contract} (version {}) has a domain separator {separator} that opwallet cannot reproduce \
                 from EigenLayer's EIP-712 domain: refusing to sign a digest whose meaning cannot be shown",
                crate::text::escape(&version)
            ))
        })
}

/// Re-checks a message proposal's preimage against the chain: the EigenLayer contract still has the domain the file
/// names, and its own digest function returns the file's hash. Unverified hashes have nothing to check.
pub async fn check<P: Provider>(provider: &P, hash: B256, preimage: &Preimage) -> Result<(), Error> {
    let on_chain = match preimage {
        Preimage::Unverified => return Ok(()),
        Preimage::AvsRegistration { domain, operator, avs, salt, expiry } => {
            IAVSDirectory::new(domain.verifying_contract, provider)
                .calculateOperatorAVSRegistrationDigestHash(*operator, *avs, *salt, *expiry)
                .call()
                .await
        }
        Preimage::DelegationApproval { domain, staker, operator, approver, salt, expiry } => {
            IDelegationManager::new(domain.verifying_contract, provider)
                .calculateDelegationApprovalDigestHash(*staker, *operator, *approver, *salt, *expiry)
                .call()
                .await
        }
    }
    .map_err(|e| Error::rpc(format!("recomputing the message's digest on chain: {e}")))?;
    let computed = confirm(on_chain, preimage, "EigenLayer's digest function")?;
    if computed != hash {
        return Err(Error::Tampered(format!("the message's hash {hash} is not the digest {computed} of its fields")));
    }
    Ok(())
}

/// The digest of `preimage`, which EigenLayer's `answer` (from `what`) must equal.
pub fn confirm(answer: B256, preimage: &Preimage, what: &str) -> Result<B256, Error> {
    let computed = preimage.digest().ok_or_else(|| Error::Malformed("an unverified hash has no preimage".into()))?;
    if answer != computed {
        return Err(Error::Chain(format!(
            "{what} returned {answer}, but the message's fields hash to {computed} under EigenLayer's domain: the \
             RPC node or the contract is not what the address book says; nothing was written or signed"
        )));
    }
    Ok(computed)
}
