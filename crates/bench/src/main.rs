//! `opwallet-bench`: opwallet against Safe 1.5.0 on one Anvil (EigenLayer from the devnet), same operations, same
//! signer sets; every gas figure is a receipt's `gasUsed`. Wall time: devnet and fork start-up and the `make demo`
//! steps, medians of several runs. Prints a table; writes the same as JSON.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, B256, Bytes, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolCall,
};
use clap::Parser;
use eyre::{Result, ensure, eyre};
use opwallet_bindings::{
    OperatorWallet, OperatorWalletFactory,
    eigenlayer::{IAVSDirectory, IDelegationManager},
};
use opwallet_core::{
    packing::{self, SignatureKind, SignerSignature},
    wallet::WalletState,
};
use opwallet_devnet::{
    Devnet, Fork, LEGACY_AVS, WALLET_FACTORY,
    contracts::LegacyAVS,
    dev_signer,
    safe::{self, ICompatibilityFallbackHandler, ISafe, SafeStack},
};
use serde::Serialize;

mod latency;

#[derive(Debug, Parser)]
#[command(name = "opwallet-bench", about = "Gas and wall time of opwallet against Safe 1.5.0")]
struct Args {
    /// Only the 2-of-3 set and one wall-time run (for the well-formedness test).
    #[arg(long)]
    quick: bool,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench/results.json")]
    out: PathBuf,
    /// Skip the wall-time part (devnet, fork, demo).
    #[arg(long)]
    no_wall_time: bool,
    /// Skip the remote-node part (each command through a proxy adding 100 ms per request).
    #[arg(long)]
    no_latency: bool,
}

#[derive(Debug, Serialize)]
struct Row {
    operation: String,
    signers: String,
    opwallet: u64,
    safe: u64,
    ratio: f64,
}

#[derive(Debug, Serialize)]
struct Results {
    anvil: String,
    safe: &'static str,
    gas: Vec<Row>,
    marginal_per_extra_signature: BTreeMap<String, i64>,
    targets: Vec<Target>,
    wall_time_ms: BTreeMap<String, f64>,
    remote_node: Vec<latency::Measured>,
}

#[derive(Debug, Serialize)]
struct Target {
    what: &'static str,
    value: f64,
    limit: f64,
    met: bool,
}

const SETS: [(u64, u64); 3] = [(1, 1), (2, 3), (3, 5)];
const NOOP: Address = alloy::primitives::address!("000000000000000000000000000000000000dEaD");

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// Intrinsic gas of a transaction with this calldata (Prague: EIP-2028 pricing, EIP-7623 floor).
fn intrinsic(data: &[u8]) -> (u64, u64) {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    let standard = 21_000 + 4 * zeros + 16 * nonzeros;
    let floor = 21_000 + 10 * (zeros + 4 * nonzeros);
    (standard, floor)
}

/// Execution gas of a view call, from a real transaction's gasUsed minus its intrinsic gas.
async fn execution_gas<P: Provider>(provider: &P, to: Address, data: Bytes) -> Result<u64> {
    let (standard, floor) = intrinsic(&data);
    let receipt = send(provider, TransactionRequest::default().with_to(to).with_input(data)).await?;
    ensure!(
        receipt.gas_used > floor,
        "gas used {} is at the EIP-7623 floor: execution gas cannot be separated",
        receipt.gas_used
    );
    Ok(receipt.gas_used - standard)
}

async fn send<P: Provider>(provider: &P, tx: TransactionRequest) -> Result<TransactionReceipt> {
    let receipt = provider.send_transaction(tx).await?.get_receipt().await?;
    ensure!(receipt.status(), "transaction {} reverted", receipt.transaction_hash);
    Ok(receipt)
}

/// An opwallet under test: address and the keys of its current signers.
struct Wallet {
    address: Address,
    keys: BTreeMap<Address, PrivateKeySigner>,
    threshold: u64,
}

impl Wallet {
    /// Packed signature over `digest` by the first `threshold` current signers.
    async fn sign<P: Provider>(&self, provider: &P, digest: B256) -> Result<Bytes> {
        let state = WalletState::read(provider, self.address).await?;
        let entries: Vec<SignerSignature> = state
            .signers
            .iter()
            .take(self.threshold as usize)
            .map(|a| {
                let key = &self.keys[a];
                let sig = key.sign_hash_sync(&digest).expect("local key");
                SignerSignature { signer: *a, kind: SignatureKind::Ecdsa { signature: sig.as_bytes().to_vec().into() } }
            })
            .collect();
        Ok(packing::pack(&state.header, &entries)?)
    }

    async fn execute<P: Provider>(&self, provider: &P, call: (Address, Bytes)) -> Result<TransactionReceipt> {
        self.execute_batch(provider, vec![call]).await
    }

    async fn execute_batch<P: Provider>(
        &self,
        provider: &P,
        batch: Vec<(Address, Bytes)>,
    ) -> Result<TransactionReceipt> {
        let w = OperatorWallet::new(self.address, provider);
        let calls: Vec<_> = batch
            .into_iter()
            .map(|(target, data)| opwallet_bindings::IOperatorWallet::Call { target, value: U256::ZERO, data })
            .collect();
        let deadline = U256::from(now() + 3600);
        let nonce = w.nonce().call().await?;
        // No gas floor: the bench measures the wallet's own cost (a floor changes the gas limit, not the gas used).
        let digest = w.getExecuteDigest(calls.clone(), nonce, deadline, U256::ZERO).call().await?;
        let signatures = self.sign(provider, digest).await?;
        Ok(w.execute(calls, deadline, U256::ZERO, signatures).send().await?.get_receipt().await?)
    }

    async fn proof<P: Provider>(&self, provider: &P, key: &PrivateKeySigner) -> Result<Bytes> {
        let digest = OperatorWallet::new(self.address, provider).getAcceptanceDigest(key.address()).call().await?;
        Ok(key.sign_hash_sync(&digest)?.as_bytes().to_vec().into())
    }
}

#[tokio::main]
// Long: the benchmark's script: each operation runs on the wallet and Safe the one before left.
async fn main() -> Result<()> {
    let args = Args::parse();
    let devnet = Devnet::start().await?;
    let book = devnet.addresses.clone();
    let deployer = dev_signer(0);
    let provider = ProviderBuilder::new().wallet(EthereumWallet::from(deployer.clone())).connect_http(devnet.rpc_url());
    let stack = SafeStack::deploy(&provider).await?;
    let factory = OperatorWalletFactory::new(book.extra(WALLET_FACTORY)?, &provider);
    let legacy = book.extra(LEGACY_AVS)?;
    // A second legacy AVS, which the wallets register with by sending the registration themselves.
    let sent_avs = *LegacyAVS::deploy(&provider, book.avs_directory, "https://opwallet.invalid/bench/sent.json".into())
        .await?
        .address();
    let sets: &[(u64, u64)] = if args.quick { &SETS[1..2] } else { &SETS };

    warm_up(&devnet, legacy).await?;

    let mut rows = Vec::new();
    let mut noop_steady = BTreeMap::new();
    let mut erc1271 = BTreeMap::new();
    let mut key_index = 10u32;
    let mut fresh_key = || {
        key_index += 1;
        dev_signer(key_index)
    };
    for (salt, &(m, n)) in sets.iter().enumerate() {
        let label = format!("{m}-of-{n}");
        let keys: Vec<PrivateKeySigner> = (0..n).map(|_| fresh_key()).collect();
        let owners: Vec<Address> = keys.iter().map(|k| k.address()).collect();
        let mut row = |operation: &str, opw: u64, safe: u64| {
            rows.push(Row {
                operation: operation.into(),
                signers: label.clone(),
                opwallet: opw,
                safe,
                ratio: opw as f64 / safe as f64,
            });
        };

        // Deploy through the factory, with setup.
        let create = factory.createWallet(owners.clone(), U256::from(m), B256::from(U256::from(salt)));
        let address = create.call().await?;
        let opw_deploy = create.send().await?.get_receipt().await?;
        let (safe_addr, safe_deploy) = stack.create_safe(&provider, owners.clone(), m, salt as u64).await?;
        row("deploy (factory + setup)", opw_deploy.gas_used, safe_deploy.gas_used);
        let mut wallet =
            Wallet { address, keys: keys.iter().map(|k| (k.address(), k.clone())).collect(), threshold: m };
        let mut safe_keys: BTreeMap<Address, PrivateKeySigner> =
            keys.iter().map(|k| (k.address(), k.clone())).collect();

        // No-op execution: first use (nonce 0 → 1), then steady state.
        let first = wallet.execute(&provider, (NOOP, Bytes::new())).await?;
        let signers = safe_signers(&provider, safe_addr, &safe_keys, m).await?;
        let refs: Vec<&PrivateKeySigner> = signers.iter().collect();
        let safe_first = safe::exec(&provider, safe_addr, NOOP, Bytes::new(), &refs).await?;
        row("execute no-op, first use", first.gas_used, safe_first.gas_used);
        let steady = wallet.execute(&provider, (NOOP, Bytes::new())).await?;
        let safe_steady = safe::exec(&provider, safe_addr, NOOP, Bytes::new(), &refs).await?;
        row("execute no-op, steady", steady.gas_used, safe_steady.gas_used);
        noop_steady.insert(label.clone(), (steady.gas_used, safe_steady.gas_used));

        // DelegationManager.registerAsOperator through the wallet.
        let register = IDelegationManager::registerAsOperatorCall {
            initDelegationApprover: Address::ZERO,
            allocationDelay: 0,
            metadataURI: "bench".into(),
        }
        .abi_encode();
        let opw_reg = wallet.execute(&provider, (book.delegation_manager, register.clone().into())).await?;
        let safe_reg = safe::exec(&provider, safe_addr, book.delegation_manager, register.into(), &refs).await?;
        row("execute registerAsOperator", opw_reg.gas_used, safe_reg.gas_used);

        // ERC-1271 of an AVSDirectory registration digest, then the AVS's whole registerOperatorToAVS transaction.
        let expiry = U256::from(now() + 86_400);
        let (salt_a, salt_b) = (B256::from(U256::from(2 * salt + 1)), B256::from(U256::from(2 * salt + 2)));
        let opw_hash = avs_digest(&provider, &book, wallet.address, legacy, salt_a, expiry).await?;
        let opw_message = OperatorWallet::new(wallet.address, &provider).getMessageDigest(opw_hash).call().await?;
        let opw_sig: Bytes = packing::erc1271_wallet_message(&wallet.sign(&provider, opw_message).await?);
        let safe_hash = avs_digest(&provider, &book, safe_addr, legacy, salt_b, expiry).await?;
        let safe_message = ICompatibilityFallbackHandler::new(stack.handler, &provider)
            .getMessageHashForSafe(safe_addr, safe_hash.to_vec().into())
            .call()
            .await?;
        let safe_sig = safe::sign_sorted(safe_message, &refs);
        let opw_call = OperatorWallet::isValidSignatureCall { hash: opw_hash, signature: opw_sig.clone() }.abi_encode();
        let opw_1271 = execution_gas(&provider, wallet.address, opw_call.into()).await?;
        let safe_call = ISafe::isValidSignatureCall { hash: safe_hash, signature: safe_sig.clone() }.abi_encode();
        let safe_1271 = execution_gas(&provider, safe_addr, safe_call.into()).await?;
        row("isValidSignature (execution gas)", opw_1271, safe_1271);
        erc1271.insert(label.clone(), (opw_1271, safe_1271));
        let avs = LegacyAVS::new(legacy, &provider);
        let opw_avs = avs.registerOperator(wallet.address, opw_sig, salt_a, expiry).send().await?.get_receipt().await?;
        let safe_avs = avs.registerOperator(safe_addr, safe_sig, salt_b, expiry).send().await?.get_receipt().await?;
        ensure!(opw_avs.status() && safe_avs.status(), "registerOperatorToAVS reverted");
        row("registerOperatorToAVS (whole tx)", opw_avs.gas_used, safe_avs.gas_used);

        // The operator sends the registration itself (a coordinator forwarding its signature): opwallet in one
        // signing round (approveForThisExecution + the call, empty signature), Safe with a signature collected first.
        let (salt_c, salt_d) = (B256::from(U256::from(2 * salt + 3)), B256::from(U256::from(2 * salt + 4)));
        let opw_hash = avs_digest(&provider, &book, wallet.address, sent_avs, salt_c, expiry).await?;
        let approve = OperatorWallet::approveForThisExecutionCall { hash: opw_hash }.abi_encode();
        let register = LegacyAVS::registerCall { signature: Bytes::new(), salt: salt_c, expiry }.abi_encode();
        let opw_sent = wallet
            .execute_batch(&provider, vec![(wallet.address, approve.into()), (sent_avs, register.into())])
            .await?;
        let safe_hash = avs_digest(&provider, &book, safe_addr, sent_avs, salt_d, expiry).await?;
        let safe_message = ICompatibilityFallbackHandler::new(stack.handler, &provider)
            .getMessageHashForSafe(safe_addr, safe_hash.to_vec().into())
            .call()
            .await?;
        let safe_sig = safe::sign_sorted(safe_message, &refs);
        let register = LegacyAVS::registerCall { signature: safe_sig, salt: salt_d, expiry }.abi_encode();
        let safe_sent = safe::exec(&provider, safe_addr, sent_avs, register.into(), &refs).await?;
        let directory = IAVSDirectory::new(book.avs_directory, &provider);
        ensure!(
            opw_sent.status()
                && safe_sent.status()
                && directory.avsOperatorStatus(sent_avs, wallet.address).call().await? == 1
                && directory.avsOperatorStatus(sent_avs, safe_addr).call().await? == 1,
            "an operator-sent registration did not register"
        );
        row("operator-sent AVS registration (whole tx)", opw_sent.gas_used, safe_sent.gas_used);

        // Replace the last signer, on the original m-of-n set (opwallet: with the newcomer's proof of possession).
        let replacement = fresh_key();
        let last = *owners.last().ok_or_else(|| eyre!("no signers"))?;
        let proof = wallet.proof(&provider, &replacement).await?;
        let replace =
            OperatorWallet::replaceSignerCall { oldSigner: last, newSigner: replacement.address(), proof }.abi_encode();
        let opw_replace = wallet.execute(&provider, (wallet.address, replace.into())).await?;
        ensure!(opw_replace.status(), "replaceSigner reverted");
        wallet.keys.insert(replacement.address(), replacement.clone());
        let safe_owners = ISafe::new(safe_addr, &provider).getOwners().call().await?;
        let at = safe_owners.iter().position(|a| *a == last).ok_or_else(|| eyre!("last signer is not an owner"))?;
        let prev = if at == 0 { safe::SENTINEL } else { safe_owners[at - 1] };
        let swap =
            ISafe::swapOwnerCall { prevOwner: prev, oldOwner: last, newOwner: replacement.address() }.abi_encode();
        let safe_replace = safe::exec(&provider, safe_addr, safe_addr, swap.into(), &refs).await?;
        safe_keys.insert(replacement.address(), replacement.clone());
        row("replace a signer", opw_replace.gas_used, safe_replace.gas_used);

        // Add a signer, keeping the threshold.
        let newcomer = fresh_key();
        let proof = wallet.proof(&provider, &newcomer).await?;
        let add = OperatorWallet::addSignerCall { signer: newcomer.address(), newThreshold: U256::from(m), proof }
            .abi_encode();
        let opw_add = wallet.execute(&provider, (wallet.address, add.into())).await?;
        ensure!(opw_add.status(), "addSigner reverted");
        wallet.keys.insert(newcomer.address(), newcomer.clone());
        let signers = safe_signers(&provider, safe_addr, &safe_keys, m).await?;
        let refs: Vec<&PrivateKeySigner> = signers.iter().collect();
        let add = ISafe::addOwnerWithThresholdCall { owner: newcomer.address(), threshold: U256::from(m) }.abi_encode();
        let safe_add = safe::exec(&provider, safe_addr, safe_addr, add.into(), &refs).await?;
        safe_keys.insert(newcomer.address(), newcomer.clone());
        row("add a signer", opw_add.gas_used, safe_add.gas_used);

        // Change the threshold (to m + 1, reachable after the add).
        let set = OperatorWallet::setThresholdCall { newThreshold: U256::from(m + 1) }.abi_encode();
        let opw_threshold = wallet.execute(&provider, (wallet.address, set.into())).await?;
        ensure!(opw_threshold.status(), "setThreshold reverted");
        let change = ISafe::changeThresholdCall { threshold: U256::from(m + 1) }.abi_encode();
        let safe_threshold = safe::exec(&provider, safe_addr, safe_addr, change.into(), &refs).await?;
        row("change threshold", opw_threshold.gas_used, safe_threshold.gas_used);
    }

    // Marginal cost of one more signature (2-of-3 → 3-of-5), both wallets.
    let mut marginal = BTreeMap::new();
    if let (Some(a), Some(b)) = (noop_steady.get("2-of-3"), noop_steady.get("3-of-5")) {
        marginal.insert("opwallet execute (total tx)".into(), b.0 as i64 - a.0 as i64);
        marginal.insert("safe execute (total tx)".into(), b.1 as i64 - a.1 as i64);
    }
    if let (Some(a), Some(b)) = (erc1271.get("2-of-3"), erc1271.get("3-of-5")) {
        marginal.insert("opwallet isValidSignature".into(), b.0 as i64 - a.0 as i64);
        marginal.insert("safe isValidSignature".into(), b.1 as i64 - a.1 as i64);
    }

    let ratio = |op: &str, set: &str| rows.iter().find(|r| r.operation == op && r.signers == set).map(|r| r.ratio);
    let mut targets = Vec::new();
    let mut target = |what: &'static str, value: Option<f64>, limit: f64| {
        if let Some(value) = value {
            targets.push(Target { what, value, limit, met: value <= limit });
        }
    };
    target("deploy 3 signers (ratio)", ratio("deploy (factory + setup)", "2-of-3"), 0.50);
    target("no-op execute 2-of-3 (ratio)", ratio("execute no-op, steady", "2-of-3"), 0.82);
    target("isValidSignature 2-of-3 (ratio)", ratio("isValidSignature (execution gas)", "2-of-3"), 0.50);
    target("replace one signer 2-of-3 (ratio)", ratio("replace a signer", "2-of-3"), 0.85);
    let worst = rows.iter().map(|r| r.ratio).fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
    target("every operation, every set (highest ratio)", worst, 1.00);
    target(
        "per extra ECDSA signature, isValidSignature (gas)",
        marginal.get("opwallet isValidSignature").map(|v| *v as f64),
        5_000.0,
    );

    let wall =
        if args.no_wall_time { BTreeMap::new() } else { wall_time(&devnet, if args.quick { 1 } else { 5 }).await? };
    let remote_node = if args.no_latency { Vec::new() } else { remote_node(&devnet).await? };
    let version = Command::new(opwallet_devnet::anvil_binary()?).arg("--version").output()?;
    let results = Results {
        anvil: String::from_utf8_lossy(&version.stdout).lines().next().unwrap_or_default().to_owned(),
        safe: "1.5.0 (npm @safe-global/safe-smart-account)",
        gas: rows,
        marginal_per_extra_signature: marginal,
        targets,
        wall_time_ms: wall,
        remote_node,
    };
    print_table(&results);
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&results)? + "\n")?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

/// The keys of the Safe's first `m` current owners (`sign_sorted` puts them in Safe's order).
async fn safe_signers<P: Provider>(
    provider: &P,
    safe: Address,
    keys: &BTreeMap<Address, PrivateKeySigner>,
    m: u64,
) -> Result<Vec<PrivateKeySigner>> {
    let owners = ISafe::new(safe, provider).getOwners().call().await?;
    Ok(owners.iter().take(m as usize).map(|a| keys[a].clone()).collect())
}

/// Pays EigenLayer's one-time costs (first operator, first AVSDirectory registration) with a throwaway EOA, so
/// neither wallet is charged for them by running first.
async fn warm_up(devnet: &Devnet, legacy: Address) -> Result<()> {
    let operator = dev_signer(9);
    let provider = ProviderBuilder::new().wallet(EthereumWallet::from(operator.clone())).connect_http(devnet.rpc_url());
    let dm = IDelegationManager::new(devnet.addresses.delegation_manager, &provider);
    let registered = dm.registerAsOperator(Address::ZERO, 0, "warm-up".into()).send().await?.get_receipt().await?;
    ensure!(registered.status(), "warm-up operator registration reverted");
    let (salt, expiry) = (B256::repeat_byte(0xAA), U256::from(now() + 3600));
    let digest = avs_digest(&provider, &devnet.addresses, operator.address(), legacy, salt, expiry).await?;
    let sig: Bytes = operator.sign_hash_sync(&digest)?.as_bytes().to_vec().into();
    let avs = LegacyAVS::new(legacy, &provider);
    ensure!(
        avs.registerOperator(operator.address(), sig, salt, expiry).send().await?.get_receipt().await?.status(),
        "warm-up AVS registration reverted"
    );
    Ok(())
}

fn print_table(r: &Results) {
    println!("{:<36} {:>7} {:>10} {:>10} {:>7}", "gas (receipt gasUsed)", "signers", "opwallet", "Safe 1.5", "ratio");
    for row in &r.gas {
        println!("{:<36} {:>7} {:>10} {:>10} {:>7.3}", row.operation, row.signers, row.opwallet, row.safe, row.ratio);
    }
    println!("\n{:<44} {:>10}", "marginal cost of one more signature", "gas");
    for (k, v) in &r.marginal_per_extra_signature {
        println!("{k:<44} {v:>10}");
    }
    println!("\n{:<52} {:>10} {:>8} {:>5}", "target", "value", "limit", "met");
    for t in &r.targets {
        println!("{:<52} {:>10.3} {:>8} {:>5}", t.what, t.value, t.limit, if t.met { "yes" } else { "NO" });
    }
    if !r.remote_node.is_empty() {
        println!(
            "\n{:<28} {:>8} {:>11} {:>6} {:>9}   (through a proxy adding {} ms per request; before issue 14: 8-20 \
             sequential requests, info 2.0 s, sign 1.4 s, execute 1.7 s)",
            "behind a remote node",
            "requests",
            "round trips",
            "goal",
            "wall ms",
            latency::DELAY.as_millis()
        );
        for m in &r.remote_node {
            let met = if m.round_trips <= m.goal { "" } else { "  OVER GOAL" };
            println!("{:<28} {:>8} {:>11} {:>6} {:>9.0}{met}", m.command, m.requests, m.round_trips, m.goal, m.wall_ms);
        }
    }
    if !r.wall_time_ms.is_empty() {
        println!("\n{:<44} {:>10}", "wall time (median)", "ms");
        for (k, v) in &r.wall_time_ms {
            println!("{k:<44} {v:>10.1}");
        }
    }
}

/// Every command of a signing round through a node 100 ms away: requests, sequential round trips, wall time.
// Long: one scripted signing round through the latency proxy, each command using the last one's files.
async fn remote_node(devnet: &Devnet) -> Result<Vec<latency::Measured>> {
    let bin = std::env::current_exe()?.parent().map(|d| d.join("opwallet")).ok_or_else(|| eyre!("no binary dir"))?;
    let dir = std::env::temp_dir().join(format!("opwallet-bench-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let book = dir.join("book.json");
    std::fs::write(&book, serde_json::to_string(&devnet.addresses.to_json_document("devnet"))?)?;
    let mnemonic = dir.join("mnemonic");
    std::fs::write(&mnemonic, "test test test test test test test test test test test junk\n")?;
    let (m, b) = (mnemonic.to_string_lossy().into_owned(), book.to_string_lossy().into_owned());
    let key = |i: u32| vec!["--mnemonic-file".to_owned(), m.clone(), "--mnemonic-index".to_owned(), i.to_string()];
    let fork = Fork::of_devnet(devnet).await?;
    let proxy = latency::Proxy::start(fork.rpc_url().as_str())?;
    let signers: Vec<String> = (1..=3).map(|i| dev_signer(i).address().to_string()).collect();
    let mut out = Vec::new();
    let env_book = [("OPWALLET_ADDRESSES", b.as_str())];
    let run = |label: &str, args: Vec<String>, extra: &[(&str, &str)], goal: u64| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut env: Vec<(&str, &str)> = env_book.to_vec();
        env.extend_from_slice(extra);
        latency::measure(&proxy, &bin, label, &refs, &env, goal)
    };
    let mut deploy = vec!["deploy".to_owned(), "--signers".into(), signers.join(","), "--threshold".into(), "2".into()];
    deploy.extend(key(0));
    let m1 = run("deploy", deploy.clone(), &[], 3)?;
    out.push(m1);
    // The wallet the rest uses: the same deploy's address, predicted.
    let wallet = String::from_utf8(
        Command::new(&bin)
            .args(["predict", "--signers", &signers.join(","), "--threshold", "2"])
            .env("ETH_RPC_URL", fork.rpc_url().as_str())
            .env("OPWALLET_ADDRESSES", &b)
            .output()?
            .stdout,
    )?
    .trim()
    .to_owned();
    let w = [("OPWALLET_WALLET", wallet.as_str())];
    out.push(run("info", vec!["info".into()], &w, 2)?);
    let file = dir.join("register.json").to_string_lossy().into_owned();
    out.push(run(
        "propose register-operator",
        vec![
            "propose".into(),
            "register-operator".into(),
            "--metadata-uri".into(),
            "u".into(),
            "-o".into(),
            file.clone(),
        ],
        &w,
        2,
    )?);
    let mut sign1 = vec!["sign".to_owned(), file.clone(), "--yes".into()];
    sign1.extend(key(1));
    out.push(run("sign", sign1, &w, 2)?);
    let mut sign2 = vec!["sign".to_owned(), file.clone(), "--yes".into()];
    sign2.extend(key(2));
    run("sign (second)", sign2, &w, 2)?;
    out.push(run("status", vec!["status".into(), file.clone()], &w, 2)?);
    let mut execute = vec!["execute".to_owned(), file.clone()];
    execute.extend(key(0));
    out.push(run("execute", execute, &w, 3)?);
    out.push(run("operator (dashboard)", vec!["operator".into()], &w, 2)?);
    let message = dir.join("avs.json").to_string_lossy().into_owned();
    let legacy = devnet.addresses.extra(LEGACY_AVS)?.to_string();
    let expiry = (now() + 86_400).to_string();
    Command::new(&bin)
        .args([
            "propose",
            "avs-registration",
            "--avs",
            &legacy,
            "--salt",
            &format!("0x{:064x}", 1),
            "--expiry",
            &expiry,
            "-o",
            &message,
        ])
        .env("ETH_RPC_URL", fork.rpc_url().as_str())
        .env("OPWALLET_ADDRESSES", &b)
        .env("OPWALLET_WALLET", &wallet)
        .output()?;
    for i in [1, 2] {
        let mut a = vec!["sign".to_owned(), message.clone(), "--yes".into()];
        a.extend(key(i));
        Command::new(&bin)
            .args(&a)
            .env("ETH_RPC_URL", fork.rpc_url().as_str())
            .env("OPWALLET_ADDRESSES", &b)
            .output()?;
    }
    out.push(run("signature", vec!["signature".into(), message], &w, 2)?);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

/// Devnet start (cached state), one fork, and each `make demo` step, medians of `runs`.
async fn wall_time(devnet: &Devnet, runs: usize) -> Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    let (mut starts, mut forks) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let d = Devnet::start().await?;
        starts.push(d.startup);
        let t = Instant::now();
        drop(Fork::of_devnet(devnet).await?);
        forks.push(t.elapsed());
    }
    out.insert("devnet start (cached state)".into(), median(starts));
    out.insert("fork start (incl. release probe)".into(), median(forks));

    // The demo's steps, timed by tools/demo itself (DEMO_TIMINGS), with the binaries next to this one.
    let bin_dir = std::env::current_exe()?.parent().map(PathBuf::from).ok_or_else(|| eyre!("no binary directory"))?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut steps: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for run in 0..runs {
        let timings = std::env::temp_dir().join(format!("opwallet-demo-timings-{}-{run}", std::process::id()));
        let status = Command::new("bash")
            .arg(root.join("tools/demo"))
            .env("OPWALLET_BIN_DIR", &bin_dir)
            .env("DEMO_TIMINGS", &timings)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        ensure!(status.success(), "tools/demo failed (run it alone to see why)");
        for line in std::fs::read_to_string(&timings)?.lines() {
            if let Some((secs, name)) = line.split_once(' ') {
                steps.entry(format!("demo: {name}")).or_default().push(Duration::from_secs_f64(secs.parse()?));
            }
        }
        let _ = std::fs::remove_file(&timings);
    }
    for (name, times) in steps {
        out.insert(name, median(times));
    }
    Ok(out)
}

/// EigenLayer's own AVSDirectory registration digest (the bench measures gas; clear signing is the CLI's).
async fn avs_digest<P: Provider>(
    provider: &P,
    book: &opwallet_core::AddressBook,
    operator: Address,
    avs: Address,
    salt: B256,
    expiry: U256,
) -> eyre::Result<B256> {
    Ok(IAVSDirectory::new(book.avs_directory, provider)
        .calculateOperatorAVSRegistrationDigestHash(operator, avs, salt, expiry)
        .call()
        .await?)
}
