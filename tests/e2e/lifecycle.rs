//! The operator's recurring work (issue 13) on EigenLayer 1.13.0: rewards claimed through real distribution roots,
//! the claimer, commission splits, AVS keys in the KeyRegistrar, allocations over several sets, force-undelegation,
//! transfers, and the operator dashboard. Every refusal leaves no file behind.

use std::path::Path;

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::{Provider, ext::AnvilApi},
    sol_types::SolValue,
};
use opwallet_bindings::eigenlayer::{
    EarnerTreeMerkleLeaf, IDelegationManager, IERC20Metadata, IKeyRegistrar, IRewardsCoordinator, OperatorSet,
    TokenTreeMerkleLeaf,
};
use opwallet_core::rewards::{self, ProofFile};
use opwallet_devnet::{
    OPERATOR_SET_AVS, REWARD_TOKEN, STAKE_STRATEGY, STAKER_INDEX,
    contracts::{DevnetToken, SignatureWithExpiry},
    dev_signer, params,
};
use serde_json::{Value, json};

use crate::harness::{ALICE, BOB, DEPLOYER, Env, addr};

const TREASURY: u32 = 5;

/// Proposes, has alice and bob sign, executes; returns execute's output.
fn run(env: &Env, file: &str, action: &[&str]) -> String {
    let p = env.propose(file, action);
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p)
}

/// Expects `propose …` to be refused with `why` in its error, and no file.
fn refused(env: &Env, action: &[&str], why: &str) {
    let out = env.path("refused.json");
    let mut args = vec!["propose"];
    args.extend_from_slice(action);
    args.extend_from_slice(&["-o", out.to_str().expect("utf-8")]);
    let err = env.fails(&args, None);
    assert!(err.contains(why), "expected `{why}` in: {err}");
    assert!(!out.exists(), "a refused proposal wrote a file");
}

async fn registered() -> Env {
    let env = Env::with_wallet().await;
    run(&env, "register.json", &["register-operator", "--metadata-uri", "u", "--allocation-delay", "0"]);
    env
}

fn write_claim(path: &Path, claim: &opwallet_bindings::eigenlayer::RewardsMerkleClaim) {
    std::fs::write(path, serde_json::to_string_pretty(&ProofFile::from(claim)).expect("json")).expect("write");
}

async fn balance(env: &Env, token: Address, who: Address) -> U256 {
    IERC20Metadata::new(token, env.fork.provider()).balanceOf(who).call().await.expect("balance")
}

#[tokio::test]
async fn rewards_are_claimed_to_a_treasury_through_real_roots() {
    let env = registered().await;
    let book = &env.fork.addresses;
    let token = book.extra(REWARD_TOKEN).expect("token");
    let rc = IRewardsCoordinator::new(book.rewards_coordinator.expect("rc"), env.fork.provider());
    let url = env.fork.rpc_url().to_string();

    // A first root: the wallet has earned 20 DRT (6 decimals) in all, and someone else 5.
    let other = Address::repeat_byte(0x0e);
    let mut d = opwallet_devnet::rewards::distribution(&[env.wallet(), other], token, U256::from(20_000_000u64));
    d.earners.iter_mut().find(|(e, _)| *e == other).expect("other").1[0].1 = U256::from(5_000_000u64);
    let index = opwallet_devnet::rewards::publish(&url, book, &d).await.expect("publish");
    // opwallet's leaf hashing is EigenLayer's.
    let claim = d.claim(index, env.wallet()).expect("claim");
    let leaf = EarnerTreeMerkleLeaf { earner: env.wallet(), earnerTokenRoot: claim.earnerLeaf.earnerTokenRoot };
    assert_eq!(rc.calculateEarnerLeafHash(leaf.clone()).call().await.expect("view"), rewards::earner_leaf_hash(&leaf));
    let tl = TokenTreeMerkleLeaf { token, cumulativeEarnings: U256::from(20_000_000u64) };
    assert_eq!(rc.calculateTokenLeafHash(tl.clone()).call().await.expect("view"), rewards::token_leaf_hash(&tl));
    assert!(rc.checkClaim(claim.clone()).call().await.expect("EigenLayer accepts the claim opwallet built"));

    let proof = env.path("proof.json");
    write_claim(&proof, &claim);
    let ps = proof.to_str().expect("utf-8");
    let shown: Value =
        serde_json::from_str(&env.ok(&["--json", "rewards", "show", "--proof", ps], None)).expect("json");
    assert_eq!(shown["tokens"][0]["claimableNow"], "20000000", "{shown}");

    // Refused before anyone signs: a tampered proof, someone else's proof.
    let tampered = env.path("tampered.json");
    let mut forged = claim.clone();
    forged.tokenLeaves[0].cumulativeEarnings = U256::from(999_000_000u64);
    write_claim(&tampered, &forged);
    let treasury = addr(TREASURY).to_string();
    refused(
        &env,
        &["claim-rewards", "--recipient", &treasury, "--proof", tampered.to_str().expect("utf-8")],
        "is not in the earner's token tree",
    );
    let theirs = env.path("theirs.json");
    write_claim(&theirs, &d.claim(index, other).expect("other"));
    refused(
        &env,
        &["claim-rewards", "--recipient", &treasury, "--proof", theirs.to_str().expect("utf-8")],
        &format!("the proof is for earner {other}"),
    );

    // The claim: 2 of 3 sign (the recipient on every screen), and the treasury receives exactly 20 DRT.
    let before = balance(&env, token, addr(TREASURY)).await;
    let p = env.propose("claim.json", &["claim-rewards", "--recipient", &treasury, "--proof", ps]);
    for key in [ALICE, BOB] {
        let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(key));
        let screen = String::from_utf8_lossy(&out.stderr);
        assert!(screen.contains(&format!("send them to {}", addr(TREASURY))), "{screen}");
        assert!(screen.contains(&format!("up to 20 DRT of token {token} (RewardToken) cumulative")), "{screen}");
    }
    env.execute(&p);
    assert_eq!(balance(&env, token, addr(TREASURY)).await - before, U256::from(20_000_000u64));

    // The same claim again: refused with the numbers.
    refused(
        &env,
        &["claim-rewards", "--recipient", &treasury, "--proof", ps],
        "everything in this proof was already claimed: nothing new in",
    );

    // A later root (cumulative 30): only the 10 not yet claimed is paid. Through a rewards sidecar this time.
    let d2 = opwallet_devnet::rewards::distribution(&[env.wallet()], token, U256::from(30_000_000u64));
    let index2 = opwallet_devnet::rewards::publish(&url, book, &d2).await.expect("publish");
    let sidecar = crate::doubles::rewards_sidecar(d2.clone(), index2);
    let out = env.run(
        &[
            "propose",
            "claim-rewards",
            "--recipient",
            &treasury,
            "--sidecar-url",
            &sidecar,
            "--tokens",
            &token.to_string(),
            "-o",
            env.path("claim2.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("claims 10 DRT (earned 30 DRT in all, 20 DRT claimed before)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p2 = env.path("claim2.json");
    env.sign(&p2, ALICE);
    env.sign(&p2, BOB);
    env.execute(&p2);
    assert_eq!(balance(&env, token, addr(TREASURY)).await - before, U256::from(30_000_000u64));
}

#[tokio::test]
async fn claimer_and_commission_splits() {
    let env = registered().await;
    let rc = IRewardsCoordinator::new(env.fork.addresses.rewards_coordinator.expect("rc"), env.fork.provider());
    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs");

    // Splits: shown before and after, applied after the activation delay; a second change while pending refused.
    let out = env.run(
        &[
            "propose",
            "set-split",
            "--avs",
            &avs.to_string(),
            "--bips",
            "2500",
            "-o",
            env.path("split.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let notice = String::from_utf8_lossy(&out.stderr);
    assert!(notice.contains("now 1000 bips (10 %); becomes 2500 bips (25 %)"), "{notice}");
    let p = env.path("split.json");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    refused(&env, &["set-split", "--avs", &avs.to_string(), "--bips", "3000"], "has a change still pending");
    env.fork
        .provider()
        .anvil_increase_time(u64::from(params::REWARDS_ACTIVATION_DELAY_SECONDS) + 1)
        .await
        .expect("warp");
    env.fork.provider().anvil_mine(Some(1), None).await.expect("mine");
    assert_eq!(rc.getOperatorAVSSplit(env.wallet(), avs).call().await.expect("view"), 2500);
    run(&env, "pi.json", &["set-split", "--pi", "--bips", "500"]);
    // The dashboard tells a pending change from an active one (no view does: it probes the contract).
    let pi = |env: &Env| {
        let status: Value = serde_json::from_str(&env.ok(&["--json", "operator"], None)).expect("json");
        status["piSplit"].clone()
    };
    assert_eq!(pi(&env), json!({"bips": 1000, "changePending": true}));
    assert!(env.ok(&["operator"], None).contains("PI split            1000 bips (10 %); a change to it is waiting"));
    env.fork
        .provider()
        .anvil_increase_time(u64::from(params::REWARDS_ACTIVATION_DELAY_SECONDS) + 1)
        .await
        .expect("warp");
    env.fork.provider().anvil_mine(Some(1), None).await.expect("mine");
    assert_eq!(pi(&env), json!({"bips": 500, "changePending": false}));
    run(&env, "set.json", &["set-split", "--operator-set", &format!("{avs}:0"), "--bips", "0"]);
    refused(&env, &["set-split", "--operator-set", &format!("{avs}:99"), "--bips", "1"], "is not an operator set");
    refused(&env, &["set-split", "--pi", "--bips", "10001"], "more than 10,000");

    // The claimer: a warning when proposed, then only the claimer may claim.
    let claimer = addr(6).to_string();
    let out = env.run(
        &["propose", "set-claimer", "--claimer", &claimer, "-o", env.path("claimer.json").to_str().expect("utf-8")],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("will be able to claim all of the wallet's rewards"));
    let p = env.path("claimer.json");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    assert_eq!(rc.claimerFor(env.wallet()).call().await.expect("view"), addr(6));
    let proof = env.path("p.json");
    let token = env.fork.addresses.extra(REWARD_TOKEN).expect("token");
    let d = opwallet_devnet::rewards::distribution(&[env.wallet()], token, U256::from(1));
    let index =
        opwallet_devnet::rewards::publish(env.fork.rpc_url().as_ref(), &env.fork.addresses, &d).await.expect("publish");
    write_claim(&proof, &d.claim(index, env.wallet()).expect("claim"));
    refused(
        &env,
        &["claim-rewards", "--recipient", &claimer, "--proof", proof.to_str().expect("utf-8")],
        "is the wallet's rewards claimer",
    );
}

#[tokio::test]
async fn avs_keys_register_in_the_key_registrar() {
    let env = registered().await;
    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs");
    let kr = IKeyRegistrar::new(env.fork.addresses.key_registrar.expect("kr"), env.fork.provider());
    let a = avs.to_string();

    // An ECDSA key (dev account 7, from any signer backend) for set 3.
    let p = env.path("ecdsa.json");
    env.ok(
        &["propose", "register-key", "--avs", &a, "--id", "3", "--ecdsa", "-o", p.to_str().expect("utf-8")],
        Some(7),
    );
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    assert_eq!(kr.getECDSAAddress(OperatorSet { avs, id: 3 }, env.wallet()).call().await.expect("view"), addr(7));
    // The dashboard shows the key, though the wallet is neither registered for the set nor allocated to it.
    let text = env.ok(&["operator"], None);
    assert!(
        text.contains(&format!("{avs} (OperatorSetAVS):3 (a key only: not registered, nothing allocated)")),
        "{text}"
    );
    assert!(text.contains(&format!("    key ECDSA {}", addr(7))), "{text}");
    // Keys are globally unique, and one per set.
    let again = env.run(
        &[
            "propose",
            "register-key",
            "--avs",
            &a,
            "--id",
            "3",
            "--ecdsa",
            "-o",
            env.path("x.json").to_str().expect("utf-8"),
        ],
        Some(7),
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already has a key for operator set"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let wrong_curve = env.run(
        &[
            "propose",
            "register-key",
            "--avs",
            &a,
            "--id",
            "4",
            "--ecdsa",
            "-o",
            env.path("x.json").to_str().expect("utf-8"),
        ],
        Some(8),
    );
    assert!(String::from_utf8_lossy(&wrong_curve.stderr).contains("takes BN254 keys, not ECDSA"));
    refused(
        &env,
        &["register-key", "--avs", &a, "--id", "0", "--bls-keystore", "/nonexistent"],
        "cannot read the BLS keystore from /nonexistent",
    );

    // A BN254 key from a BLS keystore for set 4: KeyRegistrar's pairing check accepts it.
    let keys = env.path("keys");
    let pw = env.path("pw");
    std::fs::write(&pw, "a strong bls password\n").expect("write");
    env.ok(
        &[
            "keys",
            "new",
            "--bls",
            "--name",
            "k",
            "--dir",
            keys.to_str().expect("utf-8"),
            "--password-file",
            pw.to_str().expect("utf-8"),
        ],
        None,
    );
    let keystore = keys.join("k.bls.key.json");
    let password = format!("file:{}", pw.display());
    run(
        &env,
        "bn254.json",
        &[
            "register-key",
            "--avs",
            &a,
            "--id",
            "4",
            "--bls-keystore",
            keystore.to_str().expect("utf-8"),
            "--bls-password",
            &password,
        ],
    );
    let set4 = OperatorSet { avs, id: 4 };
    assert!(kr.isRegistered(set4.clone(), env.wallet()).call().await.expect("view"));
    let key = opwallet_core::bls::read_keystore(&keystore, &opwallet_core::secrets::SecretSource::File(pw.clone()))
        .await
        .expect("key");
    assert_eq!(kr.getKeyHash(set4.clone(), env.wallet()).call().await.expect("view"), key.operator_id());

    // A forged BN254 signature is refused by KeyRegistrar itself (sent as another operator).
    let forger = addr(9);
    let (g1, g2) = (key.public_g1(), key.public_g2());
    let data: Bytes = (g1.X, g1.Y, g2.X, g2.Y).abi_encode_params().into();
    let forged: Bytes = (g1.X, g1.Y).abi_encode_params().into();
    let as_forger = env.fork.impersonate(forger).await.expect("impersonate");
    let sent = IKeyRegistrar::new(*kr.address(), &as_forger)
        .registerKey(forger, OperatorSet { avs, id: 4 }, data, forged)
        .from(forger)
        .call()
        .await;
    assert!(sent.is_err(), "KeyRegistrar accepted a forged BN254 signature");

    // Deregistering: refused while slashable for the set, allowed when not.
    run(&env, "sets.json", &["register-operator-sets", "--avs", &a, "--ids", "4"]);
    refused(&env, &["deregister-key", "--avs", &a, "--id", "4"], "is still slashable for operator set");
    run(&env, "dereg.json", &["deregister-key", "--avs", &a, "--id", "3"]);
    assert!(!kr.isRegistered(OperatorSet { avs, id: 3 }, env.wallet()).call().await.expect("view"));
    refused(&env, &["deregister-key", "--avs", &a, "--id", "3"], "has no key for operator set");
}

#[tokio::test]
async fn allocations_undelegation_transfers_and_the_dashboard() {
    let env = registered().await;
    let book = &env.fork.addresses;
    let (avs, strategy) = (book.extra(OPERATOR_SET_AVS).expect("avs"), book.extra(STAKE_STRATEGY).expect("strategy"));
    let staker = dev_signer(STAKER_INDEX);
    let dm = IDelegationManager::new(book.delegation_manager, env.fork.provider_with(staker.clone()));
    let none = SignatureWithExpiry { signature: Bytes::new(), expiry: U256::ZERO };
    assert!(
        dm.delegateTo(env.wallet(), none, B256::ZERO)
            .send()
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("r")
            .status()
    );
    run(&env, "sets.json", &["register-operator-sets", "--avs", &avs.to_string(), "--ids", "0,1"]);

    // Two sets at once, as percentages; before → after shown; over-allocation refused in words.
    let alloc = |id: u32, amount: &str| format!("{avs}:{id}:{strategy}={amount}");
    let out = env.run(
        &[
            "propose",
            "modify-allocations",
            "--allocate",
            &alloc(0, "30%"),
            "--allocate",
            &alloc(1, "50%"),
            "-o",
            env.path("alloc.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let notices = String::from_utf8_lossy(&out.stderr);
    assert!(
        notices.contains(&format!("operator set {avs}:0 strategy {strategy}: 0 % → 30 % of its magnitude")),
        "{notices}"
    );
    assert!(notices.contains(&format!("strategy {strategy}: 0 % → 80 % of its magnitude encumbered")), "{notices}");
    let p = env.path("alloc.json");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    refused(&env, &["modify-allocations", "--allocate", &alloc(3, "25%")], "over-allocation: strategy");
    refused(
        &env,
        &["modify-allocations", "--allocate", &format!("{avs}:0:{}=10%", Address::repeat_byte(1))],
        "is not in operator set",
    );

    // A new allocation delay is shown pending, with the block it applies from.
    run(&env, "delay.json", &["set-allocation-delay", "--delay", "5"]);
    let status: Value = serde_json::from_str(&env.ok(&["--json", "operator"], None)).expect("json");
    assert_eq!(status["allocationDelay"], json!(0), "{status}");
    let effect = status["pendingAllocationDelay"][1].as_u64().expect("pending delay");
    assert_eq!(status["pendingAllocationDelay"][0], json!(5), "{status}");
    assert!(effect > env.fork.provider().get_block_number().await.expect("head"), "{status}");
    assert!(
        env.ok(&["operator"], None).contains(&format!("allocation delay    0 blocks; 5 blocks from block {effect}"))
    );

    // The dashboard: sets, allocations and slashable stake, delegated shares, admins.
    let status: Value = serde_json::from_str(&env.ok(&["--json", "operator"], None)).expect("json");
    assert_eq!(status["isOperator"], true);
    assert_eq!(status["sets"].as_array().expect("sets").len(), 2, "{status}");
    assert_eq!(status["sets"][0]["allocations"][0]["magnitude"], json!(300_000_000_000_000_000u64), "{status}");
    assert_eq!(status["strategies"][0]["delegatedShares"], json!(U256::from(params::STAKE)), "{status}");
    let text = env.ok(&["operator"], None);
    assert!(text.contains("magnitude 300000000000000000 (30 %); slashable stake 300 shares"), "{text}");
    assert!(text.contains("800000000000000000 (80 %) of its magnitude 1000000000000000000 encumbered"), "{text}");

    // Force-undelegation: the staker is out, its shares queued for withdrawal to it.
    let staker_address = staker.address().to_string();
    let out = env.run(
        &[
            "propose",
            "undelegate",
            "--staker",
            &staker_address,
            "-o",
            env.path("undelegate.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("all its shares are queued for withdrawal back to it"));
    let p = env.path("undelegate.json");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(book.delegation_manager, env.fork.provider());
    assert_eq!(dm.delegatedTo(staker.address()).call().await.expect("view"), Address::ZERO);
    refused(&env, &["undelegate", "--staker", &staker_address], "is not delegated to anyone");

    // Transfers out of the wallet, in the token's own units, and ETH.
    let token = book.extra(REWARD_TOKEN).expect("token");
    let minted = DevnetToken::new(token, env.fork.provider_with(dev_signer(DEPLOYER)))
        .mint(env.wallet(), U256::from(50_000_000u64))
        .send()
        .await
        .expect("mint")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(minted.status());
    let to = addr(TREASURY).to_string();
    let before = balance(&env, token, addr(TREASURY)).await;
    let p = env.propose("t.json", &["transfer", "--token", &token.to_string(), "--to", &to, "--amount", "12.5"]);
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(&format!("transfer 12.5 DRT of token {token} (RewardToken) to {to}")),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.sign(&p, BOB);
    env.execute(&p);
    assert_eq!(balance(&env, token, addr(TREASURY)).await - before, U256::from(12_500_000u64));
    refused(
        &env,
        &["transfer", "--token", &token.to_string(), "--to", &to, "--amount", "1000"],
        "the wallet holds 37.5 DRT, less than the 1000 DRT asked for",
    );
    refused(
        &env,
        &["transfer", "--token", &token.to_string(), "--to", &to, "--amount", "0.0000001"],
        "is not an amount of DRT (6 decimals)",
    );
    env.fork.provider().anvil_set_balance(env.wallet(), U256::from(10u128.pow(18))).await.expect("fund");
    let eth_before = env.fork.provider().get_balance(addr(TREASURY)).await.expect("balance");
    run(&env, "eth.json", &["transfer", "--to", &to, "--amount", "0.25"]);
    let eth_after = env.fork.provider().get_balance(addr(TREASURY)).await.expect("balance");
    assert_eq!(eth_after - eth_before, U256::from(250_000_000_000_000_000u64));
}
