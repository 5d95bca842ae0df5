//! A signer can't be lied to (issue 10): each test plays an attacker who controls the proposal file, the terminal's
//! input, the RPC node or a shared folder, and checks that opwallet refuses, or shows the truth, and that neither the
//! file nor the chain changes when it refuses.

use std::{path::Path, process::Output, time::Instant};

use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
    sol_types::SolCall,
};
use opwallet_bindings::OperatorWallet;
use opwallet_devnet::{BLS_AVS, LEGACY_AVS, contracts::BLSAVS};
use serde_json::{Value, json};

use crate::{
    doubles::{eth_call, rpc_proxy},
    harness::{ALICE, BOB, CAROL, DEPLOYER, Env, addr},
};

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

/// Rewrites a proposal file as an attacker with a text editor would.
fn doctor(p: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v = read(p);
    edit(&mut v);
    std::fs::write(p, serde_json::to_string_pretty(&v).expect("json")).expect("write");
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn expiry() -> String {
    (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() + 86_400).to_string()
}

async fn nonce(env: &Env) -> U256 {
    OperatorWallet::new(env.wallet(), env.fork.provider()).nonce().call().await.expect("nonce")
}

/// Item 1: nothing a signer reads comes from the file's own words. A version-1-style description or decoding added
/// to a file is refused; the screen shows what the calldata does.
#[tokio::test]
async fn the_screen_shows_what_the_calldata_does_not_what_the_file_says() {
    let env = Env::with_wallet().await;
    let p = env.propose("bump.json", &["bump-epoch", "--note", "routine metadata update"]);
    let ps = p.to_str().expect("utf-8");
    let honest = std::fs::read(&p).expect("read");

    // The 2025 attack: a description and a decoding that lie about a bumpEpoch.
    for (field, lie) in [
        ("description", json!("update the operator metadata URI (routine)")),
        (
            "decoded",
            json!({"contract": "DelegationManager", "function": "updateOperatorMetadataURI", "args": [["metadataURI", "https://x"]]}),
        ),
    ] {
        doctor(&p, |v| {
            if field == "decoded" {
                v["body"]["calls"][0][field] = lie.clone();
            } else {
                v[field] = lie.clone();
            }
        });
        let err = env.fails(&["sign", ps, "--yes"], Some(ALICE));
        assert!(err.contains(&format!("unknown field `{field}`")), "{err}");
        std::fs::write(&p, &honest).expect("restore");
    }
    // A file in the old format gets a clear error naming the fix.
    doctor(&p, |v| v["version"] = json!(1));
    let err = env.fails(&["sign", ps, "--yes"], Some(ALICE));
    assert!(err.contains("format version 1") && err.contains("make the proposal again"), "{err}");
    std::fs::write(&p, &honest).expect("restore");

    // The screen: the title and call come from the calldata; the note is labelled as the proposer's.
    let out = env.run(&["sign", ps, "--yes"], Some(ALICE));
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stderr(&out);
    let w = env.wallet();
    assert!(screen.contains("proposal   bump the wallet's epoch: every outstanding signature and approval dies"));
    assert!(screen.contains(&format!("  [0] OperatorWallet.bumpEpoch on {w} (this wallet)")), "{screen}");
    assert!(
        screen.contains("note       \"routine metadata update\" (the proposer's words; not checked against the calls)")
    );

    // A call nobody can decode is shown raw, flagged.
    let unknown = Address::repeat_byte(0x77).to_string();
    let raw = env.propose("raw.json", &["call", "--to", &unknown, "--data", "0xdeadbeef00", "--raw"]);
    let out = env.run(&["sign", raw.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let screen = stderr(&out);
    assert!(
        screen.contains(&format!("[0] UNDECODED call to {unknown}: selector 0xdeadbeef is not a function")),
        "{screen}"
    );
    assert!(screen.contains("data = 0xdeadbeef00"), "{screen}");
}

/// Item 1, the whole screen: every line of a register-operator proposal, nothing from the file's free text.
#[tokio::test]
async fn the_signing_screen_for_a_registration_is_exactly_this() {
    let env = Env::with_wallet().await;
    let p = env.propose("r.json", &["register-operator", "--metadata-uri", "https://op.example/m.json"]);
    let v = read(&p);
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(out.status.success(), "{}", stderr(&out));
    let (w, dm, am) = (env.wallet(), env.fork.addresses.delegation_manager, env.fork.addresses.allocation_manager);
    // A newly registered operator's allocation delay applies from the block it registers in: the simulated block,
    // which this Anvil numbers as its head.
    let next = env.fork.provider().get_block_number().await.expect("head");
    let digest = v["digest"].as_str().expect("hash");
    let zero = Address::ZERO;
    let expected = format!(
        "── signing {}\n\
         proposal   register this wallet as an EigenLayer operator (permanent)\n\
         chain      31337\n\
         wallet     {w} (this wallet)\n\
         epoch      0\n\
         nonce      0\n\
         deadline   {} ({})\n\
         min gas    {} (the calls must be offered at least this)\n\
         calls      1\n  \
           [0] DelegationManager.registerAsOperator on {dm} (DelegationManager)\n        \
                → register this wallet as an EigenLayer operator (permanent)\n        \
                initDelegationApprover = 0x0000000000000000000000000000000000000000\n        \
                allocationDelay = 0\n        \
                metadataURI = \"https://op.example/m.json\"\n\
         simulation   succeeds, N gas (eth_simulateV1) (the node's account)\n  \
           balances   no ETH or ERC-20 balance changes\n  \
           event      {w} (this wallet).Executed(nonce: 0, digest: {digest})\n  \
           event      {am} (AllocationManager).AllocationDelaySet(operator: {w} (this wallet), delay: 0, effectBlock: {next})\n  \
           event      {dm} (DelegationManager).DelegationApproverUpdated(operator: {w} (this wallet), newDelegationApprover: {zero})\n  \
           event      {dm} (DelegationManager).StakerDelegated(staker: {w} (this wallet), operator: {w} (this wallet))\n  \
           event      {dm} (DelegationManager).OperatorRegistered(operator: {w} (this wallet), delegationApprover: {zero})\n  \
           event      {dm} (DelegationManager).OperatorMetadataURIUpdated(operator: {w} (this wallet), metadataURI: \"https://op.example/m.json\")\n\
         domain hash  {}\n\
         message hash {}\n\
         digest       {}\n\
         valid        0 of 2 required signatures so far\n\
         ─────────────────────────────────────────────────────\n\
         signer       {}\n\
         SIGNING      register this wallet as an EigenLayer operator (permanent)\n             \
         1 call(s) to {dm} (DelegationManager); 0 ETH leaves the wallet\n             \
         simulation: succeeds, N gas (eth_simulateV1)\n             \
         digest {}\n",
        "─".repeat(42),
        v["body"]["deadline"],
        crate::screen_date(v["body"]["deadline"].as_u64().expect("deadline")),
        v["body"]["minGas"],
        v["domainHash"].as_str().expect("hash"),
        v["structHash"].as_str().expect("hash"),
        v["digest"].as_str().expect("hash"),
        addr(ALICE),
        v["digest"].as_str().expect("hash"),
    );
    assert_eq!(crate::without_gas(&stderr(&out)), expected);
}

/// Item 2: a message proposal carries its preimage; its hash is recomputed from it, and checked on chain.
#[tokio::test]
async fn message_proposals_are_checked_against_their_preimage_and_the_chain() {
    let env = Env::with_wallet().await;
    let avs = env.fork.addresses.extra(LEGACY_AVS).expect("avs");
    let salt = format!("0x{}", "ab".repeat(32));
    let p =
        env.propose("m.json", &["avs-registration", "--avs", &avs.to_string(), "--salt", &salt, "--expiry", &expiry()]);
    let ps = p.to_str().expect("utf-8");
    let honest = std::fs::read(&p).expect("read");
    let v = read(&p);
    assert_eq!(v["body"]["preimage"]["kind"], "avsRegistration");
    assert_eq!(v["body"]["preimage"]["domain"]["name"], "EigenLayer");

    // Another AVS in the fields, the old hash kept: the fields no longer hash to it.
    doctor(&p, |v| v["body"]["preimage"]["avs"] = json!(Address::repeat_byte(9)));
    let err = env.fails(&["sign", ps, "--yes"], Some(ALICE));
    assert!(err.contains("the message's fields hash to") && err.contains("not to its hash"), "{err}");
    std::fs::write(&p, &honest).expect("restore");

    // A node that answers another digest for the same fields: refused before signing.
    let lie = B256::repeat_byte(0x66);
    let avsd = env.fork.addresses.avs_directory.to_string().to_lowercase();
    let selector = format!(
        "0x{}",
        alloy::primitives::hex::encode(
            opwallet_bindings::eigenlayer::IAVSDirectory::calculateOperatorAVSRegistrationDigestHashCall::SELECTOR,
        )
    );
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), move |r| match eth_call(r) {
        Some((to, sel)) if to == avsd && sel == selector => Some(json!(lie)),
        _ => None,
    });
    let out = env.run_with(&["sign", ps, "--yes"], Some(ALICE), &[("ETH_RPC_URL", &proxy)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("returned {lie}, but the message's fields hash to")), "{}", stderr(&out));
    assert_eq!(std::fs::read(&p).expect("read"), honest, "nothing was signed");

    // The screen shows the fields.
    let out = env.run(&["sign", ps, "--yes"], Some(ALICE));
    let screen = stderr(&out);
    assert!(screen.contains("message    AVSDirectory operator registration"), "{screen}");
    assert!(screen.contains(&format!("  avs      = {avs} (LegacyAVS)")), "{screen}");
    assert!(screen.contains(&format!("  salt     = {salt}")), "{screen}");

    // A raw hash needs the explicit flag, and the screen says its meaning is unknown.
    let raw = env.propose("raw.json", &["sign-hash", "--hash", &format!("0x{}", "11".repeat(32))]);
    let rs = raw.to_str().expect("utf-8");
    let err = env.fails(&["sign", rs, "--yes"], Some(ALICE));
    assert!(err.contains("--unverified-hash"), "{err}");
    let out = env.run(&["sign", rs, "--yes", "--unverified-hash"], Some(ALICE));
    assert!(stderr(&out).contains("A RAW HASH: opwallet cannot tell what it means"), "{}", stderr(&out));
}

/// Item 3: escape sequences, carriage returns and bidi overrides from a file or the chain never reach the terminal.
#[tokio::test]
async fn terminal_control_characters_are_shown_escaped() {
    let env = Env::with_wallet().await;
    let register = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let evil =
        "https://op.example/m.json\u{1b}[2A\u{1b}[2K\rwallet     0x0000000000000000000000000000000000000bad\u{202e}";
    let p = env.propose("uri.json", &["update-metadata-uri", "--metadata-uri", evil]);
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stderr(&out);
    assert!(!screen.contains('\u{1b}') && !screen.contains('\r') && !screen.contains('\u{202e}'), "{screen:?}");
    assert!(
        screen.contains(
            "m.json\\u{1b}[2A\\u{1b}[2K\\u{d}wallet⟨5 spaces⟩0x0000000000000000000000000000000000000bad\\u{202e}"
        ),
        "{screen}"
    );

    // A note cannot carry them at all, whether given to propose or written into the file.
    let out = env.run(
        &["propose", "bump-epoch", "--note", "ok\u{1b}[1A", "-o", env.path("n.json").to_str().expect("utf-8")],
        None,
    );
    assert!(
        stderr(&out).contains("the note contains control or bidirectional-override characters"),
        "{}",
        stderr(&out)
    );
    assert!(!env.path("n.json").exists());
    doctor(&p, |v| v["note"] = json!("fine\u{1b}[2J"));
    let err = env.fails(&["status", p.to_str().expect("utf-8")], None);
    assert!(err.contains("the note contains control"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

/// Item 4: the wallet named by --wallet / OPWALLET_WALLET must be the file's.
#[tokio::test]
async fn a_file_for_another_wallet_than_the_one_meant_is_refused() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    let ps = p.to_str().expect("utf-8");
    let other = Address::repeat_byte(0x42).to_string();
    for (args, key) in [
        (vec!["sign", ps, "--yes"], Some(ALICE)),
        (vec!["status", ps], None),
        (vec!["execute", ps], Some(DEPLOYER)),
        (vec!["signature", ps], None),
    ] {
        let out = env.run_with(&args, key, &[("OPWALLET_WALLET", &other)]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains(&format!(
                "the proposal is for wallet {}, but --wallet / OPWALLET_WALLET names {other}",
                env.wallet()
            )),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(read(&p)["signatures"].as_array().expect("list").is_empty());
}

/// Item 5: signatures that the wallet would refuse do not count, and their signer can replace them.
#[tokio::test]
async fn only_signatures_the_wallet_accepts_count() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "u"]);
    let ps = p.to_str().expect("utf-8");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    let honest = std::fs::read(&p).expect("read");
    let status = |env: &Env| -> Value { serde_json::from_str(&env.ok(&["--json", "status", ps], None)).expect("json") };
    assert_eq!(status(&env)["ready"], true);

    // v = 0/1 instead of 27/28: ecrecover in the wallet refuses it, so it must not count.
    doctor(&p, |v| {
        let sig = v["signatures"][1]["signature"].as_str().expect("sig").to_owned();
        let last = u8::from_str_radix(&sig[sig.len() - 2..], 16).expect("hex") - 27;
        v["signatures"][1]["signature"] = json!(format!("{}{last:02x}", &sig[..sig.len() - 2]));
    });
    let s = status(&env);
    assert_eq!(s["ready"], false, "{s}");
    assert!(s["invalid"][0]["why"].as_str().expect("why").contains("v is"), "{s}");
    let err = env.fails(&["execute", ps], Some(DEPLOYER));
    assert!(err.contains("1 of 2 required signatures"), "{err}");
    // Bob signs again: his valid signature replaces the invalid one, and it executes.
    env.sign(&p, BOB);
    assert_eq!(status(&env)["ready"], true);
    std::fs::write(&p, &honest).expect("restore");

    // An "approved" entry without an on-chain approval, and an empty contract entry, count for nothing.
    doctor(&p, |v| {
        v["signatures"][1] = json!({ "signer": addr(BOB), "kind": "approved" });
        v["signatures"]
            .as_array_mut()
            .expect("list")
            .push(json!({ "signer": addr(CAROL), "kind": "contract", "signature": "0x" }));
    });
    let s = status(&env);
    assert_eq!(s["ready"], false, "{s}");
    assert_eq!(s["signed"].as_array().expect("list").len(), 1, "{s}");
    // A signer listed twice is refused outright.
    std::fs::write(&p, &honest).expect("restore");
    doctor(&p, |v| {
        let first = v["signatures"][0].clone();
        v["signatures"].as_array_mut().expect("list").push(first);
    });
    let err = env.fails(&["status", ps], None);
    assert!(err.contains(&format!("{} is listed twice among the signatures", addr(ALICE))), "{err}");
    assert_eq!(nonce(&env).await, U256::ZERO, "nothing was executed");
}

/// Item 6: a stale nonce or a passed deadline is said at signing; a file with a repeated JSON key is refused.
#[tokio::test]
async fn stale_proposals_are_flagged_and_repeated_keys_refused() {
    let env = Env::with_wallet().await;
    let p = env.propose("b.json", &["register-operator", "--metadata-uri", "u"]);
    let ps = p.to_str().expect("utf-8");
    // Duplicate keys anywhere, including inside the typed data, are refused.
    let text = std::fs::read_to_string(&p).expect("read");
    for (from, to) in [
        ("\"epoch\": 0,", "\"epoch\": 0,\n  \"epoch\": 0,"),
        ("\"primaryType\": \"Execute\",", "\"primaryType\": \"Execute\",\n    \"primaryType\": \"Execute\","),
    ] {
        std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
        let err = env.fails(&["sign", ps, "--yes"], Some(ALICE));
        assert!(err.contains("appears twice"), "{err}");
    }
    std::fs::write(&p, &text).expect("restore");
    // Nonce 0 is used up by another proposal (a cancel keeps the epoch): signing this one now warns, in --json too.
    let cancel = env.propose("cancel.json", &["cancel"]);
    env.sign(&cancel, ALICE);
    env.sign(&cancel, BOB);
    env.execute(&cancel);
    let out = env.run(&["--json", "sign", ps, "--yes"], Some(ALICE));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("WARNING      nonce 0 was already used (the wallet is at nonce 1)"),
        "{}",
        stderr(&out)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(json["warnings"][0].as_str().expect("warning").contains("nonce 0 was already used"), "{json}");
    // A deadline that has passed is said too.
    let late = env.propose("late.json", &["bump-epoch", "--valid-for", "0"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = env.run(&["sign", late.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(stderr(&out).contains("has passed: it can never run"), "{}", stderr(&out));
}

/// Item 7: the BLS key signs only the point opwallet computes for this wallet, never one the node chose.
#[tokio::test]
async fn a_bls_key_never_signs_a_point_the_node_chose() {
    let env = Env::with_wallet().await;
    let register = env.propose("register.json", &["register-operator", "--metadata-uri", "bls"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let bls_avs = env.fork.addresses.extra(BLS_AVS).expect("BLS AVS");

    // opwallet's own computation equals the coordinator's (the middleware's hash-to-G1), for several operators.
    let coordinator = BLSAVS::new(bls_avs, env.fork.provider());
    for operator in [env.wallet(), addr(ALICE), Address::repeat_byte(0xee)] {
        let chain = coordinator.pubkeyRegistrationMessageHash(operator).call().await.expect("view");
        let ours = opwallet_core::bls::coordinator_registration_point(31337, bls_avs, operator);
        assert_eq!((chain.X, chain.Y), (ours.X, ours.Y), "{operator}");
    }

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
    // The node answers the point for another operator (the attacker's), hoping the victim's key signs it.
    let attacker_point = coordinator.pubkeyRegistrationMessageHash(addr(CAROL)).call().await.expect("view");
    let rc = bls_avs.to_string().to_lowercase();
    let selector = format!(
        "0x{}",
        alloy::primitives::hex::encode(
            opwallet_bindings::eigenlayer::IBLSRegistryCoordinator::pubkeyRegistrationMessageHashCall::SELECTOR,
        )
    );
    let answer = alloy::sol_types::SolValue::abi_encode(&(attacker_point.X, attacker_point.Y));
    let answer = alloy::primitives::Bytes::from(answer);
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), move |r| match eth_call(r) {
        Some((to, sel)) if to == rc && sel == selector => Some(json!(answer)),
        _ => None,
    });
    let out_file = env.path("bls.json");
    let out = env.run_with(
        &[
            "propose",
            "register-operator-sets",
            "--avs",
            &bls_avs.to_string(),
            "--ids",
            "0",
            "--bls-keystore",
            keys.join("k.bls.key.json").to_str().expect("utf-8"),
            "--bls-password",
            &format!("file:{}", pw.display()),
            "--socket",
            "s:1",
            "-o",
            out_file.to_str().expect("utf-8"),
        ],
        None,
        &[("ETH_RPC_URL", &proxy)],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("asked the BLS key to sign"), "{}", stderr(&out));
    assert!(!out_file.exists(), "nothing may be written");
}

/// Item 8: the redistribution guard fails closed.
#[tokio::test]
async fn the_redistribution_guard_fails_closed() {
    let env = Env::with_wallet().await;
    let register = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let avs = env.fork.addresses.extra(opwallet_devnet::OPERATOR_SET_AVS).expect("avs").to_string();
    let p = env.propose("sets.json", &["register-operator-sets", "--avs", &avs, "--ids", "0"]);
    let ps = p.to_str().expect("utf-8");
    let honest = std::fs::read(&p).expect("read");

    // No address book for this chain: a batch that touches operator sets cannot be checked, so it is refused.
    let out = env.run_with(&["sign", ps, "--yes"], Some(ALICE), &[("OPWALLET_ADDRESSES", "")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no EigenLayer address book is known for this chain"), "{}", stderr(&out));

    // An address book for another chain is refused, not used.
    let wrong = env.path("wrong-book.json");
    let mut book = env.fork.addresses.clone();
    book.chain_id = 1;
    std::fs::write(&wrong, serde_json::to_string(&book.to_json_document("x")).expect("json")).expect("write");
    let out =
        env.run_with(&["sign", ps, "--yes"], Some(ALICE), &[("OPWALLET_ADDRESSES", wrong.to_str().expect("utf-8"))]);
    assert!(stderr(&out).contains("the address book is for chain 1 but the RPC is chain 31337"), "{}", stderr(&out));

    // A node that claims a release with redistribution but fails the question: an error, not "no redistribution".
    let am = env.fork.addresses.allocation_manager.to_string().to_lowercase();
    let is_redistributing = format!(
        "0x{}",
        alloy::primitives::hex::encode(
            opwallet_bindings::eigenlayer::IAllocationManager::isRedistributingOperatorSetCall::SELECTOR,
        )
    );
    let version = format!(
        "0x{}",
        alloy::primitives::hex::encode(opwallet_bindings::eigenlayer::IAllocationManager::versionCall::SELECTOR,)
    );
    let v13 = alloy::primitives::Bytes::from(alloy::sol_types::SolValue::abi_encode(&"1.13.0".to_owned()));
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), move |r| match eth_call(r) {
        Some((to, sel)) if to == am && sel == is_redistributing => {
            Some(json!({ "error": { "code": -32005, "message": "rate limited" } }))
        }
        Some((to, sel)) if to == am && sel == version => Some(json!(v13)),
        _ => None,
    });
    let out = env.run_with(&["sign", ps, "--yes"], Some(ALICE), &[("ETH_RPC_URL", &proxy)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the redistribution guard could not ask about operator set"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&p).expect("read"), honest, "nothing was signed");
}

/// Item 9: a node's fee suggestion cannot spend the sender's balance unseen.
#[tokio::test]
async fn fees_are_shown_and_capped() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    let ps = p.to_str().expect("utf-8");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    // 20,000 gwei tips from eth_feeHistory, as the node in the report answered.
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), |r| {
        if r["method"] == "eth_feeHistory" {
            let tip = format!("0x{:x}", 20_000u128 * 1_000_000_000);
            Some(
                json!({ "oldestBlock": "0x1", "baseFeePerGas": ["0x1", "0x1"], "gasUsedRatio": [0.5], "reward": [[tip]] }),
            )
        } else if r["method"] == "eth_maxPriorityFeePerGas" {
            Some(json!(format!("0x{:x}", 20_000u128 * 1_000_000_000)))
        } else {
            None
        }
    });
    let out = env.run_with(&["execute", ps], Some(DEPLOYER), &[("ETH_RPC_URL", &proxy)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("above opwallet's default limit of 500 gwei: nothing was sent"), "{err}");
    assert_eq!(nonce(&env).await, U256::ZERO);
    // With the sender's own cap it is sent, at that cap, and the cost was shown first.
    let out = env.run_with(&["execute", ps, "--max-fee-per-gas", "3gwei"], Some(DEPLOYER), &[("ETH_RPC_URL", &proxy)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("max fee 3 gwei (tip 3 gwei)"), "{}", stderr(&out));
    let hash: B256 = String::from_utf8_lossy(&out.stdout).lines().next().expect("hash").parse().expect("hash");
    let tx = env.fork.provider().get_transaction_by_hash(hash).await.expect("rpc").expect("tx");
    assert_eq!(alloy::consensus::Transaction::max_fee_per_gas(&tx), 3_000_000_000);
}

/// Item 10: a node that accepts the connection and never answers does not hang the terminal.
#[tokio::test]
async fn a_silent_node_times_out() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let _hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming() {
            held.push(s); // accept and never answer
        }
    });
    let started = Instant::now();
    let out =
        env.run_with(&["status", p.to_str().expect("utf-8"), "--rpc-timeout", "2"], None, &[("ETH_RPC_URL", &url)]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    assert!(stderr(&out).to_lowercase().contains("timed out"), "{}", stderr(&out));
}

/// Item 11: impossible answers and arguments are errors, never panics.
#[tokio::test]
async fn out_of_range_values_are_errors_not_panics() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    let wallet = env.wallet().to_string().to_lowercase();
    let threshold = format!("0x{}", alloy::primitives::hex::encode(OperatorWallet::thresholdCall::SELECTOR));
    let huge = alloy::primitives::Bytes::from(alloy::sol_types::SolValue::abi_encode(&(U256::from(1) << 64)));
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), move |r| match eth_call(r) {
        Some((to, sel)) if to == wallet && sel == threshold => Some(json!(huge)),
        _ => None,
    });
    let out = env.run_with(&["status", p.to_str().expect("utf-8")], None, &[("ETH_RPC_URL", &proxy)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("threshold() returned 18446744073709551616"), "{}", stderr(&out));
    let out = env.run(
        &[
            "propose",
            "cancel",
            "--valid-for",
            "18446744073709551615",
            "-o",
            env.path("c.json").to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--valid-for 18446744073709551615 reaches beyond the end of time"),
        "{}",
        stderr(&out)
    );
}

/// Item 12: a proposal path that is a symbolic link is not written through.
#[tokio::test]
async fn a_planted_symlink_is_not_written_through() {
    let env = Env::with_wallet().await;
    let p = env.propose("real.json", &["bump-epoch"]);
    let victim = env.path("victim.txt");
    std::fs::write(&victim, "precious\n").expect("write");
    // A link in the shared folder: signing it must not write to what it points at.
    let link = env.path("link.json");
    std::fs::copy(&p, env.path("copy.json")).expect("copy");
    std::os::unix::fs::symlink(env.path("copy.json"), &link).expect("symlink");
    let err = env.fails(&["sign", link.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(err.contains("is a symbolic link: refusing to write through it"), "{err}");
    assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious\n");
    // The real file signs normally, and is a regular file afterwards.
    env.sign(&p, ALICE);
    assert!(std::fs::symlink_metadata(&p).expect("meta").file_type().is_file());
}

/// Item 13: keys are created exclusively, 0600, never through a planted link; Vault secrets are never replaced.
#[tokio::test]
async fn keys_are_created_exclusively_and_vault_secrets_are_never_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new().await;
    let dir = env.path("keystores");
    std::fs::create_dir_all(&dir).expect("dir");
    let target = env.path("elsewhere");
    std::os::unix::fs::symlink(&target, dir.join("planted")).expect("symlink");
    let keys = |name: &str, vars: &[(&str, &str)]| {
        env.run_with(
            &["keys", "new", "--name", name, "--dir", dir.to_str().expect("utf-8"), "--password-env", "PW"],
            None,
            &[&[("PW", "a long password")][..], vars].concat(),
        )
    };
    let out = keys("planted", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(!target.exists(), "the key went through the link");
    let out = keys("fresh", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::metadata(dir.join("fresh")).expect("meta").permissions().mode() & 0o777, 0o600);

    // Vault: the new password is added beside the secret's other fields, and an existing field is refused.
    let (vault, store) = crate::doubles::vault("root-token");
    store.lock().expect("lock").insert("secret/ops".into(), json!({ "other": "keep me" }));
    let vault_keys = |name: &str, reference: &str| {
        env.run_with(
            &[
                "keys",
                "new",
                "--name",
                name,
                "--dir",
                dir.to_str().expect("utf-8"),
                "--store-password-vault",
                reference,
            ],
            None,
            &[("VAULT_ADDR", &vault), ("VAULT_TOKEN", "root-token")],
        )
    };
    let out = vault_keys("v1", "secret/ops#pw");
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = store.lock().expect("lock")["secret/ops"].clone();
    assert_eq!(stored["other"], "keep me", "{stored}");
    assert!(stored["pw"].as_str().is_some_and(|p| p.len() == 64), "{stored}");
    let out = vault_keys("v2", "secret/ops#pw");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already has a field `pw`"), "{}", stderr(&out));
    assert_eq!(store.lock().expect("lock")["secret/ops"], stored, "nothing was replaced");
    assert!(!dir.join("v2").exists());
}

/// Item 14: credentials in URLs never appear in messages; tokens never cross the network in clear; mnemonic words
/// are never printed.
#[tokio::test]
async fn secrets_never_appear_in_messages() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    // An RPC URL with an API key in its path and credentials, at a port nothing listens on.
    let url = "http://user:s3cr3tpassw0rd@127.0.0.1:9/v2/APIKEY0123456789";
    let out = env.run_with(&["status", p.to_str().expect("utf-8"), "-v"], None, &[("ETH_RPC_URL", url)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains("APIKEY0123456789") && !err.contains("s3cr3tpassw0rd"), "{err}");
    // A bearer token over plain http to another machine is refused before anything is sent.
    let out = env.run_with(
        &[
            "sign",
            p.to_str().expect("utf-8"),
            "--yes",
            "--web3signer-url",
            "http://10.255.255.1:9000",
            "--web3signer-address",
            &addr(ALICE).to_string(),
            "--web3signer-token-env",
            "TOKEN",
        ],
        None,
        &[("TOKEN", "bearer-secret")],
    );
    assert!(
        stderr(&out).contains("plain http to another machine: the bearer token would cross the network"),
        "{}",
        stderr(&out)
    );
    // A mnemonic with a misspelt word: the word is not printed.
    let m = env.path("typo");
    std::fs::write(&m, "test test test test test test test test test test test junkk\n").expect("write");
    let out =
        env.run(&["sign", p.to_str().expect("utf-8"), "--yes", "--mnemonic-file", m.to_str().expect("utf-8")], None);
    assert!(!stderr(&out).contains("junkk"), "{}", stderr(&out));
    assert!(stderr(&out).contains("is not a valid BIP-39 English phrase"), "{}", stderr(&out));
}

/// Review finding 1: a very long value cannot fill the terminal and scroll the real screen away; the last lines
/// before the prompt always say what is signed.
#[tokio::test]
async fn long_values_are_cut_and_the_recap_comes_last() {
    let env = Env::with_wallet().await;
    let register = env.propose("register.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);
    let fake = format!("https://x{}── signing ──\nproposal   set the delegation approver", " ".repeat(30_000));
    let p = env.propose("long.json", &["update-metadata-uri", "--metadata-uri", &fake]);
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stderr(&out);
    assert!(screen.len() < 4_000, "{} bytes of screen", screen.len());
    assert!(screen.contains("⟨") && screen.contains("characters in all, keccak256 0x"), "{screen}");
    let last: Vec<&str> = screen.lines().rev().take(5).collect();
    assert!(last[3].starts_with("SIGNING      set ") && last[2].contains("1 call(s) to"), "{last:?}");
    assert!(last[1].contains("simulation: succeeds"), "{last:?}");
}

/// Review finding 2: signers signing the same file at once never lose each other's signatures.
#[tokio::test]
async fn concurrent_signers_keep_every_signature() {
    let env = Env::with_wallet().await;
    for round in 0..4 {
        let p = env.propose(&format!("c{round}.json"), &["bump-epoch"]);
        let ps = p.to_str().expect("utf-8").to_owned();
        let children: Vec<_> = [ALICE, BOB, CAROL]
            .into_iter()
            .map(|key| {
                std::process::Command::new(crate::harness::BIN)
                    .args(["sign", &ps, "--yes", "--mnemonic-file"])
                    .arg(&env.mnemonic)
                    .args(["--mnemonic-index", &key.to_string()])
                    .env("ETH_RPC_URL", env.fork.rpc_url().as_str())
                    .env("OPWALLET_ADDRESSES", &env.book)
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for mut c in children {
            assert!(c.wait().expect("wait").success());
        }
        assert_eq!(read(&p)["signatures"].as_array().expect("list").len(), 3, "round {round}");
    }
}

/// Review findings 3 and 4: an entry that does not count never blocks the ones that do, and is marked.
#[tokio::test]
async fn entries_that_do_not_count_never_block_the_ones_that_do() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    let ps = p.to_str().expect("utf-8");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    // A "contract signature" from a contract that answers nothing (the DelegationManager proxy's fallback
    // reverts; the factory returns no data), and a non-signer's ECDSA entry.
    let factory = env.fork.addresses.extra(opwallet_devnet::WALLET_FACTORY).expect("factory");
    doctor(&p, |v| {
        let list = v["signatures"].as_array_mut().expect("list");
        list.push(json!({ "signer": factory, "kind": "contract", "signature": "0x01" }));
    });
    let s: Value = serde_json::from_str(&env.ok(&["--json", "status", ps], None)).expect("json");
    assert_eq!(s["ready"], true, "{s}");
    assert!(s["warnings"][0].as_str().expect("w").contains("is not a signer of the wallet"), "{s}");
    let out = env.run(&["sign", ps, "--yes"], Some(CAROL));
    assert!(stderr(&out).contains(&format!("INVALID      {factory}")), "{}", stderr(&out));
    assert!(stderr(&out).contains("valid        2 of 2 required signatures so far"), "{}", stderr(&out));
    env.execute(&p);
    assert_eq!(nonce(&env).await, U256::from(1));
}

/// Review finding 5: handing EigenLayer powers to an appointee or admin is flagged on the signing screen.
#[tokio::test]
async fn delegating_operator_set_powers_is_flagged() {
    let env = Env::with_wallet().await;
    let am = env.fork.addresses.allocation_manager.to_string();
    let p = env.propose(
        "a.json",
        &[
            "set-appointee",
            "--appointee",
            &addr(DAVE_INDEX).to_string(),
            "--target",
            &am,
            "--selector",
            "registerForOperatorSets(address,(address,uint32[],bytes))",
        ],
    );
    let out = env.run(&["sign", p.to_str().expect("utf-8"), "--yes"], Some(ALICE));
    let screen = stderr(&out);
    assert!(screen.contains("registerForOperatorSets (0xadc2e3d9)"), "{screen}");
    assert!(screen.contains("without the redistribution guard"), "{screen}");
}

const DAVE_INDEX: u32 = 4;

/// Review findings 6, 7, 8, 9, 10, 11: a lying gas estimate, a token over plain http, a relabelling address book,
/// newlines from the node, oversized files and unknown fields are all refused.
#[tokio::test]
async fn review_findings_are_refused() {
    let env = Env::with_wallet().await;
    let p = env.propose("p.json", &["bump-epoch"]);
    let ps = p.to_str().expect("utf-8");
    env.sign(&p, ALICE);
    env.sign(&p, BOB);
    let honest = std::fs::read(&p).expect("read");
    // 6: a node estimating 29M gas.
    let proxy =
        rpc_proxy(env.fork.rpc_url().to_string(), |r| (r["method"] == "eth_estimateGas").then(|| json!("0x1ba8140")));
    let out = env.run_with(&["execute", ps], Some(DEPLOYER), &[("ETH_RPC_URL", &proxy)]);
    assert!(stderr(&out).contains("more than any opwallet transaction needs"), "{}", stderr(&out));
    assert_eq!(nonce(&env).await, U256::ZERO);
    // 7: the Vault token to another machine over plain http.
    let out = env.run_with(
        &[
            "keys",
            "new",
            "--name",
            "v",
            "--dir",
            env.path("k").to_str().expect("utf-8"),
            "--store-password-vault",
            "secret/x#pw",
        ],
        None,
        &[("VAULT_ADDR", "http://192.0.2.2:8200"), ("VAULT_TOKEN", "hvs.secret")],
    );
    assert!(stderr(&out).contains("plain http to another machine"), "{}", stderr(&out));
    // 8: an address book that names an address "this wallet" or "OperatorWallet".
    let book = env.path("evil-book.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&env.book).expect("book")).expect("json");
    doc["devnet"]["this wallet"] = json!(Address::repeat_byte(0xbe));
    std::fs::write(&book, doc.to_string()).expect("write");
    let out = env.run_with(&["status", ps], None, &[("OPWALLET_ADDRESSES", book.to_str().expect("utf-8"))]);
    assert!(stderr(&out).contains("may not be used for an extra contract"), "{}", stderr(&out));
    // 9: a node's error text with a newline stays on one line.
    let proxy = rpc_proxy(env.fork.rpc_url().to_string(), |r| {
        (r["method"] == "eth_getCode").then(|| json!({ "error": { "code": -32000, "message": "boom\nready" } }))
    });
    let out = env.run_with(&["status", ps], None, &[("ETH_RPC_URL", &proxy)]);
    assert!(stderr(&out).contains("boom\\u{a}ready") && !stderr(&out).contains("\nready"), "{}", stderr(&out));
    // 10: an oversized file.
    let big = env.path("big.json");
    std::fs::write(&big, vec![b' '; 5 << 20]).expect("write");
    assert!(env.fails(&["status", big.to_str().expect("utf-8")], None).contains("not a proposal file (at most"));
    // 11: unknown fields inside the typed data and inside a signature entry.
    doctor(&p, |v| v["typedData"]["domain"]["extra"] = json!("x"));
    assert!(env.fails(&["status", ps], None).contains("typedData holds fields opwallet does not compute"));
    std::fs::write(&p, &honest).expect("restore");
    doctor(&p, |v| v["signatures"][0]["weight"] = json!(2));
    assert!(env.fails(&["status", ps], None).contains("unknown field `weight`"));
}
