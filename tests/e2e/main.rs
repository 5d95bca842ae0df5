//! End-to-end tests of the `opwallet` binary against real EigenLayer 1.3.0 on Anvil forks of the devnet.
//! One integration binary; each test gets its own devnet (from the state cache) and its own fork.

mod attacks;
mod backends;
mod bad_input;
mod bls;
mod doubles;
mod flows;
mod harness;
mod ledger;
mod snapshots;
