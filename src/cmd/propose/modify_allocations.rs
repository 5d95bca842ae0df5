use alloy::primitives::Address;
use clap::Args;
use eyre::{Result, bail};
use opwallet_bindings::eigenlayer::OperatorSet;
use opwallet_core::actions::modify_allocations::{Allocation, Magnitude, ModifyAllocations};

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
pub(crate) struct ModifyAllocationsArgs {
    /// An allocation, AVS:ID:STRATEGY=AMOUNT, the amount a percentage (`50%`), bips (`2500bips`) of the strategy's
    /// max magnitude, or a raw magnitude. Repeat for several sets and strategies (one transaction).
    #[arg(long, value_name = "AVS:ID:STRATEGY=AMOUNT", value_parser = parse_allocation)]
    allocate: Vec<Allocation>,
    /// With --id, --strategies and --magnitudes: one set's raw magnitudes (the older form).
    #[arg(long, value_parser = parse::address, requires_all = ["id", "strategies", "magnitudes"])]
    avs: Option<Address>,
    #[arg(long)]
    id: Option<u32>,
    /// Strategies, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse::address)]
    strategies: Vec<Address>,
    /// New magnitudes (1e18 = all), comma-separated, one per strategy.
    #[arg(long, value_delimiter = ',')]
    magnitudes: Vec<u64>,
    /// Allocate even if a set redistributes slashed stake to a third party.
    #[arg(long)]
    allow_redistributing: bool,
    #[command(flatten)]
    out: Out,
}

fn parse_allocation(s: &str) -> Result<Allocation, String> {
    let (left, amount) = s.split_once('=').ok_or("expected AVS:ID:STRATEGY=AMOUNT")?;
    let mut parts = left.split(':');
    let (Some(avs), Some(id), Some(strategy), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("expected AVS:ID:STRATEGY=AMOUNT".into());
    };
    let set = parse::operator_set(&format!("{avs}:{id}"))?;
    Ok(Allocation { set, strategy: parse::address(strategy)?, magnitude: Magnitude::parse(amount)? })
}

impl ModifyAllocationsArgs {
    pub(super) async fn action(self, _now: u64, _wallet: Address) -> Result<(ModifyAllocations, Out)> {
        let mut allocations = self.allocate;
        if let (Some(avs), Some(id)) = (self.avs, self.id) {
            if self.strategies.len() != self.magnitudes.len() {
                bail!(
                    "--strategies has {} entries but --magnitudes has {}: give one magnitude per strategy",
                    self.strategies.len(),
                    self.magnitudes.len()
                );
            }
            let set = OperatorSet { avs, id };
            allocations.extend(self.strategies.iter().zip(&self.magnitudes).map(|(s, m)| Allocation {
                set: set.clone(),
                strategy: *s,
                magnitude: Magnitude::Raw(*m),
            }));
        }
        if allocations.is_empty() {
            bail!("give at least one --allocate AVS:ID:STRATEGY=AMOUNT (or --avs/--id/--strategies/--magnitudes)");
        }
        Ok((ModifyAllocations { allocations, allow_redistributing: self.allow_redistributing }, self.out))
    }
}
