//! The redistribution guard: before a batch that registers the wallet for operator sets, or allocates stake to
//! them, is proposed, signed or executed, EigenLayer is asked whether any of those sets redistributes slashed stake
//! (to a recipient the AVS fixed forever) rather than burning it. A stolen key that can opt the operator into such a
//! set can steal stake; so the guard fails closed: an error is an error, every set is checked, and without an
//! address book for the chain a batch that touches operator sets is refused.

use alloy::{primitives::Address, providers::Provider};
use opwallet_bindings::eigenlayer::{IAllocationManager, IDelegationManager, IProtocolRegistry, OperatorSet};

use crate::{AddressBook, Error, proposal::ProposedCall};

/// An EigenLayer release, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Release(pub u32, pub u32, pub u32);

impl Release {
    /// Redistributable operator sets exist from this release on.
    pub const REDISTRIBUTION: Self = Self(1, 5, 0);
    /// `getSlasher` and `ProtocolRegistry` exist from this release on.
    pub const SLASHERS: Self = Self(1, 9, 0);

    /// Parses `v1.13.0`, `1.3.0` or `1.13.0-rc1`.
    pub fn parse(text: &str) -> Option<Self> {
        let core = text.trim().trim_start_matches('v');
        let core = core.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
        Some(Self(parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
    }
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The release EigenLayer runs: `ProtocolRegistry.version()` (≥ 1.9), else `AllocationManager.version()` (1.3–1.8),
/// else `DelegationManager.version()`. The one release probe: every feature check asks it.
pub async fn release<P: Provider>(provider: &P, book: &AddressBook) -> Result<(Release, String), Error> {
    // All three asked at once (one round trip); the answers are taken in this order of preference.
    let (registry, allocation, delegation) = tokio::join!(
        async {
            match book.protocol_registry {
                Some(r) => Some(IProtocolRegistry::new(r, provider).version().call().await),
                None => None,
            }
        },
        async { IAllocationManager::new(book.allocation_manager, provider).version().call().await },
        async { IDelegationManager::new(book.delegation_manager, provider).version().call().await },
    );
    let mut tried = Vec::new();
    match registry {
        Some(Ok(v)) => return parsed(v),
        Some(Err(e)) => tried.push(format!("ProtocolRegistry.version(): {e}")),
        None => {}
    }
    match allocation {
        Ok(v) => return parsed(v),
        Err(e) => tried.push(format!("AllocationManager.version(): {e}")),
    }
    match delegation {
        Ok(v) => parsed(v),
        Err(e) => {
            tried.push(format!("DelegationManager.version(): {e}"));
            Err(Error::Chain(format!("cannot tell which EigenLayer release runs here: {}", tried.join("; "))))
        }
    }
}

fn parsed(text: String) -> Result<(Release, String), Error> {
    let release = Release::parse(&text).ok_or_else(|| {
        Error::Chain(format!("EigenLayer reports release `{}`, which is not a version", crate::text::escape(&text)))
    })?;
    Ok((release, text))
}

/// A redistributing operator set, with where its slashed stake goes and who may slash it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedistributingSet {
    /// The operator set.
    pub set: OperatorSet,
    /// Where its slashed stake goes: `getRedistributionRecipient`, fixed by the AVS when it made the set.
    pub recipient: Address,
    /// `getSlasher` (releases ≥ 1.9); `None` before.
    pub slasher: Option<Address>,
}

impl std::fmt::Display for RedistributingSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} (slashed stake goes to {}", self.set.avs, self.set.id, self.recipient)?;
        if let Some(s) = self.slasher {
            write!(f, "; slasher {s}")?;
        }
        write!(f, ")")
    }
}

/// What the guard found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redistribution {
    /// The batch touches no operator set.
    NotApplicable,
    /// The release predates redistributable operator sets (< 1.5.0): none can redistribute.
    UnsupportedRelease(Release),
    /// None of the sets redistributes.
    None,
    /// These sets redistribute slashed stake.
    Redistributing(Vec<RedistributingSet>),
}

/// The operator sets a batch registers for or allocates to through the book's AllocationManager, from the calldata
/// of every call the action registry says touches sets ([`crate::actions::Spec::touches`]).
pub fn sets_touched(book: &AddressBook, calls: &[ProposedCall]) -> Vec<OperatorSet> {
    let mut sets = Vec::new();
    for c in calls.iter().filter(|c| c.target == book.allocation_manager) {
        if let Some(spec) = crate::actions::spec("AllocationManager", &c.data) {
            sets.extend((spec.touches)(&c.data));
        }
    }
    sets.dedup();
    sets
}

/// Whether any call of the batch, to whatever target, has the calldata of a function that touches operator sets.
pub fn touches_operator_sets(calls: &[ProposedCall]) -> bool {
    calls.iter().any(|c| {
        crate::actions::SPECS
            .iter()
            .any(|s| c.data.get(..4).is_some_and(|sel| sel == s.selector) && !(s.touches)(&c.data).is_empty())
    })
}

/// The guard as a proposal is made: refuses redistributing sets unless `allow`, and otherwise says what it found.
pub async fn at_propose<P: Provider>(
    provider: &P,
    book: &AddressBook,
    sets: &[OperatorSet],
    allow: bool,
) -> Result<Vec<String>, Error> {
    Ok(match redistribution(provider, book, sets).await? {
        Redistribution::UnsupportedRelease(r) => {
            vec![format!("redistribution check: EigenLayer {r} has no redistributable operator sets")]
        }
        Redistribution::None | Redistribution::NotApplicable => {
            vec!["redistribution check: none of these sets redistributes slashed stake".to_owned()]
        }
        Redistribution::Redistributing(bad) => {
            let list: Vec<String> = bad.iter().map(ToString::to_string).collect();
            if !allow {
                return Err(Error::Chain(format!(
                    "operator set(s) {} redistribute slashed stake: a compromised key could use this to steal stake. \
                     Pass --allow-redistributing only if that is intended",
                    list.join(", ")
                )));
            }
            vec![format!(
                "WARNING: redistributing operator set(s) {} (every signer will be shown this and must pass \
                 --allow-redistributing too)",
                list.join(", ")
            )]
        }
    })
}

/// Runs the guard over a whole batch. `book` is the address book for the chain (`None`: none is known, which is
/// refused when the batch touches operator sets).
pub async fn check<P: Provider>(
    provider: &P,
    book: Option<&AddressBook>,
    calls: &[ProposedCall],
) -> Result<Redistribution, Error> {
    if !touches_operator_sets(calls) {
        return Ok(Redistribution::NotApplicable);
    }
    let Some(book) = book else {
        return Err(Error::Chain(
            "the batch registers for or allocates to operator sets, but no EigenLayer address book is known for this \
             chain, so the redistribution guard cannot ask EigenLayer about them: pass --addresses FILE or --network"
                .into(),
        ));
    };
    let sets = sets_touched(book, calls);
    redistribution(provider, book, &sets).await
}

/// Asks EigenLayer whether any of `sets` redistributes slashed stake. Every set is asked; a failing question is an
/// error unless the release predates the view (< 1.5.0), which the release probe decides, not the failure.
pub async fn redistribution<P: Provider>(
    provider: &P,
    book: &AddressBook,
    sets: &[OperatorSet],
) -> Result<Redistribution, Error> {
    if sets.is_empty() {
        return Ok(Redistribution::NotApplicable);
    }
    let am = IAllocationManager::new(book.allocation_manager, provider);
    let answers = futures::future::join_all(
        sets.iter().map(|s| async { am.isRedistributingOperatorSet(s.clone()).call().await }),
    )
    .await;
    let mut probed = None;
    if answers.iter().any(Result::is_err) {
        let (r, _) = release(provider, book).await?;
        if r < Release::REDISTRIBUTION {
            return Ok(Redistribution::UnsupportedRelease(r));
        }
        probed = Some(r);
    }
    let mut found = Vec::new();
    for (set, answer) in sets.iter().zip(answers) {
        let redistributes = answer.map_err(|e| {
            Error::Chain(format!(
                "the redistribution guard could not ask about operator set {}:{}: {e}",
                set.avs, set.id
            ))
        })?;
        if redistributes {
            found.push(set.clone());
        }
    }
    if found.is_empty() {
        return Ok(Redistribution::None);
    }
    let r = match probed {
        Some(r) => r,
        None => release(provider, book).await?.0,
    };
    let mut out = Vec::new();
    for set in found {
        let recipient = am.getRedistributionRecipient(set.clone()).call().await.map_err(Error::rpc)?;
        let slasher = if r >= Release::SLASHERS {
            Some(am.getSlasher(set.clone()).call().await.map_err(Error::rpc)?)
        } else {
            None
        };
        out.push(RedistributingSet { set, recipient, slasher });
    }
    Ok(Redistribution::Redistributing(out))
}

#[cfg(test)]
mod tests {
    use super::Release;

    #[test]
    fn releases_parse_in_every_spelling_eigenlayer_uses() {
        assert_eq!(Release::parse("v1.13.0"), Some(Release(1, 13, 0)));
        assert_eq!(Release::parse("1.3.0"), Some(Release(1, 3, 0)));
        assert_eq!(Release::parse("1.12.0-rc.1"), Some(Release(1, 12, 0)));
        assert_eq!(Release::parse("v0.0.0"), Some(Release(0, 0, 0)));
        assert_eq!(Release::parse("garbage"), None);
        assert!(Release(1, 4, 9) < Release::REDISTRIBUTION && Release(1, 13, 0) >= Release::SLASHERS);
    }
}
