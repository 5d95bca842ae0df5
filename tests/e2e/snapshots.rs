//! Success output as full snapshots: every line compared, with only the values that legitimately vary between
//! runs (a digest that depends on the deadline, a transaction hash) replaced by placeholders.

use opwallet_bindings::OperatorWalletFactory;
use opwallet_devnet::WALLET_FACTORY;

use crate::harness::{ALICE, BOB, CAROL, Env, addr};

fn normalize(text: &str) -> String {
    text.lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("digest     ") {
                assert!(rest.starts_with("0x") && rest.len() == 66, "{l}");
                "digest     <digest>".to_owned()
            } else if l.starts_with("0x") && l.len() == 66 {
                "<transaction>".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn info_status_and_execute_print_exactly_this() {
    let env = Env::with_wallet().await;
    let (w, a, b, c) = (env.wallet(), addr(ALICE), addr(BOB), addr(CAROL));
    let factory =
        OperatorWalletFactory::new(env.fork.addresses.extra(WALLET_FACTORY).expect("factory"), env.fork.provider());
    let implementation = factory.implementation().call().await.expect("view");

    assert_eq!(
        env.ok(&["info"], None),
        format!(
            "wallet     {w}\nchain      31337\nthreshold  2 of 3\nnonce      0\nepoch      0\ncode       known OperatorWallet (implementation {implementation})\nfactory    {} (opwallet's factory, the same on every chain)\nsigners\n  {a}\n  {b}\n  {c}\neigenlayer 1.13.0\n  operator            false\n  delegation approver 0x0000000000000000000000000000000000000000\n  allocation delay    null\n  operator sets       none\n  admins              {w} (the wallet itself)\n  pending admins      none\n",
            factory.address()
        )
    );

    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "https://op.example/m.json"]);
    env.sign(&p, ALICE);
    let status = env.ok(&["status", p.to_str().expect("utf-8")], None);
    assert_eq!(
        crate::without_gas(&normalize(&status)),
        format!(
            "register this wallet as an EigenLayer operator (permanent)\ndigest     <digest>\nthreshold  2 of 3\n  signed  {a}\n  pending {b}\n  pending {c}\nsimulation succeeds, N gas (eth_simulateV1)\nnot ready:\n  - 1 of 2 required signatures: 1 more from {b}, {c}"
        )
    );

    env.sign(&p, BOB);
    let executed = env.execute(&p);
    assert_eq!(
        normalize(&executed),
        format!(
            "<transaction>\n  Executed(nonce 0)\n  OperatorRegistered({w})\n  OperatorMetadataURIUpdated({w}, \"https://op.example/m.json\")"
        )
    );
}
