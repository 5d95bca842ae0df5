//! Each test's private chain: an Anvil forked from a devnet, or from a live network.

use alloy::{
    network::EthereumWallet,
    node_bindings::AnvilInstance,
    primitives::{Address, U256},
    providers::{Provider, ProviderBuilder, ext::AnvilApi},
    signers::local::PrivateKeySigner,
};

use crate::{AddressBook, Devnet, Error, Release, anvil};

/// Set to an RPC URL (mainnet, Sepolia, Hoodi) to run the live-network tests against a fork of it.
pub const FORK_URL_ENV: &str = "OPWALLET_FORK_URL";
const LIVE_RPC_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// An Anvil forked from another chain: reads come from the parent, writes stay here. Killed on drop.
#[derive(Debug)]
pub struct Fork {
    anvil: AnvilInstance,
    /// Where EigenLayer is on the parent chain (and so on the fork).
    pub addresses: AddressBook,
    /// The EigenLayer release the parent runs, probed when the fork started.
    pub release: Release,
}

impl Fork {
    /// A private fork of `devnet`.
    pub async fn of_devnet(devnet: &Devnet) -> Result<Self, Error> {
        Self::of_url(devnet.rpc_url().as_str(), devnet.addresses.clone()).await
    }

    /// A private fork of the live network at `$OPWALLET_FORK_URL`, with the address book for its chain id; `None`
    /// (with the reason printed) when the variable is unset, so a test can skip instead of failing or hanging.
    pub async fn of_live_network() -> Result<Option<Self>, Error> {
        let Ok(url) = std::env::var(FORK_URL_ENV) else {
            eprintln!(
                "skipped: set {FORK_URL_ENV} to an RPC URL (mainnet, sepolia or hoodi) to run this live-fork test"
            );
            return Ok(None);
        };
        Self::of_live_network_at(&url).await.map(Some)
    }

    /// A private fork of the live network at `url`, with the address book for its chain id.
    pub async fn of_live_network_at(url: &str) -> Result<Self, Error> {
        // Bounded: an unreachable URL must fail the test, never hang it.
        let ask = async { ProviderBuilder::new().connect(url).await?.get_chain_id().await };
        let chain_id = tokio::time::timeout(LIVE_RPC_TIMEOUT, ask)
            .await
            .map_err(|_| {
                Error::Rpc(format!("{FORK_URL_ENV}={url} did not answer eth_chainId within {LIVE_RPC_TIMEOUT:?}"))
            })?
            .map_err(|e| Error::Rpc(format!("{FORK_URL_ENV}={url}: {e}")))?;
        let book = AddressBook::for_chain_id(chain_id)
            .ok_or_else(|| Error::Rpc(format!("no EigenLayer address book for chain id {chain_id}")))?;
        Self::of_url(url, book).await
    }

    /// A private fork of the chain at `url`, whose EigenLayer lives at `addresses`.
    pub async fn of_url(url: &str, addresses: AddressBook) -> Result<Self, Error> {
        Self::of_url_with_args(url, addresses, &[]).await
    }

    /// As [`Fork::of_url`], with extra Anvil arguments (for example `--chain-id 1` to test chain mismatches).
    pub async fn of_url_with_args(url: &str, addresses: AddressBook, args: &[&str]) -> Result<Self, Error> {
        let anvil = anvil::spawn(0, Some(url), args)?;
        let provider = ProviderBuilder::new().connect_http(anvil.endpoint_url());
        let release = Release::probe(&provider, &addresses).await?;
        Ok(Self { anvil, addresses, release })
    }

    /// The fork's RPC, `http://127.0.0.1:<port>`.
    pub fn rpc_url(&self) -> alloy::transports::http::reqwest::Url {
        self.anvil.endpoint_url()
    }

    /// A read-only provider.
    pub fn provider(&self) -> impl Provider + Clone + use<> {
        ProviderBuilder::new().connect_http(self.rpc_url())
    }

    /// A provider that signs with `signer` (for example [`crate::dev_signer`]`(1)`, funded on every Anvil).
    pub fn provider_with(&self, signer: PrivateKeySigner) -> impl Provider + Clone + use<> {
        ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(self.rpc_url())
    }

    /// A provider that sends as `account` without its key (Anvil impersonation), after funding it.
    pub async fn impersonate(&self, account: Address) -> Result<impl Provider + Clone + use<>, Error> {
        let provider = self.provider();
        provider.anvil_impersonate_account(account).await.map_err(Error::rpc)?;
        provider.anvil_set_balance(account, U256::from(10u128.pow(20))).await.map_err(Error::rpc)?;
        Ok(provider)
    }

    /// Takes a snapshot to [`Fork::revert`] to.
    pub async fn snapshot(&self) -> Result<U256, Error> {
        self.provider().anvil_snapshot().await.map_err(Error::rpc)
    }

    /// Reverts to `id`; returns whether Anvil knew the snapshot.
    pub async fn revert(&self, id: U256) -> Result<bool, Error> {
        self.provider().anvil_revert(id).await.map_err(Error::rpc)
    }
}
