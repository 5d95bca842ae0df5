//! `opwallet-devnet`: a local EigenLayer (release 1.13.0) chain on Anvil.
//!
//! stdout carries only the result (RPC URL and address book, or the bench table); progress goes to stderr.

use std::time::{Duration, Instant};

use alloy::providers::{Provider, ProviderBuilder, ext::AnvilApi};
use clap::{Parser, Subcommand};
use eyre::{Context, Result};
use opwallet_devnet::{AddressBook, Devnet, DevnetOptions, Error, Fork, StateSource, deploy_eigenlayer, dev_signer};

#[derive(Debug, Parser)]
#[command(name = "opwallet-devnet", version, about = "A local EigenLayer (release 1.13.0) chain on Anvil")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a devnet on 127.0.0.1, print its RPC URL and address book, and keep it up until interrupted.
    Up {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 8545)]
        port: u16,
        /// Print one JSON document: {"rpcUrl": …, "addresses": {"devnet": …}}.
        #[arg(long)]
        json: bool,
        /// Deploy from scratch instead of loading the cached state.
        #[arg(long)]
        no_cache: bool,
        /// Imitate a public network: its chain id, and EigenLayer's core contracts at its addresses (mainnet,
        /// sepolia), so `opwallet --network NAME` runs against this chain offline.
        #[arg(long, value_name = "NETWORK")]
        like: Option<String>,
    },
    /// Deploy EigenLayer and the test AVSs onto a running development chain (Anvil), as its account 0.
    Deploy {
        /// The chain's RPC URL.
        #[arg(long, env = "ETH_RPC_URL")]
        rpc_url: String,
        /// Print the address book as JSON.
        #[arg(long)]
        json: bool,
    },
    /// As the devnet's rewards updater: publish a distribution (each earner has earned AMOUNT of TOKEN in all),
    /// wait out the activation delay, and write each earner's claim proof (eigenlayer-cli's JSON) to DIR/EARNER.json.
    Rewards {
        #[arg(long, env = "ETH_RPC_URL")]
        rpc_url: String,
        /// The address book (`up --json` output).
        #[arg(long, env = "OPWALLET_ADDRESSES")]
        addresses: std::path::PathBuf,
        #[arg(long, value_delimiter = ',', required = true)]
        earners: Vec<alloy::primitives::Address>,
        #[arg(long)]
        token: alloy::primitives::Address,
        /// Cumulative earnings per earner, in the token's smallest unit.
        #[arg(long)]
        amount: alloy::primitives::U256,
        /// Where to write the proofs.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Time devnet start-up (fresh deployment and cached state) and fork start-up; prints medians.
    Bench {
        /// Runs per measurement.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Up { port, json, no_cache, like } => up(port, json, no_cache, like).await,
        Command::Deploy { rpc_url, json } => deploy(&rpc_url, json).await,
        Command::Bench { runs } => bench(runs.max(1)).await,
        Command::Rewards { rpc_url, addresses, earners, token, amount, out } => {
            let book = AddressBook::from_file(&addresses, None).wrap_err("reading the address book")?;
            let d = opwallet_devnet::rewards::distribution(&earners, token, amount);
            let index = opwallet_devnet::rewards::publish(&rpc_url, &book, &d).await.wrap_err("publishing the root")?;
            std::fs::create_dir_all(&out)?;
            for e in &earners {
                let claim = d.claim(index, *e).ok_or_else(|| eyre::eyre!("{e} is not in the distribution"))?;
                let file = out.join(format!("{e}.json"));
                std::fs::write(&file, serde_json::to_string_pretty(&opwallet_core::rewards::ProofFile::from(&claim))?)?;
            }
            eprintln!("root {index} ({}) is claimable; proofs in {}", d.root(), out.display());
            println!("{index}");
            Ok(())
        }
    }
}

async fn up(port: u16, json: bool, no_cache: bool, like: Option<String>) -> Result<()> {
    let network = like.clone().unwrap_or_else(|| "devnet".into());
    let devnet = Devnet::start_with(DevnetOptions { port, use_cache: !no_cache, cache_dir: None, like })
        .await
        .wrap_err("starting the devnet")?;
    print_book(devnet.rpc_url().as_ref(), &devnet.addresses, json, &network)?;
    let how = match devnet.source {
        StateSource::Cached => "from cached state",
        StateSource::Deployed => "deployed from scratch",
    };
    eprintln!("devnet up in {} ms ({how}); Ctrl-C to stop", devnet.startup.as_millis());
    tokio::signal::ctrl_c().await.wrap_err("waiting for Ctrl-C")?;
    eprintln!("stopping");
    Ok(())
}

async fn deploy(rpc_url: &str, json: bool) -> Result<()> {
    let url = rpc_url.parse().wrap_err_with(|| format!("--rpc-url `{rpc_url}` is not a URL"))?;
    let provider = ProviderBuilder::new().wallet(opwallet_devnet::dev_wallet()).connect_http(url);
    // Only Anvil answers anvil_nodeInfo: never deploy test fixtures onto a real network.
    if let Err(e) = provider.anvil_node_info().await {
        return Err(Error::NotDevChain { rpc: rpc_url.to_owned(), why: format!("anvil_nodeInfo failed: {e}") }.into());
    }
    let owner = dev_signer(0).address();
    let deployment = deploy_eigenlayer(&provider, owner, None).await.wrap_err("deploying EigenLayer")?;
    eprintln!("{} transactions", deployment.transactions);
    print_book(rpc_url, &deployment.addresses, json, "devnet")
}

fn print_book(rpc_url: &str, book: &AddressBook, json: bool, network: &str) -> Result<()> {
    if json {
        let doc = serde_json::json!({ "rpcUrl": rpc_url, "addresses": book.to_json_document(network) });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!("rpc-url {rpc_url}");
        let value = serde_json::to_value(book)?;
        for (name, v) in value.as_object().into_iter().flatten() {
            println!("{name} {}", v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
        }
    }
    Ok(())
}

async fn bench(runs: usize) -> Result<()> {
    let mut fresh = Vec::new();
    let mut cached = Vec::new();
    let mut fork = Vec::new();
    for _ in 0..runs {
        let d = Devnet::start_with(DevnetOptions { use_cache: false, ..Default::default() }).await?;
        fresh.push(d.startup);
    }
    // Fill the cache once, then time loads from it.
    drop(Devnet::start().await?);
    for _ in 0..runs {
        let d = Devnet::start().await?;
        eyre::ensure!(d.source == StateSource::Cached, "the state cache was not used");
        cached.push(d.startup);
        let t = Instant::now();
        let f = Fork::of_devnet(&d).await?;
        fork.push(t.elapsed());
        drop(f);
    }
    let chain_id = Devnet::start().await?.provider().get_chain_id().await?;
    println!("{:<44} {:>10}", format!("measurement (median of {runs}, chain {chain_id})"), "ms");
    for (name, times) in [
        ("devnet start, deploying", &mut fresh),
        ("devnet start, cached state", &mut cached),
        ("fork of a devnet (incl. release probe)", &mut fork),
    ] {
        println!("{name:<44} {:>10.1}", median(times).as_secs_f64() * 1e3);
    }
    let ratio = median(&mut fresh).as_secs_f64() / median(&mut cached).as_secs_f64();
    println!("{:<44} {:>10.1}", "speed-up of the cache (x)", ratio);
    Ok(())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
