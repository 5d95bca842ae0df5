//! The CLI behind a remote node: every command run through a loopback proxy that adds 100 ms to each JSON-RPC
//! request (a batch is one request), counting requests and sequential round trips.
//!
//! Sequential round trips: the proxy records each request's interval; overlapping requests form one busy stretch,
//! and a stretch of length L holds round(L / 100 ms) round trips that could not overlap. The sum is the command's
//! sequential round trips — what a signer waits for behind a far node, whatever the local work.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use eyre::{Result, ensure, eyre};
use serde::Serialize;

/// The latency each request gets.
pub(crate) const DELAY: Duration = Duration::from_millis(100);

/// One request through the proxy: when it started and ended, and its method(s).
#[derive(Debug, Clone)]
struct Seen {
    start: Instant,
    end: Instant,
    methods: Vec<String>,
}

/// The proxy: loopback, one thread per connection, `DELAY` before forwarding each request to `upstream`.
pub(crate) struct Proxy {
    pub(crate) url: String,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Proxy {
    pub(crate) fn start(upstream: &str) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let shared = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (upstream, log) = (upstream.clone(), shared.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &upstream, &log);
                });
            }
        });
        Ok(Self { url, log })
    }

    fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.log.lock().expect("log"))
    }
}

/// Answers every request on one (keep-alive) connection.
fn serve(stream: TcpStream, upstream: &str, log: &Mutex<Vec<Seen>>) -> Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            if h == "\r\n" || h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        let start = Instant::now();
        std::thread::sleep(DELAY);
        let answer = forward(upstream, &body)?;
        let end = Instant::now();
        let methods = methods(&body);
        log.lock().map_err(|_| eyre!("log"))?.push(Seen { start, end, methods });
        write!(
            writer,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        )?;
        writer.write_all(&answer)?;
        writer.flush()?;
    }
}

fn methods(body: &[u8]) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let one = |v: &serde_json::Value| v["method"].as_str().unwrap_or("?").to_owned();
    match &value {
        serde_json::Value::Array(items) => items.iter().map(one).collect(),
        other => vec![one(other)],
    }
}

/// POSTs `body` to the upstream Anvil and returns its answer's body.
fn forward(upstream: &str, body: &[u8]) -> Result<Vec<u8>> {
    let mut s = TcpStream::connect(upstream)?;
    write!(
        s,
        "POST / HTTP/1.1\r\nhost: {upstream}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    s.write_all(body)?;
    let mut response = Vec::new();
    s.read_to_end(&mut response)?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| eyre!("no HTTP answer"))? + 4;
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let mut rest = response[split..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let line_end = rest[at..].windows(2).position(|w| w == b"\r\n").ok_or_else(|| eyre!("chunk"))? + at;
            let size = usize::from_str_radix(std::str::from_utf8(&rest[at..line_end])?.trim(), 16)?;
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            at = line_end + 2 + size + 2;
        }
        rest = out;
    }
    Ok(rest)
}

/// Sequential round trips in `seen`: busy stretches of overlapping requests, each worth round(length / DELAY).
fn round_trips(seen: &[Seen]) -> u64 {
    let mut intervals: Vec<(Instant, Instant)> = seen.iter().map(|s| (s.start, s.end)).collect();
    intervals.sort();
    let mut total = 0u64;
    let mut current: Option<(Instant, Instant)> = None;
    for (start, end) in intervals {
        current = match current {
            Some((s, e)) if start < e => Some((s, e.max(end))),
            Some((s, e)) => {
                total += ((e - s).as_secs_f64() / DELAY.as_secs_f64()).round() as u64;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        total += ((e - s).as_secs_f64() / DELAY.as_secs_f64()).round() as u64;
    }
    total
}

/// One command's figures.
#[derive(Debug, Serialize)]
pub(crate) struct Measured {
    pub(crate) command: String,
    pub(crate) requests: usize,
    pub(crate) round_trips: u64,
    pub(crate) wall_ms: f64,
    /// The goal for sequential round trips (issue 14: 2 for reads, propose, sign, status, signature; 3 for deploy
    /// and execute, besides waiting for the receipt).
    pub(crate) goal: u64,
    pub(crate) methods: Vec<String>,
}

/// Runs `opwallet ARGS` with `env` through `proxy`; the command must succeed.
pub(crate) fn measure(
    proxy: &Proxy,
    bin: &Path,
    label: &str,
    args: &[&str],
    env: &[(&str, &str)],
    goal: u64,
) -> Result<Measured> {
    proxy.take();
    let started = Instant::now();
    let out = Command::new(bin).args(args).envs(env.iter().copied()).env("ETH_RPC_URL", &proxy.url).output()?;
    let wall = started.elapsed();
    ensure!(out.status.success(), "opwallet {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut seen = proxy.take();
    seen.sort_by_key(|s| s.start);
    // Waiting for a receipt is not a round trip the command could save: count up to the send.
    if let Some(send) = seen.iter().position(|s| s.methods.iter().any(|m| m == "eth_sendRawTransaction")) {
        seen.truncate(send + 1);
    }
    Ok(Measured {
        command: label.to_owned(),
        requests: seen.len(),
        round_trips: round_trips(&seen),
        wall_ms: wall.as_secs_f64() * 1e3,
        goal,
        methods: seen.iter().flat_map(|s| s.methods.clone()).collect(),
    })
}
