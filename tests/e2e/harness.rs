//! Runs the CLI against a private fork: address book file, keys from Anvil's test mnemonic (a file, so no secret
//! is ever on the command line), and helpers for the common proposal steps.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use alloy::primitives::Address;
use opwallet_devnet::{Devnet, Fork, dev_signer};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_opwallet");

pub(crate) struct Env {
    pub(crate) _devnet: Devnet,
    pub(crate) fork: Fork,
    pub(crate) dir: PathBuf,
    pub(crate) book: PathBuf,
    pub(crate) mnemonic: PathBuf,
    pub(crate) wallet: Option<Address>,
    /// A public network the devnet imitates (`--like`): commands then run with `--network NAME` and no address
    /// book file, as against the real network.
    pub(crate) network: Option<&'static str>,
}

/// Signer indices into Anvil's dev accounts.
pub(crate) const DEPLOYER: u32 = 0;
pub(crate) const ALICE: u32 = 1;
pub(crate) const BOB: u32 = 2;
pub(crate) const CAROL: u32 = 3;
pub(crate) const DAVE: u32 = 4;

pub(crate) fn addr(i: u32) -> Address {
    dev_signer(i).address()
}

impl Env {
    pub(crate) async fn new() -> Self {
        Self::start(None).await
    }

    /// A devnet shaped like `network` (its chain id and EigenLayer addresses); commands use `--network`.
    pub(crate) async fn like(network: &'static str) -> Self {
        Self::start(Some(network)).await
    }

    async fn start(network: Option<&'static str>) -> Self {
        let options = opwallet_devnet::DevnetOptions { like: network.map(str::to_owned), ..Default::default() };
        let devnet = Devnet::start_with(options).await.expect("devnet");
        let fork = Fork::of_devnet(&devnet).await.expect("fork");
        let dir = std::env::temp_dir().join(format!(
            "opwallet-e2e-{}-{}",
            std::process::id(),
            fork.rpc_url().port().unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let book = dir.join("addresses.json");
        std::fs::write(&book, serde_json::to_string(&fork.addresses.to_json_document("devnet")).expect("json"))
            .expect("book");
        let mnemonic = dir.join("mnemonic");
        std::fs::write(&mnemonic, "test test test test test test test test test test test junk\n").expect("mnemonic");
        Self { _devnet: devnet, fork, dir, book, mnemonic, wallet: None, network }
    }

    /// A 2-of-3 wallet of alice, bob and carol, set as the default --wallet.
    pub(crate) async fn with_wallet() -> Self {
        let mut env = Self::new().await;
        let signers = format!("{},{},{}", addr(ALICE), addr(BOB), addr(CAROL));
        let out = env.ok(&["deploy", "--signers", &signers, "--threshold", "2"], Some(DEPLOYER));
        env.wallet = Some(out.trim().parse().expect("deploy prints the wallet address"));
        env
    }

    pub(crate) fn wallet(&self) -> Address {
        self.wallet.expect("with_wallet")
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Runs `opwallet args…` with the fork's RPC and address book, and `key` as the signer if given.
    pub(crate) fn run(&self, args: &[&str], key: Option<u32>) -> Output {
        self.run_with(args, key, &[])
    }

    /// As [`Env::run`], with extra environment variables (a service's address, credentials; they win over the
    /// defaults, so another RPC can be given too). An empty value removes the variable.
    pub(crate) fn run_with(&self, args: &[&str], key: Option<u32>, vars: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        if let Some(network) = self.network {
            // No address book file: the built-in one of the network, and opwallet's factory at its address on every
            // chain (the devnet put it there through the deterministic deployment proxy).
            cmd.args(["--network", network]).env_remove("OPWALLET_ADDRESSES").env_remove("OPWALLET_FACTORY");
        } else {
            cmd.env("OPWALLET_ADDRESSES", &self.book);
        }
        cmd.args(args)
            .env("ETH_RPC_URL", self.fork.rpc_url().as_str())
            .env_remove("OPWALLET_WALLET")
            .env_remove("ETH_KEYSTORE");
        if let Some(w) = self.wallet {
            cmd.env("OPWALLET_WALLET", w.to_string());
        }
        if let Some(i) = key {
            cmd.arg("--mnemonic-file").arg(&self.mnemonic).arg("--mnemonic-index").arg(i.to_string());
        }
        for (k, v) in vars {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        cmd.output().expect("opwallet runs")
    }

    /// Runs and expects success; returns stdout.
    pub(crate) fn ok(&self, args: &[&str], key: Option<u32>) -> String {
        let out = self.run(args, key);
        assert!(out.status.success(), "opwallet {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs and expects failure (exit 1, nothing on stdout); returns stderr.
    pub(crate) fn fails(&self, args: &[&str], key: Option<u32>) -> String {
        self.fails_with(args, key, &[])
    }

    /// As [`Self::fails`], with extra environment variables.
    pub(crate) fn fails_with(&self, args: &[&str], key: Option<u32>, vars: &[(&str, &str)]) -> String {
        let out = self.run_with(args, key, vars);
        assert_eq!(
            out.status.code(),
            Some(1),
            "opwallet {args:?} should fail; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(out.stdout.is_empty(), "a failing command printed a result: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    pub(crate) fn propose(&self, file: &str, action: &[&str]) -> PathBuf {
        let path = self.path(file);
        let mut args = vec!["propose"];
        args.extend_from_slice(action);
        args.extend_from_slice(&["-o", path.to_str().expect("utf-8 path")]);
        self.ok(&args, None);
        path
    }

    pub(crate) fn sign(&self, file: &Path, key: u32) {
        self.ok(&["sign", file.to_str().expect("utf-8"), "--yes"], Some(key));
    }

    pub(crate) fn execute(&self, file: &Path) -> String {
        self.ok(&["execute", file.to_str().expect("utf-8")], Some(DEPLOYER))
    }
}

/// Runs `opwallet args…` with no chain at all (commands that need none: `keys`), in a clean environment but for
/// `vars`.
pub(crate) fn offline(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("ETH_RPC_URL")
        .env_remove("OPWALLET_ADDRESSES")
        .env_remove("OPWALLET_WALLET")
        .env_remove("ETH_KEYSTORE")
        .env_remove("ETH_PASSWORD")
        .stdin(std::process::Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("opwallet runs")
}

/// A fresh temporary directory for a test that needs no devnet; removed by the caller.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opwallet-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
