//! Signer backends end to end: Web3Signer (remote, typed data), keystores whose password lives in Vault, keys created
//! from OS randomness, and one wallet whose three signers each keep their key somewhere else.

use alloy::primitives::Address;
use opwallet_bindings::eigenlayer::IDelegationManager;
use opwallet_devnet::dev_signer;

use crate::{
    doubles,
    harness::{ALICE, BOB, CAROL, DEPLOYER, Env, addr},
};

#[tokio::test]
async fn web3signer_signs_proposals_and_proofs_with_typed_data() {
    let env = Env::with_wallet().await;
    let url = doubles::web3signer(vec![dev_signer(ALICE)], Some("s3cret"));
    let remote = [
        "--web3signer-url",
        url.as_str(),
        "--web3signer-address",
        &addr(ALICE).to_string(),
        "--web3signer-token-env",
        "W3S_TOKEN",
    ];
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "w3s"]);
    let file = p.to_str().expect("utf-8");

    let run = |args: &[&str], token: &str| env.run_with(args, None, &[("W3S_TOKEN", token)]);
    // Wrong token: the service's refusal, named.
    let refused = run(&[&["sign", file, "--yes"][..], &remote].concat(), "wrong");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("refused the request (401 Unauthorized): check the bearer token")
    );
    // A key the signer does not hold: refused before anything is signed.
    let other = [
        "--web3signer-url",
        url.as_str(),
        "--web3signer-address",
        &addr(7).to_string(),
        "--web3signer-token-env",
        "W3S_TOKEN",
    ];
    let unknown = run(&[&["sign", file, "--yes"][..], &other].concat(), "s3cret");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains(&format!("holds no key for {}", addr(7))));

    let ok = run(&[&["sign", file, "--yes"][..], &remote].concat(), "s3cret");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    // A Web3Signer key signs proposals; it is not offered as a transaction sender.
    let send = run(&[&["execute", file][..], &remote].concat(), "s3cret");
    assert_eq!(
        String::from_utf8_lossy(&send.stderr).trim_end(),
        "error: a Web3Signer key signs proposals only: send transactions with a local key, a Ledger (--ledger) or \
         an AWS KMS key (--aws-kms-key)"
    );
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));

    // Web3Signer's own refusal: its --http-host-allowlist does not name the host in the URL.
    let strict = doubles::web3signer_allowing(vec![dev_signer(ALICE)], &["signer.internal"]);
    let host = env.fails(
        &["sign", file, "--yes", "--web3signer-url", &strict, "--web3signer-address", &addr(ALICE).to_string()],
        None,
    );
    assert_eq!(
        host.trim_end(),
        format!(
            "error: web3signer at {strict}/ does not accept the host name `127.0.0.1` (403 Host not authorized): add \
             it to Web3Signer's --http-host-allowlist, or use a URL with a host name it allows"
        )
    );

    // An unreachable signer fails fast with its URL.
    let down = run(
        &[
            "sign",
            file,
            "--yes",
            "--web3signer-url",
            "http://127.0.0.1:9",
            "--web3signer-address",
            &addr(ALICE).to_string(),
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&down.stderr).contains("web3signer at http://127.0.0.1:9/ unreachable"));
}

/// The Web3Signer double answers as Web3Signer's handler does (its source, /work/research/services.md §1): typed data
/// as a JSON string is signed; as an object (what opwallet sent before) it fails with 500 Internal error on every
/// release before 25.9.0; bad parameters are 400, an unknown address 200 with -32000. Its hashing (web3j's rules,
/// written independently of alloy) agrees with alloy's on opwallet's own types.
#[test]
fn web3signer_double_answers_as_its_handler_does() {
    use alloy::{primitives::U256, signers::SignerSync};
    use opwallet_core::{eip712, proposal::ProposedCall};
    let key = dev_signer(ALICE);
    let url = doubles::web3signer(vec![key.clone()], None);
    let rpc = |params: serde_json::Value| -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 7, "method": "eth_signTypedData", "params": params });
        let (status, text) =
            doubles::http(&url, "POST", "/", &[("content-type", "application/json")], &body.to_string());
        (status, serde_json::from_str(&text).expect("JSON"))
    };
    let proposal = opwallet_core::proposal::Proposal::execute(
        31337,
        addr(BOB),
        3,
        9,
        2_000_000_000,
        0,
        vec![ProposedCall {
            target: addr(CAROL),
            value: U256::from(5),
            data: vec![0xab, 0xcd].into(),
            function: None,
            preimage: None,
        }],
    );
    let typed = serde_json::to_value(&proposal.typed_data).expect("json");
    let text = typed.to_string();
    let me = addr(ALICE).to_string();

    // A string: the standard EIP-712 digest signed, r ‖ s ‖ v with v 27/28, no prefix.
    let (status, answer) = rpc(serde_json::json!([me.to_lowercase(), text]));
    assert_eq!(status, 200, "{answer}");
    let signature: alloy::primitives::Bytes = answer["result"].as_str().expect("a signature").parse().expect("hex");
    assert!(matches!(signature[64], 27 | 28), "{signature}");
    assert_eq!(
        signature,
        alloy::primitives::Bytes::from(key.sign_hash_sync(&proposal.hashes.digest).expect("sign").as_bytes().to_vec())
    );
    assert_eq!(crate::web3j::digest(&text).ok(), Some(proposal.hashes.digest), "web3j's rules and alloy agree");
    let accept = eip712::typed_data(&eip712::AcceptSigner { signer: addr(CAROL) }, &eip712::domain(1, addr(BOB), 0));
    let accept_digest = accept.eip712_signing_hash().expect("hash");
    assert_eq!(crate::web3j::digest(&serde_json::to_string(&accept).expect("json")).ok(), Some(accept_digest));

    let error =
        |status: u16, code: i64, message: &str| (status, serde_json::json!({ "code": code, "message": message }));
    let got = |(status, answer): (u16, serde_json::Value)| (status, answer["error"].clone());
    // An object, as opwallet sent it until Web3Signer 25.9.0 was the only release it worked with.
    assert_eq!(got(rpc(serde_json::json!([me, typed]))), error(500, -32603, "Internal error"));
    // web3j needs EIP712Domain in types (500), and refuses fields it does not know (400).
    let mut no_domain_type = typed.clone();
    no_domain_type["types"].as_object_mut().expect("types").remove("EIP712Domain");
    assert_eq!(got(rpc(serde_json::json!([me, no_domain_type.to_string()]))), error(500, -32603, "Internal error"));
    let mut extra = typed.clone();
    extra["domain"]["extra"] = serde_json::json!("x");
    assert_eq!(got(rpc(serde_json::json!([me, extra.to_string()]))), error(400, -32602, "Invalid params"));
    // A uint as hex without 0x cannot be converted (500).
    let mut bad_uint = typed.clone();
    bad_uint["message"]["nonce"] = serde_json::json!("ff");
    assert_eq!(got(rpc(serde_json::json!([me, bad_uint.to_string()]))), error(500, -32603, "Internal error"));
    assert_eq!(got(rpc(serde_json::json!([me]))), error(400, -32602, "Invalid params"));
    assert_eq!(got(rpc(serde_json::json!([me, "{ not json"]))), error(400, -32602, "Invalid params"));
    assert_eq!(
        got(rpc(serde_json::json!([addr(7).to_string(), text]))),
        error(200, -32000, "No unlocked account matches the Sender")
    );
    // eth_accounts: lowercase and sorted; parameters refused.
    let accounts = |params: &str| {
        doubles::http(
            &url,
            "POST",
            "/",
            &[],
            &format!(r#"{{"jsonrpc":"2.0","id":1,"method":"eth_accounts","params":{params}}}"#),
        )
    };
    let (status, listed) = accounts("[]");
    assert_eq!(
        (status, serde_json::from_str::<serde_json::Value>(&listed).expect("json")["result"].clone()),
        (200, serde_json::json!([me.to_lowercase()]))
    );
    assert_eq!(accounts("[1]").0, 400);
    // The Host allow-list.
    let (status, body) = doubles::http(&url, "GET", "/upcheck", &[("host", "evil.example")], "");
    assert_eq!((status, body.as_str()), (403, r#"{"message":"Host not authorized."}"#));
}

/// Web3Signer behind TLS with client authentication (its `--tls-allow-ca-clients`), on a private PKI: the CA
/// must be trusted and a client certificate presented, or the connection fails before anything is signed.
#[tokio::test]
async fn web3signer_over_mutual_tls_with_a_private_ca() {
    let env = Env::with_wallet().await;
    let pki = doubles::TestPki::new();
    let url = doubles::web3signer_tls(vec![dev_signer(ALICE)], &pki);
    let (ca, client) = (env.path("ca.pem"), env.path("client.pem"));
    std::fs::write(&ca, &pki.ca_pem).expect("write");
    std::fs::write(&client, &pki.client_pem).expect("write");
    let (ca, client) = (ca.to_str().expect("utf-8"), client.to_str().expect("utf-8"));
    let p = env.propose("tls.json", &["register-operator", "--metadata-uri", "tls"]);
    let file = p.to_str().expect("utf-8");
    let alice = addr(ALICE).to_string();
    let sign = |tls: &[&str]| {
        let mut args = vec!["sign", file, "--yes", "--web3signer-url", &url, "--web3signer-address", &alice];
        args.extend_from_slice(tls);
        env.run(&args, None)
    };
    let before = std::fs::read(&p).expect("read");
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    // The server's certificate is from a CA nobody trusts yet.
    let o = sign(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("web3signer at {url}/ unreachable")), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid peer certificate: UnknownIssuer"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--web3signer-ca-cert trusts a private CA"), "{}", stderr(&o));
    // Trusted, but no client certificate: the server ends the handshake.
    let o = sign(&["--web3signer-ca-cert", ca]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("web3signer at {url}/ unreachable")), "{}", stderr(&o));
    assert!(stderr(&o).contains("received fatal alert: CertificateRequired"), "{}", stderr(&o));
    // A file that is not a certificate and key, named.
    let o = sign(&["--web3signer-ca-cert", ca, "--web3signer-client-cert", ca]);
    assert!(
        stderr(&o).contains(&format!("{ca} does not hold a PEM client certificate and its private key")),
        "{}",
        stderr(&o)
    );
    // TLS options on a plain-http URL would be silently ignored: refused instead.
    let o = env.run(
        &[
            "sign",
            file,
            "--yes",
            "--web3signer-url",
            "http://127.0.0.1:9",
            "--web3signer-address",
            &alice,
            "--web3signer-ca-cert",
            ca,
        ],
        None,
    );
    assert!(stderr(&o).contains("is not https, so its TLS options would be ignored"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&p).expect("read"), before, "a failed signature changed the proposal");

    let o = sign(&["--web3signer-ca-cert", ca, "--web3signer-client-cert", client]);
    assert!(o.status.success(), "{}", stderr(&o));
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
}

#[tokio::test]
async fn keys_new_with_a_vault_password_then_signs_through_vault() {
    let env = Env::new().await;
    let (vault, store) = doubles::vault("root-token");
    let dir = env.path("keys");
    let reference = "secret/opwallet/carol#password";
    let with_vault = |args: &[&str], token: &str| {
        env.run_with(args, None, &[("VAULT_ADDR", vault.as_str()), ("VAULT_TOKEN", token)])
    };
    let created = with_vault(
        &["keys", "new", "--dir", dir.to_str().expect("utf-8"), "--name", "carol", "--store-password-vault", reference],
        "root-token",
    );
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let carol: Address = String::from_utf8_lossy(&created.stdout).trim().parse().expect("stdout is only the address");
    // The password went to Vault, never to the terminal.
    let stored = store.lock().expect("lock")["secret/opwallet/carol"]["password"].as_str().expect("stored").to_owned();
    assert_eq!(stored.len(), 64);
    assert!(!String::from_utf8_lossy(&created.stderr).contains(&stored));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(dir.join("carol")).expect("keystore").permissions().mode() & 0o777, 0o600);
    }

    // Mixed wallet: alice (local mnemonic), bob (Web3Signer), carol (keystore, password in Vault), 3-of-3.
    let w3s = doubles::web3signer(vec![dev_signer(BOB)], None);
    let signers = format!("{},{},{carol}", addr(ALICE), addr(BOB));
    let wallet = env.ok(&["deploy", "--signers", &signers, "--threshold", "3"], Some(DEPLOYER));
    let wallet = wallet.trim();
    let p = env.path("mixed.json");
    let file = p.to_str().expect("utf-8");
    env.ok(&["--wallet", wallet, "propose", "register-operator", "--metadata-uri", "mixed", "-o", file], None);
    env.ok(&["--wallet", wallet, "sign", file, "--yes"], Some(ALICE));
    env.ok(
        &[
            "--wallet",
            wallet,
            "sign",
            file,
            "--yes",
            "--web3signer-url",
            &w3s,
            "--web3signer-address",
            &addr(BOB).to_string(),
        ],
        None,
    );
    let keystore = dir.join("carol");
    let carol_args = [
        "--wallet",
        wallet,
        "sign",
        file,
        "--yes",
        "--keystore",
        keystore.to_str().expect("utf-8"),
        "--password-vault",
        reference,
    ];
    let denied = with_vault(&carol_args, "not-the-token");
    assert!(String::from_utf8_lossy(&denied.stderr).contains("vault refused secret/opwallet/carol: permission denied"));

    // Carol's keystore itself moves into Vault (as a JSON object), leaving no key material on her disk.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&keystore).expect("keystore")).expect("json");
    store.lock().expect("lock").insert("secret/opwallet/carol-keystore".into(), serde_json::json!({ "json": json }));
    std::fs::remove_file(&keystore).expect("remove");
    let from_vault = |keystore_ref: &str| {
        with_vault(
            &[
                "--wallet",
                wallet,
                "sign",
                file,
                "--yes",
                "--keystore-vault",
                keystore_ref,
                "--password-vault",
                reference,
            ],
            "root-token",
        )
    };
    let not_a_keystore = from_vault(reference);
    assert_eq!(
        String::from_utf8_lossy(&not_a_keystore.stderr).trim_end(),
        format!("error: the secret in vault {reference} is not a keystore (expected Web3 v3 keystore JSON)")
    );
    let signed = from_vault("secret/opwallet/carol-keystore#json");
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    env.ok(&["--wallet", wallet, "execute", file], Some(DEPLOYER));
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(wallet.parse().expect("address")).call().await.expect("view"));
}

/// A fresh RSA API secret for this run (openssl) in `dir`, never committed: (secret PEM path, public PEM).
fn fireblocks_secret(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let secret = dir.join("fireblocks.pem");
    let public = dir.join("fireblocks.pub");
    for args in [
        vec!["genrsa", "-traditional", "-out", secret.to_str().expect("utf-8"), "2048"],
        vec!["rsa", "-in", secret.to_str().expect("utf-8"), "-pubout", "-out", public.to_str().expect("utf-8")],
    ] {
        let out = std::process::Command::new("openssl").args(&args).output().expect("openssl runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    (secret, std::fs::read_to_string(&public).expect("pub"))
}

/// Vault KV v2 answers as Vault does (research/services.md §4): a store onto a KV v1 mount (which answers 204 and
/// ignores check-and-set) is refused in words, a secret whose latest version was deleted gets a new version
/// instead of failing check-and-set forever, and a write raced by another client is refused with nothing
/// overwritten. No keystore is left behind by a refused store.
#[test]
fn vault_stores_only_with_check_and_set_on_kv_v2() {
    let dir = crate::harness::temp_dir("vault");
    let keys = dir.to_str().expect("utf-8");
    let keys_new = |url: &str, name: &str, reference: &str| {
        crate::harness::offline(
            &["keys", "new", "--dir", keys, "--name", name, "--store-password-vault", reference],
            &[("VAULT_ADDR", url), ("VAULT_TOKEN", "root-token")],
        )
    };
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).trim_end().to_owned();

    // A KV v1 mount stores the request as a plain secret and answers 204.
    let v1 = doubles::vault_with("root-token", true);
    let out = keys_new(&v1.url, "on-v1", "kv/ops#pw");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: vault mount `kv` is not KV v2 (it answered the write with 204 No Content, as KV v1 does, and ignored \
         check-and-set): opwallet stores passwords only in a KV v2 mount; no key was made, and what Vault stored at \
         kv/data/ops is of no use: delete it"
    );
    assert!(!dir.join("on-v1").exists(), "no keystore whose password went nowhere");
    assert!(v1.store.lock().expect("lock").contains_key("kv/data/ops"), "the v1 mount did store it");

    // The latest version deleted: reading says so; storing writes version 2 at check-and-set 1.
    let v2 = doubles::vault_with("root-token", false);
    v2.store.lock().expect("lock").insert("secret/ops".into(), serde_json::json!({ "old": "gone" }));
    v2.deleted.lock().expect("lock").insert("secret/ops".into());
    let keystore = dir.join("a-keystore");
    std::fs::write(&keystore, "{}").expect("write");
    let read = crate::harness::offline(
        &["accept-signer", "--keystore", keystore.to_str().expect("utf-8"), "--password-vault", "secret/ops#old"],
        &[("VAULT_ADDR", &v2.url), ("VAULT_TOKEN", "root-token")],
    );
    assert_eq!(
        stderr(&read),
        "error: vault secret secret/ops's latest version (1) is deleted: undelete it (`vault kv undelete \
         -versions=1 secret/ops`) or read an older version"
    );
    let out = keys_new(&v2.url, "after-delete", "secret/ops#pw");
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = v2.store.lock().expect("lock")["secret/ops"].clone();
    assert_eq!(stored.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()), Some(vec!["pw".to_owned()]));
    assert!(dir.join("after-delete").exists());

    // Another client writes between opwallet's read and its write: refused, its write kept, no key made.
    v2.store.lock().expect("lock").insert("secret/race".into(), serde_json::json!({ "mine": "keep" }));
    v2.raced.lock().expect("lock").insert("secret/race".into());
    let out = keys_new(&v2.url, "raced", "secret/race#pw");
    assert_eq!(
        stderr(&out),
        "error: vault refused to store secret/race: the secret changed while opwallet was writing it \
         (check-and-set); nothing was overwritten, run again"
    );
    assert_eq!(v2.store.lock().expect("lock")["secret/race"], serde_json::json!({ "written": "by another client" }));
    assert!(!dir.join("raced").exists());
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn fireblocks_signs_typed_messages_with_a_jwt_authenticated_api() {
    let env = Env::with_wallet().await;
    let (secret, public) = fireblocks_secret(&env.dir);
    let url = doubles::fireblocks("api-key-1", public, ("7", dev_signer(ALICE)));
    let p = env.propose("p.json", &["register-operator", "--metadata-uri", "fireblocks"]);
    let file = p.to_str().expect("utf-8");
    let alice = addr(ALICE).to_string();
    let secret = secret.to_str().expect("utf-8");
    let run_with = |account: &str, api_key: &str, secret_args: &[&str], vars: &[(&str, &str)]| {
        let mut args = vec![
            "sign",
            file,
            "--yes",
            "--fireblocks-vault-account",
            account,
            "--fireblocks-address",
            &alice,
            "--fireblocks-url",
            &url,
        ];
        args.extend_from_slice(secret_args);
        let base = [("FIREBLOCKS_API_KEY", api_key), ("OPWALLET_FIREBLOCKS_POLL_MS", "20")];
        env.run_with(&args, None, &[&base[..], vars].concat())
    };
    let run = |account: &str, api_key: &str| run_with(account, api_key, &["--fireblocks-secret-file", secret], &[]);
    // The error, after the signing screen.
    let stderr = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stderr).trim_end().lines().last().unwrap_or_default().to_owned()
    };
    let before = std::fs::read(&p).expect("read");
    let bad_key = run("7", "not-the-key");
    assert!(stderr(&bad_key).contains("Fireblocks refused the request (401 Unauthorized)"), "{}", stderr(&bad_key));

    // Every final status other than COMPLETED ends the wait at once, named with its sub-status.
    // The double numbers transactions tx-1, tx-2, … as they are created.
    for (n, (account, ending)) in [
        ("rejects", "CANCELLED (REJECTED_BY_USER): a signer rejected it in the Fireblocks app"),
        (
            "blocked",
            "BLOCKED (BLOCKED_BY_POLICY): a Fireblocks policy rule blocked it: the policy (TAP) must allow Typed \
             Message signing by this vault account",
        ),
        ("frozen", "REJECTED (AUTO_FREEZE): Fireblocks rejected it"),
        ("fails", "FAILED (AUTHORIZATION_FAILED): it failed in Fireblocks"),
        ("slow", "TIMEOUT: it was not approved in time on the Fireblocks side"),
    ]
    .into_iter()
    .enumerate()
    {
        let out = run(account, "api-key-1");
        assert_eq!(out.status.code(), Some(1), "{account}");
        assert_eq!(
            stderr(&out),
            format!("error: Fireblocks transaction tx-{} ended {ending}; nothing was signed", n + 1),
            "{account}"
        );
    }
    assert_eq!(doubles::FIREBLOCKS_ENDINGS.len(), 5, "every ending the double knows is tried above");
    // A transaction nobody approves: opwallet's own bound on polling.
    let started = std::time::Instant::now();
    let stuck = run_with(
        "stuck",
        "api-key-1",
        &["--fireblocks-secret-file", secret],
        &[("OPWALLET_FIREBLOCKS_TIMEOUT_MS", "400")],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "the timeout bounds the wait");
    assert!(
        stderr(&stuck).eq(
            "error: Fireblocks transaction tx-6 was not signed within 400ms (still PENDING_AUTHORIZATION): opwallet stopped waiting and nothing was \
             signed; cancel it in Fireblocks, or approve it there and sign again with a longer \
             OPWALLET_FIREBLOCKS_TIMEOUT_MS"
        ),
        "{}",
        stderr(&stuck)
    );
    assert_eq!(std::fs::read(&p).expect("read"), before, "nothing was added");

    // The API secret kept in Vault instead of a file; the transaction passes QUEUED, PENDING_AUTHORIZATION and
    // PENDING_SIGNATURE on its way to COMPLETED.
    let (vault, store) = doubles::vault("root-token");
    store.lock().expect("lock").insert(
        "secret/fireblocks".into(),
        serde_json::json!({ "pem": std::fs::read_to_string(secret).expect("pem") }),
    );
    let ok = run_with(
        "7",
        "api-key-1",
        &["--fireblocks-secret-vault", "secret/fireblocks#pem"],
        &[("VAULT_ADDR", &vault), ("VAULT_TOKEN", "root-token")],
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));
}

/// The Fireblocks double takes typed data only in ethers' shape (chainId a number, integers decimal strings), the
/// one shape known to work against the real API: alloy's own serialisation (what opwallet sent before) is refused.
#[test]
fn fireblocks_double_refuses_typed_data_in_another_shape() {
    let dir = std::env::temp_dir().join(format!("opwallet-fireblocks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (secret, public) = fireblocks_secret(&dir);
    let url = doubles::fireblocks("api-key-1", public, ("7", dev_signer(ALICE)));
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(std::fs::read(&secret).expect("pem").as_slice()).expect("key");
    let post = |content: serde_json::Value| {
        use sha2::Digest;
        let body = serde_json::json!({
            "operation": "TYPED_MESSAGE",
            "assetId": "ETH",
            "source": { "type": "VAULT_ACCOUNT", "id": "7" },
            "extraParameters": { "rawMessageData": { "messages": [{ "content": content, "index": 0, "type": "EIP712" }] } },
        })
        .to_string();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let claims = serde_json::json!({
            "uri": "/v1/transactions", "nonce": "1", "iat": now, "exp": now + 25, "sub": "api-key-1",
            "bodyHash": alloy::primitives::hex::encode(sha2::Sha256::digest(body.as_bytes())),
        });
        let jwt = jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256), &claims, &key)
            .expect("jwt");
        let auth = format!("Bearer {jwt}");
        doubles::http(&url, "POST", "/v1/transactions", &[("x-api-key", "api-key-1"), ("authorization", &auth)], &body)
    };
    let proposal = opwallet_core::proposal::Proposal::execute(
        31337,
        addr(BOB),
        0,
        1,
        2_000_000_000,
        0,
        vec![opwallet_core::proposal::ProposedCall::new(addr(CAROL), vec![0x01])],
    );
    let alloy_shape = serde_json::to_value(&proposal.typed_data).expect("json");
    assert_eq!(alloy_shape["domain"]["chainId"], "0x7a69", "alloy writes numbers as hex strings");
    let refused = |content: serde_json::Value| {
        let (status, body) = post(content);
        (status, serde_json::from_str::<serde_json::Value>(&body).expect("json")["message"].as_str().map(str::to_owned))
    };
    let message = |m: &str| (400, Some(m.to_owned()));
    assert_eq!(refused(alloy_shape.clone()), message("domain.chainId must be a number, not \"0x7a69\""));
    let mut hex_numbers = alloy_shape.clone();
    hex_numbers["domain"]["chainId"] = serde_json::json!(31337);
    assert_eq!(refused(hex_numbers.clone()), message("a uint256 must be a decimal string, not \"0x0\""));
    assert_eq!(
        refused(serde_json::json!(alloy_shape.to_string())),
        message("EIP712 content must be the typed data object")
    );
    // The ethers shape is taken.
    let mut ethers = hex_numbers;
    ethers["message"]["nonce"] = serde_json::json!("1");
    ethers["message"]["deadline"] = serde_json::json!("2000000000");
    ethers["message"]["minGas"] = serde_json::json!("0");
    ethers["message"]["calls"][0]["value"] = serde_json::json!("0");
    let (status, body) = post(ethers);
    assert_eq!(status, 200, "{body}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn aws_kms_key_signs_through_localstack() {
    use alloy::signers::aws::aws_sdk_kms;
    let env = Env::new().await;
    let localstack = doubles::LocalStack::start();
    let aws_env = localstack.env();

    // A secp256k1 signing key in KMS, created the AWS way.
    let config = localstack.sdk_config().await;
    let kms = aws_sdk_kms::Client::new(&config);
    let key = kms
        .create_key()
        .key_spec(aws_sdk_kms::types::KeySpec::EccSecgP256K1)
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .send()
        .await
        .expect("create key");
    let key_id = key.key_metadata().expect("metadata").key_id().to_owned();
    let kms_address = alloy::signers::Signer::address(
        &alloy::signers::aws::AwsSigner::new(kms.clone(), key_id.clone(), None).await.expect("signer"),
    );

    let signers = format!("{kms_address},{}", addr(ALICE));
    let wallet = env.ok(&["deploy", "--signers", &signers, "--threshold", "2"], Some(DEPLOYER));
    let wallet = wallet.trim();
    let p = env.path("kms.json");
    let file = p.to_str().expect("utf-8");
    env.ok(&["--wallet", wallet, "propose", "register-operator", "--metadata-uri", "kms", "-o", file], None);
    let sign =
        |key: &str| env.run_with(&["--wallet", wallet, "sign", file, "--yes", "--aws-kms-key", key], None, &aws_env);
    let unknown = sign("00000000-0000-0000-0000-000000000000");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("AWS KMS key `00000000-0000-0000-0000-000000000000`"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    // A key on the wrong curve, a disabled key, and a good key that is not a signer of this wallet: each
    // refused before anything is signed, naming the key.
    let p256 = kms
        .create_key()
        .key_spec(aws_sdk_kms::types::KeySpec::EccNistP256)
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .send()
        .await
        .expect("create key");
    let p256 = p256.key_metadata().expect("metadata").key_id().to_owned();
    let wrong_curve = sign(&p256);
    assert_eq!(
        String::from_utf8_lossy(&wrong_curve.stderr).trim_end(),
        format!(
            "error: AWS KMS key `{p256}` has key spec ECC_NIST_P256: Ethereum signatures need \
             ECC_SECG_P256K1 (secp256k1)"
        )
    );
    let other = kms
        .create_key()
        .key_spec(aws_sdk_kms::types::KeySpec::EccSecgP256K1)
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .send()
        .await
        .expect("create key");
    let other = other.key_metadata().expect("metadata").key_id().to_owned();
    let other_address = alloy::signers::Signer::address(
        &alloy::signers::aws::AwsSigner::new(kms.clone(), other.clone(), None).await.expect("signer"),
    );
    let not_a_signer = sign(&other);
    assert_eq!(
        String::from_utf8_lossy(&not_a_signer.stderr).trim_end(),
        format!("error: {other_address} is not a signer of {wallet}: nothing was signed")
    );
    kms.disable_key().key_id(&other).send().await.expect("disable");
    let disabled = sign(&other);
    assert_eq!(
        String::from_utf8_lossy(&disabled.stderr).trim_end(),
        format!("error: AWS KMS key `{other}` is disabled: enable it in KMS")
    );

    // The good key, by alias as operators name keys.
    kms.create_alias().alias_name("alias/opwallet-operator").target_key_id(&key_id).send().await.expect("alias");
    let signed = sign("alias/opwallet-operator");
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    env.ok(&["--wallet", wallet, "sign", file, "--yes"], Some(ALICE));

    // The KMS key also pays for the execution: no hot key with gas money on the operator's machine.
    let execute =
        |key: &str| env.run_with(&["--wallet", wallet, "execute", file, "--aws-kms-key", key], None, &aws_env);
    let unfunded = execute("alias/opwallet-operator");
    assert_eq!(
        String::from_utf8_lossy(&unfunded.stderr).trim_end().lines().last().unwrap_or_default(),
        format!(
            "error: the sender {kms_address} cannot pay for gas (insufficient funds): fund it, or send with another \
             key; nothing was sent"
        )
    );
    use alloy::providers::{Provider, ext::AnvilApi};
    let provider = env.fork.provider();
    provider.anvil_set_balance(kms_address, alloy::primitives::U256::from(10u128.pow(18))).await.expect("fund");
    let nonce_before = provider.get_transaction_count(kms_address).await.expect("nonce");
    let executed = execute("alias/opwallet-operator");
    assert!(executed.status.success(), "{}", String::from_utf8_lossy(&executed.stderr));
    assert_eq!(provider.get_transaction_count(kms_address).await.expect("nonce"), nonce_before + 1, "KMS sent it");
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(wallet.parse().expect("address")).call().await.expect("view"));
}

#[tokio::test]
async fn keystores_and_passwords_from_aws_secrets_manager() {
    let env = Env::new().await;
    let localstack = doubles::LocalStack::start();
    let aws_env = localstack.env();

    // `keys new` with a password that exists only in a file, deleted straight after.
    let dir = env.path("keys");
    let new_key = |name: &str, password: &str| -> Address {
        let password_file = env.path("pw");
        std::fs::write(&password_file, format!("{password}\n")).expect("write");
        let (d, f) = (dir.to_str().expect("utf-8"), password_file.to_str().expect("utf-8"));
        let created = env.ok(&["keys", "new", "--dir", d, "--name", name, "--password-file", f], None);
        std::fs::remove_file(&password_file).expect("remove");
        created.trim().parse().expect("address")
    };
    // An operations key whose keystore password lives only in Secrets Manager (as a JSON secret).
    let ops = new_key("ops", "correct horse battery staple");
    let config = localstack.sdk_config().await;
    aws_sdk_secretsmanager::Client::new(&config)
        .create_secret()
        .name("opwallet/ops")
        .secret_string(r#"{"password":"correct horse battery staple"}"#)
        .send()
        .await
        .expect("create secret");

    // A cold key kept entirely in Secrets Manager: its keystore JSON is one secret (the whole string), its
    // password another, and the local file is gone before it signs.
    // Its password is generated straight into Secrets Manager by `keys new`: nobody ever sees it.
    let cold_dir = dir.to_str().expect("utf-8");
    let create = |secret: &str| {
        env.run_with(
            &["keys", "new", "--dir", cold_dir, "--name", "cold", "--store-password-aws-secret", secret],
            None,
            &aws_env,
        )
    };
    let taken = create("opwallet/ops");
    assert_eq!(
        String::from_utf8_lossy(&taken.stderr).trim_end(),
        "error: AWS Secrets Manager secret `opwallet/ops` already exists: choose another name (opwallet never \
         overwrites a password)"
    );
    let created = create("opwallet/cold");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let cold: Address = String::from_utf8_lossy(&created.stdout).trim().parse().expect("stdout is only the address");
    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    let cold_keystore = std::fs::read_to_string(dir.join("cold")).expect("keystore");
    std::fs::remove_file(dir.join("cold")).expect("remove");
    secrets.create_secret().name("opwallet/cold-keystore").secret_string(cold_keystore).send().await.expect("create");

    let wallet =
        env.ok(&["deploy", "--signers", &format!("{ops},{cold},{}", addr(ALICE)), "--threshold", "3"], Some(DEPLOYER));
    let wallet = wallet.trim();
    let p = env.path("p.json");
    let file = p.to_str().expect("utf-8");
    env.ok(
        &["--wallet", wallet, "propose", "register-operator", "--metadata-uri", "secrets-manager", "-o", file],
        None,
    );
    let keystore = dir.join("ops");
    // `sign` with the AWS environment and the given key options.
    let sign_with =
        |key: &[&str]| env.run_with(&[&["--wallet", wallet, "sign", file, "--yes"][..], key].concat(), None, &aws_env);
    let sign = |reference: &str| {
        sign_with(&["--keystore", keystore.to_str().expect("utf-8"), "--password-aws-secret", reference])
    };
    let missing = sign("opwallet/nope#password");
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("AWS Secrets Manager secret `opwallet/nope`"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let no_field = sign("opwallet/ops#passphrase");
    assert!(
        String::from_utf8_lossy(&no_field.stderr)
            .contains("AWS Secrets Manager secret `opwallet/ops` has no field `passphrase`")
    );
    let ok = sign("opwallet/ops#password");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let cold_signs = |password: &str| {
        sign_with(&["--keystore-aws-secret", "opwallet/cold-keystore", "--password-aws-secret", password])
    };
    let wrong = cold_signs("opwallet/ops#password");
    assert_eq!(
        String::from_utf8_lossy(&wrong.stderr).trim_end(),
        "error: wrong password for keystore in AWS Secrets Manager secret opwallet/cold-keystore"
    );
    let cold_ok = cold_signs("opwallet/cold");
    assert!(cold_ok.status.success(), "{}", String::from_utf8_lossy(&cold_ok.stderr));
    // Alice's key is in Fireblocks, whose API secret is kept in Secrets Manager (the whole string).
    let (secret, public) = fireblocks_secret(&env.dir);
    let fireblocks = doubles::fireblocks("api-key-1", public, ("7", dev_signer(ALICE)));
    secrets
        .create_secret()
        .name("opwallet/fireblocks")
        .secret_string(std::fs::read_to_string(&secret).expect("pem"))
        .send()
        .await
        .expect("create");
    std::fs::remove_file(&secret).expect("remove");
    let alice = addr(ALICE).to_string();
    let fireblocks_signs = env.run_with(
        &[
            "--wallet",
            wallet,
            "sign",
            file,
            "--yes",
            "--fireblocks-vault-account",
            "7",
            "--fireblocks-address",
            &alice,
            "--fireblocks-url",
            &fireblocks,
            "--fireblocks-secret-aws",
            "opwallet/fireblocks",
        ],
        None,
        &[&aws_env[..], &[("FIREBLOCKS_API_KEY", "api-key-1"), ("OPWALLET_FIREBLOCKS_POLL_MS", "20")]].concat(),
    );
    assert!(fireblocks_signs.status.success(), "{}", String::from_utf8_lossy(&fireblocks_signs.stderr));
    env.ok(&["--wallet", wallet, "execute", file], Some(DEPLOYER));
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, env.fork.provider());
    assert!(dm.isOperator(wallet.parse().expect("address")).call().await.expect("view"));
}
