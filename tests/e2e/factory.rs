//! The factory on real networks (issue 15): opwallet's factory has one address on every chain (the deterministic
//! deployment proxy and the committed init code), so `predict` needs neither a node nor an address book, and
//! `deploy` on a chain without the factory deploys it first through the proxy, then the wallet.

use alloy::{node_bindings::Anvil, providers::Provider};
use opwallet_core::factory;

use crate::harness::{ALICE, BOB, CAROL, DEPLOYER, addr, offline, temp_dir};

/// A bare Anvil with Hoodi's chain id: nothing but the deterministic deployment proxy Anvil has by default, as on a
/// real network where opwallet was never used.
#[tokio::test]
async fn deploy_on_a_chain_without_the_factory_deploys_it_first_and_predict_needs_no_node() {
    let anvil = Anvil::at(opwallet_devnet::anvil_binary().expect("anvil"))
        .host("127.0.0.1")
        .port(0u16)
        .args(["--chain-id", "560048"])
        .try_spawn()
        .expect("anvil");
    let rpc = anvil.endpoint();
    let provider = alloy::providers::ProviderBuilder::new().connect_http(anvil.endpoint_url());
    let canonical = factory::canonical();
    assert!(provider.get_code_at(canonical).await.expect("code").is_empty(), "a bare chain has no factory");
    let dir = temp_dir("factory");
    let mnemonic = dir.join("mnemonic");
    std::fs::write(&mnemonic, "test test test test test test test test test test test junk\n").expect("write");
    let signers = format!("{},{},{}", addr(ALICE), addr(BOB), addr(CAROL));
    let config = ["--signers", signers.as_str(), "--threshold", "2"];

    // No node, no address book: the address is computed as the factory computes it.
    let predict = offline(&[&["--json", "predict"][..], &config].concat(), &[]);
    assert!(predict.status.success(), "{}", String::from_utf8_lossy(&predict.stderr));
    let predicted: serde_json::Value = serde_json::from_slice(&predict.stdout).expect("json");
    assert_eq!(predicted["factory"], serde_json::json!(canonical));

    let index = DEPLOYER.to_string();
    let key = ["--mnemonic-file", mnemonic.to_str().expect("utf-8"), "--mnemonic-index", index.as_str()];
    let deploy = offline(&[&["deploy"][..], &config, &key].concat(), &[("ETH_RPC_URL", rpc.as_str())]);
    let stderr = String::from_utf8_lossy(&deploy.stderr);
    assert!(deploy.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "opwallet's factory is not on chain 560048 yet: deploying it at {canonical} through the deterministic \
             deployment proxy {}",
            factory::DETERMINISTIC_DEPLOYER
        )),
        "{stderr}"
    );
    let wallet = String::from_utf8_lossy(&deploy.stdout).trim().to_owned();
    assert_eq!(predicted["wallet"], serde_json::json!(wallet.parse::<alloy::primitives::Address>().expect("address")));
    assert!(!provider.get_code_at(canonical).await.expect("code").is_empty());

    // A second wallet on the same chain: the factory is there, nothing is said about it.
    let other = offline(
        &[&["deploy"][..], &config, &["--salt", &format!("0x{}", "01".repeat(32))], &key].concat(),
        &[("ETH_RPC_URL", rpc.as_str())],
    );
    assert!(other.status.success(), "{}", String::from_utf8_lossy(&other.stderr));
    assert!(!String::from_utf8_lossy(&other.stderr).contains("deploying it"));

    // `info` confirms the code: a known implementation, made by opwallet's factory.
    let info = offline(&["info", "--wallet", &wallet], &[("ETH_RPC_URL", rpc.as_str())]);
    let shown = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{}", String::from_utf8_lossy(&info.stderr));
    assert!(shown.contains("code       known OperatorWallet"), "{shown}");
    assert!(
        shown.contains(&format!("factory    {canonical} (opwallet's factory, the same on every chain)")),
        "{shown}"
    );

    // A --factory with no code is refused, not deployed.
    let nowhere = offline(
        &[&["deploy"][..], &config, &["--factory", "0x00000000000000000000000000000000000f00d5"], &key].concat(),
        &[("ETH_RPC_URL", rpc.as_str())],
    );
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&nowhere.stderr).contains(
            "no contract at --factory 0x00000000000000000000000000000000000f00D5 on chain 560048: drop --factory"
        ),
        "{}",
        String::from_utf8_lossy(&nowhere.stderr)
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// A chain without the deterministic deployment proxy: refused in words, nothing sent.
#[tokio::test]
async fn a_chain_without_the_deployment_proxy_is_refused_in_words() {
    let anvil = Anvil::at(opwallet_devnet::anvil_binary().expect("anvil"))
        .host("127.0.0.1")
        .port(0u16)
        .args(["--chain-id", "4242", "--disable-default-create2-deployer"])
        .try_spawn()
        .expect("anvil");
    let dir = temp_dir("no-proxy");
    let mnemonic = dir.join("mnemonic");
    std::fs::write(&mnemonic, "test test test test test test test test test test test junk\n").expect("write");
    let signers = format!("{},{}", addr(ALICE), addr(BOB));
    let index = DEPLOYER.to_string();
    let out = offline(
        &[
            "deploy",
            "--signers",
            &signers,
            "--threshold",
            "1",
            "--mnemonic-file",
            mnemonic.to_str().expect("utf-8"),
            "--mnemonic-index",
            &index,
        ],
        &[("ETH_RPC_URL", anvil.endpoint().as_str())],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: chain 4242 has no deterministic deployment proxy at {}",
            factory::DETERMINISTIC_DEPLOYER
        )),
        "{stderr}"
    );
    let provider = alloy::providers::ProviderBuilder::new().connect_http(anvil.endpoint_url());
    assert_eq!(provider.get_transaction_count(addr(DEPLOYER)).await.expect("nonce"), 0, "nothing was sent");
    std::fs::remove_dir_all(&dir).expect("clean up");
}
