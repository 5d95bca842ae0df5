//! BLS AVS keys end to end: `keys new --bls` makes a key from OS randomness, `propose register-operator-sets
//! --bls-keystore` has it sign the AVS coordinator's message for the wallet, and the executed proposal registers
//! the key in eigenlayer-middleware's own BLSApkRegistry (real bytecode) through real EigenLayer.

use alloy::primitives::B256;
use opwallet_devnet::{
    BLS_APK_REGISTRY, BLS_AVS, OPERATOR_SET_AVS,
    contracts::{BLSAVS, IBLSApkRegistry},
};

use crate::harness::{ALICE, BOB, Env};

#[tokio::test]
async fn a_bls_key_made_here_registers_with_a_bls_avs_through_the_wallet() {
    let env = Env::with_wallet().await;
    let register = env.propose("register.json", &["register-operator", "--metadata-uri", "bls"]);
    env.sign(&register, ALICE);
    env.sign(&register, BOB);
    env.execute(&register);

    let keys = env.path("operator_keys");
    let password = env.path("bls-password");
    std::fs::write(&password, "a strong bls password\n").expect("write");
    let (keys_dir, password_file) = (keys.to_str().expect("utf-8"), password.to_str().expect("utf-8"));
    let made =
        env.ok(&["keys", "new", "--bls", "--name", "avs", "--dir", keys_dir, "--password-file", password_file], None);
    let pubkey = made.trim().to_owned();
    assert!(pubkey.starts_with("E([") && pubkey.ends_with("])"), "{pubkey}");
    let keystore = keys.join("avs.bls.key.json");
    let keystore = keystore.to_str().expect("utf-8");
    let from_file = format!("file:{password_file}");

    let bls_avs = env.fork.addresses.extra(BLS_AVS).expect("BLS AVS").to_string();
    let out = env.path("bls.json");
    let propose_with = |wallet: Option<&str>, avs: &str, keystore: &str, password: &str, out: &str| {
        let mut args = wallet.map(|w| vec!["--wallet", w]).unwrap_or_default();
        args.extend_from_slice(&[
            "propose",
            "register-operator-sets",
            "--avs",
            avs,
            "--ids",
            "0",
            "--bls-keystore",
            keystore,
            "--bls-password",
            password,
            "--socket",
            "node.operator.example:9000",
            "-o",
            out,
        ]);
        env.run(&args, None)
    };
    let propose = |avs: &str, password: &str| propose_with(None, avs, keystore, password, out.to_str().expect("utf-8"));
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).trim_end().to_owned();

    // Errors that name the fix, and no proposal file written.
    let wrong = env.path("wrong");
    std::fs::write(&wrong, "not it\n").expect("write");
    let o = propose(&bls_avs, &format!("file:{}", wrong.display()));
    assert_eq!(stderr(&o), format!("error: wrong password for BLS keystore {keystore}"));
    let o = propose(&bls_avs, "env:OPWALLET_TEST_UNSET_BLS");
    assert_eq!(stderr(&o), "error: environment variable OPWALLET_TEST_UNSET_BLS (the keystore password) is not set");
    let o = propose(&bls_avs, "password123");
    assert_eq!(
        stderr(&o),
        "error: --bls-password `password123`: expected env:VAR, file:PATH, vault:MOUNT/PATH#FIELD or aws:SECRET_ID[#FIELD]"
    );
    let plain = env.fork.addresses.extra(OPERATOR_SET_AVS).expect("AVS").to_string();
    let o = propose(&plain, &from_file);
    assert_eq!(
        stderr(&o),
        format!(
            "error: the registrar of {plain} ({plain}) is not an EigenLayer middleware registry coordinator (it has no \
             pubkeyRegistrationMessageHash), so it takes no BLS key: drop --bls-keystore and pass the AVS's own --data"
        )
    );
    assert!(!out.exists(), "a failed proposal wrote a file");

    // The real thing: proposed, signed by two signers, executed.
    let o = propose(&bls_avs, &from_file);
    assert!(o.status.success(), "{}", stderr(&o));
    env.sign(&out, ALICE);
    env.sign(&out, BOB);
    env.execute(&out);

    let registry =
        IBLSApkRegistry::new(env.fork.addresses.extra(BLS_APK_REGISTRY).expect("registry"), env.fork.provider());
    let stored = registry.getRegisteredPubkey(env.wallet()).call().await.expect("the wallet's key is registered");
    assert_eq!(format!("E([{},{}])", stored._0.X, stored._0.Y), pubkey);
    assert_ne!(stored._1, B256::ZERO);
    // `keys bls-pubkey` prints what the registry now holds (G2 as the EVM orders it).
    let shown: serde_json::Value = serde_json::from_str(
        &env.ok(&["--json", "keys", "bls-pubkey", "--bls-keystore", keystore, "--bls-password", &from_file], None),
    )
    .expect("json");
    let g2 = registry.getOperatorPubkeyG2(env.wallet()).call().await.expect("view");
    let number = |v: &serde_json::Value| v.as_str().expect("hex").parse::<alloy::primitives::U256>().expect("U256");
    assert_eq!([number(&shown["pubkeyG2"]["X"][0]), number(&shown["pubkeyG2"]["X"][1])], g2.X);
    assert_eq!([number(&shown["pubkeyG2"]["Y"][0]), number(&shown["pubkeyG2"]["Y"][1])], g2.Y);
    assert_eq!([number(&shown["pubkeyG1"]["X"]), number(&shown["pubkeyG1"]["Y"])], [stored._0.X, stored._0.Y]);
    assert_eq!(shown["operatorId"].as_str().expect("id").parse::<B256>().expect("B256"), stored._1);

    let avs = BLSAVS::new(bls_avs.parse().expect("address"), env.fork.provider());
    assert_eq!(avs.socket(env.wallet()).call().await.expect("view"), "node.operator.example:9000");
    assert_eq!(avs.operatorId(env.wallet()).call().await.expect("view"), stored._1);

    // A second key for the same wallet would be ignored by the coordinator: refused, saying which key counts.
    env.ok(&["keys", "new", "--bls", "--name", "other", "--dir", keys_dir, "--password-file", password_file], None);
    let other = keys.join("other.bls.key.json");
    let again = env.path("again.json");
    let o = propose_with(None, &bls_avs, other.to_str().expect("utf-8"), &from_file, again.to_str().expect("utf-8"));
    assert!(
        stderr(&o).contains(&format!("already registered another BLS key (operator id {})", stored._1)),
        "{}",
        stderr(&o)
    );

    // Another operator (a second wallet) presenting the first wallet's key: refused, naming the owner.
    let second =
        env.ok(&["deploy", "--signers", &crate::harness::addr(ALICE).to_string(), "--threshold", "1"], Some(0));
    let second = second.trim();
    let p = env.path("second.json");
    let p_str = p.to_str().expect("utf-8");
    env.ok(&["--wallet", second, "propose", "register-operator", "--metadata-uri", "two", "-o", p_str], None);
    env.ok(&["--wallet", second, "sign", p_str, "--yes"], Some(ALICE));
    env.ok(&["--wallet", second, "execute", p_str], Some(0));
    let stolen = env.path("stolen.json");
    let o = propose_with(Some(second), &bls_avs, keystore, &from_file, stolen.to_str().expect("utf-8"));
    assert_eq!(
        stderr(&o),
        format!(
            "error: this BLS key (operator id {}) is already registered to {} with {bls_avs}'s registry: each \
             operator needs its own key (opwallet keys new --bls)",
            stored._1,
            env.wallet()
        )
    );
}
