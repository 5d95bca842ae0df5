//! Finding and starting the pinned Anvil.

use std::path::{Path, PathBuf};

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    signers::local::{MnemonicBuilder, PrivateKeySigner},
};

use crate::Error;

/// Where `npm ci` puts the real anvil binary (the `.bin/anvil` node wrapper is slower and forwards signals).
const NPM_ANVIL: &str = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
/// Anvil's default development mnemonic; its accounts are funded on every Anvil chain, forks included.
const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Bounds how long we wait for Anvil to print "Listening on".
pub(crate) const SPAWN_TIMEOUT_MS: u64 = 20_000;

/// The anvil to run: `$ANVIL_BIN`, else the npm-installed one in this checkout (searched upwards from the
/// current directory, then from this crate's source), else `anvil` on `PATH`.
pub fn anvil_binary() -> Result<PathBuf, Error> {
    if let Some(bin) = std::env::var_os("ANVIL_BIN") {
        let bin = PathBuf::from(bin);
        return if bin.is_file() {
            Ok(bin)
        } else {
            Err(Error::AnvilMissing { looked_in: format!("ANVIL_BIN={}", bin.display()) })
        };
    }
    let mut looked = Vec::new();
    let starts = [std::env::current_dir().ok(), Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")))];
    for start in starts.into_iter().flatten() {
        for dir in start.ancestors() {
            let candidate = dir.join(NPM_ANVIL);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
        looked.push(format!("{}/…/{NPM_ANVIL}", start.display()));
    }
    if let Some(on_path) = find_on_path("anvil") {
        return Ok(on_path);
    }
    looked.push("PATH".to_owned());
    Err(Error::AnvilMissing { looked_in: looked.join(", ") })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| Path::is_file(p))
}

/// A fresh Anvil on 127.0.0.1, on `port` (0: any free port), with optional extra arguments.
pub(crate) fn spawn(port: u16, fork_url: Option<&str>, extra: &[&str]) -> Result<AnvilInstance, Error> {
    if port != 0 && std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
        return Err(Error::PortInUse(port));
    }
    let mut anvil = Anvil::at(anvil_binary()?).host("127.0.0.1").port(port).timeout(SPAWN_TIMEOUT_MS);
    if let Some(url) = fork_url {
        anvil = anvil.fork(url);
    }
    anvil.args(extra).try_spawn().map_err(|e| Error::AnvilStart(e.to_string()))
}

/// Anvil's funded development signer number `index` (0 is the devnet's deployer and owner).
pub fn dev_signer(index: u32) -> PrivateKeySigner {
    MnemonicBuilder::english()
        .phrase(DEV_MNEMONIC)
        .index(index)
        .and_then(|b| b.build())
        .expect("anvil's development mnemonic and indices below 2^31 always derive a key")
}

/// A wallet with the dev accounts the devnet's deployment sends from: the deployer (0) and the staker, who deposits
/// into the stake strategy.
pub fn dev_wallet() -> alloy::network::EthereumWallet {
    let mut wallet = alloy::network::EthereumWallet::from(dev_signer(0));
    wallet.register_signer(dev_signer(crate::deploy::STAKER_INDEX));
    wallet
}
