//! End-to-end tests of the `opwallet` binary against real EigenLayer 1.13.0 on Anvil forks of the devnet.
//! One integration binary; each test gets its own devnet (from the state cache) and its own fork.

mod attacks;
mod backends;
mod bad_input;
mod bls;
mod doubles;
mod flows;
mod ground;
mod harness;
mod ledger;
mod lifecycle;
mod snapshots;

/// The signing screen's date for a unix time, computed independently of the CLI (`date -u`).
fn screen_date(secs: u64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%d %H:%M UTC"])
        .output()
        .expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
