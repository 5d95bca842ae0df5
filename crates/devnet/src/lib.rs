//! A local EigenLayer chain for opwallet's demo and tests, and the Anvil-fork harness every test uses.
//!
//! - [`Devnet`]: Anvil with EigenLayer release 1.3.0 deployed behind OpenZeppelin proxies (the bytecode is
//!   EigenLayer's own, extracted from the crate `eigen-utils` 2.0.0), two test AVSs, deterministic addresses,
//!   and a state cache so a ready chain is up in well under two seconds after the first deployment.
//! - [`Fork`]: a private Anvil forked from a devnet (or from a live network with `OPWALLET_FORK_URL`), with
//!   funded dev signers, impersonation and snapshots; killed on drop.
//! - [`Release`]: what EigenLayer release a chain runs and which features it has.

mod anvil;
mod chain;
pub mod contracts;
mod deploy;
mod error;
mod fork;
mod release;
pub mod safe;

pub use anvil::{anvil_binary, dev_signer};
pub use chain::{Devnet, DevnetOptions, StateSource};
pub use deploy::{
    BLS_APK_REGISTRY, BLS_AVS, Deployment, LEGACY_AVS, OPERATOR_SET_AVS, RELEASE, WALLET_FACTORY, deploy_eigenlayer,
};
pub use error::Error;
pub use fork::{FORK_URL_ENV, Fork};
pub use opwallet_core::AddressBook;
pub use release::Release;
