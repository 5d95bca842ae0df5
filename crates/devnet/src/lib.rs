//! A local EigenLayer chain for opwallet's demo and tests, and the Anvil-fork harness every test uses.
//!
//! - [`Devnet`]: Anvil with EigenLayer release 1.13.0 deployed behind OpenZeppelin proxies (compiled from
//!   EigenLayer's pinned source, byte-identical to its CI build: `eigenlayer/core/manifest.json`), a staked test
//!   token, test AVSs (operator sets including a redistributing one, KeyRegistrar sets, a legacy AVSDirectory AVS, a
//!   BLS AVS), deterministic addresses, a mainnet-shaped variant (`like`), and a state cache so a ready chain is up
//!   in well under two seconds after the first deployment.
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
pub mod rewards;
pub mod safe;

pub use anvil::{anvil_binary, dev_signer, dev_wallet};
pub use chain::{Devnet, DevnetOptions, StateSource};
pub use deploy::{
    BLS_APK_REGISTRY, BLS_AVS, Deployment, LEGACY_AVS, OPERATOR_SET_AVS, REDISTRIBUTION_RECIPIENT,
    REDISTRIBUTION_RECIPIENT_INDEX, RELEASE, REWARD_TOKEN, REWARDS_UPDATER, REWARDS_UPDATER_INDEX, SLASHER,
    SLASHER_INDEX, STAKE_STRATEGY, STAKE_TOKEN, STAKER, STAKER_INDEX, STRATEGY_FACTORY, WALLET_FACTORY,
    deploy_eigenlayer, params,
};
pub use error::Error;
pub use fork::{FORK_URL_ENV, Fork};
pub use opwallet_core::AddressBook;
pub use release::Release;
