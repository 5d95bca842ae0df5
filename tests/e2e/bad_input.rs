//! Bad input: every case gets one specific error line naming what to fix, exit code 1, nothing on stdout,
//! nothing sent on-chain, no file created and no proposal file changed. Stderr is compared whole, warnings
//! included (a usage error: its first line, clap's message).

use alloy::providers::Provider;

use crate::harness::{ALICE, BOB, CAROL, DEPLOYER, Env, addr};

struct Case {
    name: &'static str,
    args: Vec<String>,
    key: Option<u32>,
    expected: String,
    /// 1 for a failure, 2 for a usage error (a malformed value: clap's message, whose first line is compared).
    exit: i32,
}

fn case(name: &'static str, args: &[&str], key: Option<u32>, expected: &str) -> Case {
    Case { name, args: args.iter().map(|s| s.to_string()).collect(), key, expected: expected.to_owned(), exit: 1 }
}

/// A malformed value: a usage error (exit 2).
fn usage(name: &'static str, args: &[&str], key: Option<u32>, expected: &str) -> Case {
    Case { exit: 2, ..case(name, args, key, expected) }
}

/// Every file under `dir`, recursively.
fn files(dir: &std::path::Path) -> std::collections::BTreeSet<std::path::PathBuf> {
    let mut out = std::collections::BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path.clone());
            }
            out.insert(path);
        }
    }
    out
}

#[tokio::test]
async fn bad_input_gets_a_specific_error_and_changes_nothing() {
    let env = Env::with_wallet().await;
    let dir = env.dir.to_str().expect("utf-8").to_owned();
    let d = |name: &str| format!("{dir}/{name}");
    let (a, b, c) = (addr(ALICE).to_string(), addr(BOB).to_string(), addr(CAROL).to_string());
    let w = env.wallet().to_string();
    let three = format!("{a},{b},{c}");

    // Fixtures: a signed proposal that must survive every failure, garbage files, a keystore.
    let proposal = env.propose("keep.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&proposal, ALICE);
    let proposal_bytes = std::fs::read(&proposal).expect("read");
    let p = proposal.to_str().expect("utf-8").to_owned();
    std::fs::write(d("garbage.json"), "{ not json").expect("write");
    std::fs::write(d("not-a-key"), "hello\n").expect("write");
    std::fs::write(d("password"), "right\n").expect("write");
    std::fs::write(d("wrong-password"), "wrong\n").expect("write");
    let keystore_dir = d("keystores");
    let status = std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/.bin/cast"))
        .args(["wallet", "import", "k", "--keystore-dir", &keystore_dir, "--unsafe-password", "right", "--private-key"])
        .arg(alloy::primitives::hex::encode_prefixed(opwallet_devnet::dev_signer(8).to_bytes()))
        .output()
        .expect("cast runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let keystore = format!("{keystore_dir}/k");
    let message = env.propose(
        "message.json",
        &["avs-registration", "--avs", &a, "--salt", &format!("0x{}", "11".repeat(32)), "--expiry", "99999999999"],
    );
    let m = message.to_str().expect("utf-8").to_owned();
    let nonce_before = env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce");

    let cases = vec![
        case(
            "malformed signer address",
            &["deploy", "--signers", "0xabc", "--threshold", "1"],
            Some(DEPLOYER),
            "error: --signers `0xabc` is not an address (expected 0x followed by 40 hex digits)",
        ),
        case(
            "duplicate signers",
            &["deploy", "--signers", &format!("{a},{a}"), "--threshold", "1"],
            Some(DEPLOYER),
            &format!("error: --signers lists {a} twice: each signer may appear once"),
        ),
        case(
            "threshold above signers",
            &["deploy", "--signers", &three, "--threshold", "4"],
            Some(DEPLOYER),
            "error: --threshold 4 is not reachable with 3 signers: choose 1..=3",
        ),
        case(
            "threshold zero",
            &["deploy", "--signers", &three, "--threshold", "0"],
            Some(DEPLOYER),
            "error: --threshold 0 is not reachable with 3 signers: choose 1..=3",
        ),
        case(
            "precompile signer",
            &["deploy", "--signers", "0x0000000000000000000000000000000000000004", "--threshold", "1"],
            Some(DEPLOYER),
            "error: --signers: 0x0000000000000000000000000000000000000004 is the zero address or a precompile and can never sign",
        ),
        case(
            "malformed salt",
            &["deploy", "--signers", &three, "--threshold", "2", "--salt", "0x12"],
            Some(DEPLOYER),
            "error: --salt `0x12` is not 32 bytes of hex",
        ),
        case(
            "no signer chosen",
            &["deploy", "--signers", &three, "--threshold", "2"],
            None,
            "error: choose a signer: one of --private-key-env, --private-key-file, --keystore, --keystore-vault, --keystore-aws-secret, --account, --mnemonic-file, --ledger, --aws-kms-key, --web3signer-url, --fireblocks-vault-account",
        ),
        case(
            "two signers chosen",
            &["deploy", "--signers", &three, "--threshold", "2", "--private-key-env", "X"],
            Some(DEPLOYER),
            "error: choose one signer: several of --private-key-env, --private-key-file, --keystore, --keystore-vault, --keystore-aws-secret, --account, --mnemonic-file, --ledger, --aws-kms-key, --web3signer-url, --fireblocks-vault-account were given",
        ),
        case(
            "unset key variable",
            &["accept-signer", "--private-key-env", "OPWALLET_TEST_UNSET"],
            None,
            "error: environment variable OPWALLET_TEST_UNSET (the private key) is not set",
        ),
        case(
            "missing key file",
            &["accept-signer", "--private-key-file", &d("missing-key")],
            None,
            &format!(
                "error: cannot read the private key from {}: No such file or directory (os error 2)",
                d("missing-key")
            ),
        ),
        case(
            "key file without a key",
            &["accept-signer", "--private-key-file", &d("not-a-key")],
            None,
            &format!("error: {} does not hold a private key: expected 32 bytes of hex", d("not-a-key")),
        ),
        case(
            "missing keystore",
            &["accept-signer", "--keystore", &d("missing.json"), "--password-file", &d("password")],
            None,
            &format!("error: keystore {} does not exist", d("missing.json")),
        ),
        case(
            "wrong keystore password",
            &["accept-signer", "--keystore", &keystore, "--password-file", &d("wrong-password")],
            None,
            &format!("error: wrong password for keystore {keystore}"),
        ),
        case(
            "unknown Foundry account",
            &["accept-signer", "--account", "nobody"],
            None,
            &format!(
                "error: no Foundry account `nobody` ({dir}/home/.foundry/keystores/nobody does not exist; `cast wallet import nobody` creates it)"
            ),
        ),
        case(
            "missing mnemonic file",
            &["accept-signer", "--mnemonic-file", &d("missing-mnemonic")],
            None,
            &format!(
                "error: cannot read the mnemonic from {}: No such file or directory (os error 2)",
                d("missing-mnemonic")
            ),
        ),
        case(
            "unknown network",
            &["predict", "--signers", &three, "--threshold", "2", "--network", "moon"],
            None,
            "error: malformed input: unknown network `moon` (known: holesky, hoodi, mainnet, sepolia)",
        ),
        case(
            "address book not JSON",
            &["predict", "--signers", &three, "--threshold", "2", "--addresses", &d("garbage.json")],
            None,
            &format!("error: {}: not JSON: key must be a string at line 1 column 3", d("garbage.json")),
        ),
        case(
            "malformed RPC URL",
            &["info", "--rpc-url", "not a url"],
            None,
            "error: --rpc-url is not a URL: relative URL without a base (the value is not repeated here: RPC URLs often hold an API key)",
        ),
        case(
            "malformed wallet",
            &["info", "--wallet", "0x123"],
            None,
            "error: --wallet `0x123` is not an address (expected 0x followed by 40 hex digits)",
        ),
        case(
            "wallet is an EOA",
            &["info", "--wallet", &a],
            None,
            &format!("error: no contract at {a}: deploy the wallet first (`opwallet deploy`)"),
        ),
        case(
            "non-signer signs",
            &["sign", &p, "--yes"],
            Some(DEPLOYER),
            &format!("error: {} is not a signer of {w}: nothing was signed", addr(DEPLOYER)),
        ),
        case(
            "sign without confirmation",
            &["sign", &p],
            Some(BOB),
            "error: refusing to sign without confirmation: run in a terminal, or pass --yes",
        ),
        case(
            "proposal file not JSON",
            &["sign", &d("garbage.json"), "--yes"],
            Some(BOB),
            &format!("error: {}: not a proposal file: key must be a string at line 1 column 3", d("garbage.json")),
        ),
        case(
            "missing proposal file",
            &["status", &d("nope.json")],
            None,
            &format!("error: {}: No such file or directory (os error 2)", d("nope.json")),
        ),
        case(
            "proposal would overwrite a file",
            &["propose", "bump-epoch", "-o", &p],
            None,
            &format!("error: {p} already exists: it may hold collected signatures; choose another -o"),
        ),
        case(
            "adding an existing signer",
            &["propose", "add-signer", "--signer", &b, "--proof", "0x", "--threshold", "2", "-o", &d("x.json")],
            None,
            &format!("error: {b} is already a signer"),
        ),
        case(
            "replacing with a bad proof",
            &[
                "propose",
                "replace-signer",
                "--old",
                &c,
                "--new",
                &addr(9).to_string(),
                "--proof",
                &format!("0x{}", "22".repeat(65)),
                "-o",
                &d("x.json"),
            ],
            None,
            &format!(
                "error: the proof is not {}'s acceptance for {w} at its current epoch: have {} run `opwallet accept-signer` (a proof made before the wallet's last change is void)",
                addr(9),
                addr(9)
            ),
        ),
        case(
            "expiry in the past",
            &[
                "propose",
                "avs-registration",
                "--avs",
                &a,
                "--salt",
                &format!("0x{}", "33".repeat(32)),
                "--expiry",
                "1",
                "-o",
                &d("x.json"),
            ],
            None,
            "error: --expiry 1 is in the past: EigenLayer would refuse the signature",
        ),
        usage(
            "malformed value",
            &["propose", "call", "--to", &a, "--value", "ten", "-o", &d("x.json")],
            None,
            "error: invalid value 'ten' for '--value <VALUE>': not an amount in wei",
        ),
        usage(
            "malformed calldata",
            &["propose", "call", "--to", &a, "--data", "0xzz", "--raw", "-o", &d("x.json")],
            None,
            "error: invalid value '0xzz' for '--data <DATA>': not hex bytes (expected 0x…)",
        ),
        case(
            "executing below threshold",
            &["execute", &p],
            Some(DEPLOYER),
            &format!("error: not executed, nothing was sent:\n  - 1 of 2 required signatures: 1 more from {b}, {c}"),
        ),
        case(
            "signature of an execution proposal",
            &["signature", &p],
            None,
            &format!("error: {p} is an execution proposal: use `opwallet execute`"),
        ),
        case(
            "signature below threshold",
            &["signature", &m],
            None,
            &format!("error: no signature produced:\n  - 0 of 2 required signatures: 2 more from {a}, {b}, {c}"),
        ),
        case(
            "malformed hash",
            &["check-signature", "--hash", "0x01", "--signature", "0x"],
            None,
            "error: --hash `0x01` is not 32 bytes of hex",
        ),
    ];

    let home = format!("{dir}/home");
    std::fs::create_dir_all(&home).expect("home");
    let mut failures = Vec::new();
    for c in &cases {
        let mut cmd = std::process::Command::new(crate::harness::BIN);
        cmd.args(&c.args)
            .env("HOME", &home)
            .env("ETH_RPC_URL", env.fork.rpc_url().as_str())
            .env("OPWALLET_ADDRESSES", &env.book)
            .env("OPWALLET_WALLET", &w)
            .env_remove("OPWALLET_TEST_UNSET")
            .stdin(std::process::Stdio::null());
        if c.args.iter().any(|a| a == "--addresses" || a == "--network") {
            cmd.env_remove("OPWALLET_ADDRESSES");
        }
        if let Some(i) = c.key {
            cmd.arg("--mnemonic-file").arg(&env.mnemonic).arg("--mnemonic-index").arg(i.to_string());
        }
        let before = files(&env.dir);
        let out = cmd.output().expect("runs");
        let created: Vec<_> = files(&env.dir).difference(&before).cloned().collect();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let got = stderr.lines().take(if c.exit == 2 { 1 } else { usize::MAX }).collect::<Vec<_>>().join("\n");
        if !created.is_empty() {
            failures.push(format!("{}: created {created:?}", c.name));
        }
        if out.status.code() != Some(c.exit) || !out.stdout.is_empty() || got != c.expected {
            failures.push(format!(
                "{}: exit {:?}, stdout {:?}\n  expected: {}\n  got:      {}",
                c.name,
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                c.expected,
                got
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));

    assert_eq!(std::fs::read(&proposal).expect("read"), proposal_bytes, "a failing command changed the proposal file");
    assert_eq!(
        env.fork.provider().get_transaction_count(addr(DEPLOYER)).await.expect("nonce"),
        nonce_before,
        "something was sent"
    );
}
