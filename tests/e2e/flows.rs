//! Every command end to end, asserted through on-chain state and EigenLayer's views.

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
};
use opwallet_bindings::{
    OperatorWallet,
    eigenlayer::{IAVSDirectory, IAllocationManager, IDelegationManager, OperatorSet},
};
use opwallet_devnet::{
    LEGACY_AVS, OPERATOR_SET_AVS,
    contracts::{LegacyAVS, OperatorSetAVS},
    dev_signer,
};

use crate::harness::{ALICE, BOB, CAROL, DAVE, DEPLOYER, Env, addr};

fn expiry() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() + 86_400
}

#[tokio::test]
async fn deploy_lands_on_the_predicted_address_and_info_reads_it() {
    let mut env = crate::harness::Env::new().await;
    let signers = format!("{},{},{}", addr(ALICE), addr(BOB), addr(CAROL));
    let config = [
        "--signers",
        signers.as_str(),
        "--threshold",
        "2",
        "--salt",
        "0x00000000000000000000000000000000000000000000000000000000000000aa",
    ];
    let predicted = env.ok(&[&["predict"][..], &config].concat(), None);
    let mut deploy = vec!["deploy"];
    deploy.extend_from_slice(&config);
    let deployed = env.ok(&deploy, Some(DEPLOYER));
    assert_eq!(predicted, deployed);
    env.wallet = Some(deployed.trim().parse().expect("address"));

    let info: serde_json::Value = serde_json::from_str(&env.ok(&["info", "--json"], None)).expect("json");
    assert_eq!(info["threshold"], 2);
    assert_eq!(info["epoch"], 0);
    assert_eq!(info["knownCode"], true);
    assert_eq!(info["signers"].as_array().expect("signers").len(), 3);
    assert_eq!(info["eigenlayer"]["isOperator"], false);
    assert_eq!(info["eigenlayer"]["release"], "1.13.0");

    // Same configuration and salt again (what a front-runner's identical createWallet leaves): success, said so,
    // and nothing is sent.
    let before = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");
    let again = env.run(&deploy, Some(DEPLOYER));
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), deployed.trim());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("already deployed: ") && said.contains("exactly these signers and threshold"), "{said}");
    assert_eq!(env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), before);

    // Once its configuration changed, the same arguments are refused (the keys may no longer be its signers).
    let bump = env.propose("bump.json", &["bump-epoch"]);
    env.sign(&bump, ALICE);
    env.sign(&bump, BOB);
    env.execute(&bump);
    let err = env.fails(&deploy, Some(DEPLOYER));
    assert!(err.contains("its configuration has changed since it was created"), "{err}");
}

#[tokio::test]
async fn register_as_operator_through_a_proposal() {
    let env = Env::with_wallet().await;
    let p = env.propose(
        "register.json",
        &["register-operator", "--metadata-uri", "https://op.example/m.json", "--allocation-delay", "5"],
    );
    let status: serde_json::Value =
        serde_json::from_str(&env.ok(&["status", "--json", p.to_str().expect("utf-8")], None)).expect("json");
    assert_eq!(status["ready"], false);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    let status: serde_json::Value =
        serde_json::from_str(&env.ok(&["status", "--json", p.to_str().expect("utf-8")], None)).expect("json");
    assert_eq!(status["ready"], true);
    let out = env.execute(&p);
    assert!(out.contains(&format!("OperatorRegistered({})", env.wallet())), "{out}");

    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
    let w = OperatorWallet::new(env.wallet(), env.fork.provider());
    assert_eq!(w.nonce().call().await.expect("nonce"), U256::from(1));
}

#[tokio::test]
async fn operator_sets_registration_reaches_the_registrar() {
    let env = Env::with_wallet().await;
    let register = env.propose("r.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);

    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs").to_string();
    let out = env.run(
        &[
            "propose",
            "register-operator-sets",
            "--avs",
            &avs,
            "--ids",
            "0,1",
            "--data",
            "0xc0ffee",
            "-o",
            env.path("s.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("none of these sets redistributes slashed stake"));
    let p = env.path("s.json");
    env.sign(&p, BOB);
    env.sign(&p, CAROL);
    env.execute(&p);

    let avs: Address = avs.parse().expect("address");
    let am = IAllocationManager::new(env.fork.addresses.allocation_manager, env.fork.provider());
    for id in [0, 1] {
        assert!(am.isMemberOfOperatorSet(env.wallet(), OperatorSet { avs, id }).call().await.expect("view"));
    }
    let registrar = OperatorSetAVS::new(avs, env.fork.provider());
    assert_eq!(
        registrar.recordedData(env.wallet()).call().await.expect("view"),
        Bytes::from_static(&[0xc0, 0xff, 0xee])
    );
}

/// Produces the ERC-1271 signature for an AVSDirectory registration, signed by `signers`.
fn avs_signature(env: &Env, file: &str, salt: B256, expiry: u64, signers: &[u32]) -> (B256, Bytes) {
    let avs = env.fork.addresses.extra(LEGACY_AVS).expect("avs").to_string();
    let p = env.propose(
        file,
        &["avs-registration", "--avs", &avs, "--salt", &salt.to_string(), "--expiry", &expiry.to_string()],
    );
    for s in signers {
        env.sign(&p, *s);
    }
    let out: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "signature", p.to_str().expect("utf-8")], None)).expect("json");
    (
        out["hash"].as_str().expect("hash").parse().expect("b256"),
        out["signature"].as_str().expect("sig").parse().expect("bytes"),
    )
}

#[tokio::test]
async fn erc1271_avs_registration_is_accepted_by_eigenlayer() {
    let env = Env::with_wallet().await;
    // AVSDirectory only registers EigenLayer operators.
    let register = env.propose("r.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let (salt, expiry) = (B256::repeat_byte(7), expiry());
    let (hash, signature) = avs_signature(&env, "avs.json", salt, expiry, &[ALICE, CAROL]);

    let avs = env.fork.addresses.extra(LEGACY_AVS).expect("avs");
    let directory = IAVSDirectory::new(env.fork.addresses.avs_directory, env.fork.provider());
    let digest = directory
        .calculateOperatorAVSRegistrationDigestHash(env.wallet(), avs, salt, U256::from(expiry))
        .call()
        .await
        .expect("view");
    assert_eq!(hash, digest, "the proposal must carry EigenLayer's own digest");

    let legacy = LegacyAVS::new(avs, env.fork.provider_with(dev_signer(9)));
    let receipt = legacy
        .registerOperator(env.wallet(), signature, salt, U256::from(expiry))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    assert_eq!(directory.avsOperatorStatus(avs, env.wallet()).call().await.expect("view"), 1);
}

#[tokio::test]
async fn a_signature_for_one_wallet_never_validates_on_another_with_the_same_signers() {
    let mut env = Env::with_wallet().await;
    let (hash, signature) = avs_signature(&env, "avs.json", B256::repeat_byte(1), expiry(), &[ALICE, BOB]);
    let signers = format!("{},{},{}", addr(ALICE), addr(BOB), addr(CAROL));
    let twin = env.ok(
        &[
            "deploy",
            "--signers",
            &signers,
            "--threshold",
            "2",
            "--salt",
            "0x0000000000000000000000000000000000000000000000000000000000000001",
        ],
        Some(DEPLOYER),
    );
    let original = env.wallet;
    env.wallet = Some(twin.trim().parse().expect("address"));
    let err = env.run(&["check-signature", "--hash", &hash.to_string(), "--signature", &signature.to_string()], None);
    assert_eq!(err.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&err.stdout).starts_with("invalid"));
    env.wallet = original;
    assert_eq!(
        env.ok(&["check-signature", "--hash", &hash.to_string(), "--signature", &signature.to_string()], None).trim(),
        "valid"
    );
}

#[tokio::test]
async fn rotation_with_proof_of_possession_kills_old_signatures() {
    let env = Env::with_wallet().await;
    let (hash, old) = avs_signature(&env, "avs.json", B256::repeat_byte(2), expiry(), &[ALICE, CAROL]);
    let proof = env.ok(&["accept-signer"], Some(DAVE));
    let p = env.propose(
        "rotate.json",
        &[
            "replace-signer",
            "--old",
            &addr(CAROL).to_string(),
            "--new",
            &addr(DAVE).to_string(),
            "--proof",
            proof.trim(),
        ],
    );
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    let out = env.execute(&p);
    // The epoch moves by an amount nobody knew before this block (issue 15): it is the wallet's new epoch.
    let epoch = OperatorWallet::new(env.wallet(), env.fork.provider()).epoch().call().await.expect("view");
    assert!(epoch > 1, "the epoch moved by more than one: {epoch}");
    assert!(out.contains(&format!("EpochChanged({epoch})")), "{out}");

    let w = OperatorWallet::new(env.wallet(), env.fork.provider());
    let signers = w.getSigners().call().await.expect("view");
    assert!(signers.contains(&addr(DAVE)) && !signers.contains(&addr(CAROL)));
    // The pre-rotation signature (carol's among it) is dead on-chain.
    assert_eq!(w.isValidSignature(hash, old.clone()).call().await.expect("view").0, [0xff; 4]);
    // The removed signer cannot add a signature; dave can.
    let fresh = env.propose("after.json", &["bump-epoch"]);
    let err = env.fails(&["sign", fresh.to_str().expect("utf-8"), "--yes"], Some(CAROL));
    assert!(err.contains("is not a signer of"), "{err}");
    env.sign(&fresh, DAVE);
}

#[tokio::test]
async fn executing_a_stale_proposal_explains_the_epoch_change() {
    let env = Env::with_wallet().await;
    let stale = env.propose("stale.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&stale, ALICE);
    env.sign(&stale, BOB);
    let bump = env.propose("bump.json", &["bump-epoch"]);
    env.sign(&bump, ALICE);
    env.sign(&bump, BOB);
    env.execute(&bump);
    let err = env.fails(&["execute", stale.to_str().expect("utf-8")], Some(DEPLOYER));
    assert!(err.contains("the wallet's signers changed since this proposal was made (epoch 0 → "), "{err}");
    assert!(err.contains("nonce 0 was used by another proposal (digest "), "{err}");
    assert!(err.contains(") in transaction 0x"), "{err}");
}

#[tokio::test]
async fn below_threshold_nothing_is_sent() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&p, ALICE);
    let before = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");
    let err = env.fails(&["execute", p.to_str().expect("utf-8")], Some(DEPLOYER));
    assert!(err.contains("1 of 2 required signatures: 1 more from"), "{err}");
    assert_eq!(env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), before);
}

#[tokio::test]
async fn signing_twice_is_idempotent_and_a_tampered_file_is_refused() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&p, ALICE);
    let once = std::fs::read(&p).expect("read");
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("had already signed: the file is unchanged"));
    assert_eq!(std::fs::read(&p).expect("read"), once);

    // Change the metadata URI in the calldata: the file no longer hashes to its digest.
    let text = String::from_utf8(once.clone()).expect("utf-8");
    let tampered = text.replacen("\"data\": \"0x", "\"data\": \"0x00", 1);
    assert_ne!(tampered, text);
    std::fs::write(&p, &tampered).expect("write");
    let err = env.fails(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(BOB));
    assert!(err.contains("the proposal file was modified after it was made"), "{err}");
    assert_eq!(std::fs::read_to_string(&p).expect("read"), tampered, "a refused file is left as it was");
}

#[tokio::test]
async fn rotation_that_would_leave_the_threshold_unreachable_is_refused_before_signing() {
    let env = Env::with_wallet().await;
    let err = env.fails(
        &[
            "propose",
            "remove-signer",
            "--signer",
            &addr(CAROL).to_string(),
            "--threshold",
            "3",
            "-o",
            env.path("x.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(err.contains("threshold 3 would be unreachable with 2 signers after this change: choose 1..=2"), "{err}");
    assert!(!env.path("x.json").exists());
}

#[tokio::test]
async fn expired_deadline_is_refused() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u", "--valid-for", "0"]);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    // Anvil's clock moves with blocks; the CLI checks against wall time first.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let err = env.fails(&["execute", p.to_str().expect("utf-8")], Some(DEPLOYER));
    assert!(err.contains("has passed: make a new proposal"), "{err}");
}

/// Registers the env's wallet as an operator (alice + bob sign).
fn register(env: &Env) {
    let p = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
}

fn run_proposal(env: &Env, file: &str, action: &[&str]) -> String {
    let p = env.propose(file, action);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p)
}

#[tokio::test]
async fn operator_details_metadata_and_operator_set_deregistration() {
    let env = Env::with_wallet().await;
    register(&env);
    let out = run_proposal(&env, "uri.json", &["update-metadata-uri", "--metadata-uri", "https://new.example/m.json"]);
    assert!(
        out.contains(&format!("OperatorMetadataURIUpdated({}, \"https://new.example/m.json\")", env.wallet())),
        "{out}"
    );

    let approver = addr(7);
    run_proposal(&env, "approver.json", &["set-delegation-approver", "--approver", &approver.to_string()]);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert_eq!(dm.delegationApprover(env.wallet()).call().await.expect("view"), approver);

    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs");
    run_proposal(&env, "in.json", &["register-operator-sets", "--avs", &avs.to_string(), "--ids", "0"]);
    let am = IAllocationManager::new(env.fork.addresses.allocation_manager, env.fork.provider());
    assert!(am.isMemberOfOperatorSet(env.wallet(), OperatorSet { avs, id: 0 }).call().await.expect("view"));
    run_proposal(&env, "out.json", &["deregister-operator-sets", "--avs", &avs.to_string(), "--ids", "0"]);
    assert!(!am.isMemberOfOperatorSet(env.wallet(), OperatorSet { avs, id: 0 }).call().await.expect("view"));
}

#[tokio::test]
async fn permission_controller_admins_and_appointees() {
    use opwallet_bindings::eigenlayer::IPermissionController;
    let env = Env::with_wallet().await;
    register(&env);
    let pc = IPermissionController::new(env.fork.addresses.permission_controller, env.fork.provider());
    let w = env.wallet();
    // The wallet itself first (FACTS.md trap), then an operations EOA.
    run_proposal(&env, "self.json", &["add-pending-admin", "--admin", &w.to_string()]);
    run_proposal(&env, "accept.json", &["accept-admin"]);
    assert!(pc.isAdmin(w, w).call().await.expect("view"));
    let ops = addr(8);
    run_proposal(&env, "ops.json", &["add-pending-admin", "--admin", &ops.to_string()]);
    assert_eq!(pc.getPendingAdmins(w).call().await.expect("view"), vec![ops]);
    let as_ops =
        IPermissionController::new(env.fork.addresses.permission_controller, env.fork.provider_with(dev_signer(8)));
    assert!(as_ops.acceptAdmin(w).send().await.expect("send").get_receipt().await.expect("receipt").status());
    assert!(pc.isAdmin(w, ops).call().await.expect("view"));
    run_proposal(&env, "rm.json", &["remove-admin", "--admin", &ops.to_string()]);
    assert!(!pc.isAdmin(w, ops).call().await.expect("view"));

    // An appointee may update the metadata URI for the wallet, and only that.
    let appointee = addr(9);
    let dm = env.fork.addresses.delegation_manager;
    let sig = "updateOperatorMetadataURI(address,string)";
    run_proposal(
        &env,
        "appoint.json",
        &["set-appointee", "--appointee", &appointee.to_string(), "--target", &dm.to_string(), "--selector", sig],
    );
    let selector = alloy::primitives::FixedBytes::<4>::from_slice(&alloy::primitives::keccak256(sig)[..4]);
    assert!(pc.canCall(w, appointee, dm, selector).call().await.expect("view"));
    let as_appointee = IDelegationManager::new(dm, env.fork.provider_with(dev_signer(9)));
    assert!(
        as_appointee
            .updateOperatorMetadataURI(w, "by-appointee".into())
            .send()
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt")
            .status()
    );
    run_proposal(
        &env,
        "unappoint.json",
        &["remove-appointee", "--appointee", &appointee.to_string(), "--target", &dm.to_string(), "--selector", sig],
    );
    assert!(!pc.canCall(w, appointee, dm, selector).call().await.expect("view"));
}

#[tokio::test]
async fn erc1271_delegation_approval_lets_a_staker_delegate() {
    use opwallet_bindings::eigenlayer::SignatureWithExpiry;
    let env = Env::with_wallet().await;
    // An EOA operator whose delegation approver is the wallet.
    let operator = dev_signer(5);
    let dm_as =
        |i: u32| IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider_with(dev_signer(i)));
    assert!(
        dm_as(5)
            .registerAsOperator(env.wallet(), 0, "op".into())
            .send()
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt")
            .status()
    );

    let staker = addr(6);
    let (salt, expiry) = (B256::repeat_byte(9), expiry());
    let p = env.propose(
        "approval.json",
        &[
            "delegation-approval",
            "--staker",
            &staker.to_string(),
            "--operator",
            &operator.address().to_string(),
            "--salt",
            &salt.to_string(),
            "--expiry",
            &expiry.to_string(),
        ],
    );
    env.sign(&p, BOB);
    env.sign(&p, CAROL);
    let out: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "signature", p.to_str().expect("utf-8")], None)).expect("json");
    let signature: Bytes = out["signature"].as_str().expect("sig").parse().expect("bytes");

    let approval = SignatureWithExpiry { signature: signature.clone(), expiry: U256::from(expiry) };
    let receipt = dm_as(6)
        .delegateTo(operator.address(), approval, salt)
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert_eq!(dm.delegatedTo(staker).call().await.expect("view"), operator.address());

    // Without the wallet's approval another staker cannot delegate.
    let refused = dm_as(7)
        .delegateTo(operator.address(), SignatureWithExpiry { signature, expiry: U256::from(expiry) }, salt)
        .call()
        .await;
    assert!(refused.is_err());

    // As the operator's delegation approver, the wallet may force the staker out again.
    let out = env.run(
        &[
            "propose",
            "undelegate",
            "--staker",
            &staker.to_string(),
            "-o",
            env.path("out.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let notice = String::from_utf8_lossy(&out.stderr);
    assert!(notice.contains(&format!("as the delegation approver of its operator {}", operator.address())), "{notice}");
    let p = env.path("out.json");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    assert_eq!(dm.delegatedTo(staker).call().await.expect("view"), Address::ZERO);
}

#[tokio::test]
async fn nested_opwallet_signs_through_its_own_proposal_flow() {
    let env = Env::with_wallet().await; // inner: 2-of-3 alice, bob, carol
    let inner = env.wallet().to_string();
    let outer =
        env.ok(&["deploy", "--signers", &format!("{inner},{}", addr(DAVE)), "--threshold", "2"], Some(DEPLOYER));
    let outer = outer.trim().to_owned();

    // Outer proposal; dave signs with his key.
    let p = env.path("outer.json");
    let ps = p.to_str().expect("utf-8");
    env.ok(&["--wallet", &outer, "propose", "register-operator", "--metadata-uri", "nested", "-o", ps], None);
    env.ok(&["--wallet", &outer, "sign", ps, "--yes"], Some(DAVE));
    let digest = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&p).expect("read")).expect("json")
        ["digest"]
        .as_str()
        .expect("digest")
        .to_owned();

    // The inner wallet signs the outer digest through its own proposal flow.
    let inner_p = env.propose("inner.json", &["sign-hash", "--hash", &digest]);
    let inner_ps = inner_p.to_str().expect("utf-8");
    // A raw hash is refused unless the signer says they know what it is.
    let refused = env.fails(&["sign", inner_ps, "--yes"], Some(ALICE));
    assert!(refused.contains("a raw hash, whose meaning opwallet cannot verify"), "{refused}");
    env.ok(&["sign", inner_ps, "--yes", "--unverified-hash"], Some(ALICE));
    env.ok(&["sign", inner_ps, "--yes", "--unverified-hash"], Some(BOB));
    let inner_sig = env.ok(&["signature", inner_p.to_str().expect("utf-8")], None);

    // A wrong contract signature is refused by the inner wallet itself and changes nothing.
    let before = std::fs::read(&p).expect("read");
    let err =
        env.fails(&["--wallet", &outer, "sign", ps, "--contract-signer", &inner, "--contract-signature", "0x00"], None);
    assert!(err.contains("does not accept this signature for digest"), "{err}");
    assert_eq!(std::fs::read(&p).expect("read"), before);

    env.ok(
        &["--wallet", &outer, "sign", ps, "--contract-signer", &inner, "--contract-signature", inner_sig.trim()],
        None,
    );
    let out = env.ok(&["--wallet", &outer, "execute", ps], Some(DEPLOYER));
    let outer: Address = outer.parse().expect("address");
    assert!(out.contains(&format!("OperatorRegistered({outer})")), "{out}");
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(outer).call().await.expect("view"));
}

#[tokio::test]
async fn safe_1_5_0_is_a_contract_signer() {
    use opwallet_devnet::safe::{ICompatibilityFallbackHandler, ISafe, SafeStack};
    let mut env = Env::new().await;
    let deployer = env.fork.provider_with(dev_signer(0));
    let stack = SafeStack::deploy(&deployer).await.expect("Safe 1.5.0 deploys from npm artifacts");
    // A 1-of-1 Safe owned by account 6, with the compatibility handler that answers ERC-1271.
    let owner = dev_signer(6);
    let (safe, receipt) = stack.create_safe(&deployer, vec![owner.address()], 1, 1).await.expect("create Safe");
    assert!(receipt.status());
    assert_eq!(ISafe::new(safe, env.fork.provider()).getOwners().call().await.expect("view"), vec![owner.address()]);
    let handler = stack.handler;

    // An opwallet whose signers are the Safe and alice, 2-of-2.
    let wallet =
        env.ok(&["deploy", "--signers", &format!("{safe},{}", addr(ALICE)), "--threshold", "2"], Some(DEPLOYER));
    env.wallet = Some(wallet.trim().parse().expect("address"));
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "safe-signed"]);
    env.sign(&p, ALICE);
    let digest: B256 = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&p).expect("read"))
        .expect("json")["digest"]
        .as_str()
        .expect("digest")
        .parse()
        .expect("b256");

    // The Safe owner signs Safe's SafeMessage hash of the digest, as Safe's own tooling does.
    let safe_hash = ICompatibilityFallbackHandler::new(handler, env.fork.provider())
        .getMessageHashForSafe(safe, digest.to_vec().into())
        .call()
        .await
        .expect("view");
    let safe_signature = alloy::signers::SignerSync::sign_hash_sync(&owner, &safe_hash).expect("sign");
    let sig_file = env.path("safe.sig");
    std::fs::write(&sig_file, Bytes::from(safe_signature.as_bytes().to_vec()).to_string()).expect("write");

    env.ok(
        &[
            "sign",
            p.to_str().expect("utf-8"),
            "--contract-signer",
            &safe.to_string(),
            "--contract-signature",
            &format!("@{}", sig_file.display()),
        ],
        None,
    );
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
}

#[tokio::test]
async fn redistribution_guard_refuses_a_redistributing_set_and_shows_the_recipient() {
    use opwallet_devnet::{REDISTRIBUTION_RECIPIENT_INDEX, SLASHER_INDEX};
    let env = Env::with_wallet().await;
    register(&env);
    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs");
    // The devnet's OperatorSetAVS created set 2 with EigenLayer's createRedistributingOperatorSets: its slashed
    // stake goes to a fixed recipient, and a separate slasher may slash it.
    let recipient = dev_signer(REDISTRIBUTION_RECIPIENT_INDEX).address();
    let slasher = dev_signer(SLASHER_INDEX).address();
    let out_file = env.path("r.json");
    let args = |ids: &str, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "propose",
            "register-operator-sets",
            "--avs",
            &avs.to_string(),
            "--ids",
            ids,
            "-o",
            out_file.to_str().expect("utf-8"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let shown = format!("{avs}:2 (slashed stake goes to {recipient}; slasher {slasher})");
    let refused = env.fails(&args("0,2", &[]).iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(
        refused.trim(),
        format!(
            "error: operator set(s) {shown} redistribute slashed stake: a compromised key could use this to steal \
             stake. Pass --allow-redistributing only if that is intended"
        )
    );
    assert!(!out_file.exists(), "nothing may be written when refused");
    // A normal set passes, and says so.
    let normal = env.run(&args("0", &[]).iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert!(normal.status.success(), "{}", String::from_utf8_lossy(&normal.stderr));
    assert!(
        String::from_utf8_lossy(&normal.stderr).contains("none of these sets redistributes slashed stake"),
        "{}",
        String::from_utf8_lossy(&normal.stderr)
    );
    std::fs::remove_file(&out_file).expect("remove");

    let allowed =
        env.run(&args("0,2", &["--allow-redistributing"]).iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
    assert!(
        String::from_utf8_lossy(&allowed.stderr).contains(&format!("WARNING: redistributing operator set(s) {shown}"))
    );
    // Signing re-checks the chain: refused without the flag, even though the proposer allowed it.
    let refused = env.fails(&["sign", out_file.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(
        refused.contains("this batch touches operator set(s)") && refused.contains("nothing was signed"),
        "{refused}"
    );
    // Every signer who allows it sees the recipient and the slasher on the signing screen.
    for key in [ALICE, BOB] {
        let sign = env.run(&["sign", out_file.to_str().expect("utf-8"), "--yes", "--allow-redistributing"], Some(key));
        assert!(sign.status.success(), "{}", String::from_utf8_lossy(&sign.stderr));
        let screen = String::from_utf8_lossy(&sign.stderr);
        assert!(screen.contains(&format!("REDISTRIBUTES  operator set {shown}")), "{screen}");
    }
    // Executing needs the flag too; then the wallet is a member of the redistributing set.
    let refused = env.fails(&["execute", out_file.to_str().expect("utf-8")], Some(DEPLOYER));
    assert!(refused.contains("nothing was sent"), "{refused}");
    env.ok(&["execute", out_file.to_str().expect("utf-8"), "--allow-redistributing"], Some(DEPLOYER));
    let am = IAllocationManager::new(env.fork.addresses.allocation_manager, env.fork.provider());
    assert!(am.isMemberOfOperatorSet(env.wallet(), OperatorSet { avs, id: 2 }).call().await.expect("view"));
}

#[tokio::test]
async fn rotate_replaces_two_signers_atomically() {
    let env = Env::with_wallet().await;
    let (p4, p5) = (env.ok(&["accept-signer"], Some(DAVE)), env.ok(&["accept-signer"], Some(5)));
    let remove = format!("{},{}", addr(BOB), addr(CAROL));
    let add = format!("{},{}", addr(DAVE), addr(5));
    let proofs = format!("{},{}", p4.trim(), p5.trim());
    // Unreachable threshold refused before anything is written.
    let err = env.fails(
        &[
            "propose",
            "rotate",
            "--remove",
            &remove,
            "--add",
            &add,
            "--proofs",
            &proofs,
            "--threshold",
            "4",
            "-o",
            env.path("x.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(err.contains("threshold 4 would be unreachable with 3 signers after this change"), "{err}");
    let p = env.propose(
        "rotate.json",
        &["rotate", "--remove", &remove, "--add", &add, "--proofs", &proofs, "--threshold", "3"],
    );
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    let w = OperatorWallet::new(env.wallet(), env.fork.provider());
    let mut signers = w.getSigners().call().await.expect("view");
    signers.sort();
    let mut expected = vec![addr(ALICE), addr(DAVE), addr(5)];
    expected.sort();
    assert_eq!(signers, expected);
    assert_eq!(w.threshold().call().await.expect("view"), U256::from(3));
}

#[tokio::test]
async fn a_proposal_for_another_chain_is_refused_before_signing_or_sending() {
    use opwallet_devnet::Fork;
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    // The same state (wallet included) under chain id 1.
    let other = Fork::of_url_with_args(env.fork.rpc_url().as_str(), env.fork.addresses.clone(), &["--chain-id", "1"])
        .await
        .expect("fork");
    let other_rpc = other.rpc_url().to_string();
    let run = |args: &[&str], key: Option<u32>| env.run_with(args, key, &[("ETH_RPC_URL", other_rpc.as_str())]);
    let sign = run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(CAROL));
    assert_eq!(sign.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&sign.stderr).trim(),
        "error: the proposal is for chain 31337 but the RPC is chain 1"
    );
    let exec = run(&["execute", p.to_str().expect("utf-8")], Some(DEPLOYER));
    assert_eq!(exec.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&exec.stderr).contains("  - the proposal is for chain 31337 but the RPC is chain 1")
    );
    assert_eq!(
        other.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"),
        env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce")
    );
}

#[tokio::test]
async fn unknown_wallet_code_is_refused_unless_overridden_loudly() {
    use alloy::providers::ext::AnvilApi;
    let env = Env::with_wallet().await;
    let check = opwallet_core::wallet::check_code(&env.fork.provider(), env.wallet()).await.expect("check");
    assert!(check.known);
    // Same behaviour, different bytes: append one byte to the implementation's runtime code.
    let mut code = env.fork.provider().get_code_at(check.implementation).await.expect("code").to_vec();
    code.push(0);
    env.fork.provider().anvil_set_code(check.implementation, code.into()).await.expect("setCode");

    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    let before = std::fs::read(&p).expect("read");
    let err = env.fails(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert_eq!(
        err.trim(),
        format!(
            "error: refusing to sign for {}: its implementation {} runs code opwallet does not know",
            env.wallet(),
            check.implementation
        )
    );
    assert_eq!(std::fs::read(&p).expect("read"), before);
    let out = env
        .run(&["sign", p.to_str().expect("utf-8"), "--yes", "--i-understand-the-wallet-code-is-unknown"], Some(ALICE));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("!!!!!!!! WARNING: signing although its implementation"));
}

#[tokio::test]
async fn verbose_names_the_rpc_book_and_wallet() {
    let env = Env::with_wallet().await;
    let out = env.run(&["-v", "info"], None);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!("rpc {}\naddress book {}\nwallet {}", env.fork.rpc_url(), env.book.display(), env.wallet())
    );
}

/// `sign` without `--yes` in a terminal shows the screen and asks; only "y" signs. Run under `script` for a pty.
#[tokio::test]
async fn interactive_confirmation_signs_only_on_yes() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    let before = std::fs::read(&p).expect("read");
    let in_terminal = |answer: &str| {
        let command = format!(
            "{} sign {} --mnemonic-file {} --mnemonic-index {ALICE}",
            crate::harness::BIN,
            p.display(),
            env.mnemonic.display()
        );
        let mut child = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("ETH_RPC_URL", env.fork.rpc_url().as_str())
            .env("OPWALLET_ADDRESSES", &env.book)
            .env("OPWALLET_WALLET", env.wallet().to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("script (util-linux) runs");
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(format!("{answer}\n").as_bytes()).expect("answer");
        child.wait_with_output().expect("wait")
    };
    let no = in_terminal("n");
    let screen = String::from_utf8_lossy(&no.stdout);
    assert!(!no.status.success());
    assert!(
        screen.contains("DelegationManager.registerAsOperator")
            && screen.contains("sign? [y/N]")
            && screen.contains("not signed"),
        "{screen}"
    );
    assert_eq!(std::fs::read(&p).expect("read"), before, "declining leaves the file unchanged");
    let yes = in_terminal("y");
    assert!(yes.status.success(), "{}", String::from_utf8_lossy(&yes.stdout));
    assert!(String::from_utf8_lossy(&yes.stdout).contains(&format!("{} signed (1 signature(s))", addr(ALICE))));
}

#[tokio::test]
async fn removing_a_key_warns_that_the_first_configuration_stays_deployable_elsewhere() {
    let env = Env::with_wallet().await;
    let out = env.run(
        &[
            "propose",
            "remove-signer",
            "--signer",
            &addr(CAROL).to_string(),
            "--threshold",
            "2",
            "-o",
            env.path("remove.json").to_str().expect("utf-8"),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("the wallet's address commits to its first configuration, not to a chain"), "{stderr}");
    assert!(stderr.contains("Deploy the wallet on every chain you will use before removing a key"), "{stderr}");
}

#[tokio::test]
async fn a_proposal_carries_a_signed_gas_floor_from_its_simulation() {
    let env = Env::with_wallet().await;
    let p = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
    let min_gas = file["body"]["minGas"].as_u64().expect("minGas in the body");
    assert!(min_gas >= 100_000, "{min_gas}");
    // alloy writes the typed data's integers as hex strings.
    let typed: alloy::primitives::U256 =
        file["typedData"]["message"]["minGas"].as_str().expect("minGas in the typed data").parse().expect("a number");
    assert_eq!(typed, alloy::primitives::U256::from(min_gas));
    // The signing screen says it.
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("min gas    {min_gas} ")), "{stderr}");
    // A file whose floor was edited no longer matches its digest.
    let mut doctored = file.clone();
    doctored["body"]["minGas"] = serde_json::json!(1);
    std::fs::write(&p, serde_json::to_string_pretty(&doctored).expect("json")).expect("write");
    let err = env.fails(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(BOB));
    assert!(err.contains("structHash in the file is"), "{err}");
}

#[tokio::test]
async fn nothing_is_signed_for_an_epoch_the_wallet_is_not_at() {
    use opwallet_core::proposal::{Body, Proposal};
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    let real = Proposal::load(&p).expect("load");
    let Body::Execute { nonce, deadline, min_gas, calls } = real.body.clone() else { panic!("execute") };
    // A well-formed file (every hash recomputed) for the next epoch, as a doctored proposal would be.
    let ahead = Proposal::execute(real.chain_id, real.wallet, real.epoch + 1, nonce, deadline, min_gas, calls);
    let file = env.path("ahead.json");
    ahead.save(&file).expect("save");
    let err = env.fails(&["sign", file.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(err.contains("refusing to sign for an epoch the wallet is not at"), "{err}");
    // And one made before the last epoch change.
    let bump = env.propose("bump.json", &["bump-epoch"]);
    env.sign(&bump, ALICE);
    env.sign(&bump, BOB);
    env.execute(&bump);
    let err = env.fails(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(err.contains("the wallet's signers changed since this proposal was made"), "{err}");
}

/// Issue 14 part 5: a registration the wallet sends itself (an AVS's coordinator forwarding the operator's signature
/// to the AVSDirectory) in one signing round: the batch approves EigenLayer's digest for its own execution and calls
/// the AVS with an empty signature. The screen names what the approved hash is; afterwards the wallet vouches for
/// nothing.
#[tokio::test]
async fn one_signing_round_registers_with_an_avs_the_wallet_calls_itself() {
    let env = Env::with_wallet().await;
    let register = env.propose("r.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let avs = env.fork.addresses.extra(LEGACY_AVS).expect("avs");
    let (salt, expiry) = (B256::repeat_byte(0x5e), expiry());
    let (salt_s, expiry_s, avs_s) = (salt.to_string(), expiry.to_string(), avs.to_string());
    let p = env.propose(
        "send.json",
        &[
            "avs-registration",
            "--avs",
            &avs_s,
            "--salt",
            &salt_s,
            "--expiry",
            &expiry_s,
            "--send-to",
            &avs_s,
            "--send-sig",
            "register(bytes signature, bytes32 salt, uint256 expiry)",
            "0x",
            &salt_s,
            &expiry_s,
        ],
    );
    let directory = IAVSDirectory::new(env.fork.addresses.avs_directory, env.fork.provider());
    let digest = directory
        .calculateOperatorAVSRegistrationDigestHash(env.wallet(), avs, salt, U256::from(expiry))
        .call()
        .await
        .expect("view");
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let screen = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{screen}");
    let wallet = env.wallet();
    assert!(
        screen.contains(&format!(
            "→ vouch (ERC-1271) only while this batch runs for: {wallet} (this wallet) registers with AVS {avs} (LegacyAVS) (AVSDirectory)"
        )),
        "{screen}"
    );
    assert!(screen.contains(&format!("hash = {digest}")), "{screen}");
    assert!(screen.contains("HashApprovedForExecution"), "the simulation shows the approval: {screen}");
    env.sign(&p, BOB);
    env.execute(&p);
    assert_eq!(directory.avsOperatorStatus(avs, wallet).call().await.expect("view"), 1, "registered");
    // Outside its execution the wallet vouches for nothing.
    let answer = opwallet_bindings::OperatorWallet::new(wallet, env.fork.provider())
        .isValidSignature(digest, Bytes::new())
        .call()
        .await
        .expect("view");
    assert_eq!(answer.0, [0xff; 4]);
}

/// A file whose approved hash does not match the preimage it gives, or that gives none, is not signed.
#[tokio::test]
async fn a_vouched_hash_the_file_misdescribes_or_does_not_describe_is_not_signed() {
    let env = Env::with_wallet().await;
    let avs = env.fork.addresses.extra(LEGACY_AVS).expect("avs").to_string();
    let salt = B256::repeat_byte(0x5f).to_string();
    let exp = expiry().to_string();
    let p = env.propose(
        "send.json",
        &[
            "avs-registration",
            "--avs",
            &avs,
            "--salt",
            &salt,
            "--expiry",
            &exp,
            "--send-to",
            &avs,
            "--send-sig",
            "register(bytes,bytes32,uint256)",
            "0x",
            &salt,
            &exp,
            "--force",
        ],
    );
    let original: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
    let sign = |v: &serde_json::Value, name: &str| {
        let f = env.path(name);
        std::fs::write(&f, serde_json::to_string_pretty(v).expect("json")).expect("write");
        let out = env.run(&["sign", f.to_str().expect("utf-8"), "--yes", "--force"], Some(ALICE));
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).trim_end().to_owned()
    };
    // The preimage names another salt: it no longer hashes to the approved hash.
    let mut lying = original.clone();
    lying["body"]["calls"][0]["preimage"]["salt"] = serde_json::json!(B256::repeat_byte(1).to_string());
    let err = sign(&lying, "lying.json");
    assert!(
        err.contains("call 0 approves") && err.contains("but the preimage the file gives for it hashes to"),
        "{err}"
    );
    // No preimage: a raw hash, refused without --unverified-hash.
    let mut bare = original.clone();
    bare["body"]["calls"][0].as_object_mut().expect("call").remove("preimage");
    let err = sign(&bare, "bare.json");
    assert!(
        err.contains("call 0 has the wallet vouch for a hash") && err.contains("pass --unverified-hash only if"),
        "{err}"
    );
}

/// A gas floor no transaction can honour is refused at signing (the batch could never run); no floor at all is said.
#[tokio::test]
async fn a_gas_floor_beyond_one_transaction_is_refused_and_none_is_said() {
    use opwallet_core::proposal::{Proposal, ProposedCall};
    let env = Env::with_wallet().await;
    let call = || vec![ProposedCall::new(addr(CAROL), Vec::new())];
    let deadline = expiry();
    let write = |name: &str, p: &Proposal| {
        let f = env.path(name);
        std::fs::write(&f, serde_json::to_string_pretty(p).expect("json")).expect("write");
        f
    };
    let huge = write("huge.json", &Proposal::execute(31337, env.wallet(), 0, 0, deadline, 20_000_000, call()));
    let out = env.run(&["sign", huge.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: not signed: its gas floor 20000000 is more than a transaction can offer its calls"),
        "{stderr}"
    );
    // Approving it on chain is refused the same way, before anything is sent.
    let out = env.run(&["approve", huge.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: not approved: its gas floor 20000000"), "{stderr}");
    let none = write("none.json", &Proposal::execute(31337, env.wallet(), 0, 0, deadline, 0, call()));
    let out = env.run(&["sign", none.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("it has no gas floor (minGas 0): whoever submits it chooses"), "{stderr}");
}
