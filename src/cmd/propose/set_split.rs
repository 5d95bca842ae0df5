use alloy::primitives::Address;
use clap::{ArgGroup, Args};
use eyre::Result;
use opwallet_bindings::eigenlayer::OperatorSet;
use opwallet_core::actions::set_split::{SetSplit, SplitOf};

use super::Out;
use crate::opts::parse;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("of").required(true).args(["avs", "pi", "operator_set"])))]
pub(crate) struct SetSplitArgs {
    /// The split of rewards from this AVS.
    #[arg(long, value_parser = parse::address)]
    avs: Option<Address>,
    /// The split of programmatic incentives.
    #[arg(long)]
    pi: bool,
    /// The split of rewards from this operator set, AVS:ID.
    #[arg(long, value_name = "AVS:ID", value_parser = parse::operator_set)]
    operator_set: Option<OperatorSet>,
    /// The operator's share, in bips (10,000 = 100 %).
    #[arg(long)]
    bips: u16,
    #[command(flatten)]
    out: Out,
}

impl SetSplitArgs {
    pub(super) async fn action(self, now: u64, _wallet: Address) -> Result<(SetSplit, Out)> {
        let of = match (self.avs, self.pi, self.operator_set) {
            (Some(avs), _, _) => SplitOf::Avs(avs),
            (_, true, _) => SplitOf::ProgrammaticIncentives,
            (_, _, Some(set)) => SplitOf::OperatorSet(set),
            _ => eyre::bail!("choose --avs, --pi or --operator-set"),
        };
        Ok((SetSplit { of, bips: self.bips, now }, self.out))
    }
}
