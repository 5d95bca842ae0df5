//! Signing at scale (issue 14): simulation before anyone signs.

use alloy::{
    primitives::{Address, U256},
    providers::{Provider, ext::AnvilApi},
};
use opwallet_devnet::{OPERATOR_SET_AVS, REWARD_TOKEN, contracts::DevnetToken, dev_signer};
use serde_json::{Value, json};

use crate::{
    doubles::{Fault, faulty_node, rpc_proxy},
    harness::{ALICE, BOB, DEPLOYER, Env, addr},
};

const TREASURY: u32 = 5;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The node's simulation runs the wallet's real `execute`: the screen shows the events and the balance changes a
/// batch would cause, before a single signature exists.
#[tokio::test]
async fn a_batch_is_simulated_with_events_and_balance_changes_before_anyone_signs() {
    let env = Env::with_wallet().await;
    let token = env.fork.addresses.extra(REWARD_TOKEN).expect("token");
    let minted = DevnetToken::new(token, env.fork.provider_with(dev_signer(DEPLOYER)))
        .mint(env.wallet(), U256::from(50_000_000u64))
        .send()
        .await
        .expect("mint")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(minted.status());
    env.fork.provider().anvil_set_balance(env.wallet(), U256::from(10u128.pow(18))).await.expect("fund");
    let (w, to) = (env.wallet(), addr(TREASURY));

    let erc20 = env.path("t.json");
    let out = env.run(
        &[
            "--json",
            "propose",
            "transfer",
            "--token",
            &token.to_string(),
            "--to",
            &to.to_string(),
            "--amount",
            "12.5",
            "-o",
            erc20.to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sim = &serde_json::from_slice::<Value>(&out.stdout).expect("json")["simulation"];
    assert_eq!(sim["success"], true, "{sim}");
    assert_eq!(sim["method"], "simulateV1");
    let changes: Vec<(Address, String)> = sim["balanceChanges"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (c["account"].as_str().expect("a").parse().expect("address"), c["delta"].as_str().expect("d").to_owned())
        })
        .collect();
    assert_eq!(changes, vec![(w, "-12500000".into()), (to, "12500000".into())]);

    // The signing screen: wallet first, amounts in the token's units, the Transfer event decoded.
    let screen = stderr(&env.run(&["sign", erc20.to_str().expect("utf-8"), "--yes"], Some(ALICE)));
    assert!(
        screen.contains(&format!("  balance    {w} (this wallet): -12.5 DRT of token {token} (RewardToken)\n")),
        "{screen}"
    );
    assert!(screen.contains(&format!("  balance    {to}: +12.5 DRT of token {token} (RewardToken)\n")), "{screen}");
    assert!(
        screen.contains(&format!(
            "  event      {token} (RewardToken).Transfer(from: {w} (this wallet), to: {to}, value: 12500000)"
        )),
        "{screen}"
    );

    // ETH leaves through the node's own transfer trace, not through any contract's word.
    let eth = env.path("eth.json");
    let out = env.run(
        &[
            "--json",
            "propose",
            "transfer",
            "--to",
            &to.to_string(),
            "--amount",
            "0.25",
            "-o",
            eth.to_str().expect("utf-8"),
        ],
        None,
    );
    let sim = &serde_json::from_slice::<Value>(&out.stdout).expect("json")["simulation"];
    assert_eq!(sim["balanceChanges"][0]["text"], json!(format!("{w} (this wallet): -0.25 ETH")), "{sim}");
    assert_eq!(sim["balanceChanges"][1]["text"], json!(format!("{to}: +0.25 ETH")), "{sim}");
}

/// A batch that would revert is stopped before anyone spends a signing round on it, with EigenLayer's reason.
#[tokio::test]
async fn a_batch_that_would_revert_is_refused_unless_forced() {
    let env = Env::with_wallet().await;
    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs").to_string();
    // Registering for an operator set before being an operator: EigenLayer refuses.
    let file = env.path("sets.json");
    let args = ["propose", "register-operator-sets", "--avs", &avs, "--ids", "1", "-o", file.to_str().expect("utf-8")];
    let err = env.fails(&args, None);
    assert!(err.contains("simulation   WOULD REVERT: call 0 of the batch failed: EigenLayer:"), "{err}");
    assert!(err.contains("no proposal written: simulation WOULD REVERT"), "{err}");
    assert!(!file.exists(), "a refused proposal wrote a file");

    let mut forced = args.to_vec();
    forced.push("--force");
    env.ok(&forced, None);
    let refusal = env.fails(&["sign", file.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(refusal.contains("not signed: simulation WOULD REVERT"), "{refusal}");
    assert!(refusal.contains("pass --force to sign anyway (nothing was added)"), "{refusal}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("file")).expect("json");
    assert_eq!(v["signatures"], json!([]));
    env.ok(&["sign", file.to_str().expect("utf-8"), "--yes", "--force"], Some(ALICE));

    // Once the wallet is an operator, the same proposal simulates clean and signs without --force.
    let register = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let again = env.path("again.json");
    env.ok(
        &["propose", "register-operator-sets", "--avs", &avs, "--ids", "1", "-o", again.to_str().expect("utf-8")],
        None,
    );
    env.sign(&again, ALICE);
}

/// A node without `eth_simulateV1` still gets the verdict through `eth_call` with the same override, and the
/// screen says that events could not be shown.
#[tokio::test]
async fn a_node_without_simulate_v1_falls_back_to_eth_call() {
    let env = Env::with_wallet().await;
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), |r| {
        (r["method"] == "eth_simulateV1").then(|| {
            json!({ "error": { "code": -32601, "message": "the method eth_simulateV1 does not exist/is not available" } })
        })
    });
    let file = env.path("p.json");
    let out = env.run_with(
        &["--json", "propose", "bump-epoch", "-o", file.to_str().expect("utf-8")],
        None,
        &[("ETH_RPC_URL", &proxy)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sim = &serde_json::from_slice::<Value>(&out.stdout).expect("json")["simulation"];
    assert_eq!(sim["method"], "ethCall", "{sim}");
    assert_eq!(sim["success"], true, "{sim}");
    assert_eq!(sim["events"], Value::Null, "{sim}");
    assert!(
        stderr(&out).contains("simulation   succeeds (eth_call; this node cannot report events)"),
        "{}",
        stderr(&out)
    );
}

fn registration(env: &Env) -> std::path::PathBuf {
    let p = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    p
}

fn is_operator(env: &Env) -> impl std::future::Future<Output = bool> + '_ {
    let dm = opwallet_bindings::eigenlayer::IDelegationManager::new(
        env.fork.addresses.delegation_manager,
        env.fork.provider(),
    );
    async move { dm.isOperator(env.wallet()).call().await.expect("view") }
}

/// A node that runs the transaction and loses the answer: `execute` finds it by its hash and reports it executed.
#[tokio::test]
async fn a_lost_send_answer_is_looked_up_by_hash_not_reported_as_a_failure() {
    let env = Env::with_wallet().await;
    let p = registration(&env);
    let node = faulty_node(env.fork.rpc_url().to_string(), |r| {
        if r["method"] == "eth_sendRawTransaction" { Fault::LoseAnswer } else { Fault::None }
    });
    let out = env.run_with(&["execute", p.to_str().expect("utf-8")], Some(DEPLOYER), &[("ETH_RPC_URL", &node)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let hash =
        stderr(&out).lines().find_map(|l| l.strip_prefix("sending transaction ")).expect("hash first").to_owned();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&hash), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(is_operator(&env).await);
    // Asking again is answered, not refused: it ran, here.
    let again = env.run(&["execute", p.to_str().expect("utf-8")], Some(DEPLOYER));
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains(&format!("already executed in transaction {hash} (block ")), "{}", stderr(&again));
}

/// Receipts lost too: `execute` says the transaction may be mined and to check; `status` then finds it executed.
#[tokio::test]
async fn a_lost_receipt_is_reported_as_unknown_and_status_finds_the_execution() {
    let env = Env::with_wallet().await;
    let p = registration(&env);
    let node = faulty_node(env.fork.rpc_url().to_string(), |r| match r["method"].as_str() {
        Some("eth_sendRawTransaction") => Fault::LoseAnswer,
        Some("eth_getTransactionReceipt" | "eth_getTransactionByHash") => Fault::Refuse,
        _ => Fault::None,
    });
    let out = env.run_with(
        &["--rpc-timeout", "2", "execute", p.to_str().expect("utf-8")],
        Some(DEPLOYER),
        &[("ETH_RPC_URL", &node)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("was handed to the node, but its receipt did not arrive"), "{err}");
    assert!(err.contains("check with `opwallet status` before sending anything again"), "{err}");
    assert!(!err.contains("sending failed"), "{err}");
    let status: Value =
        serde_json::from_str(&env.ok(&["--json", "status", p.to_str().expect("utf-8")], None)).expect("json");
    assert_eq!(status["executed"]["thisProposal"], true, "{status}");
    let text = env.ok(&["status", p.to_str().expect("utf-8")], None);
    assert!(
        text.trim_end().ends_with(&format!(
            "executed in transaction {} (block {})",
            status["executed"]["transaction"].as_str().expect("tx"),
            status["executed"]["block"]
        )),
        "{text}"
    );
}

/// A node that takes the transaction and then hangs: the send times out, the lookup finds it mined.
#[tokio::test]
async fn a_hanging_node_is_bounded_by_the_timeout_and_the_transaction_found() {
    let env = Env::with_wallet().await;
    let p = registration(&env);
    let node = faulty_node(env.fork.rpc_url().to_string(), |r| {
        if r["method"] == "eth_sendRawTransaction" { Fault::Hang(30) } else { Fault::None }
    });
    let started = std::time::Instant::now();
    let out = env.run_with(
        &["--rpc-timeout", "2", "execute", p.to_str().expect("utf-8")],
        Some(DEPLOYER),
        &[("ETH_RPC_URL", &node)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(25), "not bounded by --rpc-timeout");
    assert!(is_operator(&env).await);
}

/// A send the node never saw is reported as not sent, by hash.
#[tokio::test]
async fn a_refused_send_is_reported_as_not_sent() {
    let env = Env::with_wallet().await;
    let p = registration(&env);
    let node = faulty_node(env.fork.rpc_url().to_string(), |r| {
        if r["method"] == "eth_sendRawTransaction" { Fault::Refuse } else { Fault::None }
    });
    let err = env.fails_with(&["execute", p.to_str().expect("utf-8")], Some(DEPLOYER), &[("ETH_RPC_URL", &node)]);
    assert!(err.contains("the node does not know transaction 0x"), "{err}");
    assert!(err.contains("it was not sent"), "{err}");
    assert!(!is_operator(&env).await);
}

/// `deploy` too: a lost answer is looked up by the transaction's hash, and the wallet is there.
#[tokio::test]
async fn deploy_survives_a_lost_answer() {
    let env = Env::new().await;
    let node = faulty_node(env.fork.rpc_url().to_string(), |r| {
        if r["method"] == "eth_sendRawTransaction" { Fault::LoseAnswer } else { Fault::None }
    });
    let signers = format!("{},{}", addr(ALICE), addr(BOB));
    let out =
        env.run_with(&["deploy", "--signers", &signers, "--threshold", "2"], Some(DEPLOYER), &[("ETH_RPC_URL", &node)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let wallet: Address = String::from_utf8_lossy(&out.stdout).trim().parse().expect("the wallet's address");
    assert!(!env.fork.provider().get_code_at(wallet).await.expect("code").is_empty());
}

/// Reads a node turns away as temporarily unavailable are retried with backoff, a bounded number of times.
#[tokio::test]
async fn unavailable_reads_are_retried_a_bounded_number_of_times() {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    let env = Env::with_wallet().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let flaky = faulty_node(env.fork.rpc_url().to_string(), move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) < 2 { Fault::Unavailable } else { Fault::None }
    });
    let out = env.run_with(&["info"], None, &[("ETH_RPC_URL", &flaky)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(seen.load(Ordering::SeqCst) > 2);

    let down = faulty_node(env.fork.rpc_url().to_string(), |_| Fault::Unavailable);
    let started = std::time::Instant::now();
    let err = env.fails_with(&["info"], None, &[("ETH_RPC_URL", &down)]);
    assert!(err.contains("503"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "retries are not bounded");
}

/// Two proposals become one atomic batch: simulated whole, signed once, run at once.
#[tokio::test]
async fn proposals_merge_into_one_batch_simulated_whole() {
    let env = Env::with_wallet().await;
    env.fork.provider().anvil_set_balance(env.wallet(), U256::from(10u128.pow(18))).await.expect("fund");
    let a = env.propose("a.json", &["register-operator", "--metadata-uri", "https://op.example/1.json"]);
    let to = addr(TREASURY).to_string();
    let b = env.propose("b.json", &["transfer", "--to", &to, "--amount", "0.1"]);
    let ab = env.path("ab.json");
    let out = env.run(
        &["--json", "batch", a.to_str().expect("utf-8"), b.to_str().expect("utf-8"), "-o", ab.to_str().expect("utf-8")],
        None,
    );
    let v = serde_json::from_slice::<Value>(&out.stdout).unwrap_or_default();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(v["calls"], 2);
    assert_eq!(v["simulation"]["success"], true, "{v}");
    let screen = stderr(&env.run(&["sign", ab.to_str().expect("utf-8"), "--yes"], Some(ALICE)));
    assert!(screen.contains("[0] DelegationManager.registerAsOperator"), "{screen}");
    assert!(screen.contains(&format!("[1] plain transfer to {to} (not a contract opwallet knows")), "{screen}");
    assert!(screen.contains(&format!("  balance    {to}: +0.1 ETH")), "{screen}");
    assert!(screen.contains("OperatorRegistered(operator: "), "{screen}");
    env.sign(&ab, BOB);
    let executed = env.execute(&ab);
    assert!(executed.contains("OperatorRegistered"), "{executed}");
    // A signed part would lose its signatures: refused.
    let c = env.propose("c.json", &["bump-epoch"]);
    env.sign(&c, ALICE);
    let d = env.propose("d.json", &["bump-epoch"]);
    let err = env.fails(
        &[
            "batch",
            c.to_str().expect("utf-8"),
            d.to_str().expect("utf-8"),
            "-o",
            env.path("cd.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(err.contains("already has 1 signature(s), which would not carry over"), "{err}");
}

/// No blind hex: a call to a contract opwallet has no ABI for is proposed from its function and arguments, and
/// every signer's screen decodes it; a file whose signature does not match its calldata is refused; bare calldata
/// needs --raw.
#[tokio::test]
async fn calls_carry_their_function_and_a_lying_signature_is_refused() {
    let env = Env::with_wallet().await;
    let target = Address::repeat_byte(0x77).to_string();
    let p = env.propose(
        "c.json",
        &["call", "--to", &target, "--sig", "setGreeting(string note, uint256 times)", "hello", "3"],
    );
    let screen = stderr(&env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE)));
    assert!(screen.contains(&format!("[0] setGreeting on {target} (not a contract opwallet knows")), "{screen}");
    assert!(
        screen.contains("(decoded with the function signature in the file: its selector and encoding match"),
        "{screen}"
    );
    assert!(screen.contains("        note = \"hello\"\n        times = 3\n"), "{screen}");

    // From an ABI file, by name.
    let abi = env.path("abi.json");
    std::fs::write(
        &abi,
        r#"{"abi":[{"type":"function","name":"ping","inputs":[{"name":"who","type":"address"}],"outputs":[],"stateMutability":"nonpayable"}]}"#,
    )
    .expect("abi");
    let q = env.propose(
        "q.json",
        &["call", "--to", &target, "--abi", abi.to_str().expect("utf-8"), "--function", "ping", &target],
    );
    let screen = stderr(&env.run(&["sign", q.to_str().expect("utf-8"), "--yes"], Some(ALICE)));
    assert!(screen.contains(&format!("        who = {target}\n")), "{screen}");

    // The file's signature swapped for another with the same types: the selector no longer matches.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("file")).expect("json");
    v["body"]["calls"][0]["function"] = json!("transferOwnership(string to, uint256 times)");
    std::fs::write(&p, v.to_string()).expect("write");
    let err = env.fails(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(BOB));
    assert!(
        err.contains(
            "not signed: call 0: MISMATCH: the proposer says it calls \"transferOwnership(string to, uint256 times)\""
        ),
        "{err}"
    );

    // Bare calldata only with --raw, and then it is shown undecoded.
    let bare = env.run(
        &[
            "propose",
            "call",
            "--to",
            &target,
            "--data",
            "0xdeadbeef",
            "-o",
            env.path("r.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(bare.status.code(), Some(2), "{}", stderr(&bare));
    assert!(stderr(&bare).contains("--raw"), "{}", stderr(&bare));
    // Arguments that are not of the function's types are named.
    let err = env.fails(
        &[
            "propose",
            "call",
            "--to",
            &target,
            "--sig",
            "f(uint8 level)",
            "300",
            "-o",
            env.path("f.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(err.contains("`300` is not a uint8 level"), "{err}");
}
