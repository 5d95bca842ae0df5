//! End-to-end tests of the `opwallet` binary against real EigenLayer 1.13.0 on Anvil forks of the devnet.
//! One integration binary; each test gets its own devnet (from the state cache) and its own fork.

mod attacks;
mod backends;
mod bad_input;
mod bls;
mod commands;
mod doubles;
mod factory;
mod flows;
mod ground;
mod harness;
mod ledger;
mod lifecycle;
mod snapshots;
mod store;
mod web3j;
mod workflow;

/// The signing screen's date for a unix time, computed independently of the CLI (`date -u`).
fn screen_date(secs: u64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%d %H:%M UTC"])
        .output()
        .expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `text` with the simulation's gas figures replaced by `N` (they move with every contract change; what a screen
/// says around them is pinned exactly).
fn without_gas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("succeeds, ") {
        let (head, tail) = rest.split_at(at + "succeeds, ".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && tail[digits..].starts_with(" gas") {
            out.push('N');
            rest = &tail[digits..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}
