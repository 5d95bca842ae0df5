//! EigenLayer 1.13.0 as the ground (issue 12): the demo's whole flow against a mainnet-shaped devnet with
//! `--network mainnet` and no address book, and real stake that an allocation makes slashable and a slash moves.

use alloy::primitives::{B256, Bytes, U256};
use opwallet_bindings::eigenlayer::{IAVSDirectory, IAllocationManager, IDelegationManager, OperatorSet};
use opwallet_devnet::{
    BLS_APK_REGISTRY, BLS_AVS, LEGACY_AVS, OPERATOR_SET_AVS, STAKE_STRATEGY, STAKER_INDEX,
    contracts::{IBLSApkRegistry, LegacyAVS, OperatorSetAVS, SignatureWithExpiry},
    dev_signer, params,
};

use crate::harness::{ALICE, BOB, CAROL, DAVE, DEPLOYER, Env, addr};

fn expiry() -> String {
    (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() + 86_400).to_string()
}

/// `make demo`'s steps, run as an operator on mainnet would run them: `--network mainnet`, the built-in address
/// book, EigenLayer at mainnet's addresses (on a devnet with chain id 1).
#[tokio::test]
async fn the_demo_flow_runs_with_network_mainnet_against_a_mainnet_shaped_devnet() {
    let mut env = Env::like("mainnet").await;
    let mainnet = opwallet_core::AddressBook::network("mainnet").expect("book");
    assert_eq!(env.fork.addresses.delegation_manager, mainnet.delegation_manager);
    let signers = format!("{},{},{}", addr(ALICE), addr(BOB), addr(CAROL));
    let out = env.ok(&["deploy", "--signers", &signers, "--threshold", "2"], Some(DEPLOYER));
    env.wallet = Some(out.trim().parse().expect("wallet"));
    let run = |env: &Env, file: &str, action: &[&str], signers: [u32; 2]| {
        let p = env.propose(file, action);
        for s in signers {
            env.sign(&p, s);
        }
        env.execute(&p)
    };
    let out =
        run(&env, "register.json", &["register-operator", "--metadata-uri", "https://op.example/m.json"], [ALICE, BOB]);
    assert!(out.contains(&format!("OperatorRegistered({})", env.wallet())), "{out}");
    let dm = IDelegationManager::new(mainnet.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));

    let avs = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("avs").to_string();
    run(
        &env,
        "sets.json",
        &["register-operator-sets", "--avs", &avs, "--ids", "1", "--data", "0xc0ffee"],
        [ALICE, BOB],
    );
    let registrar = OperatorSetAVS::new(avs.parse().expect("avs"), env.fork.provider());
    assert_eq!(
        registrar.recordedData(env.wallet()).call().await.expect("view"),
        Bytes::from_static(&[0xc0, 0xff, 0xee])
    );

    // The BLS AVS, with a key made here.
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
    let bls_avs = env.fork.addresses.extra(BLS_AVS).expect("bls").to_string();
    let keystore = keys.join("k.bls.key.json");
    let password = format!("file:{}", pw.display());
    run(
        &env,
        "bls.json",
        &[
            "register-operator-sets",
            "--avs",
            &bls_avs,
            "--ids",
            "0",
            "--bls-keystore",
            keystore.to_str().expect("utf-8"),
            "--bls-password",
            &password,
            "--socket",
            "s:1",
        ],
        [ALICE, BOB],
    );
    let registry =
        IBLSApkRegistry::new(env.fork.addresses.extra(BLS_APK_REGISTRY).expect("registry"), env.fork.provider());
    assert_ne!(registry.getOperatorId(env.wallet()).call().await.expect("view"), B256::ZERO);

    // ERC-1271 for the legacy AVS (EigenLayer's own digest under mainnet's AVSDirectory address and chain id 1).
    let legacy = env.fork.addresses.extra(LEGACY_AVS).expect("legacy");
    let salt = format!("0x{}", "01".repeat(32));
    let expiry = expiry();
    let p = env
        .propose("avs.json", &["avs-registration", "--avs", &legacy.to_string(), "--salt", &salt, "--expiry", &expiry]);
    env.sign(&p, ALICE);
    env.sign(&p, CAROL);
    let signature: Bytes = env.ok(&["signature", p.to_str().expect("utf-8")], None).trim().parse().expect("hex");
    let sent = LegacyAVS::new(legacy, env.fork.provider_with(dev_signer(DEPLOYER)))
        .registerOperator(env.wallet(), signature, salt.parse().expect("salt"), expiry.parse().expect("expiry"))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(sent.status());
    let directory = IAVSDirectory::new(mainnet.avs_directory, env.fork.provider());
    assert_eq!(directory.avsOperatorStatus(legacy, env.wallet()).call().await.expect("view"), 1);

    // Rotation with proof of possession, then info.
    let proof = env.ok(&["accept-signer"], Some(DAVE));
    run(
        &env,
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
        [ALICE, BOB],
    );
    let info: serde_json::Value = serde_json::from_str(&env.ok(&["--json", "info"], None)).expect("json");
    assert_eq!(info["chainId"], 1);
    // --network is what chose the address book above: another network's book is refused on this chain.
    let other = std::process::Command::new(crate::harness::BIN)
        .args(["--network", "sepolia", "propose", "bump-epoch", "-o", env.path("x.json").to_str().expect("utf-8")])
        .env("ETH_RPC_URL", env.fork.rpc_url().as_str())
        .env("OPWALLET_WALLET", env.wallet().to_string())
        .env_remove("OPWALLET_ADDRESSES")
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&other.stderr).trim_end(),
        "error: the address book is for chain 11155111 but the RPC is chain 1: pass the book for this chain"
    );
    assert_eq!(info["eigenlayer"]["release"], "1.13.0");
    assert_eq!(info["eigenlayer"]["isOperator"], true);
    assert!(info["signers"].as_array().expect("signers").iter().any(|s| s == &serde_json::json!(addr(DAVE))));
}

/// Real stake: the devnet's staker delegates to the wallet, the wallet allocates half of it to an operator set,
/// the AVS slashes, and EigenLayer's own views show the slashable stake and the slash.
#[tokio::test]
async fn allocated_stake_is_slashable_and_a_slash_moves_it() {
    let mut env = Env::new().await;
    let signers = format!("{},{},{}", addr(ALICE), addr(BOB), addr(CAROL));
    env.wallet =
        Some(env.ok(&["deploy", "--signers", &signers, "--threshold", "2"], Some(DEPLOYER)).trim().parse().expect("w"));
    let run = |env: &Env, file: &str, action: &[&str]| {
        let p = env.propose(file, action);
        env.sign(&p, ALICE);
        env.sign(&p, BOB);
        env.execute(&p)
    };
    // Allocation delay 0, set at registration: it applies at once on this release.
    run(&env, "register.json", &["register-operator", "--metadata-uri", "u", "--allocation-delay", "0"]);
    let book = &env.fork.addresses;
    let strategy = book.extra(STAKE_STRATEGY).expect("strategy");
    let avs = book.extra(OPERATOR_SET_AVS).expect("avs");
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
    let stake = U256::from(params::STAKE);
    assert_eq!(dm.operatorShares(env.wallet(), strategy).call().await.expect("view"), stake);

    run(&env, "sets.json", &["register-operator-sets", "--avs", &avs.to_string(), "--ids", "0"]);
    run(
        &env,
        "allocate.json",
        &[
            "modify-allocations",
            "--avs",
            &avs.to_string(),
            "--id",
            "0",
            "--strategies",
            &strategy.to_string(),
            "--magnitudes",
            "500000000000000000",
        ],
    );
    let am = IAllocationManager::new(book.allocation_manager, env.fork.provider());
    let set = OperatorSet { avs, id: 0 };
    let allocated = am.getAllocatedStake(set.clone(), vec![env.wallet()], vec![strategy]).call().await.expect("view");
    assert_eq!(allocated[0][0], stake / U256::from(2), "half the delegated stake is slashable by set 0");

    // The AVS slashes half of the allocation: the operator's shares fall by a quarter of the stake.
    let slash = OperatorSetAVS::new(avs, env.fork.provider_with(dev_signer(DEPLOYER)))
        .slash(env.wallet(), 0, U256::from(10u64.pow(18) / 2), "test slash".into())
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(slash.status());
    let dm = IDelegationManager::new(book.delegation_manager, env.fork.provider());
    assert_eq!(dm.operatorShares(env.wallet(), strategy).call().await.expect("view"), stake - stake / U256::from(4));
}
