//! Signing at scale (issue 14): simulation before anyone signs.

use alloy::{
    primitives::{Address, U256},
    providers::ext::AnvilApi,
};
use opwallet_devnet::{OPERATOR_SET_AVS, REWARD_TOKEN, contracts::DevnetToken, dev_signer};
use serde_json::{Value, json};

use crate::{
    doubles::rpc_proxy,
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
