//! The devnet chain: an Anvil with EigenLayer deployed, started from a state cache when one exists.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use alloy::{
    node_bindings::AnvilInstance,
    primitives::{B256, Bytes},
    providers::{Provider, ProviderBuilder, ext::AnvilApi},
};
use serde::{Deserialize, Serialize};

use crate::{AddressBook, Error, anvil, deploy};

/// How the chain got its EigenLayer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateSource {
    /// Deployed now (30 transactions), then cached.
    Deployed,
    /// Loaded from the state cache written by an earlier deployment of the same recipe.
    Cached,
}

/// Options for [`Devnet::start_with`].
#[derive(Debug, Clone)]
pub struct DevnetOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Use (and fill) the state cache. Off: always deploy.
    pub use_cache: bool,
    /// Where the cache lives: `$OPWALLET_DEVNET_CACHE`, else `$XDG_CACHE_HOME/opwallet`, else
    /// `~/.cache/opwallet`.
    pub cache_dir: Option<PathBuf>,
    /// A public network (`mainnet`, `sepolia`) to imitate: its chain id, and EigenLayer's core proxies at its
    /// addresses (`crates/core/networks.json`), so `--network NAME` works against this devnet offline.
    pub like: Option<String>,
}

impl Default for DevnetOptions {
    fn default() -> Self {
        Self { port: 0, use_cache: true, cache_dir: None, like: None }
    }
}

#[derive(Serialize, Deserialize)]
struct CachedState {
    fingerprint: B256,
    addresses: AddressBook,
    state: Bytes,
}

/// A running local EigenLayer chain. Anvil is killed when this is dropped.
#[derive(Debug)]
pub struct Devnet {
    anvil: AnvilInstance,
    /// EigenLayer core and the test AVSs (`extra`: `OperatorSetAVS`, `LegacyAVS`, stand-ins).
    pub addresses: AddressBook,
    /// How EigenLayer got onto this chain.
    pub source: StateSource,
    /// From spawning Anvil to a ready chain.
    pub startup: Duration,
}

impl Devnet {
    /// Starts a devnet on a free port, from the state cache if possible.
    pub async fn start() -> Result<Self, Error> {
        Self::start_with(DevnetOptions::default()).await
    }

    /// Starts a devnet as `options` say: a port, a mainnet-shaped variant (`like`), and whether to use the cache.
    pub async fn start_with(options: DevnetOptions) -> Result<Self, Error> {
        let started = Instant::now();
        let like = match &options.like {
            Some(name) => Some(AddressBook::network(name).map_err(|e| Error::Like(e.to_string()))?),
            None => None,
        };
        let chain_id = like.as_ref().map(|b| b.chain_id.to_string());
        let extra: Vec<&str> = match &chain_id {
            Some(id) => vec!["--chain-id", id],
            None => vec![],
        };
        let anvil = anvil::spawn(options.port, None, &extra)?;
        let owner = crate::dev_signer(0).address();
        let provider = ProviderBuilder::new().wallet(crate::anvil::dev_wallet()).connect_http(anvil.endpoint_url());

        let variant = options.like.as_deref().unwrap_or("devnet");
        let cache = options.use_cache.then(|| cache_file(options.cache_dir.as_deref(), variant));
        let fingerprint = deploy::recipe_fingerprint();
        if let Some(cached) = cache.as_deref().and_then(|path| read_cache(path, fingerprint)) {
            let loaded = provider.anvil_load_state(cached.state).await.map_err(Error::rpc)?;
            let code = provider.get_code_at(cached.addresses.delegation_manager).await.map_err(Error::rpc)?;
            if loaded && !code.is_empty() {
                return Ok(Self {
                    anvil,
                    addresses: cached.addresses,
                    source: StateSource::Cached,
                    startup: started.elapsed(),
                });
            }
        }

        let deployment = deploy::deploy_eigenlayer(&provider, owner, like.as_ref()).await?;
        if let Some(path) = &cache {
            let state = provider.anvil_dump_state().await.map_err(Error::rpc)?;
            write_cache(path, &CachedState { fingerprint, addresses: deployment.addresses.clone(), state })?;
        }
        Ok(Self { anvil, addresses: deployment.addresses, source: StateSource::Deployed, startup: started.elapsed() })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn rpc_url(&self) -> alloy::transports::http::reqwest::Url {
        self.anvil.endpoint_url()
    }

    /// The port Anvil listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.anvil.port()
    }

    /// A read-only provider for this chain.
    pub fn provider(&self) -> impl Provider + Clone + use<> {
        ProviderBuilder::new().connect_http(self.rpc_url())
    }
}

fn cache_file(dir: Option<&std::path::Path>, variant: &str) -> PathBuf {
    let dir = dir.map(PathBuf::from).unwrap_or_else(|| {
        if let Some(d) = std::env::var_os("OPWALLET_DEVNET_CACHE") {
            return PathBuf::from(d);
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        base.join("opwallet")
    });
    dir.join(format!("{variant}-eigenlayer-{}.json", deploy::RELEASE))
}

/// A cache that is missing, unreadable or for another recipe is simply not used (the chain is redeployed).
fn read_cache(path: &std::path::Path, fingerprint: B256) -> Option<CachedState> {
    let text = std::fs::read_to_string(path).ok()?;
    let cached: CachedState = serde_json::from_str(&text).ok()?;
    (cached.fingerprint == fingerprint).then_some(cached)
}

/// Written to a temporary file and renamed, so concurrent test processes never read a half-written cache.
fn write_cache(path: &std::path::Path, cached: &CachedState) -> Result<(), Error> {
    let fail = |why: String| Error::Cache { path: path.to_owned(), why };
    let dir = path.parent().ok_or_else(|| fail("no parent directory".into()))?;
    std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    let tmp = dir.join(format!(".{}.{}.tmp", std::process::id(), fingerprint_suffix(cached.fingerprint)));
    let json = serde_json::to_vec(cached).map_err(|e| fail(e.to_string()))?;
    std::fs::write(&tmp, json).map_err(|e| fail(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
}

fn fingerprint_suffix(f: B256) -> String {
    format!("{f:x}").chars().take(12).collect()
}
