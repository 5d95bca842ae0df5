//! The `opwallet-devnet` binary as users run it: output on stdout, errors that say what to fix, exit codes.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_opwallet-devnet");

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("ETH_RPC_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn up_without_anvil_says_how_to_install_it() {
    let out = run(&["up", "--port", "0"], &[("ANVIL_BIN", "/nonexistent/anvil")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("anvil not found (looked for ANVIL_BIN=/nonexistent/anvil)"), "{err}");
    assert!(err.contains("run `make deps`"), "{err}");
}

#[test]
fn up_on_a_taken_port_names_the_port() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = run(&["up", "--port", &port], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("port {port} on 127.0.0.1 is already in use")), "{}", stderr(&out));
}

#[test]
fn deploy_refuses_a_chain_that_is_not_anvil() {
    // A JSON-RPC endpoint that is not Anvil: answers every request with "method not found".
    let server = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", server.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        for stream in server.incoming().take(4) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = r#"{"jsonrpc":"2.0","id":0,"error":{"code":-32601,"message":"the method anvil_nodeInfo does not exist"}}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = run(&["deploy", "--rpc-url", &url], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("refusing to deploy onto {url}: it is not a development chain")), "{err}");
    drop(handle);
}

#[test]
fn deploy_rejects_a_malformed_url() {
    let out = run(&["deploy", "--rpc-url", "not a url"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--rpc-url `not a url` is not a URL"), "{}", stderr(&out));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    assert_eq!(run(&["launch"], &[]).status.code(), Some(2));
}

/// `up --json` prints one JSON document with the RPC URL and the address book, serves a chain that has
/// EigenLayer, and stops (with its Anvil) on SIGINT.
#[test]
fn up_prints_the_book_and_stops_on_interrupt() {
    let mut child = Command::new(BIN)
        .args(["up", "--port", "0", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut doc = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("read") == 0 {
            break;
        }
        doc.push_str(&line);
        if line == "}\n" {
            break;
        }
    }
    let json: serde_json::Value = serde_json::from_str(&doc).expect("stdout is one JSON document");
    let url = json["rpcUrl"].as_str().expect("rpcUrl").to_owned();
    let dm = json["addresses"]["devnet"]["DelegationManager"].as_str().expect("DelegationManager").to_owned();
    assert_eq!(json["addresses"]["devnet"]["release"], "1.13.0");

    // The chain answers and has code at the DelegationManager.
    let code = rpc(&url, "eth_getCode", &format!(r#"["{dm}","latest"]"#));
    assert!(code.len() > 10, "no code at DelegationManager: {code}");

    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "{exit:?}");
    // Anvil went with it: its port no longer answers.
    assert!(std::net::TcpStream::connect(url.trim_start_matches("http://").trim_end_matches('/')).is_err());
}

fn rpc(url: &str, method: &str, params: &str) -> String {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
    write!(s, "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
        .expect("write");
    let mut response = String::new();
    s.read_to_string(&mut response).expect("read");
    let json = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    v["result"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn deploy_onto_a_running_anvil_prints_a_deterministic_book() {
    let anvil = alloy::node_bindings::Anvil::at(opwallet_devnet::anvil_binary().expect("make deps installs anvil"))
        .timeout(20_000)
        .try_spawn()
        .expect("anvil starts");
    let out = run(&["deploy", "--rpc-url", &anvil.endpoint(), "--json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let book = &json["addresses"]["devnet"];
    let pauser: alloy::primitives::Address =
        book["PauserRegistry"].as_str().expect("PauserRegistry").parse().expect("address");
    assert_eq!(pauser, opwallet_devnet::dev_signer(0).address().create(0));
    for name in ["DelegationManager", "AllocationManager", "AVSDirectory", "OperatorSetAVS", "LegacyAVS"] {
        assert!(book[name].is_string(), "{name} missing from {book}");
    }
    assert!(stderr(&out).contains("transactions"), "{}", stderr(&out));
}
