//! The devnet's rewards updater: publishes a distribution as EigenLayer's rewards pipeline would (a root submitted
//! by the RewardsCoordinator's updater, made claimable by waiting out the activation delay), so tests and the demo
//! can claim real rewards through the real RewardsCoordinator.

use alloy::{
    primitives::{Address, U256},
    providers::{Provider, ProviderBuilder, ext::AnvilApi},
};
use opwallet_bindings::eigenlayer::{IRewardsCoordinator, RewardsMerkleClaim};
use opwallet_core::{AddressBook, rewards::Distribution};

use crate::{Error, deploy::REWARDS_UPDATER_INDEX, dev_signer};

/// Submits `distribution`'s root as the rewards updater, then advances the chain past the activation delay so the
/// root is claimable. Returns the root's index.
pub async fn publish(rpc_url: &str, book: &AddressBook, distribution: &Distribution) -> Result<u32, Error> {
    let rc_address =
        book.rewards_coordinator.ok_or_else(|| Error::Rpc("the address book has no RewardsCoordinator".into()))?;
    let url = rpc_url.parse().map_err(|_| Error::Rpc(format!("{rpc_url} is not a URL")))?;
    let updater = ProviderBuilder::new()
        .wallet(alloy::network::EthereumWallet::from(dev_signer(REWARDS_UPDATER_INDEX)))
        .connect_http(url);
    let rc = IRewardsCoordinator::new(rc_address, &updater);
    let (index, previous, delay) = tokio::try_join!(
        async { rc.getDistributionRootsLength().call().await.map_err(Error::rpc) },
        async { rc.currRewardsCalculationEndTimestamp().call().await.map_err(Error::rpc) },
        async { rc.activationDelay().call().await.map_err(Error::rpc) },
    )?;
    let head = updater
        .get_block_by_number(Default::default())
        .await
        .map_err(Error::rpc)?
        .ok_or_else(|| Error::Rpc("no latest block".into()))?;
    // The calculation must end after the previous root's and before now: step time on if two roots come quickly.
    let mut now = head.header.timestamp;
    if now <= u64::from(previous) + 1 {
        updater.anvil_increase_time(u64::from(previous) + 2 - now).await.map_err(Error::rpc)?;
        updater.anvil_mine(Some(1), None).await.map_err(Error::rpc)?;
        now = u64::from(previous) + 2;
    }
    let end = u32::try_from(now - 1).map_err(|_| Error::Rpc("the chain's time is past 2106".into()))?;
    let receipt = rc
        .submitRoot(distribution.root(), end)
        .send()
        .await
        .map_err(Error::rpc)?
        .get_receipt()
        .await
        .map_err(Error::rpc)?;
    if !receipt.status() {
        return Err(Error::Deploy { what: "submitRoot".into(), why: "reverted".into() });
    }
    updater.anvil_increase_time(u64::from(delay) + 1).await.map_err(Error::rpc)?;
    updater.anvil_mine(Some(1), None).await.map_err(Error::rpc)?;
    u32::try_from(index).map_err(|_| Error::Rpc("too many roots".into()))
}

/// A distribution in which each of `earners` has earned `amount` of `token` in all, earners and tokens sorted by
/// address as EigenLayer's rewards pipeline sorts them.
pub fn distribution(earners: &[Address], token: Address, amount: U256) -> Distribution {
    let mut earners: Vec<Address> = earners.to_vec();
    earners.sort();
    Distribution { earners: earners.into_iter().map(|e| (e, vec![(token, amount)])).collect() }
}

/// `earner`'s claim against root `index` of `distribution`.
pub fn claim(distribution: &Distribution, index: u32, earner: Address) -> Option<RewardsMerkleClaim> {
    distribution.claim(index, earner)
}
