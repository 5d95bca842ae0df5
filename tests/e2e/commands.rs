//! Commands and flags no other test ran (issue 16): each checked against what the chain holds afterwards (the
//! wallet's and EigenLayer's own views), not against opwallet's report of it.

use std::path::Path;

use alloy::{
    primitives::{Address, U256},
    providers::{Provider, ext::AnvilApi},
};
use opwallet_bindings::{
    OperatorWallet,
    eigenlayer::{IAllocationManager, IDelegationManager, OperatorSet},
};
use opwallet_devnet::{OPERATOR_SET_AVS, STAKE_STRATEGY, dev_signer};
use serde_json::Value;

use crate::harness::{ALICE, BOB, CAROL, DAVE, DEPLOYER, Env, addr};

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The last line of a failed command's stderr (its error, after any screen).
fn error_line(o: &std::process::Output) -> String {
    stderr(o).trim_end().lines().last().unwrap_or_default().to_owned()
}

/// Proposes, has alice and bob sign, executes.
fn run(env: &Env, file: &str, action: &[&str]) -> String {
    let p = env.propose(file, action);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p)
}

/// `opwallet approve FILE`: alice approves on chain from her own key, the entry lands in the file, and the wallet
/// executes with her approval and bob's signature.
#[tokio::test]
async fn approve_on_chain_counts_beside_a_signature() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "approved"]);
    let file = p.to_str().expect("utf-8");
    let digest: alloy::primitives::B256 = read(&p)["digest"].as_str().expect("digest").parse().expect("hash");
    let wallet = OperatorWallet::new(env.wallet(), env.fork.provider());

    // A key that is not a signer: refused before anything is sent.
    let nonce = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");
    let refused = env.fails(&["approve", file, "--yes"], Some(DEPLOYER));
    assert_eq!(
        refused.trim_end().lines().last(),
        Some(format!("error: {} is not a signer of {}: nothing was sent", addr(DEPLOYER), env.wallet()).as_str())
    );
    assert_eq!(env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), nonce);

    let out = env.run(&["--json", "approve", file, "--yes"], Some(ALICE));
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(shown["signer"], serde_json::json!(addr(ALICE)));
    assert!(shown["transaction"].is_string(), "{shown}");
    assert!(stderr(&out).contains("approving on chain"), "the signing screen is shown: {}", stderr(&out));
    assert!(wallet.approvedHashes(addr(ALICE), digest).call().await.expect("view"), "approved on chain");
    assert_eq!(read(&p)["signatures"], serde_json::json!([{ "kind": "approved", "signer": addr(ALICE) }]));
    // Again: nothing sent, the file unchanged.
    let before = std::fs::read(&p).expect("read");
    let again = env.run(&["approve", file, "--yes"], Some(ALICE));
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("had already approved"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&p).expect("read"), before);

    let status: Value = serde_json::from_str(&env.ok(&["--json", "status", file], None)).expect("json");
    assert_eq!(status["signed"], serde_json::json!([addr(ALICE)]), "{status}");
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
}

/// add-signer (with a real proof, and refused at propose time with a bad one), set-threshold and remove-signer,
/// each executed and read back from the wallet.
#[tokio::test]
async fn signer_set_changes_run_end_to_end() {
    let env = Env::with_wallet().await;
    let wallet = OperatorWallet::new(env.wallet(), env.fork.provider());
    let dave = addr(DAVE).to_string();

    let out = env.path("bad.json");
    let bad = env.fails(
        &[
            "propose",
            "add-signer",
            "--signer",
            &dave,
            "--proof",
            &format!("0x{}", "22".repeat(65)),
            "--threshold",
            "2",
            "-o",
            out.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(
        bad.trim_end(),
        format!(
            "error: the proof is not {dave}'s acceptance for {} at its current epoch: have {dave} run `opwallet \
             accept-signer` (a proof made before the wallet's last change is void)",
            env.wallet()
        )
    );
    assert!(!out.exists());

    let proof = env.ok(&["accept-signer"], Some(DAVE));
    let executed =
        run(&env, "add.json", &["add-signer", "--signer", &dave, "--proof", proof.trim(), "--threshold", "3"]);
    assert!(executed.contains(&format!("SignerAdded({dave})")), "{executed}");
    assert!(wallet.isSigner(addr(DAVE)).call().await.expect("view"));
    assert_eq!(wallet.threshold().call().await.expect("view"), U256::from(3));

    // 3 of 4 now: set-threshold needs three signatures.
    let p = env.propose("threshold.json", &["set-threshold", "--threshold", "2"]);
    for key in [ALICE, BOB, DAVE] {
        env.sign(&p, key);
    }
    assert!(env.execute(&p).contains("ThresholdChanged(2)"));
    assert_eq!(wallet.threshold().call().await.expect("view"), U256::from(2));

    let executed =
        run(&env, "remove.json", &["remove-signer", "--signer", &addr(CAROL).to_string(), "--threshold", "2"]);
    assert!(executed.contains(&format!("SignerRemoved({})", addr(CAROL))), "{executed}");
    assert_eq!(wallet.getSigners().call().await.expect("view"), vec![addr(ALICE), addr(BOB), addr(DAVE)]);
    assert_eq!(wallet.threshold().call().await.expect("view"), U256::from(2));
}

/// `propose cancel` takes the nonce of a stuck proposal; once executed, the stuck one can never run.
#[tokio::test]
async fn cancel_uses_up_the_nonce_of_the_proposal_it_cancels() {
    let env = Env::with_wallet().await;
    let stuck = env.propose("stuck.json", &["register-operator", "--metadata-uri", "stuck"]);
    env.sign(&stuck, ALICE);
    env.sign(&stuck, BOB);
    let cancel = env.propose("cancel.json", &["cancel"]);
    assert_eq!(read(&cancel)["body"]["nonce"], read(&stuck)["body"]["nonce"]);
    assert_eq!(read(&cancel)["body"]["calls"], serde_json::json!([]));
    env.sign(&cancel, ALICE);
    env.sign(&cancel, BOB);
    let executed = env.execute(&cancel);
    assert!(executed.contains("Executed(nonce 0)"), "{executed}");
    let hash: alloy::primitives::B256 = executed.lines().next().expect("hash").parse().expect("a transaction hash");
    let block = env.fork.provider().get_transaction_receipt(hash).await.expect("rpc").expect("mined").block_number;
    let wallet = OperatorWallet::new(env.wallet(), env.fork.provider());
    assert_eq!(wallet.nonce().call().await.expect("view"), U256::from(1));

    let nonce = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");
    let refused = env.fails(&["execute", stuck.to_str().expect("utf-8")], Some(DEPLOYER));
    assert_eq!(
        refused.trim_end(),
        format!(
            "error: not executed, nothing was sent:\n  - nonce 0 was used by another proposal (digest {}) in \
             transaction {hash} (block {}): this one can never run",
            read(&cancel)["digest"].as_str().expect("digest"),
            block.expect("block")
        )
    );
    assert_eq!(env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), nonce, "nothing sent");
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(!dm.isOperator(env.wallet()).call().await.expect("view"));
}

/// set-allocation-delay before the wallet is an operator: written and signed only with --force, and `execute`
/// stops at its simulation with EigenLayer's error decoded. After registering, the delay is set and
/// `getAllocationDelay` reads it once its configuration delay has passed.
#[tokio::test]
async fn allocation_delay_before_and_after_registering() {
    let env = Env::with_wallet().await;
    let early = env.path("early.json");
    let e = early.to_str().expect("utf-8");
    let refused = env.fails(&["propose", "set-allocation-delay", "--delay", "7", "-o", e], None);
    let why = "simulation WOULD REVERT: call 0 of the batch failed: EigenLayer: not a registered operator, or not \
               allowed for this operator (InvalidOperator) (eth_simulateV1)";
    assert_eq!(
        refused.trim_end().lines().last(),
        Some(
            format!(
                "error: no proposal written: {why}; fix it, or pass --force to write it anyway (signers will be \
                 stopped too unless they pass --force)"
            )
            .as_str()
        )
    );
    assert!(!early.exists());
    env.ok(&["propose", "set-allocation-delay", "--delay", "7", "-o", e, "--force"], None);
    for key in [ALICE, BOB] {
        env.ok(&["sign", e, "--yes", "--force"], Some(key));
    }
    let nonce = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");
    let out = env.run(&["execute", e], Some(DEPLOYER));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        error_line(&out),
        "error: simulation failed, nothing was sent: call 0 of the batch failed: EigenLayer: not a registered \
         operator, or not allowed for this operator (InvalidOperator)"
    );
    assert_eq!(env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), nonce);

    run(&env, "register.json", &["register-operator", "--metadata-uri", "u"]);
    run(&env, "delay.json", &["set-allocation-delay", "--delay", "5"]);
    let am = IAllocationManager::new(env.fork.addresses.allocation_manager, env.fork.provider());
    let configuration_delay = am.ALLOCATION_CONFIGURATION_DELAY().call().await.expect("view");
    env.fork.provider().anvil_mine(Some(u64::from(configuration_delay) + 1), None).await.expect("mine");
    let delay = am.getAllocationDelay(env.wallet()).call().await.expect("view");
    assert_eq!((delay.isSet, delay.delay), (true, 5));
}

/// modify-allocations on the devnet's redistributing operator set: refused at every step without
/// --allow-redistributing, and with it the magnitude is allocated.
#[tokio::test]
async fn allocating_to_a_redistributing_set_needs_the_flag_at_every_step() {
    let env = Env::with_wallet().await;
    run(&env, "register.json", &["register-operator", "--metadata-uri", "u", "--allocation-delay", "0"]);
    let book = &env.fork.addresses;
    let (avs, strategy) = (book.extra(OPERATOR_SET_AVS).expect("avs"), book.extra(STAKE_STRATEGY).expect("strategy"));
    let sets = env.path("sets.json");
    env.ok(
        &[
            "propose",
            "register-operator-sets",
            "--avs",
            &avs.to_string(),
            "--ids",
            "2",
            "--allow-redistributing",
            "-o",
            sets.to_str().expect("utf-8"),
        ],
        None,
    );
    for key in [ALICE, BOB] {
        env.ok(&["sign", sets.to_str().expect("utf-8"), "--yes", "--allow-redistributing"], Some(key));
    }
    env.ok(&["execute", sets.to_str().expect("utf-8"), "--allow-redistributing"], Some(DEPLOYER));

    let p = env.path("alloc.json");
    let file = p.to_str().expect("utf-8");
    let allocate = format!("{avs}:2:{strategy}=25%");
    let refused = env.fails(&["propose", "modify-allocations", "--allocate", &allocate, "-o", file], None);
    assert!(refused.contains("redistribute slashed stake") && refused.contains("--allow-redistributing"), "{refused}");
    assert!(!p.exists());
    env.ok(&["propose", "modify-allocations", "--allocate", &allocate, "--allow-redistributing", "-o", file], None);
    let refused = env.fails(&["sign", file, "--yes"], Some(ALICE));
    assert!(refused.contains("nothing was signed"), "{refused}");
    for key in [ALICE, BOB] {
        env.ok(&["sign", file, "--yes", "--allow-redistributing"], Some(key));
    }
    let nonce = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");
    let refused = env.fails(&["execute", file], Some(DEPLOYER));
    assert!(refused.contains("redistribute slashed stake") && refused.contains("nothing was sent"), "{refused}");
    assert_eq!(env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), nonce);
    env.ok(&["execute", file, "--allow-redistributing"], Some(DEPLOYER));
    let am = IAllocationManager::new(book.allocation_manager, env.fork.provider());
    let allocation = am.getAllocation(env.wallet(), OperatorSet { avs, id: 2 }, strategy).call().await.expect("view");
    assert_eq!(allocation.currentMagnitude, 250_000_000_000_000_000, "{allocation:?}");
}

/// register-operator --delegation-approver: the approver EigenLayer records is the one given.
#[tokio::test]
async fn register_operator_with_a_delegation_approver() {
    let env = Env::with_wallet().await;
    let approver = addr(CAROL);
    run(
        &env,
        "register.json",
        &["register-operator", "--metadata-uri", "u", "--delegation-approver", &approver.to_string()],
    );
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
    assert_eq!(dm.delegationApprover(env.wallet()).call().await.expect("view"), approver);
}

/// `sign --offline` signs with no RPC at all (air-gapped), and its signature counts on chain.
#[tokio::test]
async fn sign_offline_needs_no_rpc_and_counts() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "offline"]);
    let file = p.to_str().expect("utf-8");
    let no_rpc = [("ETH_RPC_URL", "")];
    let refused = env.run_with(&["sign", file, "--yes"], Some(ALICE), &no_rpc);
    assert_eq!(refused.status.code(), Some(1));
    assert!(error_line(&refused).contains("on-chain checks need an RPC (or pass --offline)"), "{}", stderr(&refused));
    let offline = env.run_with(&["sign", file, "--yes", "--offline"], Some(ALICE), &no_rpc);
    assert!(offline.status.success(), "{}", stderr(&offline));
    assert!(stderr(&offline).contains("were NOT checked against the chain"), "{}", stderr(&offline));
    assert_eq!(read(&p)["signatures"][0]["signer"], serde_json::json!(addr(ALICE)));
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
}

/// `--factory` and `OPWALLET_FACTORY` name another factory than opwallet's; without them and without one in the
/// address book, opwallet's factory (one address on every chain) is used; `predict --json` and `deploy --json` print
/// one JSON document, and deploy lands where predict said.
#[tokio::test]
async fn factory_by_flag_or_environment_and_json_output() {
    let env = Env::new().await;
    let canonical = opwallet_core::factory::canonical();
    assert_eq!(env.fork.addresses.extra(opwallet_devnet::WALLET_FACTORY).expect("factory"), canonical);
    // Another factory, deployed the plain way.
    let other = *opwallet_bindings::OperatorWalletFactory::deploy(env.fork.provider_with(dev_signer(9)))
        .await
        .expect("deploy a factory")
        .address();
    let factory = other.to_string();
    // An address book without the factory.
    let mut book = env.fork.addresses.to_json_document("devnet");
    remove_key(&mut book, opwallet_devnet::WALLET_FACTORY);
    assert!(!book.to_string().contains(opwallet_devnet::WALLET_FACTORY));
    let bare = env.path("bare-book.json");
    std::fs::write(&bare, book.to_string()).expect("write");
    let bare = bare.to_str().expect("utf-8");
    let signers = format!("{},{}", addr(ALICE), addr(BOB));
    let salt = format!("0x{}", "07".repeat(32));
    let config = ["--signers", signers.as_str(), "--threshold", "1", "--salt", salt.as_str()];
    let vars = [("OPWALLET_ADDRESSES", bare), ("OPWALLET_FACTORY", "")];
    let (alice_bob, salt_b) = (vec![addr(ALICE), addr(BOB)], salt.parse().expect("salt"));

    let default = env.run_with(&[&["--json", "predict"][..], &config].concat(), None, &vars);
    assert!(default.status.success(), "{}", stderr(&default));
    let default: Value = serde_json::from_slice(&default.stdout).expect("one JSON document");
    let expected = opwallet_core::factory::predict(canonical, &alice_bob, U256::from(1), salt_b);
    assert_eq!(default["wallet"], serde_json::json!(expected), "opwallet's factory when none is named");

    let by_flag = env.run_with(&[&["--json", "predict", "--factory", &factory][..], &config].concat(), None, &vars);
    assert!(by_flag.status.success(), "{}", stderr(&by_flag));
    let predicted: Value = serde_json::from_slice(&by_flag.stdout).expect("one JSON document");
    let wallet: Address = predicted["wallet"].as_str().expect("wallet").parse().expect("address");
    assert_ne!(wallet, expected, "another factory, another address");
    let by_env = env.run_with(
        &[&["--json", "predict"][..], &config].concat(),
        None,
        &[("OPWALLET_ADDRESSES", bare), ("OPWALLET_FACTORY", &factory)],
    );
    assert_eq!(serde_json::from_slice::<Value>(&by_env.stdout).expect("json"), predicted);

    let deployed = env.run_with(
        &[&["--json", "deploy"][..], &config].concat(),
        Some(DEPLOYER),
        &[("OPWALLET_ADDRESSES", bare), ("OPWALLET_FACTORY", &factory)],
    );
    assert!(deployed.status.success(), "{}", stderr(&deployed));
    let shown: Value = serde_json::from_slice(&deployed.stdout).expect("one JSON document");
    assert_eq!(shown["wallet"], serde_json::json!(wallet));
    assert!(shown["transaction"].is_string() && !shown["gasUsed"].is_null(), "{shown}");
    let on_chain = OperatorWallet::new(wallet, env.fork.provider());
    assert_eq!(on_chain.getSigners().call().await.expect("a wallet is there"), vec![addr(ALICE), addr(BOB)]);
    // `info` says the wallet was not made by opwallet's factory at its usual address.
    let info = env.run_with(&["info", "--wallet", &wallet.to_string()], None, &vars);
    assert!(
        String::from_utf8_lossy(&info.stdout)
            .contains(&format!("factory    {other} (not opwallet's factory at its usual address)")),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
    // --factory wins over the address book's factory.
    let book_factory = env.run(&[&["--json", "predict"][..], &config].concat(), None);
    assert_eq!(
        serde_json::from_slice::<Value>(&book_factory.stdout).expect("json")["wallet"],
        serde_json::json!(expected)
    );
    let flagged = env.run(&[&["--json", "predict", "--factory", &factory][..], &config].concat(), None);
    assert_eq!(serde_json::from_slice::<Value>(&flagged.stdout).expect("json")["wallet"], serde_json::json!(wallet));
}

fn remove_key(v: &mut Value, key: &str) {
    match v {
        Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|v| remove_key(v, key));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| remove_key(v, key)),
        _ => {}
    }
}

/// Every local key source signs: a key in an environment variable, a key file, a Foundry account, keystores with
/// the password from a file, a named variable, and ETH_PASSWORD (with ETH_KEYSTORE naming the keystore); the keys
/// made by `keys new --password-env` and `--password-file`. A 6-of-6 wallet of them executes.
#[tokio::test]
async fn every_local_key_source_signs() {
    let env = Env::new().await;
    let home = env.path("home");
    let keys = env.path("keys");
    let (home_s, keys_s) = (home.to_str().expect("utf-8"), keys.to_str().expect("utf-8"));
    let pw_file = env.path("pw");
    std::fs::write(&pw_file, "password from a file\n").expect("write");
    let pw_file = pw_file.to_str().expect("utf-8");
    let new_key = |args: &[&str], vars: &[(&str, &str)]| -> Address {
        let out = env.run_with(&[&["keys", "new"][..], args].concat(), None, &[&[("HOME", home_s)][..], vars].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("stdout is the address")
    };
    let by_env = new_key(&["--dir", keys_s, "--name", "by-env", "--password-env", "PW"], &[("PW", "password in PW")]);
    let by_file = new_key(&["--dir", keys_s, "--name", "by-file", "--password-file", pw_file], &[]);
    let default = new_key(
        &["--dir", keys_s, "--name", "default", "--password-env", "ETH_PASSWORD"],
        &[("ETH_PASSWORD", "eth password")],
    );
    // No --dir: Foundry's keystore directory under HOME, where --account looks.
    let account = new_key(&["--name", "ops", "--password-file", pw_file], &[]);
    assert!(home.join(".foundry/keystores/ops").is_file());
    let key_file = env.path("key");
    std::fs::write(&key_file, format!("{}\n", alloy::primitives::hex::encode(dev_signer(5).to_bytes())))
        .expect("write");
    let key_hex = alloy::primitives::hex::encode_prefixed(dev_signer(6).to_bytes());

    let signers = [addr(5), addr(6), account, by_env, by_file, default];
    let list = signers.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    let wallet = env.ok(&["deploy", "--signers", &list, "--threshold", "6"], Some(DEPLOYER));
    let wallet = wallet.trim();
    let p = env.path("p.json");
    let file = p.to_str().expect("utf-8");
    env.ok(&["--wallet", wallet, "propose", "register-operator", "--metadata-uri", "keys", "-o", file], None);
    let sign = |key: &[&str], vars: &[(&str, &str)], who: Address| {
        let out = env.run_with(
            &[&["--wallet", wallet, "sign", file, "--yes"][..], key].concat(),
            None,
            &[&[("HOME", home_s)][..], vars].concat(),
        );
        assert!(out.status.success(), "{key:?}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().next().and_then(|l| l.split(' ').next()),
            Some(who.to_string().as_str())
        );
    };
    sign(&["--private-key-file", key_file.to_str().expect("utf-8")], &[], addr(5));
    sign(&["--private-key-env", "SIGNER_KEY"], &[("SIGNER_KEY", &key_hex)], addr(6));
    sign(&["--account", "ops", "--password-file", pw_file], &[], account);
    let by_env_path = keys.join("by-env");
    sign(
        &["--keystore", by_env_path.to_str().expect("utf-8"), "--password-env", "PW"],
        &[("PW", "password in PW")],
        by_env,
    );
    let by_file_path = keys.join("by-file");
    sign(&["--keystore", by_file_path.to_str().expect("utf-8"), "--password-file", pw_file], &[], by_file);
    let default_path = keys.join("default");
    sign(&[], &[("ETH_KEYSTORE", default_path.to_str().expect("utf-8")), ("ETH_PASSWORD", "eth password")], default);
    // The key in an environment variable also sends the transaction.
    let out = env.run_with(
        &["--wallet", wallet, "execute", file, "--private-key-env", "SIGNER_KEY"],
        None,
        &[("SIGNER_KEY", &key_hex)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(wallet.parse().expect("address")).call().await.expect("view"));
}

/// `keys bls-pubkey` prints, as text, what `--json` prints: the G1 key `keys new --bls` printed, the G2 key in
/// the EVM's order, and the operator id.
#[test]
fn bls_pubkey_text_output() {
    let dir = crate::harness::temp_dir("bls-text");
    let d = dir.to_str().expect("utf-8");
    let vars = [("BLS_PASSWORD", "a strong bls password")];
    let made = crate::harness::offline(
        &["keys", "new", "--bls", "--dir", d, "--name", "k", "--password-env", "BLS_PASSWORD"],
        &vars,
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let g1 = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    let keystore = dir.join("k.bls.key.json");
    let k = keystore.to_str().expect("utf-8");
    let text = crate::harness::offline(&["keys", "bls-pubkey", "--bls-keystore", k], &vars);
    assert!(text.status.success(), "{}", stderr(&text));
    let json: Value = serde_json::from_slice(
        &crate::harness::offline(&["--json", "keys", "bls-pubkey", "--bls-keystore", k], &vars).stdout,
    )
    .expect("json");
    let n = |v: &Value| v.as_str().expect("number").parse::<U256>().expect("U256").to_string();
    assert_eq!(g1, format!("E([{},{}])", n(&json["pubkeyG1"]["X"]), n(&json["pubkeyG1"]["Y"])));
    let expected = format!(
        "g1          {g1}\ng2          X [{}, {}]  Y [{}, {}]  (imaginary, real: the EVM's order)\noperator id {}\n",
        n(&json["pubkeyG2"]["X"][0]),
        n(&json["pubkeyG2"]["X"][1]),
        n(&json["pubkeyG2"]["Y"][0]),
        n(&json["pubkeyG2"]["Y"][1]),
        json["operatorId"].as_str().expect("id"),
    );
    assert_eq!(String::from_utf8_lossy(&text.stdout), expected);
    std::fs::remove_dir_all(&dir).expect("clean up");
}
