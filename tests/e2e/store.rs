//! Signers on different machines (issue 14): a wallet's queue in a directory or an S3 store, conditional writes
//! that never lose a signature, a store that ignores them refused, and `status --watch`.

use std::{process::Output, sync::Arc};

use serde_json::Value;

use crate::{
    doubles::{LocalStack, Request, serve},
    harness::{ALICE, BIN, BOB, CAROL, DEPLOYER, Env, addr},
};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_out(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// Proposes into the queue in `store`; returns where it went.
fn queue(env: &Env, store: &str, action: &[&str], vars: &[(&str, &str)]) -> String {
    let mut args = vec!["--json", "propose"];
    args.extend_from_slice(action);
    args.extend_from_slice(&["--store", store]);
    json_out(&env.run_with(&args, None, vars))["file"].as_str().expect("file").to_owned()
}

fn sign(env: &Env, location: &str, key: u32, vars: &[(&str, &str)]) {
    let out = env.run_with(&["sign", location, "--yes"], Some(key), vars);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Two dependent proposals queued at once: the second is simulated after the first (it registers for an operator
/// set, which only an operator can), the queue shows what each waits for, and they run in order.
#[tokio::test]
async fn a_local_queue_runs_in_nonce_order_and_simulates_after_its_predecessors() {
    let env = Env::with_wallet().await;
    let dir = env.path("queue");
    let store = dir.to_str().expect("utf-8");
    let avs = env.fork.addresses.extra(opwallet_devnet::OPERATOR_SET_AVS).expect("avs").to_string();
    let first = queue(&env, store, &["register-operator", "--metadata-uri", "u"], &[]);
    let second = queue(&env, store, &["register-operator-sets", "--avs", &avs, "--ids", "1"], &[]);
    let expected = dir.join(format!("31337-{}", env.wallet().to_string().to_lowercase()));
    assert!(first.starts_with(expected.to_str().expect("utf-8")) && first.contains("00000000000000000000-"), "{first}");
    assert!(second.contains("00000000000000000001-"), "{second}");

    let status = json_out(&env.run(&["--json", "status", "--store", store], None));
    assert_eq!(status["queue"][0]["state"], "0 of 2 signed; needs 2 more signature(s)", "{status}");
    assert_eq!(
        status["queue"][1]["state"], "0 of 2 signed; needs 2 more signature(s); waits for nonce 0 to run first",
        "{status}"
    );
    // The second one's screen: simulated after the first.
    let screen = stderr(&env.run(&["sign", &second, "--yes"], Some(ALICE)));
    assert!(screen.contains("simulation   succeeds after queued proposal(s) 0, "), "{screen}");
    for (p, key) in [(&first, ALICE), (&first, BOB), (&second, BOB)] {
        sign(&env, p, key, &[]);
    }
    let text = env.ok(&["status", "--store", store], None);
    assert!(text.contains("2 of 2 signed; executable now"), "{text}");
    let early = env.fails(&["execute", &second], Some(DEPLOYER));
    assert!(early.contains("nonce 1 is ahead of the wallet (at 0)"), "{early}");
    env.ok(&["execute", &first], Some(DEPLOYER));
    env.ok(&["execute", &second], Some(DEPLOYER));
    let status = json_out(&env.run(&["--json", "status", "--store", store], None));
    for row in status["queue"].as_array().expect("rows") {
        assert!(row["state"].as_str().expect("state").starts_with("executed in transaction 0x"), "{status}");
    }
}

/// A nonce is taken unless replaced on purpose; a cancel at that nonce makes the other one never run.
#[tokio::test]
async fn a_queued_proposal_is_replaced_or_cancelled_only_on_purpose() {
    let env = Env::with_wallet().await;
    let dir = env.path("queue");
    let store = dir.to_str().expect("utf-8");
    let first = queue(&env, store, &["register-operator", "--metadata-uri", "u"], &[]);
    let taken = env.fails(&["propose", "bump-epoch", "--store", store, "--nonce", "0"], None);
    assert!(taken.contains("nonce 0 is taken by the queued proposal(s) 0x"), "{taken}");
    assert!(taken.contains("pass --replace"), "{taken}");
    let cancel = queue(&env, store, &["cancel", "--nonce", "0", "--replace"], &[]);
    sign(&env, &cancel, ALICE, &[]);
    sign(&env, &cancel, CAROL, &[]);
    env.ok(&["execute", &cancel], Some(DEPLOYER));
    let status = json_out(&env.run(&["--json", "status", "--store", store], None));
    let states: Vec<&str> =
        status["queue"].as_array().expect("rows").iter().map(|r| r["state"].as_str().expect("s")).collect();
    assert!(states.iter().any(|s| s.starts_with("executed in transaction")), "{states:?}");
    assert!(states.iter().any(|s| s.starts_with("never runs: nonce 0 went to 0x")), "{states:?}");
    let refused = env.fails(&["execute", &first], Some(DEPLOYER));
    assert!(refused.contains("nonce 0 was used by another proposal"), "{refused}");
}

/// An 8-signer wallet (threshold 5) with a bump-epoch proposal at `store`, signed by all eight at once; checks
/// that every signature is there and that it executes.
async fn eight_at_once(store: &str, vars: &[(&str, &str)]) {
    let mut env = Env::new().await;
    let keys: Vec<u32> = (1..=8).collect();
    let signers: Vec<String> = keys.iter().map(|k| addr(*k).to_string()).collect();
    let wallet = env.ok(&["deploy", "--signers", &signers.join(","), "--threshold", "5"], Some(DEPLOYER));
    env.wallet = Some(wallet.trim().parse().expect("address"));
    let store = if store.is_empty() { env.path("queue").to_str().expect("utf-8").to_owned() } else { store.to_owned() };
    let object = queue(&env, &store, &["bump-epoch"], vars);
    let children: Vec<_> = keys
        .iter()
        .map(|key| {
            let mut c = std::process::Command::new(BIN);
            c.args(["sign", &object, "--yes", "--mnemonic-file"])
                .arg(&env.mnemonic)
                .args(["--mnemonic-index", &key.to_string()])
                .env("ETH_RPC_URL", env.fork.rpc_url().as_str())
                .env("OPWALLET_ADDRESSES", &env.book)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            for (k, v) in vars {
                c.env(k, v);
            }
            c.spawn().expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let status = json_out(&env.run_with(&["--json", "status", &object], None, vars));
    assert_eq!(status["signed"].as_array().expect("signed").len(), 8, "{status}");
    assert_eq!(status["ready"], true, "{status}");
    let queue = json_out(&env.run_with(&["--json", "status", "--store", &store], None, vars));
    assert_eq!(queue["queue"][0]["state"], "8 of 5 signed; executable now", "{queue}");
    let out = env.run_with(&["execute", &object], Some(DEPLOYER), vars);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Eight signers on one S3 object at once (LocalStack's S3, conditional writes): every signature is there.
#[tokio::test]
async fn eight_signers_at_once_on_s3_lose_nothing() {
    let ls = LocalStack::start();
    let sdk = ls.sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    s3.create_bucket().bucket("ops").send().await.expect("bucket");
    eight_at_once("s3://ops/team", &ls.env()).await;
}

/// The same on a local queue (a lock beside the file): eight at once, eight signatures.
#[tokio::test]
async fn eight_signers_at_once_on_a_local_file_lose_nothing() {
    eight_at_once("", &[]).await;
}

/// A store that ignores conditional writes (an S3 double answering every PUT) is refused before anything is
/// written, in words.
#[tokio::test]
async fn a_store_without_conditional_writes_is_refused() {
    let objects = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<String, String>::new()));
    let seen = objects.clone();
    let endpoint = serve(Arc::new(move |r: &Request| {
        let mut store = seen.lock().expect("lock");
        match r.method.as_str() {
            "PUT" => {
                store.insert(r.path.clone(), r.body.clone());
                (200, String::new())
            }
            "GET" => match store.get(&r.path) {
                Some(body) => (200, body.clone()),
                None => (404, "<Error><Code>NoSuchKey</Code></Error>".into()),
            },
            _ => (405, String::new()),
        }
    }));
    let env = Env::with_wallet().await;
    let vars = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ];
    let err = env.fails_with(&["propose", "bump-epoch", "-o", "s3://old/p.json"], None, &vars);
    assert!(err.contains("this store ignores If-None-Match"), "{err}");
    assert!(err.contains("concurrent signers would overwrite each other's signatures"), "{err}");
    assert!(!objects.lock().expect("lock").keys().any(|k| k.ends_with("p.json")), "the proposal was written");
}

/// `status --watch` follows a proposal in S3 until it is executed, printing each change once.
#[tokio::test]
async fn status_watch_follows_a_proposal_until_it_runs() {
    let ls = LocalStack::start();
    let sdk = ls.sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    s3.create_bucket().bucket("ops").send().await.expect("bucket");
    let env = Env::with_wallet().await;
    let vars = ls.env();
    let object = queue(&env, "s3://ops", &["bump-epoch"], &vars);
    let mut watch = std::process::Command::new(BIN);
    watch
        .args(["status", &object, "--watch", "--interval", "1"])
        .env("ETH_RPC_URL", env.fork.rpc_url().as_str())
        .env("OPWALLET_ADDRESSES", &env.book)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in vars {
        watch.env(k, v);
    }
    let watch = watch.spawn().expect("watch");
    sign(&env, &object, ALICE, &vars);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    sign(&env, &object, BOB, &vars);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = env.run_with(&["execute", &object], Some(DEPLOYER), &vars);
    assert!(out.status.success(), "{}", stderr(&out));
    let watched = watch.wait_with_output().expect("watch ends once executed");
    assert!(watched.status.success(), "{}", stderr(&watched));
    let text = String::from_utf8_lossy(&watched.stdout);
    assert!(text.contains("not ready:"), "{text}");
    assert!(text.contains("\nready\n"), "{text}");
    assert!(text.contains("executed in transaction 0x"), "{text}");
}
